// Hostile input, made here: each is refused within the limits, and this
// process's peak memory stays under 256 MiB. (A binary of its own, so that
// the other tests' memory does not count.)
#include <gtest/gtest.h>

#include <optional>

#include "support/importing.hpp"
#include "support/process.hpp"
#include "support/zip_writer.hpp"

using namespace tonghop;

namespace {
constexpr std::size_t kMemoryBound = 256u << 20;

// A workbook whose one sheet inflates to `times` x 1 MiB, declaring `declared` bytes.
std::string zip_bomb(std::uint64_t times, std::optional<std::uint64_t> declared = std::nullopt) {
  // White space between the rows: as compressible as XML gets.
  const std::string chunk(1u << 20, ' ');
  const auto bomb = test::make_bomb(
      "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>", chunk, times,
      "</sheetData></worksheet>");
  test::ZipWriter z;
  z.add("[Content_Types].xml", "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>");
  z.add("xl/workbook.xml",
        "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
        "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>"
        "<sheet name=\"Biểu 01\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>");
  z.add("xl/_rels/workbook.xml.rels",
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
        "Target=\"worksheets/sheet1.xml\"/></Relationships>");
  z.add_raw("xl/worksheets/sheet1.xml", bomb.deflated, bomb.crc, declared.value_or(bomb.size));
  return z.finish();
}
}  // namespace

TEST(Hostile, AZipBombIsRefusedFromItsDirectory) {
  const std::string file = zip_bomb(2048);  // a sheet of 2 GiB in about 2 MB
  ASSERT_LT(file.size(), 3u << 20);
  const auto r = test::import_bytes(file, "bomb.xlsx");
  ASSERT_EQ(r.status.code(), sdk::Code::limit_exceeded) << r.status.message();
  EXPECT_NE(r.status.message().find("would inflate to 2 GiB"), std::string::npos) << r.status.message();
  EXPECT_LT(test::peak_rss(), kMemoryBound);
}

TEST(Hostile, AZipBombUnderTheSizeLimitIsRefusedByItsRatio) {
  const std::string file = zip_bomb(300);  // 300 MiB from about 300 KB
  const auto r = test::import_bytes(file, "bomb.xlsx");
  ASSERT_EQ(r.status.code(), sdk::Code::limit_exceeded) << r.status.message();
  EXPECT_NE(r.status.message().find("a zip bomb?"), std::string::npos) << r.status.message();
  EXPECT_LT(test::peak_rss(), kMemoryBound);
}

TEST(Hostile, AZipBombThatLiesAboutItsSizeIsStoppedWhileInflating) {
  const std::string file = zip_bomb(2048, 4096);  // declares 4 KiB, inflates to 2 GiB
  const auto r = test::import_bytes(file, "bomb.xlsx");
  ASSERT_EQ(r.status.code(), sdk::Code::invalid_input) << r.status.message();
  EXPECT_NE(r.status.message().find("forged"), std::string::npos) << r.status.message();
  EXPECT_LT(test::peak_rss(), kMemoryBound);
}

TEST(Hostile, EntityExpansionIsRefused) {
  const std::string laughs =
      "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
      "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
      "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>"
      "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><si><t>&lol3;</t></si></sst>";
  const auto r = test::import_bytes(test::minimal_xlsx("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>", laughs),
                                    "laughs.xlsx");
  ASSERT_EQ(r.status.code(), sdk::Code::invalid_input) << r.status.message();
  EXPECT_NE(r.status.message().find("DTD"), std::string::npos) << r.status.message();
  // An entity used without any declaration is refused too.
  const auto undeclared = test::import_bytes(
      test::minimal_xlsx("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&lol;</t></is></c></row>"), "x.xlsx");
  EXPECT_EQ(undeclared.status.code(), sdk::Code::invalid_input);
}

TEST(Hostile, ATruncatedWorkbookIsAClearError) {
  const std::string whole = test::read_file(test::data_path("lai-chau/2018/than-uyen.xlsx"));
  const auto r = test::import_bytes(whole.substr(0, whole.size() / 2), "than-uyen.xlsx");
  ASSERT_EQ(r.status.code(), sdk::Code::invalid_input) << r.status.message();
  EXPECT_NE(r.status.message().find("truncated"), std::string::npos) << r.status.message();
}

TEST(Hostile, DeepJsonNestingIsRefused) {
  const std::string deep(100'000, '[');
  const auto r = test::import_bytes(deep, "deep.json");
  ASSERT_EQ(r.status.code(), sdk::Code::limit_exceeded) << r.status.message();
  EXPECT_NE(r.status.message().find("deeper than the limit of 64"), std::string::npos) << r.status.message();
  EXPECT_LT(test::peak_rss(), kMemoryBound);
}

TEST(Hostile, AJsonDocumentOverTheSizeLimitIsRefused) {
  tonghop_limits limits = test::default_limits();
  limits.max_input_bytes = 1 << 20;
  std::string doc = "[";
  while (doc.size() < (2u << 20)) doc += "{\"ten\":\"Đảng bộ xã\",\"dang_vien\":{\"tong_so\":166}},";
  doc.back() = ']';
  const auto r = test::import_bytes(doc, "big.json", limits);
  ASSERT_EQ(r.status.code(), sdk::Code::limit_exceeded) << r.status.message();
  EXPECT_NE(r.status.message().find("larger than the limit"), std::string::npos);
}

TEST(Hostile, AHugeCsvFieldIsRefusedAtItsPlace) {
  std::string csv = "ten,so\nA,1\nB,\"";
  csv.append(20u << 20, 'x');
  csv += "\"\n";
  const auto r = test::import_bytes(csv, "huge.csv");
  ASSERT_EQ(r.status.code(), sdk::Code::limit_exceeded) << r.status.message();
  EXPECT_EQ(r.status.where().row, 3u);
  EXPECT_EQ(r.status.where().column, 2u);
  EXPECT_LT(test::peak_rss(), kMemoryBound);
}

TEST(Hostile, TooManyCellsAreStoppedByTheHost) {
  tonghop_limits limits = test::default_limits();
  limits.max_cells = 1000;
  std::string csv;
  for (int i = 0; i < 2000; ++i) csv += "a,b\n";
  const auto r = test::import_bytes(csv, "many.csv", limits);
  ASSERT_EQ(r.status.code(), sdk::Code::limit_exceeded) << r.status.message();
  EXPECT_EQ(r.status.where().row, 501u);
}
