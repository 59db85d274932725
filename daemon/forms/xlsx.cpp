// The blank return as a workbook in the party layout (libxlsxwriter):
//   rows 1-2: the province's party committee over the district's, and
//     "ĐẢNG CỘNG SẢN VIỆT NAM" over the place and date line;
//   rows 4-5: the title with the period, the district's party organisation;
//   rows 7-8: the two-row grouped header (layout.cpp's columns), row 9 the
//     columns' numbers "(1) (2) …", which the normaliser skips;
//   the organisations (prefilled name, kind, sector), then empty rows;
//   "Tổng cộng": a SUM for every count, written with its value;
//   the signature block ("NGƯỜI LẬP BIỂU", "T/M BAN THƯỜNG VỤ"), which ends
//     the table for the normaliser, and the instructions under it.
// Count cells take whole numbers of 0 or more only (a "stop" validation with
// its message in Vietnamese); kind, sector and rating are drop-down lists of
// the names the normaliser reads. The sheet is protected (no password): only
// the cells to fill in are unlocked.
#include <algorithm>
#include <cstdio>
#include <map>

#include <sys/mman.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "forms/forms.hpp"

namespace tonghop::forms {

namespace {

constexpr const char* kFont = "Times New Roman";

struct Formats {
  lxw_format *plain, *bold, *italic, *title, *header, *number_row, *stt, *name, *choice, *count, *total_label, *total_count,
      *total_blank, *note;
};

lxw_format* make(lxw_workbook* wb, double size = 12, bool bold = false, bool italic = false, bool border = false,
                 bool center = false) {
  lxw_format* f = workbook_add_format(wb);
  format_set_font_name(f, kFont);
  format_set_font_size(f, size);
  if (bold) format_set_bold(f);
  if (italic) format_set_italic(f);
  if (border) format_set_border(f, LXW_BORDER_THIN);
  if (center) {
    format_set_align(f, LXW_ALIGN_CENTER);
    format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
  }
  return f;
}

std::string column_letters(lxw_col_t c) {
  std::string s;
  for (unsigned n = c + 1; n > 0; n = (n - 1) / 26) s.insert(s.begin(), static_cast<char>('A' + (n - 1) % 26));
  return s;
}

// Vietnamese meanings of the sector ids (shared/domain.md), for the input message.
const std::map<std::string, std::string>& sector_meanings() {
  static const std::map<std::string, std::string> m{
      {"commune", "xã, phường, thị trấn"}, {"agency", "cơ quan"}, {"public_service", "trường học, bệnh viện, sự nghiệp"},
      {"enterprise", "doanh nghiệp"},       {"armed_forces", "quân sự, công an, biên phòng"}, {"other", "khác"}};
  return m;
}

void list_validation(lxw_worksheet* ws, lxw_row_t first, lxw_row_t last, lxw_col_t col, const std::vector<std::string>& values,
                     const std::string& title, const std::string& message) {
  std::vector<char*> list;
  for (const auto& v : values) list.push_back(const_cast<char*>(v.c_str()));
  list.push_back(nullptr);
  lxw_data_validation v{};
  v.validate = LXW_VALIDATION_TYPE_LIST;
  v.value_list = list.data();
  v.input_title = const_cast<char*>(title.c_str());
  v.input_message = const_cast<char*>(message.c_str());
  v.error_title = const_cast<char*>("Giá trị không hợp lệ");
  const std::string error = "Chọn một giá trị trong danh sách. / Choose a value from the list.";
  v.error_message = const_cast<char*>(error.c_str());
  worksheet_data_validation_range(ws, first, col, last, col, &v);
}

}  // namespace

Expected<std::string> xlsx_form(const FormInput& in) {
  const auto cols = columns(*in.catalogue, *in.written);
  // libxlsxwriter writes to a file name: an anonymous memory file, read back.
  const int fd = memfd_create("tonghop-form", MFD_CLOEXEC);
  if (fd < 0) return make_error("cannot create the workbook (memfd)");
  const std::string path = "/proc/self/fd/" + std::to_string(fd);
  lxw_workbook* wb = workbook_new(path.c_str());
  if (wb == nullptr) {
    ::close(fd);
    return make_error("cannot create the workbook");
  }
  Formats f{};
  f.plain = make(wb, 12, false, false, false, true);
  f.bold = make(wb, 12, true, false, false, true);
  f.italic = make(wb, 12, false, true, false, true);
  f.title = make(wb, 14, true, false, false, true);
  f.header = make(wb, 11, true, false, true, true);
  format_set_text_wrap(f.header);
  f.number_row = make(wb, 10, false, true, true, true);
  f.stt = make(wb, 12, false, false, true, true);
  format_set_unlocked(f.stt);
  f.name = make(wb, 12, false, false, true);
  format_set_unlocked(f.name);
  f.choice = make(wb, 12, false, false, true);
  format_set_unlocked(f.choice);
  f.count = make(wb, 12, false, false, true);
  format_set_num_format(f.count, "#,##0");
  format_set_unlocked(f.count);
  f.total_label = make(wb, 12, true, false, true, true);
  f.total_count = make(wb, 12, true, false, true);
  format_set_num_format(f.total_count, "#,##0");
  f.total_blank = make(wb, 12, true, false, true);
  f.note = make(wb, 11, false, true);

  lxw_worksheet* ws = workbook_add_worksheet(wb, "Biểu 01");
  const auto last = static_cast<lxw_col_t>(cols.size());  // A is STT, then the columns
  const lxw_col_t half = static_cast<lxw_col_t>(std::max<int>(3, static_cast<int>(last) / 3));

  // The heading of a party document.
  worksheet_merge_range(ws, 0, 0, 0, half, in.registry->issuing_body.c_str(), f.plain);
  worksheet_merge_range(ws, 1, 0, 1, half, committee_of(in.district).c_str(), f.bold);
  worksheet_merge_range(ws, 0, half + 1, 0, last, "ĐẢNG CỘNG SẢN VIỆT NAM", f.bold);
  const std::string place_date = in.district + ", ngày …… tháng …… năm ………";
  worksheet_merge_range(ws, 1, half + 1, 1, last, place_date.c_str(), f.italic);
  const std::string title = "BÁO CÁO THỐNG KÊ TỔ CHỨC CƠ SỞ ĐẢNG VÀ ĐẢNG VIÊN " + upper(period_words(in.period));
  worksheet_merge_range(ws, 3, 0, 3, last, title.c_str(), f.title);
  const std::string unit = "(" + party_unit_of(in.district) + ", " + period_words(in.period) + ")";
  worksheet_merge_range(ws, 4, 0, 4, last, unit.c_str(), f.italic);

  // The two-row grouped header, and the columns' numbers.
  const lxw_row_t h1 = 6, h2 = 7, numbers = 8, first = 9;
  worksheet_merge_range(ws, h1, 0, h2, 0, "STT", f.header);
  for (std::size_t i = 0; i < cols.size();) {
    const auto c = static_cast<lxw_col_t>(i + 1);
    if (cols[i].group.empty()) {
      worksheet_merge_range(ws, h1, c, h2, c, cols[i].label.c_str(), f.header);
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < cols.size() && cols[j].group == cols[i].group) {
      worksheet_write_string(ws, h2, static_cast<lxw_col_t>(j + 1), cols[j].label.c_str(), f.header);
      ++j;
    }
    worksheet_merge_range(ws, h1, c, h1, static_cast<lxw_col_t>(j), cols[i].group.c_str(), f.header);
    i = j;
  }
  for (lxw_col_t c = 0; c <= last; ++c)
    worksheet_write_string(ws, numbers, c, ("(" + std::to_string(c + 1) + ")").c_str(), f.number_row);
  worksheet_set_row(ws, h1, 32, nullptr);
  worksheet_set_row(ws, h2, 62, nullptr);

  // The organisations, then empty rows.
  const std::size_t rows = in.organisations.empty() ? kEmptyRows : in.organisations.size() + kExtraRows;
  const lxw_row_t last_row = first + static_cast<lxw_row_t>(rows) - 1;
  std::vector<std::string> kinds, ratings, sectors;
  for (const auto& k : in.written->kinds) kinds.push_back(Written::display_name(k));
  for (const auto& r : in.written->ratings) ratings.push_back(Written::display_name(r));
  for (const auto& s : in.written->sectors) sectors.push_back(s.first);
  sectors.push_back("other");
  lxw_col_t first_count = 0, last_count = 0;
  for (std::size_t i = 0; i < cols.size(); ++i)
    if (cols[i].count) {
      if (first_count == 0) first_count = static_cast<lxw_col_t>(i + 1);
      last_count = static_cast<lxw_col_t>(i + 1);
    }
  for (lxw_row_t y = first; y <= last_row; ++y) {
    const std::size_t k = y - first;
    const Organisation* o = k < in.organisations.size() ? &in.organisations[k] : nullptr;
    if (o) worksheet_write_number(ws, y, 0, static_cast<double>(k + 1), f.stt);
    else worksheet_write_blank(ws, y, 0, f.stt);
    for (std::size_t i = 0; i < cols.size(); ++i) {
      const auto x = static_cast<lxw_col_t>(i + 1);
      std::string v;
      if (o && cols[i].field == "org_name") v = o->name;
      else if (o && cols[i].field == "org_kind") {
        for (const auto& kind : in.written->kinds)
          if (kind.first == o->kind) v = Written::display_name(kind);
      } else if (o && cols[i].field == "org_sector") v = o->sector;
      lxw_format* fmt = cols[i].count ? f.count : cols[i].field == "org_name" ? f.name : f.choice;
      if (v.empty()) worksheet_write_blank(ws, y, x, fmt);
      else worksheet_write_string(ws, y, x, v.c_str(), fmt);
    }
  }
  // What each cell takes.
  if (first_count > 0) {
    lxw_data_validation v{};
    v.validate = LXW_VALIDATION_TYPE_INTEGER;
    v.criteria = LXW_VALIDATION_CRITERIA_GREATER_THAN_OR_EQUAL_TO;
    v.value_number = 0;
    v.error_type = LXW_VALIDATION_ERROR_TYPE_STOP;
    v.error_title = const_cast<char*>("Số không hợp lệ");
    v.error_message = const_cast<char*>(
        "Ô này chỉ nhận số nguyên từ 0 trở lên (không âm, không có phần thập phân). Để trống nếu không có số liệu. / "
        "Whole numbers of 0 or more only; leave it empty when there is no figure.");
    worksheet_data_validation_range(ws, first, first_count, last_row, last_count, &v);
  }
  for (std::size_t i = 0; i < cols.size(); ++i) {
    const auto x = static_cast<lxw_col_t>(i + 1);
    if (cols[i].field == "org_kind") list_validation(ws, first, last_row, x, kinds, "Loại hình", "Chọn đảng bộ cơ sở hoặc chi bộ cơ sở.");
    if (cols[i].field == "org_rating")
      list_validation(ws, first, last_row, x, ratings, "Xếp loại", "Chọn một trong bốn mức xếp loại.");
    if (cols[i].field == "org_sector") {
      std::string message;
      for (const auto& s : sectors) {
        const auto it = sector_meanings().find(s);
        message += (message.empty() ? "" : "; ") + s + (it != sector_meanings().end() ? " = " + it->second : "");
      }
      if (message.size() > 250) message = "Chọn lĩnh vực trong danh sách.";
      list_validation(ws, first, last_row, x, sectors, "Lĩnh vực", message);
    }
  }

  // The total row: a formula per count, with the value it computes.
  const lxw_row_t total = last_row + 1;
  worksheet_write_blank(ws, total, 0, f.total_blank);
  for (std::size_t i = 0; i < cols.size(); ++i) {
    const auto x = static_cast<lxw_col_t>(i + 1);
    if (cols[i].field == "org_name") {
      worksheet_write_string(ws, total, x, "Tổng cộng", f.total_label);
    } else if (cols[i].count) {
      const std::string l = column_letters(x);
      const std::string formula = "=SUM(" + l + std::to_string(first + 1) + ":" + l + std::to_string(last_row + 1) + ")";
      worksheet_write_formula_num(ws, total, x, formula.c_str(), f.total_count, 0);  // nothing filled in yet
    } else {
      worksheet_write_blank(ws, total, x, f.total_blank);
    }
  }

  // The signature block, then what to do (under the block: never read as the table).
  const lxw_row_t sign = total + 2;
  worksheet_merge_range(ws, sign, 0, sign, half, "NGƯỜI LẬP BIỂU", f.bold);
  worksheet_merge_range(ws, sign, half + 1, sign, last, "T/M BAN THƯỜNG VỤ", f.bold);
  const char* notes[] = {
      "Hướng dẫn: điền số vào các ô trắng; ô số chỉ nhận số nguyên không âm, để trống nếu không có số liệu (không ghi "
      "số không thay cho ô trống).",
      "Loại hình, lĩnh vực và xếp loại: chọn trong danh sách của ô. Có thể thêm tổ chức vào các dòng trống; dòng "
      "tổng cộng tự tính.",
      "Không sửa tên cột: hệ thống đọc biểu theo tên cột. Gửi biểu tại trang báo cáo hoặc qua API của Ban Tổ chức."};
  lxw_row_t y = sign + 5;
  for (const char* n : notes) {
    worksheet_merge_range(ws, y, 0, y, last, n, f.note);
    ++y;
  }
  if (in.prefill_cut) {
    const std::string cut = "Danh sách tổ chức chỉ gồm " + std::to_string(kMaxOrganisations) +
                            " tổ chức đầu của báo cáo gần nhất; thêm các tổ chức còn lại.";
    worksheet_merge_range(ws, y, 0, y, last, cut.c_str(), f.note);
  }

  worksheet_set_column(ws, 0, 0, 5, nullptr);
  for (std::size_t i = 0; i < cols.size(); ++i) {
    const auto x = static_cast<lxw_col_t>(i + 1);
    const double w = cols[i].field == "org_name" ? 38 : cols[i].field == "org_rating" ? 26 : cols[i].count ? 10 : 16;
    worksheet_set_column(ws, x, x, w, nullptr);
  }
  worksheet_freeze_panes(ws, first, 2);
  worksheet_set_landscape(ws);
  worksheet_set_paper(ws, 9);  // A4
  worksheet_fit_to_pages(ws, 1, 0);
  worksheet_repeat_rows(ws, h1, numbers);
  worksheet_protect(ws, nullptr, nullptr);

  const lxw_error rc = workbook_close(wb);
  if (rc != LXW_NO_ERROR) {
    ::close(fd);
    return make_error(std::string("cannot write the workbook: ") + lxw_strerror(rc));
  }
  std::string out;
  ::lseek(fd, 0, SEEK_SET);
  char buf[65536];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  return out;
}

}  // namespace tonghop::forms
