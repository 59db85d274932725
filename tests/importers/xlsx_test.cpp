// The xlsx and xls importers on the Than Uyên return and calamine's odd
// workbooks.
#include <gtest/gtest.h>

#include <algorithm>

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
