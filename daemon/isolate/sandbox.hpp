// What an import's child process may do: hard resource limits, no new
// privileges, and a seccomp filter (libseccomp) that refuses, with EPERM, the
// system calls an importer has no use for. See docs/isolation.md.
#pragma once

#include <cstdint>
#include <string>

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

}  // namespace tonghop::isolate
