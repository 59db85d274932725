// A tree document's values on their way from the importer's thread to a
// worker that reads them into records (tree.cpp): two cores for one return.
// The importer's views last one call, so each value is copied, pointer and
// text, into a batch's own buffer; a full batch is handed over, and at most
// kAhead batches wait, so memory stays bounded however large the document.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

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
  TreeHandoff(const TreeHandoff&) = delete;
  TreeHandoff& operator=(const TreeHandoff&) = delete;
  ~TreeHandoff() { finish(); }

  bool running() const { return worker_.joinable(); }

  void start() {
    for (std::size_t i = 0; i < kAhead + 1; ++i) free_.push_back(std::make_unique<Batch>());
    batch_ = take_free();
    worker_ = std::thread([this] { work(); });
  }

  void put(std::string_view pointer, const sdk::ScalarView& v, bool array, std::uint32_t element, std::uint32_t rel) {
    Item item{v.kind,    v.boolean, array, v.number, static_cast<std::uint32_t>(pointer.size()),
              static_cast<std::uint32_t>(v.text.size()), element, rel};
    Batch& b = *batch_;
    b.items.push_back(item);
    // Both copied in one step into room made once (no capacity checked per append).
    const std::size_t need = pointer.size() + v.text.size();
    if (b.text.size() - b.used < need) b.text.resize(std::max(2 * b.text.size(), b.used + need));
    char* at = b.text.data() + b.used;
    if (!pointer.empty()) std::memcpy(at, pointer.data(), pointer.size());
    if (!v.text.empty()) std::memcpy(at + pointer.size(), v.text.data(), v.text.size());
    b.used += need;
    if (b.items.size() >= kItems || b.used >= kText) hand_over();
  }

  // Every value handed over has been taken; the worker has ended.
  void finish() {
    if (!worker_.joinable()) return;
    hand_over();
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    changed_.notify_all();
    worker_.join();
    free_.clear();
    ready_.clear();
    batch_.reset();
  }

 private:
  struct Item {
    sdk::NodeKind kind;
    bool boolean;
    bool array;
    double number;
    std::uint32_t pointer_size, text_size;
    std::uint32_t element, rel;
  };
  struct Batch {
    std::vector<Item> items;
    std::vector<char> text;  // each item's pointer then its text, in [0, used)
    std::size_t used = 0;
    Batch() {
      items.reserve(kItems);
      text.resize(kText + 4096);
    }
  };
  static constexpr std::size_t kItems = 2048, kText = 256 * 1024, kAhead = 8;

  std::unique_ptr<Batch> take_free() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return !free_.empty(); });
    auto b = std::move(free_.back());
    free_.pop_back();
    return b;
  }

  void hand_over() {
    if (batch_->items.empty()) return;
    {
      std::lock_guard lock(mutex_);
      ready_.push_back(std::move(batch_));
    }
    changed_.notify_all();
    batch_ = take_free();
  }

  void work() {
    for (;;) {
      std::unique_ptr<Batch> b;
      {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return !ready_.empty() || stop_; });
        if (ready_.empty()) return;
        b = std::move(ready_.front());
        ready_.pop_front();
      }
      std::size_t at = 0;
      for (const Item& item : b->items) {
        const std::string_view pointer(b->text.data() + at, item.pointer_size);
        at += item.pointer_size;
        sdk::ScalarView v;
        v.kind = item.kind;
        v.boolean = item.boolean;
        v.number = item.number;
        v.text = std::string_view(b->text.data() + at, item.text_size);
        at += item.text_size;
        take_(pointer, v, item.array, item.element, item.rel);
      }
      b->items.clear();
      b->used = 0;
      {
        std::lock_guard lock(mutex_);
        free_.push_back(std::move(b));
      }
      changed_.notify_all();
    }
  }

  Take take_;
  std::unique_ptr<Batch> batch_;
  std::deque<std::unique_ptr<Batch>> ready_;
  std::vector<std::unique_ptr<Batch>> free_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool stop_ = false;
  std::thread worker_;
};

}  // namespace tonghop::normalise::detail
