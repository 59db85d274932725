// Office files as other programs write them: openpyxl's and LibreOffice's
// xlsx, LibreOffice's .ods (tests/data/office/make-files made them all), a
// part named in another case, parts in UTF-16; the SDK's one rule for
// booleans and dates; repeats, shared strings and text bounded by the limits.
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "normalise/catalogue.hpp"
#include "normalise/normaliser.hpp"
#include "report/indicators.hpp"
#include "support/importing.hpp"
#include "support/office_xml.hpp"
#include "support/process.hpp"
#include "support/zip_writer.hpp"

using namespace tonghop;
using test::content_xml;
using test::excel_xml_sheet;
using test::ods;

namespace {

// What make-files wrote into sheet "Kiểu" of kinds.xlsx, whichever program
// saved it since (LibreOffice computes a formula's value and saves it;
// openpyxl writes none, and its file is refused: OfficeFiles.OpenpyxlWorkbook).
void expect_kinds(const test::Imported& r) {
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  ASSERT_EQ(r.doc.sheets.size(), 2u);
  const auto& s = r.sheet();
  EXPECT_EQ(s.name, "Kiểu");
  EXPECT_EQ(r.sheet(1).name, "Trống");
  EXPECT_TRUE(r.sheet(1).cells.empty());
  EXPECT_EQ(r.text(1, 1), "Tên");
  ASSERT_NE(s.find(1, 2), nullptr);
  EXPECT_EQ(s.find(1, 2)->type, sdk::CellType::number);
  EXPECT_EQ(s.find(1, 2)->number, 154);
  EXPECT_EQ(s.find(1, 3)->number, 33.75);
  EXPECT_EQ(r.text(1, 3), "33.75");
  // Booleans: the SDK's rule.
  for (const auto& [column, value] : {std::pair{4u, true}, std::pair{5u, false}}) {
    const sdk::Cell* b = s.find(1, column);
    ASSERT_NE(b, nullptr) << column;
    EXPECT_EQ(b->type, sdk::CellType::boolean) << column;
    EXPECT_EQ(b->number, value ? 1 : 0);
    EXPECT_EQ(b->text, value ? "TRUE" : "FALSE");
  }
  // Dates: a serial of the 1900 system, a date format, ISO text.
  const sdk::Cell* day = s.find(1, 6);
  ASSERT_NE(day, nullptr);
  EXPECT_EQ(day->type, sdk::CellType::number);
  EXPECT_EQ(day->number, 45322) << "2024-01-31";
  EXPECT_EQ(day->text, "2024-01-31");
  EXPECT_TRUE(sdk::is_date_format(day->number_format)) << day->number_format;
  const sdk::Cell* moment = s.find(1, 7);
  ASSERT_NE(moment, nullptr);
  EXPECT_NEAR(moment->number, 45322 + 8.5 / 24, 1e-9);
  EXPECT_EQ(moment->text, "2024-01-31T08:30:00");
  EXPECT_TRUE(sdk::is_date_format(moment->number_format)) << moment->number_format;
  // "Đảng bộ xã" in TCVN3, in a .VnTime cell.
  EXPECT_EQ(r.text(1, 8), "\u00A7\u00B6ng b\u00E9 x\u00B7");
  EXPECT_EQ(s.find(1, 8)->font, ".VnTime");
  ASSERT_NE(s.find(1, 9), nullptr);
  EXPECT_EQ(s.find(1, 9)->number, 308) << "=B1*2, its value as saved";
  EXPECT_EQ(r.text(3, 1), "Gộp");
  ASSERT_EQ(s.merges.size(), 1u);
  EXPECT_EQ(s.merges[0].first_row, 3u);
  EXPECT_EQ(s.merges[0].first_column, 1u);
  EXPECT_EQ(s.merges[0].last_row, 4u);
  EXPECT_EQ(s.merges[0].last_column, 3u);
  for (std::uint32_t row : {6u, 7u, 8u}) {
    EXPECT_EQ(r.text(row, 1), "lặp") << row;
    EXPECT_EQ(s.find(row, 2)->number, 7) << row;
  }
  EXPECT_EQ(r.text(10, 1), "a & b < c");
  EXPECT_EQ(r.text(10, 2), "dòng 1\ndòng 2");
  EXPECT_EQ(s.cells.size(), 18u) << "nothing else, however far the sheet's rows repeat";
}

// Peak resident memory since the last reset (VmHWM after clear_refs 5).
void reset_peak() { std::ofstream("/proc/self/clear_refs") << "5"; }
std::size_t peak_kib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stoul(line.substr(6));
  return 0;
}
std::size_t rss_kib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stoul(line.substr(6));
  return 0;
}

