// The dry run against the district's return of the previous period, through
// the real daemon, a real socket and the real SQLite database: it gives the
// warnings the submission of the same bytes gives (the previous return read
// from the store a block at a time by both, issue 18), and a large return's
// answer counts every record and shows at most [check] max_rows of them.
#include "api/check_support.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

#include <fmt/format.h>

using namespace check_test;

namespace {

const std::string kThanUyen = "Than%20Uy%C3%AAn";

// What the dry run's warnings share with the submission's: all but "cell".
json::array without_cells(const json::value& issues) {
  json::array out;
  for (const auto& i : issues.as_array()) {
    json::object o = i.as_object();
    o.erase("cell");
    out.push_back(std::move(o));
  }
  return out;
}

tonghop::test::HttpReply post(const ServedDaemon& d, const std::string& target, const std::string& body) {
  // A few thousand rows read by a child at nice 10: more than the client's usual 10 s on a loaded machine.
  auto r = tonghop::test::request(d.port, "POST", target, body, "Authorization: Bearer " + kAdmin + "\r\n",
                                  std::chrono::seconds(90));
  EXPECT_TRUE(r.has_value());
  return r ? *r : tonghop::test::HttpReply{};
}

std::vector<std::string> of_code(const json::value& issues, const std::string& code, const char* member) {
  std::vector<std::string> out;
  for (const auto& i : issues.as_array())
    if (i.at("code").as_string() == code) out.emplace_back(i.at(member).as_string());
  return out;
}

// The dry run of `body` for `period`, then its submission: the same warnings.
json::object dry_run_then_submit(const ServedDaemon& d, const std::string& district, const std::string& period,
                                 const std::string& body, const std::string& filename) {
  const auto checked = post(d, "/api/v1/check?district=" + district + "&period=" + period + "&filename=" + filename, body);
  EXPECT_EQ(checked.status, 200) << checked.body.substr(0, 500);
  const auto sent = post(d, "/api/v1/submissions?district=" + district + "&period=" + period + "&filename=" + filename, body);
  EXPECT_EQ(sent.status, 201) << sent.body.substr(0, 500);
  if (checked.status != 200 || sent.status != 201) return {};
  json::object check = json::parse(checked.body).as_object();
  const json::object submission = json::parse(sent.body).as_object();
  EXPECT_EQ(check.at("verdict").as_string(), "accepted");
  const json::value none = json::array();
  const auto* stored = submission.if_contains("warnings");
  EXPECT_EQ(json::value(without_cells(check.at("warnings"))), stored != nullptr ? *stored : none)
      << "the dry run warns as the submission does";
  return check;
}

// A return of `n` organisations, "Chi bộ thôn Nậm i" with members(i) members
// each, leaving out those skip(i) names.
template <class Members, class Skip>
std::string csv(int n, Members&& members, Skip&& skip) {
  std::string s = "Tên tổ chức cơ sở đảng;Loại hình;Tổng số đảng viên\n";
  for (int i = 0; i < n; ++i)
    if (!skip(i)) s += fmt::format("Chi bộ thôn Nậm {};CB;{}\n", i, members(i));
  return s;
}
template <class Members>
std::string csv(int n, Members&& members) {
  return csv(n, members, [](int) { return false; });
}

}  // namespace

TEST(DryRunAgainstThePreviousPeriod, TheLaiChauSamplesWarnAsTheirSubmissions) {
  ServedDaemon d(kAdmin);
  for (const auto& [district, slug, file2018] : {std::tuple{kPhongTho, "phong-tho", "phong-tho.csv"},
                                                 std::tuple{kSinHo, "sin-ho", "sin-ho.csv"},
                                                 std::tuple{std::string("Tam%20%C4%90%C6%B0%E1%BB%9Dng"), "tam-duong",
                                                            "tam-duong.json"},
                                                 std::tuple{kThanUyen, "than-uyen", "than-uyen.xlsx"}}) {
    const std::string dir = TONGHOP_SOURCE_DIR "/tests/data/lai-chau/";
    const std::string before = tonghop::test::read_file(dir + "2017/" + slug + ".csv");
    // 2017 has no previous period stored: checked and sent, no comparison.
    dry_run_then_submit(d, district, "2017", before, std::string(slug) + ".csv");
    const auto check = dry_run_then_submit(d, district, "2018", tonghop::test::read_file(dir + "2018/" + file2018), file2018);
    ASSERT_FALSE(check.empty()) << slug;
  }
}

