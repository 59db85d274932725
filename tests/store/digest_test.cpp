// A figure changed in the database after it was committed is found by
// `verify`: bit rot in a record block, an "indicators" or a warning edited
// by hand with the sqlite3 shell, a row written by hand. SQLite's own
// integrity check sees none of them (its pages stay well formed), and the
// report would show the changed figure as the district's. Real SQLite.
#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include "store/records.hpp"
#include "store/sql.hpp"
#include "store/store.hpp"
#include "support/new_submission.hpp"
#include "support/process.hpp"

namespace fs = std::filesystem;
using namespace tonghop;

namespace {

// A return of `records` organisations (two blocks at 5,000) with a warning.
store::Submission add(store::Store& s, const std::string& period, const std::string& raw, std::size_t records = 5000) {
  normalise::RecordSet set = test::numbered_records(records, "Chi bộ bản ");
  store::NewSubmission n = test::csv_submission("Than Uyên", period, "than-uyen.csv", raw);
  n.records = std::move(set);
  n.meta.indicators = R"({"orgs_total":)" + std::to_string(records) + R"(,"members_total":223000})";
  normalise::Issue w;
  w.code = "blank_value";
  w.message = "«Số đảng viên nữ» để trống ở 1 tổ chức";
  w.where.sheet = "Biểu 01";
  w.where.row = 12;
  n.warnings.push_back(w);
  auto added = s.add(std::move(n));
  EXPECT_TRUE(added.ok()) << (added.ok() ? "" : added.error());
  return added.ok() ? *added : store::Submission{};
}

// Runs SQL on the database as an IT officer's sqlite3 shell would.
void shell(const fs::path& dir, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir / "tonghop.db").c_str(), &db), SQLITE_OK);
  char* why = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &why), SQLITE_OK) << (why ? why : "") << "\n" << sql;
  sqlite3_free(why);
  sqlite3_close(db);
}

// One byte of a submission's block turned, as a disk's bit rot would.
void turn_a_byte(const fs::path& dir, std::int64_t id, std::int64_t first_seq, std::size_t at) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir / "tonghop.db").c_str(), &db), SQLITE_OK);
  sqlite3_stmt* q = nullptr;
  sqlite3_prepare_v2(db, "SELECT data FROM record_blocks WHERE submission_id = ? AND first_seq = ?", -1, &q, nullptr);
  sqlite3_bind_int64(q, 1, id);
  sqlite3_bind_int64(q, 2, first_seq);
  ASSERT_EQ(sqlite3_step(q), SQLITE_ROW);
  std::string data(static_cast<const char*>(sqlite3_column_blob(q, 0)), static_cast<std::size_t>(sqlite3_column_bytes(q, 0)));
  sqlite3_finalize(q);
  ASSERT_LT(at, data.size());
  data[at] = static_cast<char>(data[at] ^ 0x04);
  sqlite3_prepare_v2(db, "UPDATE record_blocks SET data = ? WHERE submission_id = ? AND first_seq = ?", -1, &q, nullptr);
  sqlite3_bind_blob(q, 1, data.data(), static_cast<int>(data.size()), SQLITE_TRANSIENT);
  sqlite3_bind_int64(q, 2, id);
  sqlite3_bind_int64(q, 3, first_seq);
  EXPECT_EQ(sqlite3_step(q), SQLITE_DONE);
  EXPECT_EQ(sqlite3_changes(db), 1);
  sqlite3_finalize(q);
  sqlite3_close(db);
}

std::string named(const store::Verification& v, std::int64_t id) {
  for (const auto& line : v.records)
    if (line.find("submission #" + std::to_string(id) + " (") != std::string::npos) return line;
  return {};
}

}  // namespace

