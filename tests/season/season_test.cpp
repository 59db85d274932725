// The reporting season (issue 16 items 2-4) through the real daemon, a real
// socket and the real database: each district's status against a due date
// with the clock faked by [season] today; a return sent back with a reason,
// approved, a period locked (409, the API's and the inbox's) and reopened,
// each audited; the refused attempts listed by role.
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include <sqlite3.h>
#include <unistd.h>

#include "season/season_daemon.hpp"

namespace json = boost::json;
using namespace std::chrono_literals;
using namespace tonghop::test;

namespace {

// The same workbook with other bytes (a zip comment added), so that sending it
// again is a new version, not the "unchanged" resubmission of the same bytes.
std::string resaved(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string comment = "sửa lại";
  if (bytes.size() < 22 || bytes.compare(bytes.size() - 22, 4, "PK\x05\x06") != 0) return path;
  bytes[bytes.size() - 2] = static_cast<char>(comment.size());
  bytes += comment;
  const auto out = std::filesystem::temp_directory_path() / ("season-resaved-" + std::to_string(::getpid()) + ".xlsx");
  std::ofstream(out, std::ios::binary) << bytes;
  return out.string();
}

// Days since 1970 of a date, and of the date a time with an offset falls on at +07:00.
std::int64_t days(const std::string& date) {
  std::tm t{};
  t.tm_year = std::stoi(date.substr(0, 4)) - 1900;
  t.tm_mon = std::stoi(date.substr(5, 2)) - 1;
  t.tm_mday = std::stoi(date.substr(8, 2));
  return static_cast<std::int64_t>(timegm(&t)) / 86400;
}
std::int64_t day_in_vietnam(const std::string& iso) {  // "2026-11-27T11:40:00+00:00"
  std::tm t{};
  t.tm_year = std::stoi(iso.substr(0, 4)) - 1900;
  t.tm_mon = std::stoi(iso.substr(5, 2)) - 1;
  t.tm_mday = std::stoi(iso.substr(8, 2));
  t.tm_hour = std::stoi(iso.substr(11, 2));
  t.tm_min = std::stoi(iso.substr(14, 2));
  t.tm_sec = std::stoi(iso.substr(17, 2));
  const int sign = iso[19] == '-' ? -1 : 1;
  const long offset = iso.size() >= 25 ? sign * (std::stol(iso.substr(20, 2)) * 3600 + std::stol(iso.substr(23, 2)) * 60) : 0;
  return (static_cast<std::int64_t>(timegm(&t)) - offset + 7 * 3600) / 86400;
}

json::object row_of(const json::value& report, const std::string& district) {
  for (const auto& r : report.at("districts").as_array())
    if (r.at("district") == district.c_str()) return r.as_object();
  return {};
}
json::object status_of(const SeasonDaemon& d, const std::string& period, const std::string& district,
                       const std::string& token = kSeasonAdmin) {
  const auto r = d.call("GET", "/api/v1/periods/" + url(period), token);
  EXPECT_EQ(r.status, 200) << r.body;
  if (r.status != 200) return {};
  const json::value all = r.json();
  for (const auto& s : all.at("districts").as_array())
    if (s.at("district") == district.c_str()) return s.as_object();
  return {};
}

const std::string kSeasonConfig =
    "[season]\ntoday = \"2026-01-20\"\ndue.\"2017\" = \"2020-01-01\"\ndue.\"2018\" = \"2099-12-31\"\n";
const std::string kNotAReturn = "tên,giá trị\nhello,world\n";

}  // namespace

