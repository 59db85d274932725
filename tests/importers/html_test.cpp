// The web-page importer through the real plugin and the daemon's choice of
// importer: LibreOffice's "save as web page" of the workbooks laid out cell
// for cell as the workbooks are (tests/data/html/make-files), pages as PHP
// and old ASP pages print them in three encodings, and small pages written
// here for each rule of HTML's table model and each refusal.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <tuple>

#include "support/importing.hpp"

using namespace tonghop;

namespace {

using Place = std::tuple<std::uint32_t, std::uint32_t, std::string>;

std::set<Place> texts(const sdk::Sheet& s) {
  std::set<Place> out;
  for (const auto& c : s.cells) out.emplace(c.row, c.column, c.text);
  return out;
}
std::set<std::tuple<std::uint32_t, std::uint32_t, std::uint32_t, std::uint32_t>> merges(const sdk::Sheet& s) {
  std::set<std::tuple<std::uint32_t, std::uint32_t, std::uint32_t, std::uint32_t>> out;
  for (const auto& m : s.merges) out.emplace(m.first_row, m.first_column, m.last_row, m.last_column);
  return out;
}

test::Imported page(const std::string& html, const tonghop_limits& limits = test::default_limits()) {
  return test::import_bytes(html, "bao-cao.xls", limits);
}
std::string table(const std::string& rows) { return "<html><body><table>" + rows + "</table></body></html>"; }

}  // namespace

// LibreOffice's web page of the Than Uyên return (a title, a two-row merged
// header as rowspan and colspan, a total row): every cell at its place with
// its text, and the same merged ranges, as from the workbook itself.
TEST(Html, LibreOfficesPageOfAWorkbookIsLaidOutAsTheWorkbook) {
  const auto book = test::import_file(test::data_path("lai-chau/2018/than-uyen.xlsx"));
  const auto web = test::import_file(test::data_path("html/than-uyen.html"));
  ASSERT_TRUE(web.status.ok()) << web.status.message();
  EXPECT_EQ(web.plugin, "import-html");
  ASSERT_EQ(web.doc.sheets.size(), 1u);
  EXPECT_EQ(web.sheet().name, "than-uyen");
  EXPECT_EQ(texts(web.sheet()), texts(book.sheet()));
  EXPECT_EQ(merges(web.sheet()), merges(book.sheet()));
  EXPECT_EQ(web.sheet().merges.size(), 15u);
  EXPECT_EQ(web.doc.property("encoding"), "utf-8");
  EXPECT_EQ(web.doc.property("declared_charset"), "utf-8");
}

// Struck-through text (<s>) and white text on white (<font color="#FFFFFF">)
// are said of the same cells as in the workbooks LibreOffice saved them from.
TEST(Html, StruckAndUnseenCellsAreTheWorkbooks) {
  for (const auto& [name, key] : {std::pair{"struck", "struck_cell"}, std::pair{"unseen", "unseen_cell"}}) {
    const auto book = test::import_file(test::data_path(std::string("office/") + name + ".xlsx"));
    const auto web = test::import_file(test::data_path(std::string("html/") + name + ".html"));
    ASSERT_TRUE(web.status.ok()) << name << ": " << web.status.message();
    auto want = book.properties(key), got = web.properties(key);
    std::sort(want.begin(), want.end());
    std::sort(got.begin(), got.end());
    EXPECT_FALSE(got.empty()) << name;
    EXPECT_EQ(got, want) << name;
    EXPECT_EQ(texts(web.sheet()), texts(book.sheet())) << name;
  }
}

