// The store tells the truth about itself: a damaged database is refused at
// open with what to do, `verify` finds damage in the database and in the raw
// files, partial and orphan raw files are cleaned at open, and a full disk is
// named as such with nothing partial left behind. Real SQLite, real files, a
// real (small) tmpfs for the full disk.
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <cerrno>
#include <cstring>
#include <sqlite3.h>
#include <sys/mount.h>
#include <unistd.h>

#include "core/hash.hpp"
#include "store/store.hpp"
#include "support/new_submission.hpp"

namespace fs = std::filesystem;
using namespace tonghop;

namespace {

struct Dir {
  fs::path path = fs::temp_directory_path() / ("tonghop-integrity-" + std::to_string(::getpid()) + "-" +
                                               std::to_string(counter++));
  Dir() {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~Dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  static inline int counter = 0;
};

// A submission of `records` records (enough to fill pages), stored for real.
store::Submission add(store::Store& s, const std::string& period, const std::string& raw, std::size_t records = 2000) {
  normalise::RecordSet set = test::numbered_records(records, "Đảng bộ xã số ", 200);
  store::NewSubmission n = test::csv_submission("Than Uyên", period, "than-uyen.csv", raw);
  n.records = std::move(set);
  auto added = s.add(std::move(n));
  EXPECT_TRUE(added.ok()) << (added.ok() ? "" : added.error());
  return added.ok() ? *added : store::Submission{};
}

void overwrite(const fs::path& file, std::uint64_t from, std::uint64_t length, char byte) {
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(static_cast<std::streamoff>(from));
  const std::string garbage(length, byte);
  f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
}

std::size_t files_under(const fs::path& dir) {
  std::size_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) ++n;
  return n;
}

}  // namespace

TEST(StoreIntegrity, ADamagedDatabaseIsRefusedAtOpenWithWhatToDo) {
  Dir dir;
  {
    auto s = store::Store::open(dir.path);
    ASSERT_TRUE(s.ok()) << s.error();
    for (int i = 0; i < 4; ++i) add(**s, std::to_string(2015 + i), "raw " + std::to_string(i));
  }  // closed: the WAL is checkpointed into the database
  const auto db = dir.path / "tonghop.db";
  ASSERT_FALSE(fs::exists(dir.path / "tonghop.db-wal") && fs::file_size(dir.path / "tonghop.db-wal") > 0);
  const std::uint64_t size = fs::file_size(db);
  ASSERT_GT(size, 4u * 65536) << "the database has too few pages to damage past the second";
  // Pages after the second damaged, as in the report of issue 12.
  overwrite(db, 2 * 65536, size - 2 * 65536, '\x5A');
  auto reopened = store::Store::open(dir.path);
  ASSERT_FALSE(reopened.ok());
  EXPECT_NE(reopened.error().find("is damaged"), std::string::npos) << reopened.error();
  EXPECT_NE(reopened.error().find("restore the last backup"), std::string::npos) << reopened.error();
  EXPECT_NE(reopened.error().find("tonghopd verify"), std::string::npos) << reopened.error();
  // verify reads it anyway, and says so.
  const auto v = store::verify(dir.path);
  EXPECT_TRUE(v.opened);
  EXPECT_FALSE(v.database.empty());
  EXPECT_FALSE(v.ok());
}

