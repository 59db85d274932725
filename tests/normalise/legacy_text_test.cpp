// Legacy text found by what it says: TCVN3 and VNI judged word by word
// against the table of Vietnamese syllables, whatever the font says or does
// not say. The files of tests/data/legacy-text (made by its make.py) hold one
// return as Unicode, TCVN3 and VNI in xlsx, xls and CSV: all read alike.
#include <gtest/gtest.h>

#include <iconv.h>

#include "normalise/catalogue.hpp"
#include "normalise/lai_chau.hpp"
#include "normalise/normaliser.hpp"
#include "normalise/syllables.hpp"
#include "normalise/text.hpp"
#include "support/importing.hpp"

using namespace tonghop;
using namespace tonghop::normalise;

namespace {

// The Windows-1252 characters of text's TCVN3 bytes, in UTF-8: what a cell
// typed in .VnTime shows in any other font.
std::string as_tcvn3(const std::string& text) {
  iconv_t to = iconv_open("TCVN5712-1", "UTF-8");
  std::string in = text, bytes(text.size() * 2 + 8, '\0');
  char* src = in.data();
  char* dst = bytes.data();
  std::size_t sl = in.size(), dl = bytes.size();
  iconv(to, &src, &sl, &dst, &dl);
  iconv_close(to);
  bytes.resize(bytes.size() - dl);
  iconv_t from = iconv_open("UTF-8", "WINDOWS-1252");
  std::string out(bytes.size() * 3 + 8, '\0');
  src = bytes.data();
  dst = out.data();
  sl = bytes.size();
  dl = out.size();
  iconv(from, &src, &sl, &dst, &dl);
  iconv_close(from);
  out.resize(out.size() - dl);
  return out;
}

const Catalogue& cat() { return test::lai_chau_catalogue(); }
const Registry& reg() { return test::lai_chau_registry(); }

}  // namespace

TEST(Syllables, TheTableKnowsVietnameseAndNothingElse) {
  for (const char* w : {"Tổng", "cộng", "số", "Đảng", "bộ", "xã", "Mường", "nghiệp", "quyết", "gì", "giếng", "y", "tế",
                        "huyện", "Trường", "người", "khuya", "thuở", "NGHĨA", "quốc", "oàn", "ạ", "ươu"})
    EXPECT_TRUE(is_vietnamese_syllable(w)) << w;
  for (const char* w : {"céng", "Tæng", "§¶ng", "sè", "members", "café", "ghà", "ngé", "tap", "cát̀", "xyz", "",
                        "Toång", "qo", "kha̋"})
    EXPECT_EQ(is_vietnamese_syllable(w), std::string_view(w) == "sè") << w;  // "sè" is a syllable too
  // A stop at the end takes sắc or nặng: "tập", "tát", but not "tàp".
  EXPECT_TRUE(is_vietnamese_syllable("tập"));
  EXPECT_FALSE(is_vietnamese_syllable("tàp"));
  EXPECT_FALSE(is_vietnamese_syllable("tổngg"));
}

TEST(LegacyText, ShortTcvn3WordsAreFound) {
  // No byte of these is in U+00A1..U+00BF: the old check missed them.
  EXPECT_TRUE(looks_like_tcvn3("T\xC3\xA6ng c\xC3\xA9ng"));  // Tæng céng
  EXPECT_EQ(decode_tcvn3("T\xC3\xA6ng c\xC3\xA9ng", false).value(), "Tổng cộng");
  EXPECT_TRUE(looks_like_tcvn3("C\xC3\xA9ng"));
  EXPECT_EQ(decode_tcvn3("C\xC3\xA9ng", false).value(), "Cộng");
  EXPECT_TRUE(looks_like_tcvn3("T\xC3\xA6ng s\xC3\xA8"));  // Tæng sè
  EXPECT_EQ(decode_tcvn3("T\xC3\xA6ng s\xC3\xA8", false).value(), "Tổng số");
  for (const std::string u : {"Tổng cộng", "Tổng số", "Cộng", "Toàn huyện", "Đảng bộ xã Mường Cang",
                              "Chi bộ Trường Mầm non Mường Than", "Kết nạp mới", "Tên chi bộ, đảng bộ",
                              "ĐV nữ", "Hoàn thành tốt nhiệm vụ", "Số ĐV kết nạp"}) {
    const std::string t = as_tcvn3(u);
    EXPECT_TRUE(looks_like_tcvn3(t)) << u << " as " << t;
    EXPECT_EQ(decode_legacy(t, ""), u) << t;
    EXPECT_EQ(decode_tcvn3(t, false), u) << t;
  }
}

