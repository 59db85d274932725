// Counters for /metrics, rendered as Prometheus text.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
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
  // Looked up by (route, status) without making a key: a key is made once per pair.
  struct Less {
    using is_transparent = void;
    template <class A, class B>
    bool operator()(const A& a, const B& b) const noexcept {
      const int c = std::string_view(a.first).compare(std::string_view(b.first));
      return c < 0 || (c == 0 && a.second < b.second);
    }
  };
  std::map<std::pair<std::string, unsigned>, std::uint64_t, Less> requests_;
};

// Escapes a Prometheus label value.
std::string prometheus_label(const std::string& value);

}  // namespace tonghop::http
