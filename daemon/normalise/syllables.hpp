// Vietnamese syllables, for telling whether a text reads as Vietnamese: the
// table is every onset with every rhyme (spelling rules applied: "k", "gh",
// "ngh" before e, ê, i, y only; "c", "g", "ng" never there), and a tone that
// a rhyme ending in p, t, c or ch can carry (sắc or nặng only).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tonghop::normalise {

// Whether one word (UTF-8, any case, NFC or not) is a Vietnamese syllable:
// "Tổng", "cộng", "nghiệp", "quyết", "gì", "y". "céng", "Tæng", "members" are not.
bool is_vietnamese_syllable(std::string_view word);

// UTF-8 helpers shared by the readers of legacy text.
void utf8_append(std::string& out, std::int32_t cp);
// The code points of a UTF-8 text (invalid bytes as U+FFFD).
std::u32string code_points(std::string_view text);
std::string to_utf8(std::u32string_view text);

}  // namespace tonghop::normalise
