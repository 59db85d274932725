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

// The workbook's detail sheet ("Chi tiết", every organisation listed), made
// afresh by `tonghopd report` and read back with openpyxl, as JSON text.
std::string detail_sheet(const test::ServedDaemon& d, const std::string& period) {
  const fs::path book = d.dir.path() / ("report-" + period + ".xlsx");
  const auto r = test::run({TONGHOPD_PATH, "report", "--config", (d.dir.path() / "tonghop.toml").string(), "--period",
                            period, "--format", "xlsx", "-o", book.string()});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  const auto dump = test::run({"/usr/bin/python3", TONGHOP_SOURCE_DIR "/tests/exporters/dump_workbook.py", book.string()});
  EXPECT_EQ(dump.exit_code, 0) << dump.output;
  if (dump.exit_code != 0) return {};
  const json::value wb = json::parse(dump.output);
  const auto* sheet = wb.as_object().if_contains("Chi tiết");
  EXPECT_NE(sheet, nullptr) << "no detail sheet";
  return sheet != nullptr ? json::serialize(*sheet) : std::string();
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
  // Nor does the workbook's detail sheet list Phong Thổ's organisations: its
  // row is not the district's, so neither are its records as listed there.
  {
    const std::string detail = detail_sheet(d, "2018");
    EXPECT_EQ(detail.find("Đảng bộ xã Bản Lang"), std::string::npos) << detail;
    EXPECT_NE(detail.find("Không liệt kê tổ chức của Phong Thổ"), std::string::npos) << detail;
    EXPECT_NE(detail.find("Sìn Hồ"), std::string::npos) << detail;
  }
  // The submission's view says it first among its warnings.
  {
    const std::int64_t id = edited.at("submission_id").to_number<std::int64_t>();
    const auto view = d.request("GET", "/api/v1/submissions/" + std::to_string(id));
    ASSERT_TRUE(view && view->status == 200);
    const json::value v = json::parse(view->body);
    ASSERT_FALSE(v.at("warnings").as_array().empty());
    EXPECT_EQ(v.at("warnings").at(0).at("code"), "changed_after_commit");
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

// An organisation's figure or name changed inside a stored record block
// (the row untouched): the row's digest still holds, but the blocks' CRC in
// it does not. The workbook's detail sheet lists none of that district's
// organisations and says why; the submission's view is cut short, never
// given whole with the changed record; the edited name is printed nowhere.
// The sheet lists at most 40 here: Sìn Hồ's 38, then 2 of Phong Thổ's
// (its one block read whole, checked at its end), then 2 of Than Uyên's.
TEST(ReportChanged, ARecordEditedInItsStoredBlockIsNeverListed) {
  test::ServedDaemon d(kAdmin, "[report]\ndetails_max_rows = 40\n");
  std::int64_t phong_tho = 0, sin_ho = 0;
  for (const auto& [file, name] : std::vector<std::pair<std::string, std::string>>{
           {"2018/sin-ho.csv", "sin%20ho"}, {"2018/phong-tho.csv", "phong%20tho"}, {"2018/than-uyen.xlsx", "than%20uyen"}}) {
    const auto r = d.request("POST", "/api/v1/submissions?district=" + name + "&period=2018&filename=" +
                                         fs::path(file).filename().string(),
                             test::read_file(kData + file));
    ASSERT_TRUE(r && r->status == 201) << file << ": " << (r ? r->body : "no answer");
    if (name != "than%20uyen") (name == "phong%20tho" ? phong_tho : sin_ho) = json::parse(r->body).at("id").as_int64();
  }
  const std::string view = "/api/v1/submissions/" + std::to_string(phong_tho);
  const std::string before = detail_sheet(d, "2018");
  ASSERT_NE(before.find("Đảng bộ xã Bản Lang"), std::string::npos) << before;
  ASSERT_NE(before.find("Đảng bộ xã Dào San"), std::string::npos);
  const auto whole = d.request("GET", view);
  ASSERT_TRUE(whole && whole->status == 200);
  EXPECT_NE(whole->body.find("Bản Lang"), std::string::npos);

  // "Bản Lang" made "Bản Lanh" in the block's bytes, as a careless edit or a
  // turned bit would: the block still reads.
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((d.dir.path() / "var" / "tonghop.db").c_str(), &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 10000);
    sqlite3_stmt* q = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT first_seq, data FROM record_blocks WHERE submission_id = ?", -1, &q, nullptr),
              SQLITE_OK);
    sqlite3_bind_int64(q, 1, phong_tho);
    ASSERT_EQ(sqlite3_step(q), SQLITE_ROW);
    const std::int64_t first = sqlite3_column_int64(q, 0);
    std::string data(static_cast<const char*>(sqlite3_column_blob(q, 1)), static_cast<std::size_t>(sqlite3_column_bytes(q, 1)));
    sqlite3_finalize(q);
    const auto at = data.find("Bản Lang");
    ASSERT_NE(at, std::string::npos);
    data[at + std::string("Bản Lan").size()] = 'h';
    ASSERT_EQ(sqlite3_prepare_v2(db, "UPDATE record_blocks SET data = ? WHERE submission_id = ? AND first_seq = ?", -1, &q,
                                 nullptr),
              SQLITE_OK);
    sqlite3_bind_blob(q, 1, data.data(), static_cast<int>(data.size()), SQLITE_TRANSIENT);
    sqlite3_bind_int64(q, 2, phong_tho);
    sqlite3_bind_int64(q, 3, first);
    EXPECT_EQ(sqlite3_step(q), SQLITE_DONE) << sqlite3_errmsg(db);
    sqlite3_finalize(q);
    EXPECT_EQ(sqlite3_changes(db), 1);
    sqlite3_close(db);
  }
  const std::string after = detail_sheet(d, "2018");
  EXPECT_EQ(after.find("Bản Lanh"), std::string::npos) << after;
  EXPECT_EQ(after.find("Đảng bộ xã Dào San"), std::string::npos) << "none of Phong Thổ's organisations: " << after;
  EXPECT_NE(after.find("Không liệt kê tổ chức của Phong Thổ: số liệu đã bị sửa trong cơ sở dữ liệu"), std::string::npos)
      << after;
  EXPECT_NE(after.find("Sìn Hồ"), std::string::npos);
  // The others cut by the limit are still said: 38 of Sìn Hồ's and 2 of
  // Than Uyên's 45 listed, 43 not.
  EXPECT_NE(after.find("… và 43 tổ chức nữa không liệt kê ở đây"), std::string::npos) << after;
  // Each note across the text columns B:E, wrapped and as tall as its
  // lines (it ran over the figures' columns and was cut at the page's edge).
  const auto notes = test::run(
      {"/usr/bin/python3", "-c",
       "import openpyxl, sys\n"
       "ws = openpyxl.load_workbook(sys.argv[1])['Chi tiết']\n"
       "merged = {str(m) for m in ws.merged_cells.ranges}\n"
       "for row in ws.iter_rows(min_col=2, max_col=2):\n"
       "    c = row[0]\n"
       "    if isinstance(c.value, str) and (c.value.startswith('Không liệt kê') or c.value.startswith('… và')):\n"
       "        print('B%d:E%d' % (c.row, c.row) in merged, c.alignment.wrap_text, (ws.row_dimensions[c.row].height or 0) > 30)\n",
       (d.dir.path() / "report-2018.xlsx").string()});
  EXPECT_EQ(notes.exit_code, 0) << notes.output;
  EXPECT_EQ(notes.output, "True True True\nTrue True True\n");
  // The view: the head said 200 before the last block was read; the body is
  // then cut, never ended as if whole.
  const auto cut = d.request("GET", view);
  EXPECT_FALSE(cut.has_value()) << cut->body.substr(0, 300);
  // Sìn Hồ's view is whole.
  const auto other = d.request("GET", "/api/v1/submissions/" + std::to_string(sin_ho));
  ASSERT_TRUE(other && other->status == 200);
  EXPECT_EQ(json::parse(other->body).at("records").as_array().size(), 38u);  // the file's 38 organisations
}
