#include "normalise/record.hpp"

#include <algorithm>
#include <bit>
#include <atomic>
#include <system_error>
#include <thread>
#include <cstdint>
#include <cstring>

#include <boost/json.hpp>

namespace tonghop::normalise {

namespace json = boost::json;

namespace {

// Varints are written through a cursor into room made beforehand: a record
// is a hundred of them, and appending each to a string costs more than
// writing it.
constexpr std::size_t kMaxVarint = 10;

char* put_varint(char* p, std::uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<char>((v & 0x7F) | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  return p;
}

char* put_text(char* p, std::string_view s) {
  p = put_varint(p, s.size());
  if (!s.empty()) std::memcpy(p, s.data(), s.size());
  return p + s.size();
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
    if (i < headers.size() && !headers[i].empty()) one["header"] = headers[i];
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
      const auto* h = one.if_contains("header");
      l.headers.emplace_back(h != nullptr && h->is_string() ? std::string(h->as_string()) : std::string());
    }
  if (const auto* sym = o.if_contains("symbols"); sym && sym->is_array())
    for (const auto& v : sym->as_array())
      if (v.is_string()) l.symbols.emplace_back(v.as_string());
  return l;
}

namespace {

// Room enough for put_data's bytes of r.
std::size_t data_bound(const CompactRecord& r) {
  std::size_t n = kMaxVarint * (2 + 2 * r.values.size() + 2 * r.paths.size());
  for (const auto& [field, path] : r.paths) n += path.size();
  return n;
}

// A record's values and paths.
char* put_data(char* p, const CompactRecord& r) {
  p = put_varint(p, r.values.size());
  std::uint32_t last = 0;
  // Through local pointers: the bytes written through `p` may alias
  // anything, and the vector's end would be loaded again on every value.
  const auto* value_at = r.values.data();
  const auto* const values_end = value_at + r.values.size();
  for (; value_at != values_end; ++value_at) {
    const auto [field, value] = *value_at;
    const std::uint64_t delta = field - last, v = zigzag(value);  // fields ascend: mostly 1
    last = field;
    if (delta < 0x80 && v < 0x80) {  // most: a byte each, as put_varint writes them
      p[0] = static_cast<char>(delta);
      p[1] = static_cast<char>(v);
      p += 2;
      continue;
    }
    p = put_varint(p, delta);
    p = put_varint(p, v);
  }
  p = put_varint(p, r.paths.size());
  for (const auto& [field, path] : r.paths) {
    p = put_varint(p, field);
    p = put_text(p, path);
  }
  return p;
}

// Symbols of a record: its kind, sector and rating, as indexes.
struct Symbols {
  std::uint64_t kind = 0, sector = 0, rating = 0;
};

// Reads one record from the front of `in` (views into it), as RecordSet::add
// wrote it; false when the bytes are damaged.
bool read_record(std::string_view& in, CompactRecord& r, Symbols& s) {
  std::uint64_t where = 0;
  if (!get_varint(in, where) || !get_text(in, r.org_name) || !get_varint(in, s.kind) || !get_varint(in, s.sector) ||
      !get_varint(in, s.rating))
    return false;
  r.where = static_cast<std::uint32_t>(where);
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
  return true;
}

}  // namespace

RecordSet::RecordSet(Layout layout) : layout_(std::move(layout)) {
  for (std::size_t i = 0; i < layout_.symbols.size(); ++i)
    symbol_index_.emplace(layout_.symbols[i], static_cast<std::uint32_t>(i));
}

std::uint32_t RecordSet::symbol(std::string_view s) {
  // A dozen words in all (two kinds, the sectors, four ratings): looked over
  // before they are looked up.
  const std::size_t few = std::min<std::size_t>(layout_.symbols.size(), 16);
  for (std::size_t i = 0; i < few; ++i)
    if (layout_.symbols[i] == s) return static_cast<std::uint32_t>(i);
  const auto it = symbol_index_.find(std::string(s));
  if (it != symbol_index_.end()) return it->second;
  const auto i = static_cast<std::uint32_t>(layout_.symbols.size());
  layout_.symbols.emplace_back(s);
  symbol_index_.emplace(std::string(s), i);
  return i;
}

std::string& RecordSet::block_for_next() {
  if (offsets_.size() % kBlock != 0 && blocks_.back().keep) {
    // A block of someone else's bytes, not full: made the set's own to grow.
    Block& b = blocks_.back();
    b.own = std::string(b.outside);
    b.keep.reset();
    b.outside = {};
  }
  if (offsets_.size() % kBlock == 0 && !blocks_.empty() && on_block) on_block(*this, blocks_.size() - 1);
  if (offsets_.size() % kBlock == 0) {
    // Room for as much as the block before took, and an eighth: what is
    // reserved and never written is never resident.
    const std::size_t before = blocks_.empty() ? 0 : blocks_.back().bytes().size();
    blocks_.emplace_back().own.reserve(before + before / 8);
  }
  return blocks_.back().own;
}

// `k` varints skipped, each as get_varint reads it (at most ten bytes, the
// last without its high bit): one pass over the bytes, nothing decoded,
// eight at a time but the last few (a million-record result's check spent
// four fifths of its time here, a byte at a time).
bool detail::skip_varints(std::string_view& in, std::uint64_t k) {
  const auto* begin = reinterpret_cast<const unsigned char*>(in.data());
  const auto* p = begin;
  const auto* const end = begin + in.size();
  unsigned run = 0;  // bytes with the high bit set, in a row
  if constexpr (std::endian::native == std::endian::little) {
    constexpr std::uint64_t kHigh = 0x8080808080808080ull;
    while (k != 0 && end - p >= 8) {
      std::uint64_t word;
      std::memcpy(&word, p, sizeof word);
      std::uint64_t last = ~word & kHigh;  // the bytes that end a varint (byte i: bit 8i + 7)
      if (last == 0) {
        run += 8;
        if (run >= kMaxVarint) return false;
        p += 8;
        continue;
      }
      // The run before the first end; none between two ends is as long.
      if (run + (static_cast<unsigned>(std::countr_zero(last)) >> 3) >= kMaxVarint) return false;
      // How many ends, summed in the top byte (std::popcount is a call
      // without -mpopcnt).
      const std::uint64_t ends = ((last >> 7) * 0x0101010101010101ull) >> 56;
      if (ends >= k) {  // the k-th end is in this word: the bytes up to it
        for (std::uint64_t i = 1; i < k; ++i) last &= last - 1;
        p += (static_cast<unsigned>(std::countr_zero(last)) >> 3) + 1;
        k = 0;
        break;
      }
      run = static_cast<unsigned>(std::countl_zero(last)) >> 3;  // after the last end
      k -= ends;
      p += 8;
    }
  }
  while (k != 0) {
    if (p == end) return false;
    if ((*p++ & 0x80) != 0) {
      if (++run == kMaxVarint) return false;
    } else {
      run = 0;
      --k;
    }
  }
  in.remove_prefix(static_cast<std::size_t>(p - begin));
  return true;
}

namespace {

using detail::skip_varints;

// One record's bytes skipped over, checked as read_record checks them (every
// length inside what is left, the symbols known) without building anything:
// how an import's million records are taken from its child.
// The fewest bytes a record takes: its row, its name's length, three
// symbols and its two counts, a varint each (skip_record).
constexpr std::size_t kMinRecord = 7;

// With `glance` (glance_encoded), the record's name and the first value of
// `field` are read on the way, and the check is the same.
bool skip_record(std::string_view& in, std::uint64_t known_symbols, RecordGlance* glance = nullptr,
                 std::uint32_t field = 0) {
  std::uint64_t v = 0, n = 0;
  std::string_view text;
  if (!get_varint(in, v) || !get_text(in, text)) return false;
  for (int k = 0; k < 3; ++k)
    if (!get_varint(in, v) || v >= known_symbols) return false;
  // The values: a field's delta and a value each, read by read_record
  // without a check beyond their bytes, so skipped as bytes.
  if (!get_varint(in, n) || n > in.size()) return false;
  if (glance == nullptr) {
    if (!skip_varints(in, 2 * n)) return false;
  } else {
    glance->name = text;
    glance->has_value = false;
    std::uint64_t at = 0, delta = 0;
    for (std::uint64_t k = 0; k < n; ++k) {
      // Most take a byte each.
      if (in.size() >= 2 && static_cast<unsigned char>(in[0]) < 0x80 && static_cast<unsigned char>(in[1]) < 0x80) {
        delta = static_cast<unsigned char>(in[0]);
        v = static_cast<unsigned char>(in[1]);
        in.remove_prefix(2);
      } else if (!get_varint(in, delta) || !get_varint(in, v)) {
        return false;
      }
      at += delta;
      if (static_cast<std::uint32_t>(at) == field) {
        // The first counts: the rest of the values only checked.
        glance->value = unzigzag(v);
        glance->has_value = true;
        if (!skip_varints(in, 2 * (n - k - 1))) return false;
        break;
      }
    }
  }
  if (!get_varint(in, n) || n > in.size()) return false;
  for (std::uint64_t i = 0; i < n; ++i)
    if (!get_varint(in, v) || !get_text(in, text)) return false;
  return true;
}

// Each of `count` records of `bytes` checked whole; starts[i] is where the
// i-th begins. False when the bytes are damaged (starts then holds nothing
// that means anything).
bool check_records(std::string_view bytes, std::size_t count, std::uint64_t known_symbols, std::uint64_t* starts) {
  std::string_view in = bytes;
  for (std::size_t i = 0; i < count; ++i) {
    starts[i] = bytes.size() - in.size();
    if (!skip_record(in, known_symbols)) return false;
  }
  return in.empty();
}

}  // namespace

bool RecordSet::check_encoded(std::string_view bytes, std::size_t count, std::vector<std::uint64_t>& starts) const {
  // Each record is checked whole before any is taken: on damage `starts`
  // is left as it was.
  const std::size_t before = starts.size();
  starts.resize(before + count);
  if (check_records(bytes, count, layout_.symbols.size(), starts.data() + before)) return true;
  starts.resize(before);
  return false;
}

bool RecordSet::append_encoded(std::string_view bytes, std::size_t count) {
  // No records: no block either (an empty block would put the records
  // after it in the wrong one: a record's block is its index / kBlock).
  if (count == 0) return bytes.empty();
  if (count > bytes.size() / kMinRecord) return false;  // more records than its bytes can hold
  if (offsets_.size() % kBlock == 0 && count <= kBlock) {
    // A whole block as the store keeps them: taken as it is.
    if (!check_encoded(bytes, count, offsets_)) return false;
    blocks_.emplace_back().own = std::string(bytes);
    return true;
  }
  std::vector<std::uint64_t> starts;
  if (!check_encoded(bytes, count, starts)) return false;
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t end = i + 1 < count ? starts[i + 1] : bytes.size();
    std::string& block = block_for_next();
    offsets_.push_back(block.size());
    block.append(bytes.substr(starts[i], end - starts[i]));
  }
  return true;
}

bool RecordSet::append_encoded(std::string_view bytes, std::size_t count, const std::shared_ptr<const void>& keep) {
  if (!keep || offsets_.size() % kBlock != 0 || count > kBlock || count == 0) return append_encoded(bytes, count);
  if (!check_encoded(bytes, count, offsets_)) return false;
  Block& b = blocks_.emplace_back();
  b.outside = bytes;
  b.keep = keep;
  return true;
}

bool RecordSet::append_encoded(const std::vector<Encoded>& blocks, const std::shared_ptr<const void>& keep,
                               unsigned threads) {
  // A block that claims more records than its bytes can hold is refused
  // before room is made for their starts: a hostile child's 16 bytes of
  // result (4,096 records in none) must not cost the daemon 32 KiB.
  for (const auto& e : blocks)
    if (e.count > e.bytes.size() / kMinRecord) return false;
  bool whole = keep != nullptr && offsets_.size() % kBlock == 0;
  std::size_t total = 0;
  for (std::size_t b = 0; b < blocks.size() && whole; ++b) {
    whole = blocks[b].count == kBlock || (b + 1 == blocks.size() && blocks[b].count <= kBlock && blocks[b].count > 0);
    total += blocks[b].count;
  }
  if (!whole) {
    const std::size_t size_before = offsets_.size(), blocks_before = blocks_.size();
    const std::size_t last_size = blocks_.empty() ? 0 : blocks_.back().bytes().size();
    for (const auto& e : blocks)
      if (!append_encoded(e.bytes, e.count, keep)) {
        // Undone: the blocks added, and what the last one before was given.
        offsets_.resize(size_before);
        blocks_.resize(blocks_before);
        if (!blocks_.empty() && !blocks_.back().keep) blocks_.back().own.resize(last_size);
        return false;
      }
    return true;
  }
  // Block b's records start at offsets_[before + b * kBlock]: each thread
  // writes its blocks' starts in place, taking the next block not taken.
  const std::size_t before = offsets_.size();
  offsets_.resize(before + total);
  const std::uint64_t known = layout_.symbols.size();
  std::atomic<std::size_t> next{0};
  std::atomic<bool> damaged{false};
  auto check = [&] {
    while (!damaged.load(std::memory_order_relaxed)) {
      const std::size_t b = next.fetch_add(1);
      if (b >= blocks.size()) return;
      if (!check_records(blocks[b].bytes, blocks[b].count, known, offsets_.data() + before + b * kBlock))
        damaged = true;
    }
  };
  std::vector<std::thread> helpers;
  const std::size_t want = std::min<std::size_t>(std::max(threads, 1u), blocks.size() / 4 + 1);
  try {
    helpers.reserve(want);
    while (helpers.size() + 1 < want) helpers.emplace_back(check);
  } catch (...) {
    // No thread (or no memory) to be had: those started and this one do it;
    // every one started is joined below.
  }
  check();
  for (auto& t : helpers) t.join();
  if (damaged) {
    offsets_.resize(before);
    return false;
  }
  blocks_.reserve(blocks_.size() + blocks.size());
  for (const auto& e : blocks) {
    Block& b = blocks_.emplace_back();
    b.outside = e.bytes;
    b.keep = keep;
  }
  return true;
}

void RecordSet::add(const CompactRecord& r) {
  const std::uint32_t kind = symbol(r.org_kind), sector = symbol(r.org_sector), rating = symbol(r.org_rating);
  std::string& block = block_for_next();
  offsets_.push_back(block.size());
  auto put = [&](char* p) {
    p = put_varint(p, r.where);
    p = put_text(p, r.org_name);
    p = put_varint(p, kind);
    p = put_varint(p, sector);
    p = put_varint(p, rating);
    return put_data(p, r);
  };
  const std::size_t bound = 5 * kMaxVarint + r.org_name.size() + data_bound(r);
  // Written through a cursor into room made first: on the stack, then
  // appended (the block's room is not zeroed for the bound, ten times what
  // a record takes); past that room, into the block, then cut.
  char room[2048];
  if (bound <= sizeof room) {
    block.append(room, static_cast<std::size_t>(put(room) - room));
    return;
  }
  const std::size_t at = block.size();
  block.resize(at + bound);
  char* p = put(block.data() + at);
  block.resize(static_cast<std::size_t>(p - block.data()));
}

std::string_view RecordSet::record_bytes(std::size_t i) const {
  const std::string_view block = blocks_[i / kBlock].bytes();
  const std::size_t end = (i + 1) % kBlock != 0 && i + 1 < offsets_.size() ? offsets_[i + 1] : block.size();
  return block.substr(offsets_[i], end - offsets_[i]);
}

void RecordSet::get(std::size_t i, CompactRecord& out) const {
  std::string_view in = record_bytes(i);
  Symbols sym;
  read_record(in, out, sym);  // checked when the bytes were taken or written
  out.org_kind = layout_.symbols[sym.kind];
  out.org_sector = layout_.symbols[sym.sector];
  out.org_rating = layout_.symbols[sym.rating];
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

// dryrun (issue 18): after its row (or index), a record's bytes start with its name.
std::string_view RecordSet::org_name(std::size_t i) const {
  std::string_view in = record_bytes(i);
  std::uint64_t where = 0;
  std::string_view name;
  if (!get_varint(in, where) || !get_text(in, name)) return {};  // checked when the bytes were taken or written
  return name;
}

// dryrun3 (issue 18): after the name come the three symbols, then the
// values (a field's delta and a value each), as read_record reads them.
bool record_value(const RecordSet& set, std::size_t i, std::uint32_t field, std::int64_t& out) {
  const std::string_view name = set.org_name(i);
  if (name.data() == nullptr) return false;
  const std::string_view block = set.block(i / RecordSet::kBlock);
  const char* const after = name.data() + name.size();
  std::string_view in(after, static_cast<std::size_t>(block.data() + block.size() - after));
  std::uint64_t v = 0, n = 0, at = 0, delta = 0;
  for (int k = 0; k < 3; ++k)
    if (!get_varint(in, v)) return false;
  if (!get_varint(in, n)) return false;
  for (std::uint64_t k = 0; k < n; ++k) {
    if (!get_varint(in, delta) || !get_varint(in, v)) return false;
    at += delta;
    if (static_cast<std::uint32_t>(at) == field) {
      out = unzigzag(v);
      return true;
    }
  }
  return false;
}

// dryrun4 (issue 18): one pass over a stored block, each record checked as
// skip_record checks it, its name and value read on the way, nothing copied.
bool glance_encoded(std::string_view bytes, std::size_t count, std::size_t known_symbols, std::uint32_t field,
                    std::vector<RecordGlance>& out) {
  if (count == 0 || count > bytes.size() / kMinRecord) return false;  // as append_encoded refuses them
  out.resize(count);
  std::string_view in = bytes;
  for (RecordGlance& g : out)
    if (!skip_record(in, known_symbols, &g, field)) return false;
  return in.empty();
}

// Issue 18, stream: a streamed block checked before the final layout is known.
bool check_block(std::string_view bytes, std::size_t count, std::size_t known_symbols) {
  if (count == 0 || count > RecordSet::kBlock || count > bytes.size() / kMinRecord) return false;
  std::vector<std::uint64_t> starts(count);
  return check_records(bytes, count, known_symbols, starts.data());
}

}  // namespace tonghop::normalise
