// One organisation written twice in a return would be counted twice: a row
// copied, a table pasted twice, a corrected row pasted below the old one.
// Organisations are the same when their folded names are (as the comparison
// with the previous period matches them). The same figures again refuse the
// return, naming both places; other figures under the same name are a
// warning naming both, and both are counted. Real files through the real
// importers: CSV and JSON bytes, an xlsx written by openpyxl.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "normalise/lai_chau.hpp"
#include "normalise/names.hpp"
#include "normalise/normaliser.hpp"
#include "normalise/text.hpp"
#include "normalise/workbook.hpp"
#include "support/importing.hpp"

using namespace tonghop;
using namespace tonghop::normalise;
namespace json = boost::json;

namespace {

Normalised read_bytes(const std::string& bytes, const std::string& filename) {
  const auto imported = test::import_bytes(bytes, filename);
  EXPECT_TRUE(imported.status.ok()) << filename << ": " << imported.status.message();
  return test::lai_chau_normaliser().normalise(imported.doc, {"Than Uyên", "2018"});
}

std::string warnings_of(const Normalised& n) {
  std::string s;
  for (const auto& w : n.warnings) s += w.code + ": " + w.message + "\n";
  return s;
}

const std::string kHead = "Tên TCCSĐ;Loại hình;Tổng số ĐV;ĐV nữ\n";

}  // namespace

TEST(Duplicates, TheSameOrganisationWithTheSameFiguresTwiceIsRefusedNamingBothRows) {
  // Line 4 is line 2 again, its name written without diacritics.
  const auto n = read_bytes(kHead +
                                "Đảng bộ xã Khoen On;ĐB;75;20\n"
                                "Chi bộ Trạm y tế;CB;10;6\n"
                                "Dang bo xa Khoen On;ĐB;75;20\n",
                            "chep.csv");
  ASSERT_EQ(n.errors.size(), 1u) << test::errors_of(n);
  const Issue& e = n.errors[0];
  EXPECT_EQ(e.code, "duplicate_org");
  EXPECT_EQ(e.field, "org_name");
  EXPECT_EQ(e.where.row, 4u);
  EXPECT_EQ(e.where.column, 1u);
  EXPECT_EQ(e.value, "Dang bo xa Khoen On");
  EXPECT_NE(e.message.find("«Dang bo xa Khoen On» ở "), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("A4 trùng hoàn toàn với "), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("A2 (cùng tên, cùng mọi số liệu)"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("would be counted twice"), std::string::npos) << e.message;
}

TEST(Duplicates, TheSameNameWithOtherFiguresIsCountedTwiceAndSaidSo) {
  const auto n = read_bytes(kHead +
                                "Đảng bộ xã Khoen On;ĐB;75;20\n"
                                "Chi bộ Trạm y tế;CB;10;6\n"
                                "Đảng bộ xã Khoen On;ĐB;78;21\n",
                            "ban-cu.csv");
  ASSERT_TRUE(n.accepted()) << test::errors_of(n);
  EXPECT_EQ(n.records.size(), 3u);
  EXPECT_EQ(n.totals.counts.at("members_total"), 163);
  ASSERT_EQ(n.warnings.size(), 1u) << warnings_of(n);
  const Issue& w = n.warnings[0];
  EXPECT_EQ(w.code, "repeated_name");
  EXPECT_EQ(w.where.row, 4u);
  EXPECT_NE(w.message.find("A4 cùng tên với "), std::string::npos) << w.message;
  EXPECT_NE(w.message.find("A2 nhưng khác số liệu"), std::string::npos) << w.message;

  // A blank where the first has a figure is another figure, not the same row.
  const auto blank = read_bytes(kHead + "Đảng bộ xã Khoen On;ĐB;75;20\nĐảng bộ xã Khoen On;ĐB;75;\n", "trong.csv");
  ASSERT_TRUE(blank.accepted()) << test::errors_of(blank);
  bool repeated = false;
  for (const auto& x : blank.warnings) repeated = repeated || x.code == "repeated_name";
  EXPECT_TRUE(repeated) << warnings_of(blank);
}

TEST(Duplicates, AnElementRepeatedInJsonIsNamedByItsPointer) {
  const std::string doc = R"({"ky_bao_cao":"2018","to_chuc":[
    {"ten":"Đảng bộ xã Mường Cang","loai_hinh":"ĐB","dang_vien":{"tong_so":148,"nu":34}},
    {"ten":"Chi bộ Trường THPT Than Uyên","loai_hinh":"CB","dang_vien":{"tong_so":31,"nu":20}},
    {"ten":"Đảng bộ xã Mường Cang","loai_hinh":"ĐB","dang_vien":{"tong_so":148,"nu":34}}]})";
  const auto n = read_bytes(doc, "than-uyen.json");
  ASSERT_EQ(n.errors.size(), 1u) << test::errors_of(n);
  EXPECT_EQ(n.errors[0].code, "duplicate_org");
  EXPECT_EQ(n.errors[0].where.path, "/to_chuc/2");
  EXPECT_NE(n.errors[0].message.find("/to_chuc/2 trùng hoàn toàn với /to_chuc/0 "), std::string::npos)
      << n.errors[0].message;
}