const loader::Plugin& plugin(std::string_view name) {
  for (const auto& p : test::real_plugins().plugins)
    if (p.info.name == name) return p;
  throw std::runtime_error("no plugin " + std::string(name));
}

}  // namespace

// openpyxl saves no value for a formula (=B1*2 at I1): given as an error
// cell without text, where it was read as a blank (the host refuses it
// where a field reads it); every other cell as LibreOffice's copy has it.
TEST(OfficeFiles, OpenpyxlWorkbook) {
  const auto r = test::import_file(test::data_path("office/kinds.xlsx"));
  EXPECT_EQ(r.plugin, "import-xlsx");
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.sheet().name, "Kiểu");
  const sdk::Cell* formula = r.sheet().find(1, 9);
  ASSERT_NE(formula, nullptr);
  EXPECT_EQ(formula->type, sdk::CellType::error);
  EXPECT_EQ(formula->text, "");
}

TEST(OfficeFiles, LibreOfficeOds) {
  const auto r = test::import_file(test::data_path("office/kinds.ods"));
  EXPECT_EQ(r.plugin, "import-ods");
  expect_kinds(r);
}

TEST(OfficeFiles, LibreOfficeXlsx) {
  const auto r = test::import_file(test::data_path("office/kinds-libreoffice.xlsx"));
  EXPECT_EQ(r.plugin, "import-xlsx");
  expect_kinds(r);
}

TEST(OfficeFiles, APartNamedInAnotherCase) {
  // xl/WorkBook.xml, while the relationship says xl/workbook.xml.
  expect_kinds(test::import_file(test::data_path("office/workbook-case.xlsx")));
}

TEST(OfficeFiles, PartsInUtf16AndUtf8WithAMark) {
  expect_kinds(test::import_file(test::data_path("office/utf16-parts.xlsx")));
}

TEST(OfficeFiles, AnOdsIsNotCalledAnExcelWorkbook) {
  const auto bytes = test::read_file(test::data_path("office/kinds.ods"));
  // Even named .xlsx, the content decides.
  const auto r = test::import_bytes(bytes, "ban-sao.xlsx");
  EXPECT_EQ(r.plugin, "import-ods");
  EXPECT_TRUE(r.status.ok()) << r.status.message();
}

// The same return as .xlsx and as .ods (LibreOffice's conversion) gives the
// same cells, merges and fonts, and the same records.
TEST(OfficeFiles, TheSameReturnAsXlsxAndOdsGivesTheSameRecords) {
  const auto x = test::import_file(test::data_path("lai-chau/2018/than-uyen.xlsx"));
  const auto o = test::import_file(test::data_path("office/than-uyen.ods"));
  ASSERT_TRUE(x.status.ok()) << x.status.message();
  ASSERT_TRUE(o.status.ok()) << o.status.message();
  ASSERT_EQ(o.plugin, "import-ods");
  ASSERT_EQ(x.sheet().cells.size(), o.sheet().cells.size());
  for (const auto& c : x.sheet().cells) {
    const sdk::Cell* d = o.sheet().find(c.row, c.column);
    ASSERT_NE(d, nullptr) << c.row << "," << c.column;
    EXPECT_EQ(d->type, c.type) << c.row << "," << c.column;
    EXPECT_EQ(d->text, c.text) << c.row << "," << c.column;
    EXPECT_EQ(d->number, c.number) << c.row << "," << c.column;
    EXPECT_EQ(d->font, c.font) << c.row << "," << c.column;
  }
  auto key = [](const sdk::MergedRange& m) {
    return std::to_string(m.first_row) + ":" + std::to_string(m.first_column) + ":" + std::to_string(m.last_row) +
           ":" + std::to_string(m.last_column);
  };
  std::set<std::string> xm, om;
  for (const auto& m : x.sheet().merges) xm.insert(key(m));
  for (const auto& m : o.sheet().merges) om.insert(key(m));
  EXPECT_EQ(xm, om);

  const auto cat = normalise::load_catalogue(TONGHOP_SOURCE_DIR "/config/indicators.toml");
  const auto reg = normalise::load_registry(TONGHOP_SOURCE_DIR "/config/units/lai-chau.toml");
  ASSERT_TRUE(cat.ok() && reg.ok());
  normalise::Normaliser n(*cat, *reg);
  const auto from_xlsx = n.normalise(x.doc, {"Than Uyên", "2018"});
  const auto from_ods = n.normalise(o.doc, {"Than Uyên", "2018"});
  ASSERT_TRUE(from_xlsx.accepted());
  ASSERT_TRUE(from_ods.accepted());
  ASSERT_EQ(from_xlsx.records.size(), 45u);
  ASSERT_EQ(from_ods.records.size(), from_xlsx.records.size());
  for (std::size_t i = 0; i < from_xlsx.records.size(); ++i) {
    const auto a = from_xlsx.records[i], b = from_ods.records[i];
    EXPECT_EQ(a.org_name, b.org_name) << i;
    EXPECT_EQ(a.org_kind, b.org_kind) << i;
    EXPECT_EQ(a.counts, b.counts) << i;
  }
  EXPECT_EQ(from_ods.records.front().counts.at("members_total"), 154);
}