TEST(DryRunAgainstThePreviousPeriod, ALargeReturnWarnsAsItsSubmissionAndIsCutAtTheLimit) {
  ServedDaemon d(kAdmin);
  // 6,000 organisations: the previous return is read back in two of the
  // store's blocks (4,096 records each).
  const std::string before = csv(6'000, [](int i) { return 20 + i % 40; });
  const std::string now = csv(
      6'000,
      [](int i) {
        if (i == 5) return 90;       // 25 -> 90: +260 %
        if (i == 4'500) return 10;   // 40 -> 10: -75 %
        if (i == 4'501) return 60;   // 41 -> 60: +46 %, within the 50 % allowed
        return 20 + i % 40;
      },
      [](int i) { return i == 100 || i == 5'000; });  // missing
  const std::string target2017 = "/api/v1/submissions?district=" + kPhongTho + "&period=2017&filename=before.csv";
  ASSERT_EQ(post(d, target2017, before).status, 201);
  const auto check = dry_run_then_submit(d, kPhongTho, "2018", now, "now.csv");
  ASSERT_FALSE(check.empty());
  EXPECT_EQ(of_code(check.at("warnings"), "members_changed", "value"), (std::vector<std::string>{"90", "10"}));
  EXPECT_EQ(of_code(check.at("warnings"), "organisation_missing", "value"),
            (std::vector<std::string>{"Chi bộ thôn Nậm 100", "Chi bộ thôn Nậm 5000"}));
  for (const auto& w : check.at("warnings").as_array())
    if (w.at("code").as_string() == "members_changed" && w.at("value").as_string() == "10") {
      EXPECT_EQ(w.at("cell").as_string(), "C4501") << "Nậm 4500 is on row 4,501 (100 is missing above it)";
      EXPECT_NE(w.at("message").as_string().find("Chi bộ thôn Nậm 4500: 10 đảng viên, kỳ trước 40 (-75%)"),
                std::string::npos)
          << w.at("message").as_string();
    }
  // Every record counted, the first [check] max_rows (200) shown.
  EXPECT_EQ(check.at("records_total").as_int64(), 5'998);
  const auto& records = check.at("records").as_array();
  ASSERT_EQ(records.size(), 200u);
  EXPECT_TRUE(check.at("records_cut").as_bool());
  EXPECT_EQ(records[0].at("org_name").as_string(), "Chi bộ thôn Nậm 0");
  EXPECT_EQ(records[199].at("org_name").as_string(), "Chi bộ thôn Nậm 200") << "Nậm 100 is missing";
  EXPECT_EQ(records[5].at("members_total").as_int64(), 90);
  EXPECT_EQ(records[199].at("row").as_int64(), 201);
}

TEST(DryRunAgainstThePreviousPeriod, AResultOfManyBlocksCheckedAndComparedABlockAtATimeWarnsAsItsSubmission) {
  // dryrun5: 40,000 organisations, ten blocks of the child's result: the
  // dry run takes them unchecked and checks and compares each on its own
  // (ingest::check_and_compare); the submission checks them as it stores
  // them and compares the whole set after. Changes at the blocks' edges.
  ServedDaemon d(kAdmin);
  const std::string before = csv(40'000, [](int i) { return 20 + i % 40; });
  const std::vector<int> changed = {4'095, 4'096, 20'479, 20'480, 39'999};
  const std::string now = csv(
      40'000,
      [&](int i) { return std::find(changed.begin(), changed.end(), i) != changed.end() ? 500 : 20 + i % 40; },
      [](int i) { return i == 8'191 || i == 30'000; });  // missing
  const std::string target2017 = "/api/v1/submissions?district=" + kPhongTho + "&period=2017&filename=before.csv";
  ASSERT_EQ(post(d, target2017, before).status, 201);
  const auto check = dry_run_then_submit(d, kPhongTho, "2018", now, "now.csv");
  ASSERT_FALSE(check.empty());
  EXPECT_EQ(of_code(check.at("warnings"), "members_changed", "value"),
            (std::vector<std::string>{"500", "500", "500", "500", "500"}));
  EXPECT_EQ(of_code(check.at("warnings"), "organisation_missing", "value"),
            (std::vector<std::string>{"Chi bộ thôn Nậm 8191", "Chi bộ thôn Nậm 30000"}));
  const auto& warnings = check.at("warnings").as_array();
  std::vector<std::string> cells;
  for (const auto& w : warnings)
    if (w.at("code").as_string() == "members_changed") cells.emplace_back(w.at("cell").as_string());
  // Row i + 2, one less past Nậm 8191, two less past Nậm 30000.
  EXPECT_EQ(cells, (std::vector<std::string>{"C4097", "C4098", "C20480", "C20481", "C39999"}));
  EXPECT_EQ(check.at("records_total").as_int64(), 39'998);
  const auto& records = check.at("records").as_array();
  ASSERT_EQ(records.size(), 200u);
  EXPECT_EQ(records[199].at("org_name").as_string(), "Chi bộ thôn Nậm 199");
  EXPECT_EQ(records[199].at("row").as_int64(), 201);
  EXPECT_EQ(records[199].at("district").as_string(), "Phong Thổ") << "each record says its district and period";
  EXPECT_EQ(records[199].at("period").as_string(), "2018");
}

TEST(DryRunAgainstThePreviousPeriod, APreviousReturnDamagedInTheStoreIsSaidAsTheSubmissionSaysIt) {
  // The previous return is indexed while the import runs (issue 18,
  // dryrun2): a block of it damaged in the database is said there, and
  // what was read before the damage is compared, as the submission does.
  ServedDaemon d(kAdmin);
  const std::string before = csv(6'000, [](int i) { return 20 + i % 40; });
  ASSERT_EQ(post(d, "/api/v1/submissions?district=" + kPhongTho + "&period=2017&filename=before.csv", before).status, 201);
  // The second of its two blocks (records 4,097 to 6,000) made unreadable.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((d.dir.path() / "var" / "tonghop.db").c_str(), &db), SQLITE_OK);
  sqlite3_busy_timeout(db, 10'000);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE record_blocks SET data = x'ff00ff' WHERE first_seq = 4096", nullptr, nullptr, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(db);
  EXPECT_EQ(sqlite3_changes(db), 1);
  sqlite3_close(db);
  // Nậm 5 (first block) and Nậm 4500 (second) changed; Nậm 100 (first) and 5000 (second) dropped.
  const std::string now = [&] {
    std::string s = "Tên tổ chức cơ sở đảng;Loại hình;Tổng số đảng viên\n";
    for (int i = 0; i < 6'000; ++i)
      if (i != 100 && i != 5'000) s += fmt::format("Chi bộ thôn Nậm {};CB;{}\n", i, i == 5 || i == 4'500 ? 200 : 20 + i % 40);
    return s;
  }();
  const auto check = dry_run_then_submit(d, kPhongTho, "2018", now, "now.csv");
  ASSERT_FALSE(check.empty());
  const auto& warnings = check.at("warnings").as_array();
  ASSERT_FALSE(warnings.empty());
  EXPECT_EQ(warnings[0].at("code").as_string(), "previous_unreadable");
  const std::string said(warnings[0].at("message").as_string());
  EXPECT_NE(said.find("chỉ so với 4096 tổ chức đầu"), std::string::npos) << said;
  EXPECT_NE(said.find("damaged from record 4097 on"), std::string::npos) << said;
  // Only what was read is compared: nothing of the damaged block is said missing or changed.
  EXPECT_EQ(of_code(warnings, "members_changed", "value"), (std::vector<std::string>{"200"}));
  EXPECT_EQ(of_code(warnings, "organisation_missing", "value"), (std::vector<std::string>{"Chi bộ thôn Nậm 100"}));
}

namespace {

// A figure of /metrics (an open route), -1 when it is not there.
std::int64_t metric(const ServedDaemon& d, const std::string& name) {
  const auto r = tonghop::test::request(d.port, "GET", "/metrics");
  if (!r) return -1;
  const std::string line = "\n" + name + " ";
  const auto at = r->body.find(line);
  return at == std::string::npos ? -1 : std::stoll(r->body.substr(at + line.size()));
}

// The indexes begun from a head and not yet dropped, once they are all dropped (or 5 s).
std::int64_t held_when_settled(const ServedDaemon& d) {
  std::int64_t held = -1;
  for (int i = 0; i < 100 && (held = metric(d, "tonghop_dry_run_index_held")) != 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  return held;
}

}  // namespace

TEST(DryRunAgainstThePreviousPeriod, TheIndexBegunFromTheHeadIsUsedOrStoppedWithItsRequest) {
  // dryrun4 (issue 18): the previous return is indexed from the dry run's
  // head, while its body arrives. The dry run compares with that index (the
  // submission's warnings); a head the dry run would refuse begins none; a
  // request refused after its head, or a client gone before its body
  // arrived, drops what was begun (none held afterwards).
  ServedDaemon d(kAdmin);
  const std::string before = csv(6'001, [](int i) { return 20 + i % 40; }, [](int i) { return i == 100; });
  ASSERT_EQ(post(d, "/api/v1/submissions?district=" + kPhongTho + "&period=2017&filename=before.csv", before).status, 201);
  EXPECT_EQ(metric(d, "tonghop_dry_run_index_begun_total"), 0);

  const std::string now = csv(6'000, [](int i) { return i == 5'000 ? 200 : 20 + i % 40; }, [](int i) { return i == 100; });
  const auto check = dry_run_then_submit(d, kPhongTho, "2018", now, "now.csv");
  ASSERT_FALSE(check.empty());
  EXPECT_EQ(of_code(check.at("warnings"), "members_changed", "value"), (std::vector<std::string>{"200"}));
  EXPECT_EQ(of_code(check.at("warnings"), "organisation_missing", "value"),
            (std::vector<std::string>{"Chi bộ thôn Nậm 6000"}));
  EXPECT_EQ(metric(d, "tonghop_dry_run_index_begun_total"), 1);
  EXPECT_EQ(metric(d, "tonghop_dry_run_index_used_total"), 1) << "the dry run compared with the index begun from its head";
  EXPECT_EQ(held_when_settled(d), 0);

  // Heads the dry run refuses begin nothing: no such district, no period, no token.
  EXPECT_EQ(post(d, "/api/v1/check?district=Nowhere&period=2018", now).status, 422);
  EXPECT_EQ(post(d, "/api/v1/check?district=" + kPhongTho + "&period=someday", now).status, 422);
  EXPECT_EQ(tonghop::test::request(d.port, "POST", "/api/v1/check?district=" + kPhongTho + "&period=2018", now)->status,
            401);
  EXPECT_EQ(metric(d, "tonghop_dry_run_index_begun_total"), 1);

  // Refused once its body arrived (a form without its file): begun, then dropped unused.
  const auto form = tonghop::test::request(
      d.port, "POST", "/api/v1/check?district=" + kPhongTho + "&period=2018",
      "--b\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n--b--\r\n",
      "Authorization: Bearer " + kAdmin + "\r\nContent-Type: multipart/form-data; boundary=b\r\n");
  ASSERT_TRUE(form.has_value());
  EXPECT_EQ(form->status, 400);
  EXPECT_EQ(metric(d, "tonghop_dry_run_index_begun_total"), 2);
  EXPECT_EQ(held_when_settled(d), 0);

  // A client gone with its body half sent: begun, then dropped unused.
  {
    tonghop::test::Connection c("127.0.0.1", d.port);
    ASSERT_TRUE(c.connected());
    ASSERT_TRUE(c.send("POST /api/v1/check?district=" + kPhongTho + "&period=2018 HTTP/1.1\r\nHost: x\r\n"
                       "Authorization: Bearer " + kAdmin + "\r\nContent-Type: text/csv\r\nContent-Length: 100000\r\n\r\n" +
                       now.substr(0, 1'000)));
    for (int i = 0; i < 100 && metric(d, "tonghop_dry_run_index_begun_total") != 3; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_EQ(metric(d, "tonghop_dry_run_index_begun_total"), 3);
  }
  EXPECT_EQ(held_when_settled(d), 0);
  EXPECT_EQ(metric(d, "tonghop_dry_run_index_used_total"), 1);
}
