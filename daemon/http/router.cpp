#include "http/router.hpp"

#include <exception>
#include <stdexcept>

namespace tonghop::http {

namespace {
std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  path = path.substr(0, path.find('?'));
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    const auto slash = path.find('/');
    out.emplace_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash);
  }
  return out;
}
}  // namespace

void Router::add(std::string method, std::string pattern, Handler handler, Limit body_limit) {
  auto segments = split_path(pattern);
  if (segments.size() > kMaxSegments) throw std::logic_error("a route deeper than Router::kMaxSegments: " + pattern);
  routes_.push_back(Route{std::move(method), std::move(pattern), std::move(segments), std::move(handler),
                          std::move(body_limit)});
}

// Matching allocates nothing unless params are asked for: a request is
// matched three or four times (admission, body limit, handling, metrics).
const Router::Route* Router::match(std::string_view method, std::string_view path, Params* params,
                                   bool* other_method) const {
  std::string_view segments[kMaxSegments];
  std::size_t count = 0;
  path = path.substr(0, path.find('?'));
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    if (count == kMaxSegments) return nullptr;  // deeper than any route
    const auto slash = path.find('/');
    segments[count++] = path.substr(0, slash);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash);
  }
  for (const auto& r : routes_) {
    if (r.segments.size() != count) continue;
    bool ok = true;
    for (std::size_t i = 0; i < count && ok; ++i) {
      const std::string& want = r.segments[i];
      if (!(want.size() > 2 && want.front() == '{' && want.back() == '}')) ok = want == segments[i];
    }
    if (!ok) continue;
    if (r.method != method && !(method == "HEAD" && r.method == "GET")) {
      if (other_method) *other_method = true;
      continue;
    }
    if (params) {
      params->clear();
      for (std::size_t i = 0; i < count; ++i) {
        const std::string& want = r.segments[i];
        if (want.size() > 2 && want.front() == '{' && want.back() == '}')
          (*params)[want.substr(1, want.size() - 2)] = percent_decode(segments[i]);
      }
    }
    return &r;
  }
  return nullptr;
}

Response Router::handle(const Request& request) const {
  Params params;
  bool other_method = false;
  const Route* r = match(request.method, request.path(), &params, &other_method);
  if (r == nullptr) {
    if (other_method)
      return error_response(405, "method_not_allowed",
                            request.method + " is not allowed on " + std::string(request.path()));
    return error_response(404, "not_found", "no such resource: " + std::string(request.path()));
  }
  try {
    return r->handler(request, params);
  } catch (const std::exception& e) {
    return error_response(500, "internal", std::string("internal error: ") + e.what());
  } catch (...) {
    return error_response(500, "internal", "internal error");
  }
}

const std::string& Router::label(std::string_view method, std::string_view target) const {
  static const std::string unmatched = "unmatched";
  const Route* r = match(method, target, nullptr, nullptr);
  return r ? r->pattern : unmatched;
}

std::uint64_t Router::body_limit(std::string_view method, std::string_view target,
                                 std::uint64_t fallback) const {
  const Route* r = match(method, target, nullptr, nullptr);
  return r && r->body_limit ? r->body_limit() : fallback;
}

}  // namespace tonghop::http
