// The xlsx and xls importers on the Than Uyên return and calamine's odd
// workbooks.
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>

#include "part.hpp"
#include "zip_guard.hpp"

#include "support/importing.hpp"
#include "support/process.hpp"
#include "support/zip_writer.hpp"

namespace fs = std::filesystem;
using namespace tonghop;

namespace {
bool has_merge(const sdk::Sheet& s, sdk::MergedRange m) {
  return std::any_of(s.merges.begin(), s.merges.end(), [&](const sdk::MergedRange& x) {
    return x.first_row == m.first_row && x.first_column == m.first_column && x.last_row == m.last_row &&
           x.last_column == m.last_column;
  });
}
}  // namespace

TEST(XlsxSample, ThanUyenReadsToTheRightCells) {
  const auto r = test::import_file(test::data_path("lai-chau/2018/than-uyen.xlsx"));
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.plugin, "import-xlsx");
  ASSERT_EQ(r.doc.sheets.size(), 1u);
  const auto& sheet = r.sheet();
  EXPECT_EQ(sheet.name, "Biểu 01");
  // Title rows, the issuing body.
  EXPECT_EQ(r.text(1, 1), "ĐẢNG BỘ TỈNH LAI CHÂU");
  EXPECT_EQ(r.text(1, 29), "ĐẢNG CỘNG SẢN VIỆT NAM");
  // The two-row header: "Đảng viên" merged over K7:O7, its sub-headers under it.
  EXPECT_EQ(r.text(7, 11), "Đảng viên");
  EXPECT_TRUE(has_merge(sheet, {7, 11, 7, 15}));
  EXPECT_TRUE(has_merge(sheet, {7, 2, 8, 2})) << "the name column spans both header rows";
  EXPECT_EQ(r.text(8, 11), "Tổng số");
  EXPECT_EQ(r.text(8, 13), "Nữ");
  // The numbering row under the header.
  EXPECT_EQ(r.text(9, 2), "(2)");
  // The first organisation and its members, as a number.
  EXPECT_EQ(r.text(10, 1), "1");
  EXPECT_EQ(r.text(10, 2).rfind("Đảng bộ xã Mường", 0), 0u) << r.text(10, 2);
  EXPECT_EQ(r.text(10, 3), "ĐB");
  const sdk::Cell* members = sheet.find(10, 11);
  ASSERT_NE(members, nullptr);
  EXPECT_EQ(members->type, sdk::CellType::number);
  EXPECT_EQ(members->number, 154);
  // The total row.
  EXPECT_EQ(r.text(55, 2), "Tổng cộng");
  EXPECT_EQ(sheet.find(55, 11)->number, 2044);
  // Fonts come with every cell.
  for (const auto& c : sheet.cells) EXPECT_EQ(c.font, "Times New Roman") << c.row << "," << c.column;
}

TEST(XlsxSample, TheBadTotalIsReadAsWritten) {
  const auto r = test::import_file(test::data_path("lai-chau/bad/than-uyen-total-row-mismatch.xlsx"));
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.sheet().find(55, 11)->number, 2054);
}

TEST(XlsxReading, SharedStringsStylesAndFormulaResults) {
  const std::string shared =
      "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><si><t>Tổng số ĐV</t></si>"
      "<si><r><t>Đảng </t></r><r><t>viên</t></r><rPh><t>phonetic</t></rPh></si></sst>";
  const std::string data =
      "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c></row>"
      "<row r=\"2\"><c r=\"A2\"><v>2044</v></c><c r=\"B2\"><f>A2*2</f><v>4088</v></c>"
      "<c r=\"C2\" t=\"str\"><f>\"x\"&amp;\"y\"</f><v>xy</v></c><c r=\"D2\" t=\"b\"><v>1</v></c>"
      "<c r=\"E2\" t=\"e\"><v>#DIV/0!</v></c><c r=\"F2\" t=\"inlineStr\"><is><t><![CDATA[a<b]]></t></is></c></row>"
      "<row><c><v>7</v></c><c><v>8</v></c></row>";
  const auto r = test::import_bytes(test::minimal_xlsx(data, shared, "<mergeCells><mergeCell ref=\"A1:B1\"/></mergeCells>"),
                                    "x.xlsx");
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.text(1, 1), "Tổng số ĐV");
  EXPECT_EQ(r.text(1, 2), "Đảng viên") << "rich text runs joined, phonetic guide left out";
  EXPECT_EQ(r.sheet().find(2, 2)->number, 4088) << "a formula's cached result";
  EXPECT_EQ(r.text(2, 3), "xy");
  EXPECT_EQ(r.sheet().find(2, 4)->type, sdk::CellType::boolean);
  EXPECT_EQ(r.sheet().find(2, 5)->type, sdk::CellType::error);
  EXPECT_EQ(r.text(2, 6), "a<b");
  EXPECT_EQ(r.text(3, 1), "7") << "cells without a reference follow the previous one";
  EXPECT_EQ(r.text(3, 2), "8");
  EXPECT_TRUE(has_merge(r.sheet(), {1, 1, 1, 2}));
}

