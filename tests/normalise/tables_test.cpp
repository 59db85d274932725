// Tables as clerks make them by hand, written as real files (openpyxl for
// xlsx, bytes for CSV and JSON) and read through the real importers: headers
// of one to four rows with "Trong đó" merged over sub-headers or inside one
// cell, columns of figures no field names, required fields missing, total
// rows in any wording, periods of another granularity, the same error in many
// rows, and a table that is not found. Every sum and every named cell is
// checked against what the test wrote.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include <boost/json.hpp>

#include "normalise/catalogue.hpp"
#include "normalise/lai_chau.hpp"
#include "normalise/normaliser.hpp"
#include "normalise/text.hpp"
#include "normalise/workbook.hpp"
#include "support/importing.hpp"
#include "support/process.hpp"

using namespace tonghop;
using namespace tonghop::normalise;
namespace json = boost::json;

namespace {

const Catalogue& cat() { return test::lai_chau_catalogue(); }
const Registry& reg() { return test::lai_chau_registry(); }

std::string workbook(const test::TempDir& dir, const std::string& name, const json::value& spec) {
  return test::openpyxl_workbook(dir, name, spec);
}

Normalised read(const std::string& file, const std::string& period = "2018", Policy policy = {},
                const Profile* profile = nullptr) {
  const auto imported = test::import_file(file);
  EXPECT_TRUE(imported.status.ok()) << file << ": " << imported.status.message();
  Normaliser n(cat(), reg(), std::move(policy));
  return n.normalise(imported.doc, {"Than Uyên", period}, profile);
}

Normalised read_bytes(const std::string& bytes, const std::string& filename, Policy policy = {}) {
  const auto imported = test::import_bytes(bytes, filename);
  EXPECT_TRUE(imported.status.ok()) << filename << ": " << imported.status.message();
  Normaliser n(cat(), reg(), std::move(policy));
  return n.normalise(imported.doc, {"Than Uyên", "2018"});
}

std::string issues(const std::vector<Issue>& list) {
  std::string s;
  for (const auto& e : list)
    s += e.code + " " + e.field + " " + e.where.sheet + "!" + column_name(e.where.column) + std::to_string(e.where.row) +
         e.where.path + ": " + e.message + "\n";
  return s;
}

std::int64_t count(const Record& r, const std::string& id) {
  const auto it = r.counts.find(id);
  return it == r.counts.end() ? -1 : it->second;
}

// The three-row header of the issue: "Đảng viên" over "Tổng số" and a merged
// "Trong đó" over "Nữ", "DTTS", "Dự bị"; "Kết nạp" likewise. With `four`,
// "Đảng viên" is a fourth row over it all and the third reads "Hiện có" /
// "Kết nạp": no three rows of it name the fields.
json::value three_row_sheet(bool four) {
  json::object rows;
  rows["1"] = json::array{"HUYỆN ỦY THAN UYÊN"};
  rows["2"] = json::array{"BÁO CÁO SỐ LƯỢNG ĐẢNG VIÊN NĂM 2018"};
  json::array merges;
  std::uint32_t r = 4;
  if (four) {
    rows["4"] = json::array{"STT", "Tên tổ chức cơ sở đảng", "Đảng viên"};
    rows["5"] = json::array{nullptr, nullptr, "Hiện có", nullptr, nullptr, nullptr, "Kết nạp"};
    merges = json::array{"A4:A7", "B4:B7", "C4:I4", "C5:F5", "G5:I5"};
    r = 6;
  } else {
    rows["4"] = json::array{"STT", "Tên tổ chức cơ sở đảng", "Đảng viên", nullptr, nullptr, nullptr, "Kết nạp"};
    merges = json::array{"A4:A6", "B4:B6", "C4:F4", "G4:I4"};
    r = 5;
  }
  const std::string a = std::to_string(r), b = std::to_string(r + 1);
  rows[a] = json::array{nullptr, nullptr, "Tổng số", "Trong đó", nullptr, nullptr, "Tổng số", "Trong đó"};
  rows[b] = json::array{nullptr, nullptr, nullptr, "Nữ", "DTTS", "Dự bị", nullptr, "Nữ", "DTTS"};
  for (const auto& m : {"C" + a + ":C" + b, "D" + a + ":F" + a, "G" + a + ":G" + b, "H" + a + ":I" + a})
    merges.emplace_back(m);
  const std::uint32_t d = r + 2;
  rows[std::to_string(d)] = json::array{1, "Đảng bộ xã Mường Cang", 148, 34, 112, 4, 10, 6, 5};
  rows[std::to_string(d + 1)] = json::array{2, "Đảng bộ xã Mường Kim", 140, 46, 67, 5, 7, 5, 5};
  rows[std::to_string(d + 2)] = json::array{3, "Chi bộ Trường THPT Than Uyên", 31, 20, 4, 1, 2, 1, 0};
  rows[std::to_string(d + 3)] = json::array{nullptr, "Tổng cộng", 319, 100, 183, 10, 19, 12, 10};
  return json::object{{"sheets", json::array{json::object{{"name", "Biểu 1"}, {"rows", rows}, {"merges", merges}}}}};
}

void expect_three_rows_read(const Normalised& n, std::uint32_t first_row, bool four = false) {
  ASSERT_TRUE(n.accepted()) << issues(n.errors);
  EXPECT_TRUE(n.warnings.empty()) << issues(n.warnings);
  ASSERT_EQ(n.records.size(), 3u) << "the total row is not an organisation";
  const Record a = n.records.at(0), c = n.records.at(2);
  EXPECT_EQ(a.org_name, "Đảng bộ xã Mường Cang");
  EXPECT_EQ(count(a, "members_total"), 148);
  EXPECT_EQ(count(a, "members_female"), 34);
  EXPECT_EQ(count(a, "members_ethnic_minority"), 112);
  EXPECT_EQ(count(a, "members_probationary"), 4);
  EXPECT_EQ(count(a, "admitted"), 10);
  EXPECT_EQ(count(a, "admitted_female"), 6);
  EXPECT_EQ(count(a, "admitted_ethnic_minority"), 5);
  EXPECT_EQ(a.provenance.at("members_female").column, 4u);
  EXPECT_EQ(a.provenance.at("admitted_female").column, 8u);
  EXPECT_EQ(a.provenance.at("admitted_female").row, first_row);
  EXPECT_EQ(c.org_name, "Chi bộ Trường THPT Than Uyên");
  EXPECT_EQ(c.org_kind, "party_cell");
  EXPECT_EQ(count(c, "admitted_ethnic_minority"), 0);
  // Every sum, as the script wrote them.
  EXPECT_DOUBLE_EQ(n.totals.counts.at("members_total"), 319);
  EXPECT_DOUBLE_EQ(n.totals.counts.at("members_female"), 100);
  EXPECT_DOUBLE_EQ(n.totals.counts.at("members_ethnic_minority"), 183);
  EXPECT_DOUBLE_EQ(n.totals.counts.at("members_probationary"), 10);
  EXPECT_DOUBLE_EQ(n.totals.counts.at("admitted"), 19);
  EXPECT_DOUBLE_EQ(n.totals.counts.at("admitted_female"), 12);
  EXPECT_DOUBLE_EQ(n.totals.counts.at("admitted_ethnic_minority"), 10);
  EXPECT_EQ(n.totals.records, 3u);
  EXPECT_FALSE(n.totals.counts.count("cells_total")) << "not carried: unknown, not 0";
  const Layout& l = n.records.layout();
  const auto at = [&](const std::string& id) {
    return static_cast<std::size_t>(std::find(l.fields.begin(), l.fields.end(), id) - l.fields.begin());
  };
  const std::string above = four ? "Đảng viên / Hiện có / " : "Đảng viên / ";
  EXPECT_EQ(l.headers[at("members_female")], above + "Trong đó / Nữ");
  EXPECT_EQ(l.headers[at("members_total")], above + "Tổng số");
  EXPECT_EQ(l.headers[at("admitted_female")], (four ? "Đảng viên / " : "") + std::string("Kết nạp / Trong đó / Nữ"));
}

}  // namespace

