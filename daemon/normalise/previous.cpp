#include "normalise/previous.hpp"

#include <algorithm>
#include <bit>
#include <optional>
#include <random>

#include <fmt/format.h>

#include "normalise/text.hpp"

namespace tonghop::normalise {

namespace {

std::uint32_t members_index(const RecordSet& s) {
  const auto& f = s.layout().fields;
  return static_cast<std::uint32_t>(std::find(f.begin(), f.end(), "members_total") - f.begin());
}

std::optional<std::int64_t> members(const CompactRecord& r, std::uint32_t field) {
  for (const auto& [f, v] : r.values)
    if (f == field) return v;
  return std::nullopt;
}

std::uint64_t std_hash(std::string_view folded) { return std::hash<std::string_view>{}(folded); }

}  // namespace

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
  for (std::size_t s = static_cast<std::size_t>((h * multiplier_) >> shift_);; s = (s + 1) & (slots_.size() - 1))
    if (slots_[s].value == kNone || slots_[s].hash == h) return s;
}

void PreviousIndex::grow() {
  std::vector<Slot> old(slots_.size() * 2);
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

void PreviousIndex::add(const RecordSet& part) {
  if (periods_.empty() || periods_.back().second != part.period)
    periods_.emplace_back(static_cast<std::uint32_t>(size()), part.period);
  const std::uint32_t field = members_index(part);
  CompactRecord c;
  std::string folded;
  for (std::size_t i = 0; i < part.size(); ++i) {
    part.get(i, c);
    const auto record = static_cast<std::uint32_t>(size());
    constexpr std::size_t kChunk = std::size_t{1} << 20;
    if (chunks_.empty() || chunks_.back().size() + c.org_name.size() > chunks_.back().capacity()) {
      chunks_.emplace_back().reserve(std::max(kChunk, c.org_name.size()));  // a name never spans two
    }
    std::string& chunk = chunks_.back();
    names_.push_back(Name{static_cast<std::uint32_t>(chunks_.size() - 1), static_cast<std::uint32_t>(chunk.size()),
                          static_cast<std::uint32_t>(c.org_name.size())});
    chunk.append(c.org_name);
    folded = fold(c.org_name);
    const std::uint64_t h = hash_(folded);
    std::uint32_t group = find(c.org_name, folded, h);
    if (group == kNone) {
      group = record;
      Slot& s = slots_[slot_of(h)];
      if (s.value == kNone) {
        s = Slot{h, record};
        if (2 * ++used_ > slots_.size()) grow();
      } else if ((s.value & kCollided) != 0) {
        collided_[s.value & ~kCollided].emplace(folded, record);
      } else {
        // Another folded name under the same hash: both kept by their folded names.
        std::map<std::string, std::uint32_t, std::less<>> names;
        names.emplace(fold(name(s.value)), s.value);
        names.emplace(folded, record);
        collided_.push_back(std::move(names));
        s.value = kCollided | static_cast<std::uint32_t>(collided_.size() - 1);
      }
    }
    group_of_.push_back(group);
    before_.push_back(0);
    before_[group] = members(c, field).value_or(0);  // the last of a name given twice
  }
}

void PreviousIndex::read(const Parts& next, const std::atomic<bool>* cancel, std::size_t expected) {
  // Room made once for what the store says it holds, up to 2 million
  // records (a count read from a damaged store costs no more than that);
  // more, if ever, grows as usual.
  expected = std::min<std::size_t>(expected, std::size_t{1} << 21);
  names_.reserve(expected);
  group_of_.reserve(expected);
  before_.reserve(expected);
  while (slots_.size() < 2 * expected) grow();
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

void PreviousIndex::compare(Normalised& result, double members_change_above) const {
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
  const RecordSet& now = result.records;
  const std::uint32_t field = members_index(now);
  std::vector<bool> matched(read);
  CompactRecord c;
  std::string folded;
  std::size_t guess = 0;  // the previous record this return's next one is likely to be
  for (std::size_t i = 0; i < now.size(); ++i) {
    const std::string_view ours = now.org_name(i);
    // Returns mostly list their organisations in the same order: the same
    // name (byte for byte, so the same folded name) where the last one
    // matched is the same organisation without folding or hashing it.
    std::uint32_t g = kNone;
    if (guess < read && name(static_cast<std::uint32_t>(guess)) == ours) {
      g = group_of_[guess++];
    } else {
      folded = fold(ours);
      g = find(ours, folded, hash_(folded));
      if (g != kNone) guess = std::size_t{g} + 1;
    }
    if (g == kNone) continue;
    matched[g] = true;
    const std::int64_t old = before_[g];
    if (old == 0) continue;
    now.get(i, c);
    const auto mt = members(c, field);
    if (!mt) continue;
    const double change = 100.0 * static_cast<double>(*mt - old) / static_cast<double>(old);
    if (change > members_change_above || change < -members_change_above) {
      const Record r = now.at(i);
      const auto place = r.provenance.count("members_total") ? r.provenance.at("members_total") : r.where;
      result.warnings.push_back(Issue{
          "members_changed",
          fmt::format("{}: {} đảng viên, kỳ trước {} ({:+.0f}%) / {}: members_total {} against {} last period ({:+.0f}%)",
                      r.org_name, *mt, old, change, r.org_name, *mt, old, change),
          "members_total", std::to_string(*mt), place});
    }
  }
  std::size_t p = 0;
  for (std::uint32_t j = 0; j < read; ++j) {
    while (p + 1 < periods_.size() && periods_[p + 1].first <= j) ++p;
    if (matched[group_of_[j]]) continue;
    const std::string_view n = name(j);
    const std::string& period = periods_[p].second;
    result.warnings.push_back(Issue{"organisation_missing",
                                    fmt::format("«{}» có ở kỳ {} nhưng không có trong báo cáo này / {} was in the {} "
                                                "return and is missing from this one",
                                                n, period, n, period),
                                    "org_name", std::string(n), Place{}});
  }
}

}  // namespace tonghop::normalise
