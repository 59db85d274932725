#include "normalise/table.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "normalise/text.hpp"

namespace tonghop::normalise::detail {

namespace {

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

}  // namespace

Table::Table(const Catalogue& cat, const Registry& registry, const Submission& sub, const Header& header,
             const Grid& head, Normalised& out)
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

void Table::row(std::uint32_t r, RowView cells) {
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

void Table::fold_into(std::string_view text, Folded& out) const {
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
const Table::Folded& Table::folded(RowView cells, std::size_t i) {
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
std::string_view Table::shown(std::uint32_t r, std::uint32_t c, RowView cells, std::size_t& index) const {
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

bool Table::is_total(std::uint32_t r, RowView cells) {
  for (const std::uint32_t c : {name_col_, 1u, 2u, 3u}) {
    std::size_t index = 0;
    const std::string_view text = shown(r, c, cells, index);
    if (text.empty() || (prefilter_ && !has_letter(text))) continue;
    if (index < cells.size() ? folded(cells, index).total : cat_.total_labels.count(fold(text)) != 0) return true;
  }
  return false;
}

// A total row: checked against the rows above, then dropped.
void Table::check_total() {
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

}  // namespace tonghop::normalise::detail
