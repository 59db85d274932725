// The store: an embedded SQLite database under the data directory, and the
// raw files beside it, content-addressed by SHA-256.
//
// A submission is atomic: its raw bytes are written and fsynced first (a file
// named by its hash, renamed into place, the directory fsynced), then the
// submission row, its records with provenance and its warnings go in one
// transaction, which also marks the district's earlier submission for the
// period as superseded. Only after the commit does the client hear 201. A
// crash at any point leaves the whole submission or none of it; a raw file
// without a row is harmless (it is content-addressed) and reused.
//
// Records are kept compact, in blocks of 4,096 (normalise::RecordSet's
// encoding), with what they share (sheet, columns or paths, kind and rating
// texts) as the submission's layout: a million-row return is a few hundred
// rows and one fsync, not a million inserts. Commits are durable in the WAL
// (synchronous=FULL); a thread of the store copies the WAL into the database.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <optional>
#include <string>
#include <vector>

#include "core/expected.hpp"
#include "normalise/record.hpp"
#include "store/people.hpp"
#include "store/season.hpp"
#include "store/staging.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace tonghop::store {

struct Submission {
  std::int64_t id = 0;
  std::string district, period, filename, format, plugin, sha256;
  std::int64_t size = 0;
  std::string received_at;  // ISO 8601 with offset
  std::string token_name;
  std::int64_t records = 0;
  std::optional<std::int64_t> superseded_by;
  std::string indicators;  // JSON object, computed when stored
  std::string layout;      // JSON: where the records' values are (normalise::Layout)
  std::string digest;      // as committed (store/digest.hpp); "" when read without it
};

struct Token {
  std::string name, role, district;  // role: admin | viewer | district
};

struct NewSubmission {
  Submission meta;      // id, superseded_by, sha256 and size are filled in by the store
  std::string_view raw;  // the file as received; the caller keeps it alive during add()
  normalise::RecordSet records;
  std::vector<normalise::Issue> warnings;
  // Blocks checked while they are stored (issue 18, blocks4): with `checked`,
  // `records` holds no records (its layout is the submission's) and these
  // are its blocks, in order, inserted as they are while another thread
  // checks them; after the last, checked(b) waits until every block up to b
  // is checked: false (one is damaged) rolls everything back and add() fails
  // with kDamaged, so nothing unchecked is ever committed. Then
  // before_warnings (when set) may add to `warnings`; it must not use the store.
  std::vector<normalise::RecordSet::Encoded> unchecked;
  std::function<bool(std::size_t)> checked;
  std::function<void(std::vector<normalise::Issue>&)> before_warnings;
  // Blocks stored while the import ran (issue 18, stage: store/staging.hpp).
  // When set, `records` holds only the layout (no records): the staged
  // blocks are this submission's records (records count: staged->records()),
  // its row takes the id they were stored under, and the one commit makes
  // the whole submission visible. A failed add() (period locked, the
  // store...) leaves them to the staging's destructor, which deletes them.
  std::unique_ptr<Staging> staged;
};
// add()'s error when NewSubmission::checked refused a block.
inline constexpr const char* kDamaged = "damaged_records";

// What `tonghopd verify` found: SQLite's full integrity check, every
// submission's row, records and warnings against the digest taken when it
// was committed (store/digest.hpp), and every raw file read again and hashed.
struct Verification {
  std::vector<std::string> database;  // integrity_check's complaints (none: ok)
  std::vector<std::string> records;   // submissions changed since they were committed
  std::vector<std::string> raw;       // raw files missing, unreadable or damaged
  std::size_t submissions = 0, raw_checked = 0, digests_checked = 0;
  bool opened = true;  // false: no database there, or it cannot be opened at all
  bool ok() const { return opened && database.empty() && records.empty() && raw.empty(); }
};
// Read only; works on a database Store::open refuses, and beside a running daemon.
Verification verify(const std::filesystem::path& dir);

