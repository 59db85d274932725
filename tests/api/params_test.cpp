// What a request names, read strictly (ids, periods, file names) and what is
// echoed back of it, cut short.
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <string>
#include <vector>

#include "api/params.hpp"

using namespace tonghop::api;

TEST(Params, IdsAreDigitsOnly) {
  EXPECT_EQ(parse_id("17"), 17);
  EXPECT_EQ(parse_id("0"), 0);
  for (const char* bad : {"1abc", "+1", "-1", " 1", "1 ", "01", "", "1e3", "0x10", "9999999999999999999"})
    EXPECT_FALSE(parse_id(bad).has_value()) << bad;
}

TEST(Params, PeriodsAreStrict) {
  const std::time_t t = std::time(nullptr);
  std::tm local{};
  localtime_r(&t, &local);
  const std::string next = std::to_string(local.tm_year + 1900 + 1), after = std::to_string(local.tm_year + 1900 + 2);
  for (const std::string& good : std::vector<std::string>{"2018", "1930", "2018-H1", "2018-H2", "2018-Q1", "2018-Q4", "2018-01", "2018-12"})
    EXPECT_EQ(parse_period_strict(good), good) << good;
  EXPECT_EQ(parse_period_strict(next), next);
  for (const std::string& bad : std::vector<std::string>{"9999", "0000", "-2018", " 2018", "2018\n", "2018 ", "+2018", "1929", "2018-13",
                                "2018-00", "2018-Q5", "2018-H3", "2018-h1", "20180", "2018-", after})
    EXPECT_FALSE(parse_period_strict(bad).has_value()) << bad;
  // The API also takes an alias, on the same terms.
  EXPECT_EQ(parse_period_param("Năm 2018"), "2018");
  EXPECT_EQ(parse_period_param("Quý 3 năm 2018"), "2018-Q3");
  for (const std::string& bad : std::vector<std::string>{"Năm 9999", " Năm 2018", "Năm 2018\n", "Năm 2018 ", "Năm 1929", "-2018", "9999"})
    EXPECT_FALSE(parse_period_param(bad).has_value()) << bad;
}

TEST(Params, FileNamesAreCleanedAndValidUtf8) {
  EXPECT_EQ(clean_filename("../../etc/bao\"cao\r\nX-Evil: 1.csv"), "baocaoX-Evil: 1.csv");
  EXPECT_EQ(clean_filename("Báo cáo Sìn Hồ.xlsx"), "Báo cáo Sìn Hồ.xlsx");
  EXPECT_EQ(clean_filename("b\xE1o\xFF.csv"), "b\xEF\xBF\xBDo\xEF\xBF\xBD.csv");
  EXPECT_EQ(clean_filename("a\xC2\x85\xE2\x80\xA8z"), "az") << "C1 controls and line separators go too";
  EXPECT_EQ(clean_filename("\xED\xA0\x80.csv"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD.csv") << "no surrogates";
  EXPECT_EQ(clean_filename(""), "upload");
  EXPECT_EQ(clean_filename(".."), "upload");
  EXPECT_EQ(clean_filename(std::string(1000, 'a')).size(), 255u);
}

TEST(Params, EchoesAreCutAt200Characters) {
  EXPECT_EQ(echo("Sìn Hồ"), "Sìn Hồ");
  std::string many;
  for (int i = 0; i < 1000; ++i) many += "ồ";
  const std::string cut = echo(many);
  std::string want;
  for (int i = 0; i < 200; ++i) want += "ồ";
  EXPECT_EQ(cut, want + "…");
  EXPECT_EQ(echo(std::string(3'000'000, 'x')).size(), 200u + std::string("…").size());
}
