// Header finding: which rows of a sheet are the header (one to four), and
// which field each column under it names. A column is named by the path of
// the texts above it, top to bottom ("Đảng viên / Trong đó / Nữ"): a group
// merged over sub-headers covers each of them, a connector ("Trong đó",
// "Chia ra", "Gồm" …, alone or opening a cell: "Trong đó: Nữ") is left out of
// the path, and a breakdown with no group above it belongs to the column on
// its left ("Tổng số đảng viên", then "Trong đó: Nữ").
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "normalise/catalogue.hpp"
#include "normalise/grid.hpp"

namespace tonghop::normalise::detail {

inline constexpr std::uint32_t kMaxHeaderRows = 4;

struct Header {
  bool found = false;
  std::uint32_t top = 0;  // the first header row
  std::uint32_t row = 0;  // the last header row
  std::map<std::uint32_t, const Field*> columns;
  std::map<std::uint32_t, std::string> paths;  // every column with header text: "Đảng viên / Trong đó / Nữ"
  // Columns whose header matches no field (or a field another column has
  // already), the ones the catalogue ignores left out.
  std::vector<std::pair<std::uint32_t, std::string>> unmapped;
  std::vector<std::uint32_t> ignored;  // columns the catalogue says to leave out ("STT", "Ghi chú")
  // Of `unmapped`: a column whose header names a field an earlier column
  // already gave -> that earlier column (Table: an error for a count).
  std::map<std::uint32_t, std::uint32_t> repeats;
  int score = 0;

  std::uint32_t rows() const { return row - top + 1; }
  bool has(std::string_view id) const {
    return std::any_of(columns.begin(), columns.end(), [&](const auto& kv) { return kv.second->id == id; });
  }
  bool valid() const { return found && score >= 3 && has("org_name"); }
  bool same_as(const Header& o) const {
    return found == o.found && row == o.row && top == o.top && columns == o.columns && unmapped == o.unmapped &&
           score == o.score;
  }
  // The header chosen over all sheets: a table before a near miss, then the
  // most fields named, then fewer columns left unnamed.
  bool better_than(const Header& best) const {
    if (!found) return false;
    if (!best.found) return true;
    if (valid() != best.valid()) return valid();
    if (score != best.score) return score > best.score;
    return unmapped.size() < best.unmapped.size();
  }
};

// The header whose rows are top..r.
Header read_header(const Grid& g, std::uint32_t top, std::uint32_t r, const Catalogue& cat, const Profile* profile);

// The best header among a sheet's first 60 rows.
Header find_header(const Grid& g, const Catalogue& cat, const Profile* profile);

// A header text without the connector that opens it: "Trong đó: Nữ" -> "Nữ";
// "Trong đó" alone -> "" (and `was` set either way).
std::string_view without_connector(std::string_view text, const Catalogue& cat, bool& was);

// Folded text without the connector that opens it: "trong do nu" -> "nu", "trong do" -> "".
std::string drop_connector(std::string folded, const Catalogue& cat);

// What a profile says of a path of folded header texts (the Board's
// mappings are merged into the profile, ingest::examine): the field id, or
// "ignore" (the column or key is left out quietly); nullptr when it says
// nothing. Tried as the whole path, its last two texts, then the last.
const std::string* profile_field(const std::vector<std::string>& folds, const Catalogue& cat, const Profile* profile);

// The field a path of folded header texts names (connectors already out),
// `parent`: the field of the column a breakdown belongs to, when known.
const Field* match_path(const std::vector<std::string>& folds, const Catalogue& cat, const Profile* profile,
                        const Field* parent);

}  // namespace tonghop::normalise::detail
