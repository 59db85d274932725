#include "forms/written.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <toml++/toml.h>

namespace tonghop::forms {

namespace {

template <class View>
std::vector<std::string> texts(const View& node) {
  std::vector<std::string> out;
  if (const auto* arr = node.as_array())
    for (const auto& v : *arr)
      if (auto s = v.template value<std::string>()) out.push_back(*s);
  return out;
}

}  // namespace

const WrittenField* Written::field(const std::string& id) const {
  for (const auto& f : fields)
    if (f.id == id) return &f;
  return nullptr;
}

std::string Written::display_name(const std::pair<std::string, std::vector<std::string>>& entry) {
  for (const auto& name : entry.second)
    if (name.find(' ') != std::string::npos) return name;
  return entry.second.empty() ? entry.first : entry.second.front();
}

Expected<Written> read_written(const std::filesystem::path& file) {
  toml::table t;
  try {
    t = toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    return make_error(fmt::format("{}:{}: {}", file.string(), e.source().begin.line, e.description()));
  }
  Written w;
  if (const auto* fields = t["fields"].as_table()) {
    // The file's order, as the normaliser takes it.
    std::vector<std::pair<std::int64_t, std::string>> order;
    for (const auto& [k, v] : *fields) order.emplace_back(v.source().begin.line, std::string(k.str()));
    std::sort(order.begin(), order.end());
    for (const auto& [line, id] : order) {
      const auto node = (*fields)[id];
      WrittenField f;
      f.id = id;
      f.label = node["label"].value_or(id);
      f.kind = node["kind"].value_or(std::string("count"));
      f.synonyms = texts(node["synonyms"]);
      f.groups = texts(node["groups"]);
      f.subs = texts(node["subs"]);
      w.fields.push_back(std::move(f));
    }
  }
  if (const auto* words = t["words"].as_table()) {
    // Also in the file's order.
    std::vector<std::tuple<std::int64_t, std::string, std::string>> order;
    for (const auto& [k, v] : *words)
      order.emplace_back(v.source().begin.line, std::string(k.str()), v.value_or(std::string()));
    std::sort(order.begin(), order.end());
    for (auto& [line, from, to] : order) w.words.emplace_back(std::move(from), std::move(to));
  }
  for (const char* r : {"excellent", "good", "completed", "not_completed"}) w.ratings.emplace_back(r, texts(t["ratings"][r]));
  for (const char* k : {"party_committee", "party_cell"}) w.kinds.emplace_back(k, texts(t["org_kinds"][k]));
  for (const auto& id : texts(t["sectors"]["order"])) w.sectors.emplace_back(id, texts(t["sectors"][id]));
  return w;
}

}  // namespace tonghop::forms
