// `tonghopd` serving: start-up (exceptions allowed here only), the signal
// handling (SIGTERM/SIGINT drain, SIGHUP reload) and shutdown. The import
// zygote is forked first, while the process has one thread; submissions are
// handed to the pool of import workers (docs/isolation.md).
#include <sys/wait.h>

#include <csignal>
#include <optional>
#include <cstdio>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/system/system_error.hpp>
#include <fmt/format.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "api/api.hpp"
#include "app/commands.hpp"
#include "app/context.hpp"
#include "app/inbox.hpp"
#include "app/setup.hpp"
#include "http/refusals.hpp"
#include "http/server.hpp"
#include "isolate/workers.hpp"
#include "isolate/zygote.hpp"
#include "store/mappings.hpp"

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

// The API, with uploads answered from the pool of import workers: the I/O
// threads only hand them in. A full queue is answered 503 with Retry-After.
class PooledService final : public http::Service {
 public:
  PooledService(api::Api& api, isolate::Workers& workers, const isolate::Zygote& zygote)
      : api_(api), workers_(workers), zygote_(zygote) {}
  std::uint64_t body_limit(const http::Request& head) const override { return api_.body_limit(head); }
  std::uint64_t file_limit(const http::Request& head) const override { return api_.file_limit(head); }
  std::optional<http::Response> admit(const http::Request& head) override { return api_.admit(head); }
  // A dry run's index of the previous period begun while its body arrives (issue 18, dryrun4).
  void body_coming(http::Request& head) override { api_.body_coming(head); }
  bool body_to_file(const http::Request& head) const override { return api_.body_to_file(head); }
  std::size_t max_connections() const override { return api_.max_connections(); }
  http::Response handle(const http::Request& request) override {
    http::Response r = api_.handle(request);
    if (r.status == 200 && request.path() == "/metrics")
      r.body += fmt::format(
          "# HELP tonghop_import_workers_busy Import workers running an import.\n"
          "# TYPE tonghop_import_workers_busy gauge\ntonghop_import_workers_busy {}\n"
          "# HELP tonghop_import_queue_waiting Imports waiting for a worker.\n"
          "# TYPE tonghop_import_queue_waiting gauge\ntonghop_import_queue_waiting {}\n"
          "# HELP tonghop_import_queue_refused_total Imports refused with 503, the queue being full.\n"
          "# TYPE tonghop_import_queue_refused_total counter\ntonghop_import_queue_refused_total {}\n"
          "# HELP tonghop_import_zygote_restarts_total Import zygotes found gone: started again, or not (each "
          "return then answered 503 until one is).\n"
          "# TYPE tonghop_import_zygote_restarts_total counter\n"
          "tonghop_import_zygote_restarts_total{{result=\"started\"}} {}\n"
          "tonghop_import_zygote_restarts_total{{result=\"failed\"}} {}\n",
          workers_.running(), workers_.waiting(), workers_.refused(), zygote_.restarted(), zygote_.not_restarted()) +
          api_.dry_run_metrics();
    return r;
  }
  void started(const http::Request& head) override { api_.started(head); }
  void finished(const http::Request& head, unsigned status) override { api_.finished(head, status); }
  bool handle_async(http::Request& r, Reply reply) override {
    // A dry run (POST /api/v1/check) imports as a submission does: on the pool too.
    if (r.method != "POST" || (r.path() != "/api/v1/submissions" && r.path() != "/api/v1/check")) return false;
    std::string body = std::move(r.body);
    auto request = std::make_shared<http::Request>(r);
    request->body = std::move(body);
    http::Response refused;
    auto slot = api_.import_slot(*request, refused);  // held by the job until it ends
    if (!slot) {
      reply(std::move(refused));
      return true;
    }
    if (workers_.post([this, request, reply, slot] { reply(api_.handle(*request)); })) return true;
    reply(http::refusal::imports_busy());
    return true;
  }

 private:
  api::Api& api_;
  isolate::Workers& workers_;
  const isolate::Zygote& zygote_;
};

