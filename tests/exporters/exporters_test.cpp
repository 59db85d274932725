// The report exporters: the workbook the real daemon serves, read back with
// openpyxl; the CSV; names that look like formulas.
#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include <spdlog/sinks/null_sink.h>

#include "loader/loader.hpp"
#include "locale_workbook.hpp"
#include "support/daemon.hpp"
#include "support/http_client.hpp"
#include "support/process.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using namespace tonghop;

namespace {

const std::string kAdmin = "admin-token-for-the-exporter-tests";
const std::string kData = TONGHOP_SOURCE_DIR "/tests/data/lai-chau/";
const std::string kFormula = "=HYPERLINK(\"http://example.invalid\",\"x\")";

struct Served : test::ServedDaemon {
  Served() : ServedDaemon(kAdmin) {}
  int submit(const std::string& target, const std::string& body) {
    const auto r = request("POST", target, body);
    return r ? r->status : 0;
  }
  std::optional<test::HttpReply> get(const std::string& target) {
    return request("GET", target);
  }
};

// Submits Lai Châu sample returns of 2018 (file under tests/data/lai-chau, district as in the URL).
void submit_samples(const test::ServedDaemon& d, const std::vector<std::pair<std::string, std::string>>& returns) {
  for (const auto& [file, district] : returns) {
    const auto r = d.request("POST", "/api/v1/submissions?district=" + district + "&period=2018&filename=" +
                                         fs::path(file).filename().string(),
                             test::read_file(kData + file));
    ASSERT_TRUE(r && r->status == 201) << file << ": " << (r ? r->body : "no answer");
  }
}

// The province workbook of 2018 as the daemon serves it, saved beside its
// data and read by a Python script (openpyxl) that finds it in sys.argv[1].
test::RunResult read_served_workbook(const test::ServedDaemon& d, const std::string& script) {
  const auto r = d.request("GET", "/api/v1/reports/province?period=2018&format=xlsx");
  if (!r || r->status != 200) return {-1, "GET the workbook: " + (r ? std::to_string(r->status) + " " + r->body : "no answer")};
  const auto book = d.dir.path() / "report-2018.xlsx";
  test::write_file(book, r->body);
  return test::run({"/usr/bin/python3", "-c", script, book.string()});
}

}  // namespace

