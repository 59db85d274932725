#include "http/metrics.hpp"

#include <fmt/format.h>

namespace tonghop::http {

void Metrics::finished(const std::string& route, unsigned status) {
  in_flight_.fetch_sub(1, std::memory_order_relaxed);
  const std::pair<std::string_view, unsigned> key{route, status};
  std::lock_guard lock(mutex_);
  if (const auto it = requests_.find(key); it != requests_.end()) ++it->second;
  else requests_.emplace(std::pair<std::string, unsigned>{route, status}, 1);
}

std::uint64_t Metrics::count(const std::string& route, unsigned status) const {
  std::lock_guard lock(mutex_);
  const auto it = requests_.find(std::pair<std::string_view, unsigned>{route, status});
  return it == requests_.end() ? 0 : it->second;
}

std::string prometheus_label(const std::string& value) {
  std::string out;
  for (const char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string Metrics::render() const {
  std::string out =
      "# HELP tonghop_http_requests_total HTTP requests answered, by route and status.\n"
      "# TYPE tonghop_http_requests_total counter\n";
  {
    std::lock_guard lock(mutex_);
    for (const auto& [key, n] : requests_)
      out += fmt::format("tonghop_http_requests_total{{route=\"{}\",status=\"{}\"}} {}\n",
                         prometheus_label(key.first), key.second, n);
  }
  out += fmt::format(
      "# HELP tonghop_http_requests_in_flight HTTP requests being read or answered.\n"
      "# TYPE tonghop_http_requests_in_flight gauge\n"
      "tonghop_http_requests_in_flight {}\n",
      in_flight());
  return out;
}

}  // namespace tonghop::http
