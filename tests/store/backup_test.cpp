// Backups (issue 16, item 6): `tonghopd backup` while the real daemon serves
// uploads, the copy checked with `tonghopd verify` and restored; damaged
// backups refused by `tonghopd restore` with nothing changed.
#include <gtest/gtest.h>

#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <sqlite3.h>

#include <atomic>
#include <cstdio>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <boost/json.hpp>

#include "support/daemon.hpp"

namespace json = boost::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using tonghop::test::ServedDaemon;

namespace {

const std::string kAdmin = "admin-token-for-the-backup-tests-0123456789";

tonghop::test::RunResult tonghopd(std::vector<std::string> args) {
  args.insert(args.begin(), TONGHOPD_PATH);
  return tonghop::test::run(args, {}, 120s);
}

// A return of Than Uyên whose figures depend on n: each upload is new bytes.
std::string csv(int n) {
  return "district,org_name,org_kind,members_total,members_female\n"
         "Than Uyên,Đảng bộ xã Mường Khoa,ĐB," + std::to_string(200 + n) + ",80\n"
         "Than Uyên,Chi bộ Bản Mồ,CB," + std::to_string(10 + n % 7) + ",5\n";
}

std::set<std::int64_t> ids_in(const fs::path& db_file) {
  std::set<std::int64_t> ids;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(db, "SELECT id FROM submissions", -1, &s, nullptr);
    while (s != nullptr && sqlite3_step(s) == SQLITE_ROW) ids.insert(sqlite3_column_int64(s, 0));
    sqlite3_finalize(s);
  }
  sqlite3_close(db);
  return ids;
}

// Every file under a folder with its bytes: what "nothing changed" is checked against.
std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    out[fs::relative(e.path(), dir).string()] = e.is_regular_file() ? tonghop::test::read_file(e.path()) : "<dir>";
  return out;
}

std::string submit(std::uint16_t port, const std::string& token, int n) {
  const auto r = tonghop::test::request(port, "POST", "/api/v1/submissions?district=Than%20Uy%C3%AAn&period=2018&filename=tu.csv",
                                        csv(n), "Authorization: Bearer " + token + "\r\n");
  return r && r->status == 201 ? std::to_string(json::parse(r->body).at("id").as_int64()) : "";
}

}  // namespace

