// The province workbook, as the Organisation Board prints it (libxlsxwriter):
//   "Tổng hợp": the heading of a party document (issuing body top left,
//     "ĐẢNG CỘNG SẢN VIỆT NAM" and the place and date top right), a bold
//     centred title, the completeness line, the table under a two-row grouped
//     header, one row per district in the registry's order (those that have
//     not reported say so), the province total in bold; numbers as numbers
//     with thousands separators, percentages with two decimals; header rows
//     frozen and repeated on every page; A4 landscape, one page wide; a
//     stacked chart of the organisations' ratings by district.
//     A value a district has no data for is an empty grey cell with the
//     comment "Không có số liệu"; a total that leaves districts out is marked
//     "*" (a number format: the cell stays a number) with a comment naming
//     them. Lines under the table explain both on paper, where comments are
//     not printed.
//   "Chi tiết": every organisation (the report's first table).
//   "Cảnh báo": the warnings, the districts that have not reported, what
//     each district has no data for, and which districts each incomplete
//     total leaves out.
// Times New Roman throughout. Text is always written as text: a name such as
// =HYPERLINK(...) is never a formula.
#include <algorithm>
#include <cstdio>
#include <map>
#include <string>

#include <sys/mman.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <tonghop/sdk.hpp>

namespace sdk = tonghop::sdk;

namespace {

constexpr const char* kFont = "Times New Roman";

std::string text_of(const sdk::Value& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&v)) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", *d);
    return buf;
  }
  return {};
}

const sdk::StringList* list_meta(const sdk::Report& r, const std::string& key) {
  const sdk::Value* v = r.meta(key);
  return v ? std::get_if<sdk::StringList>(v) : nullptr;
}
std::string text_meta(const sdk::Report& r, const std::string& key) {
  const sdk::Value* v = r.meta(key);
  return v ? text_of(*v) : std::string();
}

// "2026-11-22T10:00:00+07:00" -> "ngày 22 tháng 11 năm 2026".
std::string vietnamese_date(const std::string& iso) {
  if (iso.size() < 10) return {};
  return "ngày " + iso.substr(8, 2) + " tháng " + iso.substr(5, 2) + " năm " + iso.substr(0, 4);
}

struct Formats {
  lxw_format *text, *bold, *italic, *title, *heading, *header, *integer, *percent, *label, *total_label, *total_integer,
      *total_percent, *missing, *unknown, *total_unknown, *partial_integer, *partial_percent, *legend;
};

constexpr const char* kNoData = "Không có số liệu";
constexpr lxw_color_t kUnknownFill = 0xD9D9D9;  // light grey: prints on any printer

bool listed(const sdk::StringList& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}
const sdk::StringList* incomplete_of(const sdk::Row& row, const std::string& id) {
  for (const auto& [column, rows] : row.incomplete)
    if (column == id) return &rows;
  return nullptr;
}
std::string joined(const sdk::StringList& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}
// What a reader calls a column: "Đảng viên: Nữ".
std::map<std::string, std::string> column_names(const sdk::Report& r) {
  std::map<std::string, std::string> out;
  for (const auto& g : r.groups)
    for (const auto& c : g.columns) out[c.id] = g.label.empty() ? c.label : g.label + ": " + c.label;
  return out;
}

void comment(lxw_worksheet* ws, lxw_row_t y, lxw_col_t x, const std::string& text) {
  lxw_comment_options o{};
  o.font_name = const_cast<char*>(kFont);
  o.font_size = 10;
  o.width = 260;
  o.height = 90;
  worksheet_write_comment_opt(ws, y, x, text.c_str(), &o);
}

lxw_format* make(lxw_workbook* wb, bool bold = false, bool italic = false, const char* num = nullptr, bool border = false,
                 bool center = false, bool wrap = false, double size = 12) {
  lxw_format* f = workbook_add_format(wb);
  format_set_font_name(f, kFont);
  format_set_font_size(f, size);
  if (bold) format_set_bold(f);
  if (italic) format_set_italic(f);
  if (num) format_set_num_format(f, num);
  if (border) format_set_border(f, LXW_BORDER_THIN);
  if (center) {
    format_set_align(f, LXW_ALIGN_CENTER);
    format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
  }
  if (wrap) format_set_text_wrap(f);
  return f;
}