class Store {
 public:
  // Opens or creates <dir>/tonghop.db and applies the migrations. Start-up
  // only. A database that fails SQLite's quick_check is refused, with what to
  // do. The first opener (it holds <dir>/tonghop.lock) removes partial .tmp
  // files and raw files no submission names.
  static Expected<std::unique_ptr<Store>> open(const std::filesystem::path& dir);
  // The schema version this build migrates a database to (PRAGMA user_version).
  static std::int64_t schema_version();
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // The raw bytes written and fsynced under their SHA-256 (returned), before
  // the return is read, so that both happen at once; then add() with
  // meta.sha256 set, or forget() when the return is refused (the file goes
  // unless a stored submission has the same bytes). add() archives the bytes
  // itself when meta.sha256 is empty.
  Expected<std::string> archive(std::string_view raw);
  void forget(const std::string& sha256);
  Expected<Submission> add(NewSubmission s);
  std::vector<Submission> list(const std::string& period, const std::string& district = {}) const;
  std::optional<Submission> get(std::int64_t id) const;
  // The current (not superseded) submissions of a period, in the order their
  // districts first submitted.
  std::vector<Submission> current(const std::string& period) const;
  // The submissions whose row no longer matches the digest of its commit
  // (store/digest.hpp, row_as_committed): changed in the database since. Their
  // figures are unknown in the report; the daemon names them at start.
  std::vector<Submission> changed_rows() const;
  // A submission's records, readable (small returns, the API's detail) or
  // compact (a large return, the comparison with the previous period).
  std::vector<normalise::Record> records(std::int64_t submission_id) const;
  normalise::RecordSet record_set(std::int64_t submission_id) const;
  // stream (issue 18), store/records.cpp: one stored block of a submission's
  // records, the first whose first_seq is at or after `from`; none past the
  // last. Read under the store's lock, which is not held between calls: a
  // reader that streams block by block (store::RecordCursor) holds neither
  // the lock nor a read transaction while it waits on its client. A stored
  // submission's blocks never change, so the blocks read so are its records.
  struct RecordBlock {
    std::int64_t first_seq = 0, count = 0;
    std::string data;
  };
  std::optional<RecordBlock> record_block(std::int64_t submission_id, std::int64_t from) const;
  std::vector<normalise::Issue> warnings(std::int64_t submission_id) const;
  Expected<std::string> raw(const Submission& s) const;  // an error when missing or damaged
  // The raw file of `sha256` written again from `bytes` (the same, as a
  // district sent them again) when it is missing or damaged: true when it
  // was. (tonghopd verify names such files; sending the file again mends it.)
  Expected<bool> repair_raw(std::string_view bytes, const std::string& sha256);
  // forms branch (store/latest.cpp): the district's last accepted return
  // still current (not superseded), of any period: the highest id.
  std::optional<Submission> latest_current(const std::string& district) const;

  Expected<std::string> create_token(const Token& t);  // returns the token; only its hash is kept
  std::optional<Token> token_by_hash(const std::string& sha256) const;
  void audit(const std::string& who, const std::string& role, const std::string& action, const std::string& detail);

  // --- People and the season (branch season): store/people.cpp, store/season.cpp.
  // Every change is audited in its own transaction; the season's changes move generation().
  std::optional<User> user(const std::string& name) const;
  std::optional<std::string> password_hash(const std::string& name) const;  // of an enabled user
  std::vector<User> users() const;
  Change add_user(const User& u, const std::string& password_hash, const Principal& by);
  // A user disabled or given a new password loses its sessions.
  Change update_user(const std::string& name, const UserChange& change, const Principal& by);
  // A new token (its secret returned once, only its SHA-256 kept).
  Expected<std::pair<TokenInfo, std::string>> issue_token(const TokenInfo& t, const Principal& by);
  std::vector<TokenInfo> tokens() const;
  Change revoke_token(std::int64_t id, const Principal& by);
  // The token's holder; a revoked token, or one whose owner is disabled, is none.
  std::optional<Principal> token_principal(const std::string& sha256) const;
  Change add_session(const std::string& id_sha256, const std::string& user, std::int64_t expires_unix);
  std::optional<Principal> session_principal(const std::string& id_sha256, std::int64_t now_unix) const;
  void end_session(const std::string& id_sha256);
  // since: compared with `at` as text ("2026-01-15" or a full time); district: detail's "district".
  std::vector<AuditEntry> audit_entries(const std::string& since, const std::string& district, std::size_t limit) const;