// The commonest cells ("<c r=..><v>1</v></c>", "<is><t>a</t></is>") are read
// at once; written with spaces in their tags they go token by token. Both
// must give the same cells, and the cells each rule gives.
TEST(XlsxReading, CompactAndSpreadCellsReadTheSame) {
  const std::string compact =
      "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>Than Uyên</t></is></c>"
      "<c r=\"B1\" t=\"inlineStr\"><is><t></t></is></c>"
      "<c r=\"C1\" t=\"inlineStr\"><is><t>a_x000D_b</t></is></c>"
      "<c r=\"D1\"><v>0154</v></c><c r='E1' t='inlineStr'><is><t>x</t></is></c>"
      "<c r=\"F1\"><v>12.50</v></c><c r=\"G1\" t=\"inlineStr\"><is><t>A&amp;B</t></is></c><c r=\"H1\"><v>7</v></c></row>";
  const std::string spread =
      "<row r = \"1\" ><c r = \"A1\" t = \"inlineStr\" ><is ><t >Than Uyên</t ></is ></c >"
      "<c r = \"B1\" t = \"inlineStr\" ><is ><t ></t ></is ></c >"
      "<c r = \"C1\" t = \"inlineStr\" ><is ><t >a_x000D_b</t ></is ></c >"
      "<c r = \"D1\" ><v >0154</v ></c ><c r = 'E1' t = 'inlineStr' ><is ><t >x</t ></is ></c >"
      "<c r = \"F1\" ><v >12.50</v ></c ><c r = \"G1\" t = \"inlineStr\" ><is ><t >A&amp;B</t ></is ></c >"
      "<c r = \"H1\" ><v >7</v ></c ></row >";
  for (const auto& data : {compact, spread}) {
    const auto r = test::import_bytes(test::minimal_xlsx(data), "x.xlsx");
    ASSERT_TRUE(r.status.ok()) << r.status.message();
    EXPECT_EQ(r.text(1, 1), "Than Uyên");
    EXPECT_EQ(r.sheet().find(1, 2), nullptr) << "an empty <t></t> is no value";
    EXPECT_EQ(r.text(1, 3), "a\rb") << "_x000D_ is a carriage return";
    ASSERT_NE(r.sheet().find(1, 4), nullptr);
    EXPECT_EQ(r.sheet().find(1, 4)->number, 154);
    EXPECT_EQ(r.text(1, 4), "154");
    EXPECT_EQ(r.text(1, 5), "x");
    EXPECT_EQ(r.text(1, 6), "12.5");
    EXPECT_EQ(r.text(1, 7), "A&B");
    EXPECT_EQ(r.sheet().find(1, 8)->number, 7);
    EXPECT_EQ(r.sheet().cells.size(), 7u);
  }
}

// A long inline text is refused at its cell, read at once or token by token.
TEST(XlsxReading, AnInlineTextPastTheFieldLimitIsRefusedAtItsCell) {
  auto limits = test::default_limits();
  limits.max_field_bytes = 64;
  const std::string text(100, 'x');
  for (const std::string open : {"<is><t>", "<is ><t >"}) {
    const std::string close = open == "<is><t>" ? "</t></is>" : "</t ></is >";
    const auto r = test::import_bytes(
        test::minimal_xlsx("<row r=\"3\"><c r=\"B3\" t=\"inlineStr\">" + open + text + close + "</c></row>"), "x.xlsx",
        limits);
    ASSERT_EQ(r.status.code(), sdk::Code::limit_exceeded) << r.status.message();
    EXPECT_EQ(r.status.where().row, 3u);
    EXPECT_EQ(r.status.where().column, 2u);
    EXPECT_NE(r.status.message().find("ô dài quá giới hạn 64 byte"), std::string::npos) << r.status.message();
  }
}

