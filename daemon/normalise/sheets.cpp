#include "normalise/sheets.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "normalise/normaliser.hpp"
#include "normalise/text.hpp"

namespace tonghop::normalise::detail {

std::optional<Issue> hidden_rows_warning(const RecordSet& records, const std::string& sheet,
                                         const std::set<std::uint32_t>& hidden) {
  if (hidden.empty()) return std::nullopt;
  std::size_t n = 0;
  std::uint32_t first = 0;
  std::string rows;  // the first few, as the clerk finds them
  CompactRecord r;
  for (std::size_t i = 0; i < records.size(); ++i) {
    records.get(i, r);
    if (hidden.count(r.where) == 0) continue;
    if (n == 0) first = r.where;
    if (n < 10) rows += (n == 0 ? "" : ", ") + std::to_string(r.where);
    else if (n == 10) rows += ", …";
    ++n;
  }
  if (n == 0) return std::nullopt;
  return Issue{"hidden_rows",
               bilingual(fmt::format("{} tổ chức ở dòng đang bị ẩn trong trang «{}» (dòng {}): vẫn được đọc và tính vào "
                                     "số liệu như hàm SUM tính; nếu đó là tổ chức không còn, hãy xoá dòng thay vì ẩn rồi "
                                     "gửi lại",
                                     n, sheet, rows),
                         fmt::format("{} organisation(s) on rows hidden in sheet '{}' (rows {}): read and counted all the "
                                     "same, as SUM counts them; if they no longer exist, delete the rows rather than hide "
                                     "them, and send the file again",
                                     n, sheet, rows)),
               "", "", Place{sheet, first, 0, {}}};
}

namespace {
bool number_of(std::string_view text, std::uint32_t& n) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  return ec == std::errc() && end == text.data() + text.size() && n != 0;
}
}  // namespace

void HiddenCells::add_row(std::string_view value) {
  std::uint32_t row = 0;
  if (rows.size() < kMaxRows && number_of(value, row)) rows.insert(row);
}

void HiddenCells::add_place(Places& places, std::string_view value, const std::vector<bool>& columns) {
  const std::size_t colon = value.find(':');
  std::uint32_t row = 0, column = 0;
  if (colon == std::string_view::npos || !number_of(value.substr(0, colon), row) ||
      !number_of(value.substr(colon + 1), column))
    return;
  if (!columns.empty() && (column >= columns.size() || !columns[column])) return;
  places.add(row, column);
}

void HiddenCells::add_columns(std::string_view value) {
  const std::size_t dash = value.find('-');
  std::uint32_t first = 0, last = 0;
  if (!number_of(value.substr(0, dash), first)) return;
  if (dash == std::string_view::npos) last = first;
  else if (!number_of(value.substr(dash + 1), last) || last < first) return;
  if (first > kMaxColumns) return;  // past every column a sheet has: nothing is read there
  last = std::min(last, kMaxColumns);
  if (columns.size() <= last) columns.resize(last + 1, false);
  // A word at a time (libstdc++'s fill of bits): a file of a million
  // <col> elements, each of every column, is a second's work, not minutes.
  std::fill(columns.begin() + first, columns.begin() + last + 1, true);
}

