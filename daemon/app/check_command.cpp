// `tonghopd check FILE --district D --period P [--format json|text]`: the
// whole import, normalisation and validation of one file, offline. What a
// district clerk runs before sending. Exit 0 accepted, 1 refused, 2 usage.
#include <cstdio>
#include <fstream>
#include <sstream>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "api/views.hpp"
#include "app/commands.hpp"
#include "app/context.hpp"
#include "app/setup.hpp"
#include "ingest/pipeline.hpp"
#include "normalise/normaliser.hpp"
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

}  // namespace

int check_file(const Options& options) {
  if (!options.file || !options.district || !options.period) {
    fmt::print(stderr, "tonghopd: check needs FILE, --district and --period\n{}", usage());
    return 2;
  }
  // Configuration problems are usage errors here: exit 2, as for a bad argument.
  auto setup = offline(options);
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
    fmt::print(stderr, "tonghopd: '{}' is not a district of {} ({})\n", *options.district, registry.province, known);
    return 2;
  }
  const auto period = normalise::parse_period(*options.period);
  if (!period) {
    fmt::print(stderr, "tonghopd: '{}' is not a period (2018, 2018-H1, 2018-Q3, 2018-09)\n", *options.period);
    return 2;
  }
  std::ifstream in(*options.file, std::ios::binary);
  if (!in) {
    fmt::print(stderr, "tonghopd: cannot read {}\n", *options.file);
    return 2;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string filename = std::filesystem::path(*options.file).filename().string();

  const std::string bytes = std::move(buffer).str();
  const auto examined =
      ingest::examine(*setup->plugins, *n, setup->config.limits, {district->name, *period, filename, bytes, ""});
  const normalise::Normalised& result = examined.result;
  const std::string& plugin_name = examined.plugin;
  const std::string& format = examined.format;

  if (options.format == "json") {
    json::object o;
    o["file"] = filename;
    o["district"] = district->name;
    o["period"] = *period;
    if (!format.empty()) o["format"] = format;
    if (!plugin_name.empty()) o["plugin"] = plugin_name;
    o["accepted"] = result.accepted();
    json::array records, errors, warnings;
    for (const auto& r : result.records) records.push_back(api::record_json(r, catalogue));
    for (const auto& e : result.errors) errors.push_back(api::issue_json(e));
    for (const auto& w : result.warnings) warnings.push_back(api::issue_json(w));
    o["records"] = std::move(records);
    o["errors"] = std::move(errors);
    o["warnings"] = std::move(warnings);
    fmt::print("{}\n", json::serialize(o));
  } else {
    fmt::print("{}: {} {}, {} ({})\n", filename, district->name, *period, result.accepted() ? "ACCEPTED" : "REFUSED",
               plugin_name.empty() ? "no importer" : plugin_name);
    fmt::print("{} organisations read\n", result.records.size());
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