TEST(XlsxReading, AMissingSharedStringIsAnErrorWithItsPlace) {
  const auto r = test::import_bytes(
      test::minimal_xlsx("<row r=\"4\"><c r=\"C4\" t=\"s\"><v>9</v></c></row>",
                         "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><si><t>x</t></si></sst>"),
      "x.xlsx");
  ASSERT_EQ(r.status.code(), sdk::Code::invalid_input);
  EXPECT_EQ(r.status.where().sheet, "Biểu 01");
  EXPECT_EQ(r.status.where().row, 4u);
  EXPECT_EQ(r.status.where().column, 3u);
}

TEST(Calamine, EveryWorkbookIsReadOrRefusedClearly) {
  const fs::path dir = test::data_path("conformance/calamine");
  int read = 0, refused = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string ext = entry.path().extension().string();
    if (ext != ".xlsx" && ext != ".xlsm" && ext != ".xls") continue;
    const auto r = test::import_file(entry.path());
    if (r.status.ok()) {
      ++read;
    } else {
      ++refused;
      EXPECT_GT(r.status.message().size(), 20u) << entry.path().filename() << ": " << r.status.message();
      EXPECT_NE(r.status.code(), sdk::Code::internal) << entry.path().filename() << ": " << r.status.message();
    }
  }
  EXPECT_GT(read, 80);
  std::printf("calamine: %d read, %d refused\n", read, refused);
}

TEST(Calamine, OddButValidWorkbooksReadRight) {
  const auto cr = test::import_file(test::data_path("conformance/calamine/has_x000D_.xlsx"));
  ASSERT_TRUE(cr.status.ok());
  // Excel's _x000D_ escape is a carriage return; the line break after it is XML's "\n".
  EXPECT_EQ(cr.text(1, 1), "ABC\r\nDEF");
  const auto ns = test::import_file(test::data_path("conformance/calamine/nonstandard-xml-ns-prefix.xlsx"));
  ASSERT_TRUE(ns.status.ok()) << ns.status.message();
  EXPECT_FALSE(ns.sheet().cells.empty());
  const auto abs = test::import_file(test::data_path("conformance/calamine/table_with_absolute_paths.xlsx"));
  ASSERT_TRUE(abs.status.ok()) << abs.status.message();
  EXPECT_FALSE(abs.sheet().cells.empty());
  const auto d1904 = test::import_file(test::data_path("conformance/calamine/date_1904.xlsx"));
  EXPECT_EQ(d1904.doc.property("date_system"), "1904");
  const auto backslashes = test::import_file(test::data_path("conformance/calamine/issue_530.xlsx"));
  ASSERT_TRUE(backslashes.status.ok()) << backslashes.status.message();
  const auto merged = test::import_file(test::data_path("conformance/calamine/merged_range.xlsx"));
  EXPECT_EQ(merged.sheet().merges.size(), 9u);
}

TEST(Calamine, DamagedAndProtectedFilesAreRefusedWithAReason) {
  const auto crc = test::import_file(test::data_path("conformance/calamine/issue252.xlsx"));
  EXPECT_EQ(crc.status.code(), sdk::Code::invalid_input);
  EXPECT_NE(crc.status.message().find("workbook.xml.rels"), std::string::npos) << crc.status.message();
  const auto pass = test::import_file(test::data_path("conformance/calamine/pass_protected.xlsx"));
  EXPECT_FALSE(pass.status.ok());
  EXPECT_NE(pass.status.message().find("encrypted"), std::string::npos) << pass.status.message();
  const auto oom = test::import_file(test::data_path("conformance/calamine/OOM_alloc3.xls"));
  EXPECT_EQ(oom.status.code(), sdk::Code::invalid_input);
  EXPECT_NE(oom.status.message().find("resend"), std::string::npos);
}