TEST(LegacyText, UnicodeAndEnglishAreNeverDecoded) {
  for (const char* t : {"Tổng cộng", "Bà", "Tên", "Cà Mau", "Bàn giao", "Members – total", "“Quoted” names…",
                        "Café Résumé", "Total", "femaleMembers", "Số ĐV", "Chi bộ Trường THCS", "Ghi chú", "Năm 2018",
                        "12a", "33,7 %", "± 5", "São Tomé", "Müller", "Ñandú", "École", "Ông Bà", "Hà Nội", "Tà Hừa",
                        "Bế Văn Đàn", "Lò Văn Tâm", "Mường Tè", "Sìn Hồ", "Tè", "Mé", "Pá Tần", "Bé", "Sè", "Xé", "España", "See §5",
                        "Señor", "NIÑO"}) {
    EXPECT_FALSE(looks_like_tcvn3(t)) << t;
    EXPECT_FALSE(looks_like_vni(t)) << t;
    EXPECT_FALSE(decode_legacy(t, "").has_value()) << t;
    EXPECT_FALSE(decode_legacy(t, "Times New Roman").has_value()) << t;
  }
  // Unicode typed into a cell whose font is .VnTime stays Unicode when it
  // reads as Vietnamese and its TCVN3 reading does not ("Tình" would be "Tỡnh").
  EXPECT_FALSE(decode_tcvn3("Tình", false).has_value());
  EXPECT_FALSE(decode_legacy("Tình hình", ".VnTime").has_value());
  EXPECT_FALSE(decode_legacy("Tổng cộng", ".VnTime").has_value());
  // Where both readings are Vietnamese the font decides: "Tên" in .VnTime
  // shows as "Tờn" on the clerk's screen.
  EXPECT_EQ(decode_legacy("T\xC3\xAAn", ".VnTime").value(), "Tờn");
}

TEST(LegacyText, VnTimeHCapitalsRestored) {
  // With the font: the H fonts draw capitals in the lower-case slots.
  EXPECT_EQ(decode_legacy("b\xC2\xB8o c\xC2\xB8o", ".VnTimeH").value(), "BÁO CÁO");
  EXPECT_EQ(decode_tcvn3("T\xC3\xA6ng c\xC3\xA9ng", true).value(), "TỔNG CỘNG");
  EXPECT_EQ(decode_legacy("bao cao", ".VnTimeH").value(), "BAO CAO");
  // Without one (FreeXL, CSV): Latin capitals around lower-case slots say so.
  EXPECT_EQ(decode_legacy("T\xC3\xA6NG C\xC3\xA9NG", "").value(), "TỔNG CỘNG");
  EXPECT_EQ(decode_legacy("B\xC2\xB8O C\xC2\xB8O N\xC2\xA1M 2018", "").value(), "BÁO CÁO NĂM 2018");
  // One capital is a word's first letter, not a font.
  EXPECT_EQ(decode_legacy("C\xC3\xA9ng", "").value(), "Cộng");
}

TEST(LegacyText, VniFoundTheSameWay) {
  EXPECT_EQ(decode_legacy("To\xC3\xA5ng co\xC3\xA4ng", "").value(), "Tổng cộng");  // Toång coäng
  EXPECT_EQ(decode_legacy("\xC3\x91\x61\xC3\xBBng bo\xC3\xA4 x\x61\xC3\xB5 M\xC3\xB6\xC3\xB4\xC3\xB8ng Kim", "").value(),
            "Đảng bộ xã Mường Kim");
  EXPECT_EQ(decode_legacy("Vie\xC3\xA4t Nam", "VNI-Times").value(), "Việt Nam");
  EXPECT_TRUE(looks_like_vni("To\xC3\xA5ng co\xC3\xA4ng"));
  EXPECT_FALSE(looks_like_vni("T\xC3\xA6ng c\xC3\xA9ng")) << "TCVN3 is no VNI";
  // A VNI font that the reader took for a TCVN3 one (both fold to "vn...").
  EXPECT_EQ(decode_tcvn3("To\xC3\xA5ng co\xC3\xA4ng", false).value(), "Tổng cộng");
}

