// The report exporters: the workbook the real daemon serves, read back with
// openpyxl; the CSV; names that look like formulas.
#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include <spdlog/sinks/null_sink.h>

#include "loader/loader.hpp"
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

struct Served {
  test::TempDir dir;
  std::unique_ptr<test::Process> process;
  std::uint16_t port = 0;

  Served() {
    test::write_file(dir.path() / "tonghop.toml",
                     "[server]\nlisten = \"127.0.0.1:0\"\n[paths]\ndata_dir = \"" + (dir.path() / "var").string() +
                         "\"\nplugins_dir = \"" TONGHOP_PLUGIN_DIR "\"\n[inbox]\nscan_milliseconds = 0\n" +
                         test::normalise_section());
    process = std::make_unique<test::Process>(
        std::vector<std::string>{TONGHOPD_PATH, "--config", (dir.path() / "tonghop.toml").string()},
        std::vector<std::string>{"TONGHOP_ADMIN_TOKEN=" + kAdmin}, std::vector<std::string>{}, dir.path());
    port = test::listening_port(*process);
    EXPECT_NE(port, 0) << process->output();
  }
  int submit(const std::string& target, const std::string& body) {
    const auto r = test::request(port, "POST", target, body, "Authorization: Bearer " + kAdmin + "\r\n");
    return r ? r->status : 0;
  }
  std::optional<test::HttpReply> get(const std::string& target) {
    return test::request(port, "GET", target, "", "Authorization: Bearer " + kAdmin + "\r\n");
  }
};

}  // namespace

TEST(Workbook, TheProvinceWorkbookReadsBackRight) {
  Served s;
  for (const auto& [file, district] : std::vector<std::pair<std::string, std::string>>{
           {"2018/than-uyen.xlsx", "Than%20Uy%C3%AAn"}, {"2018/tam-duong.json", "tam%20duong"},
           {"2018/phong-tho.csv", "phong%20tho"}, {"2018/sin-ho.csv", "sin%20ho"}})
    ASSERT_EQ(s.submit("/api/v1/submissions?district=" + district + "&period=2018&filename=" + fs::path(file).filename().string(),
                       test::read_file(kData + file)),
              201);
  const auto r = s.get("/api/v1/reports/province?period=2018&format=xlsx");
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(r->header("Content-Type").value_or(""), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  const auto book = s.dir.path() / "report-2018.xlsx";
  test::write_file(book, r->body);
  const auto check = test::run({"/usr/bin/python3", TONGHOP_SOURCE_DIR "/tests/exporters/check_workbook.py", book.string(),
                                kData + "expected/report-2018.json"});
  EXPECT_EQ(check.exit_code, 0) << check.output;
}

TEST(Workbook, AFormulaInANameStaysText) {
  Served s;
  const std::string csv = "district,org_name,org_kind,members_total,members_female\n"
                          "Than Uyên,\"=HYPERLINK(\"\"http://example.invalid\"\",\"\"x\"\")\",ĐB,10,4\n"
                          "Than Uyên,Đảng bộ xã Mường Cang,ĐB,148,34\n";
  ASSERT_EQ(s.submit("/api/v1/submissions?district=Than%20Uyen&period=2018&filename=x.csv", csv), 201);
  const auto r = s.get("/api/v1/reports/province?period=2018&format=xlsx");
  ASSERT_TRUE(r && r->status == 200);
  const auto book = s.dir.path() / "formula.xlsx";
  test::write_file(book, r->body);
  const auto check = test::run({"/usr/bin/python3", "-c",
                                "import openpyxl,sys\n"
                                "ws=openpyxl.load_workbook(sys.argv[1])['Chi tiết']\n"
                                "c=[c for row in ws.iter_rows() for c in row if c.value and str(c.value).startswith('=HYP')]\n"
                                "assert len(c)==1, c\nassert c[0].data_type=='s', c[0].data_type\nprint('text')\n",
                                book.string()});
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
  EXPECT_NE(text.find("Đảng bộ huyện,Đảng viên: Tổng số,Đảng viên: Nữ (%)\r\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\"'=HYPERLINK(\"\"http://example.invalid\"\",\"\"x\"\")\",2044,36.55\r\n"), std::string::npos) << text;
  EXPECT_NE(text.find("'@SUM(A1),-3,\r\n"), std::string::npos) << "a negative count stays a number";
  EXPECT_EQ(text.find("Mường Tè"), std::string::npos) << "one row per district that reported";
  EXPECT_NE(text.find("Toàn tỉnh,2041,36.60\r\n"), std::string::npos) << text;
}
