// The zygote: a small single-threaded process forked from tonghopd at
// start-up, before any thread exists. It loads the importer plugins and the
// normalisation data once, then forks one child per import, which runs in a
// sandbox (sandbox.hpp) under the limits, reads the return's bytes from a
// memfd, examines them (importer plugin and normaliser) and writes the result
// into a second memfd (wire.hpp). The zygote watches each child's wall time,
// kills it at max_seconds, and reports how it ended. Each child is forked
// ahead of need, as the spare: it enters the sandbox's fixed half and waits
// for the one request it will serve, so that the fork is not on the import's
// path. See docs/isolation.md.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/expected.hpp"
#include "ingest/pipeline.hpp"
#include "loader/loader.hpp"

namespace tonghop::isolate {

// What the zygote examines returns with; made in the zygote, and again on
// reload().
struct Setup {
  std::shared_ptr<const ingest::Normalisation> normalisation;
  std::shared_ptr<const loader::PluginSet> plugins;
};
using SetupLoader = std::function<Expected<Setup>()>;

struct ImportLimits {
  tonghop_limits limits{};
  std::uint64_t max_memory = 512ull << 20;
  unsigned max_children = 0;  // import processes alive at once (0: no bound)
};

// A zygote started again: the daemon's own command line run with
// TONGHOP_ZYGOTE=<control fd>:<daemon pid> in its environment (Zygote's
// restart). Read once, then taken out of the environment.
struct Respawned {
  int control;
  pid_t daemon;
};
std::optional<Respawned> respawned_zygote();
// This process becomes that zygote (as Zygote::start's child does): never returns.
[[noreturn]] void become_zygote(const SetupLoader& load, const Respawned& r);

class Zygote {
 public:
  // Forks the zygote, which calls `load` itself. Must be called while the
  // process has one thread. An error when the fork fails. `restartable`:
  // one found dead is started again from this process's program and command
  // line (respawned_zygote()); only `tonghopd serve` can be run so.
  static Expected<std::unique_ptr<Zygote>> start(SetupLoader load, bool restartable = false);
  ~Zygote();  // stop()
  Zygote(const Zygote&) = delete;
  Zygote& operator=(const Zygote&) = delete;

  // Examines one return in a child process. Safe from any thread. A child
  // that crashed, ran out of time or memory gives status 422 and the error
  // naming the importer (plugin_crashed, import_timeout, memory_limit); a
  // zygote that is gone gives 503. A zygote found dead before a return is
  // sent to it (the OOM killer, say) is started again first: the daemon's own
  // program and command line, run as a zygote (respawned_zygote()).
  ingest::Examined examine(const ingest::Return& ret, const ImportLimits& limits);

  // Called, under the zygote's lock, after a dead zygote was started again:
  // its pid, how it ended (waitpid's status; -1 when a restart that failed
  // reaped it before), the new one's pid once it said it is ready (or -1 and
  // the reason when it could not be started or could not load).
  std::function<void(pid_t gone, int wait_status, pid_t fresh, const std::string& error)> on_restart;

  // Looks every `every` for a zygote that ended meanwhile (the OOM killer,
  // an administrator's kill): reaped and started again then, not left a
  // zombie until the next return, which would wait for the restart. Only a
  // restartable zygote; once; stop() ends it. Call after on_restart is set.
  void watch(std::chrono::milliseconds every);

  // Asks the zygote to load the plugins and normalisation data again.
  void reload();
  // Kills the zygote and every import it runs; waits for it (at most ~1 s).
  void stop();
  pid_t pid() const noexcept { return pid_.load(); }
  // Zygotes found dead: started again, and not (each return meanwhile a
  // 503); for /metrics.
  std::uint64_t restarted() const noexcept { return restarted_.load(); }
  std::uint64_t not_restarted() const noexcept { return not_restarted_.load(); }

 private:
  Zygote(pid_t pid, int control, std::vector<std::string> command)
      : pid_(pid), control_(control), command_(std::move(command)) {}
  // Under mutex_: "" when the zygote lives (or was started again), else why
  // none runs. `wait`: how long a dying zygote may take to end.
  std::string alive(std::chrono::milliseconds wait = std::chrono::milliseconds(0));
  // Under mutex_: a zygote reaped (`old`, how it ended: `ws`, -1 unknown)
  // started again; "" once it is ready, else why none runs.
  std::string start_again(pid_t old, int ws);
  std::atomic<pid_t> pid_;
  int control_;
  std::vector<std::string> command_;  // /proc/self/cmdline at start, for a restart
  std::mutex mutex_;
  std::atomic<std::uint64_t> restarted_{0}, not_restarted_{0};
  // watch(): the thread, woken early by stop().
  std::thread watcher_;
  std::condition_variable wake_;
  std::atomic<bool> stopping_{false};  // stop() called: set before it takes mutex_
};

}  // namespace tonghop::isolate
