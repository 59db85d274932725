#include "api/params.hpp"

#include <chrono>
#include <ctime>

#include "normalise/text.hpp"

namespace tonghop::api {

namespace {

bool digits(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

int this_year() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm local{};
  localtime_r(&t, &local);
  return local.tm_year + 1900;
}

// The length of the valid UTF-8 sequence at s[i], or 0.
std::size_t sequence(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  unsigned lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) n = 2;
  else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;  // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (b(i + 1) < lo || b(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (b(i + k) < 0x80 || b(i + k) > 0xBF) return 0;
  return n;
}

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

}  // namespace

std::optional<std::int64_t> parse_id(std::string_view text) {
  if (!digits(text) || text.size() > 18 || (text.size() > 1 && text[0] == '0')) return std::nullopt;
  std::int64_t v = 0;
  for (const char c : text) v = v * 10 + (c - '0');
  return v;
}

bool period_year_allowed(std::string_view canonical) {
  if (canonical.size() < 4 || !digits(canonical.substr(0, 4))) return false;
  const int year = (canonical[0] - '0') * 1000 + (canonical[1] - '0') * 100 + (canonical[2] - '0') * 10 + (canonical[3] - '0');
  return year >= 1930 && year <= this_year() + 1;
}

std::optional<std::string> parse_period_strict(std::string_view text) {
  if (text.size() < 4 || !digits(text.substr(0, 4)) || !period_year_allowed(text)) return std::nullopt;
  if (text.size() == 4) return std::string(text);
  if (text.size() != 7 || text[4] != '-') return std::nullopt;
  const char a = text[5], b = text[6];
  const bool ok = (a == 'H' && (b == '1' || b == '2')) || (a == 'Q' && b >= '1' && b <= '4') ||
                  (a == '0' && b >= '1' && b <= '9') || (a == '1' && b >= '0' && b <= '2');
  if (!ok) return std::nullopt;
  return std::string(text);
}

std::optional<std::string> parse_period_param(std::string_view text) {
  if (auto strict = parse_period_strict(text)) return strict;
  // An alias is words and a year ("Năm 2018", "Quý 3 năm 2018"): a letter
  // first, no space at either end, no control character anywhere.
  if (text.empty() || text.size() > 100) return std::nullopt;
  const auto first = static_cast<unsigned char>(text.front());
  if (!((first >= 'A' && first <= 'Z') || (first >= 'a' && first <= 'z') || first >= 0x80)) return std::nullopt;
  const auto last = static_cast<unsigned char>(text.back());
  if (last == ' ' || last == '\t') return std::nullopt;
  for (const char c : text)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return std::nullopt;
  auto p = normalise::parse_period(text);
  if (!p || !period_year_allowed(*p)) return std::nullopt;
  return p;
}

std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = sequence(text, i);
    if (n == 0) {
      out += kReplacement;
      ++i;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::string clean_filename(std::string_view name) {
  const auto slash = name.find_last_of("/\\");
  if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
  const std::string utf8 = valid_utf8(name);
  std::string out;
  for (std::size_t i = 0; i < utf8.size();) {
    const std::size_t n = sequence(utf8, i);
    const auto c = static_cast<unsigned char>(utf8[i]);
    const bool control = n == 1 && (c < 0x20 || c == 0x7F || c == '"');
    // U+0080..U+009F (C1 controls) and U+2028/2029 (line separators) too.
    const bool c1 = n == 2 && c == 0xC2 && static_cast<unsigned char>(utf8[i + 1]) < 0xA0;
    const bool separator = n == 3 && utf8.compare(i, 2, "\xE2\x80") == 0 &&
                           (static_cast<unsigned char>(utf8[i + 2]) == 0xA8 || static_cast<unsigned char>(utf8[i + 2]) == 0xA9);
    if (!control && !c1 && !separator) {
      if (out.size() + n > 255) break;
      out.append(utf8, i, n);
    }
    i += n;
  }
  if (out.empty() || out == "." || out == "..") out = "upload";
  return out;
}

std::string echo(std::string_view value) { return cut(value, 200); }

std::string cut(std::string_view value, std::size_t most) {
  const std::string utf8 = valid_utf8(value.substr(0, 4 * most + 4));
  std::string out;
  std::size_t chars = 0;
  for (std::size_t i = 0; i < utf8.size(); i += sequence(utf8, i)) {
    if (chars == most) return out + "…";
    out.append(utf8, i, sequence(utf8, i));
    ++chars;
  }
  return out;
}

}  // namespace tonghop::api
