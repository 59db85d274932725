#include "ingest/view.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "normalise/grid.hpp"
#include "normalise/normaliser.hpp"
#include "normalise/tree.hpp"

namespace tonghop::ingest {

namespace json = boost::json;

namespace {

// At most `most` bytes of valid UTF-8 text, never cutting a character.
std::string cut_text(std::string_view s, std::size_t most) {
  if (s.size() <= most) return std::string(s);
  std::size_t end = most;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return std::string(s.substr(0, end)) + "…";
}

std::string address(std::uint32_t row, std::uint32_t column) { return normalise::column_name(column) + std::to_string(row); }

}  // namespace

struct ViewCapture::State {
  struct Cell {
    std::uint32_t row, column;
    std::string text;
  };
  struct Sheet {
    std::string name;
    std::vector<Cell> cells;
    std::vector<sdk::MergedRange> merges;
    std::vector<std::uint32_t> rows_kept;
    std::uint32_t rows_seen = 0, last_row = 0;
    bool keeping = false;       // the current row is kept
    bool over_budget = false;   // cells left out: the budget over all sheets was spent
    bool columns_cut = false;   // cells right of kViewColumns left out
  };
  struct Value {
    std::string pointer, text;
  };
  std::uint32_t rows = 0;
  std::optional<std::string> array;
  std::vector<Sheet> sheets;
  bool in_sheet = false;
  std::size_t cells = 0;
  std::string font;
  bool vn_font = false;
  bool tree = false;
  std::vector<Value> values;
  std::size_t values_seen = 0;
  std::uint32_t elements = 0, last_element = 0;
  bool in_element = false;

