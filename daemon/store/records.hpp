// A submission's records read from the database one block (4,096 records)
// at a time (issue 18): what streams a million-record submission back holds
// one block, never the whole return. See Store::record_block.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include "core/expected.hpp"
#include "normalise/record.hpp"
#include "store/digest.hpp"
#include "store/store.hpp"

namespace tonghop::store {

class RecordCursor {
 public:
  // `store` must outlive the cursor; `s` is the submission as Store::get gave it.
  RecordCursor(const Store& store, const Submission& s);
  // The next block, as a record set of its own (the submission's layout,
  // district and period); an empty set once every record has been read. An
  // error when a block is damaged or missing: the records are not all there,
  // and what follows is not read wrong. An error too, in place of the empty
  // set, when the blocks read are not those the submission's digest was
  // taken of (changed in the database after its commit): the records given
  // were not the district's, and the reader must not keep them. A row that
  // is itself not as committed (row_as_committed) is not checked so: its
  // digest cannot be trusted, and the report and the view say so themselves.
  Expected<const normalise::RecordSet*> next();
  // The blocks left read without their records taken out, only to be
  // checked against the digest; then what next() gives at the end (the
  // empty set, or the error). For a reader that lists no more of them.
  Expected<const normalise::RecordSet*> skip_to_end();
  std::int64_t read() const noexcept { return next_seq_; }  // records given so far
  // Whether the error given was that the blocks are not those committed
  // (not a block missing or damaged).
  bool changed() const noexcept { return changed_; }

 private:
  const Store& store_;
  std::int64_t id_ = 0, expected_ = 0, next_seq_ = 0;
  bool changed_ = false;
  normalise::Layout layout_;
  std::string district_, period_;
  normalise::RecordSet set_;
  std::optional<Submission> committed_;  // the row, when its digest can be trusted
  Digest digest_;                        // of the blocks read so far
};

// dryrun4 (issue 18): a submission's stored blocks given where SQLite holds
// them, never copied: what the index of the previous period's return reads
// (ingest::index_previous); the bytes are valid during `take` only. A
// return of more than one block is read through a connection of the scan's
// own, read-only, the database mapped (no read() of each page), in one read
// transaction, without the store's lock; one block (a sample return) under
// the store's lock, held only while `take` looks at it.
class BlockScan {
 public:
  // `store` must outlive the scan; `s` is the submission as Store::get gave
  // it; `from`: the first record of the first block given (a block's start).
  BlockScan(const Store& store, const Submission& s, std::int64_t from = 0);
  ~BlockScan();
  BlockScan(const BlockScan&) = delete;
  BlockScan& operator=(const BlockScan&) = delete;
  const normalise::Layout& layout() const noexcept { return layout_; }
  // What `take` says of a block: taken, damaged (its records do not read),
  // or stop (nothing more is wanted; the scan is then not an error).
  enum class Took { taken, damaged, stop };
  using Take = std::function<Took(std::string_view bytes, std::size_t count)>;
  // The next block given to `take`: true when one was taken, false once
  // every block has been (or `take` said stop); an error when a block is
  // missing, out of order or damaged, as RecordCursor says it.
  Expected<bool> next(const Take& take);
  std::int64_t read() const noexcept { return next_seq_; }  // records taken so far

 private:
  const Store& store_;
  std::int64_t id_ = 0, expected_ = 0, next_seq_ = 0;
  normalise::Layout layout_;
  sqlite3* own_ = nullptr;          // the scan's own connection, once opened
  sqlite3_stmt* blocks_ = nullptr;  // every block of the submission, in order, on it
  bool tried_own_ = false;
};

}  // namespace tonghop::store
