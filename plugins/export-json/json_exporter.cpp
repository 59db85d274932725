// The JSON exporter: writes the SDK's report form as the report JSON of
// shared/contract.md.
//
//   metadata           -> top-level members, in order; a dotted key
//                         ("completeness.expected") nests under its prefix;
//                         keys starting "display." are presentation hints for
//                         page formats and are left out.
//   rows (not missing) -> "districts"-style array named by the metadata key
//                         "rows_key" (default "rows"): each row's attributes,
//                         then "indicators" (null where unknown), "change"
//                         (when the row has one; a column whose change
//                         cannot be told is left out, never null) and
//                         "warnings".
//   total              -> "total": {"indicators", "change", "incomplete"}:
//                         incomplete is {column id: [row labels]}, the rows
//                         each value leaves out ({} when it covers them all).
//   notes              -> "notes", only when there are any.
#include <boost/json.hpp>

#include <charconv>
#include <cmath>
#include <ostream>
#include <string>
#include <string_view>
#include <variant>

#include "tonghop/sdk.hpp"

namespace json = boost::json;
namespace sdk = tonghop::sdk;

namespace {

json::value to_json(const sdk::Value& v) {
  return std::visit(
      [](const auto& x) -> json::value {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return nullptr;
        } else if constexpr (std::is_same_v<T, sdk::StringList>) {
          json::array a;
          for (const auto& s : x) a.emplace_back(s);
          return a;
        } else if constexpr (std::is_same_v<T, double>) {
          if (!std::isfinite(x)) return nullptr;
          return x;
        } else {
          return json::value(x);
        }
      },
      v);
}

json::object notice_json(const sdk::Notice& n) {
  json::object o;
  o["code"] = n.code;
  o["message"] = n.message;
  for (const auto& [k, v] : n.details) o[k] = to_json(v);
  return o;
}

json::object values_json(const std::vector<const sdk::Column*>& columns,
                         const std::vector<sdk::Value>& values) {
  json::object o;
  for (std::size_t i = 0; i < columns.size() && i < values.size(); ++i)
    o[columns[i]->id] = to_json(values[i]);
  return o;
}

// A change only where it can be told: null ones are left out.
json::object change_json(const std::vector<const sdk::Column*>& columns,
                         const std::vector<sdk::Value>& values) {
  json::object o;
  for (std::size_t i = 0; i < columns.size() && i < values.size(); ++i)
    if (!std::holds_alternative<std::monostate>(values[i])) o[columns[i]->id] = to_json(values[i]);
  return o;
}

std::string meta_text(const sdk::Report& r, const std::string& key, std::string fallback) {
  if (const auto* v = r.meta(key); v && std::holds_alternative<std::string>(*v))
    return std::get<std::string>(*v);
  return fallback;
}

json::object report_json(const sdk::Report& r) {
  json::object root;
  const auto columns = r.columns();
  for (const auto& [key, value] : r.metadata) {
    if (key.starts_with("display.") || key == "rows_key") continue;
    const auto dot = key.find('.');
    if (dot == std::string::npos) {
      root[key] = to_json(value);
    } else {
      auto& parent = root[key.substr(0, dot)];
      if (!parent.is_object()) parent = json::object();
      parent.as_object()[key.substr(dot + 1)] = to_json(value);
    }
  }
  json::array rows;
  for (const auto& row : r.rows) {
    if (row.missing) continue;
    json::object o;
    for (const auto& [k, v] : row.attributes) o[k] = to_json(v);
    o["indicators"] = values_json(columns, row.values);
    if (!row.change.empty()) o["change"] = change_json(columns, row.change);
    json::array warnings;
    for (const auto& w : row.warnings) warnings.emplace_back(notice_json(w));
    o["warnings"] = std::move(warnings);
    rows.emplace_back(std::move(o));
  }
  root[meta_text(r, "rows_key", "rows")] = std::move(rows);
  if (r.total) {
    json::object t;
    t["indicators"] = values_json(columns, r.total->values);
    if (!r.total->change.empty()) t["change"] = change_json(columns, r.total->change);
    json::object incomplete;
    for (const auto& [id, left_out] : r.total->incomplete) incomplete[id] = to_json(left_out);
    t["incomplete"] = std::move(incomplete);
    root["total"] = std::move(t);
  }
  if (!r.notes.empty()) {
    json::array notes;
    for (const auto& n : r.notes) notes.emplace_back(notice_json(n));
    root["notes"] = std::move(notes);
  }
  return root;
}

// Pretty printer: Boost.JSON's serializer writes 80.0 as "8E1"; a person
// reading a report expects 80.0, so numbers are written here.
void write_number(std::ostream& out, double d) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  std::string_view s(buf, static_cast<std::size_t>(end - buf));
  out << s;
  if (s.find_first_of(".eE") == std::string_view::npos) out << ".0";
}

void print_json(std::ostream& out, const json::value& v, int indent) {
  const std::string pad(static_cast<std::size_t>(indent + 1) * 2, ' ');
  const std::string close(static_cast<std::size_t>(indent) * 2, ' ');
  switch (v.kind()) {
    case json::kind::object: {
      const auto& o = v.get_object();
      if (o.empty()) { out << "{}"; return; }
      out << "{\n";
      bool first = true;
      for (const auto& kv : o) {
        if (!first) out << ",\n";
        first = false;
        out << pad << json::serialize(json::string_view(kv.key())) << ": ";
        print_json(out, kv.value(), indent + 1);
      }
      out << "\n" << close << "}";
      return;
    }
    case json::kind::array: {
      const auto& a = v.get_array();
      if (a.empty()) { out << "[]"; return; }
      out << "[\n";
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (i) out << ",\n";
        out << pad;
        print_json(out, a[i], indent + 1);
      }
      out << "\n" << close << "]";
      return;
    }
    case json::kind::double_: write_number(out, v.get_double()); return;
    default: out << json::serialize(v); return;
  }
}

class JsonExporter final : public sdk::Exporter {
 public:
  using sdk::Exporter::Exporter;

 protected:
  sdk::Status do_write(const sdk::Report& report, std::string_view format,
                       std::ostream& out) const override {
    if (format != "json")
      return {sdk::Code::unsupported, "the JSON exporter writes only the json format"};
    print_json(out, report_json(report), 0);
    out << '\n';
    return {};
  }
};

}  // namespace

TONGHOP_PLUGIN(JsonExporter, exporter, "export-json", "1.1.0", "json", "application/json",
               "Writes the province report as JSON (shared/contract.md)")
