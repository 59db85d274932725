#include "normalise/text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <utf8proc.h>

#include "tonghop/sdk/document.hpp"

namespace tonghop::normalise {

namespace {

void append_utf8(std::string& out, utf8proc_int32_t cp) {
  utf8proc_uint8_t buf[4];
  const auto n = utf8proc_encode_char(cp, buf);
  out.append(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(n));
}

template <class F>
void each_codepoint(std::string_view s, F&& f) {
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(s.size());
  while (left > 0) {
    if (*p < 0x80) {
      f(static_cast<utf8proc_int32_t>(*p));
      ++p;
      --left;
      continue;
    }
    // Two- and three-byte sequences that utf8proc_iterate reads the same
    // whatever their continuation bytes hold (leads C2-DF, E1-EC, EE-EF: no
    // overlong form, no surrogate), decoded here: Vietnamese is mostly these.
    auto cont = [](utf8proc_uint8_t b) { return (b & 0xC0) == 0x80; };
    if (*p >= 0xC2 && *p <= 0xDF && left >= 2 && cont(p[1])) {
      f(static_cast<utf8proc_int32_t>(((p[0] & 0x1F) << 6) | (p[1] & 0x3F)));
      p += 2;
      left -= 2;
      continue;
    }
    if (*p >= 0xE1 && *p <= 0xEF && *p != 0xED && left >= 3 && cont(p[1]) && cont(p[2])) {
      f(static_cast<utf8proc_int32_t>(((p[0] & 0x0F) << 12) | ((p[1] & 0x3F) << 6) | (p[2] & 0x3F)));
      p += 3;
      left -= 3;
      continue;
    }
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
    if (n <= 0) {
      cp = 0xFFFD;
      n = 1;
    }
    f(cp);
    p += n;
    left -= n;
  }
}

}  // namespace

std::string nfc(std::string_view text) {
  utf8proc_uint8_t* out = nullptr;
  const auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                              static_cast<utf8proc_ssize_t>(text.size()), &out,
                              static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
  std::string r = n < 0 ? std::string(text) : std::string(reinterpret_cast<const char*>(out), static_cast<std::size_t>(n));
  std::free(out);
  return r;
}

namespace {

// What folding does to one code point (after Đ/đ became d): its decomposed,
// case-folded parts, diacritics dropped, letters and digits kept, anything
// else a separator.
void fold_codepoint(utf8proc_int32_t cp, std::string& out, bool& space) {
  utf8proc_int32_t parts[8];
  utf8proc_int32_t last = 0;
  const auto k = utf8proc_decompose_char(cp, parts, 8,
                                         static_cast<utf8proc_option_t>(UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD), &last);
  for (utf8proc_ssize_t i = 0; i < (k > 0 ? k : 0); ++i) {
    const utf8proc_int32_t c = parts[i];
    const auto* prop = utf8proc_get_property(c);
    if (prop->category == UTF8PROC_CATEGORY_MN) continue;  // a combining mark: the diacritic
    const bool alnum = (prop->category >= UTF8PROC_CATEGORY_LU && prop->category <= UTF8PROC_CATEGORY_LO) ||
                       prop->category == UTF8PROC_CATEGORY_ND;
    if (alnum) {
      append_utf8(out, c == 0x111 ? 'd' : c);
      space = false;
    } else if (!space) {
      out += ' ';
      space = true;
    }
  }
}

// fold_codepoint's answer for every code point below U+2000 (ASCII, Latin,
// Vietnamese, combining marks) where it is one ASCII letter or digit, a
// separator, or nothing; others take the slow way.
enum class Fold : std::uint8_t { separator, ascii, dropped, slow };
struct FoldEntry {
  Fold kind = Fold::slow;
  char ascii = 0;
};
constexpr utf8proc_int32_t kFoldTable = 0x2000;

const std::vector<FoldEntry>& fold_table() {
  static const std::vector<FoldEntry> table = [] {
    std::vector<FoldEntry> t(kFoldTable);
    for (utf8proc_int32_t cp = 0; cp < kFoldTable; ++cp) {
      std::string out;
      bool space = false;
      fold_codepoint(cp, out, space);
      if (out.empty()) t[cp] = {Fold::dropped, 0};
      else if (out == " ") t[cp] = {Fold::separator, 0};
      else if (out.size() == 1 && static_cast<unsigned char>(out[0]) < 0x80) t[cp] = {Fold::ascii, out[0]};
    }
    return t;
  }();
  return table;
}

}  // namespace

std::string fold(std::string_view text) {
  std::string out;
  fold_into(text, out);
  return out;
}

namespace {

// The fold's one loop: each code point's ASCII letter or separator given to
// `put` (a camelCase capital after a small letter starts a word); a code
// point the table cannot fold given to `other`, which folds it or says false
// to stop (then false).
template <class Put, class Other>
bool fold_loop(std::string_view text, bool& space, Put put, Other other) {
  const auto& table = fold_table();
  utf8proc_int32_t prev = 0;
  bool stopped = false;
  each_codepoint(text, [&](utf8proc_int32_t cp) {
    if (stopped) return;
    const bool upper = cp >= 'A' && cp <= 'Z';
    if (upper && prev >= 'a' && prev <= 'z' && !space) {
      put(' ');
      space = true;
    }
    prev = cp;
    if (cp == 0x110 || cp == 0x111) cp = 'd';  // Đ đ
    const FoldEntry e = cp >= 0 && cp < kFoldTable ? table[static_cast<std::size_t>(cp)] : FoldEntry{};
    switch (e.kind) {
      case Fold::ascii:
        put(e.ascii);
        space = false;
        break;
      case Fold::separator:
        if (!space) {
          put(' ');
          space = true;
        }
        break;
      case Fold::dropped:
        break;
      case Fold::slow:
        stopped = !other(cp);
        break;
    }
  });
  return !stopped;
}

}  // namespace

void fold_into(std::string_view text, std::string& out) {
  // Most texts folded (a name, once per row) are short and Vietnamese or
  // ASCII: folded into a buffer on the stack (room for two bytes per byte of
  // `text`: a camelCase space and a letter), without a string's append per
  // character; a code point outside the table sends it the slow way.
  if (char buf[512]; text.size() <= sizeof buf / 2) {
    char* end = buf;
    bool space = true;  // at start: no leading space
    if (fold_loop(text, space, [&](char c) { *end++ = c; }, [](utf8proc_int32_t) { return false; })) {
      while (end != buf && end[-1] == ' ') --end;
      out.assign(buf, end);
      return;
    }
  }
  out.clear();
  out.reserve(text.size());
  bool space = true;
  fold_loop(text, space, [&](char c) { out += c; }, [&](utf8proc_int32_t cp) {
    fold_codepoint(cp, out, space);
    return true;
  });
  while (!out.empty() && out.back() == ' ') out.pop_back();
}

namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

// d{1,3}(<sep>ddd)+, by one scan.
bool digit_groups(std::string_view s, char sep) {
  const auto first = s.find(sep);
  if (first == std::string_view::npos || first == 0 || first > 3 || !all_digits(s.substr(0, first))) return false;
  for (std::size_t i = first; i < s.size(); i += 4)
    if (s[i] != sep || i + 4 > s.size() || !all_digits(s.substr(i + 1, 3))) return false;
  return true;
}

bool is_year(std::string_view s) { return s.size() == 4 && all_digits(s); }

std::vector<std::string_view> words(std::string_view folded) {
  std::vector<std::string_view> w;
  std::size_t i = 0;
  while (i < folded.size()) {
    const auto j = folded.find(' ', i);
    const auto end = j == std::string_view::npos ? folded.size() : j;
    if (end > i) w.push_back(folded.substr(i, end - i));
    i = end + 1;
  }
  return w;
}

}  // namespace

