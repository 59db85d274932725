// Headers and keys as people write them: English in any case, order or
// joining, Vietnamese abbreviations, all of it from config/indicators.toml.
#include <gtest/gtest.h>

#include <fstream>

#include "normalise/catalogue.hpp"
#include "normalise/lai_chau.hpp"
#include "normalise/normaliser.hpp"
#include "normalise/text.hpp"
#include "support/importing.hpp"
#include "support/process.hpp"

using namespace tonghop;
using namespace tonghop::normalise;

namespace {

const Catalogue& cat() { return test::lai_chau_catalogue(); }
const Registry& reg() { return test::lai_chau_registry(); }

std::string flat(const Catalogue& c, const std::string& h) {
  const Field* f = c.match_flat(fold(h));
  return f ? f->id : std::string("-");
}
std::string flat(const std::string& h) { return flat(cat(), h); }
std::string grouped(const std::string& g, const std::string& s) {
  const Field* f = cat().match(fold(g), fold(s));
  return f ? f->id : std::string("-");
}

std::string issues(const Normalised& n) {
  std::string s;
  for (const auto& e : n.errors) s += e.code + " " + e.field + " " + e.where.path + ": " + e.message + "\n";
  for (const auto& e : n.warnings) s += "warning " + e.code + " " + e.where.path + ": " + e.message + "\n";
  return s;
}

}  // namespace

TEST(Vocabulary, EnglishInAnyCaseOrderOrJoining) {
  for (const char* h : {"femaleMembers", "female_members", "Female members", "FEMALE MEMBERS", "members_female",
                        "MembersFemale", "female-members", "womenMembers", "female party members"})
    EXPECT_EQ(flat(h), "members_female") << h;
  for (const char* h : {"newMembers", "new_members", "New members", "admitted", "Admissions", "newlyAdmitted"})
    EXPECT_EQ(flat(h), "admitted") << h;
  for (const char* h : {"newFemaleMembers", "femaleNewMembers", "admittedFemale", "female_admissions"})
    EXPECT_EQ(flat(h), "admitted_female") << h;
  EXPECT_EQ(flat("name"), "org_name");
  EXPECT_EQ(flat("organisationName"), "org_name");
  EXPECT_EQ(flat("type"), "org_kind");
  EXPECT_EQ(flat("members"), "members_total");
  EXPECT_EQ(flat("totalMembers"), "members_total");
  EXPECT_EQ(flat("probationaryMembers"), "members_probationary");
  EXPECT_EQ(flat("members_probationary"), "members_probationary");
  EXPECT_EQ(flat("ethnicMinorityMembers"), "members_ethnic_minority");
  EXPECT_EQ(flat("members from ethnic minorities"), "-") << "an unknown word ('from') matches nothing";
  EXPECT_EQ(flat("religiousMembers"), "members_religious");
  EXPECT_EQ(flat("subordinateCells"), "cells_total");
  EXPECT_EQ(flat("rating"), "org_rating");
  EXPECT_EQ(flat("villagesWithoutCell"), "villages_without_cell");
  EXPECT_EQ(flat("excellentCells"), "cells_rated_excellent");
  EXPECT_EQ(flat("ratedMembers"), "members_rated");
}

TEST(Vocabulary, VietnameseAbbreviationsWithOrWithoutDiacritics) {
  for (const char* h : {"Số ĐV", "So DV", "số đv", "Tổng số ĐV", "Tổng ĐV"}) EXPECT_EQ(flat(h), "members_total") << h;
  for (const char* h : {"ĐV nữ", "DV nu", "Nữ ĐV", "Số ĐV nữ", "Đảng viên - Trong đó: Nữ"})
    EXPECT_EQ(flat(h), "members_female") << h;
  for (const char* h : {"KN nữ", "KN nu", "Số KN nữ"}) EXPECT_EQ(flat(h), "admitted_female") << h;
  for (const char* h : {"KN DTTS", "Kn dtts", "KN dân tộc thiểu số"}) EXPECT_EQ(flat(h), "admitted_ethnic_minority") << h;
  EXPECT_EQ(flat("KN TG"), "admitted_religious");
  EXPECT_EQ(flat("ĐV TG"), "members_religious");
  EXPECT_EQ(flat("Kết nạp mới"), "admitted");
  EXPECT_EQ(flat("Số KN"), "admitted");
  EXPECT_EQ(flat("Tên chi bộ, đảng bộ"), "org_name");
  EXPECT_EQ(flat("Tên đảng bộ, chi bộ"), "org_name");
  EXPECT_EQ(flat("Xếp loại TCCSĐ"), "org_rating");
  EXPECT_EQ(flat("Xếp loại tổ chức cơ sở đảng"), "org_rating");
  EXPECT_EQ(flat("Số CB trực thuộc"), "cells_total");
  EXPECT_EQ(flat("Chi bộ HTXSNV"), "cells_rated_excellent");
  EXPECT_EQ(flat("CB hoàn thành xuất sắc nhiệm vụ"), "cells_rated_excellent");
  EXPECT_EQ(flat("ĐV hoàn thành tốt nhiệm vụ"), "members_rated_good");
  EXPECT_EQ(flat("ĐV KHTNV"), "members_rated_not_completed");
  EXPECT_EQ(flat("CB thôn, bản, tổ dân phố"), "cells_village");
  EXPECT_EQ(grouped("ĐV", "Nữ"), "members_female");
  EXPECT_EQ(grouped("KN", "DTTS"), "admitted_ethnic_minority");
  EXPECT_EQ(grouped("Kết nạp ĐV", "Tổng"), "admitted");
  EXPECT_EQ(grouped("Xếp loại ĐV", "Hoàn thành xuất sắc nhiệm vụ"), "members_rated_excellent");
  EXPECT_EQ(grouped("Xếp loại chi bộ", "HTNV"), "cells_rated_completed");
  EXPECT_EQ(grouped("members", "female"), "members_female");
  EXPECT_EQ(grouped("newMembers", "ethnicMinority"), "admitted_ethnic_minority");
}