TEST(Season, EachDistrictHasOneStatusAgainstTheDueDateWithTheClockFaked) {
  SeasonDaemon d(kSeasonConfig);
  const std::string than_uyen = d.token("Than Uyên"), tam_duong = d.token("Tam Đường"), sin_ho = d.token("Sìn Hồ");
  const auto late = d.submit(than_uyen, "Than Uyên", "2017", kLaiChau + "2017/than-uyen.csv");
  ASSERT_EQ(late.status, 201) << late.body;
  const std::int64_t late_days = day_in_vietnam(std::string(late.json().at("received_at").as_string())) - days("2020-01-01");
  ASSERT_GT(late_days, 0);
  EXPECT_EQ(d.submit_bytes(tam_duong, "Tam Đường", "2017", kNotAReturn, "thu.csv").status, 422);  // refused only
  const auto approved = d.submit(sin_ho, "Sìn Hồ", "2017", kLaiChau + "2017/sin-ho.csv");
  ASSERT_EQ(approved.status, 201);
  ASSERT_EQ(d.call("POST", "/api/v1/submissions/" + std::to_string(approved.json().at("id").as_int64()) + "/approve").status, 200);

  const auto report = d.call("GET", "/api/v1/reports/province?period=2017&format=json");
  ASSERT_EQ(report.status, 200) << report.body;
  const json::value rep = report.json();
  const auto tu = row_of(rep, "Than Uyên");
  EXPECT_EQ(tu.at("status"), "late");
  EXPECT_EQ(tu.at("late_days").as_int64(), late_days);
  EXPECT_EQ(tu.at("status_label"), ("Muộn " + std::to_string(late_days) + " ngày").c_str());
  EXPECT_EQ(row_of(rep, "Sìn Hồ").at("status"), "approved");
  EXPECT_EQ(row_of(rep, "Sìn Hồ").at("status_label"), "Đã duyệt");
  const auto& c = rep.at("completeness");
  EXPECT_EQ(c.at("due"), "2020-01-01");
  EXPECT_EQ(c.at("refused_only"), json::array({"Tam Đường"}));
  EXPECT_EQ(c.at("late"), json::array({"Than Uyên"}));
  EXPECT_EQ(c.at("approved"), json::array({"Sìn Hồ"}));
  EXPECT_EQ(c.at("locked"), false);

  // The season's page: every district, with its days; overdue from the faked today.
  const auto season = d.call("GET", "/api/v1/periods/2017");
  ASSERT_EQ(season.status, 200) << season.body;
  EXPECT_EQ(season.json().at("today"), "2026-01-20");
  EXPECT_EQ(season.json().at("due_source"), "config");
  const auto refused = status_of(d, "2017", "Tam Đường");
  EXPECT_EQ(refused.at("status"), "refused_only");
  EXPECT_EQ(refused.at("status_label"), "Chỉ có lần gửi bị từ chối");
  EXPECT_EQ(refused.at("attempts").as_int64(), 1);
  EXPECT_EQ(refused.at("overdue_days").as_int64(), days("2026-01-20") - days("2020-01-01"));
  const auto missing = status_of(d, "2017", "Phong Thổ");
  EXPECT_EQ(missing.at("status"), "missing");
  EXPECT_EQ(missing.at("status_label"), "Chưa báo cáo");
  // A district sees its own row only.
  const auto own = d.call("GET", "/api/v1/periods/2017", tam_duong);
  ASSERT_EQ(own.status, 200);
  ASSERT_EQ(own.json().at("districts").as_array().size(), 1u);
  EXPECT_EQ(own.json().at("districts").at(0).at("district"), "Tam Đường");

  // On time before a due date far ahead; then the admin's due date (today) makes it late.
  const auto on_time = d.submit(than_uyen, "Than Uyên", "2018", kLaiChau + "2018/than-uyen.xlsx");
  ASSERT_EQ(on_time.status, 201) << on_time.body;
  EXPECT_EQ(status_of(d, "2018", "Than Uyên").at("status"), "on_time");
  EXPECT_EQ(status_of(d, "2018", "Than Uyên").at("status_label"), "Đúng hạn");
  // Bad input: a due date before the faked today, not a date, not a period, not an admin: nothing changes.
  EXPECT_EQ(d.call("PUT", "/api/v1/periods/2018", kSeasonAdmin, R"({"due":"2026-01-19"})").code(), "due_in_past");
  EXPECT_EQ(d.call("PUT", "/api/v1/periods/2018", kSeasonAdmin, R"({"due":"2026-02-30"})").code(), "bad_date");
  EXPECT_EQ(d.call("PUT", "/api/v1/periods/2018", kSeasonAdmin, R"({"due":20260201})").status, 400);
  EXPECT_EQ(d.call("PUT", "/api/v1/periods/2018", kSeasonAdmin, R"({"due":"2026-02-01","x":1})").status, 400);
  EXPECT_EQ(d.call("PUT", "/api/v1/periods/9999", kSeasonAdmin, R"({"due":"2026-02-01"})").code(), "unknown_period");
  EXPECT_EQ(d.call("PUT", "/api/v1/periods/2018", than_uyen, R"({"due":"2026-02-01"})").status, 403);
  EXPECT_EQ(d.call("GET", "/api/v1/periods/2018").json().at("due"), "2099-12-31");
  ASSERT_EQ(d.call("PUT", "/api/v1/periods/2018", kSeasonAdmin, R"({"due":"2026-01-20"})").status, 200);
  const auto now_late = status_of(d, "2018", "Than Uyên");
  EXPECT_EQ(now_late.at("status"), "late");
  EXPECT_EQ(now_late.at("late_days").as_int64(),
            day_in_vietnam(std::string(on_time.json().at("received_at").as_string())) - days("2026-01-20"));
  EXPECT_EQ(d.call("GET", "/api/v1/periods/2018").json().at("due_source"), "api");
  // The report follows at once (its cache moves with the store).
  EXPECT_EQ(row_of(d.call("GET", "/api/v1/reports/province?period=2018&format=json").json(), "Than Uyên").at("status"), "late");
  ASSERT_EQ(d.call("PUT", "/api/v1/periods/2018", kSeasonAdmin, R"({"due":null})").status, 200);
  EXPECT_EQ(status_of(d, "2018", "Than Uyên").at("status"), "on_time");
  EXPECT_TRUE(contains(actions(d), "period.due"));
}

