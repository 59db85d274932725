#include "normalise/normaliser.hpp"

#include <algorithm>
#include <optional>
#include <regex>
#include <set>

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

// A raw value before it is read: the text as shown and, for number cells, the number.
struct Raw {
  std::string text;
  bool is_number = false;
  double number = 0;
  Place where;
};

std::string describe(const Place& p) {
  if (!p.path.empty()) return p.path;
  std::string s;
  if (!p.sheet.empty()) s += p.sheet + "!";
  return s + column_name(p.column) + std::to_string(p.row);
}

// Builds records from raw values, field by field, collecting errors.
class Builder {
 public:
  Builder(const Catalogue& c, const Submission& s, Normalised& out) : cat_(c), sub_(s), out_(out) {}

  void error(std::string code, std::string vi, std::string en, std::string field, std::string value, Place where) {
    out_.errors.push_back(Issue{std::move(code), vi + " / " + en, std::move(field), std::move(value), std::move(where)});
  }
  void warning(std::string code, std::string vi, std::string en, std::string field, std::string value, Place where) {
    out_.warnings.push_back(Issue{std::move(code), vi + " / " + en, std::move(field), std::move(value), std::move(where)});
  }

  // One organisation: field id -> raw value. Its errors go to the result;
  // the record is returned all the same (a refused return stores nothing).
  Record build(const std::map<std::string, Raw>& values, const Place& where) {
    Record r;
    r.district = sub_.district;
    r.period = sub_.period;
    r.where = where;
    for (const auto& [id, raw] : values) {
      const Field* f = cat_.field(id);
      if (f == nullptr) continue;
      r.provenance[id] = raw.where;
      if (f->is_count) {
        Count c = raw.is_number ? count_from_number(raw.number) : parse_count(raw.text);
        if (c.error == CountError::empty) {
          r.provenance.erase(id);
          continue;
        }
        if (c.error != CountError::none) {
          const std::string label = f->label;
          if (c.error == CountError::negative)
            error("negative", fmt::format("Số liệu «{}» ở ô {} ({}) là số âm", raw.text, describe(raw.where), label),
                  fmt::format("'{}' at {} ({}) is negative", raw.text, describe(raw.where), id), id, raw.text, raw.where);
          else if (c.error == CountError::fractional)
            error("not_whole", fmt::format("Số liệu «{}» ở ô {} ({}) phải là số nguyên", raw.text, describe(raw.where), label),
                  fmt::format("'{}' at {} ({}) is not a whole number", raw.text, describe(raw.where), id), id, raw.text,
                  raw.where);
          else
            error("not_a_number", fmt::format("Giá trị «{}» ở ô {} ({}) không phải là số", raw.text, describe(raw.where), label),
                  fmt::format("'{}' at {} ({}) is not a number", raw.text, describe(raw.where), id), id, raw.text,
                  raw.where);
          continue;
        }
        r.counts[id] = c.value;
        continue;
      }
      const std::string text = trim(raw.text);
      if (text.empty()) continue;
      if (id == "org_name") r.org_name = text;
      else if (id == "org_kind") {
        if (auto k = cat_.org_kind(text)) r.org_kind = *k;
        else
          error("unknown_kind", fmt::format("Loại hình «{}» ở ô {} không rõ (ĐB hoặc CB)", text, describe(raw.where)),
                fmt::format("organisation kind '{}' at {} is neither a party committee nor a cell", text, describe(raw.where)),
                id, text, raw.where);
      } else if (id == "org_rating") {
        if (auto k = cat_.rating(text)) r.org_rating = *k;
        else
          error("unknown_rating", fmt::format("Xếp loại «{}» ở ô {} không đúng mức nào", text, describe(raw.where)),
                fmt::format("rating '{}' at {} is not one of the four ratings", text, describe(raw.where)), id, text,
                raw.where);
      } else if (id == "org_sector") {
        r.org_sector = text;
      }
    }
    if (r.org_kind.empty()) {
      // From the name: "Đảng bộ ..." or "Chi bộ ...".
      const std::string f = fold(r.org_name);
      if (f.rfind("dang bo", 0) == 0) r.org_kind = "party_committee";
      else if (f.rfind("chi bo", 0) == 0) r.org_kind = "party_cell";
      else r.org_kind = r.counts.count("cells_total") && r.counts["cells_total"] > 0 ? "party_committee" : "party_cell";
    }
    if (r.org_sector.empty()) r.org_sector = cat_.sector_from_name(r.org_name);
    check_rules(r);
    return r;
  }

