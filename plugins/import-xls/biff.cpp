#include "biff.hpp"

#include <algorithm>
#include <cstring>

namespace tonghop::xls {

namespace {
std::uint16_t le16(const char* p) {
  return static_cast<std::uint16_t>(static_cast<unsigned char>(p[0]) | static_cast<unsigned char>(p[1]) << 8);
}
}  // namespace

std::uint16_t Records::id_at(std::size_t offset) const {
  return offset + 4 <= s_.size() ? le16(s_.data() + offset) : 0;
}

bool Records::next(Record& r) {
  r.pieces.clear();
  if (pos_ + 4 > s_.size()) return false;  // the end, or padding shorter than a header
  const std::uint16_t len = le16(s_.data() + pos_ + 2);
  if (pos_ + 4 + len > s_.size()) {
    truncated_ = true;
    return false;
  }
  r.id = le16(s_.data() + pos_);
  r.offset = pos_;
  r.pieces.push_back(s_.substr(pos_ + 4, len));
  pos_ += 4u + len;
  while (pos_ + 4 <= s_.size() && le16(s_.data() + pos_) == rec::continue_) {
    const std::uint16_t more = le16(s_.data() + pos_ + 2);
    if (pos_ + 4 + more > s_.size()) break;  // left for the next call to report
    r.pieces.push_back(s_.substr(pos_ + 4, more));
    pos_ += 4u + more;
  }
  return true;
}

Cursor::Cursor(const Record& r, std::size_t skip) : r_(r) { this->skip(skip); }

bool Cursor::next_piece() {
  if (piece_ + 1 >= r_.pieces.size()) return false;
  ++piece_;
  pos_ = 0;
  return true;
}

bool Cursor::at_end() {
  while (piece_ < r_.pieces.size() && pos_ == r_.pieces[piece_].size())
    if (!next_piece()) return true;
  return piece_ >= r_.pieces.size();
}

bool Cursor::u8(std::uint8_t& v) {
  if (at_end()) return false;
  v = static_cast<std::uint8_t>(r_.pieces[piece_][pos_++]);
  return true;
}

bool Cursor::u16(std::uint16_t& v) {
  std::uint8_t a = 0, b = 0;
  if (!u8(a) || !u8(b)) return false;
  v = static_cast<std::uint16_t>(a | b << 8);
  return true;
}

bool Cursor::u32(std::uint32_t& v) {
  std::uint16_t a = 0, b = 0;
  if (!u16(a) || !u16(b)) return false;
  v = a | static_cast<std::uint32_t>(b) << 16;
  return true;
}

bool Cursor::skip(std::uint64_t n) {
  while (n > 0) {
    if (at_end()) return false;
    const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(n, r_.pieces[piece_].size() - pos_));
    pos_ += take;
    n -= take;
  }
  return true;
}

bool Cursor::bytes(std::uint32_t n, std::string& out) {
  while (n > 0) {
    if (at_end()) return false;
    const std::size_t take = std::min<std::size_t>(n, r_.pieces[piece_].size() - pos_);
    out.append(r_.pieces[piece_].data() + pos_, take);
    pos_ += take;
    n -= static_cast<std::uint32_t>(take);
  }
  return true;
}

bool Cursor::chars(std::uint32_t cch, bool wide, std::string& out) {
  char16_t high = 0;  // a surrogate waiting for its pair
  while (cch > 0) {
    if (piece_ >= r_.pieces.size()) return false;
    const std::string_view p = r_.pieces[piece_];
    const std::size_t avail = std::min<std::size_t>(cch, (p.size() - pos_) / (wide ? 2 : 1));
    for (std::size_t i = 0; i < avail; ++i) {
      if (!wide) {
        append_utf8(static_cast<unsigned char>(p[pos_ + i]), out);  // "compressed": the low bytes of UTF-16
        continue;
      }
      const char16_t u = le16(p.data() + pos_ + 2 * i);
      if (high != 0 && u >= 0xDC00 && u <= 0xDFFF) {
        append_utf8(0x10000 + ((static_cast<char32_t>(high) - 0xD800) << 10) + (u - 0xDC00), out);
        high = 0;
        continue;
      }
      if (high != 0) append_utf8(0xFFFD, out);
      high = 0;
      if (u >= 0xD800 && u <= 0xDBFF) high = u;
      else append_utf8(u >= 0xDC00 && u <= 0xDFFF ? 0xFFFD : u, out);
    }
    pos_ += avail * (wide ? 2 : 1);
    cch -= static_cast<std::uint32_t>(avail);
    if (cch == 0) break;
    // The characters go on in the next CONTINUE, which starts with a flags byte.
    if (!next_piece() || r_.pieces[piece_].empty()) return false;
    wide = (static_cast<unsigned char>(r_.pieces[piece_][0]) & 1) != 0;
    pos_ = 1;
  }
  if (high != 0) append_utf8(0xFFFD, out);
  return true;
}

