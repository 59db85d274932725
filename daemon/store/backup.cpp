#include "store/backup.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <boost/json.hpp>
#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include "store/digest.hpp"
#include "store/internal.hpp"
#include "store/store.hpp"

namespace tonghop::store {

namespace fs = std::filesystem;

namespace {

constexpr const char* kManifest = "MANIFEST.sha256";
constexpr const char* kInfo = "backup.json";

// A descriptor, closed on scope exit.
struct Fd {
  int fd = -1;
  explicit Fd(int f) : fd(f) {}
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
};

bool is_sha256(std::string_view s) {
  return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

bool sync_dir(const fs::path& dir) {
  const Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  return fd.fd >= 0 && ::fsync(fd.fd) == 0;
}

// Copies `from` to `to` (when `to` is not empty) and hashes what was read;
// the copy is fsynced. The hash, or why not.
Expected<std::string> copy_hashed(const fs::path& from, const fs::path& to = {}) {
  const Fd in(::open(from.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (in.fd < 0) return make_error(fmt::format("cannot read {}: {}", from.string(), std::strerror(errno)));
  const Fd out(to.empty() ? -1 : ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640));
  if (!to.empty() && out.fd < 0) return make_error(fmt::format("cannot create {}: {}", to.string(), std::strerror(errno)));
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  std::vector<char> buffer(1 << 20);
  std::string error;
  while (true) {
    const ssize_t n = ::read(in.fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) error = fmt::format("cannot read {}: {}", from.string(), std::strerror(errno));
    if (n <= 0) break;
    EVP_DigestUpdate(ctx, buffer.data(), static_cast<std::size_t>(n));
    for (ssize_t done = 0; out.fd >= 0 && done < n;) {
      const ssize_t w = ::write(out.fd, buffer.data() + done, static_cast<std::size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {
        error = fmt::format("cannot write {}: {}", to.string(), w < 0 ? std::strerror(errno) : "no room");
        break;
      }
      done += w;
    }
    if (!error.empty()) break;
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(ctx, digest, &length);
  EVP_MD_CTX_free(ctx);
  if (error.empty() && out.fd >= 0 && ::fsync(out.fd) != 0)
    error = fmt::format("cannot sync {}: {}", to.string(), std::strerror(errno));
  if (!error.empty()) return make_error(error);
  std::string hex;
  for (unsigned i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

Expected<bool> write_text(const fs::path& file, const std::string& text) {
  const Fd fd(::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640));
  if (fd.fd < 0) return make_error(fmt::format("cannot create {}: {}", file.string(), std::strerror(errno)));
  if (::write(fd.fd, text.data(), text.size()) != static_cast<ssize_t>(text.size()) || ::fsync(fd.fd) != 0)
    return make_error(fmt::format("cannot write {}: {}", file.string(), std::strerror(errno)));
  return true;
}

// Every submission's raw file hash, from a database (read only).
Expected<std::vector<std::string>> raw_hashes(const fs::path& db_file, bool check_integrity) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    const std::string why = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return make_error(fmt::format("{} cannot be opened: {}", db_file.string(), why));
  }
  std::string problems;
  std::vector<std::string> out;
  sqlite3_stmt* s = nullptr;
  if (check_integrity) {
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check(20)", -1, &s, nullptr) != SQLITE_OK)
      problems = sqlite3_errmsg(db);
    while (s != nullptr && sqlite3_step(s) == SQLITE_ROW) {
      const std::string line = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
      if (line != "ok") problems += (problems.empty() ? "" : "; ") + line;
    }
    sqlite3_finalize(s);
    s = nullptr;
  }
  if (problems.empty()) {
    if (sqlite3_prepare_v2(db, "SELECT DISTINCT sha256 FROM submissions ORDER BY sha256", -1, &s, nullptr) != SQLITE_OK)
      problems = fmt::format("the submissions cannot be listed: {}", sqlite3_errmsg(db));
    int rc = SQLITE_ROW;
    while (s != nullptr && (rc = sqlite3_step(s)) == SQLITE_ROW)
      out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
    if (s != nullptr && rc != SQLITE_DONE) problems = fmt::format("the submissions cannot be read: {}", sqlite3_errmsg(db));
    sqlite3_finalize(s);
  }
  sqlite3_close(db);
  if (!problems.empty()) return make_error(fmt::format("{} is damaged: {}", db_file.string(), problems));
  return out;
}

// Each submission of a database (read only) against its digest
// (store/digest.hpp): those changed since they were committed.
std::vector<std::string> changed_submissions(const fs::path& db_file) {
  sqlite3* db = nullptr;
  std::vector<std::string> out;
  if (sqlite3_open_v2(db_file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    auto d = check_digests(db);
    out = std::move(d.changed);
    if (!d.failed.empty()) out.push_back(fmt::format("the submissions of {} cannot be read: {}", db_file.string(), d.failed));
  }
  sqlite3_close(db);
  return out;
}

// The one integer `sql` gives of a database opened read-only (-1: none).
std::int64_t read_integer(const fs::path& db_file, const char* sql) {
  sqlite3* db = nullptr;
  std::int64_t n = -1;
  if (sqlite3_open_v2(db_file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
      n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
  }
  sqlite3_close(db);
  return n;
}

std::size_t count_submissions(const fs::path& db_file) {
  return static_cast<std::size_t>(std::max<std::int64_t>(read_integer(db_file, "SELECT COUNT(*) FROM submissions"), 0));
}

fs::path raw_relative(const std::string& sha) { return fs::path("raw") / sha.substr(0, 2) / sha; }

// The manifest's lines: path -> hash. Anything but "<64 hex>  <relative path>"
// lines naming tonghop.db, backup.json or raw/xx/<hash> is refused.
Expected<std::map<std::string, std::string>> read_manifest(const fs::path& from) {
  std::ifstream in(from / kManifest);
  if (!in)
    return make_error(fmt::format("{} has no {}: it is not a complete backup (a backup writes it last)",
                                  from.string(), kManifest));
  std::map<std::string, std::string> files;
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) continue;
    const std::string hash = line.substr(0, 64);
    const std::string path = line.size() > 66 ? line.substr(66) : "";
    const std::string gap = line.size() > 66 ? line.substr(64, 2) : "";
    const bool raw = path.size() == 4 + 3 + 64 && path.starts_with("raw/") && path[6] == '/' &&
                     is_sha256(path.substr(7)) && path.substr(4, 2) == path.substr(7, 2);
    if (!is_sha256(hash) || gap != "  " || !(path == "tonghop.db" || path == kInfo || raw) ||
        files.count(path))
      return make_error(fmt::format("{}:{}: not a line of a tonghop backup's manifest", (from / kManifest).string(), number));
    files[path] = hash;
  }
  if (!files.count("tonghop.db"))
    return make_error(fmt::format("{} names no tonghop.db", (from / kManifest).string()));
  return files;
}

}  // namespace

Expected<BackupSummary> backup(const fs::path& data_dir, const fs::path& to) {
  const fs::path source = data_dir / "tonghop.db";
  std::error_code ec;
  if (!fs::is_regular_file(source, ec))
    return make_error(fmt::format("{} holds no database (tonghop.db): nothing to back up", data_dir.string()));
  if (fs::exists(to, ec) && !fs::is_empty(to, ec))
    return make_error(fmt::format("{} exists and is not empty: a backup goes into a new folder", to.string()));
  fs::create_directories(to / "raw", ec);
  if (ec) return make_error(fmt::format("cannot create {}: {}", to.string(), ec.message()));

  // The database: SQLite's online backup, in one step (one read transaction:
  // the database as it was when the step began; the daemon's writers go on in
  // the WAL meanwhile).
  BackupSummary summary;
  {
    sqlite3* src = nullptr;
    sqlite3* dst = nullptr;
    auto close = [&] {
      sqlite3_close(src);
      sqlite3_close(dst);
    };
    if (sqlite3_open_v2(source.c_str(), &src, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
      const std::string why = src ? sqlite3_errmsg(src) : "out of memory";
      close();
      return make_error(fmt::format("cannot open {}: {}", source.string(), why));
    }
    sqlite3_busy_timeout(src, 10000);
    if (sqlite3_open_v2((to / "tonghop.db").c_str(), &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
        SQLITE_OK) {
      const std::string why = dst ? sqlite3_errmsg(dst) : "out of memory";
      close();
      return make_error(fmt::format("cannot create {}: {}", (to / "tonghop.db").string(), why));
    }
    sqlite3_backup* b = sqlite3_backup_init(dst, "main", src, "main");
    int rc = b ? sqlite3_backup_step(b, -1) : SQLITE_ERROR;
    while (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
      sqlite3_sleep(100);
      rc = sqlite3_backup_step(b, -1);
    }
    sqlite3_backup_finish(b);
    const std::string why = sqlite3_errmsg(dst);
    if (rc != SQLITE_DONE) {
      const bool full = rc == SQLITE_FULL || sqlite3_errcode(dst) == SQLITE_FULL;
      close();
      // The backup's disk, not the data's: the officer must know which one to free.
      if (full)
        return make_error(fmt::format("{} has no room: the disk is full (ENOSPC) while the database was copied into it; "
                                      "nothing in {} changed. Free space there or back up to another disk",
                                      to.string(), data_dir.string()));
      return make_error(fmt::format("the online backup of {} into {} failed: {}", source.string(), to.string(), why));
    }
    // The copy stands alone: its log folded in, a rollback journal from now on.
    char* msg = nullptr;
    if (sqlite3_exec(dst, "PRAGMA journal_mode=DELETE;", nullptr, nullptr, &msg) != SQLITE_OK) {
      const std::string m = msg ? msg : "sqlite error";
      sqlite3_free(msg);
      close();
      return make_error(fmt::format("the copy of the database cannot be closed cleanly: {}", m));
    }
    // Blocks staged for a return still being imported (or left by a daemon
    // killed mid-import) are no submission's: not kept in the copy (issue 18,
    // stage). Were one left, the restored store's first open would remove it.
    if (remove_orphan_blocks(dst) < 0) {
      const std::string cause = sqlite3_errmsg(dst);
      close();
      return make_error(fmt::format("the copy of the database cannot be cleaned of staged records: {}", cause));
    }
    close();
  }
  // The copy checked as a restore will check it.
  auto hashes = raw_hashes(to / "tonghop.db", true);
  if (!hashes) return make_error("the copy of the database is not sound: " + hashes.error());
  summary.submissions = count_submissions(to / "tonghop.db");
  summary.changed = changed_submissions(to / "tonghop.db");

  std::string manifest;
  {
    auto h = copy_hashed(to / "tonghop.db");
    if (!h) return make_error(h.error());
    manifest += *h + "  tonghop.db\n";
    summary.bytes += fs::file_size(to / "tonghop.db", ec);
  }
  // The raw files the copy names: content-addressed and never changed once
  // written, so copying them now, after the snapshot, is consistent.
  std::vector<std::string> damaged;
  boost::json::array left_out;
  for (const auto& sha : *hashes) {
    if (!is_sha256(sha)) {
      damaged.push_back(fmt::format("a submission names '{}', not a SHA-256", sha));
      continue;
    }
    fs::create_directories(to / "raw" / sha.substr(0, 2), ec);
    const fs::path raw = data_dir / raw_relative(sha);
    auto h = copy_hashed(raw, to / raw_relative(sha));
    // A raw file missing or damaged in the data directory: left out, said,
    // and the rest backed up. A copy that cannot be written is the backup's
    // own failure, and stops it.
    if ((!h && !fs::exists(raw, ec)) || (h && *h != sha)) {
      summary.left_out.push_back(!h ? fmt::format("{} is missing", raw.string())
                                    : fmt::format("{} does not match its SHA-256 (damaged)", raw.string()));
      left_out.emplace_back(sha);
      fs::remove(to / raw_relative(sha), ec);
      continue;
    }
    if (!h) {
      damaged.push_back(h.error());
      continue;
    }
    manifest += sha + "  " + raw_relative(sha).string() + "\n";
    summary.bytes += fs::file_size(to / raw_relative(sha), ec);
    ++summary.raw_files;
    sync_dir(to / "raw" / sha.substr(0, 2));
  }
  if (!damaged.empty()) {
    std::string all;
    for (const auto& d : damaged) all += "\n  " + d;
    return make_error(fmt::format("{} raw file(s) could not be copied sound; {} is not a backup (no manifest). Run "
                                  "`tonghopd verify` on the data directory:{}",
                                  damaged.size(), to.string(), all));
  }
  boost::json::object info;
  info["created_at"] = now_iso8601();
  info["data_dir"] = fs::absolute(data_dir, ec).string();
  info["submissions"] = static_cast<std::int64_t>(summary.submissions);
  info["raw_files"] = static_cast<std::int64_t>(summary.raw_files);
  if (!left_out.empty()) info["left_out"] = std::move(left_out);
  if (auto w = write_text(to / kInfo, boost::json::serialize(info) + "\n"); !w) return make_error(w.error());
  auto h = copy_hashed(to / kInfo);
  if (!h) return make_error(h.error());
  manifest += *h + "  " + kInfo + "\n";
  sync_dir(to / "raw");
  // Last: the manifest makes the folder a backup.
  const fs::path partial = to / (std::string(kManifest) + ".tmp");
  if (auto w = write_text(partial, manifest); !w) return make_error(w.error());
  fs::rename(partial, to / kManifest, ec);
  if (ec) return make_error(fmt::format("cannot write {}: {}", (to / kManifest).string(), ec.message()));
  sync_dir(to);
  return summary;
}

// The raw files a backup says it was made without (backup.json's left_out;
// the manifest has vouched for the file).
std::set<std::string> left_out_of(const fs::path& from) {
  std::set<std::string> out;
  boost::system::error_code ec;
  std::ifstream in(from / kInfo, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto info = boost::json::parse(text, ec);
  if (ec || !info.is_object()) return out;
  if (const auto* list = info.as_object().if_contains("left_out"); list != nullptr && list->is_array())
    for (const auto& v : list->as_array())
      if (v.is_string() && is_sha256(v.as_string())) out.emplace(v.as_string());
  return out;
}

std::vector<std::string> check_backup(const fs::path& from) {
  std::vector<std::string> problems;
  auto files = read_manifest(from);
  if (!files) return {files.error()};
  for (const auto& [path, hash] : *files) {
    auto h = copy_hashed(from / path);
    if (!h) problems.push_back(h.error());
    else if (*h != hash)
      problems.push_back(fmt::format("{} does not match its SHA-256 in the manifest (damaged)", (from / path).string()));
  }
  if (!problems.empty()) return problems;
  // A database of a newer tonghopd: this one would refuse to start on it,
  // after the restore had moved the working one aside.
  if (const auto version = read_integer(from / "tonghop.db", "PRAGMA user_version"); version > Store::schema_version())
    return {fmt::format("{} has schema version {}, newer than this tonghopd's ({}): restore it with the tonghopd that "
                        "made it, or upgrade this one first",
                        (from / "tonghop.db").string(), version, Store::schema_version())};
  auto hashes = raw_hashes(from / "tonghop.db", true);
  if (!hashes) return {hashes.error()};
  const std::set<std::string> left_out = left_out_of(from);
  for (const auto& sha : *hashes)
    if (!is_sha256(sha) || (!files->count(raw_relative(sha).string()) && !left_out.count(sha)))
      problems.push_back(fmt::format("a submission's raw file ({}) is not in the backup", sha));
  return problems;
}

Expected<RestoreSummary> restore(const fs::path& from, const fs::path& data_dir) {
  if (auto problems = check_backup(from); !problems.empty()) {
    std::string all;
    for (const auto& p : problems) all += "\n  " + p;
    return make_error(fmt::format("{} is not a sound backup; nothing was changed:{}", from.string(), all));
  }
  std::error_code ec;
  fs::create_directories(data_dir, ec);
  if (ec) return make_error(fmt::format("cannot create {}: {}", data_dir.string(), ec.message()));
  // A daemon (or any writer) holds the lock while it runs: never restore under it.
  const Fd lock(::open((data_dir / "tonghop.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640));
  if (lock.fd < 0 || ::flock(lock.fd, LOCK_EX | LOCK_NB) != 0)
    return make_error(fmt::format("{} is in use (a running tonghopd holds {}); stop it first (systemctl stop "
                                  "tonghopd); nothing was changed",
                                  data_dir.string(), (data_dir / "tonghop.lock").string()));
  // Staged inside the data directory (the same file system: renames),
  // checked again. The time names the folders, and a number after it when
  // a restore of the same second left its own (one restore's copy of the
  // database moved aside must never be moved over by the next's).
  const std::string stamp = [&] {
    std::string s = now_iso8601();
    for (char& c : s)
      if (c == ':') c = '-';
    std::string unique = s;
    for (int n = 2; fs::exists(data_dir / ("pre-restore-" + unique)) || fs::exists(data_dir / (".restore-" + unique)); ++n)
      unique = s + "-" + std::to_string(n);
    return unique;
  }();
  const fs::path staged = data_dir / (".restore-" + stamp);
  auto failed = [&](const std::string& why) -> Expected<RestoreSummary> {
    std::error_code ignored;
    fs::remove_all(staged, ignored);
    return make_error(why + "; nothing was changed");
  };
  fs::create_directories(staged / "raw", ec);
  if (ec) return failed(fmt::format("cannot create {}: {}", staged.string(), ec.message()));
  auto files = read_manifest(from);
  if (!files) return failed(files.error());
  RestoreSummary summary;
  for (const auto& [path, hash] : *files) {
    if (path == kInfo) continue;
    fs::create_directories((staged / path).parent_path(), ec);
    auto h = copy_hashed(from / path, staged / path);
    if (!h) return failed(h.error());
    if (*h != hash) return failed(fmt::format("{} changed while it was copied", (from / path).string()));
    if (path != "tonghop.db") ++summary.raw_files;
  }
  summary.submissions = count_submissions(staged / "tonghop.db");
  summary.changed = changed_submissions(staged / "tonghop.db");
  for (const auto& sha : left_out_of(from)) summary.left_out.push_back(sha);

  // What is replaced goes aside, whole: the database (with its log) and raw/.
  const fs::path aside = data_dir / ("pre-restore-" + stamp);
  bool moved = false;
  for (const char* name : {"tonghop.db", "tonghop.db-wal", "tonghop.db-shm", "raw"}) {
    if (!fs::exists(data_dir / name, ec)) continue;
    fs::create_directories(aside, ec);
    fs::rename(data_dir / name, aside / name, ec);
    if (ec) {
      // Put back what already moved, and say so.
      for (const char* back : {"tonghop.db", "tonghop.db-wal", "tonghop.db-shm", "raw"}) {
        std::error_code ignored;
        if (fs::exists(aside / back, ignored)) fs::rename(aside / back, data_dir / back, ignored);
      }
      return failed(fmt::format("cannot move {} aside: {}", (data_dir / name).string(), ec.message()));
    }
    moved = true;
  }
  fs::rename(staged / "tonghop.db", data_dir / "tonghop.db", ec);
  if (!ec) fs::rename(staged / "raw", data_dir / "raw", ec);
  if (ec)
    return make_error(fmt::format("the restore stopped half way ({}): the old files are in {}, the backup's in {}",
                                  ec.message(), aside.string(), staged.string()));
  fs::remove_all(staged, ec);
  sync_dir(data_dir);
  if (moved) summary.moved_aside = aside;
  return summary;
}

}  // namespace tonghop::store