TEST(Workbook, TheProvinceWorkbookReadsBackRight) {
  Served s;
  submit_samples(s, {{"2018/than-uyen.xlsx", "Than%20Uy%C3%AAn"}, {"2018/tam-duong.json", "tam%20duong"},
                     {"2018/phong-tho.csv", "phong%20tho"}, {"2018/sin-ho.csv", "sin%20ho"}});
  if (HasFatalFailure()) return;
  const auto r = s.get("/api/v1/reports/province?period=2018&format=xlsx");
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(r->header("Content-Type").value_or(""), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  const auto book = s.dir.path() / "report-2018.xlsx";
  test::write_file(book, r->body);
  const auto check = test::run({"/usr/bin/python3", TONGHOP_SOURCE_DIR "/tests/exporters/check_workbook.py", book.string(),
                                kData + "expected/report-2018.json", TONGHOP_SOURCE_DIR "/config/indicators.toml"});
  EXPECT_EQ(check.exit_code, 0) << check.output;
}

TEST(Workbook, AFormulaInANameStaysText) {
  Served s;
  const std::string csv = "district,org_name,org_kind,members_total,members_female\n"
                          "Than Uyên,\"=HYPERLINK(\"\"http://example.invalid\"\",\"\"x\"\")\",ĐB,10,4\n"
                          "Than Uyên,Đảng bộ xã Mường Cang,ĐB,148,34\n";
  ASSERT_EQ(s.submit("/api/v1/submissions?district=Than%20Uyen&period=2018&filename=x.csv", csv), 201);
  const auto check = read_served_workbook(
      s, "import openpyxl,sys\n"
         "ws=openpyxl.load_workbook(sys.argv[1])['Chi tiết']\n"
         "c=[c for row in ws.iter_rows() for c in row if c.value and str(c.value).startswith('=HYP')]\n"
         "assert len(c)==1, c\nassert c[0].data_type=='s', c[0].data_type\nprint('text')\n");
  EXPECT_EQ(check.exit_code, 0) << check.output;
}

TEST(Csv, TheReportAsCsvWithFormulasNeutralised) {
  auto logger = std::make_shared<spdlog::logger>("t", std::make_shared<spdlog::sinks::null_sink_mt>());
  const auto set = loader::load_directory(TONGHOP_PLUGIN_DIR, std::make_shared<loader::HostServices>(logger, tonghop_limits{}));
  const auto* csv = set->exporter_for("csv");
  ASSERT_NE(csv, nullptr);
  sdk::Report r;
  r.groups = {{"Đảng viên", {{"members_total", "Tổng số", sdk::ColumnKind::integer},
                             {"members_female_pct", "Nữ (%)", sdk::ColumnKind::percent}}}};
  sdk::Row a;
  a.label = kFormula;
  a.values = {std::int64_t{2044}, 36.55};
  sdk::Row b;
  b.label = "@SUM(A1)";
  b.values = {std::int64_t{-3}, std::monostate{}};
  sdk::Row missing;
  missing.label = "Mường Tè";
  missing.missing = true;
  r.rows = {a, b, missing};
  sdk::Row total;
  total.label = "Toàn tỉnh";
  total.values = {std::int64_t{2041}, 36.6};
  r.total = total;
  std::ostringstream out;
  ASSERT_TRUE(csv->exporter->write(r, "csv", out).ok());
  const std::string text = out.str();
  EXPECT_EQ(text.substr(0, 3), "\xEF\xBB\xBF") << "a byte-order mark for Excel";
  EXPECT_NE(text.find("Kỳ báo cáo,Đảng bộ huyện,Tình trạng,Đảng viên: Tổng số,Đảng viên: Nữ (%)\r\n"), std::string::npos) << text;
  EXPECT_NE(text.find(",\"'=HYPERLINK(\"\"http://example.invalid\"\",\"\"x\"\")\",Đã báo cáo,2044,36.55\r\n"), std::string::npos) << text;
  EXPECT_NE(text.find(",'@SUM(A1),Đã báo cáo,-3,\r\n"), std::string::npos) << "a negative count stays a number";
  EXPECT_NE(text.find(",Mường Tè,Chưa báo cáo,,\r\n"), std::string::npos) << "a district that has not reported, empty";
  EXPECT_NE(text.find(",Toàn tỉnh,,2041,36.60\r\n"), std::string::npos) << text;
}

// Unknown values through the real plugins, from the report form alone: the
// CSV leaves them empty and says so in a last column; the JSON writes null,
// leaves a change that cannot be told out, and names what a total leaves out;
// the workbook shades them, marks a partial total and explains both.
TEST(Exporters, UnknownValuesAndIncompleteTotalsInCsvJsonAndXlsx) {
  auto logger = std::make_shared<spdlog::logger>("t", std::make_shared<spdlog::sinks::null_sink_mt>());
  const auto set = loader::load_directory(TONGHOP_PLUGIN_DIR, std::make_shared<loader::HostServices>(logger, tonghop_limits{}));
  const auto* csv = set->exporter_for("csv");
  const auto* json = set->exporter_for("json");
  ASSERT_NE(csv, nullptr);
  ASSERT_NE(json, nullptr);
  sdk::Report r;
  r.metadata = {{"rows_key", std::string("districts")}};
  r.groups = {{"Đảng viên", {{"members_total", "Tổng số", sdk::ColumnKind::integer},
                             {"members_female", "Nữ", sdk::ColumnKind::integer},
                             {"cells_total", "Chi bộ", sdk::ColumnKind::integer}}}};
  sdk::Row a;
  a.label = "Than Uyên";
  a.values = {std::int64_t{2044}, std::int64_t{747}, std::monostate{}};
  a.change = {std::int64_t{76}, std::int64_t{20}, std::monostate{}};
  a.unknown = {"cells_total"};
  sdk::Row b;
  b.label = "Sìn Hồ";
  b.values = {std::int64_t{5144}, std::monostate{}, std::monostate{}};
  b.unknown = {"members_female", "cells_total"};
  // A warning longer than a line of the warnings sheet: its row is made tall
  // enough (LibreOffice and Excel do not grow it: the text ran over the rows below).
  b.warnings.push_back(sdk::Notice{"changed_after_commit", std::string(3, ' ') + [] {
                                     std::string m;
                                     for (int i = 0; i < 12; ++i) m += "Số liệu đã bị sửa trong cơ sở dữ liệu. ";
                                     return m;
                                   }(), {}});
  r.rows = {a, b};
  sdk::Row total;
  total.label = "Toàn tỉnh";
  total.values = {std::int64_t{7188}, std::int64_t{747}, std::monostate{}};
  total.change = {std::int64_t{100}, std::monostate{}, std::monostate{}};
  total.unknown = {"cells_total"};
  total.incomplete = {{"members_female", {"Sìn Hồ"}}, {"cells_total", {"Than Uyên", "Sìn Hồ"}}};
  r.total = total;

  std::ostringstream out;
  ASSERT_TRUE(csv->exporter->write(r, "csv", out).ok());
  const std::string text = out.str();
  EXPECT_NE(text.find("Kỳ báo cáo,Đảng bộ huyện,Tình trạng,Đảng viên: Tổng số,Đảng viên: Nữ,Đảng viên: Chi bộ,Ghi chú\r\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Than Uyên,Đã báo cáo,2044,747,,Không có số liệu: Đảng viên: Chi bộ\r\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Sìn Hồ,Đã báo cáo,5144,,,Không có số liệu: Đảng viên: Nữ; Đảng viên: Chi bộ\r\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Toàn tỉnh,,7188,747,,\"Không có số liệu: Đảng viên: Chi bộ. "
                      "(*) Chỉ gồm các huyện có số liệu, không có số liệu của: Đảng viên: Nữ (Sìn Hồ)\"\r\n"),
            std::string::npos)
      << text;

  std::ostringstream js;
  ASSERT_TRUE(json->exporter->write(r, "json", js).ok());
  const std::string j = js.str();
  EXPECT_NE(j.find("\"cells_total\": null"), std::string::npos) << j;
  EXPECT_NE(j.find("\"change\": {\n        \"members_total\": 76,\n        \"members_female\": 20\n      }"), std::string::npos)
      << "a change that cannot be told is left out: " << j;
  EXPECT_NE(j.find("\"change\": {\n      \"members_total\": 100\n    }"), std::string::npos) << j;
  EXPECT_NE(j.find("\"incomplete\": {\n      \"members_female\": [\n        \"Sìn Hồ\"\n      ],\n      \"cells_total\": [\n"
                   "        \"Than Uyên\",\n        \"Sìn Hồ\"\n      ]\n    }"),
            std::string::npos)
      << j;

  // The workbook: grey empty cells with a comment, "*" on a partial total,
  // a total nobody carries grey too; read back with openpyxl.
  const auto* xlsx = set->exporter_for("xlsx");
  ASSERT_NE(xlsx, nullptr);
  std::ostringstream book;
  ASSERT_TRUE(xlsx->exporter->write(r, "xlsx", book).ok());
  test::TempDir dir;
  test::write_file(dir.path() / "r.xlsx", book.str());
  const auto check = test::run(
      {"/usr/bin/python3", "-c",
       "import openpyxl,sys\n"
       "ws=openpyxl.load_workbook(sys.argv[1])['Biểu 1']\n"
       "rows={ws.cell(r,2).value: r for r in range(1, ws.max_row+1)}\n"
       "tu,sh,tt=rows['Than Uyên'],rows['Sìn Hồ'],rows['Toàn tỉnh']\n"
       "grey=lambda c: c.value is None and c.fill.fgColor.rgb=='FFD9D9D9' and c.comment.text.startswith('Không có số liệu')\n"
       "assert ws.cell(tu,3).value==2044 and ws.cell(tu,4).value==747 and grey(ws.cell(tu,5))\n"
       "assert ws.cell(sh,3).value==5144 and grey(ws.cell(sh,4)) and grey(ws.cell(sh,5))\n"
       "assert ws.cell(tt,3).value==7188 and ws.cell(tt,3).comment is None and ws.cell(tt,3).number_format=='[>=1000000]#\\\\.###\\\\.##0;[>=1000]#\\\\.##0;0'\n"
       "f=ws.cell(tt,4)\n"
       "assert f.value==747 and f.number_format.endswith('0\"*\"') and 'Không có số liệu: Sìn Hồ' in f.comment.text, f.comment\n"
       "assert grey(ws.cell(tt,5)) and 'không huyện nào' in ws.cell(tt,5).comment.text\n"
       "legend=[ws.cell(r,1).value for r in range(tt+1, ws.max_row+1) if ws.cell(r,1).value]\n"
       "assert legend[0].startswith('Ô màu xám') and legend[1].startswith('(*)') and legend[2]=='Nơi nhận:', legend\n"
       "w=[[c.value for c in row] for row in openpyxl.load_workbook(sys.argv[1])['Cảnh báo'].iter_rows(min_row=2)]\n"
       "assert ['Than Uyên','Không có số liệu','Không có số liệu: Đảng viên: Chi bộ'] in w, w\n"
       "assert [x[0] for x in w if x[1]=='Số toàn tỉnh chưa đủ']==['Toàn tỉnh']*2, w\n"
       "assert any('Đảng viên: Nữ' in x[2] and 'Sìn Hồ' in x[2] for x in w if x[1]=='Số toàn tỉnh chưa đủ'), w\n"
       "ws=openpyxl.load_workbook(sys.argv[1])['Cảnh báo']\n"
       "tall=[r for r in range(2, ws.max_row+1) if 'đã bị sửa' in str(ws.cell(r,3).value)]\n"
       "assert len(tall)==1 and (ws.row_dimensions[tall[0]].height or 0)>=4*15, [ws.row_dimensions[r].height for r in tall]\n"
       "short=[r for r in range(2, ws.max_row+1) if len(str(ws.cell(r,3).value))<60]\n"
       "assert short and all(ws.row_dimensions[r].height is None for r in short), short\n"
       "print('ok')\n",
       (dir.path() / "r.xlsx").string()});
  EXPECT_EQ(check.exit_code, 0) << check.output;
  EXPECT_EQ(check.output, "ok\n");
}

TEST(Workbook, TheDetailSheetListsAtMostItsLimitAndSaysHowManyItLeftOut) {
  // [report] details_max_rows: a huge return must not cost the daemon a
  // gigabyte per workbook; what is not listed is said in the sheet's last row.
  test::ServedDaemon limited(kAdmin, "[report]\ndetails_max_rows = 10\n");
  submit_samples(limited, {{"2018/than-uyen.xlsx", "Than%20Uy%C3%AAn"}, {"2018/phong-tho.csv", "phong%20tho"}});
  if (HasFatalFailure()) return;
  const auto list = limited.request("GET", "/api/v1/submissions?period=2018");
  ASSERT_TRUE(list && list->status == 200);
  std::int64_t total = 0;
  for (const std::regex n("\"records\":([0-9]+)"); const auto& m : std::vector<std::smatch>(
           std::sregex_iterator(list->body.begin(), list->body.end(), n), std::sregex_iterator()))
    total += std::stoll(m[1]);
  ASSERT_GT(total, 10) << list->body;
  const auto check = read_served_workbook(
      limited, "import openpyxl,sys\n"
               "rows=list(openpyxl.load_workbook(sys.argv[1])['Chi tiết'].iter_rows(values_only=True))\n"
               "listed=[r for r in rows if r[0] in ('Than Uyên','Phong Thổ')]\n"
               "notes=[r[1] for r in rows if isinstance(r[1],str) and r[1].startswith('… và ')]\n"
               "assert len(listed)==10, len(listed)\n"
               "assert len(notes)==1, notes\n"
               "print(notes[0])\n");
  ASSERT_EQ(check.exit_code, 0) << check.output;
  EXPECT_NE(check.output.find("… và " + std::to_string(total - 10) + " tổ chức nữa"), std::string::npos) << check.output;
  EXPECT_NE(check.output.find("more organisations not listed"), std::string::npos) << check.output;
}

TEST(Workbook, ADistrictWhoseStoredListIsDamagedIsNamedInTheDetailSheet) {
  // A record block damaged on disk after the daemon checked it at start: the
  // detail sheet says so for that district instead of listing fewer rows
  // without a word; the other district is listed whole.
  Served s;
  submit_samples(s, {{"2018/than-uyen.xlsx", "Than%20Uy%C3%AAn"}, {"2018/phong-tho.csv", "phong%20tho"}});
  if (HasFatalFailure()) return;
  const auto db = s.dir.path() / "var" / "tonghop.db";
  const auto damage = test::run({"/usr/bin/python3", "-c",
                                 "import sqlite3,sys\n"
                                 "c=sqlite3.connect(sys.argv[1])\n"
                                 "c.execute(\"UPDATE record_blocks SET data=x'ff00ff' WHERE submission_id=(SELECT id FROM "
                                 "submissions WHERE district='Than Uyên')\")\n"
                                 "c.commit(); print(c.total_changes)\n",
                                 db.string()});
  ASSERT_EQ(damage.exit_code, 0) << damage.output;
  ASSERT_NE(damage.output.find('1'), std::string::npos) << damage.output;
  const auto check = read_served_workbook(
      s, "import openpyxl,sys\n"
         "rows=list(openpyxl.load_workbook(sys.argv[1])['Chi tiết'].iter_rows(values_only=True))\n"
         "print(sum(1 for r in rows if r[0]=='Than Uyên'), sum(1 for r in rows if r[0]=='Phong Thổ'))\n"
         "print([r[1] for r in rows if isinstance(r[1],str) and 'không đọc được hết' in r[1].lower()])\n");
  ASSERT_EQ(check.exit_code, 0) << check.output;
  EXPECT_EQ(check.output.substr(0, check.output.find(' ')), "0") << check.output;
  EXPECT_NE(check.output.find("Không đọc được hết danh sách tổ chức của Than Uyên"), std::string::npos) << check.output;
  EXPECT_NE(check.output.find("could not all be read"), std::string::npos) << check.output;
}

// This binary does not link libxlsxwriter: the plugin is loaded with the
// library in a scope of its own, where the plugin's copies of the number
// writer come first (plugins/export-xlsx/cell_writer.cpp). A process whose
// LC_NUMERIC writes decimal commas still gets numbers Excel can read.
TEST(Workbook, NumbersKeepTheirDecimalPointWhateverTheProcesssLocale) {
  const auto values = test::values_written_under_vietnamese_locale();
  ASSERT_FALSE(values.empty());
  EXPECT_NE(std::find(values.begin(), values.end(), "15513"), values.end());
  EXPECT_NE(std::find(values.begin(), values.end(), "34.7"), values.end());
  EXPECT_NE(std::find(values.begin(), values.end(), "0.125"), values.end());
  for (const auto& v : values) EXPECT_EQ(v.find(','), std::string::npos) << v;
}
