// Tries what an importer must not be able to do (see hostile.hpp): open a
// socket, run a program, create a file, signal its parent. Refuses the file
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
    return {tonghop::sdk::Code::invalid_input, report};
  }
};
using EscapeImporter = tonghop_test::Hostile<Escape>;
}  // namespace

TONGHOP_PLUGIN(EscapeImporter, importer, "test-escape", "1.0.0", "escape", "text/x-escape",
               "tries to leave its sandbox while reading")
