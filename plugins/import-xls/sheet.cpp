// A worksheet's substream: BOF, its cell records, merged ranges, EOF (with
// embedded charts as nested BOF...EOF, skipped).
#include <algorithm>
#include <cstring>

#include "workbook.hpp"

namespace tonghop::xls {

bool Workbook::in_order(std::size_t offset) {
  Records rs(stream_);
  rs.seek(offset);
  Record r;
  rs.next(r);
  int depth = 1;
  std::uint64_t last = 0;  // (row << 16 | column) + 1 of the last cell
  bool ordered = true;
  sheet_uncalced_ = false;
  shared_text_.clear();
  while (depth > 0 && rs.next(r)) {
    if (is_bof(r.id)) ++depth;
    else if (r.id == rec::eof) --depth;
    if (depth == 1 && r.id == rec::uncalced) sheet_uncalced_ = true;
    // SHRFMLA: its range (first and last row, first and last column as
    // bytes), a reserved byte, a count, then the formula's length and tokens.
    const std::string_view d = r.data();
    if (depth == 1 && r.id == rec::shrfmla && biff8_ && d.size() >= 10 && shared_text_.size() < (1u << 20)) {
      const auto at = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(d[i])); };
      const std::size_t cce = at(8) | at(9) << 8;
      if (cce <= d.size() - 10 && text_formula(d.substr(10, cce))) shared_text_.push_back((at(0) | at(1) << 8) << 16 | at(4));
    }
    if (!ordered || depth != 1 || (!is_cell(r.id) && r.id != rec::mulrk)) continue;
    Cursor c(r);
    std::uint16_t row = 0, col = 0;
    if (!c.u16(row) || !c.u16(col)) {
      ordered = false;
      continue;
    }
    const std::uint64_t at = (static_cast<std::uint64_t>(row) << 16 | col) + 1;
    if (at <= last) ordered = false;
    last = at;
    if (r.id == rec::mulrk && r.data().size() >= 12) last += (r.data().size() - 6) / 6 - 1;
  }
  std::sort(shared_text_.begin(), shared_text_.end());
  return ordered;
}

bool Workbook::text_formula_at(const Record& r) const {
  // Row, column, XF, the value, flags, a reserved word, then the formula's
  // length and tokens (rgce).
  const std::string_view d = r.data();
  if (!biff8_ || d.size() < 22) return false;
  const auto at = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(d[i])); };
  const std::size_t cce = at(20) | at(21) << 8;
  if (cce > d.size() - 22) return false;
  const std::string_view rgce = d.substr(22, cce);
  // tExp: a shared formula's, by the range's first cell.
  if (rgce.size() == 5 && rgce[0] == 0x01)
    return std::binary_search(shared_text_.begin(), shared_text_.end(), (at(23) | at(24) << 8) << 16 | at(25));
  return text_formula(rgce);
}

bool Workbook::uncalculated(std::uint16_t grbit, const double* number) const {
  if (recalc_all_ || sheet_uncalced_) return true;
  // POI and NPOI write BIFF8 only; OpenOffice's Excel 95 files flag every
  // formula 0x0002 too, with the values it calculated.
  return biff8_ && number != nullptr && *number == 0 && grbit == 0x0002 && !libreoffice_bof_;
}

std::size_t Workbook::read_sheet(const SheetRef& sheet, std::size_t offset) {
  direct_ = in_order(offset);
  if (direct_) check(sink_.begin_sheet(sheet.name));
  Records rs(stream_);
  rs.seek(offset);
  Record r;
  rs.next(r);  // the sheet's BOF
  int depth = 1;
  awaiting_ = SIZE_MAX;
  while (depth > 0) {
    if (!rs.next(r)) {
      sdk::Location where;
      where.sheet = sheet.name;
      if (cut_short_) incomplete(sheet.name);
      if (rs.truncated())
        refuse(sdk::Code::invalid_input,
               "tệp bị hỏng: một bản ghi của trang '" + sheet.name +
                   "' dài quá cuối luồng dữ liệu; hãy mở bằng Excel, lưu lại dạng .xlsx rồi gửi lại",
               "the workbook is damaged: a record of the sheet '" + sheet.name +
                   "' runs past the end of its stream; open it in Excel, save it as .xlsx and resend it",
               where);
      break;  // the stream is whole but its writer left out the last EOF: what it holds is all there is
    }
    tick();
    if (is_bof(r.id)) {
      ++depth;
    } else if (r.id == rec::eof) {
      --depth;
    } else if (depth == 1 && !sheet_record(r, sheet)) {
      sdk::Location where;
      where.sheet = sheet.name;
      where.offset = r.offset;
      refuse(sdk::Code::invalid_input,
             "tệp bị hỏng: một bản ghi của trang '" + sheet.name + "' bị cắt cụt; hãy mở bằng Excel, lưu lại dạng .xlsx rồi gửi lại",
             "the workbook is damaged: a record of the sheet '" + sheet.name +
                 "' is cut off; open it in Excel, save it as .xlsx and resend it",
             where);
    }
  }
  if (awaiting_ != SIZE_MAX) no_string(sheet);
  send(sheet);
  return rs.position();
}

