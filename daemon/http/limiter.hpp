// Failed authentication attempts, counted per client address: a bucket of
// `burst` attempts that refills over a minute. An address whose bucket is
// empty is refused (429) until it refills, whatever it sends, so that tokens
// cannot be guessed at thousands a second. Plain and clock-driven, testable
// without a socket. The table is bounded: past `max_addresses`, addresses
// whose bucket is full again are forgotten first, then the oldest.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace tonghop::http {

class FailureLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  explicit FailureLimiter(unsigned burst = 10, std::size_t max_addresses = 16384)
      : burst_(burst), max_addresses_(max_addresses) {}

  // Whole seconds until this address may try again; 0 when it may now.
  unsigned blocked_for(std::string_view address, Clock::time_point now = Clock::now());
  // Counts a failure; true when it has just used the last attempt.
  bool failed(std::string_view address, Clock::time_point now = Clock::now());
  // The burst follows the configuration (reloaded on SIGHUP).
  void set_burst(unsigned burst);
  std::size_t tracked() const;

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point at;
  };
  double refill(Bucket& b, Clock::time_point now) const;
  void prune(Clock::time_point now);

  mutable std::mutex mutex_;
  unsigned burst_;
  std::size_t max_addresses_;
  std::unordered_map<std::string, Bucket> buckets_;
};

// "10.0.0.1:5555" -> "10.0.0.1", "::1:5555" -> "::1".
std::string_view address_of(std::string_view remote) noexcept;

}  // namespace tonghop::http
