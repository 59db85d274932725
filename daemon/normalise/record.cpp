#include "normalise/record.hpp"

#include <algorithm>

#include <boost/json.hpp>

namespace tonghop::normalise {

namespace json = boost::json;

namespace {

void put_varint(std::string& out, std::uint64_t v) {
  char buf[10];
  std::size_t n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<char>((v & 0x7F) | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<char>(v);
  out.append(buf, n);
}

bool get_varint(std::string_view& in, std::uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64 && !in.empty(); shift += 7) {
    const auto b = static_cast<unsigned char>(in.front());
    in.remove_prefix(1);
    v |= static_cast<std::uint64_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) return true;
  }
  return false;
}

void put_text(std::string& out, std::string_view s) {
  put_varint(out, s.size());
  out.append(s);
}

bool get_text(std::string_view& in, std::string_view& s) {
  std::uint64_t n = 0;
  if (!get_varint(in, n) || n > in.size()) return false;
  s = in.substr(0, n);
  in.remove_prefix(n);
  return true;
}

std::uint64_t zigzag(std::int64_t v) { return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63); }
std::int64_t unzigzag(std::uint64_t v) { return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1); }

}  // namespace

std::string Layout::to_json() const {
  json::object o;
  if (!sheet.empty()) o["sheet"] = sheet;
  if (tree) {
    o["tree"] = true;
    o["array"] = array;
  }
  json::array f;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    json::object one;
    one["id"] = fields[i];
    one["count"] = static_cast<bool>(is_count[i]);
    if (i < columns.size()) one["column"] = columns[i];
    if (i < paths.size()) one["path"] = paths[i];
    f.push_back(std::move(one));
  }
  o["fields"] = std::move(f);
  json::array sym;
  for (const auto& x : symbols) sym.emplace_back(x);
  o["symbols"] = std::move(sym);
  return json::serialize(o);
}

Layout Layout::from_json(std::string_view text) {
  Layout l;
  json::error_code ec;
  const json::value parsed = json::parse(text, ec);
  if (ec || !parsed.is_object()) return l;
  const auto& o = parsed.as_object();
  if (const auto* s = o.if_contains("sheet"); s && s->is_string()) l.sheet = s->as_string();
  if (const auto* t = o.if_contains("tree"); t && t->is_bool()) l.tree = t->as_bool();
  if (const auto* a = o.if_contains("array"); a && a->is_string()) l.array = a->as_string();
  if (const auto* f = o.if_contains("fields"); f && f->is_array())
    for (const auto& v : f->as_array()) {
      if (!v.is_object()) continue;
      const auto& one = v.as_object();
      const auto* id = one.if_contains("id");
      if (id == nullptr || !id->is_string()) continue;
      l.fields.emplace_back(id->as_string());
      const auto* count = one.if_contains("count");
      l.is_count.push_back(count != nullptr && count->is_bool() && count->as_bool());
      if (const auto* c = one.if_contains("column"); c && c->is_number())
        l.columns.push_back(static_cast<std::uint32_t>(c->to_number<std::int64_t>()));
      if (const auto* p = one.if_contains("path"); p && p->is_string()) l.paths.emplace_back(p->as_string());
    }
  if (const auto* sym = o.if_contains("symbols"); sym && sym->is_array())
    for (const auto& v : sym->as_array())
      if (v.is_string()) l.symbols.emplace_back(v.as_string());
  return l;
}

void encode_data(const CompactRecord& r, std::string& out) {
  put_varint(out, r.values.size());
  std::uint32_t last = 0;
  for (const auto& [field, value] : r.values) {
    put_varint(out, field - last);  // fields ascend: mostly 1
    last = field;
    put_varint(out, zigzag(value));
  }
  put_varint(out, r.paths.size());
  for (const auto& [field, path] : r.paths) {
    put_varint(out, field);
    put_text(out, path);
  }
}

bool decode_data(std::string_view in, CompactRecord& r) {
  r.values.clear();
  r.paths.clear();
  std::uint64_t n = 0, field = 0, delta = 0, value = 0;
  if (!get_varint(in, n) || n > in.size()) return false;
  r.values.reserve(n);
  for (std::uint64_t i = 0; i < n; ++i) {
    if (!get_varint(in, delta) || !get_varint(in, value)) return false;
    field += delta;
    r.values.emplace_back(static_cast<std::uint32_t>(field), unzigzag(value));
  }
  if (!get_varint(in, n) || n > in.size()) return false;
  for (std::uint64_t i = 0; i < n; ++i) {
    std::string_view path;
    if (!get_varint(in, field) || !get_text(in, path)) return false;
    r.paths.emplace_back(static_cast<std::uint32_t>(field), path);
  }
  return in.empty();
}

