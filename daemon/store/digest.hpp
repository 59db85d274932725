// A stored submission's digest: what it was when it was committed, so that
// `tonghopd verify` can tell a figure changed afterwards. SQLite checks its
// pages' structure, not the bytes of a value: a bit turned in a record
// block on disk, or a figure "corrected" by hand with the sqlite3 shell,
// would change the province report without a word.
//
// It covers the submission's row (its id and everything but superseded_by,
// which a later return sets), its record blocks in order, and its warnings; it is a
// check against damage and careless edits, not a seal: one who can write
// the database and read this file can write a digest too (docs/security.md).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;

namespace tonghop::store {

struct Submission;

class Digest {
 public:
  // The submission's blocks, each after the one before (first_seq 0, then
  // the sum of the counts before it).
  void block(std::int64_t first_seq, std::int64_t count, std::string_view bytes);
  // Its warnings, in the order they were stored.
  void warning(std::string_view issue);
  // The digest of `s` with the blocks and warnings given: "1:", the hex of
  // a SHA-256, ":", and the blocks' and warnings' CRC-32s in the clear.
  std::string of(const Submission& s) const;
  // Whether the blocks given are the ones `s`'s digest was taken of (its
  // row as committed, row_as_committed; false otherwise): what a reader of
  // the records (store::RecordCursor) asks once it has read them all.
  bool blocks_as_committed(const Submission& s) const;

 private:
  std::string blocks_part() const;
  std::uint64_t crc_ = 0;  // zlib's CRC-32 of the blocks, each after its place
  std::uint64_t warnings_ = 0;
  std::int64_t blocks_ = 0, next_ = 0;
  bool in_order_ = true;
};

// Whether `s` (its digest read with it) is the row that was committed: its
// fields against the digest, without its blocks and warnings (those only
// stored_digest reads). For the report, whose figures are the row's
// indicators. False for a row without a digest.
bool row_as_committed(const Submission& s);

// Submission `id`'s digest taken again from what the database holds now
// (its row, blocks and warnings): what Digest::of gave when it was
// committed, unless something changed since. Empty when SQLite failed or
// there is no such submission.
std::string stored_digest(sqlite3* db, std::int64_t id);

// Every submission of a database (schema 5 on; an older one has no
// digests: none checked) against its digest, in one read transaction.
struct DigestCheck {
  std::vector<std::string> changed;  // each submission found changed, named, with what to do
  std::size_t checked = 0;
  std::string failed;  // SQLite could not read the submissions: why
};
DigestCheck check_digests(sqlite3* db);

}  // namespace tonghop::store
