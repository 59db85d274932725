#include "http/limiter.hpp"

#include <algorithm>
#include <cmath>

namespace tonghop::http {

namespace {
constexpr double kRefillSeconds = 60.0;  // a full bucket refills in a minute
}

double FailureLimiter::refill(Bucket& b, Clock::time_point now) const {
  const double elapsed = std::chrono::duration<double>(now - b.at).count();
  if (elapsed > 0) {
    b.tokens = std::min<double>(burst_, b.tokens + elapsed * burst_ / kRefillSeconds);
    b.at = now;
  }
  return b.tokens;
}

unsigned FailureLimiter::blocked_for(std::string_view address, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  const auto it = buckets_.find(std::string(address));
  if (it == buckets_.end()) return 0;
  const double tokens = refill(it->second, now);
  if (tokens >= 1.0 || burst_ == 0) return 0;
  return static_cast<unsigned>(std::ceil((1.0 - tokens) * kRefillSeconds / burst_));
}

bool FailureLimiter::failed(std::string_view address, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto it = buckets_.find(std::string(address));
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_addresses_) prune(now);
    it = buckets_.emplace(std::string(address), Bucket{static_cast<double>(burst_), now}).first;
  }
  refill(it->second, now);
  it->second.tokens = std::max(0.0, it->second.tokens - 1.0);
  return it->second.tokens < 1.0;
}

void FailureLimiter::prune(Clock::time_point now) {
  for (auto it = buckets_.begin(); it != buckets_.end();)
    it = refill(it->second, now) >= burst_ ? buckets_.erase(it) : std::next(it);
  while (buckets_.size() >= max_addresses_) {
    auto oldest = std::min_element(buckets_.begin(), buckets_.end(),
                                   [](const auto& a, const auto& b) { return a.second.at < b.second.at; });
    buckets_.erase(oldest);
  }
}

void FailureLimiter::set_burst(unsigned burst) {
  std::lock_guard lock(mutex_);
  burst_ = burst;
}

std::size_t FailureLimiter::tracked() const {
  std::lock_guard lock(mutex_);
  return buckets_.size();
}

std::string_view address_of(std::string_view remote) noexcept {
  const auto colon = remote.rfind(':');
  return colon == std::string_view::npos ? remote : remote.substr(0, colon);
}

}  // namespace tonghop::http
