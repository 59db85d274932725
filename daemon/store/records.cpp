// stream (issue 18): a submission's records block by block. Store members may
// be defined here; store.cpp keeps the rest.
#include "store/records.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "store/sql.hpp"

namespace tonghop::store {

std::optional<Store::RecordBlock> Store::record_block(std::int64_t submission_id, std::int64_t from) const {
  return with_db([&](sqlite3* db) -> std::optional<RecordBlock> {
    // Only a stored submission's: blocks staged for a row not there yet
    // (store/staging.hpp) are no one's records.
    sql::Statement q(db,
                     "SELECT first_seq, count, data, submission_id FROM record_blocks WHERE (submission_id, first_seq) >= (?, ?) "
                     "AND EXISTS (SELECT 1 FROM submissions WHERE id = ?) ORDER BY submission_id, first_seq LIMIT 1");
    q.bind(1, submission_id).bind(2, from).bind(3, submission_id);
    if (!q.step() || q.integer(3) != submission_id) return std::nullopt;
    return RecordBlock{q.integer(0), q.integer(1), q.blob(2)};
  });
}

RecordCursor::RecordCursor(const Store& store, const Submission& s)
    : store_(store),
      id_(s.id),
      expected_(s.records),
      layout_(normalise::Layout::from_json(s.layout)),
      district_(s.district),
      period_(s.period) {
  if (row_as_committed(s)) committed_ = s;
}

Expected<const normalise::RecordSet*> RecordCursor::next() {
  set_ = normalise::RecordSet(layout_);
  set_.district = district_;
  set_.period = period_;
  if (next_seq_ >= expected_) {
    if (committed_ && !digest_.blocks_as_committed(*committed_)) {
      changed_ = true;
      return make_error(fmt::format("the records of submission {} were changed in the database after its commit "
                                    "(tonghopd verify names it)",
                                    id_));
    }
    committed_.reset();  // checked once
    return &set_;
  }
  auto block = store_.record_block(id_, next_seq_);
  // Each block starts where the last ended; a gap, or a block that does not
  // read, means the records are not all there: said, never skipped.
  if (!block || block->first_seq != next_seq_ || block->count <= 0 ||
      !set_.append_encoded(block->data, static_cast<std::size_t>(block->count)))
    return make_error(fmt::format("the records of submission {} are damaged from record {} on", id_, next_seq_ + 1));
  if (committed_) digest_.block(block->first_seq, block->count, block->data);
  next_seq_ += block->count;
  return &set_;
}

Expected<const normalise::RecordSet*> RecordCursor::skip_to_end() {
  if (committed_ && next_seq_ < expected_) {
    // Where SQLite holds them, never copied (BlockScan): a million records'
    // blocks in 0.1 s, where next() took 0.3 s to copy and read them.
    BlockScan scan(store_, *committed_, next_seq_);
    for (;;) {
      const std::int64_t first = scan.read();
      auto more = scan.next([&](std::string_view bytes, std::size_t count) {
        digest_.block(first, static_cast<std::int64_t>(count), bytes);
        return BlockScan::Took::taken;
      });
      if (!more) return make_error(more.error());
      if (!*more) break;
    }
  }
  next_seq_ = std::max(next_seq_, expected_);
  return next();
}

BlockScan::BlockScan(const Store& store, const Submission& s, std::int64_t from)
    : store_(store), id_(s.id), expected_(s.records), next_seq_(from), layout_(normalise::Layout::from_json(s.layout)) {}

BlockScan::~BlockScan() {
  sqlite3_finalize(blocks_);
  sqlite3_close(own_);
}

Expected<bool> BlockScan::next(const Take& take) {
  if (next_seq_ >= expected_) return false;
  enum class Read { taken, missing, damaged, stop };
  std::int64_t count = 0;
  // Each block starts where the last ended: a gap means the records are not
  // all there. The rows are read from (id, seq) on, and this submission's
  // end found here (column 3), not in SQL: a bound such as `submission_id =
  // ?` compares each row's whole key, which in this WITHOUT ROWID table is
  // the row, block included, and so copied every block twice (issue 18:
  // 57 against 24 ms for a million records' 245 blocks).
  auto read = [&](sqlite3_stmt* q) {
    if (sqlite3_step(q) != SQLITE_ROW || sqlite3_column_int64(q, 3) != id_ || sqlite3_column_int64(q, 0) != next_seq_ ||
        sqlite3_column_int64(q, 1) <= 0)
      return Read::missing;
    count = sqlite3_column_int64(q, 1);
    const void* data = sqlite3_column_blob(q, 2);
    const auto size = static_cast<std::size_t>(sqlite3_column_bytes(q, 2));
    switch (take(data != nullptr ? std::string_view(static_cast<const char*>(data), size) : std::string_view(),
                 static_cast<std::size_t>(count))) {
      case Took::taken: return Read::taken;
      case Took::damaged: return Read::damaged;
      case Took::stop: break;
    }
    return Read::stop;
  };
  if (!tried_own_ && expected_ > static_cast<std::int64_t>(normalise::RecordSet::kBlock)) {
    // More than one block: the scan's own connection, if it can be had (else the store's, below).
    tried_own_ = true;
    const std::string file = store_.with_db([](sqlite3* db) {
      const char* f = sqlite3_db_filename(db, "main");
      return std::string(f != nullptr ? f : "");
    });
    if (!file.empty() && sqlite3_open_v2(file.c_str(), &own_, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) == SQLITE_OK &&
        sqlite3_exec(own_, "PRAGMA busy_timeout=10000; PRAGMA mmap_size=2147418112;", nullptr, nullptr, nullptr) == SQLITE_OK &&
        sqlite3_prepare_v2(own_,
                           "SELECT first_seq, count, data, submission_id FROM record_blocks "
                           "WHERE (submission_id, first_seq) >= (?, ?) ORDER BY submission_id, first_seq",
                           -1, &blocks_, nullptr) == SQLITE_OK) {
      sqlite3_bind_int64(blocks_, 1, id_);
      sqlite3_bind_int64(blocks_, 2, next_seq_);
    } else {
      sqlite3_finalize(blocks_);
      sqlite3_close(own_);
      blocks_ = nullptr;
      own_ = nullptr;
    }
  }
  const Read r = blocks_ != nullptr ? read(blocks_) : store_.with_db([&](sqlite3* db) {
    sqlite3_stmt* q = nullptr;
    if (sqlite3_prepare_v2(db,
                           "SELECT first_seq, count, data, submission_id FROM record_blocks "
                           "WHERE (submission_id, first_seq) >= (?, ?) ORDER BY submission_id, first_seq LIMIT 1",
                           -1, &q, nullptr) != SQLITE_OK) {
      sqlite3_finalize(q);
      return Read::missing;
    }
    sqlite3_bind_int64(q, 1, id_);
    sqlite3_bind_int64(q, 2, next_seq_);
    const Read got = read(q);
    sqlite3_finalize(q);
    return got;
  });
  if (r == Read::stop) return false;
  if (r != Read::taken)
    return make_error(fmt::format("the records of submission {} are damaged from record {} on", id_, next_seq_ + 1));
  next_seq_ += count;
  return true;
}

}  // namespace tonghop::store
