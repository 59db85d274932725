#include "isolate/sandbox.hpp"

#include <fcntl.h>
#include <linux/filter.h>
#include <linux/landlock.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

namespace tonghop::isolate {

namespace {

bool limit(int resource, rlim_t soft, rlim_t hard) {
  const rlimit l{soft, hard};
  return ::setrlimit(resource, &l) == 0;
}

// A deny-list: everything an importer needs (reading memory, allocating,
// the import-xls plugin's own fork and pipe, writing to the descriptors it
// was given) stays allowed; the network, running programs, other
// processes, the kernel's administration and writing files are refused.
// `self`: the only process kill and tgkill may signal.
using Filter = std::unique_ptr<void, void (*)(scmp_filter_ctx)>;
std::string build_filter(Filter& ctx, pid_t self) {
  if (!ctx) return "seccomp_init failed";
  const auto deny = SCMP_ACT_ERRNO(EPERM);
  int rc = 0;
  for (const int sys : {
           SCMP_SYS(socket), SCMP_SYS(connect), SCMP_SYS(bind), SCMP_SYS(listen), SCMP_SYS(accept),
           SCMP_SYS(accept4), SCMP_SYS(execve), SCMP_SYS(execveat), SCMP_SYS(ptrace), SCMP_SYS(process_vm_readv),
           SCMP_SYS(process_vm_writev), SCMP_SYS(setsid), SCMP_SYS(setpgid), SCMP_SYS(mount), SCMP_SYS(umount2),
           SCMP_SYS(pivot_root), SCMP_SYS(chroot), SCMP_SYS(unshare), SCMP_SYS(setns), SCMP_SYS(keyctl),
           SCMP_SYS(add_key), SCMP_SYS(request_key), SCMP_SYS(bpf), SCMP_SYS(perf_event_open),
           SCMP_SYS(init_module), SCMP_SYS(finit_module), SCMP_SYS(delete_module), SCMP_SYS(kexec_load),
           SCMP_SYS(reboot), SCMP_SYS(swapon), SCMP_SYS(swapoff), SCMP_SYS(userfaultfd),
           SCMP_SYS(io_uring_setup), SCMP_SYS(io_uring_enter), SCMP_SYS(io_uring_register),
           SCMP_SYS(open_by_handle_at), SCMP_SYS(name_to_handle_at), SCMP_SYS(tkill), SCMP_SYS(creat),
           SCMP_SYS(unlink), SCMP_SYS(unlinkat), SCMP_SYS(rename), SCMP_SYS(renameat), SCMP_SYS(renameat2),
           SCMP_SYS(truncate), SCMP_SYS(mkdir), SCMP_SYS(mkdirat), SCMP_SYS(rmdir), SCMP_SYS(link),
           SCMP_SYS(linkat), SCMP_SYS(symlink), SCMP_SYS(symlinkat), SCMP_SYS(chmod), SCMP_SYS(fchmodat),
           SCMP_SYS(chown), SCMP_SYS(lchown), SCMP_SYS(fchownat), SCMP_SYS(mknod), SCMP_SYS(mknodat),
           SCMP_SYS(setuid), SCMP_SYS(setgid), SCMP_SYS(setreuid), SCMP_SYS(setregid), SCMP_SYS(setresuid),
           SCMP_SYS(setresgid), SCMP_SYS(prctl), SCMP_SYS(setpriority), SCMP_SYS(sched_setscheduler),
           SCMP_SYS(sched_setattr), SCMP_SYS(sched_setparam)})
    rc = rc != 0 ? rc : seccomp_rule_add(ctx.get(), deny, sys, 0);
  // Signals only to itself (abort() raises SIGABRT with tgkill): never to the daemon.
  if (rc == 0) rc = seccomp_rule_add(ctx.get(), deny, SCMP_SYS(kill), 1, SCMP_A0(SCMP_CMP_NE, static_cast<scmp_datum_t>(self)));
  if (rc == 0) rc = seccomp_rule_add(ctx.get(), deny, SCMP_SYS(tgkill), 1, SCMP_A0(SCMP_CMP_NE, static_cast<scmp_datum_t>(self)));
  // Files are opened for reading only.
  for (const auto& [sys, arg] : {std::pair{SCMP_SYS(open), 1u}, std::pair{SCMP_SYS(openat), 2u}})
    for (const scmp_datum_t flag : {scmp_datum_t(O_WRONLY), scmp_datum_t(O_RDWR), scmp_datum_t(O_CREAT),
                                    scmp_datum_t(O_TRUNC)})
      if (rc == 0)
        rc = seccomp_rule_add(ctx.get(), deny, sys, 1, scmp_arg_cmp{arg, SCMP_CMP_MASKED_EQ, flag, flag});
  if (rc == 0) rc = seccomp_rule_add(ctx.get(), deny, SCMP_SYS(openat2), 0);
  if (rc != 0) return std::string("seccomp rule: ") + std::strerror(-rc);
  return {};
}

// The Landlock ruleset made once (prepare_file_rules), entered by each child.
int g_file_rules = -1;

// Whatever the kernel's Landlock ABI knows of writing, making and removing,
// and reading: only what a rule allows is allowed. (TRUNCATE, ABI 3, is not
// in Debian 12's headers.)
constexpr std::uint64_t kTruncate = 1ULL << 14;
std::uint64_t handled_by(long abi) {
  std::uint64_t h = LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE |
                    LANDLOCK_ACCESS_FS_READ_DIR | LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |
                    LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |
                    LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK |
                    LANDLOCK_ACCESS_FS_MAKE_SYM;
  if (abi >= 2) h |= LANDLOCK_ACCESS_FS_REFER;
  if (abi >= 3) h |= kTruncate;
  return h;
}

// The program compiled once (prepare_sandbox), with kPlaceholder where the
// child's pid goes.
constexpr pid_t kPlaceholder = 0x7EADBEEF;
std::vector<sock_filter> g_program;
std::vector<std::size_t> g_pid_at;

}  // namespace

std::string prepare_sandbox() {
  Filter ctx(seccomp_init(SCMP_ACT_ALLOW), seccomp_release);
  if (!ctx) return "seccomp_init failed";
  if (std::string err = build_filter(ctx, kPlaceholder); !err.empty()) return err;
  const int fd = ::memfd_create("tonghop-seccomp", MFD_CLOEXEC);
  if (fd < 0) return std::string("memfd_create: ") + std::strerror(errno);
  std::vector<sock_filter> program;
  if (const int rc = seccomp_export_bpf(ctx.get(), fd); rc != 0) {
    ::close(fd);
    return std::string("seccomp_export_bpf: ") + std::strerror(-rc);
  }
  const off_t size = ::lseek(fd, 0, SEEK_CUR);
  if (size > 0 && size % static_cast<off_t>(sizeof(sock_filter)) == 0 && size <= 65536) {
    program.resize(static_cast<std::size_t>(size) / sizeof(sock_filter));
    if (::pread(fd, program.data(), static_cast<std::size_t>(size), 0) != size) program.clear();
  }
  ::close(fd);
  std::vector<std::size_t> at;
  for (std::size_t i = 0; i < program.size(); ++i)
    if (program[i].code == (BPF_JMP | BPF_JEQ | BPF_K) && program[i].k == static_cast<std::uint32_t>(kPlaceholder))
      at.push_back(i);
  // kill and tgkill compare their first argument with the pid (libseccomp
  // may share one comparison between them); without one the program is not
  // the one expected, and each child compiles its own.
  if (program.empty() || at.empty()) return "the compiled filter is not in the expected form";
  g_program = std::move(program);
  g_pid_at = std::move(at);
  return {};
}

std::string prepare_file_rules(const std::vector<std::filesystem::path>& readable) {
  if (g_file_rules >= 0) ::close(g_file_rules);
  g_file_rules = -1;
  const long abi = ::syscall(SYS_landlock_create_ruleset, nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION);
  if (abi < 1) return std::string("the kernel has no Landlock (") + std::strerror(errno) + ")";
  const landlock_ruleset_attr attr{handled_by(abi)};
  const int rules = static_cast<int>(::syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0));
  if (rules < 0) return std::string("landlock_create_ruleset: ") + std::strerror(errno);
  std::vector<std::filesystem::path> paths = {"/usr", "/lib", "/lib64", "/etc/ld.so.cache", "/etc/localtime",
                                              "/sys/devices/system/cpu", "/dev/null", "/dev/zero",
                                              "/dev/urandom"};
  paths.insert(paths.end(), readable.begin(), readable.end());
  for (const auto& path : paths) {
    const int at = ::open(path.c_str(), O_PATH | O_CLOEXEC);
    if (at < 0) continue;  // not on this system (/lib64 on some)
    struct stat st {};
    const bool dir = ::fstat(at, &st) == 0 && S_ISDIR(st.st_mode);
    const landlock_path_beneath_attr rule{
        dir ? LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR : LANDLOCK_ACCESS_FS_READ_FILE, at};
    const long rc = ::syscall(SYS_landlock_add_rule, rules, LANDLOCK_RULE_PATH_BENEATH, &rule, 0);
    const int err = errno;
    ::close(at);
    if (rc != 0) {
      ::close(rules);
      return "landlock_add_rule " + path.string() + ": " + std::strerror(err);
    }
  }
  g_file_rules = rules;
  return {};
}