Count count_from_number(double number) {
  // Checked before any cast: a double past int64's range (3e103 in a JSON
  // return, found by fuzzing the normaliser) must never be converted.
  Count c;
  if (std::isnan(number)) c.error = CountError::not_a_number;
  else if (number < 0) c.error = CountError::negative;
  else if (!(number <= 9e15)) c.error = CountError::too_large;  // no count is that large
  else if (number != std::floor(number)) c.error = CountError::fractional;
  else c.value = static_cast<std::int64_t>(number);
  return c;
}

namespace {

bool digits_at(std::string_view s, std::size_t at, std::size_t n) {
  if (at + n > s.size()) return false;
  for (std::size_t i = at; i < at + n; ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}
// "08:30" or "08:30:00", as the importers write a time alone.
bool iso_time(std::string_view s) {
  return (s.size() == 5 || (s.size() >= 8 && s[5] == ':' && digits_at(s, 6, 2))) && digits_at(s, 0, 2) && s[2] == ':' &&
         digits_at(s, 3, 2);
}

}  // namespace

// A number cell's count (read_count, text.hpp).
Count number_count(double number, std::string_view text) {
  double serial = 0;
  if (!text.empty() && (sdk::parse_iso_date(text, serial) || iso_time(text))) {
    Count c;
    c.error = CountError::date;
    return c;
  }
  return count_from_number(number);
}

std::string shown_date(std::string_view iso) {
  double serial = 0;
  if (sdk::parse_iso_date(iso, serial)) {
    std::string out{iso.substr(8, 2)};
    out += '/';
    out += iso.substr(5, 2);
    out += '/';
    out += iso.substr(0, 4);
    if (iso.size() >= 16 && iso[10] == 'T') {
      out += ' ';
      out += iso.substr(11, 5);
    }
    return out;
  }
  if (iso_time(iso)) return std::string(iso.substr(0, 5));
  return std::string(iso);
}

Count parse_count(std::string_view text) {
  // Plain digits, the common case: read and checked in one pass.
  if (!text.empty() && text.size() <= 15) {
    std::int64_t v = 0;
    std::size_t i = 0;
    for (; i < text.size(); ++i) {
      const unsigned digit = static_cast<unsigned char>(text[i]) - static_cast<unsigned>('0');
      if (digit > 9) break;
      v = v * 10 + digit;
    }
    if (i == text.size()) {
      Count c;
      c.value = v;
      return c;
    }
  }
  // Trim spaces, including non-breaking ones.
  std::string t;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unsigned char ch = static_cast<unsigned char>(text[i]);
    if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n') continue;
    if (ch == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0xA0) {
      ++i;
      continue;
    }
    t += static_cast<char>(ch);
  }
  Count c;
  if (t.empty()) {
    c.error = CountError::empty;
    return c;
  }
  bool negative = false;
  if (t[0] == '-' || t[0] == '+') {
    negative = t[0] == '-';
    t.erase(0, 1);
    if (t.empty()) {
      c.error = CountError::not_a_number;
      return c;
    }
  }
  // Plain digits, the common case, without a regex.
  if (t.size() <= 15 && std::all_of(t.begin(), t.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
    std::int64_t v = 0;
    for (const char ch : t) v = v * 10 + (ch - '0');
    if (negative && v != 0) c.error = CountError::negative;
    c.value = v;
    return c;
  }
  // Thousands written "2.044" or "2,044", a decimal "33,7": checked by one
  // linear scan each, never by a regex (libstdc++'s recurses once per
  // character, and a 30,000-digit cell overflowed the stack).
  if (all_digits(t) || digit_groups(t, '.') || digit_groups(t, ',')) {
    std::int64_t v = 0;
    for (const char ch : t)
      if (ch >= '0' && ch <= '9') {
        if (v > 900'000'000'000'000) {
          c.error = CountError::too_large;
          return c;
        }
        v = v * 10 + (ch - '0');
      }
    if (negative && v != 0) c.error = CountError::negative;
    c.value = v;
    return c;
  }
  if (const auto sep = t.find_first_of(".,"); sep != std::string::npos && all_digits(std::string_view(t).substr(0, sep)) &&
                                              all_digits(std::string_view(t).substr(sep + 1))) {
    // "33,7" or "1.5": a decimal, which a count cannot be ("2.044" was caught above as thousands).
    c.error = negative ? CountError::negative : CountError::fractional;
    return c;
  }
  c.error = CountError::not_a_number;
  return c;
}

std::optional<std::string> parse_period(std::string_view text) {
  // On folded text (lower-case ASCII words separated by single spaces), word
  // by word: linear at any length, no regex.
  const std::string f = fold(text);
  const auto w = words(f);
  const std::size_t n = w.size();
  if ((n == 1 || n == 2) && is_year(w[0])) {
    std::string p(w[0]);
    if (n == 1) return p;
    const std::string_view s = w[1];
    if (s.size() == 2 && (s[0] == 'h' || s[0] == 'q') && s[1] >= '1' && s[1] <= (s[0] == 'h' ? '2' : '4'))
      return p + "-" + static_cast<char>(s[0] - 'a' + 'A') + s[1];
    if (s.size() == 2 && all_digits(s)) {
      const int mo = (s[0] - '0') * 10 + (s[1] - '0');
      if (mo < 1 || mo > 12) return std::nullopt;
      return p + "-" + std::string(s);
    }
  }
  // "<word> [năm] YYYY" at i: the year's index, or 0.
  const auto year_after = [&](std::size_t i) -> std::size_t {
    if (i < n && w[i] == "nam") ++i;
    return i < n && is_year(w[i]) ? i : 0;
  };
  for (std::size_t i = 0; i + 4 < n; ++i)  // 6 tháng đầu/cuối năm YYYY
    if (w[i] == "6" && w[i + 1] == "thang" && (w[i + 2] == "dau" || w[i + 2] == "cuoi") && w[i + 3] == "nam" && is_year(w[i + 4]))
      return std::string(w[i + 4]) + (w[i + 2] == "dau" ? "-H1" : "-H2");
  for (std::size_t i = 0; i + 2 < n; ++i)
    if (w[i] == "quy") {
      const std::string_view q = w[i + 1];
      const int k = q == "i" ? 1 : q == "ii" ? 2 : q == "iii" ? 3 : q == "iv" ? 4 : (q.size() == 1 && q[0] >= '1' && q[0] <= '4') ? q[0] - '0' : 0;
      if (const auto y = year_after(i + 2); k > 0 && y > 0) return std::string(w[y]) + "-Q" + std::to_string(k);
    }
  for (std::size_t i = 0; i + 2 < n; ++i)
    if (w[i] == "thang" && (w[i + 1].size() == 1 || w[i + 1].size() == 2) && all_digits(w[i + 1]))
      if (const auto y = year_after(i + 2); y > 0) {
        const int mo = std::atoi(std::string(w[i + 1]).c_str());
        if (mo < 1 || mo > 12) return std::nullopt;
        return std::string(w[y]) + "-" + (mo < 10 ? "0" : "") + std::to_string(mo);
      }
  for (std::size_t i = 0; i + 1 < n; ++i)
    if (w[i] == "nam" && is_year(w[i + 1])) return std::string(w[i + 1]);
  // A text whose only digits are one run of four: "Báo cáo 2018".
  std::size_t runs = 0, start = 0, length = 0;
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (f[i] < '0' || f[i] > '9') continue;
    if (i == 0 || f[i - 1] < '0' || f[i - 1] > '9') {
      ++runs;
      start = i;
      length = 0;
    }
    ++length;
  }
  if (runs == 1 && length == 4) return f.substr(start, 4);
  return std::nullopt;
}

bool names_period(std::string_view text) {
  const std::string f = fold(text);
  const auto w = words(f);
  for (std::size_t i = 0; i + 1 < w.size(); ++i)
    if (w[i] == "nam" || w[i] == "quy" || w[i] == "thang") return true;
  return false;
}

std::string quotable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 3, " / ") == 0) {
      out += '/';
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string bilingual(std::string_view vi, std::string_view en) { return quotable(vi) + " / " + quotable(en); }

std::string previous_period(std::string_view period) {
  if (period.size() < 4) return {};
  const int year = std::atoi(std::string(period.substr(0, 4)).c_str());
  return std::to_string(year - 1) + std::string(period.substr(4));
}

}  // namespace tonghop::normalise