TEST(OdsReading, RepeatsSpansStylesAndParagraphs) {
  const std::string styles =
      "<style:style style:name=\"vn\" style:family=\"table-cell\"><style:text-properties "
      "style:font-name=\".VnTimeH\"/></style:style>"
      "<style:style style:name=\"child\" style:family=\"table-cell\" style:parent-style-name=\"vn\"/>";
  const std::string rows =
      "<table:table-column table:number-columns-repeated=\"2\"/>"
      "<table:table-column table:default-cell-style-name=\"vn\"/>"
      "<table:table-row table:number-rows-repeated=\"2\">"
      "<table:table-cell table:number-columns-repeated=\"2\" office:value-type=\"float\" office:value=\"5\">"
      "<text:p>5,00</text:p></table:table-cell>"
      "<table:table-cell office:value-type=\"string\"><text:p>a<text:s text:c=\"3\"/>b</text:p>"
      "<office:annotation><text:p>ghi chú</text:p></office:annotation></table:table-cell></table:table-row>"
      "<table:table-row table:number-rows-repeated=\"1000000000\"><table:table-cell "
      "table:number-columns-repeated=\"16384\"/></table:table-row>"
      "<table:table-row><table:table-cell table:style-name=\"child\" table:number-columns-spanned=\"2\" "
      "table:number-rows-spanned=\"3\" office:value-type=\"percentage\" office:value=\"0.25\"><text:p>25%</text:p>"
      "</table:table-cell><table:covered-table-cell/><table:table-cell office:value-type=\"boolean\" "
      "office:boolean-value=\"true\"/><table:table-cell office:value-type=\"time\" "
      "office:time-value=\"PT12H30M00S\"/></table:table-row>";
  const auto r = test::import_bytes(ods(content_xml(rows, styles)), "t.ods");
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  const auto& s = r.sheet();
  EXPECT_EQ(s.name, "T");
  for (std::uint32_t row : {1u, 2u})
    for (std::uint32_t column : {1u, 2u}) {
      ASSERT_NE(s.find(row, column), nullptr);
      EXPECT_EQ(s.find(row, column)->number, 5);
      EXPECT_EQ(s.find(row, column)->text, "5") << "the value, not the shown text";
    }
  EXPECT_EQ(r.text(1, 3), "a   b") << "text:s is spaces; an annotation is not the cell's text";
  EXPECT_EQ(s.find(1, 3)->font, ".VnTimeH") << "the column's default style";
  const std::uint32_t last = 2 + 1'000'000'000 + 1;
  const sdk::Cell* pct = s.find(last, 1);
  ASSERT_NE(pct, nullptr);
  EXPECT_EQ(pct->number, 0.25);
  EXPECT_EQ(pct->font, ".VnTimeH") << "through the parent style";
  ASSERT_EQ(s.merges.size(), 1u);
  EXPECT_EQ(s.merges[0].first_row, last);
  EXPECT_EQ(s.merges[0].last_row, last + 2);
  EXPECT_EQ(s.merges[0].last_column, 2u);
  EXPECT_EQ(s.find(last, 3)->type, sdk::CellType::boolean);
  EXPECT_EQ(s.find(last, 3)->text, "TRUE");
  EXPECT_NEAR(s.find(last, 4)->number, 0.5 + 0.5 / 24, 1e-12);
  EXPECT_EQ(s.find(last, 4)->text, "12:30:00");
  EXPECT_EQ(s.cells.size(), 9u) << "2 rows of 3, and 3";
}

