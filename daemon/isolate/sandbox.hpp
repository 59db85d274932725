// What an import's child process may do: hard resource limits, no new
// privileges, a seccomp filter (libseccomp) that refuses, with EPERM, the
// system calls an importer has no use for, and Landlock rules that let it
// read only the system's libraries and its plugins' directories. See
// docs/isolation.md.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace tonghop::isolate {

struct SandboxLimits {
  std::uint64_t max_memory = 512ull << 20;  // RLIMIT_AS
  std::uint32_t max_seconds = 120;          // RLIMIT_CPU (the wall-time bound is the zygote's)
  std::uint64_t max_output = 0;             // RLIMIT_FSIZE: the result written back
};

// Applies the limits, a lower priority (nice 10), PR_SET_NO_NEW_PRIVS and
// the filter to this process.
// Empty on success, else what failed.
std::string enter_sandbox(const SandboxLimits& limits);

// enter_sandbox in its two halves, for a spare child (zygote.hpp) that is
// made before its request: what does not depend on the request (RLIMIT_CORE
// = 0, nice 10, PR_SET_NO_NEW_PRIVS and the filter), entered while it waits;
// then the request's limits (RLIMIT_AS, RLIMIT_CPU, RLIMIT_FSIZE), which
// only lower them (setrlimit stays allowed by the filter), once the return
// is mapped and before any of it is read.
std::string enter_sandbox_fixed();
std::string enter_limits(const SandboxLimits& limits);

// Compiles the filter once, in this process (the zygote), for every child it
// forks: libseccomp's first compilation in a fresh process costs
// milliseconds, a fixed program costs nothing. The child's own pid (kill and
// tgkill only to itself) is written into the program by enter_sandbox. Empty
// on success; on failure enter_sandbox compiles the filter in each child as
// before.
std::string prepare_sandbox();

// Makes, in the zygote, the Landlock ruleset each child enters with the
// filter (enter_sandbox_fixed): files and directories are read only under
// the system's libraries and data (/usr, /lib, /lib64, /etc/ld.so.cache,
// /etc/localtime), /sys/devices/system/cpu, /dev/null, /dev/zero,
// /dev/urandom and `readable` (the plugins' own directories); nothing is
// written, made or removed by path. Not the data directory (the store, the
// other districts' files), the configuration or the admin token's file.
// Made again after each reload. Empty on success, else why not (a kernel
// without Landlock): the children then read files as the filter lets them.
std::string prepare_file_rules(const std::vector<std::filesystem::path>& readable);

}  // namespace tonghop::isolate
