#include "normalise/catalogue.hpp"

#include <algorithm>
#include <cstring>
#include <deque>

#include <fnmatch.h>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "normalise/text.hpp"

namespace tonghop::normalise {

namespace {

std::set<std::string> folded_list(const toml::node_view<const toml::node>& node) {
  std::set<std::string> out;
  if (const auto* arr = node.as_array())
    for (const auto& v : *arr)
      if (auto s = v.value<std::string>()) out.insert(fold(*s));
  return out;
}

Expected<toml::table> parse_file(const std::filesystem::path& file) {
  try {
    return toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    return make_error(fmt::format("{}:{}: {}", file.string(), e.source().begin.line, e.description()));
  }
}

std::vector<std::string> split_words(std::string_view folded) {
  std::vector<std::string> w;
  std::size_t i = 0;
  while (i < folded.size()) {
    const auto j = folded.find(' ', i);
    const auto end = j == std::string_view::npos ? folded.size() : j;
    if (end > i) w.emplace_back(folded.substr(i, end - i));
    i = end + 1;
  }
  return w;
}

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

std::string bag_of(std::vector<std::string> words) {
  std::sort(words.begin(), words.end());
  return join(words);
}

// An English plural made singular: "members" -> "member", "minorities" ->
// "minority". Vietnamese syllables never end in s.
std::string singular(const std::string& w) {
  if (w.size() >= 5 && w.ends_with("ies")) return w.substr(0, w.size() - 3) + "y";
  if (w.size() >= 4 && w.back() == 's' && w[w.size() - 2] != 's') return w.substr(0, w.size() - 1);
  return w;
}

std::set<std::string> canonical_list(const Vocabulary& v, const std::set<std::string>& folded) {
  std::set<std::string> out;
  for (const auto& f : folded)
    if (std::string k = v.canonical_text(f); !k.empty()) out.insert(std::move(k));
  return out;
}

// Prefixes people put before a district's name.
const char* const kPrefixes[] = {"huyen uy ", "dang bo huyen ", "ban thuong vu huyen uy ", "huyen ", "h ",
                                 "ubnd huyen ", "thanh uy ", "dang bo thanh pho ", "thanh pho ", "tp "};

}  // namespace

const Field* Catalogue::field(const std::string& id) const {
  for (const auto& f : fields)
    if (f.id == id) return &f;
  return nullptr;
}

std::vector<std::string> Catalogue::count_ids() const {
  std::vector<std::string> out;
  for (const auto& f : fields)
    if (f.is_count) out.push_back(f.id);
  return out;
}

void Vocabulary::index() {
  opens.clear();
  says.clear();
  for (const auto& [key, words] : phrases) {
    const std::size_t n = static_cast<std::size_t>(std::count(key.begin(), key.end(), ' ')) + 1;
    const std::string first = key.substr(0, key.find(' '));
    auto [it, added] = opens.try_emplace(first, n);
    if (!added) it->second = std::max(it->second, n);
    // A word that says nothing ("số") goes wherever it came from: "DTTS" spelt
    // out reads as "dân tộc thiểu số" written in full.
    std::string said;
    for (const auto& w : words) {
      const auto silent = phrases.find(w);
      if (silent != phrases.end() && silent->second.empty()) continue;
      (said += said.empty() ? "" : " ") += w;
    }
    says.emplace(key, std::move(said));
  }
}

namespace {

// The words of a folded text, each made singular unless the vocabulary knows
// it as it is; at most 64 (more: `whole` set, the text compared as written).
// Views into `folded`, or into `made` for a word made singular.
struct Words {
  std::vector<std::string_view> words;
  std::deque<std::string> made;
  bool whole = false;
};

Words words_of(const Vocabulary& v, std::string_view folded) {
  Words out;
  for (std::size_t i = 0; i < folded.size();) {
    const auto j = folded.find(' ', i);
    const auto end = j == std::string_view::npos ? folded.size() : j;
    if (end > i) out.words.push_back(folded.substr(i, end - i));
    i = end + 1;
  }
  if (out.words.size() > 64) {
    out.whole = true;
    return out;
  }
  for (auto& w : out.words) {
    // singular() changes only a word of 4 letters or more ending in one 's'.
    if (w.size() < 4 || w.back() != 's' || w[w.size() - 2] == 's' || v.known.contains(w)) continue;
    w = out.made.emplace_back(singular(std::string(w)));
  }
  return out;
}

// Vocabulary::canonical's words, each given to `put` (a view that lives until put returns).
template <class Put>
void canonical_words(const Vocabulary& v, std::string_view folded, Put&& put) {
  Words in = words_of(v, folded);
  if (in.whole) {
    for (const auto w : in.words) put(w);
    return;
  }
  const auto& words = in.words;
  // Without an index (phrases set by hand): every phrase length is tried.
  const bool indexed = !v.opens.empty() || v.phrases.empty();
  std::string key;
  std::size_t i = 0;
  while (i < words.size()) {
    std::size_t most = std::min(v.longest, words.size() - i);
    if (indexed) {
      const auto o = v.opens.find(words[i]);
      most = o == v.opens.end() ? 0 : std::min(o->second, most);
    }
    bool found = false;
    // The longest phrase at the word; a phrase's key is its words joined by one space.
    for (std::size_t n = most; n >= 1 && !found; --n) {
      key.assign(words[i]);
      for (std::size_t j = i + 1; j < i + n; ++j) (key += ' ') += words[j];
      if (indexed) {
        const auto it = v.says.find(key);
        if (it == v.says.end()) continue;
        const std::string_view said = it->second;
        for (std::size_t a = 0; a < said.size();) {
          const auto b = std::min(said.find(' ', a), said.size());
          put(said.substr(a, b - a));
          a = b + 1;
        }
      } else {
        const auto it = v.phrases.find(key);
        if (it == v.phrases.end()) continue;
        for (const auto& w : it->second) {
          const auto silent = v.phrases.find(w);
          if (silent == v.phrases.end() || !silent->second.empty()) put(w);
        }
      }
      i += n;
      found = true;
    }
    // A word no phrase starts is no phrase itself: it says something.
    if (!found) put(words[i++]);
  }
}

}  // namespace

std::vector<std::string> Vocabulary::canonical(std::string_view folded) const {
  std::vector<std::string> out;
  canonical_words(*this, folded, [&](std::string_view w) { out.emplace_back(w); });
  return out;
}

std::string Vocabulary::canonical_text(std::string_view folded) const {
  std::string out;
  out.reserve(folded.size());
  canonical_words(*this, folded, [&](std::string_view w) { (out += out.empty() ? "" : " ") += w; });
  return out;
}

namespace {

// The key of a group over a sub-header in Catalogue::Index.
std::string pair_key(std::string_view group, std::string_view sub) {
  std::string k;
  k.reserve(group.size() + 1 + sub.size());
  return ((k += group) += '\0') += sub;
}

}  // namespace

const Field* Catalogue::match_flat(const std::string& folded) const {
  if (folded.empty()) return nullptr;
  if (const auto it = index.synonym.find(folded); it != index.synonym.end()) return &fields[it->second];
  const std::string key = vocabulary.canonical_text(folded);
  if (key.empty()) return nullptr;
  if (const auto it = index.key.find(key); it != index.key.end()) return &fields[it->second];
  // In any order: the words sorted, joined by one space.
  std::vector<std::string_view> words;
  for (std::size_t a = 0; a < key.size();) {
    const auto b = std::min(key.find(' ', a), key.size());
    words.push_back(std::string_view(key).substr(a, b - a));
    a = b + 1;
  }
  std::sort(words.begin(), words.end());
  std::string bag;
  bag.reserve(key.size());
  for (const auto w : words) (bag += bag.empty() ? "" : " ") += w;
  if (const auto it = bags.find(bag); it != bags.end() && it->second.size() == 1) return &fields[it->second.front()];
  return nullptr;
}

const Field* Catalogue::match(const std::string& group, const std::string& sub) const {
  if (!group.empty() && !sub.empty()) {
    if (const auto it = index.group_sub.find(pair_key(group, sub)); it != index.group_sub.end())
      return &fields[it->second];
    const std::string g = vocabulary.canonical_text(group), s = vocabulary.canonical_text(sub);
    if (!g.empty() && !s.empty())
      if (const auto it = index.key_group_sub.find(pair_key(g, s)); it != index.key_group_sub.end())
        return &fields[it->second];
    if (const Field* f = match_flat(group + " " + sub)) return f;
  }
  if (sub.empty()) return match_flat(group);
  if (group.empty()) return match_flat(sub);
  return nullptr;
}

std::optional<std::string> Catalogue::rating(std::string_view text) const {
  const std::string f = fold(text);
  for (const auto& [id, words] : ratings)
    if (words.contains(f)) return id;
  return std::nullopt;
}

std::optional<std::string> Catalogue::org_kind(std::string_view text) const {
  const std::string f = fold(text);
  for (const auto& [id, words] : org_kinds)
    if (words.contains(f)) return id;
  return std::nullopt;
}

std::string Catalogue::sector_from_name(std::string_view name) const { return std::string(sector_from_folded(fold(name))); }

std::string_view Catalogue::sector_from_folded(std::string_view f) const {
  // Word by word: the first word that starts a keyword decides, by its
  // longest keyword there (then the sectors' order). One lookup per word.
  thread_local std::vector<std::string_view> words_of;  // views into f: no copies, nor an allocation, per record
  words_of.clear();
  for (std::size_t i = 0; i < f.size();) {
    const auto j = f.find(' ', i);
    const auto end = j == std::string_view::npos ? f.size() : j;
    if (end > i) words_of.push_back(f.substr(i, end - i));
    i = end + 1;
  }
  for (std::size_t i = 0; i < words_of.size(); ++i) {
    const auto it = sector_keywords.find(words_of[i]);
    if (it == sector_keywords.end()) continue;
    std::size_t best_len = 0, best = sectors.size();
    for (const auto& [keyword, sector] : it->second) {
      if (keyword.size() > words_of.size() - i) continue;
      // One that cannot beat the best so far is not compared.
      if (keyword.size() < best_len || (keyword.size() == best_len && sector >= best)) continue;
      // Its first word is this word (the map's key): the rest compared.
      if (keyword.empty() || !std::equal(keyword.begin() + 1, keyword.end(), words_of.begin() + static_cast<std::ptrdiff_t>(i) + 1))
        continue;
      if (keyword.size() > best_len || (keyword.size() == best_len && sector < best)) {
        best_len = keyword.size();
        best = sector;
      }
    }
    if (best < sectors.size()) return sectors[best].first;
  }
  return "other";
}

const District* Registry::find(std::string_view text) const {
  std::string f = fold(text);
  for (const auto& d : districts)
    if (d.keys.contains(f)) return &d;
  for (const char* prefix : kPrefixes)
    if (f.rfind(prefix, 0) == 0) {
      const std::string rest = f.substr(std::strlen(prefix));
      for (const auto& d : districts)
        if (d.keys.contains(rest)) return &d;
    }
  return nullptr;
}

const District* Registry::find_in(std::string_view text) const {
  const std::string f = " " + fold(text) + " ";
  const District* best = nullptr;
  std::size_t best_len = 0;
  for (const auto& d : districts)
    for (const auto& k : d.keys)
      if (k.size() > best_len && f.find(" " + k + " ") != std::string::npos) {
        best = &d;
        best_len = k.size();
      }
  return best;
}

Expected<Catalogue> load_catalogue(const std::filesystem::path& file) {
  auto parsed = parse_file(file);
  if (!parsed) return make_error(parsed.error());
  const toml::table& t = *parsed;
  Catalogue c;
  const auto* fields = t["fields"].as_table();
  if (fields == nullptr) return make_error(fmt::format("{}: no [fields]", file.string()));
  // The canonical order is the file's order.
  std::vector<std::pair<std::int64_t, std::string>> order;
  for (const auto& [k, v] : *fields) order.emplace_back(v.source().begin.line, std::string(k.str()));
  std::sort(order.begin(), order.end());
  for (const auto& [line, id] : order) {
    const auto node = (*fields)[id];
    Field f;
    f.id = id;
    f.label = node["label"].value_or(id);
    f.is_count = node["kind"].value_or(std::string("count")) == "count";
    f.synonyms = folded_list(node["synonyms"]);
    f.synonyms.insert(fold(id));
    f.synonyms.insert(fold(f.label));
    f.groups = folded_list(node["groups"]);
    f.subs = folded_list(node["subs"]);
    c.fields.push_back(std::move(f));
  }
  if (const auto* words = t["words"].as_table())
    for (const auto& [k, v] : *words) {
      const auto text = v.value<std::string>();
      if (!text) return make_error(fmt::format("{}: [words] '{}' is not a text", file.string(), k.str()));
      auto from = split_words(fold(k.str()));
      if (from.empty()) return make_error(fmt::format("{}: [words] '{}' has no letters", file.string(), k.str()));
      c.vocabulary.longest = std::max(c.vocabulary.longest, from.size());
      c.vocabulary.known.insert(from.begin(), from.end());
      c.vocabulary.phrases[join(from)] = split_words(fold(*text));
    }
  c.vocabulary.index();
  for (std::size_t i = 0; i < c.fields.size(); ++i) {
    Field& f = c.fields[i];
    f.keys = canonical_list(c.vocabulary, f.synonyms);
    f.key_groups = canonical_list(c.vocabulary, f.groups);
    f.key_subs = canonical_list(c.vocabulary, f.subs);
    std::set<std::string> bags;
    for (const auto& k : f.keys) bags.insert(bag_of(split_words(k)));
    for (const auto& b : bags) c.bags[b].push_back(i);
    // The first field in order holding a text keeps it (try_emplace).
    for (const auto& text : f.synonyms) c.index.synonym.try_emplace(text, i);
    for (const auto& text : f.keys) c.index.key.try_emplace(text, i);
    for (const auto& g : f.groups)
      for (const auto& s : f.subs) c.index.group_sub.try_emplace(pair_key(g, s), i);
    for (const auto& g : f.key_groups)
      for (const auto& s : f.key_subs) c.index.key_group_sub.try_emplace(pair_key(g, s), i);
  }
  c.ignored = folded_list(t["table"]["ignored"]);
  c.total_labels = folded_list(t["table"]["total_labels"]);
  for (const auto& m : folded_list(t["table"]["end_markers"])) c.end_markers.push_back(m);
  c.connectors = folded_list(t["table"]["connectors"]);
  if (c.total_labels.empty()) return make_error(fmt::format("{}: [table] total_labels is empty", file.string()));
  for (const char* r : {"excellent", "good", "completed", "not_completed"})
    c.ratings.emplace_back(r, folded_list(t["ratings"][r]));
  for (const char* k : {"party_committee", "party_cell"}) c.org_kinds.emplace_back(k, folded_list(t["org_kinds"][k]));
  if (const auto* order_arr = t["sectors"]["order"].as_array())
    for (const auto& s : *order_arr)
      if (auto id = s.value<std::string>()) {
        const auto words = folded_list(t["sectors"][*id]);
        c.sectors.emplace_back(*id, std::vector<std::string>(words.begin(), words.end()));
        for (const auto& k : words)
          if (auto kw = split_words(k); !kw.empty()) {
            const std::string first = kw.front();
            c.sector_keywords[first].emplace_back(std::move(kw), c.sectors.size() - 1);
          }
      }
  if (const auto* rules = t["rules"].as_array())
    for (const auto& r : *rules) {
      const auto* rt = r.as_table();
      if (rt == nullptr) continue;
      Rule rule;
      const std::string kind = (*rt)["kind"].value_or(std::string());
      if (kind == "at_most") rule.kind = Rule::Kind::at_most;
      else if (kind == "sum_at_most") rule.kind = Rule::Kind::sum_at_most;
      else if (kind == "sum_equals") rule.kind = Rule::Kind::sum_equals;
      else if (kind == "sum_equals_when_all") rule.kind = Rule::Kind::sum_equals_when_all;
      else return make_error(fmt::format("{}:{}: unknown rule kind '{}'", file.string(), r.source().begin.line, kind));
      if (const auto* parts = (*rt)["parts"].as_array())
        for (const auto& p : *parts) rule.parts.push_back(p.value_or(std::string()));
      rule.whole = (*rt)["whole"].value_or(std::string());
      for (const auto& id : rule.parts)
        if (!c.field(id)) return make_error(fmt::format("{}: rule names unknown field '{}'", file.string(), id));
      if (!c.field(rule.whole))
        return make_error(fmt::format("{}: rule names unknown field '{}'", file.string(), rule.whole));
      c.rules.push_back(std::move(rule));
    }
  if (const auto* groups = t["report"]["groups"].as_array())
    for (const auto& g : *groups) {
      Catalogue::ReportGroup group;
      group.label = g.as_table() ? (*g.as_table())["label"].value_or(std::string()) : std::string();
      if (const auto* ids = g.as_table() ? (*g.as_table())["fields"].as_array() : nullptr)
        for (const auto& f : *ids) group.fields.push_back(f.value_or(std::string()));
      c.report_groups.push_back(std::move(group));
    }
  if (const auto* labels = t["report"]["labels"].as_table())
    for (const auto& [k, v] : *labels) c.report_labels[std::string(k.str())] = v.value_or(std::string());
  if (const auto* tables = t["report"]["tables"].as_array())  // issue 15: the printed tables
    for (const auto& node : *tables) {
      Catalogue::ReportTable table;
      const auto* tt = node.as_table();
      if (tt != nullptr) table.title = (*tt)["title"].value_or(std::string());
      if (const auto* gs = tt ? (*tt)["groups"].as_array() : nullptr)
        for (const auto& g : *gs) table.groups.push_back(g.value_or(std::string()));
      if (table.title.empty() || table.groups.empty())
        return make_error(fmt::format("{}: a [[report.tables]] needs a title and groups", file.string()));
      for (const auto& label : table.groups) {
        if (std::none_of(c.report_groups.begin(), c.report_groups.end(),
                         [&](const Catalogue::ReportGroup& g) { return g.label == label; }))
          return make_error(fmt::format("{}: report table '{}' names no group '{}'", file.string(), table.title, label));
        for (const auto& other : c.report_tables)
          if (std::find(other.groups.begin(), other.groups.end(), label) != other.groups.end())
            return make_error(fmt::format("{}: group '{}' is in two report tables", file.string(), label));
      }
      c.report_tables.push_back(std::move(table));
    }
  if (const auto* names = t["report"]["names"].as_table())
    for (const auto& [k, v] : *names) c.report_names[std::string(k.str())] = v.value_or(std::string());
  c.report_title = t["report"]["title"].value_or(std::string("BÁO CÁO TỔNG HỢP"));
  c.report_issuer = t["report"]["issuer"].value_or(std::string());
  c.admitted_share_above = t["warnings"]["admitted_share_above"].value_or(30.0);
  c.members_change_above = t["warnings"]["members_change_above"].value_or(50.0);
  return c;
}

Expected<Registry> load_registry(const std::filesystem::path& file) {
  auto parsed = parse_file(file);
  if (!parsed) return make_error(parsed.error());
  const toml::table& t = *parsed;
  Registry r;
  r.province = t["province"].value_or(std::string());
  r.issuing_body = t["issuing_body"].value_or(std::string());
  r.place = t["place"].value_or(r.province);
  if (const auto* ds = t["districts"].as_array())
    for (const auto& d : *ds) {
      District district;
      district.name = d.as_table() ? (*d.as_table())["name"].value_or(std::string()) : std::string();
      if (district.name.empty()) return make_error(fmt::format("{}: a district has no name", file.string()));
      district.keys = folded_list((*d.as_table())["aliases"]);
      district.keys.insert(fold(district.name));
      r.districts.push_back(std::move(district));
    }
  if (r.province.empty() || r.districts.empty())
    return make_error(fmt::format("{}: a registry needs a province and its districts", file.string()));
  return r;
}

bool Profile::applies(const std::string& district, const std::string& file) const {
  if (!districts.empty() && !districts.count(district)) return false;
  if (!filename.empty() && fnmatch(filename.c_str(), file.c_str(), FNM_CASEFOLD) != 0) return false;
  return true;
}

Expected<std::vector<Profile>> load_profiles(const std::filesystem::path& dir, const Catalogue& catalogue,
                                             const Registry& registry) {
  std::vector<Profile> out;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return out;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    if (e.path().extension() == ".toml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    auto parsed = parse_file(file);
    if (!parsed) return make_error(parsed.error());
    const toml::table& t = *parsed;
    Profile p;
    p.name = file.stem().string();
    if (const auto* ds = t["districts"].as_array())
      for (const auto& d : *ds) {
        const District* found = registry.find(d.value_or(std::string()));
        if (found == nullptr)
          return make_error(fmt::format("{}: '{}' is not a district of the registry", file.string(), d.value_or(std::string())));
        p.districts.insert(found->name);
      }
    p.filename = t["filename"].value_or(std::string());
    p.sheet = t["sheet"].value_or(std::string());
    p.header_row = static_cast<std::uint32_t>(t["header_row"].value_or(0));
    p.header_rows = static_cast<std::uint32_t>(t["header_rows"].value_or(1));
    if (p.header_rows < 1 || p.header_rows > 4)
      return make_error(fmt::format("{}: header_rows is 1 to 4", file.string()));
    if (const auto* h = t["headers"].as_table())
      for (const auto& [k, v] : *h) {
        const std::string id = v.value_or(std::string());
        if (id != "ignore" && !catalogue.field(id))  // "ignore": the column is left out quietly
          return make_error(fmt::format("{}: header '{}' maps to unknown field '{}'", file.string(), k.str(), id));
        p.headers[fold(k.str())] = id;
      }
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace tonghop::normalise
