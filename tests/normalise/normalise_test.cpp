// The normaliser on the Lai Châu returns: every sample normalises with no
// profile, and the indicators computed from its records equal the expected
// province report; every bad return is refused at the row and field named.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "normalise/catalogue.hpp"
#include "normalise/normaliser.hpp"
#include "normalise/text.hpp"
#include "report/indicators.hpp"
#include "support/importing.hpp"
#include "support/process.hpp"

using namespace tonghop;
namespace json = boost::json;

namespace {

const normalise::Catalogue& catalogue() {
  static const auto c = normalise::load_catalogue(TONGHOP_SOURCE_DIR "/config/indicators.toml");
  if (!c) throw std::runtime_error(c.error());
  return *c;
}
const normalise::Registry& registry() {
  static const auto r = normalise::load_registry(TONGHOP_SOURCE_DIR "/config/units/lai-chau.toml");
  if (!r) throw std::runtime_error(r.error());
  return *r;
}

normalise::Normalised run(const std::string& relative, const std::string& district, const std::string& period) {
  const auto imported = test::import_file(test::data_path(relative));
  EXPECT_TRUE(imported.status.ok()) << relative << ": " << imported.status.message();
  normalise::Normaliser n(catalogue(), registry());
  return n.normalise(imported.doc, {district, period});
}

std::string issues(const normalise::Normalised& n) {
  std::string s;
  for (const auto& e : n.errors)
    s += e.code + " " + e.field + " row " + std::to_string(e.where.row) + " " + e.where.path + ": " + e.message + "\n";
  return s;
}

void expect_indicators(const report::Indicators& got, const json::object& expected, const std::string& who) {
  std::size_t compared = 0;
  for (const auto& [key, value] : expected) {
    const auto it = std::find_if(got.begin(), got.end(), [&](const report::Indicator& i) { return i.id == key; });
    ASSERT_NE(it, got.end()) << who << ": no indicator " << key;
    ++compared;
    if (value.is_null()) {
      EXPECT_FALSE(it->value.has_value()) << who << " " << key;
    } else {
      ASSERT_TRUE(it->value.has_value()) << who << " " << key;
      EXPECT_DOUBLE_EQ(*it->value, value.to_number<double>()) << who << " " << key;
    }
  }
  EXPECT_GT(compared, 40u);
}

struct Sample {
  const char* file;
  const char* district;
};

void check_period(const std::string& period, const std::vector<Sample>& samples) {
  const auto expected = json::parse(test::read_file(test::data_path("lai-chau/expected/report-" + period + ".json")));
  std::vector<report::Indicators> parts;
  for (const auto& s : samples) {
    const auto n = run(s.file, s.district, period);
    ASSERT_TRUE(n.accepted()) << s.file << ":\n" << issues(n);
    const auto ind = report::compute(n.records, catalogue());
    parts.push_back(ind);
    bool found = false;
    for (const auto& d : expected.at("districts").as_array())
      if (d.at("district").as_string() == s.district) {
        found = true;
        expect_indicators(ind, d.at("indicators").as_object(), s.file);
      }
    EXPECT_TRUE(found) << s.district;
  }
  expect_indicators(report::total(parts, catalogue()), expected.at("total").at("indicators").as_object(), "total");
}

}  // namespace

TEST(Samples, Report2018FromEveryShape) {
  check_period("2018", {{"lai-chau/2018/than-uyen.xlsx", "Than Uyên"},
                        {"lai-chau/2018/tam-duong.json", "Tam Đường"},
                        {"lai-chau/2018/phong-tho.csv", "Phong Thổ"},
                        {"lai-chau/2018/sin-ho.csv", "Sìn Hồ"}});
}

TEST(Samples, Report2017FromCanonicalCsv) {
  check_period("2017", {{"lai-chau/2017/than-uyen.csv", "Than Uyên"},
                        {"lai-chau/2017/tam-duong.csv", "Tam Đường"},
                        {"lai-chau/2017/phong-tho.csv", "Phong Thổ"},
                        {"lai-chau/2017/sin-ho.csv", "Sìn Hồ"}});
}

