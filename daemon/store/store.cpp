#include "store/store.hpp"

#include "core/hash.hpp"
#include "store/digest.hpp"
#include "store/internal.hpp"
#include "store/sql.hpp"

#include <chrono>
#include <ctime>
#include <algorithm>
#include <map>
#include <system_error>

#include <boost/json.hpp>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/rand.h>
#include <sqlite3.h>
#include <unistd.h>

namespace tonghop::store {

namespace json = boost::json;

// A prepared statement, finalised on scope exit.
using sql::Statement;

// Shared with store/open.cpp (declared in store/internal.hpp).
bool exec(sqlite3* db, const char* sql, std::string* error) {
  char* msg = nullptr;
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &msg);
  if (rc != SQLITE_OK && error) *error = msg ? msg : "sqlite error";
  sqlite3_free(msg);
  return rc == SQLITE_OK;
}

normalise::Place place_from(const json::object& o) {
  normalise::Place p;
  if (o.contains("sheet")) p.sheet = o.at("sheet").as_string();
  if (o.contains("row")) p.row = static_cast<std::uint32_t>(o.at("row").to_number<std::int64_t>());
  if (o.contains("column")) p.column = static_cast<std::uint32_t>(o.at("column").to_number<std::int64_t>());
  if (o.contains("path")) p.path = o.at("path").as_string();
  return p;
}

// SQLite's complaint, a full disk named as such.
std::string sqlite_why(sqlite3* db) {
  if ((sqlite3_extended_errcode(db) & 0xFF) == SQLITE_FULL)
    return fmt::format("the disk is full (ENOSPC: {})", sqlite3_errmsg(db));
  return sqlite3_errmsg(db);
}

// A submission's records, in the record set's blocks.
// `wal`: the write-ahead log's descriptor, or -1. Every 8 blocks (a few MiB)
// the pages SQLite has written to it so far are sent towards the disk
// (sync_file_range, SYNC_FILE_RANGE_WRITE: started, not waited for), so that
// the commit's fsync, which still makes the whole transaction durable, waits
// only for the last of them instead of all of a large return's (issue 18,
// e2e3).
bool write_blocks(sqlite3* db, std::int64_t id, const normalise::RecordSet& records, int wal, Digest* digest) {
  return write_blocks(
      db, id, records.block_count(),
      [&](std::size_t b) {
        const std::size_t first = b * normalise::RecordSet::kBlock;
        return normalise::RecordSet::Encoded{records.block(b), std::min(normalise::RecordSet::kBlock, records.size() - first)};
      },
      wal, digest);
}

bool write_blocks(sqlite3* db, std::int64_t id, std::size_t blocks,
                  const std::function<normalise::RecordSet::Encoded(std::size_t)>& block, int wal, Digest* digest) {
  Statement ins(db, "INSERT INTO record_blocks (submission_id, first_seq, count, data) VALUES (?, ?, ?, ?)");
  std::size_t first = 0;
  for (std::size_t b = 0; b < blocks; ++b) {
    if (wal >= 0 && b % 8 == 7) (void)::sync_file_range(wal, 0, 0, SYNC_FILE_RANGE_WRITE);
    const auto e = block(b);
    ins.bind(1, id).bind(2, static_cast<std::int64_t>(first)).bind(3, static_cast<std::int64_t>(e.count));
    ins.bind_blob_static(4, e.bytes);
    if (ins.run() != SQLITE_DONE) return false;
    ins.reset();
    if (digest != nullptr) digest->block(static_cast<std::int64_t>(first), static_cast<std::int64_t>(e.count), e.bytes);
    first += e.count;
  }
  return true;
}