// A formula with no value type (a program that does not calculate wrote
// it): an error cell without text, never a blank; a formula's error as
// LibreOffice saves it ("#DIV/0!"), an error cell with its text.
TEST(OdsReading, AFormulaWithoutItsValueIsAnErrorCellWithoutText) {
  const std::string rows =
      "<table:table-row><table:table-cell table:formula=\"of:=[.B1]*2\"/>"
      "<table:table-cell office:value-type=\"float\" office:value=\"3\"/>"
      "<table:table-cell table:formula=\"of:=1/0\" office:value-type=\"string\" office:string-value=\"\" "
      "calcext:value-type=\"error\"><text:p>#DIV/0!</text:p></table:table-cell>"
      "<table:table-cell table:formula=\"of:=NA()\" office:value-type=\"string\" office:string-value=\"\" "
      "calcext:value-type=\"error\"/></table:table-row>";
  const auto r = test::import_bytes(ods(content_xml(rows)), "t.ods");
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  const sdk::Cell* none = r.sheet().find(1, 1);
  ASSERT_NE(none, nullptr) << "not left out as a blank";
  EXPECT_EQ(none->type, sdk::CellType::error);
  EXPECT_EQ(none->text, "");
  EXPECT_EQ(r.sheet().find(1, 2)->number, 3);
  ASSERT_NE(r.sheet().find(1, 3), nullptr);
  EXPECT_EQ(r.sheet().find(1, 3)->type, sdk::CellType::error);
  EXPECT_EQ(r.sheet().find(1, 3)->text, "#DIV/0!");
  ASSERT_NE(r.sheet().find(1, 4), nullptr) << "an error without its paragraph is not a blank";
  EXPECT_EQ(r.sheet().find(1, 4)->type, sdk::CellType::error);
}

// Columns LibreOffice does not show: hidden ("collapse") or filtered out
// ("filter", as LibreOffice writes a column a filter hides), said with
// their range, counted through repeats and column groups.
TEST(OdsReading, HiddenAndFilteredColumnsAreSaidWithTheirRange) {
  const std::string rows =
      "<table:table-column table:number-columns-repeated=\"2\"/>"
      "<table:table-column table:visibility=\"collapse\"/>"
      "<table:table-column-group><table:table-column table:visibility=\"filter\" "
      "table:number-columns-repeated=\"3\"/></table:table-column-group>"
      "<table:table-column table:visibility=\"visible\"/>"
      "<table:table-row><table:table-cell office:value-type=\"float\" office:value=\"1\"/></table:table-row>";
  const auto r = test::import_bytes(ods(content_xml(rows)), "t.ods");
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.properties("hidden_column"), (std::vector<std::string>{"3-3", "4-6"}));
}

// LibreOffice saves a formula's error with an empty string-value and the
// error as its paragraph: it was read as an empty cell (a blank figure,
// a missing name), now as the error it shows. make-files makes the file.
TEST(OfficeFiles, LibreOfficeOdsWithFormulaErrors) {
  const auto r = test::import_file(test::data_path("office/formula-errors.ods"));
  EXPECT_EQ(r.plugin, "import-ods");
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  const auto& s = r.sheet();
  EXPECT_EQ(s.find(1, 1)->number, 5);
  ASSERT_NE(s.find(1, 2), nullptr);
  EXPECT_EQ(s.find(1, 2)->type, sdk::CellType::error);
  EXPECT_EQ(s.find(1, 2)->text, "#DIV/0!");
  EXPECT_EQ(s.find(1, 3)->number, 10);
  ASSERT_NE(s.find(1, 4), nullptr);
  EXPECT_EQ(s.find(1, 4)->type, sdk::CellType::error);
  EXPECT_EQ(s.find(1, 4)->text, "#N/A");
}

