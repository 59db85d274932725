#include "normalise/normaliser.hpp"

#include <algorithm>
#include <bit>
#include <random>
#include <optional>
#include <unordered_map>

#include <fmt/format.h>

#include "normalise/text.hpp"

namespace tonghop::normalise {

std::string column_name(std::uint32_t column) {
  std::string out;
  while (column > 0) {
    out.insert(out.begin(), static_cast<char>('A' + (column - 1) % 26));
    column = (column - 1) / 26;
  }
  return out;
}

namespace {

// The problems of one row or element, that many rows may share.
bool repeats(std::string_view code) {
  for (const char* c : {"not_a_number", "negative", "not_whole", "part_exceeds_whole", "parts_exceed_whole",
                        "parts_differ_from_whole", "cell_with_subordinates", "unknown_rating", "unknown_kind",
                        "missing_name", "adds_up", "admitted_high", "total_row", "heading_row"})
    if (code == c) return true;
  return false;
}

// A JSON Pointer with its array indices taken out: "/to_chuc/17/ten" -> "/to_chuc/#/ten".
std::string pattern(std::string_view path) {
  std::string out;
  std::size_t start = 0;
  while (start < path.size()) {
    std::size_t end = path.find('/', start + 1);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view seg = path.substr(start, end - start);  // with its '/'
    const bool index = seg.size() > 1 && std::all_of(seg.begin() + 1, seg.end(), [](char c) { return c >= '0' && c <= '9'; });
    out += index ? std::string("/#") : std::string(seg);
    start = end;
  }
  return out;
}

std::string cell_text(const Place& p) {
  if (!p.path.empty()) return p.path;
  if (p.column == 0) return fmt::format("dòng {}", p.row);
  return column_name(p.column) + std::to_string(p.row);
}

}  // namespace

void group_repeats(std::vector<Issue>& issues) {
  std::vector<Issue> out;
  std::vector<std::vector<Place>> places;  // per issue of out: the places of its repeats
  std::unordered_map<std::string, std::size_t> seen;
  for (auto& i : issues) {
    if (!repeats(i.code)) {
      out.push_back(std::move(i));
      places.emplace_back();
      continue;
    }
    const std::string key = fmt::format("{}\x1f{}\x1f{}\x1f{}\x1f{}", i.code, i.field, i.where.sheet, i.where.column,
                                        pattern(i.where.path));
    const auto [it, fresh] = seen.emplace(key, out.size());
    if (fresh) {
      places.push_back({i.where});
      out.push_back(std::move(i));
    } else {
      places[it->second].push_back(i.where);
    }
  }
  for (std::size_t k = 0; k < out.size(); ++k) {
    const auto& ps = places[k];
    if (ps.size() < 2) continue;
    Issue& i = out[k];
    i.count = static_cast<std::uint32_t>(ps.size());
    if (ps.size() <= 8) {
      for (const auto& p : ps) i.range += (i.range.empty() ? "" : ", ") + cell_text(p);
    } else if (ps.front().path.empty() && ps.front().column != 0) {
      i.range = cell_text(ps.front()) + ":" + cell_text(ps.back());
    } else {
      i.range = cell_text(ps.front()) + " … " + cell_text(ps.back());
    }
    const std::size_t cut = i.message.find(" / ");
    const std::string vi = i.message.substr(0, cut);
    const std::string en = cut == std::string::npos ? std::string() : i.message.substr(cut + 3);
    i.message = fmt::format("{} — cùng lỗi ở {} chỗ: {} / {} — the same in {} places: {}", vi, ps.size(), i.range, en,
                            ps.size(), i.range);
  }
  issues = std::move(out);
}

Issue unreadable(const sdk::Status& s) {
  return Issue{std::string(sdk::code_name(s.code())), "Không đọc được tệp / the file cannot be read: " + s.message(), "",
               "", Place{s.where().sheet, s.where().row, s.where().column, s.where().path}};
}

sdk::Status replay(const sdk::Document& doc, sdk::DocumentSink& sink) {
  for (const auto& p : doc.properties)
    if (auto s = sink.property(p.key, p.value); !s.ok()) return s;
  if (doc.is_tree) {
    if (auto s = sink.begin_tree(); !s.ok()) return s;
    for (const auto& v : doc.tree)
      if (auto s = sink.scalar(v.pointer, sdk::ScalarView{v.kind, v.boolean, v.number, v.text}); !s.ok()) return s;
    return sink.end_tree();
  }
  for (const auto& sheet : doc.sheets) {
    if (auto s = sink.begin_sheet(sheet.name); !s.ok()) return s;
    // Row by row, left to right, as importers give them.
    std::vector<const sdk::Cell*> cells;
    cells.reserve(sheet.cells.size());
    for (const auto& c : sheet.cells) cells.push_back(&c);
    std::stable_sort(cells.begin(), cells.end(), [](const sdk::Cell* a, const sdk::Cell* b) {
      return a->row != b->row ? a->row < b->row : a->column < b->column;
    });
    for (const auto* c : cells)
      if (auto s = sink.cell(sdk::CellView{c->row, c->column, c->type, c->text, c->number, c->font, c->number_format});
          !s.ok())
        return s;
    for (const auto& m : sheet.merges)
      if (auto s = sink.merged(m); !s.ok()) return s;
    if (auto s = sink.end_sheet(); !s.ok()) return s;
  }
  return {};
}

Normalised Normaliser::normalise(const sdk::Document& document, const Submission& submission,
                                 const Profile* profile) const {
  // A reader refuses only what passes its own limits: that is the result then.
  auto refused = [](const sdk::Status& s) {
    Normalised out;
    out.errors.push_back(unreadable(s));
    return out;
  };
  auto first = reader(submission, profile);
  if (const auto s = replay(document, *first); !s.ok()) return refused(s);
  if (!first->needs_second_pass()) return first->finish();
  auto second = reader(submission, profile, first->learned());
  if (const auto s = replay(document, *second); !s.ok()) return refused(s);
  return second->finish();
}

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

// A return's organisations by folded name, holding no name: a group is the
// organisations whose folded names are equal (a name given twice is one
// group, named by its first record), found by the hash of the folded name and
// confirmed on the names themselves. With each record's members_total: about
// 70 bytes an organisation while it is built, 50 after (a million: 50-70
// MB), where maps of folded names held every name of both returns.
class NameIndex {
 public:
  static constexpr std::uint32_t kNone = UINT32_MAX;

