// Legacy text: Vietnamese typed in TCVN3 or VNI fonts, found by what it says.
#include <array>
#include <cstring>
#include <optional>
#include <string>
#include <unordered_map>

#include <iconv.h>
#include <utf8proc.h>

#include "normalise/syllables.hpp"
#include "normalise/text.hpp"

namespace tonghop::normalise {

namespace {

// The Windows-1252 byte a character stands for, as legacy text shows in a
// font that is not its own (-1 when it has none).
int cp1252_byte(char32_t cp) {
  if (cp < 0x80 || (cp >= 0xA0 && cp <= 0xFF)) return static_cast<int>(cp);
  static const char32_t high[32] = {0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
                                    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};
  for (int i = 0; i < 32; ++i)
    if (high[i] == cp && cp != 0) return 0x80 + i;
  return -1;
}

std::string nfc_of(std::u32string_view text) { return nfc(to_utf8(text)); }

// TCVN3: what each byte from 0x80 up is (glibc's TCVN5712-1, read once).
// Bytes 0x80-0x9F hold the toned capitals of TCVN3's first table (Ủ is
// 0x9E, shown as "ž" in a Windows font): converters write them, as iconv
// does. Whether a text is TCVN3 at all is judged by its syllables, so a
// Unicode text with Windows quotes is never read through this table.
const std::array<std::u32string, 256>& tcvn3_table() {
  static const std::array<std::u32string, 256> table = [] {
    std::array<std::u32string, 256> t;
    iconv_t cd = iconv_open("UTF-32LE", "TCVN5712-1");
    for (int b = 0; b < 256; ++b) {
      t[static_cast<std::size_t>(b)] = std::u32string(1, static_cast<char32_t>(b));
      if (b < 0x80 || cd == reinterpret_cast<iconv_t>(-1)) continue;
      char in[1] = {static_cast<char>(b)};
      char32_t out[4] = {};
      char* src = in;
      char* dst = reinterpret_cast<char*>(out);
      std::size_t sl = 1, dl = sizeof(out);
      iconv(cd, nullptr, nullptr, nullptr, nullptr);
      if (iconv(cd, &src, &sl, &dst, &dl) == static_cast<std::size_t>(-1)) continue;
      iconv(cd, nullptr, nullptr, &dst, &dl);  // a combining mark held back to compose
      const std::size_t n = (sizeof(out) - dl) / sizeof(char32_t);
      if (n >= 1) t[static_cast<std::size_t>(b)] = std::u32string(out, n);
    }
    if (cd != reinterpret_cast<iconv_t>(-1)) iconv_close(cd);
    return t;
  }();
  return table;
}

// The TCVN3 reading of text (as code points, marks not yet composed), or
// nullopt when a character is not one of Windows-1252.
std::optional<std::u32string> tcvn3_reading(std::u32string_view text) {
  const auto& t = tcvn3_table();
  std::u32string out;
  out.reserve(text.size());
  for (const char32_t c : text) {
    if (c == 0xFFFD) return std::nullopt;
    const int b = cp1252_byte(c);
    if (b < 0) return std::nullopt;
    if (b < 0x80) out.push_back(c);
    else out += t[static_cast<std::size_t>(b)];
  }
  return out;
}

// VNI-Windows: a vowel followed by the byte of its marks, and a few letters
// of one byte (đ ơ ư and the toned i and y).
struct VniMark {
  char32_t shown;  // the Windows-1252 character of the byte
  char32_t vowel;  // 0x302 circumflex, 0x306 breve, or 0
  char32_t tone;   // 0 or a combining tone
};
constexpr VniMark kVniMarks[] = {
    {U'ù', 0, 0x301},     {U'ø', 0, 0x300},     {U'û', 0, 0x309},     {U'õ', 0, 0x303},     {U'ï', 0, 0x323},
    {U'â', 0x302, 0},     {U'á', 0x302, 0x301}, {U'à', 0x302, 0x300}, {U'å', 0x302, 0x309}, {U'ã', 0x302, 0x303},
    {U'ä', 0x302, 0x323}, {U'ê', 0x306, 0},     {U'é', 0x306, 0x301}, {U'è', 0x306, 0x300}, {U'ú', 0x306, 0x309},
    {U'ü', 0x306, 0x303}, {U'ë', 0x306, 0x323}, {U'Ù', 0, 0x301},     {U'Ø', 0, 0x300},     {U'Û', 0, 0x309},
    {U'Õ', 0, 0x303},     {U'Ï', 0, 0x323},     {U'Â', 0x302, 0},     {U'Á', 0x302, 0x301}, {U'À', 0x302, 0x300},
    {U'Å', 0x302, 0x309}, {U'Ã', 0x302, 0x303}, {U'Ä', 0x302, 0x323}, {U'Ê', 0x306, 0},     {U'É', 0x306, 0x301},
    {U'È', 0x306, 0x300}, {U'Ú', 0x306, 0x309}, {U'Ü', 0x306, 0x303}, {U'Ë', 0x306, 0x323}};
constexpr std::pair<char32_t, char32_t> kVniLetters[] = {
    {U'ñ', U'đ'}, {U'Ñ', U'Đ'}, {U'ô', U'ơ'}, {U'Ô', U'Ơ'}, {U'ö', U'ư'}, {U'Ö', U'Ư'}, {U'í', U'í'}, {U'Í', U'Í'},
    {U'ì', U'ì'}, {U'Ì', U'Ì'}, {U'æ', U'ỉ'}, {U'Æ', U'Ỉ'}, {U'ó', U'ĩ'}, {U'Ó', U'Ĩ'}, {U'ò', U'ị'}, {U'Ò', U'Ị'},
    {U'î', U'ỵ'}, {U'Î', U'Ỵ'}};

bool vni_vowel(char32_t c) {
  const char32_t l = static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(c)));
  return l == U'a' || l == U'e' || l == U'i' || l == U'o' || l == U'u' || l == U'y' || l == U'ơ' || l == U'ư';
}

