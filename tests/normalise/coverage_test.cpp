// Coverage is visible: which fields a return carried and where, which it did
// not. Through the real `tonghopd check` (text for the clerk, JSON) and the
// real daemon over a real socket (the 201 body and GET /submissions/{id}),
// on a three-row header written with openpyxl.
#include <gtest/gtest.h>

#include <csignal>

#include <boost/json.hpp>

#include "normalise/workbook.hpp"
#include "support/daemon.hpp"
#include "support/http_client.hpp"
#include "support/process.hpp"

namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

// A return of Than Uyên, 2018: a three-row header, three organisations and a total.
std::string write_return(const tonghop::test::TempDir& dir) {
  json::object rows;
  rows["1"] = json::array{"HUYỆN ỦY THAN UYÊN"};
  rows["3"] = json::array{"STT", "Tên tổ chức cơ sở đảng", "Đảng viên", nullptr, nullptr, "Kết nạp"};
  rows["4"] = json::array{nullptr, nullptr, "Tổng số", "Trong đó", nullptr, "Tổng số", "Trong đó"};
  rows["5"] = json::array{nullptr, nullptr, nullptr, "Nữ", "DTTS", nullptr, "Nữ"};
  rows["6"] = json::array{1, "Đảng bộ xã Mường Cang", 148, 34, 112, 10, 6};
  rows["7"] = json::array{2, "Đảng bộ xã Mường Kim", 140, 46, 67, 7, 5};
  rows["8"] = json::array{3, "Chi bộ Trường THPT Than Uyên", 31, 20, 4, 2, 1};
  rows["9"] = json::array{nullptr, "Tổng cộng", 319, 100, 183, 19, 12};
  const json::array merges{"A3:A5", "B3:B5", "C3:E3", "C4:C5", "D4:E4", "F3:G3", "F4:F5"};
  const json::value spec =
      json::object{{"sheets", json::array{json::object{{"name", "Biểu 1"}, {"rows", rows}, {"merges", merges}}}}};
  return tonghop::test::openpyxl_workbook(dir, "than-uyen-ba-dong.xlsx", spec);
}

tonghop::test::RunResult check(std::vector<std::string> args) {
  std::vector<std::string> argv{TONGHOPD_PATH, "check"};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.insert(argv.end(), {"--config", TONGHOP_SOURCE_DIR "/config/tonghop.toml", "--plugins-dir", TONGHOP_PLUGIN_DIR});
  tonghop::test::Process p(argv, {}, {}, TONGHOP_SOURCE_DIR);
  tonghop::test::RunResult r;
  r.exit_code = p.wait(60s).value_or(-1);
  r.output = p.output();
  return r;
}

// The coverage every result carries for this return.
void expect_coverage(const json::value& coverage) {
  const auto& c = coverage.as_object();
  std::map<std::string, json::object> found;
  for (const auto& f : c.at("found").as_array()) found[std::string(f.at("field").as_string())] = f.as_object();
  const std::map<std::string, std::pair<std::string, std::string>> expected{
      {"org_name", {"B", "Tên tổ chức cơ sở đảng"}},
      {"members_total", {"C", "Đảng viên / Tổng số"}},
      {"members_female", {"D", "Đảng viên / Trong đó / Nữ"}},
      {"members_ethnic_minority", {"E", "Đảng viên / Trong đó / DTTS"}},
      {"admitted", {"F", "Kết nạp / Tổng số"}},
      {"admitted_female", {"G", "Kết nạp / Trong đó / Nữ"}}};
  ASSERT_EQ(found.size(), expected.size()) << json::serialize(coverage);
  for (const auto& [id, where] : expected) {
    ASSERT_TRUE(found.count(id)) << id;
    EXPECT_EQ(found[id].at("column").as_string(), where.first) << id;
    EXPECT_EQ(found[id].at("header").as_string(), where.second) << id;
  }
  std::set<std::string> missing, from_name;
  for (const auto& m : c.at("missing").as_array()) missing.insert(std::string(m.as_string()));
  for (const auto& m : c.at("from_name").as_array()) from_name.insert(std::string(m.as_string()));
  EXPECT_EQ(from_name, (std::set<std::string>{"org_kind", "org_sector"}));
  for (const std::string id : {"cells_total", "cells_village", "members_probationary", "org_rating", "villages_total",
                               "members_rated"})
    EXPECT_TRUE(missing.count(id)) << id;
  EXPECT_FALSE(missing.count("members_female"));
  EXPECT_FALSE(missing.count("district")) << "the submission names the district";
}

}  // namespace

