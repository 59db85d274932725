#include "isolate/sandbox.hpp"

#include <fcntl.h>
#include <seccomp.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace tonghop::isolate {

namespace {

bool limit(int resource, rlim_t soft, rlim_t hard) {
  const rlimit l{soft, hard};
  return ::setrlimit(resource, &l) == 0;
}

}  // namespace

std::string enter_sandbox(const SandboxLimits& l) {
  if (!limit(RLIMIT_AS, l.max_memory, l.max_memory)) return std::string("RLIMIT_AS: ") + std::strerror(errno);
  if (!limit(RLIMIT_CPU, l.max_seconds, l.max_seconds + 1u)) return std::string("RLIMIT_CPU: ") + std::strerror(errno);
  if (l.max_output != 0 && !limit(RLIMIT_FSIZE, l.max_output, l.max_output))
    return std::string("RLIMIT_FSIZE: ") + std::strerror(errno);
  limit(RLIMIT_CORE, 0, 0);
  // Below the daemon's threads: an import burning every core still leaves
  // the I/O threads the CPU they need.
  ::setpriority(PRIO_PROCESS, 0, 10);
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return std::string("PR_SET_NO_NEW_PRIVS: ") + std::strerror(errno);

  // A deny-list: everything an importer needs (reading memory, allocating,
  // the import-xls plugin's own fork and pipe, writing to the descriptors it
  // was given) stays allowed; the network, running programs, other
  // processes, the kernel's administration and writing files are refused.
  std::unique_ptr<void, void (*)(scmp_filter_ctx)> ctx(seccomp_init(SCMP_ACT_ALLOW), seccomp_release);
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
  const auto self = static_cast<scmp_datum_t>(::getpid());
  if (rc == 0) rc = seccomp_rule_add(ctx.get(), deny, SCMP_SYS(kill), 1, SCMP_A0(SCMP_CMP_NE, self));
  if (rc == 0) rc = seccomp_rule_add(ctx.get(), deny, SCMP_SYS(tgkill), 1, SCMP_A0(SCMP_CMP_NE, self));
  // Files are opened for reading only.
  for (const auto& [sys, arg] : {std::pair{SCMP_SYS(open), 1u}, std::pair{SCMP_SYS(openat), 2u}})
    for (const scmp_datum_t flag : {scmp_datum_t(O_WRONLY), scmp_datum_t(O_RDWR), scmp_datum_t(O_CREAT),
                                    scmp_datum_t(O_TRUNC)})
      if (rc == 0)
        rc = seccomp_rule_add(ctx.get(), deny, sys, 1, scmp_arg_cmp{arg, SCMP_CMP_MASKED_EQ, flag, flag});
  if (rc == 0) rc = seccomp_rule_add(ctx.get(), deny, SCMP_SYS(openat2), 0);
  if (rc != 0) return std::string("seccomp rule: ") + std::strerror(-rc);
  if (rc = seccomp_load(ctx.get()); rc != 0) return std::string("seccomp_load: ") + std::strerror(-rc);
  return {};
}

}  // namespace tonghop::isolate
