// Rows the spreadsheet program does not show (the importer's `hidden_row`
// property, SDK document.hpp): an organisation read from one is counted all
// the same, as Excel's SUM counts it, but the clerk does not see it on the
// sheet; said, never counted without a word.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "normalise/record.hpp"

namespace tonghop::normalise::detail {

// The warning for the records of `records` read from a row of `hidden`
// (rows of sheet `sheet`), or none when no record is on such a row.
std::optional<Issue> hidden_rows_warning(const RecordSet& records, const std::string& sheet,
                                         const std::set<std::uint32_t>& hidden);

}  // namespace tonghop::normalise::detail
