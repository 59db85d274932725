// `tonghopd check` of what a sheet holds but does not show: rows, columns
// and values the clerk hid, counted as SUM counts them, and said.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "daemon/check_support.hpp"

namespace json = boost::json;
using namespace tonghop::test::check;

namespace {
// What `check` prints of Phong Thổ's return as its CSV holds it.
const json::object& from_csv() {
  static const json::object o = [] {
    const auto csv = check_phong_tho(data + "2018/phong-tho.csv");
    EXPECT_EQ(csv.exit_code, 0) << csv.output;
    return json::parse(csv.output).as_object();
  }();
  return o;
}

// `check` of `file` (a path, or a name in tests/data/office) as Phong
// Thổ's return: accepted, every record the CSV's unless `records` says how
// many, and its one warning of `code` (an empty object when not one: the
// test has failed).
json::object the_warning(const std::string& file, const std::string& code, std::size_t records = 0) {
  const auto r = check_phong_tho(file.starts_with("/") ? file : TONGHOP_SOURCE_DIR "/tests/data/office/" + file);
  EXPECT_EQ(r.exit_code, 0) << file << ": " << r.output.substr(0, 2000);
  json::error_code ec;
  const auto v = json::parse(r.output, ec);
  if (ec) {
    ADD_FAILURE() << file << ": " << r.output.substr(0, 2000);
    return {};
  }
  const auto& o = v.as_object();
  if (records == 0) EXPECT_EQ(o.at("records"), from_csv().at("records")) << file << ": every figure, the hidden ones too";
  else EXPECT_EQ(o.at("records").as_array().size(), records) << file;
  std::vector<json::object> said;
  for (const auto& w : o.at("warnings").as_array())
    if (w.at("code") == code.c_str()) said.push_back(w.as_object());
  EXPECT_EQ(said.size(), 1u) << file << ": " << json::serialize(o.at("warnings"));
  return said.empty() ? json::object{{"message", ""}, {"row", 0}, {"column", ""}, {"field", ""}} : said[0];
}
}  // namespace

// A row the clerk hid in Excel or LibreOffice (an organisation dissolved,
// hidden rather than deleted) is read and counted, as SUM counts it, and
// said: the warning names the rows. The same return as the CSV, with rows 5
// and 12 hidden: by openpyxl, then saved by LibreOffice as .ods and .xls
// (tests/data/office/make-files).
TEST(Check, OrganisationsOnHiddenRowsAreCountedAndSaid) {
  for (const std::string file : {"hidden-rows.xlsx", "hidden-rows.ods", "hidden-rows.xls"}) {
    const auto said = the_warning(file, "hidden_rows");
    const std::string message(said.at("message").as_string());
    EXPECT_NE(message.find("2 tổ chức ở dòng đang bị ẩn trong trang «Biểu 01» (dòng 5, 12)"), std::string::npos)
        << file << ": " << message;
    EXPECT_EQ(said.at("row").as_int64(), 5) << file;
  }
  // The CSV has no hidden rows, and says none.
  EXPECT_EQ(json::serialize(from_csv().at("warnings")).find("hidden_rows"), std::string::npos);
}

// A column the clerk hid (last year's women, a working column) is read and
// counted as any other, as SUM counts it, though the sheet does not show it:
// said, naming each hidden column a field is read from and how many
// organisations give a value there. The return with M and N:O hidden and
// AJ:XFD (right of the table, as Excel hides them), by openpyxl, saved by
// LibreOffice as .ods and .xls and back as .xlsx (hidden="true").
TEST(Check, FiguresInHiddenColumnsAreReadAndSaid) {
  for (const std::string file :
       {"hidden-columns.xlsx", "hidden-columns.ods", "hidden-columns.xls", "hidden-columns-libreoffice.xlsx"}) {
    const auto said = the_warning(file, "hidden_columns");
    const std::string message(said.at("message").as_string());
    EXPECT_NE(message.find("3 cột có số liệu được đọc đang bị ẩn trong trang «Biểu 01» (cột M «Dang vien nu»: 34 tổ "
                           "chức; cột N «Dang vien dan toc thieu so»: 34 tổ chức; cột O «Dang vien ton giao»: 34 tổ chức)"),
              std::string::npos)
        << file << ": " << message;
    EXPECT_NE(message.find("3 column(s) read for the return are hidden in sheet 'Biểu 01' (column M 'Dang vien nu': 34 "
                           "organisation(s);"),
              std::string::npos)
        << file << ": " << message;
    EXPECT_EQ(said.at("column"), "M") << file;
    EXPECT_EQ(said.at("row").as_int64(), 1) << file << ": the header's row";
    EXPECT_EQ(said.at("field"), "members_female") << file;
  }
  EXPECT_EQ(json::serialize(from_csv().at("warnings")).find("hidden_columns"), std::string::npos);
  // Hidden rows only: no column is said.
  const auto rows = check_phong_tho(TONGHOP_SOURCE_DIR "/tests/data/office/hidden-rows.xlsx");
  EXPECT_EQ(rows.output.find("hidden_columns"), std::string::npos) << rows.output;
}

