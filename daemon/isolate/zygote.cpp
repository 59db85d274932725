#include "isolate/zygote.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <new>
#include <thread>

#include <fmt/format.h>

#include "core/retry.hpp"
#include "isolate/protocol.hpp"
#include "isolate/stream.hpp"
#include "isolate/wire.hpp"

namespace tonghop::isolate {

using namespace detail;

namespace {

using Clock = std::chrono::steady_clock;

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

// The return's memfd as it was received (Return::memfd), when it holds
// exactly the return and nothing has sealed it: the mappings appended, then
// sealed against any write, growth or shrinking, so that the child (and
// anyone) reads the bytes the daemon archives and nothing else. A descriptor
// of its own, or -1: the caller copies the bytes into a new memfd instead.
int adopt_received(const ingest::Return& ret, std::string_view mappings) {
  if (ret.memfd < 0) return -1;
  struct stat st{};
  if (::fstat(ret.memfd, &st) != 0 || static_cast<std::size_t>(st.st_size) != ret.bytes.size()) return -1;
  if (::fcntl(ret.memfd, F_GET_SEALS) != 0) return -1;  // sealed already, or not a memfd that can be
  for (std::size_t done = 0; done < mappings.size();) {
    const ssize_t n = ::pwrite(ret.memfd, mappings.data() + done, mappings.size() - done,
                               static_cast<off_t>(ret.bytes.size() + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1;
    done += static_cast<std::size_t>(n);
  }
  if (::fcntl(ret.memfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0) return -1;
  return ::fcntl(ret.memfd, F_DUPFD_CLOEXEC, 0);
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


namespace {

constexpr const char* kRespawnVariable = "TONGHOP_ZYGOTE";
constexpr int kRespawnFd = 3;  // the control socket's number in a zygote started again

// The daemon's command line, as the kernel keeps it.
std::vector<std::string> own_command_line() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  const std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> out;
  for (std::size_t at = 0; at < all.size();) {
    const std::size_t end = all.find('\0', at);
    out.push_back(all.substr(at, end - at));
    if (end == std::string::npos) break;
    at = end + 1;
  }
  return out;
}

}  // namespace

std::optional<Respawned> respawned_zygote() {
  const char* v = std::getenv(kRespawnVariable);
  if (v == nullptr) return std::nullopt;
  Respawned r{-1, 0};
  const bool parsed = std::sscanf(v, "%d:%d", &r.control, &r.daemon) == 2;
  ::unsetenv(kRespawnVariable);
  if (!parsed) return std::nullopt;
  return r;
}

void become_zygote(const SetupLoader& load, const Respawned& r) { zygote_main(load, r.control, r.daemon, false); }

Expected<std::unique_ptr<Zygote>> Zygote::start(SetupLoader load, bool restartable) {
  std::vector<std::string> command = restartable ? own_command_line() : std::vector<std::string>{};
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
  return std::unique_ptr<Zygote>(new Zygote(pid, sv[0], std::move(command)));
}

std::string Zygote::alive(std::chrono::milliseconds wait) {
  int ws = 0;
  const pid_t old = pid_.load();
  const auto until = Clock::now() + wait;
  pid_t r;
  while ((r = ::waitpid(old, &ws, WNOHANG)) == 0 && Clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  if (r == 0 || (r < 0 && errno != ECHILD)) return {};
  if (r < 0) ws = -1;  // reaped before (a restart that failed): how it ended was said then
  return start_again(old, ws);
}

void Zygote::watch(std::chrono::milliseconds every) {
  std::lock_guard lock(mutex_);
  if (watcher_.joinable() || command_.empty()) return;
  watcher_ = std::thread([this, every] {
    std::unique_lock held(mutex_);
    while (!stopping_) {
      wake_.wait_for(held, every);
      if (stopping_ || control_ < 0) break;
      // Reaped only when it ended since the last look: a restart that failed
      // (reaped then) is tried again by the next return, not every period.
      int ws = 0;
      const pid_t old = pid_.load();
      if (::waitpid(old, &ws, WNOHANG) == old) (void)start_again(old, ws);
    }
  });
}

std::string Zygote::start_again(pid_t old, int ws) {
  // Gone (reaped now). Started again from the program itself, not forked
  // from this process and its threads: fork, then only what is safe before
  // execve (the arguments and environment are made first).
  auto restarted = [&](pid_t fresh, const std::string& error) {
    ++(fresh > 0 ? restarted_ : not_restarted_);
    if (on_restart) on_restart(old, ws, fresh, error);
    return error;
  };
  if (command_.empty()) return restarted(-1, "the import zygote is gone (not started again: this process did not ask for it)");
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
    return restarted(-1, fmt::format("the import zygote is gone and its socket could not be made again: {}", std::strerror(errno)));
  std::vector<char*> argv;
  for (auto& a : command_) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::string variable = fmt::format("{}={}:{}", kRespawnVariable, kRespawnFd, ::getpid());
  std::vector<char*> envp;
  for (char** e = environ; *e != nullptr; ++e)
    if (std::strncmp(*e, kRespawnVariable, std::strlen(kRespawnVariable)) != 0) envp.push_back(*e);
  envp.push_back(variable.data());
  envp.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    // The control socket at kRespawnFd (dup2 clears close-on-exec), nothing
    // else past stderr, no signal blocked.
    if (sv[1] == kRespawnFd ? ::fcntl(kRespawnFd, F_SETFD, 0) < 0 : ::dup2(sv[1], kRespawnFd) < 0) ::_exit(127);
    ::close_range(kRespawnFd + 1, ~0U, 0);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execve("/proc/self/exe", argv.data(), envp.data());
    ::_exit(127);
  }
  const int saved = errno;
  ::close(sv[1]);
  if (pid < 0) {
    ::close(sv[0]);
    return restarted(-1, fmt::format("the import zygote is gone and could not be started again (fork): {}", std::strerror(saved)));
  }
  // Ready once it has loaded what it examines with: 'Z'; 'F' and why, or its
  // end, or 30 s of nothing, and it is not (killed, reaped; the next return
  // tries again).
  std::string why;
  char said[4096];
  ssize_t n = -1;  // -1: nothing within 30 s; 0: it ended
  // A stop() meanwhile ends the wait within 100 ms (it waits for this lock).
  for (const auto ready_by = Clock::now() + std::chrono::seconds(30);
       n < 0 && Clock::now() < ready_by && !stopping_.load();) {
    pollfd p{sv[0], POLLIN, 0};
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(ready_by - Clock::now()).count();
    if (::poll(&p, 1, static_cast<int>(std::clamp<long long>(left, 1, 100))) != 1) continue;  // EINTR, or a slice is up
    n = ::recv(sv[0], said, sizeof said, MSG_DONTWAIT);
    if (n < 0 && errno != EINTR && errno != EAGAIN) n = 0;
  }
  if (n >= 1 && said[0] == 'Z') {
    ::close(control_);
    control_ = sv[0];
    pid_ = pid;
    return restarted(pid, "");
  }
  if (n >= 1 && said[0] == 'F') why = std::string(said + 1, static_cast<std::size_t>(n - 1));
  else why = n == 0 ? "it ended before it was ready" : stopping_.load() ? "the daemon is stopping" : "it was not ready within 30 s";
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  ::close(sv[0]);
  return restarted(-1, "the import zygote is gone and the one started again could not load: " + why);
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
  stopping_ = true;  // before the lock: a restart under way gives up (start_again)
  { std::lock_guard lock(mutex_); }  // the watcher is waiting on wake_ now, or sees stopping_ before it waits
  wake_.notify_all();
  if (watcher_.joinable()) watcher_.join();
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
                   fmt::format("Máy chủ tạm thời không đọc được tệp; chưa có gì được lưu, xin gửi lại sau {} giây / the "
                               "import could not be run: {}; nothing was stored; send it again in {} seconds",
                               core::kRetryAfterSeconds, why, core::kRetryAfterSeconds));
  };
  std::string mappings;  // after the return's bytes (protocol.hpp)
  for (const auto& [header, field] : ret.mappings) {
    mappings.append(header).push_back('\0');
    mappings.append(field).push_back('\0');
  }
  Fd input(adopt_received(ret, mappings));
  if (input.fd < 0) {
    input.fd = ::memfd_create("tonghop-return", MFD_CLOEXEC);
    if (input.fd < 0) return unavailable(fmt::format("memfd_create: {}", std::strerror(errno)));
    if (!write_all(input.fd, ret.bytes) || !write_all(input.fd, mappings))
      return unavailable(fmt::format("writing the memfd: {}", std::strerror(errno)));
  }
  Fd output(::memfd_create("tonghop-result", MFD_CLOEXEC | MFD_ALLOW_SEALING));
  if (output.fd < 0) return unavailable(fmt::format("memfd_create: {}", std::strerror(errno)));
  int sp[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) != 0)
    return unavailable(fmt::format("socketpair: {}", std::strerror(errno)));
  Fd reply(sp[0]);
  pid_t zygote = -1;  // the zygote this return was sent to, whatever restarts after
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
    h.stream = ret.on_block ? 1 : 0;
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
    if (auto why = alive(); !why.empty()) return unavailable(why);
    zygote = pid_;
    if (!send_with_fds(control_, message.data(), message.size(), fds, 3)) {
      // It died since: once it has ended (within a second), another is started and sent this return.
      const int err = errno;
      if (auto why = alive(std::chrono::seconds(1)); !why.empty()) return unavailable(why);
      zygote = pid_;
      if (!send_with_fds(control_, message.data(), message.size(), fds, 3))
        return unavailable(fmt::format("the import zygote is gone ({})", std::strerror(err)));
    }
  }
  ::close(input.fd);
  input.fd = -1;