// Phong Thổ's return as a PHP page prints it (UTF-8, &agrave;), as an old
// ASP page serves it (Windows-1258, tones as combining marks), and in TCVN3
// bytes under a .VnTime font declared as Windows-1252: the same cells, the
// district written once down its column (rowspan) standing for each row.
TEST(Html, ThreeEncodingsOfOnePageReadAlike) {
  const auto utf8 = test::import_file(test::data_path("html/phong-tho-entities.xls"));
  ASSERT_TRUE(utf8.status.ok()) << utf8.status.message();
  EXPECT_EQ(utf8.plugin, "import-html");
  EXPECT_EQ(utf8.text(1, 1), "BÁO CÁO THỐNG KÊ TỔ CHỨC CƠ SỞ ĐẢNG NĂM 2018");
  EXPECT_EQ(utf8.text(2, 1), "Đơn vị: Huyện ủy Phong Thổ");
  EXPECT_EQ(utf8.text(3, 1), "Dang bo huyen");
  EXPECT_EQ(utf8.text(4, 1), "Phong Thổ");
  EXPECT_EQ(utf8.text(4, 2), "Đảng bộ xã Bản Lang");
  EXPECT_EQ(utf8.text(5, 1), "");  // under the rowspan
  EXPECT_EQ(utf8.text(5, 2), "Đảng bộ xã Dào San");
  EXPECT_EQ(utf8.text(5, 11), "162");
  EXPECT_EQ(utf8.text(38, 1), "Cộng");
  EXPECT_EQ(utf8.text(38, 4), "323");
  EXPECT_TRUE(merges(utf8.sheet()).count({4, 1, 37, 1})) << "the district's rowspan";
  EXPECT_TRUE(merges(utf8.sheet()).count({38, 1, 38, 3})) << "the total's colspan";
  for (const auto& [file, encoding] : {std::pair{"html/phong-tho-1258.xls", "windows-1258"},
                                       std::pair{"html/phong-tho-tcvn3.xls", "tcvn3"}}) {
    const auto r = test::import_file(test::data_path(file));
    ASSERT_TRUE(r.status.ok()) << file << ": " << r.status.message();
    EXPECT_EQ(r.doc.property("encoding"), encoding) << file;
    EXPECT_EQ(texts(r.sheet()), texts(utf8.sheet())) << file;
    EXPECT_EQ(merges(r.sheet()), merges(utf8.sheet())) << file;
  }
}

// HTML's table model: a cell goes to the first column no cell from above
// takes; rowspan="0", and a rowspan past the table's last row, end with the
// row group. One past its group with rows after it is refused: a browser
// stops it, Excel may not.
TEST(Html, CellsGoWhereTheTableModelPutsThem) {
  const auto r = page(table("<tr><td rowspan=2>a<td colspan=2>b<td>c"
                            "<tr><td>d<td rowspan=2>e<td>f"
                            "<tr><td colspan=2>g"
                            "<tbody><tr><td rowspan=0>h<td>i<tr><td rowspan=5>j</tbody>"));
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(texts(r.sheet()), (std::set<Place>{{1, 1, "a"}, {1, 2, "b"}, {1, 4, "c"}, {2, 2, "d"}, {2, 3, "e"},
                                               {2, 4, "f"}, {3, 1, "g"}, {4, 1, "h"}, {4, 2, "i"}, {5, 2, "j"}}));
  // g, beside e, takes A and B; j's rowspan of 5 stops at the table's end.
  EXPECT_EQ(merges(r.sheet()), (std::set<std::tuple<std::uint32_t, std::uint32_t, std::uint32_t, std::uint32_t>>{
                                   {1, 1, 2, 1}, {1, 2, 1, 3}, {2, 3, 3, 3}, {3, 1, 3, 2}, {4, 1, 5, 1}}));
  const auto past = page(table("<tbody><tr><td rowspan=3>Phong Thổ<td>a<tr><td>b</tbody><tbody><tr><td>c<td>1</tbody>"));
  EXPECT_EQ(past.status.code(), sdk::Code::unsupported);
  EXPECT_NE(past.status.message().find("ô A1 của trang web gộp 3 dòng (rowspan) quá phần bảng"), std::string::npos)
      << past.status.message();
}

