// What a request names, read strictly: a submission id, a period, a file
// name; and what the daemon echoes back of it, cut short. Shared by the API
// and the inbox (which cleans its file names the same way).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tonghop::api {

// "17" -> 17. Digits only, no sign, no spaces, no leading zero, at most 18
// digits: "1abc", "+1", " 1", "01" are not ids.
std::optional<std::int64_t> parse_id(std::string_view text);

// The contract's periods, exactly: YYYY, YYYY-H1/H2, YYYY-Q1..Q4, YYYY-MM,
// the year from 1930 to next year. No sign, no spaces, nothing after.
std::optional<std::string> parse_period_strict(std::string_view text);
// What the API takes for a period: the strict form above, or an alias as the
// inbox's folders take it ("Năm 2018", "Quý 3 năm 2018") that starts with a
// letter, has no space at either end and no control character; the year from
// 1930 to next year either way.
std::optional<std::string> parse_period_param(std::string_view text);
// A canonical period whose year is from 1930 to next year (the inbox's folder
// names take aliases, "Năm 2018", but the same years).
bool period_year_allowed(std::string_view canonical);

// The name a file is kept and offered back under: its base name (no
// folders), valid UTF-8 (a byte that is not becomes U+FFFD), without control
// characters or quotes, at most 255 bytes, never empty.
std::string clean_filename(std::string_view name);

// Text made valid UTF-8: each byte that does not start or continue a valid
// sequence becomes U+FFFD.
std::string valid_utf8(std::string_view text);

// A value echoed in an error message: valid UTF-8, at most 200 characters,
// "…" marking a cut. (A value that may hold " / ", a header of several
// rows, is also made normalise::quotable() where a message quotes it.)
std::string echo(std::string_view value);
// The same at most `most` characters.
std::string cut(std::string_view value, std::size_t most);

}  // namespace tonghop::api