TEST(Digest, VerifyFindsWhatWasChangedInTheDatabaseAfterTheCommit) {
  test::TempDir dir;
  store::Submission a, b, c, d;
  {
    auto s = store::Store::open(dir.path());
    ASSERT_TRUE(s.ok()) << s.error();
    a = add(**s, "2016", "return a");
    b = add(**s, "2017", "return b");
    c = add(**s, "2018", "return c");
    d = add(**s, "2018", "return c, corrected");  // supersedes c: a later change that is no damage
  }
  auto v = store::verify(dir.path());
  EXPECT_TRUE(v.ok()) << (v.records.empty() ? "" : v.records[0]);
  EXPECT_EQ(v.digests_checked, 4u);
  EXPECT_TRUE(v.records.empty());

  // A figure of the report "corrected" by hand; a bit turned in the second
  // block of another; a warning deleted; a row with no digest at all.
  shell(dir.path(), "UPDATE submissions SET indicators = replace(indicators, '223000', '223100') WHERE id = " +
                      std::to_string(a.id));
  turn_a_byte(dir.path(), b.id, 4096, 100);
  shell(dir.path(), "DELETE FROM warnings WHERE submission_id = " + std::to_string(c.id));
  shell(dir.path(), "UPDATE submissions SET digest = NULL WHERE id = " + std::to_string(d.id));
  v = store::verify(dir.path());
  EXPECT_FALSE(v.ok());
  EXPECT_TRUE(v.database.empty()) << "SQLite's own check sees the pages sound";
  EXPECT_TRUE(v.raw.empty());
  ASSERT_EQ(v.records.size(), 4u);
  for (const auto* s : {&a, &b, &c}) {
    const std::string line = named(v, s->id);
    EXPECT_NE(line.find("differ from what was committed"), std::string::npos) << s->id << ": " << line;
    EXPECT_NE(line.find("Than Uyên, " + s->period + ", than-uyen.csv"), std::string::npos) << line;
  }
  EXPECT_NE(named(v, d.id).find("has no digest"), std::string::npos) << named(v, d.id);

  // A row deleted by hand (its records and warnings with it): the audit
  // still says it was stored.
  {
    store::Submission e;
    {
      auto s = store::Store::open(dir.path());
      ASSERT_TRUE(s.ok()) << s.error();
      e = add(**s, "2019", "return e", 10);
    }
    const std::string id = std::to_string(e.id);
    shell(dir.path(), "DELETE FROM record_blocks WHERE submission_id = " + id + "; DELETE FROM warnings WHERE "
                    "submission_id = " + id + "; DELETE FROM submissions WHERE id = " + id + ";");
    v = store::verify(dir.path());
    EXPECT_EQ(v.records.size(), 5u);
    EXPECT_NE(named(v, e.id).find("Than Uyên, 2019, than-uyen.csv"), std::string::npos) << named(v, e.id);
    EXPECT_NE(named(v, e.id).find("no longer in the database"), std::string::npos) << named(v, e.id);
  }

  // Put back as it was, the figure passes again: the digest is of the content.
  shell(dir.path(), "UPDATE submissions SET indicators = replace(indicators, '223100', '223000') WHERE id = " +
                      std::to_string(a.id));
  turn_a_byte(dir.path(), b.id, 4096, 100);
  v = store::verify(dir.path());
  EXPECT_TRUE(named(v, a.id).empty()) << named(v, a.id);
  EXPECT_TRUE(named(v, b.id).empty()) << named(v, b.id);
  EXPECT_EQ(v.records.size(), 3u);
}

// A database made before digests (schema 4): verify checks what it can and
// says nothing of digests; the first open for writing gives every
// submission its digest from what it is then, and from then on a change is
// found.
TEST(Digest, SubmissionsStoredBeforeDigestsAreGivenTheirsAtTheUpgrade) {
  test::TempDir dir;
  store::Submission a, b;
  {
    auto s = store::Store::open(dir.path());
    ASSERT_TRUE(s.ok()) << s.error();
    a = add(**s, "2017", "return a", 10);
    b = add(**s, "2018", "return b", 9000);
  }
  shell(dir.path(), "ALTER TABLE submissions DROP COLUMN digest; PRAGMA user_version = 4;");
  auto v = store::verify(dir.path());
  EXPECT_TRUE(v.ok());
  EXPECT_EQ(v.digests_checked, 0u);
  {
    auto s = store::Store::open(dir.path());
    ASSERT_TRUE(s.ok()) << s.error();
  }
  v = store::verify(dir.path());
  EXPECT_TRUE(v.ok()) << (v.records.empty() ? "" : v.records[0]);
  EXPECT_EQ(v.digests_checked, 2u);
  turn_a_byte(dir.path(), b.id, 8192, 3);
  v = store::verify(dir.path());
  ASSERT_EQ(v.records.size(), 1u);
  EXPECT_NE(named(v, b.id).find("differ from what was committed"), std::string::npos) << v.records[0];
}

