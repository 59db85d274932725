// What the workbook holds beside the table read, said to the clerk: another
// sheet's table, not read; rows and columns the spreadsheet program does not
// show (the importer's `hidden_row` and `hidden_column` properties, SDK
// document.hpp), whose figures are counted all the same, as Excel's SUM
// counts them, though the clerk does not see them; the table's sheet hidden.
// Never read or left out without a word.
#pragma once

#include <cstdint>
#include <map>
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

// The columns each sheet hides, as the importer says them ("13", or
// "37-16384" for a range), up to the last column a sheet has.
class HiddenColumns {
 public:
  void add(std::string_view sheet, std::string_view value);
  // Sheet `sheet`'s hidden columns (by column number), or null when none.
  const std::vector<bool>* of(std::string_view sheet) const;

 private:
  static constexpr std::size_t kMaxSheets = 1024;  // 2 KiB each at most
  std::map<std::string, std::vector<bool>, std::less<>> by_sheet_;
};

// The warning for the fields of `records` read from a column of `hidden`
// that at least one record gives a value in, or none.
std::optional<Issue> hidden_columns_warning(const RecordSet& records, const Catalogue& cat, const std::string& sheet,
                                            std::uint32_t header_row, const std::vector<bool>& hidden);

// The warnings above for `out`, read from sheet `sheet` (`sheet_hidden`:
// the importer says it is hidden): another sheet of `tables` (each sheet
// whose header makes a table) is named, hidden or not (`hidden_sheets`);
// organisations on `hidden_rows`, fields in `hidden_columns`' columns.
void sheet_warnings(Normalised& out, const Catalogue& cat, const std::string& sheet, bool sheet_hidden,
                    const std::vector<std::string>& tables, const std::set<std::string, std::less<>>& hidden_sheets,
                    const std::map<std::string, std::set<std::uint32_t>, std::less<>>& hidden_rows,
                    const HiddenColumns& hidden_columns);

}  // namespace tonghop::normalise::detail
