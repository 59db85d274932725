#include "styles.hpp"

#include "ascii.hpp"

#include <algorithm>
#include <cstdio>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <utility>

namespace tonghop::html {

namespace {
constexpr std::size_t kMaxColorText = 64;

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool hex_digit(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }
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
  into.ignores_colspan |= by.ignores_colspan;
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
    else if (property == "mso-ignore") e.ignores_colspan = value.find("colspan") != std::string::npos;
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

// CSS's named colours (as ASP.NET writes them: "DarkGreen"), sorted.
constexpr std::pair<std::string_view, std::string_view> kNamedColors[] = {
     {"aliceblue", "#f0f8ff"}, {"antiquewhite", "#faebd7"}, {"aqua", "#00ffff"}, {"aquamarine", "#7fffd4"},
     {"azure", "#f0ffff"}, {"beige", "#f5f5dc"}, {"bisque", "#ffe4c4"}, {"black", "#000000"},
     {"blanchedalmond", "#ffebcd"}, {"blue", "#0000ff"}, {"blueviolet", "#8a2be2"}, {"brown", "#a52a2a"},
     {"burlywood", "#deb887"}, {"cadetblue", "#5f9ea0"}, {"chartreuse", "#7fff00"}, {"chocolate", "#d2691e"},
     {"coral", "#ff7f50"}, {"cornflowerblue", "#6495ed"}, {"cornsilk", "#fff8dc"}, {"crimson", "#dc143c"},
     {"cyan", "#00ffff"}, {"darkblue", "#00008b"}, {"darkcyan", "#008b8b"}, {"darkgoldenrod", "#b8860b"},
     {"darkgray", "#a9a9a9"}, {"darkgreen", "#006400"}, {"darkgrey", "#a9a9a9"}, {"darkkhaki", "#bdb76b"},
     {"darkmagenta", "#8b008b"}, {"darkolivegreen", "#556b2f"}, {"darkorange", "#ff8c00"}, {"darkorchid", "#9932cc"},
     {"darkred", "#8b0000"}, {"darksalmon", "#e9967a"}, {"darkseagreen", "#8fbc8f"}, {"darkslateblue", "#483d8b"},
     {"darkslategray", "#2f4f4f"}, {"darkslategrey", "#2f4f4f"}, {"darkturquoise", "#00ced1"},
     {"darkviolet", "#9400d3"}, {"deeppink", "#ff1493"}, {"deepskyblue", "#00bfff"}, {"dimgray", "#696969"},
     {"dimgrey", "#696969"}, {"dodgerblue", "#1e90ff"}, {"firebrick", "#b22222"}, {"floralwhite", "#fffaf0"},
     {"forestgreen", "#228b22"}, {"fuchsia", "#ff00ff"}, {"gainsboro", "#dcdcdc"}, {"ghostwhite", "#f8f8ff"},
     {"gold", "#ffd700"}, {"goldenrod", "#daa520"}, {"gray", "#808080"}, {"green", "#008000"},
     {"greenyellow", "#adff2f"}, {"grey", "#808080"}, {"honeydew", "#f0fff0"}, {"hotpink", "#ff69b4"},
     {"indianred", "#cd5c5c"}, {"indigo", "#4b0082"}, {"ivory", "#fffff0"}, {"khaki", "#f0e68c"},
     {"lavender", "#e6e6fa"}, {"lavenderblush", "#fff0f5"}, {"lawngreen", "#7cfc00"}, {"lemonchiffon", "#fffacd"},
     {"lightblue", "#add8e6"}, {"lightcoral", "#f08080"}, {"lightcyan", "#e0ffff"},
     {"lightgoldenrodyellow", "#fafad2"}, {"lightgray", "#d3d3d3"}, {"lightgreen", "#90ee90"},
     {"lightgrey", "#d3d3d3"}, {"lightpink", "#ffb6c1"}, {"lightsalmon", "#ffa07a"}, {"lightseagreen", "#20b2aa"},
     {"lightskyblue", "#87cefa"}, {"lightslategray", "#778899"}, {"lightslategrey", "#778899"},
     {"lightsteelblue", "#b0c4de"}, {"lightyellow", "#ffffe0"}, {"lime", "#00ff00"}, {"limegreen", "#32cd32"},
     {"linen", "#faf0e6"}, {"magenta", "#ff00ff"}, {"maroon", "#800000"}, {"mediumaquamarine", "#66cdaa"},
     {"mediumblue", "#0000cd"}, {"mediumorchid", "#ba55d3"}, {"mediumpurple", "#9370db"},
     {"mediumseagreen", "#3cb371"}, {"mediumslateblue", "#7b68ee"}, {"mediumspringgreen", "#00fa9a"},
     {"mediumturquoise", "#48d1cc"}, {"mediumvioletred", "#c71585"}, {"midnightblue", "#191970"},
     {"mintcream", "#f5fffa"}, {"mistyrose", "#ffe4e1"}, {"moccasin", "#ffe4b5"}, {"navajowhite", "#ffdead"},
     {"navy", "#000080"}, {"oldlace", "#fdf5e6"}, {"olive", "#808000"}, {"olivedrab", "#6b8e23"},
     {"orange", "#ffa500"}, {"orangered", "#ff4500"}, {"orchid", "#da70d6"}, {"palegoldenrod", "#eee8aa"},
     {"palegreen", "#98fb98"}, {"paleturquoise", "#afeeee"}, {"palevioletred", "#db7093"}, {"papayawhip", "#ffefd5"},
     {"peachpuff", "#ffdab9"}, {"peru", "#cd853f"}, {"pink", "#ffc0cb"}, {"plum", "#dda0dd"},
     {"powderblue", "#b0e0e6"}, {"purple", "#800080"}, {"red", "#ff0000"}, {"rosybrown", "#bc8f8f"},
     {"royalblue", "#4169e1"}, {"saddlebrown", "#8b4513"}, {"salmon", "#fa8072"}, {"sandybrown", "#f4a460"},
     {"seagreen", "#2e8b57"}, {"seashell", "#fff5ee"}, {"sienna", "#a0522d"}, {"silver", "#c0c0c0"},
     {"skyblue", "#87ceeb"}, {"slateblue", "#6a5acd"}, {"slategray", "#708090"}, {"slategrey", "#708090"},
     {"snow", "#fffafa"}, {"springgreen", "#00ff7f"}, {"steelblue", "#4682b4"}, {"tan", "#d2b48c"},
     {"teal", "#008080"}, {"thistle", "#d8bfd8"}, {"tomato", "#ff6347"}, {"turquoise", "#40e0d0"},
     {"violet", "#ee82ee"}, {"wheat", "#f5deb3"}, {"white", "#ffffff"}, {"whitesmoke", "#f5f5f5"},
     {"yellow", "#ffff00"}, {"yellowgreen", "#9acd32"},
};

std::string normal_color(std::string_view v) {
  if (v.size() > kMaxColorText) return {};
  std::string raw, c;  // without quotes, in lower case; c without spaces too
  for (const char ch : v)
    if (ch != '"' && ch != '\'') raw.push_back(ascii_lower(ch));
  for (const char ch : raw)
    if (!is_space(ch)) c.push_back(ch);
  if (c.empty()) return c;
  if (c == "transparent") return c;
  if (c[0] != '#' && c.size() == 6 && std::all_of(c.begin(), c.end(), hex_digit)) c.insert(c.begin(), '#');  // bgcolor=FFFFFF
  if (c[0] == '#') {
    const std::string_view h = std::string_view(c).substr(1);
    if (!std::all_of(h.begin(), h.end(), hex_digit)) return {};
    if (h.size() == 3 || h.size() == 4) {  // #fff, #fff8
      if (h.size() == 4 && h[3] == '0') return "transparent";
      return std::string{'#', h[0], h[0], h[1], h[1], h[2], h[2]};
    }
    if (h.size() == 6) return c;
    if (h.size() == 8) return h.substr(6) == "00" ? "transparent" : "#" + std::string(h.substr(0, 6));  // #rrggbbaa
    return {};
  }
  if ((c.starts_with("rgb(") || c.starts_with("rgba(") || c.starts_with("hsl(") || c.starts_with("hsla(")) &&
      c.back() == ')') {
    // Its numbers, separated by commas, spaces or '/', percentages kept apart.
    double n[4] = {0, 0, 0, 1};
    bool percent[4] = {};
    int count = 0;
    const std::string_view args = std::string_view(raw).substr(raw.find('(') + 1);
    for (std::size_t i = 0; i < args.size() && count < 4;) {
      while (i < args.size() && (is_space(args[i]) || args[i] == ',' || args[i] == '/' || args[i] == ')')) ++i;
      if (i >= args.size()) break;
      char* end = nullptr;
      const std::string number(args.substr(i, std::min<std::size_t>(32, args.size() - i)));
      n[count] = std::strtod(number.c_str(), &end);
      const std::size_t used = static_cast<std::size_t>(end - number.c_str());
      if (used == 0) return {};
      i += used;
      while (i < args.size() && std::isalpha(static_cast<unsigned char>(args[i]))) ++i;  // "deg"
      if (i < args.size() && args[i] == '%') percent[count] = true, ++i;
      ++count;
    }
    if (count < 3) return {};
    if (count == 4 && (percent[3] ? n[3] / 100 : n[3]) <= 0) return "transparent";
    double rgb[3];
    if (c[0] == 'h') {  // hsl: hue in degrees, saturation and lightness in percent
      const double h = std::fmod(std::fmod(n[0], 360) + 360, 360) / 60, sat = n[1] / 100, light = n[2] / 100;
      const double chroma = (1 - std::fabs(2 * light - 1)) * sat, x = chroma * (1 - std::fabs(std::fmod(h, 2) - 1));
      const double m = light - chroma / 2;
      const int sector = static_cast<int>(h);
      const double table[6][3] = {{chroma, x, 0}, {x, chroma, 0}, {0, chroma, x}, {0, x, chroma}, {x, 0, chroma}, {chroma, 0, x}};
      for (int k = 0; k < 3; ++k) rgb[k] = (table[sector % 6][k] + m) * 255;
    } else {
      for (int k = 0; k < 3; ++k) rgb[k] = percent[k] ? n[k] * 255 / 100 : n[k];
    }
    char out[8];
    std::snprintf(out, sizeof out, "#%02x%02x%02x", static_cast<unsigned>(std::clamp(std::lround(rgb[0]), 0L, 255L)),
                  static_cast<unsigned>(std::clamp(std::lround(rgb[1]), 0L, 255L)),
                  static_cast<unsigned>(std::clamp(std::lround(rgb[2]), 0L, 255L)));
    return out;
  }
  const auto it = std::lower_bound(std::begin(kNamedColors), std::end(kNamedColors), c,
                                   [](const auto& named, const std::string& k) { return named.first < k; });
  if (it != std::end(kNamedColors) && it->first == c) return std::string(it->second);
  return {};  // "none", "inherit", "currentcolor", a name no browser knows: no colour of its own
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
  std::size_t open = t.find('{'), semi = t.find(';');  // the next '{' and ';' from `at`, each found once
  while (at < t.size()) {
    if (open < at) open = t.find('{', at);
    if (semi < at) semi = t.find(';', at);
    if (semi < open) {  // "@import url(x.css);", "@charset ..."
      const std::string_view statement = trim(t.substr(at, semi - at));
      if (statement.starts_with("@import") && imported_.empty()) imported_ = std::string(utf8_head(statement, 120));
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
  // A rule giving both (white on its own dark green) hides nothing.
  const bool white_text = e.color == "#ffffff" && (e.background.empty() || e.background == "#ffffff");
  const bool black_ground = e.background == "#000000" && (e.color.empty() || e.color == "#000000");
  const bool hides = e.struck.value_or(false) || e.removed.value_or(false) || e.invisible.value_or(false) ||
                     e.transparent.value_or(false) || e.tiny.value_or(false) || white_text || black_ground;
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
        for (; k < prefix.size() && name_char(prefix[k]); ++k) name.push_back(ascii_lower(prefix[k]));
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
    while (i < one.size() && (name_char(one[i]) || one[i] == '*')) r.element.push_back(ascii_lower(one[i++]));
    bool placed = true, never = false;
    while (i < one.size() && placed) {
      if (one[i] == '.') {
        std::string name;
        for (++i; i < one.size() && name_char(one[i]); ++i) name.push_back(ascii_lower(one[i]));
        if (name.empty()) placed = false;
        r.classes.push_back(std::move(name));
      } else if (one[i] == ':') {
        while (i < one.size() && one[i] == ':') ++i;
        std::string pseudo;
        for (; i < one.size() && name_char(one[i]); ++i) pseudo.push_back(ascii_lower(one[i]));
        if (never_static(pseudo)) never = true;
        else placed = false;  // :first-child, :nth-child(...), :not(...)
        if (i < one.size() && one[i] == '(') placed = false;
      } else {
        placed = false;  // an id, an attribute, a descendant or a child
      }
    }
    if (never) continue;
    if (!placed) {
      if (hides && unplaced_.empty()) unplaced_ = std::string(utf8_head(one, 120));
      continue;
    }
    std::sort(r.classes.begin(), r.classes.end());
    std::sort(r.table_classes.begin(), r.table_classes.end());
    r.specificity = static_cast<int>(r.classes.size() + r.table_classes.size()) * 10 +
                    (!r.element.empty() && r.element != "*" ? 1 : 0) + (r.in_table ? 1 : 0);
    r.order = rules_.size();
    r.effect = e;
    // Its bucket: its first class; else its element, apart for "table ..." rules.
    const std::string key = !r.classes.empty() ? "." + r.classes.front()
                                               : (r.in_table ? "table|" : "") + (r.element.empty() ? "*" : r.element);
    by_key_[key].push_back(rules_.size());
    rules_.push_back(std::move(r));
    if (rules_.size() > kMaxRules) return;  // too_many(): the page is refused
  }
}

std::vector<std::string> Styles::classes(std::string_view list) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < list.size() && out.size() < 256;) {  // 256 classes are plenty
    while (i < list.size() && is_space(list[i])) ++i;
    std::string name;
    while (i < list.size() && !is_space(list[i])) name.push_back(ascii_lower(list[i++]));
    if (!name.empty()) out.push_back(std::move(name));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

CssEffect Styles::of(std::string_view element, std::string_view class_attribute,
                     const std::vector<std::string>* table_classes) const {
  if (rules_.empty()) return {};
  const auto has_all = [](const std::vector<std::string>& have, const std::vector<std::string>& want) {
    return std::includes(have.begin(), have.end(), want.begin(), want.end());
  };
  // The rules of no class and no table, "*" and the element's name: they
  // come first (the least specific) and hold for every such element alike.
  const std::string name(element);
  auto plain = plain_.find(name);
  if (plain == plain_.end()) {
    // "*" first (the less specific), then the element's own, each in order.
    CssEffect merged;
    for (const std::string& key : {std::string("*"), name})
      if (const auto it = by_key_.find(key); it != by_key_.end())
        for (const std::size_t k : it->second)
          if (const Rule& r = rules_[k]; !r.in_table && r.classes.empty()) merge(merged, r.effect);
    looked_at_ += rules_.size() / 64 + 1;
    if (plain_.size() >= 4096) plain_.clear();  // a page of thousands of made-up element names: kept small
    plain = plain_.emplace(name, std::move(merged)).first;
  }
  CssEffect e = plain->second;
  if (class_attribute.empty() && table_classes == nullptr) return e;
  const std::vector<std::string> mine = classes(class_attribute);
  std::vector<std::size_t> matched;
  const auto look = [&](const std::string& key) {
    const auto it = by_key_.find(key);
    if (it == by_key_.end()) return;
    looked_at_ += it->second.size();
    for (const std::size_t k : it->second) {
      const Rule& r = rules_[k];
      if (!r.in_table && r.classes.empty()) continue;  // merged above
      if (!r.element.empty() && r.element != "*" && r.element != element) continue;
      if (r.in_table && (table_classes == nullptr || !has_all(*table_classes, r.table_classes))) continue;
      if (has_all(mine, r.classes)) matched.push_back(k);
    }
  };
  if (table_classes != nullptr) {
    look("table|*");
    look("table|" + name);
  }
  for (const auto& c : mine) look("." + c);
  std::sort(matched.begin(), matched.end());
  matched.erase(std::unique(matched.begin(), matched.end()), matched.end());
  std::stable_sort(matched.begin(), matched.end(),
                   [&](std::size_t a, std::size_t b) { return rules_[a].specificity < rules_[b].specificity; });
  for (const std::size_t k : matched) merge(e, rules_[k].effect);
  return e;
}

}  // namespace tonghop::html
