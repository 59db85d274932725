// `tonghopd check` of returns a web program exported as a spreadsheet: an
// HTML table, usually named .xls (PHP pages, ASP.NET's GridView, LibreOffice's
// "save as web page"). Each is read through the HTML importer and gives what
// the CSV or the workbook it was made from gives, figure for figure; a rule
// broken in one is named at the same cell.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include <boost/json.hpp>

#include "daemon/check_support.hpp"
#include "support/process.hpp"

namespace json = boost::json;
using namespace tonghop::test::check;

namespace {
const std::string pages = TONGHOP_SOURCE_DIR "/tests/data/html/";
const std::string office = TONGHOP_SOURCE_DIR "/tests/data/office/";
}  // namespace

// ASP.NET's GridView in UTF-16 and a PHP page in UTF-8 (tests/data/office),
// a PHP page with htmlentities(), an ASP page in Windows-1258 and one in
// TCVN3 with a title above, the district down its column and a total row
// (tests/data/html): Phong Thổ's 34 organisations, as its CSV gives them.
TEST(Check, AWebPageNamedXlsReadsAsTheReturnItShows) {
  const auto csv = check_phong_tho(data + "2018/phong-tho.csv");
  ASSERT_EQ(csv.exit_code, 0) << csv.output.substr(0, 2000);
  const auto want = json::parse(csv.output).at("records");
  ASSERT_EQ(want.as_array().size(), 34u);
  for (const std::string& file : {office + "html.xls", office + "html-utf16.xls", pages + "phong-tho-entities.xls",
                                 pages + "phong-tho-1258.xls", pages + "phong-tho-tcvn3.xls"}) {
    const auto r = check_phong_tho(file);
    ASSERT_EQ(r.exit_code, 0) << file << ": " << r.output.substr(0, 2000);
    const auto o = json::parse(r.output);
    EXPECT_EQ(o.at("plugin"), "import-html") << file;
    EXPECT_EQ(o.at("records"), want) << file;
    EXPECT_TRUE(o.at("warnings").as_array().empty()) << file << ": " << json::serialize(o.at("warnings"));
  }
}

// LibreOffice's web page of the Than Uyên return (merged headers as rowspan
// and colspan) gives the workbook's 45 records; that of its bad twin, named
// .xls as a web program names it, is refused at the workbook's cell, K55, on
// the sheet Excel opens the page into (named after the file).
TEST(Check, LibreOfficesWebPageOfAWorkbookGivesTheWorkbooksFigures) {
  const auto than_uyen = [](const std::string& file) {
    return check({file, "--district", "Than Uyên", "--period", "2018", "--format", "json"});
  };
  const auto book = than_uyen(data + "2018/than-uyen.xlsx");
  const auto web = than_uyen(pages + "than-uyen.html");
  ASSERT_EQ(web.exit_code, 0) << web.output.substr(0, 2000);
  EXPECT_EQ(json::parse(web.output).at("records"), json::parse(book.output).at("records"));
  EXPECT_EQ(json::parse(web.output).at("records").as_array().size(), 45u);

  const auto bad = than_uyen(pages + "than-uyen-total-row-mismatch.xls");
  ASSERT_EQ(bad.exit_code, 1) << bad.output.substr(0, 2000);
  const auto o = json::parse(bad.output);
  EXPECT_EQ(o.at("plugin"), "import-html");
  const auto& errors = o.at("errors").as_array();
  ASSERT_EQ(errors.size(), 1u) << json::serialize(errors);
  EXPECT_EQ(errors[0].at("code"), "total_mismatch");
  EXPECT_NE(std::string(errors[0].at("message").as_string()).find("ghi 2054 nhưng cộng các dòng trên được 2044 (ô than-uyen-total-row-mismatch!K55)"),
            std::string::npos)
      << errors[0].at("message");
}

// Struck-through and white-on-white cells of a web page are read and said,
// as the workbook's are.
TEST(Check, StruckAndUnseenCellsOfAWebPageAreSaid) {
  for (const auto& [file, code] : {std::pair{"struck.html", "struck_values"}, std::pair{"unseen.html", "hidden_values"}}) {
    const auto r = check_phong_tho(pages + file);
    ASSERT_EQ(r.exit_code, 0) << file << ": " << r.output.substr(0, 2000);
    const auto o = json::parse(r.output);
    EXPECT_EQ(o.at("records").as_array().size(), 34u) << file;
    const auto& warnings = o.at("warnings").as_array();
    ASSERT_EQ(warnings.size(), 1u) << file << ": " << json::serialize(warnings);
    EXPECT_EQ(warnings[0].at("code"), code) << file;
  }
}

// Where the HTML importer is not installed (a server with only the older
// plugins), the xls importer still says what such a file is and the way to
// a workbook, and the CSV importer does not take its tags for lines.
TEST(Check, AWebPageNamedXlsWithoutTheHtmlImporterIsToldWhatItIs) {
  tonghop::test::TempDir dir;
  for (const char* plugin : {"tonghop-import-xls.so", "tonghop-import-csv.so"})
    std::filesystem::create_symlink(std::filesystem::path(TONGHOP_PLUGIN_DIR) / plugin, dir.path() / plugin);
  for (const std::string& file : {std::string("html.xls"), std::string("html-utf16.xls")}) {
    const auto r = check({office + file, "--district", "Phong Thổ", "--period", "2018", "--format", "json"},
                         dir.path().string());
    ASSERT_EQ(r.exit_code, 1) << file << ": " << r.output.substr(0, 2000);
    const auto o = json::parse(r.output);
    EXPECT_EQ(o.at("plugin"), "import-xls") << file;
    const auto& errors = o.at("errors").as_array();
    ASSERT_EQ(errors.size(), 1u) << file << ": " << json::serialize(errors);
    EXPECT_NE(std::string(errors[0].at("message").as_string())
                  .find("tệp có đuôi .xls nhưng là một trang web (HTML) do phần mềm xuất ra, không phải bảng tính "
                        "Excel; hãy mở tệp bằng Excel hoặc LibreOffice, lưu lại dạng .xlsx"),
              std::string::npos)
        << file << ": " << errors[0].at("message");
  }
}
