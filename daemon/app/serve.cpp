// `tonghopd` serving: start-up (exceptions allowed here only), the signal
// handling (SIGTERM/SIGINT drain, SIGHUP reload) and shutdown.
#include <csignal>
#include <cstdio>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "api/api.hpp"
#include "app/commands.hpp"
#include "app/context.hpp"
#include "app/inbox.hpp"
#include "app/setup.hpp"
#include "http/server.hpp"

namespace tonghop::app {

namespace net = boost::asio;

namespace {

http::ServerOptions server_options(const config::Config& c) {
  return http::ServerOptions{c.server.host, c.server.port, c.server.header_limit, c.server.read_timeout};
}

std::shared_ptr<const loader::PluginSet> load_plugins(const config::Config& c,
                                                      const std::shared_ptr<spdlog::logger>& log) {
  auto host = std::make_shared<loader::HostServices>(log, c.limits);
  auto set = loader::load_directory(c.plugins_dir, host);
  log->info("{} plugins loaded from {} ({} refused)", set->plugins.size(), c.plugins_dir.string(),
            set->refused.size());
  return set;
}

// SIGHUP: a new configuration and a new plugin set; the listener and the open
// connections stay. A configuration that does not parse changes nothing.
void reload(const Options& options, Context& ctx, http::Server& server) {
  auto fresh = resolve_config(options);
  if (!fresh) {
    ctx.log->error("reload refused, the configuration stays as it was: {}", fresh.error());
    return;
  }
  const auto old = ctx.config.load();
  if (fresh->server.host != old->server.host || fresh->server.port != old->server.port ||
      fresh->server.threads != old->server.threads || fresh->data_dir != old->data_dir)
    ctx.log->warn("reload: server.listen, server.threads and paths.data_dir change only on restart");
  auto normalisation = load_normalisation(*fresh);
  if (!normalisation) {
    ctx.log->error("reload refused, the configuration stays as it was: {}", normalisation.error());
    return;
  }
  auto next = std::make_shared<const config::Config>(std::move(*fresh));
  server.update(server_options(*next));
  ctx.normalisation.store(*normalisation);
  ctx.log->set_level(spdlog::level::from_str(next->log.level));
  ctx.config.store(next);
  ctx.plugins.store(load_plugins(*next, ctx.log));
  ctx.log->info("reloaded configuration and plugins");
}

}  // namespace

int serve(const Options& options) {
  auto cfg = resolve_config(options);
  if (!cfg) {
    fmt::print(stderr, "tonghopd: {}\n", cfg.error());
    return 1;
  }
  auto token = admin_token(*cfg, options.dev);
  if (!token) {
    fmt::print(stderr, "tonghopd: {}\n", token.error());
    return 1;
  }
  std::error_code ec;
  std::filesystem::create_directories(cfg->data_dir, ec);
  if (ec) {
    fmt::print(stderr, "tonghopd: cannot create the data directory {}: {}\n", cfg->data_dir.string(), ec.message());
    return 1;
  }
  auto logger = make_logger(*cfg, true);
  if (!logger) {
    fmt::print(stderr, "tonghopd: {}\n", logger.error());
    return 1;
  }

  auto normalisation = load_normalisation(*cfg);
  if (!normalisation) {
    fmt::print(stderr, "tonghopd: {}\n", normalisation.error());
    return 1;
  }
  auto store = store::Store::open(cfg->data_dir);
  if (!store) {
    fmt::print(stderr, "tonghopd: {}\n", store.error());
    return 1;
  }

  Context ctx;
  ctx.log = *logger;
  ctx.store = std::move(*store);
  ctx.normalisation.store(*normalisation);
  ctx.admin_token_sha256 = token->sha256;
  ctx.config.store(std::make_shared<const config::Config>(*cfg));
  ctx.log->info("tonghopd {} starting; configuration {}; data in {}", TONGHOP_VERSION,
                cfg->source.empty() ? "(built-in defaults)" : cfg->source.string(), cfg->data_dir.string());
  if (!token->token.empty()) {
    fmt::print("tonghopd: development admin token (--dev): {}\n", token->token);
    std::fflush(stdout);
  } else {
    ctx.log->info("admin token from {}", token->source);
  }
  ctx.plugins.store(load_plugins(*cfg, ctx.log));

  api::Api api(ctx);
  std::unique_ptr<Inbox> inbox;
  if (cfg->inbox_interval.count() > 0) inbox = std::make_unique<Inbox>(ctx, api, cfg->inbox_interval);
  const unsigned threads = cfg->server.threads;
  net::io_context ioc(static_cast<int>(threads));
  http::Server server(ioc, server_options(*cfg), api);
  try {
    server.start();
  } catch (const std::exception& e) {
    ctx.log->error("cannot listen on {}:{}: {}", cfg->server.host, cfg->server.port, e.what());
    return 1;
  }
  ctx.log->info("listening on http://{}:{}", cfg->server.host, server.port());

  net::signal_set signals(ioc, SIGINT, SIGTERM, SIGHUP);
  bool draining = false;
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& e, int signo) {
        if (e) return;
        if (signo == SIGHUP) {
          reload(options, ctx, server);
        } else if (draining) {
          ctx.log->warn("second stop signal: stopping now");
          ioc.stop();
          return;
        } else {
          draining = true;
          const auto bound = ctx.config.load()->server.drain_timeout;
          ctx.log->info("{} received: draining {} connection(s), for at most {} s",
                        signo == SIGTERM ? "SIGTERM" : "SIGINT", server.connections(), bound.count());
          server.drain(bound, [&](bool clean) {
            if (clean) ctx.log->info("drained; stopping");
            else ctx.log->warn("drain bound reached with {} connection(s) open; stopping", server.connections());
            ioc.stop();
          });
        }
        signals.async_wait(on_signal);
      };
  signals.async_wait(on_signal);

  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& t : pool) t.join();
  inbox.reset();
  ctx.log->info("stopped");
  return 0;
}

}  // namespace tonghop::app
