// Shapes the samples do not have, built here as importer documents: the
// reading must be general, not tuned to the samples.
#include <set>

#include <gtest/gtest.h>

#include "normalise/catalogue.hpp"
#include "normalise/normaliser.hpp"
#include "normalise/text.hpp"
#include "report/indicators.hpp"

using namespace tonghop;
using namespace tonghop::normalise;

namespace {

const Catalogue& cat() {
  static const auto c = load_catalogue(TONGHOP_SOURCE_DIR "/config/indicators.toml");
  return *c;
}
const Registry& reg() {
  static const auto r = load_registry(TONGHOP_SOURCE_DIR "/config/units/lai-chau.toml");
  return *r;
}

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

std::string errors_of(const Normalised& n) {
  std::string s;
  for (const auto& e : n.errors) s += e.code + " " + e.field + " row " + std::to_string(e.where.row) + ": " + e.message + "\n";
  return s;
}

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
  doc.is_tree = true;
  auto add = [&](std::string p, sdk::NodeKind k, std::string text, double n = 0) {
    doc.tree.push_back(sdk::TreeValue{std::move(p), k, false, n, std::move(text)});
  };
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

TEST(Trees, AFirstPassFindsTheArrayAndASecondReadsEachElementAsItEnds) {
  // A smaller array before the organisations, and the period after them.
  const std::size_t n = 50'000;
  sdk::Document doc;
  doc.is_tree = true;
  auto add = [&](std::string p, sdk::NodeKind k, std::string text, double v = 0) {
    doc.tree.push_back(sdk::TreeValue{std::move(p), k, false, v, std::move(text)});
  };
  for (int i = 0; i < 3; ++i) add("/phu_luc/" + std::to_string(i) + "/x", sdk::NodeKind::number, "1", 1);
  std::int64_t members = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string e = "/to_chuc/" + std::to_string(i);
    add(e + "/ten", sdk::NodeKind::string, "Chi bộ bản " + std::to_string(i));
    add(e + "/dang_vien/tong_so", sdk::NodeKind::number, std::to_string(10 + i % 9), static_cast<double>(10 + i % 9));
    add(e + "/dang_vien/nu", sdk::NodeKind::number, "3", 3);
    members += static_cast<std::int64_t>(10 + i % 9);
  }
  add("/ky_bao_cao", sdk::NodeKind::string, "Năm 2017");

  Normaliser normaliser(cat(), reg());
  auto first = normaliser.reader({"Than Uyên", "2018"});
  ASSERT_TRUE(replay(doc, *first).ok());
  ASSERT_TRUE(first->needs_second_pass());
  ASSERT_EQ(first->learned().array, std::optional<std::string>("/to_chuc"));
  auto second = normaliser.reader({"Than Uyên", "2018"}, nullptr, first->learned());
  ASSERT_TRUE(replay(doc, *second).ok());
  EXPECT_FALSE(second->needs_second_pass());
  const auto result = second->finish();

  ASSERT_EQ(result.errors.size(), 1u) << errors_of(result);
  EXPECT_EQ(result.errors[0].code, "period_mismatch");
  EXPECT_EQ(result.errors[0].where.path, "/ky_bao_cao");
  ASSERT_EQ(result.records.size(), n);
  const Record last = result.records.at(n - 1);
  EXPECT_EQ(last.org_name, "Chi bộ bản " + std::to_string(n - 1));
  EXPECT_EQ(last.counts.at("members_female"), 3);
  EXPECT_EQ(last.provenance.at("members_total").path, "/to_chuc/" + std::to_string(n - 1) + "/dang_vien/tong_so");
  EXPECT_EQ(last.where.path, "/to_chuc/" + std::to_string(n - 1));
  EXPECT_DOUBLE_EQ(result.totals.counts.at("members_total"), static_cast<double>(members));
  // The collected form reads the same through both passes.
  const auto whole = normaliser.normalise(doc, {"Than Uyên", "2018"});
  EXPECT_EQ(whole.records.size(), n);
  EXPECT_EQ(whole.errors.size(), 1u);
}