TEST(Headers, ThreeRowsWithTrongDoMergedOverItsSubHeaders) {
  test::TempDir dir;
  expect_three_rows_read(read(workbook(dir, "ba-dong.xlsx", three_row_sheet(false))), 7);
}

TEST(Headers, FourRowsAndAProfileThatSaysSo) {
  test::TempDir dir;
  const auto file = workbook(dir, "bon-dong.xlsx", three_row_sheet(true));
  expect_three_rows_read(read(file), 8, true);
  Profile p;
  p.header_row = 7;
  p.header_rows = 4;
  expect_three_rows_read(read(file, "2018", {}, &p), 8, true);
  p.header_rows = 3;  // a wrong profile: "Hiện có" is no group of members
  const auto wrong = read(file, "2018", {}, &p);
  EXPECT_FALSE(wrong.accepted()) << "members_total cannot be read from the three rows";
}

TEST(Headers, AGroupMergedOverTwoRowsLeavesARowWithNoCellOfItsOwn) {
  test::TempDir dir;
  json::object rows;
  rows["1"] = json::array{"Tên TCCSĐ", "Loại hình", "Đảng viên"};
  rows["3"] = json::array{nullptr, nullptr, "Tổng số", "Nữ", "DTTS"};
  rows["4"] = json::array{"Đảng bộ xã Pha Mu", "ĐB", 96, 30, 80};
  rows["5"] = json::array{"Chi bộ Trạm y tế xã Pha Mu", "CB", 7, 5, 3};
  rows["6"] = json::array{"Cộng", nullptr, 103, 35, 83};
  const json::value spec = json::object{
      {"sheets", json::array{json::object{
                     {"name", "Biểu 1"}, {"rows", rows}, {"merges", json::array{"A1:A3", "B1:B3", "C1:E2"}}}}}};
  const auto n = read(workbook(dir, "hai-dong-gop.xlsx", spec));
  ASSERT_TRUE(n.accepted()) << issues(n.errors);
  EXPECT_TRUE(n.warnings.empty()) << issues(n.warnings);
  ASSERT_EQ(n.records.size(), 2u);
  EXPECT_EQ(count(n.records.at(1), "members_ethnic_minority"), 3);
  EXPECT_DOUBLE_EQ(n.totals.counts.at("members_total"), 103);
  EXPECT_DOUBLE_EQ(n.totals.counts.at("members_female"), 35);
  EXPECT_DOUBLE_EQ(n.totals.counts.at("members_ethnic_minority"), 83);
}

TEST(Headers, TrongDoInsideOneCellBelongsToTheColumnOnItsLeft) {
  const std::string csv =
      "Tên TCCSĐ;Loại hình;Tổng số đảng viên;Trong đó: Nữ;Trong đó: Dân tộc thiểu số;Kết nạp mới;Trong đó: Nữ\n"
      "Đảng bộ xã Phúc Than;ĐB;210;80;150;9;4\n"
      "Chi bộ Trạm y tế xã Mường Than;CB;12;9;5;1;1\n"
      "Tổng cộng;;222;89;155;10;5\n";
  const auto n = read_bytes(csv, "trong-do.csv");
  ASSERT_TRUE(n.accepted()) << issues(n.errors);
  EXPECT_TRUE(n.warnings.empty()) << issues(n.warnings);
  ASSERT_EQ(n.records.size(), 2u);
  const Record a = n.records.at(0);
  EXPECT_EQ(count(a, "members_female"), 80);
  EXPECT_EQ(count(a, "members_ethnic_minority"), 150);
  EXPECT_EQ(count(a, "admitted_female"), 4);
  EXPECT_EQ(a.provenance.at("admitted_female").column, 7u);
  EXPECT_DOUBLE_EQ(n.totals.counts.at("members_female"), 89);
  EXPECT_DOUBLE_EQ(n.totals.counts.at("admitted_female"), 5);
}

