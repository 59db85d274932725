// Unknown is never zero: the indicators of a return that does not carry a
// field, the province total over the districts that do, and the change
// against the previous period, computed with the real catalogue.
#include <gtest/gtest.h>

#include "normalise/catalogue.hpp"
#include "report/indicators.hpp"

using namespace tonghop;
using report::Indicators;

namespace {

const normalise::Catalogue& cat() {
  static const auto c = normalise::load_catalogue(TONGHOP_SOURCE_DIR "/config/indicators.toml");
  return c.value();
}

std::optional<double> value(const Indicators& ind, const std::string& id) {
  for (const auto& i : ind)
    if (i.id == id) return i.value;
  ADD_FAILURE() << "no indicator " << id;
  return std::nullopt;
}

bool has(const std::vector<std::string>& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

// A district of three organisations (one party committee) carrying only
// members_total, members_female and admitted counts; ratings optional.
normalise::Totals district(double total, double female, bool rated) {
  normalise::Totals t;
  t.counts = {{"members_total", total}, {"members_female", female}, {"admitted", 0}, {"admitted_female", 0}};
  t.add("party_committee", rated ? "excellent" : "");
  t.add("party_cell", rated ? "good" : "");
  t.add("party_cell", rated ? "completed" : "");
  return t;
}

}  // namespace

TEST(Unknown, AFieldTheReturnDoesNotCarryIsNullNotZero) {
  const auto ind = report::compute(district(200, 80, false), cat());
  EXPECT_EQ(value(ind, "members_total"), 200.0);
  EXPECT_EQ(value(ind, "members_female"), 80.0);
  EXPECT_EQ(value(ind, "admitted"), 0.0) << "carried as 0 is 0";
  for (const char* id : {"members_ethnic_minority", "cells_total", "cells_village", "villages_total", "members_rated",
                         "orgs_rated_excellent", "orgs_rated_good", "orgs_rated_completed", "orgs_rated_not_completed"})
    EXPECT_FALSE(value(ind, id).has_value()) << id;
  EXPECT_EQ(value(ind, "orgs_total"), 3.0) << "the organisations are counted whatever the return carries";
  EXPECT_EQ(value(ind, "orgs_party_committee"), 1.0);
  EXPECT_EQ(value(ind, "orgs_party_cell"), 2.0);
  EXPECT_EQ(value(ind, "members_female_pct"), 40.0);
  // Null with an unknown input, null with a zero denominator: only the first is unknown.
  for (const char* id : {"members_ethnic_minority_pct", "orgs_good_or_better_pct", "members_good_or_better_pct",
                         "villages_with_cell_pct", "admitted_female_pct"})
    EXPECT_FALSE(value(ind, id).has_value()) << id;
  const auto unknown = report::unknown(ind, cat());
  for (const char* id : {"members_ethnic_minority", "cells_total", "orgs_rated_good", "members_ethnic_minority_pct",
                         "orgs_good_or_better_pct", "members_good_or_better_pct", "villages_with_cell_pct"})
    EXPECT_TRUE(has(unknown, id)) << id;
  for (const char* id : {"members_total", "members_female", "admitted", "orgs_total", "members_female_pct",
                         "admitted_female_pct"})
    EXPECT_FALSE(has(unknown, id)) << id << " is known";
}

TEST(Unknown, RatingsCarriedMakeEveryRatingKnown) {
  const auto ind = report::compute(district(200, 80, true), cat());
  EXPECT_EQ(value(ind, "orgs_rated_excellent"), 1.0);
  EXPECT_EQ(value(ind, "orgs_rated_good"), 1.0);
  EXPECT_EQ(value(ind, "orgs_rated_completed"), 1.0);
  EXPECT_EQ(value(ind, "orgs_rated_not_completed"), 0.0) << "rated, and none not completed: 0";
  EXPECT_EQ(value(ind, "orgs_good_or_better_pct"), 66.67);
}

TEST(Unknown, RecordsThatNeverGiveAFieldLeaveItUnknown) {
  std::vector<normalise::Record> records(2);
  records[0].org_kind = records[1].org_kind = "party_cell";
  records[0].counts["members_total"] = 10;
  records[1].counts["members_total"] = 15;
  records[1].counts["members_female"] = 5;  // one record gives it: the return carries it
  const auto ind = report::compute(records, cat());
  EXPECT_EQ(value(ind, "members_total"), 25.0);
  EXPECT_EQ(value(ind, "members_female"), 5.0);
  EXPECT_EQ(value(ind, "members_female_pct"), 20.0);
  EXPECT_FALSE(value(ind, "members_probationary").has_value());
  EXPECT_FALSE(value(ind, "orgs_rated_good").has_value());
}

TEST(Unknown, NullSurvivesTheStoredJsonAndOldZerosStayZeros) {
  const auto ind = report::compute(district(200, 80, false), cat());
  const std::string text = report::to_json(ind);
  EXPECT_NE(text.find("\"cells_total\":null"), std::string::npos) << text;
  EXPECT_NE(text.find("\"members_total\":200"), std::string::npos) << text;
  const auto back = report::from_json(text, cat());
  ASSERT_EQ(back.size(), ind.size());
  for (std::size_t i = 0; i < ind.size(); ++i) {
    EXPECT_EQ(back[i].id, ind[i].id);
    EXPECT_EQ(back[i].value, ind[i].value) << ind[i].id;
  }
  // A submission stored before unknowns were kept: its 0s are read as 0s.
  const auto old = report::from_json(R"({"members_total":200,"members_female":0,"cells_total":0})", cat());
  EXPECT_EQ(value(old, "members_female"), 0.0);
  EXPECT_EQ(value(old, "cells_total"), 0.0);
  EXPECT_EQ(value(old, "members_female_pct").has_value(), false) << "a key the stored JSON lacks is unknown";
  EXPECT_FALSE(value(old, "members_probationary").has_value());
}

TEST(Unknown, TheTotalCoversOnlyTheDistrictsThatCarryAField) {
  // A: 1000 members, 400 women, rated; B: 500 members, no women's count, not rated.
  const auto a = report::compute(district(1000, 400, true), cat());
  auto b_totals = district(500, 0, false);
  b_totals.counts.erase("members_female");
  const auto b = report::compute(b_totals, cat());
  report::Lacking lacking;
  const auto sum = report::total({a, b}, cat(), &lacking);
  EXPECT_EQ(value(sum, "members_total"), 1500.0);
  EXPECT_EQ(value(sum, "members_female"), 400.0) << "A's alone, never A's plus a 0 for B";
  EXPECT_EQ(value(sum, "members_female_pct"), 40.0) << "400 of A's 1000, not 400 of 1500 (26.67)";
  EXPECT_EQ(value(sum, "orgs_total"), 6.0);
  EXPECT_EQ(value(sum, "orgs_rated_good"), 1.0);
  EXPECT_EQ(value(sum, "orgs_good_or_better_pct"), 66.67) << "A's 2 of 3, B's organisations unrated";
  EXPECT_FALSE(value(sum, "cells_total").has_value()) << "neither carries it";
  using V = std::vector<std::size_t>;
  EXPECT_EQ(lacking["members_female"], V{1});
  EXPECT_EQ(lacking["members_female_pct"], V{1});
  EXPECT_EQ(lacking["orgs_rated_good"], V{1});
  EXPECT_EQ(lacking["orgs_good_or_better_pct"], V{1});
  EXPECT_EQ(lacking["cells_total"], (V{0, 1}));
  EXPECT_EQ(lacking.count("members_total"), 0u);
  EXPECT_EQ(lacking.count("orgs_total"), 0u);
  EXPECT_EQ(lacking.count("admitted_female_pct"), 0u) << "a zero denominator is known, not lacking";
  // Two districts carrying the same fields: what one lacks the other lacks too.
  report::Lacking same;
  const auto twice = report::total({a, a}, cat(), &same);
  EXPECT_EQ(value(twice, "members_female"), 800.0);
  EXPECT_EQ(value(twice, "orgs_good_or_better_pct"), 66.67);
  for (const auto& [id, parts] : same) EXPECT_EQ(parts, (V{0, 1})) << id;
  for (const char* id : {"members_total", "members_female", "members_female_pct", "orgs_rated_good", "admitted_female_pct"})
    EXPECT_EQ(same.count(id), 0u) << id;
  EXPECT_EQ(same.count("cells_total"), 1u);
}

TEST(Unknown, AChangeIsToldOnlyWhereBothSidesAreKnown) {
  const auto now = report::compute(district(210, 84, false), cat());
  const auto before = report::compute(district(200, 80, true), cat());
  const auto c = report::change(now, before);
  EXPECT_EQ(value(c, "members_total"), 10.0);
  EXPECT_EQ(value(c, "members_female"), 4.0);
  EXPECT_EQ(value(c, "members_female_pct"), 0.0);
  EXPECT_FALSE(value(c, "orgs_rated_good").has_value()) << "rated before, unknown now";
  EXPECT_FALSE(value(c, "cells_total").has_value()) << "unknown on both sides";
}
