// A sheet the clerk does not see is not the one read when a visible sheet
// holds a table: last year's return kept on a hidden sheet, with more
// columns, was read over this year's (304 members where the visible sheet
// says 319). Files as the programs write them (tests/data/office/
// make-hidden-sheets: openpyxl's xlsx, LibreOffice's .ods and .xls), read
// through the real importers, each saying which sheets are hidden.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "normalise/lai_chau.hpp"
#include "normalise/normaliser.hpp"
#include "normalise/sheets.hpp"
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

// What a number format shows nothing of (sheets.hpp, FormatSight), as
// Excel reads its sections: the cells the hidden_values warning names.
TEST(NumberFormats, WhatAFormatShowsNothingOf) {
  using detail::format_sight;
  const auto cell = [](sdk::CellType type, double n) { return sdk::CellView{2, 3, type, "", n, "", ""}; };
  const auto pos = cell(sdk::CellType::number, 34), neg = cell(sdk::CellType::number, -3),
             zero = cell(sdk::CellType::number, 0), text = cell(sdk::CellType::text, 0);
  const auto hides = [&](std::string_view f, const sdk::CellView& c) { return format_sight(f).hides(c); };
  // ";;;" hides everything, a zero too.
  for (const auto& c : {pos, neg, zero, text}) EXPECT_TRUE(hides(";;;", c));
  // ";;" hides numbers; text has no section of its own and is shown.
  EXPECT_TRUE(hides(";;", pos));
  EXPECT_TRUE(hides(";;", zero));
  EXPECT_FALSE(hides(";;", text));
  // Blank sections: colours, locales, spaces, padding, a fill of spaces, blank literals.
  EXPECT_TRUE(hides("[Red];[Blue];[$-42A]\" \";_)", pos));
  EXPECT_TRUE(hides("[Red];[Blue];[$-42A]\" \";_)", text));
  EXPECT_TRUE(hides("* ", pos));
  // A zero shown as blank is not said unless the positives are hidden too.
  EXPECT_FALSE(hides("0;-0;;@", zero));
  EXPECT_FALSE(hides("0;-0;;@", pos));
  EXPECT_TRUE(format_sight("0;-0;;@").zero);
  // Two sections: the second is the negatives'.
  EXPECT_TRUE(hides("0;", neg));
  EXPECT_FALSE(hides("0;", pos));
  // What shows something: General, digits, a visible literal or fill, text's @.
  for (const std::string_view f : {"", "General", "0", "#,##0", "\"-\"", "*-", "\\-", "@", "[Red]0;[Red]-0",
                                   "_-* #,##0_-;-* #,##0_-;_-* \"-\"_-;_-@_-"})
    for (const auto& c : {pos, neg, zero, text}) EXPECT_FALSE(hides(f, c)) << f;
  // A currency's symbol shows; a locale alone does not.
  EXPECT_FALSE(hides("[$₫-42A]", pos));
  EXPECT_FALSE(hides("[$VND]", pos));
  EXPECT_TRUE(hides("[$-42A];;;", pos));
  // A semicolon inside a literal or brackets does not start a section.
  EXPECT_FALSE(hides("\";\";0", pos));
  // Conditions are not judged; nor a format Excel would not take.
  EXPECT_FALSE(format_sight("[>100];;;").any());
  EXPECT_FALSE(format_sight(";;;;").any());
  EXPECT_FALSE(format_sight("\"open").any());
  // An escape, a padding or a fill with nothing after it (the fuzzer's .xls
  // once read a section past the format's end).
  for (const std::string_view f : {"\\", "_", "*", "0;\\", ";;;_", "0;-0;;*"})
    EXPECT_FALSE(format_sight(f).any()) << f;
}

