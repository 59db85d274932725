// Fills a data directory's store with RECORDS generated organisations for a
// period, spread over the registry's districts, through the store's own API
// (as accepted submissions would be), for the report benchmark.
// usage: fill_store DATA_DIR CATALOGUE UNITS PERIOD RECORDS
#include <cstdio>
#include <cstdlib>
#include <random>

#include "normalise/catalogue.hpp"
#include "report/indicators.hpp"
#include "store/store.hpp"

using namespace tonghop;

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: fill_store DATA_DIR CATALOGUE UNITS PERIOD RECORDS\n");
    return 2;
  }
  auto catalogue = normalise::load_catalogue(argv[2]);
  auto registry = normalise::load_registry(argv[3]);
  auto store = store::Store::open(argv[1]);
  if (!catalogue || !registry || !store) {
    std::fprintf(stderr, "cannot open the catalogue, registry or store\n");
    return 1;
  }
  const long total = std::atol(argv[5]);
  const auto& districts = registry->districts;
  std::mt19937 rng(7);
  std::uniform_int_distribution<long> members(10, 400);
  const char* ratings[] = {"excellent", "good", "completed", "not_completed"};
  for (std::size_t d = 0; d < districts.size(); ++d) {
    store::NewSubmission s;
    s.meta.district = districts[d].name;
    s.meta.period = argv[4];
    s.meta.filename = "generated.csv";
    s.meta.format = "csv";
    s.meta.plugin = "bench";
    s.meta.received_at = store::now_iso8601();
    s.meta.token_name = "bench";
    const long n = total / static_cast<long>(districts.size());
    normalise::Layout layout;
    layout.sheet = "generated";
    const char* ids[] = {"org_name", "members_total", "members_female", "members_ethnic_minority", "admitted",
                         "admitted_female", "villages_total", "villages_without_cell"};
    for (std::uint32_t f = 0; f < std::size(ids); ++f) {
      layout.fields.push_back(ids[f]);
      layout.is_count.push_back(f > 0);
      layout.columns.push_back(f + 1);
    }
    s.records = normalise::RecordSet(std::move(layout));
    s.records.district = s.meta.district;
    s.records.period = argv[4];
    for (long i = 0; i < n; ++i) {
      const std::string name = "Đảng bộ xã " + std::to_string(i);
      const long m = members(rng);
      normalise::CompactRecord r;
      r.where = static_cast<std::uint32_t>(i + 2);
      r.org_name = name;
      r.org_kind = i % 3 ? "party_committee" : "party_cell";
      r.org_sector = "commune";
      r.org_rating = ratings[i % 4];
      r.values = {{0, 0}, {1, m}, {2, m / 3}, {3, m / 2}, {4, m / 20}, {5, m / 40}, {6, 10}, {7, 1}};
      s.records.add(r);
    }
    s.meta.indicators = report::to_json(report::compute(s.records, *catalogue));
    const std::string raw = "generated " + std::to_string(d);
    s.raw = raw;
    if (auto r = (*store)->add(std::move(s)); !r) {
      std::fprintf(stderr, "%s\n", r.error().c_str());
      return 1;
    }
  }
  std::printf("stored %ld records in %zu submissions\n", total, districts.size());
  return 0;
}
