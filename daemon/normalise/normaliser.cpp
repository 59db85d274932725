#include "normalise/normaliser.hpp"

#include <algorithm>
#include <optional>
#include <unordered_map>

#include <fmt/format.h>

#include "normalise/previous.hpp"
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

// The problems of one row or element, that many rows may share.
bool repeats(std::string_view code) {
  for (const char* c : {"not_a_number", "too_large", "negative", "not_whole", "part_exceeds_whole", "parts_exceed_whole",
                        "parts_differ_from_whole", "cell_with_subordinates", "unknown_rating", "unknown_kind",
                        "missing_name", "adds_up", "admitted_high", "total_row", "heading_row", "duplicate_org",
                        "repeated_name", "repeated_key", "merged_cells"})
    if (code == c) return true;
  return false;
}

// A JSON Pointer with its array indices taken out: "/to_chuc/17/ten" -> "/to_chuc/#/ten".
std::string pattern(std::string_view path) {
  std::string out;
  std::size_t start = 0;
  while (start < path.size()) {
    std::size_t end = path.find('/', start + 1);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view seg = path.substr(start, end - start);  // with its '/'
    const bool index = seg.size() > 1 && std::all_of(seg.begin() + 1, seg.end(), [](char c) { return c >= '0' && c <= '9'; });
    out += index ? std::string("/#") : std::string(seg);
    start = end;
  }
  return out;
}

std::string cell_text(const Place& p) {
  if (!p.path.empty()) return p.path;
  if (p.column == 0) return fmt::format("dòng {}", p.row);
  return column_name(p.column) + std::to_string(p.row);
}

}  // namespace

void group_repeats(std::vector<Issue>& issues) {
  std::vector<Issue> out;
  std::vector<std::vector<Place>> places;  // per issue of out: the places of its repeats
  std::unordered_map<std::string, std::size_t> seen;
  for (auto& i : issues) {
    if (!repeats(i.code)) {
      out.push_back(std::move(i));
      places.emplace_back();
      continue;
    }
    const std::string key = fmt::format("{}\x1f{}\x1f{}\x1f{}\x1f{}", i.code, i.field, i.where.sheet, i.where.column,
                                        pattern(i.where.path));
    const auto [it, fresh] = seen.emplace(key, out.size());
    if (fresh) {
      places.push_back({i.where});
      out.push_back(std::move(i));
    } else {
      places[it->second].push_back(i.where);
    }
  }
  for (std::size_t k = 0; k < out.size(); ++k) {
    const auto& ps = places[k];
    if (ps.size() < 2) continue;
    Issue& i = out[k];
    i.count = static_cast<std::uint32_t>(ps.size());
    if (ps.size() <= 8) {
      for (const auto& p : ps) i.range += (i.range.empty() ? "" : ", ") + cell_text(p);
    } else if (ps.front().path.empty() && ps.front().column != 0) {
      i.range = cell_text(ps.front()) + ":" + cell_text(ps.back());
    } else {
      i.range = cell_text(ps.front()) + " … " + cell_text(ps.back());
    }
    const std::size_t cut = i.message.find(" / ");
    const std::string vi = i.message.substr(0, cut);
    const std::string en = cut == std::string::npos ? std::string() : i.message.substr(cut + 3);
    i.message = bilingual(fmt::format("{} — cùng lỗi ở {} chỗ: {}", vi, ps.size(), i.range),
                          fmt::format("{} — the same in {} places: {}", en, ps.size(), i.range));
  }
  issues = std::move(out);
}

Issue unreadable(const sdk::Status& s) {
  // The refusal's own two halves each under its heading, so that its
  // Vietnamese (the reason, the advice) is read as Vietnamese, not shown in
  // the English half after "the file cannot be read: " (one separator in
  // all: the page puts what follows it in small English type).
  const std::string& m = s.message();
  const auto slash = m.find(" / ");
  std::string message = slash == std::string::npos
                            ? "Không đọc được tệp / the file cannot be read: " + m
                            : "Không đọc được tệp: " + m.substr(0, slash) + " / the file cannot be read: " + m.substr(slash + 3);
  return Issue{std::string(sdk::code_name(s.code())), std::move(message), "", "",
               Place{s.where().sheet, s.where().row, s.where().column, s.where().path}};
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
  bool given = false;
  compare_with_previous(result, [&]() -> Expected<const RecordSet*> {
    static const RecordSet none;
    if (given) return &none;
    given = true;
    return &previous;
  });
}

void Normaliser::compare_with_previous(Normalised& result, const RecordParts& next, NameHash hash) const {
  PreviousIndex previous(hash);
  previous.read(next);
  previous.compare(result, catalogue_.members_change_above);
}

}  // namespace tonghop::normalise
