// A web page's tokens as HTML's tokenizer reads them, as far as a table's
// reader needs: runs of text (references still in them), tags with the few
// attributes it uses, comments and declarations skipped, and the content of
// script, style and the other raw-text elements taken whole.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace tonghop::html {

struct Tag {
  std::string name;  // lower case
  bool end = false;  // an end tag ("</td>"); "/>" is not kept: HTML ignores it but on void elements
  // The attributes read (the first of each name, as HTML keeps), references decoded.
  std::string colspan, rowspan, span, style, klass, num, color, bgcolor, rel, text, media;
  bool hidden = false;
};

class Tokenizer {
 public:
  explicit Tokenizer(std::string_view s) : s_(s) {}

  enum class Kind { text, tag, end };
  // The next token: a run of text (into `text`) or a tag (into `tag`).
  Kind next(std::string_view& text, Tag& tag);
  // After the start tag of a raw-text element: its content, up to its end
  // tag (the rest of the page when there is none), which is then passed.
  std::string_view raw(std::string_view name);
  std::size_t position() const { return pos_; }

 private:
  std::size_t attributes(std::size_t i, Tag& t);
  std::string_view s_;
  std::size_t pos_ = 0;
};

// Elements whose content is not the page's text (HTML's raw-text and
// escapable raw-text elements, and those a browser does not render).
bool is_raw(std::string_view name);
bool is_void(std::string_view name);

// A run of text with its references decoded: what decode() appends to.
void decode_into(std::string& out, std::string_view text);

}  // namespace tonghop::html
