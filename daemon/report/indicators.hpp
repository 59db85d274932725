// The indicators of shared/domain.md computed from canonical records: the
// counts summed, organisations by kind and rating, and the percentages
// (rounded half away from zero to 2 decimals; null when the denominator is 0).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "normalise/catalogue.hpp"
#include "normalise/record.hpp"

namespace tonghop::report {

struct Indicator {
  std::string id;
  bool is_percent = false;
  std::optional<double> value;  // counts are whole numbers; null: not computable
};

using Indicators = std::vector<Indicator>;  // in the report's order

Indicators compute(const std::vector<normalise::Record>& records, const normalise::Catalogue& catalogue);
Indicators compute(const normalise::RecordSet& records, const normalise::Catalogue& catalogue);
Indicators compute(const normalise::Totals& totals, const normalise::Catalogue& catalogue);
// Sums of several districts' indicators (the province), percentages recomputed.
Indicators total(const std::vector<Indicators>& parts, const normalise::Catalogue& catalogue);
// a - b, where both have a value.
Indicators change(const Indicators& now, const Indicators& before);

double round2(double v);  // half away from zero

// As stored with a submission: {"members_total":2044, "members_female_pct":36.55, ...}
std::string to_json(const Indicators& indicators);
Indicators from_json(const std::string& text, const normalise::Catalogue& catalogue);

}  // namespace tonghop::report
