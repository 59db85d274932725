// `tonghopd check`, as a district clerk runs it: the real binary on the
// real files, from the source tree (config/ and build/plugins).
#include <gtest/gtest.h>

#include <sys/resource.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include <boost/json.hpp>
#include <xlsxwriter.h>

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

// A workbook written by a program that does not calculate (openpyxl): a
// formula's value is not in the file. Where no field reads it (a notes
// column) the return is read as if it were not there; where a field reads
// it, the return is refused at that cell, never read as a blank or a 0; a
// total row of such formulas is refused, never passed unchecked. A
// formula's error ("#N/A") where the name is read was taken as the
// organisation's name; now refused at its cell.
TEST(Check, AFormulaIsRefusedOnlyWhereAFieldReadsIt) {
  tonghop::test::TempDir dir;
  ASSERT_TRUE(openpyxl_books(dir,
                             "def book(name, change):\n"
                             "    wb = openpyxl.Workbook(); ws = wb.active; ws.title = 'Biểu 01'\n"
                             "    for r in rows: ws.append([int(x) if x.isdigit() else x for x in r])\n"
                             "    change(ws); wb.save(out + '/' + name)\n"
                             "n = len(rows[0])\n"
                             "def notes(ws):\n"
                             "    ws.cell(row=1, column=n + 1, value='Ghi chú')\n"
                             "    ws.cell(row=3, column=n + 1, value='=1+1')\n"
                             "book('notes.xlsx', notes)\n"
                             "book('count.xlsx', lambda ws: ws.cell(row=3, column=11, value='=100+5'))\n"
                             "book('name.xlsx', lambda ws: ws.cell(row=3, column=2, value='#N/A'))\n"
                             "def total(ws):\n"
                             "    last = len(rows)\n"
                             "    ws.append(['Phong Thổ', 'Tổng cộng', ''] + ['=SUM(%s2:%s%d)' % (openpyxl.utils.get_column_letter(c), "
                             "openpyxl.utils.get_column_letter(c), last) for c in range(4, 26)])\n"
                             "book('total.xlsx', total)\n"
                             "counts = [c for c in range(4, n + 1) if all(r[c - 1].isdigit() for r in rows[1:])]\n"
                             "def sums(all_formulas):\n"
                             "    def change(ws):\n"
                             "        row = [''] * n\n"
                             "        for c in counts:\n"
                             "            L = openpyxl.utils.get_column_letter(c)\n"
                             "            typed = sum(int(r[c - 1]) for r in rows[1:])\n"
                             "            row[c - 1] = '=SUM(%s2:%s%d)' % (L, L, len(rows)) if all_formulas or c == counts[-1] else typed\n"
                             "        ws.append(row)\n"
                             "    return change\n"
                             "book('sums-last.xlsx', sums(False))\n"
                             "book('sums-all.xlsx', sums(True))\n"));
  const auto read = [&](const std::string& name) {
    const auto r = check_phong_tho((dir.path() / name).string());
    return std::make_pair(r.exit_code, json::parse(r.output).as_object());
  };
  // The notes column's formula: read as the CSV reads, every figure.
  const auto [notes_exit, notes] = read("notes.xlsx");
  ASSERT_EQ(notes_exit, 0) << json::serialize(notes.at("errors"));
  const auto csv = check_phong_tho(data + "2018/phong-tho.csv");
  ASSERT_EQ(csv.exit_code, 0) << csv.output;
  const auto from_csv = json::parse(csv.output).as_object();
  ASSERT_EQ(notes.at("records").as_array().size(), 34u);
  EXPECT_EQ(notes.at("records"), from_csv.at("records"));
  // A count's formula: refused at K3, members_total.
  for (const auto& [name, code, column, field, value] :
       std::vector<std::tuple<std::string, std::string, std::string, std::string, std::string>>{
           {"count.xlsx", "formula_without_value", "K", "members_total", ""},
           {"name.xlsx", "formula_error", "B", "org_name", "#N/A"}}) {
    const auto [exit, o] = read(name);
    EXPECT_EQ(exit, 1) << name;
    ASSERT_EQ(o.at("errors").as_array().size(), 1u) << name << ": " << json::serialize(o.at("errors"));
    const auto& e = o.at("errors").at(0).as_object();
    EXPECT_EQ(e.at("code"), code.c_str()) << name;
    EXPECT_EQ(e.at("row").as_int64(), 3) << name;
    EXPECT_EQ(e.at("column"), column.c_str()) << name;
    EXPECT_EQ(e.at("field"), field.c_str()) << name;
    if (!value.empty()) {
      EXPECT_EQ(e.at("value"), value.c_str()) << name;
    }
    EXPECT_NE(std::string(e.at("message").as_string()).find(code == "formula_error" ? "có công thức bị lỗi «#N/A»"
                                                                                   : "tệp không lưu kết quả do chương trình bảng tính tính ra"),
              std::string::npos)
        << e.at("message");
  }
  // A CSV saved by Excel or LibreOffice writes a formula's error as its
  // text ("#N/A", "Err:502"), a space before it or not: refused too.
  for (const std::string shown : {"#N/A", " #N/A", "Err:502", "#BLOCKED!"}) {
    std::string text = tonghop::test::read_file(data + "2018/phong-tho.csv");
    const auto at = text.find("Đảng bộ xã Dào San");
    ASSERT_NE(at, std::string::npos);
    text.replace(at, std::string("Đảng bộ xã Dào San").size(), shown);
    tonghop::test::write_file(dir.path() / "name.csv", text);
    const auto [exit, o] = read("name.csv");
    EXPECT_EQ(exit, 1) << shown;
    ASSERT_EQ(o.at("errors").as_array().size(), 1u) << shown << ": " << json::serialize(o.at("errors"));
    EXPECT_EQ(o.at("errors").at(0).at("code"), "formula_error") << shown;
    EXPECT_EQ(o.at("errors").at(0).at("row").as_int64(), 3);
    EXPECT_EQ(o.at("errors").at(0).at("field"), "org_name");
  }
  // A total row without its label ("Tổng cộng"): one of its sums a formula
  // not computed, or all of them. Refused at those cells; it was taken as a
  // total with that cell passed over, or the clerk asked for a name.
  for (const auto& [name, all] : std::vector<std::pair<std::string, bool>>{{"sums-last.xlsx", false},
                                                                           {"sums-all.xlsx", true}}) {
    const auto [exit, o] = read(name);
    EXPECT_EQ(exit, 1) << name;
    ASSERT_FALSE(o.at("errors").as_array().empty()) << name;
    if (!all) {
      EXPECT_EQ(o.at("errors").as_array().size(), 1u) << name << ": " << json::serialize(o.at("errors"));
    }
    for (const auto& e : o.at("errors").as_array()) {
      EXPECT_EQ(e.at("code"), "formula_without_value") << name << ": " << json::serialize(e);
      EXPECT_EQ(e.at("row").as_int64(), 36) << json::serialize(e);
    }
  }
  // The total row's formulas: not one total checked, so refused, at its row.
  const auto [total_exit, total] = read("total.xlsx");
  EXPECT_EQ(total_exit, 1);
  ASSERT_FALSE(total.at("errors").as_array().empty());
  for (const auto& e : total.at("errors").as_array()) {
    EXPECT_EQ(e.at("code"), "formula_without_value") << json::serialize(e);
    EXPECT_EQ(e.at("row").as_int64(), 36) << json::serialize(e);
  }
}