std::string enter_sandbox_fixed() {
  limit(RLIMIT_CORE, 0, 0);
  // Below the daemon's threads: an import burning every core still leaves
  // the I/O threads the CPU they need.
  ::setpriority(PRIO_PROCESS, 0, 10);
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return std::string("PR_SET_NO_NEW_PRIVS: ") + std::strerror(errno);
  if (g_file_rules >= 0) {
    if (::syscall(SYS_landlock_restrict_self, g_file_rules, 0) != 0)
      return std::string("landlock_restrict_self: ") + std::strerror(errno);
    ::close(g_file_rules);
    g_file_rules = -1;
  }

  if (!g_program.empty()) {
    std::vector<sock_filter> program = g_program;
    for (const std::size_t i : g_pid_at) program[i].k = static_cast<std::uint32_t>(::getpid());
    const sock_fprog prog{static_cast<unsigned short>(program.size()), program.data()};
    if (::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0)
      return std::string("seccomp: ") + std::strerror(errno);
    return {};
  }
  Filter ctx(seccomp_init(SCMP_ACT_ALLOW), seccomp_release);
  if (!ctx) return "seccomp_init failed";
  if (std::string err = build_filter(ctx, ::getpid()); !err.empty()) return err;
  if (const int rc = seccomp_load(ctx.get()); rc != 0) return std::string("seccomp_load: ") + std::strerror(-rc);
  return {};
}

std::string enter_limits(const SandboxLimits& l) {
  if (!limit(RLIMIT_AS, l.max_memory, l.max_memory)) return std::string("RLIMIT_AS: ") + std::strerror(errno);
  if (!limit(RLIMIT_CPU, l.max_seconds, l.max_seconds + 1u)) return std::string("RLIMIT_CPU: ") + std::strerror(errno);
  if (l.max_output != 0 && !limit(RLIMIT_FSIZE, l.max_output, l.max_output))
    return std::string("RLIMIT_FSIZE: ") + std::strerror(errno);
  return {};
}

std::string enter_sandbox(const SandboxLimits& l) {
  if (std::string err = enter_limits(l); !err.empty()) return err;
  return enter_sandbox_fixed();
}

}  // namespace tonghop::isolate
