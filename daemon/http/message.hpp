// HTTP requests and responses as the router sees them: plain values, no
// Beast, so that routing is a plain function testable without a socket.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tonghop::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;  // "GET"
  std::string target;  // "/api/v1/submissions?period=2018"
  Headers headers;
  std::string body;
  std::string remote;  // peer address, for logs

  std::string_view path() const noexcept;   // target up to '?'
  std::string_view query() const noexcept;  // after '?', or ""
  std::optional<std::string_view> header(std::string_view name) const noexcept;  // case-insensitive
  // The first query parameter of that name, percent-decoded.
  std::optional<std::string> query_param(std::string_view name) const;
};

struct Response {
  unsigned status = 200;
  std::string content_type = "application/json";
  Headers headers;
  std::string body;
};

// {"errors":[{"code":…,"message":…}]}, the contract's error shape.
Response error_response(unsigned status, std::string_view code, std::string_view message);
Response json_response(unsigned status, std::string body);

std::string percent_decode(std::string_view text);
// Escapes a string as a JSON string literal, quotes included.
std::string json_quote(std::string_view text);
std::string_view reason_phrase(unsigned status) noexcept;

}  // namespace tonghop::http