std::optional<std::u32string> vni_reading(std::u32string_view text) {
  std::u32string out;
  out.reserve(text.size());
  char32_t base = 0;  // the vowel the next mark may go on (0: none)
  for (const char32_t c : text) {
    if (c == 0xFFFD || cp1252_byte(c) < 0) return std::nullopt;
    const VniMark* mark = nullptr;
    for (const auto& m : kVniMarks)
      if (m.shown == c) mark = &m;
    if (mark != nullptr && base != 0) {
      const char32_t l = static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(base)));
      const bool fits = mark->vowel == 0 || (mark->vowel == 0x302 && (l == U'a' || l == U'e' || l == U'o')) ||
                        (mark->vowel == 0x306 && l == U'a');
      if (fits) {
        if (mark->vowel != 0) out.push_back(mark->vowel);
        if (mark->tone != 0) out.push_back(mark->tone);
        base = 0;
        continue;
      }
    }
    char32_t letter = c;
    for (const auto& [shown, is] : kVniLetters)
      if (shown == c) letter = is;
    out.push_back(letter);
    base = vni_vowel(letter) ? letter : 0;
  }
  return out;
}

using Reading = std::optional<std::u32string> (*)(std::u32string_view);

// A separator between words, in text as it stands: ASCII other than letters,
// and the punctuation Windows-1252 has at 0x80-0x9F.
bool separator(char32_t c) {
  if (c < 0x80) return !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
  const int b = cp1252_byte(c);
  return (b >= 0x80 && b < 0xA0) || c == 0xA0;
}

