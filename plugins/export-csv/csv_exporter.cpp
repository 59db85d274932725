// The province report as CSV: UTF-8 with a byte-order mark (so that Excel
// shows Vietnamese right). Columns: "Kỳ báo cáo" (the period), "Đảng bộ
// huyện", "Tình trạng" (the row's status_label when the daemon gives it,
// "Chưa báo cáo" for a district that has not reported, else "Đã báo cáo"),
// then the figures, headed "group: label". One row per configured district
// in the registry's order (display.order), a district that has not reported
// with empty figures, then the total.
// A value that is unknown (null) is an empty cell, never 0. When some value
// is unknown or a total leaves rows out, a last column "Ghi chú" says which
// ("Không có số liệu: ..."; "(*) Chỉ gồm các huyện có số liệu: ...").
// display.dialect = "vi" (format=csv&dialect=vi): ";" between cells and ","
// before decimals, as a Vietnamese Excel reads them; otherwise "," and ".".
// A cell that starts with = + - @ (or a tab or carriage return) is prefixed
// with ' so that no spreadsheet runs it as a formula.
#include <algorithm>
#include <map>
#include <string>

#include <tonghop/sdk.hpp>

namespace sdk = tonghop::sdk;

namespace {

struct Dialect {
  char separator = ',';
  char decimal = '.';
};

std::string cell(const sdk::Value& v, const Dialect& d) {
  std::string s;
  if (const auto* t = std::get_if<std::string>(&v)) s = *t;
  else if (const auto* i = std::get_if<std::int64_t>(&v)) s = std::to_string(*i);
  else if (const auto* x = std::get_if<double>(&v)) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", *x);
    s = buf;
    std::replace(s.begin(), s.end(), '.', d.decimal);
  }
  if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r')) {
    // A negative number is a number, not a formula.
    const bool number = std::holds_alternative<std::int64_t>(v) || std::holds_alternative<double>(v);
    if (!number) s.insert(s.begin(), '\'');
  }
  if (s.find_first_of(std::string("\"\r\n") + d.separator) != std::string::npos) {
    std::string q = "\"";
    for (const char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
  }
  return s;
}
std::string text_cell(const std::string& s, const Dialect& d) { return cell(sdk::Value{s}, d); }

std::string joined(const sdk::StringList& names, const char* sep = ", ") {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : sep) + n;
  return out;
}

const std::string* text_meta(const sdk::Report& r, const std::string& key) {
  const sdk::Value* v = r.meta(key);
  return v ? std::get_if<std::string>(v) : nullptr;
}

std::string status(const sdk::Row& row) {
  for (const auto& [k, v] : row.attributes)
    if (k == "status_label")
      if (const auto* s = std::get_if<std::string>(&v); s && !s->empty()) return *s;
  return row.missing ? "Chưa báo cáo" : "Đã báo cáo";
}

class CsvExporter final : public sdk::Exporter {
 public:
  using sdk::Exporter::Exporter;

 protected:
  sdk::Status do_write(const sdk::Report& report, std::string_view format, std::ostream& out) const override {
    if (format != "csv") return {sdk::Code::unsupported, "the CSV exporter writes only csv"};
    Dialect d;
    if (const auto* dialect = text_meta(report, "display.dialect"); dialect && *dialect == "vi") d = {';', ','};
    else if (dialect && !dialect->empty()) return {sdk::Code::unsupported, "the CSV dialects are the default and vi"};
    const std::string sep(1, d.separator);
    const std::string period = text_meta(report, "period") ? *text_meta(report, "period") : std::string();
    const auto columns = report.columns();
    // Headers people read, unambiguous: "Đảng viên: Tổng số".
    std::map<std::string, std::string> names;
    for (const auto& g : report.groups)
      for (const auto& c : g.columns) names[c.id] = g.label.empty() || g.label == c.label ? c.label : g.label + ": " + c.label;
    const bool notes = std::any_of(report.rows.begin(), report.rows.end(),
                                   [](const sdk::Row& r) { return !r.missing && !r.unknown.empty(); }) ||
                       (report.total && !report.total->incomplete.empty());
    out << "\xEF\xBB\xBF" << text_cell("Kỳ báo cáo", d) << sep << text_cell("Đảng bộ huyện", d) << sep << text_cell("Tình trạng", d);
    for (const auto* c : columns) out << sep << text_cell(names[c->id], d);
    if (notes) out << sep << text_cell("Ghi chú", d);
    out << "\r\n";
    auto line = [&](const sdk::Row& row, const std::string& label, const std::string& state) {
      out << text_cell(period, d) << sep << text_cell(label, d) << sep << text_cell(state, d);
      for (std::size_t i = 0; i < columns.size(); ++i)
        out << sep << (!row.missing && i < row.values.size() ? cell(row.values[i], d) : std::string());
      if (notes) {
        sdk::StringList unknown, partial;
        for (const auto& id : row.unknown) unknown.push_back(names.count(id) ? names[id] : id);
        for (const auto& [id, rows] : row.incomplete)
          if (std::find(row.unknown.begin(), row.unknown.end(), id) == row.unknown.end())
            partial.push_back((names.count(id) ? names[id] : id) + " (" + joined(rows) + ")");
        sdk::StringList note;
        if (!unknown.empty()) note.push_back("Không có số liệu: " + joined(unknown, "; "));
        if (!partial.empty()) note.push_back("(*) Chỉ gồm các huyện có số liệu, không có số liệu của: " + joined(partial, "; "));
        out << sep << text_cell(joined(note, ". "), d);
      }
      out << "\r\n";
    };
    // The registry's order; rows it does not name (none, from the daemon) after.
    std::vector<const sdk::Row*> rows;
    if (const sdk::Value* v = report.meta("display.order"))
      if (const auto* order = std::get_if<sdk::StringList>(v))
        for (const auto& name : *order)
          for (const auto& row : report.rows)
            if (row.label == name) rows.push_back(&row);
    for (const auto& row : report.rows)
      if (std::find(rows.begin(), rows.end(), &row) == rows.end()) rows.push_back(&row);
    for (const auto* row : rows) line(*row, row->label, status(*row));
    if (report.total) line(*report.total, report.total->label.empty() ? "Toàn tỉnh" : report.total->label, "");
    return {};
  }
};

}  // namespace

TONGHOP_PLUGIN(CsvExporter, exporter, "export-csv", "1.2.0", "csv", "text/csv",
               "The province report as CSV: every district in the registry's order, the period, a status; dialect=vi")
