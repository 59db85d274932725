// The indicators of shared/domain.md computed from canonical records: the
// counts summed, organisations by kind and rating, and the percentages
// (rounded half away from zero to 2 decimals; null when the denominator is 0).
//
// Unknown is never zero: a count the return does not carry, the ratings of
// organisations when it carries none, and a percentage whose numerator or
// denominator is unknown are null, never 0 (docs/report.md).
#pragma once

#include <map>
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
// Which parts a total leaves out: indicator id -> indexes into the parts,
// for every indicator some part does not know.
using Lacking = std::map<std::string, std::vector<std::size_t>>;

// Sums of several districts' indicators (the province). A count sums the
// parts that know it (null when none does); a percentage is recomputed from
// the parts that know its numerator and its denominator, so that one
// district's unknown never pulls the province's share down. `lacking`, when
// given, receives the parts each indicator leaves out.
Indicators total(const std::vector<Indicators>& parts, const normalise::Catalogue& catalogue,
                 Lacking* lacking = nullptr);
// The indicators one district's do not know: a count it does not carry, a
// percentage with an unknown input (not one whose denominator is 0).
std::vector<std::string> unknown(const Indicators& indicators, const normalise::Catalogue& catalogue);
// a - b, where both have a value (null otherwise).
Indicators change(const Indicators& now, const Indicators& before);

double round2(double v);  // half away from zero

// As stored with a submission: {"members_total":2044, "members_female_pct":36.55, ...}
std::string to_json(const Indicators& indicators);
Indicators from_json(const std::string& text, const normalise::Catalogue& catalogue);

}  // namespace tonghop::report
