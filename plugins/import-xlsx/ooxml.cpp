#include "ooxml.hpp"

#include <charconv>

namespace tonghop::xlsx {

void unescape_ooxml(std::string& s) {
  if (s.find("_x") == std::string::npos) return;
  std::string out;
  out.reserve(s.size());
  auto hex = [](char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '_' && i + 6 < s.size() && s[i + 1] == 'x' && s[i + 6] == '_' && hex(s[i + 2]) >= 0 &&
        hex(s[i + 3]) >= 0 && hex(s[i + 4]) >= 0 && hex(s[i + 5]) >= 0) {
      const unsigned cp = static_cast<unsigned>(hex(s[i + 2]) << 12 | hex(s[i + 3]) << 8 | hex(s[i + 4]) << 4 | hex(s[i + 5]));
      if (cp < 0x80) out += static_cast<char>(cp);
      else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
      } else {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
      }
      i += 6;
    } else {
      out += s[i];
    }
  }
  s = std::move(out);
}

std::string_view number_text(double v, char (&buf)[32]) {
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string_view(buf, static_cast<std::size_t>(end - buf)) : std::string_view{};
}

std::string resolve_target(std::string_view base_dir, std::string_view target) {
  if (!target.empty() && target[0] == '/') return std::string(target.substr(1));
  std::string path(base_dir);
  while (target.starts_with("../")) {
    target.remove_prefix(3);
    if (!path.empty()) path.pop_back();
    const auto slash = path.rfind('/');
    path = slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
  }
  if (target.starts_with("./")) target.remove_prefix(2);
  return path + std::string(target);
}

std::int64_t color_rgb(std::string_view rgb, std::string_view theme, std::string_view tint, std::string_view indexed,
                       std::string_view automatic) {
  if (automatic == "1" || automatic == "true" || indexed == "64") return kAutomatic;
  if (!rgb.empty()) {
    if (rgb.size() != 8 && rgb.size() != 6) return -1;
    std::int64_t v = 0;
    for (const char c : rgb.substr(rgb.size() - 6)) {
      const int d = c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
      if (d < 0) return -1;
      v = v * 16 + d;
    }
    return v;
  }
  if (!theme.empty()) {
    if (!tint.empty() && tint != "0") return -1;
    return theme == "0" ? 0xFFFFFF : theme == "1" ? 0 : -1;
  }
  if (indexed == "0" || indexed == "8") return 0;
  if (indexed == "1" || indexed == "9" || indexed == "65") return 0xFFFFFF;
  return -1;
}

}  // namespace tonghop::xlsx