RecordSet::RecordSet(Layout layout) : layout_(std::move(layout)) {
  for (std::size_t i = 0; i < layout_.symbols.size(); ++i)
    symbol_index_.emplace(layout_.symbols[i], static_cast<std::uint32_t>(i));
}

std::uint32_t RecordSet::symbol(std::string_view s) {
  const auto it = symbol_index_.find(std::string(s));
  if (it != symbol_index_.end()) return it->second;
  const auto i = static_cast<std::uint32_t>(layout_.symbols.size());
  layout_.symbols.emplace_back(s);
  symbol_index_.emplace(std::string(s), i);
  return i;
}

std::string_view RecordSet::encoded(std::size_t first, std::size_t count) const {
  if (first >= offsets_.size() || count == 0) return {};
  const std::size_t last = std::min(first + count, offsets_.size());
  const std::size_t end = last < offsets_.size() ? offsets_[last] : data_.size();
  return std::string_view(data_).substr(offsets_[first], end - offsets_[first]);
}

bool RecordSet::append_encoded(std::string_view bytes, std::size_t count) {
  // Each record is checked whole before any is taken.
  std::vector<std::uint64_t> starts;
  starts.reserve(count);
  std::string_view in = bytes;
  CompactRecord r;
  for (std::size_t i = 0; i < count; ++i) {
    starts.push_back(data_.size() + (bytes.size() - in.size()));
    std::uint64_t v = 0;
    std::string_view text;
    if (!get_varint(in, v) || !get_text(in, text)) return false;
    for (int k = 0; k < 3; ++k)
      if (!get_varint(in, v) || v >= layout_.symbols.size()) return false;
    // The values and paths: two counted lists.
    std::uint64_t n = 0, a = 0, b = 0;
    if (!get_varint(in, n) || n > in.size()) return false;
    for (std::uint64_t j = 0; j < n; ++j)
      if (!get_varint(in, a) || !get_varint(in, b)) return false;
    if (!get_varint(in, n) || n > in.size()) return false;
    for (std::uint64_t j = 0; j < n; ++j)
      if (!get_varint(in, a) || !get_text(in, text)) return false;
  }
  if (!in.empty()) return false;
  data_.append(bytes);
  offsets_.insert(offsets_.end(), starts.begin(), starts.end());
  return true;
}

void RecordSet::add(const CompactRecord& r) {
  offsets_.push_back(data_.size());
  put_varint(data_, r.where);
  put_text(data_, r.org_name);
  put_varint(data_, symbol(r.org_kind));
  put_varint(data_, symbol(r.org_sector));
  put_varint(data_, symbol(r.org_rating));
  encode_data(r, data_);
}

void RecordSet::clear() {
  data_.clear();
  offsets_.clear();
}

void RecordSet::get(std::size_t i, CompactRecord& out, std::string_view* data) const {
  const std::size_t end = i + 1 < offsets_.size() ? offsets_[i + 1] : data_.size();
  std::string_view in(data_.data() + offsets_[i], end - offsets_[i]);
  std::uint64_t v = 0, kind = 0, sector = 0, rating = 0;
  get_varint(in, v);
  out.where = static_cast<std::uint32_t>(v);
  get_text(in, out.org_name);
  get_varint(in, kind);
  get_varint(in, sector);
  get_varint(in, rating);
  out.org_kind = layout_.symbols[kind];
  out.org_sector = layout_.symbols[sector];
  out.org_rating = layout_.symbols[rating];
  if (data) *data = in;
  decode_data(in, out);
}

Record RecordSet::at(std::size_t i) const {
  CompactRecord c;
  get(i, c);
  Record r;
  r.district = district;
  r.period = period;
  r.org_name = c.org_name;
  r.org_kind = c.org_kind;
  r.org_sector = c.org_sector;
  r.org_rating = c.org_rating;
  const Layout& l = layout_;
  const std::string element = l.is_tree() ? l.array + "/" + std::to_string(c.where) : std::string();
  r.where = l.is_tree() ? Place{{}, 0, 0, element} : Place{l.sheet, c.where, 0, {}};
  for (const auto& [f, value] : c.values) {
    if (f >= l.fields.size()) continue;
    const std::string& id = l.fields[f];
    if (l.is_count[f]) r.counts[id] = value;
    Place p = r.where;
    if (l.is_tree()) {
      std::string_view path = f < l.paths.size() ? std::string_view(l.paths[f]) : std::string_view();
      for (const auto& [pf, own] : c.paths)
        if (pf == f) path = own;
      p.path += path;
    } else if (f < l.columns.size()) {
      p.column = l.columns[f];
    }
    r.provenance[id] = std::move(p);
  }
  return r;
}

}  // namespace tonghop::normalise