namespace {

// Phong Thổ's return `copies` times over (each copy's names its own), read
// by the CSV importer: a table long enough to be read as a stream.
sdk::Document long_return(int copies) {
  std::ifstream in(TONGHOP_SOURCE_DIR "/tests/data/lai-chau/2018/phong-tho.csv");
  std::string header, line, csv;
  std::getline(in, header);
  std::vector<std::string> rows;
  while (std::getline(in, line)) rows.push_back(line);
  csv = header + "\n";
  for (int k = 0; k < copies; ++k)
    for (const auto& r : rows) {
      const auto name_end = r.find(';', r.find(';') + 1);
      csv += r.substr(0, name_end) + (k != 0 ? " " + std::to_string(k) : "") + r.substr(name_end) + "\n";
    }
  auto imported = test::import_bytes(csv, "dai.csv");
  EXPECT_TRUE(imported.status.ok()) << imported.status.message();
  return std::move(imported.doc);
}

// `doc`'s first sheet through a reader as a plugin of cell runs (SDK ABI 3)
// gives it, a row a run; before each row, `before(row, sink)` (properties),
// and after it `after(row, sink)` (more cells).
using RowHook = std::function<void(std::uint32_t, sdk::DocumentSink&)>;
Normalised read_in_runs(const sdk::Document& doc, const RowHook& before = {}, const RowHook& after = {}) {
  const auto reader = test::lai_chau_normaliser().reader({"Phong Thổ", "2018"});
  EXPECT_TRUE(reader->begin_sheet("Biểu 01").ok());
  const auto& cells = doc.sheets.at(0).cells;
  std::vector<sdk::CellView> run;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const auto& c = cells[i];
    if (run.empty() && before) before(c.row, *reader);
    run.push_back(sdk::CellView{c.row, c.column, c.type, c.text, c.number, c.font, c.number_format});
    if (i + 1 == cells.size() || cells[i + 1].row != c.row) {
      EXPECT_TRUE(reader->cells(run.data(), run.size()).ok());
      run.clear();
      if (after) after(c.row, *reader);
    }
  }
  EXPECT_TRUE(reader->end_sheet().ok());
  return reader->finish();
}

}  // namespace

// A plugin that gives a row's cells as one run (SDK ABI 3, cells()), as the
// CSV importer does, with their number formats: a value hidden far down a
// long table, read as a stream on the worker, is said as one given a cell
// at a time is. A format longer than any Excel makes (255 characters;
// the importers refuse one) from another plugin is judged all the same.
TEST(NumberFormats, AValueHiddenInARunOfCellsIsSaid) {
  auto doc = long_return(100);
  for (auto& c : doc.sheets.at(0).cells) {
    if ((c.row == 3000 && c.column == 11) || (c.row == 3001 && c.column == 2)) c.number_format = ";;;";
    if (c.row == 3002 && c.column == 11) c.number_format = ";;;" + std::string(300, ' ');
  }
  const Normalised n = read_in_runs(doc);
  EXPECT_TRUE(n.errors.empty()) << n.errors.front().message;
  EXPECT_EQ(n.records.size(), 3400u);
  const Issue* said = warning(n, "hidden_values");
  ASSERT_NE(said, nullptr);
  EXPECT_NE(said->message.find("3 giá trị đọc được ở ô không hiện gì trên trang «Biểu 01» (ô K3000, ô B3001, ô K3002; "
                               "do định dạng số như «;;;»"),
            std::string::npos)
      << said->message;
  EXPECT_EQ(said->field, "members_total");
  EXPECT_EQ(said->where.row, 3000u);
  EXPECT_EQ(said->where.column, 11u);

  // 340 notes a row right of the table, each ";;;", 1.16 million: past the
  // first rows only the columns a field is read from are noted, so K3390
  // is still said (it was crowded out past the 2^20 places kept).
  auto far = long_return(100);
  for (auto& c : far.sheets.at(0).cells)
    if (c.row == 3390 && c.column == 11) c.number_format = ";;;";
  const Normalised crowded = read_in_runs(far, {}, [](std::uint32_t row, sdk::DocumentSink& sink) {
    std::vector<sdk::CellView> notes;
    for (std::uint32_t column = 40; column < 380; ++column)
      notes.push_back(sdk::CellView{row, column, sdk::CellType::text, "x", 0, "", ";;;"});
    EXPECT_TRUE(sink.cells(notes.data(), notes.size()).ok());
  });
  const Issue* far_said = warning(crowded, "hidden_values");
  ASSERT_NE(far_said, nullptr);
  EXPECT_NE(far_said->message.find("1 giá trị đọc được ở ô không hiện gì trên trang «Biểu 01» (ô K3390;"),
            std::string::npos)
      << far_said->message;
}

