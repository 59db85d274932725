#include "normalise/unmapped.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "normalise/normaliser.hpp"
#include "normalise/text.hpp"

namespace tonghop::normalise::detail {

namespace {

std::set<std::string> words(std::string_view folded) {
  std::set<std::string> out;
  std::size_t start = 0;
  while (start < folded.size()) {
    std::size_t end = folded.find(' ', start);
    if (end == std::string_view::npos) end = folded.size();
    if (end > start) out.emplace(folded.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// Shared words over all words.
double likeness(const std::set<std::string>& a, const std::set<std::string>& b) {
  if (a.empty() || b.empty()) return 0;
  std::size_t common = 0;
  for (const auto& w : a) common += b.count(w);
  return static_cast<double>(common) / static_cast<double>(a.size() + b.size() - common);
}

}  // namespace

std::vector<std::pair<std::string, double>> suggest_fields(const Watch& w, const Catalogue& cat,
                                                           const std::vector<bool>& taken) {
  std::string all;
  for (const auto& f : w.folds) all += (all.empty() ? "" : " ") + f;
  const auto mine = words(all);
  const auto last = w.folds.empty() ? std::set<std::string>() : words(w.folds.back());
  std::vector<std::pair<std::string, double>> scored;
  // A column of figures may be a count; one of words a text field (not the district or period: the submission names them).
  const bool figures = w.holds_numbers();
  for (std::size_t i = 0; i < cat.fields.size(); ++i) {
    const Field& f = cat.fields[i];
    if (f.is_count != figures || (i < taken.size() && taken[i]) || f.id == "district" || f.id == "period") continue;
    double s = 0;
    for (const auto& syn : f.synonyms) s = std::max(s, likeness(mine, words(syn)));
    for (const auto& g : f.groups)
      for (const auto& sub : f.subs) {
        s = std::max(s, likeness(mine, words(g + " " + sub)));
        if (last == words(sub)) s = std::max(s, 0.5);  // the sub-header, under another group
      }
    // Its values: a part is never above its whole.
    for (const auto& rule : cat.rules) {
      if (rule.kind != Rule::Kind::at_most || std::find(rule.parts.begin(), rule.parts.end(), f.id) == rule.parts.end())
        continue;
      for (std::size_t wi = 0; wi < cat.fields.size(); ++wi) {
        if (cat.fields[wi].id != rule.whole) continue;
        const auto it = w.against.find(wi);
        if (it == w.against.end() || it->second.first == 0) continue;
        if (it->second.second == 0) s += s > 0 ? 0.25 : 0.1;
        else s *= 0.3;
      }
    }
    // Its words: every sample a rating ("HTXSNV", "Tốt") or a kind ("ĐB", "Chi bộ cơ sở").
    if (!figures && !w.samples.empty() && (f.id == "org_rating" || f.id == "org_kind")) {
      const bool every = std::all_of(w.samples.begin(), w.samples.end(), [&](const std::string& v) {
        return f.id == "org_rating" ? cat.rating(v).has_value() : cat.org_kind(v).has_value();
      });
      if (every) s += s > 0 ? 0.25 : 0.5;
    }
    if (s >= 0.2) scored.emplace_back(f.id, std::min(1.0, std::round(s * 100) / 100));
  }
  std::stable_sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  if (scored.size() > 3) scored.resize(3);
  return scored;
}

Issue unmapped_numbers_issue(const Watch& w, const std::string& where_vi, const std::string& where_en, Place where, const Catalogue& cat,
                             const std::vector<bool>& taken, bool as_error) {
  Issue i;
  i.code = "unmapped_header";  // the code of every unmapped column; this one carries samples
  i.samples = w.samples;
  i.suggestions = suggest_fields(w, cat, taken);
  i.value = w.header;
  std::string samples;
  for (const auto& s : w.samples) samples += (samples.empty() ? "" : ", ") + s;
  std::string vi_may, en_may;
  for (const auto& [id, score] : i.suggestions) {
    const Field* f = cat.field(id);
    vi_may += fmt::format("{}{} ({}, {:.2f})", vi_may.empty() ? "" : "; ", f != nullptr ? f->label : id, id, score);
    en_may += fmt::format("{}{} ({:.2f})", en_may.empty() ? "" : ", ", id, score);
  }
  const std::string header_vi = w.header.empty() ? "không có tiêu đề" : fmt::format("«{}»", w.header);
  const std::string header_en = w.header.empty() ? "with no header" : fmt::format("'{}'", w.header);
  i.message = bilingual(
      fmt::format("{} {} có số liệu ({}) nhưng không khớp chỉ tiêu nào{}{}", where_vi, header_vi, samples,
                  as_error ? "" : ", bị bỏ qua",
                  vi_may.empty() ? "; thêm tên cột vào config/indicators.toml hoặc một hồ sơ (config/profiles)"
                                 : "; có thể là: " + vi_may),
      fmt::format("{} {} holds numbers ({}) but matches no field{}{}", where_en, header_en, samples,
                  as_error ? "" : " and is left out",
                  en_may.empty() ? "; add its name to config/indicators.toml or a profile (config/profiles)"
                                 : "; it may be " + en_may));
  i.where = std::move(where);
  return i;
}

std::string header_names(const Field& f, std::size_t most) {
  std::vector<std::string> names(f.synonyms.begin(), f.synonyms.end());
  std::stable_sort(names.begin(), names.end(), [](const auto& a, const auto& b) { return a.size() < b.size(); });
  std::string out = "«" + f.label + "»";
  std::size_t n = 0;
  for (const auto& s : names) {
    if (s.find('_') != std::string::npos || s == fold(f.label)) continue;
    if (++n > most) break;
    out += ", «" + s + "»";
  }
  return out;
}

Issue missing_field_issue(const Field& f, const std::vector<std::string>& candidates, Place where) {
  Issue i;
  i.code = "missing_field";
  i.field = f.id;
  std::string cols;
  for (const auto& c : candidates) cols += (cols.empty() ? "" : ", ") + c;
  const std::string names = header_names(f);
  i.message = bilingual(fmt::format("Báo cáo không có cột {} ({}), chỉ tiêu bắt buộc; tiêu đề cột có thể là: {}{}",
                                    f.label, f.id, names, cols.empty() ? "" : "; cột có thể là nó: " + cols),
                        fmt::format("the return has no {} column, which every return must carry; its header may "
                                    "read: {}{}",
                                    f.id, names, cols.empty() ? "" : "; columns that may be it: " + cols));
  i.where = std::move(where);
  return i;
}

Issue no_table_issue(const Header& h, const std::string& sheet, const Catalogue& cat) {
  Issue i;
  i.code = "no_table";
  const Field* name = cat.field("org_name");
  const std::string name_names = name != nullptr ? header_names(*name) : "«Tên tổ chức cơ sở đảng»";
  if (!h.found || h.columns.empty()) {
    i.field = "org_name";
    i.message = fmt::format(
        "Không tìm thấy bảng số liệu: không dòng nào trong 60 dòng đầu của mỗi trang có tiêu đề cột khớp chỉ tiêu; "
        "cần cột tên tổ chức cơ sở đảng ({}) và ít nhất hai chỉ tiêu / no table found: no row among the first 60 of "
        "any sheet has headers that match fields; a name column ({}) and at least two indicators are needed",
        name_names, name_names);
    return i;
  }
  std::string found_vi, found_en, other;
  for (const auto& [c, f] : h.columns) {
    const auto p = h.paths.find(c);
    const std::string header = p != h.paths.end() ? p->second : f->label;
    found_vi += fmt::format("{}{} «{}» ({})", found_vi.empty() ? "" : ", ", column_name(c), header, f->id);
    found_en += fmt::format("{}{} '{}' ({})", found_en.empty() ? "" : ", ", column_name(c), header, f->id);
  }
  for (const auto& [c, text] : h.unmapped)
    other += fmt::format("{}{} «{}»", other.empty() ? "" : ", ", column_name(c), text);
  const bool has_name = h.has("org_name");
  i.field = has_name ? "" : "org_name";
  i.where = Place{sheet, h.row, 0, {}};
  const std::string where = fmt::format("{}dòng {}", sheet.empty() ? "" : "trang «" + sheet + "», ", h.row);
  const std::string where_en = fmt::format("{}row {}", sheet.empty() ? "" : "sheet '" + sheet + "', ", h.row);
  if (!has_name)
    i.message = fmt::format(
        "Không tìm thấy bảng số liệu. Gần nhất là {}: đọc được {} cột ({}), nhưng thiếu cột tên tổ chức cơ sở đảng; "
        "tiêu đề cột đó có thể là: {}{} / no table found. The nearest is {}: {} columns understood ({}), but the "
        "organisation's name column is missing; its header may read: {}{}",
        where, h.columns.size(), found_vi, name_names, other.empty() ? "" : "; các cột chưa khớp: " + other, where_en,
        h.columns.size(), found_en, name_names, other.empty() ? "" : "; columns not understood: " + other);
  else
    i.message = fmt::format(
        "Không tìm thấy bảng số liệu. Gần nhất là {}: chỉ đọc được {} cột ({}), cần tên tổ chức và ít nhất hai chỉ "
        "tiêu{} / no table found. The nearest is {}: only {} columns understood ({}); the name and at least two "
        "indicators are needed{}",
        where, h.columns.size(), found_vi, other.empty() ? "" : "; các cột chưa khớp: " + other, where_en,
        h.columns.size(), found_en, other.empty() ? "" : "; columns not understood: " + other);
  return i;
}

}  // namespace tonghop::normalise::detail
