#include "book.hpp"

#include <algorithm>

namespace tonghop::xlsx {

namespace {

lxw_format* make(lxw_workbook* wb, double size, bool bold = false, bool italic = false, const char* num = nullptr,
                 bool border = false, lxw_format_alignments align = LXW_ALIGN_NONE, bool wrap = false) {
  lxw_format* f = workbook_add_format(wb);
  format_set_font_name(f, kFont);
  format_set_font_size(f, size);
  if (bold) format_set_bold(f);
  if (italic) format_set_italic(f);
  if (num) format_set_num_format(f, num);
  if (border) format_set_border(f, LXW_BORDER_THIN);
  if (align != LXW_ALIGN_NONE) format_set_align(f, align);
  format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
  if (wrap) format_set_text_wrap(f);
  return f;
}

}  // namespace

Formats make_formats(lxw_workbook* wb) {
  Formats f{};
  f.text = make(wb, kBody);
  f.bold = make(wb, kBody, true);
  f.heading = make(wb, 13, false, false, nullptr, false, LXW_ALIGN_CENTER);  // "TỈNH ỦY LAI CHÂU": upright
  f.heading_bold = make(wb, 13, true, false, nullptr, false, LXW_ALIGN_CENTER);
  f.party = make(wb, 13, true, false, nullptr, false, LXW_ALIGN_CENTER);
  format_set_underline(f.party, LXW_UNDERLINE_SINGLE);
  f.place = make(wb, 13, false, true, nullptr, false, LXW_ALIGN_CENTER);
  f.title = make(wb, 14, true, false, nullptr, false, LXW_ALIGN_CENTER, true);
  f.italic_center = make(wb, kBody, false, true, nullptr, false, LXW_ALIGN_CENTER);
  f.caption = make(wb, kBody, true, false, nullptr, false, LXW_ALIGN_LEFT, true);
  f.header = make(wb, kBody, true, false, nullptr, true, LXW_ALIGN_CENTER, true);
  f.integer = make(wb, kBody, false, false, kInteger, true);
  f.percent = make(wb, kBody, false, false, kPercent, true);
  f.label = make(wb, kBody, false, false, nullptr, true, LXW_ALIGN_NONE, true);
  f.stt = make(wb, kBody, false, false, "0", true, LXW_ALIGN_CENTER);
  f.total_label = make(wb, kBody, true, false, nullptr, true);
  f.total_integer = make(wb, kBody, true, false, kInteger, true);
  f.total_percent = make(wb, kBody, true, false, kPercent, true);
  f.missing = make(wb, kBody, false, true, nullptr, true, LXW_ALIGN_CENTER);
  f.unknown = make(wb, kBody, false, false, nullptr, true);
  format_set_bg_color(f.unknown, 0xD9D9D9);  // light grey: prints on any printer
  f.total_unknown = make(wb, kBody, true, false, nullptr, true);
  format_set_bg_color(f.total_unknown, 0xD9D9D9);
  f.partial_integer = make(wb, kBody, true, false, kIntegerPartial, true);
  f.partial_percent = make(wb, kBody, true, false, kPercentPartial, true);
  f.legend = make(wb, 11, false, true, nullptr, false, LXW_ALIGN_LEFT, true);
  f.to_label = make(wb, kBody, true, true);
  f.to = make(wb, 11);
  f.sign = make(wb, 13, true, false, nullptr, false, LXW_ALIGN_CENTER);
  f.wrap = make(wb, 11, false, false, nullptr, true, LXW_ALIGN_NONE, true);
  // "Chi tiết", printed at 100 %: 10 pt.
  f.d_header = make(wb, 10, true, false, nullptr, true, LXW_ALIGN_CENTER, true);
  f.d_text = make(wb, 10, false, false, nullptr, true);
  f.d_integer = make(wb, 10, false, false, kInteger, true);
  return f;
}

Book::Book(lxw_workbook* wb, const sdk::Report& report) : r(report), f(make_formats(wb)), columns(report.columns()) {
  for (const auto& g : r.groups)
    for (const auto& c : g.columns) group_of[c.id] = g.label;
  // The tables the daemon split the columns into (display.tables,
  // display.table.N); any column none names comes last.
  std::vector<bool> placed(columns.size(), false);
  if (const auto* titles = list("display.tables"))
    for (std::size_t n = 0; n < titles->size(); ++n) {
      Table t{(*titles)[n], {}};
      if (const auto* ids = list("display.table." + std::to_string(n + 1)))
        for (const auto& id : *ids)
          for (std::size_t i = 0; i < columns.size(); ++i)
            if (columns[i]->id == id && !placed[i]) {
              t.columns.push_back(i);
              placed[i] = true;
            }
      if (!t.columns.empty()) tables.push_back(std::move(t));
    }
  Table rest{tables.empty() ? "Các chỉ tiêu" : "Các chỉ tiêu khác", {}};
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (!placed[i]) rest.columns.push_back(i);
  if (!rest.columns.empty()) tables.push_back(std::move(rest));

  if (const auto* order = list("display.order"))
    for (const auto& name : *order)
      for (const auto& row : r.rows)
        if (row.label == name) rows.push_back(&row);
  for (const auto& row : r.rows)
    if (std::find(rows.begin(), rows.end(), &row) == rows.end()) rows.push_back(&row);
}

std::string Book::text(const std::string& key) const {
  const sdk::Value* v = r.meta(key);
  const auto* s = v ? std::get_if<std::string>(v) : nullptr;
  return s ? *s : std::string();
}
const sdk::StringList* Book::list(const std::string& key) const {
  const sdk::Value* v = r.meta(key);
  return v ? std::get_if<sdk::StringList>(v) : nullptr;
}
std::string Book::name(const std::string& code, const std::string& fallback) const {
  const std::string s = text("display.name." + code);
  return s.empty() ? fallback : s;
}
std::string Book::status(const sdk::Row& row) {
  for (const auto& [k, v] : row.attributes)
    if (k == "status_label")
      if (const auto* s = std::get_if<std::string>(&v); s && !s->empty()) return *s;
  return row.missing ? kNotReported : "";
}
std::string Book::place_date() const {
  std::string date = text("display.date");
  if (date.empty()) {  // from generated_at, as the daemon wrote it
    const std::string iso = text("generated_at");
    if (iso.size() >= 10) date = "ngày " + iso.substr(8, 2) + " tháng " + iso.substr(5, 2) + " năm " + iso.substr(0, 4);
  }
  std::string place = text("display.place");
  if (place.empty()) place = text("province");
  return date.empty() ? place : place + ", " + date;
}

std::string joined(const sdk::StringList& names, const char* sep) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : sep) + n;
  return out;
}
bool listed(const sdk::StringList& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}
const sdk::StringList* incomplete_of(const sdk::Row& row, const std::string& id) {
  for (const auto& [column, rows] : row.incomplete)
    if (column == id) return &rows;
  return nullptr;
}
std::size_t chars(const std::string& s) {
  std::size_t n = 0;
  for (const unsigned char ch : s) n += (ch & 0xC0) != 0x80;
  return n;
}

}  // namespace tonghop::xlsx