// Struck cells the importer says (struck_cell) beside a long table: 340 a
// row right of it, 1.16 million in all, past the 2^20 places a sheet keeps.
// Past its first rows (about 2,860 here) only the columns a field is read
// from are noted, so the figure struck far down (K3390) is still said; it
// was crowded out. Once those alone pass the bound (every cell of 30,000
// organisations struck), the warning says "at least".
TEST(StruckCells, NotesBesideTheTableNeverCrowdOutAStruckFigure) {
  const auto beside = long_return(100);
  const Normalised n = read_in_runs(beside, [](std::uint32_t row, sdk::DocumentSink& sink) {
    for (std::uint32_t column = 40; column < 380; ++column)
      EXPECT_TRUE(sink.property("struck_cell", std::to_string(row) + ":" + std::to_string(column)).ok());
    if (row == 3390) {
      EXPECT_TRUE(sink.property("struck_cell", "3390:11").ok());
    }
  });
  EXPECT_TRUE(n.errors.empty()) << n.errors.front().message;
  const Issue* said = warning(n, "struck_values");
  ASSERT_NE(said, nullptr);
  EXPECT_NE(said->message.find("1 giá trị của 1 tổ chức đọc được ở ô bị gạch ngang trong trang «Biểu 01» (ô "
                               "K3390)"),
            std::string::npos)
      << said->message;

  // 400 a row: the bound is passed on the first rows, read before the
  // table is known, and no figure among them: that not every cell was
  // looked at is said.
  const Normalised crowded = read_in_runs(beside, [](std::uint32_t row, sdk::DocumentSink& sink) {
    for (std::uint32_t column = 40; column < 440; ++column)
      EXPECT_TRUE(sink.property("struck_cell", std::to_string(row) + ":" + std::to_string(column)).ok());
  });
  const Issue* crowd = warning(crowded, "struck_values");
  ASSERT_NE(crowd, nullptr);
  EXPECT_NE(crowd->message.find("Trang «Biểu 01» có hơn 1048576 ô như vậy, nhiều hơn số ô được xét"), std::string::npos)
      << crowd->message;

  const auto all = long_return(883);  // 30,022 organisations, 35 values each: 1,050,770
  const Normalised m = read_in_runs(all, [](std::uint32_t row, sdk::DocumentSink& sink) {
    if (row == 1) return;
    for (std::uint32_t column = 1; column <= 35; ++column)
      EXPECT_TRUE(sink.property("struck_cell", std::to_string(row) + ":" + std::to_string(column)).ok());
  });
  const Issue* past = warning(m, "struck_values");
  ASSERT_NE(past, nullptr);
  EXPECT_TRUE(past->message.starts_with("Ít nhất 1048576 giá trị của ")) << past->message.substr(0, 300);
  EXPECT_NE(past->message.find(" / At least 1048576 value(s) of "), std::string::npos) << past->message.substr(0, 600);
  // Whole within the 600 characters the API gives a message (api/views.cpp), the English too.
  const auto characters = std::count_if(past->message.begin(), past->message.end(),
                                        [](char ch) { return (static_cast<unsigned char>(ch) & 0xC0) != 0x80; });
  EXPECT_LE(characters, 600) << past->message;
  EXPECT_TRUE(past->message.ends_with("else remove the line")) << past->message;
}
