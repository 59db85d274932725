#include "store/store.hpp"

#include "core/hash.hpp"
#include "store/sql.hpp"

#include <chrono>
#include <ctime>
#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <random>
#include <thread>

#include <boost/json.hpp>
#include <cerrno>
#include <cstring>
#include <sys/file.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sqlite3.h>
#include <unistd.h>

namespace tonghop::store {

namespace json = boost::json;

namespace {

// Numbered migrations, applied in order at start; never edited once shipped.
const char* const kMigrations[] = {
    // 1: the first schema
    R"sql(
CREATE TABLE tokens (
  id INTEGER PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'viewer', 'district')),
  district TEXT,
  created_at TEXT NOT NULL
);
CREATE TABLE submissions (
  id INTEGER PRIMARY KEY,
  district TEXT NOT NULL,
  period TEXT NOT NULL,
  filename TEXT NOT NULL,
  format TEXT NOT NULL,
  plugin TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size INTEGER NOT NULL,
  received_at TEXT NOT NULL,
  token_name TEXT NOT NULL,
  records INTEGER NOT NULL,
  indicators TEXT NOT NULL,
  superseded_by INTEGER REFERENCES submissions (id)
);
CREATE INDEX submissions_by_period ON submissions (period, district, id);
CREATE TABLE records (
  id INTEGER PRIMARY KEY,
  submission_id INTEGER NOT NULL REFERENCES submissions (id),
  seq INTEGER NOT NULL,
  org_name TEXT NOT NULL,
  org_kind TEXT NOT NULL,
  org_sector TEXT NOT NULL,
  org_rating TEXT NOT NULL,
  counts TEXT NOT NULL,
  provenance TEXT NOT NULL
);
CREATE INDEX records_by_submission ON records (submission_id, seq);
CREATE TABLE warnings (
  id INTEGER PRIMARY KEY,
  submission_id INTEGER NOT NULL REFERENCES submissions (id),
  issue TEXT NOT NULL
);
CREATE TABLE audit (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  who TEXT NOT NULL,
  role TEXT NOT NULL,
  action TEXT NOT NULL,
  detail TEXT NOT NULL
);
)sql",
    // 2: records compact, in blocks (a million-row return is a few hundred
    // rows, not a million): a block is `count` consecutive records of the
    // submission as normalise::RecordSet encodes them; what they share (the
    // sheet, each field's column or path, the kind/sector/rating texts) is the
    // submission's layout. Rows of records_v1 are converted by
    // upgrade_records_v1() in the same transaction.
    R"sql(
ALTER TABLE submissions ADD COLUMN layout TEXT NOT NULL DEFAULT '';
DROP INDEX records_by_submission;
ALTER TABLE records RENAME TO records_v1;
CREATE TABLE record_blocks (
  submission_id INTEGER NOT NULL REFERENCES submissions (id),
  first_seq INTEGER NOT NULL,
  count INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (submission_id, first_seq)
) WITHOUT ROWID;
)sql",
    // 3 (branch season): people, sessions and the season. Tokens get an
    // owner, their maker and a revocation; users keep an argon2id hash only;
    // a session is kept as the SHA-256 of its id; a period its due date and
    // lock; a submission the Board's review; a refused return its attempt.
    R"sql(
ALTER TABLE tokens ADD COLUMN owner TEXT;
ALTER TABLE tokens ADD COLUMN created_by TEXT;
ALTER TABLE tokens ADD COLUMN revoked_at TEXT;
CREATE TABLE users (
  name TEXT PRIMARY KEY,
  role TEXT NOT NULL CHECK (role IN ('admin', 'viewer', 'district')),
  district TEXT,
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE sessions (
  hash TEXT PRIMARY KEY,
  user_name TEXT NOT NULL REFERENCES users (name),
  created_at TEXT NOT NULL,
  expires INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE periods (
  period TEXT PRIMARY KEY,
  due TEXT,
  locked_at TEXT,
  locked_by TEXT
) WITHOUT ROWID;
CREATE TABLE reviews (
  submission_id INTEGER PRIMARY KEY REFERENCES submissions (id),
  state TEXT NOT NULL CHECK (state IN ('returned', 'approved')),
  reason TEXT,
  at TEXT NOT NULL,
  reviewed_by TEXT NOT NULL
);
CREATE TABLE attempts (
  id INTEGER PRIMARY KEY,
  district TEXT NOT NULL,
  period TEXT NOT NULL,
  at TEXT NOT NULL,
  who TEXT NOT NULL,
  source TEXT NOT NULL,
  filename TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size INTEGER NOT NULL,
  status INTEGER NOT NULL,
  errors TEXT NOT NULL,
  bytes BLOB
);
CREATE INDEX attempts_by_period ON attempts (period, district, id);
)sql",
    // (branch check) The Board's mappings of headers and JSON keys to
    // catalogue fields (store/mappings.hpp): for the province (district '')
    // or one district; `key` is the header folded as the catalogue folds it,
    // one mapping per key and district.
    R"sql(
CREATE TABLE mappings (
  id INTEGER PRIMARY KEY,
  district TEXT NOT NULL DEFAULT '',
  header TEXT NOT NULL,
  key TEXT NOT NULL,
  field TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  UNIQUE (district, key)
);
)sql",
};

