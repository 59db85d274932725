// `tonghopd check`, as a district clerk runs it: the real binary on the
// real files, from the source tree (config/ and build/plugins).
#include <gtest/gtest.h>

#include <sys/resource.h>

#include <cstdio>

#include <boost/json.hpp>

#include "support/process.hpp"

namespace json = boost::json;

namespace {
tonghop::test::RunResult check(std::vector<std::string> args) {
  std::vector<std::string> argv{TONGHOPD_PATH, "check"};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.insert(argv.end(), {"--config", TONGHOP_SOURCE_DIR "/config/tonghop.toml", "--plugins-dir", TONGHOP_PLUGIN_DIR});
  // config/tonghop.toml names config/... relative to the source tree.
  tonghop::test::Process p(argv, {}, {}, TONGHOP_SOURCE_DIR);
  tonghop::test::RunResult r;
  r.exit_code = p.wait(std::chrono::seconds(60)).value_or(-1);
  r.output = p.output();
  return r;
}
const std::string data = TONGHOP_SOURCE_DIR "/tests/data/lai-chau/";
}  // namespace

TEST(Check, AnAcceptedReturnExitsZeroWithItsRecords) {
  const auto r = check({data + "2018/than-uyen.xlsx", "--district", "Huyện ủy Than Uyên", "--period", "Năm 2018",
                        "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto o = json::parse(r.output).as_object();
  EXPECT_EQ(o.at("district").as_string(), "Than Uyên");
  EXPECT_EQ(o.at("period").as_string(), "2018");
  EXPECT_EQ(o.at("format").as_string(), "xlsx");
  EXPECT_TRUE(o.at("accepted").as_bool());
  EXPECT_EQ(o.at("records").as_array().size(), 45u);
  EXPECT_EQ(o.at("records").as_array()[0].at("members_total").as_int64(), 154);
  EXPECT_TRUE(o.at("errors").as_array().empty());
}

TEST(Check, ARefusedReturnExitsOneNamingTheCell) {
  const auto r = check({data + "bad/phong-tho-female-exceeds-total.csv", "--district", "phong tho", "--period", "2018",
                        "--format", "json"});
  ASSERT_EQ(r.exit_code, 1) << r.output;
  const auto o = json::parse(r.output).as_object();
  EXPECT_FALSE(o.at("accepted").as_bool());
  const auto& e = o.at("errors").as_array().at(0).as_object();
  EXPECT_EQ(e.at("code").as_string(), "part_exceeds_whole");
  EXPECT_EQ(e.at("row").as_int64(), 6);
  EXPECT_EQ(e.at("column").as_string(), "M");
  EXPECT_EQ(e.at("field").as_string(), "members_female");
  EXPECT_TRUE(e.contains("value"));
}

TEST(Check, TextOutputIsForPeople) {
  const auto r = check({data + "bad/sin-ho-not-a-number.csv", "--district", "Sìn Hồ", "--period", "2018"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("REFUSED"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("không phải là số"), std::string::npos);
  EXPECT_NE(r.output.find("row 4, column K"), std::string::npos) << r.output;
}

TEST(Check, AJsonReturnNamesItsPointer) {
  const auto r = check({data + "2018/tam-duong.json", "--district", "Phong Thổ", "--period", "2018", "--format", "json"});
  ASSERT_EQ(r.exit_code, 1) << r.output;
  const auto o = json::parse(r.output).as_object();
  const auto& e = o.at("errors").as_array().at(0).as_object();
  EXPECT_EQ(e.at("code").as_string(), "district_mismatch");
  EXPECT_EQ(e.at("path").as_string(), "/don_vi_bao_cao");
  EXPECT_FALSE(e.contains("row"));
}

TEST(Check, UsageErrorsExitTwo) {
  EXPECT_EQ(check({data + "2018/sin-ho.csv", "--period", "2018"}).exit_code, 2);
  EXPECT_EQ(check({data + "2018/sin-ho.csv", "--district", "Atlantis", "--period", "2018"}).exit_code, 2);
  EXPECT_EQ(check({data + "2018/sin-ho.csv", "--district", "Sìn Hồ", "--period", "someday"}).exit_code, 2);
  EXPECT_EQ(check({data + "nope.csv", "--district", "Sìn Hồ", "--period", "2018"}).exit_code, 2);
  EXPECT_EQ(check({data + "2018/sin-ho.csv", "--district", "Sìn Hồ", "--period", "2018", "--format", "xml"}).exit_code, 2);
}

TEST(Check, BytesNothingCanReadAreRefusedWithTheReason) {
  tonghop::test::TempDir dir;
  tonghop::test::write_file(dir.path() / "bao-cao.pdf", "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n");
  const auto r = check({(dir.path() / "bao-cao.pdf").string(), "--district", "Sìn Hồ", "--period", "2018"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("a PDF document"), std::string::npos) << r.output;
}

// One CSV row of 3,000,000 cells (6 MB) cost 208 bytes a cell in the
// normaliser (kept whole while the header was looked for): refused at its
// first column past Excel's last, XFD, with the cost of a small file.
TEST(Check, ARowWiderThanAnySpreadsheetIsRefusedWithoutCostingMemoryPerCell) {
  const std::string dir = ::testing::TempDir();
  const std::string file = dir + "/wide-row.csv";
  {
    std::string text = "Tên tổ chức cơ sở đảng,Tổng số đảng viên\nChi bộ Bản Mường";
    for (int i = 0; i < 3'000'000; ++i) text += ",1";
    text += "\n";
    std::FILE* f = std::fopen(file.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
  }
  const auto r = check({file, "--district", "Than Uyên", "--period", "2018", "--format", "json"});
  EXPECT_EQ(r.exit_code, 1) << r.output.substr(0, 2000);
  EXPECT_NE(r.output.find("more than 16384 columns"), std::string::npos) << r.output.substr(0, 2000);
  EXPECT_NE(r.output.find("hơn 16384 cột"), std::string::npos);
  struct rusage usage {};
  ::getrusage(RUSAGE_CHILDREN, &usage);
  EXPECT_LT(usage.ru_maxrss, 200 * 1024) << "KiB at peak of the largest child (3,000,000 cells cost 620 MB before)";
}