  PeriodState period_state(const std::string& period) const;
  Change set_due(const std::string& period, const std::string& due, const Principal& by);
  Change lock_period(const std::string& period, const Principal& by);
  Change reopen_period(const std::string& period, const Principal& by);
  // Returned (with a reason) or approved: the current submission of an open period only.
  Change review(std::int64_t submission_id, const std::string& state, const std::string& reason, const Principal& by);
  std::optional<Review> review_of(std::int64_t submission_id) const;
  std::vector<Review> reviews(const std::string& period) const;
  // Each district's first accepted return of the period: when it was received.
  std::map<std::string, std::string> first_received(const std::string& period) const;
  Expected<std::int64_t> add_attempt(const Attempt& a, std::string_view bytes_to_keep);
  std::vector<Attempt> attempts(const std::string& period, const std::string& district) const;
  std::optional<Attempt> attempt(std::int64_t id) const;
  Expected<std::string> attempt_bytes(std::int64_t id) const;

  std::int64_t generation() const;  // changes whenever a submission is stored
  std::uint64_t size_bytes() const;
  std::string integrity_check() const;  // "ok" or SQLite's complaint
  std::size_t cleaned_at_open() const { return cleaned_; }  // files clean_raw() removed
  // Record blocks of no submission (staged by a daemon killed mid-import)
  // the first opener removed (issue 18, stage).
  std::size_t orphans_at_open() const { return orphans_; }
  // Whether this opener holds the data directory's lock (tonghop.lock): the
  // first to open it. A daemon that does not must not serve beside the one
  // that does (app/serve.cpp); a command may read beside it.
  bool holds_lock() const { return locked_; }
  // Takes the lock if this opener does not hold it yet, trying for `wait`
  // (a command that opened the directory first holds it while it runs).
  bool wait_for_lock(std::chrono::milliseconds wait);

  // A submission's record blocks stored while its import runs, on a
  // connection of their own, a few blocks per short transaction (issue 18,
  // stage: store/staging.hpp, store/staging.cpp). Safe from any thread.
  Expected<std::unique_ptr<Staging>> stage();
  Expected<std::unique_ptr<Staging>> stage(std::size_t blocks_per_commit);

  // The store's topic files (store/mappings.cpp, branch check) reach the
  // database through this, under the store's lock: f(sqlite3*).
  template <class F>
  auto with_db(F&& f) const {
    std::lock_guard lock(mutex_);
    return f(db_);
  }

 private:
  Store(sqlite3* db, std::filesystem::path dir);
  // `replace`: a file already there is replaced whatever its size (repair_raw).
  Expected<std::string> write_raw(std::string_view bytes, const std::string& sha256, bool replace = false);
  static std::size_t write_direct(int fd, std::string_view bytes, int& error);  // write_raw's whole pages, O_DIRECT
  std::filesystem::path raw_path(const std::string& sha256) const;
  void remove_raw_if_unused(const std::string& sha256);  // under mutex_
  void clean_raw();
  int lock_fd_ = -1;
  bool locked_ = false;
  std::size_t cleaned_ = 0;
  // Stagings' connections (store/staging.cpp), kept for the next one.
  friend class Staging;
  void give_back(sqlite3* db);
  std::mutex staging_mutex_;
  std::vector<sqlite3*> staging_pool_;
  std::size_t orphans_ = 0;

  sqlite3* db_;
  std::filesystem::path dir_;
  mutable std::mutex mutex_;
  std::int64_t generation_ = 0;
  std::map<std::string, int> archiving_;  // archived and not yet added or forgotten (under mutex_)
  // WAL checkpoints away from the requests: a thread with its own connection.
  void checkpoints();
  std::mutex checkpoint_mutex_;
  std::condition_variable checkpoint_wake_;
  bool stopping_ = false;
  std::thread checkpointer_;
  // Frames in the write-ahead log after the last commit (sqlite3_wal_hook)
  // and the database's page size: a commit wakes the checkpointer only once
  // the log holds kCheckpointBytes (store.cpp, branch postpre).
  std::atomic<int> wal_frames_{0};
  std::int64_t page_size_ = 4096;
  // Statements prepared once and kept (the ones every POST runs), by their
  // text's address: a string literal or a static string. Under mutex_.
  sqlite3_stmt* kept(const char* sql) const;
  mutable std::map<const char*, sqlite3_stmt*> kept_;
};

std::string now_iso8601();

}  // namespace tonghop::store
