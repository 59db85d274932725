#include "ingest/pipeline.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "core/hash.hpp"
#include "core/parallel.hpp"
#include "ingest/ingest.hpp"
#include "ingest/view.hpp"
#include "normalise/normaliser.hpp"
#include "normalise/text.hpp"
#include "report/indicators.hpp"
#include "store/records.hpp"

namespace tonghop::ingest {

Examined examine(const loader::PluginSet& plugins, const Normalisation& n, const tonghop_limits& limits,
                 const Return& ret, const std::function<void(const loader::Plugin&)>& chosen) {
  Examined out;
  const sdk::Bytes view(reinterpret_cast<const unsigned char*>(ret.bytes.data()), ret.bytes.size());
  auto choice = choose_importer(plugins, view, ret.filename);
  if (!choice) {
    out.status = 415;
    out.result.errors.push_back({"unsupported_file", choice.error(), "", "", {}});
    return out;
  }
  out.plugin = choice->plugin->info.name;
  out.format = choice->plugin->info.formats.empty() ? "" : choice->plugin->info.formats.front();
  if (chosen) chosen(*choice->plugin);
  const normalise::Profile* profile = nullptr;
  for (const auto& p : n.profiles)
    if (p.applies(ret.district, ret.filename)) {
      profile = &p;
      break;
    }
  // The Board's mappings over the profile's headers: a mapping wins for the same header.
  normalise::Profile mapped;
  if (!ret.mappings.empty()) {
    if (profile != nullptr) mapped = *profile;
    for (const auto& [header, field] : ret.mappings) mapped.headers[header] = field;
    profile = &mapped;
  }
  // The normaliser reads the rows as the importer streams them.
  const normalise::Normaliser normaliser(n.catalogue, n.registry, n.policy);
  const normalise::Submission submission{ret.district, ret.period};
  // A dry run also keeps what was read (ingest/view.hpp), between the importer and the normaliser.
  std::unique_ptr<ViewCapture> capture;
  auto read = [&](normalise::Reader& reader, std::optional<std::string> array) {
    if (ret.view_rows == 0) return read_document(*choice->plugin->importer, {ret.filename, view}, limits, reader);
    capture = std::make_unique<ViewCapture>(reader, ret.view_rows, std::move(array));
    return read_document(*choice->plugin->importer, {ret.filename, view}, limits, *capture);
  };
  auto reader = normaliser.reader(submission, profile);
  // Issue 18, stream: a CSV has one sheet, whose table, once its header is
  // found, nothing displaces, and no merged ranges (no second pass).
  if (ret.completed_block && out.format == "csv") reader->on_block = ret.completed_block;
  auto status = read(*reader, std::nullopt);
  // A dry run's view of a tree counts the array's elements: read again knowing it.
  if (status.ok() && (reader->needs_second_pass() || (capture && reader->learned().array))) {
    // Merged ranges came after the cells and change the header, or a tree's
    // array of organisations is now known: read again knowing it.
    auto learned = reader->learned();
    auto array = learned.array;
    auto second = normaliser.reader(submission, profile, std::move(learned));
    status = read(*second, std::move(array));
    reader = std::move(second);
  }
  if (!status.ok()) {
    out.status = 422;
    out.result.errors.push_back(normalise::unreadable(status));
    if (capture) out.view = capture->json(out.result, n.catalogue);
    return out;
  }
  out.result = reader->finish();
  if (capture) out.view = capture->json(out.result, n.catalogue);
  return out;
}

Outcome submit(const loader::PluginSet& plugins, const Normalisation& n, store::Store& store,
               const tonghop_limits& limits, Return ret) {
  return submit([&](const Return& r) { return examine(plugins, n, limits, r); }, n, store, std::move(ret));
}

std::string unnamed_filename(const Return& ret, const std::string& format) {
  std::string slug = normalise::fold(ret.district);
  std::replace(slug.begin(), slug.end(), ' ', '-');
  return fmt::format("{}-{}.{}", slug.empty() ? "return" : slug, ret.period, format.empty() ? "bin" : format);
}

std::vector<normalise::PreviousIndex> index_previous(const store::Store& store, const std::string& district,
                                                     const std::string& period, const std::atomic<bool>* cancel) {
  std::vector<normalise::PreviousIndex> out;
  for (const auto& prev : store.current(normalise::previous_period(period))) {
    if (prev.district != district) continue;
    // Streamed (issue 18): a block of the previous return at a time, never
    // the whole of it, each read where SQLite holds it (dryrun4): checked
    // and its names kept while SQLite holds it, placed in the index after.
    store::BlockScan scan(store, prev);
    auto& index = out.emplace_back();
    index.reserve(prev.records > 0 ? static_cast<std::size_t>(prev.records) : 0);
    using Took = store::BlockScan::Took;
    for (;;) {
      if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
        index.cancel();
        break;
      }
      bool full = false;
      auto more = scan.next([&](std::string_view bytes, std::size_t count) {
        switch (index.take(bytes, count, scan.layout(), prev.period)) {
          case normalise::PreviousIndex::Took::taken: return Took::taken;
          case normalise::PreviousIndex::Took::damaged: return Took::damaged;
          case normalise::PreviousIndex::Took::full: break;
        }
        full = true;
        return Took::stop;
      });
      if (!more) index.stop(more.error());
      if (!more || !*more || full) break;
      index.place();
    }
  }
  return out;
}

