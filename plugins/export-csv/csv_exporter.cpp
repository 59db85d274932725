// The province report as CSV: UTF-8 with a byte-order mark (so that Excel
// shows Vietnamese right), one row per district that reported, then the
// total. A cell that starts with = + - @ (or a tab or carriage return) is
// prefixed with ' so that no spreadsheet runs it as a formula.
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

class CsvExporter final : public sdk::Exporter {
 public:
  using sdk::Exporter::Exporter;

 protected:
  sdk::Status do_write(const sdk::Report& report, std::string_view format, std::ostream& out) const override {
    if (format != "csv") return {sdk::Code::unsupported, "the CSV exporter writes only csv"};
    const auto columns = report.columns();
    // Headers people read, unambiguous: "Đảng viên: Tổng số".
    out << "\xEF\xBB\xBF" << cell(std::string("Đảng bộ huyện"));
    for (const auto& g : report.groups)
      for (const auto& c : g.columns) out << ',' << cell(g.label.empty() ? c.label : g.label + ": " + c.label);
    out << "\r\n";
    auto line = [&](const std::string& label, const std::vector<sdk::Value>& values) {
      out << cell(label);
      for (std::size_t i = 0; i < columns.size(); ++i) out << ',' << (i < values.size() ? cell(values[i]) : std::string());
      out << "\r\n";
    };
    for (const auto& row : report.rows)
      if (!row.missing) line(row.label, row.values);
    if (report.total) line(report.total->label.empty() ? "Toàn tỉnh" : report.total->label, report.total->values);
    return {};
  }
};

}  // namespace

TONGHOP_PLUGIN(CsvExporter, exporter, "export-csv", "1.0.0", "csv", "text/csv",
               "The province report as CSV (UTF-8 with BOM, formulas neutralised)")
