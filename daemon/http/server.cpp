// The listener (accepting) and the server's drain. Asio only; the sessions
// are in session.cpp.
#include "http/server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <cerrno>

#include "http/server_state.hpp"

namespace tonghop::http {

namespace net = boost::asio;
using tcp = net::ip::tcp;

class Server::Listener : public std::enable_shared_from_this<Server::Listener> {
 public:
  Listener(net::io_context& ioc, std::shared_ptr<ServerState> state)
      : ioc_(ioc), acceptor_(net::make_strand(ioc)), timer_(acceptor_.get_executor()), state_(std::move(state)) {}

  void open(const tcp::endpoint& endpoint) {
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(net::socket_base::max_listen_connections);
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

  // One connection at a time. At the cap (Service::max_connections), the
  // next accept waits until a connection has closed: the kernel's backlog
  // holds the newcomers. When accept fails for want of descriptors or memory
  // (EMFILE, ENFILE, ENOBUFS, ENOMEM) it is tried again after a pause, never
  // at once: the loop must not spin while nothing can be accepted.
  void accept() {
    const std::size_t cap = state_->service.max_connections();
    if (cap != 0 && state_->active() >= cap) return pause(std::chrono::milliseconds(20));
    acceptor_.async_accept(net::make_strand(ioc_), [self = shared_from_this()](boost::system::error_code ec,
                                                                                tcp::socket socket) {
      if (!self->acceptor_.is_open()) return;
      if (!ec) {
        launch_session(std::move(socket), self->state_);
        return self->accept();
      }
      if (ec == net::error::operation_aborted) return;
      const bool starved = ec == net::error::no_descriptors || ec == net::error::no_buffer_space ||
                           ec == net::error::no_memory || ec.value() == ENFILE;
      self->pause(std::chrono::milliseconds(starved ? 100 : 5));
    });
  }

  void pause(std::chrono::milliseconds wait) {
    timer_.expires_after(wait);
    timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (ec || !self->acceptor_.is_open()) return;
      self->accept();
    });
  }

  void stop() {
    net::post(acceptor_.get_executor(), [self = shared_from_this()] {
      boost::system::error_code ignored;
      self->acceptor_.close(ignored);
      self->timer_.cancel();
    });
  }

 private:
  net::io_context& ioc_;
  tcp::acceptor acceptor_;
  net::steady_timer timer_;
  std::shared_ptr<ServerState> state_;
};

// Watches a drain until every connection has gone or the deadline passed.
struct Server::DrainWatcher : std::enable_shared_from_this<Server::DrainWatcher> {
  DrainWatcher(net::io_context& ioc, std::shared_ptr<ServerState> s, std::chrono::steady_clock::time_point d,
               std::function<void(bool)> f)
      : timer(ioc), state(std::move(s)), deadline(d), done(std::move(f)) {}
  void check() {
    if (state->active() == 0) return done(true);
    if (std::chrono::steady_clock::now() >= deadline) return done(false);
    timer.expires_after(std::chrono::milliseconds(20));
    timer.async_wait([self = shared_from_this()](boost::system::error_code) { self->check(); });
  }
  net::steady_timer timer;
  std::shared_ptr<ServerState> state;
  std::chrono::steady_clock::time_point deadline;
  std::function<void(bool)> done;
};

Server::Server(net::io_context& ioc, ServerOptions options, Service& service)
    : ioc_(ioc), state_(std::make_shared<ServerState>(service, std::move(options))) {}

Server::~Server() {
  if (listener_) listener_->stop();
}

void Server::start() {
  const auto opts = state_->options.load();
  const tcp::endpoint endpoint(net::ip::make_address(opts->host), opts->port);
  listener_ = std::make_shared<Listener>(ioc_, state_);
  listener_->open(endpoint);
  listener_->accept();
}

std::uint16_t Server::port() const { return listener_ ? listener_->port() : 0; }

void Server::update(const ServerOptions& options) {
  state_->options.store(std::make_shared<const ServerOptions>(options));
}

std::size_t Server::connections() const { return state_->active(); }

void Server::drain(std::chrono::milliseconds bound, std::function<void(bool)> done) {
  state_->draining = true;
  if (listener_) listener_->stop();
  std::vector<std::shared_ptr<Connection>> live;
  {
    std::lock_guard lock(state_->mutex);
    for (auto& [_, weak] : state_->connections)
      if (auto c = weak.lock()) live.push_back(std::move(c));
  }
  for (auto& c : live) c->begin_drain();
  live.clear();

  // Poll until every connection has gone, or the bound has passed.
  auto watcher = std::make_shared<DrainWatcher>(ioc_, state_, std::chrono::steady_clock::now() + bound,
                                                std::move(done));
  watcher->check();
}

}  // namespace tonghop::http