void compare_with_previous(const Normalisation& n, const std::vector<normalise::PreviousIndex>& previous,
                           normalise::Normalised& result) {
  for (const auto& p : previous) p.compare(result, n.catalogue.members_change_above);
}

void compare_with_previous(const Normalisation& n, const store::Store& store, const std::string& district,
                           const std::string& period, normalise::Normalised& result) {
  compare_with_previous(n, index_previous(store, district, period), result);
}

namespace {

// A result's unchecked blocks (Examined::unchecked) checked on a thread of
// their own, in order, each appended to the records once checked; wait(b)
// waits until block b is (true) or one before it was found damaged (false).
class Checked {
 public:
  Checked(const std::shared_ptr<UncheckedBlocks>& blocks, normalise::RecordSet& records) {
    if (!blocks || blocks->blocks.empty()) return;
    active_ = true;
    thread_ = std::thread([this, blocks, &records] {
      for (std::size_t b = 0; b < blocks->blocks.size() && !stop_.load(std::memory_order_relaxed); ++b) {
        const auto& e = blocks->blocks[b];
        const bool ok = records.append_encoded(e.bytes, e.count, blocks->keep);
        {
          std::lock_guard lock(mutex_);
          if (ok) done_ = b + 1;
          else damaged_ = true;
        }
        wake_.notify_all();
        if (!ok) break;
      }
      std::lock_guard lock(mutex_);
      ended_ = true;
      wake_.notify_all();
    });
  }
  ~Checked() { join(); }
  Checked(const Checked&) = delete;
  Checked& operator=(const Checked&) = delete;

  bool active() const { return active_; }
  bool wait(std::size_t b) {
    std::unique_lock lock(mutex_);
    wake_.wait(lock, [&] { return done_ > b || damaged_ || ended_; });
    return done_ > b;
  }
  // Stops checking (when the store needs no more) and waits for the thread.
  void join() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::size_t done_ = 0;
  bool damaged_ = false, ended_ = false, active_ = false;
  std::atomic<bool> stop_{false};
};

}  // namespace