// A prepared statement, finalised on scope exit.
using sql::Statement;

bool exec(sqlite3* db, const char* sql, std::string* error = nullptr) {
  char* msg = nullptr;
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &msg);
  if (rc != SQLITE_OK && error) *error = msg ? msg : "sqlite error";
  sqlite3_free(msg);
  return rc == SQLITE_OK;
}

const char* kSubmissionColumns =
    "id, district, period, filename, format, plugin, sha256, size, received_at, token_name, records, "
    "superseded_by, indicators, layout";

Submission read_submission(const Statement& s) {
  Submission r;
  r.id = s.integer(0);
  r.district = s.text(1);
  r.period = s.text(2);
  r.filename = s.text(3);
  r.format = s.text(4);
  r.plugin = s.text(5);
  r.sha256 = s.text(6);
  r.size = s.integer(7);
  r.received_at = s.text(8);
  r.token_name = s.text(9);
  r.records = s.integer(10);
  if (!s.null(11)) r.superseded_by = s.integer(11);
  r.indicators = s.text(12);
  r.layout = s.text(13);
  return r;
}

json::object place_json(const normalise::Place& p) {
  json::object o;
  if (!p.sheet.empty()) o["sheet"] = p.sheet;
  if (p.row) o["row"] = p.row;
  if (p.column) o["column"] = p.column;
  if (!p.path.empty()) o["path"] = p.path;
  return o;
}
normalise::Place place_from(const json::object& o) {
  normalise::Place p;
  if (o.contains("sheet")) p.sheet = o.at("sheet").as_string();
  if (o.contains("row")) p.row = static_cast<std::uint32_t>(o.at("row").to_number<std::int64_t>());
  if (o.contains("column")) p.column = static_cast<std::uint32_t>(o.at("column").to_number<std::int64_t>());
  if (o.contains("path")) p.path = o.at("path").as_string();
  return p;
}

// Why a write failed, the full disk named as such.
std::string why(int error) {
  if (error == ENOSPC || error == EDQUOT)
    return fmt::format("the disk is full (ENOSPC: {})", std::strerror(error));
  return std::strerror(error);
}

// SQLite's complaint, a full disk named as such.
std::string sqlite_why(sqlite3* db) {
  if ((sqlite3_extended_errcode(db) & 0xFF) == SQLITE_FULL)
    return fmt::format("the disk is full (ENOSPC: {})", sqlite3_errmsg(db));
  return sqlite3_errmsg(db);
}

