// Shapes the samples do not have, built here as importer documents: the
// reading must be general, not tuned to the samples.
#include <set>

#include <gtest/gtest.h>

#include "normalise/catalogue.hpp"
#include "normalise/lai_chau.hpp"
#include "normalise/normaliser.hpp"
#include "normalise/text.hpp"
#include "report/indicators.hpp"

using namespace tonghop;
using namespace tonghop::normalise;

namespace {

const Catalogue& cat() { return test::lai_chau_catalogue(); }
const Registry& reg() { return test::lai_chau_registry(); }
using test::errors_of;

// A sheet written row by row: strings that look like whole numbers become numbers.
struct SheetWriter {
  sdk::Sheet sheet;
  std::string font = "Times New Roman";
  void row(std::uint32_t r, std::vector<std::string> cells) {
    std::uint32_t c = 0;
    for (auto& t : cells) {
      ++c;
      if (t.empty()) continue;
      sdk::Cell cell;
      cell.row = r;
      cell.column = c;
      cell.font = font;
      const bool number = t.find_first_not_of("0123456789") == std::string::npos;
      cell.type = number ? sdk::CellType::number : sdk::CellType::text;
      cell.number = number ? std::stod(t) : 0;
      cell.text = t;
      sheet.cells.push_back(cell);
    }
  }
};

}  // namespace

TEST(Shapes, InstructionsSheetFirstAndTcvn3FontText) {
  sdk::Document doc;
  SheetWriter help;
  help.sheet.name = "Hướng dẫn";
  help.row(1, {"Hướng dẫn điền biểu"});
  help.row(2, {"Cột Tổng số đảng viên: ghi số đảng viên có đến 31/12"});
  doc.sheets.push_back(help.sheet);

  SheetWriter data;
  data.sheet.name = "Biểu 2";
  data.font = ".VnTime";
  // TCVN3 bytes shown as Windows-1252 characters: "§¶ng viªn" is "Đảng viên".
  data.row(1, {"HuyÖn ñy Than Uyªn"});
  data.row(3, {"STT", "Tªn tæ chøc c¬ së ®¶ng", "§¶ng viªn", "", "XÕp lo¹i"});
  data.row(4, {"", "", "Tæng sè", "N÷", ""});
  data.row(5, {"1", "§¶ng bé x· Phóc Than", "210", "80", "HTTNV"});
  data.row(6, {"2", "Chi bé Tr­êng THCS M­êng Kim", "31", "20", "HTXSNV"});
  data.row(7, {"Tæng sè", "", "241", "100", ""});  // merged over A7:B7
  data.row(9, {"", "Ng­êi lËp biÓu"});
  data.sheet.merges = {{3, 1, 4, 1}, {3, 2, 4, 2}, {3, 3, 3, 4}, {3, 5, 4, 5}, {7, 1, 7, 2}};
  doc.sheets.push_back(data.sheet);

  Normaliser n(cat(), reg());
  const auto result = n.normalise(doc, {"Than Uyên", "2018"});
  ASSERT_TRUE(result.accepted()) << errors_of(result);
  ASSERT_EQ(result.records.size(), 2u) << "the total row ('Tổng số' as a label) is dropped";
  EXPECT_EQ(result.records[0].org_name, "Đảng bộ xã Phúc Than");
  EXPECT_EQ(result.records[0].counts.at("members_female"), 80);
  EXPECT_EQ(result.records[1].org_name, "Chi bộ Trường THCS Mường Kim");
  EXPECT_EQ(result.records[1].org_kind, "party_cell");
  EXPECT_EQ(result.records[1].org_sector, "public_service");
  EXPECT_EQ(result.records[1].org_rating, "excellent");
  EXPECT_EQ(result.records[1].provenance.at("members_total").sheet, "Biểu 2");
}

TEST(Shapes, EnglishCamelCaseHeadersWithThousandsAndATotalThatDisagrees) {
  sdk::Document doc;
  SheetWriter s;
  s.row(1, {"orgName", "orgKind", "membersTotal", "membersFemale", "admitted", "admittedFemale"});
  s.row(2, {"Đảng bộ xã Mường Cang", "party_committee", "1.148", "534", "10", "4"});
  s.row(3, {"Đảng bộ xã Hua Nà", "party_committee", "1,002", "400", "12", "13"});
  s.row(4, {"Tổng cộng", "", "2160", "934", "22", "17"});  // the rows add up to 2150
  doc.sheets.push_back(s.sheet);
  Normaliser n(cat(), reg());
  const auto result = n.normalise(doc, {"Than Uyên", "2018"});
  EXPECT_EQ(result.records.at(0).counts.at("members_total"), 1148);
  EXPECT_EQ(result.records.at(1).counts.at("members_total"), 1002);
  // admitted_female 13 > admitted 12 at C3... and the total of members is 2150.
  bool part = false, total = false;
  for (const auto& e : result.errors) {
    part |= e.code == "part_exceeds_whole" && e.field == "admitted_female" && e.where.row == 3 && e.where.column == 6;
    total |= e.code == "total_mismatch" && e.field == "members_total" && e.where.row == 4 && e.value == "2160";
  }
  EXPECT_TRUE(part) << errors_of(result);
  EXPECT_TRUE(total) << errors_of(result);
}

