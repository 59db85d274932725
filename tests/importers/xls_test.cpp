// The xls importer on workbooks LibreOffice saved as Excel 97-2003 (made by
// tests/data/xls/make.sh, every value checked against what its script
// wrote), on copies as other programs leave them (a short last sector, a
// stream named "BOOK"), on calamine's .xls files, and on compound files built
// here to be hostile.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <set>
#include <tuple>

#include <boost/json.hpp>

#include "normalise/text.hpp"
#include "support/importing.hpp"
#include "support/process.hpp"

namespace json = boost::json;
using namespace tonghop;

namespace {

std::string lower(std::string s) {
  for (auto& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

const sdk::Sheet* sheet_named(const sdk::Document& doc, const std::string& name) {
  for (const auto& s : doc.sheets)
    if (s.name == name) return &s;
  return nullptr;
}

// Every cell and merged range of features.xls against features.expected.json.
void expect_features(const test::Imported& r) {
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.plugin, "import-xls");
  EXPECT_EQ(r.doc.property("codepage"), "utf-16le");
  EXPECT_EQ(r.doc.property("date_system"), "1900");
  EXPECT_EQ(r.doc.property("biff"), "8");
  const auto expected = json::parse(test::read_file(test::data_path("xls/features.expected.json")));
  const auto& sheets = expected.at("sheets").as_array();
  ASSERT_EQ(r.doc.sheets.size(), sheets.size());
  std::size_t checked = 0;
  for (const auto& es : sheets) {
    const std::string name(es.at("name").as_string());
    const sdk::Sheet* sheet = sheet_named(r.doc, name);
    ASSERT_NE(sheet, nullptr) << name;
    const auto& cells = es.at("cells").as_array();
    EXPECT_EQ(sheet->cells.size(), cells.size()) << name << ": no cell more, none less";
    for (const auto& ec : cells) {
      const auto& a = ec.as_array();
      const auto row = static_cast<std::uint32_t>(a[0].as_int64());
      const auto col = static_cast<std::uint32_t>(a[1].as_int64());
      const std::string kind(a[2].as_string());
      const sdk::Cell* c = sheet->find(row, col);
      ASSERT_NE(c, nullptr) << name << " " << row << "," << col;
      const std::string where = name + " " + std::to_string(row) + "," + std::to_string(col);
      if (kind == "n") {
        ASSERT_EQ(c->type, sdk::CellType::number) << where << " " << c->text;
        const double want = a[3].to_number<double>();
        EXPECT_NEAR(c->number, want, std::abs(want) * 1e-14) << where;
      } else if (kind == "s") {
        EXPECT_EQ(c->type, sdk::CellType::text) << where;
        EXPECT_EQ(c->text, a[3].as_string()) << where;
      } else if (kind == "b") {
        ASSERT_EQ(c->type, sdk::CellType::boolean) << where;
        EXPECT_EQ(c->number, a[3].as_bool() ? 1 : 0) << where;
        EXPECT_EQ(c->text, a[3].as_bool() ? "TRUE" : "FALSE") << where;
      } else {
        EXPECT_EQ(c->type, sdk::CellType::error) << where;
        EXPECT_EQ(c->text, a[3].as_string()) << where;
      }
      if (!a[4].as_string().empty()) {
        EXPECT_EQ(c->font, a[4].as_string()) << where;
      }
      if (!a[5].as_string().empty()) {
        EXPECT_EQ(lower(c->number_format), lower(std::string(a[5].as_string()))) << where;
      }
      ++checked;
    }
    std::set<std::tuple<std::uint32_t, std::uint32_t, std::uint32_t, std::uint32_t>> want, got;
    for (const auto& m : es.at("merges").as_array()) {
      const auto& v = m.as_array();
      want.insert({static_cast<std::uint32_t>(v[0].as_int64()), static_cast<std::uint32_t>(v[1].as_int64()),
                   static_cast<std::uint32_t>(v[2].as_int64()), static_cast<std::uint32_t>(v[3].as_int64())});
    }
    for (const auto& m : sheet->merges) got.insert({m.first_row, m.first_column, m.last_row, m.last_column});
    EXPECT_EQ(got, want) << name;
  }
  EXPECT_GT(checked, 850u);
}

}  // namespace

TEST(XlsFromLibreOffice, EveryValueFormulaFontFormatAndMergeIsWhatTheScriptWrote) {
  // Formula results (the "Tổng số" column, the total row, a text, a boolean
  // and an error), dates by their format, booleans, and shared strings of
  // 9,000 and 20,000 bytes, which cannot fit one record (8,224 bytes):
  // they cross CONTINUE records.
  expect_features(test::import_file(test::data_path("xls/features.xls")));
}

TEST(XlsFromLibreOffice, DefaultFontsAndBuiltInFormatsComeWithEveryCell) {
  const auto r = test::import_file(test::data_path("xls/features.xls"));
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  for (const auto& c : r.sheet(0).cells) EXPECT_FALSE(c.font.empty()) << c.row << "," << c.column;
  EXPECT_EQ(lower(r.sheet(0).find(4, 6)->number_format), "dd/mm/yyyy");
}

TEST(XlsFromLibreOffice, Tcvn3TextIsDecodedByItsVnTimeFont) {
  const auto r = test::import_file(test::data_path("xls/features.xls"));
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  const sdk::Sheet* s = sheet_named(r.doc, "TCVN3");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->find(1, 1)->font, ".VnTimeH");
  EXPECT_EQ(normalise::decode_tcvn3(s->find(1, 1)->text, true).value_or(""), "ĐẢNG");
  EXPECT_EQ(s->find(2, 1)->font, ".VnTime");
  EXPECT_EQ(normalise::decode_tcvn3(s->find(2, 1)->text, false).value_or(""), "Đảng viên");
  EXPECT_EQ(normalise::decode_tcvn3(s->find(3, 1)->text, false).value_or(""), "Đảng bộ xã Mường");
  EXPECT_EQ(s->find(4, 1)->font, "Times New Roman");
}