TEST(Unmapped, EachColumnUnderOneMergedParentIsNamedWithSamplesAndSuggestions) {
  test::TempDir dir;
  json::object rows;
  rows["1"] = json::array{"STT", "Tên TCCSĐ", "Loại hình", "Đảng viên"};
  rows["2"] = json::array{nullptr, nullptr, nullptr, "Tổng số", "Trong đó"};
  rows["3"] = json::array{nullptr, nullptr, nullptr, nullptr, "Đồng bào DTTS", "Trình độ đại học", "Cao cấp lý luận"};
  rows["4"] = json::array{1, "Đảng bộ xã Tà Hừa", "ĐB", 120, 100, 18, 3};
  rows["5"] = json::array{2, "Đảng bộ xã Tà Mít", "ĐB", 90, 80, 11, 2};
  rows["6"] = json::array{3, "Chi bộ Trường Tiểu học Pha Mu", "CB", 20, 9, 17, 0};
  const json::value spec = json::object{
      {"sheets", json::array{json::object{{"name", "Biểu 1"},
                                          {"rows", rows},
                                          {"merges", json::array{"A1:A3", "B1:B3", "C1:C3", "D1:G1", "D2:D3", "E2:G2"}}}}}};
  const auto file = workbook(dir, "chua-khop.xlsx", spec);
  const auto n = read(file);
  ASSERT_TRUE(n.accepted()) << issues(n.errors);
  ASSERT_EQ(n.warnings.size(), 3u) << issues(n.warnings);
  const std::vector<std::pair<std::string, std::vector<std::string>>> expected{
      {"Đảng viên / Trong đó / Đồng bào DTTS", {"100", "80", "9"}},
      {"Đảng viên / Trong đó / Trình độ đại học", {"18", "11", "17"}},
      {"Đảng viên / Trong đó / Cao cấp lý luận", {"3", "2", "0"}}};
  for (std::size_t i = 0; i < 3; ++i) {
    const Issue& w = n.warnings[i];
    EXPECT_EQ(w.code, "unmapped_header");
    EXPECT_EQ(w.where.sheet, "Biểu 1");
    EXPECT_EQ(w.where.row, 3u);
    EXPECT_EQ(w.where.column, 5u + i);
    EXPECT_EQ(w.value, expected[i].first);
    EXPECT_EQ(w.samples, expected[i].second);
    EXPECT_LE(w.suggestions.size(), 3u);
    // The header quoted with "/" between its rows: the message keeps one
    // " / ", between its Vietnamese and its English (the page splits there).
    EXPECT_NE(w.message.find("«" + normalise::quotable(expected[i].first) + "» có số liệu"), std::string::npos) << w.message;
    const auto slash = w.message.find(" / ");
    ASSERT_NE(slash, std::string::npos);
    EXPECT_EQ(w.message.find(" / ", slash + 3), std::string::npos) << w.message;
  }
  // "Đồng bào DTTS", never above members_total: the ethnic minority members first.
  ASSERT_FALSE(n.warnings[0].suggestions.empty());
  EXPECT_EQ(n.warnings[0].suggestions[0].first, "members_ethnic_minority");
  EXPECT_GT(n.warnings[0].suggestions[0].second, 0.5);

  // A province that wants it refused: the same three, as errors at the same cells.
  Policy strict;
  strict.unmapped_numbers_error = true;
  const auto refused = read(file, "2018", strict);
  ASSERT_EQ(refused.errors.size(), 3u) << issues(refused.errors);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(refused.errors[i].code, "unmapped_header");
    EXPECT_EQ(refused.errors[i].where.column, 5u + i);
  }
  EXPECT_TRUE(refused.warnings.empty()) << issues(refused.warnings);
}

TEST(Unmapped, AColumnWithNoHeaderThatHoldsFiguresIsNamed) {
  const std::string csv =
      "Tên TCCSĐ;Loại hình;Tổng số ĐV;ĐV nữ;\n"
      "Đảng bộ xã Khoen On;ĐB;75;20;7\n"
      "Đảng bộ xã Ta Gia;ĐB;80;31;9\n";
  const auto n = read_bytes(csv, "khong-tieu-de.csv");
  ASSERT_TRUE(n.accepted()) << issues(n.errors);
  ASSERT_EQ(n.warnings.size(), 1u) << issues(n.warnings);
  EXPECT_EQ(n.warnings[0].code, "unmapped_header");
  EXPECT_EQ(n.warnings[0].where.column, 5u);
  EXPECT_EQ(n.warnings[0].samples, (std::vector<std::string>{"7", "9"}));
}

// 16,000 columns whose headers name nothing made 16,000 warnings, which the
// daemon held (a gigabyte for ten such dry runs at once) and stored: the
// first 256 are named, the rest counted in one warning.
TEST(Unmapped, PastTheFirst256ColumnsThatNameNoFieldTheRestAreOneWarning) {
  std::string head = "Tên TCCSĐ;Loại hình;Tổng số ĐV", row1 = "Đảng bộ xã Khoen On;ĐB;75", row2 = "Đảng bộ xã Ta Gia;ĐB;80";
  for (int i = 0; i < 300; ++i) {
    head += ";Ghi chú số " + std::to_string(i) + " " + std::string(50, 'x');
    row1 += ";a";
    row2 += ";b";
  }
  const auto n = read_bytes(head + "\n" + row1 + "\n" + row2 + "\n", "rong.csv");
  ASSERT_TRUE(n.accepted()) << issues(n.errors);
  std::size_t named = 0;
  const Issue* more = nullptr;
  for (const auto& w : n.warnings) {
    if (w.code == "unmapped_header") ++named;
    if (w.code == "unmapped_more") more = &w;
  }
  EXPECT_EQ(named, 256u);
  ASSERT_NE(more, nullptr) << issues(n.warnings);
  EXPECT_NE(more->message.find("Còn 44 cột nữa có tiêu đề không khớp chỉ tiêu nào"), std::string::npos) << more->message;
  EXPECT_NE(more->message.find(" / 44 more columns whose headers match no field are left out"), std::string::npos);
  EXPECT_EQ(n.warnings.size(), 257u);
  EXPECT_EQ(n.records.size(), 2u);
}

