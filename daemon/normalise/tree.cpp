#include "normalise/tree.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "normalise/header.hpp"
#include "normalise/text.hpp"

namespace tonghop::normalise::detail {

std::optional<std::pair<std::string_view, std::uint32_t>> element_of(std::string_view pointer) {
  std::size_t at = 0;
  while (at < pointer.size() && pointer[at] == '/') {
    const std::size_t start = at + 1;
    const std::size_t end = pointer.find('/', start);
    if (end == std::string_view::npos) return std::nullopt;  // the last segment: nothing after it
    const std::string_view seg = pointer.substr(start, end - start);
    const bool index = !seg.empty() && seg.size() <= 9 && (seg.size() == 1 || seg[0] != '0') &&
                       std::all_of(seg.begin(), seg.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (index) {
      std::uint32_t n = 0;
      std::from_chars(seg.data(), seg.data() + seg.size(), n);
      return std::pair{pointer.substr(0, at), n};
    }
    at = end;
  }
  return std::nullopt;
}

TreeReader::TreeReader(const Catalogue& cat, const Registry& registry, const Submission& sub, const Policy& policy,
                       const Profile* profile, std::optional<std::string> array)
    : cat_(cat),
      registry_(registry),
      sub_(sub),
      policy_(policy),
      profile_(profile),
      array_(std::move(array)),
      b_(cat, out_) {
  if (!array_) return;
  Layout layout;
  layout.tree = true;
  layout.array = *array_;
  for (const auto& f : cat.fields) {
    layout.fields.push_back(f.id);
    layout.is_count.push_back(f.is_count);
    layout.paths.emplace_back();
    layout.headers.emplace_back();
  }
  out_.records = RecordSet(std::move(layout));
  out_.records.district = sub.district;
  out_.records.period = sub.period;
  district_field_ = field_index(cat, "district");
  name_field_ = field_index(cat, "org_name");
  for (const auto& rule : cat.rules)
    if (rule.kind == Rule::Kind::at_most) {
      const std::size_t w = field_index(cat, rule.whole);
      if (w < cat.fields.size() && std::find(wholes_.begin(), wholes_.end(), w) == wholes_.end()) wholes_.push_back(w);
    }
}

sdk::Status TreeReader::scalar(std::string_view pointer, const sdk::ScalarView& v) {
  if (!array_) return count(pointer);
  const std::string_view array = *array_;
  if (pointer.size() > array.size() && pointer.starts_with(array) && pointer[array.size()] == '/') {
    // Inside the array: a value of one of its elements, or of the array itself (left out).
    const auto e = element_of(pointer);
    if (!e || e->first != array) return {};
    if (!in_element_ || e->second != element_) {
      flush();
      in_element_ = true;
      element_ = e->second;
    }
    const std::size_t rel = pointer.find('/', array.size() + 1);  // after the index
    value(pointer, pointer.substr(rel), v);
    return {};
  }
  // Outside the array: the report's own facts.
  const auto segs = segments(pointer, cat_);
  if (segs.empty()) return {};
  const Place where{{}, 0, 0, std::string(pointer)};
  const std::string_view text = text_of(v);
  const Field* f = cat_.match_flat(segs.back());
  if (f != nullptr && f->id == "district") check_district_text(registry_, text, sub_, where, true, b_);
  else if (f != nullptr && f->id == "period") check_period_text(text, sub_, where, true, b_);
  else if (registry_.find(text) != nullptr) check_district_text(registry_, text, sub_, where, true, b_);
  return {};
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

Normalised TreeReader::finish() {
  if (!array_) {
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

sdk::Status TreeReader::count(std::string_view pointer) {
  const auto e = element_of(pointer);
  if (!e) return {};
  // An element's values come together: the array is most often the one before.
  if (counting_ == nullptr || counting_path_ != e->first) {
    counting_path_.assign(e->first);
    const auto it = arrays_.find(counting_path_);
    if (it == arrays_.end() && arrays_.size() >= kMaxArrays) {
      sdk::Location where;
      where.path = std::string(pointer);
      return {sdk::Code::limit_exceeded,
              fmt::format("the document has more than {} arrays of objects, the import limit", kMaxArrays), where};
    }
    counting_ = it != arrays_.end() ? &it->second : &arrays_[counting_path_];
  }
  if (counting_->elements == 0 || counting_->last != e->second) {
    ++counting_->elements;
    counting_->last = e->second;
  }
  return {};
}

const TreeReader::Mapping& TreeReader::mapping(std::string_view rel) {
  if (const auto it = mappings_.find(rel); it != mappings_.end()) return it->second;
  if (mappings_.size() > 4096) mappings_.clear();
  const auto segs = segments(rel, cat_);
  Mapping m{std::string::npos, {}, false};
  const Field* f = match_path(segs, cat_, profile_, nullptr);
  if (f != nullptr) m.field = field_index(cat_, f->id);
  for (const auto& seg : segs) m.key += "/" + seg;
  const std::string* given = profile_field(segs, cat_, profile_);
  m.ignored = (!segs.empty() && cat_.ignored.count(segs.back()) != 0) || (given != nullptr && *given == "ignore");
  return mappings_.emplace(std::string(rel), std::move(m)).first->second;
}

void TreeReader::value(std::string_view pointer, std::string_view rel, const sdk::ScalarView& v) {
  const Mapping& m = mapping(rel);
  if (m.field == std::string::npos) {
    if (m.ignored) return;
    auto it = unmapped_.find(m.key);
    if (it == unmapped_.end()) {
      if (unmapped_.size() >= kMaxWatched) return;
      it = unmapped_.emplace(m.key, Unmapped{}).first;
      it->second.first = std::string(pointer);
      it->second.watch.header = std::string(rel);
      it->second.watch.folds = segments(rel, cat_);
    }
    Watch& w = it->second.watch;
    const std::string_view text = trim_view(text_of(v));
    if (text.empty()) return;
    w.sample(text);
    const normalise::Count c = v.kind == sdk::NodeKind::number ? count_from_number(v.number) : parse_count(text);
    if (v.kind == sdk::NodeKind::number || c.error == CountError::none || c.error == CountError::negative ||
        c.error == CountError::fractional)
      ++w.numbers;
    else
      ++w.texts;
    if (c.error == CountError::none && pending_.size() < kMaxWatched) pending_.emplace_back(&w, c.value);
    return;
  }
  // The element's texts are its own until it is read: the importer's views last one call.
  const std::string& kept = kept_.emplace_back(pointer);
  const std::string_view kept_pointer = kept;
  const std::string_view kept_rel = kept_pointer.substr(pointer.size() - rel.size());
  const std::string_view text = text_of(v);
  const std::string_view kept_text = text.empty() ? std::string_view() : std::string_view(kept_.emplace_back(text));
  values_[m.field] = {Raw{kept_text, v.kind == sdk::NodeKind::number, v.number, 0, kept_pointer}, kept_rel};
}

void TreeReader::flush() {
  if (!in_element_) return;
  in_element_ = false;
  const std::string element_path = *array_ + "/" + std::to_string(element_);
  if (const auto d = values_.find(district_field_); d != values_.end())
    check_district_text(registry_, d->second.first.text, sub_, Place{{}, 0, 0, std::string(d->second.first.path)},
                        true, b_);
  const auto name = values_.find(name_field_);
  const bool total = name != values_.end() && is_total_label(cat_.total_labels, fold(name->second.first.text));
  if (total) {
    // "Tổng cộng" as an element: checked against the elements before it, never an organisation.
    b_.begin();
    b_.at_element(element_path);
    for (const auto& [f, value] : values_) b_.set(f, value.first);
    b_.check_total();
  } else if (name == values_.end() || trim_view(name->second.first.text).empty()) {
    b_.error("missing_name", fmt::format("Phần tử {} không có tên tổ chức cơ sở đảng", element_path),
             fmt::format("{} has no organisation name", element_path), "org_name", "", Place{{}, 0, 0, element_path});
  } else {
    // Its figures under unmapped keys against its wholes: never above members_total, more likely a part of it.
    for (const auto& [w, value] : pending_)
      for (const std::size_t whole : wholes_) {
        const auto it = values_.find(whole);
        if (it == values_.end()) continue;
        const Raw& raw = it->second.first;
        const normalise::Count c = raw.is_number ? count_from_number(raw.number) : parse_count(trim_view(raw.text));
        if (c.error != CountError::none) continue;
        auto& [compared, above] = w->against[whole];
        ++compared;
        if (value > c.value) ++above;
      }
    Layout& l = out_.records.layout();
    b_.begin();
    b_.at_element(element_path);
    own_.clear();
    for (const auto& [f, value] : values_) {
      b_.set(f, value.first);
      if (l.paths[f].empty()) l.paths[f] = l.headers[f] = std::string(value.second);
      else if (l.paths[f] != value.second) own_.emplace_back(static_cast<std::uint32_t>(f), value.second);
    }
    b_.build(element_, nullptr, own_);
  }
  values_.clear();
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
