#include "normalise/syllables.hpp"

#include <array>
#include <unordered_set>

#include <utf8proc.h>

namespace tonghop::normalise {

void utf8_append(std::string& out, std::int32_t cp) {
  utf8proc_uint8_t buf[4];
  const auto n = utf8proc_encode_char(cp, buf);
  out.append(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(n));
}

std::u32string code_points(std::string_view text) {
  std::u32string out;
  out.reserve(text.size());
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(text.size());
  while (left > 0) {
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
    if (n <= 0) {
      cp = 0xFFFD;
      n = 1;
    }
    out.push_back(static_cast<char32_t>(cp));
    p += n;
    left -= n;
  }
  return out;
}

std::string to_utf8(std::u32string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char32_t c : text) utf8_append(out, static_cast<std::int32_t>(c));
  return out;
}

namespace {

// Every onset (the consonants before the vowel), and every rhyme without its
// tone: the table of syllables is their product, under the spelling rules.
constexpr std::array<std::string_view, 28> kOnsets = {"",  "b",  "c", "ch", "d",   "đ",  "g",  "gh", "gi", "h",
                                                      "k", "kh", "l", "m",  "n",   "ng", "ngh", "nh", "p", "ph",
                                                      "qu", "r", "s", "t",  "th",  "tr", "v",   "x"};
constexpr std::string_view kRhymes[] = {
    "a",    "ac",   "ach",  "ai",   "am",   "an",   "ang",  "anh",  "ao",   "ap",   "at",   "au",   "ay",
    "ăc",   "ăm",   "ăn",   "ăng",  "ăp",   "ăt",   "âc",   "âm",   "ân",   "âng",  "âp",   "ât",   "âu",
    "ây",   "e",    "ec",   "em",   "en",   "eng",  "eo",   "ep",   "et",   "ê",    "êch",  "êm",   "ên",
    "ênh",  "êp",   "êt",   "êu",   "i",    "ia",   "ich",  "im",   "in",   "inh",  "ip",   "it",   "iu",
    "iêc",  "iêm",  "iên",  "iêng", "iêp",  "iêt",  "iêu",  "o",    "oc",   "oi",   "om",   "on",   "ong",
    "op",   "ot",   "oa",   "oac",  "oach", "oai",  "oam",  "oan",  "oang", "oanh", "oao",  "oap",  "oat",
    "oay",  "oăc",  "oăm",  "oăn",  "oăng", "oăt",  "oe",   "oen",  "oeo",  "oet",  "ooc",  "oong", "ô",
    "ôc",   "ôi",   "ôm",   "ôn",   "ông",  "ôp",   "ôt",   "ơ",    "ơi",   "ơm",   "ơn",   "ơp",   "ơt",
    "u",    "uc",   "ui",   "um",   "un",   "ung",  "up",   "ut",   "ua",   "uân",  "uâng", "uât",  "uây",
    "uê",   "uêch", "uênh", "uơ",   "uy",   "uya",  "uych", "uyên", "uyêt", "uynh", "uyt",  "uyu",  "uôc",
    "uôi",  "uôm",  "uôn",  "uông", "uôt",  "ư",    "ưc",   "ưi",   "ưm",   "ưn",   "ưng",  "ưt",   "ưu",
    "ưa",   "ươc",  "ươi",  "ươm",  "ươn",  "ương", "ươp",  "ươt",  "ươu",  "y",    "yêm",  "yên",  "yêng",
    "yêt",  "yêu"};

bool front(char32_t c) { return c == U'e' || c == U'ê' || c == U'i' || c == U'y'; }

bool allowed(std::string_view onset, const std::u32string& rhyme) {
  const char32_t first = rhyme[0];
  if (onset == "c" || onset == "ng") return !front(first);
  if (onset == "g") return !front(first) || first == U'i';  // "gì", "giêng": g before i
  if (onset == "k") return front(first);
  if (onset == "gh" || onset == "ngh") return front(first) && first != U'y';
  if (onset == "qu") return first != U'u' && first != U'ư' && first != U'o';
  if (onset == "gi") return first != U'i';
  return true;
}

const std::unordered_set<std::u32string>& table() {
  static const std::unordered_set<std::u32string> t = [] {
    std::unordered_set<std::u32string> s;
    for (const auto rhyme8 : kRhymes) {
      const std::u32string rhyme = code_points(rhyme8);
      for (const auto onset : kOnsets)
        if (allowed(onset, rhyme)) s.insert(code_points(onset) + rhyme);
    }
    return s;
  }();
  return t;
}

bool is_tone(utf8proc_int32_t m) { return m == 0x300 || m == 0x301 || m == 0x303 || m == 0x309 || m == 0x323; }

// A base letter with a vowel mark (circumflex, breve, horn) as one letter.
char32_t with_mark(char32_t base, utf8proc_int32_t mark) {
  if (mark == 0x302) return base == U'a' ? U'â' : base == U'e' ? U'ê' : base == U'o' ? U'ô' : 0;
  if (mark == 0x306) return base == U'a' ? U'ă' : 0;
  if (mark == 0x31B) return base == U'o' ? U'ơ' : base == U'u' ? U'ư' : 0;
  return 0;
}

}  // namespace

bool is_vietnamese_syllable(std::string_view word) {
  if (word.empty() || word.size() > 40) return false;
  std::u32string bare;  // the letters with their vowel marks, without the tone
  utf8proc_int32_t tone = 0;
  int tones = 0;
  for (const char32_t c : code_points(word)) {
    const auto cp = utf8proc_tolower(static_cast<utf8proc_int32_t>(c));
    if (cp == 0x111) {  // đ
      bare.push_back(U'đ');
      continue;
    }
    utf8proc_int32_t parts[4];
    utf8proc_int32_t last = 0;
    const auto k = utf8proc_decompose_char(cp, parts, 4, UTF8PROC_DECOMPOSE, &last);
    if (k < 1 || k > 3) return false;
    if (parts[0] >= 0x300 && parts[0] <= 0x36F) {  // a mark on its own, after NFD text
      if (bare.empty()) return false;
    } else if (parts[0] < 'a' || parts[0] > 'z') {
      return false;
    } else {
      bare.push_back(static_cast<char32_t>(parts[0]));
    }
    for (utf8proc_ssize_t i = parts[0] >= 0x300 && parts[0] <= 0x36F ? 0 : 1; i < k; ++i) {
      if (is_tone(parts[i])) {
        tone = parts[i];
        ++tones;
      } else if (const char32_t m = with_mark(bare.back(), parts[i]); m != 0) {
        bare.back() = m;
      } else {
        return false;
      }
    }
  }
  if (tones > 1 || !table().contains(bare)) return false;
  // A rhyme that ends in a stop (p, t, c, ch) carries sắc or nặng.
  const char32_t end = bare.back();
  if (end == U'p' || end == U't' || end == U'c' || (end == U'h' && bare.size() >= 2 && bare[bare.size() - 2] == U'c'))
    return tone == 0x301 || tone == 0x323;
  return true;
}

}  // namespace tonghop::normalise