std::optional<Issue> hidden_columns_warning(const RecordSet& records, const Catalogue& cat, const std::string& sheet,
                                            std::uint32_t header_row, const std::vector<bool>& hidden) {
  const Layout& layout = records.layout();
  // The fields read from a hidden column, and how many records give each.
  std::vector<bool> in_hidden(layout.fields.size(), false);
  bool any = false;
  for (std::size_t f = 0; f < layout.columns.size() && f < layout.fields.size(); ++f) {
    const std::uint32_t c = layout.columns[f];
    if (c != 0 && c < hidden.size() && hidden[c]) any = true, in_hidden[f] = true;
  }
  if (!any) return std::nullopt;
  std::vector<std::size_t> count(layout.fields.size(), 0);
  CompactRecord r;
  for (std::size_t i = 0; i < records.size(); ++i) {
    records.get(i, r);
    for (const auto& [f, v] : r.values)
      if (f < in_hidden.size() && in_hidden[f]) ++count[f];
  }
  // In column order, as the clerk finds them.
  std::vector<std::size_t> order;
  for (std::size_t f = 0; f < count.size(); ++f)
    if (count[f] != 0) order.push_back(f);
  if (order.empty()) return std::nullopt;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return layout.columns[a] < layout.columns[b]; });
  std::string vi, en;
  for (std::size_t k = 0; k < order.size(); ++k) {
    const std::size_t f = order[k];
    if (k == 10) {
      vi += "; …";
      en += "; …";
      break;
    }
    const Field* field = cat.field(layout.fields[f]);
    const std::string& header = f < layout.headers.size() && !layout.headers[f].empty()
                                    ? layout.headers[f]
                                    : (field != nullptr ? field->label : layout.fields[f]);
    const std::string column = column_name(layout.columns[f]);
    vi += fmt::format("{}cột {} «{}»: {} tổ chức", k == 0 ? "" : "; ", column, header, count[f]);
    en += fmt::format("{}column {} '{}': {} organisation(s)", k == 0 ? "" : "; ", column, header, count[f]);
  }
  const std::size_t first = order.front();
  return Issue{"hidden_columns",
               bilingual(fmt::format("{} cột có số liệu được đọc đang bị ẩn trong trang «{}» ({}): vẫn được đọc và tính "
                                     "vào báo cáo như hàm SUM tính, dù trên trang không thấy; hãy bỏ ẩn để xem lại các số "
                                     "liệu đó, sửa nếu cần, rồi gửi lại",
                                     order.size(), sheet, vi),
                         fmt::format("{} column(s) read for the return are hidden in sheet '{}' ({}): read and counted "
                                     "all the same, as SUM counts them, though the sheet does not show them; unhide them "
                                     "to look at those figures, correct them if need be, and send the file again",
                                     order.size(), sheet, en)),
               layout.fields[first], "", Place{sheet, header_row, layout.columns[first], {}}};
}

namespace {
// Whether a format's section shows nothing: only colours and locales
// ("[Red]", "[$-42A]"; a currency, "[$₫-42A]", shows), spaces, padding ("_)"), a fill of spaces ("* ")
// and empty or blank literals. `conditional` is set for "[>100]".
bool blank_section(std::string_view s, bool& conditional) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '[') {
      const std::size_t close = s.find(']', i);
      if (close == std::string_view::npos) return false;
      const std::string_view inside = s.substr(i + 1, close - i - 1);
      if (!inside.empty() && (inside[0] == '<' || inside[0] == '>' || inside[0] == '=')) conditional = true;
      // "[$₫-42A]" shows its symbol; "[$-42A]" is a locale alone.
      if (inside.size() > 1 && inside[0] == '$' && inside[1] != '-') return false;
      i = close;
    } else if (c == '"') {
      const std::size_t close = s.find('"', i + 1);
      if (close == std::string_view::npos) return false;
      if (s.substr(i + 1, close - i - 1).find_first_not_of(' ') != std::string_view::npos) return false;
      i = close;
    } else if (c == '_' || c == '*' || c == '\\') {
      // "_x": the width of x, blank; "*x": x repeated; "\x": x itself.
      if (i + 1 < s.size() && c != '_' && s[i + 1] != ' ') return false;
      ++i;
    } else if (c != ' ') {
      return false;
    }
  }
  return true;
}
}  // namespace

FormatSight format_sight(std::string_view format) {
  if (format.empty()) return {};  // General
  // Its sections, split at the semicolons outside literals and brackets.
  std::vector<std::string_view> sections;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= format.size(); ++i) {
    if (i == format.size() || format[i] == ';') {
      sections.push_back(format.substr(start, i - start));
      start = i + 1;
      if (sections.size() > 4) return {};  // not a format Excel takes
    } else if (format[i] == '"' || format[i] == '[') {
      const std::size_t close = format.find(format[i] == '"' ? '"' : ']', i + 1);
      if (close == std::string_view::npos) return {};
      i = close;
    } else if (format[i] == '\\' || format[i] == '_' || format[i] == '*') {
      if (i + 1 == format.size()) return {};  // an escape with nothing after it: not a format Excel takes
      ++i;
    }
  }
  bool conditional = false;
  std::vector<bool> blank;
  for (const auto s : sections) blank.push_back(blank_section(s, conditional));
  if (conditional) return {};
  FormatSight sight;
  // One section: every number; two: positives and zero, negatives; three
  // or four: positives, negatives, zero. Text has its own only in four.
  sight.positive = blank[0];
  sight.negative = sections.size() >= 2 ? blank[1] : blank[0];
  sight.zero = sections.size() >= 3 ? blank[2] : blank[0];
  sight.text = sections.size() == 4 && blank[3];
  return sight;
}