// The Board's review of a return, turned by hand from "returned" to
// "approved", or written for a return no one reviewed: verify names each,
// from the audit entry each review writes in its own transaction.
TEST(Digest, AReviewChangedOrWrittenByHandIsNamed) {
  test::TempDir dir;
  store::Submission a, b;
  {
    auto s = store::Store::open(dir.path());
    ASSERT_TRUE(s.ok()) << s.error();
    a = add(**s, "2017", "return a", 10);
    b = add(**s, "2018", "return b", 10);
    const store::Principal board{"ban-to-chuc", "admin", ""};
    ASSERT_TRUE((*s)->review(a.id, "returned", "thiếu số đảng viên nữ", board));
    ASSERT_TRUE((*s)->review(a.id, "approved", "", board));
    ASSERT_TRUE((*s)->review(a.id, "returned", "xem lại dòng 12", board));  // the last word: returned
  }
  auto v = store::verify(dir.path());
  EXPECT_TRUE(v.ok()) << (v.records.empty() ? "" : v.records[0]);

  shell(dir.path(), "UPDATE reviews SET state = 'approved', reason = NULL WHERE submission_id = " + std::to_string(a.id));
  shell(dir.path(), "INSERT INTO reviews (submission_id, state, at, reviewed_by) VALUES (" + std::to_string(b.id) +
                        ", 'approved', '2026-11-29T08:00:00+07:00', 'ban-to-chuc')");
  v = store::verify(dir.path());
  ASSERT_EQ(v.records.size(), 2u) << (v.records.empty() ? "" : v.records[0]);
  EXPECT_NE(v.records[0].find("the review of submission #" + std::to_string(a.id) + " (Than Uyên, 2017): «approved» by "
                              "ban-to-chuc is not what the audit says was done (submission.return ban-to-chuc)"),
            std::string::npos)
      << v.records[0];
  EXPECT_NE(v.records[1].find("the review of submission #" + std::to_string(b.id) + " (Than Uyên, 2018)"),
            std::string::npos)
      << v.records[1];
  EXPECT_NE(v.records[1].find("(no review)"), std::string::npos) << v.records[1];

  // A period locked (every return approved) and reopened through the store
  // passes; one locked by hand, or one reopened by hand, is named.
  {
    auto s = store::Store::open(dir.path());
    ASSERT_TRUE(s.ok()) << s.error();
    const store::Principal board{"ban-to-chuc", "admin", ""};
    ASSERT_TRUE((*s)->set_due("2016", "2016-12-31", board));  // a period row that was never locked
    ASSERT_TRUE((*s)->lock_period("2017", board));
    ASSERT_TRUE((*s)->reopen_period("2017", board));
    ASSERT_TRUE((*s)->lock_period("2018", board));
  }
  v = store::verify(dir.path());
  EXPECT_EQ(v.records.size(), 2u) << "the two reviews above, nothing of the periods";
  shell(dir.path(), "UPDATE periods SET locked_at = '2026-11-29T08:00:00+07:00', locked_by = 'ban-to-chuc' WHERE "
                    "period = '2017'; UPDATE periods SET locked_at = NULL, locked_by = NULL WHERE period = '2018'");
  v = store::verify(dir.path());
  ASSERT_EQ(v.records.size(), 4u);
  EXPECT_NE(v.records[2].find("the period 2017 is locked (every return approved) by ban-to-chuc in the database, which "
                              "is not what the audit says was done (period.reopen ban-to-chuc)"),
            std::string::npos)
      << v.records[2];
  EXPECT_NE(v.records[3].find("the period 2018 is open in the database, which is not what the audit says was done "
                              "(period.approve ban-to-chuc)"),
            std::string::npos)
      << v.records[3];
}

// A loop of step() ends at an error as at the end: the digest's readers ask
// failed() after it, so that a read cut short is never taken for a whole one.
TEST(Digest, AStepThatFailsIsToldFromTheEnd) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
  {
    store::sql::Statement whole(db, "SELECT 1 UNION ALL SELECT 2");
    int rows = 0;
    while (whole.step()) ++rows;
    EXPECT_EQ(rows, 2);
    EXPECT_FALSE(whole.failed());
    store::sql::Statement cut(db, "SELECT json_extract(x, '$.a') FROM (SELECT '{}' AS x UNION ALL SELECT 'not json')");
    rows = 0;
    while (cut.step()) ++rows;
    EXPECT_EQ(rows, 1) << "the second row's JSON is malformed";
    EXPECT_TRUE(cut.failed());
  }
  sqlite3_close(db);
}

// What reads the records (the report's list, a submission's view) checks the
// blocks it read against the digest at their end: a block changed after the
// commit gives an error there, never the end of a whole list, whether the
// blocks were read for their records (next) or only checked (skip_to_end,
// the report past its limit). Three blocks; the last one changed.
TEST(Digest, ARecordCursorGivesNoEndToBlocksChangedAfterTheCommit) {
  test::TempDir dir;
  auto s = store::Store::open(dir.path());
  ASSERT_TRUE(s.ok()) << s.error();
  const store::Submission a = add(**s, "2018", "return a", 10000);
  const auto row = (*s)->get(a.id);
  ASSERT_TRUE(row.has_value());
  const auto read_all = [&](bool skip) -> std::string {
    store::RecordCursor cursor(**s, *row);
    std::size_t got = 0;
    for (;;) {
      auto block = skip && got > 0 ? cursor.skip_to_end() : cursor.next();
      if (!block) return block.error();
      if ((*block)->size() == 0) return "end after " + std::to_string(got);
      got += (*block)->size();
    }
  };
  EXPECT_EQ(read_all(false), "end after 10000");
  EXPECT_EQ(read_all(true), "end after 4096");
  turn_a_byte(dir.path(), a.id, 8192, 100);
  EXPECT_NE(read_all(true).find("were changed in the database after its commit"), std::string::npos) << read_all(true);
  const std::string read = read_all(false);
  EXPECT_EQ(read.find("end after"), std::string::npos) << read;
}