// The sheet's commonest shapes (rows, and cells with r, s and t and a <v> or
// an inline text) are read straight from the window, each in one step
// (plugins/import-xlsx/sheet.cpp); everything else goes token by token. With
// a namespace prefix on every element ("<x:c>", which the reader reads as
// "<c>") nothing is taken in one step, so each file below is read both ways
// and must give the same cells, formats, merges and refusals.
namespace {
std::string prefixed(const std::string& xml) {
  return std::regex_replace(xml, std::regex("<(/?)([A-Za-z]\\w*)([\\s>/])"), "<$1x:$2$3");
}

void expect_same(const test::Imported& quick, const test::Imported& general, const std::string& what) {
  ASSERT_EQ(quick.status.code(), general.status.code()) << what << ": " << quick.status.message() << " | "
                                                       << general.status.message();
  EXPECT_EQ(quick.status.message(), general.status.message()) << what;
  EXPECT_EQ(quick.status.where().row, general.status.where().row) << what;
  EXPECT_EQ(quick.status.where().column, general.status.where().column) << what;
  ASSERT_EQ(quick.doc.sheets.size(), general.doc.sheets.size()) << what;
  for (std::size_t s = 0; s < quick.doc.sheets.size(); ++s) {
    const auto& a = quick.doc.sheets[s];
    const auto& b = general.doc.sheets[s];
    EXPECT_EQ(a.name, b.name) << what;
    ASSERT_EQ(a.cells.size(), b.cells.size()) << what << ", sheet " << a.name;
    for (std::size_t i = 0; i < a.cells.size(); ++i) {
      const auto& x = a.cells[i];
      const auto& y = b.cells[i];
      const std::string at = what + ", sheet " + a.name + ", cell " + std::to_string(x.row) + "," + std::to_string(x.column);
      ASSERT_EQ(x.row, y.row) << at;
      ASSERT_EQ(x.column, y.column) << at;
      EXPECT_EQ(x.type, y.type) << at;
      EXPECT_EQ(x.text, y.text) << at;
      EXPECT_EQ(x.number, y.number) << at;
      EXPECT_EQ(x.font, y.font) << at;
      EXPECT_EQ(x.number_format, y.number_format) << at;
    }
    ASSERT_EQ(a.merges.size(), b.merges.size()) << what;
  }
}

// A workbook with two fonts, a date format and shared strings around `data`.
// Sheets listed at one part: Excel never writes them. Read, the part's
// figures would be read twice (and thousands of sheets at one large part
// held an import for its whole time limit): refused, naming both.
TEST(XlsxReading, TwoSheetsAtOnePartAreRefusedNamingBoth) {
  test::ZipWriter z = test::xlsx_package();
  z.add("xl/workbook.xml",
        "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
        "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>"
        "<sheet name=\"Biểu 01\" sheetId=\"1\" r:id=\"rId1\"/><sheet name=\"Bản sao\" sheetId=\"2\" r:id=\"rId2\"/>"
        "</sheets></workbook>");
  z.add("xl/_rels/workbook.xml.rels",
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
        "worksheet\" Target=\"worksheets/sheet1.xml\"/>"
        "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
        "worksheet\" Target=\"/xl/worksheets/SHEET1.xml\"/></Relationships>");  // the same part, in other case
  z.add("xl/worksheets/sheet1.xml",
        "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
        "<row r=\"1\"><c r=\"A1\"><v>7</v></c></row></sheetData></worksheet>");
  const auto r = test::import_bytes(z.finish(), "x.xlsx");
  ASSERT_EQ(r.status.code(), sdk::Code::invalid_input) << r.status.message();
  EXPECT_NE(r.status.message().find("hai trang tính «Biểu 01» và «Bản sao» cùng trỏ tới một phần 'xl/worksheets/sheet1.xml'"),
            std::string::npos)
      << r.status.message();
}

// A workbook written by a program that does not calculate (openpyxl:
// "<f>150+4</f><v></v>", or no <v> at all): the formula's value is nowhere
// in it. It was read as a blank cell, silently (an audit's members_total
// 1,890 where the sheet, opened in Excel, shows 2,044); then the whole file
// was refused; now it is given as an error cell without text
// (sdk::CellType::error), which the host refuses where a field reads it
// (Check.AFormulaIsRefusedOnlyWhereAFieldReadsIt). A formula whose result is
// "" (t="str", an empty <v>) and one with its value read as before.
TEST(XlsxReading, AFormulaWithoutItsComputedValueIsAnErrorCellWithoutText) {
  for (const std::string cell : {"<c r=\"K10\"><f>150+4</f><v></v></c>", "<c r=\"K10\"><f>150+4</f></c>",
                                 "<c r=\"K10\" t=\"n\"><f>SUM(K1:K9)</f></c>"}) {
    const auto r = test::import_bytes(test::minimal_xlsx("<row r=\"10\">" + cell + "</row>"), "x.xlsx");
    ASSERT_TRUE(r.status.ok()) << cell << ": " << r.status.message();
    const sdk::Cell* c = r.sheet().find(10, 11);
    ASSERT_NE(c, nullptr) << cell;
    EXPECT_EQ(c->type, sdk::CellType::error) << cell;
    EXPECT_EQ(c->text, "") << cell;
  }
  const auto r = test::import_bytes(
      test::minimal_xlsx("<row r=\"10\"><c r=\"J10\" t=\"str\"><f>IF(1,\"\",\"\")</f><v></v></c>"
                         "<c r=\"K10\"><f>150+4</f><v>154</v></c></row>"),
      "x.xlsx");
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  ASSERT_EQ(r.doc.sheets.size(), 1u);
  EXPECT_EQ(r.doc.sheets[0].find(10, 10), nullptr) << "an empty result: no value";
  ASSERT_NE(r.doc.sheets[0].find(10, 11), nullptr);
  EXPECT_EQ(r.doc.sheets[0].find(10, 11)->number, 154);
}

// Excel and LibreOffice write rows in order, each once, and each cell in
// its row left to right: a second <row r="10"> replaced the first's cells,
// and row 11's cells written as B10… took row 10's organisation's place,
// without a word. Refused, naming the row or the cell.
TEST(XlsxReading, ARowAgainOrACellOutOfItsPlaceIsRefused) {
  const auto again = test::import_bytes(
      test::minimal_xlsx("<row r=\"10\"><c r=\"A10\"><v>1</v></c></row><row r=\"10\"><c r=\"A10\"><v>2</v></c></row>"),
      "x.xlsx");
  ASSERT_EQ(again.status.code(), sdk::Code::invalid_input) << again.status.message();
  EXPECT_EQ(again.status.where().row, 10u);
  EXPECT_NE(again.status.message().find("dòng 10 xuất hiện lần nữa hoặc sai thứ tự"), std::string::npos)
      << again.status.message();
  for (const std::string rows : {"<row r=\"10\"><c r=\"A10\"><v>1</v></c></row><row r=\"11\"><c r=\"B10\"><v>2</v></c></row>",
                                 "<row r=\"10\"><c r=\"B10\"><v>1</v></c><c r=\"B10\"><v>2</v></c></row>",
                                 "<row r=\"10\"><c r=\"C10\"><v>1</v></c><c r=\"B10\"><v>2</v></c></row>"}) {
    const auto r = test::import_bytes(test::minimal_xlsx(rows), "x.xlsx");
    ASSERT_EQ(r.status.code(), sdk::Code::invalid_input) << rows << ": " << r.status.message();
    EXPECT_NE(r.status.message().find("một ô nằm ngoài dòng của nó hoặc trùng chỗ với ô đã đọc"), std::string::npos);
  }
  // A row number Excel cannot have (past its last row 1,048,576, zero, not
  // a number, too long to read) was read as that row, or as the next one.
  for (const std::string r : {"1048577", "99999999", "200000000", "0", "abc"}) {
    const auto bad = test::import_bytes(
        test::minimal_xlsx("<row r=\"1\"><c><v>1</v></c></row><row r=\"" + r + "\"><c><v>2</v></c></row>"), "x.xlsx");
    ASSERT_EQ(bad.status.code(), sdk::Code::invalid_input) << r << ": " << bad.status.message();
    EXPECT_NE(bad.status.message().find("dòng «" + r + "» không phải một dòng của Excel (từ 1 đến 1.048.576)"),
              std::string::npos)
        << bad.status.message();
  }
  // Rows and cells without r, and rows skipped: read as before.
  const auto fine = test::import_bytes(
      test::minimal_xlsx("<row><c><v>1</v></c><c><v>2</v></c></row><row r=\"5\"><c r=\"B5\"><v>3</v></c><c><v>4</v></c></row>"),
      "x.xlsx");
  ASSERT_TRUE(fine.status.ok()) << fine.status.message();
  EXPECT_EQ(fine.doc.sheets[0].find(1, 2)->number, 2);
  EXPECT_EQ(fine.doc.sheets[0].find(5, 3)->number, 4);
}

std::string styled_xlsx(const std::string& data) {
  test::ZipWriter z = test::xlsx_package();
  z.add("xl/workbook.xml",
        "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
        "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>"
        "<sheet name=\"Biểu 01\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>");
  z.add("xl/_rels/workbook.xml.rels",
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
        "worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>");
  z.add("xl/styles.xml",
        "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
        "<numFmts count=\"1\"><numFmt numFmtId=\"164\" formatCode=\"dd/mm/yyyy\"/></numFmts>"
        "<fonts count=\"2\"><font><name val=\"Times New Roman\"/></font><font><name val=\".VnTime\"/></font></fonts>"
        "<cellXfs count=\"3\"><xf numFmtId=\"0\" fontId=\"0\"/><xf numFmtId=\"3\" fontId=\"1\"/>"
        "<xf numFmtId=\"164\" fontId=\"0\"/></cellXfs></styleSheet>");
  z.add("xl/sharedStrings.xml",
        "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><si><t>Đảng viên</t></si>"
        "<si><t>Tổng cộng</t></si></sst>");
  z.add("xl/worksheets/sheet1.xml",
        "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
        "xmlns:x14ac=\"http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac\"><sheetData>" + data +
            "</sheetData><mergeCells><mergeCell ref=\"A1:B1\"/></mergeCells></worksheet>");
  return z.finish();
}
}  // namespace