// Only Latin letters and Đ/đ.
bool letters_only(std::u32string_view w) {
  for (const char32_t c : w)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == 0x110 || c == 0x111)) return false;
  return true;
}
bool has_ascii_letter(std::u32string_view w) {
  for (const char32_t c : w)
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return false;
}
// Initials have one vowel at most ("ĐV", "TCCSĐ", "UBND"); words have more ("NIÑO").
int vowels(std::u32string_view w) {
  int n = 0;
  for (const char32_t c : w)
    if (std::u32string_view(U"aeiouyAEIOUY").find(c) != std::u32string_view::npos) ++n;
  return n;
}
bool no_small_ascii(std::u32string_view w) {
  for (const char32_t c : w)
    if (c >= 'a' && c <= 'z') return false;
  return true;
}

// Word by word: the words that are syllables only decoded (gain), only as
// they stand (loss), and how many words were judged.
struct Judgement {
  int gain = 0, loss = 0, judged = 0, decoded_ok = 0;
  bool decodable = true;
  // The decoded reading is Vietnamese and the one as it stands is not.
  bool clearly() const { return decodable && gain >= 1 && gain >= 3 * loss && decoded_ok * 2 > judged; }
  // As it stands, the text reads as Vietnamese and decoded it does not.
  bool against() const { return !decodable || loss > gain; }
};

Judgement judge(const std::u32string& text, Reading reading) {
  Judgement j;
  std::size_t i = 0;
  while (i < text.size()) {
    if (separator(text[i])) {
      ++i;
      continue;
    }
    std::size_t end = i;
    bool ascii = true;
    for (; end < text.size() && !separator(text[end]); ++end)
      if (text[end] >= 0x80) ascii = false;
    const std::u32string_view word(text.data() + i, end - i);
    i = end;
    if (ascii) continue;  // the same in every reading
    const auto decoded = reading(word);
    if (!decoded) {
      j.decodable = false;
      return j;
    }
    const bool raw_ok = is_vietnamese_syllable(to_utf8(word));
    bool dec_ok = is_vietnamese_syllable(nfc_of(*decoded));
    if (!dec_ok && letters_only(*decoded)) {
      // "§V" -> "ĐV", "TCCS§" -> "TCCSĐ", VNI "ÑV" -> "ĐV": an abbreviation,
      // in capitals; else a word that is evidence of nothing.
      if (!has_ascii_letter(word) || !no_small_ascii(word) || decoded->size() < 2 || vowels(*decoded) > 1) continue;
      dec_ok = true;
    }
    ++j.judged;
    j.decoded_ok += dec_ok ? 1 : 0;
    j.gain += dec_ok && !raw_ok ? 1 : 0;
    j.loss += raw_ok && !dec_ok ? 1 : 0;
  }
  return j;
}

std::string upper(std::string_view text) {
  std::string out;
  for (const char32_t c : code_points(text)) utf8_append(out, utf8proc_toupper(static_cast<utf8proc_int32_t>(c)));
  return out;
}

// Text typed in a .VnTimeH font with capitals on: all its Latin letters are
// capitals (at least two), the marked vowels come from the lower-case slots.
bool capitals_typed(const std::u32string& text) {
  int up = 0;
  for (const char32_t c : text) {
    if (c >= 'a' && c <= 'z') return false;
    if (c >= 'A' && c <= 'Z') ++up;
  }
  return up >= 2;
}

bool has_legacy_byte(std::string_view text) {
  // Legacy text shows Windows-1252 characters from U+0080 up: in UTF-8 they
  // start with C2 or C3 (or E2/C5/C6/CB for 0x80-0x9F, which decode to themselves).
  // One pass, byte by byte: most texts asked about are a few digits long.
  for (const char c : text)
    if ((static_cast<unsigned char>(c) & 0xFE) == 0xC2) return true;
  return false;
}

// Whether every character of a UTF-8 text is one of Windows-1252 (as
// all_cp1252 of its code points), read in place: a Unicode Vietnamese name
// ("Đảng bộ xã Bản 1") fails at its first "Đ" or "ả", before any copy.
bool cp1252_only(std::string_view text) {
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(text.size());
  while (left > 0) {
    if (*p < 0x80) {  // ASCII, all of it Windows-1252: without the call
      ++p;
      --left;
      continue;
    }
    utf8proc_int32_t cp = 0;
    const utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
    if (n <= 0 || cp == 0xFFFD || cp1252_byte(static_cast<char32_t>(cp)) < 0) return false;
    p += n;
    left -= n;
  }
  return true;
}

}  // namespace

