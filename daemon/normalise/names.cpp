#include "normalise/names.hpp"

#include <functional>

namespace tonghop::normalise::detail {

std::uint32_t NameIndex::tag_of(std::string_view folded) {
  const std::uint64_t h = std::hash<std::string_view>{}(folded);
  return static_cast<std::uint32_t>(h >> 32) ^ static_cast<std::uint32_t>(h);
}

void NameIndex::grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.empty() ? 1024 : old.size() * 2, Slot{});
  const std::size_t mask = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.record == 0) continue;
    std::size_t at = s.tag & mask;
    while (slots_[at].record != 0) at = (at + 1) & mask;
    slots_[at] = s;
  }
}

}  // namespace tonghop::normalise::detail