TEST(Shapes, AnUnknownHeaderIsAWarningQuotingIt) {
  sdk::Document doc;
  SheetWriter s;
  s.row(1, {"Tên TCCSĐ", "Tổng số ĐV", "ĐV nữ", "Số ĐV có bằng đại học"});
  s.row(2, {"Đảng bộ xã Tà Hừa", "120", "40", "18"});
  doc.sheets.push_back(s.sheet);
  Normaliser n(cat(), reg());
  const auto result = n.normalise(doc, {"Than Uyên", "2018"});
  ASSERT_TRUE(result.accepted()) << errors_of(result);
  ASSERT_EQ(result.warnings.size(), 1u);
  EXPECT_EQ(result.warnings[0].code, "unmapped_header") << "a column of figures";
  EXPECT_EQ(result.warnings[0].value, "Số ĐV có bằng đại học");
  EXPECT_EQ(result.warnings[0].where.column, 4u);
  EXPECT_EQ(result.warnings[0].samples, std::vector<std::string>{"18"});
}

TEST(Shapes, AProfileNamesWhatNoSynonymCan) {
  sdk::Document doc;
  SheetWriter s;
  s.row(1, {"Tên TCCSĐ", "Loại hình", "Cột 7", "ĐV nữ"});
  s.row(2, {"Đảng bộ xã Tà Hừa", "ĐB", "120", "40"});
  doc.sheets.push_back(s.sheet);
  Profile p;
  p.headers[fold("Cột 7")] = "members_total";
  Normaliser n(cat(), reg());
  const auto without = n.normalise(doc, {"Than Uyên", "2018"});
  EXPECT_FALSE(without.records.at(0).counts.count("members_total"));
  const auto with = n.normalise(doc, {"Than Uyên", "2018"}, &p);
  EXPECT_EQ(with.records.at(0).counts.at("members_total"), 120);
  EXPECT_TRUE(with.warnings.empty());
}

TEST(Shapes, TheRulesOfTheDomain) {
  sdk::Document doc;
  SheetWriter s;
  s.row(1, {"Tên TCCSĐ", "Loại hình", "Tổng số CB", "CB HTXSNV", "CB HTTNV", "ĐV được đánh giá", "ĐV HTXSNV", "ĐV HTTNV",
            "Tổng số ĐV", "Số thôn, bản", "Thôn chưa có CB"});
  s.row(2, {"Chi bộ Trạm y tế xã", "CB", "2", "", "", "", "", "", "12", "", ""});
  s.row(3, {"Đảng bộ xã A", "ĐB", "5", "4", "3", "10", "6", "3", "30", "4", "5"});
  doc.sheets.push_back(s.sheet);
  Normaliser n(cat(), reg());
  const auto result = n.normalise(doc, {"Than Uyên", "2018"});
  std::set<std::string> codes;
  for (const auto& e : result.errors) codes.insert(e.code + ":" + e.field + ":" + std::to_string(e.where.row));
  EXPECT_TRUE(codes.count("cell_with_subordinates:cells_total:2")) << errors_of(result);
  EXPECT_TRUE(codes.count("parts_exceed_whole:cells_total:3")) << errors_of(result);
  EXPECT_TRUE(codes.count("parts_differ_from_whole:members_rated:3")) << errors_of(result);
  EXPECT_TRUE(codes.count("part_exceeds_whole:villages_without_cell:3")) << errors_of(result);
}

TEST(Shapes, AJsonDocumentWithCanonicalKeysAndAWrongPeriod) {
  sdk::Document doc;
  auto add = test::tree_adder(doc);
  add("/district", sdk::NodeKind::string, "Than Uyên");
  add("/period", sdk::NodeKind::string, "Năm 2017");
  add("/organisations/0/org_name", sdk::NodeKind::string, "Đảng bộ xã Mường Cang");
  add("/organisations/0/members_total", sdk::NodeKind::number, "148", 148);
  add("/organisations/0/members_female", sdk::NodeKind::number, "34", 34);
  add("/organisations/1/org_name", sdk::NodeKind::string, "Đảng bộ xã Mường Kim");
  add("/organisations/1/members_total", sdk::NodeKind::string, "một trăm");
  Normaliser n(cat(), reg());
  const auto result = n.normalise(doc, {"Than Uyên", "2018"});
  bool period = false, number = false;
  for (const auto& e : result.errors) {
    period |= e.code == "period_mismatch" && e.where.path == "/period";
    number |= e.code == "not_a_number" && e.where.path == "/organisations/1/members_total";
  }
  EXPECT_TRUE(period) << errors_of(result);
  EXPECT_TRUE(number) << errors_of(result);
}