// Text as a browser shows it: white space collapsed, <br> and paragraphs
// as new lines, references decoded (numeric, HTML 4's names, the Vietnamese
// letters' HTML5 names, Windows-1252's &#150;), an unknown name kept.
TEST(Html, TextIsWhatABrowserShows) {
  const auto r = page(table("<tr><td>  Chi   b&ocirc;&#803;\n x&atilde; <b>B&#7843;n</b>  </td>"
                            "<td>d&#x111;&Dstrok;&abreve;&#150;&amp;&lt;&foo;&#0;</td>"
                            "<td>d&ograve;ng 1<br>d&ograve;ng 2<p>d&ograve;ng 3</p></td>"
                            "<td>&nbsp;</td><td>1&nbsp;234</td><td><!-- 99 -->7<script>8</script></td>"));
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.text(1, 1), "Chi bộ xã Bản");  // "ô" and a combining dot below, brought to NFC
  EXPECT_EQ(r.text(1, 2), "dđĐă–&<&foo;\xEF\xBF\xBD");
  EXPECT_EQ(r.text(1, 3), "dòng 1\ndòng 2\ndòng 3");
  EXPECT_EQ(r.sheet().find(1, 4), nullptr);  // a blank cell is no cell
  EXPECT_EQ(r.text(1, 5), "1 234");
  EXPECT_EQ(r.text(1, 6), "7");
}

// What a clerk would not see is said, not dropped: a struck cell, a cell in
// a class a <style> strikes, white on white, a hidden row. A note kept in a
// hidden element inside a cell is not the cell's text.
TEST(Html, WhatIsStruckOrHiddenIsSaid) {
  const auto r = page(
      "<html><head><style>.void { text-decoration: line-through } td.ghost { color: #fff }</style></head><body>"
      "<table><tr><td><s>12</s></td><td class=\"x void\">13</td><td class=ghost>14</td>"
      "<td style=\"color:white;background:#FFFFFF\">15</td><td bgcolor=\"#ff0000\"><font color=red>16</font></td>"
      "<td>17<a class=\"comment-indicator\"></a><comment><p>ghi chú</p></comment></td></tr>"
      "<tr style=\"display:none\"><td>18</td></tr></table></body></html>");
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.properties("struck_cell"), (std::vector<std::string>{"1:1", "1:2"}));
  EXPECT_EQ(r.properties("unseen_cell"), (std::vector<std::string>{"1:3", "1:4", "1:5"}));
  EXPECT_EQ(r.text(1, 6), "17");
  EXPECT_EQ(r.properties("hidden_row"), (std::vector<std::string>{"2"}));
  EXPECT_EQ(r.text(2, 1), "18");
}

// Excel's own web page gives each value beside what it shows: the text
// shown is read (a page made from an Excel template may keep the
// template's x:num), and a value shown as nothing (";;;") is read and said.
// A long text run over the empty cells beside it is no merged range.
TEST(Html, ExcelsValueBesideItsTextIsReadWhereNothingIsShown) {
  const auto r = page(table("<tr><td x:num=\"1234.5\">1.234,5</td><td x:num=\"4\">2</td><td x:num=\"105\"></td>"
                            "<td colspan=2 style='mso-ignore:colspan'>Tổng số đảng viên</td><td>9</td></tr>"));
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.sheet().find(1, 1)->type, sdk::CellType::text);
  EXPECT_EQ(r.text(1, 1), "1.234,5");
  EXPECT_EQ(r.text(1, 2), "2");
  const auto* hidden = r.sheet().find(1, 3);
  ASSERT_NE(hidden, nullptr);
  EXPECT_EQ(hidden->type, sdk::CellType::number);
  EXPECT_EQ(hidden->number, 105);
  EXPECT_EQ(r.properties("unseen_cell"), (std::vector<std::string>{"1:3"}));
  EXPECT_TRUE(r.sheet().merges.empty());
  EXPECT_EQ(r.text(1, 4), "Tổng số đảng viên");
  EXPECT_EQ(r.text(1, 6), "9");
}

