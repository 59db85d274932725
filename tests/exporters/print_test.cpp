// The province workbook as the Board prints it: the real daemon's xlsx,
// rendered to PDF by LibreOffice (headless, its own HOME) under an English
// and a Vietnamese locale, read back with poppler (pdftotext, pdfinfo).
// Numbers show 15.513 and 34,70 under both; each table (Biểu) prints whole on
// one page, never cut sideways, with its text at 10 pt or more; the chart has
// its own page. The [report] settings of tonghop.toml reach the page.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <regex>

#include "exporters/printed.hpp"

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace tonghop;
using namespace tonghop::test::printed;

namespace {

const std::string kAdmin = "admin-token-for-the-print-tests-of-tonghop";
const std::string kReport =
    "[report]\nnumber = \"125\"\nrecipients = [\"Thường trực Tỉnh ủy (b/c)\", \"Lưu VT\"]\n"
    "signer_role = \"T/M BAN THƯỜNG VỤ\"\nsigner_title = \"PHÓ TRƯỞNG BAN\"\nsigner_name = \"Nguyễn Văn A\"\n"
    "[time]\ntimezone = \"Asia/Ho_Chi_Minh\"\n";

struct Served : test::ServedDaemon {
  Served() : ServedDaemon(kAdmin, kReport) { submit_samples(*this); }
  fs::path get(const std::string& format) {
    const auto r = request("GET", "/api/v1/reports/province?period=2018&format=" + format);
    EXPECT_TRUE(r && r->status == 200) << (r ? r->body : "no reply");
    const auto path = dir.path() / ("report-2018." + format);
    test::write_file(path, r ? r->body : "");
    return path;
  }
};

// The workbook rendered by LibreOffice under `locale`, into its own folder.
fs::path render(const fs::path& book, const std::string& locale) {
  const fs::path out = book.parent_path() / locale;
  const fs::path home = book.parent_path() / (locale + "-home");
  fs::create_directories(out);
  fs::create_directories(home);
  const auto r = test::run({"/usr/bin/env", "HOME=" + home.string(), "LANG=" + locale, "LC_ALL=" + locale, "/usr/bin/soffice",
                            "--headless", "--convert-to", "pdf", "--outdir", out.string(), book.string()});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return out / (book.stem().string() + ".pdf");
}

}  // namespace

