#include "normalise/tree.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>

#include <fmt/format.h>

#include "normalise/header.hpp"
#include "normalise/text.hpp"

namespace tonghop::normalise::detail {

namespace {

// The segment of `pointer` from `start` to the next '/' (npos: none) read as
// an array index as element_of reads one: 0, or 1 to 9 digits without a
// leading zero. One pass, no std::from_chars: this runs for every value.
enum class Segment { last, index, other };
inline Segment index_at(std::string_view pointer, std::size_t start, std::size_t& slash, std::uint32_t& n) {
  const char* p = pointer.data() + start;
  const char* const end = pointer.data() + pointer.size();
  std::uint32_t value = 0;  // wraps past 9 digits: such a segment is no index
  const char* q = p;
  for (unsigned d; q != end && (d = static_cast<unsigned char>(*q) - unsigned{'0'}) < 10; ++q) value = value * 10 + d;
  if (q != end && *q == '/') {
    const std::size_t digits = static_cast<std::size_t>(q - p);
    slash = static_cast<std::size_t>(q - pointer.data());
    if (digits == 0 || digits > 9 || (digits > 1 && *p == '0')) return Segment::other;
    n = value;
    return Segment::index;
  }
  const auto rest = pointer.find('/', static_cast<std::size_t>(q - pointer.data()));
  if (rest == std::string_view::npos) return Segment::last;
  slash = rest;
  return Segment::other;
}

}  // namespace

std::optional<std::pair<std::string_view, std::uint32_t>> element_of(std::string_view pointer) {
  std::size_t at = 0;
  while (at < pointer.size() && pointer[at] == '/') {
    std::size_t end = 0;
    std::uint32_t n = 0;
    const Segment seg = index_at(pointer, at + 1, end, n);
    if (seg == Segment::last) return std::nullopt;  // the last segment: nothing after it
    if (seg == Segment::index) return std::pair{pointer.substr(0, at), n};
    at = end;
  }
  return std::nullopt;
}

namespace {

// Whether two keys are the same: for 8 to 32 bytes (most keys) by words,
// without a call to memcmp; it runs for every value on the worker.
inline bool same_key(std::string_view a, std::string_view b) {
  const std::size_t n = a.size();
  if (n != b.size()) return false;
  if (n < 8 || n > 32) return std::memcmp(a.data(), b.data(), n) == 0;
  auto word = [](const char* p) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    return w;
  };
  const char* x = a.data();
  const char* y = b.data();
  std::uint64_t d = (word(x) ^ word(y)) | (word(x + n - 8) ^ word(y + n - 8));
  if (n > 16) d |= (word(x + 8) ^ word(y + 8)) | (word(x + n - 16) ^ word(y + n - 16));
  return d == 0;
}

bool under(std::string_view pointer, std::string_view array) {
  return pointer.size() > array.size() && pointer[array.size()] == '/' && pointer.starts_with(array);
}

}  // namespace

TreeReader::TreeReader(const Catalogue& cat, const Registry& registry, const Submission& sub, const Policy& policy,
                       const Profile* profile, std::optional<std::string> array)
    : cat_(cat),
      registry_(registry),
      sub_(sub),
      policy_(policy),
      profile_(profile),
      first_pass_(!array),
      b_(cat, out_) {
  for (const auto& id : policy_.required) b_.require(field_index(cat, id));
  if (!array) return;
  reading_ = *array;
  read_array(std::move(*array));
}

void TreeReader::read_array(std::string array) {
  array_ = std::move(array);
  layout_keys_.clear();
  Layout layout;
  layout.tree = true;
  layout.array = *array_;
  for (const auto& f : cat_.fields) {
    layout.fields.push_back(f.id);
    layout.is_count.push_back(f.is_count);
    layout.paths.emplace_back();
    layout.headers.emplace_back();
  }
  out_.records = RecordSet(std::move(layout));
  out_.records.district = sub_.district;
  out_.records.period = sub_.period;
  district_field_ = field_index(cat_, "district");
  name_field_ = field_index(cat_, "org_name");
  slots_.assign(cat_.fields.size(), Slot{});
  for (const auto& rule : cat_.rules)
    if (rule.kind == Rule::Kind::at_most) {
      const std::size_t w = field_index(cat_, rule.whole);
      if (w < cat_.fields.size() && std::find(wholes_.begin(), wholes_.end(), w) == wholes_.end()) wholes_.push_back(w);
    }
}

TreeReader::~TreeReader() = default;