bool fsync_path(const std::filesystem::path& p, int flags) {
  const int fd = ::open(p.c_str(), flags);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

// A submission's records, in the record set's blocks.
// `wal`: the write-ahead log's descriptor, or -1. Every 8 blocks (a few MiB)
// the pages SQLite has written to it so far are sent towards the disk
// (sync_file_range, SYNC_FILE_RANGE_WRITE: started, not waited for), so that
// the commit's fsync, which still makes the whole transaction durable, waits
// only for the last of them instead of all of a large return's (issue 18,
// e2e3).
bool write_blocks(sqlite3* db, std::int64_t id, const normalise::RecordSet& records, int wal = -1) {
  Statement ins(db, "INSERT INTO record_blocks (submission_id, first_seq, count, data) VALUES (?, ?, ?, ?)");
  constexpr std::size_t kBlock = normalise::RecordSet::kBlock;
  for (std::size_t b = 0; b < records.block_count(); ++b) {
    if (wal >= 0 && b % 8 == 7) (void)::sync_file_range(wal, 0, 0, SYNC_FILE_RANGE_WRITE);
    const std::size_t first = b * kBlock;
    const std::size_t count = std::min(kBlock, records.size() - first);
    ins.bind(1, id).bind(2, static_cast<std::int64_t>(first)).bind(3, static_cast<std::int64_t>(count));
    ins.bind_blob_static(4, records.block(b));
    if (ins.run() != SQLITE_DONE) return false;
    ins.reset();
  }
  return true;
}

// Migration 2's data step: each submission's records of the first schema
// (counts and places as JSON per record) into the compact form.
bool upgrade_records_v1(sqlite3* db, std::string& error) {
  std::vector<std::int64_t> ids;
  {
    Statement q(db, "SELECT DISTINCT submission_id FROM records_v1 ORDER BY submission_id");
    while (q.step()) ids.push_back(q.integer(0));
  }
  for (const std::int64_t id : ids) {
    std::vector<normalise::Record> old;
    Statement q(db, "SELECT org_name, org_kind, org_sector, org_rating, counts, provenance FROM records_v1 "
               "WHERE submission_id = ? ORDER BY seq");
    q.bind(1, id);
    while (q.step()) {
      normalise::Record r{{}, {}, q.text(0), q.text(1), q.text(2), q.text(3), {}, {}, {}};
      const json::value counts = json::parse(q.text(4));
      const json::value provenance = json::parse(q.text(5));
      for (const auto& [k, v] : counts.as_object()) r.counts[std::string(k)] = v.to_number<std::int64_t>();
      for (const auto& [k, v] : provenance.as_object()) {
        if (k == "_row") r.where = place_from(v.as_object());
        else r.provenance[std::string(k)] = place_from(v.as_object());
      }
      old.push_back(std::move(r));
    }
    normalise::Layout layout;
    std::map<std::string, std::uint32_t> index;
    for (const auto& r : old) {
      layout.tree = layout.tree || !r.where.path.empty();
      if (layout.sheet.empty()) layout.sheet = r.where.sheet;
      for (const auto& [k, p] : r.provenance)
        if (!index.count(k)) {
          index[k] = static_cast<std::uint32_t>(layout.fields.size());
          layout.fields.push_back(k);
          layout.is_count.push_back(false);
          layout.columns.push_back(p.column);
          layout.paths.emplace_back();
        }
      for (const auto& [k, v] : r.counts)
        if (index.count(k)) layout.is_count[index[k]] = true;
    }
    if (layout.tree && !old.empty()) {
      const std::string& element = old.front().where.path;
      layout.array = element.substr(0, element.rfind('/'));
    }
    normalise::RecordSet set(std::move(layout));
    const bool tree = set.layout().tree;
    for (const auto& r : old) {
      normalise::CompactRecord c;
      for (const auto& [k, p] : r.provenance) {
        const auto count = r.counts.find(k);
        c.values.emplace_back(index[k], count != r.counts.end() ? count->second : 0);
        // Every path kept as the record's own: views into `old`, alive until add() copies them.
        if (tree) c.paths.emplace_back(index[k], std::string_view(p.path).substr(std::min(p.path.size(), r.where.path.size())));
      }
      std::sort(c.values.begin(), c.values.end());
      const auto slash = r.where.path.rfind('/');
      c.where = tree ? static_cast<std::uint32_t>(std::atoll(r.where.path.c_str() + slash + 1)) : r.where.row;
      c.org_name = r.org_name;
      c.org_kind = r.org_kind;
      c.org_sector = r.org_sector;
      c.org_rating = r.org_rating;
      set.add(c);
    }
    Statement up(db, "UPDATE submissions SET layout = ? WHERE id = ?");
    up.bind(1, set.layout().to_json()).bind(2, id);
    if (up.run() != SQLITE_DONE || !write_blocks(db, id, set)) {
      error = sqlite3_errmsg(db);
      return false;
    }
  }
  return exec(db, "DROP TABLE records_v1", &error);
}

}  // namespace

std::string now_iso8601() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm local{};
  localtime_r(&t, &local);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S%z", &local);
  std::string s = buf;  // +0700 -> +07:00
  if (s.size() > 5) s.insert(s.size() - 2, ":");
  return s;
}

Store::Store(sqlite3* db, std::filesystem::path dir) : db_(db), dir_(std::move(dir)) {}

Store::~Store() {
  if (checkpointer_.joinable()) {
    {
      std::lock_guard lock(checkpoint_mutex_);
      stopping_ = true;
    }
    checkpoint_wake_.notify_one();
    checkpointer_.join();
  }
  for (const auto& [_, statement] : kept_) sqlite3_finalize(statement);
  sqlite3_close(db_);
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

sqlite3_stmt* Store::kept(const char* sql) const {
  sqlite3_stmt*& s = kept_[sql];
  if (s == nullptr) sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr);
  return s;
}

