// The neutral report form an exporter writes: metadata, grouped columns, rows,
// a total row, extra tables and notes. Exporters know the form, not the domain.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace tonghop::sdk {

using StringList = std::vector<std::string>;
// null | boolean | integer | real number | text | list of texts
using Value = std::variant<std::monostate, bool, std::int64_t, double, std::string, StringList>;

enum class ColumnKind : std::uint8_t {
  integer,  // a count: written with thousands separators
  percent,  // a percentage already multiplied by 100, 2 decimals
  number,   // any other number
  text,
};

struct Column {
  std::string id;     // stable machine name ("members_total")
  std::string label;  // what a reader sees ("Tổng số")
  ColumnKind kind = ColumnKind::integer;
};

// Columns under one grouping header ("Đảng viên" over "Tổng số", "Nữ", ...).
// A group with an empty label has no grouping header.
struct ColumnGroup {
  std::string label;
  std::vector<Column> columns;
};

// A notice attached to the report or a row: a warning, a remark.
struct Notice {
  std::string code;
  std::string message;
  std::vector<std::pair<std::string, Value>> details;  // sheet, row, field, value, ...
};

struct Row {
  std::string label;  // what the first column shows
  bool missing = false;  // nothing to show for this row (e.g. not reported yet)
  // Named facts about the row, written before its values (e.g. "district",
  // "submission_id", "received_at").
  std::vector<std::pair<std::string, Value>> attributes;
  std::vector<Value> values;  // one per column, in Report::columns() order
  // Empty, or one per column: against the previous period; null where it
  // cannot be told (either side unknown). Tree formats leave a null change out.
  std::vector<Value> change;
  std::vector<Notice> warnings;
  // Columns (ids) whose value is unknown in this row: the source has no data
  // for it, so the value is null; page formats say "không có số liệu". A null
  // value not listed here is known to have none (a percentage whose
  // denominator is 0).
  StringList unknown;
  // A total's columns that cover only some of the rows: column id -> the
  // labels of the rows the value leaves out (they have no data for it).
  std::vector<std::pair<std::string, StringList>> incomplete;
};

// A plain table (a detail sheet): columns and rows of values.
struct Table {
  std::string name;
  std::vector<Column> columns;
  std::vector<std::vector<Value>> rows;
};

struct Report {
  // Ordered facts about the whole report ("province", "period",
  // "generated_at", "title", ...). Exporters write them in this order.
  std::vector<std::pair<std::string, Value>> metadata;
  std::vector<ColumnGroup> groups;
  std::vector<Row> rows;
  std::optional<Row> total;
  std::vector<Table> tables;
  std::vector<Notice> notes;

  // All columns in order, across the groups.
  std::vector<const Column*> columns() const {
    std::vector<const Column*> out;
    for (const auto& g : groups)
      for (const auto& c : g.columns) out.push_back(&c);
    return out;
  }
  const Value* meta(const std::string& key) const noexcept {
    for (const auto& [k, v] : metadata)
      if (k == key) return &v;
    return nullptr;
  }
};

}  // namespace tonghop::sdk
