// How a cell looks, where it says something of its value (SDK document.hpp):
// its text struck through (its font's strikethrough, as clerks strike out
// what they mean as void), `struck_cell`; its text the colour of its
// background (white on white), `unseen_cell`. Every importer that reads
// styles says either with its "row:column" before the cell, whether the
// cell's own style or one it inherits gives it, and never for a style that
// undoes it or a cell with no value. LibreOffice's .xls and .ods of a return
// are read through the normaliser in tests/daemon/check_hidden_test.cpp.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/importing.hpp"
#include "support/office_xml.hpp"
#include "support/zip_writer.hpp"

using namespace tonghop;

TEST(StruckCells, XlsxSaysTheCellsItsFontsStrikeThrough) {
  // Fonts: plain; <strike/> as Excel writes it; val="0"; val="true" as LibreOffice writes it; val="1" as openpyxl.
  const std::string styles =
      "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><fonts count=\"5\">"
      "<font><name val=\"Arial\"/></font><font><strike/><name val=\"Arial\"/></font>"
      "<font><strike val=\"0\"/><name val=\"Arial\"/></font><font><strike val=\"true\"/></font>"
      "<font><strike val=\"1\"/></font></fonts><cellXfs count=\"5\"><xf fontId=\"0\"/><xf fontId=\"1\"/>"
      "<xf fontId=\"2\"/><xf fontId=\"3\"/><xf fontId=\"4\"/></cellXfs></styleSheet>";
  const auto r = test::import_bytes(
      test::minimal_xlsx("<row r=\"1\"><c r=\"A1\" s=\"1\"><v>1</v></c><c r=\"B1\" s=\"2\"><v>2</v></c>"
                         "<c r=\"C1\" s=\"3\"><v>3</v></c><c r=\"D1\" s=\"0\"><v>4</v></c><c r=\"E1\" s=\"1\"/>"
                         "<c r=\"F1\" s=\"4\" t=\"inlineStr\"><is><t>Chi bộ</t></is></c><c r=\"G1\" s=\"9\"><v>7</v></c></row>"
                         "<row r=\"2\"><c r=\"B2\" s=\"3\"><v>5</v></c></row>",
                         {}, {}, styles),
      "x.xlsx");
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.properties("struck_cell"), (std::vector<std::string>{"1:1", "1:3", "1:6", "2:2"}));
  EXPECT_EQ(r.sheet().find(1, 1)->number, 1) << "read all the same";
}

// The words struck rather than the cell (a run of rich text in a shared
// string, as Excel writes a selection struck while editing): said of each
// cell that shows that string; a run that undoes it, or strikes only
// spaces, is not.
TEST(StruckCells, XlsxSaysACellWhoseSharedTextIsStruckInPart) {
  const std::string strings =
      "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
      "<si><r><rPr><strike/><sz val=\"11\"/></rPr><t>Chi bộ cũ</t></r></si>"
      "<si><r><t xml:space=\"preserve\">Chi bộ </t></r><r><rPr><strike val=\"0\"/></rPr><t>mới</t></r></si>"
      "<si><r><rPr><strike/></rPr><t xml:space=\"preserve\"> </t></r><r><t>x</t></r></si>"
      "<si><t>y</t></si>"
      "<si><r><t xml:space=\"preserve\">Đảng bộ </t></r><r><rPr><strike val=\"1\"/></rPr><t>xã A</t></r></si></sst>";
  const auto r = test::import_bytes(
      test::minimal_xlsx("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
                         "<c r=\"C1\" t=\"s\"><v>2</v></c><c r=\"D1\" t=\"s\"><v>3</v></c>"
                         "<c r=\"E1\" t=\"s\"><v>4</v></c><c r=\"F1\" t=\"s\"><v>0</v></c></row>",
                         strings),
      "x.xlsx");
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.properties("struck_cell"), (std::vector<std::string>{"1:1", "1:5", "1:6"}));
  EXPECT_EQ(r.text(1, 5), "Đảng bộ xã A") << "read all the same";
}

