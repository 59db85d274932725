// The bounded pool of import workers: `threads` threads take jobs from a
// queue of at most `queue` waiting ones. A job is a whole submission (the
// import in its child process, then storing); the HTTP I/O threads and the
// inbox only hand jobs in. A full queue refuses at once (the API answers 503
// with Retry-After; the inbox leaves the file for its next scan).
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace tonghop::isolate {

class Workers {
 public:
  Workers(unsigned threads, unsigned queue);
  ~Workers();  // stop()
  Workers(const Workers&) = delete;
  Workers& operator=(const Workers&) = delete;

  // Queues a job; false when the queue is full or the pool is stopping.
  bool post(std::function<void()> job);
  // Drops the jobs still waiting, lets the running ones end, joins.
  void stop();

  std::size_t running() const;
  std::size_t waiting() const;
  std::uint64_t refused() const;

 private:
  void run();
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> threads_;
  std::size_t capacity_;
  std::size_t running_ = 0;
  std::uint64_t refused_ = 0;
  bool stopping_ = false;
};

// Runs f on the pool and waits for it: nothing when the queue is full or the
// pool stopped before f ran.
template <class F>
auto run_and_wait(Workers& workers, F f) -> std::optional<decltype(f())> {
  using R = decltype(f());
  auto task = std::make_shared<std::packaged_task<R()>>(std::move(f));
  auto result = task->get_future();
  if (!workers.post([task] { (*task)(); })) return std::nullopt;
  try {
    return result.get();
  } catch (const std::future_error&) {
    return std::nullopt;
  }
}

}  // namespace tonghop::isolate
