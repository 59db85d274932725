#include "isolate/wire.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <thread>
#include <vector>

#include "core/parallel.hpp"

namespace tonghop::isolate {

namespace {

constexpr std::uint32_t kMagic = 0x54485231;  // "THR1"
// The dry run's view (ingest/view.hpp) is bounded there; this bounds what the daemon takes.
constexpr std::size_t kMaxView = 256u << 20;
// Threads that check a result's records (at most; one per core).
const unsigned kCheckThreads = core::spare_threads();
// Blocks from which a result's check may be deferred (read_examined's
// `defer`): a small return's few are checked here at once, as before.
constexpr std::size_t kDeferFrom = 8;

class Writer {
 public:
  explicit Writer(int fd) : fd_(fd) {}
  void u64(std::uint64_t v) { buf_.append(reinterpret_cast<const char*>(&v), sizeof v); }
  void f64(double v) { buf_.append(reinterpret_cast<const char*>(&v), sizeof v); }
  void str(std::string_view s) {
    u64(s.size());
    if (s.size() > (64u << 10)) {
      flush();
      raw(s);
    } else {
      buf_.append(s);
    }
    if (buf_.size() > (1u << 20)) flush();
  }
  bool finish() {
    flush();
    return ok_;
  }

 private:
  void flush() {
    raw(buf_);
    buf_.clear();
  }
  void raw(std::string_view s) {
    while (ok_ && !s.empty()) {
      const ssize_t n = ::write(fd_, s.data(), s.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        ok_ = false;
        break;
      }
      s.remove_prefix(static_cast<std::size_t>(n));
    }
  }
  int fd_;
  std::string buf_;
  bool ok_ = true;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool ok = true;
  std::uint64_t u64() {
    std::uint64_t v = 0;
    take(&v, sizeof v);
    return v;
  }
  double f64() {
    double v = 0;
    take(&v, sizeof v);
    return v;
  }
  std::string_view view() {
    const std::uint64_t n = u64();
    if (!ok || n > in_.size()) {
      ok = false;
      return {};
    }
    const std::string_view s = in_.substr(0, n);
    in_.remove_prefix(n);
    return s;
  }
  std::string str() { return std::string(view()); }
  // A count of items each at least `least` bytes long: bounded by what is left.
  std::uint64_t count(std::size_t least) {
    const std::uint64_t n = u64();
    if (n > in_.size() / least) ok = false;
    return ok ? n : 0;
  }
  bool done() const { return ok && in_.empty(); }

