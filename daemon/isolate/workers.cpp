#include "isolate/workers.hpp"

namespace tonghop::isolate {

Workers::Workers(unsigned threads, unsigned queue) : capacity_(queue) {
  for (unsigned i = 0; i < std::max(1u, threads); ++i) threads_.emplace_back([this] { run(); });
}

Workers::~Workers() { stop(); }

bool Workers::post(std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    // A job may wait only if no worker is free to take it at once.
    const std::size_t idle = threads_.size() - running_, after = jobs_.size() + 1;
    if (stopping_ || (after > idle && after - idle > capacity_)) {
      ++refused_;
      return false;
    }
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
  return true;
}

void Workers::stop() {
  std::deque<std::function<void()>> dropped;
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
    dropped.swap(jobs_);
  }
  wake_.notify_all();
  dropped.clear();  // outside the lock: a dropped job's promise wakes its waiter
  for (auto& t : threads_) t.join();
  std::lock_guard lock(mutex_);
  threads_.clear();
}

void Workers::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
    if (stopping_) return;
    auto job = std::move(jobs_.front());
    jobs_.pop_front();
    ++running_;
    lock.unlock();
    job();
    job = nullptr;
    lock.lock();
    --running_;
  }
}

std::size_t Workers::running() const {
  std::lock_guard lock(mutex_);
  return running_;
}

std::size_t Workers::waiting() const {
  std::lock_guard lock(mutex_);
  return jobs_.size();
}

std::uint64_t Workers::refused() const {
  std::lock_guard lock(mutex_);
  return refused_;
}

}  // namespace tonghop::isolate