  static std::string trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
    return std::string(s);
  }

 private:
  void check_rules(const Record& r) {
    auto has = [&](const std::string& id) { return r.counts.count(id) > 0; };
    auto val = [&](const std::string& id) { return r.counts.at(id); };
    auto label = [&](const std::string& id) { return cat_.field(id)->label; };
    auto place = [&](const std::string& id) {
      const auto it = r.provenance.find(id);
      return it != r.provenance.end() ? it->second : r.where;
    };
    for (const auto& rule : cat_.rules) {
      if (!has(rule.whole)) continue;
      const std::int64_t whole = val(rule.whole);
      if (rule.kind == Rule::Kind::at_most) {
        for (const auto& p : rule.parts)
          if (has(p) && val(p) > whole)
            error("part_exceeds_whole",
                  fmt::format("{}: {} ({}) lớn hơn {} ({}) ở ô {}", r.org_name, label(p), val(p), label(rule.whole), whole,
                              describe(place(p))),
                  fmt::format("{}: {} ({}) exceeds {} ({}) at {}", r.org_name, p, val(p), rule.whole, whole,
                              describe(place(p))),
                  p, std::to_string(val(p)), place(p));
        continue;
      }
      std::int64_t sum = 0;
      bool all = true;
      for (const auto& p : rule.parts) {
        if (has(p)) sum += val(p);
        else all = false;
      }
      std::string names;
      for (const auto& p : rule.parts) names += (names.empty() ? "" : " + ") + p;
      if (rule.kind == Rule::Kind::sum_at_most && sum > whole)
        error("parts_exceed_whole",
              fmt::format("{}: tổng các mức xếp loại ({}) lớn hơn {} ({}) ở ô {}", r.org_name, sum, label(rule.whole), whole,
                          describe(place(rule.whole))),
              fmt::format("{}: {} = {} exceeds {} ({})", r.org_name, names, sum, rule.whole, whole), rule.whole,
              std::to_string(whole), place(rule.whole));
      if (rule.kind == Rule::Kind::sum_equals && sum != whole && std::any_of(rule.parts.begin(), rule.parts.end(), has))
        error("parts_differ_from_whole",
              fmt::format("{}: tổng các mức ({}) khác {} ({}) ở ô {}", r.org_name, sum, label(rule.whole), whole,
                          describe(place(rule.whole))),
              fmt::format("{}: {} = {} differs from {} ({})", r.org_name, names, sum, rule.whole, whole), rule.whole,
              std::to_string(whole), place(rule.whole));
      if (rule.kind == Rule::Kind::sum_equals_when_all && all && sum != whole)
        error("parts_differ_from_whole",
              fmt::format("{}: tổng chi bộ các loại ({}) khác {} ({}) ở ô {}", r.org_name, sum, label(rule.whole), whole,
                          describe(place(rule.whole))),
              fmt::format("{}: {} = {} differs from {} ({})", r.org_name, names, sum, rule.whole, whole), rule.whole,
              std::to_string(whole), place(rule.whole));
    }
    if (r.org_kind == "party_cell" && has("cells_total") && val("cells_total") > 0)
      error("cell_with_subordinates",
            fmt::format("{} là chi bộ cơ sở nhưng có {} chi bộ trực thuộc (ô {})", r.org_name, val("cells_total"),
                        describe(place("cells_total"))),
            fmt::format("{} is a party cell but has {} subordinate cells", r.org_name, val("cells_total")), "cells_total",
            std::to_string(val("cells_total")), place("cells_total"));
    if (has("admitted") && has("members_total") && val("members_total") > 0 &&
        static_cast<double>(val("admitted")) > cat_.admitted_share_above / 100.0 * static_cast<double>(val("members_total")))
      warning("admitted_high",
              fmt::format("{}: kết nạp {} đảng viên, trên {}% số đảng viên ({})", r.org_name, val("admitted"),
                          cat_.admitted_share_above, val("members_total")),
              fmt::format("{}: {} admitted, above {}% of {} members", r.org_name, val("admitted"), cat_.admitted_share_above,
                          val("members_total")),
              "admitted", std::to_string(val("admitted")), place("admitted"));
  }

  const Catalogue& cat_;
  const Submission& sub_;
  Normalised& out_;
};

