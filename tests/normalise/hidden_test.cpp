// A sheet the clerk does not see is not the one read when a visible sheet
// holds a table: last year's return kept on a hidden sheet, with more
// columns, was read over this year's (304 members where the visible sheet
// says 319). Files as the programs write them (tests/data/office/
// make-hidden-sheets: openpyxl's xlsx, LibreOffice's .ods and .xls), read
// through the real importers, each saying which sheets are hidden.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <boost/json.hpp>

#include "normalise/lai_chau.hpp"
#include "normalise/normaliser.hpp"
#include "normalise/workbook.hpp"
#include "support/importing.hpp"

using namespace tonghop;
using namespace tonghop::normalise;
namespace json = boost::json;

namespace {

Normalised read(const std::string& file) {
  const auto imported = test::import_file(file);
  EXPECT_TRUE(imported.status.ok()) << file << ": " << imported.status.message();
  return test::lai_chau_normaliser().normalise(imported.doc, {"Than Uyên", "2018"});
}

const Issue* warning(const Normalised& n, const std::string& code) {
  for (const auto& w : n.warnings)
    if (w.code == code) return &w;
  return nullptr;
}

}  // namespace

TEST(HiddenSheets, TheVisibleSheetIsReadOverAHiddenOneWithMoreColumns) {
  for (const std::string ext : {"xlsx", "ods", "xls"}) {
    SCOPED_TRACE(ext);
    const auto n = read(test::data_path("office/hidden-sheet." + ext).string());
    ASSERT_TRUE(n.accepted()) << test::errors_of(n);
    EXPECT_EQ(n.records.layout().sheet, "Biểu 1");
    EXPECT_EQ(n.totals.counts.at("members_total"), 319);
    EXPECT_EQ(n.totals.counts.count("members_female"), 0u) << "the hidden sheet's column";
    const Issue* other = warning(n, "other_table");
    ASSERT_NE(other, nullptr);
    EXPECT_EQ(other->where.sheet, "2017 (cũ)");
    EXPECT_NE(other->message.find("Trang «2017 (cũ)» (đang ẩn) cũng có bảng"), std::string::npos) << other->message;
    EXPECT_EQ(warning(n, "hidden_sheet"), nullptr);
  }
}

TEST(HiddenSheets, AHiddenSheetThatAloneHoldsATableIsReadAndSaidSo) {
  test::TempDir dir;
  json::object rows;
  rows["1"] = json::array{"Tên tổ chức cơ sở đảng", "Loại hình", "Tổng số đảng viên"};
  rows["2"] = json::array{"Đảng bộ xã Mường Cang", "ĐB", 148};
  rows["3"] = json::array{"Chi bộ Trường THPT Than Uyên", "CB", 31};
  const json::value spec = json::object{
      {"sheets", json::array{json::object{{"name", "Ghi chú"}, {"rows", json::object{{"1", json::array{"Người lập biểu"}}}}},
                             json::object{{"name", "Số liệu"}, {"rows", rows}, {"hidden", true}}}}};
  const auto n = read(test::openpyxl_workbook(dir, "an.xlsx", spec));
  ASSERT_TRUE(n.accepted()) << test::errors_of(n);
  EXPECT_EQ(n.totals.counts.at("members_total"), 179);
  const Issue* hidden = warning(n, "hidden_sheet");
  ASSERT_NE(hidden, nullptr);
  EXPECT_EQ(hidden->where.sheet, "Số liệu");
  EXPECT_NE(hidden->message.find("trang này đang bị ẩn"), std::string::npos) << hidden->message;
}