// Two columns of figures under one field's header (last year's women in a
// hidden column left of this year's): the first was taken and the second
// called "matches no field". Which the district meant is not known: refused,
// naming both. A repeated text column is read from the first, and said so.
TEST(Unmapped, TwoColumnsOfFiguresForOneFieldAreRefusedNamingBoth) {
  const std::string csv =
      "Tên TCCSĐ;Loại hình;Tổng số ĐV;ĐV nữ;ĐV nữ\n"
      "Đảng bộ xã Khoen On;ĐB;75;18;20\n"
      "Đảng bộ xã Ta Gia;ĐB;80;30;31\n";
  const auto n = read_bytes(csv, "hai-cot.csv");
  ASSERT_EQ(n.errors.size(), 1u) << issues(n.errors);
  EXPECT_EQ(n.errors[0].code, "repeated_field");
  EXPECT_EQ(n.errors[0].field, "members_female");
  EXPECT_EQ(n.errors[0].where.column, 5u);
  EXPECT_NE(n.errors[0].message.find("Cột D và cột E cùng là chỉ tiêu"), std::string::npos) << n.errors[0].message;
  EXPECT_NE(n.errors[0].message.find("columns D and E both name members_female"), std::string::npos);
  for (const auto& w : n.warnings) EXPECT_NE(w.code, "unmapped_header") << issues(n.warnings);

  const auto text = read_bytes(
      "Tên TCCSĐ;Loại hình;Tổng số ĐV;Loại hình\nĐảng bộ xã Khoen On;ĐB;75;CB\nĐảng bộ xã Ta Gia;ĐB;80;CB\n", "kieu.csv");
  ASSERT_TRUE(text.accepted()) << issues(text.errors);
  ASSERT_EQ(text.warnings.size(), 1u) << issues(text.warnings);
  EXPECT_EQ(text.warnings[0].code, "repeated_field");
  EXPECT_NE(text.warnings[0].message.find("only column B is read"), std::string::npos) << text.warnings[0].message;
  EXPECT_EQ(text.records.size(), 2u);
}

// Past the first 256 columns that name nothing, a second column of one
// field's figures was not watched, so never compared: the first column was
// read and the second left out without a word. Every repeat is watched; past
// 256 of them the return is refused.
TEST(Unmapped, AColumnRepeatingAFieldPastThe256ColumnsNamedIsStillRefused) {
  std::string head = "Tên TCCSĐ;Loại hình;Tổng số ĐV;ĐV nữ", row1 = "Đảng bộ xã Khoen On;ĐB;75;18",
              row2 = "Đảng bộ xã Ta Gia;ĐB;80;30";
  for (int i = 0; i < 300; ++i) {
    head += ";Ghi chú số " + std::to_string(i);
    row1 += ";a";
    row2 += ";b";
  }
  const auto late = read_bytes(head + ";ĐV nữ\n" + row1 + ";20\n" + row2 + ";31\n", "rong.csv");
  ASSERT_EQ(late.errors.size(), 1u) << issues(late.errors);
  EXPECT_EQ(late.errors[0].code, "repeated_field");
  EXPECT_EQ(late.errors[0].where.column, 305u);
  EXPECT_NE(late.errors[0].message.find("Cột D và cột KS cùng là chỉ tiêu"), std::string::npos) << late.errors[0].message;

  std::string many_head = "Tên TCCSĐ;Loại hình;Tổng số ĐV", many1 = "Đảng bộ xã Khoen On;ĐB;75",
              many2 = "Đảng bộ xã Ta Gia;ĐB;80";
  for (int i = 0; i < 300; ++i) {
    many_head += ";Tổng số ĐV";
    many1 += ";75";
    many2 += ";80";
  }
  const auto many = read_bytes(many_head + "\n" + many1 + "\n" + many2 + "\n", "lap.csv");
  ASSERT_FALSE(many.accepted());
  EXPECT_EQ(many.errors.size(), 257u);
  EXPECT_NE(many.errors.back().message.find("Còn 44 cột nữa có tiêu đề trùng với một chỉ tiêu đã đọc"), std::string::npos)
      << many.errors.back().message;
  EXPECT_NE(many.errors.back().message.find(" / 44 more columns name a field another column gives"), std::string::npos);
}

// A return split over two sheets, or a corrected copy beside the old: one
// sheet is read, and the other was left out without a word (an audit's
// 21 organisations of 45). It is named in a warning.
TEST(Sheets, AnotherSheetWithATableIsNamedNotLeftOutSilently) {
  test::TempDir dir;
  json::value spec = three_row_sheet(false);
  json::object copy = spec.at("sheets").at(0).as_object();
  copy["name"] = "Biểu 1 (tiếp)";
  spec.at("sheets").as_array().push_back(copy);
  spec.at("sheets").as_array().push_back(json::object{{"name", "Ghi chú"}, {"rows", json::object{{"1", json::array{"Người lập biểu"}}}}});
  // A blank form kept beside it (its header, no organisation): not a table of organisations.
  json::object blank = three_row_sheet(false).at("sheets").at(0).as_object();
  blank["name"] = "Mẫu";
  json::object header_rows;
  for (const auto& [row, cells] : blank.at("rows").as_object())
    if (std::stoi(std::string(row)) <= 6) header_rows[row] = cells;
  blank["rows"] = header_rows;
  spec.at("sheets").as_array().push_back(blank);
  const auto n = read(workbook(dir, "hai-trang.xlsx", spec));
  ASSERT_TRUE(n.accepted()) << issues(n.errors);
  EXPECT_EQ(n.records.size(), 3u);
  std::vector<const Issue*> others;
  for (const auto& w : n.warnings)
    if (w.code == "other_table") others.push_back(&w);
  ASSERT_EQ(others.size(), 1u) << issues(n.warnings);
  EXPECT_EQ(others[0]->where.sheet, "Biểu 1 (tiếp)");
  EXPECT_NE(others[0]->message.find("Trang «Biểu 1 (tiếp)» cũng có bảng tổ chức cơ sở đảng nhưng không được đọc: chỉ "
                                    "đọc trang «Biểu 1»"),
            std::string::npos)
      << others[0]->message;
  // One sheet alone: no such warning.
  const auto one = read(workbook(dir, "mot-trang.xlsx", three_row_sheet(false)));
  for (const auto& w : one.warnings) EXPECT_NE(w.code, "other_table");
}