TEST(Trees, ADocumentWithoutAnArrayOfElementsIsRefusedAfterOnePass) {
  sdk::Document doc;
  doc.is_tree = true;
  doc.tree.push_back(sdk::TreeValue{"/ten", sdk::NodeKind::string, false, 0, "x"});
  doc.tree.push_back(sdk::TreeValue{"/so/0", sdk::NodeKind::number, false, 1, "1"});
  Normaliser normaliser(cat(), reg());
  auto reader = normaliser.reader({"Than Uyên", "2018"});
  ASSERT_TRUE(replay(doc, *reader).ok());
  EXPECT_FALSE(reader->needs_second_pass());
  const auto result = reader->finish();
  ASSERT_FALSE(result.errors.empty());
  EXPECT_EQ(result.errors[0].code, "no_table");
}

TEST(Trees, TooManyArraysOfObjectsAreARefusalNamingWhere) {
  // {"k0":[{"a":1}], "k1":[{"a":1}], ...}: one array of objects is a return, 65,537 are an attack.
  sdk::Document doc;
  doc.is_tree = true;
  for (int i = 0; i <= 65536; ++i)
    doc.tree.push_back(sdk::TreeValue{"/k" + std::to_string(i) + "/0/a", sdk::NodeKind::number, false, 1, "1"});
  Normaliser normaliser(cat(), reg());
  auto reader = normaliser.reader({"Than Uyên", "2018"});
  const auto status = replay(doc, *reader);
  EXPECT_EQ(status.code(), sdk::Code::limit_exceeded) << status.message();
  EXPECT_EQ(status.where().path, "/k65536/0/a");
  const auto result = normaliser.normalise(doc, {"Than Uyên", "2018"});
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].code, std::string(sdk::code_name(sdk::Code::limit_exceeded)));
  EXPECT_EQ(result.errors[0].where.path, "/k65536/0/a");
}

// Everything a reading gives, as one text: two readings are the same when these are.
std::string reading_of(const Normalised& n) {
  std::string s;
  for (const auto* list : {&n.errors, &n.warnings})
    for (const auto& i : *list)
      s += i.code + "|" + i.field + "|" + i.value + "|" + i.where.path + "|" + std::to_string(i.count) + "|" + i.message + "\n";
  for (std::size_t r = 0; r < n.records.size(); ++r) {
    const Record rec = n.records.at(r);
    s += rec.org_name + "|" + rec.org_kind + "|" + rec.org_sector + "|" + rec.org_rating + "|" + rec.where.path;
    for (const auto& [f, v] : rec.counts) s += "|" + f + "=" + std::to_string(v) + "@" + rec.provenance.at(f).path;
    s += "\n";
  }
  for (const auto& [f, v] : n.totals.counts) s += f + "=" + std::to_string(v) + "\n";
  for (const auto& p : n.records.layout().paths) s += p + ";";
  return s;
}