TEST(XlsAsOthersLeaveThem, AShortLastSectorIsReadWhole) {
  // The file's last 512-byte block is 256 bytes: Excel and xlrd open it.
  const std::string bytes = test::read_file(test::data_path("xls/short-last-sector.xls"));
  ASSERT_NE(bytes.size() % 512, 0u);
  expect_features(test::import_file(test::data_path("xls/short-last-sector.xls")));
}

TEST(XlsAsOthersLeaveThem, AStreamNamedBookInCapitalsIsTheWorkbook) {
  const std::string bytes = test::read_file(test::data_path("xls/book-stream.xls"));
  ASSERT_EQ(bytes.find(std::string("W\0o\0r\0k\0b\0o\0o\0k\0", 16)), std::string::npos);
  expect_features(test::import_file(test::data_path("xls/book-stream.xls")));
  const auto cap = test::import_file(test::data_path("conformance/calamine/capitalized_wbook_stream.xls"));
  ASSERT_TRUE(cap.status.ok()) << cap.status.message();  // a "BOOK" stream holding BIFF8 and one empty sheet
  EXPECT_EQ(cap.sheet().name, "Sheet1");
  EXPECT_EQ(cap.doc.property("biff"), "8");
}

TEST(XlsFromLibreOffice, TheCellLimitStopsTheReadAtItsPlace) {
  auto limits = test::default_limits();
  limits.max_cells = 10;
  const auto r = test::import_file(test::data_path("xls/features.xls"), limits);
  ASSERT_EQ(r.status.code(), sdk::Code::limit_exceeded) << r.status.message();
  EXPECT_EQ(r.status.where().sheet, "Biểu 01");
}

