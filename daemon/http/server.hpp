// The HTTP server: a listener that accepts, sessions that read requests (a
// timeout before every read, a header limit, a body limit per request) and
// hand them to a Service, and a bounded drain for SIGTERM. Beast stays inside
// session.cpp; nothing here needs it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>

#include "http/message.hpp"

namespace tonghop::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  std::uint32_t header_limit = 16u << 10;
  std::chrono::seconds read_timeout{30};
};

// What the server serves. Called from the I/O threads, concurrently.
class Service {
 public:
  virtual ~Service() = default;
  // The largest body allowed for a request with this head (413 past it).
  virtual std::uint64_t body_limit(const Request& head) const = 0;
  // The largest file such a body may carry, as people are told it ([limits]
  // max_input_size: Router::add_file_route), or 0 when the body is not a
  // file: what a 413 names.
  virtual std::uint64_t file_limit(const Request& head) const {
    (void)head;
    return 0;
  }
  // Called with the head alone, before any of the body is read or "100
  // Continue" is sent: a response to give instead (401, 429), or none to go
  // on. Authentication happens here, so that no one without a token makes the
  // server read or buffer a byte of a body.
  virtual std::optional<Response> admit(const Request& head) {
    (void)head;
    return std::nullopt;
  }
  // The most connections open at once; past it the listener waits for one to
  // close before it accepts again (0: no cap).
  virtual std::size_t max_connections() const { return 0; }
  // Whether this request's body (its length declared, not chunked) is
  // received into a memory file (Request::body_file) instead of a string:
  // an import's return, which the archive and the import's child then read
  // where it was received (issue 18). Asked after admit(), under the same
  // body limit.
  virtual bool body_to_file(const Request& head) const {
    (void)head;
    return false;
  }
  // Called once the head is admitted and its body is about to be read (its
  // declared length within the limit), on the I/O thread: the Service may
  // begin work the handler will need (Request::begun, dryrun4: a dry run's
  // index of the previous period), so that it runs while the body arrives.
  // The server drops it if the body is then refused or the client goes.
  virtual void body_coming(Request& head) { (void)head; }
  virtual Response handle(const Request& request) = 0;
  // A request answered later, from another thread: takes it (its body may be
  // moved out) and returns true, then calls reply once, from any thread.
  // False: handle() answers it on the I/O thread.
  using Reply = std::function<void(Response)>;
  virtual bool handle_async(Request& /*request*/, Reply /*reply*/) { return false; }
  // Every request, from its head to its response (including the 4xx the
  // server answers itself), for metrics and access logs.
  virtual void started(const Request& head) = 0;
  virtual void finished(const Request& head, unsigned status) = 0;
};

struct ServerState;

class Server {
 public:
  Server(boost::asio::io_context& ioc, ServerOptions options, Service& service);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens. Throws std::system_error (start-up only).
  void start();
  std::uint16_t port() const;
  // Applies new read timeout and header limit to the next reads.
  void update(const ServerOptions& options);
  // Stops accepting, closes idle connections and lets requests in flight
  // finish; calls done(true) once none are left, or done(false) when `bound`
  // has passed first.
  void drain(std::chrono::milliseconds bound, std::function<void(bool)> done);
  std::size_t connections() const;

 private:
  boost::asio::io_context& ioc_;
  std::shared_ptr<ServerState> state_;
  class Listener;
  struct DrainWatcher;
  std::shared_ptr<Listener> listener_;
};

}  // namespace tonghop::http