TEST(StruckCells, OdsSaysTheCellsItsStylesStrikeThroughParentsIncluded) {
  const std::string styles =
      "<style:style style:name=\"gach\" style:family=\"table-cell\"><style:text-properties "
      "style:text-line-through-style=\"solid\" style:text-line-through-type=\"single\"/></style:style>"
      "<style:style style:name=\"con\" style:family=\"table-cell\" style:parent-style-name=\"gach\">"
      "<style:text-properties style:font-name=\"Arial\"/></style:style>"
      "<style:style style:name=\"bo\" style:family=\"table-cell\" style:parent-style-name=\"gach\">"
      "<style:text-properties style:text-line-through-style=\"none\"/></style:style>";
  const std::string rows =
      "<table:table-row><table:table-cell table:style-name=\"gach\" office:value-type=\"float\" office:value=\"1\"/>"
      "<table:table-cell table:style-name=\"con\" office:value-type=\"float\" office:value=\"2\" "
      "table:number-columns-repeated=\"2\"/>"
      "<table:table-cell table:style-name=\"bo\" office:value-type=\"float\" office:value=\"3\"/>"
      "<table:table-cell office:value-type=\"float\" office:value=\"4\"/>"
      "<table:table-cell table:style-name=\"gach\"/></table:table-row>";
  const auto r = test::import_bytes(test::ods(test::content_xml(rows, styles)), "t.ods");
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.properties("struck_cell"), (std::vector<std::string>{"1:1", "1:2", "1:3"}));
}

// Words struck inside an .ods cell (a span whose text style strikes them,
// as LibreOffice writes it: the line's type alone), not the cell's style.
TEST(StruckCells, OdsSaysACellWhoseWordsAreStruckInASpan) {
  const std::string styles =
      "<style:style style:name=\"T1\" style:family=\"text\"><style:text-properties "
      "style:text-line-through-type=\"single\"/></style:style>"
      "<style:style style:name=\"T2\" style:family=\"text\"><style:text-properties fo:font-weight=\"bold\"/>"
      "</style:style>";
  const auto cell = [](const std::string& p) {
    return "<table:table-cell office:value-type=\"string\"><text:p>" + p + "</text:p></table:table-cell>";
  };
  const std::string rows = "<table:table-row>" + cell("<text:span text:style-name=\"T1\">Chi bộ cũ</text:span>") +
                           cell("Chi bộ <text:span text:style-name=\"T2\">mới</text:span>") +
                           cell("<text:span text:style-name=\"T1\"> </text:span>x") +
                           cell("Đảng bộ <text:span text:style-name=\"T2\"><text:span text:style-name=\"T1\">xã A"
                                "</text:span></text:span>") +
                           cell("y") + "</table:table-row>";
  const auto r = test::import_bytes(test::ods(test::content_xml(rows, styles)), "t.ods");
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.properties("struck_cell"), (std::vector<std::string>{"1:1", "1:4"}));
  EXPECT_EQ(r.text(1, 4), "Đảng bộ xã A") << "read all the same";
}

TEST(StruckCells, ExcelXml2003SaysTheCellsItsStylesStrikeThroughParentsIncluded) {
  const std::string styles =
      "<Style ss:ID=\"Default\"><Font ss:FontName=\"Arial\"/></Style>"
      "<Style ss:ID=\"gach\"><Font ss:StrikeThrough=\"1\"/></Style>"
      "<Style ss:ID=\"con\" ss:Parent=\"gach\"><NumberFormat ss:Format=\"0\"/></Style>"
      "<Style ss:ID=\"bo\" ss:Parent=\"gach\"><Font ss:StrikeThrough=\"0\"/></Style>";
  const std::string rows =
      "<Row><Cell ss:StyleID=\"gach\"><Data ss:Type=\"Number\">1</Data></Cell>"
      "<Cell ss:StyleID=\"con\"><Data ss:Type=\"String\">Chi bộ</Data></Cell>"
      "<Cell ss:StyleID=\"bo\"><Data ss:Type=\"Number\">3</Data></Cell>"
      "<Cell><Data ss:Type=\"Number\">4</Data></Cell><Cell ss:StyleID=\"gach\"/></Row>";
  const auto r = test::import_bytes(test::excel_xml_sheet(rows, styles), "t.xml");
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.properties("struck_cell"), (std::vector<std::string>{"1:1", "1:2"}));
}

