// The store against a real SQLite database: a database of the first schema
// (records as JSON, one row each) is upgraded at open, nothing lost.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/vfs.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include "store/store.hpp"
#include "support/new_submission.hpp"

using namespace tonghop;

namespace {

// The first schema's tables, as tonghopd 0.1 created them (a fixture: it never changes).
const char* kSchemaV1 = R"sql(
CREATE TABLE tokens (id INTEGER PRIMARY KEY, hash TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'viewer', 'district')), district TEXT, created_at TEXT NOT NULL);
CREATE TABLE submissions (id INTEGER PRIMARY KEY, district TEXT NOT NULL, period TEXT NOT NULL, filename TEXT NOT NULL,
  format TEXT NOT NULL, plugin TEXT NOT NULL, sha256 TEXT NOT NULL, size INTEGER NOT NULL, received_at TEXT NOT NULL,
  token_name TEXT NOT NULL, records INTEGER NOT NULL, indicators TEXT NOT NULL,
  superseded_by INTEGER REFERENCES submissions (id));
CREATE INDEX submissions_by_period ON submissions (period, district, id);
CREATE TABLE records (id INTEGER PRIMARY KEY, submission_id INTEGER NOT NULL REFERENCES submissions (id),
  seq INTEGER NOT NULL, org_name TEXT NOT NULL, org_kind TEXT NOT NULL, org_sector TEXT NOT NULL,
  org_rating TEXT NOT NULL, counts TEXT NOT NULL, provenance TEXT NOT NULL);
CREATE INDEX records_by_submission ON records (submission_id, seq);
CREATE TABLE warnings (id INTEGER PRIMARY KEY, submission_id INTEGER NOT NULL REFERENCES submissions (id), issue TEXT NOT NULL);
CREATE TABLE audit (id INTEGER PRIMARY KEY, at TEXT NOT NULL, who TEXT NOT NULL, role TEXT NOT NULL, action TEXT NOT NULL,
  detail TEXT NOT NULL);
INSERT INTO submissions VALUES (1, 'Than Uyên', '2018', 'than-uyen.xlsx', 'xlsx', 'import-xlsx', 'ab', 3,
  '2026-11-20T10:00:00+07:00', 'admin', 2, '{"members_total":364}', NULL);
INSERT INTO records VALUES (1, 1, 0, 'Đảng bộ xã Phúc Than', 'party_committee', 'commune', 'good',
  '{"members_total":210,"members_female":80}',
  '{"org_name":{"sheet":"Biểu 01","row":10,"column":2},"members_total":{"sheet":"Biểu 01","row":10,"column":11},"members_female":{"sheet":"Biểu 01","row":10,"column":12},"_row":{"sheet":"Biểu 01","row":10}}');
INSERT INTO records VALUES (2, 1, 1, 'Chi bộ Trường THCS', 'party_cell', 'public_service', '',
  '{"members_total":154}',
  '{"org_name":{"sheet":"Biểu 01","row":11,"column":2},"members_total":{"sheet":"Biểu 01","row":11,"column":11},"_row":{"sheet":"Biểu 01","row":11}}');
INSERT INTO submissions VALUES (2, 'Tam Đường', '2018', 'tam-duong.json', 'json', 'import-json', 'cd', 3,
  '2026-11-20T10:05:00+07:00', 'admin', 1, '{}', NULL);
INSERT INTO records VALUES (3, 2, 0, 'Đảng bộ xã Bản Bo', 'party_committee', 'commune', 'excellent',
  '{"members_female":41}',
  '{"org_name":{"path":"/to_chuc/0/ten"},"members_female":{"path":"/to_chuc/0/dang_vien/nu"},"_row":{"path":"/to_chuc/0"}}');
PRAGMA user_version = 1;
)sql";

}  // namespace