  NameIndex(const RecordSet& records, Normaliser::NameHash hash) : records_(records), hash_(hash) {
    const std::size_t n = records.size();
    const std::uint32_t field = members_index(records);
    std::vector<std::pair<std::uint64_t, std::uint32_t>> keys;  // (hash, record)
    keys.reserve(n);
    members_.resize(n);
    has_members_.resize(n);
    CompactRecord c;
    for (std::size_t i = 0; i < n; ++i) {
      records.get(i, c);
      keys.emplace_back(hash_(fold(c.org_name)), static_cast<std::uint32_t>(i));
      if (const auto m = members(c, field)) {
        members_[i] = *m;
        has_members_[i] = true;
      }
    }
    std::sort(keys.begin(), keys.end());
    group_of_.resize(n);
    std::size_t hashes = 0;
    for (std::size_t a = 0; a < n; ++hashes) {
      std::size_t b = a + 1;
      while (b < n && keys[b].first == keys[a].first) ++b;
      a = b;
    }
    std::size_t capacity = 16;
    while (capacity < 2 * hashes) capacity *= 2;
    slots_.assign(capacity, Slot{});
    shift_ = 64 - static_cast<unsigned>(std::countr_zero(capacity));
    // Multiply-shift with an odd multiplier of this index's own: where a hash
    // lands cannot be aimed at from outside, so the probes stay short.
    std::random_device seed;
    multiplier_ = ((static_cast<std::uint64_t>(seed()) << 32) ^ seed()) | 1;
    for (std::size_t a = 0; a < n;) {
      std::size_t b = a + 1;
      while (b < n && keys[b].first == keys[a].first) ++b;
      const std::uint64_t h = keys[a].first;
      if (b - a == 1) {
        group_of_[keys[a].second] = keys[a].second;
        insert(h, keys[a].second);
      } else {
        // Equal hashes: the same name given more than once, or a collision.
        // Told apart by the folded names themselves, in record order.
        std::vector<std::pair<std::string, std::uint32_t>> names;
        names.reserve(b - a);
        for (std::size_t k = a; k < b; ++k) names.emplace_back(fold(records.org_name(keys[k].second)), keys[k].second);
        std::stable_sort(names.begin(), names.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
        std::vector<std::pair<std::string, std::uint32_t>> distinct;  // (folded name, group)
        for (auto& [name, record] : names) {
          if (distinct.empty() || distinct.back().first != name) distinct.emplace_back(std::move(name), record);
          group_of_[record] = distinct.back().second;
        }
        if (distinct.size() == 1) {
          insert(h, distinct.front().second);
        } else {
          collided_.push_back(std::move(distinct));
          insert(h, kCollided | static_cast<std::uint32_t>(collided_.size() - 1));
        }
      }
      a = b;
    }
  }

  // A record's group: the first record of its folded name.
  std::uint32_t group_of(std::size_t record) const { return group_of_[record]; }
  std::optional<std::int64_t> members_of(std::size_t record) const {
    if (!has_members_[record]) return std::nullopt;
    return members_[record];
  }

  // The group of an organisation named `name` (folded: `folded`), or kNone.
  std::uint32_t find(std::string_view name, const std::string& folded) const {
    const std::uint64_t h = hash_(folded);
    for (std::size_t s = slot(h);; s = (s + 1) & (slots_.size() - 1)) {
      const Slot& at = slots_[s];
      if (at.value == kNone) return kNone;
      if (at.hash != h) continue;
      if ((at.value & kCollided) != 0) {
        const auto& names = collided_[at.value & ~kCollided];
        const auto it = std::lower_bound(names.begin(), names.end(), folded,
                                         [](const auto& x, const std::string& f) { return x.first < f; });
        return it != names.end() && it->first == folded ? it->second : kNone;
      }
      // The same hash: the same name only if the names say so.
      const std::string_view ours = records_.org_name(at.value);
      return ours == name || fold(ours) == folded ? at.value : kNone;
    }
  }

 private:
  static constexpr std::uint32_t kCollided = 0x80000000u;
  struct Slot {
    std::uint64_t hash = 0;
    std::uint32_t value = kNone;  // a group, or kCollided | an index into collided_
  };

  std::size_t slot(std::uint64_t h) const noexcept { return static_cast<std::size_t>((h * multiplier_) >> shift_); }
  void insert(std::uint64_t h, std::uint32_t value) {
    std::size_t s = slot(h);
    while (slots_[s].value != kNone) s = (s + 1) & (slots_.size() - 1);
    slots_[s] = Slot{h, value};
  }

  const RecordSet& records_;
  Normaliser::NameHash hash_;
  std::vector<std::uint32_t> group_of_;  // per record
  std::vector<std::int64_t> members_;    // per record, when has_members_
  std::vector<bool> has_members_;
  std::vector<Slot> slots_;
  std::vector<std::vector<std::pair<std::string, std::uint32_t>>> collided_;  // sorted by folded name
  std::uint64_t multiplier_ = 1;
  unsigned shift_ = 60;
};

}  // namespace

void Normaliser::compare_with_previous(Normalised& result, const RecordSet& previous) const {
  bool given = false;
  compare_with_previous(result, [&]() -> Expected<const RecordSet*> {
    static const RecordSet none;
    if (given) return &none;
    given = true;
    return &previous;
  });
}

void Normaliser::compare_with_previous(Normalised& result, const RecordParts& next, NameHash hash) const {
  if (hash == nullptr) hash = std_hash;
  const RecordSet& now = result.records;
  if (now.size() >= 0x80000000u) return;  // past what the index counts (never: a return's cells are bounded far below)
  std::optional<NameIndex> index;  // made at the first previous record: none, no cost
  // Per group (its first record): members_total of the last previous record
  // of that name; 0 when none, or none given (either way nothing to compare).
  std::vector<std::int64_t> before;
  std::vector<Issue> missing;
  CompactRecord c;
  std::string folded;
  std::size_t read = 0;
  std::size_t guess = 0;  // the record of this return the next previous one is likely to be
  for (;;) {
    auto part = next();
    if (!part) {
      result.warnings.push_back(Issue{
          "previous_unreadable",
          fmt::format("Không đọc được hết báo cáo kỳ trước để so sánh, chỉ so với {} tổ chức đầu ({}) / the previous "
                      "period's return could not all be read for the comparison, only its first {} organisations "
                      "were compared ({})",
                      read, part.error(), read, part.error()),
          "", "", Place{}});
      break;
    }
    const RecordSet& set = **part;
    if (set.empty()) break;
    if (!index) {
      index.emplace(now, hash);
      before.assign(now.size(), 0);
    }
    const std::uint32_t field = members_index(set);
    for (std::size_t i = 0; i < set.size(); ++i, ++read) {
      set.get(i, c);
      // Returns mostly list their organisations in the same order: the same
      // name (byte for byte, so the same folded name) where the last one
      // matched is the same organisation without folding or hashing it.
      std::uint32_t g = NameIndex::kNone;
      if (guess < now.size() && now.org_name(guess) == c.org_name) {
        g = index->group_of(guess++);
      } else {
        folded = fold(c.org_name);
        g = index->find(c.org_name, folded);
        if (g != NameIndex::kNone) guess = std::size_t{g} + 1;
      }
      if (g != NameIndex::kNone) {
        before[g] = members(c, field).value_or(0);  // the last of a name given twice, as before
        continue;
      }
      missing.push_back(Issue{"organisation_missing",
                              fmt::format("«{}» có ở kỳ {} nhưng không có trong báo cáo này / {} was in the {} "
                                          "return and is missing from this one",
                                          c.org_name, set.period, c.org_name, set.period),
                              "org_name", std::string(c.org_name), Place{}});
    }
  }
  if (!index) return;
  for (std::size_t i = 0; i < now.size(); ++i) {
    const std::int64_t old = before[index->group_of(i)];
    if (old == 0) continue;
    const auto mt = index->members_of(i);
    if (!mt) continue;
    const double change = 100.0 * static_cast<double>(*mt - old) / static_cast<double>(old);
    if (change > catalogue_.members_change_above || change < -catalogue_.members_change_above) {
      const Record r = now.at(i);
      const auto place = r.provenance.count("members_total") ? r.provenance.at("members_total") : r.where;
      result.warnings.push_back(Issue{
          "members_changed",
          fmt::format("{}: {} đảng viên, kỳ trước {} ({:+.0f}%) / {}: members_total {} against {} last period ({:+.0f}%)",
                      r.org_name, *mt, old, change, r.org_name, *mt, old, change),
          "members_total", std::to_string(*mt), place});
    }
  }
  for (auto& m : missing) result.warnings.push_back(std::move(m));
}

}  // namespace tonghop::normalise
