// Header matching made cheap (issue 18, item 6) reads every header as it was
// read before: the catalogue's index against a scan of every field's sets,
// each header search against the reading of commit cf4da94, over every
// header window of every sheet of the samples and the conformance files
// (real files through the real plugins); and the Board's mappings, which
// come before the catalogue, never reach another district's return.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <cstdio>
#include <set>
#include <stdexcept>

#include "ingest/ingest.hpp"
#include "ingest/pipeline.hpp"
#include "normalise/builder.hpp"
#include "normalise/catalogue.hpp"
#include "normalise/lai_chau.hpp"
#include "normalise/grid.hpp"
#include "normalise/header.hpp"
#include "normalise/text.hpp"
#include "support/importing.hpp"
#include "support/process.hpp"

using namespace tonghop;
using namespace tonghop::normalise;
using namespace tonghop::normalise::detail;

namespace {

const Catalogue& cat() { return test::lai_chau_catalogue(); }

// ---- the reading before the index (commit cf4da94), kept here as the reference ----
namespace before {

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

std::string join(const std::vector<std::string>& words, std::size_t from, std::size_t to) {
  std::string s;
  for (std::size_t i = from; i < to; ++i) s += (s.empty() ? "" : " ") + words[i];
  return s;
}
std::string join(const std::vector<std::string>& words) { return join(words, 0, words.size()); }

std::string singular(const std::string& w) {
  if (w.size() >= 5 && w.ends_with("ies")) return w.substr(0, w.size() - 3) + "y";
  if (w.size() >= 4 && w.back() == 's' && w[w.size() - 2] != 's') return w.substr(0, w.size() - 1);
  return w;
}

// A phrase of the vocabulary by its words.
const std::vector<std::string>* phrase(const Vocabulary& v, const std::vector<std::string>& words) {
  const auto it = v.phrases.find(join(words));
  return it == v.phrases.end() ? nullptr : &it->second;
}

std::vector<std::string> canonical(const Vocabulary& v, std::string_view folded) {
  std::vector<std::string> in = split_words(folded), out;
  if (in.size() > 64) return in;
  for (auto& w : in)
    if (!v.known.contains(w)) w = singular(w);
  std::size_t i = 0;
  while (i < in.size()) {
    bool found = false;
    for (std::size_t n = std::min(v.longest, in.size() - i); n >= 1 && !found; --n) {
      const auto* p = phrase(v, std::vector<std::string>(in.begin() + static_cast<std::ptrdiff_t>(i),
                                                         in.begin() + static_cast<std::ptrdiff_t>(i + n)));
      if (p == nullptr) continue;
      out.insert(out.end(), p->begin(), p->end());
      i += n;
      found = true;
    }
    if (!found) out.push_back(in[i++]);
  }
  std::erase_if(out, [&](const std::string& w) {
    const auto* p = phrase(v, {w});
    return p != nullptr && p->empty();
  });
  return out;
}

std::string bag_of(std::vector<std::string> words) {
  std::sort(words.begin(), words.end());
  return join(words);
}

const Field* match_flat(const Catalogue& c, const std::string& folded) {
  if (folded.empty()) return nullptr;
  for (const auto& f : c.fields)
    if (f.synonyms.contains(folded)) return &f;
  const auto words_of = canonical(c.vocabulary, folded);
  if (words_of.empty()) return nullptr;
  const std::string key = join(words_of);
  for (const auto& f : c.fields)
    if (f.keys.contains(key)) return &f;
  if (const auto it = c.bags.find(bag_of(words_of)); it != c.bags.end() && it->second.size() == 1)
    return &c.fields[it->second.front()];
  return nullptr;
}

const Field* match(const Catalogue& c, const std::string& group, const std::string& sub) {
  if (!group.empty() && !sub.empty()) {
    for (const auto& f : c.fields)
      if (f.groups.contains(group) && f.subs.contains(sub)) return &f;
    const std::string g = join(canonical(c.vocabulary, group)), s = join(canonical(c.vocabulary, sub));
    if (!g.empty() && !s.empty())
      for (const auto& f : c.fields)
        if (f.key_groups.contains(g) && f.key_subs.contains(s)) return &f;
    if (const Field* f = match_flat(c, group + " " + sub)) return f;
  }
  if (sub.empty()) return match_flat(c, group);
  if (group.empty()) return match_flat(c, sub);
  return nullptr;
}

std::string drop_connectors(const std::string& folded, const Catalogue& c) {
  std::string out = " " + folded + " ";
  for (const auto& k : c.connectors)
    for (std::size_t at; (at = out.find(" " + k + " ")) != std::string::npos;) out.erase(at, k.size() + 1);
  return out.size() >= 2 ? out.substr(1, out.size() - 2) : std::string();
}

const std::string* profile_field(const std::vector<std::string>& folds, const Catalogue& c, const Profile* profile) {
  const std::size_t k = folds.size();
  if (k == 0 || profile == nullptr || profile->headers.empty()) return nullptr;
  for (const std::string& key : {join(folds, 0, k), join(folds, k >= 2 ? k - 2 : 0, k), folds[k - 1]}) {
    if (const auto it = profile->headers.find(key); it != profile->headers.end()) return &it->second;
    for (const auto& [written, id] : profile->headers)
      if (drop_connectors(written, c) == key) return &id;
  }
  return nullptr;
}

const Field* match_path(const std::vector<std::string>& folds, const Catalogue& c, const Profile* profile,
                        const Field* parent) {
  const std::size_t k = folds.size();
  if (k == 0) return nullptr;
  if (const std::string* id = profile_field(folds, c, profile)) return c.field(*id);
  const std::string& last = folds[k - 1];
  for (std::size_t i = k - 1; i-- > 0;)
    if (const Field* f = match(c, folds[i], last)) return f;
  if (k >= 3)
    if (const Field* f = match_flat(c, join(folds, 0, k))) return f;
  if (const Field* f = match_flat(c, last)) return f;
  if (parent != nullptr)
    for (const auto& g : parent->groups)
      if (const Field* f = match(c, g, last); f != nullptr && f != parent) return f;
  return nullptr;
}

bool is_column_number(std::string_view s) {
  if (s.size() >= 2 && s.front() == '(' && s.back() == ')') s = trim_view(s.substr(1, s.size() - 2));
  return !s.empty() && s.size() <= 3 && std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

Header read_header(const Grid& g, std::uint32_t top, std::uint32_t r, const Catalogue& c, const Profile* profile) {
  Header h;
  h.found = true;
  h.top = top;
  h.row = r;
  std::vector<const sdk::MergedRange*> merges;
  std::set<std::uint32_t> cols;
  for (std::uint32_t row = top; row <= r; ++row)
    if (const RowCells* cells = g.row(row))
      for (const auto& cell : *cells) cols.insert(cell.column);
  for (const auto& m : g.merges())
    if (m.first_row <= r && m.last_row >= top) {
      merges.push_back(&m);
      for (std::uint32_t col = m.first_column; col <= m.last_column && col - m.first_column < 16384; ++col) cols.insert(col);
    }
  auto merge_at = [&](std::uint32_t row, std::uint32_t col) -> const sdk::MergedRange* {
    for (const auto* m : merges)
      if (row >= m->first_row && row <= m->last_row && col >= m->first_column && col <= m->last_column) return m;
    return nullptr;
  };
  std::set<const Field*> seen;
  const Field* whole = nullptr;
  for (const std::uint32_t col : cols) {
    std::vector<std::string> folds;
    std::string shown;
    bool connector = false, ignored = false;
    const sdk::MergedRange* previous = nullptr;
    for (std::uint32_t row = top; row <= r; ++row) {
      const auto* m = merge_at(row, col);
      if (m != nullptr && m == previous) continue;
      previous = m;
      const std::string_view text = trim_view(m != nullptr ? g.text(m->first_row, m->first_column) : g.text(row, col));
      if (text.empty() || is_column_number(text)) continue;
      bool was = false;
      const std::string_view rest = without_connector(text, c, was);
      connector |= was;
      shown += (shown.empty() ? "" : " / ") + std::string(text);
      if (rest.empty()) continue;
      std::string f = fold(rest);
      if (f.empty() || (!folds.empty() && folds.back() == f)) continue;
      if (c.ignored.count(f)) ignored = true;
      folds.push_back(std::move(f));
    }
    if (shown.empty()) continue;
    h.paths[col] = shown;
    const std::string* given = profile_field(folds, c, profile);
    if (ignored || (given != nullptr && *given == "ignore")) {
      h.ignored.push_back(col);
      continue;
    }
    const Field* f = match_path(folds, c, profile, connector ? whole : nullptr);
    if (f != nullptr && !connector) whole = f;
    if (f != nullptr && seen.insert(f).second) h.columns[col] = f;
    else if (!folds.empty()) h.unmapped.emplace_back(col, shown);
  }
  h.score = static_cast<int>(seen.size());
  return h;
}

}  // namespace before

std::string id_of(const Field* f) { return f != nullptr ? f->id : std::string("-"); }

std::string describe(const Header& h) {
  std::string s;
  for (const auto& [c, text] : h.paths) {
    const auto f = h.columns.find(c);
    s += std::to_string(c) + " " + text + " -> " + (f != h.columns.end() ? f->second->id : std::string("-")) + "\n";
  }
  for (const auto& [c, text] : h.unmapped) s += "unmapped " + std::to_string(c) + "\n";
  for (const auto c : h.ignored) s += "ignored " + std::to_string(c) + "\n";
  return s + "score " + std::to_string(h.score) + "\n";
}

bool same(const Header& a, const Header& b) {
  return a.found == b.found && a.top == b.top && a.row == b.row && a.columns == b.columns && a.paths == b.paths &&
         a.unmapped == b.unmapped && a.ignored == b.ignored && a.score == b.score;
}

// Every file of the samples and the conformance files the real plugins read.
std::vector<std::filesystem::path> real_files() {
  std::vector<std::filesystem::path> out;
  for (const char* dir : {"lai-chau", "shapes", "office", "legacy-text", "xls", "conformance"})
    for (const auto& e : std::filesystem::recursive_directory_iterator(test::data_path(dir)))
      if (e.is_regular_file()) {
        const std::string ext = e.path().extension().string();
        if (ext == ".xlsx" || ext == ".xlsm" || ext == ".xls" || ext == ".ods" || ext == ".csv") out.push_back(e.path());
      }
  std::sort(out.begin(), out.end());
  return out;
}

struct Tally {
  std::size_t files = 0, windows = 0, columns = 0, fields = 0;
  std::size_t searches = 0, valid = 0, deep = 0;  // find_header compared with every_window_read: valid, of 2+ rows
  std::set<std::string> paths;  // distinct header paths read
};

// find_header as it was before branch post3: every window of up to four rows
// ending at each of the first 60 rows read whole, the best kept.
bool is_column_number(std::string_view s) {
  if (s.size() >= 2 && s.front() == '(' && s.back() == ')') s = trim_view(s.substr(1, s.size() - 2));
  return !s.empty() && s.size() <= 3 && std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}
Header every_window_read(const Grid& g, const Profile* profile) {
  Header best;
  int rows_seen = 0;
  const std::uint32_t wanted_rows = profile != nullptr && profile->header_row != 0 ? profile->header_rows : 0;
  auto texty = [&](std::uint32_t row) {
    const RowCells* cells = g.row(row);
    return cells != nullptr && std::any_of(cells->begin(), cells->end(), [](const CellRef& c) {
             return !c.is_number && !trim_view(c.text).empty() && !is_column_number(trim_view(c.text));
           });
  };
  auto words_only = [&](std::uint32_t row) {
    const RowCells* cells = g.row(row);
    return cells != nullptr && std::all_of(cells->begin(), cells->end(), [](const CellRef& c) {
             return !c.is_number && (trim_view(c.text).empty() || has_letter(c.text));
           });
  };
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
      Header h = read_header(g, top, r, cat(), profile);
      if (h.better_than(best) || (h.found && best.found && h.valid() == best.valid() && h.score == best.score &&
                                  h.unmapped.size() == best.unmapped.size() && h.row > best.row && words_only(r)))
        best = std::move(h);
    }
  }
  return best;
}

