#include "normalise/table.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "normalise/text.hpp"

namespace tonghop::normalise::detail {

namespace {

// "1 2 3 4 …", "(1) (2) (3) …" or "A B 1 2 3 …" under the header: at least
// three cells, each a letter or a number of one to three digits, the numbers
// increasing.
bool is_numbering_row(RowView cells) {
  int total = 0, numbers = 0;
  long last = 0;
  for (const auto& c : cells) {
    std::string_view t = trim_view(c.text);
    if (t.empty()) continue;
    ++total;
    if (t.front() == '(') t.remove_prefix(1);
    if (!t.empty() && t.back() == ')') t.remove_suffix(1);
    t = trim_view(t);
    if (t.size() == 1 && ((t[0] | 0x20) >= 'a' && (t[0] | 0x20) <= 'z')) continue;
    if (t.empty() || t.size() > 3) return false;
    long n = 0;
    for (const char ch : t) {
      if (ch < '0' || ch > '9') return false;
      n = n * 10 + (ch - '0');
    }
    if (n <= last) return false;
    last = n;
    ++numbers;
  }
  return total >= 3 && numbers >= 2;
}

}  // namespace

Table::Table(const Catalogue& cat, const Registry& registry, const Submission& sub, const Policy& policy,
             const Header& header, const Grid& head, Normalised& out)
    : cat_(cat),
      registry_(registry),
      sub_(sub),
      policy_(policy),
      head_(head),
      sheet_(head.name()),
      header_row_(header.row),
      out_(out),
      b_(cat, out) {
  for (const auto& id : policy_.required) b_.require(field_index(cat, id));
  Layout layout;
  layout.sheet = sheet_;
  for (const auto& f : cat.fields) {
    layout.fields.push_back(f.id);
    layout.is_count.push_back(f.is_count);
    layout.columns.push_back(0);
    layout.headers.emplace_back();
  }
  auto state = [&](std::uint32_t c, Column s) {
    if (c >= kMaxStates) return;
    if (states_.size() <= c) states_.resize(c + 1, Column::none);
    states_[c] = s;
  };
  for (const auto& [c, f] : header.columns) {
    const std::size_t i = field_index(cat, f->id);
    layout.columns[i] = c;
    if (const auto p = header.paths.find(c); p != header.paths.end()) layout.headers[i] = p->second;
    slots_.push_back({c, i, cat.fields[i].is_count});
    state(c, Column::field);
    if (c >= kMaxStates) slots_watched_ = true;
    if (f->id == "org_name") name_col_ = c;
    if (f->id == "district") district_col_ = c;
    if (f->id == "period") period_col_ = c;
    if (f->id == "org_sector") sector_from_name_ = false;
  }
  for (const std::uint32_t c : header.ignored) state(c, Column::ignored);
  for (const auto& [c, first] : header.repeats)
    if (const auto f = header.columns.find(first); f != header.columns.end()) repeats_[c] = {first, f->second};
  for (const auto& [c, text] : header.unmapped) {
    state(c, Column::unmapped);
    if (repeats_.contains(c)) {
      if (repeats_watched_ >= kMaxWatched) {
        ++unwatched_repeats_;  // counted in one refusal (finish), not watched as a column without a header
        state(c, Column::ignored);
        continue;
      }
      ++repeats_watched_;
    } else if (watched_.size() - repeats_watched_ >= kMaxWatched) {
      ++unwatched_headers_;
      continue;
    }
    Watch& w = watched_[c];
    w.header = text;
    bool was = false;
    // The folds of the path, for suggestions.
    std::size_t start = 0;
    while (start <= text.size()) {
      std::size_t end = text.find(" / ", start);
      if (end == std::string::npos) end = text.size();
      const std::string f = fold(without_connector(std::string_view(text).substr(start, end - start), cat, was));
      if (!f.empty()) w.folds.push_back(f);
      start = end + 3;
    }
  }
  out.records = RecordSet(std::move(layout));
  out.header_top = header.top;
  out.header_row = header.row;
  out.records.district = sub.district;
  out.records.period = sub.period;
  for (const auto& m : cat.end_markers)
    if (!m.empty()) marker_first_.set(static_cast<unsigned char>(m[0]));
  for (const auto& l : cat.total_labels)
    if (!l.empty()) total_first_.set(static_cast<unsigned char>(l[0]));
  prefilter_ = std::all_of(cat.total_labels.begin(), cat.total_labels.end(), [](const auto& l) { return has_letter(l); }) &&
               std::all_of(cat.end_markers.begin(), cat.end_markers.end(), [](const auto& m) { return has_letter(m); });
  for (const auto& rule : cat.rules)
    if (rule.kind == Rule::Kind::at_most) {
      const std::size_t w = field_index(cat, rule.whole);
      if (w < cat.fields.size() && std::find(wholes_.begin(), wholes_.end(), w) == wholes_.end()) wholes_.push_back(w);
    }
  section_base_.assign(cat.fields.size(), 0);
  row_values_.assign(cat.fields.size(), 0);

  // Title rows above the header: the district and the period they name.
  for (const auto& [r, cells] : head.rows()) {
    if (r >= header.top) break;
    for (const auto& cell : cells) {
      const Place where{sheet_, r, cell.column, {}};
      check_district_text(registry, cell.text, sub, where, false, b_);
      check_period_text(cell.text, sub, where, false, b_);
    }
  }
}

void Table::name_ahead(RowView cells, NameAhead& out) const {
  out.ready = false;
  if (name_col_ == 0) return;
  const CellRef* cell = find_cell(cells, name_col_);
  if (cell == nullptr || trim_view(cell->text).empty()) return;  // row() folds no name then
  fold_into(cell->text, out.folded);
  out.sector = sector_from_name_ ? cat_.sector_from_folded(out.folded.fold) : std::string_view();
  out.cell = static_cast<std::uint32_t>(cell - cells.data());
  out.ready = true;
}

void Table::expect(const NameAhead* names, std::size_t n) {
  std::array<std::string_view, 64> folds;
  while (n > 0) {
    std::size_t k = 0;
    for (; n > 0 && k < folds.size(); ++names, --n)
      if (names->ready) folds[k++] = names->folded.fold;
    b_.expect_names(folds.data(), k);
  }
}

void Table::row(std::uint32_t r, RowView cells, const NameAhead* ahead) {
  if (ended_) return;
  if (is_numbering_row(cells)) return;
  folded_.assign(cells.size(), nullptr);
  // The name folded ahead is what folded() would give for its cell.
  if (ahead != nullptr && (!ahead->ready || ahead->cell >= cells.size() || cells[ahead->cell].column != name_col_))
    ahead = nullptr;
  if (ahead != nullptr) folded_[ahead->cell] = &ahead->folded;
  spare_folds_.clear();
  for (std::size_t i = 0; i < cells.size(); ++i) {
    // A text of plain digits (CellRef::digits) has no letter.
    if (prefilter_ && (cells[i].digits_read() >= 0 || !has_letter(cells[i].text))) continue;
    if (folded(cells, i).ends) {
      ended_ = true;
      return;
    }
  }
  b_.begin();
  b_.at_row(&sheet_, r);
  bool any_count = false;
  std::size_t name_cell = cells.size();
  std::size_t k = 0;        // slots and cells both go by column
  std::size_t in_slots = 0;  // cells in a field's column
  // A row with every column up to its last (a CSV's, most sheets'): each
  // slot's cell at its place, as find_cell takes it; else found by walking.
  const bool dense = !cells.empty() && cells.back().column == cells.size();
  for (const auto& slot : slots_) {
    const CellRef* cell = nullptr;
    if (dense && slot.column <= cells.size() && cells[slot.column - 1].column == slot.column) {
      cell = &cells[slot.column - 1];
    } else {
      while (k < cells.size() && cells[k].column < slot.column) ++k;
      if (k == cells.size()) break;
      cell = &cells[k];
      if (cell->column != slot.column) continue;
    }
    ++in_slots;
    if (cell->text.empty() && !cell->is_number && !cell->is_error) continue;
    if (slot.is_count) any_count = true;
    if (slot.column == name_col_) name_cell = static_cast<std::size_t>(cell - cells.data());
    b_.set(slot.field, Raw{cell->text, cell->is_number, cell->is_error, cell->number_or_0(), slot.column, {}, cell->digits_read()});
  }
  if (is_total(r, cells)) {
    b_.check_total(&section_base_);
    section_base_ = b_.sums();
    section_records_ = 0;
    return;
  }
  // A formula in the name's cell counts as a name given (Builder::build refuses it).
  const bool has_name_text =
      name_cell < cells.size() && (cells[name_cell].is_error || !trim_view(cells[name_cell].text).empty());
  if (!has_name_text && !any_count) return;  // an empty or decorative row
  if (has_name_text && !any_count && b_.given_count() == 1) {
    // A name and nothing else: a heading ("Khối xã, thị trấn"), not an organisation.
    const std::string name(trim_view(cells[name_cell].text));
    b_.warning("heading_row",
               fmt::format("Dòng {} «{}» chỉ có tên, không có số liệu: coi là dòng tiêu đề nhóm, không tính là tổ chức", r,
                           name),
               fmt::format("row {} '{}' has a name and nothing else: read as a heading, not an organisation", r, name), "",
               name, Place{sheet_, r, name_col_, {}});
    return;
  }
  if (adds_up(r, has_name_text ? std::string_view(folded(cells, name_cell).fold) : std::string_view())) return;
  // No name, and formulas not computed (a total row of =SUM written by a
  // program that does not calculate): those cells refused, not the name asked for.
  if (!has_name_text && b_.refuse_formulas()) return;
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
  const bool sector_ahead = ahead != nullptr && ahead->cell == name_cell && sector_from_name_;
  b_.build(r, &folded(cells, name_cell).fold, {}, sector_ahead ? &ahead->sector : nullptr);
  if (record_rows_.size() <= r) record_rows_.resize(std::max<std::size_t>(r + 1, record_rows_.size() * 2));
  record_rows_[r] = true;
  ++records_;
  ++section_records_;
  // Every cell in a field's column: none for watch() to look at.
  if (in_slots != cells.size() || slots_watched_) watch(cells);
}

// A row without a total's label whose every figure is the sum of the rows
// above it (since the last total, or all of them): a total or a subtotal
// ("Cộng khối xã"), never an organisation. Dropped with a warning; when its
// name reads as an organisation's ("Chi bộ …"), an error instead.
bool Table::adds_up(std::uint32_t r, std::string_view folded_name) {
  if (section_records_ < 2 && records_ < 2) return false;
  std::size_t compared = 0, nonzero = 0;
  bool section = section_records_ >= 2, whole = records_ >= 2;
  for (const auto& slot : slots_) {
    if (!cat_.fields[slot.field].is_count) continue;
    const Raw* raw = b_.given(slot.field);
    if (raw == nullptr) continue;
    if (shows_error(*raw)) return false;  // a formula not computed is no figure to add up (refused in build)
    const Count c = count_of(*raw);
    if (c.error == CountError::empty) continue;
    if (c.error != CountError::none) return false;
    ++compared;
    if (c.value != 0) ++nonzero;
    section = section && c.value == b_.sum(slot.field) - section_base_[slot.field];
    whole = whole && c.value == b_.sum(slot.field);
    if (!section && !whole) return false;
  }
  if (compared < 3 || nonzero < 2) return false;
  const bool named = folded_name.starts_with("chi bo") || folded_name.starts_with("dang bo");
  const Place where{sheet_, r, name_col_, {}};
  if (named) {
    b_.error("adds_up",
             fmt::format("Dòng {}: mọi số liệu bằng tổng các dòng trên — nếu là dòng tổng, hãy ghi «Tổng cộng» ở cột tên", r),
             fmt::format("row {}: every figure is the sum of the rows above; if it is a total, label it 'Tổng cộng'", r),
             "org_name", std::string(folded_name), where);
    return true;
  }
  b_.warning("total_row",
             fmt::format("Dòng {} là dòng cộng (mọi số liệu bằng tổng các dòng trên), không tính là tổ chức", r),
             fmt::format("row {} adds up the rows above: read as a total, not an organisation", r), "", "", where);
  section_base_ = b_.sums();
  section_records_ = 0;
  return true;
}

// This row's cells in columns that name no field, kept with what they hold.
void Table::watch(RowView cells) {
  for (const auto& cell : cells) {
    const Column s = column_state(cell.column);
    if (s == Column::field || s == Column::ignored) continue;
    const std::string_view text = trim_view(cell.text);
    if (text.empty() && !cell.is_number) continue;
    auto it = watched_.find(cell.column);
    if (it == watched_.end()) {
      if (watched_.size() - repeats_watched_ >= kMaxWatched) continue;
      it = watched_.emplace(cell.column, Watch{}).first;
    }
    Watch& w = it->second;
    const Count c = cell.is_number ? count_from_number(cell.number) : parse_count(text);
    const bool number = cell.is_number || c.error == CountError::none || c.error == CountError::fractional ||
                        c.error == CountError::negative || c.error == CountError::too_large;
    w.sample(text.empty() ? fmt::format("{}", cell.number) : std::string(text));
    if (!number) {
      ++w.texts;
      continue;
    }
    ++w.numbers;
    if (c.error != CountError::none) continue;
    for (const std::size_t whole : wholes_)
      if (b_.has(whole)) {
        auto& [compared, above] = w.against[whole];
        ++compared;
        if (c.value > b_.val(whole)) ++above;
      }
  }
}

void Table::check_merges(const std::vector<sdk::MergedRange>& merges) {
  if (merges.empty()) return;
  auto record = [&](std::uint32_t r) { return r < record_rows_.size() && record_rows_[r]; };
  // Organisations in rows below r, for each r: a range's count at once,
  // never a walk down its rows (65,536 ranges of a million rows each).
  std::vector<std::uint32_t> below(record_rows_.size() + 1, 0);
  for (std::size_t r = 0; r < record_rows_.size(); ++r) below[r + 1] = below[r] + (record_rows_[r] ? 1 : 0);
  auto records_in = [&](std::uint64_t first, std::uint64_t last) {  // rows first..last
    const std::size_t a = std::min<std::uint64_t>(first, record_rows_.size());
    const std::size_t b = std::min<std::uint64_t>(last + 1, record_rows_.size());
    return a < b ? below[b] - below[a] : 0u;
  };
  for (const auto& m : merges) {
    if (m.first_row > m.last_row || m.first_column > m.last_column) continue;
    // The first field column the range covers (a district or a period
    // column merged down the rows is one value for all, and checked as such).
    const Slot* in = nullptr;
    for (const Slot& slot : slots_)
      if (slot.column >= m.first_column && slot.column <= m.last_column && slot.column != district_col_ &&
          slot.column != period_col_ && (in == nullptr || slot.column < in->column))
        in = &slot;
    if (in == nullptr) continue;
    // An organisation's row under the top-left cell, or the top-left's own
    // row when the range spans field columns right of it.
    const std::uint32_t blanked = records_in(std::uint64_t{m.first_row} + 1, m.last_row);
    const bool across = record(m.first_row) && std::any_of(slots_.begin(), slots_.end(), [&](const Slot& s) {
                          return s.column > m.first_column && s.column <= m.last_column && s.column != district_col_ &&
                                 s.column != period_col_;
                        });
    if (blanked == 0 && !across) continue;
    const std::string range = fmt::format("{}{}:{}{}", column_name(m.first_column), m.first_row,
                                          column_name(m.last_column), m.last_row);
    const std::string top = fmt::format("{}{}", column_name(m.first_column), m.first_row);
    const Field& f = cat_.fields[in->field];
    b_.error("merged_cells",
             fmt::format("Vùng ô gộp {} nằm trong số liệu của các tổ chức (cột «{}»): chỉ ô {} có giá trị, các ô khác "
                         "của vùng được đọc là để trống; hãy bỏ gộp ô và ghi giá trị cho từng tổ chức",
                         range, f.label, top),
             fmt::format("cells {} are merged over organisations' values ({}): only {} holds a value, the range's "
                         "other cells read as blank; unmerge them and give each organisation its value",
                         range, f.id, top),
             f.id, range, Place{sheet_, m.first_row, m.first_column, {}});
  }
}

void Table::finish(const std::vector<sdk::MergedRange>& merges, const std::vector<bool>& hidden_columns) {
  if (finished_) return;
  finished_ = true;
  check_merges(merges);
  b_.total();
  std::vector<bool> taken(cat_.fields.size(), false);
  for (const auto& slot : slots_) taken[slot.field] = true;
  for (const auto& [c, w] : watched_) {
    const Place where{sheet_, header_row_, c, {}};
    if (const auto rep = repeats_.find(c); rep != repeats_.end()) {
      // Two columns name one field: the first was read, this one not. Of a
      // count, figures in both: which the district meant is not known (an
      // audit's hidden column of last year's women was taken over the
      // visible one), so the return is refused naming both.
      const auto [first, field] = rep->second;
      const std::string a = column_name(first), b = column_name(c);
      // A column the clerk cannot see is said to be hidden, or they look for it in vain.
      const auto hidden = [&](std::uint32_t col, const char* said) {
        return col < hidden_columns.size() && hidden_columns[col] ? std::string(said) : std::string();
      };
      if (field->is_count && w.holds_numbers())
        b_.error("repeated_field",
                 fmt::format("Cột {}{} và cột {}{} cùng là chỉ tiêu «{}» (cột {}: «{}»); không biết lấy cột nào: hãy "
                             "xóa một cột hoặc sửa tiêu đề của nó",
                             a, hidden(first, " (đang bị ẩn)"), b, hidden(c, " (đang bị ẩn)"), field->label, b, w.header),
                 fmt::format("columns {}{} and {}{} both name {} (column {}: '{}'); which one to take is not known: "
                             "delete one or correct its header",
                             a, hidden(first, " (hidden)"), b, hidden(c, " (hidden)"), field->id, b, w.header),
                 field->id, w.header, where);
      else
        b_.warning("repeated_field",
                   fmt::format("Cột {}{} «{}» cũng là chỉ tiêu «{}» như cột {}; chỉ đọc cột {}{}", b,
                               hidden(c, " (đang bị ẩn)"), w.header, field->label, a, a, hidden(first, " (đang bị ẩn)")),
                   fmt::format("column {}{} '{}' names {} too, as column {} does; only column {}{} is read", b,
                               hidden(c, " (hidden)"), w.header, field->id, a, a, hidden(first, " (hidden)")),
                   field->id, w.header, where);
      continue;
    }
    if (w.holds_numbers()) {
      Issue i = unmapped_numbers_issue(w, fmt::format("Cột {}", column_name(c)), fmt::format("column {}", column_name(c)),
                                       where, cat_, taken, policy_.unmapped_numbers_error);
      (policy_.unmapped_numbers_error ? out_.errors : out_.warnings).push_back(std::move(i));
    } else if (!w.header.empty()) {
      b_.warning("unmapped_header",
                 fmt::format("Cột {} «{}» không khớp chỉ tiêu nào, bị bỏ qua", column_name(c), w.header),
                 fmt::format("column {} '{}' matches no field and is left out", column_name(c), w.header), "", w.header,
                 where);
      // A column of words too: what it holds and the text fields it may be.
      out_.warnings.back().samples = w.samples;
      out_.warnings.back().suggestions = suggest_fields(w, cat_, taken);
    }
  }
  if (unwatched_repeats_ > 0)
    b_.error("repeated_field",
             fmt::format("Còn {} cột nữa có tiêu đề trùng với một chỉ tiêu đã đọc ở cột khác (ngoài {} cột trùng đã kiểm); "
                         "không biết lấy cột nào: hãy xóa các cột trùng hoặc sửa tiêu đề của chúng",
                         unwatched_repeats_, kMaxWatched),
             fmt::format("{} more columns name a field another column gives (past the {} repeated columns checked); "
                         "which to take is not known: delete them or correct their headers",
                         unwatched_repeats_, kMaxWatched),
             "", "", Place{sheet_, header_row_, 0, {}});
  if (unwatched_headers_ > 0)
    b_.warning("unmapped_more",
               fmt::format("Còn {} cột nữa có tiêu đề không khớp chỉ tiêu nào, bị bỏ qua (chỉ {} cột đầu được kể ra)",
                           unwatched_headers_, kMaxWatched),
               fmt::format("{} more columns whose headers match no field are left out (only the first {} are listed)",
                           unwatched_headers_, kMaxWatched),
               "", "", Place{sheet_, header_row_, 0, {}});
  // The fields the province requires: each one missing refuses the return.
  for (const auto& id : policy_.required) {
    const std::size_t f = field_index(cat_, id);
    if (f >= cat_.fields.size() || b_.carried(f)) continue;
    if (id == "org_kind" && records_ > 0 && b_.kind_guessed() == 0) continue;  // every kind read from the name
    std::vector<std::string> candidates;
    for (const auto& [c, w] : watched_) {
      const auto s = suggest_fields(w, cat_, taken);
      if (std::any_of(s.begin(), s.end(), [&](const auto& x) { return x.first == id; }) ||
          (!cat_.fields[f].is_count && !w.holds_numbers() && !w.header.empty()))
        candidates.push_back(fmt::format("{} «{}»", column_name(c), w.header));
    }
    out_.errors.push_back(missing_field_issue(cat_.fields[f], candidates, Place{sheet_, header_row_, 0, {}}));
  }
}

void Table::fold_into(std::string_view text, Folded& out) const {
  out.text.assign(text);
  normalise::fold_into(text, out.fold);
  const std::string& f = out.fold;
  out.ends = !f.empty() && marker_first_[static_cast<unsigned char>(f[0])] &&
             std::any_of(cat_.end_markers.begin(), cat_.end_markers.end(),
                         [&](const std::string& m) { return f.starts_with(m); });
  out.total = !f.empty() && total_first_[static_cast<unsigned char>(f[0])] && is_total_label(cat_.total_labels, f);
}

// The fold of a cell of this row. A column's text is often the row
// above's (the district, the kind, the rating): its fold is kept per column.
const Table::Folded& Table::folded(RowView cells, std::size_t i) {
  if (folded_[i] != nullptr) return *folded_[i];
  const CellRef& cell = cells[i];
  Folded* f = nullptr;
  if (cell.column < kColumnMemo) {
    Folded* ways = &column_folds_[static_cast<std::size_t>(cell.column) * kWays];
    for (std::uint32_t w = 0; w < kWays && f == nullptr; ++w)
      if (ways[w].text.size() == cell.text.size() && ways[w].text == cell.text) f = &ways[w];
    if (f == nullptr) {
      std::uint8_t& next = next_way_[cell.column];
      f = &ways[next];
      next = static_cast<std::uint8_t>((next + 1) % kWays);
      fold_into(cell.text, *f);
    }
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
  const std::uint32_t columns[] = {name_col_, 1u, 2u, 3u};
  for (std::size_t k = 0; k < 4; ++k) {
    const std::uint32_t c = columns[k];
    if (k != 0 && c == name_col_) continue;  // the name's column, asked first already: the same answer
    std::size_t index = 0;
    const std::string_view text = shown(r, c, cells, index);
    if (text.empty() || (prefilter_ && !has_letter(text))) continue;
    if (index < cells.size() ? folded(cells, index).total : is_total_label(cat_.total_labels, fold(text))) return true;
  }
  return false;
}

}  // namespace tonghop::normalise::detail
