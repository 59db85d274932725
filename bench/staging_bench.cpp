// A large return's record blocks stored the ordinary way against staged
// while its import runs (issue 18, item 2, stage): what is left on the
// POST's path after the import.
//
// The blocks, layout and district of the largest submission of SOURCE_DB (a
// tonghop.db, read only: e.g. one filled by scripts/bench-submit with the
// million-row return) are read into memory; then, for ROUNDS rounds, each
// in a fresh store under WORK_DIR, interleaved:
//   ordinary     NewSubmission::records holds every block: Store::add alone
//                (one transaction, one commit) timed
//   staged/N     the blocks given to a Staging one by one at the import's
//                pace (a block every PACE_MS ms on this thread), N blocks per
//                short transaction; then Store::add with `staged`, timed alone
// While the blocks are staged, another thread stores a small return of
// another district every 25 ms: the longest of those adds is how long a
// staging kept another district waiting for the writer.
// Wall times and the CPU time (user+sys) of the thread that ran each step.
// usage: staging_bench SOURCE_DB WORK_DIR [ROUNDS] [PACE_MS] [N...]
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <sqlite3.h>

#include "store/store.hpp"

using namespace tonghop;
namespace fs = std::filesystem;

namespace {

double seconds(clockid_t c) {
  timespec t{};
  clock_gettime(c, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

struct Source {
  std::string district, period, layout;
  std::int64_t records = 0;
  std::vector<std::pair<std::int64_t, std::string>> blocks;  // count, bytes (in order)
};

bool load(const char* file, Source& s) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(file, &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) return false;
  sqlite3_stmt* q = nullptr;
  std::int64_t id = 0;
  sqlite3_prepare_v2(db, "SELECT id, district, period, layout, records FROM submissions ORDER BY records DESC LIMIT 1", -1, &q,
                     nullptr);
  if (q != nullptr && sqlite3_step(q) == SQLITE_ROW) {
    id = sqlite3_column_int64(q, 0);
    s.district = reinterpret_cast<const char*>(sqlite3_column_text(q, 1));
    s.period = reinterpret_cast<const char*>(sqlite3_column_text(q, 2));
    s.layout = reinterpret_cast<const char*>(sqlite3_column_text(q, 3));
    s.records = sqlite3_column_int64(q, 4);
  }
  sqlite3_finalize(q);
  sqlite3_prepare_v2(db, "SELECT count, data FROM record_blocks WHERE submission_id = ? ORDER BY first_seq", -1, &q, nullptr);
  sqlite3_bind_int64(q, 1, id);
  while (q != nullptr && sqlite3_step(q) == SQLITE_ROW)
    s.blocks.emplace_back(sqlite3_column_int64(q, 0),
                          std::string(static_cast<const char*>(sqlite3_column_blob(q, 1)),
                                      static_cast<std::size_t>(sqlite3_column_bytes(q, 1))));
  sqlite3_finalize(q);
  sqlite3_close(db);
  return id != 0 && !s.blocks.empty();
}

store::NewSubmission meta(const Source& src, const std::string& district, const std::string& raw) {
  store::NewSubmission n;
  n.meta.district = district;
  n.meta.period = src.period;
  n.meta.filename = "district.csv";
  n.meta.format = "csv";
  n.meta.plugin = "import-csv";
  n.meta.received_at = store::now_iso8601();
  n.meta.token_name = "bench";
  n.raw = raw;
  n.records = normalise::RecordSet(normalise::Layout::from_json(src.layout));
  return n;
}

struct Figures {
  double add_wall = 0, add_cpu = 0;          // the final Store::add
  double tail = 0;                           // staged: from the last block handed over to add()'s return
  double stage_wall = 0, stage_cpu = 0;      // staging all blocks (paced)
  double other_max = 0, other_median = 0;    // another district's adds meanwhile
};

// Another district's small return stored every 25 ms until `stop`.
void others(store::Store& s, const Source& src, std::atomic<bool>& stop, std::vector<double>& waits) {
  normalise::RecordSet small(normalise::Layout::from_json(src.layout));
  const std::string raw = "small";
  int n = 0;
  while (!stop.load()) {
    auto sub = meta(src, "Tam Đường", raw + std::to_string(n++));
    sub.records.append_encoded(src.blocks.back().second, static_cast<std::size_t>(src.blocks.back().first));
    const double w0 = seconds(CLOCK_MONOTONIC);
    auto added = s.add(std::move(sub));
    waits.push_back(seconds(CLOCK_MONOTONIC) - w0);
    if (!added) std::fprintf(stderr, "other add failed: %s\n", added.error().c_str());
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
}

Figures run(const Source& src, const fs::path& dir, std::size_t per_commit, double pace_ms) {
  fs::remove_all(dir);
  Figures f;
  auto opened = store::Store::open(dir);
  if (!opened) {
    std::fprintf(stderr, "%s\n", opened.error().c_str());
    std::exit(1);
  }
  auto& s = **opened;
  const std::string raw = "the return's bytes, archived before the import as a POST does";
  auto archived = s.archive(raw);
  auto sub = meta(src, src.district, raw);
  sub.meta.sha256 = *archived;
  if (per_commit == 0) {
    for (const auto& [count, bytes] : src.blocks) sub.records.append_encoded(bytes, static_cast<std::size_t>(count));
  } else {
    std::atomic<bool> stop{false};
    std::vector<double> waits;
    std::thread other([&] { others(s, src, stop, waits); });
    auto staging = s.stage(per_commit);
    if (!staging) {
      std::fprintf(stderr, "%s\n", staging.error().c_str());
      std::exit(1);
    }
    const double w0 = seconds(CLOCK_MONOTONIC), c0 = seconds(CLOCK_THREAD_CPUTIME_ID);
    std::int64_t first = 0;
    double last = 0;
    for (std::size_t b = 0; b < src.blocks.size(); ++b) {
      if (b + 1 == src.blocks.size()) {
        // The other district stops before the last block: the tail alone.
        stop = true;
        other.join();
      }
      const double due = w0 + static_cast<double>(b + 1) * pace_ms / 1000;
      const double now = seconds(CLOCK_MONOTONIC);
      if (due > now) std::this_thread::sleep_for(std::chrono::duration<double>(due - now));
      if (b + 1 == src.blocks.size()) last = seconds(CLOCK_MONOTONIC);
      auto added = (*staging)->add(first, src.blocks[b].first, src.blocks[b].second);
      if (!added) {
        std::fprintf(stderr, "staging failed: %s\n", added.error().c_str());
        std::exit(1);
      }
      first += src.blocks[b].first;
    }
    f.stage_wall = seconds(CLOCK_MONOTONIC) - w0;
    f.stage_cpu = seconds(CLOCK_THREAD_CPUTIME_ID) - c0;
    std::sort(waits.begin(), waits.end());
    if (!waits.empty()) {
      f.other_max = waits.back();
      f.other_median = waits[waits.size() / 2];
    }
    sub.staged = std::move(*staging);
    f.tail = -last;
  }
  const double w0 = seconds(CLOCK_MONOTONIC), c0 = seconds(CLOCK_THREAD_CPUTIME_ID);
  auto added = s.add(std::move(sub));
  f.add_wall = seconds(CLOCK_MONOTONIC) - w0;
  if (per_commit != 0) f.tail += seconds(CLOCK_MONOTONIC);
  f.add_cpu = seconds(CLOCK_THREAD_CPUTIME_ID) - c0;
  if (!added || added->records != src.records) {
    std::fprintf(stderr, "the add failed: %s\n", added ? "wrong record count" : added.error().c_str());
    std::exit(1);
  }
  opened->reset();
  fs::remove_all(dir);
  return f;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: staging_bench SOURCE_DB WORK_DIR [ROUNDS] [PACE_MS] [N...]\n");
    return 2;
  }
  Source src;
  if (!load(argv[1], src)) {
    std::fprintf(stderr, "no submission with records in %s\n", argv[1]);
    return 1;
  }
  const int rounds = argc > 3 ? std::atoi(argv[3]) : 5;
  const double pace = argc > 4 ? std::atof(argv[4]) : 8;
  std::vector<std::size_t> modes = {0};
  for (int i = 5; i < argc; ++i) modes.push_back(static_cast<std::size_t>(std::atoi(argv[i])));
  if (modes.size() == 1) modes.insert(modes.end(), {1, 4, 8});
  std::size_t bytes = 0;
  for (const auto& b : src.blocks) bytes += b.second.size();
  std::printf("%zu blocks, %lld records, %.1f MB; %d rounds, a block every %.1f ms\n", src.blocks.size(),
              static_cast<long long>(src.records), static_cast<double>(bytes) / 1e6, rounds, pace);
  std::map<std::size_t, std::vector<Figures>> all;
  for (int r = 0; r < rounds; ++r) {
    // Each round in another order: no mode always after the same one.
    std::rotate(modes.begin(), modes.begin() + (r % static_cast<int>(modes.size())), modes.end());
    for (const std::size_t m : modes) {
      const Figures f = run(src, fs::path(argv[2]) / "store", m, pace);
      all[m].push_back(f);
      std::printf("round %d %-10s add wall %.3f s cpu %.3f s", r + 1, m == 0 ? "ordinary" : ("staged/" + std::to_string(m)).c_str(),
                  f.add_wall, f.add_cpu);
      if (m != 0)
        std::printf("; tail %.3f s; staging wall %.3f s cpu %.3f s; other district's add median %.1f ms max %.1f ms", f.tail,
                    f.stage_wall, f.stage_cpu, f.other_median * 1e3, f.other_max * 1e3);
      std::printf("\n");
      std::fflush(stdout);
    }
  }
  std::printf("medians:\n");
  for (const auto& [m, fs] : all) {
    std::vector<double> aw, ac, sw, sc, om, ox, tl;
    for (const auto& f : fs) {
      aw.push_back(f.add_wall);
      ac.push_back(f.add_cpu);
      sw.push_back(f.stage_wall);
      sc.push_back(f.stage_cpu);
      om.push_back(f.other_median);
      ox.push_back(f.other_max);
      tl.push_back(f.tail);
    }
    std::printf("%-10s add wall %.3f s cpu %.3f s", m == 0 ? "ordinary" : ("staged/" + std::to_string(m)).c_str(), median(aw),
                median(ac));
    if (m != 0)
      std::printf("; tail %.3f s; staging wall %.3f s cpu %.3f s; other district's add median %.1f ms, max (median of rounds) %.1f ms",
                  median(tl), median(sw), median(sc), median(om) * 1e3, median(ox) * 1e3);
    std::printf("\n");
  }
  return 0;
}