TEST(UnseenCells, XlsxSaysTheCellsDrawnInTheirBackgroundsColour) {
  // Fonts: Text 1 (black); white (rgb); white as the theme's Background 1; that darkened by a tint; yellow;
  // automatic. Fills: none; gray125; solid white; solid yellow; none but an fgColor; a gradient; solid black.
  const std::string styles =
      "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><fonts count=\"5\">"
      "<font><color theme=\"1\"/></font><font><color rgb=\"FFFFFFFF\"/></font><font><color theme=\"0\"/></font>"
      "<font><color theme=\"0\" tint=\"-0.5\"/></font><font><color rgb=\"FFFFFF00\"/></font>"
      "<font><color auto=\"1\"/></font></fonts>"
      "<fills count=\"4\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/>"
      "</fill><fill><patternFill patternType=\"solid\"><fgColor rgb=\"FFFFFFFF\"/></patternFill></fill>"
      "<fill><patternFill patternType=\"solid\"><fgColor rgb=\"FFFFFF00\"/><bgColor indexed=\"64\"/></patternFill>"
      "</fill><fill><patternFill><fgColor rgb=\"FF000000\"/></patternFill></fill>"
      "<fill><gradientFill degree=\"90\"><stop position=\"0\"><color rgb=\"FFFFFFFF\"/></stop></gradientFill></fill>"
      "<fill><patternFill patternType=\"solid\"><fgColor theme=\"1\"/></patternFill></fill></fills>"
      "<cellXfs count=\"12\"><xf fontId=\"0\" fillId=\"0\"/><xf fontId=\"1\" fillId=\"0\"/>"
      "<xf fontId=\"2\" fillId=\"0\"/><xf fontId=\"3\" fillId=\"0\"/><xf fontId=\"1\" fillId=\"3\"/>"
      "<xf fontId=\"4\" fillId=\"3\"/><xf fontId=\"1\" fillId=\"2\"/><xf fontId=\"1\" fillId=\"1\"/>"
      "<xf fontId=\"0\" fillId=\"4\"/><xf fontId=\"1\" fillId=\"5\"/><xf fontId=\"5\" fillId=\"6\"/>"
      "<xf fontId=\"0\" fillId=\"6\"/></cellXfs>"
      "</styleSheet>";
  std::string row = "<row r=\"1\">";
  for (int s = 0; s < 12; ++s)
    row += "<c r=\"" + std::string(1, static_cast<char>('A' + s)) + "1\" s=\"" + std::to_string(s) + "\"><v>" +
           std::to_string(s) + "</v></c>";
  const auto r = test::import_bytes(test::minimal_xlsx(row + "<c r=\"M1\" s=\"1\"/></row>", {}, {}, styles), "x.xlsx");
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  // White on none (B, C), yellow on yellow (F), white on white (G), Text 1 on a solid Text 1 (L); not: black
  // on white, tinted, white on yellow, white on a pattern, black on a fill of no pattern whose fgColor is
  // black (I), white on a gradient (J), automatic on black (K), an empty cell.
  EXPECT_EQ(r.properties("unseen_cell"), (std::vector<std::string>{"1:2", "1:3", "1:6", "1:7", "1:12"}));
}