TEST(XlsxShapes, EveryShapeReadInOneStepGivesTheGeneralReadingsCells) {
  const std::string data =
      // A row with Excel's attributes, cells with r, s and t in every order and either quote.
      "<row r=\"1\" spans=\"1:9\" ht=\"15\" customHeight=\"1\" x14ac:dyDescent=\"0.25\">"
      "<c t=\"s\" r=\"A1\"><v>0</v></c><c s=\"1\" t=\"s\" r=\"B1\"><v>1</v></c><c r='C1' s='2'><v>43831</v></c>"
      "<c r=\"D1\" s=\"1\"/><c r=\"E1\"></c><c s=\"1\"><v>12.50</v></c><c t=\"b\"><v>1</v></c>"
      "<c t=\"e\"><v>#N/A</v></c><c t=\"inlineStr\" s=\"1\"><is><t>Mường Kim</t></is></c></row>"
      // Cells without a reference in a row without one; the other types.
      "<row><c t=\"d\"><v>2024-03-01</v></c><c t=\"str\"><v>x_x000D_y</v></c><c><v>0154</v></c><c><v>1e3</v></c>"
      "<c><v>abc</v></c><c t=\"inlineStr\"><is><t></t></is></c><c><v>7</v></c></row>"
      // A self-closing row; a row whose first "r" has a prefix; one with nothing.
      "<row r=\"5\"/><row foo:r=\"9\" r=\"8\"><c><v>9</v></c></row><row><c r=\"B10\"><v>10</v></c></row>"
      // References parse_ref reads ("$B$11", "c11"), or that are none (past XFD, past row 1,048,576).
      "<row r=\"11\"><c r=\"$B$11\"><v>3</v></c><c r=\"c11\"><v>4</v></c><c r=\"XFE11\"><v>5</v></c>"
      "<c r=\"A1048577\"><v>6</v></c></row>"
      // Shapes left to the general reading: an entity, another attribute, a formula, rich text,
      // a repeated attribute (the first counts), a space before "=".
      "<row r=\"12\"><c r=\"A12\" t=\"inlineStr\"><is><t>A&amp;B</t></is></c><c r=\"B12\" cm=\"1\"><v>9</v></c>"
      "<c r=\"C12\"><f>B12+1</f><v>10</v></c><c r=\"D12\" t=\"inlineStr\"><is><r><t>a</t></r><r><t>b</t></r></is></c>"
      "<c r=\"E12\" r=\"Z99\"><v>11</v></c><c r =\"F12\"><v>12</v></c></row>";
  const auto quick = test::import_bytes(styled_xlsx(data), "x.xlsx");
  const auto general = test::import_bytes(styled_xlsx(prefixed(data)), "x.xlsx");
  ASSERT_TRUE(quick.status.ok()) << quick.status.message();
  expect_same(quick, general, "shapes");
  // And the cells each rule gives.
  const auto& s = quick.sheet();
  EXPECT_EQ(quick.text(1, 1), "Đảng viên");
  EXPECT_EQ(s.find(1, 1)->font, "Times New Roman");
  EXPECT_EQ(quick.text(1, 2), "Tổng cộng");
  EXPECT_EQ(s.find(1, 2)->font, ".VnTime");
  EXPECT_EQ(quick.text(1, 3), "2020-01-01") << "a serial in a date format is a date";
  EXPECT_EQ(s.find(1, 3)->number_format, "dd/mm/yyyy");
  EXPECT_EQ(s.find(1, 4), nullptr) << "a styled empty cell";
  EXPECT_EQ(s.find(1, 5), nullptr);
  EXPECT_EQ(quick.text(1, 6), "12.5") << "follows E1, written or not";
  EXPECT_EQ(s.find(1, 6)->number_format, "#,##0");
  EXPECT_EQ(s.find(1, 7)->type, sdk::CellType::boolean);
  EXPECT_EQ(s.find(1, 8)->type, sdk::CellType::error);
  EXPECT_EQ(quick.text(1, 9), "Mường Kim");
  EXPECT_EQ(s.find(1, 9)->font, ".VnTime");
  EXPECT_EQ(quick.text(2, 1), "2024-03-01");
  EXPECT_EQ(quick.text(2, 2), "x\ry");
  EXPECT_EQ(quick.text(2, 3), "154");
  EXPECT_EQ(quick.text(2, 4), "1000");
  EXPECT_EQ(s.find(2, 5)->type, sdk::CellType::text);
  EXPECT_EQ(s.find(2, 6), nullptr) << "an empty <t></t> is no value";
  EXPECT_EQ(quick.text(2, 7), "7");
  EXPECT_EQ(quick.text(9, 1), "9") << "the first attribute whose local name is r";
  EXPECT_EQ(quick.text(10, 2), "10");
  EXPECT_EQ(quick.text(11, 2), "3");
  EXPECT_EQ(quick.text(11, 3), "4");
  EXPECT_EQ(quick.text(11, 4), "5") << "not a reference: after the previous cell";
  EXPECT_EQ(quick.text(11, 5), "6");
  EXPECT_EQ(quick.text(12, 1), "A&B");
  EXPECT_EQ(quick.text(12, 2), "9");
  EXPECT_EQ(quick.text(12, 3), "10");
  EXPECT_EQ(quick.text(12, 4), "ab");
  EXPECT_EQ(quick.text(12, 5), "11");
  EXPECT_EQ(quick.text(12, 6), "12");
  EXPECT_EQ(s.cells.size(), 25u);
}

