// Character references of HTML text: &amp;, &#273;, &#x111;, &agrave;.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace tonghop::html {

// A reference at the start of `s` (just past its '&'): its code point(s)
// and how many bytes of `s` it takes, or a length of 0 when `s` does not
// start one (the '&' is then a character of the text), as HTML5 reads them:
// a name of its table with its ';', or one of the legacy names without it
// (the longest); numbers with or without ';', 0, a surrogate or one past
// U+10FFFF being U+FFFD and 0x80-0x9F Windows-1252's characters.
struct Reference {
  char32_t code = 0;
  std::size_t length = 0;
  char32_t second = 0;  // a second code point, for the few names that have two
};
Reference read_reference(std::string_view s);

void append_utf8(std::string& out, char32_t c);

}  // namespace tonghop::html
