// The sheets "Biểu 1" ... : each table of the report on A4 landscape, one
// page wide with its text at 10 pt or more, header rows and the STT and
// district columns repeated on every page, "Trang x/y" in the footer. The
// first carries the heading of a party document (36-HD/VPTW) and the title;
// the last the notes, "Nơi nhận:" and the signature block.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "book.hpp"

namespace tonghop::xlsx {

// Lines a text wraps into in a column `width` characters wide.
int lines(const std::string& s, double width) {
  return std::max(1, static_cast<int>(std::ceil(static_cast<double>(chars(s)) * 1.1 / std::max(1.0, width - 1))));
}

namespace {

std::string value_text(const sdk::Value& v) {
  char buf[32];
  if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&v)) {
    std::snprintf(buf, sizeof buf, "%.2f", *d);
    return buf;
  }
  return {};
}

std::size_t longest_word(const std::string& s) {
  std::size_t best = 0, now = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == ' ') now = 0;
    else if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) best = std::max(best, ++now);
  }
  return best;
}


struct Sheet {
  Book& b;
  lxw_worksheet* ws;
  const Table& t;
  std::vector<double> widths;  // of every column: A (STT), B (district), then the table's
  lxw_col_t last = 0;
  lxw_row_t at = 0;
  bool any_unknown = false, any_partial = false;

  double span(lxw_col_t from, lxw_col_t to) const {
    double w = 0;
    for (lxw_col_t c = from; c <= to; ++c) w += widths[c];
    return w;
  }
  void merge(lxw_row_t y, lxw_col_t from, lxw_col_t to, const std::string& text, lxw_format* f) {
    if (from == to) worksheet_write_string(ws, y, from, text.c_str(), f);
    else worksheet_merge_range(ws, y, from, y, to, text.c_str(), f);
  }

  void size_columns() {
    double district = 14;
    for (const auto* row : b.rows) district = std::max(district, static_cast<double>(chars(row->label)) + 3);
    widths = {5, std::min(district, 26.0)};
    for (const std::size_t i : t.columns) {
      const sdk::Column* c = b.columns[i];
      double w = c->kind == sdk::ColumnKind::percent ? 8.5 : 8;
      w = std::max(w, static_cast<double>(longest_word(c->label)) * 1.3 + 2);  // bold, often capitals: HTXSNV
      for (const auto* row : b.rows)
        if (i < row->values.size()) w = std::max(w, static_cast<double>(chars(value_text(row->values[i]))) * 1.2 + 2);
      if (b.r.total && i < b.r.total->values.size())
        w = std::max(w, static_cast<double>(chars(value_text(b.r.total->values[i]))) * 1.3 + 3);
      widths.push_back(std::min(w, 16.0));
    }
    last = static_cast<lxw_col_t>(widths.size() - 1);
    for (lxw_col_t c = 0; c <= last; ++c) worksheet_set_column(ws, c, c, widths[c], nullptr);
  }

  // Top left over the first columns, top right over the last ones.
  void heading() {
    const double total = span(0, last);
    lxw_col_t left = 0;
    while (left < last && span(0, left) < total * 0.38) ++left;
    lxw_col_t right = last;
    while (right > left + 1 && span(right, last) < total * 0.45) --right;
    std::string body = b.text("display.issuing_body");
    if (body.empty()) body = "TỈNH ỦY";
    std::string number = b.text("display.number");
    if (number.empty()) number = "……";  // to fill in by hand
    merge(0, 0, left, body, b.f.heading);
    merge(1, 0, left, b.text("display.issuer"), b.f.heading_bold);
    merge(2, 0, left, "*", b.f.heading);
    merge(3, 0, left, "Số " + number + "-BC/BTCTU", b.f.heading);
    merge(0, right, last, "ĐẢNG CỘNG SẢN VIỆT NAM", b.f.party);
    merge(1, right, last, b.place_date(), b.f.place);
    worksheet_set_row(ws, 4, 8, nullptr);
    const std::string title = b.text("display.title");
    merge(5, 0, last, title, b.f.title);
    worksheet_set_row(ws, 5, 17.0 * lines(title, span(0, last) * 0.8), nullptr);
    const auto* expected = b.list("completeness.expected");
    const auto* submitted = b.list("completeness.submitted");
    merge(6, 0, last,
          std::to_string(submitted ? submitted->size() : 0) + "/" + std::to_string(expected ? expected->size() : 0) +
              " đảng bộ huyện đã gửi báo cáo",
          b.f.italic_center);
    at = 8;
  }

