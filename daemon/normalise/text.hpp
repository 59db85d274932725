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
// fold(text) written into `out`, whose memory is reused: once per row.
void fold_into(std::string_view text, std::string& out);

// NFC of a UTF-8 string.
std::string nfc(std::string_view text);

// A count as written: "2044", "2.044" and "2,044" (thousands), " 12 ".
// `date`: a number cell the importer read as a date (see read_count).
// too_large: a number, but past any count (9e15 and more: past what a double
// holds exactly, and no return counts so many).
enum class CountError { none, empty, not_a_number, negative, fractional, date, too_large };
struct Count {
  std::int64_t value = 0;
  CountError error = CountError::none;
};
Count parse_count(std::string_view text);
Count count_from_number(double number);
// A cell's count: parse_count of a text cell; count_from_number of a number
// cell, unless it is a date. A date is a number cell whose text is its ISO
// form ("1900-05-20", "2024-01-31T08:30:00", "08:30:00": the SDK's rule,
// from a date format in xlsx and xls or a date cell in ods); a count a clerk
// sees as a date is refused (CountError::date), never read as its serial.
// (Inline: a text cell, the common case, goes straight to parse_count.)
Count number_count(double number, std::string_view text);
inline Count read_count(bool is_number, double number, std::string_view text) {
  return is_number ? number_count(number, text) : parse_count(text);
}
// A date cell's ISO text as a Vietnamese reader sees it: "1900-05-20" ->
// "20/05/1900", "2024-01-31T08:30:00" -> "31/01/2024 08:30"; a time alone
// as "08:30"; anything else as it is.
std::string shown_date(std::string_view iso);

// "2018", "Năm 2018", "6 tháng đầu năm 2012", "2018-H1", "quý 3 năm 2018",
// "2018-Q3", "tháng 9/2018", "2018-09" -> canonical "2018", "2012-H1", ...
std::optional<std::string> parse_period(std::string_view text);
// Whether a title names a period: "năm 2018", "quý 3", "tháng 9" (a word after năm, quý or tháng).
bool names_period(std::string_view text);
// The period a canonical period is compared with: 2018 -> 2017, 2018-H1 -> 2017-H1.
std::string previous_period(std::string_view period);

// Legacy text (legacy_text.cpp). Vietnamese typed in a TCVN3 (.VnTime) font
// arrives as the Windows-1252 characters of its bytes ("Tæng céng"); in a
// VNI font, as a base letter followed by a mark ("Toång coäng"). Which reading
// a text is in is judged word by word against the table of Vietnamese
// syllables (syllables.hpp): a word that is no syllable as it stands and
// becomes one decoded ("Tæng" -> "Tổng") speaks for the decoding; one that is
// a syllable as it stands and stops being one decoded speaks against it.

// Text typed in a TCVN3 font, decoded to Unicode; `capitals` for the
// .VnTimeH fonts (their lower-case slots hold capitals). nullopt when the
// characters cannot be TCVN3, or when the text reads as Vietnamese as it
// stands and not decoded (Unicode typed into a cell with a .VnTime font).
// Without `capitals`, a text whose Latin letters are all capitals ("TæNG
// CéNG") is read as .VnTimeH text, in capitals. Text that reads better as VNI
// ("Toång coäng", whose "VNI-Times" font folds like a .Vn one) is decoded as VNI.
std::optional<std::string> decode_tcvn3(std::string_view text, bool capitals);
// Whether text with no font to tell is legacy text (TCVN3, or VNI, which
// decode_tcvn3 then decodes): its decoded reading is Vietnamese and the
// reading as it stands is not. Unicode Vietnamese and English never are.
bool looks_like_tcvn3(std::string_view text);
// Text typed in a VNI-Windows font decoded; nullopt as for decode_tcvn3.
std::optional<std::string> decode_vni(std::string_view text);
bool looks_like_vni(std::string_view text);
// A text cell read whatever its font: a .Vn* font (".VnTime", ".VnTimeH",
// ".VnArial") means TCVN3, a "VNI-*" font VNI; with none of those, each
// reading is judged and the one that reads as Vietnamese is taken. nullopt:
// the text stands as it is.
std::optional<std::string> decode_legacy(std::string_view text, std::string_view font);

// Every message is "Vietnamese / English", and the page splits it at the
// first " / ". A text quoted in one (a header of several rows, joined with
// " / "; a name, a sheet's, a value) keeps its " / " written "/", so that the
// Vietnamese is not cut at the quote.
std::string quotable(std::string_view text);
// "vi / en", each half quotable().
std::string bilingual(std::string_view vi, std::string_view en);

}  // namespace tonghop::normalise
