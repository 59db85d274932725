// A submission's record blocks stored before its row (issue 18, stage):
// store/staging.hpp. The store's side (Store::stage, the pool of
// connections, NewSubmission::staged in Store::add) is here and in store.cpp.
#include "store/staging.hpp"

#include <limits>

#include <fmt/format.h>
#include <sqlite3.h>

#include "store/internal.hpp"
#include "store/sql.hpp"
#include "store/store.hpp"

namespace tonghop::store {

using sql::Statement;

namespace {

// Connections kept for the next staging: a POST does not pay an open (and
// the schema's parse) each time. More stagings at once than this open their own.
constexpr std::size_t kPooled = 4;

}  // namespace

std::int64_t next_submission_id(sqlite3* db) {
  Statement q(db, kNextSubmissionId);
  return q.step() ? q.integer(0) : 0;
}

// Each submission id of record_blocks found by a seek on its key (a few per
// submission, not a scan of the blocks' pages), kept when a row names it.
std::int64_t remove_orphan_blocks(sqlite3* db) {
  std::vector<std::int64_t> orphans;
  {
    Statement next(db, "SELECT submission_id FROM record_blocks WHERE submission_id > ? ORDER BY submission_id LIMIT 1");
    Statement named(db, "SELECT 1 FROM submissions WHERE id = ?");
    if (!next.ok() || !named.ok()) return -1;
    std::int64_t id = std::numeric_limits<std::int64_t>::min();
    for (;;) {
      next.bind(1, id);
      if (!next.step()) break;
      id = next.integer(0);
      next.reset();
      named.bind(1, id);
      if (!named.step()) orphans.push_back(id);
      named.reset();
    }
  }
  if (orphans.empty()) return 0;
  const bool own = sqlite3_get_autocommit(db) != 0;
  if (own && !sql::run(db, "BEGIN IMMEDIATE")) return -1;
  std::int64_t removed = 0;
  Statement del(db, "DELETE FROM record_blocks WHERE submission_id = ?");
  for (const std::int64_t id : orphans) {
    del.bind(1, id);
    if (del.run() != SQLITE_DONE) {
      if (own) sql::run(db, "ROLLBACK");
      return -1;
    }
    removed += sqlite3_changes(db);
    del.reset();
  }
  if (own && !sql::run(db, "COMMIT")) {
    sql::run(db, "ROLLBACK");
    return -1;
  }
  return removed;
}

Expected<std::unique_ptr<Staging>> Store::stage() { return stage(kStagedBlocksPerCommit); }

Expected<std::unique_ptr<Staging>> Store::stage(std::size_t blocks_per_commit) {
  sqlite3* db = nullptr;
  {
    std::lock_guard lock(staging_mutex_);
    if (!staging_pool_.empty()) {
      db = staging_pool_.back();
      staging_pool_.pop_back();
    }
  }
  if (db == nullptr) {
    const auto file = dir_ / "tonghop.db";
    if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
      const std::string why = db ? sqlite3_errmsg(db) : "out of memory";
      sqlite3_close(db);
      return make_error(fmt::format("cannot open {} to stage records: {}", file.string(), why));
    }
    // Foreign keys off: the blocks name a submission whose row comes last.
    // Each short transaction durable in the log when it commits; the log
    // copied into the database by the store's checkpointer only, never on
    // this connection's commits (the import's path). A page cache of 16 MiB
    // (SQLite's default is 2 MiB, 31 pages of 64 KiB): each block's insert
    // compares its key with the last block's, whose key in a WITHOUT ROWID
    // table is its whole row, block included; with the default cache those
    // pages were gone and read back, 735 MB of reads to stage a million
    // records of 131 MB; with this cache, 4 MB (issue 18, item 2).
    std::string error;
    if (!exec(db,
              "PRAGMA foreign_keys=OFF; PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000; "
              "PRAGMA wal_autocheckpoint=0; PRAGMA journal_size_limit=67108864; PRAGMA temp_store=MEMORY; PRAGMA cache_size=-16384;",
              &error)) {
      sqlite3_close(db);
      return make_error(fmt::format("cannot open {} to stage records: {}", file.string(), error));
    }
  }
  return std::unique_ptr<Staging>(new Staging(*this, db, blocks_per_commit == 0 ? 1 : blocks_per_commit));
}

