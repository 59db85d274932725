// Batches from the importer's thread to one worker thread: two cores for one
// return. The importer fills the current batch and hands it over when full;
// the worker takes the batches in order. At most `ahead` batches wait, then
// the importer waits for one to come back: memory stays bounded however
// large the document. Used for a sheet's rows (document.cpp) and a tree's
// values (tree_handoff.hpp).
//
// Batch: default-constructible, with empty() (nothing to hand over) and
// clear() (ready to be filled again).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace tonghop::normalise::detail {

// n bytes from `from` to `to` without a call (a batch's texts, filled cell by
// cell in document.cpp and tree_handoff.hpp): a pointer ("/to_chuc/17/ten",
// 16 to 64 bytes) is two overlapping 16- or 32-byte moves, a value's text (a
// few digits) two or three byte moves. Nothing is read or written outside the
// n bytes.
[[gnu::always_inline]] inline void copy_bytes(char* to, const char* from, std::size_t n) {
  if (n > 32) {
    if (n > 64) [[unlikely]] {
      std::memcpy(to, from, n);
      return;
    }
    std::memcpy(to, from, 32);
    std::memcpy(to + n - 32, from + n - 32, 32);
  } else if (n >= 16) {
    std::memcpy(to, from, 16);
    std::memcpy(to + n - 16, from + n - 16, 16);
  } else if (n >= 8) {
    std::memcpy(to, from, 8);
    std::memcpy(to + n - 8, from + n - 8, 8);
  } else if (n >= 4) {
    std::memcpy(to, from, 4);
    std::memcpy(to + n - 4, from + n - 4, 4);
  } else if (n != 0) {
    to[0] = from[0];
    to[n / 2] = from[n / 2];
    to[n - 1] = from[n - 1];
  }
}

template <class Batch>
class BatchPipe {
 public:
  // What the worker does with each batch handed over, in order.
  using Take = std::function<void(Batch&)>;

  BatchPipe() = default;
  BatchPipe(const BatchPipe&) = delete;
  BatchPipe& operator=(const BatchPipe&) = delete;
  ~BatchPipe() { finish(); }

  bool running() const { return worker_.joinable(); }

  void start(std::size_t ahead, Take take) {
    take_ = std::move(take);
    ahead_ = ahead;
    stop_ = false;
    for (std::size_t i = 0; i < ahead + 1; ++i) free_.push_back(std::make_unique<Batch>());
    batch_ = take_free();
    worker_ = std::thread([this] { work(); });
  }

  // The batch being filled (only while running).
  Batch& current() { return *batch_; }

  // Batches handed over that the worker has not taken yet.
  std::size_t waiting() {
    std::lock_guard lock(mutex_);
    return ready_.size();
  }
  std::size_t ahead() const { return ahead_; }

  // The current batch to the worker (unless empty), and a free one to fill.
  void hand_over() {
    if (batch_->empty()) return;
    {
      std::lock_guard lock(mutex_);
      ready_.push_back(std::move(batch_));
    }
    changed_.notify_all();
    batch_ = take_free();
  }

  // Every batch handed over has been taken; the worker has ended.
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
  std::unique_ptr<Batch> take_free() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return !free_.empty(); });
    auto b = std::move(free_.back());
    free_.pop_back();
    return b;
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
      take_(*b);
      b->clear();
      {
        std::lock_guard lock(mutex_);
        free_.push_back(std::move(b));
      }
      changed_.notify_all();
    }
  }

  Take take_;
  std::size_t ahead_ = 0;
  std::unique_ptr<Batch> batch_;
  std::deque<std::unique_ptr<Batch>> ready_;
  std::vector<std::unique_ptr<Batch>> free_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool stop_ = false;
  std::thread worker_;
};

}  // namespace tonghop::normalise::detail
