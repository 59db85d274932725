// What the workbook holds beside the table read, said to the clerk: another
// sheet's table, not read; rows and columns the spreadsheet program does not
// show (the importer's `hidden_row` and `hidden_column` properties, SDK
// document.hpp), whose figures are counted all the same, as Excel's SUM
// counts them, though the clerk does not see them; the table's sheet hidden.
// Never read or left out without a word.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "normalise/catalogue.hpp"
#include "normalise/record.hpp"

namespace tonghop::normalise::detail {

// The warning for the records of `records` read from a row of `hidden`
// (rows of sheet `sheet`), or none when no record is on such a row.
std::optional<Issue> hidden_rows_warning(const RecordSet& records, const std::string& sheet,
                                         const std::set<std::uint32_t>& hidden);

// What one sheet hides, as the importer says it (SDK document.hpp): rows
// ("12"), and columns ("13", or "37-16384" for a range), the columns up to
// the last a sheet has. Kept for the sheet being read and for the table's
// (DocumentReader), never by name for every sheet.
struct HiddenCells {
  static constexpr std::size_t kMaxRows = 1 << 20;
  std::set<std::uint32_t> rows;
  std::vector<bool> columns;  // by column number
  void add_row(std::string_view value);
  void add_columns(std::string_view value);
  void clear() {
    rows.clear();
    columns.clear();
  }
};

// The warning for the fields of `records` read from a column of `hidden`
// that at least one record gives a value in, or none.
std::optional<Issue> hidden_columns_warning(const RecordSet& records, const Catalogue& cat, const std::string& sheet,
                                            std::uint32_t header_row, const std::vector<bool>& hidden);

// The warnings above for `out`, read from sheet `sheet` (`sheet_hidden`:
// the importer says it is hidden): another sheet of `tables` (each sheet
// whose header makes a table) is named, hidden or not (`hidden_sheets`);
// organisations on the sheet's hidden rows, fields in its hidden columns.
void sheet_warnings(Normalised& out, const Catalogue& cat, const std::string& sheet, bool sheet_hidden,
                    const std::vector<std::string>& tables, const std::set<std::string, std::less<>>& hidden_sheets,
                    const HiddenCells& hidden);

}  // namespace tonghop::normalise::detail
