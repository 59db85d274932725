// A workbook written by the real export-xlsx plugin while the process's
// LC_NUMERIC is Vietnamese (decimal comma), and the numbers of its first
// sheet's XML as written. Shared by exporters_test (the plugin's own copy of
// libxlsxwriter's number writer is used) and xlsx_cells_test (the host's copy,
// as in tonghopd). plugins/export-xlsx/cell_writer.cpp says why.
#pragma once

#include <clocale>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>

#include "loader/loader.hpp"
#include "support/process.hpp"

namespace tonghop::test {

// The <v> texts of "Biểu 1" in a workbook whose figures are 15513 members,
// 34.7 % and 0.125, written under vi_VN.UTF-8's LC_NUMERIC. Fails the test
// (and returns nothing) if the locale or the plugin is missing.
inline std::vector<std::string> values_written_under_vietnamese_locale() {
  auto logger = std::make_shared<spdlog::logger>("t", std::make_shared<spdlog::sinks::null_sink_mt>());
  const auto set = loader::load_directory(TONGHOP_PLUGIN_DIR, std::make_shared<loader::HostServices>(logger, tonghop_limits{}));
  const auto* xlsx = set->exporter_for("xlsx");
  if (xlsx == nullptr) {
    ADD_FAILURE() << "no xlsx exporter in " << TONGHOP_PLUGIN_DIR;
    return {};
  }
  sdk::Report r;
  r.metadata = {{"rows_key", std::string("districts")}};
  r.groups = {{"Đảng viên", {{"members_total", "Tổng số", sdk::ColumnKind::integer},
                             {"members_female_pct", "Tỷ lệ nữ", sdk::ColumnKind::percent},
                             {"ratio", "Hệ số", sdk::ColumnKind::number}}}};
  sdk::Row a;
  a.label = "Than Uyên";
  a.values = {std::int64_t{15513}, 34.7, 0.125};
  r.rows = {a};
  r.total = a;
  r.total->label = "Toàn tỉnh";

  // scripts/setup generates vi_VN.UTF-8 (the print tests render under it).
  if (std::setlocale(LC_NUMERIC, "vi_VN.UTF-8") == nullptr) {
    ADD_FAILURE() << "the vi_VN.UTF-8 locale is missing (scripts/setup generates it)";
    return {};
  }
  char comma[8];
  std::snprintf(comma, sizeof comma, "%.1f", 0.5);
  std::ostringstream book;
  const bool written = xlsx->exporter->write(r, "xlsx", book).ok();
  std::setlocale(LC_NUMERIC, "C");
  EXPECT_STREQ(comma, "0,5") << "printf under vi_VN.UTF-8 writes a decimal comma";
  if (!written) {
    ADD_FAILURE() << "the workbook was not written";
    return {};
  }
  TempDir dir;
  write_file(dir.path() / "r.xlsx", book.str());
  const auto sheet = run({"/usr/bin/python3", "-c",
                          "import zipfile,sys,re\n"
                          "z=zipfile.ZipFile(sys.argv[1])\n"
                          "wb=z.read('xl/workbook.xml').decode()\n"
                          "rels=z.read('xl/_rels/workbook.xml.rels').decode()\n"
                          "rid=re.search(r'<sheet name=\"Biểu 1\" sheetId=\"\\d+\" r:id=\"(rId\\d+)\"',wb).group(1)\n"
                          "target=re.search(r'Id=\"'+rid+r'\"[^>]*Target=\"([^\"]+)\"',rels).group(1)\n"
                          "sys.stdout.write(z.read('xl/'+target).decode())\n",
                          (dir.path() / "r.xlsx").string()});
  EXPECT_EQ(sheet.exit_code, 0) << sheet.output;
  std::vector<std::string> values;
  const std::regex v("<v>([^<]*)</v>");
  for (auto it = std::sregex_iterator(sheet.output.begin(), sheet.output.end(), v); it != std::sregex_iterator(); ++it)
    values.push_back((*it)[1]);
  return values;
}

}  // namespace tonghop::test
