// What an .ods cell's data style shows of its value, given to the host as a
// format code (plugins/import-ods/data_styles.hpp) when it hides anything:
// LibreOffice's ";;;" (a text style mapping positives, negatives and zero to
// blank styles), zeros alone hidden, a parent cell style's data style
// inherited; styles that show everything, or test other constants, give
// the cell's format as before, and so does a date.
#include <gtest/gtest.h>

#include <string>

#include "support/importing.hpp"
#include "support/office_xml.hpp"

using namespace tonghop;

namespace {
// A number style of nothing but `text` (blank or not) inside number:text.
std::string text_only(const std::string& name, const std::string& text) {
  return "<number:number-style style:name=\"" + name + "\"><number:text>" + text + "</number:text></number:number-style>";
}
std::string cell_style(const std::string& name, const std::string& data_style, const std::string& parent = {}) {
  return "<style:style style:name=\"" + name + "\" style:family=\"table-cell\"" +
         (parent.empty() ? "" : " style:parent-style-name=\"" + parent + "\"") +
         (data_style.empty() ? "" : " style:data-style-name=\"" + data_style + "\"") + "/>";
}
std::string number(const std::string& style, int v) {
  return "<table:table-cell table:style-name=\"" + style + "\" office:value-type=\"float\" office:value=\"" +
         std::to_string(v) + "\"/>";
}
}  // namespace

TEST(OdsDataStyles, WhatAStyleHidesIsGivenAsTheFormatCodeSayingIt) {
  const std::string visible =
      "<number:number-style style:name=\"show\"><number:number number:decimal-places=\"0\"/></number:number-style>";
  const std::string styles =
      // LibreOffice's ";;;".
      text_only("N1P0", "") + text_only("N1P1", "") + text_only("N1P2", " ") +
      "<number:text-style style:name=\"N1\"><number:text/>"
      "<style:map style:condition=\"value()&gt;0\" style:apply-style-name=\"N1P0\"/>"
      "<style:map style:condition=\"value()&lt;0\" style:apply-style-name=\"N1P1\"/>"
      "<style:map style:condition=\"value()=0\" style:apply-style-name=\"N1P2\"/></number:text-style>" +
      // "0;-0;;@": zeros alone.
      visible + text_only("N2P2", "") +
      "<number:text-style style:name=\"N2\"><number:text-content/>"
      "<style:map style:condition=\"value()&gt;0\" style:apply-style-name=\"show\"/>"
      "<style:map style:condition=\"value()&lt;0\" style:apply-style-name=\"show\"/>"
      "<style:map style:condition=\"value()=0\" style:apply-style-name=\"N2P2\"/></number:text-style>" +
      // Another constant: not judged. A literal dash: shown.
      "<number:number-style style:name=\"N3\"><number:text/>"
      "<style:map style:condition=\"value()&gt;100\" style:apply-style-name=\"N1P0\"/></number:number-style>" +
      text_only("N4", "-") +
      cell_style("an", "N1") + cell_style("con", "", "an") + cell_style("khong", "N2") + cell_style("tram", "N3") +
      cell_style("gach", "N4") + cell_style("so", "show") +
      // A date whose style shows nothing keeps its date format (the SDK's rule for dates).
      "<number:date-style style:name=\"D1\"><number:text> </number:text></number:date-style>" + cell_style("ngay", "D1");
  const std::string rows = "<table:table-row>" + number("an", 34) + number("con", 5) + number("khong", 0) +
                           number("tram", 7) + number("gach", 1) + number("so", 2) +
                           "<table:table-cell table:style-name=\"an\" office:value-type=\"string\"><text:p>Chi bộ</text:p>"
                           "</table:table-cell><table:table-cell table:style-name=\"ngay\" office:value-type=\"date\" "
                           "office:date-value=\"2018-12-31\"/></table:table-row>";
  const auto r = test::import_bytes(test::ods(test::content_xml(rows, styles)), "t.ods");
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  const auto& s = r.sheet();
  EXPECT_EQ(s.find(1, 1)->number_format, ";;;");
  EXPECT_EQ(s.find(1, 2)->number_format, ";;;") << "the parent cell style's data style";
  EXPECT_EQ(s.find(1, 3)->number_format, "0;-0;;@");
  EXPECT_EQ(s.find(1, 4)->number_format, "") << "value()>100: not judged";
  EXPECT_EQ(s.find(1, 5)->number_format, "") << "a visible literal";
  EXPECT_EQ(s.find(1, 6)->number_format, "");
  EXPECT_EQ(s.find(1, 7)->number_format, ";;;");
  EXPECT_EQ(s.find(1, 1)->number, 34) << "read all the same";
  EXPECT_EQ(s.find(1, 8)->number_format, "yyyy-mm-dd");
}