// A blank is unknown, not 0 (ReportNull.ABlankCell…), except where it
// cannot be anything but 0 or the district stated the figure itself: a chi
// bộ's subordinate cells (it has none), and a field whose total row the
// district wrote and that adds up. A blank in a required field refuses.
TEST(Blanks, AChiBoHasNoSubordinateCellsAndATotalRowStatesTheFigure) {
  const std::string head = "Tên TCCSĐ;Loại hình;Tổng số chi bộ;Chi bộ thôn bản;Tổng số ĐV;ĐV nữ\n";
  const std::string rows = "Đảng bộ xã Khoen On;ĐB;5;4;75;20\n"
                           "Chi bộ Trường THCS;CB;;;20;\n"  // no cells (a chi bộ), women blank
                           "Chi bộ Trạm y tế;CB;;;10;6\n";
  const auto blank = read_bytes(head + rows, "trong.csv");
  ASSERT_TRUE(blank.accepted()) << issues(blank.errors);
  EXPECT_EQ(blank.totals.counts.count("cells_total"), 1u) << "a chi bộ's blank cells are 0";
  EXPECT_EQ(blank.totals.counts.at("cells_total"), 5);
  EXPECT_EQ(blank.totals.counts.at("cells_village"), 4);
  EXPECT_EQ(blank.totals.counts.count("members_female"), 0u) << "unknown: 26 would pass for the figure";
  std::size_t warned = 0;
  for (const auto& w : blank.warnings) warned += w.code == "blank_value";
  EXPECT_EQ(warned, 1u) << issues(blank.warnings);

  // The same with the district's total row, which adds up with the blank as 0: its figure.
  const auto stated = read_bytes(head + rows + "Tổng cộng;;5;4;105;26\n", "tong.csv");
  ASSERT_TRUE(stated.accepted()) << issues(stated.errors);
  ASSERT_EQ(stated.totals.counts.count("members_female"), 1u) << issues(stated.warnings);
  EXPECT_EQ(stated.totals.counts.at("members_female"), 26);
  for (const auto& w : stated.warnings) EXPECT_NE(w.code, "blank_value") << issues(stated.warnings);

  // members_total is required: blank for one organisation, refused at its cell.
  const auto required = read_bytes(head + "Đảng bộ xã Khoen On;ĐB;5;4;75;20\nChi bộ Trường THCS;CB;;;;3\n", "bat-buoc.csv");
  ASSERT_EQ(required.errors.size(), 1u) << issues(required.errors);
  EXPECT_EQ(required.errors[0].code, "missing_value");
  EXPECT_EQ(required.errors[0].field, "members_total");
  EXPECT_EQ(required.errors[0].where.row, 3u);
  EXPECT_EQ(required.errors[0].where.column, 5u);
}

