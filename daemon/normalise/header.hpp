// Header finding: which row of a sheet is the header, and which field each
// column under it names.
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

struct Header {
  bool found = false;
  std::uint32_t row = 0;  // the last header row
  bool grouped = false;   // a group row above it
  std::map<std::uint32_t, const Field*> columns;
  std::vector<std::pair<std::uint32_t, std::string>> unmapped;
  int score = 0;

  bool valid() const {
    return found && score >= 3 &&
           std::any_of(columns.begin(), columns.end(), [](const auto& kv) { return kv.second->id == "org_name"; });
  }
  bool same_as(const Header& o) const {
    return found == o.found && row == o.row && grouped == o.grouped && columns == o.columns && unmapped == o.unmapped &&
           score == o.score;
  }
  // The header chosen over all sheets: the highest score, then a grouped one.
  bool better_than(const Header& best) const {
    return found && (!best.found || score > best.score || (score == best.score && grouped && !best.grouped && score > 0));
  }
};

// The header whose last row is r (and, grouped, the row above it as groups).
Header read_header(const Grid& g, std::uint32_t r, bool grouped, const Catalogue& cat, const Profile* profile);

// The best header among a sheet's first 60 rows.
Header find_header(const Grid& g, const Catalogue& cat, const Profile* profile);

}  // namespace tonghop::normalise::detail