// What cannot be laid out for certain is refused, naming where, in both
// languages (one " / " between them: the host parts them there).
TEST(Html, WhatCannotBeLaidOutForCertainIsRefused) {
  struct Case {
    std::string html, says;
  };
  std::string wide = "<tr>";  // 17 cells of 1,000 columns: past XFD (16,384)
  for (int i = 0; i < 17; ++i) wide += "<td colspan=1000>x";
  const std::string head = "<html><head><style>";
  for (const auto& c : std::vector<Case>{
           {table("<tr><td>a</td><td><table><tr><td>1</td></tr></table></td></tr>"), "ô B1 của trang web chứa một bảng khác"},
           {table("<caption><table><tr><td>1</table></caption><tr><td>2"), "tiêu đề (caption) của bảng ở dòng 1"},
           {table("<tr><td>a</td>, <td>b</td></tr>"), "dòng 1 của trang web có chữ «,» nằm trong bảng nhưng ngoài mọi ô"},
           {table("<tr><td>a</td> 1 / 2 <td>b</td></tr>"), "có chữ «1/2»"},
           {table("<tr><td rowspan=2>a<td>b<tr><td style=\"display: none\">c<td>d"), "ô B2 của trang web bị ẩn hẳn"},
           {table("<tr><td>a<td hidden>b<tr><td>c<td>d"), "ô B1 của trang web bị ẩn hẳn (display:none hoặc hidden)"},
           {table("<tr><td>a<td rowspan=2>b<td>c<tr><td colspan=3>d<td>e"), "ô A2 của trang web trùm lên một ô gộp"},
           {table("<tr><td>17<font color=white>99</font></td></tr>"), "một phần chữ của ô A1 trên trang web không nhìn thấy"},
           {table("<tr><td>105<span style=\"display:none\">1</span></td></tr>"), "một phần chữ của ô A1 trên trang web bị ẩn"},
           {table("<tr><td><span style=\"display:none\"/>123</td></tr>"), "một phần chữ của ô A1 trên trang web bị ẩn"},
           {table("<tr><td><select><option>1</option></td><td>8</td></tr>"), "một phần chữ của ô A1 trên trang web bị ẩn"},
           {"<html xmlns:x=\"urn:schemas-microsoft-com:office:excel\"><body><table><tr><td>Đảng bộ xã Bản"
            "<span style='display:none'> Lang</span></td></tr></table></body></html>",
            "một phần chữ của ô A1 trên trang web bị ẩn"},
           {table(wide), "vượt quá cột cuối cùng của bảng tính"},
           {head + "#g td { display: none }</style></head><body>" + table("<tr><td>1"), "quy tắc kiểu «#g td»"},
           {head + "td:nth-child(2) { text-decoration: line-through }</style>" + table("<tr><td>1"), "«td:nth-child(2)»"},
           {"<link rel=\"StyleSheet\" href=\"stylesheet.css\">" + table("<tr><td>1"), "lấy kiểu chữ từ một tệp khác"},
           {head + "@import url(site.css);</style>" + table("<tr><td>1"), "lấy kiểu chữ từ một tệp khác"},
           {"<html><head><meta charset=\"shift_jis\"></head><body><table><tr><td>a</td></tr></table></body></html>",
            "khai báo bảng mã «shift_jis»"},
           {"<html><head><meta charset=\"utf-8\"></head><body><table><tr><td>B\xe1n</td></tr></table></body></html>",
            "khai báo bảng mã UTF-8 nhưng"},
       }) {
    const auto r = page(c.html);
    EXPECT_FALSE(r.status.ok()) << c.says;
    const std::string m = r.status.message();
    EXPECT_NE(m.find(c.says), std::string::npos) << m;
    EXPECT_NE(r.status.code(), sdk::Code::internal) << c.says;
    const auto part = m.find(" / ");
    EXPECT_TRUE(part != std::string::npos && m.find(" / ", part + 1) == std::string::npos) << m;
  }
}

