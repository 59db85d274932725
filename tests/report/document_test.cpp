// The printed report's own metadata (report/document.hpp): the date of a party
// document in the Board's time zone, read from the system's TZif files; the
// tables of indicators.toml as column ids; Vietnamese names of codes.
#include <gtest/gtest.h>

#include "report/document.hpp"
#include "report/indicators.hpp"

using namespace tonghop;

TEST(Document, TheOffsetOfATimeZoneFromItsTzifFile) {
  // 2026-11-27T20:00:00Z
  constexpr std::int64_t t = 1795809600;
  EXPECT_EQ(report::utc_offset("Asia/Ho_Chi_Minh", t), 7 * 3600);
  EXPECT_EQ(report::utc_offset("UTC", t), 0);
  EXPECT_EQ(report::utc_offset("Europe/Paris", t), 3600) << "winter time";
  EXPECT_EQ(report::utc_offset("Europe/Paris", t - 150 * 86400), 7200) << "summer time, 150 days before";
  // Saigon was +08:00 from 1959 to 1975: 1970-05-31.
  EXPECT_EQ(report::utc_offset("Asia/Ho_Chi_Minh", 12960000), 8 * 3600);
  EXPECT_FALSE(report::utc_offset("Asia/Nowhere", t));
  EXPECT_FALSE(report::utc_offset("../../etc/passwd", t));
  EXPECT_FALSE(report::utc_offset("", t));
}

TEST(Document, ThePartyDateHasLeadingZerosForSmallDaysAndJanuaryAndFebruary) {
  EXPECT_EQ(report::party_date(2026, 11, 27), "ngày 27 tháng 11 năm 2026");
  EXPECT_EQ(report::party_date(2026, 2, 5), "ngày 05 tháng 02 năm 2026");
  EXPECT_EQ(report::party_date(2026, 3, 9), "ngày 09 tháng 3 năm 2026");
}

TEST(Document, TheDayIsTheBoardsAndTheTablesAndNamesComeFromTheCatalogue) {
  const auto catalogue = normalise::load_catalogue(TONGHOP_SOURCE_DIR "/config/indicators.toml");
  ASSERT_TRUE(catalogue.ok()) << catalogue.error();
  sdk::Report r;
  for (const auto& g : catalogue->report_groups) {
    sdk::ColumnGroup group{g.label, {}};
    for (const auto& id : g.fields) group.columns.push_back({id, id, sdk::ColumnKind::integer});
    r.groups.push_back(group);
  }
  r.groups.push_back({"", {{"something_new", "Mới", sdk::ColumnKind::integer}}});
  config::ReportSettings s;
  s.number = "125";
  s.recipients = {"Lưu VT"};
  // 2026-11-27T18:30:00Z is already the 28th in Hà Nội.
  report::add_document(r, *catalogue, s, 1795804200);
  auto text = [&](const std::string& key) { return std::get<std::string>(*r.meta(key)); };
  auto list = [&](const std::string& key) { return std::get<sdk::StringList>(*r.meta(key)); };
  EXPECT_EQ(text("display.date"), "ngày 28 tháng 11 năm 2026");
  EXPECT_EQ(text("display.number"), "125");
  EXPECT_EQ(list("display.recipients"), sdk::StringList{"Lưu VT"});
  EXPECT_EQ(text("display.signer_name"), "");
  const auto titles = list("display.tables");
  ASSERT_EQ(titles.size(), catalogue->report_tables.size() + 1);
  EXPECT_EQ(titles.back(), "Các chỉ tiêu khác");
  EXPECT_EQ(list("display.table." + std::to_string(titles.size())), sdk::StringList{"something_new"});
  EXPECT_EQ(list("display.table.1").front(), "orgs_total");
  // Every column in exactly one table.
  std::size_t n = 0;
  for (std::size_t t = 1; t <= titles.size(); ++t) n += list("display.table." + std::to_string(t)).size();
  EXPECT_EQ(n, r.columns().size());
  EXPECT_EQ(text("display.name.party_committee"), "Đảng bộ cơ sở");
  EXPECT_EQ(text("display.name.public_service"), "Đơn vị sự nghiệp");
  EXPECT_EQ(text("display.name.not_completed"), "Không hoàn thành nhiệm vụ");
  EXPECT_EQ(text("display.name.unmapped_header"), "Cột không khớp chỉ tiêu");
}
