// A figure edited by hand in the database after the return was received
// (the sqlite3 shell) is not the district's: the province report, made
// afresh by `tonghopd report`, shows that district's figures as unknown with
// a warning saying why, and the province's total leaves it out and says so,
// never sums the edited figure. The Lai Châu samples through the real daemon
// over a real socket, the real SQLite database.
#include <gtest/gtest.h>

#include <csignal>

#include <sqlite3.h>

#include <boost/json.hpp>

#include "support/daemon.hpp"
#include "support/process.hpp"

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace tonghop;

namespace {

const std::string kAdmin = "admin-token-for-the-report-changed-tests";
const std::string kData = TONGHOP_SOURCE_DIR "/tests/data/lai-chau/";

json::object report_of(const test::ServedDaemon& d, const std::string& period) {
  const fs::path out = d.dir.path() / ("report-" + period + ".json");
  const auto r = test::run({TONGHOPD_PATH, "report", "--config", (d.dir.path() / "tonghop.toml").string(), "--period",
                            period, "--format", "json", "-o", out.string()});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return json::parse(test::read_file(out)).as_object();
}

const json::object& district(const json::object& report, const std::string& name) {
  for (const auto& d : report.at("districts").as_array())
    if (d.at("district").as_string() == name) return d.as_object();
  ADD_FAILURE() << name << " is not in the report";
  static const json::object none;
  return none;
}

}  // namespace

TEST(ReportChanged, AFigureEditedInTheDatabaseIsUnknownInTheReportNeverSummed) {
  test::ServedDaemon d(kAdmin);
  for (const auto& [file, name] : std::vector<std::pair<std::string, std::string>>{
           {"2017/phong-tho.csv", "phong%20tho"}, {"2018/than-uyen.xlsx", "than%20uyen"},
           {"2018/tam-duong.json", "tam%20duong"}, {"2018/phong-tho.csv", "phong%20tho"}, {"2018/sin-ho.csv", "sin%20ho"}}) {
    const auto r = d.request("POST", "/api/v1/submissions?district=" + name + "&period=" + file.substr(0, 4) +
                                         "&filename=" + fs::path(file).filename().string(),
                             test::read_file(kData + file));
    ASSERT_TRUE(r && r->status == 201) << file << ": " << (r ? r->body : "no answer");
  }
  const json::object before = report_of(d, "2018");
  const auto members = [](const json::object& o) { return o.at("indicators").at("members_total"); };
  const std::int64_t phong_tho = members(district(before, "Phong Thổ")).to_number<std::int64_t>();
  const std::int64_t total = members(before.at("total").as_object()).to_number<std::int64_t>();
  ASSERT_GT(phong_tho, 0);
  ASSERT_GT(total, phong_tho);
  EXPECT_TRUE(district(before, "Phong Thổ").at("warnings").as_array().empty() ||
              district(before, "Phong Thổ").at("warnings").as_array()[0].at("code") != "changed_after_commit");

  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((d.dir.path() / "var" / "tonghop.db").c_str(), &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 10000);
    const char* sql = "UPDATE submissions SET indicators = json_set(indicators, '$.members_total', 999999) "
                      "WHERE district = 'Phong Thổ' AND period = '2018' AND superseded_by IS NULL";
    EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    EXPECT_EQ(sqlite3_changes(db), 1);
    sqlite3_close(db);
  }
  const json::object after = report_of(d, "2018");
  EXPECT_EQ(json::serialize(after).find("999999"), std::string::npos) << "the edited figure shown nowhere";
  const json::object& edited = district(after, "Phong Thổ");
  EXPECT_TRUE(members(edited).is_null()) << json::serialize(edited);
  EXPECT_TRUE(edited.at("indicators").at("orgs_total").is_null()) << "every figure of that row, not only the edited one";
  ASSERT_FALSE(edited.at("warnings").as_array().empty());
  const auto& said = edited.at("warnings").as_array()[0].as_object();
  EXPECT_EQ(said.at("code"), "changed_after_commit");
  EXPECT_NE(std::string(said.at("message").as_string()).find("đã bị sửa trong cơ sở dữ liệu sau khi được nhận"),
            std::string::npos)
      << said.at("message");
  // On paper too: the PDF's notes say why Phong Thổ's cells are grey (not the
  // usual "the return has no such indicator").
  {
    const fs::path pdf = d.dir.path() / "report-2018.pdf";
    const auto r = test::run({TONGHOPD_PATH, "report", "--config", (d.dir.path() / "tonghop.toml").string(), "--period",
                              "2018", "--format", "pdf", "-o", pdf.string()});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const auto text = test::run({"/usr/bin/pdftotext", pdf.string(), "-"});
    ASSERT_EQ(text.exit_code, 0) << text.output;
    std::string flat;  // its lines joined
    for (const char c : text.output) flat += c == '\n' ? ' ' : c;
    EXPECT_NE(flat.find("của Phong Thổ (nhận lúc "), std::string::npos) << text.output;
    EXPECT_NE(flat.find("đã bị sửa trong cơ sở dữ liệu sau khi được nhận"), std::string::npos) << text.output;
  }
  // The province's total: the others' sum, saying whom it leaves out.
  EXPECT_EQ(members(after.at("total").as_object()).to_number<std::int64_t>(), total - phong_tho);
  const auto& left_out = after.at("total").at("incomplete").at("members_total").as_array();
  ASSERT_EQ(left_out.size(), 1u);
  EXPECT_EQ(left_out[0], "Phong Thổ");
  // Its change from 2017 is not told from an edited figure either (a
  // change that cannot be told is left out of the JSON).
  ASSERT_NE(district(before, "Phong Thổ").if_contains("change"), nullptr);
  EXPECT_TRUE(district(before, "Phong Thổ").at("change").as_object().contains("members_total"));
  if (const auto* change = edited.if_contains("change")) {
    EXPECT_FALSE(change->as_object().contains("members_total")) << json::serialize(*change);
  }
  // The other districts are as they were.
  EXPECT_EQ(members(district(after, "Sìn Hồ")), members(district(before, "Sìn Hồ")));

  // The daemon started again says so in its log, naming the submission.
  d.process->signal(SIGTERM);
  ASSERT_EQ(d.process->wait(std::chrono::seconds(10)).value_or(-1), 0);
  test::Process again({TONGHOPD_PATH, "--config", (d.dir.path() / "tonghop.toml").string()},
                      {"TONGHOP_ADMIN_TOKEN=" + kAdmin}, {}, d.dir.path());
  ASSERT_NE(test::listening_port(again), 0) << again.output();
  EXPECT_NE(again.output().find("(Phong Thổ, 2018, phong-tho.csv, received "), std::string::npos) << again.output();
  EXPECT_NE(again.output().find("was changed in the database after it was received"), std::string::npos)
      << again.output();
  EXPECT_EQ(again.output().find("(Sìn Hồ, 2018"), std::string::npos) << again.output();
}
