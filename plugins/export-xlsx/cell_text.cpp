#include "cell_text.hpp"

#include <charconv>
#include <algorithm>
#include <cmath>
#include <cstring>

namespace tonghop::xlsx {

char* number_text(char* out, double value) {
  char* const end = out + kNumberTextSize - 1;
  if (!std::isfinite(value)) {  // "%.16G": INF, -INF, NAN, -NAN
    const char* text = std::isnan(value) ? (std::signbit(value) ? "-NAN" : "NAN") : (value < 0 ? "-INF" : "INF");
    const std::size_t n = std::strlen(text);
    std::memcpy(out, text, n + 1);
    return out + n;
  }
  char* last;
  // An integer of up to 15 digits is written whole by "%.16G" (its exponent is
  // below the precision), and is the common cell: counts of organisations and
  // members. -0 keeps its sign, as printf does.
  if (value == std::trunc(value) && std::fabs(value) < 1e15 && !(value == 0 && std::signbit(value))) {
    last = std::to_chars(out, end, static_cast<long long>(value)).ptr;
  } else {
    // std::to_chars with a precision is specified as printf's "%.*g" in the C
    // locale; "%G" differs only in the exponent's letter.
    last = std::to_chars(out, end, value, std::chars_format::general, 16).ptr;
    for (char* p = out; p != last; ++p)
      if (*p == 'e') *p = 'E';
  }
  *last = '\0';
  return last;
}

char* cell_name(char* out, std::uint32_t row, std::uint16_t col) {
  // Letters: bijective base 26 of col + 1 ("A".."Z", "AA"...), as lxw_col_to_name.
  char letters[8];
  int n = 0;
  for (unsigned c = col + 1u; c != 0; c = (c - 1) / 26) letters[n++] = static_cast<char>('A' + (c - 1) % 26);
  char* p = out;
  while (n > 0) *p++ = letters[--n];
  // The row as "%d" of row + 1 (an lxw_row_t passed to "%d"), cut at 8
  // characters as lxw_rowcol_to_cell's snprintf into LXW_MAX_ROW_NAME_LENGTH.
  char digits[16];
  const char* digits_end = std::to_chars(digits, digits + sizeof digits, static_cast<int>(row + 1u)).ptr;
  const std::size_t len = std::min<std::size_t>(static_cast<std::size_t>(digits_end - digits), 8);
  std::memcpy(p, digits, len);
  p += len;
  *p = '\0';
  return p;
}

}  // namespace tonghop::xlsx
