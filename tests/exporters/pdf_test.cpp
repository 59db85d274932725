// The PDF exporter through the real daemon: the Lai Châu returns of 2018 and
// a Mường Tè return that lacks women and everything about cells, read back
// with poppler's tools (pdftotext, pdfinfo, pdffonts).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <regex>
#include <sstream>

#include "exporters/printed.hpp"

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace tonghop;
using namespace tonghop::test::printed;

namespace {

const std::string kAdmin = "admin-token-for-the-pdf-tests-of-tonghop";

// Mường Tè: members only (no women, no cells, no ratings, no villages).
const std::string kMuongTe =
    "district,org_name,org_kind,members_total,members_probationary\n"
    "Mường Tè,Đảng bộ xã Bum Nưa,ĐB,180,9\n"
    "Mường Tè,Đảng bộ xã Mù Cả,ĐB,120,5\n";
constexpr std::int64_t kMuongTeMembers = 300;

struct Served : test::ServedDaemon {
  Served() : ServedDaemon(kAdmin) {}
  int submit(const std::string& target, const std::string& body) {
    const auto r = request("POST", target, body);
    return r ? r->status : 0;
  }
  // The 2018 report as PDF, written to `name` in the test's directory.
  fs::path pdf(const std::string& name) {
    const auto r = request("GET", "/api/v1/reports/province?period=2018&format=pdf");
    EXPECT_TRUE(r && r->status == 200) << (r ? r->body : "no reply");
    if (r) {
      EXPECT_EQ(r->header("Content-Type").value_or(""), "application/pdf");
    }
    const auto path = dir.path() / name;
    test::write_file(path, r ? r->body : "");
    return path;
  }
};

json::value expected_2018() { return json::parse(test::read_file(kData + "expected/report-2018.json")); }

}  // namespace

TEST(PdfReport, TheLaiChauReportHasTheHeadingTitleEveryDistrictAndTheTotal) {
  Served s;
  submit_samples(s);
  const auto pdf = s.pdf("report-2018.pdf");
  const std::string text = text_of(pdf);
  for (const char* heading : {"TỈNH ỦY LAI CHÂU", "BAN TỔ CHỨC", "-BC/BTCTU", "ĐẢNG CỘNG SẢN VIỆT NAM", "Lai Châu, ngày ",
                              "BÁO CÁO TỔNG HỢP TÌNH HÌNH TỔ CHỨC CƠ SỞ ĐẢNG VÀ ĐẢNG VIÊN NĂM 2018",
                              "4/8 đảng bộ huyện đã gửi báo cáo", "Nơi nhận:", "Toàn tỉnh", "Chưa báo cáo"})
    EXPECT_NE(text.find(heading), std::string::npos) << heading << "\n" << text;
  const auto expected = expected_2018();
  for (const auto& d : expected.at("completeness").at("expected").as_array())
    EXPECT_NE(text.find(std::string(d.as_string())), std::string::npos) << d;
  // The province's figures, the Vietnamese way, whatever the locale.
  const auto& total = expected.at("total").at("indicators").as_object();
  const auto members = total.at("members_total").to_number<std::int64_t>();
  ASSERT_GT(members, 999);  // so that the thousands separator shows
  EXPECT_NE(text.find(vi(members)), std::string::npos) << vi(members) << "\n" << text;
  const double female_pct = total.at("members_female_pct").to_number<double>();
  EXPECT_NE(text.find(vi_percent(female_pct)), std::string::npos) << vi_percent(female_pct) << "\n" << text;
  // The five tables.
  for (const char* t : {"Biểu 1. Tổ chức cơ sở đảng", "Biểu 2. Đảng viên", "Biểu 3. Kết nạp đảng viên",
                        "Biểu 4. Chi bộ trực thuộc", "Biểu 5. Xếp loại đảng viên"})
    EXPECT_NE(text.find(t), std::string::npos) << t << "\n" << text;
  // No code meant for machines reaches the paper.
  for (const char* code : {"members_total", "party_committee", "not_completed", "null"})
    EXPECT_EQ(text.find(code), std::string::npos) << code;
}

