#include "table_model.hpp"

#include <algorithm>

#include "page.hpp"

namespace tonghop::html {

std::uint32_t TableModel::next_column() {
  std::uint32_t x = x_;
  while (x < covered_.size() && covered_[x] >= row_) {
    ++x;
    if (++walked_ > kMaxSlotWalk) return 0;
  }
  return x;
}

TableModel::Taken TableModel::take(std::uint32_t& column, std::uint32_t colspan, std::uint32_t rowspan, bool merged) {
  const std::uint64_t last = std::uint64_t{column} + colspan - 1;
  if (last > kMaxColumn) return Taken::too_wide;
  for (std::uint64_t c = column + 1; c <= last; ++c)
    if (c < covered_.size() && covered_[c] >= row_) {
      column = static_cast<std::uint32_t>(c);
      return Taken::overlaps;
    }
  if (rowspan != 1) {
    if (covered_.size() <= last) covered_.resize(last + 1, 0);
    const std::uint32_t until = rowspan == 0 ? kToGroupEnd : row_ + rowspan - 1;
    for (std::uint64_t c = column; c <= last; ++c) covered_[c] = until;
  }
  if (merged && (colspan > 1 || rowspan != 1))
    spans_.push_back({row_, column, rowspan == 0 ? kToGroupEnd : row_ + rowspan - 1, static_cast<std::uint32_t>(last)});
  x_ = static_cast<std::uint32_t>(last) + 1;
  return Taken::ok;
}

sdk::MergedRange TableModel::end_group(std::uint32_t last_row, std::vector<sdk::MergedRange>& merges) {
  sdk::MergedRange past{};
  for (auto& m : spans_) {
    if (m.last_row > last_row && m.last_row != kToGroupEnd && past.first_row == 0) past = m;
    m.last_row = std::min(m.last_row, std::max(last_row, m.first_row));
    if (m.last_row > m.first_row || m.last_column > m.first_column) merges.push_back(m);
  }
  spans_.clear();
  covered_.clear();
  return past;
}

}  // namespace tonghop::html

namespace tonghop::html {

std::vector<std::uint32_t> drawn_order(const std::vector<RowGroup>& groups, std::uint32_t first_row) {
  const auto first_of = [&](RowGroup::Kind k) {
    return std::find_if(groups.begin(), groups.end(), [&](const RowGroup& g) { return g.kind == k; });
  };
  const auto caption = first_of(RowGroup::Kind::caption), head = first_of(RowGroup::Kind::head),
             foot = first_of(RowGroup::Kind::foot);
  std::vector<const RowGroup*> order;
  for (const auto it : {caption, head})
    if (it != groups.end()) order.push_back(&*it);
  for (auto it = groups.begin(); it != groups.end(); ++it)
    if (it != caption && it != head && it != foot) order.push_back(&*it);
  if (foot != groups.end()) order.push_back(&*foot);
  bool moved = false;
  std::uint32_t rows = 0;
  for (const auto& g : groups) rows = std::max(rows, g.last + 1 - first_row);
  std::vector<std::uint32_t> new_row(rows);
  for (std::uint32_t r = 0; r < rows; ++r) new_row[r] = first_row + r;  // rows in no group stay
  std::uint32_t next = first_row;
  for (const RowGroup* g : order)
    for (std::uint32_t r = g->first; r <= g->last; ++r) {
      moved |= next != r;
      new_row[r - first_row] = next++;
    }
  return moved ? new_row : std::vector<std::uint32_t>{};
}

void move_rows(Page& page, const TableStart& table, const std::vector<std::uint32_t>& new_row) {
  const auto moved = [&](std::uint32_t& row) {
    if (row >= table.row && row - table.row < new_row.size()) row = new_row[row - table.row];
  };
  for (std::size_t i = table.cell; i < page.cells.size(); ++i) moved(page.cells[i].row);
  for (std::size_t i = table.merge; i < page.merges.size(); ++i) {
    const std::uint32_t rows = page.merges[i].last_row - page.merges[i].first_row;
    moved(page.merges[i].first_row);
    page.merges[i].last_row = page.merges[i].first_row + rows;  // a span never leaves its group
  }
  for (std::size_t i = table.hidden; i < page.hidden_rows.size(); ++i) moved(page.hidden_rows[i]);
  std::stable_sort(page.cells.begin() + static_cast<std::ptrdiff_t>(table.cell), page.cells.end(),
                   [](const PageCell& a, const PageCell& b) { return a.row < b.row; });
  std::sort(page.hidden_rows.begin() + static_cast<std::ptrdiff_t>(table.hidden), page.hidden_rows.end());
}

}  // namespace tonghop::html