TEST(UnseenCells, OdsSaysTheCellsDrawnInTheirBackgroundsColourParentsIncluded) {
  const std::string styles =
      "<style:style style:name=\"trang\" style:family=\"table-cell\"><style:text-properties fo:color=\"#ffffff\"/>"
      "</style:style>"
      "<style:style style:name=\"nen\" style:family=\"table-cell\" style:parent-style-name=\"trang\">"
      "<style:table-cell-properties fo:background-color=\"#ffff00\"/></style:style>"
      "<style:style style:name=\"vang\" style:family=\"table-cell\" style:parent-style-name=\"nen\">"
      "<style:text-properties fo:color=\"#FFFF00\"/></style:style>"
      "<style:style style:name=\"tu-dong\" style:family=\"table-cell\" style:parent-style-name=\"trang\">"
      "<style:text-properties style:use-window-font-color=\"true\"/></style:style>"
      // Automatic text on black: LibreOffice draws it white.
      "<style:style style:name=\"den\" style:family=\"table-cell\">"
      "<style:table-cell-properties fo:background-color=\"#000000\"/></style:style>";
  const std::string rows =
      "<table:table-row><table:table-cell table:style-name=\"trang\" office:value-type=\"float\" office:value=\"1\"/>"
      "<table:table-cell table:style-name=\"nen\" office:value-type=\"float\" office:value=\"2\"/>"
      "<table:table-cell table:style-name=\"vang\" office:value-type=\"float\" office:value=\"3\"/>"
      "<table:table-cell table:style-name=\"tu-dong\" office:value-type=\"float\" office:value=\"4\"/>"
      "<table:table-cell office:value-type=\"float\" office:value=\"5\"/>"
      "<table:table-cell table:style-name=\"den\" office:value-type=\"float\" office:value=\"6\"/></table:table-row>";
  const auto r = test::import_bytes(test::ods(test::content_xml(rows, styles)), "t.ods");
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.properties("unseen_cell"), (std::vector<std::string>{"1:1", "1:3"}));
}

TEST(UnseenCells, ExcelXml2003SaysTheCellsDrawnInTheirBackgroundsColour) {
  const std::string styles =
      "<Style ss:ID=\"trang\"><Font ss:Color=\"#FFFFFF\"/></Style>"
      "<Style ss:ID=\"nen\" ss:Parent=\"trang\"><Interior ss:Color=\"#FFFF00\" ss:Pattern=\"Solid\"/></Style>"
      "<Style ss:ID=\"vang\" ss:Parent=\"nen\"><Font ss:Color=\"#ffff00\"/></Style>"
      "<Style ss:ID=\"soc\" ss:Parent=\"trang\"><Interior ss:Color=\"#FFFFFF\" ss:Pattern=\"HorzStripe\"/></Style>";
  const std::string rows =
      "<Row><Cell ss:StyleID=\"trang\"><Data ss:Type=\"Number\">1</Data></Cell>"
      "<Cell ss:StyleID=\"nen\"><Data ss:Type=\"Number\">2</Data></Cell>"
      "<Cell ss:StyleID=\"vang\"><Data ss:Type=\"Number\">3</Data></Cell>"
      "<Cell ss:StyleID=\"soc\"><Data ss:Type=\"Number\">4</Data></Cell>"
      "<Cell><Data ss:Type=\"Number\">5</Data></Cell></Row>";
  const auto r = test::import_bytes(test::excel_xml_sheet(rows, styles), "t.xml");
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.properties("unseen_cell"), (std::vector<std::string>{"1:1", "1:3"}));
}

// Excel writes a number format of at most 255 characters; a longer one (each
// cell carries its format) is refused, as the .xls importer refuses it.
TEST(XlsxFormats, AFormatLongerThanExcelWritesIsRefused) {
  const auto styles = [](std::size_t n) {
    return "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><numFmts count=\"1\">"
           "<numFmt numFmtId=\"164\" formatCode=\";;;" + std::string(n - 3, ' ') + "\"/></numFmts>"
           "<cellXfs count=\"1\"><xf numFmtId=\"164\"/></cellXfs></styleSheet>";
  };
  const std::string row = "<row r=\"1\"><c r=\"A1\" s=\"0\"><v>1</v></c></row>";
  const auto fine = test::import_bytes(test::minimal_xlsx(row, {}, {}, styles(255)), "x.xlsx");
  ASSERT_TRUE(fine.status.ok()) << fine.status.message();
  EXPECT_EQ(fine.sheet().find(1, 1)->number_format.size(), 255u);
  const auto refused = test::import_bytes(test::minimal_xlsx(row, {}, {}, styles(256)), "x.xlsx");
  EXPECT_EQ(refused.status.code(), sdk::Code::invalid_input);
  EXPECT_NE(refused.status.message().find("một định dạng số dài 256 ký tự, Excel chỉ cho 255"), std::string::npos)
      << refused.status.message();
}