TEST(PdfReport, EveryPageIsA4LandscapeNumberedWithTheHeaderAndDistrictsRepeated) {
  Served s;
  submit_samples(s);
  const auto pdf = s.pdf("report-2018.pdf");
  const auto info = test::run({"/usr/bin/pdfinfo", pdf.string()});
  ASSERT_EQ(info.exit_code, 0) << info.output;
  EXPECT_NE(info.output.find("841.89 x 595.28 pts (A4)"), std::string::npos) << info.output;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(info.output, m, std::regex("Pages:\\s+(\\d+)"))) << info.output;
  const int pages = std::stoi(m[1]);
  EXPECT_GE(pages, 2);
  EXPECT_LE(pages, 8);
  for (int p = 1; p <= pages; ++p) {
    const std::string page = text_of(pdf, p, p);
    EXPECT_NE(page.find("Trang " + std::to_string(p) + "/" + std::to_string(pages)), std::string::npos) << p << page;
    // A page with figures carries the header and every district's name.
    if (page.find("Toàn tỉnh") == std::string::npos) continue;
    EXPECT_NE(page.find("STT"), std::string::npos) << p << page;
    EXPECT_NE(page.find("Đảng bộ huyện"), std::string::npos) << p << page;
    EXPECT_NE(page.find("Sìn Hồ"), std::string::npos) << p << page;
  }
  // Liberation Serif, embedded, and nothing else.
  const auto fonts = test::run({"/usr/bin/pdffonts", pdf.string()});
  ASSERT_EQ(fonts.exit_code, 0) << fonts.output;
  std::istringstream lines(fonts.output);
  std::string line;
  int listed = 0;
  for (int i = 0; std::getline(lines, line); ++i) {
    if (i < 2 || line.empty()) continue;  // the heading and its rule
    ++listed;
    EXPECT_NE(line.find("LiberationSerif"), std::string::npos) << line;
    EXPECT_TRUE(std::regex_search(line, std::regex("\\s+yes\\s+(yes|no)\\s+(yes|no)\\s+\\d+\\s+\\d+\\s*$"))) << line;
  }
  EXPECT_GE(listed, 2) << fonts.output;  // regular and bold at least
  // No text smaller than 10 pt: Liberation Serif's box is 1.107 em tall.
  const auto html = pdf.string() + ".html";
  const auto bbox = test::run({"/usr/bin/pdftotext", "-bbox", pdf.string(), html});
  ASSERT_EQ(bbox.exit_code, 0) << bbox.output;
  const std::string words = test::read_file(html);
  const std::regex word("<word xMin=\"[0-9.]+\" yMin=\"([0-9.]+)\" xMax=\"[0-9.]+\" yMax=\"([0-9.]+)\">([^<]*)</word>");
  int counted = 0;
  for (auto it = std::sregex_iterator(words.begin(), words.end(), word); it != std::sregex_iterator(); ++it) {
    const double height = std::stod((*it)[2]) - std::stod((*it)[1]);
    EXPECT_GE(height / 1.107, 9.99) << (*it)[3];
    ++counted;
  }
  EXPECT_GT(counted, 300);
}

TEST(PdfReport, AnUnknownValueIsBlankAndAnIncompleteTotalIsMarked) {
  Served s;
  submit_samples(s);
  ASSERT_EQ(s.submit("/api/v1/submissions?district=M%C6%B0%E1%BB%9Dng%20T%C3%A8&period=2018&filename=mt.csv", kMuongTe),
            201);
  const auto pdf = s.pdf("lacking.pdf");
  const std::string text = text_of(pdf);
  const auto expected = expected_2018();
  const auto& total = expected.at("total").at("indicators").as_object();
  // Members: Mường Tè counted. Women: the four districts that say, marked "*".
  EXPECT_NE(text.find(vi(total.at("members_total").to_number<std::int64_t>() + kMuongTeMembers)), std::string::npos)
      << text;
  EXPECT_NE(text.find(vi(total.at("members_female").to_number<std::int64_t>()) + "*"), std::string::npos) << text;
  EXPECT_NE(text.find("Ô màu xám để trống: Không có số liệu"), std::string::npos) << text;
  EXPECT_NE(text.find("(*) Số toàn tỉnh chỉ gồm các huyện có số liệu"), std::string::npos) << text;
  EXPECT_NE(text.find("Không có số liệu của Mường Tè:"), std::string::npos) << text;
  EXPECT_NE(text.find("Đảng viên (Nữ, Nữ (%), DTTS"), std::string::npos) << text;
  // Mường Tè's row in the members' table: 300 and 14, then blanks, never 0.
  bool members_row = false;
  const std::regex row("Mường Tè([^\\n]*)");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), row); it != std::sregex_iterator(); ++it)
    members_row = members_row || std::regex_match(std::string((*it)[1]), std::regex("\\s+300\\s+14\\s*"));
  EXPECT_TRUE(members_row) << text;
}