TEST(Season, AReturnSentBackApprovedAndThePeriodLockedAndReopenedEachAudited) {
  SeasonDaemon d(kSeasonConfig);
  const std::string than_uyen = d.token("Than Uyên"), viewer = d.viewer();
  const auto first = d.submit(than_uyen, "Than Uyên", "2018", kLaiChau + "2018/than-uyen.xlsx");
  ASSERT_EQ(first.status, 201) << first.body;
  const std::string id = std::to_string(first.json().at("id").as_int64());

  // Bad input first: nothing changes.
  EXPECT_EQ(d.call("POST", "/api/v1/submissions/" + id + "/return", kSeasonAdmin, R"({"reason":"  "})").code(), "reason_required");
  EXPECT_EQ(d.call("POST", "/api/v1/submissions/" + id + "/return", kSeasonAdmin, R"({})").code(), "reason_required");
  EXPECT_EQ(d.call("POST", "/api/v1/submissions/9999/return", kSeasonAdmin, R"({"reason":"x"})").status, 404);
  EXPECT_EQ(d.call("POST", "/api/v1/submissions/0" + id + "/approve").status, 404);
  EXPECT_EQ(d.call("POST", "/api/v1/submissions/" + id + "/return", than_uyen, R"({"reason":"x"})").status, 403);
  EXPECT_EQ(d.call("POST", "/api/v1/submissions/" + id + "/approve", viewer).status, 403);
  EXPECT_EQ(d.call("GET", "/api/v1/submissions/" + id, than_uyen).json().at("status"), "current");

  const std::string reason = "Thiếu số đảng viên nữ của Đảng bộ xã Mường Kim / women members missing";
  const auto returned = d.call("POST", "/api/v1/submissions/" + id + "/return", kSeasonAdmin, "{\"reason\":\"" + reason + "\"}");
  ASSERT_EQ(returned.status, 200) << returned.body;
  // The district sees it, with the reason, in its view and its list; the report marks it.
  const auto seen = d.call("GET", "/api/v1/submissions/" + id, than_uyen).json();
  EXPECT_EQ(seen.at("status"), "returned");
  EXPECT_EQ(seen.at("review").at("reason"), reason.c_str());
  const auto list = d.call("GET", "/api/v1/submissions?period=2018", than_uyen).json().at("submissions");
  EXPECT_EQ(list.at(0).at("status"), "returned");
  EXPECT_EQ(list.at(0).at("review").at("reason"), reason.c_str());
  const auto rep = d.call("GET", "/api/v1/reports/province?period=2018&format=json").json();
  EXPECT_EQ(row_of(rep, "Than Uyên").at("status"), "returned");
  EXPECT_EQ(row_of(rep, "Than Uyên").at("status_label"), "Bị trả lại");
  EXPECT_EQ(row_of(rep, "Than Uyên").at("return_reason"), reason.c_str());
  // It stays stored and counted: the report still carries its figures.
  EXPECT_EQ(row_of(rep, "Than Uyên").at("submission_id").as_int64(), first.json().at("id").as_int64());
  EXPECT_TRUE(row_of(rep, "Than Uyên").at("indicators").at("members_total").is_int64());

  // The corrected return supersedes it; the old one can no longer be reviewed.
  const auto second = d.submit(than_uyen, "Than Uyên", "2018", resaved(kLaiChau + "2018/than-uyen.xlsx"));
  ASSERT_EQ(second.status, 201) << second.body;
  const std::string id2 = std::to_string(second.json().at("id").as_int64());
  EXPECT_EQ(d.call("POST", "/api/v1/submissions/" + id + "/approve").code(), "not_current");
  EXPECT_EQ(status_of(d, "2018", "Than Uyên").at("status"), "on_time");
  ASSERT_EQ(d.call("POST", "/api/v1/submissions/" + id2 + "/approve").status, 200);
  EXPECT_EQ(status_of(d, "2018", "Than Uyên").at("status"), "approved");
  EXPECT_EQ(d.call("GET", "/api/v1/submissions/" + id2, than_uyen).json().at("status"), "approved");

  // The whole period: locked; a new return is 409 with a message in both languages.
  ASSERT_EQ(d.call("POST", "/api/v1/periods/2018/approve").status, 200);
  const auto refused = d.submit(than_uyen, "Than Uyên", "2018", kLaiChau + "2018/than-uyen.xlsx");
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_EQ(refused.code(), "period_locked");
  const auto message = std::string(refused.json().at("errors").at(0).at("message").as_string());
  EXPECT_NE(message.find("khoá"), std::string::npos) << message;
  EXPECT_NE(message.find(" / period 2018 is approved and locked"), std::string::npos) << message;
  EXPECT_EQ(d.call("POST", "/api/v1/submissions/" + id2 + "/return", kSeasonAdmin, R"({"reason":"late"})").code(), "period_locked");
  EXPECT_EQ(d.call("POST", "/api/v1/periods/2018/approve").code(), "period_locked");
  EXPECT_EQ(d.call("GET", "/api/v1/reports/province?period=2018&format=json").json().at("completeness").at("locked"), true);
  EXPECT_EQ(d.call("GET", "/api/v1/submissions?period=2018", than_uyen).json().at("submissions").as_array().size(), 2u);

  // The inbox is refused too, and says why beside the file.
  const auto inbox = d.data() / "inbox" / "Than Uyên" / "2018";
  std::filesystem::create_directories(inbox);
  write_file(inbox / "than-uyen.xlsx.part", read_file(kLaiChau + "2018/than-uyen.xlsx"));
  std::filesystem::rename(inbox / "than-uyen.xlsx.part", inbox / "than-uyen.xlsx");
  const auto errors = d.data() / "inbox" / "rejected" / "Than Uyên" / "2018" / "than-uyen.xlsx.errors.json";
  for (int i = 0; i < 100 && !std::filesystem::exists(errors); ++i) std::this_thread::sleep_for(100ms);
  ASSERT_TRUE(std::filesystem::exists(errors)) << d.process().output();
  EXPECT_NE(read_file(errors).find("period_locked"), std::string::npos);
  const auto attempts = d.call("GET", "/api/v1/attempts?period=2018").json().at("attempts");
  ASSERT_EQ(attempts.as_array().size(), 2u);  // the API's 409 and the inbox's
  EXPECT_EQ(attempts.at(0).at("source"), "api");
  EXPECT_EQ(attempts.at(0).at("status").as_int64(), 409);
  EXPECT_EQ(attempts.at(1).at("source"), "inbox");
  EXPECT_EQ(attempts.at(1).at("filename"), "than-uyen.xlsx");
  EXPECT_EQ(attempts.at(1).at("errors").at(0).at("code"), "period_locked");

  // A district or a viewer cannot reopen; an admin can, once.
  EXPECT_EQ(d.call("POST", "/api/v1/periods/2018/reopen", than_uyen).status, 403);
  EXPECT_EQ(d.call("POST", "/api/v1/periods/2018/reopen", viewer).status, 403);
  EXPECT_EQ(d.call("POST", "/api/v1/periods/bad/reopen").status, 400);
  ASSERT_EQ(d.call("POST", "/api/v1/periods/2018/reopen").status, 200);
  EXPECT_EQ(d.call("POST", "/api/v1/periods/2018/reopen").code(), "not_locked");
  EXPECT_EQ(d.submit(than_uyen, "Than Uyên", "2018", kLaiChau + "2018/than-uyen.xlsx").status, 201);

  const auto trail = actions(d);
  for (const char* a : {"submission.return", "submission.approve", "period.approve", "period.reopen"})
    EXPECT_TRUE(contains(trail, a)) << a;
  const auto for_district = actions(d, "?district=" + url("Than Uyên"));
  EXPECT_TRUE(contains(for_district, "submission.return"));
  EXPECT_FALSE(contains(for_district, "period.approve"));  // a period names no district
  EXPECT_EQ(std::count(trail.begin(), trail.end(), "period.reopen"), 1);  // the refused ones left nothing
}

