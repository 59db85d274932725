// The child of one import, forked by the zygote: the sandbox, the return
// examined, the result written (see zygote.hpp, docs/isolation.md).
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <new>

#include "isolate/protocol.hpp"
#include "isolate/sandbox.hpp"
#include "isolate/wire.hpp"

namespace tonghop::isolate::detail {

namespace {

int g_reply = -1;

[[noreturn]] void out_of_memory() {
  note(g_reply, 'M');
  ::_exit(kExitMemory);
}

}  // namespace

[[noreturn]] void child_main(const Setup* setup, const RequestHead& h, std::string_view strings, int input, int result,
                             int reply, pid_t zygote) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != zygote) ::_exit(kExitSetup);
  ::setpgid(0, 0);
  // SIGINT, SIGTERM and SIGHUP stay ignored, as in the zygote: a terminal's
  // Ctrl-C or systemd's SIGTERM to the whole cgroup must not end an import
  // the daemon is still draining (it ends them itself, with SIGKILL).
  ::signal(SIGCHLD, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  g_reply = reply;
  std::set_new_handler(out_of_memory);
  if (setup == nullptr || !setup->plugins || !setup->normalisation) {
    note(reply, 'X', "the zygote could not load the plugins or the normalisation data (see the log)");
    ::_exit(kExitSetup);
  }
  const void* map = h.input_size == 0 ? nullptr : ::mmap(nullptr, h.input_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, input, 0);
  if (map == MAP_FAILED) {
    note(reply, 'X', std::string("cannot map the return: ") + std::strerror(errno));
    ::_exit(kExitSetup);
  }
  ::close(input);
  SandboxLimits sl;
  sl.max_memory = h.max_memory;
  sl.max_seconds = h.limits.max_seconds == 0 ? 86'400 : h.limits.max_seconds;
  sl.max_output = h.max_memory * 2;
  if (const std::string err = enter_sandbox(sl); !err.empty()) {
    note(reply, 'X', "cannot enter the sandbox: " + err);
    ::_exit(kExitSandbox);
  }
  try {
    ingest::Return ret;
    ret.district = std::string(strings.substr(0, h.district));
    ret.period = std::string(strings.substr(h.district, h.period));
    ret.filename = std::string(strings.substr(h.district + h.period, h.filename));
    ret.bytes = std::string_view(static_cast<const char*>(map), h.input_size);
    const auto examined = ingest::examine(*setup->plugins, *setup->normalisation, h.limits, ret,
                                          [&](const loader::Plugin& p) { note(reply, 'P', p.info.name); });
    if (!write_examined(result, examined)) ::_exit(kExitWrite);
    note(reply, 'D');
  } catch (const std::bad_alloc&) {
    out_of_memory();
  } catch (const std::exception& e) {
    note(reply, 'X', e.what());
    ::_exit(kExitException);
  } catch (...) {
    note(reply, 'X', "an unknown exception");
    ::_exit(kExitException);
  }
  // No destructors: the plugin objects, their libraries and the rest go with
  // the process.
  ::_exit(0);
}

}  // namespace tonghop::isolate::detail
