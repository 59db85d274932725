#include "xml_reader.hpp"

#include <array>
#include <cstring>

namespace tonghop::zipxml {

namespace {
constexpr std::size_t kChunk = 256 * 1024;

std::string_view local_name(std::string_view qname) {
  for (std::size_t i = 0; i < qname.size(); ++i)
    if (qname[i] == ':') return qname.substr(i + 1);
  return qname;
}
// A short name compared in place (a call to memcmp costs more than "v").
bool same(const char* p, std::string_view name) {
  for (std::size_t i = 0; i < name.size(); ++i)
    if (p[i] != name[i]) return false;
  return true;
}
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
template <class Out>
void append_utf8(Out& out, std::uint32_t cp) {
  if (cp < 0x80) out += static_cast<char>(cp);
  else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}
}  // namespace

XmlReader::XmlReader(ByteSource& stream, std::size_t max_token)
    : stream_(stream), max_token_(max_token == 0 ? (64u << 20) : max_token + 4096) {}

bool XmlReader::fill(std::size_t need) {
  while (buffer_.size() - pos_ < need && !eof_) {
    if (pos_ > 0 && pos_ >= buffer_.size() / 2) {
      buffer_.erase_front(pos_);
      consumed_ += pos_;
      pos_ = 0;
    }
    if (read_more() == 0) {
      eof_ = true;
      if (!stream_.error().empty() || !transcode_error_.empty()) return false;
    }
  }
  return buffer_.size() - pos_ >= need;
}

std::size_t XmlReader::read_more() {
  if (encoding_ == Encoding::unknown) {
    // The first bytes say the encoding: a byte order mark, or "<" as UTF-16.
    while (raw_.size() < 4 && stream_.append(raw_, 4 - raw_.size()) > 0) {
    }
    const std::string_view head(raw_);
    std::size_t skip = 0;
    if (head.starts_with("\xEF\xBB\xBF")) encoding_ = Encoding::utf8, skip = 3;
    else if (head.starts_with("\xFF\xFE")) encoding_ = Encoding::utf16le, skip = 2;
    else if (head.starts_with("\xFE\xFF")) encoding_ = Encoding::utf16be, skip = 2;
    else if (head.size() >= 2 && head[0] == '<' && head[1] == '\0') encoding_ = Encoding::utf16le;
    else if (head.size() >= 2 && head[0] == '\0' && head[1] == '<') encoding_ = Encoding::utf16be;
    else encoding_ = Encoding::utf8;
    raw_.erase(0, skip);
    if (encoding_ == Encoding::utf8) {
      const std::size_t n = raw_.size();
      buffer_ += raw_;
      raw_.clear();
      if (n > 0) return n;
    }
  }
  if (encoding_ == Encoding::utf8) {
    const std::size_t n = stream_.read(buffer_.room(kChunk), kChunk);
    buffer_.commit(n);
    return n;
  }
  const std::size_t before = buffer_.size();
  while (buffer_.size() == before) {
    const std::size_t got = stream_.append(raw_, kChunk);
    if (!transcode(got == 0)) return 0;
    if (got == 0) break;
  }
  return buffer_.size() - before;
}

// Turns the whole code units of raw_ into UTF-8 at the end of buffer_.
bool XmlReader::transcode(bool at_end) {
  const bool le = encoding_ == Encoding::utf16le;
  std::size_t i = 0;
  for (; i + 2 <= raw_.size(); i += 2) {
    const auto b0 = static_cast<unsigned char>(raw_[i]), b1 = static_cast<unsigned char>(raw_[i + 1]);
    const std::uint32_t unit = le ? (b0 | b1 << 8) : (b0 << 8 | b1);
    if (high_surrogate_ != 0) {
      if (unit < 0xDC00 || unit > 0xDFFF) {
        transcode_fail("văn bản UTF-16 có một nửa ký tự (surrogate) đứng lẻ", "the UTF-16 text has a lone surrogate");
        return false;
      }
      append_utf8(buffer_, 0x10000 + ((high_surrogate_ - 0xD800) << 10) + (unit - 0xDC00));
      high_surrogate_ = 0;
    } else if (unit >= 0xD800 && unit <= 0xDBFF) {
      high_surrogate_ = unit;
    } else if (unit >= 0xDC00 && unit <= 0xDFFF) {
      transcode_fail("văn bản UTF-16 có một nửa ký tự (surrogate) đứng lẻ", "the UTF-16 text has a lone surrogate");
      return false;
    } else {
      append_utf8(buffer_, unit);
    }
  }
  raw_.erase(0, i);
  if (at_end && (!raw_.empty() || high_surrogate_ != 0)) {
    transcode_fail("văn bản UTF-16 kết thúc giữa một ký tự", "the UTF-16 text ends in the middle of a character");
    return false;
  }
  return true;
}

void XmlReader::transcode_fail(std::string vi, std::string en) {
  transcode_error_vi_ = std::move(vi);
  transcode_error_ = std::move(en);
}

XmlReader::Token XmlReader::fail(std::string vi, std::string en) {
  if (error_.empty()) {
    error_vi_ = std::move(vi);
    error_ = std::move(en);
  }
  return Token::error;
}

namespace {
// Text without entities or carriage returns needs no decoding.
bool plain(std::string_view raw) {
  for (const char ch : raw)
    if (ch == '&' || ch == '\r') return false;
  return true;
}

// XML end-of-line handling: "\r\n" and a lone "\r" are read as "\n".
void append_normalised(std::string& out, std::string_view s) {
  if (s.find('\r') == std::string_view::npos) {
    out.append(s);
    return;
  }
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\r') out += s[i];
    else if (i + 1 >= s.size() || s[i + 1] != '\n') out += '\n';
  }
}
}  // namespace

