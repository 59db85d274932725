// The table reader: one sheet's rows under its header, read as they come,
// into records; title rows above the header checked for the district and
// the period; total rows (labelled, or rows that add up to the rows above)
// checked and dropped; the signature block ends the table. Every column of
// figures that names no field is watched as the rows go, and named at the end.
#pragma once

#include <bitset>
#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "normalise/builder.hpp"
#include "normalise/grid.hpp"
#include "normalise/header.hpp"
#include "normalise/unmapped.hpp"

namespace tonghop::normalise::detail {

// Who reads a streamed batch's TCVN3 texts and folds its names: the worker,
// unless it is the slower thread, then the importer's (adaptive, always
// outside tests); `always` and `never` let the tests take each path on
// every batch (document.cpp).
enum class WorkAhead : unsigned char { adaptive, always, never };
void set_work_ahead(WorkAhead mode);
WorkAhead work_ahead_mode();

// One sheet's table, read row by row once its header is known.
class Table {
 public:
  Table(const Catalogue& cat, const Registry& registry, const Submission& sub, const Policy& policy,
        const Header& header, const Grid& head, Normalised& out);
  Table(const Table&) = delete;
  Table& operator=(const Table&) = delete;

  // The rows of a kept grid below the header.
  void rows_below_header(const Grid& g, std::uint32_t header_row) {
    for (auto it = g.rows().upper_bound(header_row); it != g.rows().end(); ++it) row(it->first, it->second);
  }

  // A cell's text folded, and what that makes it.
  struct Folded {
    std::string text, fold;
    bool ends = false;   // it starts the signature block under the table
    bool total = false;  // it labels a total row
  };

  // A row's name folded ahead of row(), on another thread (the importer's,
  // when the worker is the slower of the two: DocumentReader::hand_over):
  // what folded() gives for the row's name cell, and the sector the name
  // gives. `cell`: the name cell's index in the row's cells (column order);
  // `ready`: false when the row has no name cell to fold (row() folds as
  // before).
  struct NameAhead {
    Folded folded;
    std::string_view sector;  // the catalogue's (Catalogue::sector_from_folded), when no column gives it
    std::uint32_t cell = 0;
    bool ready = false;
  };
  // Fills `out` for a row whose cells are in column order. Reads only what
  // the constructor set and the catalogue: safe on another thread while
  // row() runs.
  void name_ahead(RowView cells, NameAhead& out) const;
  // The rows of `names` come next: the builder readies its name index for
  // them (Builder::expect_names). On the thread that calls row().
  void expect(const NameAhead* names, std::size_t n);

  // One row after the header (rows in order, cells by column). `ahead`:
  // its name folded by name_ahead(), or nullptr.
  void row(std::uint32_t r, RowView cells, const NameAhead* ahead = nullptr);

  // After the last row: the totals, the columns no field names, the fields
  // the province requires that the table lacks. `merges`: the sheet's
  // merged ranges, all of them (an xlsx gives them after the cells).
  // `hidden_columns`: the sheet's (by column number), said where a column
  // is named that the clerk cannot see.
  void finish(const std::vector<sdk::MergedRange>& merges, const std::vector<bool>& hidden_columns = {});

 private:
  struct Slot {
    std::uint32_t column;
    std::size_t field;
    bool is_count;  // the field's (Field::is_count), beside it: asked for every cell
  };

  void fold_into(std::string_view text, Folded& out) const;
  const Folded& folded(RowView cells, std::size_t i);
  std::string_view shown(std::uint32_t r, std::uint32_t c, RowView cells, std::size_t& index) const;
  bool is_total(std::uint32_t r, RowView cells);
  void check_total();
  bool adds_up(std::uint32_t r, std::string_view name);
  void watch(RowView cells);
  // Merged ranges over organisations' values: only the top-left cell holds
  // one, the others read blank (or a kind guessed from the name). Refused,
  // naming the range (merged_cells).
  void check_merges(const std::vector<sdk::MergedRange>& merges);

  // What a column is to the reader.
  enum class Column : unsigned char { none, field, ignored, unmapped };
  Column column_state(std::uint32_t c) const { return c < states_.size() ? states_[c] : Column::none; }

  const Catalogue& cat_;
  const Registry& registry_;
  const Submission& sub_;
  const Policy& policy_;
  const Grid& head_;
  std::string sheet_;
  std::uint32_t header_row_;
  Normalised& out_;
  Builder b_;
  std::vector<Slot> slots_;
  std::uint32_t name_col_ = 0, district_col_ = 0, period_col_ = 0;
  std::set<std::string> districts_seen_, periods_seen_;
  std::string last_district_, last_period_;
  bool period_checked_ = false;
  bool ended_ = false;
  bool finished_ = false;
  bool prefilter_ = true;
  bool slots_watched_ = false;  // a field's column past kMaxStates (watch() must look at every cell)
  bool sector_from_name_ = true;  // no column gives the sector: build() reads it from the name
  std::vector<const Folded*> folded_;  // this row's, by cell
  // The last few texts of each of the first columns, folded: a kind, a
  // rating or a sector alternates between a few words down the column.
  static constexpr std::uint32_t kColumnMemo = 256, kWays = 4;
  std::vector<Folded> column_folds_ = std::vector<Folded>(kColumnMemo * kWays);
  std::vector<std::uint8_t> next_way_ = std::vector<std::uint8_t>(kColumnMemo);  // the way replaced next
  std::deque<Folded> spare_folds_;  // this row's cells right of the memo
  std::bitset<256> marker_first_, total_first_;  // first bytes of the folded markers and labels

  // Columns that name no field, and what they hold.
  static constexpr std::uint32_t kMaxStates = 16384;
  static constexpr std::size_t kMaxWatched = 256;
  std::vector<Column> states_;
  std::map<std::uint32_t, Watch> watched_;
  // Headers that matched no field past the first kMaxWatched: not watched,
  // each not a warning of its own, but one warning that says how many (a
  // return of 16,000 such columns made 16,000 warnings, held and stored).
  std::size_t unwatched_headers_ = 0;
  // Columns whose header names a field an earlier column gave: column ->
  // (that earlier column, the field). Header::repeats. Each is watched
  // whatever the columns before it (its figures would otherwise be left out
  // without a word), up to kMaxWatched of them; past that the return is
  // refused, as no return repeats a field hundreds of times.
  std::size_t repeats_watched_ = 0, unwatched_repeats_ = 0;
  std::map<std::uint32_t, std::pair<std::uint32_t, const Field*>> repeats_;
  std::vector<const CellRef*> pending_;  // this row's cells in such columns
  std::vector<std::size_t> wholes_;      // fields that are the whole of an at_most rule

  // Rows that add up: sums at the start of the current section.
  std::vector<std::int64_t> section_base_;
  std::size_t records_ = 0, section_records_ = 0;
  std::vector<std::int64_t> row_values_;
  std::vector<bool> record_rows_;  // by row: an organisation was read from it
};

}  // namespace tonghop::normalise::detail