TEST(Required, AReturnWithoutMembersTotalIsRefusedNamingTheFieldAndTheColumnThatMayBeIt) {
  const std::string csv =
      "Tên TCCSĐ;Loại hình;ĐV nữ;Số ĐV hiện có\n"
      "Đảng bộ xã Khoen On;ĐB;20;75\n"
      "Đảng bộ xã Ta Gia;ĐB;31;80\n";
  const auto n = read_bytes(csv, "thieu.csv");
  ASSERT_EQ(n.errors.size(), 1u) << issues(n.errors);
  const Issue& e = n.errors[0];
  EXPECT_EQ(e.code, "missing_field");
  EXPECT_EQ(e.field, "members_total");
  EXPECT_EQ(e.where.row, 1u);
  EXPECT_NE(e.message.find("Tổng số đảng viên"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("D «Số ĐV hiện có»"), std::string::npos) << e.message;
  // Without the requirement the same file is accepted, with the column named.
  Policy lax;
  lax.required = {"org_name"};
  const auto accepted = read_bytes(csv, "thieu.csv", lax);
  EXPECT_TRUE(accepted.accepted()) << issues(accepted.errors);
  ASSERT_EQ(accepted.warnings.size(), 1u);
  EXPECT_EQ(accepted.warnings[0].code, "unmapped_header");
}

// The kind's column is there, blank for some organisations whose names do
// not say: they were taken for chi bộ without a word. Required (as the
// province's default asks), the return is refused at the cells; otherwise a
// warning names them.
TEST(Required, ABlankKindTheNameDoesNotTellIsNeverGuessedSilently) {
  const std::string csv = "Tên TCCSĐ;Loại hình;Tổng số ĐV\nĐảng bộ xã Khoen On;ĐB;75\nXã Ta Gia;;80\nChi bộ Trạm y tế;;12\n";
  const auto n = read_bytes(csv, "loai-trong.csv");
  ASSERT_EQ(n.errors.size(), 1u) << issues(n.errors);
  EXPECT_EQ(n.errors[0].code, "missing_value");
  EXPECT_EQ(n.errors[0].field, "org_kind");
  EXPECT_EQ(n.errors[0].where.row, 3u);
  EXPECT_EQ(n.errors[0].where.column, 2u);
  EXPECT_NE(n.errors[0].message.find("để trống ở 1 tổ chức (B3)"), std::string::npos) << n.errors[0].message;
  Policy lax;
  lax.required = {"org_name", "members_total"};
  const auto guessed = read_bytes(csv, "loai-trong.csv", lax);
  ASSERT_TRUE(guessed.accepted()) << issues(guessed.errors);
  ASSERT_EQ(guessed.warnings.size(), 1u) << issues(guessed.warnings);
  EXPECT_EQ(guessed.warnings[0].code, "kind_guessed");
  EXPECT_NE(guessed.warnings[0].message.find("được coi là chi bộ cơ sở"), std::string::npos);
}

TEST(Required, AKindNeitherGivenNorInTheNameIsMissing) {
  const std::string csv =
      "Tên đơn vị;Tổng số ĐV;ĐV nữ\n"
      "Xã Khoen On;75;20\n"
      "Xã Ta Gia;80;31\n";
  const auto n = read_bytes(csv, "khong-loai.csv");
  ASSERT_EQ(n.errors.size(), 1u) << issues(n.errors);
  EXPECT_EQ(n.errors[0].code, "missing_field");
  EXPECT_EQ(n.errors[0].field, "org_kind");
}

TEST(Totals, ATotalRowIsNeverAnOrganisationWhateverItsWording) {
  for (const std::string label : {"Tổng cộng", "Cộng", "Tổng số", "Toàn huyện", "Tổng", "TỔNG CỘNG (3)", "Cộng toàn huyện"}) {
    const std::string csv = "Tên TCCSĐ;Loại hình;Tổng số ĐV;ĐV nữ\n"
                            "Đảng bộ xã Mường Cang;ĐB;148;34\n"
                            "Đảng bộ xã Mường Kim;ĐB;140;46\n"
                            "Chi bộ Trường THPT Than Uyên;CB;31;20\n" +
                            label + ";;319;100\n";
    const auto n = read_bytes(csv, "tong.csv");
    EXPECT_TRUE(n.accepted()) << label << "\n" << issues(n.errors);
    EXPECT_EQ(n.records.size(), 3u) << label;
    EXPECT_DOUBLE_EQ(n.totals.counts.at("members_total"), 319) << label;
  }
}

TEST(Totals, ASubtotalInAnyWordingIsDroppedAndTheGrandTotalChecked) {
  const std::string csv = "Tên TCCSĐ;Loại hình;Tổng số ĐV;ĐV nữ;ĐV DTTS\n"
                          "Khối xã, thị trấn;;;;\n"
                          "Đảng bộ xã Mường Cang;ĐB;148;34;112\n"
                          "Đảng bộ xã Mường Kim;ĐB;140;46;67\n"
                          "Cộng khối xã;;288;80;179\n"
                          "Chi bộ Trường THPT Than Uyên;CB;31;20;4\n"
                          "Chi bộ Kho bạc Nhà nước huyện;CB;12;5;2\n"
                          "Cộng khối cơ quan;;43;25;6\n"
                          "Tổng cộng;;331;105;185\n";
  const auto n = read_bytes(csv, "khoi.csv");
  ASSERT_TRUE(n.accepted()) << issues(n.errors);
  ASSERT_EQ(n.records.size(), 4u) << "neither the heading nor the two subtotals are organisations";
  EXPECT_EQ(n.totals.records, 4u);
  EXPECT_DOUBLE_EQ(n.totals.counts.at("members_total"), 331);
  EXPECT_DOUBLE_EQ(n.totals.counts.at("members_female"), 105);
  EXPECT_DOUBLE_EQ(n.totals.counts.at("members_ethnic_minority"), 185);
  ASSERT_EQ(n.warnings.size(), 2u) << issues(n.warnings);
  EXPECT_EQ(n.warnings[0].code, "heading_row");
  EXPECT_EQ(n.warnings[0].where.row, 2u);
  EXPECT_EQ(n.warnings[1].code, "total_row");
  EXPECT_EQ(n.warnings[1].count, 2u);
  EXPECT_EQ(n.warnings[1].range, "A5, A8");
}

TEST(Totals, ATcvn3TotalRowInAVnTimeFontIsATotal) {
  test::TempDir dir;
  json::object rows;
  // TCVN3 bytes as openpyxl stores them: the characters of the bytes, in a .VnTime font.
  rows["1"] = json::array{"Tªn tæ chøc c¬ së ®¶ng", "Lo¹i h×nh", "Tæng sè ®¶ng viªn", "§¶ng viªn n÷"};
  rows["2"] = json::array{"§¶ng bé x· Phóc Than", "§B", 210, 80};
  rows["3"] = json::array{"Chi bé B¶n Lang", "CB", 31, 20};
  rows["4"] = json::array{"Tæng céng", nullptr, 241, 100};
  const json::value spec =
      json::object{{"sheets", json::array{json::object{{"name", "Biểu 1"}, {"font", ".VnTime"}, {"rows", rows}}}}};
  const auto n = read(workbook(dir, "tcvn3.xlsx", spec));
  ASSERT_TRUE(n.accepted()) << issues(n.errors);
  ASSERT_EQ(n.records.size(), 2u);
  EXPECT_EQ(n.records.at(0).org_name, "Đảng bộ xã Phúc Than");
  EXPECT_DOUBLE_EQ(n.totals.counts.at("members_total"), 241);
  EXPECT_DOUBLE_EQ(n.totals.counts.at("members_female"), 100);
}

TEST(Totals, ATotalInTcvn3BytesWithNoFontIsNeverAnOrganisation) {
  // A CSV saved from a .VnTime sheet: "Tæng céng" as its bytes' characters, no font to tell.
  const std::string csv = "Tên TCCSĐ;Loại hình;Tổng số ĐV;ĐV nữ;ĐV DTTS\n"
                          "Đảng bộ xã Mường Cang;ĐB;148;34;112\n"
                          "Đảng bộ xã Mường Kim;ĐB;140;46;67\n"
                          "Chi bộ Trường THPT Than Uyên;CB;31;20;4\n"
                          "Tæng céng;;319;100;183\n";
  const auto n = read_bytes(csv, "tcvn3-tong.csv");
  ASSERT_TRUE(n.accepted()) << issues(n.errors);
  ASSERT_EQ(n.records.size(), 3u);
  EXPECT_EQ(n.totals.records, 3u);
  EXPECT_DOUBLE_EQ(n.totals.counts.at("members_total"), 319);
  EXPECT_DOUBLE_EQ(n.totals.counts.at("members_female"), 100);
  EXPECT_DOUBLE_EQ(n.totals.counts.at("members_ethnic_minority"), 183);
}

TEST(Periods, AYearTitleOnAHalfYearReturnIsRefusedAtItsCell) {
  test::TempDir dir;
  json::object rows;
  rows["1"] = json::array{"HUYỆN ỦY THAN UYÊN"};
  rows["2"] = json::array{nullptr, "BÁO CÁO SỐ LIỆU NĂM 2018"};
  rows["4"] = json::array{"Tên TCCSĐ", "Loại hình", "Tổng số ĐV", "ĐV nữ"};
  rows["5"] = json::array{"Đảng bộ xã Mường Cang", "ĐB", 148, 34};
  const json::value spec = json::object{{"sheets", json::array{json::object{{"name", "Biểu 1"}, {"rows", rows}}}}};
  const auto file = workbook(dir, "nam.xlsx", spec);
  const auto n = read(file, "2018-H1");
  ASSERT_EQ(n.errors.size(), 1u) << issues(n.errors);
  EXPECT_EQ(n.errors[0].code, "period_mismatch");
  EXPECT_EQ(n.errors[0].where.row, 2u);
  EXPECT_EQ(n.errors[0].where.column, 2u);
  EXPECT_TRUE(read(file, "2018").accepted());
}

TEST(Errors, TheSameProblemInManyRowsIsOneErrorAndTheTotalIsNotBlamedForIt) {
  std::string csv = "Tên TCCSĐ;Loại hình;Tổng số ĐV;ĐV nữ\n";
  std::int64_t members = 0;
  for (int i = 0; i < 12; ++i) {
    csv += "Chi bộ bản " + std::to_string(i) + ";CB;" + std::to_string(20 + i) + ";" + (i >= 2 && i < 12 ? "x" : "5") + "\n";
    members += 20 + i;
  }
  csv += "Tổng cộng;;" + std::to_string(members) + ";60\n";
  const auto n = read_bytes(csv, "x.csv");
  ASSERT_EQ(n.errors.size(), 1u) << issues(n.errors);
  const Issue& e = n.errors[0];
  EXPECT_EQ(e.code, "not_a_number");
  EXPECT_EQ(e.field, "members_female");
  EXPECT_EQ(e.count, 10u);
  EXPECT_EQ(e.range, "D4:D13");
  EXPECT_EQ(e.where.row, 4u);
  EXPECT_EQ(e.where.column, 4u);
  EXPECT_NE(e.message.find("10"), std::string::npos) << e.message;
}

// A figure too large to be a count was called "not a number", which a clerk
// looking at the digits would not believe.
TEST(Errors, AFigureTooLargeIsSaidToBeTooLarge) {
  const auto n = read_bytes("Tên TCCSĐ;Loại hình;Tổng số ĐV\nĐảng bộ xã Khoen On;ĐB;99999999999999999999\n", "lon.csv");
  ASSERT_EQ(n.errors.size(), 1u) << issues(n.errors);
  EXPECT_EQ(n.errors[0].code, "too_large");
  EXPECT_EQ(n.errors[0].field, "members_total");
  EXPECT_EQ(n.errors[0].where.row, 2u);
  EXPECT_EQ(n.errors[0].where.column, 3u);
  EXPECT_NE(n.errors[0].message.find("«99999999999999999999» ở ô C2 (Tổng số đảng viên) quá lớn"), std::string::npos)
      << n.errors[0].message;
}

TEST(Errors, NoTableNamesTheNearestRowWhatItReadAndTheMissingNameColumn) {
  const std::string csv =
      "Danh sách cơ sở;Loại hình;Số ĐV;ĐV nữ;Kết nạp mới\n"
      "Xã Khoen On;ĐB;75;20;3\n";
  const auto n = read_bytes(csv, "khong-bang.csv");
  ASSERT_EQ(n.errors.size(), 1u) << issues(n.errors);
  const Issue& e = n.errors[0];
  EXPECT_EQ(e.code, "no_table");
  EXPECT_EQ(e.field, "org_name");
  EXPECT_EQ(e.where.row, 1u);
  for (const std::string part : {"C «Số ĐV» (members_total)", "D «ĐV nữ» (members_female)", "E «Kết nạp mới» (admitted)",
                                 "A «Danh sách cơ sở»", "Tên tổ chức cơ sở đảng"})
    EXPECT_NE(e.message.find(part), std::string::npos) << part << "\n" << e.message;
}

TEST(Trees, ConnectorKeysAndUnmappedFiguresInJson) {
  const std::string doc = R"({"ky_bao_cao": "Năm 2018", "to_chuc": [
    {"ten": "Đảng bộ xã Phúc Than", "loai_hinh": "ĐB", "dang_vien": {"tong_so": 210, "trong_do": {"nu": 80}}, "dv_cao_cap": 4},
    {"ten": "Chi bộ Trạm y tế", "loai_hinh": "CB", "dang_vien": {"tong_so": 12, "trong_do": {"nu": 9}}, "dv_cao_cap": "1"},
    {"ten": "Tổng cộng", "dang_vien": {"tong_so": 222, "trong_do": {"nu": 89}}}]})";
  const auto n = read_bytes(doc, "tree.json");
  ASSERT_TRUE(n.accepted()) << issues(n.errors);
  ASSERT_EQ(n.records.size(), 2u);
  EXPECT_EQ(count(n.records.at(0), "members_female"), 80);
  EXPECT_DOUBLE_EQ(n.totals.counts.at("members_female"), 89);
  ASSERT_EQ(n.warnings.size(), 1u) << issues(n.warnings);
  EXPECT_EQ(n.warnings[0].code, "unmapped_header");
  EXPECT_EQ(n.warnings[0].where.path, "/to_chuc/0/dv_cao_cap");
  EXPECT_EQ(n.warnings[0].samples, (std::vector<std::string>{"4", "1"}));
}