// Last year's women left in a hidden column beside this year's (the case
// repeated_field was made for): refused, and the column the clerk cannot
// see is said to be hidden, or they look for it in vain.
TEST(Check, ARepeatedColumnTheClerkHidIsSaidToBeHidden) {
  tonghop::test::TempDir dir;
  ASSERT_TRUE(openpyxl_books(dir,
                             "def book(name, copies):\n"
                             "    wb = openpyxl.Workbook(); ws = wb.active; ws.title = 'Biểu 01'\n"
                             "    body = [rows[0]] + [[r[0], r[1] + (' %d' % k if k else '')] + r[2:] for k in range(copies) for r in rows[1:]]\n"
                             "    for i, r in enumerate(body):\n"
                             "        this_year = r[12] if i == 0 else int(r[12]) + 1\n"
                             "        ws.append([int(x) if x.isdigit() else x for x in r[:13]] + [this_year] +\n"
                             "                  [int(x) if x.isdigit() else x for x in r[13:]])\n"
                             "    ws.column_dimensions['M'].hidden = True\n"
                             "    wb.save(out + '/' + name)\n"
                             "book('nam-ngoai.xlsx', 1)\n"
                             "book('nam-ngoai-dai.xlsx', 100)\n"  // 3,400 rows, 122,400 cells: read as a stream, on the worker
                             "wb = openpyxl.Workbook(); ws = wb.active; ws.title = 'Biểu 01'\n"
                             "for r in rows: ws.append([int(x) if x.isdigit() else x for x in r[:3]] + [r[2]] +\n"
                             "                         [int(x) if x.isdigit() else x for x in r[3:]])\n"
                             "ws.column_dimensions['C'].hidden = True\n"
                             "wb.save(out + '/loai-hinh.xlsx')\n"));
  for (const std::string file : {"nam-ngoai.xlsx", "nam-ngoai-dai.xlsx"}) {
    const auto r = check_phong_tho((dir.path() / file).string());
    ASSERT_EQ(r.exit_code, 1) << file << ": " << r.output.substr(0, 2000);
    const auto errors = json::serialize(json::parse(r.output).at("errors"));
    EXPECT_NE(errors.find("Cột M (đang bị ẩn) và cột N cùng là chỉ tiêu «Đảng viên nữ»"), std::string::npos)
        << file << ": " << errors.substr(0, 2000);
    EXPECT_NE(errors.find("columns M (hidden) and N both name members_female"), std::string::npos) << file;
  }
  // A text field's second column is left out with a warning: the column read is the hidden one.
  const auto kinds = check_phong_tho((dir.path() / "loai-hinh.xlsx").string());
  ASSERT_EQ(kinds.exit_code, 0) << kinds.output.substr(0, 2000);
  const auto warnings = json::serialize(json::parse(kinds.output).at("warnings"));
  EXPECT_NE(warnings.find("cũng là chỉ tiêu «Loại hình» như cột C; chỉ đọc cột C (đang bị ẩn)"), std::string::npos)
      << warnings.substr(0, 3000);
  EXPECT_NE(warnings.find("only column C (hidden) is read"), std::string::npos);
}

