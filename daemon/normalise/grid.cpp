#include "normalise/grid.hpp"

#include <algorithm>

#include "normalise/text.hpp"

namespace tonghop::normalise::detail {

const CellRef* find_cell(RowView cells, std::uint32_t column) {
  // A row with every column up to this one (a CSV's, most sheets'): at its place.
  if (column != 0 && column <= cells.size() && cells[column - 1].column == column) return &cells[column - 1];
  const auto it = std::lower_bound(cells.begin(), cells.end(), column,
                                   [](const CellRef& c, std::uint32_t col) { return c.column < col; });
  return it != cells.end() && it->column == column ? &*it : nullptr;
}

bool is_vn_font(std::string_view font) {
  if (font.size() <= 3) return false;
  return fold(font).rfind("vn", 0) == 0;
}

std::optional<std::string> tcvn3_text(std::string_view text, bool vn_font, std::string_view font) {
  if (!vn_font && !looks_like_tcvn3(text)) return std::nullopt;
  const bool capitals = vn_font && (font.back() == 'H' || font.back() == 'h');
  return decode_tcvn3(text, capitals);
}

Grid::Grid(const sdk::Sheet& sheet) : sheet_(&sheet), merges_(sheet.merges) {
  std::string last_font;
  bool last_vn = false;
  for (const auto& c : sheet.cells) {
    CellRef ref;
    ref.column = c.column;
    ref.is_number = c.type == sdk::CellType::number;
    ref.is_error = c.type == sdk::CellType::error;
    ref.text = c.text;
    if (ref.is_number) ref.number = c.number;
    if (c.type == sdk::CellType::text) {
      if (c.font != last_font) {
        last_font = c.font;
        last_vn = is_vn_font(c.font);
      }
      if (auto d = tcvn3_text(c.text, last_vn, c.font)) {
        decoded_.push_back(std::move(*d));
        ref.text = decoded_.back();
      }
    }
    RowCells& row = rows_[c.row];
    if (row.empty() || row.back().column < c.column) {
      row.push_back(ref);
      continue;
    }
    const auto it = std::lower_bound(row.begin(), row.end(), c.column,
                                     [](const CellRef& x, std::uint32_t col) { return x.column < col; });
    if (it != row.end() && it->column == c.column) *it = ref;
    else row.insert(it, ref);
  }
}

}  // namespace tonghop::normalise::detail
