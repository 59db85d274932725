// `tonghopd mappings export [-o FILE] [--district D]` and `tonghopd mappings
// import FILE`: the Board's mappings (store/mappings.hpp) as a profile TOML
// for IT, and back. See docs/api.md, "Dry run and mappings".
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "api/mapping_rules.hpp"
#include "app/commands.hpp"
#include "app/context.hpp"
#include "app/setup.hpp"
#include "store/mappings.hpp"

namespace tonghop::app {

namespace {

// A TOML basic string.
std::string toml_string(std::string_view s) {
  std::string out = "\"";
  for (const unsigned char c : s) {
    if (c == '"' || c == '\\') out += '\\', out += static_cast<char>(c);
    else if (c < 0x20 || c == 0x7F) out += fmt::format("\\u{:04X}", c);
    else out += static_cast<char>(c);
  }
  return out + "\"";
}

std::string export_toml(const std::vector<store::Mapping>& all, const std::string& district) {
  std::ostringstream out;
  out << "# The Board's mappings, written by `tonghopd mappings export` on " << store::now_iso8601() << ".\n"
      << "# A profile (config/profiles/README.md): [headers] apply to "
      << (district.empty() ? "every district" : district) << ";\n"
      << "# [district_headers.\"<district>\"] are read back only by `tonghopd mappings import`.\n";
  if (!district.empty()) out << "districts = [" << toml_string(district) << "]\n";
  std::map<std::string, std::vector<const store::Mapping*>> by_district;
  for (const auto& m : all) by_district[m.district].push_back(&m);
  out << "\n[headers]\n";
  for (const auto* m : by_district[district.empty() ? std::string() : district])
    out << toml_string(m->header) << " = " << toml_string(m->field) << "\n";
  if (district.empty())
    for (const auto& [d, list] : by_district) {
      if (d.empty()) continue;
      out << "\n[district_headers." << toml_string(d) << "]\n";
      for (const auto* m : list) out << toml_string(m->header) << " = " << toml_string(m->field) << "\n";
    }
  return out.str();
}

struct Wanted {
  std::string district, header, field;
};

}  // namespace

int mappings_command(const Options& options) {
  auto cfg = resolve_config(options);
  if (!cfg) {
    fmt::print(stderr, "tonghopd: {}\n", cfg.error());
    return 2;
  }
  auto n = load_normalisation(*cfg);
  if (!n) {
    fmt::print(stderr, "tonghopd: {}\n", n.error());
    return 2;
  }
  std::string district;
  if (options.district) {
    const auto* d = (*n)->registry.find(*options.district);
    if (d == nullptr) {
      fmt::print(stderr, "tonghopd mappings: '{}' is not a district of {}\n", *options.district, (*n)->registry.province);
      return 2;
    }
    district = d->name;
  }
  auto store = store::Store::open(cfg->data_dir);
  if (!store) {
    fmt::print(stderr, "tonghopd: {}\n", store.error());
    return 2;
  }

  if (options.mappings_action == "export") {
    const std::string text = export_toml(store::list_mappings(**store, district), district);
    if (!options.output || *options.output == "-") {
      std::cout << text;
      return 0;
    }
    std::ofstream out(*options.output, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) {
      fmt::print(stderr, "tonghopd mappings: cannot write {}\n", *options.output);
      return 1;
    }
    return 0;
  }

  // import FILE
  toml::table t;
  try {
    t = toml::parse_file(*options.file);
  } catch (const toml::parse_error& e) {
    fmt::print(stderr, "tonghopd mappings: {}:{}: {}\n", *options.file, e.source().begin.line, e.description());
    return 1;
  }
  std::vector<Wanted> wanted;
  std::vector<std::string> for_headers;  // the districts [headers] is for ("" the province)
  if (const auto* ds = t["districts"].as_array()) {
    for (const auto& d : *ds) {
      const auto* found = (*n)->registry.find(d.value_or(std::string()));
      if (found == nullptr) {
        fmt::print(stderr, "tonghopd mappings: {}: '{}' is not a district of {}\n", *options.file,
                   d.value_or(std::string()), (*n)->registry.province);
        return 1;
      }
      for_headers.push_back(found->name);
    }
  }
  if (for_headers.empty()) for_headers.emplace_back();
  auto take = [&](const toml::table* headers, const std::string& d) {
    if (headers == nullptr) return true;
    for (const auto& [k, v] : *headers) {
      const auto field = v.value<std::string>();
      if (!field) {
        fmt::print(stderr, "tonghopd mappings: {}: header '{}' must map to a field id or \"ignore\"\n", *options.file,
                   k.str());
        return false;
      }
      wanted.push_back({d, std::string(k.str()), *field});
    }
    return true;
  };
  for (const auto& d : for_headers)
    if (!take(t["headers"].as_table(), d)) return 1;
  if (const auto* per = t["district_headers"].as_table())
    for (const auto& [name, headers] : *per) {
      const auto* found = (*n)->registry.find(name.str());
      if (found == nullptr) {
        fmt::print(stderr, "tonghopd mappings: {}: '{}' is not a district of {}\n", *options.file, name.str(),
                   (*n)->registry.province);
        return 1;
      }
      if (!take(headers.as_table(), found->name)) return 1;
    }

  // Every one checked as the API checks it, before any is added.
  std::vector<store::Mapping> checked;
  for (const auto& w : wanted) {
    std::vector<std::string> path;
    for (std::size_t start = 0; start <= w.header.size();) {
      std::size_t end = w.header.find(" / ", start);
      if (end == std::string::npos) end = w.header.size();
      path.push_back(w.header.substr(start, end - start));
      start = end + 3;
    }
    auto m = api::make_mapping(path, w.field, w.district, {}, (*n)->catalogue);
    if (auto* refusal = std::get_if<api::MappingRefusal>(&m)) {
      fmt::print(stderr, "tonghopd mappings: {}: '{}' = '{}': {} ({}); nothing was imported\n", *options.file, w.header,
                 w.field, refusal->message, refusal->code);
      return 1;
    }
    checked.push_back(std::get<store::Mapping>(std::move(m)));
  }
  std::size_t added = 0, kept = 0;
  for (const auto& m : checked) {
    auto r = store::add_mapping(**store, m, store::Actor{"cli", "cli"});
    if (!r && r.error() == store::kDuplicateMapping) {
      ++kept;
      fmt::print("already mapped for {}, left as it is: '{}'\n", m.district.empty() ? "the province" : m.district, m.header);
      continue;
    }
    if (!r) {
      fmt::print(stderr, "tonghopd mappings: {}\n", r.error());
      return 1;
    }
    ++added;
  }
  fmt::print("{}: {} mapping(s) imported, {} already there\n", *options.file, added, kept);
  return 0;
}

}  // namespace tonghop::app
