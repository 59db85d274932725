// The province workbook, as the Organisation Board prints it (libxlsxwriter):
//   "Biểu 1" ... : the report's tables as the daemon splits them
//     (indicators.toml [[report.tables]]), each on A4 landscape, one page
//     wide with text at 10 pt or more, header rows and the STT and district
//     columns repeated on every page, "Trang x/y" in the footer; the first
//     with the heading of a party document and the title, the last with the
//     notes, "Nơi nhận:" and the signature block (tables.cpp). One row per
//     district in the registry's order (one that has not reported says so),
//     the province total in bold. Numbers stay numbers, shown 15.513 and
//     34,70 whatever the reader's locale (book.hpp). A value a district has
//     no data for is an empty grey cell with the comment "Không có số liệu";
//     a total that leaves districts out is marked "*" with a comment naming
//     them.
//   "Biểu đồ": the organisations' ratings by district, one page (chart.cpp).
//   "Chi tiết": every organisation, kinds, sectors and ratings by name.
//   "Cảnh báo": the warnings by their Vietnamese names, the districts that
//     have not reported, what each district has no data for, and which
//     districts each incomplete total leaves out.
// Times New Roman throughout. Text is always written as text: a name such as
// =HYPERLINK(...) is never a formula.
#include <algorithm>
#include <string>

#include <sys/mman.h>
#include <unistd.h>

#include "book.hpp"

using namespace tonghop::xlsx;

namespace {

constexpr const char* kMemoryDir = "/dev/shm";

void page(lxw_worksheet* ws) {
  worksheet_set_landscape(ws);
  worksheet_set_paper(ws, 9);  // A4
  worksheet_set_margins(ws, kMarginLeft, kMarginRight, kMarginTop, kMarginBottom);
  worksheet_set_footer(ws, kFooter);
}

// Every organisation. Wider than a page: printed at 100 % in 10 pt, in parts
// a page wide, the district and the organisation's name repeated on each.
void details(lxw_workbook* wb, const Book& b) {
  lxw_worksheet* ws = workbook_add_worksheet(wb, "Chi tiết");
  page(ws);
  if (b.r.tables.empty()) return;
  const sdk::Table& t = b.r.tables.front();
  for (std::size_t c = 0; c < t.columns.size(); ++c) {
    const auto x = static_cast<lxw_col_t>(c);
    worksheet_write_string(ws, 0, x, t.columns[c].label.c_str(), b.f.d_header);
    // District, name, kind, sector, rating, then the counts (5 digits at 10 pt).
    constexpr double kText[] = {15, 32, 13, 17, 24};
    const double w = c < 5 && t.columns[c].kind == sdk::ColumnKind::text ? kText[c] : 5.3;
    worksheet_set_column(ws, x, x, w, nullptr);
  }
  worksheet_set_row(ws, 0, 118, nullptr);
  lxw_row_t y = 1;
  for (const auto& row : t.rows) {
    // A note the host adds under the list (no district, a text in the name's
    // column, nothing else: what is not listed, and why): across the text
    // columns B to E and wrapped, as tall as it needs, where it ran over
    // the figures' columns and was cut at the page's edge.
    const auto* first = row.empty() ? nullptr : std::get_if<std::string>(&row[0]);
    const auto* text = row.size() < 2 ? nullptr : std::get_if<std::string>(&row[1]);
    if (first != nullptr && first->empty() && text != nullptr && t.columns.size() >= 5 &&
        std::all_of(row.begin() + 2, row.end(), [](const sdk::Value& v) { return std::holds_alternative<std::monostate>(v); })) {
      worksheet_write_blank(ws, y, 0, b.f.d_text);
      worksheet_merge_range(ws, y, 1, y, 4, text->c_str(), b.f.wrap);
      worksheet_set_row(ws, y, 13.0 * lines(*text, 32 + 13 + 17 + 24) + 2, nullptr);
      for (std::size_t c = 5; c < t.columns.size(); ++c) worksheet_write_blank(ws, y, static_cast<lxw_col_t>(c), b.f.d_text);
      ++y;
      continue;
    }
    for (std::size_t c = 0; c < row.size() && c < t.columns.size(); ++c) {
      const auto x = static_cast<lxw_col_t>(c);
      if (const auto* i = std::get_if<std::int64_t>(&row[c])) worksheet_write_number(ws, y, x, static_cast<double>(*i), b.f.d_integer);
      else if (const auto* d = std::get_if<double>(&row[c])) worksheet_write_number(ws, y, x, *d, b.f.percent);
      else if (const auto* s = std::get_if<std::string>(&row[c])) worksheet_write_string(ws, y, x, s->c_str(), b.f.d_text);
      else worksheet_write_blank(ws, y, x, b.f.d_text);
    }
    ++y;
  }
  worksheet_freeze_panes(ws, 1, 2);
  worksheet_repeat_rows(ws, 0, 0);
  worksheet_repeat_columns(ws, 0, 1);
  worksheet_autofilter(ws, 0, 0, y - 1, static_cast<lxw_col_t>(t.columns.size() - 1));
}

void warnings(lxw_workbook* wb, const Book& b) {
  lxw_worksheet* ws = workbook_add_worksheet(wb, "Cảnh báo");
  const char* heads[] = {"Đảng bộ huyện", "Loại", "Nội dung"};
  for (lxw_col_t c = 0; c < 3; ++c) worksheet_write_string(ws, 0, c, heads[c], b.f.header);
  worksheet_set_column(ws, 0, 0, 20, nullptr);
  worksheet_set_column(ws, 1, 1, 28, nullptr);
  worksheet_set_column(ws, 2, 2, 88, nullptr);
  lxw_row_t y = 1;
  std::map<std::string, std::string> names;  // "Đảng viên: Nữ"
  for (const auto& g : b.r.groups)
    for (const auto& c : g.columns) names[c.id] = g.label.empty() || g.label == c.label ? c.label : g.label + ": " + c.label;
  auto line = [&](const std::string& who, const std::string& kind, const std::string& message) {
    const int tall = std::max({lines(who, 20), lines(kind, 28), lines(message, 88)});
    if (tall > 1) worksheet_set_row(ws, y, 15.0 * tall + 2, nullptr);
    worksheet_write_string(ws, y, 0, who.c_str(), b.f.wrap);
    worksheet_write_string(ws, y, 1, kind.c_str(), b.f.wrap);
    worksheet_write_string(ws, y, 2, message.c_str(), b.f.wrap);
    ++y;
  };
  auto labels = [&](const sdk::StringList& ids) {
    sdk::StringList out;
    for (const auto& id : ids) out.push_back(names.count(id) ? names.at(id) : id);
    return joined(out);
  };
  for (const auto* row : b.rows) {
    if (!row->missing && !row->unknown.empty())
      line(row->label, kNoData, std::string(kNoData) + ": " + labels(row->unknown));
    if (row->missing) line(row->label, Book::status(*row), "Chưa gửi báo cáo kỳ này / has not reported");
    for (const auto& w : row->warnings) line(row->label, b.name(w.code, "Cảnh báo"), w.message);
  }
  if (b.r.total) {
    const std::string who = b.r.total->label.empty() ? "Toàn tỉnh" : b.r.total->label;
    for (const auto& [id, rows] : b.r.total->incomplete)
      line(who, "Số toàn tỉnh chưa đủ",
           "(*) " + (names.count(id) ? names.at(id) : id) + ": số toàn tỉnh chỉ gồm các huyện có số liệu; " + kNoData +
               ": " + joined(rows));
  }
  for (const auto& n : b.r.notes) line("", b.name(n.code, "Ghi chú"), n.message);
  page(ws);
  worksheet_repeat_rows(ws, 0, 0);
  worksheet_fit_to_pages(ws, 1, 0);
}

class XlsxExporter final : public tonghop::sdk::Exporter {
 public:
  using tonghop::sdk::Exporter::Exporter;

