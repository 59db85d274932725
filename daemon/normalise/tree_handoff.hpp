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
#include <memory>
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
  // A plain function and its reader: called for every value, so no
  // std::function in between.
  using Take = void (*)(void* reader, std::string_view pointer, const sdk::ScalarView& v, bool array,
                        std::uint32_t element, std::uint32_t rel);

  TreeHandoff(Take take, void* reader) : take_(take), reader_(reader) {}

  bool running() const { return pipe_.running(); }

  void start() {
    pipe_.start(kAhead, [this](Batch& b) { take_all(b); });
  }

  // On the importer's thread, for every value: inline, no call.
  [[gnu::always_inline]] void put(std::string_view pointer, const sdk::ScalarView& v, bool array, std::uint32_t element,
                                  std::uint32_t rel) {
    Batch& b = pipe_.current();
    b.items[b.count] = Item{v.kind,    v.boolean, array, v.number, static_cast<std::uint32_t>(pointer.size()),
                            static_cast<std::uint32_t>(v.text.size()), element, rel};
    // Both copied into room made once (no capacity checked per append).
    const std::size_t need = pointer.size() + v.text.size();
    if (b.text.size() - b.used < need) [[unlikely]]
      b.text.resize(std::max(2 * b.text.size(), b.used + need));
    char* at = b.text.data() + b.used;
    copy_bytes(at, pointer.data(), pointer.size());
    copy_bytes(at + pointer.size(), v.text.data(), v.text.size());
    b.used += need;
    if (++b.count == kItems || b.used >= kText) [[unlikely]]
      pipe_.hand_over();
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
  // A batch of 2,048 usual values holds about 60 KB of text: kText is for
  // long ones (the buffer grows only for a value longer than its room).
  static constexpr std::size_t kItems = 2048, kText = 96 * 1024, kAhead = 8;
  struct Batch {
    std::unique_ptr<Item[]> items{new Item[kItems]};
    std::size_t count = 0;   // items in [0, count)
    std::vector<char> text;  // each item's pointer then its text, in [0, used)
    std::size_t used = 0;
    Batch() { text.resize(kText + 4096); }
    bool empty() const { return count == 0; }
    void clear() {
      count = 0;
      used = 0;
    }
  };

  // On the worker: each value of the batch, in order.
  void take_all(const Batch& b) const {
    std::size_t at = 0;
    for (std::size_t i = 0; i < b.count; ++i) {
      const Item& item = b.items[i];
      const std::string_view pointer(b.text.data() + at, item.pointer_size);
      at += item.pointer_size;
      sdk::ScalarView v;
      v.kind = item.kind;
      v.boolean = item.boolean;
      v.number = item.number;
      v.text = std::string_view(b.text.data() + at, item.text_size);
      at += item.text_size;
      take_(reader_, pointer, v, item.array, item.element, item.rel);
    }
  }

  Take take_;
  void* reader_;
  BatchPipe<Batch> pipe_;  // last: its worker ends before take_ goes
};

}  // namespace tonghop::normalise::detail
