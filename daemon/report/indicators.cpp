#include "report/indicators.hpp"

#include <cmath>

#include <boost/json.hpp>
#include <map>

namespace tonghop::report {

double round2(double v) {
  const double scaled = v * 100.0;
  // Half away from zero, guarding against 36.665 being 36.66499999.
  const double r = std::round(scaled + (scaled >= 0 ? 1e-9 : -1e-9));
  return r / 100.0;
}

namespace {

const char* const kOrgIndicators[] = {"orgs_total", "orgs_party_committee", "orgs_party_cell", "orgs_rated_excellent",
                                      "orgs_rated_good", "orgs_rated_completed", "orgs_rated_not_completed"};

struct Ratio {
  const char* id;
  std::vector<const char*> numerator;
  const char* denominator;
  bool complement = false;  // (denominator - numerator) / denominator
};
const Ratio kRatios[] = {
    {"orgs_good_or_better_pct", {"orgs_rated_excellent", "orgs_rated_good"}, "orgs_total"},
    {"members_female_pct", {"members_female"}, "members_total"},
    {"members_ethnic_minority_pct", {"members_ethnic_minority"}, "members_total"},
    {"admitted_female_pct", {"admitted_female"}, "admitted"},
    {"admitted_ethnic_minority_pct", {"admitted_ethnic_minority"}, "admitted"},
    {"members_good_or_better_pct", {"members_rated_excellent", "members_rated_good"}, "members_rated"},
    {"villages_with_cell_pct", {"villages_without_cell"}, "villages_total", true},
};

Indicators finish(std::map<std::string, double>& sums, const normalise::Catalogue& catalogue) {
  Indicators out;
  for (const auto& id : catalogue.count_ids()) out.push_back({id, false, sums.count(id) ? std::optional(sums[id]) : 0.0});
  for (const char* id : kOrgIndicators) out.push_back({id, false, sums[id]});
  for (const auto& r : kRatios) {
    double num = 0;
    for (const char* n : r.numerator) num += sums[n];
    const double den = sums[r.denominator];
    Indicator ind{r.id, true, std::nullopt};
    if (den != 0) ind.value = round2(100.0 * (r.complement ? den - num : num) / den);
    out.push_back(ind);
  }
  return out;
}

}  // namespace

Indicators compute(const normalise::Totals& totals, const normalise::Catalogue& catalogue) {
  std::map<std::string, double> sums = totals.counts;
  sums["orgs_total"] = static_cast<double>(totals.records);
  sums["orgs_party_committee"] = static_cast<double>(totals.party_committees);
  sums["orgs_party_cell"] = static_cast<double>(totals.records - totals.party_committees);
  for (const auto& [rating, n] : totals.ratings) sums["orgs_rated_" + rating] += n;
  return finish(sums, catalogue);
}

Indicators compute(const std::vector<normalise::Record>& records, const normalise::Catalogue& catalogue) {
  normalise::Totals t;
  for (const auto& r : records) {
    for (const auto& [id, v] : r.counts) t.counts[id] += static_cast<double>(v);
    t.add(r.org_kind, r.org_rating);
  }
  return compute(t, catalogue);
}

Indicators compute(const normalise::RecordSet& records, const normalise::Catalogue& catalogue) {
  const auto& layout = records.layout();
  std::vector<double> by_field(layout.fields.size(), 0);
  normalise::Totals t;
  normalise::CompactRecord r;
  for (std::size_t i = 0; i < records.size(); ++i) {
    records.get(i, r);
    for (const auto& [f, v] : r.values)
      if (f < by_field.size() && layout.is_count[f]) by_field[f] += static_cast<double>(v);
    t.add(r.org_kind, r.org_rating);
  }
  for (std::size_t f = 0; f < by_field.size(); ++f)
    if (layout.is_count[f]) t.counts[layout.fields[f]] += by_field[f];
  return compute(t, catalogue);
}

Indicators total(const std::vector<Indicators>& parts, const normalise::Catalogue& catalogue) {
  std::map<std::string, double> sums;
  for (const auto& p : parts)
    for (const auto& ind : p)
      if (!ind.is_percent && ind.value) sums[ind.id] += *ind.value;
  return finish(sums, catalogue);
}

Indicators change(const Indicators& now, const Indicators& before) {
  Indicators out;
  for (const auto& n : now) {
    Indicator c{n.id, n.is_percent, std::nullopt};
    for (const auto& b : before)
      if (b.id == n.id && b.value && n.value) c.value = n.is_percent ? round2(*n.value - *b.value) : *n.value - *b.value;
    out.push_back(c);
  }
  return out;
}

std::string to_json(const Indicators& indicators) {
  boost::json::object o;
  for (const auto& i : indicators) {
    if (!i.value) o[i.id] = nullptr;
    else if (i.is_percent) o[i.id] = *i.value;
    else o[i.id] = static_cast<std::int64_t>(*i.value);
  }
  return boost::json::serialize(o);
}

Indicators from_json(const std::string& text, const normalise::Catalogue& catalogue) {
  // The order and kinds are the catalogue's; the values the stored ones.
  Indicators out = compute(std::vector<normalise::Record>{}, catalogue);
  const boost::json::value parsed = boost::json::parse(text);
  const auto& o = parsed.as_object();
  for (auto& i : out) {
    const auto it = o.find(i.id);
    if (it == o.end() || it->value().is_null()) i.value.reset();
    else i.value = it->value().to_number<double>();
  }
  return out;
}

}  // namespace tonghop::report
