// Calendar dates without a time zone library: "YYYY-MM-DD" read strictly,
// days since 1970-01-01 (Howard Hinnant's civil algorithms), and the date an
// ISO 8601 time with an offset ("2026-01-15T23:10:00+00:00") falls on in a
// zone of fixed offset (Vietnam has no daylight saving time).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace tonghop::dates {

inline std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

inline std::string civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return fmt::format("{:04}-{:02}-{:02}", y + (m <= 2), m, d);
}

namespace detail {
inline std::optional<unsigned> number(std::string_view s) {
  if (s.empty()) return std::nullopt;
  unsigned v = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  return v;
}
}  // namespace detail

// "2026-01-15" -> days since 1970-01-01; a date that does not exist is none.
inline std::optional<std::int64_t> parse_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  const auto y = detail::number(s.substr(0, 4)), m = detail::number(s.substr(5, 2)), d = detail::number(s.substr(8, 2));
  if (!y || !m || !d || *y < 1900 || *m < 1 || *m > 12 || *d < 1) return std::nullopt;
  const std::int64_t days = days_from_civil(*y, *m, *d);
  if (civil_from_days(days) != s) return std::nullopt;  // 2026-02-30
  return days;
}

// Seconds since 1970 of "YYYY-MM-DDTHH:MM:SS" followed by "Z", "+HH:MM", "+HHMM" or nothing (UTC).
inline std::optional<std::int64_t> parse_time(std::string_view s) {
  if (s.size() < 19 || s[10] != 'T' || s[13] != ':' || s[16] != ':') return std::nullopt;
  const auto day = parse_date(s.substr(0, 10));
  const auto h = detail::number(s.substr(11, 2)), mi = detail::number(s.substr(14, 2)), se = detail::number(s.substr(17, 2));
  if (!day || !h || !mi || !se || *h > 23 || *mi > 59 || *se > 60) return std::nullopt;
  std::int64_t t = *day * 86400 + *h * 3600 + *mi * 60 + *se;
  std::string_view zone = s.substr(19);
  if (!zone.empty() && zone.front() == '.') {  // fractions of a second
    zone.remove_prefix(1);
    while (!zone.empty() && zone.front() >= '0' && zone.front() <= '9') zone.remove_prefix(1);
  }
  if (zone.empty() || zone == "Z") return t;
  if (zone.front() != '+' && zone.front() != '-') return std::nullopt;
  const int sign = zone.front() == '+' ? 1 : -1;
  zone.remove_prefix(1);
  std::string digits;
  for (const char c : zone)
    if (c != ':') digits += c;
  if (digits.size() != 4) return std::nullopt;
  const auto oh = detail::number(std::string_view(digits).substr(0, 2)), om = detail::number(std::string_view(digits).substr(2, 2));
  if (!oh || !om) return std::nullopt;
  return t - sign * static_cast<std::int64_t>(*oh * 3600 + *om * 60);
}

// The date (days since 1970) an instant falls on at a fixed offset from UTC.
inline std::int64_t day_at(std::int64_t unix_seconds, int offset_minutes) {
  const std::int64_t local = unix_seconds + static_cast<std::int64_t>(offset_minutes) * 60;
  return local >= 0 ? local / 86400 : (local - 86399) / 86400;
}

}  // namespace tonghop::dates
