// A sheet's cells as the normaliser reads them (TCVN3 text already decoded),
// and a sheet kept whole: its first rows, or all of a small sheet, with its
// merged ranges.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tonghop/sdk/document.hpp"

namespace tonghop::normalise::detail {

// A cell as the normaliser reads it: TCVN3 text already decoded.
struct CellRef {
  std::uint32_t column = 0;
  bool is_number = false;
  // The document reader's, while the cell waits for the worker: what the
  // cell's font says of TCVN3 (DocumentReader::Legacy), kept with the cell
  // rather than in a vector beside the cells, in the bytes the column and
  // is_number leave (a large sheet's cells all pass from one core's cache to
  // the other's: each byte of a cell is paid for a million times).
  std::uint8_t legacy = 0;
  // A formula's error ("#N/A" in `text`), or a formula whose value the file
  // does not keep (`text` empty): sdk::CellType::error. Refused where a
  // field reads it (Builder::build), never read as a name or a blank.
  bool is_error = false;
  std::string_view text;
  // One or the other (a cell takes 32 bytes, not 40: a large sheet's cells
  // all pass from one core's cache to the other's):
  union {
    // is_number: its value.
    double number;
    // A text of plain digits already read (DocumentReader::push, on the
    // importer's thread): its count; -1 when not read. Read through
    // digits_read(), never of a number.
    std::int64_t digits = -1;
  };
  std::int64_t digits_read() const { return is_number ? -1 : digits; }
  double number_or_0() const { return is_number ? number : 0; }
};
static_assert(sizeof(CellRef) == 32);

using RowCells = std::vector<CellRef>;     // one row, by column
using RowView = std::span<const CellRef>;  // the same, wherever it is kept

const CellRef* find_cell(RowView cells, std::uint32_t column);

// A .Vn* font (.VnTime, .VnTimeH, .VnArial …): its text is TCVN3.
bool is_vn_font(std::string_view font);

// The text of a text cell decoded from TCVN3 when its font or its look says so.
std::optional<std::string> tcvn3_text(std::string_view text, bool vn_font, std::string_view font);

// A sheet kept whole: its first rows, or all of a small sheet.
class Grid {
 public:
  explicit Grid(const sdk::Sheet& sheet);

  const std::string& name() const { return sheet_->name; }
  const std::map<std::uint32_t, RowCells>& rows() const { return rows_; }
  const RowCells* row(std::uint32_t r) const {
    const auto it = rows_.find(r);
    return it == rows_.end() ? nullptr : &it->second;
  }
  std::string_view text(std::uint32_t r, std::uint32_t c) const {
    const RowCells* row = this->row(r);
    const CellRef* cell = row != nullptr ? find_cell(*row, c) : nullptr;
    return cell != nullptr ? cell->text : std::string_view();
  }
  const sdk::MergedRange* merge_at(std::uint32_t r, std::uint32_t c) const {
    for (const auto& m : merges_)
      if (r >= m.first_row && r <= m.last_row && c >= m.first_column && c <= m.last_column) return &m;
    return nullptr;
  }
  // The text shown at (r, c): a merged range shows its top-left cell's text.
  std::string_view shown(std::uint32_t r, std::uint32_t c) const {
    if (const auto* m = merge_at(r, c)) return text(m->first_row, m->first_column);
    return text(r, c);
  }
  // The merged ranges known when the grid was made.
  const std::vector<sdk::MergedRange>& merges() const { return merges_; }

 private:
  const sdk::Sheet* sheet_;
  std::vector<sdk::MergedRange> merges_;
  std::map<std::uint32_t, RowCells> rows_;
  std::deque<std::string> decoded_;  // TCVN3 text, decoded
};

}  // namespace tonghop::normalise::detail
