// The report's columns split into the tables (Biểu) the Board prints, and
// numbers written the Vietnamese way (15.513, 34,70) whatever the locale.
#pragma once

#include <string>
#include <vector>

#include <tonghop/sdk.hpp>

namespace tonghop::pdf {

struct TableColumn {
  std::size_t index = 0;  // in Report::columns() and Row::values
  const sdk::Column* column = nullptr;
  std::string group;  // the report group's label ("" for none)
};

struct PrintTable {  // one "Biểu"
  std::string title;
  std::vector<TableColumn> columns;
};

// The indicators grouped into tables: the daemon's split, from the metadata
// display.tables and display.table.N (indicators.toml [[report.tables]]),
// columns none names last. A report without them (a third party's) is split
// by the columns' ids: organisations and their ratings; members; admissions
// and conversions; villages, cells and meetings; members' ratings; anything
// else last. Tables with no column are left out.
std::vector<PrintTable> split(const sdk::Report& report);

// 15513 -> "15.513"; 34.7 -> "34,70"; null -> "".
std::string vietnamese_number(const sdk::Value& value, sdk::ColumnKind kind);

// "2026-11-27T10:00:00+07:00" -> "ngày 27 tháng 11 năm 2026".
std::string vietnamese_date(const std::string& iso);

}  // namespace tonghop::pdf
