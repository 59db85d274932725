#include "normalise/builder.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "normalise/text.hpp"

namespace tonghop::normalise::detail {

bool is_error_text(std::string_view text) {
  const std::string_view t = trim_view(text);
  // Excel's (and Google Sheets', older and newer), then LibreOffice's
  // "Err:502", "Err:504" … as its CSV export writes them.
  static constexpr std::string_view kErrors[] = {
      "#NULL!", "#DIV/0!", "#VALUE!", "#REF!",     "#NAME?",  "#NUM!",     "#N/A",    "#SPILL!", "#CALC!",
      "#FIELD!", "#BLOCKED!", "#UNKNOWN!", "#CONNECT!", "#BUSY!", "#EXTERNAL!", "#GETTING_DATA", "#ERROR!"};
  if (std::find(std::begin(kErrors), std::end(kErrors), t) != std::end(kErrors)) return true;
  if (t.size() >= 5 && t.size() <= 8 && t.substr(0, 4) == "Err:")
    return std::all_of(t.begin() + 4, t.end(), [](char c) { return c >= '0' && c <= '9'; });
  return false;
}

std::string describe(const Place& p) {
  if (!p.path.empty()) return p.path;
  std::string s;
  if (!p.sheet.empty()) s += p.sheet + "!";
  return s + column_name(p.column) + std::to_string(p.row);
}

std::size_t field_index(const Catalogue& cat, std::string_view id) {
  for (std::size_t i = 0; i < cat.fields.size(); ++i)
    if (cat.fields[i].id == id) return i;
  return cat.fields.size();
}

Builder::Builder(const Catalogue& c, Normalised& out)
    : cat_(c), out_(out), n_(c.fields.size()), raw_(n_), given_(n_), carried_(n_), unreadable_(n_), counts_(n_), has_(n_), blanks_(n_), blank_at_(n_), column_(n_), sums_(n_) {
  of_subordinate_cells_.assign(n_, 0);
  confirmed_at_.assign(n_, -1);
  required_.assign(n_, 0);
  name_ = field_index(c, "org_name");
  kind_ = field_index(c, "org_kind");
  rating_ = field_index(c, "org_rating");
  sector_ = field_index(c, "org_sector");
  cells_total_ = field_index(c, "cells_total");
  admitted_ = field_index(c, "admitted");
  members_total_ = field_index(c, "members_total");
  if (cells_total_ < n_) of_subordinate_cells_[cells_total_] = 1;
  for (const auto& rule : c.rules) {
    IndexedRule r{rule.kind, {}, field_index(c, rule.whole)};
    if (r.whole == cells_total_ && r.whole < n_)
      for (const auto& p : rule.parts)
        if (const std::size_t i = field_index(c, p); i < n_) of_subordinate_cells_[i] = 1;
    for (const auto& p : rule.parts) r.parts.push_back(field_index(c, p));
    rules_.push_back(std::move(r));
  }
}

void Builder::build(std::uint32_t where, const std::string* folded_name,
                    const std::vector<std::pair<std::uint32_t, std::string_view>>& own_paths,
                    const std::string_view* sector) {
  record_.values.clear();
  record_.paths = own_paths;
  record_.where = where;
  record_blanks_.clear();
  std::string_view name;
  kind_text_.clear();
  sector_text_.clear();
  rating_text_.clear();
  for (std::size_t f = 0; f < n_; ++f) {  // in field order
    if (!given_[f]) {
      if (cat_.fields[f].is_count || f == rating_) record_blanks_.push_back(f);
      continue;
    }
    const Raw& raw = raw_[f];
    const Field& field = cat_.fields[f];
    // A count of plain digits (CellRef::digits, most of a return's values)
    // is no formula's error: only the others are looked at.
    if ((!field.is_count || raw.digits < 0) && shows_error(raw)) [[unlikely]] {
      formula_error(raw, field);
      continue;
    }
    if (field.is_count) {
      const Count c = count_of(raw);
      if (c.error == CountError::empty) {
        record_blanks_.push_back(f);
        continue;
      }
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
    if (text.empty()) {
      if (f == rating_) record_blanks_.push_back(f);
      continue;
    }
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
  std::string own;  // only when the caller has no fold of the name
  const std::string_view folded = folded_name != nullptr ? std::string_view(*folded_name) : (own = fold(name));
  if (kind_text_.empty() || sector_text_.empty()) {
    if (kind_text_.empty()) {
      // From the name: "Đảng bộ ..." or "Chi bộ ...".
      if (folded.rfind("dang bo", 0) == 0) kind_text_ = "party_committee";
      else if (folded.rfind("chi bo", 0) == 0) kind_text_ = "party_cell";
      else if (has(cells_total_)) kind_text_ = val(cells_total_) > 0 ? "party_committee" : "party_cell";
      else {
        ++kind_guessed_;  // unknown: a cell unless the province requires the kind (Policy::required)
        kind_text_ = "party_cell";
        // Its column blank here: said at the end (blank_warning), never guessed without a word.
        if (carried_[kind_]) blank(kind_);
      }
    }
    if (sector_text_.empty()) sector_text_ = sector != nullptr ? *sector : cat_.sector_from_folded(folded);
  }
  for (const std::size_t f : record_blanks_)
    if (kind_text_ != "party_cell" || !of_subordinate_cells_[f]) blank(f);
  ++built_;
  record_.org_name = name;
  record_.org_kind = kind_text_;
  record_.org_sector = sector_text_;
  record_.org_rating = rating_text_;
  check_rules(name);
  out_.records.add(record_);
  if (!folded.empty()) check_once(name, folded);
  for (const std::size_t f : touched_)
    if (has_[f]) sums_[f] += counts_[f];
  out_.totals.add(kind_text_, rating_text_);
}

void Builder::check_once(std::string_view name, std::string_view folded) {
  const auto i = static_cast<std::uint32_t>(out_.records.size() - 1);
  const std::uint32_t j = names_.first(folded, i, [&](std::uint32_t k) { return fold(out_.records.org_name(k)) == folded; });
  if (j == NameIndex::kNone) return;
  out_.records.get(j, earlier_);
  // Tables: the name's cell in each row; trees: each element (its index the path's last segment).
  const Place here = sheet_ != nullptr ? place_of(name_) : record_place();
  Place there = here;
  if (sheet_ != nullptr) {
    there.row = earlier_.where;
  } else {
    there.path.resize(there.path.rfind('/') + 1);
    there.path += std::to_string(earlier_.where);
  }
  const bool copy = earlier_.values == record_.values && earlier_.org_kind == record_.org_kind &&
                    earlier_.org_sector == record_.org_sector && earlier_.org_rating == record_.org_rating;
  if (copy)
    error("duplicate_org",
          fmt::format("«{}» ở {} trùng hoàn toàn với {} (cùng tên, cùng mọi số liệu): một tổ chức ghi hai lần sẽ bị "
                      "cộng hai lần; hãy xoá dòng thừa rồi gửi lại",
                      name, describe(here), describe(there)),
          fmt::format("'{}' at {} repeats {} exactly (the same name, every figure the same): one organisation written "
                      "twice would be counted twice; delete the extra one and send the return again",
                      name, describe(here), describe(there)),
          "org_name", std::string(name), here);
  else
    warning("repeated_name",
            fmt::format("«{}» ở {} cùng tên với {} nhưng khác số liệu: cả hai được tính là hai tổ chức; nếu một dòng là "
                        "bản cũ, hãy xoá nó rồi gửi lại",
                        name, describe(here), describe(there)),
            fmt::format("'{}' at {} has the name of {} with other figures: both are counted, as two organisations; if "
                        "one is an old copy, delete it and send the return again",
                        name, describe(here), describe(there)),
            "org_name", std::string(name), here);
}

void Builder::total() {
  // Only the fields the return carries, and of those only the ones every
  // record gives: one it does not carry is unknown, never 0, and so is one
  // blank for some organisation (shared/domain.md: a missing value is
  // unknown, not zero), where the sum of the others would pass for the
  // district's figure.
  for (std::size_t f = 0; f < n_; ++f) {
    if (!cat_.fields[f].is_count || !carried_[f]) continue;
    // Blanks the district's own total row summed as 0 (its figure, stated
    // and checked) leave the figure known; a required field's never do.
    const bool stated = confirmed_at_[f] == built_ && !required_[f];
    if (blanks_[f] == 0 || stated) out_.totals.counts[cat_.fields[f].id] += static_cast<double>(sums_[f]);
    else blank_warning(f);
  }
  // Ratings: orgs_rated_* are known only when every organisation is rated.
  if (rating_ < n_ && carried_[rating_]) {
    out_.totals.rated = blanks_[rating_] == 0;
    if (blanks_[rating_] != 0) blank_warning(rating_);
  }
  // Kinds left blank and not read from the name: guessed a chi bộ.
  if (kind_ < n_ && blanks_[kind_] != 0) blank_warning(kind_);
  std::fill(sums_.begin(), sums_.end(), 0);
  std::fill(blanks_.begin(), blanks_.end(), 0);
  std::fill(confirmed_at_.begin(), confirmed_at_.end(), -1);
  built_ = 0;
  for (auto& at : blank_at_) at.clear();
}

void Builder::blank_warning(std::size_t f) {
  const Field& field = cat_.fields[f];
  std::string places;
  for (Place& p : blank_at_[f]) {
    if (p.path.empty() && p.column == 0) p.column = column_[f];  // a table's row: the field's column in it
    places += (places.empty() ? "" : ", ") + describe(p);
  }
  if (blanks_[f] > blank_at_[f].size()) places += ", …";
  const bool rating = f == rating_;
  if (required_[f]) {
    error("missing_value",
          fmt::format("«{}» để trống ở {} tổ chức ({}): chỉ tiêu này bắt buộc, hãy ghi {} cho mọi tổ chức", field.label,
                      blanks_[f], places, field.is_count ? "số" : "giá trị"),
          fmt::format("{} is blank for {} organisation(s) ({}): the field is required; give it for every organisation",
                      field.id, blanks_[f], places),
          field.id, "", blank_at_[f].empty() ? Place{} : blank_at_[f].front());
    return;
  }
  if (f == kind_) {
    warning("kind_guessed",
            fmt::format("«{}» để trống ở {} tổ chức ({}) và tên không cho biết là đảng bộ hay chi bộ: được coi là chi "
                        "bộ cơ sở; hãy ghi ĐB hoặc CB",
                        field.label, blanks_[f], places),
            fmt::format("{} is blank for {} organisation(s) ({}) and the name does not say: each is taken for a party "
                        "cell; write ĐB or CB",
                        field.id, blanks_[f], places),
            field.id, "", blank_at_[f].empty() ? Place{} : blank_at_[f].front());
    return;
  }
  warning("blank_value",
          fmt::format("«{}» để trống ở {} tổ chức ({}): số liệu của huyện tính từ chỉ tiêu này để trống (chưa biết), "
                      "không tính ô trống là 0; {}",
                      field.label, blanks_[f], places,
                      rating ? "hãy ghi xếp loại cho mọi tổ chức" : "nếu là 0, hãy ghi số 0"),
          fmt::format("{} is blank for {} organisation(s) ({}): the district's figures from it are left unknown, a "
                      "blank never counted as 0; {}",
                      field.id, blanks_[f], places, rating ? "rate every organisation" : "where it is zero, write 0"),
          field.id, "", blank_at_[f].empty() ? Place{} : blank_at_[f].front());
}

void Builder::check_total(const std::vector<std::int64_t>* section) {
  for (const std::size_t f : touched_) {
    const Field& field = cat_.fields[f];
    if (!field.is_count) continue;
    const Raw& raw = raw_[f];
    if (shows_error(raw)) {  // a total that cannot be checked is not passed over
      formula_error(raw, field);
      continue;
    }
    const Count total = count_of(raw);
    if (total.error != CountError::none) continue;
    // A value above that could not be read has its own error: the total is not blamed for it.
    if (unreadable_[f]) continue;
    const std::int64_t sum = sums_[f];
    if (total.value == sum) confirmed_at_[f] = built_;  // the district's figure over every record so far
    if (total.value == sum || (section != nullptr && total.value == sum - (*section)[f])) continue;
    const Place where = place(raw);
    error("total_mismatch",
          fmt::format("Dòng tổng cộng: {} ghi {} nhưng cộng các dòng trên được {} (ô {})", field.label, total.value, sum,
                      describe(where)),
          fmt::format("total row: {} says {} but the rows above add up to {} ({})", field.id, total.value, sum,
                      describe(where)),
          field.id, std::string(raw.text), where);
  }
}

bool Builder::refuse_formulas() {
  bool any = false;
  for (const std::size_t f : touched_)
    if (shows_error(raw_[f])) {
      formula_error(raw_[f], cat_.fields[f]);
      any = true;
    }
  return any;
}

// A formula's cell where a field is read: its error ("#N/A"), or its value
// not kept in the file (an empty text, sdk::CellType::error). Never read as
// a name, a blank or a 0.
void Builder::formula_error(const Raw& raw, const Field& f) {
  if (f.is_count) unreadable_[field_index(cat_, f.id)] = 1;
  const Place where = place(raw);
  const std::string text(trim_view(raw.text).substr(0, 40));
  if (text.empty())
    error("formula_without_value",
          fmt::format("Ô {} ({}) có công thức nhưng tệp không lưu kết quả do chương trình bảng tính tính ra (tệp do một "
                      "chương trình không tính công thức tạo ra, hoặc tệp yêu cầu tính lại khi mở); hãy mở tệp bằng Excel "
                      "hoặc LibreOffice, cho tính lại toàn bộ (Excel: Ctrl+Alt+F9; LibreOffice: Ctrl+Shift+F9), lưu lại "
                      "dạng .xlsx rồi gửi lại",
                      describe(where), f.label),
          fmt::format("{} ({}) holds a formula but the file keeps no value a spreadsheet program calculated for it "
                      "(written by a program that does not calculate, or asking to be recalculated when opened); open it "
                      "in Excel or LibreOffice, recalculate everything (Excel: Ctrl+Alt+F9; LibreOffice: Ctrl+Shift+F9), "
                      "save it as .xlsx and send it again",
                      describe(where), f.id),
          f.id, "", where);
  else
    error("formula_error",
          fmt::format("Ô {} ({}) có công thức bị lỗi «{}»: bảng tính không tính được giá trị; hãy sửa công thức hoặc "
                      "ghi thẳng giá trị vào ô rồi gửi lại",
                      describe(where), f.label, text),
          fmt::format("{} ({}) holds a formula whose value is the error '{}': the spreadsheet could not compute it; "
                      "mend the formula or write the value itself, and send the file again",
                      describe(where), f.id, text),
          f.id, text, where);
}

void Builder::count_error(CountError e, const Raw& raw, const Field& f) {
  unreadable_[field_index(cat_, f.id)] = 1;
  const Place where = place(raw);
  const std::string text(raw.text);
  if (e == CountError::negative)
    error("negative", fmt::format("Số liệu «{}» ở ô {} ({}) là số âm", text, describe(where), f.label),
          fmt::format("'{}' at {} ({}) is negative", text, describe(where), f.id), f.id, text, where);
  else if (e == CountError::date)  // shown as a date: its serial is not what the clerk meant to give
    error("not_a_number",
          fmt::format("Ô {} ({}) được định dạng ngày tháng và hiện «{}»; không đọc là số {}: hãy định dạng ô là số",
                      describe(where), f.label, shown_date(text), raw.number),
          fmt::format("{} ({}) is formatted as a date and shows {}; not read as the number {}: format the cell as a number",
                      describe(where), f.id, text, raw.number),
          f.id, text, where);
  else if (e == CountError::too_large)
    error("too_large",
          fmt::format("Số liệu «{}» ở ô {} ({}) quá lớn, không thể là số liệu thống kê; hãy kiểm tra lại ô này",
                      text.size() > 40 ? text.substr(0, 40) + "…" : text, describe(where), f.label),
          fmt::format("'{}' at {} ({}) is too large to be a count; check the cell",
                      text.size() > 40 ? text.substr(0, 40) + "…" : text, describe(where), f.id),
          f.id, text.size() > 40 ? text.substr(0, 40) + "…" : text, where);
  else if (e == CountError::fractional && raw.is_number && raw.path.empty()) {
    // A spreadsheet's number (not a JSON one): the cell may show it rounded ("0", "#,##0"
    // show 161.6 as 162), so the clerk is told what it holds, with the
    // decimal comma a Vietnamese reader writes.
    std::string vi = text;
    std::replace(vi.begin(), vi.end(), '.', ',');
    error("not_whole",
          fmt::format("Ô {} ({}) chứa số {}, không phải số nguyên (ô có thể hiện số đã làm tròn); hãy ghi số nguyên",
                      describe(where), f.label, vi),
          fmt::format("{} ({}) holds {}, not a whole number (the cell may show it rounded); write a whole number",
                      describe(where), f.id, text),
          f.id, text, where);
  } else if (e == CountError::fractional)
    error("not_whole", fmt::format("Số liệu «{}» ở ô {} ({}) phải là số nguyên", text, describe(where), f.label),
          fmt::format("'{}' at {} ({}) is not a whole number", text, describe(where), f.id), f.id, text, where);
  else
    error("not_a_number", fmt::format("Giá trị «{}» ở ô {} ({}) không phải là số", text, describe(where), f.label),
          fmt::format("'{}' at {} ({}) is not a number", text, describe(where), f.id), f.id, text, where);
}

void Builder::check_rules(std::string_view name) {
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
  // The same period, not only the same year: "NĂM 2018" is not the return of 2018-H1.
  if (*p != sub.period)
    b.error("period_mismatch",
            fmt::format("Báo cáo ghi kỳ «{}» ({}, tức kỳ {}) nhưng được gửi cho kỳ {}", text, describe(where), *p,
                        sub.period),
            fmt::format("the return names the period '{}' at {} ({}), but was sent for {}", text, describe(where), *p,
                        sub.period),
            "period", std::string(text), where);
}

// A total row's label, also followed by numbers or single letters: "Tổng cộng
// (16)", "Cộng A + B".
bool is_total_label(const std::set<std::string>& labels, std::string_view f) {
  // The set wants a std::string: one kept per thread, not one made per call
  // (this runs on every organisation's name).
  thread_local std::string key;
  key.assign(f);
  if (labels.count(key)) return true;
  for (;;) {
    const auto sp = f.rfind(' ');
    if (sp == std::string_view::npos) return false;
    const std::string_view last = f.substr(sp + 1);
    if (last.size() > 1 && !std::all_of(last.begin(), last.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
      return false;
    f = f.substr(0, sp);
    key.assign(f);
    if (labels.count(key)) return true;
  }
}


}  // namespace tonghop::normalise::detail