bool XmlReader::decode(std::string_view raw, std::string& out) {
  out.clear();
  if (plain(raw)) {
    out.assign(raw);
    return true;
  }
  std::size_t i = 0;
  while (true) {
    const auto amp = raw.find('&', i);
    append_normalised(out, raw.substr(i, amp == std::string_view::npos ? raw.npos : amp - i));
    if (amp == std::string_view::npos) return true;
    const auto semi = raw.find(';', amp);
    if (semi == std::string_view::npos || semi - amp > 12) return false;
    const std::string_view ent = raw.substr(amp + 1, semi - amp - 1);
    if (ent == "lt") out += '<';
    else if (ent == "gt") out += '>';
    else if (ent == "amp") out += '&';
    else if (ent == "quot") out += '"';
    else if (ent == "apos") out += '\'';
    else if (ent.size() > 1 && ent[0] == '#') {
      std::uint32_t cp = 0;
      const bool hex = ent[1] == 'x' || ent[1] == 'X';
      for (std::size_t k = hex ? 2 : 1; k < ent.size(); ++k) {
        const char c = ent[k];
        int d;
        if (c >= '0' && c <= '9') d = c - '0';
        else if (hex && c >= 'a' && c <= 'f') d = c - 'a' + 10;
        else if (hex && c >= 'A' && c <= 'F') d = c - 'A' + 10;
        else return false;
        cp = cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(d);
        if (cp > 0x10FFFF) return false;
      }
      if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
      append_utf8(out, cp);
    } else {
      return false;  // no other entity exists without a DTD
    }
    i = semi + 1;
  }
}

bool XmlReader::simple_child(std::string_view name, std::string_view& text) {
  if (pending_end_ || !error_.empty()) return false;
  const std::size_t open = name.size() + 2;  // "<v>"
  if (buffer_.size() - pos_ < 64 && !fill(64) && buffer_.size() - pos_ < open) return false;
  const char* p = buffer_.data() + pos_;
  const std::size_t avail = buffer_.size() - pos_;
  if (avail < open || p[0] != '<' || p[open - 1] != '>' || !same(p + 1, name)) return false;
  std::size_t k = open;
  while (k < avail && p[k] != '<') {
    if (p[k] == '&' || p[k] == '\r') return false;
    ++k;
  }
  const std::size_t close = k + name.size() + 3;  // "</v>"
  if (close > avail || p[k + 1] != '/' || p[close - 1] != '>' || !same(p + k + 2, name))
    return false;
  text = std::string_view(p + open, k - open);
  pos_ += close;
  return true;
}