  void header(const std::string& caption) {
    merge(at, 0, last, caption, b.f.caption);
    worksheet_set_row(ws, at, 18.0 * lines(caption, span(0, last)), nullptr);
    const lxw_row_t h1 = ++at, h2 = at + 1;
    worksheet_merge_range(ws, h1, 0, h2, 0, "STT", b.f.header);
    worksheet_merge_range(ws, h1, 1, h2, 1, "Đảng bộ huyện", b.f.header);
    int group_lines = 1, label_lines = 2;
    for (std::size_t k = 0; k < t.columns.size();) {
      const std::string& group = b.group_of[b.columns[t.columns[k]]->id];
      const auto first = static_cast<lxw_col_t>(k + 2);
      std::size_t end = k;
      while (end < t.columns.size() && b.group_of[b.columns[t.columns[end]]->id] == group) ++end;
      const auto to = static_cast<lxw_col_t>(end + 1);
      for (std::size_t j = k; j < end; ++j) {
        const auto x = static_cast<lxw_col_t>(j + 2);
        const std::string& label = b.columns[t.columns[j]]->label;
        label_lines = std::max(label_lines, lines(label, widths[x]));
        if (group.empty()) {
          worksheet_merge_range(ws, h1, x, h2, x, label.c_str(), b.f.header);
        } else {
          worksheet_write_string(ws, h2, x, label.c_str(), b.f.header);
        }
      }
      if (!group.empty()) {
        if (first == to) worksheet_write_string(ws, h1, first, group.c_str(), b.f.header);
        else worksheet_merge_range(ws, h1, first, h1, to, group.c_str(), b.f.header);
        group_lines = std::max(group_lines, lines(group, span(first, to)));
      }
      k = end;
    }
    worksheet_set_row(ws, h1, 16.0 * group_lines + 4, nullptr);
    worksheet_set_row(ws, h2, 16.0 * label_lines + 4, nullptr);
    worksheet_repeat_rows(ws, h1, h2);
    worksheet_repeat_columns(ws, 0, 1);
    worksheet_freeze_panes(ws, h2 + 1, 2);
    at = h2 + 1;
  }

  void values(const sdk::Row& row, bool total) {
    for (std::size_t k = 0; k < t.columns.size(); ++k) {
      const std::size_t i = t.columns[k];
      const sdk::Column* c = b.columns[i];
      const auto x = static_cast<lxw_col_t>(k + 2);
      const bool pct = c->kind == sdk::ColumnKind::percent;
      lxw_format* fmt = total ? (pct ? b.f.total_percent : b.f.total_integer) : (pct ? b.f.percent : b.f.integer);
      if (listed(row.unknown, c->id)) {
        worksheet_write_blank(ws, at, x, total ? b.f.total_unknown : b.f.unknown);
        lxw_comment_options o{};
        o.font_name = const_cast<char*>(kFont);
        o.font_size = 10;
        o.width = 260;
        o.height = 90;
        const std::string note = total ? std::string(kNoData) + ": không huyện nào có số liệu này"
                                       : std::string(kNoData) + ": báo cáo của huyện không có chỉ tiêu này";
        worksheet_write_comment_opt(ws, at, x, note.c_str(), &o);
        any_unknown = true;
        continue;
      }
      if (const auto* partial = incomplete_of(row, c->id)) {
        fmt = pct ? b.f.partial_percent : b.f.partial_integer;
        lxw_comment_options o{};
        o.font_name = const_cast<char*>(kFont);
        o.font_size = 10;
        o.width = 260;
        o.height = 90;
        const std::string note = "(*) Chỉ gồm các huyện có số liệu. " + std::string(kNoData) + ": " + joined(*partial);
        worksheet_write_comment_opt(ws, at, x, note.c_str(), &o);
        any_partial = true;
      }
      const sdk::Value v = i < row.values.size() ? row.values[i] : sdk::Value{};
      if (const auto* iv = std::get_if<std::int64_t>(&v)) worksheet_write_number(ws, at, x, static_cast<double>(*iv), fmt);
      else if (const auto* dv = std::get_if<double>(&v)) worksheet_write_number(ws, at, x, *dv, fmt);
      else worksheet_write_blank(ws, at, x, fmt);
    }
  }