// Commits append to the write-ahead log (fsynced: a commit is durable there);
// copying the log into the database is this thread's work, once a commit
// leaves kCheckpointBytes in the log and every few seconds, so that a large
// return's answer does not wait for it. Readers and writers go on meanwhile
// (WAL). Not after every commit (branch postpre): a log copied whole is
// started again by the next commit, which then syncs the log's new header
// before its own frames, a second fdatasync on every POST's path; and the
// copy's own syncs met the next POST's at the disk.
constexpr std::int64_t kCheckpointBytes = 16ll << 20;

void Store::checkpoints() {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2((dir_ / "tonghop.db").c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return;
  }
  exec(db, "PRAGMA busy_timeout=10000; PRAGMA synchronous=FULL;");
  std::unique_lock lock(checkpoint_mutex_);
  while (!stopping_) {
    checkpoint_wake_.wait_for(lock, std::chrono::seconds(5));
    lock.unlock();
    sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    lock.lock();
  }
  lock.unlock();
  sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
  sqlite3_close(db);
}

Expected<std::unique_ptr<Store>> Store::open(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir / "raw", ec);
  if (ec) return make_error(fmt::format("cannot create {}: {}", (dir / "raw").string(), ec.message()));
  sqlite3* db = nullptr;
  const auto file = dir / "tonghop.db";
  if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr) !=
      SQLITE_OK) {
    std::string why = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return make_error(fmt::format("cannot open the database {}: {}", file.string(), why));
  }
  std::unique_ptr<Store> store(new Store(db, dir));
  // A damaged database is never served from: an empty province would be a lie.
  const auto damaged = [&](const std::string& what) {
    return make_error(fmt::format(
        "the database {} is damaged ({}). tonghopd will not serve from it. Stop here, copy the whole data directory "
        "{} aside, then restore the last backup of it (or recover what SQLite can: sqlite3 tonghop.db .recover | "
        "sqlite3 recovered.db). `tonghopd verify --data-dir {}` checks a database and its raw files.",
        file.string(), what, dir.string(), dir.string()));
  };
  {
    Statement check(db, "PRAGMA quick_check(5)");
    std::string problems;
    while (check.ok() && check.step())
      if (const std::string line = check.text(0); line != "ok") problems += (problems.empty() ? "" : "; ") + line;
    if (!check.ok() || !problems.empty()) return damaged(check.ok() ? problems : sqlite_why(db));
  }
  std::string error;
  // WAL, durable commits, foreign keys, a wait instead of "database is locked".
  // A new database gets 64 KiB pages: records are kept as blobs of about half
  // a megabyte, which 4 KiB pages cut into 130 overflow pages each (a million
  // records went in in 0.4 s, now 0.15 s). An existing database keeps its own.
  if (!exec(db, "PRAGMA page_size=65536; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA wal_autocheckpoint=0; PRAGMA journal_size_limit=67108864; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000;",
            &error)) {
    const int code = sqlite3_errcode(db) & 0xFF;
    if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB) return damaged(error);
    return make_error(fmt::format("{}: {}", file.string(), error));
  }
  // Temporary tables and statement journals in memory (branch postfast): with
  // 64 KiB pages a statement journal (the UPDATE of the submission superseded)
  // spilled to a temporary file at once, created, written and unlinked in
  // every POST. Durability is the WAL's, untouched: a statement journal only
  // undoes one statement inside a transaction.
  exec(db, "PRAGMA temp_store=MEMORY;");
  {
    Statement ps(db, "PRAGMA page_size");
    if (ps.step() && ps.integer(0) > 0) store->page_size_ = ps.integer(0);
  }
  sqlite3_wal_hook(
      db,
      [](void* self, sqlite3*, const char*, int frames) {
        static_cast<Store*>(self)->wal_frames_.store(frames, std::memory_order_relaxed);
        return SQLITE_OK;
      },
      store.get());
  std::int64_t version = 0;
  {
    Statement v(db, "PRAGMA user_version");
    version = v.step() ? v.integer(0) : 0;
  }
  const std::int64_t target = static_cast<std::int64_t>(sizeof kMigrations / sizeof kMigrations[0]);
  if (version > target)
    return make_error(fmt::format("{} has schema version {}, newer than this tonghopd ({})", file.string(), version, target));
  for (std::int64_t m = version; m < target; ++m) {
    const std::string sql = fmt::format("BEGIN; {} PRAGMA user_version={};", kMigrations[m], m + 1);
    if (!exec(db, sql.c_str(), &error) || (m + 1 == 2 && !upgrade_records_v1(db, error)) || !exec(db, "COMMIT", &error)) {
      exec(db, "ROLLBACK;");
      return make_error(fmt::format("{}: migration {} failed: {}", file.string(), m + 1, error));
    }
  }
  Store* s = store.get();
  // The first to open the data directory for writing holds its lock, and
  // only it cleans: a command reading beside a running daemon must not take
  // the raw file of a return the daemon is storing for an orphan.
  s->lock_fd_ = ::open((dir / "tonghop.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
  if (s->lock_fd_ >= 0 && ::flock(s->lock_fd_, LOCK_EX | LOCK_NB) == 0) s->clean_raw();
  s->checkpointer_ = std::thread([s] { s->checkpoints(); });
  return store;
}

// Partial files (a write cut by a crash or a full disk) and raw files no
// submission names (archived, then the process was killed before the row was
// committed) are removed.
void Store::clean_raw() {
  std::set<std::string> named;
  {
    Statement q(db_, "SELECT DISTINCT sha256 FROM submissions");
    while (q.step()) named.insert(q.text(0));
  }
  std::error_code ec;
  std::vector<std::filesystem::path> doomed;
  for (std::filesystem::recursive_directory_iterator it(dir_ / "raw", ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec) || it->is_symlink(ec)) continue;
    const std::string name = it->path().filename().string();
    if (name.find(".tmp") != std::string::npos || !named.count(name)) doomed.push_back(it->path());
  }
  for (const auto& p : doomed) {
    std::filesystem::remove(p, ec);
    if (!ec) ++cleaned_;
  }
}