TEST(StoreIntegrity, VerifyChecksEveryRawFileAgainstItsHash) {
  Dir dir;
  store::Submission first, second;
  {
    auto s = store::Store::open(dir.path);
    ASSERT_TRUE(s.ok()) << s.error();
    first = add(**s, "2017", "the first return's bytes", 10);
    second = add(**s, "2018", "the second return's bytes", 10);
  }
  auto v = store::verify(dir.path);
  EXPECT_TRUE(v.ok());
  EXPECT_EQ(v.submissions, 2u);
  EXPECT_EQ(v.raw_checked, 2u);
  const auto raw = [&](const store::Submission& s) { return dir.path / "raw" / s.sha256.substr(0, 2) / s.sha256; };
  overwrite(raw(first), 4, 1, '!');
  fs::remove(raw(second));
  v = store::verify(dir.path);
  EXPECT_FALSE(v.ok());
  ASSERT_EQ(v.raw.size(), 2u);
  EXPECT_NE(v.raw[0].find("#" + std::to_string(first.id) + ": its raw file"), std::string::npos) << v.raw[0];
  EXPECT_NE(v.raw[0].find("does not match its SHA-256"), std::string::npos) << v.raw[0];
  EXPECT_NE(v.raw[1].find("is missing"), std::string::npos) << v.raw[1];
  EXPECT_TRUE(v.database.empty());
  EXPECT_FALSE(store::verify(dir.path / "nothing-here").opened);
}

TEST(StoreIntegrity, PartialAndOrphanRawFilesAreCleanedAtOpen) {
  Dir dir;
  store::Submission kept;
  {
    auto s = store::Store::open(dir.path);
    ASSERT_TRUE(s.ok()) << s.error();
    kept = add(**s, "2018", "kept bytes", 10);
  }
  // What a SIGKILL leaves: a raw file archived but never committed, and a
  // partial write.
  const std::string orphan = sha256_hex("orphan bytes");
  fs::create_directories(dir.path / "raw" / orphan.substr(0, 2));
  std::ofstream(dir.path / "raw" / orphan.substr(0, 2) / orphan) << "orphan bytes";
  std::ofstream(dir.path / "raw" / orphan.substr(0, 2) / (orphan + ".tmp123-456")) << "orph";
  ASSERT_EQ(files_under(dir.path / "raw"), 3u);
  {
    auto s = store::Store::open(dir.path);
    ASSERT_TRUE(s.ok()) << s.error();
    EXPECT_EQ((*s)->cleaned_at_open(), 2u);
    EXPECT_EQ(files_under(dir.path / "raw"), 1u);
    EXPECT_TRUE(fs::exists(dir.path / "raw" / kept.sha256.substr(0, 2) / kept.sha256));
    // A second opener beside the first (a command beside the daemon) cleans nothing.
    std::ofstream(dir.path / "raw" / orphan.substr(0, 2) / orphan) << "orphan bytes";
    auto beside = store::Store::open(dir.path);
    ASSERT_TRUE(beside.ok()) << beside.error();
    EXPECT_EQ((*beside)->cleaned_at_open(), 0u);
    EXPECT_EQ(files_under(dir.path / "raw"), 2u);
  }
}

