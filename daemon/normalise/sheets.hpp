// What the workbook holds beside the table read, said to the clerk: another
// sheet's table, not read; rows and columns the spreadsheet program does not
// show (the importer's `hidden_row` and `hidden_column` properties, SDK
// document.hpp), and cells whose number format shows nothing (";;;"),
// whose figures are counted all the same, as Excel's SUM counts them,
// though the clerk does not see them; the table's sheet hidden.
// Never read or left out without a word.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <tonghop/sdk/document.hpp>

#include "normalise/catalogue.hpp"
#include "normalise/record.hpp"

namespace tonghop::normalise::detail {

// The warning for the records of `records` read from a row of `hidden`
// (rows of sheet `sheet`), or none when no record is on such a row.
std::optional<Issue> hidden_rows_warning(const RecordSet& records, const std::string& sheet,
                                         const std::set<std::uint32_t>& hidden);

// What a cell's number format shows of its value: nothing, for a number
// of each sign or a text, when the format's section for it is blank
// (";;;", which clerks use to hide a cell; "0;-0;;@" shows a zero as
// blank). A format with a condition ("[>100]") is not judged.
struct FormatSight {
  bool positive = false, negative = false, zero = false, text = false;  // shown as nothing
  bool any() const { return positive || negative || zero || text; }
  // Whether the value of `c` is hidden. A zero shown as a blank is not,
  // unless the positive numbers are hidden too: a zero left blank is
  // Excel's own option ("show a zero in cells that have zero value"), and
  // the figure is the one the clerk typed.
  bool hides(const sdk::CellView& c) const {
    if (c.type == sdk::CellType::text) return text;
    if (c.type != sdk::CellType::number) return false;
    if (c.number > 0) return positive;
    if (c.number < 0) return negative;
    return zero && positive;
  }
};
FormatSight format_sight(std::string_view format);

// What one sheet hides, as the importer says it (SDK document.hpp): rows
// ("12"), and columns ("13", or "37-16384" for a range), the columns up to
// the last a sheet has; and the cells that show nothing, whose number
// format hides their value (FormatSight, noted by the document reader) or
// whose text is the colour of its background (`unseen_cell`, "12:3"), and
// those struck through (`struck_cell`). Kept for the sheet being read and
// for the table's (DocumentReader), never by name for every sheet.
struct HiddenCells {
  static constexpr std::size_t kMaxRows = 1 << 20, kMaxValues = 1 << 20;
  std::set<std::uint32_t> rows;
  std::vector<bool> columns;  // by column number
  // Places, row << 32 | column, in the order read, up to kMaxValues; past
  // that, `past` is set and the warning says "at least".
  struct Places {
    std::vector<std::uint64_t> at;
    bool past = false;
    void add(std::uint32_t row, std::uint32_t column) {
      if (at.size() < kMaxValues) at.push_back(std::uint64_t{row} << 32 | column);
      else past = true;
    }
    bool empty() const { return at.empty(); }
    void clear() {
      at.clear();
      past = false;
    }
  };
  Places values;  // cells that show nothing (a number format, a colour)
  Places struck;  // cells the importer says are struck through
  void add_row(std::string_view value);
  void add_columns(std::string_view value);
  // A place as the importer says it ("12:3"), to `values` or `struck`; when
  // `columns` is not empty, only in one of them.
  static void add_place(Places& places, std::string_view value, const std::vector<bool>& columns);
  void clear() {
    rows.clear();
    columns.clear();
    values.clear();
    struck.clear();
  }
};

// The warning for the fields of `records` read from a column of `hidden`
// that at least one record gives a value in, or none.
std::optional<Issue> hidden_columns_warning(const RecordSet& records, const Catalogue& cat, const std::string& sheet,
                                            std::uint32_t header_row, const std::vector<bool>& hidden);

// The warning for the values of `records` read from a cell of `places`
// (HiddenCells::values), or none.
std::optional<Issue> hidden_values_warning(const RecordSet& records, const std::string& sheet,
                                           const HiddenCells::Places& places);

// The same for the values read from a cell struck through (HiddenCells::struck).
std::optional<Issue> struck_values_warning(const RecordSet& records, const std::string& sheet,
                                           const HiddenCells::Places& places);

// The warnings above for `out`, read from sheet `sheet` (`sheet_hidden`:
// the importer says it is hidden): another sheet of `tables` (each sheet
// whose header makes a table) is named, hidden or not (`hidden_sheets`);
// organisations on the sheet's hidden rows, fields in its hidden columns,
// values its number formats hide, values struck through.
void sheet_warnings(Normalised& out, const Catalogue& cat, const std::string& sheet, bool sheet_hidden,
                    const std::vector<std::string>& tables, const std::set<std::string, std::less<>>& hidden_sheets,
                    const HiddenCells& hidden);

}  // namespace tonghop::normalise::detail
