// Character references of HTML text: &amp;, &#273;, &#x111;, &agrave;.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace tonghop::html {

// The code point of a named reference (without '&' and ';'), 0 when the
// name is not one this reader knows (entities.cpp lists them).
char32_t named_entity(std::string_view name);

// A reference at the start of `s` (just past its '&'): its code point and
// how many bytes of `s` it takes, or {0, 0} when `s` does not start one (the
// '&' is then a character of the text). Numbers as HTML5 reads them: 0, a
// surrogate or one past U+10FFFF is U+FFFD, 0x80-0x9F are Windows-1252's.
struct Reference {
  char32_t code = 0;
  std::size_t length = 0;
};
Reference read_reference(std::string_view s);

void append_utf8(std::string& out, char32_t c);

}  // namespace tonghop::html