bool read_unicode(Cursor& c, unsigned length_bytes, std::string& out, bool rich) {
  std::uint32_t cch = 0;
  if (length_bytes == 1) {
    std::uint8_t n = 0;
    if (!c.u8(n)) return false;
    cch = n;
  } else {
    std::uint16_t n = 0;
    if (!c.u16(n)) return false;
    cch = n;
  }
  std::uint8_t flags = 0;
  if (!c.u8(flags)) return cch == 0;  // some writers end an empty string without its flags
  std::uint16_t runs = 0;
  std::uint32_t phonetic = 0;
  if (rich && (flags & 0x08) && !c.u16(runs)) return false;
  if (rich && (flags & 0x04) && !c.u32(phonetic)) return false;
  if (!c.chars(cch, (flags & 1) != 0, out)) return false;
  return c.skip(4ull * runs + phonetic);
}

double rk_value(std::uint32_t rk) {
  double d;
  if (rk & 2) {
    d = static_cast<double>(static_cast<std::int32_t>(rk) >> 2);
  } else {
    const std::uint64_t bits = static_cast<std::uint64_t>(rk & 0xFFFFFFFCu) << 32;
    std::memcpy(&d, &bits, 8);
  }
  return (rk & 1) ? d / 100 : d;
}

bool text_formula(std::string_view rgce) {
  // Each token's size, the token byte included ([MS-XLS] 2.5.198; xlrd's
  // table for BIFF8); 0: not known here. Operand classes 0x40 and 0x60 are
  // the 0x20 tokens' sizes.
  static constexpr unsigned char kSize[0x40] = {
      0, 5, 5, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 2, 2, 3, 9,
      0, 3, 4, 5, 5, 9, 7, 7, 7, 3, 5, 9, 5, 9, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7, 7, 11, 7, 11, 0, 0};
  // Functions whose value is a text: DOLLAR, FIXED, REPT, MID, TEXT, CHAR,
  // LOWER, UPPER, PROPER, LEFT, RIGHT, TRIM, REPLACE, SUBSTITUTE, T, CLEAN,
  // USDOLLAR, REPLACEB, LEFTB, RIGHTB, MIDB, ASC, DBCS, CONCATENATE, ROMAN.
  static constexpr std::uint16_t kText[] = {13,  14,  30,  31,  48,  111, 112, 113, 114, 115, 116, 118, 119,
                                            120, 130, 162, 204, 207, 208, 209, 210, 214, 215, 336, 354};
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(rgce[i]); };
  std::size_t at = 0, last = SIZE_MAX;
  while (at < rgce.size()) {
    const unsigned char t = byte(at);
    std::size_t size = 0;
    if (t == 0x17) {  // a text constant: its length, its flags (bit 0: two bytes a character)
      if (at + 3 > rgce.size()) return false;
      size = 3 + std::size_t{byte(at + 1)} * ((byte(at + 2) & 1) != 0 ? 2 : 1);
    } else if (t == 0x19) {  // tAttr: its kind, a word, and a choice's jump table
      if (at + 4 > rgce.size()) return false;
      const std::size_t word = byte(at + 2) | std::size_t{byte(at + 3)} << 8;
      size = 4 + ((byte(at + 1) & 0x04) != 0 ? 2 * (word + 1) : 0);
      if ((byte(at + 1) & 0x10) != 0) last = at;  // SUM of one argument: a number
    } else if (t < 0x80) {
      size = kSize[t < 0x40 ? t : 0x20 | (t & 0x1F)];
    }
    if (size == 0 || size > rgce.size() - at) return false;
    // The last operation: not a control token (tAttr), the parentheses
    // (tParen) or a unary plus (tUplus) around it.
    if (t != 0x19 && t != 0x15 && t != 0x12) last = at;
    at += size;
  }
  if (last == SIZE_MAX) return false;
  const unsigned char t = byte(last);
  if (t == 0x17 || t == 0x08) return true;  // "text", a & b
  // A command's index has 0x8000 set: in no list here.
  std::uint16_t function = UINT16_MAX;
  if (t < 0x20) return false;  // tExp, the other operators, constants
  if ((t & 0x1F) == 0x01) function = static_cast<std::uint16_t>(byte(last + 1) | byte(last + 2) << 8);  // tFunc
  else if ((t & 0x1F) == 0x02) function = static_cast<std::uint16_t>(byte(last + 2) | byte(last + 3) << 8);  // tFuncVar
  return std::find(std::begin(kText), std::end(kText), function) != std::end(kText);
}

std::string_view error_text(std::uint8_t code) {
  switch (code) {
    case 0x00: return "#NULL!";
    case 0x07: return "#DIV/0!";
    case 0x0F: return "#VALUE!";
    case 0x17: return "#REF!";
    case 0x1D: return "#NAME?";
    case 0x24: return "#NUM!";
    case 0x2A: return "#N/A";
    case 0x2B: return "#GETTING_DATA";
    default: return "#ERROR!";
  }
}

void append_utf8(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
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


}  // namespace tonghop::xls