  void body() {
    int n = 0;
    for (const auto* row : b.rows) {
      worksheet_write_number(ws, at, 0, ++n, b.f.stt);
      worksheet_write_string(ws, at, 1, row->label.c_str(), b.f.label);
      if (row->missing) worksheet_merge_range(ws, at, 2, at, last, Book::status(*row).c_str(), b.f.missing);
      else values(*row, false);
      ++at;
    }
    if (b.r.total) {
      worksheet_write_blank(ws, at, 0, b.f.total_label);
      worksheet_write_string(ws, at, 1, b.r.total->label.empty() ? "Toàn tỉnh" : b.r.total->label.c_str(), b.f.total_label);
      values(*b.r.total, true);
      ++at;
    }
  }

  // Comments are not printed: lines under the table say what grey cells and "*" mean.
  void legend() {
    auto line = [&](const std::string& text) {
      ++at;
      merge(at, 0, last, text, b.f.legend);
      worksheet_set_row(ws, at, 16.0 * lines(text, span(0, last)), nullptr);
    };
    if (any_unknown)
      line("Ô màu xám để trống: không có số liệu (báo cáo của huyện không có chỉ tiêu này); không phải số 0.");
    if (any_partial)
      line("(*) Số toàn tỉnh chỉ gồm các huyện có số liệu của chỉ tiêu đó; các huyện không có số liệu "
           "được nêu ở sheet \"Cảnh báo\".");
  }

  // "Nơi nhận:" and its list on the left, the signature block on the right.
  void closing() {
    const double total = span(0, last);
    lxw_col_t left = 0;
    while (left < last && span(0, left) < total * 0.40) ++left;
    lxw_col_t right = last;
    while (right > left + 1 && span(right, last) < total * 0.42) --right;
    const std::string blank = "…………………………";
    at += 2;
    const lxw_row_t top = at;
    merge(top, 0, left, "Nơi nhận:", b.f.to_label);
    lxw_row_t y = top + 1;
    const auto* to = b.list("display.recipients");
    if (to != nullptr && !to->empty())
      for (const auto& name : *to) merge(y++, 0, left, "- " + name + (&name == &to->back() ? "." : ";"), b.f.to);
    else
      for (int i = 0; i < 3; ++i) merge(y++, 0, left, "- " + blank, b.f.to);
    auto or_blank = [&](const std::string& key) {
      const std::string s = b.text(key);
      return s.empty() ? blank : s;
    };
    merge(top, right, last, or_blank("display.signer_role"), b.f.sign);
    merge(top + 1, right, last, or_blank("display.signer_title"), b.f.sign);
    const lxw_row_t name_row = top + 6;
    merge(name_row, right, last, or_blank("display.signer_name"), b.f.sign);
    at = std::max(y, name_row + 1);
  }

  void page() {
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9);  // A4
    worksheet_set_margins(ws, kMarginLeft, kMarginRight, kMarginTop, kMarginBottom);
    worksheet_fit_to_pages(ws, 1, 0);  // one page wide; the widths keep the text at 10 pt or more
    worksheet_center_horizontally(ws);
    worksheet_set_footer(ws, kFooter);
    worksheet_print_area(ws, 0, 0, at, last);
  }
};

}  // namespace

void table_sheets(lxw_workbook* wb, Book& b) {
  for (std::size_t n = 0; n < b.tables.size(); ++n) {
    const std::string name = "Biểu " + std::to_string(n + 1);
    Sheet s{b, workbook_add_worksheet(wb, name.c_str()), b.tables[n], {}, 0, 0, false, false};
    s.size_columns();
    if (n == 0) s.heading();
    else {
      s.merge(0, 0, s.last, b.text("display.title"), b.f.title);
      worksheet_set_row(s.ws, 0, 17.0 * lines(b.text("display.title"), s.span(0, s.last) * 0.8), nullptr);
      s.at = 2;
    }
    s.header("Biểu " + std::to_string(n + 1) + ". " + b.tables[n].title);
    s.body();
    s.legend();
    if (n + 1 == b.tables.size()) s.closing();
    s.page();
  }
}

}  // namespace tonghop::xlsx