TEST(Trees, TheUsualReturnIsReadInOnePassExactlyAsASecondPassReadsIt) {
  // The array of organisations is the first: the first pass reads it as it
  // counts (on its worker once past the first values), and what it gives must
  // be what a second pass knowing the array gives, errors and warnings in order.
  const std::size_t n = 30'000;
  sdk::Document doc;
  doc.is_tree = true;
  auto add = [&](std::string p, sdk::NodeKind k, std::string text, double v = 0) {
    doc.tree.push_back(sdk::TreeValue{std::move(p), k, false, v, std::move(text)});
  };
  add("/don_vi", sdk::NodeKind::string, "Mường Tè");  // another district
  add("/ky_bao_cao", sdk::NodeKind::string, "Năm 2018");
  for (std::size_t i = 0; i < n; ++i) {
    const std::string e = "/to_chuc/" + std::to_string(i);
    if (i != 17) add(e + "/ten", sdk::NodeKind::string, (i % 2 ? "Chi bộ bản " : "Đảng bộ xã ") + std::to_string(i));
    add(e + "/dang_vien/tong_so", sdk::NodeKind::number, std::to_string(10 + i % 9), static_cast<double>(10 + i % 9));
    add(e + "/dang_vien/nu", sdk::NodeKind::number, i == 99 ? "30" : "3", i == 99 ? 30 : 3);  // 30 women of 10
    add(e + "/so_can_bo_moi", sdk::NodeKind::number, "2", 2);  // names no field
    if (i == 500) add(e + "/dang_vien/tong_so", sdk::NodeKind::string, "mười");  // the same key again, later wins
  }
  add("/to_chuc/" + std::to_string(n) + "/ten", sdk::NodeKind::string, "Tổng cộng");
  add("/to_chuc/" + std::to_string(n) + "/dang_vien/nu", sdk::NodeKind::number, "1", 1);
  add("/nguoi_lap", sdk::NodeKind::string, "Phong Thổ");  // after the array: a district named, the wrong one

  Normaliser normaliser(cat(), reg());
  auto first = normaliser.reader({"Than Uyên", "2018"});
  ASSERT_TRUE(replay(doc, *first).ok());
  EXPECT_FALSE(first->needs_second_pass());
  const auto once = first->finish();
  auto second = normaliser.reader({"Than Uyên", "2018"}, nullptr, FirstPass{{}, std::string("/to_chuc")});
  ASSERT_TRUE(replay(doc, *second).ok());
  const auto twice = second->finish();
  EXPECT_EQ(reading_of(once), reading_of(twice));
  EXPECT_EQ(once.records.size(), n - 1);  // element 17 has no name; the total is no organisation
  std::set<std::string> codes;
  for (const auto& e : once.errors) codes.insert(e.code + ":" + e.where.path);
  EXPECT_TRUE(codes.count("district_mismatch:/don_vi")) << errors_of(once);
  EXPECT_TRUE(codes.count("district_mismatch:/nguoi_lap")) << errors_of(once);
  EXPECT_TRUE(codes.count("missing_name:/to_chuc/17")) << errors_of(once);
  EXPECT_TRUE(codes.count("not_a_number:/to_chuc/500/dang_vien/tong_so")) << errors_of(once);
  EXPECT_TRUE(codes.count("total_mismatch:/to_chuc/30000/dang_vien/nu")) << errors_of(once);
  EXPECT_FALSE(once.warnings.empty());  // the key that names no field
}