  std::size_t head_rows() const { return 64 + static_cast<std::size_t>(rows); }
};

ViewCapture::ViewCapture(sdk::DocumentSink& next, std::uint32_t rows, std::optional<std::string> array)
    : next_(next), s_(std::make_unique<State>()) {
  s_->rows = rows;
  s_->array = std::move(array);
}

ViewCapture::~ViewCapture() = default;

sdk::Status ViewCapture::property(std::string_view k, std::string_view v) { return next_.property(k, v); }

sdk::Status ViewCapture::begin_sheet(std::string_view name) {
  auto& sheet = s_->sheets.emplace_back();
  sheet.name = cut_text(name, kViewText);
  s_->in_sheet = true;
  passing_ = false;
  return next_.begin_sheet(name);
}

sdk::Status ViewCapture::cell(const sdk::CellView& c) {
  if (passing_ && c.row == passing_row_) return next_.cell(c);  // what the rest below does for it
  passing_ = false;
  if (s_->in_sheet && !s_->sheets.empty()) {
    auto& sheet = s_->sheets.back();
    if (c.row != sheet.last_row || sheet.rows_seen == 0) {
      sheet.last_row = c.row;
      ++sheet.rows_seen;
      sheet.keeping = sheet.rows_seen <= s_->head_rows();
      if (sheet.keeping) sheet.rows_kept.push_back(c.row);
    }
    passing_ = !sheet.keeping;
    passing_row_ = sheet.last_row;
    if (sheet.keeping) {
      if (c.column > kViewColumns) {
        sheet.columns_cut = true;
      } else if (s_->cells >= kViewCells) {
        sheet.over_budget = true;
      } else {
        std::string shown;
        if (c.type == sdk::CellType::text && !c.text.empty()) {
          if (c.font != s_->font) {
            s_->font = std::string(c.font);
            s_->vn_font = normalise::detail::is_vn_font(c.font);
          }
          auto decoded = normalise::detail::tcvn3_text(c.text, s_->vn_font, c.font);
          shown = cut_text(decoded ? std::string_view(*decoded) : c.text, kViewText);
        } else if (!c.text.empty()) {
          shown = cut_text(c.text, kViewText);
        } else if (c.type == sdk::CellType::error) {
          shown = "(công thức chưa tính)";  // a formula whose value the file does not keep
        } else if (c.type == sdk::CellType::boolean) {
          shown = c.number != 0 ? "TRUE" : "FALSE";
        } else if (c.type != sdk::CellType::empty) {
          shown = fmt::format("{}", c.number);
        }
        if (!shown.empty()) {
          sheet.cells.push_back({c.row, c.column, std::move(shown)});
          ++s_->cells;
        }
      }
    }
  }
  return next_.cell(c);
}

sdk::Status ViewCapture::cells(const sdk::CellView* first, std::size_t count) {
  const sdk::CellView* const end = first + count;
  for (const sdk::CellView* c = first; c != end;) {
    if (passing_ && c->row == passing_row_) {
      const sdk::CellView* run_end = c + 1;
      while (run_end != end && run_end->row == passing_row_) ++run_end;
      if (auto s = next_.cells(c, static_cast<std::size_t>(run_end - c)); !s.ok()) return s;
      c = run_end;
      continue;
    }
    if (auto s = cell(*c); !s.ok()) return s;
    ++c;
  }
  return {};
}

sdk::Status ViewCapture::merged(const sdk::MergedRange& r) {
  if (s_->in_sheet && !s_->sheets.empty() && s_->sheets.back().merges.size() < 1000) s_->sheets.back().merges.push_back(r);
  return next_.merged(r);
}

sdk::Status ViewCapture::end_sheet() {
  s_->in_sheet = false;
  passing_ = false;
  return next_.end_sheet();
}

sdk::Status ViewCapture::begin_tree() {
  s_->tree = true;
  return next_.begin_tree();
}

sdk::Status ViewCapture::begin_container(std::string_view p, sdk::NodeKind k) { return next_.begin_container(p, k); }

sdk::Status ViewCapture::scalar(std::string_view p, const sdk::ScalarView& v) {
  ++s_->values_seen;
  bool keep = s_->values.size() < kViewValues;
  if (s_->array) {
    // Known: the elements of the array are counted, the first `rows` kept.
    const auto e = normalise::detail::element_of(p);
    if (e && e->first == *s_->array) {
      if (!s_->in_element || e->second != s_->last_element) {
        ++s_->elements;
        s_->in_element = true;
        s_->last_element = e->second;
      }
      keep = keep && s_->elements <= s_->rows;
    }
  }
  if (keep) {
    std::string text;
    if (v.kind == sdk::NodeKind::boolean) text = v.boolean ? "true" : "false";
    else if (v.kind == sdk::NodeKind::null) text = "null";
    else text = cut_text(v.text, kViewText);
    s_->values.push_back({cut_text(p, 1024), std::move(text)});
  }
  return next_.scalar(p, v);
}

sdk::Status ViewCapture::end_container(std::string_view p) { return next_.end_container(p); }

sdk::Status ViewCapture::end_tree() { return next_.end_tree(); }

namespace {

// Every issue, errors and warnings.
template <class F>
void each_issue(const normalise::Normalised& r, F f) {
  for (const auto& i : r.errors) f(i);
  for (const auto& i : r.warnings) f(i);
}

}  // namespace

std::string ViewCapture::json(const normalise::Normalised& result, const normalise::Catalogue& cat) const {
  (void)cat;
  const normalise::Layout& layout = result.records.layout();
  json::object out;
  if (s_->tree) {
    json::object doc;
    const std::string array = layout.tree ? layout.array : s_->array.value_or("");
    const bool known = layout.tree || s_->array.has_value();
    if (known) doc["array"] = array;
    else doc["array"] = nullptr;
    // Each key inside an element: the field it maps to, or none.
    std::map<std::string, std::string> field_of;
    for (std::size_t i = 0; i < layout.fields.size() && i < layout.paths.size(); ++i)
      if (!layout.paths[i].empty()) field_of.emplace(layout.paths[i], layout.fields[i]);
    std::set<std::string> unmapped;
    each_issue(result, [&](const normalise::Issue& i) {
      if (i.code == "unmapped_header" && !i.where.path.empty()) unmapped.insert(i.value);
    });
    json::array keys, elements, outside;
    std::map<std::string, std::size_t> key_at;  // key -> its index in keys
    std::uint32_t shown = 0;
    std::optional<std::uint32_t> current;
    for (const auto& v : s_->values) {
      const auto e = known ? normalise::detail::element_of(v.pointer) : std::nullopt;
      if (!e || e->first != array) {
        if (outside.size() < 100) {
          json::object o;
          o["pointer"] = v.pointer;
          o["value"] = v.text;
          outside.push_back(std::move(o));
        }
        continue;
      }
      const std::string prefix = array + "/" + std::to_string(e->second);
      const std::string key = v.pointer.substr(std::min(v.pointer.size(), prefix.size()));
      if (!key_at.count(key) && keys.size() < 1000) {
        json::object k;
        k["key"] = key;
        k["pointer"] = v.pointer;
        const auto f = field_of.find(key);
        if (f != field_of.end()) k["field"] = f->second;
        else k["field"] = nullptr;
        if (unmapped.count(key)) k["unmapped"] = true;
        key_at[key] = keys.size();
        keys.push_back(std::move(k));
      }
      if (!current || *current != e->second) {
        if (shown >= s_->rows) continue;
        ++shown;
        current = e->second;
        json::object el;
        el["pointer"] = prefix;
        el["values"] = json::array();
        elements.push_back(std::move(el));
      }
      json::object one;
      one["pointer"] = v.pointer;
      one["key"] = key;
      one["value"] = v.text;
      elements.back().as_object()["values"].as_array().push_back(std::move(one));
    }
    const std::uint64_t total = s_->array ? s_->elements : shown;
    doc["keys"] = std::move(keys);
    doc["elements"] = std::move(elements);
    doc["elements_total"] = total;
    doc["outside"] = std::move(outside);
    doc["cut"] = total > shown || s_->values.size() >= kViewValues;
    out["document"] = std::move(doc);
    out["sheet"] = nullptr;
    return json::serialize(out);
  }

  // A table: the sheet the records came from, or the one the refusal names, or the first.
  std::string name = layout.sheet;
  if (name.empty())
    each_issue(result, [&](const normalise::Issue& i) {
      if (name.empty() && !i.where.sheet.empty()) name = i.where.sheet;
    });
  const State::Sheet* sheet = nullptr;
  for (const auto& s : s_->sheets)
    if (s.name == cut_text(name, kViewText)) {
      sheet = &s;
      break;
    }
  if (sheet == nullptr && !s_->sheets.empty()) sheet = &s_->sheets.front();
  out["document"] = nullptr;
  if (sheet == nullptr) {
    out["sheet"] = nullptr;
    return json::serialize(out);
  }
  json::object o;
  o["name"] = sheet->name;
  json::array names;
  for (const auto& s : s_->sheets) names.emplace_back(s.name);
  o["sheets"] = std::move(names);
  const bool found = result.header_row != 0 && !layout.tree && !layout.fields.empty();
  const std::uint32_t top = found ? result.header_top : 0, last = found ? result.header_row : 0;

  // Each column's field, its header as read, and whether it holds figures no field names.
  std::map<std::uint32_t, json::object> columns;
  for (std::size_t i = 0; i < layout.fields.size() && i < layout.columns.size(); ++i)
    if (layout.columns[i] != 0) {
      auto& c = columns[layout.columns[i]];
      c["field"] = layout.fields[i];
      if (i < layout.headers.size() && !layout.headers[i].empty()) c["header"] = layout.headers[i];
    }
  each_issue(result, [&](const normalise::Issue& i) {
    if (i.code != "unmapped_header" || i.where.column == 0 || i.where.sheet != layout.sheet || !found) return;
    auto& c = columns[i.where.column];
    if (!c.contains("field")) c["field"] = nullptr;
    c["header"] = cut_text(i.value, kViewText);
    c["unmapped"] = true;
  });

  json::array header_rows, rows;
  std::uint32_t shown = 0, above = 0;
  auto row_json = [&](std::uint32_t r, std::size_t& k) {
    json::object row;
    row["row"] = r;
    json::array cells;
    for (; k < sheet->cells.size() && sheet->cells[k].row == r; ++k) {
      json::object cell;
      cell["cell"] = address(r, sheet->cells[k].column);
      cell["value"] = sheet->cells[k].text;
      cells.push_back(std::move(cell));
      if (found && r >= top && r <= last) {
        auto& c = columns[sheet->cells[k].column];
        if (!c.contains("field")) c["field"] = nullptr;
        if (!c.contains("header")) c["header"] = sheet->cells[k].text;  // its text, as in "STT"
      }
    }
    row["cells"] = std::move(cells);
    return row;
  };
  std::size_t k = 0;
  for (const std::uint32_t r : sheet->rows_kept) {
    while (k < sheet->cells.size() && sheet->cells[k].row < r) ++k;  // rows are in order; a row out of order is skipped
    if (found && r <= last) {
      ++above;
      if (r >= top) header_rows.push_back(row_json(r, k));
      continue;
    }
    if (shown >= s_->rows) continue;
    ++shown;
    rows.push_back(row_json(r, k));
  }
  json::array cols;
  for (auto& [c, obj] : columns) {
    obj["column"] = normalise::column_name(c);
    cols.push_back(std::move(obj));
  }
  json::array merged;
  for (const auto& m : sheet->merges)
    merged.emplace_back(address(m.first_row, m.first_column) + ":" + address(m.last_row, m.last_column));
  if (found) {
    json::object h;
    h["first_row"] = top;
    h["last_row"] = last;
    h["rows"] = std::move(header_rows);
    o["header"] = std::move(h);
  } else {
    o["header"] = nullptr;
  }
  o["columns"] = std::move(cols);
  o["rows"] = std::move(rows);
  const std::uint32_t total = sheet->rows_seen - above;
  o["rows_total"] = total;
  o["cut"] = total > shown || sheet->over_budget;
  if (sheet->columns_cut) o["columns_cut"] = true;
  o["merged"] = std::move(merged);
  out["sheet"] = std::move(o);
  return json::serialize(out);
}

}  // namespace tonghop::ingest
