#include "normalise/normaliser.hpp"

#include <algorithm>
#include <bitset>
#include <charconv>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <optional>
#include <set>
#include <span>
#include <unordered_map>

#include <fmt/format.h>

#include "normalise/text.hpp"

namespace tonghop::normalise {

std::string column_name(std::uint32_t column) {
  std::string out;
  while (column > 0) {
    out.insert(out.begin(), static_cast<char>('A' + (column - 1) % 26));
    column = (column - 1) / 26;
  }
  return out;
}

namespace {

// A header that is only a column's number ("1", "12"), as forms number their columns.
bool is_column_number(std::string_view s) {
  return !s.empty() && s.size() <= 3 && std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

// A value before it is read: the text as shown and, for number cells, the number.
struct Raw {
  std::string_view text;
  bool is_number = false;
  double number = 0;
  std::uint32_t column = 0;  // tables
  std::string_view path;     // trees: its JSON Pointer
};

std::string describe(const Place& p) {
  if (!p.path.empty()) return p.path;
  std::string s;
  if (!p.sheet.empty()) s += p.sheet + "!";
  return s + column_name(p.column) + std::to_string(p.row);
}

std::string_view trim_view(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Whether folding could give letters: ASCII letters or anything not ASCII.
bool has_letter(std::string_view s) {
  for (const char ch : s) {
    const auto u = static_cast<unsigned char>(ch);
    if (u >= 0x80 || ((u | 0x20) >= 'a' && (u | 0x20) <= 'z')) return true;
  }
  return false;
}

std::size_t field_index(const Catalogue& cat, std::string_view id) {
  for (std::size_t i = 0; i < cat.fields.size(); ++i)
    if (cat.fields[i].id == id) return i;
  return cat.fields.size();
}

// Builds records from raw values, field by field, collecting errors. Values
// are set by catalogue index; build() checks the rules and adds the record.
class Builder {
 public:
  Builder(const Catalogue& c, Normalised& out)
      : cat_(c), out_(out), n_(c.fields.size()), raw_(n_), given_(n_), carried_(n_), counts_(n_), has_(n_), sums_(n_) {
    name_ = field_index(c, "org_name");
    kind_ = field_index(c, "org_kind");
    rating_ = field_index(c, "org_rating");
    sector_ = field_index(c, "org_sector");
    cells_total_ = field_index(c, "cells_total");
    admitted_ = field_index(c, "admitted");
    members_total_ = field_index(c, "members_total");
    for (const auto& rule : c.rules) {
      IndexedRule r{rule.kind, {}, field_index(c, rule.whole)};
      for (const auto& p : rule.parts) r.parts.push_back(field_index(c, p));
      rules_.push_back(std::move(r));
    }
  }

  void error(std::string code, std::string vi, std::string en, std::string field, std::string value, Place where) {
    out_.errors.push_back(Issue{std::move(code), vi + " / " + en, std::move(field), std::move(value), std::move(where)});
  }
  void warning(std::string code, std::string vi, std::string en, std::string field, std::string value, Place where) {
    out_.warnings.push_back(Issue{std::move(code), vi + " / " + en, std::move(field), std::move(value), std::move(where)});
  }

  // Where the values of the next record are: a sheet's row, or an element.
  void at_row(const std::string* sheet, std::uint32_t row) {
    sheet_ = sheet;
    row_ = row;
  }
  void at_element(std::string element) {
    sheet_ = nullptr;
    element_ = std::move(element);
  }
  Place place(const Raw& raw) const {
    if (sheet_ != nullptr) return Place{*sheet_, row_, raw.column, {}};
    return Place{{}, 0, 0, std::string(raw.path)};
  }
  Place record_place() const {
    if (sheet_ != nullptr) return Place{*sheet_, row_, 0, {}};
    return Place{{}, 0, 0, element_};
  }

  void begin() {
    for (const std::size_t f : touched_) given_[f] = has_[f] = 0;
    touched_.clear();
  }
  void set(std::size_t field, const Raw& raw) {
    if (field >= n_) return;
    if (!given_[field]) {
      given_[field] = 1;
      carried_[field] = 1;
      touched_.push_back(field);
    }
    raw_[field] = raw;
  }
  const Raw* given(std::size_t field) const { return field < n_ && given_[field] ? &raw_[field] : nullptr; }
  bool has(std::size_t f) const { return f < n_ && has_[f]; }
  std::int64_t val(std::size_t f) const { return counts_[f]; }
  // The sum of field f over the records built since the last total().
  std::int64_t sum(std::size_t f) const { return sums_[f]; }
  std::size_t count_fields() const { return n_; }

  // The record of the values set since begin(): its errors go to the
  // result; the record is added all the same (a refused return stores
  // nothing). `folded_name`: fold of the name, when the caller has it.
  void build(std::uint32_t where, const std::string* folded_name = nullptr,
             const std::vector<std::pair<std::uint32_t, std::string_view>>& own_paths = {}) {
    record_.values.clear();
    record_.paths = own_paths;
    record_.where = where;
    std::string_view name;
    kind_text_.clear();
    sector_text_.clear();
    rating_text_.clear();
    for (std::size_t f = 0; f < n_; ++f) {  // in field order
      if (!given_[f]) continue;
      const Raw& raw = raw_[f];
      const Field& field = cat_.fields[f];
      if (field.is_count) {
        const Count c = raw.is_number ? count_from_number(raw.number) : parse_count(raw.text);
        if (c.error == CountError::empty) continue;
        if (c.error != CountError::none) {
          count_error(c.error, raw, field);
          continue;
        }
        counts_[f] = c.value;
        has_[f] = 1;
        record_.values.emplace_back(static_cast<std::uint32_t>(f), c.value);
        continue;
      }
      record_.values.emplace_back(static_cast<std::uint32_t>(f), 0);  // its place
      const std::string_view text = trim_view(raw.text);
      if (text.empty()) continue;
      if (f == name_) {
        name = text;
      } else if (f == kind_) {
        if (const auto* k = memo(kinds_, text, [&](std::string_view t) { return cat_.org_kind(t); })) kind_text_ = k->value();
        else
          error("unknown_kind", fmt::format("Loại hình «{}» ở ô {} không rõ (ĐB hoặc CB)", text, describe(place(raw))),
                fmt::format("organisation kind '{}' at {} is neither a party committee nor a cell", text,
                            describe(place(raw))),
                field.id, std::string(text), place(raw));
      } else if (f == rating_) {
        if (const auto* k = memo(ratings_, text, [&](std::string_view t) { return cat_.rating(t); })) rating_text_ = k->value();
        else
          error("unknown_rating", fmt::format("Xếp loại «{}» ở ô {} không đúng mức nào", text, describe(place(raw))),
                fmt::format("rating '{}' at {} is not one of the four ratings", text, describe(place(raw))), field.id,
                std::string(text), place(raw));
      } else if (f == sector_) {
        sector_text_ = text;
      }
    }
    if (kind_text_.empty() || sector_text_.empty()) {
      const std::string folded = folded_name != nullptr ? *folded_name : fold(name);
      if (kind_text_.empty()) {
        // From the name: "Đảng bộ ..." or "Chi bộ ...".
        if (folded.rfind("dang bo", 0) == 0) kind_text_ = "party_committee";
        else if (folded.rfind("chi bo", 0) == 0) kind_text_ = "party_cell";
        else kind_text_ = has(cells_total_) && val(cells_total_) > 0 ? "party_committee" : "party_cell";
      }
      if (sector_text_.empty()) sector_text_ = cat_.sector_from_folded(folded);
    }
    record_.org_name = name;
    record_.org_kind = kind_text_;
    record_.org_sector = sector_text_;
    record_.org_rating = rating_text_;
    check_rules(name);
    out_.records.add(record_);
    for (const std::size_t f : touched_)
      if (has_[f]) sums_[f] += counts_[f];
    out_.totals.add(kind_text_, rating_text_);
  }

  // The counts summed so far into the result's totals (when the reading is done).
  void total() {
    // Only the fields the return carries: one it does not is unknown, never 0.
    for (std::size_t f = 0; f < n_; ++f)
      if (cat_.fields[f].is_count && carried_[f]) out_.totals.counts[cat_.fields[f].id] += static_cast<double>(sums_[f]);
    if (rating_ < n_ && carried_[rating_]) out_.totals.rated = true;
    std::fill(sums_.begin(), sums_.end(), 0);
  }

 private:
  struct Memo {
    std::unordered_map<std::string, std::optional<std::string>> read;
    const std::pair<const std::string, std::optional<std::string>>* last = nullptr;
  };
  // A kind or rating as written, read once: the same few words fill every
  // row, often the row above's.
  template <class Read>
  const std::optional<std::string>* memo(Memo& m, std::string_view text, Read read) {
    if (m.last == nullptr || m.last->first != text) {
      auto it = m.read.find(std::string(text));
      if (it == m.read.end()) {
        if (m.read.size() > 1024) m.read.clear();
        it = m.read.emplace(std::string(text), read(text)).first;
      }
      m.last = &*it;
    }
    return m.last->second ? &m.last->second : nullptr;
  }

  struct IndexedRule {
    Rule::Kind kind;
    std::vector<std::size_t> parts;
    std::size_t whole;
  };

  void count_error(CountError e, const Raw& raw, const Field& f) {
    const Place where = place(raw);
    const std::string text(raw.text);
    if (e == CountError::negative)
      error("negative", fmt::format("Số liệu «{}» ở ô {} ({}) là số âm", text, describe(where), f.label),
            fmt::format("'{}' at {} ({}) is negative", text, describe(where), f.id), f.id, text, where);
    else if (e == CountError::fractional)
      error("not_whole", fmt::format("Số liệu «{}» ở ô {} ({}) phải là số nguyên", text, describe(where), f.label),
            fmt::format("'{}' at {} ({}) is not a whole number", text, describe(where), f.id), f.id, text, where);
    else
      error("not_a_number", fmt::format("Giá trị «{}» ở ô {} ({}) không phải là số", text, describe(where), f.label),
            fmt::format("'{}' at {} ({}) is not a number", text, describe(where), f.id), f.id, text, where);
  }

  Place place_of(std::size_t f) const {
    const Raw* raw = given(f);
    return raw != nullptr ? place(*raw) : record_place();
  }

  void check_rules(std::string_view name) {
    auto id = [&](std::size_t f) -> const std::string& { return cat_.fields[f].id; };
    auto label = [&](std::size_t f) -> const std::string& { return cat_.fields[f].label; };
    for (const auto& rule : rules_) {
      if (!has(rule.whole)) continue;
      const std::int64_t whole = val(rule.whole);
      if (rule.kind == Rule::Kind::at_most) {
        for (const std::size_t p : rule.parts)
          if (has(p) && val(p) > whole)
            error("part_exceeds_whole",
                  fmt::format("{}: {} ({}) lớn hơn {} ({}) ở ô {}", name, label(p), val(p), label(rule.whole), whole,
                              describe(place_of(p))),
                  fmt::format("{}: {} ({}) exceeds {} ({}) at {}", name, id(p), val(p), id(rule.whole), whole,
                              describe(place_of(p))),
                  id(p), std::to_string(val(p)), place_of(p));
        continue;
      }
      std::int64_t sum = 0;
      bool all = true, any = false;
      for (const std::size_t p : rule.parts) {
        if (has(p)) {
          sum += val(p);
          any = true;
        } else {
          all = false;
        }
      }
      const bool differs = (rule.kind == Rule::Kind::sum_at_most && sum > whole) ||
                           (rule.kind == Rule::Kind::sum_equals && sum != whole && any) ||
                           (rule.kind == Rule::Kind::sum_equals_when_all && all && sum != whole);
      if (!differs) continue;
      std::string names;
      for (const std::size_t p : rule.parts) names += (names.empty() ? "" : " + ") + id(p);
      const Place where = place_of(rule.whole);
      if (rule.kind == Rule::Kind::sum_at_most)
        error("parts_exceed_whole",
              fmt::format("{}: tổng các mức xếp loại ({}) lớn hơn {} ({}) ở ô {}", name, sum, label(rule.whole), whole,
                          describe(where)),
              fmt::format("{}: {} = {} exceeds {} ({})", name, names, sum, id(rule.whole), whole), id(rule.whole),
              std::to_string(whole), where);
      else
        error("parts_differ_from_whole",
              fmt::format("{}: {} ({}) khác {} ({}) ở ô {}", name,
                          rule.kind == Rule::Kind::sum_equals ? "tổng các mức" : "tổng chi bộ các loại", sum,
                          label(rule.whole), whole, describe(where)),
              fmt::format("{}: {} = {} differs from {} ({})", name, names, sum, id(rule.whole), whole), id(rule.whole),
              std::to_string(whole), where);
    }
    if (kind_text_ == "party_cell" && has(cells_total_) && val(cells_total_) > 0)
      error("cell_with_subordinates",
            fmt::format("{} là chi bộ cơ sở nhưng có {} chi bộ trực thuộc (ô {})", name, val(cells_total_),
                        describe(place_of(cells_total_))),
            fmt::format("{} is a party cell but has {} subordinate cells", name, val(cells_total_)), "cells_total",
            std::to_string(val(cells_total_)), place_of(cells_total_));
    if (has(admitted_) && has(members_total_) && val(members_total_) > 0 &&
        static_cast<double>(val(admitted_)) >
            cat_.admitted_share_above / 100.0 * static_cast<double>(val(members_total_)))
      warning("admitted_high",
              fmt::format("{}: kết nạp {} đảng viên, trên {}% số đảng viên ({})", name, val(admitted_),
                          cat_.admitted_share_above, val(members_total_)),
              fmt::format("{}: {} admitted, above {}% of {} members", name, val(admitted_), cat_.admitted_share_above,
                          val(members_total_)),
              "admitted", std::to_string(val(admitted_)), place_of(admitted_));
  }

  const Catalogue& cat_;
  Normalised& out_;
  std::size_t n_;
  std::vector<Raw> raw_;
  std::vector<char> given_;
  std::vector<char> carried_;  // fields any record of the return gave (its columns or keys)
  std::vector<std::int64_t> counts_;
  std::vector<char> has_;
  std::vector<std::size_t> touched_;
  std::size_t name_, kind_, rating_, sector_, cells_total_, admitted_, members_total_;
  std::vector<IndexedRule> rules_;
  const std::string* sheet_ = nullptr;
  std::uint32_t row_ = 0;
  std::string element_;
  CompactRecord record_;
  std::string kind_text_, sector_text_, rating_text_;
  Memo kinds_, ratings_;
  std::vector<std::int64_t> sums_;  // counts by field of the records built, into out_.totals by total()
};

// `text` names a district (a title, or a value in a district column): it
// must be the district the return was submitted for.
void check_district_text(const Registry& registry, std::string_view text, const Submission& sub, const Place& where,
                         bool whole_text, Builder& b) {
  const District* d = whole_text ? registry.find(text) : registry.find_in(text);
  if (d == nullptr) {
    if (whole_text && !trim_view(text).empty())
      b.error("unknown_district", fmt::format("Không có đơn vị «{}» trong danh sách đảng bộ huyện ({})", text, describe(where)),
              fmt::format("'{}' at {} is not a district of the registry", text, describe(where)), "district",
              std::string(text), where);
    return;
  }
  if (d->name != sub.district)
    b.error("district_mismatch",
            fmt::format("Báo cáo ghi đơn vị «{}» ({}) nhưng được gửi cho {}", text, describe(where), sub.district),
            fmt::format("the return names '{}' at {}, but was sent for {}", text, describe(where), sub.district), "district",
            std::string(text), where);
}

// `text` names a period (a title such as "… NĂM 2018"), or is one (a value the
// catalogue's `period` field names, "2018"): it must be the submission's.
void check_period_text(std::string_view text, const Submission& sub, const Place& where, bool is_value, Builder& b) {
  // A title only counts where it names a period: "năm 2018", "6 tháng đầu năm 2012", "quý 3".
  if (!is_value && !names_period(text)) return;
  const auto p = parse_period(text);
  if (!p) {
    if (is_value && !trim_view(text).empty())
      b.error("unknown_period", fmt::format("Kỳ báo cáo «{}» ({}) không rõ", text, describe(where)),
              fmt::format("'{}' at {} is not a period", text, describe(where)), "period", std::string(text), where);
    return;
  }
  if (*p != sub.period && p->substr(0, 4) != sub.period.substr(0, 4))
    b.error("period_mismatch", fmt::format("Báo cáo ghi kỳ «{}» ({}) nhưng được gửi cho kỳ {}", text, describe(where), sub.period),
            fmt::format("the return names the period '{}' at {}, but was sent for {}", text, describe(where), sub.period),
            "period", std::string(text), where);
}

const Field* match_with(const Catalogue& cat, const Profile* profile, const std::string& fg, const std::string& fs) {
  if (profile != nullptr) {
    for (const std::string& key : {fg.empty() ? fs : (fs.empty() ? fg : fg + " " + fs), fs}) {
      const auto it = profile->headers.find(key);
      if (!key.empty() && it != profile->headers.end()) return cat.field(it->second);
    }
  }
  return cat.match(fg, fs);
}

// ---------------------------------------------------------------- tables

// A cell as the normaliser reads it: TCVN3 text already decoded.
struct CellRef {
  std::uint32_t column = 0;
  std::string_view text;
  bool is_number = false;
  double number = 0;
};

using RowCells = std::vector<CellRef>;       // one row, by column
using RowView = std::span<const CellRef>;  // the same, wherever it is kept

const CellRef* find_cell(RowView cells, std::uint32_t column) {
  const auto it = std::lower_bound(cells.begin(), cells.end(), column,
                                   [](const CellRef& c, std::uint32_t col) { return c.column < col; });
  return it != cells.end() && it->column == column ? &*it : nullptr;
}

bool is_vn_font(std::string_view font) {
  if (font.size() <= 3) return false;
  return fold(font).rfind("vn", 0) == 0;
}

// The text of a text cell decoded from TCVN3 when its font or its look says so.
std::optional<std::string> tcvn3_text(std::string_view text, bool vn_font, std::string_view font) {
  if (!vn_font && !looks_like_tcvn3(text)) return std::nullopt;
  const bool capitals = vn_font && (font.back() == 'H' || font.back() == 'h');
  return decode_tcvn3(text, capitals);
}

// A sheet kept whole: its first rows, or all of a small sheet.
class Grid {
 public:
  explicit Grid(const sdk::Sheet& sheet) : sheet_(&sheet), merges_(sheet.merges) {
    std::string last_font;
    bool last_vn = false;
    for (const auto& c : sheet.cells) {
      CellRef ref{c.column, c.text, c.type == sdk::CellType::number, c.number};
      if (c.type == sdk::CellType::text) {
        if (c.font != last_font) {
          last_font = c.font;
          last_vn = is_vn_font(c.font);
        }
        if (auto d = tcvn3_text(c.text, last_vn, c.font)) {
          decoded_.push_back(std::move(*d));
          ref.text = decoded_.back();
        }
      }
      RowCells& row = rows_[c.row];
      if (row.empty() || row.back().column < c.column) {
        row.push_back(ref);
        continue;
      }
      const auto it = std::lower_bound(row.begin(), row.end(), c.column,
                                       [](const CellRef& x, std::uint32_t col) { return x.column < col; });
      if (it != row.end() && it->column == c.column) *it = ref;
      else row.insert(it, ref);
    }
  }

  const std::string& name() const { return sheet_->name; }
  const std::map<std::uint32_t, RowCells>& rows() const { return rows_; }
  const RowCells* row(std::uint32_t r) const {
    const auto it = rows_.find(r);
    return it == rows_.end() ? nullptr : &it->second;
  }
  std::string_view text(std::uint32_t r, std::uint32_t c) const {
    const RowCells* row = this->row(r);
    const CellRef* cell = row != nullptr ? find_cell(*row, c) : nullptr;
    return cell != nullptr ? cell->text : std::string_view();
  }
  const sdk::MergedRange* merge_at(std::uint32_t r, std::uint32_t c) const {
    for (const auto& m : merges_)
      if (r >= m.first_row && r <= m.last_row && c >= m.first_column && c <= m.last_column) return &m;
    return nullptr;
  }
  // The text shown at (r, c): a merged range shows its top-left cell's text.
  std::string_view shown(std::uint32_t r, std::uint32_t c) const {
    if (const auto* m = merge_at(r, c)) return text(m->first_row, m->first_column);
    return text(r, c);
  }
  // The merged ranges known when the grid was made.
  const std::vector<sdk::MergedRange>& merges() const { return merges_; }

 private:
  const sdk::Sheet* sheet_;
  std::vector<sdk::MergedRange> merges_;
  std::map<std::uint32_t, RowCells> rows_;
  std::deque<std::string> decoded_;  // TCVN3 text, decoded
};

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

// "1 2 3 4 …" or "(1) (2) (3) …" under the header: at least three cells,
// each a number of one to three digits, increasing.
bool is_numbering_row(RowView cells) {
  int total = 0;
  long last = 0;
  for (const auto& c : cells) {
    std::string_view t = trim_view(c.text);
    if (t.empty()) continue;
    ++total;
    if (t.front() == '(') t.remove_prefix(1);
    if (!t.empty() && t.back() == ')') t.remove_suffix(1);
    t = trim_view(t);
    if (t.empty() || t.size() > 3) return false;
    long n = 0;
    for (const char ch : t) {
      if (ch < '0' || ch > '9') return false;
      n = n * 10 + (ch - '0');
    }
    if (n <= last) return false;
    last = n;
  }
  return total >= 3;
}

// One sheet's table, read row by row once its header is known.
class Table {
 public:
  Table(const Catalogue& cat, const Registry& registry, const Submission& sub, const Header& header, const Grid& head,
        Normalised& out)
      : cat_(cat), registry_(registry), sub_(sub), head_(head), sheet_(head.name()), b_(cat, out) {
    Layout layout;
    layout.sheet = sheet_;
    for (const auto& f : cat.fields) {
      layout.fields.push_back(f.id);
      layout.is_count.push_back(f.is_count);
      layout.columns.push_back(0);
    }
    for (const auto& [c, f] : header.columns) {
      const std::size_t i = field_index(cat, f->id);
      layout.columns[i] = c;
      slots_.push_back({c, i});
      if (f->id == "org_name") name_col_ = c;
      if (f->id == "district") district_col_ = c;
      if (f->id == "period") period_col_ = c;
    }
    out.records = RecordSet(std::move(layout));
    out.records.district = sub.district;
    out.records.period = sub.period;
    for (const auto& m : cat.end_markers)
      if (!m.empty()) marker_first_.set(static_cast<unsigned char>(m[0]));
    for (const auto& l : cat.total_labels)
      if (!l.empty()) total_first_.set(static_cast<unsigned char>(l[0]));
    prefilter_ = std::all_of(cat.total_labels.begin(), cat.total_labels.end(), [](const auto& l) { return has_letter(l); }) &&
                 std::all_of(cat.end_markers.begin(), cat.end_markers.end(), [](const auto& m) { return has_letter(m); });

    for (const auto& [c, text] : header.unmapped)
      b_.warning("unmapped_header", fmt::format("Cột {} «{}» không khớp chỉ tiêu nào, bị bỏ qua", column_name(c), text),
                 fmt::format("column {} '{}' matches no field and is left out", column_name(c), text), "", text,
                 Place{sheet_, header.row, c, {}});
    // Title rows above the header: the district and the period they name.
    const std::uint32_t header_top = header.grouped ? header.row - 1 : header.row;
    for (const auto& [r, cells] : head.rows()) {
      if (r >= header_top) break;
      for (const auto& cell : cells) {
        const Place where{sheet_, r, cell.column, {}};
        check_district_text(registry, cell.text, sub, where, false, b_);
        check_period_text(cell.text, sub, where, false, b_);
      }
    }
  }

  ~Table() { b_.total(); }
  Table(const Table&) = delete;
  Table& operator=(const Table&) = delete;

  // The rows of a kept grid below the header.
  void rows_below_header(const Grid& g, std::uint32_t header_row) {
    for (auto it = g.rows().upper_bound(header_row); it != g.rows().end(); ++it) row(it->first, it->second);
  }

  // One row after the header (rows in order, cells by column).
  void row(std::uint32_t r, RowView cells) {
    if (ended_) return;
    if (is_numbering_row(cells)) return;
    folded_.assign(cells.size(), nullptr);
    spare_folds_.clear();
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (prefilter_ && !has_letter(cells[i].text)) continue;
      if (folded(cells, i).ends) {
        ended_ = true;
        return;
      }
    }
    b_.begin();
    b_.at_row(&sheet_, r);
    bool any_count = false;
    std::size_t name_cell = cells.size();
    std::size_t k = 0;  // slots and cells both go by column
    for (const auto& slot : slots_) {
      while (k < cells.size() && cells[k].column < slot.column) ++k;
      if (k == cells.size()) break;
      const CellRef* cell = &cells[k];
      if (cell->column != slot.column || (cell->text.empty() && !cell->is_number)) continue;
      if (cat_.fields[slot.field].is_count) any_count = true;
      if (slot.column == name_col_) name_cell = static_cast<std::size_t>(cell - cells.data());
      b_.set(slot.field, Raw{cell->text, cell->is_number, cell->number, slot.column, {}});
    }
    if (is_total(r, cells)) {
      check_total();
      return;
    }
    const bool has_name_text = name_cell < cells.size() && !trim_view(cells[name_cell].text).empty();
    if (!has_name_text && !any_count) return;  // an empty or decorative row
    if (!has_name_text) {
      b_.error("missing_name", fmt::format("Dòng {} có số liệu nhưng không có tên tổ chức cơ sở đảng", r),
               fmt::format("row {} has figures but no organisation name", r), "org_name", "",
               Place{sheet_, r, name_col_, {}});
      return;
    }
    if (district_col_ != 0) {
      // Each different district written in the column is reported once, at its first row.
      const CellRef* d = find_cell(cells, district_col_);
      if (d != nullptr && d->text != last_district_ && !trim_view(d->text).empty()) {
        last_district_ = d->text;
        if (districts_seen_.insert(fold(d->text)).second)
          check_district_text(registry_, d->text, sub_, Place{sheet_, r, district_col_, {}}, true, b_);
      }
    }
    if (period_col_ != 0) {
      const CellRef* p = find_cell(cells, period_col_);
      const std::string_view text = p != nullptr ? p->text : std::string_view();
      if (!period_checked_ || text != last_period_) {
        period_checked_ = true;
        last_period_ = text;
        if (periods_seen_.insert(fold(text)).second)
          check_period_text(text, sub_, Place{sheet_, r, period_col_, {}}, true, b_);
      }
    }
    b_.build(r, &folded(cells, name_cell).fold);
  }

 private:
  struct Slot {
    std::uint32_t column;
    std::size_t field;
  };

  // A cell's text folded, and what that makes it.
  struct Folded {
    std::string text, fold;
    bool ends = false;   // it starts the signature block under the table
    bool total = false;  // it labels a total row
  };
  void fold_into(std::string_view text, Folded& out) const {
    out.text.assign(text);
    out.fold = fold(text);
    const std::string& f = out.fold;
    out.ends = !f.empty() && marker_first_[static_cast<unsigned char>(f[0])] &&
               std::any_of(cat_.end_markers.begin(), cat_.end_markers.end(),
                           [&](const std::string& m) { return f.starts_with(m); });
    out.total = !f.empty() && total_first_[static_cast<unsigned char>(f[0])] && cat_.total_labels.count(f) != 0;
  }

  // The fold of a cell of this row. A column's text is often the row
  // above's (the district, the kind, the rating): its fold is kept per column.
  const Folded& folded(RowView cells, std::size_t i) {
    if (folded_[i] != nullptr) return *folded_[i];
    const CellRef& cell = cells[i];
    Folded* f = nullptr;
    if (cell.column < kColumnMemo) {
      f = &column_folds_[cell.column];
      if (f->text != cell.text) fold_into(cell.text, *f);
    } else {
      f = &spare_folds_.emplace_back();
      fold_into(cell.text, *f);
    }
    folded_[i] = f;
    return *f;
  }

  // What (r, c) shows: a merged range known so far shows its top-left cell.
  // A cell of this row comes back as its index (its fold is cached).
  std::string_view shown(std::uint32_t r, std::uint32_t c, RowView cells, std::size_t& index) const {
    index = cells.size();
    for (const auto& m : head_.merges())
      if (r >= m.first_row && r <= m.last_row && c >= m.first_column && c <= m.last_column) {
        if (m.first_row != r) return head_.text(m.first_row, m.first_column);
        c = m.first_column;
        break;
      }
    const CellRef* cell = find_cell(cells, c);
    if (cell == nullptr) return {};
    index = static_cast<std::size_t>(cell - cells.data());
    return cell->text;
  }

  bool is_total(std::uint32_t r, RowView cells) {
    for (const std::uint32_t c : {name_col_, 1u, 2u, 3u}) {
      std::size_t index = 0;
      const std::string_view text = shown(r, c, cells, index);
      if (text.empty() || (prefilter_ && !has_letter(text))) continue;
      if (index < cells.size() ? folded(cells, index).total : cat_.total_labels.count(fold(text)) != 0) return true;
    }
    return false;
  }

  // A total row: checked against the rows above, then dropped.
  void check_total() {
    for (const auto& slot : slots_) {
      const Field& f = cat_.fields[slot.field];
      if (!f.is_count) continue;
      const Raw* raw = b_.given(slot.field);
      if (raw == nullptr) continue;
      const Count total = raw->is_number ? count_from_number(raw->number) : parse_count(raw->text);
      if (total.error != CountError::none) continue;
      const std::int64_t sum = b_.sum(slot.field);
      if (total.value != sum) {
        const Place where = b_.place(*raw);
        b_.error("total_mismatch",
                 fmt::format("Dòng tổng cộng: {} ghi {} nhưng cộng các dòng trên được {} (ô {})", f.label, total.value,
                             sum, describe(where)),
                 fmt::format("total row: {} says {} but the rows above add up to {} ({})", f.id, total.value, sum,
                             describe(where)),
                 f.id, std::string(raw->text), where);
      }
    }
  }

  const Catalogue& cat_;
  const Registry& registry_;
  const Submission& sub_;
  const Grid& head_;
  std::string sheet_;
  Builder b_;
  std::vector<Slot> slots_;
  std::uint32_t name_col_ = 0, district_col_ = 0, period_col_ = 0;
  std::set<std::string> districts_seen_, periods_seen_;
  std::string last_district_, last_period_;
  bool period_checked_ = false;
  bool ended_ = false;
  bool prefilter_ = true;
  std::vector<const Folded*> folded_;  // this row's, by cell
  static constexpr std::uint32_t kColumnMemo = 256;
  std::vector<Folded> column_folds_ = std::vector<Folded>(kColumnMemo);
  std::deque<Folded> spare_folds_;  // this row's cells right of the memo
  std::bitset<256> marker_first_, total_first_;  // first bytes of the folded markers and labels
};

// ---------------------------------------------------------------- trees

// "/to_chuc/17/ten" -> ("/to_chuc", 17): the first segment that is an array
// index (0, or 1 to 9 digits without a leading zero) with more after it.
std::optional<std::pair<std::string_view, std::uint32_t>> element_of(std::string_view pointer) {
  std::size_t at = 0;
  while (at < pointer.size() && pointer[at] == '/') {
    const std::size_t start = at + 1;
    const std::size_t end = pointer.find('/', start);
    if (end == std::string_view::npos) return std::nullopt;  // the last segment: nothing after it
    const std::string_view seg = pointer.substr(start, end - start);
    const bool index = !seg.empty() && seg.size() <= 9 && (seg.size() == 1 || seg[0] != '0') &&
                       std::all_of(seg.begin(), seg.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (index) {
      std::uint32_t n = 0;
      std::from_chars(seg.data(), seg.data() + seg.size(), n);
      return std::pair{pointer.substr(0, at), n};
    }
    at = end;
  }
  return std::nullopt;
}

// A tree document (JSON), read as the importer streams it. The array of
// organisations is the one whose elements hold the most values
// ("/to_chuc_co_so_dang/17/ten" -> "/to_chuc_co_so_dang"); that is known only
// at the end, so a first pass counts (keeping nothing else) and a second,
// knowing the array, makes each element a record as soon as it ends. What
// lies outside the array (the district, the period) is checked as it comes.
class TreeReader {
 public:
  TreeReader(const Catalogue& cat, const Registry& registry, const Submission& sub, const Profile* profile,
             std::optional<std::string> array)
      : cat_(cat), registry_(registry), sub_(sub), profile_(profile), array_(std::move(array)), b_(cat, out_) {
    if (!array_) return;
    Layout layout;
    layout.tree = true;
    layout.array = *array_;
    for (const auto& f : cat.fields) {
      layout.fields.push_back(f.id);
      layout.is_count.push_back(f.is_count);
      layout.paths.emplace_back();
    }
    out_.records = RecordSet(std::move(layout));
    out_.records.district = sub.district;
    out_.records.period = sub.period;
    district_field_ = field_index(cat, "district");
    name_field_ = field_index(cat, "org_name");
  }
  TreeReader(const TreeReader&) = delete;
  TreeReader& operator=(const TreeReader&) = delete;

  // Every value of the document, in order. Refuses only a document with
  // more arrays of elements than anyone writes (kMaxArrays).
  sdk::Status scalar(std::string_view pointer, const sdk::ScalarView& v) {
    if (!array_) return count(pointer);
    const std::string_view array = *array_;
    if (pointer.size() > array.size() && pointer.starts_with(array) && pointer[array.size()] == '/') {
      // Inside the array: a value of one of its elements, or of the array itself (left out).
      const auto e = element_of(pointer);
      if (!e || e->first != array) return {};
      if (!in_element_ || e->second != element_) {
        flush();
        in_element_ = true;
        element_ = e->second;
      }
      const std::size_t rel = pointer.find('/', array.size() + 1);  // after the index
      value(pointer, pointer.substr(rel), v);
      return {};
    }
    // Outside the array: the report's own facts.
    const auto segs = segments(pointer);
    if (segs.empty()) return {};
    const Place where{{}, 0, 0, std::string(pointer)};
    const std::string_view text = text_of(v);
    const Field* f = cat_.match_flat(segs.back());
    if (f != nullptr && f->id == "district") check_district_text(registry_, text, sub_, where, true, b_);
    else if (f != nullptr && f->id == "period") check_period_text(text, sub_, where, true, b_);
    else if (registry_.find(text) != nullptr) check_district_text(registry_, text, sub_, where, true, b_);
    return {};
  }

  // After the first pass: the array found, if any.
  std::optional<std::string> array_found() const {
    std::optional<std::string> best;
    std::size_t most = 0;
    for (const auto& [path, c] : arrays_)
      if (c.elements > most) {
        most = c.elements;
        best = path;
      }
    return best;
  }

  // The second pass's records (or, after a first pass that found no array, the refusal).
  Normalised finish() {
    if (!array_) {
      b_.error("no_table", "Không tìm thấy danh sách tổ chức cơ sở đảng trong tài liệu JSON",
               "no array of organisations found in the JSON document", "", "", Place{});
    } else {
      flush();
      b_.total();
    }
    return std::move(out_);
  }

 private:
  // Keys of a pointer's segments, folded: "/dang_vien/nu" -> ("dang vien", "nu").
  static std::vector<std::string> segments(std::string_view rel) {
    std::vector<std::string> found;
    std::size_t start = 1;
    while (start <= rel.size()) {
      const auto slash = rel.find('/', start);
      std::string seg(rel.substr(start, slash == std::string_view::npos ? rel.npos : slash - start));
      // Unescape "~1" and "~0".
      for (std::size_t i = 0; (i = seg.find('~', i)) != std::string::npos; ++i)
        seg.replace(i, 2, i + 1 < seg.size() && seg[i + 1] == '1' ? "/" : "~");
      found.push_back(fold(seg));
      if (slash == std::string_view::npos) break;
      start = slash + 1;
    }
    return found;
  }

  static std::string_view text_of(const sdk::ScalarView& v) {
    if (v.kind == sdk::NodeKind::string || v.kind == sdk::NodeKind::number) return v.text;
    if (v.kind == sdk::NodeKind::boolean) return v.boolean ? "true" : "false";
    return {};
  }

  // First pass: elements holding values, by array.
  struct Count {
    std::size_t elements = 0;
    std::uint32_t last = 0;
  };
  static constexpr std::size_t kMaxArrays = 65536;
  sdk::Status count(std::string_view pointer) {
    const auto e = element_of(pointer);
    if (!e) return {};
    // An element's values come together: the array is most often the one before.
    if (counting_ == nullptr || counting_path_ != e->first) {
      counting_path_.assign(e->first);
      const auto it = arrays_.find(counting_path_);
      if (it == arrays_.end() && arrays_.size() >= kMaxArrays) {
        sdk::Location where;
        where.path = std::string(pointer);
        return {sdk::Code::limit_exceeded,
                fmt::format("the document has more than {} arrays of objects, the import limit", kMaxArrays), where};
      }
      counting_ = it != arrays_.end() ? &it->second : &arrays_[counting_path_];
    }
    if (counting_->elements == 0 || counting_->last != e->second) {
      ++counting_->elements;
      counting_->last = e->second;
    }
    return {};
  }

  // What a key inside an element maps to: read once per distinct path.
  struct Mapping {
    std::size_t field;    // the catalogue's index, or npos
    std::string key;      // the folded segments, for the warning
    bool ignored = false;  // a key the catalogue says to leave out quietly
  };
  const Mapping& mapping(std::string_view rel) {
    if (const auto it = mappings_.find(std::string(rel)); it != mappings_.end()) return it->second;
    if (mappings_.size() > 4096) mappings_.clear();
    const auto segs = segments(rel);
    Mapping m{std::string::npos, {}, false};
    const Field* f = nullptr;
    if (segs.size() == 1) {
      f = match_with(cat_, profile_, "", segs[0]);
    } else if (!segs.empty()) {
      std::string group;
      for (std::size_t i = 0; i + 1 < segs.size(); ++i) group += (group.empty() ? "" : " ") + segs[i];
      f = match_with(cat_, profile_, group, segs.back());
    }
    if (f != nullptr) m.field = field_index(cat_, f->id);
    for (const auto& seg : segs) m.key += "/" + seg;
    m.ignored = !segs.empty() && cat_.ignored.count(segs.back()) != 0;
    return mappings_.emplace(std::string(rel), std::move(m)).first->second;
  }

  // Second pass: one value of the current element.
  void value(std::string_view pointer, std::string_view rel, const sdk::ScalarView& v) {
    const Mapping& m = mapping(rel);
    if (m.field == std::string::npos) {
      if (!m.ignored && warned_.insert(m.key).second)
        b_.warning("unmapped_header", fmt::format("Khóa «{}» không khớp chỉ tiêu nào, bị bỏ qua", rel),
                   fmt::format("key '{}' matches no field and is left out", rel), "", std::string(rel),
                   Place{{}, 0, 0, std::string(pointer)});
      return;
    }
    // The element's texts are its own until it is read: the importer's views last one call.
    const std::string& kept = kept_.emplace_back(pointer);
    const std::string_view kept_pointer = kept;
    const std::string_view kept_rel = kept_pointer.substr(pointer.size() - rel.size());
    const std::string_view text = text_of(v);
    const std::string_view kept_text = text.empty() ? std::string_view() : std::string_view(kept_.emplace_back(text));
    values_[m.field] = {Raw{kept_text, v.kind == sdk::NodeKind::number, v.number, 0, kept_pointer}, kept_rel};
  }

  // The element read so far becomes a record.
  void flush() {
    if (!in_element_) return;
    in_element_ = false;
    const std::string element_path = *array_ + "/" + std::to_string(element_);
    if (const auto d = values_.find(district_field_); d != values_.end())
      check_district_text(registry_, d->second.first.text, sub_, Place{{}, 0, 0, std::string(d->second.first.path)},
                          true, b_);
    const auto name = values_.find(name_field_);
    if (name == values_.end() || trim_view(name->second.first.text).empty()) {
      b_.error("missing_name", fmt::format("Phần tử {} không có tên tổ chức cơ sở đảng", element_path),
               fmt::format("{} has no organisation name", element_path), "org_name", "", Place{{}, 0, 0, element_path});
    } else {
      Layout& l = out_.records.layout();
      b_.begin();
      b_.at_element(element_path);
      own_.clear();
      for (const auto& [f, value] : values_) {
        b_.set(f, value.first);
        if (l.paths[f].empty()) l.paths[f] = std::string(value.second);
        else if (l.paths[f] != value.second) own_.emplace_back(static_cast<std::uint32_t>(f), value.second);
      }
      b_.build(element_, nullptr, own_);
    }
    values_.clear();
    kept_.clear();
  }

  const Catalogue& cat_;
  const Registry& registry_;
  const Submission& sub_;
  const Profile* profile_;
  std::optional<std::string> array_;  // known: the second pass
  Normalised out_;
  Builder b_;  // into out_
  // First pass.
  std::map<std::string, Count> arrays_;
  std::string counting_path_;
  Count* counting_ = nullptr;
  // Second pass.
  std::size_t district_field_ = 0, name_field_ = 0;
  std::unordered_map<std::string, Mapping> mappings_;
  std::set<std::string> warned_;
  bool in_element_ = false;
  std::uint32_t element_ = 0;
  std::map<std::size_t, std::pair<Raw, std::string_view>> values_;  // field -> (raw, path inside the element)
  std::deque<std::string> kept_;
  std::vector<std::pair<std::uint32_t, std::string_view>> own_;
};

// ---------------------------------------------------------------- the reader

class DocumentReader final : public Reader {
 public:
  DocumentReader(const Catalogue& cat, const Registry& registry, Submission sub, const Profile* profile,
                 FirstPass known)
      : cat_(cat), registry_(registry), sub_(std::move(sub)), profile_(profile), known_(std::move(known)) {}
  ~DocumentReader() override { stop_worker(); }  // an importer that stopped half-way

  sdk::Status property(std::string_view, std::string_view) override { return {}; }

  sdk::Status begin_sheet(std::string_view name) override {
    end_current();
    ++sheet_index_;
    head_ = std::make_unique<sdk::Sheet>();
    head_->name = std::string(name);
    if (static_cast<std::size_t>(sheet_index_) < known_.merges.size()) head_->merges = known_.merges[sheet_index_];
    skip_ = profile_ != nullptr && !profile_->sheet.empty() && fold(name) != fold(profile_->sheet);
    streaming_ = false;
    rows_in_head_ = 0;
    last_row_ = 0;
    in_sheet_ = true;
    return {};
  }

  sdk::Status cell(const sdk::CellView& c) override {
    if (!in_sheet_ || skip_) return {};
    const bool new_row = c.row != last_row_;
    if (!streaming_) {
      if (new_row) {
        if (head_->cells.size() >= kHeadCells && rows_in_head_ > 60) {
          start_streaming();
        } else {
          ++rows_in_head_;
          last_row_ = c.row;
        }
      }
      if (!streaming_) {
        head_->cells.push_back(sdk::Cell{c.row, c.column, c.type, std::string(c.text), c.number, std::string(c.font),
                                         std::string(c.number_format)});
        return {};
      }
    }
    if (!table_) return {};
    if (c.row != last_row_) {
      end_row();
      last_row_ = c.row;
      batch_->rows.push_back({c.row, batch_->cells.size(), true});
    } else if (!batch_->cells.empty() && c.column <= batch_->cells.back().column) {
      batch_->rows.back().ordered = false;  // the worker sorts it
    }
    std::string_view text = c.text;
    std::optional<std::string> decoded;
    if (c.type == sdk::CellType::text && !text.empty()) {
      if (c.font != font_) {
        font_ = std::string(c.font);
        vn_font_ = is_vn_font(c.font);
      }
      if ((decoded = tcvn3_text(text, vn_font_, c.font))) text = *decoded;
    }
    batch_->cells.push_back(CellRef{c.column, batch_->keep(text), c.type == sdk::CellType::number, c.number});
    return {};
  }

  sdk::Status merged(const sdk::MergedRange& r) override {
    if (!in_sheet_ || skip_) return {};
    if (static_cast<std::size_t>(sheet_index_) < known_.merges.size()) return {};  // known from the first pass
    if (head_->merges.size() >= kMaxMerges)
      return {sdk::Code::limit_exceeded,
              fmt::format("sheet '{}' has more than {} merged ranges, the import limit", head_->name, kMaxMerges)};
    head_->merges.push_back(r);
    return {};
  }

  sdk::Status end_sheet() override {
    end_current();
    return {};
  }

  sdk::Status begin_tree() override {
    tree_ = std::make_unique<TreeReader>(cat_, registry_, sub_, profile_, known_.array);
    return {};
  }
  sdk::Status begin_container(std::string_view, sdk::NodeKind) override { return {}; }
  sdk::Status scalar(std::string_view pointer, const sdk::ScalarView& v) override {
    return tree_ ? tree_->scalar(pointer, v) : sdk::Status{};
  }
  sdk::Status end_container(std::string_view) override { return {}; }
  sdk::Status end_tree() override { return {}; }

  bool needs_second_pass() const override {
    return second_pass_ || (tree_ && !known_.array && tree_->array_found().has_value());
  }
  FirstPass learned() const override {
    return FirstPass{merges_seen_, tree_ && !known_.array ? tree_->array_found() : known_.array};
  }

  Normalised finish() override {
    end_current();
    Normalised out;
    if (tree_) {
      out = tree_->finish();
      tree_.reset();
    } else if (!best_header_.valid() || !best_) {
      Builder b(cat_, out);
      b.error("no_table", "Không tìm thấy bảng số liệu: cần một dòng tiêu đề có cột tên tổ chức cơ sở đảng và các chỉ tiêu",
              "no table found: a header row with the organisation's name and the indicators is needed", "", "", Place{});
    } else {
      out = std::move(*best_);
    }
    if (out.records.empty() && out.errors.empty())
      out.errors.push_back(Issue{"no_records", "Báo cáo không có tổ chức cơ sở đảng nào / the return has no organisations",
                                 "", "", Place{}});
    return out;
  }

 private:
  static constexpr std::size_t kMaxMerges = 65536;

  // Rows on their way to the worker: their cells, whose texts are kept in
  // the batch's own buffer.
  struct Batch {
    struct Row {
      std::uint32_t row;
      std::size_t first;  // its first cell
      bool ordered;       // its cells came left to right, each column once
    };
    std::vector<Row> rows;
    std::vector<CellRef> cells;
    std::string text;

    Batch() { text.reserve(kBatchText); }
    // A copy of `s` in the buffer. When the buffer must grow, the cells
    // already in it are moved along.
    std::string_view keep(std::string_view s) {
      if (text.size() + s.size() > text.capacity()) {
        const char* old = text.data();
        text.reserve(std::max(2 * text.capacity(), text.size() + s.size()));
        for (auto& c : cells) c.text = std::string_view(text.data() + (c.text.data() - old), c.text.size());
      }
      const std::size_t at = text.size();
      text.append(s);
      return std::string_view(text.data() + at, s.size());
    }
    void clear() {
      rows.clear();
      cells.clear();
      text.clear();
    }
  };
  static constexpr std::size_t kBatchRows = 64, kBatchesAhead = 8, kBatchText = 64 * 1024;

  // A large sheet's rows are read into records on a worker thread while the
  // importer goes on parsing: two cores for one return.
  void start_worker() {
    stop_worker_ = false;
    for (std::size_t i = 0; i < kBatchesAhead + 1; ++i) free_.push_back(std::make_unique<Batch>());
    batch_ = take_free();
    worker_ = std::thread([this] { work(); });
  }

  std::unique_ptr<Batch> take_free() {
    std::unique_lock lock(queue_mutex_);
    queue_changed_.wait(lock, [&] { return !free_.empty(); });
    auto b = std::move(free_.back());
    free_.pop_back();
    return b;
  }

  void end_row() {
    if (batch_->rows.size() < kBatchRows) return;
    hand_over();
  }

  void hand_over() {
    if (batch_->rows.empty()) return;
    {
      std::lock_guard lock(queue_mutex_);
      ready_.push_back(std::move(batch_));
    }
    queue_changed_.notify_all();
    batch_ = take_free();
  }

  void stop_worker() {
    if (!worker_.joinable()) return;
    hand_over();
    {
      std::lock_guard lock(queue_mutex_);
      stop_worker_ = true;
    }
    queue_changed_.notify_all();
    worker_.join();
    free_.clear();
    ready_.clear();
    batch_.reset();
  }

  void work() {
    RowCells row;
    for (;;) {
      std::unique_ptr<Batch> b;
      {
        std::unique_lock lock(queue_mutex_);
        queue_changed_.wait(lock, [&] { return !ready_.empty() || stop_worker_; });
        if (ready_.empty()) return;
        b = std::move(ready_.front());
        ready_.pop_front();
      }
      for (std::size_t i = 0; i < b->rows.size(); ++i) {
        const std::size_t first = b->rows[i].first;
        const std::size_t end = i + 1 < b->rows.size() ? b->rows[i + 1].first : b->cells.size();
        const RowView cells(b->cells.data() + first, end - first);
        if (b->rows[i].ordered) {
          table_->row(b->rows[i].row, cells);
          continue;
        }
        row.assign(cells.begin(), cells.end());
        std::stable_sort(row.begin(), row.end(), [](const CellRef& x, const CellRef& y) { return x.column < y.column; });
        // Of two cells in one column, the later wins.
        const auto last = std::unique(row.rbegin(), row.rend(),
                                      [](const CellRef& x, const CellRef& y) { return x.column == y.column; });
        row.erase(row.begin(), last.base());
        table_->row(b->rows[i].row, row);
      }
      b->clear();
      {
        std::lock_guard lock(queue_mutex_);
        free_.push_back(std::move(b));
      }
      queue_changed_.notify_all();
    }
  }

  // The sheet's first rows are in: find its header, and read on as a stream
  // if it is the best so far.
  void start_streaming() {
    streaming_ = true;
    head_grid_ = std::make_unique<Grid>(*head_);
    used_ = find_header(*head_grid_, cat_, profile_);
    if (used_.better_than(best_header_)) {
      current_ = std::make_unique<Normalised>();
      if (used_.valid()) {
        table_ = std::make_unique<Table>(cat_, registry_, sub_, used_, *head_grid_, *current_);
        table_->rows_below_header(*head_grid_, used_.row);
        start_worker();
      }
    }
  }

  void end_current() {
    if (!in_sheet_) return;
    in_sheet_ = false;
    if (skip_) return;
    if (merges_seen_.size() <= static_cast<std::size_t>(sheet_index_)) merges_seen_.resize(sheet_index_ + 1);
    merges_seen_[sheet_index_] = head_->merges;
    if (!streaming_) {
      // Small enough to read whole, merged ranges included.
      Grid g(*head_);
      Header h = find_header(g, cat_, profile_);
      if (h.better_than(best_header_)) {
        auto result = std::make_unique<Normalised>();
        if (h.valid()) {
          Table t(cat_, registry_, sub_, h, g, *result);
          t.rows_below_header(g, h.row);
        }
        best_header_ = std::move(h);
        best_ = std::move(result);
      }
    } else {
      stop_worker();
      if (current_) {
        best_header_ = used_;
        best_ = std::move(current_);
      }
      // Found again with every merged range: if that reads differently, the
      // first pass was wrong about this sheet.
      const Grid with_merges(*head_);
      const Header again = find_header(with_merges, cat_, profile_);
      if (!again.same_as(used_)) second_pass_ = true;
      table_.reset();
      head_grid_.reset();
    }
    head_.reset();
  }

  const Catalogue& cat_;
  const Registry& registry_;
  Submission sub_;
  const Profile* profile_;
  FirstPass known_;

  int sheet_index_ = -1;
  bool in_sheet_ = false, skip_ = false, streaming_ = false;
  std::unique_ptr<sdk::Sheet> head_;
  std::size_t rows_in_head_ = 0;
  std::uint32_t last_row_ = 0;
  std::unique_ptr<Grid> head_grid_;
  Header used_;
  std::unique_ptr<Table> table_;
  std::unique_ptr<Normalised> current_;
  std::unique_ptr<Batch> batch_;
  std::deque<std::unique_ptr<Batch>> ready_;
  std::vector<std::unique_ptr<Batch>> free_;
  std::mutex queue_mutex_;
  std::condition_variable queue_changed_;
  bool stop_worker_ = false;
  std::thread worker_;
  std::string font_;
  bool vn_font_ = false;

  Header best_header_;
  std::unique_ptr<Normalised> best_;
  std::vector<std::vector<sdk::MergedRange>> merges_seen_;
  bool second_pass_ = false;

  std::unique_ptr<TreeReader> tree_;  // a tree document
};

}  // namespace

Issue unreadable(const sdk::Status& s) {
  return Issue{std::string(sdk::code_name(s.code())), "Không đọc được tệp / the file cannot be read: " + s.message(), "",
               "", Place{s.where().sheet, s.where().row, s.where().column, s.where().path}};
}

std::unique_ptr<Reader> Normaliser::reader(const Submission& submission, const Profile* profile,
                                           FirstPass known) const {
  return std::make_unique<DocumentReader>(catalogue_, registry_, submission, profile, std::move(known));
}

sdk::Status replay(const sdk::Document& doc, sdk::DocumentSink& sink) {
  for (const auto& p : doc.properties)
    if (auto s = sink.property(p.key, p.value); !s.ok()) return s;
  if (doc.is_tree) {
    if (auto s = sink.begin_tree(); !s.ok()) return s;
    for (const auto& v : doc.tree)
      if (auto s = sink.scalar(v.pointer, sdk::ScalarView{v.kind, v.boolean, v.number, v.text}); !s.ok()) return s;
    return sink.end_tree();
  }
  for (const auto& sheet : doc.sheets) {
    if (auto s = sink.begin_sheet(sheet.name); !s.ok()) return s;
    // Row by row, left to right, as importers give them.
    std::vector<const sdk::Cell*> cells;
    cells.reserve(sheet.cells.size());
    for (const auto& c : sheet.cells) cells.push_back(&c);
    std::stable_sort(cells.begin(), cells.end(), [](const sdk::Cell* a, const sdk::Cell* b) {
      return a->row != b->row ? a->row < b->row : a->column < b->column;
    });
    for (const auto* c : cells)
      if (auto s = sink.cell(sdk::CellView{c->row, c->column, c->type, c->text, c->number, c->font, c->number_format});
          !s.ok())
        return s;
    for (const auto& m : sheet.merges)
      if (auto s = sink.merged(m); !s.ok()) return s;
    if (auto s = sink.end_sheet(); !s.ok()) return s;
  }
  return {};
}

Normalised Normaliser::normalise(const sdk::Document& document, const Submission& submission,
                                 const Profile* profile) const {
  // A reader refuses only what passes its own limits: that is the result then.
  auto refused = [](const sdk::Status& s) {
    Normalised out;
    out.errors.push_back(unreadable(s));
    return out;
  };
  auto first = reader(submission, profile);
  if (const auto s = replay(document, *first); !s.ok()) return refused(s);
  if (!first->needs_second_pass()) return first->finish();
  auto second = reader(submission, profile, first->learned());
  if (const auto s = replay(document, *second); !s.ok()) return refused(s);
  return second->finish();
}

void Normaliser::compare_with_previous(Normalised& result, const RecordSet& previous) const {
  if (previous.empty()) return;
  auto members_index = [](const RecordSet& s) {
    const auto& f = s.layout().fields;
    return static_cast<std::uint32_t>(std::find(f.begin(), f.end(), "members_total") - f.begin());
  };
  auto members = [](const CompactRecord& r, std::uint32_t field) -> std::optional<std::int64_t> {
    for (const auto& [f, v] : r.values)
      if (f == field) return v;
    return std::nullopt;
  };
  CompactRecord c;
  const std::uint32_t before_field = members_index(previous);
  std::unordered_map<std::string, std::optional<std::int64_t>> before;
  before.reserve(previous.size());
  for (std::size_t i = 0; i < previous.size(); ++i) {
    previous.get(i, c);
    before[fold(c.org_name)] = members(c, before_field);
  }
  std::unordered_map<std::string, bool> present;
  present.reserve(result.records.size());
  const std::uint32_t now_field = members_index(result.records);
  for (std::size_t i = 0; i < result.records.size(); ++i) {
    result.records.get(i, c);
    const std::string key = fold(c.org_name);
    present[key] = true;
    const auto it = before.find(key);
    const auto mt = members(c, now_field);
    if (it == before.end() || !mt || !it->second || *it->second == 0) continue;
    const std::int64_t old = *it->second;
    const double change = 100.0 * static_cast<double>(*mt - old) / static_cast<double>(old);
    if (change > catalogue_.members_change_above || change < -catalogue_.members_change_above) {
      const Record r = result.records.at(i);
      const auto place = r.provenance.count("members_total") ? r.provenance.at("members_total") : r.where;
      result.warnings.push_back(Issue{
          "members_changed",
          fmt::format("{}: {} đảng viên, kỳ trước {} ({:+.0f}%) / {}: members_total {} against {} last period ({:+.0f}%)",
                      r.org_name, *mt, old, change, r.org_name, *mt, old, change),
          "members_total", std::to_string(*mt), place});
    }
  }
  for (std::size_t i = 0; i < previous.size(); ++i) {
    previous.get(i, c);
    if (!present.count(fold(c.org_name)))
      result.warnings.push_back(Issue{"organisation_missing",
                                      fmt::format("«{}» có ở kỳ {} nhưng không có trong báo cáo này / {} was in the {} "
                                                  "return and is missing from this one",
                                                  c.org_name, previous.period, c.org_name, previous.period),
                                      "org_name", std::string(c.org_name), Place{}});
  }
}

}  // namespace tonghop::normalise
