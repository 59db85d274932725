// Record blocks staged while the import runs (issue 18, stage): against a
// real SQLite database. A staged submission reads back as the same blocks
// added the ordinary way would, byte for byte; ids never collide; a staging
// between two blocks holds no writer and shows nothing to any reader; a
// staging that is not taken leaves nothing; blocks left by a killed process
// are removed at the next open; verify and backup see no damage.
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/backup.hpp"
#include "store/records.hpp"
#include "store/store.hpp"
#include "support/new_submission.hpp"
#include "support/process.hpp"

namespace fs = std::filesystem;
using namespace tonghop;

namespace {

using Dir = test::TempDir;  // tests/support/process.hpp

// `n` records named after `who`: kBlock (4,096) per block, the last one short.
normalise::RecordSet records(const std::string& who, std::size_t n) {
  normalise::Layout layout;
  layout.sheet = "Biểu 01";
  layout.fields = {"members_total", "members_female"};
  layout.is_count = {true, true};
  layout.columns = {11, 12};
  layout.paths = {"", ""};
  normalise::RecordSet set(std::move(layout));
  for (std::size_t i = 0; i < n; ++i) {
    normalise::CompactRecord c;
    c.values.emplace_back(0, static_cast<std::int64_t>(i));
    c.values.emplace_back(1, static_cast<std::int64_t>(i % 7));
    c.where = static_cast<std::uint32_t>(10 + i);
    const std::string name = who + " " + std::to_string(i);
    c.org_name = name;
    c.org_kind = "party_cell";
    c.org_sector = "commune";
    set.add(c);
  }
  return set;
}

store::NewSubmission submission(const std::string& district, const std::string& period, const std::string& raw) {
  store::NewSubmission n = test::csv_submission(district, period, "return.csv", raw, "2026-11-28T10:00:00+07:00");
  n.meta.indicators = R"({"members_total":1})";
  normalise::Issue w;
  w.code = "total_mismatch";
  w.message = "Tổng không khớp / total does not match";
  w.field = "members_total";
  w.value = "12";
  w.where.sheet = "Biểu 01";
  w.where.row = 12;
  w.where.column = 11;
  n.warnings.push_back(w);
  return n;
}

// The whole submission the ordinary way.
store::Submission add_ordinary(store::Store& s, const std::string& district, const std::string& period,
                               const normalise::RecordSet& set, const std::string& raw) {
  auto n = submission(district, period, raw);
  n.records = set;
  auto added = s.add(std::move(n));
  EXPECT_TRUE(added.ok()) << (added.ok() ? "" : added.error());
  return added.ok() ? *added : store::Submission{};
}

// Blocks [from, to) of `set` staged; `moved`: each handed over as a string
// the staging may keep (as the pipeline hands over a streamed block's copy).
void stage_blocks(store::Staging& staging, const normalise::RecordSet& set, std::size_t from, std::size_t to,
                  bool moved = false) {
  for (std::size_t b = from; b < to; ++b) {
    const auto first = static_cast<std::int64_t>(b * normalise::RecordSet::kBlock);
    const auto count = static_cast<std::int64_t>(std::min(normalise::RecordSet::kBlock, set.size() - b * normalise::RecordSet::kBlock));
    auto staged = moved ? staging.add(first, count, std::string(set.block(b))) : staging.add(first, count, set.block(b));
    ASSERT_TRUE(staged.ok()) << staged.error();
    EXPECT_EQ(*staged, static_cast<std::int64_t>(b + 1));
  }
}

// The staging taken by add(): its layout only in `records`.
Expected<store::Submission> add_staged(store::Store& s, const std::string& district, const std::string& period,
                                       const normalise::RecordSet& set, const std::string& raw,
                                       std::unique_ptr<store::Staging> staging) {
  auto n = submission(district, period, raw);
  n.records = normalise::RecordSet(set.layout());
  n.staged = std::move(staging);
  return s.add(std::move(n));
}

// Every row of a table, each column quoted by SQLite (blobs as hex), in key order.
std::vector<std::string> dump(const fs::path& dir, const std::string& select) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2((dir / "tonghop.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* q = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, select.c_str(), -1, &q, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  std::vector<std::string> rows;
  while (q != nullptr && sqlite3_step(q) == SQLITE_ROW) {
    std::string row;
    for (int c = 0; c < sqlite3_column_count(q); ++c) {
      const auto* t = sqlite3_column_text(q, c);
      row += (c ? "|" : "") + std::string(t ? reinterpret_cast<const char*>(t) : "NULL");
    }
    rows.push_back(std::move(row));
  }
  sqlite3_finalize(q);
  sqlite3_close(db);
  return rows;
}

std::int64_t count(const fs::path& dir, const std::string& select) {
  const auto rows = dump(dir, select);
  return rows.empty() ? -1 : std::stoll(rows.front());
}

const char* kBlocks = "SELECT submission_id, first_seq, count, hex(data) FROM record_blocks ORDER BY submission_id, first_seq";
const char* kSubmissions =
    "SELECT id, district, period, filename, format, plugin, sha256, size, received_at, token_name, records, "
    "quote(superseded_by), indicators, layout, digest FROM submissions ORDER BY id";
const char* kWarnings = "SELECT id, submission_id, issue FROM warnings ORDER BY id";
const char* kAudit = "SELECT id, at, who, role, action, detail FROM audit ORDER BY id";

// Runs SQL on the database beside the store, as another process could.
void run_beside(const fs::path& dir, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2((dir / "tonghop.db").c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
  sqlite3_busy_timeout(db, 10000);
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK) << (error ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

// The blocks a scan's next() gives (each taken), and whether it said there were more.
std::pair<std::size_t, bool> scan_once(store::BlockScan& scan) {
  std::size_t taken = 0;
  const auto more = scan.next([&](std::string_view, std::size_t) {
    ++taken;
    return store::BlockScan::Took::taken;
  });
  return {taken, more.ok() && *more};
}

std::string names(const std::vector<normalise::Record>& rs) {
  std::string out;
  for (const auto& r : rs) out += r.org_name + ";" + std::to_string(r.counts.at("members_total")) + ";";
  return out;
}

}  // namespace

// The same blocks stored both ways, into two stores: every row of
// submissions, record_blocks, warnings and audit the same; read back the same.
// Committed one block at a time, and two at a time (the third block left for
// add() to insert in its own transaction).
TEST(Staging, AStagedSubmissionIsByteIdenticalToTheSameBlocksAddedTheOrdinaryWay) {
  const auto set = records("Chi bộ", 10000);  // 4,096 + 4,096 + 1,808
  ASSERT_EQ(set.block_count(), 3u);
  for (const auto& [per_commit, moved] : {std::pair{1u, false}, std::pair{2u, false}, std::pair{2u, true}, std::pair{4u, true}}) {
    SCOPED_TRACE(fmt::format("{} per commit, {}", per_commit, moved ? "moved" : "copied"));
    Dir ordinary_dir, staged_dir;
    auto ordinary = store::Store::open(ordinary_dir.path());
    auto staged = store::Store::open(staged_dir.path());
    ASSERT_TRUE(ordinary && staged);
    const auto a = add_ordinary(**ordinary, "Than Uyên", "2026", set, "raw bytes");

    auto staging = (*staged)->stage(per_commit);
    ASSERT_TRUE(staging) << staging.error();
    stage_blocks(**staging, set, 0, 3, moved);
    EXPECT_EQ((*staging)->blocks(), 3);
    EXPECT_EQ((*staging)->records(), 10000);
    EXPECT_EQ((*staging)->committed(), per_commit == 1 ? 3 : per_commit == 2 ? 2 : 0);
    EXPECT_EQ((*staging)->id(), per_commit == 4 ? 0 : 1);  // reserved with the first committed block
    auto b = add_staged(**staged, "Than Uyên", "2026", set, "raw bytes", std::move(*staging));
    ASSERT_TRUE(b) << b.error();

    EXPECT_EQ(a.id, 1);
    EXPECT_EQ(b->id, 1);
    EXPECT_EQ(b->records, 10000);
    EXPECT_EQ(dump(staged_dir.path(), kBlocks), dump(ordinary_dir.path(), kBlocks));
    EXPECT_EQ(dump(staged_dir.path(), kBlocks).size(), 3u);
    EXPECT_EQ(dump(staged_dir.path(), kSubmissions), dump(ordinary_dir.path(), kSubmissions));
    EXPECT_EQ(dump(staged_dir.path(), kWarnings), dump(ordinary_dir.path(), kWarnings));
    EXPECT_EQ(dump(staged_dir.path(), kAudit), dump(ordinary_dir.path(), kAudit));

    const auto back = (*staged)->records(b->id);
    ASSERT_EQ(back.size(), 10000u);
    EXPECT_EQ(back[9999].org_name, "Chi bộ 9999");
    EXPECT_EQ(back[9999].counts.at("members_total"), 9999);
    EXPECT_EQ(back[9999].counts.at("members_female"), 9999 % 7);
    EXPECT_EQ(names(back), names((*ordinary)->records(a.id)));
    const auto current = (*staged)->current("2026");
    ASSERT_EQ(current.size(), 1u);
    EXPECT_EQ(current[0].layout, (*ordinary)->current("2026")[0].layout);
    const auto warnings = (*staged)->warnings(b->id);
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_EQ(warnings[0].where.row, 12u);
    const auto block = (*staged)->record_block(b->id, 4096);
    ASSERT_TRUE(block);
    EXPECT_EQ(block->first_seq, 4096);
    EXPECT_EQ(block->count, 4096);
    EXPECT_EQ(block->data, std::string(set.block(1)));
    EXPECT_EQ((*staged)->integrity_check(), "ok");
    const auto v = store::verify(staged_dir.path());
    EXPECT_TRUE(v.ok()) << (v.records.empty() ? "" : v.records[0]);
    EXPECT_EQ(v.digests_checked, 1u);
  }
}

// Stagings of two districts open at once, ordinary returns of two others
// between their blocks: each id reserved by a staging's first block is
// never taken by another submission, and each submission reads back its own.
TEST(Staging, IdsNeverCollideWhenStagingsAndOrdinaryAddsInterleave) {
  Dir dir;
  auto opened = store::Store::open(dir.path());
  ASSERT_TRUE(opened);
  auto& s = **opened;
  const auto x = records("Xã X", 9000), y = records("Xã Y", 5000), z = records("Xã Z", 100), w = records("Xã W", 4096);

  auto sx = s.stage(1);
  auto sy = s.stage(1);
  ASSERT_TRUE(sx && sy);
  stage_blocks(**sx, x, 0, 1);                                    // X reserves 1
  const auto z1 = add_ordinary(s, "Tân Uyên", "2026", z, "z1");  // 2
  stage_blocks(**sy, y, 0, 1);                                    // Y reserves 3
  stage_blocks(**sx, x, 1, 2);
  const auto w1 = add_ordinary(s, "Phong Thổ", "2026", w, "w1");  // 4
  stage_blocks(**sy, y, 1, 2);
  stage_blocks(**sx, x, 2, 3);
  EXPECT_EQ((*sx)->id(), 1);
  EXPECT_EQ((*sy)->id(), 3);
  EXPECT_EQ(z1.id, 2);
  EXPECT_EQ(w1.id, 4);
  auto gy = add_staged(s, "Tam Đường", "2026", y, "y", std::move(*sy));
  ASSERT_TRUE(gy) << gy.error();
  // An ordinary return after a staged one: past every id, staged or stored.
  const auto z2 = add_ordinary(s, "Tân Uyên", "2026", z, "z2");
  auto gx = add_staged(s, "Than Uyên", "2026", x, "x", std::move(*sx));
  ASSERT_TRUE(gx) << gx.error();
  EXPECT_EQ(gy->id, 3);
  EXPECT_EQ(z2.id, 5);
  EXPECT_EQ(gx->id, 1);

  const auto rx = s.records(1), ry = s.records(3), rz = s.records(5), rw = s.records(4);
  ASSERT_EQ(rx.size(), 9000u);
  ASSERT_EQ(ry.size(), 5000u);
  ASSERT_EQ(rz.size(), 100u);
  ASSERT_EQ(rw.size(), 4096u);
  EXPECT_EQ(rx.front().org_name, "Xã X 0");
  EXPECT_EQ(rx.back().org_name, "Xã X 8999");
  EXPECT_EQ(ry.back().org_name, "Xã Y 4999");
  EXPECT_EQ(rz.back().org_name, "Xã Z 99");
  EXPECT_EQ(rw.back().org_name, "Xã W 4095");
  // Tân Uyên's first return superseded by its second; the rest current.
  const auto z1_now = s.get(2);
  ASSERT_TRUE(z1_now);
  EXPECT_EQ(z1_now->superseded_by, 5);
  std::vector<std::int64_t> current;
  for (const auto& c : s.current("2026")) current.push_back(c.id);
  // In the order each district first submitted (its lowest id).
  EXPECT_EQ(current, (std::vector<std::int64_t>{1, 5, 3, 4}));
  EXPECT_EQ(count(dir.path(), "SELECT COUNT(*) FROM record_blocks"), 3 + 2 + 1 + 1 + 1);
  EXPECT_EQ(count(dir.path(), "SELECT COUNT(*) FROM submissions"), 5);
  EXPECT_EQ(s.integrity_check(), "ok");
}

// Between two of its blocks a staging holds no transaction: another
// district's return goes in on the same thread (it would wait 10 s for the
// writer and fail otherwise), and no reader sees the staged blocks, which
// are in the database all the same.
TEST(Staging, AnOpenStagingHoldsNoWriterAndShowsNothingToAnyReader) {
  Dir dir;
  auto opened = store::Store::open(dir.path());
  ASSERT_TRUE(opened);
  auto& s = **opened;
  const auto big = records("Xã lớn", 9000), small = records("Xã nhỏ", 45);
  auto staging = s.stage(1);
  ASSERT_TRUE(staging);
  stage_blocks(**staging, big, 0, 2);
  const std::int64_t id = (*staging)->id();
  ASSERT_EQ(id, 1);
  EXPECT_EQ(count(dir.path(), "SELECT COUNT(*) FROM record_blocks WHERE submission_id = 1"), 2);

  const auto other = add_ordinary(s, "Tam Đường", "2026", small, "small");
  EXPECT_EQ(other.id, 2);
  EXPECT_EQ(s.list("2026").size(), 1u);
  EXPECT_EQ(s.list("2026", "Than Uyên").size(), 0u);
  ASSERT_EQ(s.current("2026").size(), 1u);
  EXPECT_EQ(s.current("2026")[0].id, 2);
  EXPECT_FALSE(s.get(id));
  EXPECT_FALSE(s.record_block(id, 0));
  EXPECT_EQ(s.record_set(id).size(), 0u);
  EXPECT_TRUE(s.records(id).empty());
  EXPECT_TRUE(s.warnings(id).empty());
  EXPECT_FALSE(s.latest_current("Than Uyên"));
  // The report's reading of the period: the current returns, block by block.
  std::size_t read = 0;
  for (const auto& c : s.current("2026")) {
    store::RecordCursor cursor(s, c);
    for (;;) {
      auto next = cursor.next();
      ASSERT_TRUE(next) << next.error();
      if ((*next)->size() == 0) break;
      read += (*next)->size();
    }
  }
  EXPECT_EQ(read, 45u);

  stage_blocks(**staging, big, 2, 3);
  auto taken = add_staged(s, "Than Uyên", "2026", big, "big", std::move(*staging));
  ASSERT_TRUE(taken) << taken.error();
  EXPECT_EQ(taken->id, 1);
  EXPECT_EQ(s.records(1).size(), 9000u);
  EXPECT_EQ(s.current("2026").size(), 2u);
}

// A staging ended without add(): none of its rows left. add() refused (the
// period was locked meanwhile): nothing of the submission stored, its
// staged blocks gone, its raw file too.
TEST(Staging, AStagingNotTakenLeavesNothing) {
  Dir dir;
  auto opened = store::Store::open(dir.path());
  ASSERT_TRUE(opened);
  auto& s = **opened;
  const auto set = records("Chi bộ", 9000);
  const auto kept = add_ordinary(s, "Tam Đường", "2026", records("Giữ", 10), "kept");
  {
    auto staging = s.stage(1);
    ASSERT_TRUE(staging);
    stage_blocks(**staging, set, 0, 2);
    EXPECT_EQ(count(dir.path(), "SELECT COUNT(*) FROM record_blocks"), 3);
  }
  EXPECT_EQ(count(dir.path(), "SELECT COUNT(*) FROM record_blocks"), 1);

  auto staging = s.stage(1);
  ASSERT_TRUE(staging);
  stage_blocks(**staging, set, 0, 3);
  EXPECT_EQ(count(dir.path(), "SELECT COUNT(*) FROM record_blocks"), 4);
  ASSERT_EQ(s.lock_period("2026", store::Principal{"admin", "admin", ""}).refusal, store::Refusal::none);
  auto archived = s.archive("refused bytes");
  ASSERT_TRUE(archived);
  auto n = submission("Than Uyên", "2026", "refused bytes");
  n.meta.sha256 = *archived;
  n.records = normalise::RecordSet(set.layout());
  n.staged = std::move(*staging);
  auto refused = s.add(std::move(n));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error(), "period_locked");
  EXPECT_EQ(count(dir.path(), "SELECT COUNT(*) FROM record_blocks"), 1);
  EXPECT_EQ(count(dir.path(), "SELECT COUNT(*) FROM record_blocks WHERE submission_id = " + std::to_string(kept.id)), 1);
  EXPECT_EQ(count(dir.path(), "SELECT COUNT(*) FROM submissions"), 1);
  EXPECT_EQ(count(dir.path(), "SELECT COUNT(*) FROM warnings"), 1);
  EXPECT_FALSE(fs::exists(dir.path() / "raw" / archived->substr(0, 2) / *archived));
  EXPECT_EQ(s.records(kept.id).size(), 10u);
}

// Before its row goes in, add() counts the staging's committed blocks
// where the database has them (a scan from its id, stopped at the next):
// one missing, or one more than it staged, refuses the whole submission;
// blocks of a later id are not its own and change nothing.
TEST(Staging, AStagedBlockLostOrAddedBesideItRefusesTheSubmission) {
  Dir dir;
  auto opened = store::Store::open(dir.path());
  ASSERT_TRUE(opened);
  auto& s = **opened;
  const auto set = records("Chi bộ", 3 * normalise::RecordSet::kBlock + 5);
  auto beside = [&](const std::string& sql) { run_beside(dir.path(), sql); };
  for (const char* harm : {"lost", "added"}) {
    SCOPED_TRACE(harm);
    auto staging = s.stage(1);
    ASSERT_TRUE(staging);
    stage_blocks(**staging, set, 0, 4);  // each committed as it comes
    const std::int64_t id = count(dir.path(), "SELECT MAX(submission_id) FROM record_blocks");
    if (std::string(harm) == "lost")
      beside(fmt::format("DELETE FROM record_blocks WHERE submission_id = {} AND first_seq = {}", id,
                         normalise::RecordSet::kBlock));
    else
      beside(fmt::format("INSERT INTO record_blocks VALUES ({}, 99999999, 1, x'00')", id));
    auto refused = add_staged(s, "Than Uyên", "2026", set, "raw", std::move(*staging));
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().find("are not all in the store"), std::string::npos) << refused.error();
    EXPECT_EQ(count(dir.path(), "SELECT COUNT(*) FROM submissions"), 0);
    beside("DELETE FROM record_blocks");
  }
  // Blocks of the next id (another staging's, under way) after this one's.
  auto staging = s.stage(1);
  ASSERT_TRUE(staging);
  stage_blocks(**staging, set, 0, 4);
  const std::int64_t id = count(dir.path(), "SELECT MAX(submission_id) FROM record_blocks");
  beside(fmt::format("INSERT INTO record_blocks VALUES ({}, 0, 1, x'00')", id + 1));
  auto stored = add_staged(s, "Than Uyên", "2026", set, "raw", std::move(*staging));
  ASSERT_TRUE(stored) << stored.error();
  EXPECT_EQ(stored->id, id);
  std::vector<normalise::Record> expected;
  for (std::size_t i = 0; i < set.size(); ++i) expected.push_back(set.at(i));
  const auto back = s.records(stored->id);
  EXPECT_EQ(back.size(), set.size());
  EXPECT_TRUE(names(back) == names(expected)) << "the stored records differ from the staged ones";
}

// A submission whose blocks are all gone (damaged on disk, or removed by
// hand) is read as damaged by every reader, never as the next submission's
// blocks, which follow its place in the table: the readers scan from
// (id, seq) on and stop at another id themselves (store/records.cpp).
TEST(Staging, ASubmissionWithoutItsBlocksNeverReadsTheNextOnesAsItsOwn) {
  Dir dir;
  auto opened = store::Store::open(dir.path());
  ASSERT_TRUE(opened);
  auto& s = **opened;
  const auto a = add_ordinary(s, "Than Uyên", "2026", records("Của A", 2 * normalise::RecordSet::kBlock + 7), "a");
  const auto b = add_ordinary(s, "Tam Đường", "2026", records("Của B", 2 * normalise::RecordSet::kBlock + 7), "b");
  ASSERT_LT(a.id, b.id);
  run_beside(dir.path(), fmt::format("DELETE FROM record_blocks WHERE submission_id = {}", a.id));
  store::BlockScan scan(s, a);
  EXPECT_EQ(scan_once(scan), std::make_pair(std::size_t{0}, false))
      << "a block of submission " << b.id << " was read as submission " << a.id << "'s";
  EXPECT_FALSE(s.record_block(a.id, 0).has_value()) << "submission " << b.id << "'s first block given as " << a.id << "'s";
  store::RecordCursor cursor(s, a);
  EXPECT_FALSE(cursor.next());
  EXPECT_EQ(s.record_set(a.id).size(), 0u);
  EXPECT_EQ(s.record_set(b.id).size(), 2 * normalise::RecordSet::kBlock + 7);

  // A submission of one block is read on the store's own connection
  // (BlockScan's other query): the same.
  const auto c = add_ordinary(s, "Sìn Hồ", "2026", records("Của C", 7), "c");
  const auto d = add_ordinary(s, "Phong Thổ", "2026", records("Của D", 7), "d");
  run_beside(dir.path(), fmt::format("DELETE FROM record_blocks WHERE submission_id = {}", c.id));
  store::BlockScan small(s, c);
  EXPECT_EQ(scan_once(small), std::make_pair(std::size_t{0}, false))
      << "a block of submission " << d.id << " was read as submission " << c.id << "'s";
  EXPECT_EQ(s.record_set(d.id).size(), 7u);
}

// A block out of order is refused, and so is every block after it: the
// caller falls back to the ordinary way.
TEST(Staging, ABlockOutOfOrderFailsTheStaging) {
  Dir dir;
  auto opened = store::Store::open(dir.path());
  ASSERT_TRUE(opened);
  const auto set = records("Chi bộ", 9000);
  auto staging = (*opened)->stage(1);
  ASSERT_TRUE(staging);
  stage_blocks(**staging, set, 0, 1);
  auto skipped = (*staging)->add(8192, 808, set.block(2));
  ASSERT_FALSE(skipped);
  EXPECT_NE(skipped.error().find("out of order"), std::string::npos) << skipped.error();
  EXPECT_FALSE((*staging)->add(4096, 4096, set.block(1)));
  auto refused = add_staged(**opened, "Than Uyên", "2026", set, "raw", std::move(*staging));
  EXPECT_FALSE(refused);
  EXPECT_EQ(count(dir.path(), "SELECT COUNT(*) FROM record_blocks"), 0);
  EXPECT_EQ(count(dir.path(), "SELECT COUNT(*) FROM submissions"), 0);
}

// A process killed mid-import (3 blocks staged, then _exit: no destructor
// runs): the next open removes the blocks, the store verifies clean, and the
// next return is stored and reads back whole.
TEST(Staging, BlocksLeftByAKilledProcessAreRemovedAtTheNextOpen) {
  Dir dir;
  const auto set = records("Chi bộ", 13000);  // 4 blocks
  {
    auto opened = store::Store::open(dir.path());
    ASSERT_TRUE(opened);
    add_ordinary(**opened, "Tam Đường", "2026", records("Giữ", 10), "kept");
  }
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto opened = store::Store::open(dir.path());
    if (!opened) ::_exit(2);
    auto staging = (*opened)->stage(1);
    if (!staging) ::_exit(3);
    for (std::size_t b = 0; b < 3; ++b)
      if (!(*staging)->add(static_cast<std::int64_t>(b * 4096), 4096, set.block(b))) ::_exit(4);
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(count(dir.path(), "SELECT COUNT(*) FROM record_blocks WHERE submission_id = 2"), 3);

  auto opened = store::Store::open(dir.path());
  ASSERT_TRUE(opened);
  auto& s = **opened;
  EXPECT_EQ(s.orphans_at_open(), 3u);
  EXPECT_EQ(count(dir.path(), "SELECT COUNT(*) FROM record_blocks"), 1);
  EXPECT_EQ(s.integrity_check(), "ok");
  EXPECT_TRUE(store::verify(dir.path()).ok());
  auto staging = s.stage();
  ASSERT_TRUE(staging);
  stage_blocks(**staging, set, 0, 4);
  auto next = add_staged(s, "Than Uyên", "2026", set, "next", std::move(*staging));
  ASSERT_TRUE(next) << next.error();
  EXPECT_EQ(next->id, 2);
  const auto back = s.records(2);
  ASSERT_EQ(back.size(), 13000u);
  EXPECT_EQ(back[12999].org_name, "Chi bộ 12999");
  EXPECT_EQ(count(dir.path(), "SELECT COUNT(*) FROM record_blocks"), 5);
}

// While a staging is under way: `verify` (tonghopd verify's reading) finds
// nothing wrong, a second opener beside the first (a command run beside the
// daemon) does not take its blocks for orphans, and a backup leaves them
// out; once taken, they are an ordinary submission's.
TEST(Staging, VerifyABesideOpenerAndABackupLeaveAStagingUnderWayAlone) {
  Dir dir, copy;
  fs::remove_all(copy.path());
  auto opened = store::Store::open(dir.path());
  ASSERT_TRUE(opened);
  auto& s = **opened;
  const auto set = records("Chi bộ", 9000);
  add_ordinary(s, "Tam Đường", "2026", records("Giữ", 10), "kept");
  auto staging = s.stage(1);
  ASSERT_TRUE(staging);
  stage_blocks(**staging, set, 0, 2);

  const auto v = store::verify(dir.path());
  EXPECT_TRUE(v.ok());
  EXPECT_TRUE(v.database.empty());
  EXPECT_EQ(v.submissions, 1u);
  {
    auto beside = store::Store::open(dir.path());
    ASSERT_TRUE(beside);
    EXPECT_EQ((*beside)->orphans_at_open(), 0u);
  }
  EXPECT_EQ(count(dir.path(), "SELECT COUNT(*) FROM record_blocks WHERE submission_id = 2"), 2);

  auto b = store::backup(dir.path(), copy.path());
  ASSERT_TRUE(b) << b.error();
  EXPECT_EQ(b->submissions, 1u);
  EXPECT_TRUE(store::check_backup(copy.path()).empty());
  EXPECT_EQ(count(copy.path(), "SELECT COUNT(*) FROM record_blocks"), 1);

  stage_blocks(**staging, set, 2, 3);
  auto taken = add_staged(s, "Than Uyên", "2026", set, "taken", std::move(*staging));
  ASSERT_TRUE(taken) << taken.error();
  EXPECT_TRUE(store::verify(dir.path()).ok());
  EXPECT_EQ(store::verify(dir.path()).submissions, 2u);
}