TEST(XlsCalamine, DatesSharedStringsAndMergesReadRight) {
  const auto date = test::import_file(test::data_path("conformance/calamine/date.xls"));
  ASSERT_TRUE(date.status.ok()) << date.status.message();
  EXPECT_EQ(date.plugin, "import-xls");
  EXPECT_EQ(date.doc.property("codepage"), "utf-16le");
  const sdk::Cell* d = date.sheet().find(1, 1);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->type, sdk::CellType::number);
  EXPECT_EQ(d->number, 44197) << "2021-01-01 as its serial number";
  EXPECT_EQ(d->text, "2021-01-01") << "its ISO text, by the SDK's rule for dates";
  EXPECT_NE(lower(d->number_format).find("yy"), std::string::npos) << d->number_format;
  EXPECT_EQ(date.sheet().find(1, 2)->number, 15);
  const auto d1904 = test::import_file(test::data_path("conformance/calamine/date_1904.xls"));
  ASSERT_TRUE(d1904.status.ok()) << d1904.status.message();
  EXPECT_EQ(d1904.doc.property("date_system"), "1904");
  // The same day in a 1904 workbook: its serial shifted into the 1900 system.
  const sdk::Cell* d4 = d1904.sheet().find(1, 1);
  ASSERT_NE(d4, nullptr);
  EXPECT_EQ(d4->text, "2021-01-01");
  EXPECT_EQ(d4->number, 44197);
  const auto merged = test::import_file(test::data_path("conformance/calamine/merge_cells.xls"));
  ASSERT_TRUE(merged.status.ok()) << merged.status.message();
  EXPECT_FALSE(merged.sheet().merges.empty());
  const auto sst = test::import_file(test::data_path("conformance/calamine/sst_continue.xls"));
  ASSERT_TRUE(sst.status.ok()) << sst.status.message();
  EXPECT_FALSE(sst.sheet().cells.empty());
}

TEST(XlsCalamine, WhatCalamineChecksReadsTheSameHere) {
  auto text_at = [](const std::string& file, const std::string& sheet, std::uint32_t row, std::uint32_t col) {
    const auto r = test::import_file(test::data_path("conformance/calamine/" + file));
    EXPECT_TRUE(r.status.ok()) << file << ": " << r.status.message();
    const sdk::Sheet* s = sheet.empty() ? (r.doc.sheets.empty() ? nullptr : &r.doc.sheets[0]) : sheet_named(r.doc, sheet);
    const sdk::Cell* c = s ? s->find(row, col) : nullptr;
    return c ? c->text : std::string("<no cell>");
  };
  // The last string of an SST whose next string starts a CONTINUE; an SST whose count is wrong.
  EXPECT_EQ(text_at("sst_continue.xls", "Sheet1", 136, 1), "New CONTINUE block");
  EXPECT_EQ(text_at("gh548_incorrect_sst_unique_count.xls", "System Level Data", 10, 3), "11th May 2023");
  // BIFF5: byte strings by the code page, RSTRING records.
  EXPECT_EQ(text_at("biff5_write.xls", "SheetJS", 2, 4), "sheetjs");
  EXPECT_EQ(text_at("biff5-rich-text-string.xls", "Sheet1", 1, 1),
            "ELECTORAL DIVISION OF SOMERSET EAST ; FIELD-CÓRNËTCY No. 5, ZWAGERSHÓÊN.");
  // An embedded chart's cached series stay out of the sheet that holds it.
  EXPECT_EQ(text_at("xls_cross_sheet_chart.xls", "Report", 1, 1), "HEADER TEXT A1");
  EXPECT_EQ(text_at("xls_cross_sheet_chart.xls", "Report", 6, 1), "LABEL A6");
  EXPECT_EQ(text_at("xls_cross_sheet_chart.xls", "Report", 6, 3), "VALUE C6");
  EXPECT_EQ(text_at("empty-string.xls", "Sheet1", 1, 1), "");
  // Formula results: 10, 20, 110, 65 down column A.
  const auto f = test::import_file(test::data_path("conformance/calamine/xls_formula.xls"));
  ASSERT_TRUE(f.status.ok()) << f.status.message();
  const double want[] = {10, 20, 110, 65};
  for (std::uint32_t row = 1; row <= 4; ++row) {
    ASSERT_NE(f.sheet().find(row, 1), nullptr) << row;
    EXPECT_EQ(f.sheet().find(row, 1)->number, want[row - 1]) << row;
  }
  const auto m = test::import_file(test::data_path("conformance/calamine/merge_cells.xls"));
  ASSERT_TRUE(m.status.ok()) << m.status.message();
  std::set<std::tuple<std::uint32_t, std::uint32_t, std::uint32_t, std::uint32_t>> got;
  for (const auto& r : m.sheet().merges) got.insert({r.first_row, r.first_column, r.last_row, r.last_column});
  const std::set<std::tuple<std::uint32_t, std::uint32_t, std::uint32_t, std::uint32_t>> merges{
      {1, 1, 1, 2}, {2, 1, 4, 1}, {2, 2, 4, 4}};
  EXPECT_EQ(got, merges);
}