// A formula whose result is text, and the STRING record that holds that text
// is not where it must be (next, before any other cell): what the cell shows
// cannot be known. Refused at the cell rather than read as empty.
void Workbook::no_string(const SheetRef& sheet) const {
  const Pending& f = pending_[awaiting_];
  sdk::Location where;
  where.sheet = sheet.name;
  where.row = f.row + 1;
  where.column = f.column + 1u;
  std::string cell;
  for (unsigned n = f.column + 1u; n > 0; n = (n - 1) / 26) cell.insert(cell.begin(), static_cast<char>('A' + (n - 1) % 26));
  cell += std::to_string(f.row + 1);
  refuse(sdk::Code::invalid_input,
         "ô " + cell + " của trang '" + sheet.name +
             "' có công thức cho kết quả là chữ, nhưng tệp không ghi chữ đó (thiếu bản ghi STRING), nên không biết ô "
             "hiện gì; hãy mở bằng Excel, lưu lại dạng .xlsx rồi gửi lại",
         "the formula at " + cell + " of the sheet '" + sheet.name +
             "' has a text result that the file does not hold (its STRING record is missing), so what the cell shows "
             "is not known; open it in Excel, save it as .xlsx and resend it",
         where);
}

// False when a cell record is shorter than its kind needs.
bool Workbook::sheet_record(const Record& r, const SheetRef& sheet) {
  Cursor c(r);
  Pending p;
  std::uint16_t row = 0;
  if (is_cell(r.id)) {
    if (!c.u16(row) || !c.u16(p.column) || !c.u16(p.xf)) return false;
    p.row = row;
  }
  switch (r.id) {
    case rec::string:
      break;
    case rec::mulrk:
      return read_mulrk(r, sheet);
    case rec::row: {
      // rw, colMic, colMac, miyRw, irwMac, reserved, then grbit: fDyZero
      // (0x20) is a row Excel does not show.
      std::uint16_t rw = 0, skip = 0, grbit = 0;
      if (!c.u16(rw)) return false;
      for (int i = 0; i < 5; ++i)
        if (!c.u16(skip)) return true;
      if (c.u16(grbit) && (grbit & 0x20) != 0 && hidden_rows_.size() < (1u << 16)) hidden_rows_.insert(rw);
      return true;
    }
    case rec::colinfo: {
      // colFirst, colLast, coldx, ixfe, then grbit: fHidden (0x0001) is a
      // range of columns Excel does not show.
      std::uint16_t first = 0, last = 0, skip = 0, grbit = 0;
      if (!c.u16(first) || !c.u16(last) || !c.u16(skip) || !c.u16(skip) || !c.u16(grbit)) return true;
      if ((grbit & 0x0001) != 0)
        for (unsigned col = first; col <= last && col < hidden_columns_.size(); ++col) hidden_columns_.set(col);
      return true;
    }
    case rec::mergedcells: {
      std::uint16_t n = 0;
      if (!c.u16(n)) return false;
      for (unsigned i = 0; i < n; ++i) {
        std::uint16_t r1 = 0, r2 = 0, c1 = 0, c2 = 0;
        if (!c.u16(r1) || !c.u16(r2) || !c.u16(c1) || !c.u16(c2)) break;  // a count larger than the ranges given
        if (r1 > r2 || c1 > c2) continue;  // not a range: nothing to merge
        merges_.push_back({r1 + 1u, c1 + 1u, r2 + 1u, c2 + 1u});
      }
      return true;
    }
    default:
      if (!is_cell(r.id)) return true;  // formatting, drawing, and the other records a table does not need
  }
  if (r.id != rec::string && awaiting_ != SIZE_MAX) no_string(sheet);  // a formula's STRING comes before any other cell
  switch (r.id) {
    case rec::number: {
      std::string b;
      if (!c.bytes(8, b)) return false;
      p.type = sdk::CellType::number;
      std::memcpy(&p.number, b.data(), 8);
      add(sheet, p);
      return true;
    }
    case rec::rk: {
      std::uint32_t v = 0;
      if (!c.u32(v)) return false;
      p.type = sdk::CellType::number;
      p.number = rk_value(v);
      add(sheet, p);
      return true;
    }
    case rec::labelsst: {
      std::uint32_t i = 0;
      if (!c.u32(i)) return false;
      if (i >= strings_.size()) {
        sdk::Location where;
        where.sheet = sheet.name;
        where.row = p.row + 1;
        where.column = p.column + 1u;
        refuse(sdk::Code::invalid_input,
               "một ô trỏ tới chuỗi dùng chung số " + std::to_string(i) + ", chuỗi này không có trong tệp",
               "a cell refers to shared string " + std::to_string(i) + ", which does not exist", where);
      }
      p.type = sdk::CellType::text;
      p.shared = true;
      p.offset = i;
      add(sheet, p);
      return true;
    }
    case rec::label:
    case rec::rstring:
      add_text(sheet, p, text(c, 2, "cell"));
      return true;
    case rec::boolerr: {
      std::uint8_t v = 0, is_error = 0;
      if (!c.u8(v) || !c.u8(is_error)) return false;
      p.type = is_error ? sdk::CellType::error : sdk::CellType::boolean;
      p.number = is_error ? v : (v != 0 ? 1 : 0);
      add(sheet, p);
      return true;
    }
    case rec::formula: {
      // The cached result: a number, or a tag in bytes 0 and 2 when bytes 6-7 are FFFF.
      // Then its flags (grbit).
      std::string b;
      std::uint16_t grbit = 0;
      if (!c.bytes(8, b)) return false;
      c.u16(grbit);  // a record cut here keeps its value: flags 0, as Excel's
      const auto u = [&](int i) { return static_cast<unsigned char>(b[static_cast<std::size_t>(i)]); };
      if (u(6) != 0xFF || u(7) != 0xFF) {
        p.type = sdk::CellType::number;
        std::memcpy(&p.number, b.data(), 8);
        // A number for a formula that gives a text: not what any program
        // calculated (shared_text_).
        p.uncalculated = uncalculated(grbit, &p.number) || text_formula_at(r);
      } else if (u(0) == 0) {  // text, in the STRING record that follows
        p.type = sdk::CellType::text;
        p.awaits_string = true;
        // A text that reads as a figure is not what a program calculated
        // either (STRING, below); another text (a header written as a
        // formula) is kept.
        p.uncalculated = uncalculated(grbit, nullptr);
        add(sheet, p);
        awaiting_ = pending_.size() - 1;
        return true;
      } else if (u(0) == 1) {
        p.type = sdk::CellType::boolean;
        p.number = u(2) != 0 ? 1 : 0;
        p.uncalculated = uncalculated(grbit, nullptr);
      } else if (u(0) == 2) {
        p.type = sdk::CellType::error;
        p.number = u(2);
      } else {
        p.type = sdk::CellType::text;  // an empty text, as the xlsx importer gives it
        // Not in a workbook or sheet to be calculated when opened: there an
        // empty text may stand for any value (xlwt writes one for every
        // formula).
        p.uncalculated = uncalculated(grbit, nullptr);
      }
      add(sheet, p);
      return true;
    }
    case rec::string: {
      if (awaiting_ == SIZE_MAX) return true;
      const std::string s = text(c, 2, "formula result");
      Pending& f = pending_[awaiting_];
      awaiting_ = SIZE_MAX;
      f.awaits_string = false;
      f.uncalculated = f.uncalculated && sdk::reads_as_figure(s);
      f.offset = static_cast<std::uint32_t>(arena_.size());
      f.length = static_cast<std::uint32_t>(s.size());
      arena_ += s;
      if (direct_) flush();
      return true;
    }
    default:
      return true;
  }
}

bool Workbook::read_mulrk(const Record& r, const SheetRef& sheet) {
  // row, first column, (xf, rk) for each column, last column.
  Cursor c(r);
  std::uint16_t row = 0, first = 0;
  if (!c.u16(row) || !c.u16(first)) return false;
  if (awaiting_ != SIZE_MAX) no_string(sheet);
  const std::size_t n = r.data().size() >= 6 ? (r.data().size() - 6) / 6 : 0;
  for (std::size_t i = 0; i < n && first + i <= 0xFFFF; ++i) {
    Pending p;
    std::uint32_t v = 0;
    if (!c.u16(p.xf) || !c.u32(v)) return false;
    p.row = row;
    p.column = static_cast<std::uint16_t>(first + i);
    p.type = sdk::CellType::number;
    p.number = rk_value(v);
    add(sheet, p);
  }
  return true;
}

}  // namespace tonghop::xls