// Two values for one field in one element: a key written twice, or a
// nested and a flat key naming one field. A JSON reader keeps the last, so
// another value is refused naming both; the same value again is the same figure.
TEST(Duplicates, TwoValuesForOneFieldInAJsonElementAreRefusedNamingBothKeys) {
  const std::string doc = R"({"ky_bao_cao":"2018","to_chuc":[
    {"ten":"Đảng bộ xã Mường Cang","loai_hinh":"ĐB","dang_vien":{"tong_so":148,"nu":34},"dang_vien_nu":40},
    {"ten":"Chi bộ Trường THPT Than Uyên","loai_hinh":"CB","dang_vien":{"tong_so":31,"nu":20,"nu":21}},
    {"ten":"Chi bộ Trạm y tế","loai_hinh":"CB","dang_vien":{"tong_so":12,"nu":5,"nu":5}}]})";
  const auto n = read_bytes(doc, "hai-khoa.json");
  ASSERT_EQ(n.errors.size(), 2u) << test::errors_of(n);
  EXPECT_EQ(n.errors[0].code, "repeated_key");
  EXPECT_EQ(n.errors[0].field, "members_female");
  EXPECT_EQ(n.errors[0].where.path, "/to_chuc/0/dang_vien_nu");
  EXPECT_NE(n.errors[0].message.find("/to_chuc/0/dang_vien/nu = «34» và /to_chuc/0/dang_vien_nu = «40»"),
            std::string::npos)
      << n.errors[0].message;
  EXPECT_EQ(n.errors[1].where.path, "/to_chuc/1/dang_vien/nu");
  EXPECT_EQ(n.errors[1].value, "21");
}

// A table pasted twice below itself in a workbook: one error for the lot,
// naming the range, not one a row.
TEST(Duplicates, ATablePastedTwiceIsOneErrorNamingItsRows) {
  test::TempDir dir;
  json::object rows;
  rows["1"] = json::array{"STT", "Tên tổ chức cơ sở đảng", "Loại hình", "Tổng số đảng viên", "Đảng viên nữ"};
  const int n = 20;
  for (int copy = 0; copy < 2; ++copy)
    for (int i = 0; i < n; ++i)
      rows[std::to_string(2 + copy * n + i)] =
          json::array{i + 1, "Chi bộ bản " + std::to_string(i + 1), "CB", 20 + i, 5 + i % 3};
  const json::value spec = json::object{{"sheets", json::array{json::object{{"name", "Biểu 1"}, {"rows", rows}}}}};
  const auto imported = test::import_file(test::openpyxl_workbook(dir, "hai-lan.xlsx", spec));
  ASSERT_TRUE(imported.status.ok()) << imported.status.message();
  const auto r = test::lai_chau_normaliser().normalise(imported.doc, {"Than Uyên", "2018"});
  ASSERT_EQ(r.errors.size(), 1u) << test::errors_of(r);
  EXPECT_EQ(r.errors[0].code, "duplicate_org");
  EXPECT_EQ(r.errors[0].count, static_cast<std::uint32_t>(n));
  EXPECT_EQ(r.errors[0].range, "B22:B41");
  EXPECT_EQ(r.errors[0].where.sheet, "Biểu 1");
}

// Hashes that agree are confirmed on the names: among 300,000 names the
// 32-bit tags collide (about ten pairs are expected), and none of them is
// taken for a name seen before; every name given again is.
TEST(Duplicates, TheIndexConfirmsEveryHashOnTheNames) {
  detail::NameIndex index;
  std::vector<std::string> names;
  const std::size_t n = 300'000;
  for (std::size_t i = 0; i < n; ++i) names.push_back(fold("Chi bộ bản " + std::to_string(i)));
  auto same = [&](std::string_view folded) {
    return [&names, folded](std::uint32_t k) { return names[k % names.size()] == folded; };
  };
  // The table reader's way (Table::expect): each batch's names announced,
  // the table grown for them, before they are asked for.
  for (std::size_t i = 0; i < n; ++i) {
    if (i % 64 == 0) {
      std::vector<std::string_view> batch(names.begin() + i, names.begin() + std::min(n, i + 64));
      index.expect(batch.data(), batch.size());
    }
    ASSERT_EQ(index.first(names[i], static_cast<std::uint32_t>(i), same(names[i])), detail::NameIndex::kNone) << i;
  }
  for (std::size_t i = 0; i < n; i += 997)
    EXPECT_EQ(index.first(names[i], static_cast<std::uint32_t>(n + i), same(names[i])), i);
}
