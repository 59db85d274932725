// The previous period's return indexed for a dry run (issue 18, item 1,
// dryrun4): ingest::index_previous alone, on a data directory whose store
// holds DISTRICT's return of the period before PERIOD (bench/stream_bench.sh
// leaves one in DATA_DIR/bench/var: Than Uyen, 2018, so PERIOD 2019).
// Prints each run's wall time and the CPU time of the thread that ran it.
// usage: previous_bench STORE_DIR DISTRICT PERIOD [RUNS]
#include <time.h>

#include <cstdio>
#include <cstdlib>

#include "ingest/pipeline.hpp"
#include "store/store.hpp"

using namespace tonghop;

namespace {
double seconds(clockid_t c) {
  timespec t{};
  clock_gettime(c, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: previous_bench STORE_DIR DISTRICT PERIOD [RUNS]\n");
    return 2;
  }
  auto store = store::Store::open(argv[1]);
  if (!store) {
    std::fprintf(stderr, "cannot open the store: %s\n", store.error().c_str());
    return 1;
  }
  const int runs = argc > 4 ? std::atoi(argv[4]) : 3;
  for (int i = 0; i < runs; ++i) {
    const double w0 = seconds(CLOCK_MONOTONIC), c0 = seconds(CLOCK_THREAD_CPUTIME_ID);
    auto indexed = ingest::index_previous(**store, argv[2], argv[3]);
    const double w1 = seconds(CLOCK_MONOTONIC), c1 = seconds(CLOCK_THREAD_CPUTIME_ID);
    std::size_t records = 0;
    for (const auto& p : indexed) records += p.size();
    std::printf("index_previous: %zu returns, %zu records, wall %.3f s, cpu %.3f s\n", indexed.size(), records,
                w1 - w0, c1 - c0);
  }
  return 0;
}