// What another sheet hides is not the table's: never said of it, and never
// crowding out what the table's sheet hides (1,100 sheets before it, each
// hiding columns and rows, once stopped the warning). A max past 2^32 is the
// last column.
TEST(Check, OnlyTheTableSheetsHiddenColumnsAndRowsAreSaid) {
  tonghop::test::TempDir dir;
  ASSERT_TRUE(openpyxl_books(dir,
                             "from openpyxl.worksheet.dimensions import ColumnDimension\n"
                             "wb = openpyxl.Workbook(); wb.remove(wb.active)\n"
                             "for i in range(1100):\n"
                             "    ws = wb.create_sheet('Nháp %d' % i); ws['A1'] = 'ghi chú'; ws['A2'] = 'x'\n"
                             "    ws.column_dimensions['B'].hidden = True; ws.row_dimensions[2].hidden = True\n"
                             "ws = wb.create_sheet('Biểu 01')\n"
                             "for r in rows: ws.append([int(x) if x.isdigit() else x for x in r])\n"
                             "ws.column_dimensions['N'] = ColumnDimension(ws, index='N', min=14, max=2**33, hidden=True)\n"
                             "wb.save(out + '/nhap.xlsx')\n"
                             "wb = openpyxl.Workbook(); ws = wb.active; ws.title = 'Biểu 01'\n"
                             "for r in rows: ws.append([int(x) if x.isdigit() else x for x in r])\n"
                             "other = wb.create_sheet('Cũ'); other['A1'] = 'x'; other.column_dimensions['M'].hidden = True\n"
                             "other.row_dimensions[5].hidden = True\n"
                             "wb.save(out + '/khac.xlsx')\n"));
  const auto warnings_of = [&](const std::string& file) {
    const auto r = check_phong_tho((dir.path() / file).string());
    EXPECT_EQ(r.exit_code, 0) << file << ": " << r.output;
    return json::serialize(json::parse(r.output).at("warnings"));
  };
  const std::string after_drafts = warnings_of("nhap.xlsx");
  EXPECT_NE(after_drafts.find("cột N «Dang vien dan toc thieu so»: 34 tổ chức; cột O «Dang vien ton giao»: 34 tổ chức"),
            std::string::npos)
      << after_drafts;
  EXPECT_EQ(after_drafts.find("cột B"), std::string::npos) << after_drafts;
  EXPECT_EQ(after_drafts.find("hidden_rows"), std::string::npos) << after_drafts;
  const std::string beside_other = warnings_of("khac.xlsx");
  EXPECT_EQ(beside_other.find("hidden_columns"), std::string::npos) << beside_other;
  EXPECT_EQ(beside_other.find("hidden_rows"), std::string::npos) << beside_other;
}

// A cell whose number format shows nothing (";;;", as a clerk hides a
// figure or a name): read and counted as SUM counts it, and said, naming
// the cells, in the file as openpyxl writes it, as LibreOffice saves it as
// .xls and .ods (data styles whose maps send numbers to blank text), and as
// it saves it (by way of .ods) as .xlsx. A zero shown as blank
// ("0;-0;;@", Excel's own option) and a red format hide nothing the clerk
// typed: not said. Every figure equals the CSV's.
TEST(Check, ValuesTheirNumberFormatHidesAreReadAndSaid) {
  EXPECT_EQ(json::serialize(from_csv().at("warnings")).find("hidden_values"), std::string::npos);
  for (const std::string file :
       {"hidden-values.xlsx", "hidden-values.xls", "hidden-values.ods", "hidden-values-libreoffice.xlsx"}) {
    const auto said = the_warning(file, "hidden_values");
    const std::string message(said.at("message").as_string());
    EXPECT_NE(message.find("4 giá trị đọc được ở ô không hiện gì trên trang «Biểu 01» (ô J2, ô M3, ô M4, ô B5; do "
                           "định dạng số như «;;;» hoặc chữ cùng màu nền): vẫn được tính"),
              std::string::npos)
        << file << ": " << message;
    EXPECT_NE(message.find("4 value(s) read are in cells that show nothing in sheet 'Biểu 01' (those named; a format "
                           "such as ';;;'"),
              std::string::npos)
        << file << ": " << message;
    EXPECT_EQ(said.at("row").as_int64(), 2) << file;
    EXPECT_EQ(said.at("column"), "J") << file;
    EXPECT_EQ(said.at("field"), "cells_other") << file;
  }
  // A long return, read as a stream on the worker thread: the cells hidden
  // far below the first rows are said as well.
  tonghop::test::TempDir dir;
  ASSERT_TRUE(openpyxl_books(dir,
                             "wb = openpyxl.Workbook(); ws = wb.active; ws.title = 'Biểu 01'\n"
                             "body = [rows[0]] + [[r[0], r[1] + (' %d' % k if k else '')] + r[2:] for k in range(100) for r in rows[1:]]\n"
                             "for r in body: ws.append([int(x) if x.isdigit() else x for x in r])\n"
                             "for ref in ('M3', 'K3000', 'B3401'): ws[ref].number_format = ';;;'\n"
                             "ws['L3001'].number_format = '0;-0;;@'\n"
                             "wb.save(out + '/dai.xlsx')\n"));
  const auto said = the_warning((dir.path() / "dai.xlsx").string(), "hidden_values", 3400);
  EXPECT_NE(std::string(said.at("message").as_string())
                .find("3 giá trị đọc được ở ô không hiện gì trên trang «Biểu 01» (ô M3, ô K3000, ô B3401;"),
            std::string::npos)
      << said.at("message");
}

