// Counters for /metrics, rendered as Prometheus text.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace tonghop::http {

class Metrics {
 public:
  void started() noexcept { in_flight_.fetch_add(1, std::memory_order_relaxed); }
  void finished(const std::string& route, unsigned status);
  std::int64_t in_flight() const noexcept { return in_flight_.load(std::memory_order_relaxed); }
  std::uint64_t count(const std::string& route, unsigned status) const;
  // HTTP metrics in Prometheus text format (with HELP and TYPE lines).
  std::string render() const;

 private:
  std::atomic<std::int64_t> in_flight_{0};
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, unsigned>, std::uint64_t> requests_;
};

// Escapes a Prometheus label value.
std::string prometheus_label(const std::string& value);

}  // namespace tonghop::http