// Past the sheet's first 100,000 cells (kHeadCells) rows are streamed to the
// normaliser's worker thread, and whether a text is TCVN3 is judged on
// whichever of the two threads has time (branch pipeline): a TCVN3 name and a
// TCVN3 total row far down a large CSV are read as they are in a small one.
TEST(Totals, Tcvn3TextsFarDownALargeCsvAreDecodedWhenStreamed) {
  std::string csv = "Tên TCCSĐ;Loại hình;Tổng số ĐV;ĐV nữ;ĐV DTTS\n";
  constexpr int kRows = 25'000;  // 125,000 cells: the last rows are streamed
  for (int i = 1; i <= kRows; ++i) csv += "Chi bộ thôn Nà Cang " + std::to_string(i) + ";CB;10;4;3\n";
  csv += "Chi b\u00e9 th\u00abn B\u00b6n Lang;CB;36;11;20\n";  // "Chi bộ thôn Bản Lang" in TCVN3, no font
  csv += "T\u00e6ng c\u00e9ng;;" + std::to_string(kRows * 10 + 36) + ";" + std::to_string(kRows * 4 + 11) + ";" +
         std::to_string(kRows * 3 + 20) + "\n";
  const auto n = read_bytes(csv, "tcvn3-lon.csv");
  ASSERT_TRUE(n.accepted()) << issues(n.errors);
  ASSERT_EQ(n.records.size(), static_cast<std::size_t>(kRows + 1));
  EXPECT_EQ(n.records.at(kRows).org_name, "Chi bộ thôn Bản Lang");
  EXPECT_EQ(n.records.at(kRows - 1).org_name, "Chi bộ thôn Nà Cang 25000");
  EXPECT_DOUBLE_EQ(n.totals.counts.at("members_total"), kRows * 10 + 36);
  EXPECT_DOUBLE_EQ(n.totals.counts.at("members_female"), kRows * 4 + 11);  // the total row is no organisation
  EXPECT_DOUBLE_EQ(n.totals.counts.at("members_ethnic_minority"), kRows * 3 + 20);
}

