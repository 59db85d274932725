#include "tokens.hpp"

#include <algorithm>
#include <initializer_list>

#include "ascii.hpp"
#include "entities.hpp"

namespace tonghop::html {

namespace {
bool alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
}  // namespace

bool is_raw(std::string_view n) {
  return one_of(n, {"script", "style", "title", "textarea", "xmp", "iframe", "noembed", "noframes", "noscript"});
}
bool is_void(std::string_view n) {
  return one_of(n, {"br", "img", "input", "meta", "link", "hr", "col", "wbr", "area", "base", "param", "source",
                    "embed", "track", "keygen", "basefont", "frame"});
}

void decode_into(std::string& out, std::string_view t) {
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '&') {
      const Reference r = read_reference(t.substr(i + 1));
      if (r.length != 0) {
        append_utf8(out, r.code);
        if (r.second != 0) append_utf8(out, r.second);
        i += r.length;
        continue;
      }
    }
    out.push_back(t[i]);
  }
}

Tokenizer::Kind Tokenizer::next(std::string_view& text, Tag& tag) {
  while (pos_ < s_.size()) {
    if (s_[pos_] != '<') {
      const std::size_t lt = s_.find('<', pos_ + 1);
      const std::size_t end = lt == std::string_view::npos ? s_.size() : lt;
      text = s_.substr(pos_, end - pos_);
      pos_ = end;
      return Kind::text;
    }
    const std::string_view rest = s_.substr(pos_);
    if (rest.starts_with("<!--")) {
      // "<!-->" and "<!--->" are empty comments.
      if (rest.substr(4).starts_with(">")) pos_ += 5;
      else if (rest.substr(4).starts_with("->")) pos_ += 6;
      else {
        const std::size_t end = s_.find("-->", pos_ + 4);
        pos_ = end == std::string_view::npos ? s_.size() : end + 3;
      }
      continue;
    }
    // Excel's page marks a comment's anchor ("[1]") for programs that do not
    // read Excel's notes; Excel leaves it out of the cell, and so does this.
    if (rest.size() > 26 && rest[1] == '!' && rest.substr(0, 26) == "<![if !supportAnnotations]") {
      const std::size_t end = s_.find("<![endif]>", pos_);
      pos_ = end == std::string_view::npos ? s_.size() : end + 10;
      continue;
    }
    if (rest.size() > 1 && (rest[1] == '!' || rest[1] == '?' || (rest[1] == '/' && rest.size() > 2 && !alpha(rest[2])))) {
      // A declaration, a processing instruction, "</ >" or "</3": a bogus comment.
      if (rest[1] == '/' && rest[2] == '>') {
        pos_ += 3;  // "</>" is nothing
        continue;
      }
      const std::size_t end = s_.find('>', pos_);
      pos_ = end == std::string_view::npos ? s_.size() : end + 1;
      continue;
    }
    const bool end_tag = rest.size() > 1 && rest[1] == '/';
    const std::size_t name_at = end_tag ? 2 : 1;
    if (rest.size() <= name_at || !alpha(rest[name_at])) {
      text = rest.substr(0, 1);  // a '<' of the text
      ++pos_;
      return Kind::text;
    }
    tag = Tag{};
    tag.end = end_tag;
    std::size_t i = pos_ + name_at;
    while (i < s_.size() && !is_space(s_[i]) && s_[i] != '/' && s_[i] != '>') tag.name.push_back(ascii_lower(s_[i++]));
    pos_ = attributes(i, tag);
    return Kind::tag;
  }
  return Kind::end;
}

// The attributes from `i`, up to and past the tag's '>'.
std::size_t Tokenizer::attributes(std::size_t i, Tag& t) {
  bool seen[11] = {};
  while (i < s_.size()) {
    while (i < s_.size() && (is_space(s_[i]) || s_[i] == '/')) ++i;
    if (i >= s_.size()) break;
    if (s_[i] == '>') return i + 1;
    std::string name;
    while (i < s_.size() && !is_space(s_[i]) && s_[i] != '/' && s_[i] != '>' && (s_[i] != '=' || name.empty()))
      name.push_back(ascii_lower(s_[i++]));
    while (i < s_.size() && is_space(s_[i])) ++i;
    std::string_view value;
    if (i < s_.size() && s_[i] == '=') {
      ++i;
      while (i < s_.size() && is_space(s_[i])) ++i;
      if (i < s_.size() && (s_[i] == '"' || s_[i] == '\'')) {
        const std::size_t close = s_.find(s_[i], i + 1);
        const std::size_t end = close == std::string_view::npos ? s_.size() : close;
        value = s_.substr(i + 1, end - i - 1);
        i = close == std::string_view::npos ? s_.size() : close + 1;
      } else {
        const std::size_t first = i;
        while (i < s_.size() && !is_space(s_[i]) && s_[i] != '>') ++i;
        value = s_.substr(first, i - first);
      }
    }
    static constexpr std::string_view kNames[] = {"colspan", "rowspan", "span",    "style", "class", "x:num",
                                                  "color",   "bgcolor", "rel",     "text",  "media"};
    std::string* const into[] = {&t.colspan, &t.rowspan, &t.span, &t.style, &t.klass, &t.num,
                                 &t.color,   &t.bgcolor, &t.rel,  &t.text,  &t.media};
    for (std::size_t k = 0; k < std::size(kNames); ++k)
      if (name == kNames[k] && !seen[k]) {  // the first of a name counts
        seen[k] = true;
        if (value.find('&') == std::string_view::npos) into[k]->assign(value);
        else decode_into(*into[k], value);
      }
    if (name == "hidden") t.hidden = true;
  }
  return i;
}

std::string_view Tokenizer::raw(std::string_view name) {
  const std::size_t from = pos_;
  for (std::size_t i = s_.find("</", pos_); i != std::string_view::npos; i = s_.find("</", i + 2)) {
    const std::size_t after = i + 2 + name.size();
    if (after <= s_.size() && iequals(s_.substr(i + 2, name.size()), name) &&
        (after == s_.size() || is_space(s_[after]) || s_[after] == '>' || s_[after] == '/')) {
      const std::size_t gt = s_.find('>', after);
      pos_ = gt == std::string_view::npos ? s_.size() : gt + 1;
      return s_.substr(from, i - from);
    }
  }
  pos_ = s_.size();
  return s_.substr(from);
}

}  // namespace tonghop::html