namespace {
// The cell at (row, column) of the first sheet of `r`: its type and text, or its number.
std::string cell_at(const test::Imported& r, std::uint32_t row, std::uint32_t column) {
  const sdk::Cell* c = r.sheet(0).find(row, column);
  if (c == nullptr) return "none";
  if (c->type == sdk::CellType::number) return "number " + std::to_string(static_cast<long long>(c->number));
  if (c->type == sdk::CellType::error) return "error [" + c->text + "]";
  return "type " + std::to_string(static_cast<int>(c->type)) + " [" + c->text + "]";
}

// `file` (under tests/data) with the bytes `from`, found once in it, made
// `to` (as long), then imported: a record changed where a program could
// have written it so.
test::Imported import_patched(const std::string& file, const std::string& from, const std::string& to) {
  std::string bytes = test::read_file(test::data_path(file));
  const std::size_t at = bytes.find(from);
  test::Imported none;
  none.status = sdk::Status{sdk::Code::invalid_input, "the bytes to change are not found once in " + file};
  if (from.size() != to.size() || at == std::string::npos || bytes.find(from, at + 1) != std::string::npos) return none;
  bytes.replace(at, from.size(), to);
  test::TempDir dir;
  test::write_file(dir.path() / "patched.xls", bytes);
  return test::import_file((dir.path() / "patched.xls").string());
}
}  // namespace

// Formulas as Apache POI's HSSF (and NPOI) write them
// (tests/data/office/make-files): a new formula holds 0 with flags 0x0002,
// which Excel never writes, until POI's evaluator calculates it. Such a 0 is
// a formula without value (an error without text): K3 (=100+62) and T3
// (=2+3), not calculated, O3 (=1-1), calculated to 0, and the note's AJ3;
// L3 (=10+2), calculated to 12, is read, and the figures beside them.
TEST(XlsFormulas, ANewFormulaPoiHoldsZeroIsAFormulaWithoutValue) {
  const auto r = test::import_file(test::data_path("office/poi.xls"));
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(cell_at(r, 3, 11), "error []");
  EXPECT_EQ(cell_at(r, 3, 20), "error []");
  EXPECT_EQ(cell_at(r, 3, 15), "error []");
  EXPECT_EQ(cell_at(r, 3, 36), "error []");
  EXPECT_EQ(cell_at(r, 3, 12), "number 12");
  EXPECT_EQ(cell_at(r, 3, 13), "number 51");
  EXPECT_EQ(cell_at(r, 2, 11), "number 105");
}

