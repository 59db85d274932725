// A cell's text (or a line's outside the tables) gathered as a browser
// shows it, with what is known of how its characters are drawn.
#pragma once

#include <string>
#include <string_view>

#include "ascii.hpp"
#include "tokens.hpp"

namespace tonghop::html {

// A text being gathered: a cell's, or a line outside the tables.
struct Gather {
  std::string text;
  bool space = false;
  bool struck = false, seen = false, unseen = false;  // of its characters
  bool too_long = false;                              // cut at the cap
  bool hidden_part = false;                           // some text inside it not laid out
  void clear() { *this = Gather{}; }
};

// HTML's white space collapsed, references decoded (one that gives a
// space collapses as one); U+00A0 a space that does not collapse (a
// figure grouped "1&nbsp;234" reads as "1 234"). Past `cap` bytes the
// text is cut and marked too long (take() refuses it).
inline void append_text(Gather& g, std::string_view t, std::size_t cap) {
  std::string decoded;
  if (t.find('&') != std::string_view::npos) {
    decode_into(decoded, t);
    t = decoded;
  }
  for (std::size_t i = 0; i < t.size(); ++i) {
    char c = t[i];
    if (is_space(c)) {
      g.space = !g.text.empty() && g.text.back() != '\n';
      continue;
    }
    if (g.text.size() >= cap) {
      g.too_long = true;
      return;
    }
    if (g.space) g.text.push_back(' '), g.space = false;
    if (c == '\xC2' && i + 1 < t.size() && t[i + 1] == '\xA0') c = ' ', ++i;
    if (c == '\xEF' && t.substr(i, 3) == "\xEF\xBB\xBF") {  // U+FEFF (a PHP include saved with a BOM): shows nothing
      i += 2;
      continue;
    }
    g.text.push_back(c);
  }
}
inline void line_break(Gather& g) {
  while (!g.text.empty() && g.text.back() == ' ') g.text.pop_back();
  if (!g.text.empty() && g.text.back() != '\n') g.text.push_back('\n');
  g.space = false;
}

}  // namespace tonghop::html
