#include "styles.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <utility>

namespace tonghop::html {

namespace {
constexpr std::size_t kMaxColorText = 64;

bool space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool hex_digit(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }
std::string_view trim(std::string_view s) {
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}
std::string lowered(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower(c);
  return out;
}
// A length or number that is zero ("0", "0px", ".0em", "0%").
bool zero(std::string_view v) {
  std::size_t i = 0;
  bool digit = false;
  while (i < v.size() && (v[i] == '0' || v[i] == '.' || v[i] == '+')) digit |= v[i++] == '0';
  if (!digit || (i < v.size() && v[i] >= '1' && v[i] <= '9')) return false;
  return v.find_first_of("123456789", i) == std::string_view::npos;
}
// Pseudo-classes that never hold while a page is only looked at, and
// pseudo-elements (generated text, not the cell's).
bool never_static(std::string_view pseudo) {
  for (const std::string_view p : {"hover", "active", "focus", "focus-within", "focus-visible", "visited", "target",
                                   "before", "after", "selection", "placeholder", "marker", "first-line",
                                   "first-letter", "backdrop", "-moz-selection"})
    if (pseudo == p) return true;
  return false;
}
// The first `bytes` of a text, cut between UTF-8 characters.
std::string head_of(std::string_view s, std::size_t bytes) {
  if (s.size() <= bytes) return std::string(s);
  while (bytes > 0 && (static_cast<unsigned char>(s[bytes]) & 0xC0) == 0x80) --bytes;
  return std::string(s.substr(0, bytes));
}

}  // namespace

void merge(CssEffect& into, const CssEffect& by) {
  // A declaration !important is passed over only by another one.
  const auto wins = [&](std::uint8_t bit) { return (by.important & bit) != 0 || (into.important & bit) == 0; };
  std::uint8_t bit = 1;
  for (auto [to, from] : {std::pair{&into.struck, &by.struck}, {&into.removed, &by.removed},
                          {&into.invisible, &by.invisible}, {&into.transparent, &by.transparent},
                          {&into.tiny, &by.tiny}}) {
    if (*from && wins(bit)) *to = *from, into.important |= by.important & bit;
    bit = static_cast<std::uint8_t>(bit << 1);
  }
  if (!by.color.empty() && wins(32)) into.color = by.color, into.important |= by.important & 32;
  if (!by.background.empty() && wins(64)) into.background = by.background, into.important |= by.important & 64;
}

CssEffect css_effect(std::string_view declarations) {
  CssEffect e;
  for (std::size_t at = 0; at < declarations.size();) {
    std::size_t end = declarations.find(';', at);
    if (end == std::string_view::npos) end = declarations.size();
    const std::string_view one = declarations.substr(at, end - at);
    at = end + 1;
    const std::size_t colon = one.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string property = lowered(trim(one.substr(0, colon)));
    std::string value = lowered(trim(one.substr(colon + 1)));
    bool important = false;
    if (const auto bang = value.find('!'); bang != std::string::npos) {
      important = value.find("important", bang) != std::string::npos;
      value = std::string(trim(value.substr(0, bang)));
    }
    std::uint8_t bit = 0;
    if (property == "text-decoration" || property == "text-decoration-line")
      e.struck = value.find("line-through") != std::string::npos, bit = 1;
    else if (property == "display") e.removed = value == "none", bit = 2;
    else if (property == "mso-hide") e.removed = value == "all", bit = 2;
    else if (property == "visibility") e.invisible = value == "hidden" || value == "collapse", bit = 4;
    else if (property == "opacity") e.transparent = zero(value), bit = 8;
    else if (property == "font-size") e.tiny = zero(value), bit = 16;
    else if (property == "color") {
      e.color = normal_color(value), bit = 32;
      if (e.color == "transparent") e.transparent = true, e.color.clear(), bit = 8;
    } else if (property == "background-color" || property == "background") {
      bit = 64;
      // The shorthand's colour is the word of it that reads as one.
      std::string_view rest = value;
      while (!rest.empty()) {
        std::size_t cut = rest.find(' ');
        if (rest.starts_with("rgb")) cut = rest.find(')') == std::string_view::npos ? rest.size() : rest.find(')') + 1;
        const std::string c = normal_color(rest.substr(0, cut));
        if (!c.empty()) {
          e.background = c == "transparent" ? std::string() : c;
          break;
        }
        if (cut == std::string_view::npos || cut >= rest.size()) break;
        rest = trim(rest.substr(cut));
      }
    }
    if (important) e.important |= bit;
  }
  return e;
}

std::string normal_color(std::string_view v) {
  if (v.size() > kMaxColorText) return {};
  std::string raw, c;  // without quotes, in lower case; c without spaces too
  for (const char ch : v)
    if (ch != '"' && ch != '\'') raw.push_back(lower(ch));
  for (const char ch : raw)
    if (!space(ch)) c.push_back(ch);
  if (c.empty()) return c;
  if (c == "transparent") return c;
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
  if (c[0] == '#') return c.size() == 7 && std::all_of(c.begin() + 1, c.end(), hex_digit) ? c : std::string();
  if ((c.starts_with("rgb(") || c.starts_with("rgba(")) && c.back() == ')') {
    unsigned r = 0, g = 0, b = 0;
    double a = 1;
    std::string list = raw.substr(raw.find('(') + 1);  // "rgb(0 0 128 / 0.5)" as "0 0 128 , 0.5)"
    for (char& ch : list)
      if (ch == '/') ch = ',';
    int n = std::sscanf(list.c_str(), "%u ,%u ,%u ,%lf", &r, &g, &b, &a);
    if (n < 3) n = std::sscanf(list.c_str(), "%u %u %u ,%lf", &r, &g, &b, &a);
    if (n >= 3 && r < 256 && g < 256 && b < 256) {
      if (n == 4 && a <= 0) return "transparent";
      char out[8];
      std::snprintf(out, sizeof out, "#%02x%02x%02x", r, g, b);
      return out;
    }
    return {};
  }
  // Another name ("DarkGreen", as ASP.NET writes them): equal only to itself.
  return std::all_of(c.begin(), c.end(), [](char ch) { return ch >= 'a' && ch <= 'z'; }) ? c : std::string();
}

void Styles::add(std::string_view css) { add(css, 0); }

void Styles::add(std::string_view css, int depth) {
  std::string text;  // without comments and the "<!--" "-->" old pages wrap styles in
  text.reserve(css.size());
  for (std::size_t i = 0; i < css.size(); ++i) {
    if (css.compare(i, 2, "/*") == 0) {
      const std::size_t end = css.find("*/", i + 2);
      if (end == std::string_view::npos) break;
      i = end + 1;
    } else if (css.compare(i, 4, "<!--") == 0) {
      i += 3;
    } else if (css.compare(i, 3, "-->") == 0) {
      i += 2;
    } else {
      text.push_back(css[i]);
    }
  }
  const std::string_view t = text;
  std::size_t at = 0;
  while (at < t.size()) {
    const std::size_t open = t.find('{', at), semi = t.find(';', at);
    if (semi < open) {  // "@import url(x.css);", "@charset ..."
      const std::string_view statement = trim(t.substr(at, semi - at));
      if (statement.starts_with("@import") && imported_.empty()) imported_ = head_of(statement, 120);
      at = semi + 1;
      continue;
    }
    if (open == std::string_view::npos) break;
    std::size_t close = open + 1;  // its matching '}', or the end
    for (int level = 1; close < t.size(); ++close) {
      level += t[close] == '{' ? 1 : t[close] == '}' ? -1 : 0;
      if (level == 0) break;
    }
    const std::string_view prelude = trim(t.substr(at, open - at));
    const std::string_view block = t.substr(open + 1, close - open - 1);
    at = close + 1;
    if (prelude.starts_with("@")) {
      const std::string p = lowered(prelude);
      const bool screen = p.starts_with("@supports") || (p.starts_with("@media") && on_screen(p.substr(6)));
      if (screen && depth < 4) add(block, depth + 1);
      continue;
    }
    rule(prelude, block);
  }
}

// Rules for the screen are the page as seen; print's, and a narrow
// screen's (max-width: a phone's), are not.
bool Styles::on_screen(std::string_view media) {
  const std::string m = lowered(media);
  if (m.find("max-width") != std::string::npos || m.find("max-device-width") != std::string::npos) return false;
  const bool print = m.find("print") != std::string::npos && m.find("not print") == std::string::npos;
  return !print || m.find("screen") != std::string::npos || m.find("all") != std::string::npos;
}

void Styles::rule(std::string_view selectors, std::string_view declarations) {
  const CssEffect e = css_effect(declarations);
  if (!e.any()) return;
  // What may hide a figure: a white text or a black ground counts too
  // (another colour through a selector not placed is passed over).
  const bool hides = e.struck.value_or(false) || e.removed.value_or(false) || e.invisible.value_or(false) ||
                     e.transparent.value_or(false) || e.tiny.value_or(false) || e.color == "#ffffff" ||
                     e.background == "#000000";
  for (std::size_t from = 0; from <= selectors.size();) {
    std::size_t comma = selectors.find(',', from);
    if (comma == std::string_view::npos) comma = selectors.size();
    const std::string_view one = trim(selectors.substr(from, comma - from));
    from = comma + 1;
    if (one.empty()) continue;
    Rule r;
    std::size_t i = 0;
    // "table.sheet0 tr.row2", as PhpSpreadsheet writes its hidden rows and
    // columns: a compound inside a table of those classes.
    if (const auto gap = one.find_first_of(" \t\r\n"); gap != std::string_view::npos && lowered(one.substr(0, 5)) == "table" &&
        (gap == 5 || one[5] == '.')) {
      std::string_view prefix = one.substr(5, gap - 5);
      bool plain = true;
      while (!prefix.empty() && plain) {
        std::size_t k = 1;
        std::string name;
        for (; k < prefix.size() && name_char(prefix[k]); ++k) name.push_back(lower(prefix[k]));
        plain = prefix[0] == '.' && !name.empty();
        r.table_classes.push_back(std::move(name));
        prefix.remove_prefix(k);
      }
      const std::string_view rest = trim(one.substr(gap));
      if (plain && rest.find_first_of(" \t\r\n>+~") == std::string_view::npos) {
        r.in_table = true;
        i = one.size() - rest.size();
      } else {
        r.table_classes.clear();
      }
    }
    while (i < one.size() && (name_char(one[i]) || one[i] == '*')) r.element.push_back(lower(one[i++]));
    bool placed = true, never = false;
    while (i < one.size() && placed) {
      if (one[i] == '.') {
        std::string name;
        for (++i; i < one.size() && name_char(one[i]); ++i) name.push_back(lower(one[i]));
        if (name.empty()) placed = false;
        r.classes.push_back(std::move(name));
      } else if (one[i] == ':') {
        while (i < one.size() && one[i] == ':') ++i;
        std::string pseudo;
        for (; i < one.size() && name_char(one[i]); ++i) pseudo.push_back(lower(one[i]));
        if (never_static(pseudo)) never = true;
        else placed = false;  // :first-child, :nth-child(...), :not(...)
        if (i < one.size() && one[i] == '(') placed = false;
      } else {
        placed = false;  // an id, an attribute, a descendant or a child
      }
    }
    if (never) continue;
    if (!placed) {
      if (hides && unplaced_.empty()) unplaced_ = head_of(one, 120);
      continue;
    }
    std::sort(r.classes.begin(), r.classes.end());
    std::sort(r.table_classes.begin(), r.table_classes.end());
    r.specificity = static_cast<int>(r.classes.size() + r.table_classes.size()) * 10 +
                    (!r.element.empty() && r.element != "*" ? 1 : 0) + (r.in_table ? 1 : 0);
    r.order = rules_.size();
    r.effect = e;
    const std::string key = !r.classes.empty() ? "." + r.classes.front() : r.element.empty() ? "*" : r.element;
    by_key_[key].push_back(rules_.size());
    rules_.push_back(std::move(r));
    if (rules_.size() > kMaxRules) return;  // too_many(): the page is refused
  }
}

CssEffect Styles::of(std::string_view element, std::string_view classes, const std::string* table_classes) const {
  CssEffect e;
  if (rules_.empty()) return e;
  const auto split = [](std::string_view list) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < list.size() && out.size() < 256;) {  // 256 classes are plenty
      while (i < list.size() && space(list[i])) ++i;
      std::string name;
      while (i < list.size() && !space(list[i])) name.push_back(lower(list[i++]));
      if (!name.empty()) out.push_back(std::move(name));
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  };
  const std::vector<std::string> mine = split(classes);
  const std::vector<std::string> table = table_classes != nullptr ? split(*table_classes) : std::vector<std::string>{};
  const auto has_all = [](const std::vector<std::string>& have, const std::vector<std::string>& want) {
    return std::includes(have.begin(), have.end(), want.begin(), want.end());
  };
  std::vector<std::size_t> matched;
  const auto look = [&](const std::string& key) {
    const auto it = by_key_.find(key);
    if (it == by_key_.end()) return;
    for (const std::size_t k : it->second) {
      const Rule& r = rules_[k];
      if (!r.element.empty() && r.element != "*" && r.element != element) continue;
      if (r.in_table && (table_classes == nullptr || !has_all(table, r.table_classes))) continue;
      if (has_all(mine, r.classes)) matched.push_back(k);
    }
  };
  look("*");
  look(std::string(element));
  for (const auto& c : mine) look("." + c);
  std::sort(matched.begin(), matched.end());
  matched.erase(std::unique(matched.begin(), matched.end()), matched.end());
  std::stable_sort(matched.begin(), matched.end(),
                   [&](std::size_t a, std::size_t b) { return rules_[a].specificity < rules_[b].specificity; });
  for (const std::size_t k : matched) merge(e, rules_[k].effect);
  return e;
}

}  // namespace tonghop::html
