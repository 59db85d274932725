// A submission's records read from the database one block (4,096 records)
// at a time (issue 18): what streams a million-record submission back holds
// one block, never the whole return. See Store::record_block.
#pragma once

#include <cstdint>

#include "core/expected.hpp"
#include "normalise/record.hpp"
#include "store/store.hpp"

namespace tonghop::store {

class RecordCursor {
 public:
  // `store` must outlive the cursor; `s` is the submission as Store::get gave it.
  RecordCursor(const Store& store, const Submission& s);
  // The next block, as a record set of its own (the submission's layout,
  // district and period); an empty set once every record has been read. An
  // error when a block is damaged or missing: the records are not all there,
  // and what follows is not read wrong.
  Expected<const normalise::RecordSet*> next();
  std::int64_t read() const noexcept { return next_seq_; }  // records given so far

 private:
  const Store& store_;
  std::int64_t id_ = 0, expected_ = 0, next_seq_ = 0;
  normalise::Layout layout_;
  std::string district_, period_;
  normalise::RecordSet set_;
};

}  // namespace tonghop::store