Verification verify(const std::filesystem::path& dir) {
  Verification v;
  const auto file = dir / "tonghop.db";
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) {
    v.database.push_back(fmt::format("{} does not exist", file.string()));
    v.opened = false;
    return v;
  }
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    v.database.push_back(db ? sqlite3_errmsg(db) : "out of memory");
    v.opened = false;
    sqlite3_close(db);
    return v;
  }
  exec(db, "PRAGMA busy_timeout=10000;");
  {
    Statement check(db, "PRAGMA integrity_check(100)");
    while (check.ok() && check.step())
      if (const std::string line = check.text(0); line != "ok") v.database.push_back(line);
    if (!check.ok()) v.database.push_back(sqlite_why(db));
  }
  std::vector<std::pair<std::int64_t, std::string>> files;
  {
    Statement q(db, "SELECT id, sha256 FROM submissions ORDER BY id");
    while (q.ok() && q.step()) files.emplace_back(q.integer(0), q.text(1));
    if (!q.ok()) v.database.push_back(fmt::format("the submissions cannot be listed: {}", sqlite_why(db)));
  }
  sqlite3_close(db);
  v.submissions = files.size();
  std::set<std::string> checked;
  for (const auto& [id, sha] : files) {
    if (!checked.insert(sha).second) continue;
    const bool named = sha.size() == 64 && sha.find_first_not_of("0123456789abcdef") == std::string::npos;
    const auto path = dir / "raw" / (named ? sha.substr(0, 2) : std::string("?")) / sha;
    const int fd = named ? ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW) : -1;
    if (fd < 0) {
      v.raw.push_back(fmt::format("submission #{}: its raw file {} is missing", id, path.string()));
      continue;
    }
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
    std::vector<char> buffer(1 << 20);
    ssize_t n = 0;
    while ((n = ::read(fd, buffer.data(), buffer.size())) > 0) EVP_DigestUpdate(ctx, buffer.data(), static_cast<std::size_t>(n));
    const bool read_ok = n == 0;
    ::close(fd);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(ctx, digest, &length);
    EVP_MD_CTX_free(ctx);
    std::string hex;
    for (unsigned i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
    ++v.raw_checked;
    if (!read_ok) v.raw.push_back(fmt::format("submission #{}: its raw file {} cannot be read", id, path.string()));
    else if (hex != sha)
      v.raw.push_back(fmt::format("submission #{}: its raw file {} does not match its SHA-256 (damaged)", id, path.string()));
  }
  return v;
}

std::filesystem::path Store::raw_path(const std::string& sha256) const {
  return dir_ / "raw" / sha256.substr(0, 2) / sha256;
}