class XlsxExporter final : public sdk::Exporter {
 public:
  using sdk::Exporter::Exporter;

 protected:
  sdk::Status do_write(const sdk::Report& report, std::string_view format, std::ostream& out) const override {
    if (format != "xlsx") return {sdk::Code::unsupported, "the workbook exporter writes only xlsx"};
    // libxlsxwriter writes to a file name: an anonymous memory file, read back.
    const int fd = memfd_create("tonghop-report", MFD_CLOEXEC);
    if (fd < 0) return {sdk::Code::internal, "cannot create the workbook (memfd)"};
    const std::string path = "/proc/self/fd/" + std::to_string(fd);
    lxw_workbook* wb = workbook_new(path.c_str());
    if (wb == nullptr) {
      ::close(fd);
      return {sdk::Code::internal, "cannot create the workbook"};
    }
    build(wb, report);
    const lxw_error rc = workbook_close(wb);
    if (rc != LXW_NO_ERROR) {
      ::close(fd);
      return {sdk::Code::internal, std::string("cannot write the workbook: ") + lxw_strerror(rc)};
    }
    ::lseek(fd, 0, SEEK_SET);
    char buf[65536];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) out.write(buf, n);
    ::close(fd);
    return {};
  }

 private:
  static void build(lxw_workbook* wb, const sdk::Report& r) {
    Formats f{};
    f.text = make(wb);
    f.bold = make(wb, true);
    f.italic = make(wb, false, true);
    f.title = make(wb, true, false, nullptr, false, true, false, 14);
    f.heading = make(wb, false, true, nullptr, false, true);
    f.header = make(wb, true, false, nullptr, true, true, true, 11);
    f.integer = make(wb, false, false, "#,##0", true);
    f.percent = make(wb, false, false, "0.00", true);
    f.label = make(wb, false, false, nullptr, true);
    f.total_label = make(wb, true, false, nullptr, true);
    f.total_integer = make(wb, true, false, "#,##0", true);
    f.total_percent = make(wb, true, false, "0.00", true);
    f.missing = make(wb, false, true, nullptr, true, true);
    f.unknown = make(wb, false, false, nullptr, true);
    format_set_bg_color(f.unknown, kUnknownFill);
    f.total_unknown = make(wb, true, false, nullptr, true);
    format_set_bg_color(f.total_unknown, kUnknownFill);
    f.partial_integer = make(wb, true, false, "#,##0\"*\"", true);
    f.partial_percent = make(wb, true, false, "0.00\"*\"", true);
    f.legend = make(wb, false, true, nullptr, false, false, true, 11);
    summary(wb, r, f);
    details(wb, r, f);
    warnings(wb, r, f);
  }

  static void summary(lxw_workbook* wb, const sdk::Report& r, const Formats& f) {
    lxw_worksheet* ws = workbook_add_worksheet(wb, "Tổng hợp");
    const auto columns = r.columns();
    const auto last = static_cast<lxw_col_t>(columns.size() + 1);  // A: STT, B: district, then the columns
    std::map<lxw_col_t, double> width;
    auto fit = [&](lxw_col_t c, const std::string& s, double factor = 1.0) {
      std::size_t chars = 0;
      for (const unsigned char ch : s) chars += (ch & 0xC0) != 0x80;
      width[c] = std::max(width[c], static_cast<double>(chars) * factor + 2);
    };

    // The heading of a party document.
    const lxw_col_t half = static_cast<lxw_col_t>(std::max<int>(4, static_cast<int>(last) / 2));
    worksheet_merge_range(ws, 0, 0, 0, half - 1, text_meta(r, "display.issuing_body").c_str(), f.heading);
    worksheet_merge_range(ws, 1, 0, 1, half - 1, text_meta(r, "display.issuer").c_str(), f.title);
    worksheet_merge_range(ws, 0, half, 0, last, "ĐẢNG CỘNG SẢN VIỆT NAM", f.title);
    const std::string place_date = text_meta(r, "display.place") + ", " + vietnamese_date(text_meta(r, "generated_at"));
    worksheet_merge_range(ws, 1, half, 1, last, place_date.c_str(), f.heading);
    worksheet_merge_range(ws, 3, 0, 3, last, text_meta(r, "display.title").c_str(), f.title);
    const auto* expected = list_meta(r, "completeness.expected");
    const auto* submitted = list_meta(r, "completeness.submitted");
    const std::string done = std::to_string(submitted ? submitted->size() : 0) + "/" +
                             std::to_string(expected ? expected->size() : 0) + " đảng bộ huyện đã gửi báo cáo";
    worksheet_merge_range(ws, 4, 0, 4, last, done.c_str(), f.heading);

    // The two-row grouped header.
    const lxw_row_t h1 = 6, h2 = 7;
    worksheet_merge_range(ws, h1, 0, h2, 0, "STT", f.header);
    worksheet_merge_range(ws, h1, 1, h2, 1, "Đảng bộ huyện", f.header);
    lxw_col_t c = 2;
    for (const auto& g : r.groups) {
      if (g.columns.empty()) continue;
      const lxw_col_t first = c;
      for (const auto& col : g.columns) {
        if (g.label.empty() || g.columns.size() == 1) {
          worksheet_merge_range(ws, h1, c, h2, c, col.label.c_str(), f.header);
        } else {
          worksheet_write_string(ws, h2, c, col.label.c_str(), f.header);
        }
        fit(c, col.label, 0.9);
        ++c;
      }
      if (!g.label.empty() && g.columns.size() > 1) worksheet_merge_range(ws, h1, first, h1, c - 1, g.label.c_str(), f.header);
    }
    worksheet_set_row(ws, h2, 45, nullptr);

    // One row per district, in the registry's order.
    std::vector<const sdk::Row*> rows;
    if (const auto* order = list_meta(r, "display.order")) {
      for (const auto& name : *order)
        for (const auto& row : r.rows)
          if (row.label == name) rows.push_back(&row);
    }
    for (const auto& row : r.rows)
      if (std::find(rows.begin(), rows.end(), &row) == rows.end()) rows.push_back(&row);
    lxw_row_t at = h2 + 1;
    int n = 0;
    bool any_unknown = false, any_partial = false;
    auto write_values = [&](const sdk::Row& row, lxw_row_t y, bool total) {
      for (std::size_t i = 0; i < columns.size(); ++i) {
        const lxw_col_t x = static_cast<lxw_col_t>(i + 2);
        const sdk::Value v = i < row.values.size() ? row.values[i] : sdk::Value{};
        const bool pct = columns[i]->kind == sdk::ColumnKind::percent;
        lxw_format* fmt = total ? (pct ? f.total_percent : f.total_integer) : (pct ? f.percent : f.integer);
        const sdk::StringList* partial = incomplete_of(row, columns[i]->id);
        if (listed(row.unknown, columns[i]->id)) {
          worksheet_write_blank(ws, y, x, total ? f.total_unknown : f.unknown);
          comment(ws, y, x, total ? std::string(kNoData) + ": không huyện nào có số liệu này"
                                  : std::string(kNoData) + ": báo cáo của huyện không có chỉ tiêu này");
          any_unknown = true;
          continue;
        }
        if (partial != nullptr) {
          fmt = pct ? f.partial_percent : f.partial_integer;
          comment(ws, y, x, "(*) Chỉ gồm các huyện có số liệu. " + std::string(kNoData) + ": " + joined(*partial));
          any_partial = true;
        }
        const std::string mark = partial != nullptr ? "*" : "";
        if (const auto* iv = std::get_if<std::int64_t>(&v)) {
          worksheet_write_number(ws, y, x, static_cast<double>(*iv), fmt);
          fit(x, std::to_string(*iv) + mark, 1.2);
        } else if (const auto* dv = std::get_if<double>(&v)) {
          worksheet_write_number(ws, y, x, *dv, fmt);
          fit(x, text_of(v) + mark);
        } else {
          worksheet_write_blank(ws, y, x, fmt);
        }
      }
    };
    for (const auto* row : rows) {
      worksheet_write_number(ws, at, 0, ++n, f.label);
      worksheet_write_string(ws, at, 1, row->label.c_str(), f.label);
      fit(1, row->label);
      if (row->missing) worksheet_merge_range(ws, at, 2, at, last, "Chưa gửi báo cáo", f.missing);
      else write_values(*row, at, false);
      ++at;
    }
    const lxw_row_t first_data = h2 + 1, last_data = at - 1;
    if (r.total) {
      worksheet_write_blank(ws, at, 0, f.total_label);
      worksheet_write_string(ws, at, 1, r.total->label.empty() ? "Toàn tỉnh" : r.total->label.c_str(), f.total_label);
      write_values(*r.total, at, true);
      ++at;
    }
    // On paper comments are not printed: say what grey cells and "*" mean.
    auto legend = [&](const std::string& text) {  // under a blank row, one line each
      ++at;
      worksheet_merge_range(ws, at, 0, at, last, text.c_str(), f.legend);
    };
    if (any_unknown)
      legend("Ô màu xám để trống: không có số liệu (báo cáo của huyện không có chỉ tiêu này); không phải số 0.");
    if (any_partial)
      legend("(*) Số toàn tỉnh chỉ gồm các huyện có số liệu của chỉ tiêu đó; các huyện không có số liệu "
             "được nêu ở sheet \"Cảnh báo\".");

    worksheet_set_column(ws, 0, 0, 5, nullptr);
    for (const auto& [col, w] : width) worksheet_set_column(ws, col, col, std::min(w, 40.0), nullptr);
    worksheet_freeze_panes(ws, h2 + 1, 2);
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9);  // A4
    worksheet_fit_to_pages(ws, 1, 0);
    worksheet_repeat_rows(ws, h1, h2);

    // The organisations' ratings by district, stacked.
    std::vector<std::pair<std::string, lxw_col_t>> ratings;
    for (std::size_t i = 0; i < columns.size(); ++i)
      if (columns[i]->id.rfind("orgs_rated_", 0) == 0) ratings.emplace_back(columns[i]->label, static_cast<lxw_col_t>(i + 2));
    if (!ratings.empty() && last_data >= first_data) {
      lxw_chart* chart = workbook_add_chart(wb, LXW_CHART_COLUMN_STACKED_PERCENT);
      for (const auto& [label, col] : ratings) {
        lxw_chart_series* s = chart_add_series(chart, nullptr, nullptr);
        chart_series_set_categories(s, "Tổng hợp", first_data, 1, last_data, 1);
        chart_series_set_values(s, "Tổng hợp", first_data, col, last_data, col);
        chart_series_set_name(s, label.c_str());
      }
      chart_title_set_name(chart, "Xếp loại tổ chức cơ sở đảng theo đảng bộ huyện");
      lxw_chart_font font{};
      font.name = const_cast<char*>(kFont);
      chart_title_set_name_font(chart, &font);
      chart_legend_set_font(chart, &font);
      chart_axis_set_num_font(chart->x_axis, &font);
      chart_axis_set_num_font(chart->y_axis, &font);
      lxw_chart_options opts{};
      opts.x_scale = 2.0;
      opts.y_scale = 1.4;
      worksheet_insert_chart_opt(ws, at + 2, 1, chart, &opts);
    }
  }

  static void details(lxw_workbook* wb, const sdk::Report& r, const Formats& f) {
    lxw_worksheet* ws = workbook_add_worksheet(wb, "Chi tiết");
    if (r.tables.empty()) return;
    const sdk::Table& t = r.tables.front();
    for (std::size_t c = 0; c < t.columns.size(); ++c) {
      worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c), t.columns[c].label.c_str(), f.header);
      worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), c == 1 ? 36 : 14, nullptr);
    }
    worksheet_set_row(ws, 0, 45, nullptr);
    lxw_row_t y = 1;
    for (const auto& row : t.rows) {
      for (std::size_t c = 0; c < row.size() && c < t.columns.size(); ++c) {
        const auto x = static_cast<lxw_col_t>(c);
        if (const auto* i = std::get_if<std::int64_t>(&row[c])) worksheet_write_number(ws, y, x, static_cast<double>(*i), f.integer);
        else if (const auto* d = std::get_if<double>(&row[c])) worksheet_write_number(ws, y, x, *d, f.percent);
        else if (const auto* s = std::get_if<std::string>(&row[c])) worksheet_write_string(ws, y, x, s->c_str(), f.label);
        else worksheet_write_blank(ws, y, x, f.label);
      }
      ++y;
    }
    worksheet_freeze_panes(ws, 1, 2);
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9);
    worksheet_repeat_rows(ws, 0, 0);
  }

  static void warnings(lxw_workbook* wb, const sdk::Report& r, const Formats& f) {
    lxw_worksheet* ws = workbook_add_worksheet(wb, "Cảnh báo");
    const char* heads[] = {"Đảng bộ huyện", "Mã", "Nội dung"};
    for (lxw_col_t c = 0; c < 3; ++c) worksheet_write_string(ws, 0, c, heads[c], f.header);
    worksheet_set_column(ws, 0, 0, 22, nullptr);
    worksheet_set_column(ws, 1, 1, 22, nullptr);
    worksheet_set_column(ws, 2, 2, 100, nullptr);
    lxw_row_t y = 1;
    const auto names = column_names(r);
    auto line = [&](const std::string& who, const char* code, const std::string& message) {
      worksheet_write_string(ws, y, 0, who.c_str(), f.label);
      worksheet_write_string(ws, y, 1, code, f.label);
      worksheet_write_string(ws, y, 2, message.c_str(), f.label);
      ++y;
    };
    auto labels = [&](const sdk::StringList& ids) {
      sdk::StringList out;
      for (const auto& id : ids) out.push_back(names.count(id) ? names.at(id) : id);
      return joined(out);
    };
    for (const auto& row : r.rows) {
      if (!row.missing && !row.unknown.empty())
        line(row.label, "no_data", std::string(kNoData) + ": " + labels(row.unknown) + " / no data for: " + joined(row.unknown));
      if (row.missing) {
        worksheet_write_string(ws, y, 0, row.label.c_str(), f.label);
        worksheet_write_string(ws, y, 1, "missing", f.label);
        worksheet_write_string(ws, y, 2, "Chưa gửi báo cáo / has not reported", f.label);
        ++y;
      }
      for (const auto& w : row.warnings) {
        worksheet_write_string(ws, y, 0, row.label.c_str(), f.label);
        worksheet_write_string(ws, y, 1, w.code.c_str(), f.label);
        worksheet_write_string(ws, y, 2, w.message.c_str(), f.label);
        ++y;
      }
    }
    if (r.total) {
      const std::string who = r.total->label.empty() ? "Toàn tỉnh" : r.total->label;
      for (const auto& [id, rows] : r.total->incomplete)
        line(who, "incomplete_total",
             "(*) " + (names.count(id) ? names.at(id) : id) + ": số toàn tỉnh chỉ gồm các huyện có số liệu; " + kNoData +
                 ": " + joined(rows) + " / the province total of " + id + " leaves out: " + joined(rows));
    }
    for (const auto& n : r.notes) {
      worksheet_write_string(ws, y, 0, "", f.label);
      worksheet_write_string(ws, y, 1, n.code.c_str(), f.label);
      worksheet_write_string(ws, y, 2, n.message.c_str(), f.label);
      ++y;
    }
  }
};

}  // namespace

TONGHOP_PLUGIN(XlsxExporter, exporter, "export-xlsx", "1.1.0", "xlsx",
               "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "The province workbook: party-document heading, grouped header, totals, chart (libxlsxwriter)")