// Every window of header rows the search tries (up to four rows ending at
// each of a sheet's first 60 rows), read now and as before.
void compare_every_window(const Grid& g, const Profile* profile, const std::string& where, Tally& t) {
  int rows_seen = 0;
  for (const auto& [r, _] : g.rows()) {
    if (++rows_seen > 60) break;
    for (std::uint32_t n = 1; n <= kMaxHeaderRows && n <= r; ++n) {
      const std::uint32_t top = r - n + 1;
      const Header now = read_header(g, top, r, cat(), profile);
      const Header then = before::read_header(g, top, r, cat(), profile);
      ++t.windows;
      t.columns += now.paths.size();
      t.fields += now.columns.size();
      for (const auto& [c, p] : now.paths) t.paths.insert(p);
      ASSERT_TRUE(same(now, then)) << where << " rows " << top << ".." << r << "\nnow:\n"
                                   << describe(now) << "before:\n"
                                   << describe(then);
    }
  }
  const Header found = find_header(g, cat(), profile);
  EXPECT_EQ(found.valid(), found.found && found.score >= 3 && found.has("org_name")) << where;
  // Windows that cannot beat the best so far are no longer read (branch
  // post3): the header chosen is the one every window read would choose.
  const Header every = every_window_read(g, profile);
  ++t.searches;
  t.valid += every.valid() ? 1 : 0;
  t.deep += every.valid() && every.rows() >= 2 ? 1 : 0;
  EXPECT_TRUE(same(found, every)) << where << "\nfound:\n" << describe(found) << "every window read:\n" << describe(every);
}

