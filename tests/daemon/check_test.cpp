// `tonghopd check`, as a district clerk runs it: the real binary on the
// real files, from the source tree (config/ and build/plugins).
#include <gtest/gtest.h>

#include <sys/resource.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include <boost/json.hpp>

#include "daemon/check_support.hpp"
#include "support/process.hpp"

namespace json = boost::json;

using namespace tonghop::test::check;

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

// check leaves the exporters (tonghop-export-*.so) unloaded, by their name;
// an importer given such a name is still found: when nothing else takes the
// file, every plugin is loaded and the file tried again.
TEST(Check, AnImporterNamedLikeAnExporterStillReadsTheFile) {
  tonghop::test::TempDir dir;
  std::filesystem::copy_file(TONGHOP_PLUGIN_DIR "/tonghop-import-json.so", dir.path() / "tonghop-export-json.so");
  std::filesystem::copy_file(TONGHOP_PLUGIN_DIR "/tonghop-export-csv.so", dir.path() / "tonghop-export-csv.so");
  const auto r = check({data + "2018/tam-duong.json", "--district", "Tam Đường", "--period", "2018", "--format", "json"},
                       dir.path().string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto o = json::parse(r.output).as_object();
  EXPECT_EQ(o.at("plugin").as_string(), "import-json");
  EXPECT_EQ(o.at("records").as_array().size(), 33u);
  // The same directory without it: nothing reads JSON, and check says so.
  std::filesystem::remove(dir.path() / "tonghop-export-json.so");
  const auto none = check({data + "2018/tam-duong.json", "--district", "Tam Đường", "--period", "2018"},
                          dir.path().string());
  EXPECT_EQ(none.exit_code, 1) << none.output;
  EXPECT_NE(none.output.find("no importer"), std::string::npos) << none.output;
}

// One CSV row of 3,000,000 cells (6 MB) cost 208 bytes a cell in the
// normaliser (kept whole while the header was looked for): refused at its
// first column past Excel's last, XFD, with the cost of a small file.
TEST(Check, ARowWiderThanAnySpreadsheetIsRefusedWithoutCostingMemoryPerCell) {
  const std::string dir = ::testing::TempDir();
  const std::string file = dir + "/wide-row.csv";
  {
    std::string text = "Tên tổ chức cơ sở đảng,Tổng số đảng viên\nChi bộ Bản Mường";
    // 2,300,000 organisations: about 66 MB, under the default max_input_size (64 MiB).
  for (int i = 0; i < 2'300'000; ++i) text += ",1";
    text += "\n";
    std::FILE* f = std::fopen(file.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
  }
  const auto r = check({file, "--district", "Than Uyên", "--period", "2018", "--format", "json"});
  EXPECT_EQ(r.exit_code, 1) << r.output.substr(0, 2000);
  // A CSV has no sheet: its line is named, not an empty sheet ("trang «»").
  EXPECT_NE(r.output.find("line 2 has more than 16384 columns"), std::string::npos) << r.output.substr(0, 2000);
  EXPECT_NE(r.output.find("dòng 2 có hơn 16384 cột"), std::string::npos) << r.output.substr(0, 2000);
  EXPECT_EQ(r.output.find("«»"), std::string::npos) << r.output.substr(0, 2000);
  struct rusage usage {};
  ::getrusage(RUSAGE_CHILDREN, &usage);
  EXPECT_LT(usage.ru_maxrss, 200 * 1024) << "KiB at peak of the largest child (3,000,000 cells cost 620 MB before)";
}

// `--format json` streams the records as they are read (issue 18): the whole
// output must still be one valid JSON document that holds every record, the
// same organisations and sums as the text mode, names with quotes,
// backslashes and Vietnamese intact. The return is generated here: the 34
// organisations of Phong Thổ's sample, 120 times over, each with its own name.
TEST(Check, StreamedJsonHoldsEveryRecordAsTheTextModeCountsThem) {
  tonghop::test::TempDir dir;
  std::FILE* in = std::fopen((data + "2018/phong-tho.csv").c_str(), "rb");
  ASSERT_NE(in, nullptr);
  std::string sample;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, in)) > 0;) sample.append(buf, n);
  std::fclose(in);
  std::vector<std::string> lines;
  for (std::size_t at = 0; at < sample.size();) {
    std::size_t end = sample.find('\n', at);
    if (end == std::string::npos) end = sample.size();
    std::string line = sample.substr(at, end - at);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) lines.push_back(line);
    at = end + 1;
  }
  ASSERT_EQ(lines.size(), 35u);
  auto fields = [](const std::string& line) {
    std::vector<std::string> out(1);
    for (const char c : line) {
      if (c == ';') out.emplace_back();
      else out.back() += c;
    }
    return out;
  };
  constexpr int kTimes = 120;
  std::string text = lines[0] + "\n";
  std::int64_t members = 0, committees = 0;
  for (int k = 1; k <= kTimes; ++k)
    for (std::size_t i = 1; i < lines.size(); ++i) {
      auto f = fields(lines[i]);
      ASSERT_EQ(f.size(), 35u);
      // Every 7th name carries a quote and a backslash, written as CSV quotes them.
      f[1] = i % 7 == 0 ? "\"" + f[1] + " \"\"số\"\" \\" + std::to_string(k) + "\"" : f[1] + " số " + std::to_string(k);
      members += std::stoll(f[10]);
      committees += f[2] == "ĐB";
      std::string row;
      for (std::size_t c = 0; c < f.size(); ++c) row += (c ? ";" : "") + f[c];
      text += row + "\n";
    }
  const auto file = dir.path() / "phong-tho-lon.csv";
  tonghop::test::write_file(file, text);
  const std::size_t records = 34 * kTimes;

  const auto j = check({file.string(), "--district", "Phong Thổ", "--period", "2018", "--format", "json"});
  ASSERT_EQ(j.exit_code, 0) << j.output.substr(0, 3000);
  json::error_code ec;
  const auto parsed = json::parse(j.output, ec);
  ASSERT_FALSE(ec) << ec.message();
  const auto& o = parsed.as_object();
  EXPECT_TRUE(o.at("accepted").as_bool());
  EXPECT_EQ(o.at("file").as_string(), "phong-tho-lon.csv");
  EXPECT_EQ(o.at("district").as_string(), "Phong Thổ");
  EXPECT_TRUE(o.at("coverage").is_object());
  EXPECT_TRUE(o.at("errors").as_array().empty());
  const auto& rs = o.at("records").as_array();
  ASSERT_EQ(rs.size(), records);
  std::int64_t sum = 0, kinds = 0, quoted = 0;
  for (const auto& r : rs) {
    sum += r.at("members_total").as_int64();
    kinds += r.at("org_kind").as_string() == "party_committee";
    EXPECT_EQ(r.at("period").as_string(), "2018");
    quoted += std::string_view(r.at("org_name").as_string()).find("\"số\" \\") != std::string_view::npos;
  }
  EXPECT_EQ(sum, members);
  EXPECT_EQ(kinds, committees);
  EXPECT_EQ(quoted, 4 * kTimes);  // rows 7, 14, 21 and 28 of each copy
  EXPECT_EQ(rs[0].at("org_name").as_string(), "Đảng bộ xã Bản Lang số 1");
  EXPECT_EQ(rs[records - 1].at("org_name").as_string(), "Chi bộ Hạt Kiểm lâm số " + std::to_string(kTimes));

  // The text mode counts the same organisations and the same sum.
  const auto t = check({file.string(), "--district", "Phong Thổ", "--period", "2018"});
  ASSERT_EQ(t.exit_code, 0) << t.output.substr(0, 3000);
  EXPECT_NE(t.output.find(std::to_string(records) + " organisations read"), std::string::npos);
  const std::string counted = "Cộng: " + std::to_string(records) + " tổ chức cơ sở đảng (" + std::to_string(committees) +
                              " đảng bộ, " + std::to_string(records - committees) + " chi bộ)";
  EXPECT_NE(t.output.find(counted), std::string::npos) << t.output.substr(t.output.size() - 500);
  const auto total_line = t.output.find("\n       Cộng");
  ASSERT_NE(total_line, std::string::npos);
  const std::string line = t.output.substr(total_line, t.output.find('\n', total_line + 1) - total_line);
  EXPECT_NE(line.find(" " + std::to_string(members)), std::string::npos) << line;
}