TEST(Vocabulary, NothingIsGuessedThatIsNotSaid) {
  // Words that name no one field stay unmatched: the normaliser names them.
  EXPECT_EQ(flat("Tổng số"), "-");
  EXPECT_EQ(flat("Tổng"), "-");
  EXPECT_EQ(flat("Nữ"), "-");
  EXPECT_EQ(flat("DTTS"), "-");
  EXPECT_EQ(flat("Số"), "-");
  EXPECT_EQ(flat("Trong đó"), "-");
  EXPECT_EQ(flat("Ghi chú"), "-");
  EXPECT_EQ(flat("ĐV nữ DTTS"), "-") << "women of ethnic minorities are no field of the catalogue";
  EXPECT_EQ(flat("female"), "-");
  EXPECT_EQ(flat("cells"), "-") << "cells alone may be their names";
  EXPECT_EQ(flat("Thôn chưa có chi bộ"), "villages_without_cell");
  EXPECT_EQ(flat("Thôn chưa có ĐV"), "villages_without_member");
}

TEST(Vocabulary, AProvinceAddsAWordWithoutRecompiling) {
  const auto dir = std::filesystem::temp_directory_path() / ("tonghop-vocab-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto file = dir / "indicators.toml";
  std::filesystem::copy_file(TONGHOP_SOURCE_DIR "/config/indicators.toml", file,
                             std::filesystem::copy_options::overwrite_existing);
  {
    // [words] is a table: a second [words] header would be invalid TOML, so the
    // province's word goes in with the table's dotted form.
    std::ofstream out(file, std::ios::app);
    out << "\n[words.extra]\n";
  }
  // A dotted sub-table is not a word: refused with the file and the key named.
  const auto refused = load_catalogue(file);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().find("[words] 'extra'"), std::string::npos) << refused.error();

  std::string text = test::read_file(TONGHOP_SOURCE_DIR "/config/indicators.toml");
  const auto at = text.find("[words]\n");
  ASSERT_NE(at, std::string::npos);
  text.insert(at + 8, "\"PN\" = \"nữ\"\n\"phụ nữ\" = \"nữ\"\n");
  {
    std::ofstream out(file, std::ios::trunc);
    out << text;
  }
  const auto c = load_catalogue(file);
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ(flat(*c, "ĐV PN"), "members_female");
  EXPECT_EQ(flat(*c, "Đảng viên phụ nữ"), "members_female");
  EXPECT_EQ(flat(cat(), "ĐV PN"), "-") << "the shipped catalogue does not know PN";
  std::filesystem::remove_all(dir);
}