namespace {

const char* kSubmissionColumns =
    "id, district, period, filename, format, plugin, sha256, size, received_at, token_name, records, "
    "superseded_by, indicators, layout, digest";

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
  r.digest = s.text(14);
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
  for (sqlite3* pooled : staging_pool_) sqlite3_close(pooled);
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

Expected<Submission> Store::add(NewSubmission s) {
  Staging* const staged = s.staged.get();
  if (staged != nullptr) {
    // Its blocks are the records, all of them (issue 18, stage).
    if (s.records.size() != 0 || !s.unchecked.empty() || s.checked)
      return make_error("a staged submission has no records of its own");
    if (staged->failed_) return make_error("the staged records are not all stored");
  }
  Submission meta = std::move(s.meta);
  if (meta.sha256.empty()) {
    auto archived = archive(s.raw);
    if (!archived) return make_error(archived.error());
    meta.sha256 = *archived;
  }
  meta.size = static_cast<std::int64_t>(s.raw.size());
  meta.records = static_cast<std::int64_t>(s.records.size());
  for (const auto& e : s.unchecked) meta.records += static_cast<std::int64_t>(e.count);
  if (staged != nullptr) meta.records = staged->records();
  const bool deferred = static_cast<bool>(s.checked);
  const std::size_t blocks = staged != nullptr ? staged->waiting_.size() : deferred ? s.unchecked.size() : s.records.block_count();
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

  // The submission as its row is stored, and its digest: a staging's took
  // its blocks as they were staged.
  Submission stored;
  Digest own_digest;
  Digest& digest = staged != nullptr ? staged->digest_ : own_digest;
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
    static const std::string sql = fmt::format("SELECT 1 FROM periods p WHERE period = ? AND {}", kLockAudited);
    Statement locked(kept(sql.c_str()), Statement::Kept{});
    locked.bind(1, meta.period);
    if (locked.step()) {
      exec(db_, "ROLLBACK");
      return make_error("period_locked");
    }
  }
  // The id: the one a staging reserved with its blocks, else the next one
  // past every submission and every staged block (never a staging's).
  meta.id = 0;
  if (staged != nullptr && staged->id_ != 0) {
    // Its committed blocks are all there, and only they: else nothing is
    // stored. Counted by a scan from the id on, stopped here at the next id:
    // a scan bounded in SQL (`submission_id = ?`) compares each row's whole
    // key, the block's bytes included (a WITHOUT ROWID table's key is the
    // whole row), and so read every block of the return again, 130 MB at a
    // million records, between the import's end and the answer (issue 18).
    Statement have(kept("SELECT submission_id, first_seq, count FROM record_blocks WHERE submission_id >= ? "
                        "ORDER BY submission_id, first_seq"),
                   Statement::Kept{});
    have.bind(1, staged->id_);
    std::int64_t committed = 0, sum = 0, end = 0;
    while (have.step() && have.integer(0) == staged->id_) {
      ++committed;
      sum += have.integer(2);
      end = std::max(end, have.integer(1) + have.integer(2));
    }
    std::int64_t waiting = 0;
    for (const auto& w : staged->waiting_) waiting += w.count;
    const std::int64_t records = staged->records_ - waiting;
    have.reset();  // not mid-step when the transaction ends
    if (committed != staged->committed_ || sum != records || end != records) {
      exec(db_, "ROLLBACK");
      return make_error(fmt::format("the staged records of submission {} are not all in the store", staged->id_));
    }
    meta.id = staged->id_;
  } else {
    Statement next(kept(kNextSubmissionId), Statement::Kept{});
    if (next.step()) meta.id = next.integer(0);
    if (meta.id <= 0) return fail("cannot number the submission");
  }
  {
    Statement ins(kept("INSERT INTO submissions (id, district, period, filename, format, plugin, sha256, size, received_at, "
                       "token_name, records, indicators) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"),
                  Statement::Kept{});
    ins.bind(1, meta.id).bind(2, meta.district).bind(3, meta.period).bind(4, meta.filename).bind(5, meta.format);
    ins.bind(6, meta.plugin).bind(7, meta.sha256).bind(8, meta.size).bind(9, meta.received_at).bind(10, meta.token_name);
    ins.bind(11, meta.records).bind(12, meta.indicators.empty() ? std::string("{}") : meta.indicators);
    if (ins.run() != SQLITE_DONE) return fail("cannot store the submission");
    stored = meta;
    if (stored.indicators.empty()) stored.indicators = "{}";
  }
  {
    Statement sup(kept("UPDATE submissions SET superseded_by = ? WHERE district = ? AND period = ? AND id <> ? AND superseded_by IS NULL"),
                  Statement::Kept{});
    sup.bind(1, meta.id).bind(2, meta.district).bind(3, meta.period).bind(4, meta.id);
    if (sup.run() != SQLITE_DONE) return fail("cannot supersede");
  }
  {
    Statement layout(kept("UPDATE submissions SET layout = ? WHERE id = ?"), Statement::Kept{});
    stored.layout = s.records.layout().to_json();
    layout.bind(1, stored.layout).bind(2, meta.id);
    if (layout.run() != SQLITE_DONE) return fail("cannot store the layout");
    // A descriptor of the log of our own, only to start its writeback early
    // (write_blocks); a return of a few blocks does without.
    const int wal = blocks >= 16 ? ::open((dir_ / "tonghop.db-wal").c_str(), O_RDONLY | O_CLOEXEC) : -1;
    // Blocks checked while they go in (issue 18, blocks4): inserted as they
    // are, the transaction committed only once every one is checked.
    bool written = true;
    if (staged != nullptr) {
      // The blocks not yet committed by the staging: in this transaction.
      Statement ins(kept("INSERT INTO record_blocks (submission_id, first_seq, count, data) VALUES (?, ?, ?, ?)"),
                    Statement::Kept{});
      for (const auto& w : staged->waiting_) {
        ins.bind(1, meta.id).bind(2, w.first_seq).bind(3, w.count).bind_blob_static(4, w.bytes);
        written = written && ins.run() == SQLITE_DONE;
        ins.reset();
      }
    } else {
      written = deferred ? write_blocks(db_, meta.id, blocks, [&](std::size_t b) { return s.unchecked[b]; }, wal, &digest)
                         : write_blocks(db_, meta.id, s.records, wal, &digest);
    }
    if (wal >= 0) ::close(wal);
    if (!written) return fail("cannot store the records");
    if (deferred && blocks > 0 && !s.checked(blocks - 1)) {
      exec(db_, "ROLLBACK");
      return make_error(kDamaged);
    }
  }
  if (s.before_warnings) s.before_warnings(s.warnings);
  {
    Statement warn(kept("INSERT INTO warnings (submission_id, issue) VALUES (?, ?)"), Statement::Kept{});
    for (const auto& w : s.warnings) {
      json::object o = place_json(w.where);
      o["code"] = w.code;
      o["message"] = w.message;
      if (!w.field.empty()) o["field"] = w.field;
      if (!w.value.empty()) o["value"] = w.value;
      const std::string issue = json::serialize(o);
      warn.bind(1, meta.id).bind(2, issue);
      if (warn.run() != SQLITE_DONE) return fail("cannot store a warning");
      warn.reset();
      digest.warning(issue);
    }
  }
  {
    // What was committed, for `tonghopd verify` (store/digest.hpp).
    stored.id = meta.id;
    stored.sha256 = meta.sha256;
    stored.size = meta.size;
    stored.records = meta.records;
    Statement d(kept("UPDATE submissions SET digest = ? WHERE id = ?"), Statement::Kept{});
    meta.digest = digest.of(stored);
    d.bind(1, meta.digest).bind(2, meta.id);
    if (d.run() != SQLITE_DONE) return fail("cannot store the digest");
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
  if (staged != nullptr) staged->taken_ = true;
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

std::vector<Submission> Store::changed_rows() const {
  const std::string sql = fmt::format("SELECT {} FROM submissions ORDER BY id", kSubmissionColumns);
  std::lock_guard lock(mutex_);
  Statement q(db_, sql.c_str());
  std::vector<Submission> out;
  while (q.step())
    if (auto s = read_submission(q); !row_as_committed(s)) out.push_back(std::move(s));
  return out;
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
  // From the id on, its end found here (see BlockScan::next, records.cpp).
  Statement q(db_, "SELECT count, data, submission_id FROM record_blocks WHERE submission_id >= ? ORDER BY submission_id, "
                   "first_seq");
  q.bind(1, submission_id);
  while (q.step() && q.integer(2) == submission_id)
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
