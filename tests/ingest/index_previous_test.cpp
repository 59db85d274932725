// ingest::index_previous on a real store (dryrun4, issue 18): the previous
// period's return read where SQLite holds it (store::BlockScan: a return of
// many blocks through a read-only connection of its own, one block through
// the store's) indexes as the record sets read back by store::RecordCursor
// do; a damaged block is said, never read; a cancelled index reads no
// further and compares nothing.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include <fmt/format.h>
#include <sqlite3.h>

#include "ingest/pipeline.hpp"
#include "normalise/previous.hpp"
#include "store/records.hpp"
#include "store/store.hpp"
#include "support/process.hpp"

namespace {

using namespace tonghop;

// A return of `n` organisations of Phong Thổ for `period`, stored.
store::Submission stored(store::Store& s, const std::string& period, int n, int changed_every = 0) {
  normalise::Layout layout;
  layout.sheet = "Sheet1";
  layout.fields = {"org_name", "members_total"};
  layout.is_count = {false, true};
  layout.columns = {1, 2};
  store::NewSubmission sub;
  sub.meta.district = "Phong Thổ";
  sub.meta.period = period;
  sub.meta.filename = "return.csv";
  sub.meta.format = "csv";
  sub.meta.plugin = "test";
  sub.meta.received_at = store::now_iso8601();
  sub.meta.token_name = "test";
  sub.records = normalise::RecordSet(layout);
  sub.records.district = sub.meta.district;
  sub.records.period = period;
  for (int i = 0; i < n; ++i) {
    const std::string name = fmt::format("Chi bộ thôn Nậm {}", i);
    normalise::CompactRecord r;
    r.where = static_cast<std::uint32_t>(i + 2);
    r.org_name = name;
    r.org_kind = "party_cell";
    r.org_sector = "other";
    r.values = {{0, 0}, {1, changed_every != 0 && i % changed_every == 0 ? 500 : 20 + i % 40}};
    sub.records.add(r);
  }
  sub.meta.layout = sub.records.layout().to_json();
  const std::string raw = fmt::format("return {} {} {}", period, n, changed_every);
  sub.raw = raw;
  auto added = s.add(std::move(sub));
  EXPECT_TRUE(static_cast<bool>(added)) << (added ? "" : added.error());
  return added ? *added : store::Submission{};
}

std::vector<std::string> warnings(const std::vector<normalise::PreviousIndex>& indexed, const normalise::RecordSet& now) {
  normalise::Normalised result;
  result.records = now;
  for (const auto& p : indexed) p.compare(result, 50);
  std::vector<std::string> out;
  for (const auto& w : result.warnings) out.push_back(w.code + "|" + w.message + "|" + w.value);
  return out;
}

// The same, with the previous return read back as record sets (store::RecordCursor), as before dryrun4.
std::vector<std::string> through_record_sets(const store::Store& s, const store::Submission& prev,
                                             const normalise::RecordSet& now) {
  store::RecordCursor cursor(s, prev);
  std::vector<normalise::PreviousIndex> indexed(1);
  indexed[0].read([&] { return cursor.next(); });
  return warnings(indexed, now);
}

void damage(const tonghop::test::TempDir& dir, const std::string& where) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir.path() / "tonghop.db").c_str(), &db), SQLITE_OK);
  sqlite3_busy_timeout(db, 10'000);
  ASSERT_EQ(sqlite3_exec(db, ("UPDATE record_blocks SET data = x'0a0b0c' WHERE " + where).c_str(), nullptr, nullptr, nullptr),
            SQLITE_OK);
  EXPECT_EQ(sqlite3_changes(db), 1);
  sqlite3_close(db);
}

}  // namespace

TEST(IndexPrevious, AStoredReturnReadWhereSQLiteHoldsItWarnsAsItsRecordSets) {
  tonghop::test::TempDir dir;
  auto s = store::Store::open(dir.path());
  ASSERT_TRUE(static_cast<bool>(s)) << s.error();
  for (int n : {10'000, 300}) {  // three blocks (the scan's own connection), one (the store's)
    const std::string period = n > 1'000 ? "2017" : "2015";
    const auto prev = stored(**s, period, n + 1);
    const auto now = stored(**s, n > 1'000 ? "2018" : "2016", n, 97);  // one fewer: one missing; every 97th changed
    const auto indexed = ingest::index_previous(**s, "Phong Thổ", now.period);
    ASSERT_EQ(indexed.size(), 1u);
    EXPECT_EQ(indexed[0].size(), static_cast<std::size_t>(n + 1));
    const auto set = (*s)->record_set(now.id);
    const auto expected = through_record_sets(**s, prev, set);
    EXPECT_EQ(expected.size(), static_cast<std::size_t>(1 + (n + 96) / 97)) << n;
    EXPECT_EQ(warnings(indexed, set), expected) << n;
  }
}

TEST(IndexPrevious, ADamagedBlockIsSaidAndWhatWasReadBeforeItCompared) {
  tonghop::test::TempDir dir;
  auto s = store::Store::open(dir.path());
  ASSERT_TRUE(static_cast<bool>(s)) << s.error();
  const auto many = stored(**s, "2017", 10'000);
  const auto one = stored(**s, "2015", 300);
  damage(dir, fmt::format("submission_id = {} AND first_seq = 8192", many.id));  // the third of three
  damage(dir, fmt::format("submission_id = {}", one.id));                        // its only block
  for (const auto& [period, read, from] : {std::tuple{"2018", 8'192u, 8'193}, std::tuple{"2016", 0u, 1}}) {
    const auto indexed = ingest::index_previous(**s, "Phong Thổ", period);
    ASSERT_EQ(indexed.size(), 1u);
    EXPECT_EQ(indexed[0].size(), read);
    normalise::RecordSet none;
    const auto said = warnings(indexed, none);
    ASSERT_FALSE(said.empty());
    EXPECT_TRUE(said[0].starts_with("previous_unreadable|")) << said[0];
    EXPECT_NE(said[0].find(fmt::format("damaged from record {} on", from)), std::string::npos) << said[0];
    EXPECT_EQ(said.size(), 1 + read) << "what was read is compared, and nothing of the damaged block";
  }
}

TEST(IndexPrevious, CancelledItReadsNoFurtherAndComparesNothing) {
  // What a dry run refused after its head does (api/check_routes.cpp):
  // cancelled while the store is busy, the index stops before its next
  // block and says nothing, not even that the rest was not read.
  tonghop::test::TempDir dir;
  auto s = store::Store::open(dir.path());
  ASSERT_TRUE(static_cast<bool>(s)) << s.error();
  stored(**s, "2017", 10'000);
  std::atomic<bool> cancel{false};
  std::vector<normalise::PreviousIndex> indexed;
  std::thread indexing;
  (*s)->with_db([&](sqlite3*) {
    // The store held: the index waits for it, whenever its thread starts.
    indexing = std::thread([&] { indexed = ingest::index_previous(**s, "Phong Thổ", "2018", &cancel); });
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    cancel = true;
    return 0;
  });
  indexing.join();
  ASSERT_EQ(indexed.size(), 1u);
  EXPECT_EQ(indexed[0].size(), 0u);
  normalise::RecordSet none;
  EXPECT_TRUE(warnings(indexed, none).empty());
  // Not cancelled: all 10,000 said missing.
  EXPECT_EQ(warnings(ingest::index_previous(**s, "Phong Thổ", "2018"), none).size(), 10'000u);
}
