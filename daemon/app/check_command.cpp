// `tonghopd check FILE --district D --period P [--format json|text]`: the
// whole import, normalisation and validation of one file, offline. What a
// district clerk runs before sending. Exit 0 accepted, 1 refused, 2 usage.
#include <cstdio>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "api/views.hpp"
#include "app/commands.hpp"
#include "app/context.hpp"
#include "app/input_file.hpp"
#include "app/setup.hpp"
#include "ingest/pipeline.hpp"
#include "normalise/normaliser.hpp"
#include "normalise/record_stream.hpp"
#include "loader/loader.hpp"
#include "normalise/text.hpp"

namespace tonghop::app {

namespace json = boost::json;

namespace {

std::string place_text(const normalise::Place& p) {
  if (!p.path.empty()) return p.path;
  std::string s = p.sheet.empty() ? "" : "sheet " + p.sheet + ", ";
  if (p.row) s += fmt::format("row {}", p.row);
  if (p.column) s += fmt::format(", column {}", normalise::column_name(p.column));
  return s;
}

// Display width of UTF-8 text (code points; Vietnamese is NFC).
std::size_t width(std::string_view s) {
  std::size_t n = 0;
  for (const char ch : s) n += (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
  return n;
}

std::string pad(std::string_view s, std::size_t w, bool right = false) {
  const std::size_t have = width(s);
  const std::string fill(have < w ? w - have : 0, ' ');
  return right ? fill + std::string(s) : std::string(s) + fill;
}

std::string cut(std::string_view s, std::size_t w) {
  if (width(s) <= w) return std::string(s);
  std::string out;
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && ++n > w - 1) break;
    out += s[i];
  }
  return out + "…";
}

// What the clerk needs to see: where each field was read, what is missing,
// the records as a table, and the sums. Labels in Vietnamese.
void print_reading(const normalise::Normalised& result, const normalise::Catalogue& cat) {
  const normalise::Layout& l = result.records.layout();
  if (l.fields.empty()) return;
  struct Shown {
    std::size_t field;
    std::string head;  // the table's column: the sheet's letter, or [n] for a key
  };
  std::vector<Shown> counts;
  std::string from_name, missing;
  fmt::print("\nCác chỉ tiêu đọc được (chỉ tiêu ← {}):\n", l.tree ? "khóa" : "cột");
  for (std::size_t i = 0; i < l.fields.size(); ++i) {
    const normalise::Field* f = cat.field(l.fields[i]);
    const std::string label = f != nullptr ? f->label : l.fields[i];
    const bool column = !l.tree && i < l.columns.size() && l.columns[i] != 0;
    const bool key = l.tree && i < l.paths.size() && !l.paths[i].empty();
    if (!column && !key) {
      if (l.fields[i] == "org_kind" || l.fields[i] == "org_sector")
        from_name += (from_name.empty() ? "" : ", ") + label;
      else if (l.fields[i] != "district" && l.fields[i] != "period")
        missing += (missing.empty() ? "" : ", ") + label;
      continue;
    }
    const std::string where = column ? normalise::column_name(l.columns[i]) : l.paths[i];
    const std::string header = i < l.headers.size() && !l.headers[i].empty() && (column || l.headers[i] != l.paths[i])
                                   ? " «" + l.headers[i] + "»"
                                   : "";
    std::string head = column ? where : fmt::format("[{}]", counts.size() + 1);
    fmt::print("  {}{} ← {}{}\n", column ? "" : pad(head, 5), pad(label, 40), column ? "cột " + where : where, header);
    if (i < l.is_count.size() && l.is_count[i]) counts.push_back({i, std::move(head)});
  }
  if (!from_name.empty()) fmt::print("Suy ra từ tên tổ chức: {}\n", from_name);
  if (!missing.empty()) fmt::print("Báo cáo không có (để trống, không tính là 0): {}\n", missing);

  // The records, as read.
  constexpr std::size_t kShown = 500, kName = 34;
  fmt::print("\nSố liệu đã đọc ({} tổ chức cơ sở đảng):\n", result.records.size());
  std::string line = pad("Dòng", 6) + " " + pad("Tên tổ chức cơ sở đảng", kName) + " " + pad("Loại", 4);
  for (const auto& c : counts) line += " " + pad(c.head, 6, true);
  fmt::print("{}\n", line);
  // The rows into one buffer, each cell padded in place (what pad() and cut()
  // give, without a string per cell), written once.
  auto put = [](std::string& to, std::string_view s, std::size_t w, bool right) {
    const std::size_t have = width(s);
    if (right && have < w) to.append(w - have, ' ');
    to += s;
    if (!right && have < w) to.append(w - have, ' ');
  };
  normalise::CompactRecord r;
  std::vector<std::int64_t> value_of(l.fields.size());                // by field, for the row
  std::vector<std::size_t> set_in(l.fields.size(), std::size_t(-1));  // the row a field's value is of
  std::string rows;
  char digits[24];
  auto number = [&digits](auto n) {
    return std::string_view(digits, static_cast<std::size_t>(fmt::format_to(digits, "{}", n) - digits));
  };
  for (std::size_t i = 0; i < result.records.size() && i < kShown; ++i) {
    result.records.get(i, r);
    for (const auto& [f, value] : r.values)
      if (f < value_of.size()) {
        value_of[f] = value;  // the last one, as before
        set_in[f] = i;
      }
    put(rows, number(r.where + (l.tree ? 1 : 0)), 6, false);
    rows += ' ';
    if (width(r.org_name) <= kName) put(rows, r.org_name, kName, false);
    else put(rows, cut(r.org_name, kName), kName, false);
    rows += ' ';
    put(rows, r.org_kind == "party_committee" ? "ĐB" : "CB", 4, false);
    for (const auto& c : counts) {
      rows += ' ';
      const bool has = c.field < set_in.size() && set_in[c.field] == i;
      put(rows, has ? number(value_of[c.field]) : std::string_view(), 6, true);
    }
    rows += '\n';
  }
  std::fwrite(rows.data(), 1, rows.size(), stdout);
  if (result.records.size() > kShown) fmt::print("… và {} tổ chức nữa\n", result.records.size() - kShown);
  line = pad("", 6) + " " + pad("Cộng", kName) + " " + pad("", 4);
  for (const auto& c : counts) {
    const auto it = result.totals.counts.find(l.fields[c.field]);
    line += " " + pad(it != result.totals.counts.end() ? fmt::format("{:.0f}", it->second) : "", 6, true);
  }
  fmt::print("{}\n", line);
  fmt::print("Cộng: {} tổ chức cơ sở đảng ({} đảng bộ, {} chi bộ)\n", result.totals.records,
             result.totals.party_committees, result.totals.records - result.totals.party_committees);
}

}  // namespace