// A value past the field limit is refused at its cell whichever way it is
// read (a <v> as well as an inline text).
TEST(XlsxShapes, AValuePastTheFieldLimitIsRefusedAtItsCellEitherWay) {
  auto limits = test::default_limits();
  limits.max_field_bytes = 64;
  for (const std::string& cell : {"<c r=\"B3\"><v>" + std::string(100, '1') + "</v></c>",
                                 "<c r=\"B3\" t=\"inlineStr\"><is><t>" + std::string(100, 'x') + "</t></is></c>"}) {
    const std::string data = "<row r=\"3\">" + cell + "</row>";
    const auto quick = test::import_bytes(styled_xlsx(data), "x.xlsx", limits);
    const auto general = test::import_bytes(styled_xlsx(prefixed(data)), "x.xlsx", limits);
    ASSERT_EQ(quick.status.code(), sdk::Code::limit_exceeded) << quick.status.message();
    EXPECT_EQ(quick.status.where().row, 3u);
    EXPECT_EQ(quick.status.where().column, 2u);
    EXPECT_NE(quick.status.message().find("ô dài quá giới hạn 64 byte"), std::string::npos) << quick.status.message();
    expect_same(quick, general, cell);
  }
}

// A sheet of several 256 KiB chunks, whose cells straddle the ends of the
// window and of the bytes looked ahead at (4 KiB), some longer than that.
TEST(XlsxShapes, ManyCellsAcrossTheWindowsEndsReadTheSameEitherWay) {
  std::string data;
  std::size_t values = 0;
  for (int r = 1; r <= 3000; ++r) {
    data += "<row r=\"" + std::to_string(r) + "\" spans=\"1:12\">";
    for (int c = 0; c < 12; ++c) {
      const std::string ref = std::string(1, static_cast<char>('A' + c)) + std::to_string(r);
      const int k = (r * 12 + c) % 9;
      if (k == 0) data += "<c r=\"" + ref + "\" t=\"inlineStr\"><is><t>" + std::string(static_cast<std::size_t>(r % 5000 + 1), 'a') + "</t></is></c>";
      else if (k == 1) data += "<c r=\"" + ref + "\" s=\"2\"><v>" + std::to_string(40000 + r) + "</v></c>";
      else if (k == 2) data += "<c r=\"" + ref + "\" s=\"1\"/>";
      else if (k == 3) data += "<c t=\"s\" r=\"" + ref + "\"><v>" + std::to_string(r % 2) + "</v></c>";
      else if (k == 4) data += "<c r=\"" + ref + "\"><v>" + std::to_string(r) + "." + std::to_string(c) + "</v></c>";
      else data += "<c r=\"" + ref + "\"><v>" + std::to_string(r * c) + "</v></c>";
      values += k == 2 ? 0 : 1;
    }
    data += "</row>";
  }
  ASSERT_GT(data.size(), 3u << 20);
  const auto quick = test::import_bytes(styled_xlsx(data), "x.xlsx");
  const auto general = test::import_bytes(styled_xlsx(prefixed(data)), "x.xlsx");
  ASSERT_TRUE(quick.status.ok()) << quick.status.message();
  EXPECT_EQ(quick.sheet().cells.size(), values);
  expect_same(quick, general, "many cells");
}

