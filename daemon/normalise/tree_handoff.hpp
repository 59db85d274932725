// A tree document's values on their way from the importer's thread to a
// worker that reads them into records (tree.cpp): two cores for one return.
// The importer's views last one call, so each value is copied, pointer and
// text, into a batch's own buffer; a full batch is handed over (batch_pipe.hpp:
// at most kAhead wait, so memory stays bounded however large the document).
#pragma once

#include <algorithm>
#include <cstring>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "normalise/batch_pipe.hpp"
#include "tonghop/sdk/document.hpp"

namespace tonghop::normalise::detail {

class TreeHandoff {
 public:
  // What the worker does with each value in order; `array` true for the
  // start of the array read from there on (its path in `pointer`); for a
  // value of one of its elements, `rel` (not 0) is where the key starts in
  // the pointer and `element` the element's index, found by the importer's thread.
  using Take = std::function<void(std::string_view pointer, const sdk::ScalarView& v, bool array,
                                  std::uint32_t element, std::uint32_t rel)>;

  explicit TreeHandoff(Take take) : take_(std::move(take)) {}

  bool running() const { return pipe_.running(); }

  void start() {
    pipe_.start(kAhead, [this](Batch& b) { take_all(b); });
  }

  void put(std::string_view pointer, const sdk::ScalarView& v, bool array, std::uint32_t element, std::uint32_t rel) {
    Item item{v.kind,    v.boolean, array, v.number, static_cast<std::uint32_t>(pointer.size()),
              static_cast<std::uint32_t>(v.text.size()), element, rel};
    Batch& b = pipe_.current();
    b.items.push_back(item);
    // Both copied in one step into room made once (no capacity checked per append).
    const std::size_t need = pointer.size() + v.text.size();
    if (b.text.size() - b.used < need) b.text.resize(std::max(2 * b.text.size(), b.used + need));
    char* at = b.text.data() + b.used;
    if (!pointer.empty()) std::memcpy(at, pointer.data(), pointer.size());
    if (!v.text.empty()) std::memcpy(at + pointer.size(), v.text.data(), v.text.size());
    b.used += need;
    if (b.items.size() >= kItems || b.used >= kText) pipe_.hand_over();
  }

  // Every value handed over has been taken; the worker has ended.
  void finish() { pipe_.finish(); }

 private:
  struct Item {
    sdk::NodeKind kind;
    bool boolean;
    bool array;
    double number;
    std::uint32_t pointer_size, text_size;
    std::uint32_t element, rel;
  };
  static constexpr std::size_t kItems = 2048, kText = 256 * 1024, kAhead = 8;
  struct Batch {
    std::vector<Item> items;
    std::vector<char> text;  // each item's pointer then its text, in [0, used)
    std::size_t used = 0;
    Batch() {
      items.reserve(kItems);
      text.resize(kText + 4096);
    }
    bool empty() const { return items.empty(); }
    void clear() {
      items.clear();
      used = 0;
    }
  };

  // On the worker: each value of the batch, in order.
  void take_all(const Batch& b) const {
    std::size_t at = 0;
    for (const Item& item : b.items) {
      const std::string_view pointer(b.text.data() + at, item.pointer_size);
      at += item.pointer_size;
      sdk::ScalarView v;
      v.kind = item.kind;
      v.boolean = item.boolean;
      v.number = item.number;
      v.text = std::string_view(b.text.data() + at, item.text_size);
      at += item.text_size;
      take_(pointer, v, item.array, item.element, item.rel);
    }
  }

  Take take_;
  BatchPipe<Batch> pipe_;  // last: its worker ends before take_ goes
};

}  // namespace tonghop::normalise::detail