// The same workbook marked to be calculated when opened: its sheet by an
// UNCALCED record (as Excel in manual calculation saves a sheet it did not
// calculate), or the workbook by a RECALCID of engine 0. No formula value
// is read, L3's 12 neither, nor K4's text "214"; a text that is not a
// figure (the header M1) is kept.
TEST(XlsFormulas, ASheetOrWorkbookToBeCalculatedWhenOpenedHasNoFormulaValue) {
  for (const char* file : {"office/poi-sheet-recalc.xls", "office/poi-book-recalc.xls"}) {
    const auto r = test::import_file(test::data_path(file));
    ASSERT_TRUE(r.status.ok()) << file << ": " << r.status.message();
    for (const std::uint32_t column : {11u, 12u, 15u, 20u}) EXPECT_EQ(cell_at(r, 3, column), "error []") << file << " " << column;
    EXPECT_EQ(cell_at(r, 4, 11), "error []") << file;  // a text that reads as a figure
    EXPECT_EQ(cell_at(r, 3, 37), "error []") << file;  // a date (dd/mm/yyyy): no date either
    EXPECT_EQ(cell_at(r, 4, 37), "error []") << file;  // an empty text: it may stand for any value
    EXPECT_EQ(cell_at(r, 1, 13), "type 1 [Dang vien nu]") << file;  // a header is kept
    EXPECT_EQ(cell_at(r, 3, 13), "number 51") << file;
  }
  // The sheet after the one marked (its notes, =2+2) is calculated: read.
  const auto sheets = test::import_file(test::data_path("office/poi-sheet-recalc.xls"));
  ASSERT_EQ(sheets.doc.sheets.size(), 2u);
  const sdk::Cell* four = sheets.sheet(1).find(1, 2);
  ASSERT_NE(four, nullptr);
  EXPECT_EQ(four->type, sdk::CellType::number);
  EXPECT_EQ(four->number, 4);
}

// An Excel 5.0/95 workbook's formula flagged 0x0002 holding 0 is read: POI
// and NPOI write BIFF8 only, and OpenOffice's Excel 95 files flag every
// formula so, with the values it calculated. calamine's BIFF5 formula (D4
// of a SheetJS book, 1) made such a one here.
TEST(XlsFormulas, AnExcel95FormulaFlaggedAsPoiFlagsOneIsRead) {
  // FORMULA, 26 bytes: row 3, column 1, XF 0, the value 1.0, flags 0;
  // made the value 0.0 and the flags 0x0002.
  const auto r = import_patched(
      "conformance/calamine/issue_643_biff5_formula.xls",
      std::string("\x06\x00\x1a\x00\x03\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\xf0\x3f\x00\x00", 20),
      std::string("\x06\x00\x1a\x00\x03\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00", 20));
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  ASSERT_EQ(r.doc.property("biff"), "5");
  EXPECT_EQ(cell_at(r, 4, 2), "number 0");
}

// Excel's own zeros are read: calamine's optional_records.xls (saved by
// Excel, BOF build 0x15F2) holds 118 formulas, flags 0 or 0x0008 (shared),
// many of them 0. None is a formula without value.
TEST(XlsFormulas, ExcelsZerosAreRead) {
  const auto r = test::import_file(test::data_path("conformance/calamine/optional_records.xls"));
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(cell_at(r, 20, 13), "number 0");
  EXPECT_EQ(cell_at(r, 21, 13), "number 0");
  for (const auto& s : r.doc.sheets)
    for (const auto& c : s.cells)
      EXPECT_FALSE(c.type == sdk::CellType::error && c.text.empty()) << s.name << " " << c.row << "," << c.column;
}

