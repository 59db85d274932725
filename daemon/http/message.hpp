// HTTP requests and responses as the router sees them: plain values, no
// Beast, so that routing is a plain function testable without a socket.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tonghop::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

// A request's body received straight into a memory file (issue 18): an
// import's return written once, where the archive and the import's child
// both read it, instead of into a string and then copied into the child's
// memfd. The memfd (made with MFD_ALLOW_SEALING, no seal yet) holds exactly
// `bytes`, which are its pages mapped read-only and private.
struct BodyFile {
  BodyFile(int memfd, std::string_view mapped) noexcept : fd(memfd), bytes(mapped) {}
  ~BodyFile();  // unmaps, closes
  BodyFile(const BodyFile&) = delete;
  BodyFile& operator=(const BodyFile&) = delete;
  const int fd;
  const std::string_view bytes;
};

// Work a Service began from a request's head alone, before its body was
// read (Service::body_coming, dryrun4): it goes with the request to its
// handler, and is dropped (its destructor stops it) with a request refused
// before then or a client that goes.
struct Begun {
  virtual ~Begun() = default;
};

struct Request {
  std::string method;  // "GET"
  std::string target;  // "/api/v1/submissions?period=2018"
  Headers headers;
  std::string body;
  std::string remote;  // peer address, for logs
  // Instead of `body`, when the Service asked for it (Service::body_to_file).
  std::shared_ptr<const BodyFile> body_file;
  // What the Service began from the head (Service::body_coming), if anything.
  std::shared_ptr<Begun> begun;

  // The body, wherever it was received.
  std::string_view body_bytes() const noexcept { return body_file ? body_file->bytes : std::string_view(body); }

  std::string_view path() const noexcept;   // target up to '?'
  std::string_view query() const noexcept;  // after '?', or ""
  std::optional<std::string_view> header(std::string_view name) const noexcept;  // case-insensitive
  // The first query parameter of that name, percent-decoded.
  std::optional<std::string> query_param(std::string_view name) const;
};

// A body made while it is sent (issue 18). The server calls the producer
// again and again on the connection's I/O thread, one call per write: each
// call appends the next piece (some tens of KiB) to `out` and says whether
// more follows. The pieces go out with chunked transfer encoding as they
// come, so that a million records never sit in memory at once; a client that
// stops reading is cut off by the write timeout, and the producer (and what
// it holds) is dropped with the connection. `failed`: the connection is
// closed without the last chunk, so the client sees a body cut short, never
// one that looks whole.
enum class Piece { more, done, failed };
using BodyProducer = std::function<Piece(std::string& out)>;

struct Response {
  unsigned status = 200;
  std::string content_type = "application/json";
  Headers headers;
  std::string body;
  // Instead of `body`: bytes shared with a cache (a report), sent without a copy.
  std::shared_ptr<const std::string> shared_body;
  // Instead of `body`: a body streamed in chunks (see BodyProducer).
  BodyProducer producer;
};

// {"errors":[{"code":…,"message":…}]}, the contract's error shape.
Response error_response(unsigned status, std::string_view code, std::string_view message);
Response json_response(unsigned status, std::string body);

std::string percent_decode(std::string_view text);
// Escapes a string as a JSON string literal, quotes included.
std::string json_quote(std::string_view text);
std::string_view reason_phrase(unsigned status) noexcept;

}  // namespace tonghop::http
