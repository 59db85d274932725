// Test support: a deliberately plain HTTP/1.1 client over a POSIX socket, so
// that tests can send exactly the bytes they want (slowly, partly, too many)
// to the real server.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace tonghop::test {

struct HttpReply {
  int status = 0;
  std::string head;  // status line and headers
  std::string body;
  std::optional<std::string> header(const std::string& name) const;
};

class Connection {
 public:
  Connection(const std::string& host, std::uint16_t port);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  bool connected() const noexcept { return fd_ >= 0; }
  bool send(const std::string& bytes);
  // Sends nothing more (shutdown for writing): the server sees the end of the stream.
  void end_sending();
  // Reads one response (Content-Length bodies); nullopt on close or timeout.
  std::optional<HttpReply> receive(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // True if the server closed the connection within the timeout.
  bool closed_by_peer(std::chrono::milliseconds timeout);

 private:
  int fd_ = -1;
  std::string buffer_;
};

// One request on a fresh connection.
std::optional<HttpReply> request(std::uint16_t port, const std::string& method, const std::string& target,
                                 const std::string& body = {}, const std::string& extra_headers = {},
                                 std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace tonghop::test
