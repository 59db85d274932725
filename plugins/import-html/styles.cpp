#include "styles.hpp"

#include <algorithm>
#include <cstdio>
#include <utility>

namespace tonghop::html {

namespace {
bool space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
bool class_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool hex_digit(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }
// The value of `property` among lower-case declarations without spaces ("" when none).
std::string_view value_of(std::string_view d, std::string_view property) {
  std::string_view found;
  for (std::size_t at = 0; at < d.size();) {
    std::size_t end = d.find(';', at);
    if (end == std::string_view::npos) end = d.size();
    const std::string_view one = d.substr(at, end - at);
    if (one.size() > property.size() && one.starts_with(property) && one[property.size()] == ':')
      found = one.substr(property.size() + 1);  // the last one wins, as in CSS
    at = end + 1;
  }
  if (const auto bang = found.find('!'); bang != std::string_view::npos) found = found.substr(0, bang);
  return found;
}
}  // namespace

void merge(CssEffect& into, const CssEffect& e) {
  into.struck |= e.struck;
  into.removed |= e.removed;
  into.invisible |= e.invisible;
  if (!e.color.empty()) into.color = e.color;
  if (!e.background.empty()) into.background = e.background;
}

CssEffect css_effect(std::string_view declarations) {
  std::string d;  // lower case, no white space, no !important
  d.reserve(declarations.size());
  for (const char c : declarations)
    if (!space(c)) d.push_back(lower(c));
  CssEffect e;
  e.struck = d.find("line-through") != std::string::npos;
  e.removed = d.find("display:none") != std::string::npos || d.find("mso-hide:all") != std::string::npos;
  e.invisible = d.find("visibility:hidden") != std::string::npos;
  e.color = normal_color(value_of(d, "color"));
  e.background = normal_color(value_of(d, "background-color"));
  if (e.background.empty()) {
    // The shorthand: its colour is the token that reads as one.
    const std::string_view b = value_of(d, "background");
    for (const std::string_view token : {b.substr(0, b.find_first_of(" (")), b})
      if (auto c = normal_color(token); !c.empty() && c[0] == '#') {
        e.background = c;
        break;
      }
  }
  return e;
}

std::string normal_color(std::string_view v) {
  std::string c;
  for (const char ch : v)
    if (!space(ch) && ch != '"' && ch != '\'') c.push_back(lower(ch));
  if (c.empty()) return c;
  // HTML's sixteen colour names, and orange.
  static constexpr std::pair<std::string_view, std::string_view> kNamed[] = {
      {"white", "#ffffff"}, {"black", "#000000"},  {"red", "#ff0000"},    {"green", "#008000"}, {"blue", "#0000ff"},
      {"yellow", "#ffff00"}, {"silver", "#c0c0c0"}, {"gray", "#808080"},   {"grey", "#808080"},  {"maroon", "#800000"},
      {"navy", "#000080"},  {"olive", "#808000"},  {"purple", "#800080"}, {"teal", "#008080"},  {"aqua", "#00ffff"},
      {"cyan", "#00ffff"},  {"fuchsia", "#ff00ff"}, {"magenta", "#ff00ff"}, {"lime", "#00ff00"}, {"orange", "#ffa500"}};
  for (const auto& [name, hex] : kNamed)
    if (c == name) return std::string(hex);
  if (c[0] != '#' && c.size() == 6 && std::all_of(c.begin(), c.end(), hex_digit)) c.insert(c.begin(), '#');  // bgcolor=FFFFFF
  if (c[0] == '#' && c.size() == 4 && std::all_of(c.begin() + 1, c.end(), hex_digit))
    return std::string{'#', c[1], c[1], c[2], c[2], c[3], c[3]};
  if (c.starts_with("rgb(") && c.back() == ')') {
    unsigned parts[3];
    if (std::sscanf(c.c_str(), "rgb(%u,%u,%u)", &parts[0], &parts[1], &parts[2]) == 3 && parts[0] < 256 &&
        parts[1] < 256 && parts[2] < 256) {
      char out[8];
      std::snprintf(out, sizeof out, "#%02x%02x%02x", parts[0], parts[1], parts[2]);
      return out;
    }
  }
  return c;
}

void Styles::add(std::string_view css) {
  std::string text;  // without comments
  for (std::size_t i = 0; i < css.size(); ++i) {
    if (css.compare(i, 2, "/*") == 0) {
      const std::size_t end = css.find("*/", i + 2);
      if (end == std::string_view::npos) break;
      i = end + 1;
    } else {
      text.push_back(css[i]);
    }
  }
  std::size_t start = 0;
  for (std::size_t open = text.find('{'); open != std::string::npos; open = text.find('{', start)) {
    std::string_view selectors = std::string_view(text).substr(start, open - start);
    if (const auto semi = selectors.rfind(';'); semi != std::string_view::npos) selectors.remove_prefix(semi + 1);
    if (const auto at = selectors.find('@'); at != std::string_view::npos) {
      start = open + 1;  // "@media print {": its rules are read as any others
      continue;
    }
    const std::size_t close = text.find('}', open + 1);
    const std::size_t end = close == std::string::npos ? text.size() : close;
    const CssEffect e = css_effect(std::string_view(text).substr(open + 1, end - open - 1));
    start = close == std::string::npos ? text.size() : close + 1;
    if (!e.struck && !e.removed && !e.invisible && e.color.empty() && e.background.empty()) continue;
    // Each selector's last compound ("table td.xl65" → "td.xl65"), its classes.
    std::size_t from = 0;
    while (from <= selectors.size()) {
      std::size_t comma = selectors.find(',', from);
      if (comma == std::string_view::npos) comma = selectors.size();
      std::string_view one = selectors.substr(from, comma - from);
      while (!one.empty() && space(one.back())) one.remove_suffix(1);
      const std::size_t cut = one.find_last_of(" \t\r\n>+~");
      if (cut != std::string_view::npos) one.remove_prefix(cut + 1);
      for (std::size_t dot = one.find('.'); dot != std::string_view::npos; dot = one.find('.', dot + 1)) {
        std::string name;
        for (std::size_t k = dot + 1; k < one.size() && class_char(one[k]); ++k) name.push_back(lower(one[k]));
        if (!name.empty()) merge(classes_[name], e);
      }
      if (!one.empty() && one.find_first_of(".#:[*") == std::string_view::npos) {
        std::string name;
        for (const char c : one) name.push_back(lower(c));
        merge(elements_[name], e);
      }
      from = comma + 1;
    }
  }
}

CssEffect Styles::of(std::string_view element, std::string_view classes) const {
  CssEffect e;
  if (const auto it = elements_.find(element); it != elements_.end()) e = it->second;
  if (classes_.empty()) return e;
  std::size_t i = 0;
  while (i < classes.size()) {
    while (i < classes.size() && space(classes[i])) ++i;
    std::string name;
    while (i < classes.size() && !space(classes[i])) name.push_back(lower(classes[i++]));
    if (name.empty()) continue;
    if (const auto it = classes_.find(name); it != classes_.end()) merge(e, it->second);
  }
  return e;
}

}  // namespace tonghop::html
