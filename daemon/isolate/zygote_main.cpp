// The zygote's own process (zygote.hpp, docs/isolation.md): the plugins and
// normalisation data loaded and warmed up once, the spare child forked ahead
// of each import and handed one request, the children watched, timed and
// reaped. Split from zygote.cpp (the daemon's side) by branch postpre.
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "isolate/protocol.hpp"
#include "isolate/sandbox.hpp"

namespace tonghop::isolate::detail {

namespace {

using Clock = std::chrono::steady_clock;

struct Child {
  int reply = -1;
  Clock::time_point deadline;
  bool timed_out = false;
  // Until the child says it took its request ('A' on its own socket): that
  // socket, the request, its return and its result, kept so that the
  // request goes to another spare if this one dies first (killed before it
  // was used: a SIGKILL takes a moment to close the spare's socket, so the
  // request may have been sent into it).
  bool taken = false;
  int socket = -1;
  std::string request;
  int input = -1, result = -1;
  int handed = 1;  // spares the request was given to
};

void close_request(Child& c) {
  for (int* fd : {&c.socket, &c.input, &c.result}) {
    if (*fd >= 0) ::close(*fd);
    *fd = -1;
  }
  // Its names gone from the zygote's memory, which every later spare inherits.
  ::explicit_bzero(c.request.data(), c.request.size());
  std::string().swap(c.request);
}

// One small return examined in the zygote itself, with the built-in CSV
// importer only, before any child is forked: what the normaliser builds on
// first use (the folding table, the syllables, the TCVN3 table and its iconv
// module, the function-local statics) is then built once and inherited by
// every child, as it is by a process that imports many returns. A sample
// return cost its child about 6 ms more without it. The rows hold a Unicode
// name and one in TCVN3 read as Windows-1252, so that both judgements run.
void warm_up(const Setup& setup) {
  if (!setup.plugins || !setup.normalisation || setup.normalisation->registry.districts.empty()) return;
  const loader::Plugin* csv = setup.plugins->find("import-csv");
  if (csv == nullptr || !csv->importer) return;
  loader::PluginSet only;
  only.plugins.push_back(*csv);
  const std::string& district = setup.normalisation->registry.districts.front().name;
  const std::string text =
      "Dang bo huyen;Ten TCCSD;Loai hinh;So chi bo truc thuoc;Tong so dang vien;Dang vien nu;Xep loai TCCSD\n" +
      district + ";Đảng bộ xã Bản Lang;ĐB;13;105;43;HTTNV\n" + district +
      ";Chi b\u00e9 th\u00abn B\u00b6n Lang;CB;0;36;11;HTNV\n";
  // The daemon's own defaults: the warm-up's file is built in and small.
  const tonghop_limits limits = config::Config::default_limits();
  try {
    (void)ingest::examine(only, *setup.normalisation, limits, {district, "2018", "warm-up.csv", text, ""});
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tonghopd zygote: warming up: %s\n", e.what());
  }
}

}  // namespace

[[noreturn]] void zygote_main(const SetupLoader& load, int control, pid_t daemon, bool with_parent) {
  if (with_parent) ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != daemon) ::_exit(0);
  ::prctl(PR_SET_NAME, "tonghopd-zygote");
  // The daemon decides when this process ends (it closes the control socket).
  for (const int s : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) ::signal(s, SIG_IGN);
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  ::sigprocmask(SIG_BLOCK, &chld, nullptr);
  const int sfd = ::signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);

  std::unique_ptr<Setup> setup;
  std::string load_error;
  auto load_setup = [&] {
    auto s = load();
    if (s) setup = std::make_unique<Setup>(std::move(*s));
    else std::fprintf(stderr, "tonghopd zygote: %s\n", (load_error = s.error()).c_str());
    if (setup) warm_up(*setup);
    // The directories each child may read (sandbox.hpp): the plugins' own, where they are.
    std::vector<std::filesystem::path> readable;
    if (setup && setup->plugins)
      for (const auto& p : setup->plugins->plugins) {
        std::error_code ec;
        const auto real = std::filesystem::canonical(p.info.file, ec);
        readable.push_back((ec ? p.info.file : real).parent_path());
      }
    if (const std::string err = prepare_file_rules(readable); !err.empty())
      std::fprintf(stderr, "tonghopd zygote: imports may read any file the daemon's user may: %s\n", err.c_str());
  };
  load_setup();
  // One started again tells the daemon it is ready ('Z'), or why it cannot
  // be ('F', then it ends): a configuration that no longer loads is the
  // daemon's 503, never a refusal of the clerk's file.
  if (!with_parent) {
    if (!setup) {
      note(control, 'F', load_error);
      ::_exit(1);
    }
    note(control, 'Z');
  }
  // The seccomp filter compiled once here, not in every child.
  if (const std::string err = prepare_sandbox(); !err.empty())
    std::fprintf(stderr, "tonghopd zygote: the seccomp filter is compiled in each import instead: %s\n", err.c_str());

  std::map<pid_t, Child> children;
  const pid_t self = ::getpid();
  // The spare child (docs/isolation.md): forked ahead of need, sandboxed as
  // far as no request changes, waiting on its own socket for the next
  // import, which it alone serves. Made at start, after each reload and each
  // child reaped, and on demand when there is none.
  struct Spare {
    pid_t pid = -1;
    int socket = -1;
  } spare;
  auto drop_spare = [&] {
    if (spare.pid > 0) {
      ::close(spare.socket);
      ::kill(spare.pid, SIGKILL);  // reaped with the others; not a child, so nobody is told
    }
    spare = {};
  };
  // `also`: descriptors of a request being handed out, not the spare's to keep.
  auto spawn_spare = [&](const int* also, std::size_t nalso) {
    int sp[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) != 0) return;
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::close(control);
      ::close(sfd);
      ::close(sp[0]);
      for (auto& [_, c] : children) {
        for (const int fd : {c.reply, c.socket, c.input, c.result})
          if (fd >= 0) ::close(fd);
        // A request not yet taken is kept by the zygote (to hand it again);
        // this copy of its memory is the new spare's, which serves another.
        ::explicit_bzero(c.request.data(), c.request.size());
      }
      for (std::size_t i = 0; i < nalso; ++i) ::close(also[i]);
      spare_main(setup.get(), sp[1], self);
    }
    ::close(sp[1]);
    if (pid < 0) {
      ::close(sp[0]);
      return;
    }
    ::setpgid(pid, pid);
    spare = Spare{pid, sp[0]};
  };
  bool replenish = true;
  int unused_deaths = 0;  // spares in a row that died before being handed a request
  // A request (its bytes and three descriptors) to the spare, once; the
  // spare is then a child, and the zygote keeps its socket until it says it
  // took the request. One forked at once when there is no spare or the
  // spare is found dead.
  auto hand = [&](std::string_view request, const int* fds3) -> Spare {
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (spare.pid < 0) spawn_spare(fds3, 3);
      if (spare.pid < 0) break;
      const Spare given = spare;
      spare = {};
      if (send_with_fds(given.socket, request.data(), request.size(), fds3, 3)) {
        unused_deaths = 0;
        return given;
      }
      ::close(given.socket);
      ::kill(given.pid, SIGKILL);
    }
    return {};
  };
  auto refuse = [](int reply) {
    Status s;
    s.spawn_failed = 1;
    (void)!send_with_fds(reply, &s, sizeof s, nullptr, 0);
  };

  std::vector<char> buffer(128 * 1024);
  std::vector<pollfd> fds;
  std::vector<pid_t> waiting;  // the children whose socket is polled, fds[2 + i]
  for (;;) {
    if (replenish && spare.pid < 0) spawn_spare(nullptr, 0);
    replenish = false;
    int timeout = -1;
    const auto now = Clock::now();
    fds.assign({{control, POLLIN, 0}, {sfd, POLLIN, 0}});
    waiting.clear();
    for (auto& [pid, c] : children) {
      if (!c.timed_out && now >= c.deadline) {
        ::kill(-pid, SIGKILL);
        ::kill(pid, SIGKILL);
        c.timed_out = true;
      }
      if (!c.timed_out) {
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(c.deadline - now).count() + 1;
        timeout = timeout < 0 ? static_cast<int>(ms) : std::min(timeout, static_cast<int>(ms));
      }
      if (c.socket >= 0) {
        fds.push_back({c.socket, POLLIN, 0});
        waiting.push_back(pid);
      }
    }
    if (::poll(fds.data(), fds.size(), timeout) < 0 && errno != EINTR) break;

    // A child that took its request: what was kept for another spare goes.
    for (std::size_t i = 0; i < waiting.size(); ++i) {
      if ((fds[2 + i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      Child& c = children.at(waiting[i]);
      char a = 0;
      const ssize_t got = ::recv(c.socket, &a, 1, MSG_DONTWAIT);
      if (got < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      if (got == 1 && a == 'A') {
        c.taken = true;
        close_request(c);
      } else {
        ::close(c.socket);  // closed without a word: it died; its reaping decides
        c.socket = -1;
      }
    }

    if (fds[1].revents & POLLIN) {
      signalfd_siginfo info;
      while (::read(sfd, &info, sizeof info) > 0) {
      }
      int status = 0;
      rusage ru{};
      pid_t pid;
      while ((pid = ::wait4(-1, &status, WNOHANG, &ru)) > 0) {
        if (pid == spare.pid) {
          // Killed or dead before any request: replaced at once, unless
          // spares keep dying unused (then one is forked for each request).
          ::close(spare.socket);
          spare = {};
          replenish = ++unused_deaths < 3;
          continue;
        }
        replenish = true;  // a child's place is free again
        const auto it = children.find(pid);
        if (it == children.end()) continue;
        Child c = std::move(it->second);
        children.erase(it);
        if (!c.taken && c.socket >= 0) {
          char a = 0;
          c.taken = ::recv(c.socket, &a, 1, MSG_DONTWAIT) == 1 && a == 'A';
        }
        if (!c.taken && !c.timed_out) {
          // It died before it took the request (killed while a spare): the
          // request goes to another, which starts from the zygote as this
          // one did; nothing of it was read.
          if (c.socket >= 0) ::close(c.socket);
          c.socket = -1;
          const int fds3[3] = {c.input, c.result, c.reply};
          const Spare next = c.handed < 3 ? hand(c.request, fds3) : Spare{};
          if (next.pid > 0) {
            c.socket = next.socket;
            ++c.handed;
            children[next.pid] = std::move(c);
          } else {
            refuse(c.reply);
            ::close(c.reply);
            close_request(c);
          }
          continue;
        }
        Status s;
        s.wait_status = status;
        s.timed_out = c.timed_out ? 1 : 0;
        s.maxrss_kib = static_cast<std::uint64_t>(ru.ru_maxrss);
        (void)!send_with_fds(c.reply, &s, sizeof s, nullptr, 0);
        ::close(c.reply);
        close_request(c);
      }
    }
    if (fds[0].revents & POLLNVAL) break;  // no control socket at all: nobody can ask anything
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      Request r;
      const long n = receive_request(control, buffer.data(), buffer.size(), r);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // the daemon closed the control socket, or died
      const RequestHead& h = r.head;
      if (static_cast<std::size_t>(n) >= sizeof h && h.type == 'R') {
        load_setup();
        // The spare was forked with the old plugins and catalogue: it goes,
        // and the next is forked from what was just loaded.
        drop_spare();
        replenish = true;
      } else if (r.import()) {
        // Children that said they were done but still run count too: a
        // plugin cannot make imports pile up. The spare is not an import.
        const std::string_view request(buffer.data(), static_cast<std::size_t>(n));
        const Spare given = h.max_children == 0 || children.size() < h.max_children ? hand(request, r.fds) : Spare{};
        if (given.pid < 0) {
          refuse(r.fds[2]);
          for (const int fd : r.fds) ::close(fd);
        } else {
          const auto seconds = h.limits.max_seconds == 0 ? 86'400u : h.limits.max_seconds;
          Child c;
          c.reply = r.fds[2];
          c.deadline = Clock::now() + std::chrono::seconds(seconds);
          c.socket = given.socket;
          c.request = std::string(request);
          c.input = r.fds[0];
          c.result = r.fds[1];
          children[given.pid] = std::move(c);
        }
        // The next spare inherits nothing of this request, not even its names.
        std::memset(buffer.data(), 0, request.size());
        continue;
      }
      for (std::size_t i = 0; i < r.nfds; ++i) ::close(r.fds[i]);
    }
  }
  drop_spare();
  for (const auto& [pid, c] : children) {
    ::kill(-pid, SIGKILL);
    ::kill(pid, SIGKILL);
  }
  ::_exit(0);
}

}  // namespace tonghop::isolate::detail
