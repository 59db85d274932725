// Which organisation of a return a name was first given to: the same
// organisation twice in one return would be counted twice (a row copied, a
// corrected row pasted below the old one). Names are the same when their
// folds are, as the comparison with the previous period matches them
// (previous.hpp). A flat table of the folded name's hash, 8 bytes a slot, so
// that a million organisations cost 16 MiB and one probe each; a hash seen
// before is confirmed on the names, so a collision never makes a wrong
// finding.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace tonghop::normalise::detail {

class NameIndex {
 public:
  static constexpr std::uint32_t kNone = UINT32_MAX;
  // Record `record`, named `folded`: the first record of that name, or
  // kNone (and it is kept as the first). `same(i)` says whether record i's
  // name folds to `folded` (asked only when the hashes agree).
  template <class Same>
  std::uint32_t first(std::string_view folded, std::uint32_t record, Same same) {
    if ((used_ + 1) * 2 > slots_.size()) grow();
    const std::uint32_t tag = tag_of(folded);
    const std::size_t mask = slots_.size() - 1;
    std::size_t at = tag & mask;
    for (; slots_[at].record != 0; at = (at + 1) & mask)
      if (slots_[at].tag == tag && same(slots_[at].record - 1)) return slots_[at].record - 1;
    slots_[at] = Slot{tag, record + 1};
    ++used_;
    return kNone;
  }

  // The next `n` names, folded, asked for in first() soon: room made for
  // them now, and each one's slot brought toward the cache, so that first()
  // does not wait on memory (a million names' table is 16 MiB: every probe
  // missed the caches, 9 % of a large CSV's `check` on one core).
  void expect(const std::string_view* folded, std::size_t n) {
    while ((used_ + n + 1) * 2 > slots_.size()) grow();
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = 0; i < n; ++i) __builtin_prefetch(&slots_[tag_of(folded[i]) & mask]);
  }

 private:
  struct Slot {
    std::uint32_t tag = 0;     // tag_of the name
    std::uint32_t record = 0;  // the record + 1; 0: empty
  };
  // The folded name's hash, its halves mixed: the slot is found from it
  // alone, so that growing never needs the names again.
  static std::uint32_t tag_of(std::string_view folded);
  void grow();
  std::vector<Slot> slots_;
  std::size_t used_ = 0;
};

}  // namespace tonghop::normalise::detail