namespace {
// The values of `records` read from a cell of `places` (row << 32 | column):
// how many, of how many records, the first's field, and the first four rows
// with one (the message, in two languages, is cut at 600 characters).
struct ValuesAt {
  struct Row {
    std::uint32_t row = 0, column = 0;  // its first such cell
    std::size_t values = 0;
  };
  std::size_t values = 0, records = 0;
  bool past = false;  // more places than were noted: the counts are "at least"
  std::string field;
  std::vector<Row> rows;
  std::string at_least(bool vi) const { return past ? (vi ? "Ít nhất " : "At least ") : ""; }
  // "ô J2, ô M3, dòng 7: 35 ô, …": a row's one cell, or how many it has
  // (named once, in the Vietnamese: a message is cut at 600 characters).
  std::string cells() const {
    std::string out;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const Row& r = rows[i];
      out += i == 0 ? "" : ", ";
      if (r.values == 1) out += "ô " + column_name(r.column) + std::to_string(r.row);
      else out += fmt::format("dòng {}: {} ô", r.row, r.values);
    }
    return records > rows.size() ? out + ", …" : out;
  }
};

// More such cells than a sheet keeps, none of those kept read: not every
// cell was looked at, which is said rather than nothing.
Issue too_many_places(const char* code, const std::string& sheet) {
  return Issue{code,
               bilingual(fmt::format("Trang «{}» có hơn {} ô như vậy, nhiều hơn số ô được xét: có thể có số liệu trong "
                                     "những ô như vậy mà không được báo; hãy bỏ định dạng đó ở các ô không cần rồi gửi lại",
                                     sheet, HiddenCells::kMaxValues),
                         fmt::format("sheet '{}' has more than {} such cells, more than are looked at: figures in "
                                     "such cells may go unsaid; take that formatting off the cells that do not need "
                                     "it and send the file again",
                                     sheet, HiddenCells::kMaxValues)),
               "", "", Place{sheet, 0, 0, {}}};
}

ValuesAt values_at(const RecordSet& records, const HiddenCells::Places& noted) {
  ValuesAt at;
  at.past = noted.past;
  std::vector<std::uint64_t> places = noted.at;
  std::sort(places.begin(), places.end());
  places.erase(std::unique(places.begin(), places.end()), places.end());
  const Layout& layout = records.layout();
  // Each column's field.
  std::vector<std::int32_t> field_at;
  for (std::size_t f = 0; f < layout.columns.size() && f < layout.fields.size(); ++f) {
    const std::uint32_t c = layout.columns[f];
    if (c == 0) continue;
    if (field_at.size() <= c) field_at.resize(c + 1, -1);
    field_at[c] = static_cast<std::int32_t>(f);
  }
  CompactRecord r;
  for (std::size_t i = 0; i < records.size(); ++i) {
    records.get(i, r);
    const std::uint64_t row = std::uint64_t{r.where} << 32;
    ValuesAt::Row here{r.where, 0, 0};
    for (auto it = std::lower_bound(places.begin(), places.end(), row);
         it != places.end() && *it < row + (std::uint64_t{1} << 32); ++it) {
      const auto column = static_cast<std::uint32_t>(*it);
      if (column >= field_at.size() || field_at[column] < 0) continue;
      const auto f = static_cast<std::uint32_t>(field_at[column]);
      if (std::none_of(r.values.begin(), r.values.end(), [&](const auto& v) { return v.first == f; })) continue;
      if (at.values == 0) at.field = layout.fields[f];
      if (here.values++ == 0) here.column = column;
      ++at.values;
    }
    if (here.values == 0) continue;
    if (at.rows.size() < 4) at.rows.push_back(here);
    ++at.records;
  }
  return at;
}

// The warning `code` for the values of `records` read from a cell of
// `places`, its message what `say` makes of them; none when none is read.
template <class Say>
std::optional<Issue> values_issue(const char* code, const RecordSet& records, const std::string& sheet,
                                  const HiddenCells::Places& places, Say say) {
  if (places.empty()) return std::nullopt;
  const ValuesAt at = values_at(records, places);
  if (at.values == 0) return places.past ? std::optional(too_many_places(code, sheet)) : std::nullopt;
  return Issue{code, say(at), at.field, "", Place{sheet, at.rows.front().row, at.rows.front().column, {}}};
}
}  // namespace

