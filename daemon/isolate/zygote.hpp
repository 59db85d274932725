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

#include <functional>
#include <memory>
#include <mutex>
#include <string>

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

class Zygote {
 public:
  // Forks the zygote, which calls `load` itself. Must be called while the
  // process has one thread. An error when the fork fails.
  static Expected<std::unique_ptr<Zygote>> start(SetupLoader load);
  ~Zygote();  // stop()
  Zygote(const Zygote&) = delete;
  Zygote& operator=(const Zygote&) = delete;

  // Examines one return in a child process. Safe from any thread. A child
  // that crashed, ran out of time or memory gives status 422 and the error
  // naming the importer (plugin_crashed, import_timeout, memory_limit); a
  // zygote that is gone gives 503.
  ingest::Examined examine(const ingest::Return& ret, const ImportLimits& limits);

  // Asks the zygote to load the plugins and normalisation data again.
  void reload();
  // Kills the zygote and every import it runs; waits for it (at most ~1 s).
  void stop();
  pid_t pid() const noexcept { return pid_; }

 private:
  Zygote(pid_t pid, int control) : pid_(pid), control_(control) {}
  pid_t pid_;
  int control_;
  std::mutex mutex_;
};

}  // namespace tonghop::isolate