void Store::give_back(sqlite3* db) {
  if (db == nullptr) return;
  if (sqlite3_get_autocommit(db) == 0) exec(db, "ROLLBACK");
  {
    std::lock_guard lock(staging_mutex_);
    if (staging_pool_.size() < kPooled) {
      staging_pool_.push_back(db);
      return;
    }
  }
  sqlite3_close(db);
}

Staging::Staging(Store& store, sqlite3* db, std::size_t per_commit) : store_(store), db_(db), per_commit_(per_commit) {}

Staging::~Staging() {
  // Never taken: its committed blocks go (a row of that id would mean it
  // was taken after all: then nothing is touched). Should this fail, the
  // store's next open removes them.
  if (!taken_ && id_ != 0 && sql::run(db_, "BEGIN IMMEDIATE")) {
    Statement del(db_, "DELETE FROM record_blocks WHERE submission_id = ? AND NOT EXISTS (SELECT 1 FROM submissions WHERE id = ?)");
    del.bind(1, id_).bind(2, id_);
    if (del.run() == SQLITE_DONE) sql::run(db_, "COMMIT");
  }
  store_.give_back(db_);
}

Expected<std::int64_t> Staging::add(std::int64_t first_seq, std::int64_t count, std::string_view bytes) {
  return add(first_seq, count, bytes, nullptr);
}

Expected<std::int64_t> Staging::add(std::int64_t first_seq, std::int64_t count, std::string&& bytes) {
  return add(first_seq, count, bytes, &bytes);
}

Expected<std::int64_t> Staging::add(std::int64_t first_seq, std::int64_t count, std::string_view bytes,
                                    std::string* owned) {
  if (failed_) return make_error("the staging failed before: its blocks are not all stored");
  if (first_seq != records_ || count <= 0) {
    failed_ = true;
    return make_error(fmt::format("a staged block out of order: records {} to {} where record {} was next", first_seq + 1,
                                  first_seq + count, records_ + 1));
  }
  digest_.block(first_seq, count, bytes);
  if (waiting_.size() + 1 >= per_commit_) {
    auto done = commit(bytes, first_seq, count);
    if (!done) return make_error(done.error());
  } else {
    waiting_.push_back(Waiting{first_seq, count, owned != nullptr ? std::move(*owned) : std::string(bytes)});
  }
  ++blocks_;
  records_ += count;
  return blocks_;
}

Expected<bool> Staging::commit(std::string_view last, std::int64_t last_first_seq, std::int64_t last_count) {
  const auto fail = [&](const char* what) -> Expected<bool> {
    const std::string reason = sqlite_why(db_);
    if (sqlite3_get_autocommit(db_) == 0) exec(db_, "ROLLBACK");
    failed_ = true;
    return make_error(fmt::format("cannot stage the records ({}): {}", what, reason));
  };
  if (!sql::run(db_, "BEGIN IMMEDIATE")) return fail("begin");
  // The id reserved with the first block, in the same transaction: no
  // other submission can take it from then on (next_submission_id).
  const std::int64_t id = id_ != 0 ? id_ : next_submission_id(db_);
  if (id <= 0) return fail("reserve an id");
  {
    Statement ins(db_, "INSERT INTO record_blocks (submission_id, first_seq, count, data) VALUES (?, ?, ?, ?)");
    const auto put = [&](std::int64_t first, std::int64_t count, std::string_view data) {
      ins.bind(1, id).bind(2, first).bind(3, count).bind_blob_static(4, data);
      const bool ok = ins.run() == SQLITE_DONE;
      ins.reset();
      return ok;
    };
    for (const auto& w : waiting_)
      if (!put(w.first_seq, w.count, w.bytes)) return fail("insert");
    if (last_count > 0 && !put(last_first_seq, last_count, last)) return fail("insert");
  }
  if (!sql::run(db_, "COMMIT")) return fail("commit");
  id_ = id;
  committed_ += static_cast<std::int64_t>(waiting_.size()) + (last_count > 0 ? 1 : 0);
  waiting_.clear();
  return true;
}

}  // namespace tonghop::store