// ---------------------------------------------------------------- tables

struct Grid {
  const sdk::Sheet* sheet = nullptr;
  std::map<std::uint32_t, std::map<std::uint32_t, const sdk::Cell*>> rows;
  std::map<const sdk::Cell*, std::string> decoded;  // TCVN3 text, decoded

  std::string text(std::uint32_t r, std::uint32_t c) const {
    const auto row = rows.find(r);
    if (row == rows.end()) return {};
    const auto it = row->second.find(c);
    if (it == row->second.end()) return {};
    const auto d = decoded.find(it->second);
    return d != decoded.end() ? d->second : it->second->text;
  }
  const sdk::Cell* cell(std::uint32_t r, std::uint32_t c) const {
    const auto row = rows.find(r);
    if (row == rows.end()) return nullptr;
    const auto it = row->second.find(c);
    return it == row->second.end() ? nullptr : it->second;
  }
  const sdk::MergedRange* merge_at(std::uint32_t r, std::uint32_t c) const {
    for (const auto& m : sheet->merges)
      if (r >= m.first_row && r <= m.last_row && c >= m.first_column && c <= m.last_column) return &m;
    return nullptr;
  }
  // The text shown at (r, c): a merged range shows its top-left cell's text.
  std::string shown(std::uint32_t r, std::uint32_t c) const {
    if (const auto* m = merge_at(r, c)) return text(m->first_row, m->first_column);
    return text(r, c);
  }
};

Grid make_grid(const sdk::Sheet& sheet) {
  Grid g;
  g.sheet = &sheet;
  for (const auto& c : sheet.cells) {
    g.rows[c.row][c.column] = &c;
    if (c.type != sdk::CellType::text) continue;
    const bool vn_font = c.font.size() > 3 && fold(c.font).rfind("vn", 0) == 0;
    if (vn_font || looks_like_tcvn3(c.text)) {
      const bool capitals = vn_font && !c.font.empty() && (c.font.back() == 'H' || c.font.back() == 'h');
      if (auto d = decode_tcvn3(c.text, capitals)) g.decoded[&c] = *d;
    }
  }
  return g;
}

struct Header {
  std::uint32_t row = 0;     // the last header row
  bool grouped = false;      // a group row above it
  std::map<std::uint32_t, const Field*> columns;
  std::vector<std::pair<std::uint32_t, std::string>> unmapped;
  int score = 0;
};

// The field a profile names for a header, or the catalogue's.
const Field* match_with(const Catalogue& cat, const Profile* profile, const std::string& fg, const std::string& fs) {
  if (profile != nullptr) {
    for (const std::string& key : {fg.empty() ? fs : (fs.empty() ? fg : fg + " " + fs), fs}) {
      const auto it = profile->headers.find(key);
      if (!key.empty() && it != profile->headers.end()) return cat.field(it->second);
    }
  }
  return cat.match(fg, fs);
}

Header read_header(const Grid& g, std::uint32_t r, bool grouped, const Catalogue& cat, const Profile* profile) {
  Header h;
  h.row = r;
  h.grouped = grouped;
  std::set<std::uint32_t> cols;
  for (const auto& [c, _] : g.rows.at(r)) cols.insert(c);
  if (grouped && g.rows.count(r - 1))
    for (const auto& [c, _] : g.rows.at(r - 1)) cols.insert(c);
  for (const auto& m : g.sheet->merges)
    if (m.first_row <= r && m.last_row >= (grouped ? r - 1 : r))
      for (std::uint32_t c = m.first_column; c <= m.last_column; ++c) cols.insert(c);
  std::set<const Field*> seen;
  for (const std::uint32_t c : cols) {
    std::string group, sub;
    const auto* m = g.merge_at(r, c);
    const bool vertical = m != nullptr && m->first_row < r;  // a header merged down from above
    if (grouped) {
      group = g.shown(r - 1, c);
      sub = vertical ? std::string() : g.text(r, c);
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
      const std::string shown = group.empty() ? sub : (sub.empty() ? group : group + " / " + sub);
      static const std::regex column_number(R"(\d{1,3})");
      if (!cat.ignored.count(fs) && !cat.ignored.count(fg) && !std::regex_match(fs, column_number))
        h.unmapped.emplace_back(c, shown);
    }
  }
  h.score = static_cast<int>(seen.size());
  return h;
}