// The workbooks other programs wrote (Excel, LibreOffice, openpyxl,
// calamine's odd ones), each read as it is and with its sheets' elements
// prefixed: the same cells, or the same refusal.
TEST(XlsxShapes, WorkbooksOtherProgramsWroteReadTheSameEitherWay) {
  int compared = 0;
  for (const std::string folder : {"conformance/calamine", "office", "lai-chau/2018", "lai-chau/bad"}) {
    if (!fs::exists(test::data_path(folder))) continue;
    for (const auto& entry : fs::directory_iterator(test::data_path(folder))) {
      const std::string ext = entry.path().extension().string();
      if (ext != ".xlsx" && ext != ".xlsm") continue;
      const std::string bytes = test::read_file(entry.path());
      std::vector<zipxml::ZipEntry> entries;
      if (!zipxml::read_directory(bytes, entries).ok()) continue;
      test::ZipWriter rewritten;
      bool whole = true;
      for (const auto& e : entries) {
        if (e.flags & 1 || (e.method != 0 && e.method != 8)) {
          whole = false;
          break;
        }
        zipxml::EntryStream stream(bytes, e);
        std::string content;
        while (stream.append(content, 1 << 16) > 0) {
        }
        if (!stream.error().empty()) {
          whole = false;
          break;
        }
        const bool sheet = e.name.find("worksheets/") != std::string::npos && e.name.ends_with(".xml") &&
                           content.size() >= 2 && content[0] != '\0' && content[1] != '\0' &&
                           !content.starts_with("\xFF\xFE") && !content.starts_with("\xFE\xFF");
        rewritten.add(e.name, sheet ? prefixed(content) : content);
      }
      if (!whole) continue;  // encrypted or damaged: refused before any sheet is read
      const auto quick = test::import_file(entry.path());
      const auto general = test::import_bytes(rewritten.finish(), entry.path().filename().string());
      expect_same(quick, general, entry.path().filename().string());
      ++compared;
    }
  }
  EXPECT_GT(compared, 60);
  std::printf("%d workbooks compared\n", compared);
}

