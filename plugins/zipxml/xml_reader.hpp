// A small pull reader for the XML of office documents (xlsx parts, ODF
// content), over an inflating stream: it holds a window of the part, never
// the whole of it. A part may be UTF-8 (with or without a byte order mark) or
// UTF-16 (either order, found by its mark or by its first "<"); the reader
// turns UTF-16 into UTF-8 as it reads. It knows
// elements, attributes, text, CDATA, comments, processing instructions and
// the predefined and numeric entities; a DTD or any other entity is an error
// (no expansion, no external anything). Namespace prefixes are dropped:
// "x:c" and "c" are the same element here.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "zip_guard.hpp"

namespace tonghop::zipxml {

class XmlReader {
 public:
  enum class Token { start, end, text, eof, error };

  // max_token: the largest element or text run accepted (the field limit).
  XmlReader(ByteSource& stream, std::size_t max_token);

  Token next();
  // After start/end: the local name (valid until the next call). After
  // text: the decoded text.
  std::string_view name() const noexcept { return name_; }
  std::string_view text() const noexcept { return text_; }
  bool self_closing() const noexcept { return self_closing_; }
  // After start: an attribute's decoded value by local name ("" if absent).
  std::string_view attribute(std::string_view local) const noexcept;
  bool has_attribute(std::string_view local) const noexcept;
  // After start: an attribute's value by its name as written, prefix and all
  // ("calcext:value-type"), for two attributes with the same local name.
  std::string_view qualified_attribute(std::string_view qname) const noexcept;
  // A shortcut for the commonest shape of a cell: when the next bytes are
  // exactly "<NAME>TEXT</NAME>" with TEXT free of markup and entities, reads
  // them at once and gives TEXT (valid until the next call).
  bool simple_child(std::string_view name, std::string_view& text);
  // The same for "<OUTER><INNER>TEXT</INNER></OUTER>" ("<is><t>…</t></is>").
  bool simple_grandchild(std::string_view outer, std::string_view inner, std::string_view& text);
  // When the next bytes are exactly "</NAME>", reads them: the end token of
  // NAME is then not given by next().
  bool skip_end(std::string_view name);
  // After start: the attributes in order, without a lookup by name.
  std::size_t attribute_count() const noexcept { return attr_count_; }
  std::string_view attribute_name(std::size_t i) const noexcept { return attrs_[i].name; }
  std::string_view attribute_value(std::size_t i) const noexcept { return attrs_[i].value; }
  // What went wrong, in English (error) and in Vietnamese (error_vi).
  const std::string& error() const noexcept { return error_; }
  const std::string& error_vi() const noexcept { return error_vi_; }
  std::uint64_t offset() const noexcept { return consumed_ + pos_; }

 private:
  bool fill(std::size_t need);  // ensures buffer_ has `need` bytes past pos_
  std::size_t read_more();      // appends the next chunk to buffer_, as UTF-8
  bool transcode(bool at_end);
  Token fail(std::string vi, std::string en);
  void transcode_fail(std::string vi, std::string en);
  bool decode(std::string_view raw, std::string& out);
  Token read_tag();
  Token read_special();  // "<?", "<!--", "<![CDATA[", "<!"
  Token read_element();
  bool read_plain_element(Token& token);

  ByteSource& stream_;
  enum class Encoding { unknown, utf8, utf16le, utf16be } encoding_ = Encoding::unknown;
  std::string raw_;               // UTF-16 bytes not yet turned into UTF-8
  std::uint32_t high_surrogate_ = 0;
  std::string transcode_error_, transcode_error_vi_;
  std::size_t max_token_;
  std::string buffer_;
  std::size_t pos_ = 0;
  std::uint64_t consumed_ = 0;
  bool eof_ = false;
  bool pending_end_ = false;  // a self-closing element owes its end token

  // Views into the window (valid until the next call), or into `decoded`.
  std::string_view name_;
  std::string_view text_;     // into the window, or into text_storage_
  std::string text_storage_;  // a text that needed decoding
  std::string error_, error_vi_;
  bool self_closing_ = false;
  struct Attr {
    std::string_view name, qname, value;
    std::string decoded;
  };
  std::vector<Attr> attrs_;
  std::size_t attr_count_ = 0;
};

}  // namespace tonghop::zipxml