// A profile that maps headers of the samples, some as they are written
// with their connector ("Kết nạp / Trong đó / Nữ"), and leaves one out.
Profile mapping_profile() {
  Profile p;
  p.name = "test";
  p.headers[fold("Tổng số đảng viên")] = "members_probationary";
  p.headers[fold("Dang vien nu")] = "ignore";
  p.headers[fold("Kết nạp / Trong đó / Nữ")] = "admitted_religious";
  p.headers[fold("Đảng viên / Trong đó / Dân tộc thiểu số")] = "members_religious";
  p.headers[fold("CB thon ban")] = "cells_other";
  p.headers[fold("Tên TCCSĐ")] = "org_name";
  return p;
}

}  // namespace

// The index gives the field the scan gave, for every text the catalogue
// itself holds and for every group over every sub-header of any field.
TEST(HeaderMatch, TheCatalogueIndexGivesWhatTheScanGave) {
  const Catalogue& c = cat();
  std::set<std::string> texts, groups, subs;
  for (const auto& f : c.fields) {
    texts.insert(f.synonyms.begin(), f.synonyms.end());
    texts.insert(f.keys.begin(), f.keys.end());
    groups.insert(f.groups.begin(), f.groups.end());
    groups.insert(f.key_groups.begin(), f.key_groups.end());
    subs.insert(f.subs.begin(), f.subs.end());
    subs.insert(f.key_subs.begin(), f.key_subs.end());
  }
  for (const auto& [words, _] : c.vocabulary.phrases) texts.insert(words);
  texts.insert(groups.begin(), groups.end());
  texts.insert(subs.begin(), subs.end());
  std::size_t named = 0;
  for (const auto& t : texts) {
    EXPECT_EQ(id_of(c.match_flat(t)), id_of(before::match_flat(c, t))) << t;
    EXPECT_EQ(c.vocabulary.canonical(t), before::canonical(c.vocabulary, t)) << t;
    named += c.match_flat(t) != nullptr;
  }
  std::size_t pairs = 0;
  for (const auto& g : groups)
    for (const auto& s : subs) {
      EXPECT_EQ(id_of(c.match(g, s)), id_of(before::match(c, g, s))) << g << " / " << s;
      EXPECT_EQ(id_of(c.match(g, "")), id_of(before::match(c, g, ""))) << g;
      pairs += c.match(g, s) != nullptr;
    }
  // English plurals, words in another order, words unknown.
  for (const char* h : {"female members", "members female", "new female members", "cells", "minorities", "so dv nu",
                        "dv nu so", "members from ethnic minorities", "tong so", "", "x", "trong do nu"}) {
    EXPECT_EQ(id_of(c.match_flat(h)), id_of(before::match_flat(c, h))) << h;
    EXPECT_EQ(c.vocabulary.canonical(h), before::canonical(c.vocabulary, h)) << h;
  }
  // Not a vacuous comparison (config/indicators.toml today: 280 texts name a field).
  EXPECT_GT(named, 250u) << "the catalogue's own texts name fields";
  EXPECT_GT(pairs, 100u) << "groups over sub-headers name fields";
}