TEST(Season, RefusedAttemptsAreRecordedAndListedByRole) {
  SeasonDaemon d(kSeasonConfig);
  const std::string than_uyen = d.token("Than Uyên", "clerk TU"), sin_ho = d.token("Sìn Hồ"), viewer = d.viewer();
  const std::string bad = kLaiChau + "bad/than-uyen-total-row-mismatch.xlsx";
  EXPECT_EQ(d.submit(than_uyen, "Than Uyên", "2018", bad).status, 422);
  EXPECT_EQ(d.submit(sin_ho, "Sìn Hồ", "2018", kLaiChau + "bad/sin-ho-not-a-number.csv").status, 422);
  EXPECT_EQ(d.submit(sin_ho, "Sìn Hồ", "2018", kLaiChau + "2018/sin-ho.csv").status, 201);  // accepted: no attempt
  EXPECT_EQ(d.submit(than_uyen, "Sìn Hồ", "2018", kLaiChau + "2018/sin-ho.csv").status, 403);  // not its district: no attempt

  const auto all = d.call("GET", "/api/v1/attempts?period=2018");
  ASSERT_EQ(all.status, 200) << all.body;
  const json::array list = all.json().at("attempts").as_array();
  ASSERT_EQ(list.size(), 2u) << all.body;
  const auto& a = list[0];
  EXPECT_EQ(a.at("district"), "Than Uyên");
  EXPECT_EQ(a.at("who"), "clerk TU");
  EXPECT_EQ(a.at("source"), "api");
  EXPECT_EQ(a.at("filename"), "than-uyen-total-row-mismatch.xlsx");
  EXPECT_EQ(a.at("size").as_int64(), static_cast<std::int64_t>(read_file(bad).size()));
  const auto sum = run({"/usr/bin/sha256sum", bad});
  EXPECT_EQ(std::string(a.at("sha256").as_string()), sum.output.substr(0, 64)) << sum.output;
  EXPECT_EQ(a.at("status").as_int64(), 422);
  ASSERT_FALSE(a.at("errors").as_array().empty());
  EXPECT_EQ(a.at("bytes_kept"), false);
  EXPECT_EQ(d.call("GET", "/api/v1/attempts/" + std::to_string(a.at("id").as_int64()) + "/raw").code(), "not_kept");
  EXPECT_EQ(d.call("GET", "/api/v1/attempts?period=2018", viewer).json().at("attempts").as_array().size(), 2u);
  // A district lists its own only.
  const auto own = d.call("GET", "/api/v1/attempts?period=2018", than_uyen);
  ASSERT_EQ(own.status, 200);
  ASSERT_EQ(own.json().at("attempts").as_array().size(), 1u);
  EXPECT_EQ(own.json().at("attempts").at(0).at("district"), "Than Uyên");
  EXPECT_EQ(d.call("GET", "/api/v1/attempts?period=2018&district=" + url("Sìn Hồ"), than_uyen).status, 403);
  EXPECT_EQ(d.call("GET", "/api/v1/attempts?period=2018&district=" + url("Sìn Hồ")).json().at("attempts").as_array().size(), 1u);
  EXPECT_EQ(d.call("GET", "/api/v1/attempts").code(), "unknown_period");
  EXPECT_EQ(d.call("GET", "/api/v1/attempts?period=2018&district=Atlantis").code(), "unknown_district");
  EXPECT_EQ(d.call("GET", "/api/v1/attempts/9999/raw").status, 404);
  EXPECT_EQ(d.call("GET", "/api/v1/attempts?period=2018", "").status, 401);
}