// What the zygote loads, at start and on SIGHUP: the configuration read
// again, its normalisation data and plugins (their log lines to stderr).
isolate::SetupLoader zygote_loader(const Options& options) {
  return [options]() -> Expected<isolate::Setup> {
    auto cfg = resolve_config(options);
    if (!cfg) return make_error(cfg.error());
    auto n = load_normalisation(*cfg);
    if (!n) return make_error(n.error());
    auto log = std::make_shared<spdlog::logger>("tonghopd-import", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    // The daemon logs the plugins it loads; this copy only what goes wrong.
    log->set_level(std::max(spdlog::level::from_str(cfg->log.level), spdlog::level::warn));
    return isolate::Setup{*n, loader::load_directory(cfg->plugins_dir, std::make_shared<loader::HostServices>(log, cfg->limits))};
  };
}

// SIGHUP: a new configuration and a new plugin set; the listener and the open
// connections stay. A configuration that does not parse changes nothing.
void reload(const Options& options, Context& ctx, http::Server& server, isolate::Zygote& zygote) {
  auto fresh = resolve_config(options);
  if (!fresh) {
    ctx.log->error("reload refused, the configuration stays as it was: {}", fresh.error());
    return;
  }
  const auto old = ctx.config.load();
  if (fresh->server.host != old->server.host || fresh->server.port != old->server.port ||
      fresh->server.threads != old->server.threads || fresh->data_dir != old->data_dir)
    ctx.log->warn("reload: server.listen, server.threads and paths.data_dir change only on restart");
  if (fresh->import.workers != old->import.workers || fresh->import.queue != old->import.queue)
    ctx.log->warn("reload: import.workers and import.queue change only on restart");
  if (fresh->inbox_interval != old->inbox_interval)
    ctx.log->warn("reload: inbox.scan_milliseconds changes only on restart");
  // The admin token from its file is read again (one from the environment,
  // wiped at start, stays): a new one replaces the old once the reload is
  // taken, so that a leaked token is revoked without dropping connections.
  std::optional<std::string> new_admin;
  if (!fresh->admin_token_file.empty() && ctx.admin_token_source != "TONGHOP_ADMIN_TOKEN") {
    const auto token = admin_token(*fresh, false);
    const auto in_use = ctx.admin_token_sha256.load();
    if (!token)
      ctx.log->error("reload: {}; the admin token in use stays", token.error());
    else if (!in_use || token->sha256 != *in_use)
      new_admin = token->sha256;
  }
  auto normalisation = load_normalisation(*fresh);
  if (!normalisation) {
    ctx.log->error("reload refused, the configuration stays as it was: {}", normalisation.error());
    return;
  }
  auto next = std::make_shared<const config::Config>(std::move(*fresh));
  // A plugins directory that gives no importer or exporter (a typo) would
  // leave the daemon unable to read or write anything: refused, the old set kept.
  auto plugins = usable_plugins(load_plugins(*next, ctx.log), *next);
  if (!plugins) {
    ctx.log->error("reload refused, the configuration and plugins stay as they were: {}", plugins.error());
    return;
  }
  server.update(server_options(*next));
  ctx.normalisation.store(*normalisation);
  ctx.log->set_level(spdlog::level::from_str(next->log.level));
  ctx.config.store(next);
  ctx.plugins.store(*plugins);
  if (new_admin) {
    ctx.admin_token_sha256.store(std::make_shared<const std::string>(*new_admin));
    ctx.log->warn("reload: the admin token is now the one in {}; the old one no longer works",
                  next->admin_token_file.string());
  }
  zygote.reload();
  ctx.log->info("reloaded configuration and plugins");
}

}  // namespace