// Every header window of every sheet of the samples and the conformance
// files, with no profile and with one mapping headers: read as before.
TEST(HeaderMatch, EveryHeaderOfTheSamplesAndConformanceFilesReadsAsBefore) {
  const Profile mapped = mapping_profile();
  Tally t;
  for (const auto& file : real_files()) {
    const auto imported = test::import_file(file);
    if (imported.doc.sheets.empty()) continue;
    ++t.files;
    for (const auto& sheet : imported.doc.sheets) {
      const Grid g(sheet);
      compare_every_window(g, nullptr, file.string() + " [" + sheet.name + "]", t);
      compare_every_window(g, &mapped, file.string() + " [" + sheet.name + "], mapped", t);
      if (HasFatalFailure()) return;
    }
  }
  // Not a vacuous comparison (tests/data today: 165 files, 22,304 windows,
  // 23,821 distinct header paths, 8,820 columns naming a field).
  EXPECT_GT(t.files, 150u);
  EXPECT_GT(t.paths.size(), 20000u);
  EXPECT_GT(t.fields, 8000u);
  std::fprintf(stderr, "%zu files, %zu windows, %zu columns (%zu distinct header paths), %zu named a field\n", t.files,
               t.windows, t.columns, t.paths.size(), t.fields);
  // Not vacuous either: searches that found a table's header, of several rows
  // too (tests/data today: 534 searches, 94 found a header, 32 of 2+ rows).
  EXPECT_GT(t.searches, 500u);
  EXPECT_GT(t.valid, 80u);
  EXPECT_GT(t.deep, 25u);
  std::fprintf(stderr, "%zu header searches, each the same as every window read (%zu found a header, %zu of 2+ rows)\n",
               t.searches, t.valid, t.deep);
}