int check_file(const Options& options) {
  if (!options.file || !options.district || !options.period) {
    // Which one is missing, by name (care, issue 16).
    std::string missing;
    if (!options.file) missing += "FILE";
    if (!options.district) missing += std::string(missing.empty() ? "" : ", ") + "--district D";
    if (!options.period) missing += std::string(missing.empty() ? "" : ", ") + "--period P";
    fmt::print(stderr, "tonghopd: check needs {} (missing: {})\n{}", "FILE --district D --period P", missing, usage());
    return 2;
  }
  // Configuration problems are usage errors here: exit 2, as for a bad argument.
  // check reads and never writes: the exporters, named so by the build
  // (tonghop-export-*.so), are not loaded (the PDF one alone brings some forty
  // libraries, most of check's start on a small file). Should no importer
  // take the file without them, every plugin is loaded and it is tried again:
  // an importer named against the convention is still found then (not when
  // another importer takes the file first; the daemon loads them all).
  bool skipped = false;
  auto setup = offline(options, [&skipped](const std::filesystem::path& file) {
    const bool exporter = file.filename().string().starts_with("tonghop-export-");
    skipped = skipped || exporter;
    return !exporter;
  });
  if (!setup) {
    fmt::print(stderr, "tonghopd: {}\n", setup.error());
    return 2;
  }
  const auto& n = setup->normalisation;
  const auto& catalogue = n->catalogue;
  const auto& registry = n->registry;
  const normalise::District* district = registry.find(*options.district);
  if (district == nullptr) {
    std::string known;
    for (const auto& d : registry.districts) known += (known.empty() ? "" : ", ") + d.name;
    fmt::print(stderr, "tonghopd: --district '{}' is not a district of {} ({})\n", *options.district, registry.province, known);
    return 2;
  }
  const auto period = normalise::parse_period(*options.period);
  if (!period) {
    fmt::print(stderr, "tonghopd: --period '{}' is not a period (2018, 2018-H1, 2018-Q3, 2018-09)\n", *options.period);
    return 2;
  }
  const InputFile in(*options.file);
  if (!in.is_open()) {
    std::error_code ec;
    fmt::print(stderr, "tonghopd: cannot read FILE {}{}\n", *options.file,
               std::filesystem::path(*options.file).is_relative()
                   ? fmt::format(" (relative to {})", std::filesystem::current_path(ec).string())
                   : "");
    return 2;
  }
  const std::string filename = std::filesystem::path(*options.file).filename().string();

  const std::string_view bytes = in.bytes();
  auto examined =
      ingest::examine(*setup->plugins, *n, setup->config.limits, {district->name, *period, filename, bytes, ""});
  if (examined.status == 415 && skipped) {
    setup->plugins = load_plugins_quietly(setup->config);
    examined = ingest::examine(*setup->plugins, *n, setup->config.limits, {district->name, *period, filename, bytes, ""});
  }
  // Grown or rewritten while it was read (cut short, it faulted: InputFile).
  if (in.changed()) {
    std::fputs(in.changed_message().c_str(), stderr);
    return 2;
  }
  const normalise::Normalised& result = examined.result;
  const std::string& plugin_name = examined.plugin;
  const std::string& format = examined.format;

  if (options.format == "json") {
    // Streamed: the head, the records written as they are read from their
    // compact form (a million of them never make a JSON tree or one string),
    // then the rest. The same keys in the same order as before.
    auto put = [](std::string_view s) { std::fwrite(s.data(), 1, s.size(), stdout); };
    json::object head;
    head["file"] = filename;
    head["district"] = district->name;
    head["period"] = *period;
    if (!format.empty()) head["format"] = format;
    if (!plugin_name.empty()) head["plugin"] = plugin_name;
    head["accepted"] = result.accepted();
    std::string text = json::serialize(head);
    text.back() = ',';  // the object goes on
    text += "\"records\":";
    put(text);
    normalise::write_records_json(result.records, catalogue, put);
    json::object tail;
    if (!result.records.layout().fields.empty()) tail["coverage"] = api::coverage_json(result.records.layout());
    json::array errors, warnings;
    for (const auto& e : result.errors) errors.push_back(api::issue_json(e));
    for (const auto& w : result.warnings) warnings.push_back(api::issue_json(w));
    tail["errors"] = std::move(errors);
    tail["warnings"] = std::move(warnings);
    text = json::serialize(tail);
    text.front() = ',';
    text += '\n';
    put(text);
    std::fflush(stdout);
  } else {
    fmt::print("{}: {} {}, {} ({})\n", filename, district->name, *period, result.accepted() ? "ACCEPTED" : "REFUSED",
               plugin_name.empty() ? "no importer" : plugin_name);
    fmt::print("{} organisations read / đọc được {} tổ chức cơ sở đảng\n", result.records.size(), result.records.size());
    print_reading(result, catalogue);
    if (!result.errors.empty() || !result.warnings.empty()) fmt::print("\n");
    for (const auto& e : result.errors)
      fmt::print("error   [{}] {}{}\n", e.code, e.message,
                 place_text(e.where).empty() ? "" : "  (" + place_text(e.where) + ")");
    for (const auto& w : result.warnings)
      fmt::print("warning [{}] {}{}\n", w.code, w.message,
                 place_text(w.where).empty() ? "" : "  (" + place_text(w.where) + ")");
  }
  return result.accepted() ? 0 : 1;
}

}  // namespace tonghop::app