bool XmlReader::simple_grandchild(std::string_view outer, std::string_view inner, std::string_view& text) {
  if (pending_end_ || !error_.empty()) return false;
  const std::size_t open = outer.size() + inner.size() + 4;  // "<is><t>"
  if (buffer_.size() - pos_ < 128 && !fill(128) && buffer_.size() - pos_ < open) return false;
  const char* p = buffer_.data() + pos_;
  const std::size_t avail = buffer_.size() - pos_;
  if (avail < open || p[0] != '<' || p[outer.size() + 1] != '>' || p[outer.size() + 2] != '<' || p[open - 1] != '>' ||
      !same(p + 1, outer) || !same(p + outer.size() + 3, inner))
    return false;
  const void* lt = std::memchr(p + open, '<', avail - open);
  if (lt == nullptr) return false;
  const std::size_t k = static_cast<std::size_t>(static_cast<const char*>(lt) - p);
  for (std::size_t i = open; i < k; ++i)
    if (p[i] == '&' || p[i] == '\r') return false;
  const std::size_t close = k + inner.size() + outer.size() + 6;  // "</t></is>"
  if (close > avail || p[k + 1] != '/' || p[k + inner.size() + 2] != '>' || p[k + inner.size() + 3] != '<' ||
      p[k + inner.size() + 4] != '/' || p[close - 1] != '>' || !same(p + k + 2, inner) ||
      !same(p + k + inner.size() + 5, outer))
    return false;
  text = std::string_view(p + open, k - open);
  pos_ += close;
  return true;
}

bool XmlReader::skip_end(std::string_view name) {
  if (pending_end_ || !error_.empty()) return false;
  const std::size_t len = name.size() + 3;  // "</c>"
  if (buffer_.size() - pos_ < len && !fill(len)) return false;
  const char* p = buffer_.data() + pos_;
  if (p[0] != '<' || p[1] != '/' || p[len - 1] != '>' || !same(p + 2, name)) return false;
  pos_ += len;
  return true;
}

std::string_view XmlReader::attribute(std::string_view local) const noexcept {
  for (std::size_t i = 0; i < attr_count_; ++i)
    if (attrs_[i].name == local) return attrs_[i].value;
  return {};
}

std::string_view XmlReader::qualified_attribute(std::string_view qname) const noexcept {
  for (std::size_t i = 0; i < attr_count_; ++i)
    if (attrs_[i].qname == qname) return attrs_[i].value;
  return {};
}

bool XmlReader::has_attribute(std::string_view local) const noexcept {
  for (std::size_t i = 0; i < attr_count_; ++i)
    if (attrs_[i].name == local) return true;
  return false;
}

XmlReader::Token XmlReader::next() {
  if (!error_.empty()) return Token::error;
  if (pending_end_) {
    pending_end_ = false;
    self_closing_ = false;
    return Token::end;
  }
  while (true) {
    if (pos_ >= buffer_.size() && !fill(1)) {
      if (!stream_.error().empty()) return fail(stream_.error_vi(), stream_.error());
      if (!transcode_error_.empty()) return fail(transcode_error_vi_, transcode_error_);
      return Token::eof;
    }
    if (buffer_[pos_] != '<') {
      // Text up to the next '<'.
      // Cell values are short: a plain loop beats memchr's call here.
      auto find_lt = [&]() -> std::size_t {
        const char* p = buffer_.data();
        for (std::size_t k = pos_, n = buffer_.size(); k < n; ++k)
          if (p[k] == '<') return k;
        return std::string::npos;
      };
      std::size_t lt;
      while ((lt = find_lt()) == std::string::npos) {
        if (buffer_.size() - pos_ > max_token_) return fail("một đoạn chữ trong tệp dài quá giới hạn",
                                                            "a text in the workbook is larger than the limit");
        if (!fill(buffer_.size() - pos_ + 1)) {
          if (!stream_.error().empty()) return fail(stream_.error_vi(), stream_.error());
          if (!transcode_error_.empty()) return fail(transcode_error_vi_, transcode_error_);
          lt = buffer_.size();
          break;
        }
      }
      const std::string_view raw(buffer_.data() + pos_, lt - pos_);
      if (plain(raw)) {
        text_ = raw;
      } else if (decode(raw, text_storage_)) {
        text_ = text_storage_;
      } else {
        return fail("một đoạn chữ có thực thể lạ (chỉ có &lt; &gt; &amp; &quot; &apos; và &#N;)",
                    "a text has an unknown entity (only &lt; &gt; &amp; &quot; &apos; and &#N; exist)");
      }
      pos_ = lt;
      return Token::text;
    }
    return read_tag();
  }
}