TEST(Season, AttemptsKeepTheirBytesWhenTheConfigurationAsks) {
  SeasonDaemon d("[attempts]\nkeep_bytes = true\n");
  const std::string than_uyen = d.token("Than Uyên"), sin_ho = d.token("Sìn Hồ");
  const std::string bad = kLaiChau + "bad/than-uyen-total-row-mismatch.xlsx";
  EXPECT_EQ(d.submit(than_uyen, "Than Uyên", "2018", bad).status, 422);
  const auto list = d.call("GET", "/api/v1/attempts?period=2018").json().at("attempts");
  ASSERT_EQ(list.as_array().size(), 1u);
  EXPECT_EQ(list.at(0).at("bytes_kept"), true);
  const std::string raw = "/api/v1/attempts/" + std::to_string(list.at(0).at("id").as_int64()) + "/raw";
  const auto got = d.call("GET", raw, than_uyen);
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.body, read_file(bad));
  EXPECT_EQ(d.call("GET", raw, sin_ho).status, 403);
}

// A return the Board sent back, its review then turned "approved" by hand in
// the database: the season's status does not take a review the audit does
// not bear out, so the return never shows as approved; `tonghopd verify`
// names it.
TEST(Season, AReviewChangedByHandInTheDatabaseIsNotTakenForApproval) {
  SeasonDaemon d(kSeasonConfig);
  const std::string sin_ho = d.token("Sìn Hồ");
  const auto sent = d.submit(sin_ho, "Sìn Hồ", "2018", kLaiChau + "2018/sin-ho.csv");
  ASSERT_EQ(sent.status, 201) << sent.body;
  const std::string id = std::to_string(sent.json().at("id").as_int64());
  ASSERT_EQ(d.call("POST", "/api/v1/submissions/" + id + "/return", kSeasonAdmin, R"({"reason":"thiếu số đảng viên nữ"})").status, 200);
  EXPECT_EQ(status_of(d, "2018", "Sìn Hồ").at("status"), "returned");
  by_hand(d, "UPDATE reviews SET state = 'approved', reason = NULL WHERE submission_id = " + id);
  const auto now = status_of(d, "2018", "Sìn Hồ");
  EXPECT_NE(now.at("status"), "approved") << json::serialize(now);
  EXPECT_EQ(now.at("status"), "on_time") << json::serialize(now);
  // Nor the submission's own view.
  const auto view = d.call("GET", "/api/v1/submissions/" + id, kSeasonAdmin);
  ASSERT_EQ(view.status, 200) << view.body;
  const json::value parsed = view.json();
  const auto& shown = parsed.as_object();
  EXPECT_FALSE(shown.contains("review")) << view.body.substr(0, 400);
  EXPECT_FALSE(shown.contains("status") && shown.at("status") == "approved") << view.body.substr(0, 400);
  const auto v = tonghop::test::run({TONGHOPD_PATH, "verify", "--config", (d.dir() / "tonghop.toml").string()});
  EXPECT_EQ(v.exit_code, 1) << v.output;
  EXPECT_NE(v.output.find("the review of submission #" + id + " (Sìn Hồ, 2018): «approved»"), std::string::npos)
      << v.output;
}

