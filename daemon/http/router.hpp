// The router: a plain function from request to response. Routes are
// "METHOD /path/{param}" patterns; each route may set its own body limit.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"

namespace tonghop::http {

using Params = std::map<std::string, std::string, std::less<>>;
using Handler = std::function<Response(const Request&, const Params&)>;
// A route's body limit, asked for each request (it may follow the configuration).
using Limit = std::function<std::uint64_t()>;

class Router {
 public:
  // pattern: "/api/v1/submissions/{id}/raw". body_limit: this route's
  // largest body; none means the server's default.
  void add(std::string method, std::string pattern, Handler handler, Limit body_limit = nullptr);
  // A route whose body is a file a person sends (a district's return, bare
  // or in a form): `file_limit` is the largest file ([limits]
  // max_input_size), and the body may be kFormFraming more, for a form's
  // boundaries and part heads. A refusal says the file's limit, the one
  // people are told, not the body's.
  static constexpr std::uint64_t kFormFraming = 64 << 10;
  void add_file_route(std::string method, std::string pattern, Handler handler, Limit file_limit);

  // Routes the request; 404 and 405 come back in the contract's error shape.
  // A handler that throws gives a 500 (and never takes the server down).
  Response handle(const Request& request) const;

  // The matched route's pattern, for metrics labels ("unmatched" if none).
  const std::string& label(std::string_view method, std::string_view target) const;
  // The body limit of the route the request head goes to.
  std::uint64_t body_limit(std::string_view method, std::string_view target, std::uint64_t fallback) const;
  // The file limit of the route the head goes to (add_file_route), or 0.
  std::uint64_t file_limit(std::string_view method, std::string_view target) const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
    Limit body_limit;
    Limit file_limit;  // add_file_route's
  };
  const Route* match(std::string_view method, std::string_view path, Params* params,
                     bool* other_method) const;
  std::vector<Route> routes_;
  static constexpr std::size_t kMaxSegments = 16;
};

}  // namespace tonghop::http