TEST(LegacyText, BoundedOnLongText) {
  std::string t;
  for (int i = 0; i < 20'000; ++i) t += "T\xC3\xA6ng c\xC3\xA9ng ";
  const auto d = decode_legacy(t, "");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->substr(0, 20), "Tổng cộng Tổng");
  EXPECT_FALSE(is_vietnamese_syllable(std::string(100'000, 'a')));
}

// The same return as Unicode, TCVN3 and VNI, in xlsx, xls and CSV: the same
// five organisations, the same figures, the total row checked and dropped.
TEST(LegacyText, OneTableInEveryEncodingReadsIdentically) {
  struct Row {
    const char* name;
    const char* sector;
    std::int64_t members, female, ethnic, admitted, admitted_female;
  };
  const Row expected[] = {{"Đảng bộ xã Mường Kim", "commune", 312, 101, 250, 12, 5},
                          {"Đảng bộ xã Phúc Than", "commune", 287, 96, 240, 9, 4},
                          {"Chi bộ Trường Mầm non Mường Than", "public_service", 21, 19, 11, 2, 2},
                          {"Chi bộ Phòng Tài nguyên và Môi trường", "agency", 14, 5, 3, 1, 0},
                          {"Chi bộ Công an huyện", "armed_forces", 35, 4, 12, 3, 1}};
  for (const char* file : {"unicode.xlsx", "tcvn3.xlsx", "tcvn3.xls", "tcvn3-capitals.xlsx", "tcvn3.csv",
                           "tcvn3-utf8.csv", "vni.xlsx", "vni-utf8.csv"}) {
    SCOPED_TRACE(file);
    const auto imported = test::import_file(test::data_path(std::string("legacy-text/") + file));
    ASSERT_TRUE(imported.status.ok()) << imported.status.message();
    const auto result = Normaliser(cat(), reg()).normalise(imported.doc, {"Than Uyên", "2018"});
    std::string issues;
    for (const auto& e : result.errors) issues += e.code + ": " + e.message + "\n";
    for (const auto& e : result.warnings) issues += "warning " + e.code + ": " + e.message + "\n";
    ASSERT_TRUE(result.accepted()) << issues;
    EXPECT_TRUE(result.warnings.empty()) << issues;
    ASSERT_EQ(result.records.size(), std::size(expected)) << "the total row «Tổng cộng» is no organisation";
    for (std::size_t i = 0; i < std::size(expected); ++i) {
      const auto r = result.records[i];
      const Row& e = expected[i];
      EXPECT_EQ(r.org_name, e.name);
      EXPECT_EQ(r.org_sector, e.sector);
      EXPECT_EQ(r.counts.at("members_total"), e.members) << e.name;
      EXPECT_EQ(r.counts.at("members_female"), e.female) << e.name;
      EXPECT_EQ(r.counts.at("members_ethnic_minority"), e.ethnic) << e.name;
      EXPECT_EQ(r.counts.at("admitted"), e.admitted) << e.name;
      EXPECT_EQ(r.counts.at("admitted_female"), e.admitted_female) << e.name;
    }
    const auto& t = result.totals.counts;
    EXPECT_DOUBLE_EQ(t.at("members_total"), 669);
    EXPECT_DOUBLE_EQ(t.at("members_female"), 225);
    EXPECT_DOUBLE_EQ(t.at("members_ethnic_minority"), 516);
    EXPECT_DOUBLE_EQ(t.at("admitted"), 27);
    EXPECT_DOUBLE_EQ(t.at("admitted_female"), 12);
    EXPECT_EQ(result.totals.records, 5u);
    EXPECT_EQ(result.totals.party_committees, 2u);
  }
}

// The judgement is remembered (the last text, then a table): asked in any
// order, again and again, each text gets the answer it got the first time;
// a Unicode Vietnamese text is refused from its first character outside
// Windows-1252, before anything is remembered.
TEST(LegacyText, RepeatedAndInterleavedTextsKeepTheirJudgement) {
  const std::string tcvn3 = as_tcvn3("Than Uyên"), total = "T\xC3\xA6ng c\xC3\xA9ng";
  for (int round = 0; round < 3; ++round) {
    EXPECT_TRUE(looks_like_tcvn3(tcvn3));
    EXPECT_TRUE(looks_like_tcvn3(tcvn3));
    EXPECT_FALSE(looks_like_tcvn3("Than Uyên"));
    EXPECT_FALSE(looks_like_tcvn3("Than Uyên"));
    EXPECT_TRUE(looks_like_tcvn3(total));
    EXPECT_FALSE(looks_like_tcvn3("Đảng bộ xã Bản " + std::to_string(round)));
    EXPECT_FALSE(looks_like_tcvn3("Café Résumé"));
    EXPECT_TRUE(looks_like_tcvn3(tcvn3));
    EXPECT_FALSE(looks_like_tcvn3("29"));
  }
  EXPECT_FALSE(looks_like_tcvn3(""));
  EXPECT_FALSE(looks_like_tcvn3("T\xC3\xA6ng c\xC3"));  // cut in a character: not Windows-1252 text
}
