#include "isolate/zygote.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <new>
#include <thread>

#include <fmt/format.h>

#include "config/config.hpp"
#include "isolate/protocol.hpp"
#include "isolate/sandbox.hpp"
#include "isolate/wire.hpp"

namespace tonghop::isolate {

using namespace detail;

namespace {

using Clock = std::chrono::steady_clock;

// ---- the zygote ----

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

[[noreturn]] void zygote_main(const SetupLoader& load, int control, pid_t daemon) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
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
  auto load_setup = [&] {
    auto s = load();
    if (s) setup = std::make_unique<Setup>(std::move(*s));
    else std::fprintf(stderr, "tonghopd zygote: %s\n", s.error().c_str());
    if (setup) warm_up(*setup);
  };
  load_setup();
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
      for (const auto& [_, c] : children)
        for (const int fd : {c.reply, c.socket, c.input, c.result})
          if (fd >= 0) ::close(fd);
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

std::string signal_name(int sig) {
  const char* abbrev = ::sigabbrev_np(sig);
  return abbrev != nullptr ? fmt::format("SIG{}", abbrev) : fmt::format("signal {}", sig);
}

ingest::Examined refusal(unsigned status, std::string code, std::string message) {
  ingest::Examined e;
  e.status = status;
  e.result.errors.push_back({std::move(code), std::move(message), "", "", {}});
  return e;
}

struct Fd {
  int fd = -1;
  Fd() = default;
  explicit Fd(int f) : fd(f) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), std::min<std::size_t>(bytes.size(), 1u << 30));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

namespace detail {

long receive_request(int socket, char* buffer, std::size_t capacity, Request& out) {
  out = Request{};
  iovec iov{buffer, capacity};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) char cbuf[CMSG_SPACE(sizeof(int) * 3)]{};
  msg.msg_control = cbuf;
  msg.msg_controllen = sizeof cbuf;
  const ssize_t n = ::recvmsg(socket, &msg, MSG_CMSG_CLOEXEC);
  if (n <= 0) return n;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
      out.nfds = std::min<std::size_t>(3, (c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
      std::memcpy(out.fds, CMSG_DATA(c), out.nfds * sizeof(int));
    }
  out.size = static_cast<std::size_t>(n);
  if (out.size >= sizeof out.head) std::memcpy(&out.head, buffer, sizeof out.head);
  out.strings = std::string_view(buffer + std::min(out.size, sizeof out.head), out.size - std::min(out.size, sizeof out.head));
  return n;
}

bool send_with_fds(int socket, const void* data, std::size_t size, const int* fds, std::size_t nfds) {
  iovec iov{const_cast<void*>(data), size};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 3)]{};
  if (nfds > 0) {
    msg.msg_control = control;
    msg.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
    std::memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
  }
  ssize_t n;
  do n = ::sendmsg(socket, &msg, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  return n == static_cast<ssize_t>(size);
}

void note(int reply, char type, std::string_view text) {
  std::string m(1, type);
  m.append(text.substr(0, 4000));
  (void)!::send(reply, m.data(), m.size(), MSG_NOSIGNAL);
}

}  // namespace detail


Expected<std::unique_ptr<Zygote>> Zygote::start(SetupLoader load) {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
    return make_error(fmt::format("cannot make the zygote's socket: {}", std::strerror(errno)));
  const pid_t daemon = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(sv[0]);
    ::close(sv[1]);
    return make_error(fmt::format("cannot start the import zygote (fork): {}", std::strerror(errno)));
  }
  if (pid == 0) {
    ::close(sv[0]);
    zygote_main(load, sv[1], daemon);
  }
  ::close(sv[1]);
  return std::unique_ptr<Zygote>(new Zygote(pid, sv[0]));
}

Zygote::~Zygote() { stop(); }

void Zygote::reload() {
  std::lock_guard lock(mutex_);
  if (control_ < 0) return;
  RequestHead h;
  h.type = 'R';
  (void)!send_with_fds(control_, &h, sizeof h, nullptr, 0);
}

