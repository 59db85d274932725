#include "normalise/previous.hpp"


#include <sys/mman.h>

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <exception>
#include <new>
#include <optional>
#include <random>
#include <thread>

#include <fmt/format.h>

#include "core/parallel.hpp"
#include "normalise/text.hpp"

namespace tonghop::normalise {

namespace {

std::uint32_t members_index(const RecordSet& s) {
  const auto& f = s.layout().fields;
  return static_cast<std::uint32_t>(std::find(f.begin(), f.end(), "members_total") - f.begin());
}

std::uint64_t std_hash(std::string_view folded) { return std::hash<std::string_view>{}(folded); }

constexpr std::size_t kLargePage = std::size_t{2} << 20;

}  // namespace

PreviousIndex::Slot* PreviousIndex::SlotMemory::allocate(std::size_t n) {
  const std::size_t bytes = n * sizeof(Slot);
  if (bytes < 2 * kLargePage) return static_cast<Slot*>(::operator new(bytes));
  const std::size_t size = (bytes + kLargePage - 1) / kLargePage * kLargePage;
  void* p = std::aligned_alloc(kLargePage, size);
  if (p == nullptr) throw std::bad_alloc();
  ::madvise(p, size, MADV_HUGEPAGE);  // refused or not, the memory is the same
  return static_cast<Slot*>(p);
}

void PreviousIndex::SlotMemory::deallocate(Slot* p, std::size_t n) noexcept {
  if (n * sizeof(Slot) < 2 * kLargePage) ::operator delete(p);
  else std::free(p);
}

PreviousIndex::PreviousIndex(NameHash hash) : hash_(hash != nullptr ? hash : std_hash) {
  slots_.assign(16, Slot{});
  shift_ = 64 - static_cast<unsigned>(std::countr_zero(slots_.size()));
  // Multiply-shift with an odd multiplier of this index's own: where a hash
  // lands cannot be aimed at from outside, so the probes stay short.
  std::random_device seed;
  multiplier_ = ((static_cast<std::uint64_t>(seed()) << 32) ^ seed()) | 1;
}

std::size_t PreviousIndex::slot_of(std::uint64_t h) const noexcept {
  // One slot per hash: names of different folded forms under one hash share it (collided_).
  for (std::size_t s = home(h);; s = (s + 1) & (slots_.size() - 1))
    if (slots_[s].value == kNone || slots_[s].hash == h) return s;
}

void PreviousIndex::grow() {
  std::vector<Slot, SlotMemory> old(slots_.size() * 2);
  old.swap(slots_);
  shift_ -= 1;
  for (const Slot& s : old)
    if (s.value != kNone) slots_[slot_of(s.hash)] = s;
}

std::uint32_t PreviousIndex::find(std::string_view name, const std::string& folded, std::uint64_t h) const {
  const Slot& at = slots_[slot_of(h)];
  if (at.value == kNone) return kNone;
  if ((at.value & kCollided) != 0) {
    const auto& names = collided_[at.value & ~kCollided];
    const auto it = names.find(folded);
    return it != names.end() ? it->second : kNone;
  }
  // The same hash: the same organisation only if the names say so.
  const std::string_view ours = this->name(at.value);
  return ours == name || fold(ours) == folded ? at.value : kNone;
}

void PreviousIndex::take_period(const std::string& period) {
  if (periods_.empty() || periods_.back().second != period)
    periods_.emplace_back(static_cast<std::uint32_t>(names_.size()), period);
}

void PreviousIndex::keep_name(std::string_view written) {
  constexpr std::size_t kChunk = std::size_t{1} << 20;
  if (chunks_.empty() || chunks_.back().size() + written.size() > chunks_.back().capacity()) {
    chunks_.emplace_back().reserve(std::max(kChunk, written.size()));  // a name never spans two
  }
  std::string& chunk = chunks_.back();
  names_.push_back(Name{static_cast<std::uint32_t>(chunks_.size() - 1), static_cast<std::uint32_t>(chunk.size()),
                        static_cast<std::uint32_t>(written.size())});
  chunk.append(written);
}

void PreviousIndex::add(const RecordSet& part) {
  take_period(part.period);
  const std::uint32_t field = members_index(part);
  for (std::size_t i = 0; i < part.size(); ++i) {
    keep_name(part.org_name(i));
    std::int64_t members = 0;
    const bool given = record_value(part, i, field, members);
    taken_.emplace_back(given, members);
  }
  place();
}

PreviousIndex::Took PreviousIndex::take(std::string_view block, std::size_t count, const Layout& layout,
                                        const std::string& period) {
  if (names_.size() + count >= kCollided) {  // past what the index counts (never: a return's cells are bounded far below)
    error_ = fmt::format("more than {} records", kCollided - 1);
    return Took::full;
  }
  const auto& f = layout.fields;
  const auto field = static_cast<std::uint32_t>(std::find(f.begin(), f.end(), "members_total") - f.begin());
  // Every record of the block checked before any is taken.
  if (!glance_encoded(block, count, layout.symbols.size(), field, glance_)) return Took::damaged;
  take_period(period);
  for (std::size_t i = 0; i < count; ++i) {
    keep_name(glance_[i].name);
    taken_.emplace_back(glance_[i].has_value, glance_[i].value);
  }
  return Took::taken;
}

void PreviousIndex::place() {
  const std::size_t first = size(), count = names_.size() - first;
  // First the names folded and hashed, and the slot each hash would take
  // fetched into the cache ahead of its use (a table of 32 MiB at a million
  // names: every probe a miss otherwise); then each placed.
  hashes_.resize(count);
  for (std::size_t i = 0; i < count; ++i) {
    fold_into(name(static_cast<std::uint32_t>(first + i)), folded_);
    hashes_[i] = hash_(folded_);
    __builtin_prefetch(&slots_[home(hashes_[i])]);
  }
  group_of_.resize(first + count);
  before_.resize(first + count);
  for (std::size_t i = 0; i < count; ++i) {
    const auto record = static_cast<std::uint32_t>(first + i);
    const std::uint64_t h = hashes_[i];
    std::uint32_t group = record;
    Slot* s = &slots_[slot_of(h)];
    if (s->value == kNone) {
      *s = Slot{h, record};
      if (2 * ++used_ > slots_.size()) grow();
    } else {
      // The same hash as a name before: the same organisation only if the
      // folded names say so (folded again here: rare).
      const std::string_view written = name(record);
      fold_into(written, folded_);
      group = find(written, folded_, h);
      if (group == kNone) {
        group = record;
        if ((s->value & kCollided) != 0) {
          collided_[s->value & ~kCollided].emplace(folded_, record);
        } else {
          // Another folded name under the same hash: both kept by their folded names.
          std::map<std::string, std::uint32_t, std::less<>> names;
          names.emplace(fold(name(s->value)), s->value);
          names.emplace(folded_, record);
          collided_.push_back(std::move(names));
          s->value = kCollided | static_cast<std::uint32_t>(collided_.size() - 1);
        }
      }
    }
    group_of_[record] = group;
    before_[group] = taken_[i].first ? taken_[i].second : 0;  // the last of a name given twice
  }
  taken_.clear();
}

void PreviousIndex::reserve(std::size_t expected) {
  // Room made once for what the store says it holds, up to 2 million
  // records (a count read from a damaged store costs no more than that);
  // more, if ever, grows as usual.
  expected = std::min<std::size_t>(expected, std::size_t{1} << 21);
  names_.reserve(expected);
  group_of_.reserve(expected);
  before_.reserve(expected);
  taken_.reserve(std::min<std::size_t>(expected, RecordSet::kBlock));
  if (used_ == 0 && slots_.size() < 2 * expected) {
    // Nothing placed yet: the slots made once at their size, not doubled there.
    std::size_t size = slots_.size();
    while (size < 2 * expected) size *= 2;
    std::vector<Slot, SlotMemory>(size).swap(slots_);
    shift_ = 64 - static_cast<unsigned>(std::countr_zero(slots_.size()));
  }
  while (slots_.size() < 2 * expected) grow();
}

void PreviousIndex::read(const Parts& next, const std::atomic<bool>* cancel, std::size_t expected) {
  reserve(expected);
  for (;;) {
    if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
      cancelled_ = true;
      return;
    }
    auto part = next();
    if (!part) {
      error_ = part.error();
      return;
    }
    const RecordSet& set = **part;
    if (set.empty()) return;
    if (size() + set.size() >= kCollided) {  // past what the index counts (never: a return's cells are bounded far below)
      error_ = fmt::format("more than {} records", kCollided - 1);
      return;
    }
    add(set);
  }
}

