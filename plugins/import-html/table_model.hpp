// HTML's table model (the HTML standard's "forming a table"), as far as a
// sheet needs it: which column each cell of a row takes under the cells
// spanning down from rows above, and the merged ranges of rowspan and
// colspan, each ending with its row group.
#pragma once

#include <cstdint>
#include <vector>

#include <tonghop/sdk.hpp>

namespace tonghop::html {

class TableModel {
 public:
  static constexpr std::uint32_t kMaxColumn = 16384;  // Excel's XFD

  // A new table, or a new row (its number in the sheet).
  void start_table() { covered_.clear(), spans_.clear(); }
  void start_row(std::uint32_t row) { row_ = row, x_ = 1; }

  // The column the row's next cell takes: the first one from where the last
  // cell ended that no cell from above holds. 0 once 2^28 columns have been
  // stepped over under spans in the whole page (a hostile page).
  std::uint32_t next_column();
  // The cell at `column` taking colspan columns and rowspan rows (0: to the
  // group's end); `merged`: whether a range is said of it. False when
  // another cell already holds one of its columns (HTML's "table model
  // error"; `column` is then that column) or it ends past XFD.
  enum class Taken { ok, overlaps, too_wide };
  Taken take(std::uint32_t& column, std::uint32_t colspan, std::uint32_t rowspan, bool merged);

  // The row group ends after `last_row`: its spans stop there, and are
  // added to `merges` (those still larger than a cell). The first span a
  // rowspan meant past the group (not rowspan="0"), or {} when none: a
  // browser stops it there, Excel may not.
  sdk::MergedRange end_group(std::uint32_t last_row, std::vector<sdk::MergedRange>& merges);

 private:
  static constexpr std::uint64_t kMaxSlotWalk = 1u << 28;
  static constexpr std::uint32_t kToGroupEnd = UINT32_MAX;
  std::uint32_t row_ = 0, x_ = 1;
  std::vector<std::uint32_t> covered_;   // by column: the last row a cell from above takes
  std::vector<sdk::MergedRange> spans_;  // of the open row group
  std::uint64_t walked_ = 0;
};

}  // namespace tonghop::html

namespace tonghop::html {

// A table's rows as groups, in the order the page gives them.
struct RowGroup {
  enum class Kind { caption, head, body, foot } kind;
  std::uint32_t first, last;  // sheet rows
};

// Where each row of a table goes when drawn as a browser draws the groups,
// whatever order the page gives them in: the first caption on top, then the
// first head, the other groups in order, the first foot last (PEAR's
// HTML_Table writes thead, tfoot, tbody, as HTML 4 asked). new_row[r -
// first_row] for the rows first_row..; empty when the order is already so.
std::vector<std::uint32_t> drawn_order(const std::vector<RowGroup>& groups, std::uint32_t first_row);

struct Page;
// Where a table begins in a Page: its first row, cell, merged range and hidden row.
struct TableStart {
  std::uint32_t row = 0;
  std::size_t cell = 0, merge = 0, hidden = 0;
};
// The table's rows moved to new_row (drawn_order()), its cells kept row by row.
void move_rows(Page& page, const TableStart& table, const std::vector<std::uint32_t>& new_row);

}  // namespace tonghop::html
