// Reading text as people write it: folding for comparison, numbers with
// either separator, periods, ratings, TCVN3 text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tonghop::normalise {

// For comparison only: NFC, camelCase split, lower case, diacritics and Đ/đ
// removed, anything not a letter or digit turned to one space, trimmed.
// "Tổng số ĐV" -> "tong so dv"; "membersTotal" -> "members total".
std::string fold(std::string_view text);

// NFC of a UTF-8 string.
std::string nfc(std::string_view text);

// A count as written: "2044", "2.044" and "2,044" (thousands), " 12 ".
enum class CountError { none, empty, not_a_number, negative, fractional };
struct Count {
  std::int64_t value = 0;
  CountError error = CountError::none;
};
Count parse_count(std::string_view text);
Count count_from_number(double number);

// "2018", "Năm 2018", "6 tháng đầu năm 2012", "2018-H1", "quý 3 năm 2018",
// "2018-Q3", "tháng 9/2018", "2018-09" -> canonical "2018", "2012-H1", ...
std::optional<std::string> parse_period(std::string_view text);
// Whether a title names a period: "năm 2018", "quý 3", "tháng 9" (a word after năm, quý or tháng).
bool names_period(std::string_view text);
// The period a canonical period is compared with: 2018 -> 2017, 2018-H1 -> 2017-H1.
std::string previous_period(std::string_view period);

// Text typed in a TCVN3 (.VnTime) font, as the characters of its bytes,
// decoded to Unicode; `capitals` for the .VnTimeH fonts. nullopt when the
// characters cannot be TCVN3.
std::optional<std::string> decode_tcvn3(std::string_view text, bool capitals);
// Whether text shows the TCVN3 pattern (symbols such as "§¶¸µ" where
// Vietnamese letters should be) and decodes to well-formed Vietnamese.
bool looks_like_tcvn3(std::string_view text);

}  // namespace tonghop::normalise
