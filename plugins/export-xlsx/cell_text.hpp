// The text of a number cell and of a cell's name, as libxlsxwriter 1.1.4
// writes them, without printf (cell_writer.cpp says why).
#pragma once

#include <cstdint>

namespace tonghop::xlsx {

// At least this many bytes for number_text: "-1.234567890123457E-308" and a NUL.
inline constexpr int kNumberTextSize = 32;

// Writes `value` as printf's "%.16G" does in the C locale ("15513", "34.7",
// "1.5E-07", "INF"), NUL-terminated, and returns the end (the NUL). The C
// locale always: a process whose LC_NUMERIC writes "34,7" does not change it.
char* number_text(char* out, double value);

// Writes the A1-style name of a 0-based row and column ("A1", "XFD1048576"),
// NUL-terminated, as lxw_rowcol_to_cell does; `out` holds at least 14 bytes
// (LXW_MAX_CELL_NAME_LENGTH). Returns the end (the NUL).
char* cell_name(char* out, std::uint32_t row, std::uint16_t col);

}  // namespace tonghop::xlsx
