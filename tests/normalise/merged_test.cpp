// Cells merged over organisations' values: Excel and LibreOffice keep the
// value in the top-left cell only, so the other organisations under a
// merged rating or count read blank (and a merged kind is guessed from the
// name). The return is refused, naming the range; merges in the header, the
// title, a heading or a total row are as before. Workbooks written by
// openpyxl and read through the real importer.
#include <gtest/gtest.h>

#include <string>

#include <boost/json.hpp>

#include "normalise/lai_chau.hpp"
#include "normalise/normaliser.hpp"
#include "normalise/workbook.hpp"
#include "support/importing.hpp"

using namespace tonghop;
using namespace tonghop::normalise;
namespace json = boost::json;

namespace {

// A title merged over the table, a header of one row, three organisations
// under a heading row merged across, a total row with its label merged
// over A:B; `data_merges` are merged too.
Normalised read_with(const std::string& name, json::array data_merges) {
  test::TempDir dir;
  json::object rows;
  rows["1"] = json::array{"BÁO CÁO TỔ CHỨC CƠ SỞ ĐẢNG HUYỆN THAN UYÊN NĂM 2018"};
  rows["3"] = json::array{"STT", "Tên tổ chức cơ sở đảng", "Loại hình", "Tổng số đảng viên", "Đảng viên nữ", "Xếp loại TCCSĐ"};
  rows["4"] = json::array{"I", "Khối xã"};
  rows["5"] = json::array{1, "Đảng bộ xã Mường Cang", "ĐB", 148, 34, "Hoàn thành tốt nhiệm vụ"};
  rows["6"] = json::array{2, "Đảng bộ xã Mường Kim", nullptr, 140, 46, nullptr};
  rows["7"] = json::array{3, "Chi bộ Trường THPT Than Uyên", "CB", 31, 20, "Hoàn thành nhiệm vụ"};
  rows["8"] = json::array{"Tổng cộng", nullptr, nullptr, 319, 100};
  json::array merges{"A1:F1", "B4:F4", "A8:B8"};
  for (auto& m : data_merges) merges.push_back(m);
  const json::value spec =
      json::object{{"sheets", json::array{json::object{{"name", "Biểu 1"}, {"rows", rows}, {"merges", merges}}}}};
  const auto imported = test::import_file(test::openpyxl_workbook(dir, name, spec));
  EXPECT_TRUE(imported.status.ok()) << imported.status.message();
  return test::lai_chau_normaliser().normalise(imported.doc, {"Than Uyên", "2018"});
}

}  // namespace

TEST(Merged, ARatingMergedOverTwoOrganisationsIsRefusedNamingTheRange) {
  const auto n = read_with("xep-loai-gop.xlsx", {"F5:F6"});
  ASSERT_EQ(n.errors.size(), 1u) << test::errors_of(n);
  const Issue& e = n.errors[0];
  EXPECT_EQ(e.code, "merged_cells");
  EXPECT_EQ(e.field, "org_rating");
  EXPECT_EQ(e.value, "F5:F6");
  EXPECT_EQ(e.where.sheet, "Biểu 1");
  EXPECT_EQ(e.where.row, 5u);
  EXPECT_EQ(e.where.column, 6u);
  EXPECT_NE(e.message.find("Vùng ô gộp F5:F6 nằm trong số liệu của các tổ chức"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("only F5 holds a value"), std::string::npos) << e.message;
}

TEST(Merged, AKindMergedDownIsRefusedNotGuessedFromTheName) {
  const auto n = read_with("loai-gop.xlsx", {"C5:C6"});
  ASSERT_EQ(n.errors.size(), 1u) << test::errors_of(n);
  EXPECT_EQ(n.errors[0].code, "merged_cells");
  EXPECT_EQ(n.errors[0].field, "org_kind");
}

TEST(Merged, TwoFiguresMergedAcrossInOneRowAreRefused) {
  // The merge drops E7's 20 (as Excel does): the total row no longer adds up either.
  const auto n = read_with("ngang.xlsx", {"D7:E7"});
  const Issue* merged = nullptr;
  for (const auto& e : n.errors)
    if (e.code == "merged_cells") merged = &e;
  ASSERT_NE(merged, nullptr) << test::errors_of(n);
  EXPECT_EQ(merged->field, "members_total");
  EXPECT_EQ(merged->value, "D7:E7");
}

TEST(Merged, MergesInTheTitleAHeadingAndTheTotalRowAreNoError) {
  const auto n = read_with("tieu-de.xlsx", {});
  ASSERT_TRUE(n.accepted()) << test::errors_of(n);
  EXPECT_EQ(n.records.size(), 3u);
  EXPECT_EQ(n.totals.counts.at("members_total"), 319);
}
