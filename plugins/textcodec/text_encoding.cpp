#include "text_encoding.hpp"

#include <bit>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <iconv.h>
#include <utf8proc.h>

namespace tonghop::textcodec {

std::size_t first_invalid_utf8(std::string_view s) noexcept {
  bool combining = false;
  return first_invalid_utf8(s, combining);
}

std::size_t first_invalid_utf8(std::string_view s, bool& combining) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  bool marks = false;
  while (i < n) {
    // Eight bytes at a time: past them when all are ASCII, else straight
    // to the first that is not.
    if (i + 8 <= n) {
      std::uint64_t word;
      std::memcpy(&word, p + i, 8);
      const std::uint64_t high = word & 0x8080808080808080ULL;
      if (high == 0) {
        i += 8;
        continue;
      }
      if constexpr (std::endian::native == std::endian::little) i += static_cast<std::size_t>(std::countr_zero(high)) / 8;
    }
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    // The two- and three-byte letters of Vietnamese (C2-DF, E1-EC and EE-EF
    // leads: no overlong or surrogate form among them) read without the
    // general loop below (issue 18, csvpar2: every row's district and name
    // come here); any other lead, or a continuation byte missing, goes on
    // to the general reading, which gives the same answer.
    if (c >= 0xC2 && c <= 0xDF && i + 1 < n && (p[i + 1] & 0xC0) == 0x80) {
      marks = marks || c == 0xCC || c == 0xCD;
      i += 2;
      continue;
    }
    if (c >= 0xE1 && c <= 0xEF && c != 0xED && i + 2 < n && (p[i + 1] & 0xC0) == 0x80 && (p[i + 2] & 0xC0) == 0x80) {
      i += 3;
      continue;
    }
    std::size_t len;
    std::uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) { len = 2; cp = c & 0x1F; marks = marks || c == 0xCC || c == 0xCD; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; cp = c & 0x0F; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; cp = c & 0x07; }
    else {
      combining = marks;
      return i;
    }
    if (i + len > n) {
      combining = marks;
      return i;
    }
    for (std::size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) {
        combining = marks;
        return i;
      }
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
      combining = marks;
      return i;
    }
    i += len;
  }
  combining = marks;
  return std::string_view::npos;
}

std::string to_nfc(std::string_view s) {
  utf8proc_uint8_t* out = nullptr;
  const utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(s.data()),
                                          static_cast<utf8proc_ssize_t>(s.size()), &out,
                                          static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
  if (n < 0) {
    std::free(out);
    return std::string(s);
  }
  std::string result(reinterpret_cast<const char*>(out), static_cast<std::size_t>(n));
  std::free(out);
  return result;
}

bool convert_to_utf8(std::string_view in, const char* encoding, std::string& out, std::size_t& bad_offset) {
  iconv_t cd = iconv_open("UTF-8", encoding);
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    bad_offset = 0;
    return false;
  }
  out.clear();
  out.resize(in.size() * 3 + 16);
  char* src = const_cast<char*>(in.data());
  std::size_t src_left = in.size();
  char* dst = out.data();
  std::size_t dst_left = out.size();
  bool ok = true;
  while (src_left > 0) {
    if (iconv(cd, &src, &src_left, &dst, &dst_left) == static_cast<std::size_t>(-1)) {
      if (errno == E2BIG) {
        const std::size_t used = static_cast<std::size_t>(dst - out.data());
        out.resize(out.size() * 2);
        dst = out.data() + used;
        dst_left = out.size() - used;
        continue;
      }
      ok = false;
      bad_offset = static_cast<std::size_t>(src - in.data());
      break;
    }
  }
  if (ok) iconv(cd, nullptr, nullptr, &dst, &dst_left);  // flush a pending composed character
  out.resize(static_cast<std::size_t>(dst - out.data()));
  iconv_close(cd);
  return ok;
}