namespace {

const ingest::Normalisation& normalisation() {
  static const ingest::Normalisation n = [] {
    ingest::Normalisation out;
    out.catalogue = cat();
    auto registry = load_registry(TONGHOP_SOURCE_DIR "/config/units/lai-chau.toml");
    if (!registry) throw std::runtime_error(registry.error());
    out.registry = std::move(*registry);
    return out;
  }();
  return n;
}

struct Read {
  std::string header;  // the header the field was read from, "" when the return does not carry it
  double total = -1;   // the field's sum over the return, -1 when not carried
};

// A real file examined as the daemon does (real plugin, real normaliser), with the district's mappings.
Read read_field(const std::string& district, const std::string& relative, const std::string& field,
                std::vector<std::pair<std::string, std::string>> mappings) {
  const std::string bytes = test::read_file(test::data_path(relative));
  const std::filesystem::path name(relative);
  ingest::Return ret{district, name.parent_path().filename().string(), name.filename().string(), bytes, "", std::move(mappings)};
  const ingest::Examined e = ingest::examine(test::real_plugins(), normalisation(), test::default_limits(), ret);
  EXPECT_EQ(e.status, 200u) << relative;
  EXPECT_TRUE(e.result.accepted()) << relative << ": " << (e.result.errors.empty() ? "" : e.result.errors.front().message);
  Read r;
  const auto& layout = e.result.records.layout();
  for (std::size_t i = 0; i < layout.fields.size(); ++i)
    if (layout.fields[i] == field) r.header = layout.headers[i];
  if (const auto it = e.result.totals.counts.find(field); it != e.result.totals.counts.end()) r.total = it->second;
  return r;
}

// The sum of a CSV column, from the file itself.
double csv_column_sum(const std::string& relative, const std::string& column) {
  const std::string text = test::read_file(test::data_path(relative));
  std::vector<std::vector<std::string>> rows;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    std::vector<std::string> cells;
    std::string line = text.substr(at, end - at);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    for (std::size_t from = 0;;) {
      const std::size_t comma = line.find(',', from);
      cells.push_back(line.substr(from, comma - from));
      if (comma == std::string::npos) break;
      from = comma + 1;
    }
    rows.push_back(std::move(cells));
    at = end + 1;
  }
  const auto col = static_cast<std::size_t>(std::find(rows.at(0).begin(), rows.at(0).end(), column) - rows[0].begin());
  double sum = 0;
  for (std::size_t r = 1; r < rows.size(); ++r)
    if (col < rows[r].size() && !rows[r][col].empty()) sum += std::stod(rows[r][col]);
  return sum;
}

}  // namespace

