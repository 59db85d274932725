// District returns as offices send them, saved as .xls by LibreOffice
// (tests/data/xls/make.sh) from Than Uyên's 2018 return: one with its
// "Tổng số" column of branches (D) and its total row written as SUM
// formulas, one typed in TCVN3 (.VnTime, capitals in .VnTimeH). Each must be
// accepted with every sum right: the same records and indicators as the
// .xlsx the figures came from.
#include <gtest/gtest.h>

#include "normalise/catalogue.hpp"
#include "normalise/normaliser.hpp"
#include "report/indicators.hpp"
#include "support/importing.hpp"

using namespace tonghop;

namespace {

const normalise::Catalogue& catalogue() {
  static const auto c = normalise::load_catalogue(TONGHOP_SOURCE_DIR "/config/indicators.toml");
  if (!c) throw std::runtime_error(c.error());
  return *c;
}
const normalise::Registry& registry() {
  static const auto r = normalise::load_registry(TONGHOP_SOURCE_DIR "/config/units/lai-chau.toml");
  if (!r) throw std::runtime_error(r.error());
  return *r;
}

normalise::Normalised normalised(const std::string& file) {
  normalise::Normaliser n(catalogue(), registry());
  const auto imported = test::import_file(test::data_path(file));
  EXPECT_TRUE(imported.status.ok()) << file << ": " << imported.status.message();
  return n.normalise(imported.doc, {"Than Uyên", "2018"});
}

std::string errors(const normalise::Normalised& n) {
  std::string s;
  for (const auto& e : n.errors) s += e.code + " " + e.field + ": " + e.message + "\n";
  return s;
}

}  // namespace

TEST(XlsReturn, FormulaTotalsAreReadAsLibreOfficeComputedThem) {
  const auto xls = test::import_file(test::data_path("xls/than-uyen-formulas.xls"));
  ASSERT_TRUE(xls.status.ok()) << xls.status.message();
  const auto xlsx = test::import_file(test::data_path("lai-chau/2018/than-uyen.xlsx"));
  ASSERT_TRUE(xlsx.status.ok()) << xlsx.status.message();
  // Every number of the .xlsx, formulas included, is in the .xls at the same place.
  std::size_t numbers = 0;
  for (const auto& c : xlsx.sheet().cells) {
    if (c.type != sdk::CellType::number) continue;
    const sdk::Cell* x = xls.sheet().find(c.row, c.column);
    ASSERT_NE(x, nullptr) << c.row << "," << c.column;
    EXPECT_EQ(x->type, sdk::CellType::number) << c.row << "," << c.column;
    EXPECT_EQ(x->number, c.number) << c.row << "," << c.column;
    ++numbers;
  }
  EXPECT_GT(numbers, 1400u);
  EXPECT_EQ(xls.sheet().find(10, 4)->number, 21) << "=SUM(E10:J10)";
  EXPECT_EQ(xls.sheet().find(55, 11)->number, 2044) << "=SUM(K10:K54)";
  EXPECT_EQ(xls.text(8, 11), "Tổng số");
  EXPECT_EQ(xls.sheet().merges.size(), xlsx.sheet().merges.size());
}

TEST(XlsReturn, IsAcceptedWithTheSameRecordsAsTheXlsx) {
  const auto xls = normalised("xls/than-uyen-formulas.xls");
  ASSERT_TRUE(xls.accepted()) << errors(xls);
  const auto xlsx = normalised("lai-chau/2018/than-uyen.xlsx");
  ASSERT_TRUE(xlsx.accepted()) << errors(xlsx);
  const auto a = report::compute(xls.records, catalogue());
  const auto b = report::compute(xlsx.records, catalogue());
  ASSERT_EQ(a.size(), b.size());
  std::size_t counts = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].id, b[i].id);
    EXPECT_EQ(a[i].value, b[i].value) << a[i].id;
    if (a[i].value && !a[i].is_percent) ++counts;
  }
  EXPECT_GT(counts, 20u);
  const auto members = std::find_if(a.begin(), a.end(), [](const report::Indicator& i) { return i.id == "members_total"; });
  ASSERT_NE(members, a.end());
  EXPECT_EQ(members->value, 2044);
}

TEST(XlsReturn, ATcvn3ReturnIsDecodedByItsFontsWithItsMergedHeader) {
  const auto imported = test::import_file(test::data_path("xls/than-uyen-tcvn3.xls"));
  ASSERT_TRUE(imported.status.ok()) << imported.status.message();
  // As typed: the bytes of TCVN3 text shown as Windows characters, in .VnTime.
  EXPECT_EQ(imported.text(7, 11), "\u00a7\u00b6ng vi\u00aan");
  EXPECT_EQ(imported.sheet().find(7, 11)->font, ".VnTime");
  EXPECT_EQ(imported.sheet().find(1, 1)->font, ".VnTimeH");
  EXPECT_EQ(imported.sheet().merges.size(), 15u) << "the two-row header's merged ranges";

  const auto tcvn3 = normalised("xls/than-uyen-tcvn3.xls");
  ASSERT_TRUE(tcvn3.accepted()) << errors(tcvn3);
  const auto xlsx = normalised("lai-chau/2018/than-uyen.xlsx");
  ASSERT_TRUE(xlsx.accepted()) << errors(xlsx);
  ASSERT_EQ(tcvn3.records.size(), xlsx.records.size());
  ASSERT_EQ(tcvn3.records.size(), 45u);
  for (std::size_t i = 0; i < xlsx.records.size(); ++i)
    EXPECT_EQ(tcvn3.records.at(i).org_name, xlsx.records.at(i).org_name) << i;
  EXPECT_EQ(tcvn3.records.at(0).org_name, "Đảng bộ xã Mường Cang");
  const auto a = report::compute(tcvn3.records, catalogue());
  const auto b = report::compute(xlsx.records, catalogue());
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].value, b[i].value) << a[i].id;
}