namespace {

// Whether the district has a current return of the previous period (what
// index_previous reads).
bool has_previous(const store::Store& store, const std::string& district, const std::string& period) {
  for (const auto& prev : store.current(normalise::previous_period(period)))
    if (prev.district == district) return true;
  return false;
}

// Issue 18, stream: a result whose first blocks were streamed into
// `staging`: the rest of its blocks staged after them, and its records made
// whole when the comparison with the previous period needs them (from the
// copies the staging took). When the staging failed (or a return of the
// previous period came meanwhile, with no copies kept), it is dropped and the
// result's records are read whole from its sealed memfd as without
// streaming. False when a block is damaged then (the result refused).
// `whole`: whether the result's records are whole (false: staged, and no
// return of the previous period to compare them with).
bool take_streamed(const store::Store& store, const Return& ret, Examined& examined,
                   std::unique_ptr<store::Staging>& staging, std::vector<std::string>& copies, bool& whole) {
  const Streamed& st = *examined.streamed;
  auto& records = examined.result.records;
  bool staged = staging != nullptr && static_cast<std::size_t>(staging->blocks()) == st.blocks;
  for (std::size_t i = 0; i < st.rest.size() && staged; ++i) {
    const auto first = static_cast<std::int64_t>((st.blocks + i) * normalise::RecordSet::kBlock);
    staged = staging->add(first, static_cast<std::int64_t>(st.rest[i].count), st.rest[i].bytes) ? true : false;
  }
  const bool previous = has_previous(store, ret.district, ret.period);
  if (staged && previous && copies.size() != st.blocks) staged = false;
  const unsigned threads = core::spare_threads();
  whole = !staged || previous;
  if (!staged) {
    staging.reset();
    return records.append_encoded(st.places, st.keep, threads) && records.append_encoded(st.rest, st.keep, threads);
  }
  if (!previous) return true;
  // The copies the staging took: what is stored is what is compared.
  auto kept = std::make_shared<const std::vector<std::string>>(std::move(copies));
  std::vector<normalise::RecordSet::Encoded> blocks;
  for (const auto& c : *kept) blocks.push_back({c, normalise::RecordSet::kBlock});
  return records.append_encoded(blocks, kept, threads) && records.append_encoded(st.rest, st.keep, threads);
}

}  // namespace

