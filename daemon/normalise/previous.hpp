// The comparison with the previous period (issue 18, item 1, dryrun2): the
// district's return of the previous period indexed by folded name as it is
// read, a part at a time, then this return's records streamed against it.
// Built from the previous return alone, the index can be made while this
// return is still being imported (a dry run does it on the parent while its
// child imports, api/check_routes.cpp), so that only the streaming of this
// return is left once its records arrive.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/expected.hpp"
#include "normalise/record.hpp"

namespace tonghop::normalise {

class PreviousIndex {
 public:
  using NameHash = std::uint64_t (*)(std::string_view folded);
  using Parts = std::function<Expected<const RecordSet*>()>;
  static constexpr std::uint32_t kNone = UINT32_MAX;

  // `hash` is for tests (a hash under which names collide); null is std::hash.
  explicit PreviousIndex(NameHash hash = nullptr);

  // Reads every part `next` gives, in order, until an empty set (every
  // record given) or an error (the rest could not be read: compare() says
  // so, and compares what was read). `cancel`, when set, stops the reading:
  // the index is then not to be compared (a return refused before it was).
  // `expected`: how many records the return holds, when known (the store
  // says), so that nothing is grown by doubling as they are read.
  void read(const Parts& next, const std::atomic<bool>* cancel = nullptr, std::size_t expected = 0);

  // dryrun4 (issue 18): the same, a block at a time as the store keeps them
  // (RecordSet::block), read where they are (store::BlockScan): room made
  // for `expected` records, then each block taken (checked whole, its names
  // copied: the bytes may go once it returns; the layout's members_total
  // and symbols say how to read them), then placed in the index (folded,
  // hashed, probed: after the bytes are gone, outside the store's lock).
  // A block that is damaged is not taken at all. stop() says why the rest
  // could not be read (compare() says so); cancel() that the index is not
  // to be compared.
  void reserve(std::size_t expected);
  enum class Took { taken, damaged, full };
  Took take(std::string_view block, std::size_t count, const Layout& layout, const std::string& period);
  void place();
  void stop(std::string why) { error_ = std::move(why); }
  void cancel() noexcept { cancelled_ = true; }

  // The warnings of `result` against the previous return, appended: that
  // the previous return could not all be read, then members_total more than
  // `members_change_above` per cent off (this return's order), then the
  // organisations missing (the previous return's order). Organisations are
  // the same when their folded names are equal; every equal hash is
  // confirmed on the names, so a collision never makes a wrong warning.
  void compare(Normalised& result, double members_change_above) const;

  std::size_t size() const noexcept { return group_of_.size(); }  // previous records read

  // dryrun5 (issue 18): the same comparison, fed this return a part at a
  // time (a dry run's blocks, each compared as soon as it is checked, on
  // the thread that checked it). Each thread gives its parts, in this
  // return's order, to a Progress of its own; finish() then appends what
  // compare() would have, given the progresses in this return's order
  // (the parts of progress k all before those of progress k + 1).
  struct Progress {
    std::vector<std::uint8_t> matched;  // per previous record: its group matched (empty: none yet)
    std::vector<Issue> changed;         // members_changed, in order
    std::size_t guess = 0;              // the previous record the next one is likely to be
  };
  void compare_part(const RecordSet& part, double members_change_above, Progress& progress) const;
  void finish(std::vector<Progress>& progress, Normalised& result) const;

 private:
  static constexpr std::uint32_t kCollided = 0x80000000u;
  struct Slot {
    std::uint64_t hash = 0;
    std::uint32_t value = kNone;  // a group (its first record), or kCollided | an index into collided_
  };
  void add(const RecordSet& part);
  void take_period(const std::string& period);
  void keep_name(std::string_view written);
  struct Name {
    std::uint32_t chunk = 0, start = 0, size = 0;
  };
  std::string_view name(std::uint32_t record) const noexcept {
    const Name& n = names_[record];
    return std::string_view(chunks_[n.chunk]).substr(n.start, n.size);
  }
  std::size_t home(std::uint64_t h) const noexcept { return static_cast<std::size_t>((h * multiplier_) >> shift_); }
  std::size_t slot_of(std::uint64_t h) const noexcept;  // the slot of hash h, or the empty one where it goes
  std::uint32_t find(std::string_view name, const std::string& folded, std::uint64_t h) const;
  void grow();
  // Records [begin, end) of `now` against the index: the groups they match
  // marked, their members_total changes appended in order (progress.matched
  // already sized).
  void compare_range(const RecordSet& now, std::size_t begin, std::size_t end, std::uint32_t field,
                     double members_change_above, Progress& progress) const;

  NameHash hash_;
  // Every previous name as written, one after another in chunks of 1 MiB
  // (never one string grown by doubling and copied), and where each is.
  std::vector<std::string> chunks_;
  std::vector<Name> names_;  // per record
  std::vector<std::uint32_t> group_of_;       // per record: the first record of its folded name
  std::vector<std::int64_t> before_;          // per group: members_total of its last record, 0 when none
  std::vector<std::pair<std::uint32_t, std::string>> periods_;  // (first record, period) of the parts
  // dryrun3 (issue 18): the slots' memory asked for in 2 MiB pages once it
  // is large (madvise, a hint the kernel may refuse): 32 MiB probed at
  // random at a million names, each probe a TLB miss in 4 KiB pages.
  struct SlotMemory {
    using value_type = Slot;
    template <class U>
    struct rebind {
      using other = SlotMemory;
    };
    Slot* allocate(std::size_t n);
    void deallocate(Slot* p, std::size_t n) noexcept;
    friend bool operator==(const SlotMemory&, const SlotMemory&) noexcept { return true; }
  };
  std::vector<Slot, SlotMemory> slots_;
  std::size_t used_ = 0;
  std::vector<std::map<std::string, std::uint32_t, std::less<>>> collided_;  // folded name -> group
  std::uint64_t multiplier_ = 1;
  unsigned shift_ = 60;
  std::vector<std::uint64_t> hashes_;  // place()'s: the hashes of a part's names
  // Taken and not yet placed: records [size(), names_.size()), their members_total.
  std::vector<std::pair<bool, std::int64_t>> taken_;
  std::vector<RecordGlance> glance_;  // take()'s: what a block's records are
  std::string folded_;                 // add()'s: a folded name
  std::string error_;  // why the rest could not be read; empty when all was
  bool cancelled_ = false;
};

}  // namespace tonghop::normalise