TEST(Season, APeriodLockedByHandInTheDatabaseApprovesNothingAndRefusesNothing) {
  SeasonDaemon d(kSeasonConfig);
  const std::string sin_ho = d.token("Sìn Hồ");
  const auto sent = d.submit(sin_ho, "Sìn Hồ", "2018", kLaiChau + "2018/sin-ho.csv");
  ASSERT_EQ(sent.status, 201) << sent.body;
  const std::string id = std::to_string(sent.json().at("id").as_int64());
  // Locked with the sqlite3 shell, as an approval no one made: no return of
  // the period shows as approved by it, and a district can still send one.
  // First with no one named, no audit entry either (NULL against NULL).
  by_hand(d, "INSERT INTO periods (period, locked_at) VALUES ('2018', '2026-01-19T08:00:00Z')");
  EXPECT_EQ(d.call("GET", "/api/v1/periods/2018", kSeasonAdmin).json().at("locked"), false);
  EXPECT_EQ(status_of(d, "2018", "Sìn Hồ").at("status"), "on_time");
  by_hand(d, "UPDATE periods SET locked_by = 'admin' WHERE period = '2018'");
  const auto status = d.call("GET", "/api/v1/periods/2018", kSeasonAdmin);
  ASSERT_EQ(status.status, 200) << status.body;
  EXPECT_EQ(status.json().at("locked"), false) << status.body;
  EXPECT_EQ(status_of(d, "2018", "Sìn Hồ").at("status"), "on_time");
  const auto view = d.call("GET", "/api/v1/submissions/" + id, kSeasonAdmin);
  ASSERT_EQ(view.status, 200) << view.body;
  EXPECT_FALSE(view.json().as_object().contains("status") && view.json().at("status") == "approved") << view.body.substr(0, 400);
  EXPECT_EQ(d.call("GET", "/api/v1/reports/province?period=2018&format=json").json().at("completeness").at("locked"), false);
  const std::string than_uyen = d.token("Than Uyên");
  EXPECT_EQ(d.submit(than_uyen, "Than Uyên", "2018", kLaiChau + "2018/than-uyen.xlsx").status, 201);
  const auto v = tonghop::test::run({TONGHOPD_PATH, "verify", "--config", (d.dir() / "tonghop.toml").string()});
  EXPECT_EQ(v.exit_code, 1) << v.output;
  EXPECT_NE(v.output.find("the period 2018 is locked (every return approved) by admin in the database"), std::string::npos)
      << v.output;

  // A lock the Board makes through the API is one: taken, then lifted.
  by_hand(d, "DELETE FROM periods WHERE period = '2018'");
  ASSERT_EQ(d.call("POST", "/api/v1/periods/2018/approve").status, 200);
  EXPECT_EQ(d.call("GET", "/api/v1/periods/2018", kSeasonAdmin).json().at("locked"), true);
  EXPECT_EQ(status_of(d, "2018", "Sìn Hồ").at("status"), "approved");
  EXPECT_EQ(d.submit(sin_ho, "Sìn Hồ", "2018", kLaiChau + "2018/sin-ho.csv").code(), "period_locked");
  // Its row then given to another name by hand: no longer the lock the audit names.
  by_hand(d, "UPDATE periods SET locked_by = 'someone' WHERE period = '2018'");
  EXPECT_EQ(d.call("GET", "/api/v1/periods/2018", kSeasonAdmin).json().at("locked"), false);
  EXPECT_NE(d.submit(sin_ho, "Sìn Hồ", "2018", kLaiChau + "2018/sin-ho.csv").code(), "period_locked");
}