// HTML's tokenizer, where a simpler reading would move or change a figure.
TEST(Html, TagsAreReadAsHtmlReadsThem) {
  const auto r = page(table("<tr><td>1</td><!--><td>2</td><!-- c --><td>3</td></tr>"
                            "<tr><td colspan=1 colspan=3>a<td>5</tr>"
                            "<tr><td colspan=\"+2\">b<td>6</tr>"
                            "<tr><td><span style=\"display:none\"/></td><td>7</td></tr>"
                            "<tr><td>1</br>234</td><td>1234<sup>1</sup></td><td>a&nbspb&#10;c</td>"
                            "<td>8</td></tr>"
                            "<tr><td x:num=\"nan\">162</td></tr>"));
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.text(1, 2), "2");  // "<!-->" is a comment of its own
  EXPECT_EQ(r.text(1, 3), "3");
  EXPECT_EQ(r.text(2, 2), "5");  // the first colspan counts
  EXPECT_EQ(r.text(3, 3), "6");  // "+2" is 2
  EXPECT_EQ(r.sheet().find(4, 1), nullptr);
  EXPECT_EQ(r.text(4, 2), "7");
  EXPECT_EQ(r.text(5, 1), "1\n234");  // "</br>" is a <br>
  EXPECT_EQ(r.text(5, 2), "1234 (1)");  // a footnote's mark: never 12341
  EXPECT_EQ(r.text(5, 3), "a b c");
  EXPECT_EQ(r.text(5, 4), "8");
  EXPECT_EQ(r.sheet().find(6, 1)->type, sdk::CellType::text);  // x:num="nan" is no number
}

// CSS as a browser weighs it: the more specific rule, then the later one;
// visibility a child may undo; print's rules not the screen's; a <style>
// after the table applies; hidden columns (<col>), row groups, opacity,
// a font of size 0, a transparent colour.
TEST(Html, StylesAreWeighedAsABrowserWeighsThem) {
  const auto r = page(
      "<html><body><table><col><col span=2 style=\"display:none\"><colgroup span=3 class=gone></colgroup>"
      "<tr><td class=\"b a\">1</td><td class=x>2</td><td class=p>3</td>"
      "<td><span style=\"visibility:hidden\"><span style=\"visibility:visible\">4</span></span></td>"
      "<td style=\"opacity:0\">5</td><td style=\"font-size:0px\">6</td><td style=\"color:rgba(0,0,0,0)\">7</td>"
      "<td style=\"opacity:0.5\">8</td></tr>"
      "<tbody style=\"text-decoration:line-through\"><tr><td>9</td></tr></tbody>"
      "<tr style=\"visibility:collapse\"><td>10</td></tr></table>"
      "<style>.a { color: black } .b { color: white } td.x { color: #FFF } .x { color: black }"
      "@media print { .p { display: none } } .gone { visibility: collapse }</style></body></html>");
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.properties("unseen_cell"), (std::vector<std::string>{"1:1", "1:2", "1:5", "1:6", "1:7"}));
  EXPECT_EQ(r.text(1, 3), "3");
  EXPECT_EQ(r.text(1, 4), "4");
  EXPECT_EQ(r.properties("struck_cell"), (std::vector<std::string>{"2:1"}));
  EXPECT_EQ(r.properties("hidden_row"), (std::vector<std::string>{"3"}));
  EXPECT_EQ(r.properties("hidden_column"), (std::vector<std::string>{"2-3", "4-6"}));
}

