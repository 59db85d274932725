// The small readings of OOXML's own notations the xlsx importer needs: cell
// references ("AB12"), Excel's "_xHHHH_" escapes, relationship targets, and
// the text of a number.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tonghop::xlsx {

// A decimal attribute ("3"), or `fallback` when it is not one (or is past
// 100,000,000).
inline unsigned to_uint(std::string_view s, unsigned fallback = 0) {
  if (s.empty()) return fallback;
  unsigned v = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') return fallback;
    v = v * 10 + static_cast<unsigned>(c - '0');
    if (v > 100'000'000) return fallback;
  }
  return v;
}

// "AB12" -> column 28, row 12 (1-based); false when not a reference.
// (Called for every cell: a pointer walk, each bound checked once; inline.)
inline bool parse_ref(std::string_view ref, std::uint32_t& row, std::uint32_t& column) {
  const char* p = ref.data();
  const char* const e = p + ref.size();
  if (p < e && *p == '$') ++p;
  std::uint32_t col = 0;
  for (; p < e; ++p) {
    const unsigned letter = static_cast<unsigned>((*p & ~0x20) - 'A');
    if (letter >= 26) break;
    col = col * 26 + letter + 1;
    if (col > 16384) return false;
  }
  if (p < e && *p == '$') ++p;
  const char* const digits = p;
  std::uint32_t r = 0;
  for (; p < e; ++p) {
    const unsigned digit = static_cast<unsigned>(*p - '0');
    if (digit >= 10) break;
    r = r * 10 + digit;
    if (r > 1048576) return false;
  }
  if (col == 0 || r == 0 || p != e || p == digits) return false;
  row = r;
  column = col;
  return true;
}

// An OOXML colour's attributes as 0xRRGGBB, or -1 when not judged: rgb
// ("FFFFFFFF", its alpha left), theme 0 (Background 1, white) and 1 (Text
// 1, black) without a tint (the standard theme's; theme1.xml is not read),
// the legacy palette's black and white (indexed 0, 8; 1, 9, 65; a custom
// <indexedColors> is not read); kAutomatic for auto and indexed 64 (the
// window's text), which a program draws to contrast with the fill.
inline constexpr std::int64_t kAutomatic = -3;
std::int64_t color_rgb(std::string_view rgb, std::string_view theme, std::string_view tint, std::string_view indexed,
                       std::string_view automatic);

// Excel writes characters XML cannot hold as "_xHHHH_" ("_x000D_" is a
// carriage return); "_x005F_" escapes a literal underscore.
void unescape_ooxml(std::string& s);

// The shortest text that reads back as the same number ("154", "33.7").
std::string_view number_text(double v, char (&buf)[32]);

// "/xl/worksheets/sheet1.xml" or "worksheets/sheet1.xml" (relative to "xl/")
// or "../x.xml" -> the entry name in the zip.
std::string resolve_target(std::string_view base_dir, std::string_view target);

}  // namespace tonghop::xlsx
