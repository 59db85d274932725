// What a web page's styles do to a cell's text that a clerk would see:
// struck through (text-decoration: line-through) or not shown at all
// (display: none, visibility: hidden), from a style attribute or from a
// class or element a <style> block gives such a rule (Excel's and LibreOffice's HTML
// style cells by class). Selectors are read only as far as their classes:
// a class is marked whatever element or state the rule names (a warning
// too many is a clerk's glance; one too few is a void figure counted).
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace tonghop::html {

struct CssEffect {
  bool struck = false;
  bool removed = false;    // display: none (and Office's mso-hide: all): not laid out at all
  bool invisible = false;  // visibility: hidden: its place kept, nothing drawn
  std::string color, background;  // normal_color() of color and background(-color), "" when not given
};

// `by` over `into`: its effects added, its colours where it gives them.
void merge(CssEffect& into, const CssEffect& by);

// A colour as "#rrggbb" ("#FFF", "white", "rgb(255,255,255)" alike); other
// names in lower case; "" for none.
std::string normal_color(std::string_view value);

// The effect of declarations ("color: red; text-decoration: line-through").
CssEffect css_effect(std::string_view declarations);

class Styles {
 public:
  // The rules of a <style> element's text.
  void add(std::string_view css);
  // The effect of an element's class attribute ("xl65 total") and of the
  // rules naming its element alone (LibreOffice's "comment { display:none }").
  CssEffect of(std::string_view element, std::string_view classes) const;

 private:
  std::map<std::string, CssEffect, std::less<>> classes_, elements_;
};

}  // namespace tonghop::html
