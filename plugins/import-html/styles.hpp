// What a web page's styles do to a cell's text that a clerk would see:
// struck through, not laid out (display: none), not drawn (visibility,
// opacity 0, a font of size 0, a transparent colour) or drawn in its
// background's colour. From a style attribute, and from the rules of the
// page's <style> elements whose selectors are an element, classes or both
// ("td", ".xl65", "td.xl65"), weighed as CSS weighs them (the more specific,
// then the later). A rule that strikes or hides through any other selector
// (an id, an attribute, a descendant, :nth-child) cannot be placed on its
// cells by this reader: it is kept in unplaced(), and the page refused.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tonghop::html {

struct CssEffect {
  std::optional<bool> struck;       // text-decoration: line-through, or another
  std::optional<bool> removed;      // display: none (mso-hide: all), or another display
  std::optional<bool> invisible;    // visibility: hidden or collapse, or visible
  std::optional<bool> transparent;  // opacity: 0, or a colour with no alpha
  std::optional<bool> tiny;         // font-size: 0, or another size
  std::string color, background;    // normal_color(), "" when not given
  std::uint8_t important = 0;       // which of them were declared !important (kImportant... bits)
  bool ignores_colspan = false;     // Excel's "mso-ignore: colspan": a text run over empty cells, no merge
  bool any() const {
    return struck || removed || invisible || transparent || tiny || !color.empty() || !background.empty() ||
           ignores_colspan;
  }
};

// The effect of declarations ("color: red; text-decoration: line-through").
CssEffect css_effect(std::string_view declarations);
// `by` over `into`: what `by` declares wins.
void merge(CssEffect& into, const CssEffect& by);
// A colour as "#rrggbb" ("#FFF", "white", "rgb(255,255,255)" alike),
// "transparent" for one with no alpha, "" when none or not understood.
std::string normal_color(std::string_view value);

class Styles {
 public:
  // The rules of a <style> element's text.
  void add(std::string_view css);
  // The cascaded effect of the page's rules on an element with a class
  // attribute, inside a table of `table_classes` (classes() of its class
  // attribute; nullptr: outside tables).
  CssEffect of(std::string_view element, std::string_view classes, const std::vector<std::string>* table_classes) const;
  // A class attribute as of() weighs it: its first 256 names, lower case, sorted.
  static std::vector<std::string> classes(std::string_view attribute);
  // Whether the rules looked at for the page's elements passed 2^26 (a
  // hostile page of thousands of rules over millions of elements).
  bool too_costly() const { return looked_at_ > (std::uint64_t{1} << 26); }
  // Whether a <style media="..."> or "@media ..." holds on a screen.
  static bool on_screen(std::string_view media);
  // The first selector of a rule that strikes or hides which this reader
  // cannot place ("" when none), and the first stylesheet the page imports.
  const std::string& unplaced() const { return unplaced_; }
  const std::string& imported() const { return imported_; }
  bool too_many() const { return rules_.size() > kMaxRules; }

 private:
  static constexpr std::size_t kMaxRules = 4096;
  struct Rule {
    std::string element;               // "" or "*": any
    std::vector<std::string> classes;  // all of them, lower case, sorted
    bool in_table = false;             // "table.sheet0 tr.row2" (PhpSpreadsheet): inside a table with
    std::vector<std::string> table_classes;  // all of these classes
    int specificity;
    std::size_t order;
    CssEffect effect;
  };
  void add(std::string_view css, int depth);
  void rule(std::string_view selectors, std::string_view declarations);
  std::vector<Rule> rules_;
  std::unordered_map<std::string, std::vector<std::size_t>> by_key_;  // its first class, else its element
  // Rules of no class outside "table ...": all of them, merged once per element name.
  mutable std::unordered_map<std::string, CssEffect> plain_;
  mutable std::uint64_t looked_at_ = 0;
  std::string unplaced_, imported_;
};

}  // namespace tonghop::html
