// What the listener, the sessions and the server share.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <unordered_map>

#include <boost/asio/ip/tcp.hpp>

#include "http/server.hpp"

namespace tonghop::http {

class Connection {
 public:
  virtual ~Connection() = default;
  // Finish the request in flight, if any, then close; close now if idle.
  virtual void begin_drain() = 0;
};

struct ServerState {
  ServerState(Service& s, ServerOptions o) : service(s), options(std::make_shared<const ServerOptions>(std::move(o))) {}

  Service& service;
  std::atomic<std::shared_ptr<const ServerOptions>> options;
  std::atomic<bool> draining{false};

  mutable std::mutex mutex;
  std::unordered_map<const Connection*, std::weak_ptr<Connection>> connections;

  void add(const std::shared_ptr<Connection>& c) {
    std::lock_guard lock(mutex);
    connections[c.get()] = c;
  }
  void remove(const Connection* c) {
    std::lock_guard lock(mutex);
    connections.erase(c);
  }
  std::size_t active() const {
    std::lock_guard lock(mutex);
    return connections.size();
  }
};

// Starts a session on an accepted socket (session.cpp, the one file with Beast).
void launch_session(boost::asio::ip::tcp::socket socket, std::shared_ptr<ServerState> state);

}  // namespace tonghop::http
