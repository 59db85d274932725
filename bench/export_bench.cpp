// Times each exporter writing the province report of 8 districts and 300
// organisations (the workbook's sheets: five tables, the chart, details,
// warnings; the PDF's pages of the same five tables). Prints the median and the best of RUNS writes, in milliseconds.
// usage: export_bench PLUGINS_DIR [RUNS] [FORMAT [OUT]]  (FORMAT: only that exporter, e.g. for perf;
// OUT: where its last write is saved, to compare what two builds write)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <spdlog/sinks/null_sink.h>

#include "loader/loader.hpp"

using namespace tonghop;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: export_bench PLUGINS_DIR [RUNS] [FORMAT [OUT]]\n");
    return 2;
  }
  const int runs = argc > 2 ? std::atoi(argv[2]) : 50;
  auto logger = std::make_shared<spdlog::logger>("bench", std::make_shared<spdlog::sinks::null_sink_mt>());
  const auto plugins = loader::load_directory(argv[1], std::make_shared<loader::HostServices>(logger, tonghop_limits{}));

  sdk::Report r;
  const char* districts[] = {"Thành phố Lai Châu", "Tam Đường", "Phong Thổ", "Sìn Hồ", "Mường Tè", "Than Uyên", "Tân Uyên", "Nậm Nhùn"};
  sdk::StringList names(std::begin(districts), std::end(districts));
  r.metadata = {{"province", std::string("Lai Châu")}, {"period", std::string("2018")},
                {"generated_at", std::string("2026-11-22T10:00:00+07:00")}, {"completeness.expected", names},
                {"completeness.submitted", names}, {"completeness.missing", sdk::StringList{}},
                {"rows_key", std::string("districts")}, {"display.issuing_body", std::string("TỈNH ỦY LAI CHÂU")},
                {"display.issuer", std::string("BAN TỔ CHỨC")}, {"display.place", std::string("Lai Châu")},
                {"display.title", std::string("BÁO CÁO TỔNG HỢP NĂM 2018")}, {"display.order", names}};
  const char* groups[] = {"Tổ chức cơ sở đảng", "Chi bộ trực thuộc", "Đảng viên", "Kết nạp đảng viên", "Xếp loại tổ chức cơ sở đảng",
                          "Xếp loại chi bộ trực thuộc", "Xếp loại đảng viên", "Thôn, bản, tổ dân phố"};
  int id = 0;
  for (const char* g : groups) {
    sdk::ColumnGroup group{g, {}};
    for (int c = 0; c < 6; ++c, ++id)
      group.columns.push_back({id % 8 == 0 ? "orgs_rated_" + std::to_string(id) : "c" + std::to_string(id), "Cột " + std::to_string(id),
                               c == 5 ? sdk::ColumnKind::percent : sdk::ColumnKind::integer});
    r.groups.push_back(group);
  }
  // The tables (Biểu) as the daemon passes them (indicators.toml [[report.tables]]).
  const std::vector<std::pair<const char*, std::vector<int>>> tables = {
      {"Tổ chức cơ sở đảng và kết quả xếp loại", {0, 4, 5}}, {"Đảng viên", {2}}, {"Kết nạp đảng viên", {3}},
      {"Chi bộ trực thuộc; thôn, bản, tổ dân phố", {1, 7}}, {"Xếp loại đảng viên", {6}}};
  sdk::StringList titles;
  for (std::size_t t = 0; t < tables.size(); ++t) {
    titles.push_back(tables[t].first);
    sdk::StringList ids;
    for (const int g : tables[t].second)
      for (const auto& c : r.groups[static_cast<std::size_t>(g)].columns) ids.push_back(c.id);
    r.metadata.emplace_back("display.table." + std::to_string(t + 1), ids);
  }
  r.metadata.emplace_back("display.tables", titles);
  r.metadata.emplace_back("display.date", std::string("ngày 22 tháng 11 năm 2026"));
  r.metadata.emplace_back("display.name.admitted_high", std::string("Kết nạp nhiều bất thường"));
  int district = 0;
  for (const auto& name : names) {
    sdk::Row row;
    row.label = name;
    ++district;
    for (int c = 0; c < id; ++c) {  // not a ?: of two Values: GCC 12 then warns maybe-uninitialized (-Werror in ci)
      // A share as the daemon computes it (100 * part / whole), all its digits.
      if (c % 6 == 5) row.values.emplace_back(100.0 * (300 + c * district) / (1200 + c + district));
      else row.values.emplace_back(std::int64_t{1200 + c});
    }
    row.warnings.push_back({"admitted_high", "Kết nạp cao / admitted above 30%", {}});
    r.rows.push_back(row);
  }
  r.total = r.rows.front();
  sdk::Table details;
  details.name = "Chi tiết";
  for (int c = 0; c < 38; ++c) details.columns.push_back({"d" + std::to_string(c), "Chỉ tiêu " + std::to_string(c),
                                                          c < 5 ? sdk::ColumnKind::text : sdk::ColumnKind::integer});
  for (int i = 0; i < 300; ++i) {
    std::vector<sdk::Value> v{std::string(districts[i % 8]), "Đảng bộ xã " + std::to_string(i), std::string("party_committee"),
                              std::string("commune"), std::string("good")};
    for (int c = 5; c < 38; ++c) v.emplace_back(std::int64_t{i + c});
    details.rows.push_back(std::move(v));
  }
  r.tables.push_back(std::move(details));

  for (const char* format : {"xlsx", "csv", "json", "pdf"}) {
    const auto* e = plugins->exporter_for(format);
    if (e == nullptr || (argc > 3 && std::string(argv[3]) != format)) continue;
    std::vector<double> ms;
    std::string last;
    for (int i = 0; i < runs; ++i) {
      std::ostringstream out;
      const auto t0 = std::chrono::steady_clock::now();
      if (!e->exporter->write(r, format, out).ok()) return 1;
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
      last = std::move(out).str();
    }
    const std::size_t bytes = last.size();
    if (argc > 4) std::ofstream(argv[4], std::ios::binary) << last;
    std::sort(ms.begin(), ms.end());
    std::printf("{\"format\":\"%s\",\"bytes\":%zu,\"runs\":%d,\"median_ms\":%.2f,\"best_ms\":%.2f}\n", format, bytes, runs,
                ms[ms.size() / 2], ms.front());
  }
  return 0;
}