XmlReader::Token XmlReader::read_tag() {
  // buffer_[pos_] == '<'
  if (buffer_.size() - pos_ < 2) fill(2);
  if (buffer_.size() - pos_ >= 2 && (buffer_[pos_ + 1] == '?' || buffer_[pos_ + 1] == '!')) return read_special();
  return read_element();
}

XmlReader::Token XmlReader::read_special() {
  if (buffer_.size() - pos_ < 9 && !fill(9)) fill(2);
  const std::string_view head(buffer_.data() + pos_, std::min<std::size_t>(9, buffer_.size() - pos_));
  auto skip_to = [&](std::string_view terminator) -> bool {
    std::size_t at;
    while ((at = buffer_.find(terminator, pos_)) == std::string::npos) {
      if (buffer_.size() - pos_ > max_token_) return false;
      if (!fill(buffer_.size() - pos_ + 1)) return false;
    }
    pos_ = at + terminator.size();
    return true;
  };
  if (head.starts_with("<?")) {
    if (!skip_to("?>")) return fail("một chỉ thị xử lý (<?) không được đóng",
                                    "a processing instruction is never closed");
    return next();
  }
  if (head.starts_with("<!--")) {
    if (!skip_to("-->")) return fail("một chú thích (<!--) không được đóng", "a comment is never closed");
    return next();
  }
  if (head.starts_with("<![CDATA[")) {
    std::size_t at;
    while ((at = buffer_.find("]]>", pos_ + 9)) == std::string::npos) {
      if (buffer_.size() - pos_ > max_token_) return fail("một đoạn CDATA dài quá giới hạn",
                                                          "a CDATA section is larger than the limit");
      if (!fill(buffer_.size() - pos_ + 1)) return fail("một đoạn CDATA không được đóng",
                                                        "a CDATA section is never closed");
    }
    text_storage_.assign(buffer_.data() + pos_ + 9, at - pos_ - 9);
    text_ = text_storage_;
    pos_ = at + 3;
    return Token::text;
  }
  if (head.starts_with("<!")) return fail("tệp khai báo DTD hoặc thực thể nên không được nhận",
                                          "the workbook declares a DTD or entity; it is refused");
  return read_element();
}

// The common tag, read in one pass over the window: a name, then name="value"
// pairs with no space around "=" and no entity or carriage return in a value,
// wholly in the window. Anything else (false) is left to read_element's
// general reading, whose results it gives in this case.
bool XmlReader::read_plain_element(Token& token) {
  const char* const base = buffer_.data();
  const char* q = base + pos_ + 1;
  const char* const e = base + buffer_.size();
  // Bytes that end a name: '>', '/', quotes, '=' and XML's spaces.
  static constexpr auto stops = [] {
    std::array<bool, 256> t{};
    for (const unsigned char c : {'>', '/', '"', '\'', '=', ' ', '\t', '\r', '\n'}) t[c] = true;
    return t;
  }();
  auto name_char = [](char c) { return !stops[static_cast<unsigned char>(c)]; };
  if (q < e && *q == '/') {
    const char* const n0 = ++q;
    while (q < e && name_char(*q)) ++q;
    if (q >= e || *q != '>' || q == n0) return false;
    name_ = local_name(std::string_view(n0, static_cast<std::size_t>(q - n0)));
    attr_count_ = 0;
    pos_ = static_cast<std::size_t>(q + 1 - base);
    token = Token::end;
    return true;
  }
  const char* const n0 = q;
  while (q < e && name_char(*q)) ++q;
  if (q >= e || q == n0) return false;
  const std::string_view name(n0, static_cast<std::size_t>(q - n0));
  std::size_t count = 0;
  bool closing_slash = false;
  while (true) {
    while (q < e && is_space(*q)) ++q;
    if (q >= e) return false;
    if (*q == '>') break;
    if (*q == '/') {
      if (q + 1 >= e || q[1] != '>') return false;
      closing_slash = true;
      ++q;
      break;
    }
    const char* const a0 = q;
    while (q < e && name_char(*q)) ++q;
    if (q + 1 >= e || *q != '=' || q == a0 || (q[1] != '"' && q[1] != '\'')) return false;
    const std::string_view qname(a0, static_cast<std::size_t>(q - a0));
    const char quote = q[1];
    q += 2;
    const char* const v0 = q;
    while (q < e && *q != quote) {
      if (*q == '&' || *q == '\r') return false;
      ++q;
    }
    if (q >= e) return false;
    if (count == attrs_.size()) attrs_.emplace_back();
    Attr& a = attrs_[count++];
    a.qname = qname;
    a.name = local_name(qname);
    a.value = std::string_view(v0, static_cast<std::size_t>(q - v0));
    ++q;
  }
  name_ = local_name(name);
  if (name_.empty()) return false;
  attr_count_ = count;
  self_closing_ = closing_slash;
  pending_end_ = closing_slash;
  pos_ = static_cast<std::size_t>(q + 1 - base);
  token = Token::start;
  return true;
}