// A streamed table's plain digits are read on the importer's thread
// (DocumentReader::push), anything else by the worker as before: both
// give the counts parse_count gives, and a count that cannot be read is
// still refused at its cell.
TEST(Totals, CountsFarDownALargeCsvReadTheSameWhicheverThreadReadsThem) {
  std::string csv = "Tên TCCSĐ;Loại hình;Tổng số ĐV;ĐV nữ;ĐV DTTS\n";
  constexpr int kRows = 25'000;  // 125,000 cells: the last rows are streamed
  for (int i = 1; i <= kRows; ++i) csv += "Chi bộ thôn Nà Cang " + std::to_string(i) + ";CB;0010; 4 ;3\n";
  csv += "Chi bộ thôn Bản Lang;CB;1.234;5;007\n";
  const std::string total = "Tổng cộng;;" + std::to_string(kRows * 10 + 1234) + ";" + std::to_string(kRows * 4 + 5) +
                            ";" + std::to_string(kRows * 3 + 7) + "\n";
  const auto n = read_bytes(csv + total, "so-lon.csv");
  ASSERT_TRUE(n.accepted()) << issues(n.errors);
  ASSERT_EQ(n.records.size(), static_cast<std::size_t>(kRows + 1));
  EXPECT_DOUBLE_EQ(n.totals.counts.at("members_total"), kRows * 10 + 1234);
  EXPECT_DOUBLE_EQ(n.totals.counts.at("members_female"), kRows * 4 + 5);
  EXPECT_DOUBLE_EQ(n.totals.counts.at("members_ethnic_minority"), kRows * 3 + 7);

  const auto bad = read_bytes(csv + "Chi bộ thôn Bản Mới;CB;12a;1;1\n", "so-sai.csv");
  ASSERT_FALSE(bad.accepted());
  ASSERT_EQ(bad.errors.size(), 1u) << issues(bad.errors);
  EXPECT_EQ(bad.errors[0].code, "not_a_number");
  EXPECT_EQ(bad.errors[0].where.row, static_cast<std::uint32_t>(kRows + 3));
  EXPECT_EQ(bad.errors[0].where.column, 3u);
}

// Far down a large CSV (streamed) the worker keeps the folds of each
// column's last four texts, looks a kind or rating over among the last four
// read, and looks at the columns no field names only in rows that have a
// cell there (issue 18, csvcpu): six ratings' spellings in turn (more than
// four: each fold and reading is taken again), a heading and a total row
// between them, and figures in an unmapped column in a few late rows only.
TEST(Totals, ManySpellingsAndALateUnmappedColumnFarDownALargeCsv) {
  const std::vector<std::pair<std::string, std::string>> ratings = {
      {"HTXSNV", "excellent"}, {"Tốt", "good"}, {"HTNV", "completed"}, {"Kém", "not_completed"},  // "Tốt" and "Yếu",
      {"Yếu", "not_completed"}, {"Trong sạch vững mạnh", "excellent"}};                        // "HTNV" and "Kém": as long
  std::string csv = "Tên TCCSĐ;Loại hình;Xếp loại;Tổng số ĐV;ĐV nữ;Cột lạ\n";
  constexpr int kRows = 21'000;  // 126,000 cells: most rows are streamed
  std::map<std::string, int> rated;
  int committees = 0, female = 0, members = 0;
  std::vector<std::string> late;
  for (int i = 1; i <= kRows; ++i) {
    const bool committee = i % 3 == 0;
    const auto& [written, rating] = ratings[static_cast<std::size_t>(i) % ratings.size()];
    const std::string name = (committee ? "Đảng bộ xã Nà Cang " : "Chi bộ thôn Nà Cang ") + std::to_string(i);
    csv += name + ";" + (committee ? "ĐB" : "CB") + ";" + written + ";" + std::to_string(i % 50 + 1) + ";" +
           std::to_string((i % 50 + 1) / 2) + ";";
    if (i > kRows - 4) {
      late.push_back(std::to_string(i));
      csv += late.back();
    }
    csv += "\n";
    committees += committee;
    ++rated[rating];
    members += i % 50 + 1;
    female += (i % 50 + 1) / 2;
  }
  const std::string sums = std::to_string(members) + ";" + std::to_string(female);
  csv += "Tổng cộng;;;" + sums + ";\n";
  const auto n = read_bytes(csv, "nhieu-cach-viet.csv");
  ASSERT_TRUE(n.accepted()) << issues(n.errors);
  ASSERT_EQ(n.records.size(), static_cast<std::size_t>(kRows));
  EXPECT_EQ(n.totals.party_committees, static_cast<std::size_t>(committees));
  for (const auto& [rating, orgs] : rated) EXPECT_DOUBLE_EQ(n.totals.ratings.at(rating), orgs) << rating;
  EXPECT_DOUBLE_EQ(n.totals.counts.at("members_total"), members);
  EXPECT_DOUBLE_EQ(n.totals.counts.at("members_female"), female);
  const Record last = n.records.at(kRows - 1);
  EXPECT_EQ(last.org_name, "Đảng bộ xã Nà Cang 21000");
  EXPECT_EQ(last.org_kind, "party_committee");
  EXPECT_EQ(last.org_rating, "excellent");  // 21000 % 6 == 0: HTXSNV
  EXPECT_EQ(last.org_sector, "commune");
  const Record before = n.records.at(kRows - 2);  // 20999: a cell, "Trong sạch vững mạnh"
  EXPECT_EQ(before.org_kind, "party_cell");
  EXPECT_EQ(before.org_rating, "excellent");
  EXPECT_EQ(n.records.at(kRows - 3).org_rating, "not_completed");  // 20998: "Yếu"
  EXPECT_EQ(n.records.at(kRows - 6).org_rating, "good");           // 20995: "Tốt"
  EXPECT_EQ(before.org_sector, "other");
  // The unmapped column: found, with the late rows' figures as its samples.
  const auto w = std::find_if(n.warnings.begin(), n.warnings.end(), [](const Issue& i) { return i.where.column == 6; });
  ASSERT_NE(w, n.warnings.end()) << issues(n.warnings);
  EXPECT_EQ(w->samples, std::vector<std::string>(late.begin(), late.begin() + std::min<std::size_t>(late.size(), w->samples.size())));
  EXPECT_FALSE(w->samples.empty());
}
