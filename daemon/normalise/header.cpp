#include "normalise/header.hpp"

#include <set>
#include <string_view>
#include <unordered_map>

#include <fmt/format.h>

#include "normalise/builder.hpp"
#include "normalise/text.hpp"

namespace tonghop::normalise::detail {

namespace {

// A header that is only a column's number ("1", "(12)"), as forms number their columns.
bool is_column_number(std::string_view s) {
  if (s.size() >= 2 && s.front() == '(' && s.back() == ')') s = trim_view(s.substr(1, s.size() - 2));
  return !s.empty() && s.size() <= 3 && std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

using Merges = std::vector<const sdk::MergedRange*>;

const sdk::MergedRange* merge_at(const Merges& merges, std::uint32_t r, std::uint32_t c) {
  for (const auto* m : merges)
    if (r >= m->first_row && r <= m->last_row && c >= m->first_column && c <= m->last_column) return m;
  return nullptr;
}

std::string join(const std::vector<std::string>& folds, std::size_t from, std::size_t to) {
  std::string s;
  for (std::size_t i = from; i < to; ++i) s += (s.empty() ? "" : " ") + folds[i];
  return s;
}

// Folded text without its connectors as whole words: "ket nap trong do nu" -> "ket nap nu".
std::string drop_connectors(const std::string& folded, const Catalogue& cat) {
  std::string out = " " + folded + " ";
  for (const auto& c : cat.connectors)
    for (std::size_t at; (at = out.find(" " + c + " ")) != std::string::npos;) out.erase(at, c.size() + 1);
  return out.size() >= 2 ? out.substr(1, out.size() - 2) : std::string();
}

// One column's header, read down its rows.
struct Path {
  std::vector<std::string> folds;  // connectors left out
  std::string shown;               // as read: "Đảng viên / Trong đó / Nữ" (when asked for)
  bool any = false;                // a text was read
  bool connector = false;          // a connector was in it: a breakdown
  bool ignored = false;
};

// One header search (find_header, or read_header alone): the catalogue and
// the profile it reads with (the Board's mappings already merged into the
// profile), and what it works out once for all the windows of rows it
// tries, each cell of the first rows being read in up to four of them.
// Nothing here outlives the search, so nothing of one district's mappings
// reaches another's return.
class Search {
 public:
  Search(const Catalogue& cat, const Profile* profile) : cat_(cat), profile_(profile) {
    if (profile_ != nullptr)
      // The profile's headers without their connectors ("Kết nạp / Trong đó /
      // Người Mông"): the first in the profile's order keeps a text, as the
      // scan of profile_field finds it.
      for (const auto& [written, id] : profile_->headers) plain_.try_emplace(drop_connectors(written, cat_), &id);
  }

  const Catalogue& cat() const { return cat_; }

  // A header cell's text read once: the connector that opens it, and the rest folded.
  struct Cell {
    bool connector = false;
    std::string folded;    // "" when nothing is left
    bool ignored = false;  // the catalogue leaves such a column out
  };
  const Cell& cell(std::string_view text) {  // text: trimmed, the grid's (it outlives the search)
    auto [it, added] = cells_.try_emplace(text);
    if (added) {
      bool was = false;
      const std::string_view rest = without_connector(text, cat_, was);
      it->second.connector = was;
      if (!rest.empty()) it->second.folded = fold(rest);
      it->second.ignored = !it->second.folded.empty() && cat_.ignored.count(it->second.folded) != 0;
    }
    return it->second;
  }

  // Catalogue::match and match_flat, each text or pair of texts worked out
  // once in the search (the same group and sub-header recur in many windows).
  const Field* match(const std::string& group, const std::string& sub) {
    std::string key;
    key.reserve(group.size() + 1 + sub.size());
    ((key += group) += '\0') += sub;  // no folded text holds a '\0'
    auto [it, added] = matched_.try_emplace(std::move(key), nullptr);
    if (added) it->second = cat_.match(group, sub);
    return it->second;
  }
  const Field* match_flat(const std::string& folded) {
    auto [it, added] = flat_.try_emplace(folded, nullptr);
    if (added) it->second = cat_.match_flat(folded);
    return it->second;
  }

  // profile_field, with the profile's headers without connectors made once.
  const std::string* given(const std::vector<std::string>& folds) const {
    const std::size_t k = folds.size();
    if (k == 0 || profile_ == nullptr || profile_->headers.empty()) return nullptr;
    for (const std::string& key : {join(folds, 0, k), join(folds, k >= 2 ? k - 2 : 0, k), folds[k - 1]}) {
      if (const auto it = profile_->headers.find(key); it != profile_->headers.end()) return &it->second;
      if (const auto it = plain_.find(key); it != plain_.end()) return it->second;
    }
    return nullptr;
  }

 private:
  const Catalogue& cat_;
  const Profile* profile_;
  std::map<std::string, const std::string*> plain_;
  std::unordered_map<std::string_view, Cell> cells_;
  std::unordered_map<std::string, const Field*> matched_, flat_;
};

Path read_path(const Grid& g, const Merges& merges, std::uint32_t top, std::uint32_t r, std::uint32_t c,
               Search& search, bool shown) {
  Path p;
  const sdk::MergedRange* previous = nullptr;
  for (std::uint32_t row = top; row <= r; ++row) {
    const auto* m = merge_at(merges, row, c);
    if (m != nullptr && m == previous) continue;  // a header merged down
    previous = m;
    const std::string_view text = trim_view(m != nullptr ? g.text(m->first_row, m->first_column) : g.text(row, c));
    if (text.empty() || is_column_number(text)) continue;
    const Search::Cell& cell = search.cell(text);
    p.connector |= cell.connector;
    if (shown) p.shown += (p.shown.empty() ? "" : " / ") + std::string(text);
    p.any = true;
    const std::string& f = cell.folded;
    if (f.empty() || (!p.folds.empty() && p.folds.back() == f)) continue;  // the same text again below
    if (cell.ignored) p.ignored = true;
    p.folds.push_back(f);
  }
  return p;
}

// What the catalogue says of a path (match_path after the profile has said
// nothing); `M` answers match and match_flat: the catalogue, or a search's memo of it.
template <class M>
const Field* catalogue_field(const std::vector<std::string>& folds, M& cat, const Field* parent) {
  const std::size_t k = folds.size();
  if (k == 0) return nullptr;
  const std::string& last = folds[k - 1];
  // The nearest group above that, with the last text, names a field.
  for (std::size_t i = k - 1; i-- > 0;)
    if (const Field* f = cat.match(folds[i], last)) return f;
  if (k >= 3)
    if (const Field* f = cat.match_flat(join(folds, 0, k))) return f;
  if (const Field* f = cat.match_flat(last)) return f;
  // A breakdown under no group: the group of the column it breaks down.
  if (parent != nullptr)
    for (const auto& g : parent->groups)
      if (const Field* f = cat.match(g, last); f != nullptr && f != parent) return f;
  return nullptr;
}

// `full`: with each column's path as read (Header::paths, unmapped's
// texts); without them, a window is read only for how it compares (its
// columns, score and the number of columns left unnamed are the same).
Header read_header(const Grid& g, std::uint32_t top, std::uint32_t r, Search& search, bool full = true) {
  const Catalogue& cat = search.cat();
  Header h;
  h.found = true;
  h.top = top;
  h.row = r;
  Merges merges;
  // The columns with a cell or a merged range in the rows, in order (a
  // vector sorted once: this runs for each of up to 240 windows of rows).
  std::vector<std::uint32_t> cols;
  for (std::uint32_t row = top; row <= r; ++row)
    if (const RowCells* cells = g.row(row))
      for (const auto& c : *cells) cols.push_back(c.column);
  for (const auto& m : g.merges())
    if (m.first_row <= r && m.last_row >= top) {
      merges.push_back(&m);
      for (std::uint32_t c = m.first_column; c <= m.last_column && c - m.first_column < 16384; ++c) cols.push_back(c);
    }
  std::sort(cols.begin(), cols.end());
  cols.erase(std::unique(cols.begin(), cols.end()), cols.end());
  std::map<const Field*, std::uint32_t> seen;  // field -> the column that gave it
  const Field* whole = nullptr;  // the last column's field that is not a breakdown
  for (const std::uint32_t c : cols) {
    const Path p = read_path(g, merges, top, r, c, search, full);
    if (!p.any) continue;
    if (full) h.paths[c] = p.shown;
    const std::string* given = search.given(p.folds);
    if (p.ignored || (given != nullptr && *given == "ignore")) {
      h.ignored.push_back(c);
      continue;
    }
    // match_path: what the profile gives, else the catalogue's reading.
    const Field* f = given != nullptr ? cat.field(*given) : catalogue_field(p.folds, search, p.connector ? whole : nullptr);
    if (f != nullptr && !p.connector) whole = f;
    const auto [given_by, first] = f != nullptr ? seen.emplace(f, c) : std::pair{seen.end(), false};
    if (first) {
      h.columns[c] = f;
    } else if (!p.folds.empty()) {
      h.unmapped.emplace_back(c, full ? p.shown : std::string());
      if (f != nullptr) h.repeats[c] = given_by->second;
    }
  }
  h.score = static_cast<int>(seen.size());
  return h;
}

// The most a window of rows top..r can score, read without matching
// anything (branch post3): the columns with a text in its rows, a merged
// range's text counting for each of its columns. A column is named by its
// path, which holds only such texts (read_path), and names at most one
// field, so no window scores more. Over-counting is harmless (a cell inside
// a merged range counts too); under-counting never happens. Each row's
// columns and each range's text are looked at once per search.
class ScoreBound {
 public:
  explicit ScoreBound(const Grid& g) : g_(g) {
    for (const auto& m : g.merges()) merge_texty_.push_back(texty(g.text(m.first_row, m.first_column)));
  }
  std::size_t operator()(std::uint32_t top, std::uint32_t r) {
    cols_.clear();
    for (std::uint32_t row = top; row <= r; ++row) {
      const auto& own = columns(row);
      cols_.insert(cols_.end(), own.begin(), own.end());
    }
    const auto& merges = g_.merges();
    for (std::size_t i = 0; i < merges.size(); ++i) {
      const auto& m = merges[i];
      if (merge_texty_[i] && m.first_row <= r && m.last_row >= top)
        for (std::uint32_t c = m.first_column; c <= m.last_column && c - m.first_column < 16384; ++c) cols_.push_back(c);
    }
    std::sort(cols_.begin(), cols_.end());
    return static_cast<std::size_t>(std::unique(cols_.begin(), cols_.end()) - cols_.begin());
  }

 private:
  static bool texty(std::string_view text) {
    text = trim_view(text);
    return !text.empty() && !is_column_number(text);
  }
  // The row's columns whose own text read_path would take.
  const std::vector<std::uint32_t>& columns(std::uint32_t row) {
    auto [it, added] = rows_.try_emplace(row);
    if (added)
      if (const RowCells* cells = g_.row(row))
        for (const auto& c : *cells)
          if (texty(c.text)) it->second.push_back(c.column);
    return it->second;
  }
  const Grid& g_;
  std::vector<bool> merge_texty_;
  std::map<std::uint32_t, std::vector<std::uint32_t>> rows_;
  std::vector<std::uint32_t> cols_;
};
}  // namespace

std::string_view without_connector(std::string_view text, const Catalogue& cat, bool& was) {
  was = false;
  text = trim_view(text);
  // The longest connector that opens the text as whole words.
  std::size_t cut = 0;
  for (std::size_t end = 0; end <= text.size(); ++end) {
    if (end < text.size() && text[end] != ' ' && text[end] != ':' && text[end] != ',' && text[end] != '-' &&
        text[end] != '\n' && text[end] != '(' && text[end] != ')')
      continue;
    if (end == 0) continue;
    const std::string f = fold(text.substr(0, end));
    if (!f.empty() && cat.connectors.count(f)) cut = end;
    if (end - 0 > 40) break;
  }
  if (cut == 0) return text;
  was = true;
  std::string_view rest = text.substr(cut);
  while (!rest.empty() && (rest.front() == ' ' || rest.front() == ':' || rest.front() == ',' || rest.front() == '-' ||
                           rest.front() == '\n' || rest.front() == '(' || rest.front() == ')'))
    rest.remove_prefix(1);
  while (!rest.empty() && (rest.back() == ')' || rest.back() == ' ')) rest.remove_suffix(1);
  return rest;
}

std::string drop_connector(std::string folded, const Catalogue& cat) {
  if (cat.connectors.count(folded)) return {};
  std::size_t cut = 0;
  for (const auto& c : cat.connectors)
    if (c.size() > cut && folded.size() > c.size() && folded.starts_with(c) && folded[c.size()] == ' ') cut = c.size() + 1;
  return folded.substr(cut);
}

const std::string* profile_field(const std::vector<std::string>& folds, const Catalogue& cat, const Profile* profile) {
  const std::size_t k = folds.size();
  if (k == 0 || profile == nullptr || profile->headers.empty()) return nullptr;
  for (const std::string& key : {join(folds, 0, k), join(folds, k >= 2 ? k - 2 : 0, k), folds[k - 1]}) {
    if (const auto it = profile->headers.find(key); it != profile->headers.end()) return &it->second;
    // A profile's header written with its connector: "Kết nạp / Trong đó / Người Mông".
    for (const auto& [written, id] : profile->headers)
      if (drop_connectors(written, cat) == key) return &id;
  }
  return nullptr;
}

const Field* match_path(const std::vector<std::string>& folds, const Catalogue& cat, const Profile* profile,
                        const Field* parent) {
  if (folds.empty()) return nullptr;
  if (const std::string* id = profile_field(folds, cat, profile)) return cat.field(*id);  // "ignore": none
  return catalogue_field(folds, cat, parent);
}

Header read_header(const Grid& g, std::uint32_t top, std::uint32_t r, const Catalogue& cat, const Profile* profile) {
  Search search(cat, profile);
  return read_header(g, top, r, search);
}

Header find_header(const Grid& g, const Catalogue& cat, const Profile* profile) {
  Search search(cat, profile);
  Header best;
  ScoreBound bound_of(g);
  int rows_seen = 0;
  const std::uint32_t wanted_rows = profile != nullptr && profile->header_row != 0 ? profile->header_rows : 0;
  // A header row has a text that is not a column's number: not a numbering row, not figures.
  auto texty = [&](std::uint32_t row) {
    const RowCells* cells = g.row(row);
    return cells != nullptr && std::any_of(cells->begin(), cells->end(), [](const CellRef& c) {
             return !c.is_number && !trim_view(c.text).empty() && !is_column_number(trim_view(c.text));
           });
  };
  // Only words in it: a row of sub-headers, never a row of figures.
  auto words_only = [&](std::uint32_t row) {
    const RowCells* cells = g.row(row);
    return cells != nullptr && std::all_of(cells->begin(), cells->end(), [](const CellRef& c) {
             return !c.is_number && (trim_view(c.text).empty() || has_letter(c.text));
           });
  };
  // A row inside a header may have no cell of its own, every one merged down from above.
  auto covered = [&](std::uint32_t row) {
    return std::any_of(g.merges().begin(), g.merges().end(),
                       [&](const sdk::MergedRange& m) { return m.first_row < row && m.last_row >= row; });
  };
  for (const auto& [r, _] : g.rows()) {
    if (++rows_seen > 60) break;
    if (!texty(r)) continue;
    if (profile != nullptr && profile->header_row != 0 && r != profile->header_row) continue;
    for (std::uint32_t n = 1; n <= kMaxHeaderRows && n <= r; ++n) {
      const std::uint32_t top = r - n + 1;
      if (!texty(top)) {
        if (covered(top)) continue;
        break;
      }
      if (wanted_rows != 0 && n != wanted_rows) continue;
      // A window that cannot score as much as the best one so far cannot
      // replace it (better_than and the tie below both need at least its
      // score; a valid header needs 3), so it is not read: a return's data
      // rows are each tried as the end of up to four windows, and reading
      // them was most of a sample return's import.
      if (best.found) {
        const std::size_t bound = bound_of(top, r);
        if (bound < static_cast<std::size_t>(best.score) && (best.valid() || bound < 3)) continue;
      }
      Header h = read_header(g, top, r, search, false);
      // At a tie, the deeper last row when it is words only: the header is all read before the data.
      if (h.better_than(best) || (h.found && best.found && h.valid() == best.valid() && h.score == best.score &&
                                  h.unmapped.size() == best.unmapped.size() && h.row > best.row && words_only(r)))
        best = std::move(h);
    }
  }
  // The paths of the header chosen, read whole once (branch post3).
  if (best.found) best = read_header(g, best.top, best.row, search);
  return best;
}

}  // namespace tonghop::normalise::detail
