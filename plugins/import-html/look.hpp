// How an element's text is drawn, inherited down the open elements: what a
// clerk would not see (struck, not laid out, not drawn, drawn in its
// background's colour), as CSS passes each property on.
#pragma once

#include <algorithm>
#include <cmath>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "styles.hpp"

namespace tonghop::html {

// How an element's text is drawn: what it inherits, with its own effect.
struct Look {
  bool struck = false;       // line-through here or on an ancestor
  bool removed = false;      // display: none here or on an ancestor
  bool dropped = false;      // display: none on an element inside the cell (or the line) being read
  bool note = false;         // inside LibreOffice's <comment>: a cell's note
  bool invisible = false;    // visibility (inherited, a child may show itself again)
  bool transparent = false;  // opacity 0 here or on an ancestor, or a transparent colour
  bool tiny = false;         // font-size 0 (inherited, a child may set another)
  std::string color, background;
  static Look under(const Look& parent, const CssEffect& own) {
    Look l = parent;
    l.struck |= own.struck.value_or(false);
    l.removed |= own.removed.value_or(false);
    l.dropped |= own.removed.value_or(false);
    if (own.invisible) l.invisible = *own.invisible;
    l.transparent |= own.transparent.value_or(false);
    if (own.tiny) l.tiny = *own.tiny;
    if (!own.color.empty()) l.color = own.color;
    if (!own.background.empty()) l.background = own.background;
    return l;
  }
  // Whether its text cannot be seen where it is drawn: hidden, or its
  // colour too close to its background's to tell apart (#fefefe on white).
  bool unseen() const { return invisible || transparent || tiny || alike(color.empty() ? "#000000" : color, background.empty() ? "#ffffff" : background); }

 private:
  static bool alike(const std::string& a, const std::string& b) {
    if (a == b) return true;
    if (a.size() != 7 || b.size() != 7 || a[0] != '#' || b[0] != '#') return false;  // a name: only itself
    // WCAG's contrast ratio under 1.05 (#fefefe on white; white on yellow is 1.07, as the workbook importers see it).
    const auto luminance = [](const std::string& c) {
      double sum = 0;
      const double weight[3] = {0.2126, 0.7152, 0.0722};
      for (int k = 0; k < 3; ++k) {
        const double v = std::stoi(c.substr(1 + 2 * k, 2), nullptr, 16) / 255.0;
        sum += weight[k] * (v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4));
      }
      return sum;
    };
    const double la = luminance(a), lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05) < 1.05;
  }
};

// Open elements of one context (the page around the tables, or one cell),
// each with its look, and how many of each name are open (an end tag with
// none open is passed at once).
class OpenElements {
 public:
  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }
  const Look* top() const { return items_.empty() ? nullptr : &items_.back().look; }
  const std::string& top_name() const { return items_.back().name; }
  void push(std::string name, Look look) {
    ++count_[name];
    items_.push_back({std::move(name), std::move(look)});
  }
  void pop_top() {
    --count_[items_.back().name];
    items_.pop_back();
  }
  // The innermost open `name` and what is open inside it; false when none is.
  bool pop(const std::string& name) {
    const auto it = count_.find(name);
    if (it == count_.end() || it->second == 0) return false;
    while (items_.back().name != name) pop_top();
    pop_top();
    return true;
  }
  void clear() {
    items_.clear();
    count_.clear();
  }

 private:
  struct Item {
    std::string name;
    Look look;
  };
  std::vector<Item> items_;
  std::unordered_map<std::string, int> count_;
};

}  // namespace tonghop::html