TEST(OdsReading, HostileRepeatsAreRefusedAgainstMaxCellsBeforeAnyCopy) {
  auto limits = test::default_limits();
  limits.max_cells = 1'000'000;
  const auto wide = test::import_bytes(
      ods(content_xml("<table:table-row><table:table-cell table:number-columns-repeated=\"1000000000\" "
                      "office:value-type=\"float\" office:value=\"1\"/></table:table-row>")),
      "w.ods", limits);
  EXPECT_EQ(wide.status.code(), sdk::Code::limit_exceeded);
  EXPECT_NE(wide.status.message().find("max_cells"), std::string::npos) << wide.status.message();
  EXPECT_TRUE(wide.doc.sheets.at(0).cells.empty()) << "refused before the first copy";
  const auto tall = test::import_bytes(
      ods(content_xml("<table:table-row table:number-rows-repeated=\"99999999999\"><table:table-cell "
                      "office:value-type=\"string\"><text:p>x</text:p></table:table-cell></table:table-row>")),
      "t.ods", limits);
  EXPECT_EQ(tall.status.code(), sdk::Code::limit_exceeded) << tall.status.message();
  const auto bad = test::import_bytes(
      ods(content_xml("<table:table-row table:number-rows-repeated=\"lots\"/>")), "b.ods", limits);
  EXPECT_EQ(bad.status.code(), sdk::Code::invalid_input) << bad.status.message();
}

TEST(OdsReading, AnEncryptedOdsIsRefusedWithAdvice) {
  test::ZipWriter z;
  z.add("mimetype", "application/vnd.oasis.opendocument.spreadsheet");
  z.add("META-INF/manifest.xml",
        "<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\">"
        "<manifest:file-entry manifest:full-path=\"content.xml\"><manifest:encryption-data/></manifest:file-entry>"
        "</manifest:manifest>");
  z.add("content.xml", "garbage");
  const auto r = test::import_bytes(z.finish(), "p.ods");
  EXPECT_EQ(r.status.code(), sdk::Code::unsupported);
  EXPECT_NE(r.status.message().find("password"), std::string::npos) << r.status.message();
}

