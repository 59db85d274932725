#include "table_model.hpp"

#include <algorithm>

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

void TableModel::end_group(std::uint32_t last_row, std::vector<sdk::MergedRange>& merges) {
  for (auto& m : spans_) {
    m.last_row = std::min(m.last_row, std::max(last_row, m.first_row));
    if (m.last_row > m.first_row || m.last_column > m.first_column) merges.push_back(m);
  }
  spans_.clear();
  covered_.clear();
}

}  // namespace tonghop::html
