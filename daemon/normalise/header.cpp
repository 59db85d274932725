#include "normalise/header.hpp"

#include <set>
#include <string_view>

#include <fmt/format.h>

#include "normalise/builder.hpp"
#include "normalise/text.hpp"

namespace tonghop::normalise::detail {

namespace {

// A header that is only a column's number ("1", "12"), as forms number their columns.
bool is_column_number(std::string_view s) {
  return !s.empty() && s.size() <= 3 && std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

}  // namespace

Header read_header(const Grid& g, std::uint32_t r, bool grouped, const Catalogue& cat, const Profile* profile) {
  Header h;
  h.found = true;
  h.row = r;
  h.grouped = grouped;
  std::set<std::uint32_t> cols;
  for (const auto& c : *g.row(r)) cols.insert(c.column);
  if (grouped)
    if (const RowCells* above = g.row(r - 1))
      for (const auto& c : *above) cols.insert(c.column);
  for (const auto& m : g.merges())
    if (m.first_row <= r && m.last_row >= (grouped ? r - 1 : r))
      for (std::uint32_t c = m.first_column; c <= m.last_column && c - m.first_column < 16384; ++c) cols.insert(c);
  std::set<const Field*> seen;
  for (const std::uint32_t c : cols) {
    std::string_view group, sub;
    const auto* m = g.merge_at(r, c);
    const bool vertical = m != nullptr && m->first_row < r;  // a header merged down from above
    if (grouped) {
      group = g.shown(r - 1, c);
      sub = vertical ? std::string_view() : g.text(r, c);
    } else {
      sub = g.shown(r, c);
    }
    const std::string fg = fold(group), fs = fold(sub);
    if (fg.empty() && fs.empty()) continue;
    const Field* f = match_with(cat, profile, fg, fs);
    if (f == nullptr && grouped && !fs.empty()) f = cat.match_flat(fs);
    if (f != nullptr && !seen.count(f)) {
      h.columns[c] = f;
      seen.insert(f);
    } else if (f == nullptr) {
      const std::string shown = group.empty() ? std::string(sub)
                                              : (sub.empty() ? std::string(group) : fmt::format("{} / {}", group, sub));
      if (!cat.ignored.count(fs) && !cat.ignored.count(fg) && !is_column_number(fs))
        h.unmapped.emplace_back(c, shown);
    }
  }
  h.score = static_cast<int>(seen.size());
  return h;
}

// The best header among a sheet's first 60 rows.
Header find_header(const Grid& g, const Catalogue& cat, const Profile* profile) {
  Header best;
  int rows_seen = 0;
  for (const auto& [r, _] : g.rows()) {
    if (++rows_seen > 60) break;
    if (profile != nullptr && profile->header_row != 0 && r != profile->header_row) continue;
    for (const bool grouped : {false, true}) {
      if (grouped && g.row(r - 1) == nullptr) continue;
      if (profile != nullptr && profile->header_row != 0 && grouped != (profile->header_rows == 2)) continue;
      Header h = read_header(g, r, grouped, cat, profile);
      if (h.better_than(best)) best = std::move(h);
    }
  }
  return best;
}

}  // namespace tonghop::normalise::detail