void PreviousIndex::compare_range(const RecordSet& now, std::size_t begin, std::size_t end, std::uint32_t field,
                                  double members_change_above, Progress& progress) const {
  const std::size_t read = size();
  std::string folded;
  std::size_t& guess = progress.guess;  // the previous record this return's next one is likely to be
  for (std::size_t i = begin; i < end; ++i) {
    const std::string_view ours = now.org_name(i);
    // Returns mostly list their organisations in the same order: the same
    // name (byte for byte, so the same folded name) where the last one
    // matched is the same organisation without folding or hashing it.
    std::uint32_t g = kNone;
    if (guess < read && name(static_cast<std::uint32_t>(guess)) == ours) {
      g = group_of_[guess++];
    } else {
      fold_into(ours, folded);
      g = find(ours, folded, hash_(folded));
      if (g != kNone) guess = std::size_t{g} + 1;
    }
    if (g == kNone) continue;
    progress.matched[g] = 1;
    const std::int64_t old = before_[g];
    if (old == 0) continue;
    std::int64_t mt = 0;
    if (!record_value(now, i, field, mt)) continue;  // members_total alone, not the whole record
    const double change = 100.0 * static_cast<double>(mt - old) / static_cast<double>(old);
    if (change > members_change_above || change < -members_change_above) {
      const Record r = now.at(i);
      const auto place = r.provenance.count("members_total") ? r.provenance.at("members_total") : r.where;
      progress.changed.push_back(Issue{
          "members_changed",
          fmt::format("{}: {} đảng viên, kỳ trước {} ({:+.0f}%) / {}: members_total {} against {} last period ({:+.0f}%)",
                      r.org_name, mt, old, change, r.org_name, mt, old, change),
          "members_total", std::to_string(mt), place});
    }
  }
}