// A hidden row is said at its first cell, with that cell's row: a row
// element without r (the OpenXML SDK's `new Row()`) whose cells carry theirs
// is said as row 5, not as the row after the last; a hidden row without
// cells is not said at all.
TEST(XlsxReading, AHiddenRowIsSaidAtItsFirstCellWithItsRow) {
  const auto r = test::import_bytes(
      test::minimal_xlsx("<row><c r=\"A1\"><v>1</v></c></row><row hidden=\"1\"><c r=\"A5\"><v>2</v></c>"
                         "<c r=\"B5\"><v>3</v></c></row><row r=\"6\" hidden=\"1\"/><row r=\"7\" hidden=\"true\">"
                         "<c r=\"A7\"><v>4</v></c></row><row r=\"8\"><c r=\"A8\"><v>5</v></c></row>"),
      "x.xlsx");
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.properties("hidden_row"), (std::vector<std::string>{"5", "7"}));
  EXPECT_EQ(r.sheet().find(5, 2)->number, 3) << "read all the same";
}

// <col> elements: hidden ones said with their range; a max past the last
// column (past 2^64 even) is the last column; a min past it, or past max,
// is no column (column XFD was said hidden for <col min="20000" …>).
// (minimal_xlsx puts its text inside <sheetData>: an empty one is closed
// first, as the columns come before the cells.)
TEST(XlsxReading, HiddenColumnsAreSaidWithTheirRangeAndNoneOutsideTheSheet) {
  const auto r = test::import_bytes(
      test::minimal_xlsx("</sheetData><cols><col min=\"2\" max=\"2\" hidden=\"1\"/><col min=\"3\" max=\"4\"/>"
                         "<col min=\"5\" max=\"7\" hidden=\"true\"/><col min=\"9\" max=\"99999999999999999999999\" "
                         "hidden=\"1\"/><col min=\"20000\" max=\"20005\" hidden=\"1\"/><col min=\"30\" max=\"20\" "
                         "hidden=\"1\"/><col min=\"0\" max=\"1\" hidden=\"1\"/></cols><sheetData>"
                         "<row r=\"1\"><c r=\"A1\"><v>1</v></c><c r=\"B1\"><v>2</v></c></row>"),
      "x.xlsx");
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.properties("hidden_column"), (std::vector<std::string>{"2-2", "5-7", "9-16384"}));
  EXPECT_EQ(r.sheet().find(1, 2)->number, 2) << "read all the same";
}