// Raw files are written in place under their name (branch post3), the
// directory synced beside the file: what a crash leaves half-written is a
// file no submission names, cleaned at the next open; a file already there
// that is not the bytes (another size) is replaced whole; the same bytes
// archived twice at once are whole whichever writes first.
TEST(StoreIntegrity, ARawFileHalfWrittenOrDamagedIsNeverTakenForWhole) {
  Dir dir;
  const std::string bytes(100'000, 'b');
  const std::string sha = sha256_hex(bytes);
  const fs::path file = dir.path / "raw" / sha.substr(0, 2) / sha;
  const auto read = [&] {
    std::ifstream in(file, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  };
  {
    auto s = store::Store::open(dir.path);
    ASSERT_TRUE(s.ok()) << s.error();
    // Half of the bytes under the name (a write cut by a crash, or damage).
    fs::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << bytes.substr(0, 40'000);
    auto archived = (*s)->archive(bytes);
    ASSERT_TRUE(archived.ok()) << archived.error();
    EXPECT_EQ(read(), bytes);
    (*s)->forget(sha);
    EXPECT_FALSE(fs::exists(file));
    // The same bytes archived by two returns at once, 20 times over: whole each time.
    for (int round = 0; round < 20; ++round) {
      Expected<std::string> a = make_error("not run"), b = make_error("not run");
      std::thread other([&] { b = (*s)->archive(bytes); });
      a = (*s)->archive(bytes);
      other.join();
      ASSERT_TRUE(a.ok() && b.ok()) << (a.ok() ? b.error() : a.error());
      EXPECT_EQ(read(), bytes) << "round " << round;
      (*s)->forget(sha);
      (*s)->forget(sha);
      EXPECT_FALSE(fs::exists(file)) << "round " << round;
    }
    // Archived and stored: kept, and whole.
    const store::Submission stored = add(**s, "2018", bytes, 10);
    EXPECT_EQ(stored.sha256, sha);
    EXPECT_EQ(read(), bytes);
    EXPECT_EQ(files_under(dir.path / "raw"), 1u);
  }
  // What a crash leaves half-written under its own name, no submission naming it: cleaned at open.
  const std::string other(50'000, 'o');
  const std::string other_sha = sha256_hex(other);
  fs::create_directories(dir.path / "raw" / other_sha.substr(0, 2));
  std::ofstream(dir.path / "raw" / other_sha.substr(0, 2) / other_sha, std::ios::binary) << other.substr(0, 4096);
  auto s = store::Store::open(dir.path);
  ASSERT_TRUE(s.ok()) << s.error();
  EXPECT_EQ((*s)->cleaned_at_open(), 1u);
  EXPECT_FALSE(fs::exists(dir.path / "raw" / other_sha.substr(0, 2) / other_sha));
  EXPECT_EQ(read(), bytes);
  EXPECT_TRUE(store::verify(dir.path).ok());
}

TEST(StoreIntegrity, AFullDiskIsNamedAndLeavesNothingPartial) {
  if (::geteuid() != 0) GTEST_SKIP() << "mounting a small tmpfs needs root";
  Dir dir;
  ASSERT_EQ(::mount("tmpfs", dir.path.c_str(), "tmpfs", 0, "size=4m"), 0) << std::strerror(errno);
  struct Unmount {
    const fs::path& p;
    ~Unmount() { ::umount2(p.c_str(), MNT_DETACH); }
  } unmount{dir.path};
  {
    auto s = store::Store::open(dir.path / "var");
    ASSERT_TRUE(s.ok()) << s.error();
    const std::string big(8u << 20, 'x');  // 8 MiB on a 4 MiB disk (the schema of 64 KiB pages needs more than 1 MiB since migration 3)
    auto archived = (*s)->archive(big);
    ASSERT_FALSE(archived.ok());
    EXPECT_NE(archived.error().find("the disk is full (ENOSPC"), std::string::npos) << archived.error();
    EXPECT_EQ(files_under(dir.path / "var" / "raw"), 0u) << "a partial raw file was left";
    // A return that fits as a file but not in the database: refused, named,
    // and its raw file removed.
    std::size_t stored = 0;
    std::string error;
    for (int i = 0; i < 80 && error.empty(); ++i) {
      normalise::Layout layout;
      layout.fields = {"members_total"};
      layout.is_count = {true};
      layout.columns = {11};
      layout.paths = {""};
      normalise::RecordSet set(std::move(layout));
      for (int r = 0; r < 400; ++r) {
        normalise::CompactRecord c;
        c.values.emplace_back(0, r);
        c.where = static_cast<std::uint32_t>(r);
        const std::string name = std::to_string(i) + "/" + std::to_string(r) + std::string(300, 'y');
        c.org_name = name;
        set.add(c);
      }
      const std::string raw = "raw " + std::to_string(i);
      store::NewSubmission n = test::csv_submission("Than Uyên", "2018", "f.csv", raw);
      n.records = std::move(set);
      auto added = (*s)->add(std::move(n));
      if (added.ok()) ++stored;
      else error = added.error();
    }
    ASSERT_FALSE(error.empty()) << "4 MiB held " << stored << " returns";
    EXPECT_NE(error.find("the disk is full (ENOSPC"), std::string::npos) << error;
    EXPECT_EQ(files_under(dir.path / "var" / "raw"), stored) << "the refused return's raw file was left";
  }
}
