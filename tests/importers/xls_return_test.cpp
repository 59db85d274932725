// A district return as offices send it: Than Uyên's 2018 return with its
// "Tổng số" column of branches (D) and its total row written as SUM
// formulas, saved as .xls by LibreOffice (tests/data/xls/make.sh). It must
// be accepted with every sum right: the same records and indicators as the
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
  normalise::Normaliser n(catalogue(), registry());
  const auto xls = n.normalise(test::import_file(test::data_path("xls/than-uyen-formulas.xls")).doc, {"Than Uyên", "2018"});
  std::string errors;
  for (const auto& e : xls.errors) errors += e.code + " " + e.field + ": " + e.message + "\n";
  ASSERT_TRUE(xls.accepted()) << errors;
  const auto xlsx = n.normalise(test::import_file(test::data_path("lai-chau/2018/than-uyen.xlsx")).doc, {"Than Uyên", "2018"});
  ASSERT_TRUE(xlsx.accepted());
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