XmlReader::Token XmlReader::read_element() {
  Token token;
  if (read_plain_element(token)) return token;

  // An element tag: find its '>' outside quoted attribute values. Offsets
  // are kept relative to pos_, since filling may move the window.
  std::size_t rel = 1;
  char quote = 0;
  while (true) {
    const char* base = buffer_.data() + pos_;
    const std::size_t avail = buffer_.size() - pos_;
    for (; rel < avail; ++rel) {
      const char c = base[rel];
      if (quote) {
        if (c == quote) quote = 0;
      } else if (c == '>') {
        break;
      } else if (c == '"' || c == '\'') {
        quote = c;
      }
    }
    if (rel < avail) break;
    if (avail > max_token_) return fail("một phần tử XML trong tệp dài quá giới hạn",
                                        "an element of the workbook is larger than the limit");
    if (!fill(avail + 1)) return fail("XML của tệp kết thúc giữa chừng một phần tử",
                                      "the workbook's XML ends inside an element");
  }
  const std::size_t end = pos_ + rel;
  std::string_view tag(buffer_.data() + pos_ + 1, end - pos_ - 1);
  pos_ = end + 1;
  if (!tag.empty() && tag[0] == '/') {
    tag.remove_prefix(1);
    while (!tag.empty() && is_space(tag.back())) tag.remove_suffix(1);
    name_ = local_name(tag);
    attr_count_ = 0;
    return Token::end;
  }
  self_closing_ = !tag.empty() && tag.back() == '/';
  if (self_closing_) tag.remove_suffix(1);
  std::size_t i = 0;
  while (i < tag.size() && !is_space(tag[i])) ++i;
  name_ = local_name(tag.substr(0, i));
  if (name_.empty()) return fail("XML của tệp có một phần tử không có tên",
                                 "the workbook's XML has an element without a name");
  attr_count_ = 0;
  while (i < tag.size()) {
    while (i < tag.size() && is_space(tag[i])) ++i;
    if (i >= tag.size()) break;
    const std::size_t name_start = i;
    while (i < tag.size() && tag[i] != '=' && !is_space(tag[i])) ++i;
    const std::string_view attr_name = tag.substr(name_start, i - name_start);
    while (i < tag.size() && is_space(tag[i])) ++i;
    if (i >= tag.size() || tag[i] != '=') return fail("một thuộc tính không có giá trị", "an attribute has no value");
    ++i;
    while (i < tag.size() && is_space(tag[i])) ++i;
    if (i >= tag.size() || (tag[i] != '"' && tag[i] != '\'')) return fail("giá trị một thuộc tính không nằm trong dấu ngoặc kép",
                                                                          "an attribute value is not quoted");
    const char q = tag[i++];
    std::size_t close = i;
    while (close < tag.size() && tag[close] != q) ++close;
    if (close >= tag.size()) return fail("giá trị một thuộc tính không có dấu ngoặc kép đóng",
                                         "an attribute value is never closed");
    if (attr_count_ == attrs_.size()) attrs_.emplace_back();
    Attr& a = attrs_[attr_count_++];
    a.name = local_name(attr_name);
    a.qname = attr_name;
    const std::string_view raw = tag.substr(i, close - i);
    if (plain(raw)) {
      a.value = raw;
    } else {
      if (!decode(raw, a.decoded)) return fail("một thuộc tính có thực thể lạ", "an attribute has an unknown entity");
      a.value = a.decoded;
    }
    i = close + 1;
  }
  if (self_closing_) pending_end_ = true;
  return Token::start;
}

}  // namespace tonghop::zipxml
