#include "api/api.hpp"

#include <fmt/format.h>

namespace tonghop::api {

Api::Api(app::Context& context) : context_(context) {
  router_.add("GET", "/healthz", [this](const http::Request&, const http::Params&) { return healthz(); });
  router_.add("GET", "/metrics", [this](const http::Request&, const http::Params&) { return metrics_text(); });
}

std::uint64_t Api::body_limit(const http::Request& head) const {
  return router_.body_limit(head.method, head.target, context_.config.load()->server.body_limit);
}

http::Response Api::handle(const http::Request& request) { return router_.handle(request); }

void Api::started(const http::Request&) { metrics_.started(); }

void Api::finished(const http::Request& head, unsigned status) {
  metrics_.finished(head.method.empty() ? "unmatched" : router_.label(head.method, head.target), status);
  context_.log->debug("{} {} {} -> {}", head.remote, head.method, head.target, status);
}

http::Response Api::healthz() const { return http::json_response(200, "{\"status\":\"ok\"}\n"); }

http::Response Api::metrics_text() const {
  std::string out = metrics_.render();
  const auto plugins = context_.plugins.load();
  out += "# HELP tonghop_plugins_loaded Plugins loaded, by kind.\n# TYPE tonghop_plugins_loaded gauge\n";
  for (const auto kind : {loader::Kind::importer, loader::Kind::exporter})
    out += fmt::format("tonghop_plugins_loaded{{kind=\"{}\"}} {}\n", loader::kind_name(kind), plugins->count(kind));
  out += fmt::format(
      "# HELP tonghop_plugins_refused Libraries in the plugins directory that were refused.\n"
      "# TYPE tonghop_plugins_refused gauge\ntonghop_plugins_refused {}\n",
      plugins->refused.size());
  http::Response r = http::json_response(200, std::move(out));
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  return r;
}

}  // namespace tonghop::api