bool is_numbering_row(const Grid& g, std::uint32_t r) {
  const auto it = g.rows.find(r);
  if (it == g.rows.end()) return false;
  static const std::regex numbering(R"(\(?\s*\d{1,3}\s*\)?)");
  int numbered = 0, total = 0;
  long last = 0;
  bool increasing = true;
  for (const auto& [c, cell] : it->second) {
    const std::string t = Builder::trim(g.text(r, c));
    if (t.empty()) continue;
    ++total;
    if (!std::regex_match(t, numbering)) continue;
    ++numbered;
    long n = 0;
    for (const char ch : t)
      if (ch >= '0' && ch <= '9') n = n * 10 + (ch - '0');
    if (n <= last) increasing = false;
    last = n;
  }
  return total >= 3 && numbered == total && increasing;
}

}  // namespace

namespace {

void check_district_text(const Registry& registry, const std::string& text, const Submission& sub, const Place& where,
                         bool whole_text, Builder& b) {
  const District* d = whole_text ? registry.find(text) : registry.find_in(text);
  if (d == nullptr) {
    if (whole_text && !Builder::trim(text).empty())
      b.error("unknown_district", fmt::format("Không có đơn vị «{}» trong danh sách đảng bộ huyện ({})", text, describe(where)),
              fmt::format("'{}' at {} is not a district of the registry", text, describe(where)), "district", text, where);
    return;
  }
  if (d->name != sub.district)
    b.error("district_mismatch",
            fmt::format("Báo cáo ghi đơn vị «{}» ({}) nhưng được gửi cho {}", text, describe(where), sub.district),
            fmt::format("the return names '{}' at {}, but was sent for {}", text, describe(where), sub.district), "district",
            text, where);
}

// `text` names a period (a title such as "… NĂM 2018"), or is one (a value the
// catalogue's `period` field names, "2018"): it must be the submission's.
void check_period_text(const std::string& text, const Submission& sub, const Place& where, bool is_value, Builder& b) {
  // A title only counts where it names a period: "năm 2018", "6 tháng đầu năm 2012", "quý 3".
  static const std::regex names_period(R"(\b(nam|quy|thang) \w+)");
  if (!is_value && !std::regex_search(fold(text), names_period)) return;
  const auto p = parse_period(text);
  if (!p) {
    if (is_value && !Builder::trim(text).empty())
      b.error("unknown_period", fmt::format("Kỳ báo cáo «{}» ({}) không rõ", text, describe(where)),
              fmt::format("'{}' at {} is not a period", text, describe(where)), "period", text, where);
    return;
  }
  if (*p != sub.period && p->substr(0, 4) != sub.period.substr(0, 4))
    b.error("period_mismatch", fmt::format("Báo cáo ghi kỳ «{}» ({}) nhưng được gửi cho kỳ {}", text, describe(where), sub.period),
            fmt::format("the return names the period '{}' at {}, but was sent for {}", text, describe(where), sub.period),
            "period", text, where);
}

void normalise_table(const sdk::Document& doc, const Catalogue& cat, const Registry& registry, const Submission& sub,
                     const Profile* profile, Normalised& out) {
  Builder b(cat, sub, out);
  // Find the best header over all sheets: the instructions sheet scores nothing.
  std::optional<Grid> best_grid;
  Header best;
  for (const auto& sheet : doc.sheets) {
    if (profile != nullptr && !profile->sheet.empty() && fold(sheet.name) != fold(profile->sheet)) continue;
    Grid g = make_grid(sheet);
    int rows_seen = 0;
    for (const auto& [r, _] : g.rows) {
      if (++rows_seen > 60) break;
      if (profile != nullptr && profile->header_row != 0 && r != profile->header_row) continue;
      for (const bool grouped : {false, true}) {
        if (grouped && !g.rows.count(r - 1)) continue;
        if (profile != nullptr && profile->header_row != 0 && grouped != (profile->header_rows == 2)) continue;
        Header h = read_header(g, r, grouped, cat, profile);
        if (h.score > best.score || (h.score == best.score && grouped && !best.grouped && h.score > 0)) {
          best = std::move(h);
          best_grid = g;
        }
      }
    }
  }
  const bool has_name = std::any_of(best.columns.begin(), best.columns.end(),
                                    [](const auto& kv) { return kv.second->id == "org_name"; });
  if (!best_grid || best.score < 3 || !has_name) {
    b.error("no_table", "Không tìm thấy bảng số liệu: cần một dòng tiêu đề có cột tên tổ chức cơ sở đảng và các chỉ tiêu",
            "no table found: a header row with the organisation's name and the indicators is needed", "", "", Place{});
    return;
  }
  const Grid& g = *best_grid;
  const std::string& sheet_name = g.sheet->name;
  for (const auto& [c, text] : best.unmapped)
    b.warning("unmapped_header", fmt::format("Cột {} «{}» không khớp chỉ tiêu nào, bị bỏ qua", column_name(c), text),
              fmt::format("column {} '{}' matches no field and is left out", column_name(c), text), "", text,
              Place{sheet_name, best.row, c, {}});

  // Title rows above the header: the district and the period they name.
  const std::uint32_t header_top = best.grouped ? best.row - 1 : best.row;
  for (const auto& [r, cells] : g.rows) {
    if (r >= header_top) break;
    for (const auto& [c, cell] : cells) {
      const std::string t = g.text(r, c);
      const Place where{sheet_name, r, c, {}};
      check_district_text(registry, t, sub, where, false, b);
      check_period_text(t, sub, where, false, b);
    }
  }

  std::uint32_t name_col = 0, district_col = 0, period_col = 0;
  for (const auto& [c, f] : best.columns) {
    if (f->id == "org_name") name_col = c;
    if (f->id == "district") district_col = c;
    if (f->id == "period") period_col = c;
  }
  std::vector<Record> records;
  std::map<std::string, std::int64_t> sums;
  std::set<std::string> districts_seen, periods_seen;
  auto is_total = [&](std::uint32_t r) {
    for (std::uint32_t c : {name_col, 1u, 2u, 3u}) {
      const std::string f = fold(g.shown(r, c));
      if (!f.empty() && cat.total_labels.count(f)) return true;
    }
    return false;
  };
  auto is_end = [&](std::uint32_t r) {
    for (const auto& [c, _] : g.rows.at(r)) {
      const std::string f = fold(g.text(r, c));
      for (const auto& m : cat.end_markers)
        if (f.rfind(m, 0) == 0) return true;
    }
    return false;
  };
  auto raw_at = [&](std::uint32_t r, std::uint32_t c) {
    Raw raw;
    raw.where = Place{sheet_name, r, c, {}};
    if (const sdk::Cell* cell = g.cell(r, c)) {
      raw.text = g.text(r, c);
      raw.is_number = cell->type == sdk::CellType::number;
      raw.number = cell->number;
    }
    return raw;
  };

  for (auto it = g.rows.upper_bound(best.row); it != g.rows.end(); ++it) {
    const std::uint32_t r = it->first;
    if (is_numbering_row(g, r)) continue;
    if (is_end(r)) break;
    std::map<std::string, Raw> values;
    bool any_count = false;
    for (const auto& [c, f] : best.columns) {
      Raw raw = raw_at(r, c);
      if (raw.text.empty() && !raw.is_number) continue;
      if (f->is_count) any_count = true;
      values[f->id] = std::move(raw);
    }
    if (is_total(r)) {
      // Checked against the rows above, then dropped.
      for (const auto& [c, f] : best.columns) {
        if (!f->is_count) continue;
        Raw raw = raw_at(r, c);
        if (raw.text.empty() && !raw.is_number) continue;
        const Count total = raw.is_number ? count_from_number(raw.number) : parse_count(raw.text);
        if (total.error != CountError::none) continue;
        const std::int64_t sum = sums.count(f->id) ? sums[f->id] : 0;
        if (total.value != sum)
          b.error("total_mismatch",
                  fmt::format("Dòng tổng cộng: {} ghi {} nhưng cộng các dòng trên được {} (ô {})", f->label, total.value, sum,
                              describe(raw.where)),
                  fmt::format("total row: {} says {} but the rows above add up to {} ({})", f->id, total.value, sum,
                              describe(raw.where)),
                  f->id, raw.text, raw.where);
      }
      continue;
    }
    const bool has_name_text = values.count("org_name") && !Builder::trim(values["org_name"].text).empty();
    if (!has_name_text && !any_count) continue;  // an empty or decorative row
    if (!has_name_text) {
      b.error("missing_name", fmt::format("Dòng {} có số liệu nhưng không có tên tổ chức cơ sở đảng", r),
              fmt::format("row {} has figures but no organisation name", r), "org_name", "",
              Place{sheet_name, r, name_col, {}});
      continue;
    }
    if (district_col != 0) {
      // Each different district written in the column is reported once, at its first row.
      const Raw d = raw_at(r, district_col);
      if (!Builder::trim(d.text).empty() && districts_seen.insert(fold(d.text)).second)
        check_district_text(registry, d.text, sub, d.where, true, b);
    }
    if (period_col != 0) {
      const Raw p = raw_at(r, period_col);
      if (periods_seen.insert(fold(p.text)).second) check_period_text(p.text, sub, p.where, true, b);
    }
    Record rec = b.build(values, Place{sheet_name, r, 0, {}});
    for (const auto& [id, v] : rec.counts) sums[id] += v;
    records.push_back(std::move(rec));
  }
  out.records = std::move(records);
}

// ---------------------------------------------------------------- trees

void normalise_tree(const sdk::Document& doc, const Catalogue& cat, const Registry& registry, const Submission& sub,
                    const Profile* profile, Normalised& out) {
  Builder b(cat, sub, out);
  // The array of organisations: the array path with the most elements
  // holding values ("/to_chuc_co_so_dang/17/ten" -> "/to_chuc_co_so_dang").
  static const std::regex element(R"(^(.*?)/(\d+)(/.*)?$)");
  std::map<std::string, std::set<std::string>> arrays;
  for (const auto& v : doc.tree) {
    std::smatch m;
    if (std::regex_match(v.pointer, m, element) && m[3].matched) arrays[m[1]].insert(m[2]);
  }
  std::string array;
  std::size_t most = 0;
  for (const auto& [path, items] : arrays)
    if (items.size() > most) {
      most = items.size();
      array = path;
    }
  if (most == 0) {
    b.error("no_table", "Không tìm thấy danh sách tổ chức cơ sở đảng trong tài liệu JSON",
            "no array of organisations found in the JSON document", "", "", Place{});
    return;
  }
  // Keys of a pointer's segments, folded: "/dang_vien/nu" -> ("dang vien", "nu").
  auto segments = [](std::string_view rel) {
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
  };
  auto field_of = [&](const std::vector<std::string>& segs) -> const Field* {
    if (segs.empty()) return nullptr;
    if (segs.size() == 1) return match_with(cat, profile, "", segs[0]);
    std::string group;
    for (std::size_t i = 0; i + 1 < segs.size(); ++i) group += (group.empty() ? "" : " ") + segs[i];
    return match_with(cat, profile, group, segs.back());
  };

  std::map<std::string, std::map<std::string, Raw>> items;  // index -> field -> raw
  std::vector<std::string> order;
  std::set<std::string> warned;
  for (const auto& v : doc.tree) {
    const Place where{{}, 0, 0, v.pointer};
    std::string text = v.kind == sdk::NodeKind::string || v.kind == sdk::NodeKind::number ? v.text
                       : v.kind == sdk::NodeKind::boolean                                  ? (v.boolean ? "true" : "false")
                                                                                           : std::string();
    if (v.pointer.rfind(array + "/", 0) == 0) {
      const std::string rest = v.pointer.substr(array.size() + 1);
      const auto slash = rest.find('/');
      if (slash == std::string::npos) continue;
      const std::string index = rest.substr(0, slash);
      const std::string rel = rest.substr(slash);
      const auto segs = segments(rel);
      const Field* f = field_of(segs);
      if (!items.count(index)) order.push_back(index);
      auto& item = items[index];
      if (f == nullptr) {
        std::string key;
        for (const auto& s : segs) key += "/" + s;
        if (!cat.ignored.count(segs.back()) && warned.insert(key).second)
          b.warning("unmapped_header", fmt::format("Khóa «{}» không khớp chỉ tiêu nào, bị bỏ qua", rel),
                    fmt::format("key '{}' matches no field and is left out", rel), "", rel, where);
        continue;
      }
      Raw raw;
      raw.text = text;
      raw.is_number = v.kind == sdk::NodeKind::number;
      raw.number = v.number;
      raw.where = where;
      item[f->id] = std::move(raw);
      continue;
    }
    // Outside the array: the report's own facts.
    const auto segs = segments(v.pointer);
    if (segs.empty()) continue;
    const std::string& key = segs.back();
    const Field* f = cat.match_flat(key);
    if (f != nullptr && f->id == "district") check_district_text(registry, text, sub, where, true, b);
    else if (f != nullptr && f->id == "period") check_period_text(text, sub, where, true, b);
    else if (registry.find(text) != nullptr) check_district_text(registry, text, sub, where, true, b);
  }
  for (const auto& index : order) {
    auto& values = items[index];
    if (values.count("district")) check_district_text(registry, values["district"].text, sub, values["district"].where, true, b);
    if (!values.count("org_name") || Builder::trim(values["org_name"].text).empty()) {
      b.error("missing_name", fmt::format("Phần tử {}/{} không có tên tổ chức cơ sở đảng", array, index),
              fmt::format("{}/{} has no organisation name", array, index), "org_name", "", Place{{}, 0, 0, array + "/" + index});
      continue;
    }
    out.records.push_back(b.build(values, Place{{}, 0, 0, array + "/" + index}));
  }
}

}  // namespace

