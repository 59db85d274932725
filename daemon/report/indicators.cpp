#include "report/indicators.hpp"

#include <algorithm>
#include <cmath>
#include <string_view>

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

// A sum is in `sums` only when it is known.
std::optional<double> known(const std::map<std::string, double>& sums, const std::string& id) {
  const auto it = sums.find(id);
  return it == sums.end() ? std::nullopt : std::optional(it->second);
}

// num / den as a percentage: null when the denominator is 0.
std::optional<double> percent(const Ratio& r, double num, double den) {
  if (den == 0) return std::nullopt;
  return round2(100.0 * (r.complement ? den - num : num) / den);
}

// Every input of the ratio known: (numerator, denominator).
std::optional<std::pair<double, double>> inputs(const Ratio& r, const std::map<std::string, double>& sums) {
  const auto den = known(sums, r.denominator);
  if (!den) return std::nullopt;
  double num = 0;
  for (const char* n : r.numerator) {
    const auto v = known(sums, n);
    if (!v) return std::nullopt;
    num += *v;
  }
  return std::pair(num, *den);
}

Indicators finish(const std::map<std::string, double>& sums, const normalise::Catalogue& catalogue) {
  Indicators out;
  for (const auto& id : catalogue.count_ids()) out.push_back({id, false, known(sums, id)});
  for (const char* id : kOrgIndicators) out.push_back({id, false, known(sums, id)});
  for (const auto& r : kRatios) {
    Indicator ind{r.id, true, std::nullopt};
    if (const auto in = inputs(r, sums)) ind.value = percent(r, in->first, in->second);
    out.push_back(ind);
  }
  return out;
}

// The indicators of one part as a map of the known ones.
std::map<std::string, double> known_of(const Indicators& part) {
  std::map<std::string, double> m;
  for (const auto& ind : part)
    if (!ind.is_percent && ind.value) m[ind.id] = *ind.value;
  return m;
}

}  // namespace

Indicators compute(const normalise::Totals& totals, const normalise::Catalogue& catalogue) {
  std::map<std::string, double> sums = totals.counts;
  sums["orgs_total"] = static_cast<double>(totals.records);
  sums["orgs_party_committee"] = static_cast<double>(totals.party_committees);
  sums["orgs_party_cell"] = static_cast<double>(totals.records - totals.party_committees);
  // Ratings are known only when the return carries them: then a rating no
  // organisation has is 0; otherwise orgs_rated_* are unknown.
  if (totals.rated) {
    for (const char* id : kOrgIndicators)
      if (std::string_view(id).starts_with("orgs_rated_")) sums[id] = 0;
    for (const auto& [rating, n] : totals.ratings) sums["orgs_rated_" + rating] += n;
  }
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

Indicators total(const std::vector<Indicators>& parts, const normalise::Catalogue& catalogue, Lacking* lacking) {
  std::vector<std::map<std::string, double>> known_parts;
  for (const auto& p : parts) known_parts.push_back(known_of(p));
  // Counts: the parts that know them. A total of no parts at all is 0 (no
  // district has reported); one that every part lacks is unknown.
  Lacking out_lacking;
  Indicators out = finish({}, catalogue);  // every indicator, null
  for (auto& ind : out) {
    if (ind.is_percent) continue;
    if (parts.empty()) ind.value = 0;
    for (std::size_t i = 0; i < known_parts.size(); ++i) {
      if (const auto v = known(known_parts[i], ind.id)) {
        ind.value = ind.value.value_or(0) + *v;
      } else {
        out_lacking[ind.id].push_back(i);
      }
    }
  }
  for (auto& ind : out) {
    if (!ind.is_percent) continue;
    // Percentages: from the parts that know every input, numerator and
    // denominator alike, so that both sums cover the same districts.
    const auto r = std::find_if(std::begin(kRatios), std::end(kRatios), [&](const Ratio& x) { return ind.id == x.id; });
    double num = 0, den = 0;
    std::size_t knowing = 0;
    for (std::size_t i = 0; i < known_parts.size(); ++i) {
      if (const auto in = inputs(*r, known_parts[i])) {
        num += in->first;
        den += in->second;
        ++knowing;
      } else {
        out_lacking[ind.id].push_back(i);
      }
    }
    if (knowing > 0) ind.value = percent(*r, num, den);
  }
  if (lacking != nullptr) *lacking = std::move(out_lacking);
  return out;
}

std::vector<std::string> unknown(const Indicators& indicators, const normalise::Catalogue& catalogue) {
  Lacking lacking;
  total({indicators}, catalogue, &lacking);
  std::vector<std::string> out;
  for (const auto& i : indicators)
    if (lacking.count(i.id)) out.push_back(i.id);
  return out;
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