// Excel 2003 XML (SpreadsheetML) says a sheet is hidden after its cells, in
// <WorksheetOptions><Visible>SheetHidden</Visible>: the importer reads it
// first, so that this format too has the visible sheet read over a hidden
// one with more columns. Written as Excel 2003's "XML Spreadsheet" writes
// it (LibreOffice does not write this format).
TEST(HiddenSheets, ExcelXml2003SaysWhichSheetIsHidden) {
  auto sheet = [](const std::string& name, const std::vector<std::vector<std::string>>& rows, const std::string& visible) {
    std::string s = "<Worksheet ss:Name=\"" + name + "\">\n <Table>\n";
    for (const auto& row : rows) {
      s += "  <Row>\n";
      for (const auto& cell : row) {
        const bool number = cell.find_first_not_of("0123456789") == std::string::npos;
        s += "   <Cell><Data ss:Type=\"" + std::string(number ? "Number" : "String") + "\">" + cell + "</Data></Cell>\n";
      }
      s += "  </Row>\n";
    }
    s += " </Table>\n <WorksheetOptions xmlns=\"urn:schemas-microsoft-com:office:excel\">\n"
         "  <PageSetup><Header x:Margin=\"0.3\"/></PageSetup>\n";
    if (!visible.empty()) s += "  <Visible>" + visible + "</Visible>\n";
    s += "  <ProtectObjects>False</ProtectObjects>\n </WorksheetOptions>\n</Worksheet>\n";
    return s;
  };
  const std::vector<std::vector<std::string>> old = {
      {"Tên tổ chức cơ sở đảng", "Loại hình", "Tổng số đảng viên", "Đảng viên nữ"},
      {"Đảng bộ xã Mường Cang", "ĐB", "140", "30"},
      {"Đảng bộ xã Mường Kim", "ĐB", "135", "40"},
      {"Chi bộ Trường THPT Than Uyên", "CB", "29", "18"}};
  const std::vector<std::vector<std::string>> now = {{"Tên tổ chức cơ sở đảng", "Loại hình", "Tổng số đảng viên"},
                                                     {"Đảng bộ xã Mường Cang", "ĐB", "148"},
                                                     {"Đảng bộ xã Mường Kim", "ĐB", "140"},
                                                     {"Chi bộ Trường THPT Than Uyên", "CB", "31"}};
  const std::string head =
      "<?xml version=\"1.0\"?>\n<?mso-application progid=\"Excel.Sheet\"?>\n"
      "<Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\"\n"
      " xmlns:o=\"urn:schemas-microsoft-com:office:office\"\n xmlns:x=\"urn:schemas-microsoft-com:office:excel\"\n"
      " xmlns:ss=\"urn:schemas-microsoft-com:office:spreadsheet\"\n xmlns:html=\"http://www.w3.org/TR/REC-html40\">\n"
      "<ExcelWorkbook xmlns=\"urn:schemas-microsoft-com:office:excel\">\n <ActiveSheet>1</ActiveSheet>\n"
      "</ExcelWorkbook>\n";
  for (const std::string hidden : {"SheetHidden", "SheetVeryHidden"}) {
    SCOPED_TRACE(hidden);
    const std::string xml = head + sheet("2017 (cũ)", old, hidden) + sheet("Biểu 1", now, "") + "</Workbook>\n";
    const auto imported = test::import_bytes(xml, "than-uyen.xml");
    ASSERT_TRUE(imported.status.ok()) << imported.status.message();
    EXPECT_EQ(imported.plugin, "import-ods");
    const auto n = test::lai_chau_normaliser().normalise(imported.doc, {"Than Uyên", "2018"});
    ASSERT_TRUE(n.accepted()) << test::errors_of(n);
    EXPECT_EQ(n.records.layout().sheet, "Biểu 1");
    EXPECT_EQ(n.totals.counts.at("members_total"), 319);
    const Issue* other = warning(n, "other_table");
    ASSERT_NE(other, nullptr);
    EXPECT_NE(other->message.find("Trang «2017 (cũ)» (đang ẩn) cũng có bảng"), std::string::npos) << other->message;
  }
  // Neither hidden: the sheet with more of the return's columns, as before.
  const std::string plain = head + sheet("2017 (cũ)", old, "") + sheet("Biểu 1", now, "") + "</Workbook>\n";
  const auto imported = test::import_bytes(plain, "than-uyen.xml");
  ASSERT_TRUE(imported.status.ok()) << imported.status.message();
  const auto n = test::lai_chau_normaliser().normalise(imported.doc, {"Than Uyên", "2018"});
  EXPECT_EQ(n.records.layout().sheet, "2017 (cũ)");
}