TEST(Indicators, PercentagesRoundHalfAwayFromZero) {
  EXPECT_DOUBLE_EQ(report::round2(92.4528), 92.45);
  EXPECT_DOUBLE_EQ(report::round2(33.665), 33.67);
  EXPECT_DOUBLE_EQ(report::round2(-1.005), -1.01);
  // The seed article's figures: Văn Lãng 49 of 53 good or better; Than Uyên 374 of 1,111 women.
  std::vector<Record> records(53);
  for (std::size_t i = 0; i < records.size(); ++i) records[i].org_rating = i < 49 ? "good" : "completed";
  records[0].counts["admitted"] = 1111;
  records[0].counts["admitted_female"] = 374;
  records[0].counts["admitted_ethnic_minority"] = 589;
  const auto ind = report::compute(records, cat());
  auto value = [&](const std::string& id) {
    for (const auto& i : ind)
      if (i.id == id) return i.value;
    return std::optional<double>();
  };
  EXPECT_DOUBLE_EQ(value("orgs_good_or_better_pct").value(), 92.45);
  EXPECT_DOUBLE_EQ(value("admitted_female_pct").value(), 33.66);
  EXPECT_DOUBLE_EQ(value("admitted_ethnic_minority_pct").value(), 53.02);
  EXPECT_FALSE(value("members_female_pct").has_value()) << "no members: the percentage is null";
}

TEST(Shapes, APeriodColumnIsCheckedOncePerValue) {
  sdk::Document doc;
  SheetWriter s;
  s.row(1, {"Kỳ báo cáo", "Tên TCCSĐ", "Tổng số ĐV", "ĐV nữ"});
  s.row(2, {"Năm 2017", "Đảng bộ xã Tà Hừa", "120", "40"});
  s.row(3, {"Năm 2017", "Đảng bộ xã Tà Mít", "90", "30"});
  s.row(4, {"Năm 2018", "Đảng bộ xã Mường Than", "100", "20"});
  doc.sheets.push_back(s.sheet);
  Normaliser n(cat(), reg());
  const auto result = n.normalise(doc, {"Than Uyên", "2018"});
  ASSERT_EQ(result.errors.size(), 1u) << errors_of(result);
  EXPECT_EQ(result.errors[0].code, "period_mismatch");
  EXPECT_EQ(result.errors[0].field, "period");
  EXPECT_EQ(result.errors[0].where.row, 2u);
  EXPECT_EQ(result.errors[0].where.column, 1u);
  EXPECT_EQ(result.records.size(), 3u);
}

// A sheet too large to keep whole is read as a stream. Its grouped header is
// only right with the merged ranges, which (as in xlsx) come after the cells:
// the reader must see that and read again knowing them.
TEST(Streaming, ALargeSheetWithMergesAfterItsCellsReadsLikeASmallOne) {
  const std::size_t rows = kHeadCells / 4 + 500;  // four cells a row: past the head
  sdk::Document doc;
  SheetWriter s;
  s.row(1, {"Tên tổ chức cơ sở đảng", "Đảng viên", "", "Xếp loại"});
  s.row(2, {"", "Tổng số", "Nữ", ""});
  for (std::size_t i = 0; i < rows; ++i)
    s.row(static_cast<std::uint32_t>(3 + i),
          {"Chi bộ thôn " + std::to_string(i), std::to_string(20 + i % 7), std::to_string(i % 5), "HTTNV"});
  s.sheet.merges = {{1, 1, 2, 1}, {1, 2, 1, 3}, {1, 4, 2, 4}};
  doc.sheets.push_back(s.sheet);

  Normaliser n(cat(), reg());
  auto first = n.reader({"Than Uyên", "2018"});
  ASSERT_TRUE(replay(doc, *first).ok());
  EXPECT_TRUE(first->needs_second_pass()) << "'Tổng số' and 'Nữ' need the group merged over them";
  const auto result = n.normalise(doc, {"Than Uyên", "2018"});
  ASSERT_TRUE(result.accepted()) << errors_of(result);
  ASSERT_EQ(result.records.size(), rows);
  const Record last = result.records.at(rows - 1);
  EXPECT_EQ(last.org_name, "Chi bộ thôn " + std::to_string(rows - 1));
  EXPECT_EQ(last.counts.at("members_total"), static_cast<std::int64_t>(20 + (rows - 1) % 7));
  EXPECT_EQ(last.counts.at("members_female"), static_cast<std::int64_t>((rows - 1) % 5));
  EXPECT_EQ(last.org_rating, "good");
  EXPECT_EQ(last.provenance.at("members_female").row, rows + 2);
  EXPECT_EQ(last.provenance.at("members_female").column, 3u);
  std::int64_t members = 0;
  for (std::size_t i = 0; i < rows; ++i) members += static_cast<std::int64_t>(20 + i % 7);
  EXPECT_DOUBLE_EQ(result.totals.counts.at("members_total"), static_cast<double>(members));
  EXPECT_EQ(result.totals.records, rows);
}

