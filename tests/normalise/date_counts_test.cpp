// A count a clerk sees as a date: Than Uyên's 2018 return with K11 (Đảng
// viên, Tổng số, of Đảng bộ xã Mường Kim: 141) given the number format
// dd/mm/yyyy by openpyxl, so that it shows 20/05/1900, and the same workbook
// saved by LibreOffice as .ods (a date cell) and as .xls
// (tests/data/dates/make-files). Each is refused at K11, in Vietnamese and
// English, and 141 is never read from the date: the other cells are read as
// they are.
#include <gtest/gtest.h>

#include <algorithm>

#include "normalise/lai_chau.hpp"
#include "normalise/text.hpp"
#include "support/importing.hpp"

using namespace tonghop;

namespace {

normalise::Normalised normalised(const std::string& file) {
  const auto imported = test::import_file(test::data_path(file));
  EXPECT_TRUE(imported.status.ok()) << file << ": " << imported.status.message();
  return test::lai_chau_normaliser().normalise(imported.doc, {"Than Uyên", "2018"});
}

std::string errors(const normalise::Normalised& n) {
  std::string s;
  for (const auto& e : n.errors) s += e.code + " " + e.field + " " + e.where.sheet + " row " + std::to_string(e.where.row) + ": " + e.message + "\n";
  return s;
}

}  // namespace

class DateCount : public testing::TestWithParam<const char*> {};

TEST_P(DateCount, IsRefusedAtItsCellAndNeverReadAsItsSerial) {
  const std::string file = std::string("dates/than-uyen-date.") + GetParam();
  // The importer gives the cell as a date, by the SDK's rule: its serial, its ISO text.
  const auto imported = test::import_file(test::data_path(file));
  ASSERT_TRUE(imported.status.ok()) << imported.status.message();
  const sdk::Cell* k11 = imported.sheet().find(11, 11);
  ASSERT_NE(k11, nullptr);
  EXPECT_EQ(k11->type, sdk::CellType::number);
  EXPECT_EQ(k11->number, 141);
  EXPECT_EQ(k11->text, "1900-05-20");
  EXPECT_TRUE(sdk::is_date_format(k11->number_format)) << k11->number_format;

  const auto n = normalised(file);
  EXPECT_FALSE(n.accepted());
  ASSERT_EQ(n.errors.size(), 1u) << errors(n);
  const auto& e = n.errors[0];
  EXPECT_EQ(e.code, "not_a_number");
  EXPECT_EQ(e.field, "members_total");
  EXPECT_EQ(e.where.row, 11u);
  EXPECT_EQ(e.where.column, 11u);  // K
  EXPECT_EQ(e.value, "1900-05-20");
  EXPECT_NE(e.message.find("được định dạng ngày tháng và hiện «20/05/1900»; không đọc là số 141"), std::string::npos)
      << e.message;
  EXPECT_NE(e.message.find(" / "), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("is formatted as a date and shows 1900-05-20; not read as the number 141"), std::string::npos)
      << e.message;
  // Mường Kim's other counts are read; its members are not, from the date or as 0.
  bool found = false;
  for (const auto& r : n.records) {
    if (r.org_name != "Đảng bộ xã Mường Kim") continue;
    found = true;
    EXPECT_FALSE(r.counts.contains("members_total"));
    EXPECT_EQ(r.counts.at("members_female"), 61);
    EXPECT_EQ(r.counts.at("cells_total"), 23);
  }
  EXPECT_TRUE(found);
}

INSTANTIATE_TEST_SUITE_P(OpenpyxlAndLibreOffice, DateCount, testing::Values("xlsx", "ods", "xls"));

TEST(ReadCount, ANumberCellIsReadUnlessItsTextIsADateOrATime) {
  using normalise::CountError;
  using normalise::read_count;
  EXPECT_EQ(read_count(true, 141, "141").value, 141);
  EXPECT_EQ(read_count(true, 141, "").value, 141);
  EXPECT_EQ(read_count(false, 0, "2.044").value, 2044);
  EXPECT_EQ(read_count(true, 141, "1900-05-20").error, CountError::date);
  EXPECT_EQ(read_count(true, 45322.35, "2024-01-31T08:30:00").error, CountError::date);
  EXPECT_EQ(read_count(true, 0.35, "08:24:00").error, CountError::date);
  // A text cell holding a date is no count either, as before.
  EXPECT_EQ(read_count(false, 0, "1900-05-20").error, CountError::not_a_number);
  EXPECT_EQ(normalise::shown_date("1900-05-20"), "20/05/1900");
  EXPECT_EQ(normalise::shown_date("2024-01-31T08:30:00"), "31/01/2024 08:30");
  EXPECT_EQ(normalise::shown_date("08:24:00"), "08:24");
}