// A workbook written by libxlsxwriter, as a district's own program writes
// one: it asks to be calculated when opened (fullCalcOnLoad), and a
// formula's value in it is what the program put there, 0 unless told the
// result. Dào San's members (K3, =100+62) were read as 0. Now every formula
// a field reads is refused at its cell, the told result (L3) too: nothing
// tells a told result from a wrong one, and LibreOffice keeps either as it
// is when it saves, so the advice asks for a full recalculation. A formula
// no field reads (notes) is left alone, and without formulas the same
// writer's return reads as the CSV does. A text the writer gave as a
// formula's (the header of M) is kept: refused, its column was left out;
// one that reads as a figure (K4, "999", as XlsxWriter gives a result
// told as a string) is not.
TEST(Check, AFormulaOfAWorkbookToBeCalculatedOnOpeningIsRefusedWhereAFieldReadsIt) {
  tonghop::test::TempDir dir;
  std::ifstream in(data + "2018/phong-tho.csv");
  std::vector<std::vector<std::string>> rows;
  for (std::string line; std::getline(in, line);) {
    if (rows.empty() && line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3);
    auto& row = rows.emplace_back();
    for (std::size_t at = 0;;) {
      const std::size_t semi = line.find(';', at);
      row.push_back(line.substr(at, semi == std::string::npos ? std::string::npos : semi - at));
      if (semi == std::string::npos) break;
      at = semi + 1;
    }
  }
  ASSERT_EQ(rows.size(), 35u);
  const auto write = [&](const std::string& name, bool formulas) {
    lxw_workbook* wb = workbook_new((dir.path() / name).c_str());
    lxw_worksheet* ws = workbook_add_worksheet(wb, "Biểu 01");
    for (std::size_t r = 0; r < rows.size(); ++r)
      for (std::size_t c = 0; c < rows[r].size(); ++c) {
        const std::string& v = rows[r][c];
        const bool digits = !v.empty() && v.find_first_not_of("0123456789") == std::string::npos;
        if (digits && r > 0) worksheet_write_number(ws, r, c, std::stod(v), nullptr);
        else worksheet_write_string(ws, r, c, v.c_str(), nullptr);
      }
    // M1 written as a formula of its text, as libxlsxwriter gives one (t="str"): the header is read.
    worksheet_write_formula_str(ws, 0, 12, "=\"Dang vien nu\"", nullptr, "Dang vien nu");
    worksheet_write_string(ws, 0, rows[0].size(), "Ghi chú", nullptr);
    worksheet_write_formula(ws, 2, rows[0].size(), "=1+1", nullptr);  // notes: no field reads it
    if (formulas) {
      ASSERT_EQ(rows[2][10], "162");
      worksheet_write_formula(ws, 2, 10, "=100+62", nullptr);  // K3, cached 0
      worksheet_write_formula_num(ws, 2, 11, "=10+2", nullptr, std::stod(rows[2][11]));  // L3, told its result
      worksheet_write_formula_str(ws, 3, 10, "=\"999\"", nullptr, "999");  // K4, a text that reads as a figure
    }
    ASSERT_EQ(workbook_close(wb), LXW_NO_ERROR);
  };
  write("plain.xlsx", false);
  write("formulas.xlsx", true);
  const auto csv = check_phong_tho(data + "2018/phong-tho.csv");
  ASSERT_EQ(csv.exit_code, 0) << csv.output;
  const auto plain = check_phong_tho((dir.path() / "plain.xlsx").string());
  ASSERT_EQ(plain.exit_code, 0) << plain.output.substr(0, 2000);
  EXPECT_EQ(json::parse(plain.output).at("records"), json::parse(csv.output).at("records"));
  const auto r = check_phong_tho((dir.path() / "formulas.xlsx").string());
  ASSERT_EQ(r.exit_code, 1) << r.output.substr(0, 2000);
  const auto o = json::parse(r.output);
  const auto& errors = o.at("errors").as_array();
  ASSERT_EQ(errors.size(), 3u) << json::serialize(errors);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(errors[i].at("code"), "formula_without_value");
    EXPECT_EQ(errors[i].at("row").as_int64(), i < 2 ? 3 : 4);
    EXPECT_EQ(errors[i].at("column"), i == 1 ? "L" : "K");
    EXPECT_EQ(errors[i].at("field"), i == 1 ? "members_probationary" : "members_total");
  }
  EXPECT_NE(std::string(errors[0].at("message").as_string())
                .find("tệp không lưu kết quả do chương trình bảng tính tính ra (tệp do một chương trình không tính "
                      "công thức tạo ra, hoặc tệp yêu cầu tính lại khi mở); hãy mở tệp bằng Excel hoặc LibreOffice, "
                      "cho tính lại toàn bộ (Excel: Ctrl+Alt+F9; LibreOffice: Ctrl+Shift+F9)"),
            std::string::npos)
      << errors[0].at("message");
}

