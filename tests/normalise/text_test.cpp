// Reading text as people write it.
#include <gtest/gtest.h>

#include <limits>

#include "normalise/catalogue.hpp"
#include "normalise/text.hpp"

using namespace tonghop::normalise;

TEST(Fold, CaseDiacriticsPunctuationAndCamelCase) {
  EXPECT_EQ(fold("Tổng số ĐV"), "tong so dv");
  EXPECT_EQ(fold("  Tong  so dang-vien "), "tong so dang vien");
  EXPECT_EQ(fold("membersTotal"), "members total");
  EXPECT_EQ(fold("dang_vien/tong_so"), "dang vien tong so");
  EXPECT_EQ(fold("Chi bộ sinh hoạt đủ 12 kỳ/năm"), "chi bo sinh hoat du 12 ky nam");
  EXPECT_EQ(fold("D\xCC\x83"), "d") << "decomposed marks too";
}

TEST(Counts, ThousandsDecimalsAndWords) {
  EXPECT_EQ(parse_count("2.044").value, 2044);
  EXPECT_EQ(parse_count("2,044").value, 2044);
  EXPECT_EQ(parse_count(" 1 234 ").value, 1234);
  EXPECT_EQ(parse_count("1.234.567").value, 1234567);
  EXPECT_EQ(parse_count("1,5").error, CountError::fractional);
  EXPECT_EQ(parse_count("33,7").error, CountError::fractional);
  EXPECT_EQ(parse_count("1.5").error, CountError::fractional);
  EXPECT_EQ(parse_count("12a").error, CountError::not_a_number);
  EXPECT_EQ(parse_count("hai").error, CountError::not_a_number);
  EXPECT_EQ(parse_count("-3").error, CountError::negative);
  EXPECT_EQ(parse_count("").error, CountError::empty);
  EXPECT_EQ(count_from_number(12.5).error, CountError::fractional);
  EXPECT_EQ(count_from_number(-1).error, CountError::negative);
  EXPECT_EQ(count_from_number(2044).value, 2044);
  // Past int64 (found by fuzzing import + normalisation): refused, never cast.
  EXPECT_EQ(count_from_number(3.126e103).error, CountError::too_large);
  EXPECT_EQ(count_from_number(1e16).error, CountError::too_large);
  EXPECT_EQ(count_from_number(9e15).value, 9'000'000'000'000'000);
  EXPECT_EQ(count_from_number(std::numeric_limits<double>::infinity()).error, CountError::too_large);
  EXPECT_EQ(count_from_number(std::numeric_limits<double>::quiet_NaN()).error, CountError::not_a_number);
  EXPECT_EQ(count_from_number(-std::numeric_limits<double>::infinity()).error, CountError::negative);
}

// A cell of 30,000 digits crashed the daemon: the regex recursed once per
// character. Every text check is now a linear scan, at any length.
TEST(Counts, AnyLengthWithoutRecursion) {
  const std::string digits(300'000, '7');
  EXPECT_EQ(parse_count(digits).error, CountError::too_large);
  EXPECT_EQ(parse_count("-" + digits).error, CountError::too_large);
  std::string groups = "1";
  for (int i = 0; i < 100'000; ++i) groups += ".000";
  EXPECT_EQ(parse_count(groups).error, CountError::too_large);
  EXPECT_EQ(parse_count(digits + "," + digits).error, CountError::fractional);
  EXPECT_EQ(parse_count(digits + "x").error, CountError::not_a_number);
  EXPECT_EQ(parse_count("1.00").error, CountError::fractional);
  EXPECT_EQ(parse_count("1.0000").error, CountError::fractional);
  EXPECT_EQ(parse_count("1234.567").error, CountError::fractional);
  EXPECT_EQ(parse_count("12.345,6").error, CountError::not_a_number);
  EXPECT_FALSE(parse_period(std::string(300'000, 'a')).has_value());
  EXPECT_FALSE(parse_period("nam " + digits).has_value());
  EXPECT_FALSE(names_period(std::string(300'000, 'x')));
  EXPECT_TRUE(names_period("BÁO CÁO NĂM 2018"));
  EXPECT_FALSE(names_period("Tên đơn vị"));
}

TEST(Periods, AsPeopleWriteThem) {
  EXPECT_EQ(parse_period("2018").value(), "2018");
  EXPECT_EQ(parse_period("Năm 2018").value(), "2018");
  EXPECT_EQ(parse_period("BÁO CÁO ... NĂM 2018").value(), "2018");
  EXPECT_EQ(parse_period("6 tháng đầu năm 2012").value(), "2012-H1");
  EXPECT_EQ(parse_period("2018-H1").value(), "2018-H1");
  EXPECT_EQ(parse_period("2018-Q3").value(), "2018-Q3");
  EXPECT_EQ(parse_period("Quý III năm 2018").value(), "2018-Q3");
  EXPECT_EQ(parse_period("tháng 9/2018").value(), "2018-09");
  EXPECT_EQ(parse_period("2018-09").value(), "2018-09");
  EXPECT_FALSE(parse_period("hôm qua").has_value());
  EXPECT_EQ(parse_period("Quý 2 2018").value(), "2018-Q2");
  EXPECT_EQ(parse_period("6 tháng cuối năm 2019").value(), "2019-H2");
  EXPECT_EQ(parse_period("Báo cáo 2018").value(), "2018");
  EXPECT_FALSE(parse_period("tháng 13 năm 2018").has_value());
  EXPECT_FALSE(parse_period("2018 và 2019").has_value());
  EXPECT_EQ(previous_period("2018"), "2017");
  EXPECT_EQ(previous_period("2018-H1"), "2017-H1");
}

TEST(Tcvn3, DecodedFromTheCharactersOfItsBytes) {
  // "Đảng bộ" typed in .VnTime shows as "§¶ng bé" in a Windows font.
  EXPECT_EQ(decode_tcvn3("\xC2\xA7\xC2\xB6ng b\xC3\xA9", false).value(), "Đảng bộ");
  EXPECT_TRUE(looks_like_tcvn3("\xC2\xA7\xC2\xB6ng b\xC3\xA9"));
  // "§¶ng bé x· M­êng": all of it TCVN3 bytes, "Đảng bộ xã Mường".
  EXPECT_TRUE(looks_like_tcvn3("\xC2\xA7\xC2\xB6ng b\xC3\xA9 x\xC2\xB7 M\xC2\xAD\xC3\xAAng"));
  EXPECT_EQ(decode_tcvn3("\xC2\xA7\xC2\xB6ng b\xC3\xA9 x\xC2\xB7 M\xC2\xAD\xC3\xAAng", false).value(),
            "Đảng bộ xã Mường");
  // Text that already holds Unicode Vietnamese ("ư") is not TCVN3, whatever symbols it has.
  EXPECT_FALSE(looks_like_tcvn3("\xC2\xA7\xC2\xB6ng b\xC3\xA9 x\xC2\xB7 M\xC6\xB0\xE1\xBB\x9Dng"));
  EXPECT_FALSE(looks_like_tcvn3("Đảng bộ xã Mường Cang"));
  EXPECT_EQ(decode_tcvn3("\xC2\xA7\xC2\xB6ng", true).value(), "ĐẢNG") << ".VnTimeH text is capitals";
}

TEST(Catalogue, HeadersAsPeopleWriteThem) {
  const auto c = load_catalogue(TONGHOP_SOURCE_DIR "/config/indicators.toml");
  ASSERT_TRUE(c.ok()) << c.error();
  auto flat = [&](const char* h) {
    const Field* f = c->match_flat(fold(h));
    return f ? f->id : std::string("-");
  };
  auto grouped = [&](const char* g, const char* s) {
    const Field* f = c->match(fold(g), fold(s));
    return f ? f->id : std::string("-");
  };
  EXPECT_EQ(flat("Tổng số ĐV"), "members_total");
  EXPECT_EQ(flat("Tong so dang vien"), "members_total");
  EXPECT_EQ(flat("ĐV DTTS"), "members_ethnic_minority");
  EXPECT_EQ(flat("CB trường học"), "cells_school");
  EXPECT_EQ(flat("membersFemale"), "members_female");
  EXPECT_EQ(grouped("Đảng viên", "Nữ"), "members_female");
  EXPECT_EQ(grouped("Kết nạp đảng viên", "Nữ"), "admitted_female");
  EXPECT_EQ(grouped("Chi bộ trực thuộc", "Tổng số"), "cells_total");
  EXPECT_EQ(grouped("Đảng viên", "Tổng số"), "members_total");
  EXPECT_EQ(grouped("dang_vien", "nu"), "members_female");
  EXPECT_EQ(grouped("Xếp loại đảng viên", "HTXSNV"), "members_rated_excellent");
  EXPECT_EQ(grouped("Xếp loại chi bộ trực thuộc", "HTXSNV"), "cells_rated_excellent");
  // "Tổng số" alone names no field: it is a total row's label, or a sub-header.
  EXPECT_EQ(flat("Tổng số"), "-");
  EXPECT_TRUE(c->total_labels.count(fold("Tổng số")));
}

TEST(Catalogue, RatingsKindsAndSectors) {
  const auto c = load_catalogue(TONGHOP_SOURCE_DIR "/config/indicators.toml");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->rating("HTXSNV").value(), "excellent");
  EXPECT_EQ(c->rating("Hoàn thành tốt nhiệm vụ").value(), "good");
  EXPECT_EQ(c->rating("hoan thanh tot").value(), "good");
  EXPECT_EQ(c->rating("TSVM").value(), "excellent");
  EXPECT_EQ(c->rating("Yếu kém").value(), "not_completed");
  EXPECT_FALSE(c->rating("khá").has_value());
  EXPECT_EQ(c->org_kind("ĐB").value(), "party_committee");
  EXPECT_EQ(c->org_kind("Chi bộ cơ sở").value(), "party_cell");
  EXPECT_EQ(c->sector_from_name("Đảng bộ xã Mường Cang"), "commune");
  EXPECT_EQ(c->sector_from_name("Chi bộ Trường THPT Than Uyên"), "public_service");
  EXPECT_EQ(c->sector_from_name("Chi bộ Công an huyện"), "armed_forces");
  EXPECT_EQ(c->sector_from_name("Chi bộ Công ty TNHH Thủy điện"), "enterprise");
}

TEST(Registry, DistrictsByAnyAlias) {
  const auto r = load_registry(TONGHOP_SOURCE_DIR "/config/units/lai-chau.toml");
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->find("Huyện ủy Than Uyên")->name, "Than Uyên");
  EXPECT_EQ(r->find("H. Than Uyên")->name, "Than Uyên");
  EXPECT_EQ(r->find("THAN UYEN")->name, "Than Uyên");
  EXPECT_EQ(r->find("Đảng bộ huyện Than Uyên")->name, "Than Uyên");
  EXPECT_EQ(r->find("sin ho")->name, "Sìn Hồ");
  EXPECT_EQ(r->find("TP Lai Châu")->name, "Thành phố Lai Châu");
  EXPECT_EQ(r->find("Lai Châu"), nullptr) << "the province is not its city";
  EXPECT_EQ(r->find_in("HUYỆN ỦY THAN UYÊN")->name, "Than Uyên");
  EXPECT_EQ(r->find_in("ĐẢNG BỘ TỈNH LAI CHÂU"), nullptr);
}

// A short text is folded into a buffer on the stack, with two- and
// three-byte UTF-8 decoded inline (text.cpp, issue 18, csvcpu); a long one,
// and anything the table cannot fold, the way it always was. Both agree,
// whatever the bytes: precomposed and decomposed Vietnamese, camelCase,
// code points past the table, and broken UTF-8 (each bad byte a separator).
TEST(Fold, ShortAndLongTextsFoldAlikeWhateverTheirBytes) {
  const std::string tail(300, 'x');
  for (const std::string s :
       {"Đảng bộ xã Bản 5001", "Chi bộ Trường Tiểu học số 2", "Nậm Cần", "D\xCC\x83u v\xC3\xA2\xCC\x80y", "ỦY BAN", "membersTotal",
        "Ω omega … dấu", "a\xE1\xBB" "b", "\xC6", "x\xE0\xA0\x80y", "x\xED\xA0\x80y", "x\xC0\x80y", "😀 vui", "\xF0\x9F",
        "a\xE1\xBB\x9D", "ĐỒNG-HỚI/2018", "", " ", "tổng số đảng viên nữ"}) {
    const std::string shortly = fold(s), longly = fold(s + " " + tail);
    EXPECT_EQ(longly, shortly.empty() ? tail : shortly + " " + tail) << s;
    std::string into = "left over";
    fold_into(s, into);
    EXPECT_EQ(into, shortly) << s;
  }
  EXPECT_EQ(fold("Đảng bộ xã Bản 5001"), "dang bo xa ban 5001");
  EXPECT_EQ(fold("Chi bộ Trường Tiểu học số 2"), "chi bo truong tieu hoc so 2");
  EXPECT_EQ(fold("ỦY BAN Nậm Cần"), "uy ban nam can");
  EXPECT_EQ(fold("D\xCC\x83u v\xC3\xA2\xCC\x80y"), "du vay") << "decomposed marks";
  EXPECT_EQ(fold("a\xE1\xBB" "b"), "a b") << "a cut three-byte sequence: a separator, then the letter";
  EXPECT_EQ(fold("x\xED\xA0\x80y"), "x y") << "a surrogate's bytes are no letter";
  EXPECT_EQ(fold("x\xC0\x80y"), "x y") << "an overlong form is no letter";
}