TreeReader::Located TreeReader::locate_new(std::string_view pointer, std::uint32_t& element, std::uint32_t& rel) {
  // The array's own segments are none of them an index (it is what
  // element_of found), so the element is the segment after it.
  if (!reading_ || !under(pointer, *reading_)) return Located::outside;
  std::size_t slash = 0;
  const Segment seg = index_at(pointer, reading_->size() + 1, slash, element);
  if (seg == Segment::last) return Located::no_element;
  if (seg == Segment::other) return Located::not_index;
  rel = static_cast<std::uint32_t>(slash);
  located_.assign(pointer.data(), slash);
  located_element_ = element;
  return Located::element;
}

sdk::Status TreeReader::scalar(std::string_view pointer, const sdk::ScalarView& v) {
  std::uint32_t element = 0, rel = 0;
  const Located at = locate(pointer, element, rel);
  if (first_pass_ && at == Located::element && reading_count_ != nullptr) {
    // A value of an element of the array read: counted as count() would,
    // without comparing the array's path (the branch below is for the rest).
    if (counting_ != reading_count_) {
      counting_path_.assign(*reading_);
      counting_ = reading_count_;
    }
    if (counting_->elements == 0 || counting_->last != element) {
      ++counting_->elements;
      counting_->last = element;
    }
    if (!speculating_) return {};
  } else if (first_pass_) {
    Element e;  // element_of(pointer), without reading the pointer again when locate did
    if (at == Located::element) e = std::pair{pointer.substr(0, reading_->size()), element};
    else if (at != Located::no_element) e = element_of(pointer);
    if (auto s = count(pointer, e); !s.ok()) return s;
    if (!speculating_) return {};
    if (!guess_) {
      if (!e) {
        // Before any element: outside whichever array is found, unless that
        // array holds this value too (then the speculation ends).
        if (before_.size() >= kMaxBefore) {
          speculating_ = false;
          return {};
        }
        before_.emplace_back(pointer);
        send(pointer, v, false, 0, 0);
        return {};
      }
      // The first element: its array is read from here on as the one.
      for (const auto& p : before_)
        if (under(p, e->first)) {
          speculating_ = false;
          return {};
        }
      before_.clear();
      before_.shrink_to_fit();
      guess_ = std::string(e->first);
      reading_ = guess_;
      located_.clear();
      reading_count_ = counting_;  // count() has just counted this element
      send(*guess_, {}, true, 0, 0);
    }
  }
  send(pointer, v, false, element, at == Located::element ? rel : 0);
  return {};
}

void TreeReader::send_here(std::string_view pointer, const sdk::ScalarView& v, bool array, std::uint32_t element,
                           std::uint32_t rel) {
  take(pointer, v, array, element, rel);
  if (++taken_ == kInline) {
    // A large document: the rest is read on a worker while the importer parses.
    handoff_ = std::make_unique<TreeHandoff>(
        [](void* reader, std::string_view p, const sdk::ScalarView& value, bool a, std::uint32_t n, std::uint32_t r) {
          static_cast<TreeReader*>(reader)->take(p, value, a, n, r);
        },
        this);
    handoff_->start();
  }
}

void TreeReader::take(std::string_view pointer, const sdk::ScalarView& v, bool array, std::uint32_t element,
                      std::uint32_t rel) {
  if (array) read_array(std::string(pointer));
  else if (rel != 0) inside(pointer, v, element, rel);
  else if (array_ && under(pointer, *array_)) inside(pointer, v);
  else outside(pointer, v);
}

void TreeReader::inside(std::string_view pointer, const sdk::ScalarView& v) {
  // A value of one of the array's elements, or of the array itself (left out).
  std::size_t slash = 0;
  std::uint32_t n = 0;
  if (index_at(pointer, array_->size() + 1, slash, n) != Segment::index) return;
  inside(pointer, v, n, slash);
}

void TreeReader::inside(std::string_view pointer, const sdk::ScalarView& v, std::uint32_t element, std::size_t rel) {
  if (!in_element_ || element != element_) {
    flush();  // and the key sequence starts again
    in_element_ = true;
    element_ = element;
  }
  value(pointer, pointer.substr(rel), v);
}

void TreeReader::outside(std::string_view pointer, const sdk::ScalarView& v) {
  const auto segs = segments(pointer, cat_);
  if (segs.empty()) return;
  const Place where{{}, 0, 0, std::string(pointer)};
  const std::string_view text = text_of(v);
  const Field* f = cat_.match_flat(segs.back());
  if (f != nullptr && f->id == "district") check_district_text(registry_, text, sub_, where, true, b_);
  else if (f != nullptr && f->id == "period") check_period_text(text, sub_, where, true, b_);
  else if (registry_.find(text) != nullptr) check_district_text(registry_, text, sub_, where, true, b_);
}