// Phong Thổ's return as a district's own program writes it with Apache
// POI's HSSF, or NPOI (tests/data/office/make-files): a formula POI did not
// calculate holds 0. Dào San's converted (T3, =2+3) has no rule that would
// catch a 0, and was read as 0; its members (K3, =100+62) were read as 0 and
// refused as smaller than its parts, at the wrong cells. Now each is refused
// at its own cell, and so is O3, which POI's evaluator did calculate to 0:
// nothing in the file tells that 0 from the others (the price,
// docs/normalisation.md); L3, calculated to 12, is read. The same workbook
// marked to be calculated when opened (a sheet's UNCALCED, a workbook's
// RECALCID of engine 0) has none of its formulas' figures read, K4's text
// "214" neither; the header M1 written as a formula is. LibreOffice,
// opening it, calculates them: its save reads as the CSV does.
TEST(Check, AFormulaPoiOrNpoiDidNotCalculateIsRefusedAtItsCell) {
  const std::string office = TONGHOP_SOURCE_DIR "/tests/data/office/";
  const auto refused_at = [&](const std::string& file) {
    const auto r = check_phong_tho(office + file);
    EXPECT_EQ(r.exit_code, 1) << file << ": " << r.output.substr(0, 2000);
    std::vector<std::string> at;
    const auto o = json::parse(r.output);
    for (const auto& e : o.at("errors").as_array()) {
      EXPECT_EQ(e.at("code"), "formula_without_value") << file << ": " << json::serialize(e);
      at.push_back(std::string(e.at("column").as_string()) + std::to_string(e.at("row").as_int64()));
    }
    return at;
  };
  EXPECT_EQ(refused_at("poi.xls"), (std::vector<std::string>{"K3", "O3", "T3"}));
  EXPECT_EQ(refused_at("poi-sheet-recalc.xls"), (std::vector<std::string>{"K3", "L3", "O3", "T3", "K4"}));
  EXPECT_EQ(refused_at("poi-book-recalc.xls"), (std::vector<std::string>{"K3", "L3", "O3", "T3", "K4"}));
  const auto csv = check_phong_tho(data + "2018/phong-tho.csv");
  ASSERT_EQ(csv.exit_code, 0) << csv.output;
  const auto saved = check_phong_tho(office + "poi-libreoffice.xls");
  ASSERT_EQ(saved.exit_code, 0) << saved.output.substr(0, 2000);
  EXPECT_EQ(json::parse(saved.output).at("records"), json::parse(csv.output).at("records"));
}
