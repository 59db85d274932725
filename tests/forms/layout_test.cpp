// The form's heading as the normaliser reads it back (daemon/forms/layout.cpp):
// the title names the period in words that parse to the same canonical
// period, every district's committee line names that district, and the
// province's line names none.
#include <gtest/gtest.h>

#include "forms/forms.hpp"
#include "normalise/text.hpp"

using namespace tonghop;

TEST(FormsLayout, TitlePeriodReadsBackAsTheSamePeriod) {
  for (const char* p : {"2018", "2018-H1", "2018-H2", "2018-Q1", "2018-Q2", "2018-Q3", "2018-Q4", "2018-01", "2018-09",
                              "2018-10", "2018-12"}) {
    const std::string title = "BÁO CÁO THỐNG KÊ TỔ CHỨC CƠ SỞ ĐẢNG VÀ ĐẢNG VIÊN " + forms::upper(forms::period_words(p));
    EXPECT_EQ(normalise::parse_period(title), p) << title;
    EXPECT_EQ(normalise::parse_period("(Đảng bộ huyện Than Uyên, " + forms::period_words(p) + ")"), p);
  }
  EXPECT_EQ(forms::period_words("2018-Q3"), "quý III năm 2018");
  EXPECT_EQ(forms::upper("6 tháng đầu năm 2018"), "6 THÁNG ĐẦU NĂM 2018");
}

TEST(FormsLayout, CommitteeLinesNameTheirDistrictAndTheProvinceLineNone) {
  const auto registry = normalise::load_registry(TONGHOP_SOURCE_DIR "/config/units/lai-chau.toml");
  ASSERT_TRUE(registry) << registry.error();
  for (const auto& d : registry->districts) {
    for (const std::string& line : {forms::committee_of(d.name), forms::party_unit_of(d.name), d.name + ", ngày …… tháng"}) {
      const auto* found = registry->find_in(line);
      ASSERT_NE(found, nullptr) << line;
      EXPECT_EQ(found->name, d.name) << line;
    }
  }
  EXPECT_EQ(forms::committee_of("Thành phố Lai Châu"), "THÀNH ỦY LAI CHÂU");
  EXPECT_EQ(forms::committee_of("Than Uyên"), "HUYỆN ỦY THAN UYÊN");
  EXPECT_EQ(forms::party_unit_of("Thành phố Lai Châu"), "Đảng bộ thành phố Lai Châu");
  EXPECT_EQ(registry->find_in(registry->issuing_body), nullptr) << registry->issuing_body;
}
