// How an element's text is drawn, inherited down the open elements: what a
// clerk would not see (struck, not laid out, not drawn, drawn in its
// background's colour), as CSS passes each property on.
#pragma once

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
  bool invisible = false;    // visibility (inherited, a child may show itself again)
  bool transparent = false;  // opacity 0 here or on an ancestor, or a transparent colour
  bool tiny = false;         // font-size 0 (inherited, a child may set another)
  std::string color, background;
  static Look under(const Look& parent, const CssEffect& own) {
    Look l = parent;
    l.struck |= own.struck.value_or(false);
    l.removed |= own.removed.value_or(false);
    if (own.invisible) l.invisible = *own.invisible;
    l.transparent |= own.transparent.value_or(false);
    if (own.tiny) l.tiny = *own.tiny;
    if (!own.color.empty()) l.color = own.color;
    if (!own.background.empty()) l.background = own.background;
    return l;
  }
  // Whether its text cannot be seen where it is drawn.
  bool unseen() const {
    return invisible || transparent || tiny || (color.empty() ? "#000000" : color) == (background.empty() ? "#ffffff" : background);
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
  void pop(const std::string& name) {
    const auto it = count_.find(name);
    if (it == count_.end() || it->second == 0) return;
    while (items_.back().name != name) pop_top();
    pop_top();
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