void Zygote::stop() {
  {
    std::lock_guard lock(mutex_);
    if (control_ < 0) return;
    ::close(control_);  // the zygote kills its children and exits
    control_ = -1;
  }
  for (int i = 0; i < 50; ++i) {
    if (::waitpid(pid_, nullptr, WNOHANG) != 0) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
}

ingest::Examined Zygote::examine(const ingest::Return& ret, const ImportLimits& limits) {
  auto unavailable = [](const std::string& why) {
    return refusal(503, "import_unavailable",
                   "Máy chủ tạm thời không đọc được tệp, xin gửi lại sau / the import could not be run: " + why);
  };
  Fd input(::memfd_create("tonghop-return", MFD_CLOEXEC));
  Fd output(::memfd_create("tonghop-result", MFD_CLOEXEC | MFD_ALLOW_SEALING));
  if (input.fd < 0 || output.fd < 0) return unavailable(fmt::format("memfd_create: {}", std::strerror(errno)));
  if (!write_all(input.fd, ret.bytes)) return unavailable(fmt::format("writing the memfd: {}", std::strerror(errno)));
  std::string mappings;  // after the return's bytes (protocol.hpp)
  for (const auto& [header, field] : ret.mappings) {
    mappings.append(header).push_back('\0');
    mappings.append(field).push_back('\0');
  }
  if (!write_all(input.fd, mappings)) return unavailable(fmt::format("writing the memfd: {}", std::strerror(errno)));
  int sp[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) != 0)
    return unavailable(fmt::format("socketpair: {}", std::strerror(errno)));
  Fd reply(sp[0]);
  {
    Fd theirs(sp[1]);
    const int on = 1;
    ::setsockopt(reply.fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
    RequestHead h;
    h.type = 'I';
    h.limits = limits.limits;
    h.max_memory = limits.max_memory;
    h.input_size = ret.bytes.size();
    h.max_children = limits.max_children;
    h.mappings_size = mappings.size();
    h.view_rows = ret.view_rows;
    const std::string filename = ret.filename.substr(0, 4096);
    h.district = static_cast<std::uint32_t>(ret.district.size());
    h.period = static_cast<std::uint32_t>(ret.period.size());
    h.filename = static_cast<std::uint32_t>(filename.size());
    std::string message(reinterpret_cast<const char*>(&h), sizeof h);
    message += ret.district;
    message += ret.period;
    message += filename;
    const int fds[3] = {input.fd, output.fd, theirs.fd};
    std::lock_guard lock(mutex_);
    if (control_ < 0) return unavailable("the daemon is stopping");
    if (!send_with_fds(control_, message.data(), message.size(), fds, 3))
      return unavailable(fmt::format("the import zygote is gone ({})", std::strerror(errno)));
  }
  ::close(input.fd);
  input.fd = -1;

  // What the child and then the zygote say, until the zygote's status.
  std::string plugin, what;
  bool memory = false;
  std::optional<Status> status;
  bool done = false;
  const auto bound = Clock::now() + std::chrono::seconds((limits.limits.max_seconds == 0 ? 86'400 : limits.limits.max_seconds) + 30);
  std::vector<char> buf(8192);
  while (!status && !done) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(bound - Clock::now()).count();
    if (left <= 0) return unavailable("the import did not end");
    pollfd p{reply.fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
    iovec iov{buf.data(), buf.size()};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    alignas(cmsghdr) char cbuf[CMSG_SPACE(sizeof(ucred))]{};
    msg.msg_control = cbuf;
    msg.msg_controllen = sizeof cbuf;
    const ssize_t n = ::recvmsg(reply.fd, &msg, MSG_CMSG_CLOEXEC);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return unavailable("the import zygote is gone");
    const std::string_view m(buf.data(), static_cast<std::size_t>(n));
    pid_t sender = 0;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c))
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
        ucred cred;
        std::memcpy(&cred, CMSG_DATA(c), sizeof cred);
        sender = cred.pid;
      }
    if (m[0] == 'S' && m.size() == sizeof(Status) && sender == pid_) {
      Status s;
      std::memcpy(&s, m.data(), sizeof s);
      status = s;
    } else if (m[0] == 'P' && plugin.empty()) {
      plugin = std::string(m.substr(1, 100));
    } else if (m[0] == 'D' && sender != pid_) {
      done = true;
    } else if (m[0] == 'M') {
      memory = true;
    } else if (m[0] == 'X' && what.empty()) {
      what = std::string(m.substr(1, 500));
    }
  }
  if (done) status = Status{};  // as if it had exited 0; the result is checked all the same
  if (status->spawn_failed)
    return unavailable("the import's process could not be started (fork, or too many imports alive)");

  const std::string who = plugin.empty() ? "the importers (choosing one)" : "'" + plugin + "'";
  const std::string ai = plugin.empty() ? "các trình đọc (khi chọn)" : "«" + plugin + "»";
  const int ws = status->wait_status;
  const bool exited_ok = WIFEXITED(ws) && WEXITSTATUS(ws) == 0;
  const int sig = WIFSIGNALED(ws) ? WTERMSIG(ws) : 0;
  const std::uint64_t mib = limits.max_memory >> 20;
  const unsigned seconds = limits.limits.max_seconds;
  auto crashed = [&](const std::string& how) {
    auto e = refusal(422, "plugin_crashed",
                     fmt::format("Trình đọc {} bị lỗi khi đọc tệp ({}); tệp không được nhận / the importer {} failed "
                                 "reading the file ({}); the file was not taken",
                                 ai, how, who, how));
    e.plugin = plugin;
    return e;
  };
  if (status->timed_out || sig == SIGXCPU) {
    auto e = refusal(422, "import_timeout",
                     fmt::format("Đọc tệp bằng {} quá {} giây nên đã bị dừng / reading the file with {} took longer "
                                 "than {} seconds, the import limit, and was stopped",
                                 ai, seconds, who, seconds));
    e.plugin = plugin;
    return e;
  }
  const bool near_limit = status->maxrss_kib * 1024 >= limits.max_memory / 10 * 9;
  if (memory || (WIFEXITED(ws) && WEXITSTATUS(ws) == kExitMemory) || sig == SIGXFSZ || (!exited_ok && near_limit)) {
    auto e = refusal(422, "memory_limit",
                     fmt::format("Đọc tệp bằng {} cần quá {} MiB bộ nhớ nên đã bị dừng / reading the file with {} "
                                 "needed more than {} MiB of memory, the import limit, and was stopped",
                                 ai, mib, who, mib));
    e.plugin = plugin;
    return e;
  }
  if (sig != 0) return crashed(signal_name(sig));
  if (!exited_ok) return crashed(what.empty() ? fmt::format("exit code {}", WEXITSTATUS(ws)) : what);

  // The result: sealed first, so that nothing can change or shrink it while it is read.
  if (::fcntl(output.fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0)
    return crashed("its result was still being changed");
  struct stat st{};
  if (::fstat(output.fd, &st) != 0 || st.st_size <= 0) return crashed("it gave no result");
  const auto size = static_cast<std::size_t>(st.st_size);
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, output.fd, 0);
  if (map == MAP_FAILED) return unavailable(fmt::format("cannot map the import's result: {}", std::strerror(errno)));
  // The record blocks are taken as they are in the mapping (sealed: nothing
  // can change them), not copied; it is unmapped with the last record set
  // that refers to it (once the return is stored).
  const std::shared_ptr<const void> keep(map, [size](const void* p) { ::munmap(const_cast<void*>(p), size); });
  auto examined = read_examined(std::string_view(static_cast<const char*>(map), size), keep);
  if (!examined) return crashed(examined.error());
  return std::move(*examined);
}

}  // namespace tonghop::isolate