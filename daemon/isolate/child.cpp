// The child of one import, forked by the zygote as a spare before its
// request: the sandbox, the request awaited, the return examined, the result
// written (see zygote.hpp, docs/isolation.md).
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <new>
#include <vector>

#include "isolate/protocol.hpp"
#include "isolate/sandbox.hpp"
#include "isolate/wire.hpp"

namespace tonghop::isolate::detail {

namespace {

int g_reply = -1;

// Issue 18, stream: the blocks of the result handed over as the normaliser
// completes them (Return::completed_block, on its worker thread): each
// written into the result memfd after the one before, and named to the
// daemon by a 'B' note. A block that cannot be written (or is past
// kMaxStreamedBlock) ends the streaming: it and the rest go with the result.
struct Streaming {
  int result = -1, reply = -1;
  std::uint64_t end = 0;
  std::vector<std::uint64_t> lengths;  // each streamed block's
  bool stopped = false;

  void block(const normalise::RecordSet& set, std::size_t b) {
    if (stopped || b != lengths.size()) {
      stopped = true;
      return;
    }
    const std::string_view bytes = set.block(b);
    if (bytes.empty() || bytes.size() > kMaxStreamedBlock) {
      stopped = true;
      return;
    }
    for (std::size_t done = 0; done < bytes.size();) {
      const ssize_t n = ::pwrite(result, bytes.data() + done, bytes.size() - done, static_cast<off_t>(end + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        stopped = true;
        return;
      }
      done += static_cast<std::size_t>(n);
    }
    BlockNote n;
    n.type = 'B';
    n.offset = end;
    n.length = bytes.size();
    n.first_seq = b * normalise::RecordSet::kBlock;
    n.count = normalise::RecordSet::kBlock;
    n.symbols = set.layout().symbols.size();
    if (::send(reply, &n, sizeof n, MSG_NOSIGNAL) != static_cast<ssize_t>(sizeof n)) {
      stopped = true;  // not named: written over by the result
      return;
    }
    end += bytes.size();
    lengths.push_back(bytes.size());
  }

  // The streamed blocks the result may name: none unless its records are
  // the very set that streamed them (it carries the hook: another sheet's
  // or a second pass's set does not), with those blocks as they were, and
  // the return is taken (a refused one is read whole, as before).
  std::size_t confirmed(const ingest::Examined& e) const {
    const auto& set = e.result.records;
    if (lengths.empty() || !set.on_block || e.status != 200 || !e.result.accepted() ||
        set.block_count() < lengths.size())
      return 0;
    for (std::size_t b = 0; b < lengths.size(); ++b)
      if (set.block(b).size() != lengths[b]) return 0;
    return lengths.size();
  }
};

[[noreturn]] void out_of_memory() {
  note(g_reply, 'M');
  ::_exit(kExitMemory);
}

}  // namespace

[[noreturn]] void spare_main(const Setup* setup, int socket, pid_t zygote) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != zygote) ::_exit(kExitSetup);
  ::setpgid(0, 0);
  ::prctl(PR_SET_NAME, "tonghopd-import");
  // SIGINT, SIGTERM and SIGHUP stay ignored, as in the zygote: a terminal's
  // Ctrl-C or systemd's SIGTERM to the whole cgroup must not end an import
  // the daemon is still draining (it ends them itself, with SIGKILL).
  ::signal(SIGCHLD, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  std::set_new_handler(out_of_memory);
  // The half of the sandbox no request changes, entered before any request
  // comes: the spare waits with its filter loaded. A failure is told to the
  // request's daemon once there is one.
  const std::string sandbox = enter_sandbox_fixed();

  // One request, and only one: the zygote sends this spare one and never another.
  const std::size_t capacity = 128 * 1024;
  char* buffer = new char[capacity];
  Request r;
  long n;
  do n = receive_request(socket, buffer, capacity, r);
  while (n < 0 && errno == EINTR);
  if (n <= 0) ::_exit(0);  // no request: the zygote reloaded, stopped or replaced this spare
  // Taken: from now on the request is this process's, whatever becomes of it.
  (void)!::send(socket, "A", 1, MSG_NOSIGNAL);
  ::close(socket);
  if (!r.import()) ::_exit(kExitSetup);
  const RequestHead& h = r.head;
  const std::string_view strings = r.strings;
  const int input = r.fds[0], result = r.fds[1], reply = r.fds[2];
  g_reply = reply;
  if (!sandbox.empty()) {
    note(reply, 'X', "cannot enter the sandbox: " + sandbox);
    ::_exit(kExitSandbox);
  }
  if (setup == nullptr || !setup->plugins || !setup->normalisation) {
    note(reply, 'X', "the zygote could not load the plugins or the normalisation data (see the log)");
    ::_exit(kExitSetup);
  }
  const std::uint64_t mapped = h.input_size + h.mappings_size;
  const void* map = mapped == 0 ? nullptr : ::mmap(nullptr, mapped, PROT_READ, MAP_PRIVATE | MAP_POPULATE, input, 0);
  if (map == MAP_FAILED) {
    note(reply, 'X', std::string("cannot map the return: ") + std::strerror(errno));
    ::_exit(kExitSetup);
  }
  ::close(input);
  SandboxLimits sl;
  sl.max_memory = h.max_memory;
  sl.max_seconds = h.limits.max_seconds == 0 ? 86'400 : h.limits.max_seconds;
  sl.max_output = h.max_memory * 2;
  if (const std::string err = enter_limits(sl); !err.empty()) {
    note(reply, 'X', "cannot enter the sandbox: " + err);
    ::_exit(kExitSandbox);
  }
  try {
    ingest::Return ret;
    ret.district = std::string(strings.substr(0, h.district));
    ret.period = std::string(strings.substr(h.district, h.period));
    ret.filename = std::string(strings.substr(h.district + h.period, h.filename));
    ret.bytes = std::string_view(static_cast<const char*>(map), h.input_size);
    // The Board's mappings, after the return's bytes: "header\0field\0" each.
    std::string_view m(static_cast<const char*>(map) + h.input_size, h.mappings_size);
    while (!m.empty()) {
      const auto a = m.find('\0'), b = a == m.npos ? m.npos : m.find('\0', a + 1);
      if (b == m.npos) break;
      ret.mappings.emplace_back(m.substr(0, a), m.substr(a + 1, b - a - 1));
      m.remove_prefix(b + 1);
    }
    ret.view_rows = h.view_rows;
    Streaming streaming;
    streaming.result = result;
    streaming.reply = reply;
    if (h.stream != 0)
      ret.completed_block = [&streaming](const normalise::RecordSet& set, std::size_t b) { streaming.block(set, b); };
    const auto examined = ingest::examine(*setup->plugins, *setup->normalisation, h.limits, ret,
                                          [&](const loader::Plugin& p) { note(reply, 'P', p.info.name); });
    // The rest of the result after the streamed blocks ('D' says where).
    if (::lseek(result, static_cast<off_t>(streaming.end), SEEK_SET) < 0) ::_exit(kExitWrite);
    if (!write_examined(result, examined, streaming.confirmed(examined))) ::_exit(kExitWrite);
    Done d;
    d.type = 'D';
    d.start = streaming.end;
    (void)!::send(reply, &d, sizeof d, MSG_NOSIGNAL);
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