  // What the child and then the zygote say, until the zygote's status.
  std::string plugin, what;
  bool memory = false;
  std::optional<Status> status;
  bool done = false;
  // Issue 18, stream: the blocks the child hands over as they complete.
  BlockStream stream(output.fd, ret.on_block);
  const std::string damaged_records = "the import's result has damaged records";
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
    if (m[0] == 'S' && m.size() == sizeof(Status) && sender == zygote) {
      Status s;
      std::memcpy(&s, m.data(), sizeof s);
      status = s;
    } else if (m[0] == 'P' && plugin.empty()) {
      plugin = std::string(m.substr(1, 100));
    } else if (m[0] == 'B' && sender != zygote) {
      if (!stream.take(m)) break;
    } else if (m[0] == 'D' && sender != zygote) {
      if (!stream.done(m)) break;
      done = true;
    } else if (m[0] == 'M') {
      memory = true;
    } else if (m[0] == 'X' && what.empty()) {
      what = std::string(m.substr(1, 500));
    }
  }
  const std::string who = plugin.empty() ? "the importers (choosing one)" : "'" + plugin + "'";
  const std::string ai = plugin.empty() ? "các trình đọc (khi chọn)" : "«" + plugin + "»";
  auto crashed = [&](const std::string& how) {
    auto e = refusal(422, "plugin_crashed",
                     fmt::format("Trình đọc {} bị lỗi khi đọc tệp ({}); tệp không được nhận / the importer {} failed "
                                 "reading the file ({}); the file was not taken",
                                 ai, how, who, how));
    e.plugin = plugin;
    return e;
  };
  if (stream.damaged()) return crashed(damaged_records);
  if (done) {
    // A note after 'D' (a block named after the result was said to be whole) damages it.
    for (;;) {
      const ssize_t n = ::recv(reply.fd, buf.data(), buf.size(), MSG_DONTWAIT);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      if (buf[0] == 'B') return crashed(damaged_records);
    }
    status = Status{};  // as if it had exited 0; the result is checked all the same
  }
  if (status->spawn_failed)
    return unavailable("the import's process could not be started (fork, or too many imports alive)");

  const int ws = status->wait_status;
  const bool exited_ok = WIFEXITED(ws) && WEXITSTATUS(ws) == 0;
  const int sig = WIFSIGNALED(ws) ? WTERMSIG(ws) : 0;
  const std::uint64_t mib = limits.max_memory >> 20;
  const unsigned seconds = limits.limits.max_seconds;
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

  // The result: sealed, mapped and read trusting nothing (isolate/stream.hpp).
  auto examined = read_result(output.fd, stream.places(), ret.defer_check);
  if (!examined) return crashed(examined.error());
  if (examined->unchecked) {
    // What the check of the whole result would have answered, had a block been damaged.
    const auto refused = crashed(damaged_records);
    examined->unchecked->damaged_status = refused.status;
    examined->unchecked->damaged = refused.result.errors;
    examined->unchecked->damaged_plugin = refused.plugin;  // dryrun5: a dry run answers the refusal itself
  }
  if (examined->streamed) examined->streamed->damaged = crashed(damaged_records).result.errors;
  return std::move(*examined);
}

}  // namespace tonghop::isolate