Expected<std::string> Store::write_raw(std::string_view bytes, const std::string& sha256) {
  const auto path = raw_path(sha256);
  std::error_code ec;
  if (std::filesystem::exists(path, ec) && std::filesystem::file_size(path, ec) == bytes.size()) return sha256;
  std::filesystem::create_directories(path.parent_path(), ec);
  const auto tmp = path.parent_path() / (sha256 + ".tmp" + std::to_string(::getpid()) + "-" +
                                         std::to_string(std::hash<std::thread::id>{}(std::this_thread::get_id())));
  {
    // Whatever fails, no partial file is left behind.
    const auto failed = [&](const char* what, int error) -> Expected<std::string> {
      ::unlink(tmp.c_str());
      return make_error(fmt::format("cannot {} {}: {}", what, tmp.string(), why(error)));
    };
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (fd < 0) return failed("create", errno);
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        const int error = n < 0 ? errno : ENOSPC;  // a write of nothing: no room
        ::close(fd);
        return failed("write", error);
      }
      done += static_cast<std::size_t>(n);
    }
    const int synced = ::fsync(fd) == 0 ? 0 : errno;
    const int closed = ::close(fd) == 0 ? 0 : errno;
    if (synced != 0 || closed != 0) return failed("sync", synced != 0 ? synced : closed);
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    ::unlink(tmp.c_str());
    return make_error(fmt::format("cannot store the raw file: {}", why(ec.value())));
  }
  fsync_path(path.parent_path(), O_RDONLY | O_DIRECTORY);
  return sha256;
}

Expected<std::string> Store::archive(std::string_view raw) {
  const std::string sha256 = sha256_hex(raw);
  {
    std::lock_guard lock(mutex_);
    ++archiving_[sha256];
  }
  auto written = write_raw(raw, sha256);
  if (!written) {
    std::lock_guard lock(mutex_);
    if (--archiving_[sha256] == 0) archiving_.erase(sha256);
  }
  return written;
}

void Store::forget(const std::string& sha256) {
  std::lock_guard lock(mutex_);
  const auto it = archiving_.find(sha256);
  if (it != archiving_.end() && --it->second == 0) archiving_.erase(it);
  remove_raw_if_unused(sha256);
}

void Store::remove_raw_if_unused(const std::string& sha256) {
  if (archiving_.count(sha256)) return;  // another return with the same bytes is on its way
  Statement q(db_, "SELECT 1 FROM submissions WHERE sha256 = ? LIMIT 1");
  q.bind(1, sha256);
  if (q.step()) return;
  std::error_code ec;
  std::filesystem::remove(raw_path(sha256), ec);
}