Normalised Normaliser::normalise(const sdk::Document& document, const Submission& submission,
                                 const Profile* profile) const {
  Normalised out;
  if (document.is_tree) normalise_tree(document, catalogue_, registry_, submission, profile, out);
  else normalise_table(document, catalogue_, registry_, submission, profile, out);
  if (out.records.empty() && out.errors.empty())
    out.errors.push_back(Issue{"no_records", "Báo cáo không có tổ chức cơ sở đảng nào / the return has no organisations",
                               "", "", Place{}});
  return out;
}

void Normaliser::compare_with_previous(Normalised& result, const std::vector<Record>& previous) const {
  if (previous.empty()) return;
  std::map<std::string, const Record*> before;
  for (const auto& r : previous) before[fold(r.org_name)] = &r;
  std::set<std::string> present;
  for (const auto& r : result.records) {
    const std::string key = fold(r.org_name);
    present.insert(key);
    const auto it = before.find(key);
    const auto mt = r.counts.find("members_total");
    if (it == before.end() || mt == r.counts.end()) continue;
    const auto old = it->second->counts.find("members_total");
    if (old == it->second->counts.end() || old->second == 0) continue;
    const double change = 100.0 * static_cast<double>(mt->second - old->second) / static_cast<double>(old->second);
    if (change > catalogue_.members_change_above || change < -catalogue_.members_change_above) {
      const auto place = r.provenance.count("members_total") ? r.provenance.at("members_total") : r.where;
      result.warnings.push_back(Issue{
          "members_changed",
          fmt::format("{}: {} đảng viên, kỳ trước {} ({:+.0f}%) / {}: members_total {} against {} last period ({:+.0f}%)",
                      r.org_name, mt->second, old->second, change, r.org_name, mt->second, old->second, change),
          "members_total", std::to_string(mt->second), place});
    }
  }
  for (const auto& r : previous)
    if (!present.count(fold(r.org_name)))
      result.warnings.push_back(Issue{"organisation_missing",
                                      fmt::format("«{}» có ở kỳ {} nhưng không có trong báo cáo này / {} was in the {} "
                                                  "return and is missing from this one",
                                                  r.org_name, r.period, r.org_name, r.period),
                                      "org_name", r.org_name, Place{}});
}

}  // namespace tonghop::normalise
