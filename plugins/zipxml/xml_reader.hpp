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

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
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
  // For a caller that knows a shape well enough to read it at once (a
  // sheet's cells): the bytes ahead in the window, at least `want` of them
  // when the part has them (fewer at its end), valid until the next call;
  // empty while the end token of a self-closing element is owed or after an
  // error. consume(n) then takes the first n of them.
  std::string_view ahead(std::size_t want) {
    if (pending_end_ || !error_.empty()) return {};
    if (buffer_.size() - pos_ < want) fill(want);
    return std::string_view(buffer_.data() + pos_, buffer_.size() - pos_);
  }
  void consume(std::size_t n) noexcept { pos_ += n; }
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

  // The part's bytes from a little before pos_, grown without zero-filling
  // (a std::string would zero each 256 KiB chunk before it is inflated).
  class Window {
   public:
    const char* data() const noexcept { return data_.get(); }
    std::size_t size() const noexcept { return size_; }
    char operator[](std::size_t i) const noexcept { return data_[i]; }
    std::size_t find(std::string_view s, std::size_t from) const noexcept {
      return std::string_view(data_.get(), size_).find(s, from);
    }
    void erase_front(std::size_t n) noexcept {
      std::memmove(data_.get(), data_.get() + n, size_ - n);
      size_ -= n;
    }
    // Room for n more bytes at the end, counted once commit() says so.
    char* room(std::size_t n) {
      if (size_ + n > capacity_) {
        const std::size_t capacity = std::max(size_ + n, capacity_ * 2);
        std::unique_ptr<char[]> bigger(new char[capacity]);
        if (size_ > 0) std::memcpy(bigger.get(), data_.get(), size_);
        data_ = std::move(bigger);
        capacity_ = capacity;
      }
      return data_.get() + size_;
    }
    void commit(std::size_t n) noexcept { size_ += n; }
    Window& operator+=(std::string_view s) {
      if (!s.empty()) std::memcpy(room(s.size()), s.data(), s.size());
      commit(s.size());
      return *this;
    }
    Window& operator+=(char c) {
      *room(1) = c;
      commit(1);
      return *this;
    }

   private:
    std::unique_ptr<char[]> data_;
    std::size_t size_ = 0, capacity_ = 0;
  };

  ByteSource& stream_;
  enum class Encoding { unknown, utf8, utf16le, utf16be } encoding_ = Encoding::unknown;
  std::string raw_;               // UTF-16 bytes not yet turned into UTF-8
  std::uint32_t high_surrogate_ = 0;
  std::string transcode_error_, transcode_error_vi_;
  std::size_t max_token_;
  Window buffer_;
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