 private:
  void take(void* out, std::size_t n) {
    if (!ok || in_.size() < n) {
      ok = false;
      return;
    }
    std::memcpy(out, in_.data(), n);
    in_.remove_prefix(n);
  }
  std::string_view in_;
};

void write_issues(Writer& w, const std::vector<normalise::Issue>& issues) {
  w.u64(issues.size());
  for (const auto& i : issues) {
    w.str(i.code);
    w.str(i.message);
    w.str(i.field);
    w.str(i.value);
    w.str(i.where.sheet);
    w.u64(i.where.row);
    w.u64(i.where.column);
    w.str(i.where.path);
  }
}

void read_issues(Reader& r, std::vector<normalise::Issue>& out) {
  const auto n = r.count(8 * 8);
  for (std::uint64_t k = 0; k < n && r.ok; ++k) {
    normalise::Issue i;
    i.code = r.str();
    i.message = r.str();
    i.field = r.str();
    i.value = r.str();
    i.where.sheet = r.str();
    i.where.row = static_cast<std::uint32_t>(r.u64());
    i.where.column = static_cast<std::uint32_t>(r.u64());
    i.where.path = r.str();
    out.push_back(std::move(i));
  }
}

void write_details(Writer& w, const std::vector<normalise::Issue>& issues) {
  for (const auto& i : issues) {
    w.u64(i.count);
    w.str(i.range);
    w.u64(i.samples.size());
    for (const auto& s : i.samples) w.str(s);
    w.u64(i.suggestions.size());
    for (const auto& [field, score] : i.suggestions) {
      w.str(field);
      w.f64(score);
    }
  }
}

void read_details(Reader& r, std::vector<normalise::Issue>& issues) {
  for (auto& i : issues) {
    if (!r.ok) return;
    i.count = static_cast<std::uint32_t>(r.u64());
    i.range = r.str();
    const auto samples = r.count(8);
    for (std::uint64_t k = 0; k < samples && r.ok; ++k) i.samples.push_back(r.str());
    const auto suggestions = r.count(16);
    for (std::uint64_t k = 0; k < suggestions && r.ok; ++k) {
      std::string field = r.str();
      i.suggestions.emplace_back(std::move(field), r.f64());
    }
  }
}

void write_map(Writer& w, const std::map<std::string, double>& m) {
  w.u64(m.size());
  for (const auto& [k, v] : m) {
    w.str(k);
    w.f64(v);
  }
}

void read_map(Reader& r, std::map<std::string, double>& m) {
  const auto n = r.count(16);
  for (std::uint64_t k = 0; k < n && r.ok; ++k) {
    std::string key = r.str();
    m[std::move(key)] = r.f64();
  }
}

}  // namespace

bool write_examined(int fd, const ingest::Examined& e, std::size_t streamed) {
  Writer w(fd);
  w.u64(kMagic);
  w.u64(e.status);
  w.str(e.plugin);
  w.str(e.format);
  const auto& res = e.result;
  write_issues(w, res.errors);
  write_issues(w, res.warnings);
  write_map(w, res.totals.counts);
  w.u64(res.totals.records);
  w.u64(res.totals.party_committees);
  write_map(w, res.totals.ratings);
  w.u64(res.totals.rated ? 1 : 0);
  const auto& set = res.records;
  w.str(set.layout().to_json());
  w.str(set.district);
  w.str(set.period);
  streamed = std::min(streamed, set.block_count());
  w.u64(streamed);
  w.u64(set.block_count() - streamed);
  for (std::size_t b = streamed; b < set.block_count(); ++b) {
    const std::size_t first = b * normalise::RecordSet::kBlock;
    w.u64(std::min(set.size() - first, normalise::RecordSet::kBlock));
    w.str(set.block(b));
  }
  // Added for the dry run (branch check): the header's rows and the view of what was read.
  w.u64(res.header_top);
  w.u64(res.header_row);
  w.str(e.view);
  // What issues carry beyond their place (branch check): a repeat's count and
  // range, an unmapped column's samples and suggestions (lost before).
  write_details(w, res.errors);
  write_details(w, res.warnings);
  return w.finish();
}

Expected<ingest::Examined> read_examined(std::string_view bytes, const std::shared_ptr<const void>& keep,
                                         const std::function<void(std::size_t)>& release,
                                         ingest::UncheckedBlocks* defer, const StreamedPlaces* streamed) {
  // Issue 18, stream: the streamed blocks come first in the memfd, the rest of the result after them.
  if (streamed != nullptr && streamed->start > bytes.size()) return make_error("the import's result is cut short");
  const std::string_view before = streamed != nullptr ? bytes.substr(0, streamed->start) : std::string_view{};
  Reader r(bytes.substr(before.size()));
  ingest::Examined e;
  if (r.u64() != kMagic) return make_error("the import's result is not in the expected form");
  e.status = static_cast<unsigned>(r.u64());
  e.plugin = r.str();
  e.format = r.str();
  auto& res = e.result;
  read_issues(r, res.errors);
  read_issues(r, res.warnings);
  read_map(r, res.totals.counts);
  res.totals.records = r.u64();
  res.totals.party_committees = r.u64();
  read_map(r, res.totals.ratings);
  res.totals.rated = r.u64() != 0;
  const std::string_view layout = r.view();
  if (!r.ok) return make_error("the import's result is cut short");
  try {
    res.records = normalise::RecordSet(normalise::Layout::from_json(layout));
  } catch (const std::exception& ex) {
    return make_error(std::string("the import's result has a damaged layout: ") + ex.what());
  }
  res.records.district = r.str();
  res.records.period = r.str();
  const std::uint64_t named = r.u64();  // streamed before (issue 18, stream)
  const auto blocks = r.count(16);
  if (!r.ok) return make_error("the import's result is cut short");
  const std::size_t streams = streamed != nullptr ? streamed->blocks.size() : 0;
  if (named != 0 && (named != streams || !keep)) return make_error("the import's result has damaged records");
  if (named != 0 && streamed->taken) {
    // Taken by the sink: the rest of the blocks checked here against the
    // final layout, which must know every symbol the streamed ones were
    // checked with; each whole but the last, as they are stored after them.
    if (res.records.layout().symbols.size() < streamed->symbols)
      return make_error("the import's result has damaged records");
    auto out = std::make_shared<ingest::Streamed>();
    out->blocks = streams;
    out->keep = keep;
    for (const auto& [offset, length] : streamed->blocks) {
      if (offset > before.size() || length > before.size() - offset)
        return make_error("the import's result has damaged records");
      out->places.push_back({before.substr(offset, length), normalise::RecordSet::kBlock});
    }
    for (std::uint64_t b = 0; b < blocks && r.ok; ++b) {
      const std::uint64_t count = r.u64();
      const std::string_view block = r.view();
      if (!r.ok || count == 0 || count > normalise::RecordSet::kBlock ||
          (b + 1 < blocks && count != normalise::RecordSet::kBlock) ||
          !normalise::check_block(block, count, res.records.layout().symbols.size()))
        return make_error("the import's result has damaged records");
      out->rest.push_back({block, count});
    }
    if (!r.ok) return make_error("the import's result has damaged records");
    e.streamed = std::move(out);
  } else if (keep) {
    // Not copied: the blocks' places read first, then every record of
    // every block checked, on as many threads as there are cores (the
    // daemon waits for nothing else meanwhile), before any is taken.
    std::vector<normalise::RecordSet::Encoded> encoded;
    encoded.reserve(blocks + (named != 0 ? streams : 0));
    // Streamed but not taken: read from the memfd as the result's first blocks.
    for (std::size_t b = 0; b < streams && named != 0; ++b) {
      const auto [offset, length] = streamed->blocks[b];
      if (offset > before.size() || length > before.size() - offset)
        return make_error("the import's result has damaged records");
      encoded.push_back({before.substr(offset, length), normalise::RecordSet::kBlock});
    }
    for (std::uint64_t b = 0; b < blocks && r.ok; ++b) {
      const std::uint64_t count = r.u64();
      const std::string_view block = r.view();
      // The child never writes a block without records.
      if (!r.ok || count == 0 || count > normalise::RecordSet::kBlock)
        return make_error("the import's result has damaged records");
      encoded.push_back({block, count});
    }
    if (!r.ok) return make_error("the import's result has damaged records");
    if (defer != nullptr && encoded.size() >= kDeferFrom) {
      // Checked later, block by block, by the caller (each block's count is
      // at most kBlock, checked above: what checking it reserves is bounded),
      // and stored as they are: so each but the last must be whole, as the
      // child writes them (a record's block is its index / kBlock).
      for (std::size_t b = 0; b + 1 < encoded.size(); ++b)
        if (encoded[b].count != normalise::RecordSet::kBlock)
          return make_error("the import's result has damaged records");
      defer->blocks = std::move(encoded);
      defer->keep = keep;
    } else if (!res.records.append_encoded(encoded, keep, kCheckThreads)) {
      return make_error("the import's result has damaged records");
    }
  }
  for (std::uint64_t b = 0; b < blocks && r.ok && !keep; ++b) {
    const std::uint64_t count = r.u64();
    const std::string_view block = r.view();
    if (!r.ok || count == 0 || count > normalise::RecordSet::kBlock || !res.records.append_encoded(block, count))
      return make_error("the import's result has damaged records");
    if (release) release(static_cast<std::size_t>(block.data() + block.size() - bytes.data()));
  }
  res.header_top = static_cast<std::uint32_t>(r.u64());
  res.header_row = static_cast<std::uint32_t>(r.u64());
  e.view = r.str();
  if (e.view.size() > kMaxView) return make_error("the import's view of the file is too large");
  read_details(r, res.errors);
  read_details(r, res.warnings);
  if (!r.done()) return make_error("the import's result is cut short or too long");
  if (e.status != 200 && e.status != 415 && e.status != 422) return make_error("the import's result has no valid status");
  return e;
}

}  // namespace tonghop::isolate
