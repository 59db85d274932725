#include "http/router.hpp"

#include "http/refusals.hpp"

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
                          std::move(body_limit), nullptr});
}

void Router::add_file_route(std::string method, std::string pattern, Handler handler, Limit file_limit) {
  add(std::move(method), std::move(pattern), std::move(handler), [file_limit] { return file_limit() + kFormFraming; });
  routes_.back().file_limit = std::move(file_limit);
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
      return refusal::method_not_allowed(request.method, request.path());
    return refusal::not_found(request.path());
  }
  try {
    return r->handler(request, params);
  } catch (const std::exception& e) {
    return refusal::internal(e.what());
  } catch (...) {
    return refusal::internal({});
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

std::uint64_t Router::file_limit(std::string_view method, std::string_view target) const {
  const Route* r = match(method, target, nullptr, nullptr);
  return r && r->file_limit ? r->file_limit() : 0;
}

}  // namespace tonghop::http
