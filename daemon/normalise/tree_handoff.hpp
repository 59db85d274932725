// A tree document's values on their way from the importer's thread to a
// worker that reads them into records (tree.cpp): two cores for one return.
// The importer's views last one call, so each value is copied, pointer and
// text, into a batch's own buffer; a full batch is handed over, and at most
// kAhead batches wait, so memory stays bounded however large the document.
#pragma once

#include <condition_variable>
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
    batch_->items.push_back(item);
    batch_->text.append(pointer);
    batch_->text.append(v.text);
    if (batch_->items.size() >= kItems || batch_->text.size() >= kText) hand_over();
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
    std::string text;  // each item's pointer then its text
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
      b->text.clear();
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
