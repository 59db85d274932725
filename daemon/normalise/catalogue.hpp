// The catalogue (config/indicators.toml) and the unit registry
// (config/units/<province>.toml), loaded once and read by the normaliser.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/expected.hpp"

namespace tonghop::normalise {

struct Field {
  std::string id;
  std::string label;
  bool is_count = true;
  std::set<std::string> synonyms;  // folded
  std::set<std::string> groups;    // folded
  std::set<std::string> subs;      // folded
  // The same in the catalogue's own words (Vocabulary::canonical), joined by spaces.
  std::set<std::string> keys, key_groups, key_subs;
};

// A hash of texts that also takes a string_view (heterogeneous lookup).
struct TextHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
template <class V>
using TextMap = std::unordered_map<std::string, V, TextHash, std::equal_to<>>;
using TextSet = std::unordered_set<std::string, TextHash, std::equal_to<>>;

// The words of headers and keys as districts write them ([words] in
// indicators.toml): abbreviations ("ĐV", "KN", "DTTS"), English ("female",
// "new members") and fillers ("số", "trong đó", "number of") onto the words the
// synonyms use. A province adds a word there, without recompiling.
struct Vocabulary {
  // Folded words, joined by one space ("so luong") -> folded words. Words
  // hold no space, so the joined text names one phrase.
  TextMap<std::vector<std::string>> phrases;
  TextSet known;  // every word of a phrase, kept as it is (not made singular)
  std::size_t longest = 1;

  // Made by index() from the phrases above, so that canonical looks a phrase
  // up only where one starts, and allocates nothing per word: a phrase's
  // first word -> the most words of a phrase it opens; a phrase -> what it
  // says, joined by one space, the words that say nothing left out.
  TextMap<std::size_t> opens;
  TextMap<std::string> says;

  // Builds opens and says (load_catalogue calls it; call it again after changing phrases).
  void index();
  // A folded text in the catalogue's words: "female members" -> (nu, dang, vien);
  // "so dv" -> (dang, vien); plurals singular ("cells" -> "cell" first).
  std::vector<std::string> canonical(std::string_view folded) const;
  // The same words joined by one space: "female members" -> "nu dang vien".
  std::string canonical_text(std::string_view folded) const;
};

struct Rule {
  enum class Kind { at_most, sum_at_most, sum_equals, sum_equals_when_all } kind = Kind::at_most;
  std::vector<std::string> parts;
  std::string whole;
};

struct Catalogue {
  std::vector<Field> fields;  // in the order of the canonical record
  std::set<std::string> ignored, total_labels;
  std::vector<std::string> end_markers;                        // folded
  std::set<std::string> connectors;  // folded: "trong do", "chia ra" … (a breakdown, not a name)
  std::vector<std::pair<std::string, std::set<std::string>>> ratings;  // rating -> folded words
  std::vector<std::pair<std::string, std::set<std::string>>> org_kinds;
  std::vector<std::pair<std::string, std::vector<std::string>>> sectors;  // in order; folded keywords
  Vocabulary vocabulary;
  // Canonical synonyms: words in any order (sorted, joined) -> the fields
  // that have them (a match needs exactly one).
  TextMap<std::vector<std::size_t>> bags;
  // What match and match_flat look up, made by load_catalogue from the
  // fields' sets above (each text -> the first field, in the canonical
  // order, whose set holds it): one hash lookup where a match went through
  // every field's sets. A group and its sub-header are one key, joined by
  // '\0' (no folded text holds one).
  struct Index {
    TextMap<std::size_t> synonym, key, group_sub, key_group_sub;
  } index;
  // The sector keywords by their first word: (the keyword's words, its sector's index in `sectors`).
  using WordHash = TextHash;
  TextMap<std::vector<std::pair<std::vector<std::string>, std::size_t>>> sector_keywords;
  std::vector<Rule> rules;
  // The report's column groups and labels ([report] in indicators.toml).
  struct ReportGroup {
    std::string label;
    std::vector<std::string> fields;
  };
  std::vector<ReportGroup> report_groups;
  std::map<std::string, std::string> report_labels;
  std::string report_title, report_issuer;
  // The tables (Biểu) the report is printed in: groups by label ([[report.tables]]).
  struct ReportTable {
    std::string title;
    std::vector<std::string> groups;
  };
  std::vector<ReportTable> report_tables;
  // What a reader sees for a code of the records or a warning ([report.names]).
  std::map<std::string, std::string> report_names;

  double admitted_share_above = 30;
  double members_change_above = 50;

  const Field* field(const std::string& id) const;
  std::vector<std::string> count_ids() const;
  // The field a header names: flat text, or a group over a sub-header. Tried
  // as written, then in the catalogue's words in order, then in any order.
  const Field* match(const std::string& folded_group, const std::string& folded_sub) const;
  const Field* match_flat(const std::string& folded) const;
  std::optional<std::string> rating(std::string_view text) const;
  std::optional<std::string> org_kind(std::string_view text) const;
  // The sector from whole words of the name: the keyword found first (the
  // longest there; then the sectors' order) decides. "Phòng Tài nguyên và
  // Môi trường" is an agency: "phòng" comes before "trường".
  std::string sector_from_name(std::string_view name) const;
  std::string_view sector_from_folded(std::string_view folded_name) const;  // lives as long as the catalogue
};

struct District {
  std::string name;
  std::set<std::string> keys;  // folded name and aliases
};

struct Registry {
  std::string province;
  std::string issuing_body;
  std::string place;
  std::vector<District> districts;  // in the province's order

  // "Huyện ủy Than Uyên", "H. Than Uyên", "THAN UYEN" -> "Than Uyên".
  const District* find(std::string_view text) const;
  // A district named anywhere inside a longer text (a title row).
  const District* find_in(std::string_view text) const;
};

// A per-source override (config/profiles/*.toml) for what the automatic
// reading cannot decide: a header no synonym can guess, the sheet, the header
// rows. Chosen by district and file name.
struct Profile {
  std::string name;
  std::set<std::string> districts;  // canonical names it applies to; empty: any
  std::string filename;             // a glob ("*.xlsx", "bieu-01*"); empty: any
  std::string sheet;                // read only this sheet
  std::uint32_t header_row = 0;     // the last header row, as shown; 0: found automatically
  std::uint32_t header_rows = 1;    // 1 to 4: rows of groups above the last
  std::map<std::string, std::string> headers;  // folded header text -> field id

  bool applies(const std::string& district, const std::string& file) const;
};

Expected<Catalogue> load_catalogue(const std::filesystem::path& file);
// Every *.toml in `dir` (none when it does not exist). Names are checked
// against the registry and the catalogue.
Expected<std::vector<Profile>> load_profiles(const std::filesystem::path& dir, const Catalogue& catalogue,
                                             const Registry& registry);
Expected<Registry> load_registry(const std::filesystem::path& file);

}  // namespace tonghop::normalise