TEST(Trees, AValueBeforeTheFirstElementThatIsInsideItsArrayMeansASecondPass) {
  // {"to_chuc": {"ghi_chu": "Mường Tè", "0": {...}, "1": {...}}}: the first
  // pass read "/to_chuc/ghi_chu" as outside any array, a second pass knows it
  // is inside the array (and no element): it must read again, and the note is
  // no district of the return.
  sdk::Document doc;
  doc.is_tree = true;
  auto add = [&](std::string p, sdk::NodeKind k, std::string text, double v = 0) {
    doc.tree.push_back(sdk::TreeValue{std::move(p), k, false, v, std::move(text)});
  };
  add("/to_chuc/ghi_chu", sdk::NodeKind::string, "Mường Tè");
  for (int i = 0; i < 3; ++i) {
    add("/to_chuc/" + std::to_string(i) + "/ten", sdk::NodeKind::string, "Chi bộ bản " + std::to_string(i));
    add("/to_chuc/" + std::to_string(i) + "/dang_vien/tong_so", sdk::NodeKind::number, "12", 12);
  }
  Normaliser normaliser(cat(), reg());
  auto first = normaliser.reader({"Than Uyên", "2018"});
  ASSERT_TRUE(replay(doc, *first).ok());
  EXPECT_TRUE(first->needs_second_pass());
  const auto result = normaliser.normalise(doc, {"Than Uyên", "2018"});
  EXPECT_EQ(result.records.size(), 3u);
  for (const auto& e : result.errors) EXPECT_NE(e.code, "district_mismatch") << errors_of(result);
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

TEST(Trees, EachValueGoesToItsElementByIndexAloneWhateverTheKeysAround) {
  // The element of a value is found from its pointer once per element and
  // then by its prefix; the layout's key once per key. Pointers that share
  // a prefix without sharing the element ("/to_chuc/1" then "/to_chuc/10"),
  // segments that look like indices and are not ("01", ten digits), a key of
  // the usual field that differs in one element, nested arrays, numeric keys
  // and nulls: one pass, a second pass and what is expected all agree. Past
  // the first 16,384 values, so the worker reads most of it.
  const std::size_t n = 6'000;
  sdk::Document doc;
  doc.is_tree = true;
  auto add = [&](std::string p, sdk::NodeKind k, std::string text, double v = 0) {
    doc.tree.push_back(sdk::TreeValue{std::move(p), k, false, v, std::move(text)});
  };
  add("/ky_bao_cao", sdk::NodeKind::string, "Năm 2018");
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < n; ++i) order.push_back(i);
  std::swap(order[2], order[10]);  // 0, 1, 10, 3 …: "/to_chuc/1" then "/to_chuc/10"
  for (const std::size_t i : order) {
    const std::string e = "/to_chuc/" + std::to_string(i);
    add(e + "/ten", sdk::NodeKind::string, "Chi bộ bản " + std::to_string(i));
    if (i == 4000) add(e + "/members_total", sdk::NodeKind::number, "21", 21);  // the field, under another key
    else add(e + "/dang_vien/tong_so", sdk::NodeKind::number, std::to_string(10 + i % 9), static_cast<double>(10 + i % 9));
    add(e + "/dang_vien/nu", sdk::NodeKind::number, "3", 3);
    if (i == 7) {
      add(e + "/chi_bo/0/ten", sdk::NodeKind::string, "Tổ 1");  // a nested array
      add(e + "/2018", sdk::NodeKind::number, "5", 5);          // a numeric key
      add(e + "/ghi_chu", sdk::NodeKind::null, "");
    }
  }
  add("/to_chuc/01/ten", sdk::NodeKind::string, "Chi bộ không đánh số");          // "01": no index
  add("/to_chuc/1234567890/ten", sdk::NodeKind::string, "Chi bộ số quá dài");  // ten digits: no index

  Normaliser normaliser(cat(), reg());
  auto first = normaliser.reader({"Than Uyên", "2018"});
  ASSERT_TRUE(replay(doc, *first).ok());
  ASSERT_FALSE(first->needs_second_pass());
  const auto once = first->finish();
  auto second = normaliser.reader({"Than Uyên", "2018"}, nullptr, FirstPass{{}, std::string("/to_chuc")});
  ASSERT_TRUE(replay(doc, *second).ok());
  const auto twice = second->finish();
  EXPECT_EQ(reading_of(once), reading_of(twice));

  ASSERT_EQ(once.records.size(), n);
  // In the order the elements came, each with its own values.
  const Record third = once.records.at(2);
  EXPECT_EQ(third.org_name, "Chi bộ bản 10");
  EXPECT_EQ(third.where.path, "/to_chuc/10");
  EXPECT_EQ(third.counts.at("members_total"), 11);
  EXPECT_EQ(third.provenance.at("members_total").path, "/to_chuc/10/dang_vien/tong_so");
  const Record second_record = once.records.at(1);
  EXPECT_EQ(second_record.org_name, "Chi bộ bản 1");
  EXPECT_EQ(second_record.counts.at("members_total"), 11);
  // The element whose key differs keeps its own; the next has the layout's again.
  const Record odd = once.records.at(4000);
  EXPECT_EQ(odd.counts.at("members_total"), 21);
  EXPECT_EQ(odd.provenance.at("members_total").path, "/to_chuc/4000/members_total");
  const Record after = once.records.at(4001);
  EXPECT_EQ(after.provenance.at("members_total").path, "/to_chuc/4001/dang_vien/tong_so");
  std::size_t members = 0;
  while (members < cat().fields.size() && cat().fields[members].id != "members_total") ++members;
  ASSERT_LT(members, once.records.layout().paths.size());
  EXPECT_EQ(once.records.layout().paths[members], "/dang_vien/tong_so");
}