TEST(Streaming, AnErrorFarDownALargeSheetIsNamedAtItsCell) {
  const std::size_t rows = kHeadCells / 3 + 100;
  sdk::Document doc;
  SheetWriter s;
  s.row(1, {"Tên TCCSĐ", "Tổng số ĐV", "ĐV nữ"});
  for (std::size_t i = 0; i < rows; ++i)
    s.row(static_cast<std::uint32_t>(2 + i), {"Chi bộ bản " + std::to_string(i), "30", i == rows - 10 ? "31" : "10"});
  doc.sheets.push_back(s.sheet);
  Normaliser n(cat(), reg());
  const auto result = n.normalise(doc, {"Than Uyên", "2018"});
  ASSERT_EQ(result.errors.size(), 1u) << errors_of(result);
  EXPECT_EQ(result.errors[0].code, "part_exceeds_whole");
  EXPECT_EQ(result.errors[0].field, "members_female");
  EXPECT_EQ(result.errors[0].where.row, rows - 10 + 2);
  EXPECT_EQ(result.errors[0].where.column, 3u);
  EXPECT_EQ(result.records.size(), rows);
}

TEST(Streaming, CellsOutOfOrderAndALongTextFarDownReadLikeASmallSheet) {
  // Past the head, a row whose cells come right to left with a column given
  // twice (the later wins, as in a small sheet), and a note longer than a
  // batch's text buffer, so the rows before it in its batch are moved.
  const std::size_t rows = kHeadCells / 4 + 500;
  const std::size_t odd = rows - 50;
  sdk::Document doc;
  SheetWriter s;
  s.row(1, {"Tên TCCSĐ", "Tổng số ĐV", "ĐV nữ", "Ghi chú"});
  for (std::size_t i = 0; i < rows; ++i) {
    const auto r = static_cast<std::uint32_t>(2 + i);
    if (i != odd) {
      s.row(r, {"Chi bộ bản " + std::to_string(i), "30", "10", "ghi chú " + std::to_string(i)});
      continue;
    }
    auto cell = [&](std::uint32_t c, std::string text) {
      sdk::Cell x;
      x.row = r;
      x.column = c;
      x.type = sdk::CellType::text;
      x.text = std::move(text);
      s.sheet.cells.push_back(std::move(x));
    };
    cell(4, std::string(200'000, 'x'));
    cell(3, "7");
    cell(2, "99");
    cell(1, "Chi bộ bản lẻ");
    cell(2, "40");
  }
  doc.sheets.push_back(s.sheet);
  Normaliser n(cat(), reg());
  const auto result = n.normalise(doc, {"Than Uyên", "2018"});
  ASSERT_TRUE(result.accepted()) << errors_of(result);
  ASSERT_EQ(result.records.size(), rows);
  const Record r = result.records.at(odd);
  EXPECT_EQ(r.org_name, "Chi bộ bản lẻ");
  EXPECT_EQ(r.counts.at("members_total"), 40);
  EXPECT_EQ(r.counts.at("members_female"), 7);
  EXPECT_EQ(r.provenance.at("members_total").column, 2u);
  for (const std::size_t i : {odd - 3, odd - 1, odd + 1, rows - 1}) {
    const Record other = result.records.at(i);
    EXPECT_EQ(other.org_name, "Chi bộ bản " + std::to_string(i));
    EXPECT_EQ(other.counts.at("members_total"), 30);
    EXPECT_EQ(other.provenance.at("org_name").row, i + 2);
  }
}

TEST(Streaming, TooManyMergedRangesAreARefusalNamingTheSheet) {
  sdk::Document doc;
  SheetWriter s;
  s.sheet.name = "Biểu 01";
  s.row(1, {"Tên TCCSĐ", "Tổng số ĐV", "ĐV nữ"});
  for (std::uint32_t i = 0; i <= 65536; ++i) s.sheet.merges.push_back({i + 2, 1, i + 2, 2});
  doc.sheets.push_back(s.sheet);
  Normaliser n(cat(), reg());
  auto reader = n.reader({"Than Uyên", "2018"});
  const auto status = replay(doc, *reader);
  EXPECT_EQ(status.code(), sdk::Code::limit_exceeded);
  EXPECT_NE(status.message().find("Biểu 01"), std::string::npos) << status.message();
}
