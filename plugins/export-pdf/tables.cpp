#include "tables.hpp"

#include <cmath>
#include <cstdio>
#include <iterator>
#include <string_view>

namespace tonghop::pdf {

namespace {

bool starts(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// Which table a column belongs to (index into kTitles).
std::size_t table_of(const std::string& id) {
  if (starts(id, "orgs_")) return 0;
  if (starts(id, "members_rated") || id == "members_good_or_better_pct") return 4;
  if (starts(id, "members_")) return 1;
  if (starts(id, "admitted") || starts(id, "converted")) return 2;
  if (starts(id, "villages_") || starts(id, "cells_")) return 3;
  return 5;
}

constexpr const char* kTitles[] = {
    "Tổ chức cơ sở đảng và xếp loại tổ chức cơ sở đảng",
    "Đảng viên",
    "Kết nạp đảng viên và chuyển đảng chính thức",
    "Chi bộ trực thuộc, sinh hoạt chi bộ; thôn, bản, tổ dân phố",
    "Xếp loại đảng viên",
    "Các chỉ tiêu khác",
};

std::string grouped(std::string digits) {
  std::string out;
  const std::size_t n = digits.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % 3 == 0) out += '.';
    out += digits[i];
  }
  return out;
}

}  // namespace

std::vector<PrintTable> split(const sdk::Report& report) {
  // The daemon's split (indicators.toml [[report.tables]]): display.tables,
  // display.table.N; a column none names comes last.
  if (const sdk::Value* v = report.meta("display.tables"); v && std::holds_alternative<sdk::StringList>(*v)) {
    const auto& titles = std::get<sdk::StringList>(*v);
    std::vector<TableColumn> all;
    std::size_t index = 0;
    for (const auto& g : report.groups)
      for (const auto& c : g.columns) all.push_back({index++, &c, g.label});
    std::vector<bool> placed(all.size(), false);
    std::vector<PrintTable> out;
    for (std::size_t n = 0; n < titles.size(); ++n) {
      PrintTable t{titles[n], {}};
      const sdk::Value* ids = report.meta("display.table." + std::to_string(n + 1));
      if (ids != nullptr && std::holds_alternative<sdk::StringList>(*ids))
        for (const auto& id : std::get<sdk::StringList>(*ids))
          for (std::size_t i = 0; i < all.size(); ++i)
            if (all[i].column->id == id && !placed[i]) {
              t.columns.push_back(all[i]);
              placed[i] = true;
            }
      if (!t.columns.empty()) out.push_back(std::move(t));
    }
    PrintTable rest{kTitles[std::size(kTitles) - 1], {}};
    for (std::size_t i = 0; i < all.size(); ++i)
      if (!placed[i]) rest.columns.push_back(all[i]);
    if (!rest.columns.empty()) out.push_back(std::move(rest));
    return out;
  }
  std::vector<PrintTable> tables(std::size(kTitles));
  for (std::size_t t = 0; t < tables.size(); ++t) tables[t].title = kTitles[t];
  std::size_t index = 0;
  for (const auto& g : report.groups)
    for (const auto& c : g.columns) tables[table_of(c.id)].columns.push_back({index++, &c, g.label});
  std::vector<PrintTable> out;
  for (auto& t : tables)
    if (!t.columns.empty()) out.push_back(std::move(t));
  return out;
}

std::string vietnamese_number(const sdk::Value& value, sdk::ColumnKind kind) {
  if (const auto* i = std::get_if<std::int64_t>(&value)) {
    const bool negative = *i < 0;
    const auto magnitude = negative ? 0 - static_cast<std::uint64_t>(*i) : static_cast<std::uint64_t>(*i);
    return (negative ? "-" : "") + grouped(std::to_string(magnitude));
  }
  if (const auto* d = std::get_if<double>(&value)) {
    if (!std::isfinite(*d)) return {};
    if (kind == sdk::ColumnKind::integer && *d == std::floor(*d) && std::fabs(*d) < 1e15)
      return vietnamese_number(sdk::Value{static_cast<std::int64_t>(*d)}, kind);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.2f", std::fabs(*d));
    const std::string s = buf;
    const auto dot = s.find('.');
    return (*d < 0 && s != "0.00" ? "-" : "") + grouped(s.substr(0, dot)) + "," + s.substr(dot + 1);
  }
  if (const auto* s = std::get_if<std::string>(&value)) return *s;
  return {};
}

std::string vietnamese_date(const std::string& iso) {
  if (iso.size() < 10) return {};
  return "ngày " + iso.substr(8, 2) + " tháng " + iso.substr(5, 2) + " năm " + iso.substr(0, 4);
}

}  // namespace tonghop::pdf