void PreviousIndex::compare_part(const RecordSet& part, double members_change_above, Progress& progress) const {
  if (cancelled_ || size() == 0 || part.empty()) return;
  if (progress.matched.empty()) progress.matched.assign(size(), 0);
  compare_range(part, 0, part.size(), members_index(part), members_change_above, progress);
}

void PreviousIndex::compare(Normalised& result, double members_change_above) const {
  if (cancelled_) return;  // not read to its end: never compared
  const std::size_t read = size();
  std::vector<Progress> progress;
  const RecordSet& now = result.records;
  if (read > 0 && !now.empty()) {
    const std::uint32_t field = members_index(now);
    // This return's records in as many ranges as there are cores (the import
    // is done: they are free), each streamed against the index on a thread of
    // its own; their warnings joined in this return's order, what each
    // matched joined too (finish). Ranges of at least kRange records: a
    // sample return is one range, on this thread.
    constexpr std::size_t kRange = std::size_t{1} << 16;
    const std::size_t ranges = std::clamp<std::size_t>(now.size() / kRange, 1, core::spare_threads());
    progress.resize(ranges);
    core::in_parts(ranges, [&](std::size_t k) {
      progress[k].matched.assign(read, 0);
      compare_range(now, now.size() * k / ranges, now.size() * (k + 1) / ranges, field, members_change_above,
                    progress[k]);
    });
  }
  finish(progress, result);
}

void PreviousIndex::finish(std::vector<Progress>& progress, Normalised& result) const {
  if (cancelled_) return;  // not read to its end: never compared
  const std::size_t read = size();
  if (!error_.empty())
    result.warnings.push_back(Issue{
        "previous_unreadable",
        fmt::format("Không đọc được hết báo cáo kỳ trước để so sánh, chỉ so với {} tổ chức đầu ({}) / the previous "
                    "period's return could not all be read for the comparison, only its first {} organisations "
                    "were compared ({})",
                    read, error_, read, error_),
        "", "", Place{}});
  if (read == 0) return;
  // What any part matched, in the first progress that matched anything.
  std::vector<std::uint8_t> none;
  std::vector<std::uint8_t>* matched = &none;
  for (auto& p : progress) {
    if (p.matched.size() != read) continue;
    if (matched == &none) matched = &p.matched;
    else
      for (std::size_t g = 0; g < read; ++g) (*matched)[g] |= p.matched[g];
  }
  if (matched == &none) none.assign(read, 0);
  for (auto& p : progress)
    for (auto& issue : p.changed) result.warnings.push_back(std::move(issue));
  std::size_t p = 0;
  for (std::uint32_t j = 0; j < read; ++j) {
    while (p + 1 < periods_.size() && periods_[p + 1].first <= j) ++p;
    if ((*matched)[group_of_[j]] != 0) continue;
    const std::string_view n = name(j);
    const std::string& period = periods_[p].second;
    result.warnings.push_back(Issue{"organisation_missing",
                                    bilingual(fmt::format("«{}» có ở kỳ {} nhưng không có trong báo cáo này", n, period),
                                              fmt::format("{} was in the {} return and is missing from this one", n,
                                                          period)),
                                    "org_name", std::string(n), Place{}});
  }
}

}  // namespace tonghop::normalise