Expected<Submission> Store::add(NewSubmission s) {
  Submission meta = std::move(s.meta);
  if (meta.sha256.empty()) {
    auto archived = archive(s.raw);
    if (!archived) return make_error(archived.error());
    meta.sha256 = *archived;
  }
  meta.size = static_cast<std::int64_t>(s.raw.size());
  meta.records = static_cast<std::int64_t>(s.records.size());
  // Whatever happens now, this return is no longer on its way.
  struct Arrived {
    Store& store;
    const std::string& sha;
    ~Arrived() {
      const auto it = store.archiving_.find(sha);
      if (it != store.archiving_.end() && --it->second == 0) store.archiving_.erase(it);
    }
  };

  // A submission that could not be stored leaves no raw file behind, unless
  // another submission (stored or on its way) has the same bytes. Runs after
  // Arrived (declared later, destroyed first).
  struct Unstored {
    Store& store;
    const std::string& sha;
    bool failed = true;
    ~Unstored() {
      if (failed) store.remove_raw_if_unused(sha);
    }
  };

  std::lock_guard lock(mutex_);
  Unstored unstored{*this, meta.sha256};
  const Arrived arrived{*this, meta.sha256};
  std::string error;
  if (!exec(db_, "BEGIN IMMEDIATE", &error)) return make_error("cannot begin: " + sqlite_why(db_));
  auto fail = [&](const std::string& what) -> Expected<Submission> {
    const std::string reason = sqlite_why(db_);
    exec(db_, "ROLLBACK");
    return make_error(what + ": " + reason);
  };
  {
    // A locked period takes no return (branch season): checked here too, in
    // the transaction, where it cannot race the lock.
    Statement locked(kept("SELECT 1 FROM periods WHERE period = ? AND locked_at IS NOT NULL"), Statement::Kept{});
    locked.bind(1, meta.period);
    if (locked.step()) {
      exec(db_, "ROLLBACK");
      return make_error("period_locked");
    }
  }
  {
    Statement ins(kept("INSERT INTO submissions (district, period, filename, format, plugin, sha256, size, received_at, "
                       "token_name, records, indicators) VALUES (?,?,?,?,?,?,?,?,?,?,?)"),
                  Statement::Kept{});
    ins.bind(1, meta.district).bind(2, meta.period).bind(3, meta.filename).bind(4, meta.format).bind(5, meta.plugin);
    ins.bind(6, meta.sha256).bind(7, meta.size).bind(8, meta.received_at).bind(9, meta.token_name);
    ins.bind(10, meta.records).bind(11, meta.indicators.empty() ? std::string("{}") : meta.indicators);
    if (ins.run() != SQLITE_DONE) return fail("cannot store the submission");
  }
  meta.id = sqlite3_last_insert_rowid(db_);
  {
    Statement sup(kept("UPDATE submissions SET superseded_by = ? WHERE district = ? AND period = ? AND id <> ? AND superseded_by IS NULL"),
                  Statement::Kept{});
    sup.bind(1, meta.id).bind(2, meta.district).bind(3, meta.period).bind(4, meta.id);
    if (sup.run() != SQLITE_DONE) return fail("cannot supersede");
  }
  {
    Statement layout(kept("UPDATE submissions SET layout = ? WHERE id = ?"), Statement::Kept{});
    layout.bind(1, s.records.layout().to_json()).bind(2, meta.id);
    if (layout.run() != SQLITE_DONE) return fail("cannot store the layout");
    // A descriptor of the log of our own, only to start its writeback early
    // (write_blocks); a return of a few blocks does without.
    const int wal = s.records.block_count() >= 16 ? ::open((dir_ / "tonghop.db-wal").c_str(), O_RDONLY | O_CLOEXEC) : -1;
    const bool written = write_blocks(db_, meta.id, s.records, wal);
    if (wal >= 0) ::close(wal);
    if (!written) return fail("cannot store the records");
  }
  {
    Statement warn(kept("INSERT INTO warnings (submission_id, issue) VALUES (?, ?)"), Statement::Kept{});
    for (const auto& w : s.warnings) {
      json::object o = place_json(w.where);
      o["code"] = w.code;
      o["message"] = w.message;
      if (!w.field.empty()) o["field"] = w.field;
      if (!w.value.empty()) o["value"] = w.value;
      warn.bind(1, meta.id).bind(2, json::serialize(o));
      if (warn.run() != SQLITE_DONE) return fail("cannot store a warning");
      warn.reset();
    }
  }
  {
    Statement a(kept("INSERT INTO audit (at, who, role, action, detail) VALUES (?, ?, '', 'submission', ?)"), Statement::Kept{});
    a.bind(1, meta.received_at).bind(2, meta.token_name)
        .bind(3, json::serialize(json::object{{"id", meta.id}, {"district", meta.district}, {"period", meta.period},
                                              {"filename", meta.filename}, {"records", meta.records}}));
    if (a.run() != SQLITE_DONE) return fail("cannot audit");
  }
  if (!exec(db_, "COMMIT", &error)) {
    const std::string reason = sqlite_why(db_);
    exec(db_, "ROLLBACK");
    return make_error("cannot commit: " + reason);
  }
  unstored.failed = false;
  ++generation_;
  if (wal_frames_.load(std::memory_order_relaxed) * page_size_ >= kCheckpointBytes) checkpoint_wake_.notify_one();
  return meta;
}

std::vector<Submission> Store::list(const std::string& period, const std::string& district) const {
  std::lock_guard lock(mutex_);
  const std::string sql = fmt::format("SELECT {} FROM submissions WHERE period = ? AND (? = '' OR district = ?) ORDER BY id",
                                      kSubmissionColumns);
  Statement q(db_, sql.c_str());
  q.bind(1, period).bind(2, district).bind(3, district);
  std::vector<Submission> out;
  while (q.step()) out.push_back(read_submission(q));
  return out;
}

std::optional<Submission> Store::get(std::int64_t id) const {
  std::lock_guard lock(mutex_);
  const std::string sql = fmt::format("SELECT {} FROM submissions WHERE id = ?", kSubmissionColumns);
  Statement q(db_, sql.c_str());
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return read_submission(q);
}

std::vector<Submission> Store::current(const std::string& period) const {
  static const std::string sql = fmt::format(
      "SELECT {} FROM submissions s WHERE period = ? AND superseded_by IS NULL ORDER BY "
      "(SELECT MIN(id) FROM submissions f WHERE f.period = s.period AND f.district = s.district)",
      kSubmissionColumns);
  std::lock_guard lock(mutex_);
  Statement q(kept(sql.c_str()), Statement::Kept{});
  q.bind(1, period);
  std::vector<Submission> out;
  while (q.step()) out.push_back(read_submission(q));
  return out;
}

