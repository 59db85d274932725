#include "cell_styles.hpp"

namespace tonghop::ods {

namespace {
constexpr const char* kDefaultStyle = "\x01" "default";  // style:default-style (no name can hold \x01)

// A font family as a style gives it: "'.VnTime'" -> ".VnTime".
std::string unquote(std::string_view s) {
  if (s.size() >= 2 && (s.front() == '\'' || s.front() == '"') && s.back() == s.front()) s = s.substr(1, s.size() - 2);
  return std::string(s);
}
}  // namespace

// "#ffffff" as 0xFFFFFF; kNotJudged for anything else.
std::int64_t CellStyles::rgb(std::string_view hex) {
  if (hex.size() != 7 || hex[0] != '#') return kNotJudged;
  std::int64_t v = 0;
  for (const char c : hex.substr(1)) {
    const int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (d < 0) return kNotJudged;
    v = v * 16 + d;
  }
  return v;
}

bool CellStyles::token(zipxml::XmlReader::Token t, zipxml::XmlReader& x) {
  using zipxml::XmlReader;
  if (data_.token(t, x)) return true;
  const std::string_view name = x.name();
  if (t == XmlReader::Token::start) {
    if (name == "font-face") {
      const std::string_view family = x.attribute("font-family");
      font_faces_[std::string(x.attribute("name"))] = unquote(family.empty() ? x.attribute("name") : family);
      return true;
    }
    if (name == "style" && x.attribute("family") == "table") {  // a sheet's own style: whether it is shown
      table_style_ = std::string(x.attribute("name"));
      return true;
    }
    if (name == "table-properties" && !table_style_.empty()) {
      if (x.attribute("display") == "false") hidden_tables_.insert(table_style_);
      return true;
    }
    if (name == "style" && x.attribute("family") == "text") {  // a span's style: whether it strikes
      text_style_ = std::string(x.attribute("name"));
      return true;
    }
    if (!text_style_.empty() && name == "text-properties") {
      if (line_through(x) > 0 && struck_spans_.size() < 65536) struck_spans_.insert(text_style_);
      return true;
    }
    if (name == "style" || name == "default-style") {
      if (x.attribute("family") != "table-cell") return true;
      style_ = name == "default-style" ? std::string(kDefaultStyle) : std::string(x.attribute("name"));
      Style& s = styles_[style_];
      s.parent = std::string(x.attribute("parent-style-name"));
      s.data_style = std::string(x.attribute("data-style-name"));
      if (s.parent.empty() && name == "style") s.parent = kDefaultStyle;
      in_style_ = true;
      return true;
    }
    if (in_style_ && name == "text-properties") {
      std::string_view font = x.attribute("font-name");
      std::string resolved;
      if (!font.empty()) {
        const auto it = font_faces_.find(std::string(font));
        resolved = it != font_faces_.end() ? it->second : unquote(font);
      } else if (!x.attribute("font-family").empty()) {
        resolved = unquote(x.attribute("font-family"));
      }
      if (!resolved.empty()) styles_[style_].font = std::move(resolved);
      if (const int line = line_through(x); line >= 0) styles_[style_].struck = line;
      if (x.attribute("use-window-font-color") == "true") styles_[style_].ink = kAutomatic;
      else if (const std::string_view color = x.attribute("color"); !color.empty()) styles_[style_].ink = rgb(color);
      return true;
    }
    if (in_style_ && name == "table-cell-properties") {
      if (const std::string_view back = x.attribute("background-color"); !back.empty())
        styles_[style_].paper = back == "transparent" ? 0xFFFFFF : rgb(back);
      return true;
    }
    return false;
  }
  if (t == XmlReader::Token::end && (name == "style" || name == "default-style")) {
    in_style_ = false;
    table_style_.clear();
    text_style_.clear();
    return true;
  }
  return false;
}

// A style's strikethrough: 1 struck, 0 not, -1 not said. LibreOffice
// writes a span's as a type alone ("single"), a cell's with its style.
int CellStyles::line_through(zipxml::XmlReader& x) {
  const std::string_view style = x.attribute("text-line-through-style"), type = x.attribute("text-line-through-type");
  if (!style.empty()) return style != "none";
  if (!type.empty()) return type != "none";
  return -1;
}

const CellStyles::Look& CellStyles::look_of(const std::string& style_name) {
  if (const auto it = looks_.find(style_name); it != looks_.end()) return it->second;
  Look look;
  int struck = -1;
  std::string data_style;
  std::int64_t ink = kAsParent, paper = kAsParent;
  std::string at = style_name.empty() ? std::string("Default") : style_name;
  for (int depth = 0; depth < 16 && !at.empty(); ++depth) {  // a loop of parents stops here
    const auto it = styles_.find(at);
    if (it == styles_.end()) {
      if (at == kDefaultStyle) break;
      at = kDefaultStyle;  // the document's default cell style
      continue;
    }
    if (look.font.empty()) look.font = it->second.font;
    if (struck < 0) struck = it->second.struck;
    if (data_style.empty()) data_style = it->second.data_style;
    if (ink == kAsParent) ink = it->second.ink;
    if (paper == kAsParent) paper = it->second.paper;
    if (!look.font.empty() && struck >= 0 && !data_style.empty() && ink != kAsParent && paper != kAsParent) break;
    at = it->second.parent;
  }
  look.struck = struck > 0;
  if (ink == kAsParent) ink = kAutomatic;
  if (paper == kAsParent) paper = 0xFFFFFF;  // no background: the sheet's white
  look.unseen = ink >= 0 && ink == paper;
  if (!data_style.empty()) look.hiding = data_.hiding_format(data_style);
  return looks_[style_name] = std::move(look);
}

}  // namespace tonghop::ods
