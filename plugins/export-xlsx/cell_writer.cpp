// Number cells and cell names without printf.
//
// libxlsxwriter 1.1.4 (Debian 12) writes every number cell of a sheet with
// fprintf("<c r=\"%s\" s=\"%d\"><v>%.16G</v></c>") and every cell's name with
// snprintf("%d"): a third of the instructions a province workbook costs
// (docs/performance.md, "The workbook's printf"), for text any integer
// formatter writes in a tenth of the time. Two more reasons beyond speed:
// "%.16G" follows the process's LC_NUMERIC, so a host that set a Vietnamese
// locale would get "34,7" in the sheet XML, which Excel cannot read as a
// number; std::to_chars is the C locale always.
//
// How: as zip_level.cpp, by defining the library's own functions, which it
// calls through its PLT: _write_number_cell (worksheet.c, exported in 1.1.4)
// and lxw_rowcol_to_cell (utility.c, public). The plugin's copies come first
// in the scope the plugin is loaded in; tonghopd links this file too, so its
// copies are the ones bound in the daemon. The text is byte for byte the
// library's in the C locale (cell_text.hpp; test XlsxCellText.*).
//
// _write_number_cell reads lxw_worksheet::file and lxw_cell::u.number, whose
// places are those of the headers this file was compiled with. Should the
// library at run time be another version than those headers, every call goes
// to the library's own function instead (RTLD_NEXT).
#include <dlfcn.h>

#include <charconv>
#include <cstdio>
#include <cstring>

#include <xlsxwriter.h>

#include "cell_text.hpp"

namespace {

using WriteNumberCell = void (*)(lxw_worksheet*, char*, int32_t, lxw_cell*);

bool same_library_as_headers() {
  static const bool same = std::strcmp(lxw_version(), LXW_VERSION) == 0;
  return same;
}

void append(char*& p, const char* text, std::size_t n) {
  std::memcpy(p, text, n);
  p += n;
}

}  // namespace

extern "C" __attribute__((visibility("default"))) void _write_number_cell(lxw_worksheet* self, char* range,
                                                                           int32_t style_index, lxw_cell* cell) {
  if (!same_library_as_headers()) {
    static const auto next = reinterpret_cast<WriteNumberCell>(dlsym(RTLD_NEXT, "_write_number_cell"));
    if (next != nullptr) return next(self, range, style_index, cell);
  }
  // <c r="XFD1048576" s="2147483647"><v>-1.234567890123457E-308</v></c>
  char line[LXW_MAX_CELL_NAME_LENGTH + tonghop::xlsx::kNumberTextSize + 48];
  char* p = line;
  append(p, "<c r=\"", 6);
  append(p, range, std::strlen(range));
  if (style_index != 0) {
    append(p, "\" s=\"", 5);
    p = std::to_chars(p, p + 12, style_index).ptr;
  }
  append(p, "\"><v>", 5);
  p = tonghop::xlsx::number_text(p, cell->u.number);
  append(p, "</v></c>", 8);
  std::fwrite(line, 1, static_cast<std::size_t>(p - line), self->file);
}

extern "C" __attribute__((visibility("default"))) void lxw_rowcol_to_cell(char* cell_name, lxw_row_t row,
                                                                           lxw_col_t col) {
  tonghop::xlsx::cell_name(cell_name, row, col);
}
