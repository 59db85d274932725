#include "support/http_client.hpp"

#include <cstring>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace tonghop::test {

std::optional<std::string> HttpReply::header(const std::string& name) const {
  std::string lower_head = head, lower_name = name + ":";
  for (auto& c : lower_head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (auto& c : lower_name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const auto at = lower_head.find("\r\n" + lower_name);
  if (at == std::string::npos) return std::nullopt;
  auto start = at + 2 + lower_name.size();
  while (start < head.size() && head[start] == ' ') ++start;
  return head.substr(start, head.find("\r\n", start) - start);
}

Connection::Connection(const std::string& host, std::uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  ::inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

Connection::~Connection() {
  if (fd_ >= 0) ::close(fd_);
}

bool Connection::send(const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

namespace {
// Reads more bytes into buf; false on close, error or timeout.
bool read_more(int fd, std::string& buf, std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) return false;
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
  char chunk[16384];
  const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
  if (n <= 0) return false;
  buf.append(chunk, static_cast<std::size_t>(n));
  return true;
}
}  // namespace

void Connection::end_sending() {
  if (fd_ >= 0) ::shutdown(fd_, SHUT_WR);
}

std::optional<HttpReply> Connection::receive(std::chrono::milliseconds timeout) {
  if (fd_ < 0) return std::nullopt;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::size_t end;
  while ((end = buffer_.find("\r\n\r\n")) == std::string::npos)
    if (!read_more(fd_, buffer_, deadline)) return std::nullopt;
  HttpReply r;
  r.head = buffer_.substr(0, end);
  buffer_.erase(0, end + 4);
  if (r.head.size() > 12) r.status = std::atoi(r.head.c_str() + 9);
  if (r.header("Transfer-Encoding").value_or("") == "chunked") {
    // A streamed body (issue 18): chunks until the last, of size 0. A body
    // cut short (the server closed before the last chunk) is no reply.
    for (;;) {
      std::size_t line;
      while ((line = buffer_.find("\r\n")) == std::string::npos)
        if (!read_more(fd_, buffer_, deadline)) return std::nullopt;
      const std::size_t size = std::stoul(buffer_.substr(0, line), nullptr, 16);
      while (buffer_.size() < line + 2 + size + 2)
        if (!read_more(fd_, buffer_, deadline)) return std::nullopt;
      r.body.append(buffer_, line + 2, size);
      buffer_.erase(0, line + 2 + size + 2);  // no trailers: the server sends none
      if (size == 0) return r;
    }
  }
  const std::size_t length = std::stoul(r.header("Content-Length").value_or("0"));
  while (buffer_.size() < length)
    if (!read_more(fd_, buffer_, deadline)) return std::nullopt;
  r.body = buffer_.substr(0, length);
  buffer_.erase(0, length);
  return r;
}

bool Connection::closed_by_peer(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string ignored;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 20) > 0) {
      char chunk[4096];
      const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) return true;
    }
  }
  return false;
}

std::optional<HttpReply> request(std::uint16_t port, const std::string& method, const std::string& target,
                                 const std::string& body, const std::string& extra_headers,
                                 std::chrono::milliseconds timeout) {
  Connection c("127.0.0.1", port);
  if (!c.connected()) return std::nullopt;
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + extra_headers;
  if (!body.empty() || method == "POST") req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  req += "\r\n" + body;
  if (!c.send(req)) return std::nullopt;
  return c.receive(timeout);
}

}  // namespace tonghop::test
