#include "ingest/dry_run.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <thread>

#include "core/parallel.hpp"

namespace tonghop::ingest {

bool check_and_compare(Examined& e, const std::vector<normalise::PreviousIndex>* previous,
                       double members_change_above, DryRunRecords& out) {
  const std::shared_ptr<UncheckedBlocks> unchecked = std::move(e.unchecked);
  e.unchecked.reset();
  const auto& blocks = unchecked->blocks;
  constexpr std::size_t kBlock = normalise::RecordSet::kBlock;
  out.sets_.clear();
  out.size_ = 0;
  bool damaged = false;
  // Record i is in block i / kBlock: every block but the last is whole (as
  // isolate::read_examined lets only such blocks be deferred).
  for (std::size_t b = 0; b < blocks.size(); ++b) {
    damaged = damaged || blocks[b].count == 0 || blocks[b].count > kBlock ||
              (b + 1 < blocks.size() && blocks[b].count != kBlock);
    out.size_ += blocks[b].count;
  }
  const std::size_t threads = std::clamp<std::size_t>(blocks.size(), 1, core::spare_threads());
  const std::size_t indexes = previous != nullptr ? previous->size() : 0;
  // Per index, per thread: what that thread's blocks (consecutive, in order) matched and changed.
  std::vector<std::vector<normalise::PreviousIndex::Progress>> progress(indexes);
  for (auto& p : progress) p.resize(threads);
  std::atomic<bool> bad{damaged};
  if (!damaged) {
    out.sets_.resize(blocks.size());
    const normalise::Layout& layout = e.result.records.layout();
    auto work = [&](std::size_t k) {
      try {  // an exception (bad_alloc) stops the others too, then goes on to the caller
        for (std::size_t b = blocks.size() * k / threads; b < blocks.size() * (k + 1) / threads; ++b) {
          if (bad.load(std::memory_order_relaxed)) return;
          normalise::RecordSet& set = out.sets_[b];
          set = normalise::RecordSet(layout);
          set.district = e.result.records.district;  // each record says them
          set.period = e.result.records.period;
          if (!set.append_encoded(blocks[b].bytes, blocks[b].count, unchecked->keep)) {
            bad = true;
            return;
          }
          for (std::size_t p = 0; p < indexes; ++p)
            (*previous)[p].compare_part(set, members_change_above, progress[p][k]);
        }
      } catch (...) {
        bad = true;
        throw;
      }
    };
    core::in_parts(threads, work);
  }
  if (bad.load()) {
    out.sets_.clear();
    out.size_ = 0;
    Examined refused;
    refused.status = unchecked->damaged_status;
    refused.plugin = unchecked->damaged_plugin;
    refused.result.errors = unchecked->damaged;
    e = std::move(refused);
    return false;
  }
  for (std::size_t p = 0; p < indexes; ++p) (*previous)[p].finish(progress[p], e.result);
  return true;
}

}  // namespace tonghop::ingest
