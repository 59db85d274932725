// RFC 4180 reading: quoted fields with embedded delimiters, newlines and
// doubled quotes; CR, LF or CRLF line ends. Lenient where Excel is lenient (a
// quote inside an unquoted field is a character), strict where data would be
// lost (an unterminated quote is an error naming where it opened).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include <tonghop/sdk/host.hpp>
#include <tonghop/sdk/status.hpp>

namespace tonghop::csv {

struct DelimiterGuess {
  char delimiter = ',';
  std::string evidence;
};

// Picks the delimiter (, ; tab |) that splits the first records into the
// most consistent number of fields.
DelimiterGuess sniff_delimiter(std::string_view text);

// Called for every non-empty field: 1-based record (row) and column, text.
using FieldFn = std::function<sdk::Status(std::uint32_t row, std::uint32_t column, std::string_view text)>;

sdk::Status read_records(std::string_view text, char delimiter, const sdk::Limits& limits, const FieldFn& field);

}  // namespace tonghop::csv