 protected:
  tonghop::sdk::Status do_write(const tonghop::sdk::Report& report, std::string_view format, std::ostream& out) const override {
    namespace sdk = tonghop::sdk;
    if (format != "xlsx") return {sdk::Code::unsupported, "the workbook exporter writes only xlsx"};
    // libxlsxwriter writes to a file name: an anonymous memory file, read back.
    const int fd = memfd_create("tonghop-report", MFD_CLOEXEC);
    if (fd < 0) return {sdk::Code::internal, "cannot create the workbook (memfd)"};
    const std::string path = "/proc/self/fd/" + std::to_string(fd);
    // libxlsxwriter 1.1.4 writes each part (a sheet, the strings, the styles…)
    // to a temporary file, then zips them all: in memory (tmpfs) when the
    // system has it, which saves the file system's work on each (about 16 a
    // workbook; docs/performance.md), else where libxlsxwriter puts them.
    lxw_error rc = LXW_NO_ERROR;
    for (const bool in_memory : {::access(kMemoryDir, W_OK | X_OK) == 0, false}) {
      lxw_workbook_options options{};
      options.tmpdir = in_memory ? const_cast<char*>(kMemoryDir) : nullptr;
      lxw_workbook* wb = workbook_new_opt(path.c_str(), &options);
      if (wb == nullptr) {
        ::close(fd);
        return {sdk::Code::internal, "cannot create the workbook"};
      }
      {
        Book b(wb, report);
        table_sheets(wb, b);
        chart_sheet(wb, b);
        details(wb, b);
        warnings(wb, b);
      }
      rc = workbook_close(wb);
      // tmpfs full or closed to us: once more, with libxlsxwriter's own place
      // (it opens the file name anew, truncated).
      if (rc == LXW_NO_ERROR || !in_memory) break;
    }
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
};

}  // namespace

TONGHOP_PLUGIN(XlsxExporter, exporter, "export-xlsx", "1.2.0", "xlsx",
               "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "The province workbook: one sheet per table (Biểu) in the party layout, fitted to A4, chart (libxlsxwriter)")