// Pages as PHP libraries, ASP.NET and Excel write them, each once refused
// or misread: PEAR's HTML_Table (thead, tfoot, tbody, as HTML 4 asked) and a
// caption after the rows drawn as a browser draws them; PhpSpreadsheet's
// hidden row and column ("table.sheet0 tr.row2", "table.sheet0 .column1");
// Excel's note anchors; a <font> left open before each <td>; GridView's
// colour names; a hidden row with a hidden part in a cell.
TEST(Html, PagesOfCommonWritersAreDrawnAsABrowserDrawsThem) {
  auto r = page(table("<thead><tr><td>Tên<td>Số</tr></thead><tfoot><tr><td>Cộng<td>3</tr></tfoot>"
                      "<tbody><tr><td>a<td>1<tr><td>b<td>2</tbody><caption>Biểu 01</caption>"));
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(texts(r.sheet()), (std::set<Place>{{1, 1, "Biểu 01"}, {2, 1, "Tên"}, {2, 2, "Số"}, {3, 1, "a"}, {3, 2, "1"},
                                               {4, 1, "b"}, {4, 2, "2"}, {5, 1, "Cộng"}, {5, 2, "3"}}));
  r = page(
      "<html><head><style>table.sheet0 tr.row2 { display:none } table.sheet0 .column1 { display:none }</style></head>"
      "<body><table class=\"sheet0\"><tr class=row0><td class=column0>Tên<td class=column1>Ghi chú<td class=column2>Số"
      "<tr class=row1><td class=column0>a<td class=column1>x<td class=column2>1"
      "<tr class=row2><td class=column0>b<td class=column1>y<td class=column2>2</table>"
      "<table class=\"sheet1\"><tr class=row2><td class=column1>c</table></body></html>");
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.properties("hidden_row"), (std::vector<std::string>{"3"}));
  EXPECT_EQ(r.properties("hidden_column"), (std::vector<std::string>{"2"}));
  EXPECT_EQ(r.text(3, 2), "y");  // read, and said of its row and column
  EXPECT_EQ(r.text(4, 1), "c");  // the next table's classes are not sheet0's
  r = page(table("<tr><td>162<![if !supportAnnotations]><a class=msocomanch href=\"#_msocom_1\">[1]</a><![endif]></td>" +
                 [] {
                   std::string rows;
                   for (int i = 0; i < 2000; ++i) rows += "<tr><font size=2><td>1</td></tr>";
                   return rows;
                 }() +
                 "<tr style=\"color:White;background-color:DarkGreen\"><td>7</td></tr>"
                 "<tr style=\"display:none\"><td>162<comment>0</comment></td></tr>"));
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.text(1, 1), "162");
  EXPECT_EQ(r.text(2002, 1), "7");
  EXPECT_TRUE(r.properties("unseen_cell").empty());
  EXPECT_EQ(r.text(2003, 1), "162");
  EXPECT_EQ(r.properties("hidden_row"), (std::vector<std::string>{"2003"}));
}

// Marks and styles of ordinary pages, each once misread or refused: a
// caption of several lines drawn on top whole; a white text whose ground is
// given as "none ... #FFFFFF", "inherit" or hsl(); W3Schools' and
// Bootstrap's white-on-green headers through an id selector; an empty
// footnote mark; U+FEFF from a PHP include saved with a byte order mark.
TEST(Html, OrdinaryMarksAndStylesAreNotMistaken) {
  auto r = page(table("<tr><td>Tên<td>Số<caption>BÁO CÁO<br>Năm 2018<p>Phong Thổ</p></caption>"));
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(texts(r.sheet()), (std::set<Place>{{1, 1, "BÁO CÁO"}, {2, 1, "Năm 2018"}, {3, 1, "Phong Thổ"}, {4, 1, "Tên"},
                                               {4, 2, "Số"}}));
  r = page(
      "<html><head><style>#customers th { background-color: #04AA6D; color: white }</style></head><body>"
      "<table id=customers><tr><th>Tên<th>Số</tr><tr style=\"background:none repeat scroll 0 0 #FFFFFF\">"
      "<td style=\"color:#FFFFFF\">1<td style=\"color:hsl(0, 0%, 100%); background-color: inherit\">2</tr>"
      "<tr><td>105<sup></sup><td>\xEF\xBB\xBF" "7</tr>\xEF\xBB\xBF<tr><td>8</tr></table></body></html>");
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.properties("unseen_cell"), (std::vector<std::string>{"2:1", "2:2"}));
  EXPECT_EQ(r.text(3, 1), "105");
  EXPECT_EQ(r.text(3, 2), "7");
  EXPECT_EQ(r.text(4, 1), "8");
}