TEST(Store, AFirstSchemaDatabaseIsUpgradedWithEveryRecordAndPlace) {
  const auto dir = std::filesystem::temp_directory_path() / ("tonghop-store-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir / "tonghop.db").c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  ASSERT_EQ(sqlite3_exec(db, kSchemaV1, nullptr, nullptr, &error), SQLITE_OK) << (error ? error : "");
  sqlite3_close(db);

  auto opened = store::Store::open(dir);
  ASSERT_TRUE(opened) << opened.error();
  auto& store = **opened;
  EXPECT_EQ(store.integrity_check(), "ok");

  const auto table = store.records(1);
  ASSERT_EQ(table.size(), 2u);
  EXPECT_EQ(table[0].org_name, "Đảng bộ xã Phúc Than");
  EXPECT_EQ(table[0].district, "Than Uyên");
  EXPECT_EQ(table[0].org_rating, "good");
  EXPECT_EQ(table[0].counts.at("members_female"), 80);
  EXPECT_EQ(table[0].provenance.at("members_female").sheet, "Biểu 01");
  EXPECT_EQ(table[0].provenance.at("members_female").row, 10u);
  EXPECT_EQ(table[0].provenance.at("members_female").column, 12u);
  EXPECT_EQ(table[1].counts.at("members_total"), 154);
  EXPECT_FALSE(table[1].counts.count("members_female"));
  EXPECT_EQ(table[1].org_rating, "");
  EXPECT_EQ(table[1].where.row, 11u);

  const auto tree = store.records(2);
  ASSERT_EQ(tree.size(), 1u);
  EXPECT_EQ(tree[0].counts.at("members_female"), 41);
  EXPECT_EQ(tree[0].provenance.at("members_female").path, "/to_chuc/0/dang_vien/nu");
  EXPECT_EQ(tree[0].where.path, "/to_chuc/0");
  std::filesystem::remove_all(dir);
}

namespace {

normalise::Layout table_layout() {
  normalise::Layout layout;
  layout.sheet = "Biểu 01";
  layout.fields = {"org_name", "members_total"};
  layout.is_count = {false, true};
  layout.columns = {2, 11};
  return layout;
}

normalise::RecordSet numbered_records(std::size_t n) {
  normalise::RecordSet set(table_layout());
  set.district = "Than Uyên";
  set.period = "2018";
  std::string name;
  for (std::size_t i = 0; i < n; ++i) {
    name = "Chi bộ bản " + std::to_string(i);
    normalise::CompactRecord r;
    r.where = static_cast<std::uint32_t>(5 + i);
    r.org_name = name;
    r.org_kind = "party_cell";
    r.org_sector = "commune";
    r.org_rating = i % 2 ? "good" : "";
    r.values = {{0, 0}, {1, static_cast<std::int64_t>(i)}};
    set.add(r);
  }
  return set;
}

// Than Uyên's 2018 return as a CSV, its raw bytes `raw` (kept alive by the caller), no records yet.
store::NewSubmission than_uyen_csv(std::string_view raw) {
  store::NewSubmission s = test::csv_submission("Than Uyên", "2018", "than-uyen.csv", raw, "2026-11-22T10:00:00+07:00");
  s.meta.indicators = "{}";
  return s;
}

void expect_numbered(const normalise::Record& r, std::size_t i) {
  EXPECT_EQ(r.org_name, "Chi bộ bản " + std::to_string(i));
  EXPECT_EQ(r.counts.at("members_total"), static_cast<std::int64_t>(i));
  EXPECT_EQ(r.org_rating, i % 2 ? "good" : "");
  EXPECT_EQ(r.where.row, 5 + i);
  EXPECT_EQ(r.provenance.at("members_total").column, 11u);
}

}  // namespace

TEST(Store, ARecordSetOfSeveralBlocksComesBackWhole) {
  const auto dir = std::filesystem::temp_directory_path() / ("tonghop-blocks-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto opened = store::Store::open(dir);
  ASSERT_TRUE(opened) << opened.error();
  auto& store = **opened;

  const std::size_t n = 2 * normalise::RecordSet::kBlock + 1808;
  const std::string raw = "bytes of the file";
  store::NewSubmission s = than_uyen_csv(raw);
  s.records = numbered_records(n);
  ASSERT_EQ(s.records.block_count(), 3u);
  const auto stored = store.add(std::move(s));
  ASSERT_TRUE(stored) << stored.error();

  const auto back = store.record_set(stored->id);
  ASSERT_EQ(back.size(), n);
  EXPECT_EQ(back.block_count(), 3u);
  for (const std::size_t i : {std::size_t{0}, normalise::RecordSet::kBlock - 1, normalise::RecordSet::kBlock,
                              2 * normalise::RecordSet::kBlock + 1, n - 1})
    expect_numbered(back.at(i), i);

  // Blocks taken back out of their order fill the set's own blocks record by record.
  normalise::RecordSet mixed(back.layout());
  ASSERT_TRUE(mixed.append_encoded(back.block(2), 1808));
  ASSERT_TRUE(mixed.append_encoded(back.block(0), normalise::RecordSet::kBlock));
  ASSERT_EQ(mixed.size(), 1808 + normalise::RecordSet::kBlock);
  EXPECT_EQ(mixed.block_count(), 2u);
  expect_numbered(mixed.at(0), 2 * normalise::RecordSet::kBlock);
  expect_numbered(mixed.at(1807), n - 1);
  expect_numbered(mixed.at(1808), 0);
  expect_numbered(mixed.at(mixed.size() - 1), normalise::RecordSet::kBlock - 1);
  // Damaged bytes are refused whole: cut short, or naming a kind the set does not have.
  EXPECT_FALSE(mixed.append_encoded(back.block(1).substr(0, 100), 3));
  const char unknown_kind[] = {1, 1, 'x', '\xC8', 1, 0, 0, 0, 0};  // row 1, "x", kind 200, no values
  EXPECT_FALSE(mixed.append_encoded(std::string_view(unknown_kind, sizeof unknown_kind), 1));
  const char known_kind[] = {1, 1, 'x', 0, 0, 0, 0, 0};  // the same with kind 0: taken
  EXPECT_TRUE(mixed.append_encoded(std::string_view(known_kind, sizeof known_kind), 1));
  EXPECT_EQ(mixed.size(), 1808 + normalise::RecordSet::kBlock + 1);
  EXPECT_EQ(mixed.at(mixed.size() - 1).org_name, "x");

  // A new database has pages large enough for the blocks.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2((dir / "tonghop.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* q = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA page_size", -1, &q, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(q), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(q, 0), 65536);
  sqlite3_finalize(q);
  sqlite3_close(db);
  std::filesystem::remove_all(dir);
}

// issue 18, item 2: a large return's archive goes from the memory it was
// received into (page-aligned, as a memfd's mapping is) straight to the
// disk, not through the page cache, and comes back byte for byte, its last
// part page included.
TEST(Store, ALargeRawFileIsWrittenPastThePageCacheByteForByte) {
  const auto dir = std::filesystem::temp_directory_path() / ("tonghop-direct-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto opened = store::Store::open(dir);
  ASSERT_TRUE(opened) << opened.error();
  auto& store = **opened;

  const std::size_t size = (3u << 20) + 123;  // whole pages and a part of one
  void* memory = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(memory, MAP_FAILED);
  char* bytes = static_cast<char*>(memory);
  std::uint64_t x = 88172645463325252ull;  // xorshift: no two pages alike
  for (std::size_t i = 0; i < size; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    bytes[i] = static_cast<char>(x);
  }
  const std::string expected(bytes, size);

  store::NewSubmission s = than_uyen_csv(std::string_view(bytes, size));
  s.records = numbered_records(3);
  const auto stored = store.add(std::move(s));
  ASSERT_TRUE(stored) << stored.error();
  ::munmap(memory, size);

  // Before anything reads it: its whole pages are on the disk and not in
  // the page cache (where the file system takes O_DIRECT: ext4, xfs, btrfs).
  const auto path = dir / "raw" / stored->sha256.substr(0, 2) / stored->sha256;
  struct statfs fs {};
  ASSERT_EQ(::statfs(path.c_str(), &fs), 0);
  const bool direct = fs.f_type == 0xEF53 || fs.f_type == 0x58465342 || fs.f_type == 0x9123683E;
  if (!direct)
    std::printf("(the file system under %s is not ext4, xfs or btrfs: the page cache is not looked at)\n",
                dir.c_str());
  if (direct) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    void* mapped = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
    ASSERT_NE(mapped, MAP_FAILED);
    const std::size_t pages = (size + 4095) / 4096;
    std::vector<unsigned char> resident(pages);
    ASSERT_EQ(::mincore(mapped, size, resident.data()), 0);
    std::size_t cached = 0;
    for (std::size_t p = 0; p + 1 < pages; ++p) cached += resident[p] & 1;
    EXPECT_EQ(cached, 0u) << "of " << pages - 1 << " whole pages, these went through the page cache";
    ::munmap(mapped, size);
    ::close(fd);
  }
  const auto back = store.raw(*stored);
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(back->size(), size);
  EXPECT_TRUE(*back == expected) << "the archived file differs from the bytes given";
  std::filesystem::remove_all(dir);
}

// A raw/ the daemon cannot write in (here a file where its folder should be,
// as root passes any mode): the refusal names the folder and why, not the
// file's "No such file or directory" that followed it; nothing is stored.
TEST(Store, ARawFolderThatCannotBeMadeIsNamedWithItsReason) {
  const auto dir = std::filesystem::temp_directory_path() / ("tonghop-rawdir-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto opened = store::Store::open(dir);
  ASSERT_TRUE(opened) << opened.error();
  auto& store = **opened;
  std::filesystem::remove_all(dir / "raw");
  std::ofstream(dir / "raw") << "not a folder";
  store::NewSubmission s = than_uyen_csv("a,b\n1,2\n");
  s.records = numbered_records(1);
  const auto stored = store.add(std::move(s));
  ASSERT_FALSE(stored);
  EXPECT_NE(stored.error().find("cannot create " + (dir / "raw").string() + "/"), std::string::npos) << stored.error();
  EXPECT_NE(stored.error().find("Not a directory"), std::string::npos) << stored.error();
  EXPECT_TRUE(store.list("2018").empty());
  std::filesystem::remove_all(dir);
}
