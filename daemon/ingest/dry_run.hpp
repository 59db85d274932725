// A dry run's large result taken from its child with its record blocks not
// yet checked (Return::defer_check, issue 18, dryrun5): each block checked
// once, on one of a few threads, and its records compared with the previous
// period by the same thread as soon as it is checked, while the block is
// still in the cache; the comparison's warnings are those of
// compare_with_previous, in its order. Nothing of the result is copied: each
// block's record set refers to the sealed mapping the child wrote.
#pragma once

#include <cstddef>
#include <vector>

#include "ingest/pipeline.hpp"
#include "normalise/previous.hpp"
#include "normalise/record.hpp"

namespace tonghop::ingest {

// The records of a result taken so: one set per block, each checked.
class DryRunRecords {
 public:
  std::size_t size() const noexcept { return size_; }
  normalise::Record at(std::size_t i) const {
    return sets_.at(i / normalise::RecordSet::kBlock).at(i % normalise::RecordSet::kBlock);
  }

 private:
  friend bool check_and_compare(Examined& e, const std::vector<normalise::PreviousIndex>* previous,
                                double members_change_above, DryRunRecords& out);
  std::vector<normalise::RecordSet> sets_;
  std::size_t size_ = 0;
};

// Checks every block of `e.unchecked` (which must be set) into `out`, each
// once, and compares each checked block with `previous` when given (the
// indexes of the previous period, as compare_with_previous takes them),
// appending their warnings to e.result.warnings. False when a block is
// damaged: `e` is then what the check of the whole result answers for it
// (isolate::Zygote::examine: the importer's name, the status and error it
// set aside in `e.unchecked`, nothing else), `out` empty and nothing compared.
bool check_and_compare(Examined& e, const std::vector<normalise::PreviousIndex>* previous,
                       double members_change_above, DryRunRecords& out);

}  // namespace tonghop::ingest