std::optional<Issue> hidden_values_warning(const RecordSet& records, const std::string& sheet,
                                           const HiddenCells::Places& places) {
  return values_issue("hidden_values", records, sheet, places, [&](const ValuesAt& at) {
    return bilingual(fmt::format("{}{} giá trị đọc được ở ô không hiện gì trên trang «{}» ({}; do định dạng số như «;;;» "
                                 "hoặc chữ cùng màu nền): vẫn được tính; hãy đặt định dạng General, màu chữ tự động để "
                                 "xem lại rồi gửi lại",
                                 at.at_least(true), at.values, sheet, at.cells()),
                     fmt::format("{}{} value(s) read are in cells that show nothing in sheet '{}' (those named; a format "
                                 "such as ';;;' or text the colour of its background): counted all the same; set General "
                                 "and an automatic font colour, check and resend",
                                 at.at_least(false), at.values, sheet));
  });
}

std::optional<Issue> struck_values_warning(const RecordSet& records, const std::string& sheet,
                                           const HiddenCells::Places& places) {
  return values_issue("struck_values", records, sheet, places, [&](const ValuesAt& at) {
    return bilingual(fmt::format("{}{} giá trị của {} tổ chức đọc được ở ô bị gạch ngang trong trang «{}» ({}): vẫn được "
                                 "tính; nếu gạch ngang là để bỏ, hãy xoá hoặc sửa rồi gửi lại, nếu không, hãy bỏ gạch ngang",
                                 at.at_least(true), at.values, at.records, sheet, at.cells()),
                     fmt::format("{}{} value(s) of {} organisation(s) read are in cells struck through in sheet '{}' "
                                 "(those named): counted all the same; if that means void, delete or correct them and "
                                 "resend, else remove the line",
                                 at.at_least(false), at.values, at.records, sheet));
  });
}

void sheet_warnings(Normalised& out, const Catalogue& cat, const std::string& sheet, bool sheet_hidden,
                    const std::vector<std::string>& tables, const std::set<std::string, std::less<>>& hidden_sheets,
                    const HiddenCells& hidden) {
  // One sheet is read: another that holds a table of organisations too
  // (the return split over two sheets, a corrected copy, last year's) is
  // said, never left out without a word.
  for (const auto& other : tables) {
    if (other == sheet) continue;
    const bool other_hidden = hidden_sheets.count(other) != 0;
    out.warnings.push_back(Issue{
        "other_table",
        bilingual(fmt::format("Trang «{}»{} cũng có bảng tổ chức cơ sở đảng nhưng không được đọc: chỉ đọc trang «{}». "
                              "Nếu báo cáo nằm ở nhiều trang, hãy gộp vào một trang; nếu là trang cũ, hãy xóa nó",
                              other, other_hidden ? " (đang ẩn)" : "", sheet),
                  fmt::format("sheet '{}'{} holds a table of organisations too, which is not read: only sheet '{}' "
                              "is. If the return spans several sheets, put it on one; if that one is old, delete it",
                              other, other_hidden ? " (hidden)" : "", sheet)),
        "", other, Place{other, 0, 0, {}}});
  }
  // Organisations on rows, and figures in columns, the clerk does not see.
  if (!hidden.rows.empty())
    if (auto w = hidden_rows_warning(out.records, sheet, hidden.rows)) out.warnings.push_back(std::move(*w));
  if (!hidden.columns.empty())
    if (auto w = hidden_columns_warning(out.records, cat, sheet, out.header_row, hidden.columns))
      out.warnings.push_back(std::move(*w));
  if (!hidden.values.empty())
    if (auto w = hidden_values_warning(out.records, sheet, hidden.values)) out.warnings.push_back(std::move(*w));
  if (!hidden.struck.empty())
    if (auto w = struck_values_warning(out.records, sheet, hidden.struck)) out.warnings.push_back(std::move(*w));
  // What was read is on a sheet the clerk does not see.
  if (sheet_hidden)
    out.warnings.push_back(Issue{
        "hidden_sheet",
        bilingual(fmt::format("Bảng được đọc nằm ở trang «{}», trang này đang bị ẩn (không trang hiện nào có bảng tổ "
                              "chức cơ sở đảng); hãy kiểm tra đây đúng là báo cáo cần gửi",
                              sheet),
                  fmt::format("the table read is on sheet '{}', which is hidden (no visible sheet holds a table of "
                              "organisations); check that it is the return meant",
                              sheet)),
        "", sheet, Place{sheet, 0, 0, {}}});
}

}  // namespace tonghop::normalise::detail