std::optional<std::string> TreeReader::array_found() const {
  std::optional<std::string> best;
  std::size_t most = 0;
  for (const auto& [path, c] : arrays_)
    if (c.elements > most) {
      most = c.elements;
      best = path;
    }
  return best;
}

bool TreeReader::confirmed() const {
  if (!first_pass_) return true;
  if (!speculating_ || !guess_) return false;
  const auto found = array_found();
  return found && *found == *guess_;
}

bool TreeReader::needs_second_pass() const { return first_pass_ && array_found().has_value() && !confirmed(); }

Normalised TreeReader::finish() {
  if (handoff_) handoff_->finish();  // every value taken
  if (!confirmed()) {
    out_ = Normalised{};  // what a speculation read is not the document's
    b_.error("no_table", "Không tìm thấy danh sách tổ chức cơ sở đảng trong tài liệu JSON",
             "no array of organisations found in the JSON document", "", "", Place{});
  } else {
    flush();
    b_.total();
    unmapped_and_required();
  }
  return std::move(out_);
}

std::vector<std::string> TreeReader::segments(std::string_view rel, const Catalogue& cat) {
  std::vector<std::string> found;
  std::size_t start = 1;
  while (start <= rel.size()) {
    const auto slash = rel.find('/', start);
    std::string seg(rel.substr(start, slash == std::string_view::npos ? rel.npos : slash - start));
    // Unescape "~1" and "~0".
    for (std::size_t i = 0; (i = seg.find('~', i)) != std::string::npos; ++i)
      seg.replace(i, 2, i + 1 < seg.size() && seg[i + 1] == '1' ? "/" : "~");
    std::string f = drop_connector(fold(seg), cat);  // "trong_do/nu", "trongDoNu"
    if (!f.empty()) found.push_back(std::move(f));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return found;
}

std::string_view TreeReader::text_of(const sdk::ScalarView& v) {
  if (v.kind == sdk::NodeKind::string || v.kind == sdk::NodeKind::number) return v.text;
  if (v.kind == sdk::NodeKind::boolean) return v.boolean ? "true" : "false";
  return {};
}

sdk::Status TreeReader::count(std::string_view pointer, const Element& e) {
  if (!e) return {};
  // An element's values come together: the array is most often the one before.
  if (counting_ == nullptr || counting_path_ != e->first) {
    counting_path_.assign(e->first);
    const auto it = arrays_.find(counting_path_);
    if (it == arrays_.end() && arrays_.size() >= kMaxArrays) {
      sdk::Location where;
      where.path = std::string(pointer);
      return {sdk::Code::limit_exceeded,
              fmt::format("tài liệu có hơn {} mảng đối tượng, giới hạn cho phép; đây không giống một báo cáo / the "
                          "document has more than {} arrays of objects, the import limit",
                          kMaxArrays, kMaxArrays),
              where};
    }
    counting_ = it != arrays_.end() ? &it->second : &arrays_[counting_path_];
    if (reading_ && counting_path_ == *reading_) reading_count_ = counting_;
  }
  if (counting_->elements == 0 || counting_->last != e->second) {
    ++counting_->elements;
    counting_->last = e->second;
  }
  return {};
}

TreeReader::MappingEntry& TreeReader::mapping(std::string_view rel) {
  const std::size_t k = at_++;
  if (k < sequence_.size() && sequence_[k] != nullptr && same_key(sequence_[k]->first, rel)) return *sequence_[k];
  auto it = mappings_.find(rel);
  if (it == mappings_.end()) {
    if (mappings_.size() > 4096) {
      mappings_.clear();
      sequence_.clear();
      ++generation_;
    }
    const auto segs = segments(rel, cat_);
    Mapping m{std::string::npos, {}, false, nullptr};
    const Field* f = match_path(segs, cat_, profile_, nullptr);
    if (f != nullptr) m.field = field_index(cat_, f->id);
    for (const auto& seg : segs) m.key += "/" + seg;
    const std::string* given = profile_field(segs, cat_, profile_);
    m.ignored = (!segs.empty() && cat_.ignored.count(segs.back()) != 0) || (given != nullptr && *given == "ignore");
    it = mappings_.emplace(std::string(rel), std::move(m)).first;
  }
  if (k < kMaxSequence) {
    if (k >= sequence_.size()) sequence_.resize(k + 1, nullptr);
    sequence_[k] = &*it;
  }
  return *it;
}

void TreeReader::value(std::string_view pointer, std::string_view rel, const sdk::ScalarView& v) {
  MappingEntry& entry = mapping(rel);
  Mapping& m = entry.second;
  if (m.field == std::string::npos) {
    if (m.ignored) return;
    Unmapped* u = m.unmapped;
    if (u == nullptr) {
      auto it = unmapped_.find(m.key);
      if (it == unmapped_.end()) {
        if (unmapped_.size() >= kMaxWatched) return;
        it = unmapped_.emplace(m.key, Unmapped{}).first;
        it->second.first = std::string(pointer);
        it->second.watch.header = std::string(rel);
        it->second.watch.folds = segments(rel, cat_);
      }
      u = &it->second;
      m.unmapped = u;
    }
    Watch& w = u->watch;
    const std::string_view text = trim_view(text_of(v));
    if (text.empty()) return;
    w.sample(text);
    const normalise::Count c = v.kind == sdk::NodeKind::number ? count_from_number(v.number) : parse_count(text);
    if (v.kind == sdk::NodeKind::number || c.error == CountError::none || c.error == CountError::negative ||
        c.error == CountError::fractional || c.error == CountError::too_large)
      ++w.numbers;
    else
      ++w.texts;
    if (c.error == CountError::none && pending_.size() < kMaxWatched) pending_.emplace_back(&w, c.value);
    return;
  }
  // The element's texts are its own until it is read: the importer's views
  // last one call. Kept as offsets, the buffer may move as it grows.
  Slot& slot = slots_[m.field];
  if (slot.set) {
    twice(slot, m.field, pointer, v);
    return;
  }
  given_.push_back(m.field);
  slot.set = true;
  slot.pointer = kept_.size();
  slot.pointer_size = pointer.size();
  slot.rel_size = rel.size();
  kept_.append(pointer);
  const std::string_view text = text_of(v);
  slot.text = kept_.size();
  slot.text_size = text.size();
  kept_.append(text);
  slot.is_number = v.kind == sdk::NodeKind::number;
  slot.number = v.number;
  slot.entry = &entry;
  slot.generation = generation_;
}

void TreeReader::twice(const Slot& first, std::size_t field, std::string_view pointer, const sdk::ScalarView& v) {
  // A second value for a field in one element (a key repeated, or a nested
  // and a flat key naming one field): the same value is the same figure;
  // another would leave which to take to chance (the last, as a JSON
  // reader takes it), so the return is refused naming both.
  const std::string_view was = trim_view(std::string_view(kept_).substr(first.text, first.text_size));
  const std::string_view now = trim_view(text_of(v));
  const bool numbers = first.is_number && v.kind == sdk::NodeKind::number;
  if (numbers ? first.number == v.number : was == now) return;
  const std::string_view at = std::string_view(kept_).substr(first.pointer, first.pointer_size);
  const Field& f = cat_.fields[field];
  b_.error("repeated_key",
           fmt::format("«{}» có hai giá trị trong một phần tử: {} = «{}» và {} = «{}»; không biết lấy giá trị nào, hãy "
                       "giữ một",
                       f.label, at, was, pointer, now),
           fmt::format("{} has two values in one element: {} = '{}' and {} = '{}'; which one is meant cannot be told, "
                       "keep one",
                       f.id, at, was, pointer, now),
           f.id, std::string(now), Place{{}, 0, 0, std::string(pointer)});
}

void TreeReader::flush() {
  at_ = 0;
  if (!in_element_) return;
  in_element_ = false;
  element_path_.assign(*array_);
  element_path_ += '/';
  char digits[16];
  element_path_.append(digits, std::to_chars(digits, digits + sizeof digits, element_).ptr);
  // The values by field, in the catalogue's order; the buffer no longer moves.
  std::sort(given_.begin(), given_.end());
  auto raw = [&](std::size_t f) {
    const Slot& s = slots_[f];
    const std::string_view pointer(kept_.data() + s.pointer, s.pointer_size);
    return Raw{s.text_size == 0 ? std::string_view() : std::string_view(kept_.data() + s.text, s.text_size), s.is_number,
               false, s.number, 0, pointer};
  };
  auto rel = [&](std::size_t f) {
    const Slot& s = slots_[f];
    return std::string_view(kept_.data() + s.pointer + s.pointer_size - s.rel_size, s.rel_size);
  };
  auto has = [&](std::size_t f) { return f < slots_.size() && slots_[f].set; };
  if (has(district_field_)) {
    const Raw d = raw(district_field_);
    check_district_text(registry_, d.text, sub_, Place{{}, 0, 0, std::string(d.path)}, true, b_);
  }
  const bool named = has(name_field_);
  const std::string folded = named ? fold(raw(name_field_).text) : std::string();
  const bool total = named && is_total_label(cat_.total_labels, folded);
  if (total) {
    // "Tổng cộng" as an element: checked against the elements before it, never an organisation.
    b_.begin();
    b_.at_element(element_path_);
    for (const std::size_t f : given_) b_.set(f, raw(f));
    b_.check_total();
  } else if (!named || trim_view(raw(name_field_).text).empty()) {
    b_.error("missing_name", fmt::format("Phần tử {} không có tên tổ chức cơ sở đảng", element_path_),
             fmt::format("{} has no organisation name", element_path_), "org_name", "", Place{{}, 0, 0, element_path_});
  } else {
    // Its figures under unmapped keys against its wholes: never above members_total, more likely a part of it.
    for (const auto& [w, value] : pending_)
      for (const std::size_t whole : wholes_) {
        if (!has(whole)) continue;
        const Raw r = raw(whole);
        const normalise::Count c = r.is_number ? count_from_number(r.number) : parse_count(trim_view(r.text));
        if (c.error != CountError::none) continue;
        auto& [compared, above] = w->against[whole];
        ++compared;
        if (value > c.value) ++above;
      }
    Layout& l = out_.records.layout();
    b_.begin();
    b_.at_element(element_path_);
    own_.clear();
    if (layout_keys_.size() < slots_.size()) layout_keys_.resize(slots_.size());
    for (const std::size_t f : given_) {
      b_.set(f, raw(f));
      // The key of the layout's path (the same entry, the same key): no comparison.
      const Slot& s = slots_[f];
      LayoutKey& known = layout_keys_[f];
      if (s.entry == known.entry && s.generation == generation_ && known.generation == generation_) continue;
      const std::string_view r = rel(f);
      if (l.paths[f].empty()) l.paths[f] = l.headers[f] = std::string(r);
      else if (l.paths[f] != r) {
        own_.emplace_back(static_cast<std::uint32_t>(f), r);
        continue;
      }
      if (s.generation == generation_) known = LayoutKey{s.entry, generation_};
    }
    // The name's fold is the same trimmed or not: the builder need not fold it again.
    b_.build(element_, &folded, own_);
  }
  for (const std::size_t f : given_) slots_[f].set = false;
  given_.clear();
  kept_.clear();
  pending_.clear();
}

void TreeReader::unmapped_and_required() {
  const Layout& l = out_.records.layout();
  std::vector<bool> taken(cat_.fields.size(), false);
  for (std::size_t f = 0; f < l.paths.size() && f < taken.size(); ++f) taken[f] = !l.paths[f].empty();
  for (const auto& [key, u] : unmapped_) {
    const Place where{{}, 0, 0, u.first};
    if (u.watch.holds_numbers()) {
      Issue i = unmapped_numbers_issue(u.watch, fmt::format("Khóa {}", u.watch.header),
                                       fmt::format("key {}", u.watch.header), where, cat_, taken,
                                       policy_.unmapped_numbers_error);
      (policy_.unmapped_numbers_error ? out_.errors : out_.warnings).push_back(std::move(i));
    } else {
      b_.warning("unmapped_header", fmt::format("Khóa «{}» không khớp chỉ tiêu nào, bị bỏ qua", u.watch.header),
                 fmt::format("key '{}' matches no field and is left out", u.watch.header), "", u.watch.header, where);
      out_.warnings.back().samples = u.watch.samples;
      out_.warnings.back().suggestions = suggest_fields(u.watch, cat_, taken);
    }
  }
  for (const auto& id : policy_.required) {
    const std::size_t f = field_index(cat_, id);
    if (f >= cat_.fields.size() || b_.carried(f)) continue;
    if (id == "org_kind" && out_.records.size() > 0 && b_.kind_guessed() == 0) continue;
    std::vector<std::string> candidates;
    for (const auto& [key, u] : unmapped_) {
      const auto s = suggest_fields(u.watch, cat_, taken);
      if (std::any_of(s.begin(), s.end(), [&](const auto& x) { return x.first == id; }) ||
          (!cat_.fields[f].is_count && !u.watch.holds_numbers()))
        candidates.push_back(fmt::format("«{}»", u.watch.header));
    }
    out_.errors.push_back(missing_field_issue(cat_.fields[f], candidates, Place{{}, 0, 0, *array_}));
  }
}

}  // namespace tonghop::normalise::detail