namespace {

bool is_tone(utf8proc_int32_t mark) {
  return mark == 0x300 || mark == 0x301 || mark == 0x303 || mark == 0x309 || mark == 0x323;
}
bool is_vietnamese_modifier(utf8proc_int32_t mark) {
  return is_tone(mark) || mark == 0x302 || mark == 0x306 || mark == 0x31B;
}

// How Vietnamese a UTF-8 text reads. Letters are grouped into syllables; a
// syllable is good when its letters are Vietnamese (a-z, đ, and vowels with
// Vietnamese marks) with at most one tone mark.
struct Score {
  long good = 0;     // syllables with Vietnamese diacritics that are well formed
  long bad = 0;      // syllables with a foreign letter or two tone marks
  long stray = 0;    // symbols a Vietnamese text does not have (¨ © ® µ ¸ ...)
  long junk = 0;     // control characters
  long value() const { return good - 3 * bad - 2 * stray - 5 * junk; }
};

Score score(std::string_view text) {
  Score s;
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(text.size());
  bool in_syllable = false, viet = false, foreign = false;
  int tones = 0;
  auto close = [&] {
    if (in_syllable) {
      if (foreign || tones > 1) ++s.bad;
      else if (viet) ++s.good;
    }
    in_syllable = viet = foreign = false;
    tones = 0;
  };
  while (left > 0) {
    utf8proc_int32_t cp = 0;
    const utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
    if (n <= 0) { ++s.junk; ++p; --left; continue; }
    p += n;
    left -= n;
    if (cp < 0x80) {
      const bool letter = (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
      if (letter) in_syllable = true;
      else {
        close();
        if (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') ++s.junk;
      }
      continue;
    }
    if (cp < 0xA0 || cp == 0xFFFD) { close(); ++s.junk; continue; }
    if (cp == 0x110 || cp == 0x111) { in_syllable = viet = true; continue; }  // Đ đ
    utf8proc_int32_t parts[8];
    utf8proc_int32_t boundclass = 0;
    const utf8proc_ssize_t k = utf8proc_decompose_char(cp, parts, 8, UTF8PROC_DECOMPOSE, &boundclass);
    const bool latin_base = k >= 1 && ((parts[0] >= 'a' && parts[0] <= 'z') || (parts[0] >= 'A' && parts[0] <= 'Z'));
    if (k >= 2 && latin_base) {
      bool all_vietnamese = true;
      for (utf8proc_ssize_t i = 1; i < k; ++i) {
        if (is_tone(parts[i])) ++tones;
        if (!is_vietnamese_modifier(parts[i])) all_vietnamese = false;
      }
      in_syllable = true;
      if (all_vietnamese) viet = true;
      else foreign = true;
      continue;
    }
    if (cp >= 0x300 && cp <= 0x36F) {  // a mark left over after NFC
      if (in_syllable && is_vietnamese_modifier(cp)) { if (is_tone(cp)) ++tones; viet = true; }
      else ++s.stray;
      continue;
    }
    const auto* props = utf8proc_get_property(cp);
    const bool letter = props->category >= UTF8PROC_CATEGORY_LU && props->category <= UTF8PROC_CATEGORY_LO;
    if (letter) { in_syllable = true; foreign = true; continue; }  // ß, Þ, µ ...
    close();
    if (cp < 0x2000) ++s.stray;  // Latin-1 symbols and the like
  }
  close();
  return s;
}

std::string describe(const char* name, const Score& s) {
  return std::string(name) + ": " + std::to_string(s.good) + " Vietnamese syllables, " + std::to_string(s.bad) +
         " malformed, " + std::to_string(s.stray) + " stray symbols, " + std::to_string(s.junk) + " control characters";
}

std::string hex_byte(unsigned char c) {
  static const char* digits = "0123456789ABCDEF";
  return std::string("0x") + digits[c >> 4] + digits[c & 15];
}

}  // namespace

sdk::Status decode_text(std::string_view bytes, DecodedText& out) {
  auto starts = [&](std::string_view prefix) { return bytes.substr(0, prefix.size()) == prefix; };
  if (starts("\xEF\xBB\xBF")) {
    out.encoding = "utf-8-bom";
    out.evidence = "UTF-8 byte-order mark";
    out.text = bytes.substr(3);
    out.check_fields = true;
    return {};
  }
  // UTF-32 before UTF-16: the UTF-32LE mark begins with the UTF-16LE one.
  if (starts(std::string_view("\xFF\xFE\0\0", 4)) || starts(std::string_view("\0\0\xFE\xFF", 4))) {
    const bool le = bytes[0] == '\xFF';
    out.encoding = le ? "utf-32le" : "utf-32be";
    out.evidence = le ? "UTF-32 little-endian byte-order mark" : "UTF-32 big-endian byte-order mark";
    std::size_t bad = 0;
    if (!convert_to_utf8(bytes.substr(4), le ? "UTF-32LE" : "UTF-32BE", out.owned, bad)) {
      sdk::Location where;
      where.offset = bad + 4;
      return {sdk::Code::undecodable, "tệp ghi là UTF-32 nhưng từ byte " + std::to_string(bad + 4) +
                                          " không đúng UTF-32. Hãy lưu lại dạng UTF-8 (Excel: \"CSV UTF-8\") rồi "
                                          "gửi lại / the file says UTF-32 but is not valid UTF-32 at byte " +
                                          std::to_string(bad + 4) +
                                          ". Save it as UTF-8 (Excel: \"CSV UTF-8\") and send it again",
              where};
    }
    out.owned = to_nfc(out.owned);
    out.text = out.owned;
    return {};
  }
  if (starts("\xFF\xFE") || starts("\xFE\xFF")) {
    const bool le = starts("\xFF\xFE");
    out.encoding = le ? "utf-16le" : "utf-16be";
    out.evidence = le ? "UTF-16 little-endian byte-order mark (Excel's Unicode Text)" : "UTF-16 big-endian byte-order mark";
    std::size_t bad = 0;
    if (!convert_to_utf8(bytes.substr(2), le ? "UTF-16LE" : "UTF-16BE", out.owned, bad)) {
      sdk::Location where;
      where.offset = bad + 2;
      return {sdk::Code::undecodable, "tệp ghi là UTF-16 nhưng từ byte " + std::to_string(bad + 2) +
                                          " không đúng UTF-16. Hãy lưu lại dạng UTF-8 (Excel: \"CSV UTF-8\") rồi "
                                          "gửi lại / the file says UTF-16 but is not valid UTF-16 at byte " +
                                          std::to_string(bad + 2),
              where};
    }
    out.owned = to_nfc(out.owned);
    out.text = out.owned;
    return {};
  }
  // UTF-8 is decided on the first MiB (cut at a character boundary); the
  // rest is checked field by field as it is read.
  std::string_view head = bytes.substr(0, 1u << 20);
  if (head.size() < bytes.size())
    while (!head.empty() && (static_cast<unsigned char>(head.back()) & 0xC0) == 0x80) head.remove_suffix(1);
  if (!head.empty() && head.size() < bytes.size() && static_cast<unsigned char>(head.back()) >= 0xC0)
    head.remove_suffix(1);
  std::size_t invalid = first_invalid_utf8(head);
  if (invalid == std::string_view::npos && head.find('\0') != std::string_view::npos) {
    sdk::Location where;
    where.offset = head.find('\0');
    return {sdk::Code::undecodable,
            "tệp có byte NUL (từ vị trí " + std::to_string(where.offset) +
                "): đây không phải tệp văn bản; hãy xuất lại bảng tính dạng CSV UTF-8 hoặc gửi tệp .xlsx / "
                "the file has NUL bytes (from offset " + std::to_string(where.offset) + "): it is not a text file",
            where};
  }
  if (invalid == std::string_view::npos) {
    out.encoding = "utf-8";
    bool ascii = true;
    for (const char c : head)
      if (static_cast<unsigned char>(c) >= 0x80) { ascii = false; break; }
    out.evidence = ascii ? "ASCII only in the first MiB (read as UTF-8)" : "valid UTF-8, no byte-order mark";
    out.text = bytes;
    out.check_fields = true;
    return {};
  }
  invalid = first_invalid_utf8(bytes);

  // Not UTF-8: try the single-byte encodings and keep the one that reads best.
  struct Candidate {
    const char* name;
    const char* iconv_name;
    std::string text;
    bool ok = false;
    std::size_t bad = 0;
    Score s;
  } candidates[] = {{"windows-1258", "WINDOWS-1258", {}, false, 0, {}}, {"tcvn3", "TCVN5712-1", {}, false, 0, {}}};
  Candidate* best = nullptr;
  for (auto& c : candidates) {
    c.ok = convert_to_utf8(bytes, c.iconv_name, c.text, c.bad);
    if (!c.ok) continue;
    c.text = to_nfc(c.text);
    c.s = score(c.text);
    if (best == nullptr || c.s.value() > best->s.value()) best = &c;
  }
  const std::string not_utf8 = "not UTF-8 (byte " + std::to_string(invalid) + " is " +
                               hex_byte(static_cast<unsigned char>(bytes[invalid])) + ")";
  std::string tried;
  for (const auto& c : candidates)
    tried += std::string("; ") + (c.ok ? describe(c.name, c.s) : std::string(c.name) + ": invalid at byte " + std::to_string(c.bad));
  if (best == nullptr || best->s.value() <= 0 || best->s.good == 0 || best->s.junk * 100 > best->s.good + 10) {
    sdk::Location where;
    where.offset = invalid;
    return {sdk::Code::undecodable,
            "không nhận ra bảng mã của tệp: byte " + std::to_string(invalid) +
                " không phải UTF-8, và tệp cũng không đọc ra tiếng Việt theo Windows-1258 hay TCVN3. Hãy lưu lại "
                "dạng UTF-8 (Excel: \"CSV UTF-8\") rồi gửi lại / cannot tell the text encoding: " + not_utf8 +
                ", and it does not read as Vietnamese in Windows-1258 or "
            "TCVN3 either. Save the file as UTF-8 (Excel: \"CSV UTF-8\") and send it again" + tried,
            where};
  }
  out.encoding = best->name;
  out.evidence = not_utf8 + tried;
  out.owned = std::move(best->text);
  out.text = out.owned;
  return {};
}

}  // namespace tonghop::textcodec
