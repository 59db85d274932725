// A submission's record blocks stored before its row (issue 18, stage).
//
// A large return's blocks go into record_blocks while its import still
// runs, each already checked by the caller, in short transactions of their
// own on a connection of their own (Store::stage()): the store's writer is
// held only for the few milliseconds of each, never for the whole import,
// so another district's return goes in between. The blocks are the
// submission's under an id reserved with the first of them, and are seen by
// no reader until Store::add (NewSubmission::staged) writes the
// submission's row with that id in one transaction: every reader reaches
// record_blocks through a submission row. Each short transaction is
// durable (synchronous=FULL) when it commits, so the final commit has only
// the row, the last few blocks and the warnings left to flush.
//
// Blocks of no submission are staged blocks whose Staging ended without
// add() (its destructor deletes them) or whose daemon was killed mid-import:
// the first opener of the store removes those (Store::orphans_at_open()).
//
// One thread at a time uses a Staging; the Store must outlive it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/expected.hpp"
#include "store/digest.hpp"

struct sqlite3;

namespace tonghop::store {

class Store;

// Staged blocks per short transaction by default (docs/performance.md,
// stage's section and the eighth wave's): each commit is one fsync of the
// log, made while the import runs, and another district's add waits at most
// one such group (16 blocks: about 8 MB). 4 gave the shortest tail alone but
// cost the whole POST about 0.3 s of its two cores in fsyncs.
inline constexpr std::size_t kStagedBlocksPerCommit = 16;

class Staging {
 public:
  ~Staging();  // not taken by Store::add: its blocks are deleted (its own short transaction)
  Staging(const Staging&) = delete;
  Staging& operator=(const Staging&) = delete;

  // One block, already checked by the caller, in order (first_seq = records
  // before it). Returns the blocks staged so far, or an error (the store
  // failed, or a block out of order: the caller gives up streaming and falls
  // back; every later add fails too). The bytes are copied when kept for
  // the next commit: the caller need not keep them.
  Expected<std::int64_t> add(std::int64_t first_seq, std::int64_t count, std::string_view bytes);
  // The same, keeping `bytes` itself (moved from) rather than a copy when
  // it waits for the next commit.
  Expected<std::int64_t> add(std::int64_t first_seq, std::int64_t count, std::string&& bytes);
  std::int64_t blocks() const { return blocks_; }
  std::int64_t records() const { return records_; }
  // The submission id reserved with the first committed block (0: none yet).
  std::int64_t id() const { return id_; }
  // Blocks committed so far (the rest wait for the next commit or Store::add).
  std::int64_t committed() const { return committed_; }

 private:
  friend class Store;
  Staging(Store& store, sqlite3* db, std::size_t per_commit);
  // add(), `owned` the bytes when they may be moved from (else they are copied when kept).
  Expected<std::int64_t> add(std::int64_t first_seq, std::int64_t count, std::string_view bytes, std::string* owned);
  // The waiting blocks (and `last`, not copied, when given) in one short transaction.
  Expected<bool> commit(std::string_view last, std::int64_t last_first_seq, std::int64_t last_count);

  struct Waiting {
    std::int64_t first_seq = 0, count = 0;
    std::string bytes;
  };
  Store& store_;
  sqlite3* db_;
  std::size_t per_commit_;
  std::int64_t id_ = 0, blocks_ = 0, records_ = 0, committed_ = 0;
  std::vector<Waiting> waiting_;
  Digest digest_;  // every block staged, in order (Store::add completes it)
  bool taken_ = false, failed_ = false;
};

}  // namespace tonghop::store