std::optional<std::string> decode_tcvn3(std::string_view text, bool capitals) {
  const std::u32string cps = code_points(text);
  const auto decoded = tcvn3_reading(cps);
  if (!decoded) return std::nullopt;
  const Judgement j = judge(cps, tcvn3_reading);
  // VNI text, in a VNI font the caller took for a TCVN3 one ("VNI-Times"
  // folds to "vni times"), or with no font: the reading that gains more wins.
  if (const Judgement v = judge(cps, vni_reading); v.clearly() && v.gain > j.gain) return decode_vni(text);
  if (j.against()) return std::nullopt;
  const std::string out = nfc_of(*decoded);
  return capitals || capitals_typed(cps) ? upper(out) : out;
}

// Every character one of Windows-1252 (legacy text shows no other).
bool all_cp1252(const std::u32string& cps) {
  for (const char32_t c : cps)
    if (c == 0xFFFD || cp1252_byte(c) < 0) return false;
  return true;
}

bool looks_like_tcvn3(std::string_view text) {
  if (!has_legacy_byte(text) || !cp1252_only(text)) return false;
  // The same texts come again and again down a column (the district's name,
  // a kind, a rating: "Than Uyên" is all Windows-1252 and was judged syllable
  // by syllable on every row, a third of a large return's time): each is
  // judged once per thread, in a table kept small.
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  thread_local std::unordered_map<std::string, bool, Hash, std::equal_to<>> judged;
  // The text asked about last, before any hashing: down a column it is
  // usually the same ("Than Uyên" on every row).
  thread_local std::string last_text;
  thread_local bool last_legacy = false;
  if (text == last_text) return last_legacy;
  if (const auto it = judged.find(text); it != judged.end()) {
    last_text.assign(text);
    return last_legacy = it->second;
  }
  const std::u32string cps = code_points(text);
  // Unicode Vietnamese ("ư", "ơ", "đ", "ạ" ...) is never Windows-1252 alone.
  const bool legacy = all_cp1252(cps) && (judge(cps, tcvn3_reading).clearly() || judge(cps, vni_reading).clearly());
  if (judged.size() >= 4096) judged.clear();
  judged.emplace(std::string(text), legacy);
  last_text.assign(text);
  return last_legacy = legacy;
}

std::optional<std::string> decode_vni(std::string_view text) {
  const std::u32string cps = code_points(text);
  const auto decoded = vni_reading(cps);
  if (!decoded || judge(cps, vni_reading).against()) return std::nullopt;
  return nfc_of(*decoded);
}

bool looks_like_vni(std::string_view text) {
  return has_legacy_byte(text) && judge(code_points(text), vni_reading).clearly();
}

std::optional<std::string> decode_legacy(std::string_view text, std::string_view font) {
  const std::string f = fold(font);
  if (f.rfind("vni", 0) == 0) return decode_vni(text);
  if (f.rfind("vn", 0) == 0 && font.size() > 3) {
    const char last = font.back();
    return decode_tcvn3(text, last == 'H' || last == 'h');  // ASCII in .VnTimeH is capitals too
  }
  if (!has_legacy_byte(text)) return std::nullopt;
  const std::u32string cps = code_points(text);
  if (!all_cp1252(cps)) return std::nullopt;
  const Judgement t = judge(cps, tcvn3_reading), v = judge(cps, vni_reading);
  if (t.clearly() && (!v.clearly() || t.gain >= v.gain)) return decode_tcvn3(text, false);
  if (v.clearly()) return decode_vni(text);
  return std::nullopt;
}

}  // namespace tonghop::normalise