// What LibreOffice writes is read as it is: the POI workbook opened,
// recalculated and saved as .xls by it, its figures' formulas (0 among
// them), and the POI workbook with the BOF LibreOffice writes (build
// 0x0DBB): LibreOffice before 7 flagged every formula 0x0002, with the
// values it calculated, 0 among them. But for its texts: LibreOffice 7.4,
// saving an .xls it opened as .xls, writes 0 for a formula whose result is
// a text (the header M1 and K4, ="214"; B10 of its own features.xls,
// ="Tổng: "&TEXT(…)&…): such a number is a formula without value.
TEST(XlsFormulas, LibreOfficesFormulasAreReadButTextsItWroteAsZero) {
  const auto saved = test::import_file(test::data_path("office/poi-libreoffice.xls"));
  ASSERT_TRUE(saved.status.ok()) << saved.status.message();
  EXPECT_EQ(cell_at(saved, 3, 11), "number 162");
  EXPECT_EQ(cell_at(saved, 3, 12), "number 12");
  EXPECT_EQ(cell_at(saved, 3, 15), "number 0");
  EXPECT_EQ(cell_at(saved, 3, 20), "number 5");
  EXPECT_EQ(cell_at(saved, 1, 13), "error []");
  EXPECT_EQ(cell_at(saved, 4, 11), "error []");
  EXPECT_EQ(cell_at(saved, 4, 37), "error []");  // ="", a text too
  const auto resaved = test::import_file(test::data_path("office/features-resaved.xls"));
  ASSERT_TRUE(resaved.status.ok()) << resaved.status.message();
  EXPECT_EQ(cell_at(resaved, 10, 2), "error []");
  EXPECT_EQ(cell_at(resaved, 9, 5), "number 2155");  // =SUM(E…): a figure
  const auto first = test::import_file(test::data_path("xls/features.xls"));
  ASSERT_TRUE(first.status.ok()) << first.status.message();
  EXPECT_EQ(cell_at(first, 10, 2), "type 1 [Tổng: 2155 đảng viên]");
  // Names joined by a formula filled down (one shared formula, each cell
  // pointing to it): read once saved, formulas without value saved again.
  const auto once = test::import_file(test::data_path("office/shared-text.xls"));
  const auto twice = test::import_file(test::data_path("office/shared-text-resaved.xls"));
  ASSERT_TRUE(once.status.ok() && twice.status.ok());
  for (std::uint32_t row = 1; row <= 6; ++row) {
    EXPECT_EQ(cell_at(once, row, 2), "type 1 [Chi bộ " + std::to_string(row * 10) + "]") << row;
    EXPECT_EQ(cell_at(twice, row, 2), "error []") << row;
    EXPECT_EQ(cell_at(twice, row, 3), "number " + std::to_string(row * 20)) << row;
    EXPECT_EQ(cell_at(once, row, 4), "type 1 [" + std::to_string(row * 10) + "]") << row;  // =TEXT(A1,"0")
    EXPECT_EQ(cell_at(twice, row, 4), "error []") << row;
  }
  // A shared formula's range over two columns (as Excel writes a block
  // filled right and down; LibreOffice writes one a column): its cells point
  // to its first cell. B's range made B:C here.
  const auto block = import_patched("office/shared-text-resaved.xls",  // SHRFMLA: rows 0-5, columns 1-1
                                    std::string("\xbc\x04\x21\x00\x00\x00\x05\x00\x01\x01", 10),
                                    std::string("\xbc\x04\x21\x00\x00\x00\x05\x00\x01\x02", 10));
  ASSERT_TRUE(block.status.ok()) << block.status.message();
  for (std::uint32_t row = 1; row <= 6; ++row) EXPECT_EQ(cell_at(block, row, 2), "error []") << row;
  // The workbook's BOF: POI's build 0x10D3 made LibreOffice's 0x0DBB.
  const auto r = import_patched("office/poi.xls", std::string("\x09\x08\x10\x00\x00\x06\x05\x00\xD3\x10\xCC\x07", 12),
                                std::string("\x09\x08\x10\x00\x00\x06\x05\x00\xBB\x0D\xCC\x07", 12));
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(cell_at(r, 3, 15), "number 0");
  EXPECT_EQ(cell_at(r, 3, 12), "number 12");
}
