// libxlsxwriter's number cells and cell names written without printf
// (plugins/export-xlsx/cell_writer.cpp): byte for byte what the library
// writes in the C locale, and bound in a host that links libxlsxwriter itself,
// as tonghopd does.
#include <gtest/gtest.h>

#include <bit>
#include <cfloat>
#include <clocale>
#include <cmath>
#include <cstdio>
#include <limits>
#include <random>

#include <xlsxwriter.h>

#include "cell_text.hpp"
#include "locale_workbook.hpp"

using tonghop::xlsx::cell_name;
using tonghop::xlsx::kNumberTextSize;
using tonghop::xlsx::number_text;

namespace {

std::string printf_text(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.16G", v);
  return buf;
}

std::string ours(double v) {
  char buf[kNumberTextSize];
  char* end = number_text(buf, v);
  EXPECT_EQ(end, buf + std::strlen(buf));
  return buf;
}

}  // namespace

TEST(XlsxCellText, NumbersAreWhatPrintfWritesInTheCLocale) {
  ASSERT_NE(std::setlocale(LC_NUMERIC, "C"), nullptr);
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> cases = {0.0, -0.0, 1, -1, 15513, 34.7, 34.70, 36.59, 0.1 + 0.2, 1.0 / 3, 2.0 / 3, 0.125, 1e-5,
                               1.5e-7, 123456789012345.0, 999999999999999.0, 1e15, 1e15 + 1, 1e16, 1e17,
                               9007199254740993.0, 123456789012345.6, 1234567890123456.7, 12345678901234567.0,
                               -4.5e300, DBL_MAX, -DBL_MAX, DBL_MIN, DBL_TRUE_MIN, 5e-324, inf, -inf, nan, -nan,
                               0.30000000000000004, 99.99999999999999, 99.999999999999999, 0.1, 1e21, 1e22, 1e-7};
  for (int e = -320; e <= 308; ++e) cases.push_back(std::pow(10.0, e));
  for (long long i = -2000; i <= 2000; ++i) cases.push_back(static_cast<double>(i) / 100);  // percentages
  std::mt19937_64 random(20261127);
  for (int i = 0; i < 200000; ++i) cases.push_back(std::bit_cast<double>(random()));  // any bits
  std::uniform_real_distribution<double> share(0, 100);
  for (int i = 0; i < 100000; ++i) cases.push_back(share(random));
  for (int i = 0; i < 100000; ++i) cases.push_back(static_cast<double>(random() >> (random() % 64)));
  int differ = 0;
  for (double v : cases) {
    if (ours(v) == printf_text(v)) continue;
    if (++differ <= 10) ADD_FAILURE() << std::hexfloat << v << ": " << ours(v) << " against printf's " << printf_text(v);
  }
  EXPECT_EQ(differ, 0) << "of " << cases.size();
}

TEST(XlsxCellText, CellNamesAreTheLibrarysOwn) {
  // The library's column letters (lxw_col_to_name, not replaced) and "%d".
  int differ = 0;
  for (unsigned col = 0; col <= LXW_COL_MAX - 1; ++col) {
    for (unsigned row : {0u, 1u, 8u, 9u, 98u, 99u, 12345u, unsigned{LXW_ROW_MAX} - 1u}) {
      char expected[LXW_MAX_CELL_NAME_LENGTH] = {};
      lxw_col_to_name(expected, static_cast<lxw_col_t>(col), 0);
      std::snprintf(expected + std::strlen(expected), LXW_MAX_ROW_NAME_LENGTH, "%d", static_cast<int>(row + 1));
      char got[LXW_MAX_CELL_NAME_LENGTH];
      cell_name(got, row, static_cast<std::uint16_t>(col));
      if (std::strcmp(got, expected) != 0 && ++differ <= 10) ADD_FAILURE() << got << " against " << expected;
      // The name the library itself now makes is ours.
      char library[LXW_MAX_CELL_NAME_LENGTH];
      lxw_rowcol_to_cell(library, row, static_cast<lxw_col_t>(col));
      if (std::strcmp(library, expected) != 0 && ++differ <= 10) ADD_FAILURE() << library << " against " << expected;
    }
  }
  EXPECT_EQ(differ, 0);
  char name[LXW_MAX_CELL_NAME_LENGTH];
  cell_name(name, 1048575, 16383);
  EXPECT_STREQ(name, "XFD1048576");
}

// This binary links libxlsxwriter and the replacements, as tonghopd does, so
// the library is bound to the host's copies before the plugin is loaded.
TEST(XlsxCellText, AHostLinkingTheLibraryWritesDotDecimalsUnderAVietnameseLocale) {
  const auto values = tonghop::test::values_written_under_vietnamese_locale();
  ASSERT_FALSE(values.empty());
  EXPECT_NE(std::find(values.begin(), values.end(), "15513"), values.end());
  EXPECT_NE(std::find(values.begin(), values.end(), "34.7"), values.end());
  EXPECT_NE(std::find(values.begin(), values.end(), "0.125"), values.end());
  for (const auto& v : values) EXPECT_EQ(v.find(','), std::string::npos) << v;
}