// Cells struck through (a clerk's way of striking out an organisation or
// a figure): read and counted, and said, naming the rows and cells, in the
// file as openpyxl writes it and as LibreOffice saves it as .xls, .ods and
// (by way of .ods) .xlsx. A struck note beside the table is not a value
// read: not counted. Every figure equals the CSV's.
TEST(Check, ValuesStruckThroughAreReadAndSaid) {
  EXPECT_EQ(json::serialize(from_csv().at("warnings")).find("struck_values"), std::string::npos);
  for (const std::string file : {"struck.xlsx", "struck.xls", "struck.ods", "struck-libreoffice.xlsx"}) {
    const auto said = the_warning(file, "struck_values");
    const std::string message(said.at("message").as_string());
    EXPECT_NE(message.find("36 giá trị của 2 tổ chức đọc được ở ô bị gạch ngang trong trang «Biểu 01» (dòng 7: "
                           "35 ô, ô K9): vẫn được tính"),
              std::string::npos)
        << file << ": " << message;
    EXPECT_NE(message.find("36 value(s) of 2 organisation(s) read are in cells struck through in sheet 'Biểu 01' (those "
                           "named)"),
              std::string::npos)
        << file << ": " << message;
    EXPECT_EQ(said.at("row").as_int64(), 7) << file;
    EXPECT_EQ(said.at("column"), "A") << file;
  }
}

// Figures drawn in their background's colour (white on no fill, yellow on
// yellow, the theme's white, white on white), as a clerk hides a cell
// without a format: read and counted, and said with the cells whose number
// format shows nothing, in the file as openpyxl writes it and as
// LibreOffice saves it as .xls, .ods and (by way of .ods) .xlsx. White on
// yellow and a white darkened by a tint show: not said.
TEST(Check, ValuesDrawnInTheirBackgroundsColourAreReadAndSaid) {
  for (const std::string file : {"unseen.xlsx", "unseen.xls", "unseen.ods", "unseen-libreoffice.xlsx"}) {
    const auto said = the_warning(file, "hidden_values");
    const std::string message(said.at("message").as_string());
    EXPECT_NE(message.find("4 giá trị đọc được ở ô không hiện gì trên trang «Biểu 01» (ô M3, ô M5, ô B6, ô N8; do "
                           "định dạng số như «;;;» hoặc chữ cùng màu nền)"),
              std::string::npos)
        << file << ": " << message;
  }
}

// The same by palette index, as Apache POI writes an .xls
// (tests/data/office/make-files): white on no fill (M3) and on the
// window's background (N8) are said; automatic text (M4) and the window's
// text colour (M5) on that background are drawn to contrast with it: not said.
TEST(Check, ValuesInTheWindowsColoursAreSaidOnlyWhenTheyMatch) {
  const auto said = the_warning("unseen-poi.xls", "hidden_values");
  const std::string message(said.at("message").as_string());
  EXPECT_NE(message.find("2 giá trị đọc được ở ô không hiện gì trên trang «Biểu 01» (ô M3, ô N8; "), std::string::npos)
      << message;
}