// Two districts' returns carry the same header ("admitted"). Tam Đường's
// mapping leaves it out, Phong Thổ's reads it as "converted_official" (and
// leaves out its own "converted_official" column); without mappings both
// read it as the catalogue does. Examined one after the other in one
// process, in both orders, each reads its own way: nothing one return's
// mappings did stays for the next.
TEST(HeaderMatch, AHeaderMappedDifferentlyInTwoDistrictsReadsEachDistrictsWay) {
  const std::string tam_duong = "lai-chau/2017/tam-duong.csv", phong_tho = "lai-chau/2017/phong-tho.csv";
  const double tam_duong_admitted = csv_column_sum(tam_duong, "admitted");
  const double phong_tho_admitted = csv_column_sum(phong_tho, "admitted");
  const double phong_tho_converted = csv_column_sum(phong_tho, "converted_official");
  ASSERT_GT(tam_duong_admitted, 0);
  ASSERT_GT(phong_tho_admitted, 0);
  ASSERT_NE(phong_tho_admitted, phong_tho_converted);
  const std::vector<std::pair<std::string, std::string>> tam_duong_maps{{"admitted", "ignore"}};
  const std::vector<std::pair<std::string, std::string>> phong_tho_maps{{"admitted", "converted_official"},
                                                                        {"converted official", "ignore"}};
  for (int round = 0; round < 2; ++round) {
    const bool tam_duong_first = round == 0;
    for (int i = 0; i < 2; ++i) {
      if ((i == 0) == tam_duong_first) {
        const Read mapped = read_field("Tam Đường", tam_duong, "admitted", tam_duong_maps);
        EXPECT_EQ(mapped.header, "");
        EXPECT_EQ(mapped.total, -1);
        const Read plain = read_field("Tam Đường", tam_duong, "admitted", {});
        EXPECT_EQ(plain.header, "admitted");
        EXPECT_EQ(plain.total, tam_duong_admitted);
      } else {
        const Read mapped = read_field("Phong Thổ", phong_tho, "converted_official", phong_tho_maps);
        EXPECT_EQ(mapped.header, "admitted");
        EXPECT_EQ(mapped.total, phong_tho_admitted);
        EXPECT_EQ(read_field("Phong Thổ", phong_tho, "admitted", phong_tho_maps).header, "");
        const Read plain = read_field("Phong Thổ", phong_tho, "converted_official", {});
        EXPECT_EQ(plain.header, "converted_official");
        EXPECT_EQ(plain.total, phong_tho_converted);
        EXPECT_EQ(read_field("Phong Thổ", phong_tho, "admitted", {}).total, phong_tho_admitted);
      }
    }
  }
}

// The vocabulary's index (Vocabulary::index: a phrase's first word -> its
// longest phrase; a phrase -> its words, the silent ones out) is made by
// load_catalogue from the file it reads, the way SIGHUP reloads it: a word
// the Board adds to [words] is honoured by the next load, and the index of
// the previous load does not stay behind.
TEST(HeaderMatch, AWordAddedToTheVocabularyIsHonouredByTheNextLoad) {
  const std::string qs = fold("QSĐV");
  ASSERT_EQ(cat().match_flat(qs), nullptr) << "the word is not in config/indicators.toml";
  tonghop::test::TempDir dir;
  std::string text = tonghop::test::read_file(TONGHOP_SOURCE_DIR "/config/indicators.toml");
  const auto at = text.find("\n[words]\n");
  ASSERT_NE(at, std::string::npos);
  text.insert(at + 9, "\"QSĐV\" = \"đảng viên\"\n\"tổng cộng\" = \"\"\n");
  tonghop::test::write_file(dir.path() / "indicators.toml", text);
  const auto added = load_catalogue(dir.path() / "indicators.toml");
  ASSERT_TRUE(added) << added.error();
  ASSERT_NE(added->match_flat(qs), nullptr);
  EXPECT_EQ(added->match_flat(qs)->id, "members_total");
  EXPECT_EQ(added->match_flat(fold("Tổng cộng QSĐV"))->id, "members_total") << "a phrase added that says nothing";
  EXPECT_EQ(added->vocabulary.canonical_text(fold("Số QSĐV nữ")), "dang vien nu");
  // The old catalogue, loaded before, still reads as it did.
  EXPECT_EQ(cat().match_flat(qs), nullptr);
}

// canonical and canonical_text say the same; a vocabulary made by hand
// without its index reads as the indexed one does.
TEST(HeaderMatch, AVocabularyWithoutItsIndexReadsTheSame) {
  const Vocabulary& indexed = cat().vocabulary;
  Vocabulary by_hand;
  by_hand.phrases = indexed.phrases;
  by_hand.known = indexed.known;
  by_hand.longest = indexed.longest;
  ASSERT_TRUE(by_hand.opens.empty());
  std::size_t changed = 0;
  for (const char* h : {"so dv nu", "female members", "tong so dang vien dtts", "members from ethnic minorities",
                        "so luong tccsd", "kn trong do nu", "cells", "x y z", "", "dv dv dv"}) {
    const auto words = indexed.canonical(h);
    EXPECT_EQ(by_hand.canonical(h), words) << h;
    std::string joined;
    for (const auto& w : words) joined += (joined.empty() ? "" : " ") + w;
    EXPECT_EQ(indexed.canonical_text(h), joined) << h;
    changed += joined != h;
  }
  EXPECT_GT(changed, 5u) << "the vocabulary rewrote the texts";
}