// Colours as CSS gives them: !important, <body text>, "@media not print",
// a near-white on white; <style media="print"> is not the screen's.
TEST(Html, ColoursAreTheScreens) {
  const auto r = page(
      "<html><head><style>td.a { color: white !important } td.a { color: black } @media not print { .q { color: #fff } }"
      "</style><style media=\"print\">.n { display: none }</style></head><body text=\"white\">"
      "<p>tiêu đề</p><table><tr><td class=a>1<td class=q>2<td style=\"color:#fefefe\">3<td class=n>4"
      "<td style=\"color:black\">5</table></body></html>");
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.properties("unseen_cell"), (std::vector<std::string>{"1:1", "2:1", "2:2", "2:3", "2:4"}));  // white body text
  EXPECT_EQ(r.text(2, 4), "4");
  EXPECT_TRUE(r.properties("hidden_column").empty());
}

// Hostile pages end in a bounded refusal: more cells than the limit, more
// open elements than a page needs, cells stepping over the columns
// spans from above hold, colours megabytes long.
TEST(Html, HostilePagesAreRefusedWithinBounds) {
  auto limits = test::default_limits();
  limits.max_cells = 1000;
  std::string many;
  for (int i = 0; i < 1001; ++i) many += "<tr><td>1</td></tr>";
  auto r = page(table(many), limits);
  EXPECT_EQ(r.status.code(), sdk::Code::limit_exceeded) << r.status.message();
  std::string deep = "<html><body>";
  for (int i = 0; i < 2000; ++i) deep += "<span>";
  r = page(deep + "x");
  EXPECT_EQ(r.status.code(), sdk::Code::limit_exceeded) << r.status.message();
  // Spans down to the group's end over 16,000 columns, then rows of one
  // cell each walking past them: 3.2e8 steps, refused at 2^28.
  std::string spans = "<tr>";
  for (int i = 0; i < 16000; ++i) spans += "<td rowspan=0>";
  std::string rows;
  for (int i = 0; i < 20000; ++i) rows += "<tr><td>1";
  r = page(table(spans + rows));
  EXPECT_EQ(r.status.code(), sdk::Code::limit_exceeded) << r.status.message();
  EXPECT_NE(r.status.message().find("quá nhiều ô gộp"), std::string::npos) << r.status.message();
  // A colour of 2 MB inherited by a thousand open elements, and given to
  // 5,000 classes: no colour at all (at most 64 characters are one).
  const std::string huge(2u << 20, 'f');
  std::string nested = "<html><body><div style=\"color:#" + huge + "\">";
  for (int i = 0; i < 1000; ++i) nested += "<span>";
  r = page(nested + "<table><tr><td>1</td></tr></table>");
  EXPECT_TRUE(r.status.ok()) << r.status.message();
  std::string classes = "<html><head><style>";
  for (int i = 0; i < 5000; ++i) classes += ".c" + std::to_string(i) + ",";
  r = page(classes + ".z { color: #" + huge + " }</style></head><body>" + table("<tr><td class=c1>1"));
  EXPECT_TRUE(r.status.ok()) << r.status.message();
  // A paragraph of 3 MB of U+00A0 (each once rewritten in place, the whole
  // text again): refused at the limit of a cell's length.
  limits = test::default_limits();
  limits.max_field_bytes = 64u << 10;
  std::string spaces = "<html><body><p>";
  for (int i = 0; i < 1500000; ++i) spaces += "\xC2\xA0x";
  r = page(spaces + "</p></body></html>", limits);
  EXPECT_EQ(r.status.code(), sdk::Code::limit_exceeded) << r.status.message();
  EXPECT_LT(test::peak_rss(), std::size_t{1} << 30);
}
