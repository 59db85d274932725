// The HTTP API of shared/contract.md: the routes, and the Service the HTTP
// server calls. Routing itself is plain (http::Router), testable without a
// socket: Api::handle is a function from request to response.
#pragma once

#include "app/context.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"
#include "http/server.hpp"

namespace tonghop::api {

class Api final : public http::Service {
 public:
  explicit Api(app::Context& context);

  std::uint64_t body_limit(const http::Request& head) const override;
  http::Response handle(const http::Request& request) override;
  void started(const http::Request& head) override;
  void finished(const http::Request& head, unsigned status) override;

  const http::Metrics& metrics() const noexcept { return metrics_; }

 private:
  http::Response healthz() const;
  http::Response metrics_text() const;

  app::Context& context_;
  http::Router router_;
  http::Metrics metrics_;
};

}  // namespace tonghop::api