Outcome submit(const Examiner& examiner, const Normalisation& n, store::Store& store, Return ret) {
  const auto started = std::chrono::steady_clock::now();
  Outcome out;
  auto done = [&]() -> Outcome& {
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return out;
  };
  // A locked period takes no return, from the API or the inbox (branch season).
  const auto locked = [&]() -> Outcome& {
    out.status = 409;
    out.errors.push_back({"period_locked",
                          "Kỳ " + ret.period + " đã được duyệt và khoá: không nhận thêm báo cáo cho đến khi quản trị mở lại / "
                          "period " + ret.period + " is approved and locked: no return is taken until an admin reopens it",
                          "period", ret.period, {}});
    return done();
  };
  if (store.period_state(ret.period).locked()) return locked();
  // care (issue 16): the same bytes again. A file equal (SHA-256) to the
  // district's current submission for the period is that submission: 200,
  // `unchanged`, no import and no new version. Hashed here only when the
  // sizes are equal, so that a new return pays nothing more.
  for (const auto& current : store.current(ret.period)) {
    if (current.district != ret.district || current.size != static_cast<std::int64_t>(ret.bytes.size())) continue;
    if (sha256_hex(ret.bytes) != current.sha256) break;
    boost::json::object detail;
    detail["submission"] = current.id;
    detail["district"] = current.district;
    detail["period"] = current.period;
    detail["filename"] = ret.filename;
    detail["sha256"] = current.sha256;
    // Its raw file missing or damaged (tonghopd verify says which): these
    // are its bytes, so they mend it.
    if (const auto repaired = store.repair_raw(ret.bytes, current.sha256); repaired && *repaired) {
      detail["raw_repaired"] = true;
      out.raw_repaired = true;
    }
    store.audit(ret.token_name, "", "submission.unchanged", boost::json::serialize(detail));
    out.status = 200;
    out.unchanged = true;
    out.submission = current;
    return done();
  }
  // The raw bytes go to disk (hashed, fsynced) while the return is read.
  auto archived = std::async(std::launch::async, [&] { return store.archive(ret.bytes); });
  ret.defer_check = true;
  // Issue 18, stream: a large CSV's blocks staged in the store while its
  // child still imports it, each checked as it comes (isolate/stream.hpp),
  // from the first (a small return never stages). Kept too when the
  // district has a return of the previous period to compare with.
  std::unique_ptr<store::Staging> staging;
  bool staging_failed = false;
  const bool had_previous = has_previous(store, ret.district, ret.period);
  std::vector<std::string> copies;
  ret.on_block = [&](std::int64_t first_seq, std::int64_t count, std::string& bytes) {
    if (staging_failed) return false;
    if (!staging) {
      auto made = store.stage();
      if (!made) return !(staging_failed = true);
      staging = std::move(*made);
    }
    // The checked copy kept once: by the staging until its next commit, or,
    // when the previous period is compared after, here (the staging copies).
    if (!had_previous) return staging->add(first_seq, count, std::move(bytes)) ? true : !(staging_failed = true);
    if (!staging->add(first_seq, count, std::string_view(bytes))) return !(staging_failed = true);
    copies.push_back(std::move(bytes));
    return true;
  };
  Examined examined = examiner(ret);
  ret.on_block = {};
  auto sha256 = archived.get();
  if (ret.filename.empty()) ret.filename = unnamed_filename(ret, examined.format);
  auto& result = examined.result;
  // Nothing staged is taken unless the result names the staged blocks as its first.
  if (!examined.streamed) staging.reset();
  if (examined.status != 200 || !result.accepted()) {
    if (sha256) store.forget(*sha256);
    out.status = examined.status != 200 ? examined.status : 422;
    out.errors = std::move(result.errors);
    out.warnings = std::move(result.warnings);
    return done();
  }
  if (!sha256) {
    out.status = 500;
    out.errors.push_back({"store_failed", "Không lưu được tệp / the file could not be stored: " + sha256.error(), "", "", {}});
    return done();
  }
  // Streamed (issue 18, stream): the rest staged after the streamed blocks.
  bool whole = true;
  if (examined.streamed && !take_streamed(store, ret, examined, staging, copies, whole)) {
    store.forget(*sha256);  // nothing stored: the raw file goes, as for any refusal
    out.status = 422;
    out.errors = examined.streamed->damaged;
    return done();
  }
  // A large result's blocks come unchecked from the child (issue 18,
  // blocks4): checked here, one after the other on a thread of their own
  // (Checked), while the store inserts them into its transaction, which is
  // committed only once every block is checked (rolled back if one is not).
  Checked checked(examined.unchecked, result.records);
  std::vector<normalise::PreviousIndex> previous;
  if (checked.active()) previous = index_previous(store, ret.district, ret.period);
  else if (whole) compare_with_previous(n, store, ret.district, ret.period, result);

  store::NewSubmission s;
  s.meta.district = ret.district;
  s.meta.period = ret.period;
  s.meta.filename = ret.filename;
  s.meta.format = examined.format;
  s.meta.plugin = examined.plugin;
  s.meta.received_at = store::now_iso8601();
  s.meta.token_name = ret.token_name;
  s.meta.sha256 = *sha256;
  s.meta.indicators = report::to_json(report::compute(result.totals, n.catalogue));
  s.meta.layout = result.records.layout().to_json();  // the 201 body's coverage
  s.raw = ret.bytes;
  if (checked.active()) {
    // The records are the checker's until it ends; the store takes the blocks from the sealed mapping.
    s.records = normalise::RecordSet(result.records.layout());
    s.unchecked = examined.unchecked->blocks;
    s.checked = [&](std::size_t b) { return checked.wait(b); };
    s.before_warnings = [&](std::vector<normalise::Issue>& warnings) {
      checked.join();  // every block checked: the records whole
      compare_with_previous(n, previous, result);
      warnings = result.warnings;
    };
  } else if (staging) {
    // The records are the staged blocks (every block of the result).
    s.records = normalise::RecordSet(result.records.layout());
    s.records.district = result.records.district;
    s.records.period = result.records.period;
    s.staged = std::move(staging);
  } else {
    s.records = std::move(result.records);
  }
  s.warnings = result.warnings;
  auto stored = store.add(std::move(s));
  checked.join();
  if (!stored && stored.error() == store::kDamaged) {
    out.status = examined.unchecked->damaged_status;
    out.errors = examined.unchecked->damaged;
    return done();
  }
  if (!stored && stored.error() == "period_locked") return locked();  // locked while it was read
  if (!stored) {
    out.status = 500;
    out.errors.push_back({"store_failed", "Không lưu được báo cáo / the return could not be stored: " + stored.error(), "",
                          "", {}});
    return done();
  }
  out.warnings = std::move(result.warnings);
  out.submission = std::move(*stored);
  return done();
}

}  // namespace tonghop::ingest
