// Tries what an importer must not be able to do (see hostile.hpp): open a
// socket, run a program, create a file, signal its parent, read the daemon's
// files; and reports its
// environment and its parent's, where the daemon's admin token must not be. Refuses the file
// with what each attempt gave, so that a test can check every one failed
// with EPERM.
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "hostile.hpp"

namespace {
std::string outcome(const char* what, int rc) {
  return std::string(what) + ": " + (rc < 0 ? strerrorname_np(errno) : "allowed") + "; ";
}
std::string whole(const std::string& path) {
  std::string out;
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return std::string("(") + strerrorname_np(errno) + ")";
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  for (char& c : out)
    if (c == '\0') c = ' ';
  return out;
}
// The entries of an environment (NULs made spaces) that name TONGHOP, or "none".
std::string tonghop_entries(const std::string& all) {
  std::string out;
  for (std::size_t at = all.find("TONGHOP"); at != std::string::npos; at = all.find("TONGHOP", at + 1)) {
    const std::size_t start = all.rfind(' ', at) == std::string::npos ? 0 : all.rfind(' ', at) + 1;
    out += "[" + all.substr(start, std::min<std::size_t>(all.find(' ', at), all.size()) - start) + "]";
  }
  return out.empty() ? "none" : out;
}
struct Escape {
  static constexpr std::string_view magic = "TONGHOP TEST ESCAPE";
  static tonghop::sdk::Status run() {
    std::string report;
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    report += outcome("socket", s);
    if (s >= 0) ::close(s);
    char* const argv[] = {const_cast<char*>("/bin/true"), nullptr};
    report += outcome("execve", ::execve("/bin/true", argv, environ));
    const int f = ::open("/tmp/tonghop-escape-test", O_WRONLY | O_CREAT | O_TRUNC, 0600);
    report += outcome("open for writing", f);
    if (f >= 0) ::close(f);
    report += outcome("kill parent", ::kill(::getppid(), 0));
    // Files outside the system's libraries: the daemon's configuration (in
    // the daemon's working directory, in the tests), its data directory's
    // store, /etc/passwd; and one inside, which an importer may need.
    for (const char* path : {"tonghop.toml", "var/tonghop.db", "/etc/passwd", "/usr/lib/os-release"}) {
      const int r = ::open(path, O_RDONLY | O_CLOEXEC);
      report += outcome((std::string("read ") + path).c_str(), r);
      if (r >= 0) ::close(r);
    }
    const int parent = ::open(("/proc/" + std::to_string(::getppid()) + "/cmdline").c_str(), O_RDONLY | O_CLOEXEC);
    report += outcome("read the parent's cmdline", parent);
    if (parent >= 0) ::close(parent);
    // What a hostile file that took the importer over would find of the
    // daemon's secrets in its environment, its own and its parent's (the
    // zygote's), as the kernel keeps them: every entry naming TONGHOP.
    std::string seen;
    for (char** e = environ; *e != nullptr; ++e) seen += std::string(*e) + " ";
    report = "environ: " + tonghop_entries(seen) + "; own environ: " + tonghop_entries(whole("/proc/self/environ")) +
             "; parent's environ: " + tonghop_entries(whole("/proc/" + std::to_string(::getppid()) + "/environ")) +
             "; " + report;
    return {tonghop::sdk::Code::invalid_input, report};
  }
};
using EscapeImporter = tonghop_test::Hostile<Escape>;
}  // namespace

TONGHOP_PLUGIN(EscapeImporter, importer, "test-escape", "1.0.0", "escape", "text/x-escape",
               "tries to leave its sandbox while reading")