TEST(WorkbookPrint, LibreOfficeUnderEnglishAndVietnameseLocalesPrintsTheSamePagesTheVietnameseWay) {
  if (!fs::exists("/usr/bin/soffice")) GTEST_SKIP() << "LibreOffice is not installed";
  for (const char* locale : {"en_US.UTF-8", "vi_VN.UTF-8"}) {
    const auto r = test::run({"/usr/bin/locale", "-a"});
    std::string name = locale;
    name = name.substr(0, name.find('.'));
    if (r.output.find(name) == std::string::npos) GTEST_SKIP() << locale << " is not generated (locale-gen)";
  }
  // Column widths are in characters of Calibri, the workbook's default font:
  // without its metric twin LibreOffice measures them in a wider font.
  if (test::run({"/usr/bin/fc-match", "Calibri"}).output.find("Carlito") == std::string::npos)
    GTEST_SKIP() << "fonts-crosextra-carlito is not installed";
  Served s;
  const auto book = s.get("xlsx");
  const auto en = render(book, "en_US.UTF-8");
  const auto vn = render(book, "vi_VN.UTF-8");
  const auto expected = json::parse(test::read_file(kData + "expected/report-2018.json"));
  const auto& total = expected.at("total").at("indicators").as_object();

  // The same pages under both locales, word for word.
  const std::string text_en = text_of(en), text_vn = text_of(vn);
  EXPECT_EQ(text_en, text_vn) << "the separators do not depend on the reader's locale";
  // Every figure of the province Vietnamese-style; never the English way.
  for (const auto& kv : total) {
    const std::string id(kv.key());
    const std::string shown = id.ends_with("_pct") ? vi_percent(kv.value().to_number<double>())
                                                   : vi(kv.value().to_number<std::int64_t>());
    EXPECT_NE(text_en.find(shown), std::string::npos) << id << " as " << shown;
  }
  const auto members = total.at("members_total").to_number<std::int64_t>();
  ASSERT_GE(members, 1000);
  EXPECT_EQ(text_en.find(std::to_string(members / 1000) + "," + std::to_string(members % 1000 + 1000).substr(1)),
            std::string::npos)
      << "15,513 is the English way";

  // Pages: the five tables, one page each, in order; the chart alone; then the details and warnings.
  const int pages = pages_of(en);
  EXPECT_EQ(pages, pages_of(vn));
  ASSERT_GE(pages, 7);
  const auto& districts = expected.at("completeness").at("expected").as_array();
  for (int n = 1; n <= 5; ++n) {
    const std::string page = text_of(en, n);
    EXPECT_NE(page.find("Biểu " + std::to_string(n) + "."), std::string::npos) << "page " << n << ":\n" << page;
    EXPECT_NE(page.find("Toàn tỉnh"), std::string::npos) << "page " << n << ": the whole table, the total at its foot";
    for (const auto& d : districts) EXPECT_NE(page.find(std::string(d.as_string())), std::string::npos) << n << ": " << d;
    EXPECT_NE(page.find("Trang " + std::to_string(n) + "/" + std::to_string(pages)), std::string::npos)
        << "page " << n << ": numbered";
    if (n < 5) {
      EXPECT_EQ(text_of(en, n + 1).find("Biểu " + std::to_string(n) + "."), std::string::npos) << "not continued";
    }
  }
  // The last column of each table is on its page, nothing cut sideways: the
  // province's row ends with the total of the table's last indicator
  // (indicators.toml [[report.tables]]).
  for (const auto& [page, last] : std::vector<std::pair<int, std::string>>{{1, "cells_rated_not_completed"},
                                                                          {2, "members_religious"},
                                                                          {3, "converted_official"},
                                                                          {4, "villages_with_cell_pct"},
                                                                          {5, "members_good_or_better_pct"}}) {
    const std::string text = text_of(en, page);
    const auto at = text.find("Toàn tỉnh");
    ASSERT_NE(at, std::string::npos) << page;
    std::string line = text.substr(at, text.find('\n', at) - at);
    line.erase(line.find_last_not_of(' ') + 1);
    const std::string want = last.ends_with("_pct") ? vi_percent(total.at(last).to_number<double>())
                                                    : vi(total.at(last).to_number<std::int64_t>());
    EXPECT_TRUE(line.ends_with(" " + want)) << "page " << page << ": " << line << " should end with " << want;
  }
  EXPECT_NE(text_of(en, 6).find("Xếp loại tổ chức cơ sở đảng theo đảng bộ huyện"), std::string::npos) << "the chart's page";
  EXPECT_EQ(text_of(en, 6).find("Số liệu của biểu đồ"), std::string::npos) << "the chart alone on its page";

  // The heading and the closing from the configuration.
  const std::string first = text_of(en, 1), last_table = text_of(en, 5);
  for (const char* t : {"TỈNH ỦY LAI CHÂU", "BAN TỔ CHỨC", "Số 125-BC/BTCTU", "ĐẢNG CỘNG SẢN VIỆT NAM", "Lai Châu, ngày "})
    EXPECT_NE(first.find(t), std::string::npos) << t << "\n" << first;
  for (const char* t : {"Nơi nhận:", "- Thường trực Tỉnh ủy (b/c);", "- Lưu VT.", "T/M BAN THƯỜNG VỤ", "PHÓ TRƯỞNG BAN",
                        "Nguyễn Văn A"})
    EXPECT_NE(last_table.find(t), std::string::npos) << t << "\n" << last_table;

  // No word of a table under 10 pt once fitted: Liberation Serif's box is 1.107 em.
  const auto html = (en.parent_path() / "bbox.html").string();
  ASSERT_EQ(test::run({"/usr/bin/pdftotext", "-bbox", "-f", "1", "-l", "5", en.string(), html}).exit_code, 0);
  const std::string boxes = test::read_file(html);
  const std::regex word("<word xMin=\"[0-9.]+\" yMin=\"([0-9.]+)\" xMax=\"[0-9.]+\" yMax=\"([0-9.]+)\">([^<]*)</word>");
  int words = 0;
  for (auto it = std::sregex_iterator(boxes.begin(), boxes.end(), word); it != std::sregex_iterator(); ++it, ++words)
    EXPECT_GE((std::stod((*it)[2]) - std::stod((*it)[1])) / 1.107, 9.9) << (*it)[3];
  EXPECT_GT(words, 300);
}