TEST(Samples, RecordsCarryTheirProvenance) {
  const auto xlsx = run("lai-chau/2018/than-uyen.xlsx", "Than Uyên", "2018");
  ASSERT_FALSE(xlsx.records.empty());
  const auto& first = xlsx.records.front();
  EXPECT_EQ(first.org_kind, "party_committee");
  EXPECT_EQ(first.org_sector, "commune");
  EXPECT_EQ(first.counts.at("members_total"), 154);
  EXPECT_EQ(first.provenance.at("members_total").sheet, "Biểu 01");
  EXPECT_EQ(first.provenance.at("members_total").row, 10u);
  EXPECT_EQ(first.provenance.at("members_total").column, 11u);
  EXPECT_EQ(xlsx.records.size(), 45u) << "the total row is checked and dropped";
  const auto tree = run("lai-chau/2018/tam-duong.json", "Tam Đường", "2018");
  ASSERT_FALSE(tree.records.empty());
  EXPECT_EQ(tree.records.front().provenance.at("members_female").path, "/to_chuc_co_so_dang/0/dang_vien/nu");
  EXPECT_EQ(tree.records.front().org_rating, "good");
}

TEST(BadReturns, EachIsRefusedAtTheNamedRowAndField) {
  const auto expected = json::parse(test::read_file(test::data_path("lai-chau/bad/expected-errors.json"))).as_object();
  ASSERT_EQ(expected.size(), 4u);
  for (const auto& [file, want] : expected) {
    const auto n = run("lai-chau/bad/" + std::string(file), std::string(want.at("district").as_string()),
                       std::string(want.at("period").as_string()));
    EXPECT_FALSE(n.accepted()) << file;
    const auto row = static_cast<std::uint32_t>(want.at("row").as_int64());
    const std::string field(want.at("field").as_string());
    const bool named = std::any_of(n.errors.begin(), n.errors.end(), [&](const normalise::Issue& e) {
      return e.where.row == row && e.field == field;
    });
    EXPECT_TRUE(named) << file << ": expected row " << row << " field " << field << ", got:\n" << issues(n);
    for (const auto& e : n.errors) {
      EXPECT_FALSE(e.message.empty());
      EXPECT_NE(e.message.find(" / "), std::string::npos) << "Vietnamese, then English: " << e.message;
    }
  }
}

// An importer's refusal, bilingual as the SDK's are, keeps its Vietnamese in
// the Vietnamese half: "Không đọc được tệp: <vi> / the file cannot be read:
// <en>", one separator in all (the page shows what follows it as the
// English), and where it is. One in English only goes after the English heading.
TEST(BadReturns, AnImportersRefusalIsReadInEachLanguageUnderItsOwnHeading) {
  auto limits = test::default_limits();
  limits.max_cells = 20;
  const auto r = test::import_file(test::data_path("lai-chau/2018/than-uyen.xlsx"), limits);
  ASSERT_EQ(r.status.code(), sdk::Code::limit_exceeded) << r.status.message();
  const normalise::Issue i = normalise::unreadable(r.status);
  const auto slash = i.message.find(" / ");
  ASSERT_NE(slash, std::string::npos) << i.message;
  EXPECT_EQ(i.message.find(" / ", slash + 3), std::string::npos) << i.message;
  const std::string vi = i.message.substr(0, slash), en = i.message.substr(slash + 3);
  EXPECT_EQ(vi.rfind("Không đọc được tệp: bảng tính có nhiều ô hơn giới hạn 20 ô", 0), 0u) << vi;
  EXPECT_NE(vi.find("nhờ quản trị viên nâng giới hạn"), std::string::npos) << vi;
  EXPECT_EQ(en.rfind("the file cannot be read: the workbook has more cells", 0), 0u) << en;
  EXPECT_EQ(i.where.sheet, r.status.where().sheet);
  EXPECT_EQ(i.where.row, r.status.where().row);
  EXPECT_NE(i.where.row, 0u) << "the refusal names no cell";

  const normalise::Issue plain = normalise::unreadable(sdk::Status(sdk::Code::invalid_input, "bad header"));
  EXPECT_EQ(plain.message, "Không đọc được tệp / the file cannot be read: bad header");
}
