#include "report/province.hpp"

#include <algorithm>
#include <map>

#include "normalise/normaliser.hpp"
#include "normalise/text.hpp"
#include "report/indicators.hpp"

namespace tonghop::report {

namespace {

sdk::Value value_of(const Indicator& i) {
  if (!i.value) return std::monostate{};
  if (i.is_percent) return *i.value;
  return static_cast<std::int64_t>(*i.value);
}

std::vector<sdk::Value> values(const Indicators& ind) {
  std::vector<sdk::Value> out;
  for (const auto& i : ind) out.push_back(value_of(i));
  return out;
}

sdk::Notice notice(const normalise::Issue& w) {
  sdk::Notice n;
  n.code = w.code;
  n.message = w.message;
  if (!w.where.sheet.empty()) n.details.emplace_back("sheet", w.where.sheet);
  if (w.where.row) n.details.emplace_back("row", static_cast<std::int64_t>(w.where.row));
  if (w.where.column) n.details.emplace_back("column", normalise::column_name(w.where.column));
  if (!w.where.path.empty()) n.details.emplace_back("path", w.where.path);
  if (!w.field.empty()) n.details.emplace_back("field", w.field);
  if (!w.value.empty()) n.details.emplace_back("value", w.value);
  return n;
}

}  // namespace

sdk::Report province_report(const store::Store& store, const normalise::Registry& registry,
                            const normalise::Catalogue& catalogue, const std::string& period) {
  const std::string previous = normalise::previous_period(period);
  const auto current = store.current(period);
  const auto before = store.current(previous);
  std::map<std::string, Indicators> previous_by_district;
  std::vector<Indicators> previous_parts;
  for (const auto& s : before) {
    previous_by_district[s.district] = from_json(s.indicators, catalogue);
    previous_parts.push_back(previous_by_district[s.district]);
  }

  sdk::Report r;
  sdk::StringList expected, submitted, missing;
  for (const auto& d : registry.districts) expected.push_back(d.name);
  for (const auto& s : current) submitted.push_back(s.district);
  for (const auto& d : registry.districts)
    if (std::find(submitted.begin(), submitted.end(), d.name) == submitted.end()) missing.push_back(d.name);
  r.metadata = {{"province", registry.province},
                {"period", period},
                {"previous_period", previous},
                {"generated_at", store::now_iso8601()},
                {"completeness.expected", expected},
                {"completeness.submitted", submitted},
                {"completeness.missing", missing},
                {"rows_key", std::string("districts")},
                {"display.issuing_body", registry.issuing_body},
                {"display.place", registry.place}};

  const Indicators shape = compute({}, catalogue);
  sdk::ColumnGroup all;
  for (const auto& i : shape) {
    const normalise::Field* f = catalogue.field(i.id);
    all.columns.push_back(sdk::Column{i.id, f ? f->label : i.id, i.is_percent ? sdk::ColumnKind::percent : sdk::ColumnKind::integer});
  }
  r.groups.push_back(std::move(all));

  std::vector<Indicators> parts;
  for (const auto& s : current) {
    const Indicators ind = from_json(s.indicators, catalogue);
    parts.push_back(ind);
    sdk::Row row;
    row.label = s.district;
    row.attributes = {{"district", s.district}, {"submission_id", s.id}, {"received_at", s.received_at}};
    row.values = values(ind);
    if (const auto it = previous_by_district.find(s.district); it != previous_by_district.end())
      row.change = values(change(ind, it->second));
    for (const auto& w : store.warnings(s.id)) row.warnings.push_back(notice(w));
    r.rows.push_back(std::move(row));
  }
  for (const auto& name : missing) {
    sdk::Row row;
    row.label = name;
    row.missing = true;
    row.attributes = {{"district", name}};
    r.rows.push_back(std::move(row));
  }
  sdk::Row total;
  total.label = "Toàn tỉnh";
  const Indicators sum = report::total(parts, catalogue);
  total.values = values(sum);
  if (!previous_parts.empty()) total.change = values(change(sum, report::total(previous_parts, catalogue)));
  r.total = std::move(total);
  return r;
}

}  // namespace tonghop::report
