// What the daemon, the zygote and an import's child say to each other
// (zygote.cpp, child.cpp). Internal to isolate/.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "isolate/zygote.hpp"

namespace tonghop::isolate::detail {

// Daemon -> zygote, with three descriptors: the return (memfd), the result
// (memfd) and the reply socket. Then the three strings.
struct RequestHead {
  char type = 0;  // 'I' import, 'R' reload
  tonghop_limits limits{};
  std::uint64_t max_memory = 0;
  std::uint64_t input_size = 0;
  std::uint32_t district = 0, period = 0, filename = 0;
  std::uint32_t max_children = 0;  // imports alive at once (0: no bound)
  // Added for the dry run and mappings (branch check): the return's memfd
  // holds, after its input_size bytes, this many bytes of the Board's
  // mappings ("header\0field\0" each); view_rows is Return::view_rows.
  std::uint64_t mappings_size = 0;
  std::uint32_t view_rows = 0;
  // Issue 18, stream: the daemon takes the result's blocks as they complete (Return::on_block).
  std::uint8_t stream = 0;
};

// Child -> daemon (issue 18, stream): a block of the result completed and
// written into the result memfd at `offset` (pwrite; right after the one
// before, the first at 0), `length` bytes, `count` records from `first_seq`,
// checked by the daemon with `symbols` known. At the end 'D' + the offset
// where the rest of the result is written (Done).
struct BlockNote {
  char type = 'B';
  char pad[7] = {};
  std::uint64_t offset = 0, length = 0, first_seq = 0, count = 0, symbols = 0;
};
struct Done {
  char type = 'D';
  char pad[7] = {};
  std::uint64_t start = 0;
};
// A streamed block is at most this long (a larger one is left in the result).
constexpr std::uint64_t kMaxStreamedBlock = 64u << 20;

// Zygote -> daemon on the reply socket, after the child was reaped; sent
// with the zygote's credentials, which the daemon checks (a child cannot
// forge them).
struct Status {
  char type = 'S';
  int wait_status = 0;
  std::uint8_t timed_out = 0;
  std::uint8_t spawn_failed = 0;
  std::uint64_t maxrss_kib = 0;
};
// Child -> daemon: 'P' + the importer's name, once chosen; 'M' out of
// memory; 'X' + what went wrong (an exception, the sandbox); 'D' the result
// is written (the daemon need not wait for the child's exit, whose teardown
// of a large address space costs tens of milliseconds; it seals the result
// before reading it, and the zygote still reaps and bounds the child).

constexpr int kExitMemory = 71, kExitException = 72, kExitWrite = 73, kExitSandbox = 74, kExitSetup = 75;

// One message as received from the control socket (daemon -> zygote), or
// from a spare child's socket (zygote -> spare: the same bytes and
// descriptors, forwarded once).
struct Request {
  RequestHead head;
  std::string_view strings;  // in the receiving buffer
  int fds[3] = {-1, -1, -1};
  std::size_t nfds = 0;
  std::size_t size = 0;  // the bytes received
  // An import's request, whole: three descriptors and the strings the head counts.
  bool import() const {
    return size >= sizeof head && head.type == 'I' && nfds == 3 &&
           strings.size() == std::size_t{head.district} + head.period + head.filename;
  }
};
// Receives one message into `buffer`: its size, 0 when the peer closed the
// socket, -1 on an error (errno; EINTR included). Descriptors are received
// close-on-exec.
long receive_request(int socket, char* buffer, std::size_t capacity, Request& out);

// Sends one message, with up to three descriptors.
bool send_with_fds(int socket, const void* data, std::size_t size, const int* fds, std::size_t nfds);
// A child's message to the daemon: the type, then text.
void note(int reply, char type, std::string_view text = {});

// The zygote's process (zygote_main.cpp), forked by Zygote::start: never returns.
// `with_parent`: killed when the thread that forked it ends (PR_SET_PDEATHSIG,
// which follows that thread, not the process): the first zygote, forked by
// the main thread. One started again was forked by an import worker's
// thread, so it goes only when its control socket closes (the daemon closed
// it, or died), as every zygote also does.
[[noreturn]] void zygote_main(const SetupLoader& load, int control, pid_t daemon, bool with_parent = true);

// A spare child (zygote.hpp), forked before its request: enters the fixed
// half of the sandbox, waits on `socket` for one import's request (ends when
// the zygote closes it first), then examines that one return. Never returns.
[[noreturn]] void spare_main(const Setup* setup, int socket, pid_t zygote);

}  // namespace tonghop::isolate::detail