normalise::RecordSet Store::record_set(std::int64_t submission_id) const {
  std::lock_guard lock(mutex_);
  Statement s(db_, "SELECT layout, district, period FROM submissions WHERE id = ?");
  s.bind(1, submission_id);
  if (!s.step()) return {};
  normalise::RecordSet set(normalise::Layout::from_json(s.text(0)));
  set.district = s.text(1);
  set.period = s.text(2);
  Statement q(db_, "SELECT count, data FROM record_blocks WHERE submission_id = ? ORDER BY first_seq");
  q.bind(1, submission_id);
  while (q.step())
    if (!set.append_encoded(q.blob_view(1), static_cast<std::size_t>(q.integer(0))))
      break;  // bytes damaged on disk: what follows is not read wrong
  return set;
}

std::vector<normalise::Record> Store::records(std::int64_t submission_id) const {
  const normalise::RecordSet set = record_set(submission_id);
  std::vector<normalise::Record> out;
  out.reserve(set.size());
  for (std::size_t i = 0; i < set.size(); ++i) out.push_back(set.at(i));
  return out;
}

std::vector<normalise::Issue> Store::warnings(std::int64_t submission_id) const {
  std::lock_guard lock(mutex_);
  Statement q(db_, "SELECT issue FROM warnings WHERE submission_id = ? ORDER BY id");
  q.bind(1, submission_id);
  std::vector<normalise::Issue> out;
  while (q.step()) {
    const json::value parsed = json::parse(q.text(0));
    const json::object& o = parsed.as_object();
    normalise::Issue i;
    i.code = o.at("code").as_string();
    i.message = o.at("message").as_string();
    if (o.contains("field")) i.field = o.at("field").as_string();
    if (o.contains("value")) i.value = o.at("value").as_string();
    i.where = place_from(o);
    out.push_back(std::move(i));
  }
  return out;
}

Expected<std::string> Store::raw(const Submission& s) const {
  std::ifstream in(raw_path(s.sha256), std::ios::binary);
  if (!in) return make_error(fmt::format("the raw file of submission {} is missing", s.id));
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return bytes;
}

Expected<std::string> Store::create_token(const Token& t) {
  unsigned char random[24];
  if (RAND_bytes(random, sizeof random) != 1) return make_error("cannot make a random token");
  std::string token = t.role == "district" ? "d-" : "v-";
  for (unsigned char b : random) token += fmt::format("{:02x}", b);
  std::lock_guard lock(mutex_);
  Statement ins(db_, "INSERT INTO tokens (hash, name, role, district, created_at) VALUES (?, ?, ?, ?, ?)");
  ins.bind(1, sha256_hex(token)).bind(2, t.name).bind(3, t.role);
  if (t.district.empty()) ins.bind_null(4);
  else ins.bind(4, t.district);
  ins.bind(5, now_iso8601());
  if (ins.run() != SQLITE_DONE) return make_error(std::string("cannot store the token: ") + sqlite3_errmsg(db_));
  return token;
}

std::optional<Token> Store::token_by_hash(const std::string& sha256) const {
  std::lock_guard lock(mutex_);
  Statement q(db_, "SELECT name, role, COALESCE(district, '') FROM tokens WHERE hash = ?");
  q.bind(1, sha256);
  if (!q.step()) return std::nullopt;
  return Token{q.text(0), q.text(1), q.text(2)};
}

void Store::audit(const std::string& who, const std::string& role, const std::string& action, const std::string& detail) {
  std::lock_guard lock(mutex_);
  Statement a(db_, "INSERT INTO audit (at, who, role, action, detail) VALUES (?, ?, ?, ?, ?)");
  a.bind(1, now_iso8601()).bind(2, who).bind(3, role).bind(4, action).bind(5, detail);
  a.run();
}

std::int64_t Store::generation() const {
  std::lock_guard lock(mutex_);
  return generation_;
}

std::uint64_t Store::size_bytes() const {
  std::error_code ec;
  std::uint64_t total = 0;
  for (const char* f : {"tonghop.db", "tonghop.db-wal"}) {
    const auto n = std::filesystem::file_size(dir_ / f, ec);
    if (!ec) total += n;
  }
  for (std::filesystem::recursive_directory_iterator it(dir_ / "raw", ec), end; !ec && it != end; it.increment(ec))
    if (it->is_regular_file(ec)) total += it->file_size(ec);
  return total;
}

std::string Store::integrity_check() const {
  std::lock_guard lock(mutex_);
  Statement q(db_, "PRAGMA integrity_check");
  return q.step() ? q.text(0) : "no answer";
}

}  // namespace tonghop::store