// Apache POI's poc-shared-strings.xlsx: one string of about 1 MB used by
// 12,000 cells (12 GB if each cell had its copy). The string is kept once,
// and the text the cells add up to is refused by limits.max_text, early.
TEST(XlsxLimits, OneSharedStringInManyCellsIsBoundedByMaxText) {
  const std::string big(1'000'000, 'x');
  std::string data = "<row r=\"1\">";
  for (int i = 1; i <= 12'000; ++i) data += "<c t=\"s\"><v>0</v></c>";
  data += "</row>";
  const std::string file = test::minimal_xlsx(data, "<sst><si><t>" + big + "</t></si></sst>");
  EXPECT_LT(file.size(), 200'000u) << "small on disk";
  auto limits = test::default_limits();
  limits.max_text_bytes = 32u << 20;
  test::CountingSink sink;
  const auto& xlsx = plugin("import-xlsx");
  reset_peak();
  const std::size_t before = rss_kib();
  const auto status = xlsx.importer->read({"poc.xlsx", sdk::Bytes(reinterpret_cast<const unsigned char*>(file.data()),
                                                                  file.size())},
                                          limits, sink);
  const std::size_t grew = peak_kib() - before;
  EXPECT_EQ(status.code(), sdk::Code::limit_exceeded);
  EXPECT_NE(status.message().find("max_text"), std::string::npos) << status.message();
  EXPECT_LE(sink.cells, 33u) << "refused as the limit passed, not at the end";
  EXPECT_LT(grew, 64u * 1024) << "KiB at peak";
  // And through the host's ingest path.
  const auto r = test::import_bytes(file, "poc.xlsx", limits);
  EXPECT_EQ(r.status.code(), sdk::Code::limit_exceeded);
}

TEST(XlsxLimits, SharedStringsCountAgainstMaxCells) {
  std::string sst = "<sst>";
  for (int i = 0; i < 2000; ++i) sst += "<si><t>s" + std::to_string(i) + "</t></si>";
  sst += "</sst>";
  auto limits = test::default_limits();
  limits.max_cells = 1000;
  const auto r = test::import_bytes(test::minimal_xlsx("<row r=\"1\"><c t=\"s\"><v>0</v></c></row>", sst), "s.xlsx",
                                    limits);
  EXPECT_EQ(r.status.code(), sdk::Code::limit_exceeded);
  EXPECT_NE(r.status.message().find("shared strings"), std::string::npos) << r.status.message();
}

// 200,000 <sheet> entries whose part is missing: each is found missing in
// constant time (a linear search of the entries made this quadratic).
TEST(XlsxLimits, ManySheetsPointingAtAMissingPart) {
  std::string sheets;
  for (int i = 1; i <= 200'000; ++i)
    sheets += "<sheet name=\"S" + std::to_string(i) + "\" sheetId=\"" + std::to_string(i) + "\" r:id=\"rId999\"/>";
  test::ZipWriter z;
  z.add("[Content_Types].xml", "<Types/>");
  z.add("xl/workbook.xml",
        "<workbook xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>" + sheets +
            "</sheets></workbook>");
  z.add("xl/_rels/workbook.xml.rels",
        "<Relationships><Relationship Id=\"rId999\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
        "relationships/worksheet\" Target=\"worksheets/missing.xml\"/></Relationships>");
  for (int i = 0; i < 2000; ++i) z.add("xl/media/image" + std::to_string(i) + ".png", "x");
  const std::string file = z.finish();
  auto limits = test::default_limits();
  limits.max_ratio = 0;
  test::CountingSink sink;
  const auto status = plugin("import-xlsx").importer->read(
      {"many.xlsx", sdk::Bytes(reinterpret_cast<const unsigned char*>(file.data()), file.size())}, limits, sink);
  EXPECT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(sink.sheets, 200'000u);
  limits.max_cells = 1000;
  const auto refused = plugin("import-xlsx").importer->read(
      {"many.xlsx", sdk::Bytes(reinterpret_cast<const unsigned char*>(file.data()), file.size())}, limits, sink);
  EXPECT_EQ(refused.code(), sdk::Code::limit_exceeded) << "sheets count against max_cells";
}

// One CSV row of 4,000,000 cells costs the importer what 4,000,000 cells in
// many rows cost: nothing per cell (the cells stream to the sink).
TEST(CsvLimits, AWideRowCostsNoMemoryPerCell) {
  std::string wide;
  wide.reserve(8'000'000);
  for (int i = 0; i < 4'000'000; ++i) wide += i == 0 ? "1" : ",1";
  wide += "\n";
  test::CountingSink sink;
  reset_peak();
  const std::size_t before = rss_kib();
  const auto status = plugin("import-csv").importer->read(
      {"wide.csv", sdk::Bytes(reinterpret_cast<const unsigned char*>(wide.data()), wide.size())},
      test::default_limits(), sink);
  const std::size_t grew = peak_kib() - before;
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(sink.cells, 4'000'000u);
  EXPECT_EQ(sink.last_column, 4'000'000u);
  EXPECT_LT(grew, 16u * 1024) << "KiB at peak for 4,000,000 cells";
}

TEST(CsvEncodings, Utf32WithAByteOrderMark) {
  const std::u32string text = U"Tên,Số\nĐảng bộ,5\n";
  for (const bool le : {true, false}) {
    std::string bytes = le ? std::string("\xFF\xFE\0\0", 4) : std::string("\0\0\xFE\xFF", 4);
    for (const char32_t c : text)
      for (int k = 0; k < 4; ++k) bytes += static_cast<char>((c >> (8 * (le ? k : 3 - k))) & 0xFF);
    const auto r = test::import_bytes(bytes, "u.csv");
    ASSERT_TRUE(r.status.ok()) << r.status.message();
    EXPECT_EQ(r.plugin, "import-csv");
    EXPECT_EQ(r.doc.property("encoding"), le ? "utf-32le" : "utf-32be");
    EXPECT_EQ(r.text(1, 2), "Số");
    EXPECT_EQ(r.text(2, 1), "Đảng bộ");
    EXPECT_EQ(r.text(2, 2), "5");
  }
}

TEST(SdkRule, DateFormatsSerialsAndIsoText) {
  for (const char* f : {"dd/mm/yyyy", "mm-dd-yy", "h:mm", "[h]:mm:ss", "[$-42A]d mmmm yyyy", "yyyy-mm-dd hh:mm:ss"})
    EXPECT_TRUE(sdk::is_date_format(f)) << f;
  for (const char* f : {"", "General", "#,##0", "0.00%", "@", "\"ngày\" 0", "[Red]#,##0", "0.00E+00"})
    EXPECT_FALSE(sdk::is_date_format(f)) << f;
  EXPECT_EQ(sdk::date_serial(2024, 1, 31), 45322);
  EXPECT_EQ(sdk::date_serial(1900, 3, 1), 61);
  EXPECT_EQ(sdk::iso_of_serial(45322), "2024-01-31");
  EXPECT_EQ(sdk::iso_of_serial(45322.75), "2024-01-31T18:00:00");
  EXPECT_EQ(sdk::iso_of_serial(0.5, true), "12:00:00");
  EXPECT_EQ(sdk::iso_of_serial(1e12), "");
  double serial = 0;
  ASSERT_TRUE(sdk::parse_iso_date("2018-12-31T06:00:00", serial));
  EXPECT_EQ(serial, sdk::date_serial(2018, 12, 31) + 0.25);
  EXPECT_FALSE(sdk::parse_iso_date("31/12/2018", serial));
  EXPECT_EQ(sdk::boolean_text(true), "TRUE");
}

// Excel 2003 XML (SpreadsheetML), as Excel 2003 saves "XML Spreadsheet".
TEST(SpreadsheetMl, CellsIndexesMergesStylesAndTheSdkRule) {
  const std::string xml =
      "<?xml version=\"1.0\"?>\n<?mso-application progid=\"Excel.Sheet\"?>\n"
      "<Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\" "
      "xmlns:ss=\"urn:schemas-microsoft-com:office:spreadsheet\"><Styles>"
      "<Style ss:ID=\"Default\" ss:Name=\"Normal\"><Font ss:FontName=\"Times New Roman\"/></Style>"
      "<Style ss:ID=\"vn\"><Font ss:FontName=\".VnTime\"/></Style>"
      "<Style ss:ID=\"d\"><NumberFormat ss:Format=\"Short Date\"/></Style></Styles>"
      "<Worksheet ss:Name=\"Biểu 01\"><Table>"
      "<Row><Cell ss:MergeAcross=\"1\" ss:StyleID=\"vn\"><Data ss:Type=\"String\">\u00A7\u00B6ng</Data></Cell>"
      "<Cell><Data ss:Type=\"Number\">154</Data></Cell></Row>"
      "<Row ss:Index=\"3\"><Cell ss:Index=\"2\"><Data ss:Type=\"Boolean\">1</Data><Comment><Data>ghi chú</Data>"
      "</Comment></Cell><Cell ss:StyleID=\"d\"><Data ss:Type=\"DateTime\">2024-01-31T00:00:00.000</Data></Cell>"
      "<Cell><ss:Data ss:Type=\"String\" xmlns=\"http://www.w3.org/TR/REC-html40\"><B>Tổng</B> số</ss:Data></Cell>"
      "</Row></Table></Worksheet></Workbook>";
  const auto r = test::import_bytes(xml, "bieu.xml");
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.plugin, "import-ods");
  const auto& s = r.sheet();
  EXPECT_EQ(s.name, "Biểu 01");
  EXPECT_EQ(r.text(1, 1), "\u00A7\u00B6ng");
  EXPECT_EQ(s.find(1, 1)->font, ".VnTime");
  EXPECT_EQ(s.find(1, 3)->number, 154) << "after the two merged columns";
  EXPECT_EQ(s.find(1, 3)->font, "Times New Roman") << "the Default style";
  ASSERT_EQ(s.merges.size(), 1u);
  EXPECT_EQ(s.merges[0].last_column, 2u);
  EXPECT_EQ(s.find(3, 2)->type, sdk::CellType::boolean);
  EXPECT_EQ(s.find(3, 2)->text, "TRUE") << "a comment is not the cell's text";
  EXPECT_EQ(s.find(3, 3)->number, 45322);
  EXPECT_EQ(s.find(3, 3)->text, "2024-01-31");
  EXPECT_TRUE(sdk::is_date_format(s.find(3, 3)->number_format));
  EXPECT_EQ(r.text(3, 4), "Tổng số") << "rich text runs joined";
  EXPECT_EQ(s.cells.size(), 5u);
}

// An Excel 2003 XML workbook of one sheet "T" holding `rows`.
// <Row ss:Hidden="1">: the row's number said (hidden_row) before its cells.
TEST(SpreadsheetMl, AHiddenRowIsSaidBeforeItsCells) {
  const std::string xml = excel_xml_sheet(
      "<Row><Cell><Data ss:Type=\"Number\">1</Data></Cell></Row>"
      "<Row ss:Hidden=\"1\"><Cell><Data ss:Type=\"Number\">2</Data></Cell></Row>"
      "<Row><Cell><Data ss:Type=\"Number\">3</Data></Cell></Row>");
  const auto r = test::import_bytes(xml, "t.xml");
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.properties("hidden_row"), std::vector<std::string>{"2"});
  EXPECT_EQ(r.sheet().find(2, 1)->number, 2) << "read all the same";
}

// Hidden <Column> elements: said with their range (ss:Index, ss:Span; a
// column without an index follows the one before).
TEST(SpreadsheetMl, HiddenColumnsAreSaidWithTheirRange) {
  const std::string xml = excel_xml_sheet(
      "<Column ss:Hidden=\"1\"/><Column ss:Width=\"20\"/><Column ss:Index=\"4\" ss:Span=\"2\" ss:Hidden=\"1\"/>"
      "<Column ss:Hidden=\"1\"/><Column ss:Hidden=\"0\"/>"
      "<Row><Cell><Data ss:Type=\"Number\">1</Data></Cell><Cell ss:Index=\"5\"><Data ss:Type=\"Number\">5</Data>"
      "</Cell></Row>");
  const auto r = test::import_bytes(xml, "t.xml");
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.properties("hidden_column"), (std::vector<std::string>{"1-1", "4-6", "7-7"}));
  EXPECT_EQ(r.sheet().find(1, 5)->number, 5) << "read all the same";
}

// A formula with no <Data> (its value not in the file): an error cell
// without text, never a blank; one with its value read as before.
TEST(SpreadsheetMl, AFormulaWithoutItsDataIsAnErrorCellWithoutText) {
  const std::string xml = excel_xml_sheet(
      "<Row><Cell ss:Formula=\"=R1C2*2\"/><Cell><Data ss:Type=\"Number\">3</Data></Cell>"
      "<Cell ss:Formula=\"=RC[-1]+1\"><Data ss:Type=\"Number\">4</Data></Cell></Row>");
  const auto r = test::import_bytes(xml, "t.xml");
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  const auto& s = r.sheet();
  ASSERT_NE(s.find(1, 1), nullptr) << "not left out as a blank";
  EXPECT_EQ(s.find(1, 1)->type, sdk::CellType::error);
  EXPECT_EQ(s.find(1, 1)->text, "");
  EXPECT_EQ(s.find(1, 2)->number, 3);
  EXPECT_EQ(s.find(1, 3)->number, 4);
  EXPECT_EQ(s.cells.size(), 3u);
}

TEST(CsvLimits, TheTextOfAFileIsBoundedByMaxText) {
  std::string csv;
  for (int i = 0; i < 200; ++i) csv += "Chi bộ " + std::to_string(i) + ",12\n";
  auto limits = test::default_limits();
  limits.max_text_bytes = 1000;
  const auto r = test::import_bytes(csv, "t.csv", limits);
  EXPECT_EQ(r.status.code(), sdk::Code::limit_exceeded);
  EXPECT_NE(r.status.message().find("max_text"), std::string::npos) << r.status.message();
  EXPECT_GT(r.status.where().row, 50u) << "at the field that passed it";
  limits.max_text_bytes = 10'000;
  EXPECT_TRUE(test::import_bytes(csv, "t.csv", limits).status.ok());
}
