// Every refusal an importer gives says what is true in Vietnamese, then " / ",
// then in English, with advice a district clerk can follow (issue 13, item 5).
// Broken files through the real plugins, chosen as the daemon chooses them.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "support/importing.hpp"
#include "support/process.hpp"
#include "support/zip_writer.hpp"

using namespace tonghop;

namespace {

// A letter only Vietnamese writes (precomposed, as UTF-8): the Vietnamese
// half must hold at least one.
bool has_vietnamese_letter(const std::string& s) {
  for (const char* letter : {"ệ", "ả", "ạ", "ờ", "ữ", "ố", "ộ", "ớ", "ợ", "ư", "ơ", "đ", "ă", "ấ", "ầ", "ể", "ỏ", "ị"})
    if (s.find(letter) != std::string::npos) return true;
  return false;
}

bool ascii(const std::string& s) {
  for (const char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

// The refusal is "Vietnamese / English": the Vietnamese first, with its
// advice; the English after, as the tests of each importer know it.
void expect_bilingual(const test::Imported& r, const std::string& plugin, sdk::Code code, const std::string& english,
                      const std::string& advice_vi) {
  SCOPED_TRACE(plugin);
  EXPECT_EQ(r.plugin, plugin);
  EXPECT_EQ(r.status.code(), code) << r.status.message();
  const std::string& m = r.status.message();
  const auto slash = m.find(" / ");
  ASSERT_NE(slash, std::string::npos) << m;
  const std::string vi = m.substr(0, slash), en = m.substr(slash + 3);
  EXPECT_TRUE(has_vietnamese_letter(vi)) << vi;
  EXPECT_NE(vi.find(advice_vi), std::string::npos) << vi;
  EXPECT_TRUE(ascii(en)) << en;
  EXPECT_NE(en.find(english), std::string::npos) << en;
}

// Sets the "encrypted" flag of every entry, local and central, as a
// password-protecting zip tool does.
std::string encrypt_flags(std::string zip) {
  for (std::size_t at = 0; (at = zip.find("PK\x03\x04", at)) != std::string::npos; at += 4) zip[at + 6] |= 1;
  for (std::size_t at = 0; (at = zip.find("PK\x01\x02", at)) != std::string::npos; at += 4) zip[at + 8] |= 1;
  return zip;
}

}  // namespace

TEST(Bilingual, NotAZipSaysSoInBothLanguages) {
  // A zip's first signature and nothing after it: too short to be a zip.
  const auto r = test::import_bytes(std::string("PK\x03\x04\0\0\0\0\0\0\0\0", 12), "bao-cao.xlsx");
  expect_bilingual(r, "import-xlsx", sdk::Code::invalid_input, "not a zip container", "lưu lại dạng .xlsx");
}

TEST(Bilingual, AnEncryptedEntryAsksForThePasswordToGo) {
  const auto r = test::import_bytes(encrypt_flags(test::minimal_xlsx("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>")),
                                    "bao-cao.xlsx");
  expect_bilingual(r, "import-xlsx", sdk::Code::unsupported,
                   "the workbook is encrypted; remove the password and resend it", "gỡ mật khẩu");
}

TEST(Bilingual, AMissingSharedStringIsDamage) {
  const auto r = test::import_bytes(test::minimal_xlsx("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>7</v></c></row>"),
                                    "bao-cao.xlsx");
  expect_bilingual(r, "import-xlsx", sdk::Code::invalid_input,
                   "a cell refers to shared string 7, which does not exist", "gửi lại");
}

TEST(Bilingual, BrokenXmlInAnOdsNamesThePartInBothLanguages) {
  test::ZipWriter z;
  z.add("mimetype", "application/vnd.oasis.opendocument.spreadsheet");
  z.add("content.xml", "<office:document-content><office:body><table:table table:name=Biểu>");
  const auto r = test::import_bytes(z.finish(), "bao-cao.ods");
  expect_bilingual(r, "import-ods", sdk::Code::invalid_input,
                   "the spreadsheet part 'content.xml' cannot be read: an attribute value is not quoted",
                   "dấu ngoặc kép");
}

TEST(Bilingual, ACsvFieldPastTheLimit) {
  auto limits = test::default_limits();
  limits.max_field_bytes = 100;
  const auto r = test::import_bytes("Tên,Số\nXã Bản Hon," + std::string(200, '9') + "\n", "bao-cao.csv", limits);
  expect_bilingual(r, "import-csv", sdk::Code::limit_exceeded, "a field is larger than the limit of 100 bytes",
                   "100 byte");
  EXPECT_EQ(r.status.where().row, 2u);
  EXPECT_EQ(r.status.where().column, 2u);
}

TEST(Bilingual, JsonTooDeep) {
  auto limits = test::default_limits();
  limits.max_depth = 10;
  const auto r = test::import_bytes(std::string(50, '[') + std::string(50, ']'), "bao-cao.json", limits);
  expect_bilingual(r, "import-json", sdk::Code::limit_exceeded, "the document nests deeper than the limit of 10 levels",
                   "10 tầng");
}

// A return past a limit is never told to be split into several files: a
// later file of the same district and period replaces the earlier one, so
// the halves of a split return would leave only the last half stored, a
// report wrong and looking right. The advice is to leave out what is not
// the return, or to ask the administrator; and not to split it.
TEST(Bilingual, AReturnPastALimitIsNeverToldToBeSplit) {
  const std::string csv = test::read_file(test::data_path("lai-chau/2018/phong-tho.csv"));
  const std::string xlsx = test::read_file(test::data_path("lai-chau/2018/than-uyen.xlsx"));
  const std::string ods = test::read_file(test::data_path("office/kinds.ods"));
  const std::string json = test::read_file(test::data_path("lai-chau/2018/tam-duong.json"));
  auto few_cells = test::default_limits();
  few_cells.max_cells = 20;
  auto small = test::default_limits();
  small.max_input_bytes = 100;
  const std::vector<std::pair<std::string, test::Imported>> refusals = {
      {"csv, cells", test::import_bytes(csv, "phong-tho.csv", few_cells)},
      {"xlsx, cells", test::import_bytes(xlsx, "than-uyen.xlsx", few_cells)},
      {"ods, cells", test::import_bytes(ods, "kinds.ods", few_cells)},
      {"csv, size", test::import_bytes(csv, "phong-tho.csv", small)},
      {"xlsx, size", test::import_bytes(xlsx, "than-uyen.xlsx", small)},
      {"json, size", test::import_bytes(json, "tam-duong.json", small)},
  };
  for (const auto& [what, r] : refusals) {
    SCOPED_TRACE(what);
    const std::string& m = r.status.message();
    EXPECT_EQ(r.status.code(), sdk::Code::limit_exceeded) << m;
    EXPECT_EQ(m.find("hãy chia"), std::string::npos) << m;
    EXPECT_NE(m.find("nhờ quản trị viên nâng giới hạn"), std::string::npos) << m;
    EXPECT_NE(m.find("đừng chia báo cáo thành nhiều tệp: tệp gửi sau sẽ thay tệp gửi trước"), std::string::npos) << m;
  }
}