// The round trip under load: uploads go on before, during and after the
// backup. Every submission acknowledged before the backup started is in the
// copy; the copy passes `tonghopd verify`; restored into a new data
// directory, a daemon serves it.
TEST(Backup, ACopyMadeWhileUploadsRunHoldsEveryAcknowledgedReturnAndVerifies) {
  ServedDaemon d(kAdmin);
  ASSERT_NE(d.port, 0);
  std::mutex mutex;
  std::vector<std::int64_t> acknowledged;
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::thread uploader([&] {
    for (int n = 0; n < 400 && !stop; ++n) {  // bounded
      const std::string id = submit(d.port, kAdmin, n);
      if (id.empty()) {
        ++failures;
        continue;
      }
      std::lock_guard lock(mutex);
      acknowledged.push_back(std::stoll(id));
    }
  });
  auto count = [&] {
    std::lock_guard lock(mutex);
    return acknowledged.size();
  };
  for (int i = 0; i < 600 && count() < 5; ++i) std::this_thread::sleep_for(50ms);
  std::vector<std::int64_t> before;
  {
    std::lock_guard lock(mutex);
    before = acknowledged;
  }
  ASSERT_GE(before.size(), 5u) << d.process->output();
  const fs::path copy = d.dir.path() / "backup-1";
  const auto made = tonghopd({"backup", copy.string(), "--config", (d.dir.path() / "tonghop.toml").string()});
  const std::size_t during = count();
  // A few more after it, then stop.
  for (int i = 0; i < 200 && count() < during + 3; ++i) std::this_thread::sleep_for(50ms);
  stop = true;
  uploader.join();
  ASSERT_EQ(made.exit_code, 0) << made.output;
  EXPECT_NE(made.output.find("backup of"), std::string::npos) << made.output;
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(count(), before.size()) << "uploads went on around the backup";

  const auto in_copy = ids_in(copy / "tonghop.db");
  for (const auto id : before) EXPECT_TRUE(in_copy.count(id)) << "acknowledged #" << id << " before the backup";
  // The copy is a data directory verify accepts, and its manifest checks with sha256sum.
  const auto verified = tonghopd({"verify", "--data-dir", copy.string()});
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
  const auto sums = tonghop::test::run({"/bin/sh", "-c", "cd '" + copy.string() + "' && sha256sum --quiet -c MANIFEST.sha256"});
  EXPECT_EQ(sums.exit_code, 0) << sums.output;
  const auto info = json::parse(tonghop::test::read_file(copy / "backup.json"));
  EXPECT_EQ(info.at("submissions").as_int64(), static_cast<std::int64_t>(in_copy.size()));

  // Restored into a new data directory, it is served: the last acknowledged
  // before the backup is the copy's current return or an earlier one of it.
  const fs::path restored = d.dir.path() / "restored";
  const auto r = tonghopd({"restore", copy.string(), "--data-dir", restored.string(), "--config",
                           (d.dir.path() / "tonghop.toml").string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(ids_in(restored / "tonghop.db"), in_copy);
  EXPECT_EQ(tonghopd({"verify", "--data-dir", restored.string()}).exit_code, 0);
  tonghop::test::Process again({TONGHOPD_PATH, "--config", (d.dir.path() / "tonghop.toml").string(), "--data-dir",
                                restored.string()},
                               {"TONGHOP_ADMIN_TOKEN=" + kAdmin}, {}, d.dir.path());
  const auto port = tonghop::test::listening_port(again);
  ASSERT_NE(port, 0) << again.output();
  const auto one = tonghop::test::request(port, "GET", "/api/v1/submissions/" + std::to_string(before.back()), {},
                                          "Authorization: Bearer " + kAdmin + "\r\n");
  ASSERT_TRUE(one && one->status == 200);
  EXPECT_EQ(json::parse(one->body).at("records").as_array()[0].at("members_total").as_int64(),
            200 + static_cast<std::int64_t>(before.size()) - 1);
}

// Damaged backups, and restores that must not happen: each refused with a
// clear message and a non-zero exit, and the data directory unchanged.
TEST(Backup, ADamagedBackupOrADataDirectoryInUseIsRefusedAndNothingChanges) {
  ServedDaemon d(kAdmin);
  ASSERT_NE(submit(d.port, kAdmin, 1), "");
  ASSERT_NE(submit(d.port, kAdmin, 2), "");
  const std::string config = (d.dir.path() / "tonghop.toml").string();
  const fs::path good = d.dir.path() / "good";
  ASSERT_EQ(tonghopd({"backup", good.string(), "--config", config}).exit_code, 0);
  ASSERT_NE(submit(d.port, kAdmin, 3), "");  // the data directory now differs from the backup

  // Into a folder that is not empty: refused, the folder as it was.
  const auto twice = tonghopd({"backup", good.string(), "--config", config});
  EXPECT_EQ(twice.exit_code, 1);
  EXPECT_NE(twice.output.find("is not empty"), std::string::npos) << twice.output;

  // Over the running daemon's data: refused (it holds tonghop.lock).
  const fs::path data = d.dir.path() / "var";
  const auto in_use = tonghopd({"restore", good.string(), "--config", config});
  EXPECT_EQ(in_use.exit_code, 1);
  EXPECT_NE(in_use.output.find("is in use"), std::string::npos) << in_use.output;

  d.process->signal(SIGTERM);
  ASSERT_EQ(d.process->wait(10s).value_or(-1), 0);
  auto before = snapshot(data);
  before.erase("tonghop.lock");

  auto damaged_copy = [&](const std::string& name) {
    const fs::path p = d.dir.path() / name;
    fs::copy(good, p, fs::copy_options::recursive);
    return p;
  };
  auto refused = [&](const fs::path& backup, const std::string& says) {
    const auto r = tonghopd({"restore", backup.string(), "--config", config});
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_NE(r.output.find(says), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("nothing was changed"), std::string::npos) << r.output;
    auto after = snapshot(data);
    after.erase("tonghop.lock");
    EXPECT_EQ(after, before) << "restore of " << backup << " changed the data directory";
  };
  // A flipped byte in a raw file.
  {
    const fs::path b = damaged_copy("flipped");
    fs::path raw;
    for (const auto& e : fs::recursive_directory_iterator(b / "raw"))
      if (e.is_regular_file()) raw = e.path();
    ASSERT_FALSE(raw.empty());
    std::string bytes = tonghop::test::read_file(raw);
    bytes[bytes.size() / 2] ^= 0x01;
    tonghop::test::write_file(raw, bytes);
    refused(b, raw.filename().string() + " does not match its SHA-256");
  }
  // A truncated database.
  {
    const fs::path b = damaged_copy("truncated");
    fs::resize_file(b / "tonghop.db", fs::file_size(b / "tonghop.db") / 2);
    refused(b, "tonghop.db does not match its SHA-256");
  }
  // A truncated database with a manifest made to match it: the integrity check refuses it.
  {
    const fs::path b = damaged_copy("truncated-resummed");
    fs::resize_file(b / "tonghop.db", fs::file_size(b / "tonghop.db") / 2);
    const auto resum = tonghop::test::run(
        {"/bin/sh", "-c", "cd '" + b.string() + "' && sha256sum tonghop.db backup.json raw/*/* > MANIFEST.sha256"});
    ASSERT_EQ(resum.exit_code, 0) << resum.output;
    refused(b, "tonghop.db");
  }
  // No manifest: not a (complete) backup.
  {
    const fs::path b = damaged_copy("unfinished");
    fs::remove(b / "MANIFEST.sha256");
    refused(b, "it is not a complete backup");
  }
  // A manifest line that names something else.
  {
    const fs::path b = damaged_copy("hostile");
    tonghop::test::write_file(b / "MANIFEST.sha256", tonghop::test::read_file(b / "MANIFEST.sha256") +
                                                         std::string(64, 'a') + "  ../../etc/passwd\n");
    refused(b, "not a line of a tonghop backup's manifest");
  }
  // A database of a newer tonghopd (its manifest made to match): this one
  // would not start on it once restored.
  auto set_version = [](const fs::path& db, int version) {
    const auto r = tonghop::test::run({"/usr/bin/python3", "-c",
                                       "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('PRAGMA user_version=" +
                                           std::to_string(version) + "'); c.commit()",
                                       db.string()});
    ASSERT_EQ(r.exit_code, 0) << r.output;
  };
  {
    const fs::path b = damaged_copy("newer");
    set_version(b / "tonghop.db", 99);
    const auto resum = tonghop::test::run(
        {"/bin/sh", "-c", "cd '" + b.string() + "' && sha256sum tonghop.db backup.json raw/*/* > MANIFEST.sha256"});
    ASSERT_EQ(resum.exit_code, 0) << resum.output;
    refused(b, "has schema version 99, newer than this tonghopd's");
  }
  // A sound one: restored, and what it replaced kept aside; at once again
  // (the same second): each restore's copy kept, neither moved over. Begun
  // just after a second turns, so that both fall in it (the folders are
  // named by the second), and checked below that they did.
  const auto turn = std::chrono::system_clock::now().time_since_epoch();
  std::this_thread::sleep_for(std::chrono::seconds(1) - (turn % std::chrono::seconds(1)) + 5ms);
  const auto ok = tonghopd({"restore", good.string(), "--config", config});
  ASSERT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_NE(ok.output.find("pre-restore-"), std::string::npos) << ok.output;
  const auto again = tonghopd({"restore", good.string(), "--config", config});
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(ids_in(data / "tonghop.db"), (std::set<std::int64_t>{1, 2}));
  EXPECT_EQ(tonghopd({"verify", "--config", config}).exit_code, 0);
  std::multiset<std::set<std::int64_t>> aside;
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(data))
    if (e.path().filename().string().starts_with("pre-restore-")) {
      aside.insert(ids_in(e.path() / "tonghop.db"));
      names.insert(e.path().filename().string());
    }
  EXPECT_EQ(aside, (std::multiset<std::set<std::int64_t>>{{1, 2, 3}, {1, 2}}));
  // The two in one second: the second's folder is the first's name and "-2".
  ASSERT_EQ(names.size(), 2u);
  if (names.rbegin()->starts_with(*names.begin()))
    EXPECT_EQ(*names.rbegin(), *names.begin() + "-2");
  else
    std::printf("(the two restores fell in two seconds on this loaded machine: the same-second case was not met)\n");
  // verify says a database of a newer tonghopd is not this one's.
  set_version(data / "tonghop.db", 99);
  const auto newer = tonghopd({"verify", "--config", config});
  EXPECT_EQ(newer.exit_code, 1) << newer.output;
  EXPECT_NE(newer.output.find("schema version 99, newer than this tonghopd's"), std::string::npos) << newer.output;
  // Usage: no folder.
  EXPECT_EQ(tonghopd({"restore", "--config", config}).exit_code, 2);
  EXPECT_EQ(tonghopd({"backup", "--config", config}).exit_code, 2);
}

TEST(Backup, ADataDirectoryWithoutADatabaseHasNothingToBackUp) {
  tonghop::test::TempDir dir;
  const auto r = tonghopd({"backup", (dir.path() / "b").string(), "--data-dir", (dir.path() / "empty").string(),
                           "--config", TONGHOP_SOURCE_DIR "/config/tonghop.toml"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("holds no database"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir.path() / "empty" / "tonghop.db"));
}

// One damaged raw file stopped every backup, night after night, until the
// district sent its file again. It is left out and named (exit 3); the
// backup holds everything else and restores, saying what it lacks.
TEST(Backup, ADamagedRawFileIsLeftOutOfTheBackupAndNamedAndTheRestIsBackedUp) {
  ServedDaemon d(kAdmin);
  const std::string first = submit(d.port, kAdmin, 1);
  ASSERT_NE(first, "");
  const std::string second = submit(d.port, kAdmin, 2);
  ASSERT_NE(second, "");
  const std::string config = (d.dir.path() / "tonghop.toml").string();
  // Raw files are named by their SHA-256.
  fs::path damaged, sound;
  for (const auto& e : fs::recursive_directory_iterator(d.dir.path() / "var" / "raw"))
    if (e.is_regular_file()) (tonghop::test::read_file(e.path()) == csv(1) ? damaged : sound) = e.path();
  ASSERT_FALSE(damaged.empty());
  ASSERT_FALSE(sound.empty());
  const std::string damaged_sha = damaged.filename().string(), sound_sha = sound.filename().string();
  std::string bytes = csv(1);
  bytes[3] ^= 0x01;
  tonghop::test::write_file(damaged, bytes);

  const fs::path copy = d.dir.path() / "backup";
  const auto made = tonghopd({"backup", copy.string(), "--config", config});
  EXPECT_EQ(made.exit_code, 3) << made.output;
  EXPECT_NE(made.output.find("1 raw file(s) are not in it"), std::string::npos) << made.output;
  EXPECT_NE(made.output.find(damaged.string() + " does not match its SHA-256 (damaged)"), std::string::npos)
      << made.output;
  ASSERT_TRUE(fs::exists(copy / "MANIFEST.sha256")) << "a backup, of everything else";
  EXPECT_TRUE(fs::exists(copy / "raw" / sound_sha.substr(0, 2) / sound_sha));
  EXPECT_FALSE(fs::exists(copy / "raw" / damaged_sha.substr(0, 2) / damaged_sha));
  const auto info = json::parse(tonghop::test::read_file(copy / "backup.json"));
  EXPECT_EQ(info.at("left_out"), json::array{json::value(damaged_sha)});

  const fs::path restored = d.dir.path() / "restored";
  const auto r = tonghopd({"restore", copy.string(), "--data-dir", restored.string(), "--config", config});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("the backup was made without 1 raw file(s)"), std::string::npos) << r.output;
  EXPECT_EQ(ids_in(restored / "tonghop.db"), (std::set<std::int64_t>{std::stoll(first), std::stoll(second)}));
  const auto verified = tonghopd({"verify", "--data-dir", restored.string()});
  EXPECT_EQ(verified.exit_code, 1) << "the missing file is named: " << verified.output;
  EXPECT_NE(verified.output.find("submission #" + first), std::string::npos) << verified.output;

  // The same backup without its own account of the file (backup.json's
  // left_out taken away, the manifest made to agree): refused, as before.
  const fs::path forged = d.dir.path() / "forged";
  fs::copy(copy, forged, fs::copy_options::recursive);
  json::object plain = info.as_object();
  plain.erase("left_out");
  tonghop::test::write_file(forged / "backup.json", json::serialize(plain) + "\n");
  const auto resum = tonghop::test::run(
      {"/bin/sh", "-c", "cd '" + forged.string() + "' && sha256sum tonghop.db backup.json raw/*/* > MANIFEST.sha256"});
  ASSERT_EQ(resum.exit_code, 0) << resum.output;
  const auto refused = tonghopd({"restore", forged.string(), "--data-dir", (d.dir.path() / "r2").string(), "--config", config});
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_NE(refused.output.find("is not in the backup"), std::string::npos) << refused.output;
}

// The backup's disk full: the message named the data directory ("the online
// backup of /var/lib/tonghop/tonghop.db failed: database or disk is full"),
// the disk that was fine. It names the backup's folder, and says the data is
// unchanged.
TEST(Backup, AFullBackupDiskIsNamedNotTheDataDirectory) {
  if (::geteuid() != 0) GTEST_SKIP() << "mounting a small tmpfs needs root";
  ServedDaemon d(kAdmin);
  ASSERT_NE(submit(d.port, kAdmin, 1), "");
  const std::string config = (d.dir.path() / "tonghop.toml").string();
  const fs::path disk = d.dir.path() / "small-disk";
  fs::create_directories(disk);
  ASSERT_EQ(::mount("tmpfs", disk.c_str(), "tmpfs", 0, "size=256k"), 0) << std::strerror(errno);
  struct Unmount {
    const fs::path& p;
    ~Unmount() { ::umount2(p.c_str(), MNT_DETACH); }
  } unmount{disk};
  const auto r = tonghopd({"backup", (disk / "b").string(), "--config", config});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find((disk / "b").string() + " has no room: the disk is full (ENOSPC)"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("nothing in " + (d.dir.path() / "var").string() + " changed"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("the online backup of"), std::string::npos) << r.output;
}

// A raw file damaged on disk (a flipped byte keeps its size): verify names
// it; its download is refused, never other bytes handed out as the
// district's; the district sending the same file again mends it (it was
// answered "unchanged" and left damaged), and verify is sound again.
TEST(Backup, ADamagedRawFileIsNeverHandedOutAndTheSameFileSentAgainMendsIt) {
  ServedDaemon d(kAdmin);
  const std::string id = submit(d.port, kAdmin, 7);
  ASSERT_NE(id, "");
  const std::string config = (d.dir.path() / "tonghop.toml").string();
  fs::path raw;
  for (const auto& e : fs::recursive_directory_iterator(d.dir.path() / "var" / "raw"))
    if (e.is_regular_file()) raw = e.path();
  ASSERT_FALSE(raw.empty());
  std::string bytes = tonghop::test::read_file(raw);
  ASSERT_EQ(bytes, csv(7));
  bytes[bytes.size() / 2] ^= 0x01;
  tonghop::test::write_file(raw, bytes);
  EXPECT_EQ(tonghopd({"verify", "--config", config}).exit_code, 1);

  const std::string auth = "Authorization: Bearer " + kAdmin + "\r\n";
  const auto download = tonghop::test::request(d.port, "GET", "/api/v1/submissions/" + id + "/raw", {}, auth);
  ASSERT_TRUE(download);
  EXPECT_EQ(download->status, 500) << download->body;
  EXPECT_NE(download->body.find("is damaged"), std::string::npos) << download->body;

  const auto again = tonghop::test::request(d.port, "POST", "/api/v1/submissions?district=Than%20Uy%C3%AAn&period=2018&filename=tu.csv",
                                            csv(7), auth);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200) << again->body;
  EXPECT_EQ(json::parse(again->body).at("unchanged"), true);
  EXPECT_EQ(tonghop::test::read_file(raw), csv(7));
  EXPECT_EQ(tonghopd({"verify", "--config", config}).exit_code, 0);
  const auto mended = tonghop::test::request(d.port, "GET", "/api/v1/submissions/" + id + "/raw", {}, auth);
  ASSERT_TRUE(mended);
  EXPECT_EQ(mended->status, 200);
  EXPECT_EQ(mended->body, csv(7));
  EXPECT_TRUE(d.process->wait_for_output("was missing or damaged; written again", 5s)) << d.process->output();
}

// A figure changed in the database by hand after it was committed (the
// sqlite3 shell beside the running daemon): `verify` names the submission,
// a backup is still made but says it holds it as changed (exit 3), and a
// restore of that backup says the same (exit 3). SQLite's own checks pass.
TEST(Backup, ASubmissionChangedAfterItsCommitIsNamedByVerifyBackupAndRestore) {
  ServedDaemon d(kAdmin);
  const std::string first = submit(d.port, kAdmin, 1);
  const std::string second = submit(d.port, kAdmin, 2);
  ASSERT_NE(first, "");
  ASSERT_NE(second, "");
  const std::string config = (d.dir.path() / "tonghop.toml").string();
  ASSERT_EQ(tonghopd({"verify", "--config", config}).exit_code, 0);
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((d.dir.path() / "var" / "tonghop.db").c_str(), &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 10000);
    const std::string sql = "UPDATE submissions SET indicators = json_set(indicators, '$.members_total', 999) WHERE id = " + first;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    EXPECT_EQ(sqlite3_changes(db), 1);
    sqlite3_close(db);
  }
  const auto verified = tonghopd({"verify", "--config", config});
  EXPECT_EQ(verified.exit_code, 1) << verified.output;
  EXPECT_NE(verified.output.find("database ok"), std::string::npos) << verified.output;
  EXPECT_NE(verified.output.find("records: submission #" + first + " (Than Uyên, 2018, tu.csv"), std::string::npos)
      << verified.output;
  EXPECT_NE(verified.output.find("differ from what was committed"), std::string::npos) << verified.output;
  EXPECT_EQ(verified.output.find("submission #" + second + " ("), std::string::npos) << verified.output;

  const fs::path copy = d.dir.path() / "backup";
  const auto made = tonghopd({"backup", copy.string(), "--config", config});
  EXPECT_EQ(made.exit_code, 3) << made.output;
  EXPECT_NE(made.output.find("1 submission(s) in it differ from what was committed"), std::string::npos) << made.output;
  EXPECT_NE(made.output.find("submission #" + first + " ("), std::string::npos) << made.output;
  ASSERT_TRUE(fs::exists(copy / "MANIFEST.sha256")) << "a backup all the same";

  const fs::path restored = d.dir.path() / "restored";
  const auto r = tonghopd({"restore", copy.string(), "--data-dir", restored.string(), "--config", config});
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("restored, but 1 submission(s) in the backup differ"), std::string::npos) << r.output;
  EXPECT_EQ(ids_in(restored / "tonghop.db"), (std::set<std::int64_t>{std::stoll(first), std::stoll(second)}));
}