namespace {

// What check says of a large return changed by `change` once check has it
// mapped (long before it is read through): the process's exit code (-1:
// killed by a signal) and output.
template <class Change>
tonghop::test::RunResult check_while(Change&& change) {
  tonghop::test::TempDir dir;
  const auto file = dir.path() / "dang-chep.csv";
  std::string text = "Tên tổ chức cơ sở đảng;Loại hình;Tổng số đảng viên\n";
  // 2,300,000 organisations: about 66 MB, under the default max_input_size (64 MiB).
  for (int i = 0; i < 2'300'000; ++i) text += "Chi bộ thôn " + std::to_string(i) + ";CB;" + std::to_string(10 + i % 40) + "\n";
  tonghop::test::write_file(file, text);
  tonghop::test::Process p({TONGHOPD_PATH, "check", file.string(), "--district", "Sìn Hồ", "--period", "2018", "--config",
                            TONGHOP_SOURCE_DIR "/config/tonghop.toml", "--plugins-dir", TONGHOP_PLUGIN_DIR},
                           {}, {}, TONGHOP_SOURCE_DIR);
  // The kernel names the mapping by the file's resolved path.
  const std::string mapped_as = std::filesystem::canonical(file).string();
  bool mapped = false;
  for (int i = 0; i < 15'000 && !mapped; ++i) {
    mapped = tonghop::test::read_file("/proc/" + std::to_string(p.pid()) + "/maps").find(mapped_as) != std::string::npos;
    if (!mapped && p.wait(std::chrono::milliseconds(0))) break;  // ended before it was seen
    if (!mapped) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  EXPECT_TRUE(mapped) << p.output();
  change(file);
  tonghop::test::RunResult r;
  r.exit_code = p.wait(std::chrono::seconds(60)).value_or(-1);
  r.output = p.output();
  return r;
}

}  // namespace

// A file that changes while check reads it (a copy still being made over
// it, a clerk saving again) is told as such, with exit 2 as for a file it
// cannot read, and not judged: cut short under its mapping, it is not a
// death by SIGBUS halfway through the answer; grown, it is not a verdict on
// part of it.
TEST(Check, AFileThatChangesWhileItIsReadIsToldAndNotJudged) {
  const auto cut = check_while([](const std::filesystem::path& f) { std::filesystem::resize_file(f, 0); });
  EXPECT_EQ(cut.exit_code, 2) << "-1: killed by a signal\n" << cut.output.substr(0, 2000);
  const auto grown = check_while([](const std::filesystem::path& f) {
    std::ofstream(f, std::ios::app) << "Chi bộ thôn mới;CB;12\n";
  });
  EXPECT_EQ(grown.exit_code, 2) << grown.output.substr(0, 2000);
  for (const auto* r : {&cut, &grown}) {
    EXPECT_NE(r->output.find("changed or was cut short while it was read"), std::string::npos) << r->output.substr(0, 2000);
    EXPECT_NE(r->output.find("cắt ngắn trong khi đang đọc"), std::string::npos) << r->output.substr(0, 2000);
    EXPECT_EQ(r->output.find("tổ chức"), std::string::npos) << "no verdict: " << r->output.substr(0, 2000);
  }
}
