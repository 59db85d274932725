// The season's configuration and dates (branch season): [season],
// [attempts], [sessions] read and checked with their line; the Board's time
// zone resolved from /usr/share/zoneinfo; the date a time falls on there.
#include <gtest/gtest.h>

#include "config/config.hpp"
#include "core/dates.hpp"

using namespace tonghop;

TEST(SeasonConfig, KeysAreReadAndBadOnesNamedWithTheirLine) {
  auto c = config::parse(
      "[time]\ntimezone = \"+05:30\"\n[season]\ntoday = \"2026-01-20\"\ndue.\"2025\" = \"2026-01-15\"\ndue.\"2026-Q1\" = \"2026-04-10\"\n"
      "[attempts]\nkeep_bytes = true\n[sessions]\nhours = 8\nsecure_cookie = true\nfailures_before_lock = 3\nlockout_minutes = 5\n",
      "t.toml");
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ(c->season.utc_offset_minutes, 330);
  EXPECT_EQ(c->season.today, "2026-01-20");
  EXPECT_EQ(c->season.due.at("2025"), "2026-01-15");
  EXPECT_EQ(c->season.due.at("2026-Q1"), "2026-04-10");
  EXPECT_TRUE(c->season.keep_attempt_bytes);
  EXPECT_EQ(c->sessions.hours, 8u);
  EXPECT_TRUE(c->sessions.secure_cookie);
  EXPECT_EQ(c->sessions.failures_before_lock, 3u);
  EXPECT_EQ(c->sessions.lockout_minutes, 5u);

  const auto defaults = config::parse("", "t.toml");
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->season.timezone, "Asia/Ho_Chi_Minh");
  EXPECT_EQ(defaults->season.utc_offset_minutes, 420);
  EXPECT_FALSE(defaults->season.keep_attempt_bytes);
  EXPECT_FALSE(defaults->sessions.secure_cookie);

  const std::vector<std::pair<std::string, std::string>> bad = {
      {"[season]\n\ndue.\"2025\" = \"2026-02-30\"\n", "t.toml:3: season.due.2025 must be a date"},
      {"[season]\ndue.\"last year\" = \"2026-02-01\"\n", "t.toml:2: season.due.last year must name a period"},
      {"[season]\ntoday = \"tomorrow\"\n", "season.today must be a date"},
      {"[time]\ntimezone = \"Europe/Paris\"\n", "daylight saving time"},
      {"[time]\ntimezone = \"../../etc/passwd\"\n", "time.timezone"},
      {"[time]\ntimezone = \"+25:00\"\n", "is not an offset"},
      {"[season]\ndeadline = \"2026-01-15\"\n", "season.deadline is not a known setting"},
      {"[attempts]\nkeep_bytes = \"yes\"\n", "attempts.keep_bytes must be true or false"},
      {"[sessions]\nhours = 0\n", "sessions.hours must be a whole number"},
      {"[sessions]\nfailures_before_lock = 1\n", "sessions.failures_before_lock must be a whole number"},
  };
  for (const auto& [text, why] : bad) {
    const auto r = config::parse(text, "t.toml");
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_NE(r.error().find(why), std::string::npos) << text << " -> " << r.error();
  }
}

TEST(SeasonConfig, TheBoardsTimeZone) {
  EXPECT_EQ(*config::time_zone_offset("Asia/Ho_Chi_Minh"), 420);
  EXPECT_EQ(*config::time_zone_offset("Asia/Bangkok"), 420);
  EXPECT_EQ(*config::time_zone_offset("UTC"), 0);
  EXPECT_EQ(*config::time_zone_offset("-03:00"), -180);
  EXPECT_EQ(*config::time_zone_offset("Asia/Kolkata"), 330);
  EXPECT_FALSE(config::time_zone_offset("America/New_York").ok());
  EXPECT_FALSE(config::time_zone_offset("Nowhere/Atlantis").ok());
  EXPECT_FALSE(config::time_zone_offset("").ok());
}

TEST(SeasonDates, TheDateATimeFallsOnInVietnam) {
  EXPECT_EQ(dates::parse_date("1970-01-01"), 0);
  EXPECT_EQ(dates::parse_date("2026-01-15"), 20468);
  EXPECT_EQ(dates::civil_from_days(20468), "2026-01-15");
  EXPECT_EQ(dates::parse_date("2024-02-29"), 19782);
  for (const char* bad : {"2025-02-29", "2026-13-01", "2026-1-15", "2026-01-15T", "15/01/2026", "", "2026-00-10"})
    EXPECT_FALSE(dates::parse_date(bad)) << bad;
  // 23:30 in London on the due date is the next morning in Hà Nội: one day late.
  const auto t = dates::parse_time("2026-01-15T23:30:00+00:00");
  ASSERT_TRUE(t);
  EXPECT_EQ(dates::day_at(*t, 420), 20469);
  EXPECT_EQ(dates::day_at(*t, 0), 20468);
  // The same instant written at +07:00, with a fraction, with Z, without a colon.
  EXPECT_EQ(dates::parse_time("2026-01-16T06:30:00+07:00"), t);
  EXPECT_EQ(dates::parse_time("2026-01-16T06:30:00.250+0700"), t);
  EXPECT_EQ(dates::parse_time("2026-01-15T23:30:00Z"), t);
  EXPECT_FALSE(dates::parse_time("2026-01-15 23:30:00"));
  EXPECT_FALSE(dates::parse_time("2026-01-15T24:30:00Z"));
  // Before 1970 too.
  EXPECT_EQ(dates::day_at(-1, 0), -1);
}
