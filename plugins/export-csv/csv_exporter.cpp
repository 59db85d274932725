// The province report as CSV: UTF-8 with a byte-order mark (so that Excel
// shows Vietnamese right), one row per district that reported, then the
// total. A cell that starts with = + - @ (or a tab or carriage return) is
// prefixed with ' so that no spreadsheet runs it as a formula.
// A value that is unknown (null) is an empty cell, never 0. When some value
// is unknown or a total leaves rows out, a last column "Ghi chú" says which
// ("Không có số liệu: ..."; "(*) Chỉ gồm các huyện có số liệu: ...").
#include <algorithm>
#include <map>
#include <string>

#include <tonghop/sdk.hpp>

namespace sdk = tonghop::sdk;

namespace {

std::string cell(const sdk::Value& v) {
  std::string s;
  if (const auto* t = std::get_if<std::string>(&v)) s = *t;
  else if (const auto* i = std::get_if<std::int64_t>(&v)) s = std::to_string(*i);
  else if (const auto* d = std::get_if<double>(&v)) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", *d);
    s = buf;
  }
  if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r')) {
    // A negative number is a number, not a formula.
    const bool number = std::holds_alternative<std::int64_t>(v) || std::holds_alternative<double>(v);
    if (!number) s.insert(s.begin(), '\'');
  }
  if (s.find_first_of(",\"\r\n") != std::string::npos) {
    std::string q = "\"";
    for (const char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
  }
  return s;
}

std::string joined(const sdk::StringList& names, const char* sep = ", ") {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : sep) + n;
  return out;
}

class CsvExporter final : public sdk::Exporter {
 public:
  using sdk::Exporter::Exporter;

 protected:
  sdk::Status do_write(const sdk::Report& report, std::string_view format, std::ostream& out) const override {
    if (format != "csv") return {sdk::Code::unsupported, "the CSV exporter writes only csv"};
    const auto columns = report.columns();
    // Headers people read, unambiguous: "Đảng viên: Tổng số".
    std::map<std::string, std::string> names;
    for (const auto& g : report.groups)
      for (const auto& c : g.columns) names[c.id] = g.label.empty() ? c.label : g.label + ": " + c.label;
    const bool notes = std::any_of(report.rows.begin(), report.rows.end(),
                                   [](const sdk::Row& r) { return !r.missing && !r.unknown.empty(); }) ||
                       (report.total && !report.total->incomplete.empty());
    out << "\xEF\xBB\xBF" << cell(std::string("Đảng bộ huyện"));
    for (const auto* c : columns) out << ',' << cell(names[c->id]);
    if (notes) out << ',' << cell(std::string("Ghi chú"));
    out << "\r\n";
    auto line = [&](const sdk::Row& row, const std::string& label) {
      out << cell(label);
      for (std::size_t i = 0; i < columns.size(); ++i) out << ',' << (i < row.values.size() ? cell(row.values[i]) : std::string());
      if (notes) {
        sdk::StringList unknown, partial;
        for (const auto& id : row.unknown) unknown.push_back(names.count(id) ? names[id] : id);
        for (const auto& [id, rows] : row.incomplete)
          if (std::find(row.unknown.begin(), row.unknown.end(), id) == row.unknown.end())
            partial.push_back((names.count(id) ? names[id] : id) + " (" + joined(rows) + ")");
        sdk::StringList note;
        if (!unknown.empty()) note.push_back("Không có số liệu: " + joined(unknown, "; "));
        if (!partial.empty()) note.push_back("(*) Chỉ gồm các huyện có số liệu, không có số liệu của: " + joined(partial, "; "));
        out << ',' << cell(joined(note, ". "));
      }
      out << "\r\n";
    };
    for (const auto& row : report.rows)
      if (!row.missing) line(row, row.label);
    if (report.total) line(*report.total, report.total->label.empty() ? "Toàn tỉnh" : report.total->label);
    return {};
  }
};

}  // namespace

TONGHOP_PLUGIN(CsvExporter, exporter, "export-csv", "1.1.0", "csv", "text/csv",
               "The province report as CSV (UTF-8 with BOM, formulas neutralised)")