TEST(Coverage, CheckInTextShowsTheMappingTheRecordsAndTheSumsInVietnamese) {
  tonghop::test::TempDir dir;
  const auto file = write_return(dir);
  const auto r = check({file, "--district", "Than Uyên", "--period", "2018"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const std::string part :
       {"ACCEPTED", "Các chỉ tiêu đọc được", "Đảng viên nữ", "← cột D «Đảng viên / Trong đó / Nữ»",
        "← cột G «Kết nạp / Trong đó / Nữ»", "Suy ra từ tên tổ chức: Loại hình, Lĩnh vực", "Báo cáo không có",
        "Chi bộ thôn, bản, tổ dân phố", "Số liệu đã đọc (3 tổ chức cơ sở đảng)", "Đảng bộ xã Mường Cang",
        "Cộng: 3 tổ chức cơ sở đảng (2 đảng bộ, 1 chi bộ)"})
    EXPECT_NE(r.output.find(part), std::string::npos) << part << "\n" << r.output;
  // The records as a table, under the sheet's own column letters, and the sums.
  const auto line_of = [&](const std::string& start) {
    const auto at = r.output.find(start);
    return at == std::string::npos ? std::string() : r.output.substr(at, r.output.find('\n', at) - at);
  };
  const std::string head = line_of("Dòng");
  for (const std::string col : {" C", " D", " E", " F", " G"}) EXPECT_NE(head.find(col), std::string::npos) << head;
  const std::string first = line_of("6      Đảng bộ xã Mường Cang");
  ASSERT_FALSE(first.empty()) << r.output;
  for (const std::string v : {" 148", " 34", " 112", " 10", " 6"}) EXPECT_NE(first.find(v), std::string::npos) << first;
  const auto sums_at = r.output.find(" Cộng ");
  ASSERT_NE(sums_at, std::string::npos) << r.output;
  const std::string sums = r.output.substr(sums_at, r.output.find('\n', sums_at) - sums_at);
  for (const std::string v : {" 319", " 100", " 183", " 19", " 12"}) EXPECT_NE(sums.find(v), std::string::npos) << sums;
}

TEST(Coverage, CheckInJsonListsTheFieldsFoundAndMissing) {
  tonghop::test::TempDir dir;
  const auto r = check({write_return(dir), "--district", "Than Uyên", "--period", "2018", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto o = json::parse(r.output);
  expect_coverage(o.at("coverage"));
  EXPECT_EQ(o.at("records").as_array().size(), 3u);
}

TEST(Coverage, TheSubmissionAndItsGetCarryTheCoverage) {
  tonghop::test::TempDir dir;
  const auto file = write_return(dir);
  const std::string admin = "admin-token-for-the-coverage-tests";
  tonghop::test::write_file(dir.path() / "tonghop.toml",
                            "[server]\nlisten = \"127.0.0.1:0\"\n[paths]\ndata_dir = \"" + (dir.path() / "var").string() +
                                "\"\nplugins_dir = \"" TONGHOP_PLUGIN_DIR "\"\n[inbox]\nscan_milliseconds = 0\n" +
                                tonghop::test::normalise_section());
  tonghop::test::Process daemon({TONGHOPD_PATH, "--config", (dir.path() / "tonghop.toml").string()},
                                {"TONGHOP_ADMIN_TOKEN=" + admin}, {}, dir.path());
  const auto port = tonghop::test::listening_port(daemon);
  ASSERT_NE(port, 0) << daemon.output();
  const auto token = tonghop::test::request(port, "POST", "/api/v1/tokens",
                                            R"({"role":"district","district":"Than Uyên"})",
                                            "Authorization: Bearer " + admin + "\r\n");
  ASSERT_TRUE(token && token->status == 201) << (token ? token->body : daemon.output());
  const std::string auth = "Authorization: Bearer " + std::string(json::parse(token->body).at("token").as_string()) + "\r\n";
  const auto posted = tonghop::test::request(port, "POST",
                                             "/api/v1/submissions?district=Than%20Uy%C3%AAn&period=2018&filename=than-uyen.xlsx",
                                             tonghop::test::read_file(file), auth);
  ASSERT_TRUE(posted && posted->status == 201) << (posted ? posted->body : daemon.output());
  const auto created = json::parse(posted->body);
  expect_coverage(created.at("coverage"));
  const auto id = created.at("id").as_int64();
  const auto got = tonghop::test::request(port, "GET", "/api/v1/submissions/" + std::to_string(id), "", auth);
  ASSERT_TRUE(got && got->status == 200) << (got ? got->body : daemon.output());
  const auto stored = json::parse(got->body);
  expect_coverage(stored.at("coverage"));
  EXPECT_EQ(stored.at("coverage"), created.at("coverage"));
  daemon.signal(SIGTERM);
  daemon.wait(10s);
}

// [normalise] unmapped_numbers and required, as a province sets them in its configuration.
TEST(Coverage, TheProvinceMakesUnmappedFiguresAnErrorAndNamesItsRequiredFields) {
  tonghop::test::TempDir dir;
  tonghop::test::write_file(dir.path() / "bao-cao.csv",
                            "Tên TCCSĐ;Loại hình;Tổng số ĐV;ĐV nữ;Số ĐV trình độ cao cấp\n"
                            "Đảng bộ xã Khoen On;ĐB;75;20;4\n"
                            "Đảng bộ xã Ta Gia;ĐB;80;31;6\n");
  const auto run_with = [&](const std::string& normalise_keys) {
    tonghop::test::write_file(dir.path() / "tonghop.toml", tonghop::test::normalise_section() + normalise_keys);
    std::vector<std::string> argv{TONGHOPD_PATH, "check", (dir.path() / "bao-cao.csv").string(), "--district",
                                  "Than Uyên", "--period", "2018", "--config", (dir.path() / "tonghop.toml").string(),
                                  "--plugins-dir", TONGHOP_PLUGIN_DIR, "--format", "json"};
    tonghop::test::Process p(argv, {}, {}, dir.path());
    tonghop::test::RunResult r;
    r.exit_code = p.wait(60s).value_or(-1);
    r.output = p.output();
    return r;
  };
  const auto by_default = run_with("");
  ASSERT_EQ(by_default.exit_code, 0) << by_default.output;
  const auto warned = json::parse(by_default.output).at("warnings").as_array();
  ASSERT_EQ(warned.size(), 1u) << by_default.output;
  EXPECT_EQ(warned[0].at("code").as_string(), "unmapped_header");
  EXPECT_EQ(warned[0].at("column").as_string(), "E");
  EXPECT_EQ(warned[0].at("samples"), (json::array{"4", "6"}));

  const auto strict = run_with("unmapped_numbers = \"error\"\n");
  ASSERT_EQ(strict.exit_code, 1) << strict.output;
  const auto errors = json::parse(strict.output).at("errors").as_array();
  ASSERT_EQ(errors.size(), 1u) << strict.output;
  EXPECT_EQ(errors[0].at("code").as_string(), "unmapped_header");
  EXPECT_EQ(errors[0].at("column").as_string(), "E");

  const auto rated = run_with("required = [\"org_name\", \"org_rating\"]\n");
  ASSERT_EQ(rated.exit_code, 1) << rated.output;
  const auto missing = json::parse(rated.output).at("errors").as_array();
  ASSERT_EQ(missing.size(), 1u) << rated.output;
  EXPECT_EQ(missing[0].at("code").as_string(), "missing_field");
  EXPECT_EQ(missing[0].at("field").as_string(), "org_rating");

  EXPECT_EQ(run_with("required = [\"members_totl\"]\n").exit_code, 2);
  EXPECT_EQ(run_with("unmapped_numbers = \"sometimes\"\n").exit_code, 2);
}
