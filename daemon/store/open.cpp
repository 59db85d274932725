// The store opened: its schema and migrations, the checks at start, the
// cleaning of raw files no submission names, and `tonghopd verify`'s reading
// (split from store.cpp, branch post3).
#include "store/store.hpp"

#include "store/internal.hpp"
#include "store/sql.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include <boost/json.hpp>
#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

namespace tonghop::store {

namespace json = boost::json;
using sql::Statement;

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
    // 5: each submission's digest as committed (store/digest.hpp), for
    // `tonghopd verify`; those stored before are given theirs by
    // digest_all() in the same transaction, from what they are then.
    R"sql(
ALTER TABLE submissions ADD COLUMN digest TEXT;
)sql",
};

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

// Migration 5's data step: the digest of every submission already stored.
bool digest_all(sqlite3* db, std::string& error) {
  std::vector<std::int64_t> ids;
  {
    Statement q(db, "SELECT id FROM submissions ORDER BY id");
    while (q.step()) ids.push_back(q.integer(0));
    if (!q.ok() || q.failed()) {
      error = fmt::format("the submissions cannot be listed: {}", sqlite3_errmsg(db));
      return false;
    }
  }
  Statement up(db, "UPDATE submissions SET digest = ? WHERE id = ?");
  for (const std::int64_t id : ids) {
    const std::string d = stored_digest(db, id);
    up.bind(1, d).bind(2, id);
    if (d.empty() || up.run() != SQLITE_DONE) {
      error = fmt::format("the digest of submission {}: {}", id, sqlite3_errmsg(db));
      return false;
    }
    up.reset();
  }
  return true;
}

}  // namespace

std::int64_t Store::schema_version() { return static_cast<std::int64_t>(sizeof kMigrations / sizeof kMigrations[0]); }

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
  const std::int64_t target = schema_version();
  if (version > target)
    return make_error(fmt::format("{} has schema version {}, newer than this tonghopd ({})", file.string(), version, target));
  for (std::int64_t m = version; m < target; ++m) {
    const std::string sql = fmt::format("BEGIN; {} PRAGMA user_version={};", kMigrations[m], m + 1);
    if (!exec(db, sql.c_str(), &error) || (m + 1 == 2 && !upgrade_records_v1(db, error)) ||
        (m + 1 == 5 && !digest_all(db, error)) || !exec(db, "COMMIT", &error)) {
      exec(db, "ROLLBACK;");
      return make_error(fmt::format("{}: migration {} failed: {}", file.string(), m + 1, error));
    }
  }
  Store* s = store.get();
  // The first to open the data directory for writing holds its lock, and
  // only it cleans: a command reading beside a running daemon must not take
  // the raw file of a return the daemon is storing for an orphan.
  s->lock_fd_ = ::open((dir / "tonghop.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
  // Record blocks staged by a daemon killed mid-import (issue 18, stage)
  // go too: no staging can be under way before the first opener is open.
  if (s->lock_fd_ >= 0 && ::flock(s->lock_fd_, LOCK_EX | LOCK_NB) == 0) {
    s->locked_ = true;
    const std::int64_t orphans = remove_orphan_blocks(db);
    if (orphans > 0) s->orphans_ = static_cast<std::size_t>(orphans);
    s->clean_raw();
  }
  s->checkpointer_ = std::thread([s] { s->checkpoints(); });
  return store;
}

bool Store::wait_for_lock(std::chrono::milliseconds wait) {
  const bool late = !locked_;
  for (const auto until = std::chrono::steady_clock::now() + wait; !locked_;) {
    if (lock_fd_ >= 0 && ::flock(lock_fd_, LOCK_EX | LOCK_NB) == 0) locked_ = true;
    else if (std::chrono::steady_clock::now() >= until) return false;
    else std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  // Taken from a command that held it (nothing else writes now): the
  // clean-up the first opener does at open(), which this one could not.
  if (late) {
    std::lock_guard lock(mutex_);
    if (const std::int64_t orphans = remove_orphan_blocks(db_); orphans > 0) orphans_ += static_cast<std::size_t>(orphans);
    clean_raw();
  }
  return true;
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
    // Sound, but not this tonghopd's: it would not start on it.
    Statement version(db, "PRAGMA user_version");
    if (version.ok() && version.step() && version.integer(0) > Store::schema_version())
      v.database.push_back(fmt::format("schema version {}, newer than this tonghopd's ({}): it will not start on it; "
                                       "run the tonghopd that made it, or upgrade this one",
                                       version.integer(0), Store::schema_version()));
  }
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
  // Each submission as it was committed (schema 5 on: a database this
  // tonghopd has not opened yet has no digests).
  if (v.database.empty()) {
    auto d = check_digests(db);
    v.records = std::move(d.changed);
    v.digests_checked = d.checked;
    if (!d.failed.empty()) v.database.push_back(fmt::format("the submissions cannot be read: {}", d.failed));
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

}  // namespace tonghop::store