int serve(const Options& options) {
  // The daemon's zygote started again (isolate::Zygote::examine, after the
  // first died): this process becomes it, as the first did at start-up (the
  // time zone is the daemon's, in TZ). It says whether it could load.
  if (const auto z = isolate::respawned_zygote()) isolate::become_zygote(zygote_loader(options), *z);
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
  forget_admin_token_in_environment();  // before the zygote is forked
  // care (issue 16): the Board's time zone, before any thread exists.
  if (auto tz = apply_timezone(*cfg); !tz) {
    fmt::print(stderr, "tonghopd: {}\n", tz.error());
    return 1;
  }
  std::error_code ec;
  std::filesystem::create_directories(cfg->data_dir, ec);
  if (ec) {
    fmt::print(stderr, "tonghopd: cannot create the data directory {}: {}\n", cfg->data_dir.string(), ec.message());
    return 1;
  }
  // Before any thread exists (the logger's, the store's, the server's).
  auto zygote = isolate::Zygote::start(zygote_loader(options), /*restartable=*/true);
  if (!zygote) {
    fmt::print(stderr, "tonghopd: {}\n", zygote.error());
    return 1;
  }
  auto logger = make_logger(*cfg, true);
  if (!logger) {
    fmt::print(stderr, "tonghopd: {}\n", logger.error());
    return 1;
  }

  auto normalisation = load_normalisation(*cfg);
  if (!normalisation) {
    fmt::print(stderr, "tonghopd: {}{}\n", normalisation.error(), config_hint(*cfg));
    return 1;
  }
  auto store = store::Store::open(cfg->data_dir);
  if (!store) {
    fmt::print(stderr, "tonghopd: {}\n", store.error());
    return 1;
  }
  // One daemon to a data directory: a second would store returns the first
  // never shows, and a restore (which waits only for the lock's holder)
  // would move its database aside under it.
  // (A command such as `tonghopd report` or `users` holds it while it runs:
  // waited for a few seconds.)
  if (!(*store)->wait_for_lock(std::chrono::seconds(5))) {
    fmt::print(stderr,
               "tonghopd: another tonghopd already serves {} (it holds {}; or a command such as tonghopd report, users "
               "or mappings is still running on it); stop it first, or give this one its own --data-dir\n",
               cfg->data_dir.string(), (cfg->data_dir / "tonghop.lock").string());
    return 1;
  }

  Context ctx;
  ctx.log = *logger;
  ctx.store = std::move(*store);
  ctx.normalisation.store(*normalisation);
  ctx.admin_token_sha256.store(std::make_shared<const std::string>(token->sha256));
  ctx.admin_token_source = token->source;
  ctx.config.store(std::make_shared<const config::Config>(*cfg));
  ctx.log->info("tonghopd {} starting; configuration {}; data in {}", TONGHOP_VERSION,
                cfg->source.empty() ? "(built-in defaults)" : cfg->source.string(), cfg->data_dir.string());
  if (token->token.empty()) ctx.log->info("admin token from {}", token->source);
  if (const auto orphans = ctx.store->orphans_at_open(); orphans > 0)  // stage (issue 18)
    ctx.log->warn("removed {} record block(s) staged for a return whose import was cut off (no submission names them)", orphans);
  // A row changed in the database since its commit (by hand, or on disk):
  // its figures are unknown in the report; said here once, for the log's readers.
  for (const auto& s : ctx.store->changed_rows())
    ctx.log->error("submission #{} ({}, {}, {}, received {}) was changed in the database after it was received: the "
                   "report takes its figures as unknown; run tonghopd verify, then restore a backup or have the "
                   "district send its return again",
                   s.id, s.district, s.period, s.filename, s.received_at);
  ctx.plugins.store(load_plugins(*cfg, ctx.log));
  ctx.workers = std::make_shared<isolate::Workers>(cfg->import.workers, cfg->import.queue);
  ctx.examiner = [&ctx, z = zygote->get()](const ingest::Return& r) {
    const auto c = ctx.config.load();
    // The Board's mappings as they are now (store/mappings.hpp): the province's and the district's own.
    ingest::Return with = r;
    with.mappings = store::mappings_for_import(*ctx.store, r.district);
    return z->examine(with, isolate::ImportLimits{c->limits, c->import.max_memory, 2 * c->import.workers + 2});
  };
  (*zygote)->on_restart = [log = ctx.log](pid_t gone, int ws, pid_t fresh, const std::string& error) {
    const std::string how = ws < 0             ? std::string("as said before")
                            : WIFSIGNALED(ws) ? fmt::format("killed by signal {}", WTERMSIG(ws))
                                              : fmt::format("exit status {}", WEXITSTATUS(ws));
    if (fresh > 0) log->warn("the import zygote (pid {}) was gone ({}); started it again (pid {})", gone, how, fresh);
    else log->error("the import zygote (pid {}) was gone ({}); {}", gone, how, error);
  };
  (*zygote)->watch(std::chrono::seconds(2));
  ctx.log->info("imports: {} worker(s), {} may wait, each in a child process of the zygote (pid {}) under {} MiB",
                cfg->import.workers, cfg->import.queue, (*zygote)->pid(), cfg->import.max_memory >> 20);

  api::Api api(ctx);
  PooledService service(api, *ctx.workers, **zygote);
  std::unique_ptr<Inbox> inbox;
  if (cfg->inbox_interval.count() > 0) inbox = std::make_unique<Inbox>(ctx, api, cfg->inbox_interval);
  const unsigned threads = cfg->server.threads;
  net::io_context ioc(static_cast<int>(threads));
  http::Server server(ioc, server_options(*cfg), service);
  try {
    server.start();
  } catch (const boost::system::system_error& e) {
    // What went wrong, not where in Asio (care, issue 16).
    const bool busy = e.code() == boost::asio::error::address_in_use;
    ctx.log->error("cannot listen on {}:{}: {}{}", cfg->server.host, cfg->server.port, e.code().message(),
                   busy ? " (another program, perhaps another tonghopd, serves on it; choose another with --listen "
                          "HOST:PORT or [server] listen)"
                        : "");
    return 1;
  } catch (const std::exception& e) {
    ctx.log->error("cannot listen on {}:{}: {}", cfg->server.host, cfg->server.port, e.what());
    return 1;
  }
  // The stop and reload signals are caught before the daemon says it is
  // ready: a SIGINT or SIGTERM sent on "listening on" (a test, a service
  // manager) could find the default action, and the daemon die undrained.
  net::signal_set signals(ioc, SIGINT, SIGTERM, SIGHUP);
  // The development token only once it can be used (care, issue 16: never for a start that failed).
  if (!token->token.empty()) {
    fmt::print("tonghopd: development admin token (--dev): {}\n", token->token);
    std::fflush(stdout);
  }
  ctx.log->info("listening on http://{}:{}", cfg->server.host, server.port());

  bool draining = false;
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& e, int signo) {
        if (e) return;
        if (signo == SIGHUP) {
          reload(options, ctx, server, **zygote);
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
  // Whatever imports still run are killed with the zygote; the workers then
  // end at once, the jobs still waiting are dropped.
  (*zygote)->stop();
  ctx.workers->stop();
  inbox.reset();
  ctx.log->info("stopped");
  return 0;
}

}  // namespace tonghop::app