// A JSON export from a newer system: English keys, numbers as strings.
// Every organisation is read with every figure; the sums are the file's.
TEST(Vocabulary, EnglishJsonExportWithNumbersAsStrings) {
  const std::string json = R"({
  "district": "Than Uyên",
  "period": "2018",
  "organisations": [
    {"name": "Đảng bộ xã Mường Kim", "type": "party_committee", "members": "312", "femaleMembers": "101",
     "ethnicMinorityMembers": "250", "newMembers": "12", "newFemaleMembers": "5", "probationaryMembers": "14",
     "subordinateCells": "18", "rating": "good"},
    {"name": "Chi bộ Trường THCS Mường Kim", "type": "party_cell", "members": "21", "femaleMembers": "13",
     "ethnicMinorityMembers": "9", "newMembers": "2", "newFemaleMembers": "1", "probationaryMembers": "2",
     "subordinateCells": "0", "rating": "excellent"},
    {"name": "Chi bộ Phòng Tài nguyên và Môi trường", "type": "party_cell", "members": "1,204",
     "femaleMembers": "400", "ethnicMinorityMembers": "3", "newMembers": "0", "newFemaleMembers": "0",
     "probationaryMembers": "0", "subordinateCells": "0", "rating": "completed"}
  ]
})";
  const auto imported = test::import_bytes(json, "than-uyen-export.json");
  ASSERT_TRUE(imported.status.ok()) << imported.status.message();
  Normaliser n(cat(), reg());
  const auto result = n.normalise(imported.doc, {"Than Uyên", "2018"});
  ASSERT_TRUE(result.accepted()) << issues(result);
  EXPECT_TRUE(result.warnings.empty()) << "every key is understood:\n" << issues(result);
  ASSERT_EQ(result.records.size(), 3u);
  const auto a = result.records[0], b = result.records[1], c = result.records[2];
  EXPECT_EQ(a.org_name, "Đảng bộ xã Mường Kim");
  EXPECT_EQ(a.org_kind, "party_committee");
  EXPECT_EQ(a.org_sector, "commune");
  EXPECT_EQ(a.org_rating, "good");
  EXPECT_EQ(a.counts.at("members_total"), 312);
  EXPECT_EQ(a.counts.at("members_female"), 101);
  EXPECT_EQ(a.counts.at("members_ethnic_minority"), 250);
  EXPECT_EQ(a.counts.at("admitted"), 12);
  EXPECT_EQ(a.counts.at("admitted_female"), 5);
  EXPECT_EQ(a.counts.at("members_probationary"), 14);
  EXPECT_EQ(a.counts.at("cells_total"), 18);
  EXPECT_EQ(b.org_name, "Chi bộ Trường THCS Mường Kim");
  EXPECT_EQ(b.org_kind, "party_cell");
  EXPECT_EQ(b.org_sector, "public_service");
  EXPECT_EQ(b.org_rating, "excellent");
  EXPECT_EQ(b.counts.at("members_total"), 21);
  EXPECT_EQ(b.counts.at("members_female"), 13);
  EXPECT_EQ(b.counts.at("members_ethnic_minority"), 9);
  EXPECT_EQ(b.counts.at("admitted"), 2);
  EXPECT_EQ(b.counts.at("admitted_female"), 1);
  EXPECT_EQ(b.counts.at("members_probationary"), 2);
  EXPECT_EQ(b.counts.at("cells_total"), 0);
  EXPECT_EQ(c.org_sector, "agency") << "'trường' of 'Môi trường' is no school";
  EXPECT_EQ(c.org_rating, "completed");
  EXPECT_EQ(c.counts.at("members_total"), 1204);
  EXPECT_EQ(c.counts.at("members_female"), 400);
  // The sums: 312 + 21 + 1204, 101 + 13 + 400, ...
  const auto& t = result.totals.counts;
  EXPECT_DOUBLE_EQ(t.at("members_total"), 1537);
  EXPECT_DOUBLE_EQ(t.at("members_female"), 514);
  EXPECT_DOUBLE_EQ(t.at("members_ethnic_minority"), 262);
  EXPECT_DOUBLE_EQ(t.at("admitted"), 14);
  EXPECT_DOUBLE_EQ(t.at("admitted_female"), 6);
  EXPECT_DOUBLE_EQ(t.at("members_probationary"), 16);
  EXPECT_DOUBLE_EQ(t.at("cells_total"), 18);
  EXPECT_EQ(t.count("members_religious"), 0u) << "a field the export does not carry is unknown, not 0";
  EXPECT_EQ(result.totals.records, 3u);
  EXPECT_EQ(result.totals.party_committees, 1u);
}

// A value that cannot be a count is refused at its key, once, not as a
// missing name per organisation.
TEST(Vocabulary, EnglishJsonWithABadValueNamesIt) {
  const std::string json = R"([
    {"name": "Đảng bộ xã Mường Kim", "members": "312", "femaleMembers": "12a"},
    {"name": "Đảng bộ xã Phúc Than", "members": "200", "femaleMembers": "80"}
  ])";
  const auto imported = test::import_bytes(json, "export.json");
  ASSERT_TRUE(imported.status.ok()) << imported.status.message();
  const auto result = Normaliser(cat(), reg()).normalise(imported.doc, {"Than Uyên", "2018"});
  ASSERT_EQ(result.errors.size(), 1u) << issues(result);
  EXPECT_EQ(result.errors[0].code, "not_a_number");
  EXPECT_EQ(result.errors[0].field, "members_female");
  EXPECT_EQ(result.errors[0].where.path, "/0/femaleMembers");
}
