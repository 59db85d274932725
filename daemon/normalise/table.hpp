// The table reader: one sheet's rows under its header, read as they come,
// into records; title rows above the header checked for the district and
// the period; a total row checked against the rows above and dropped; the
// signature block ends the table.
#pragma once

#include <bitset>
#include <cstdint>
#include <deque>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "normalise/builder.hpp"
#include "normalise/grid.hpp"
#include "normalise/header.hpp"

namespace tonghop::normalise::detail {

// One sheet's table, read row by row once its header is known.
class Table {
 public:
  Table(const Catalogue& cat, const Registry& registry, const Submission& sub, const Header& header, const Grid& head,
        Normalised& out);
  ~Table() { b_.total(); }
  Table(const Table&) = delete;
  Table& operator=(const Table&) = delete;

  // The rows of a kept grid below the header.
  void rows_below_header(const Grid& g, std::uint32_t header_row) {
    for (auto it = g.rows().upper_bound(header_row); it != g.rows().end(); ++it) row(it->first, it->second);
  }


  // One row after the header (rows in order, cells by column).
  void row(std::uint32_t r, RowView cells);

 private:
  struct Slot {
    std::uint32_t column;
    std::size_t field;
  };

  // A cell's text folded, and what that makes it.
  struct Folded {
    std::string text, fold;
    bool ends = false;   // it starts the signature block under the table
    bool total = false;  // it labels a total row
  };
  void fold_into(std::string_view text, Folded& out) const;

  // The fold of a cell of this row. A column's text is often the row
  // above's (the district, the kind, the rating): its fold is kept per column.
  const Folded& folded(RowView cells, std::size_t i);

  // What (r, c) shows: a merged range known so far shows its top-left cell.
  // A cell of this row comes back as its index (its fold is cached).
  std::string_view shown(std::uint32_t r, std::uint32_t c, RowView cells, std::size_t& index) const;

  bool is_total(std::uint32_t r, RowView cells);

  // A total row: checked against the rows above, then dropped.
  void check_total();

  const Catalogue& cat_;
  const Registry& registry_;
  const Submission& sub_;
  const Grid& head_;
  std::string sheet_;
  Builder b_;
  std::vector<Slot> slots_;
  std::uint32_t name_col_ = 0, district_col_ = 0, period_col_ = 0;
  std::set<std::string> districts_seen_, periods_seen_;
  std::string last_district_, last_period_;
  bool period_checked_ = false;
  bool ended_ = false;
  bool prefilter_ = true;
  std::vector<const Folded*> folded_;  // this row's, by cell
  static constexpr std::uint32_t kColumnMemo = 256;
  std::vector<Folded> column_folds_ = std::vector<Folded>(kColumnMemo);
  std::deque<Folded> spare_folds_;  // this row's cells right of the memo
  std::bitset<256> marker_first_, total_first_;  // first bytes of the folded markers and labels
};

}  // namespace tonghop::normalise::detail
