#include "app/input_file.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace tonghop::app {

namespace {

// The mapping being read ([begin, end), whole pages), the message for it,
// and SIGBUS's action before ours. Set before the handler is installed.
std::atomic<std::uintptr_t> g_begin{0}, g_end{0};
std::string g_message;
struct sigaction g_before{};

// A fault inside the mapping (the file cut short under it): told, exit 2,
// as for a file that cannot be read. Anything else (another fault, a
// SIGBUS sent by kill): SIGBUS's action before ours takes it.
void on_sigbus(int, siginfo_t* info, void*) {
  const auto at = reinterpret_cast<std::uintptr_t>(info->si_addr);
  const std::uintptr_t begin = g_begin.load(std::memory_order_relaxed), end = g_end.load(std::memory_order_relaxed);
  if (info->si_code == BUS_ADRERR && begin != 0 && at >= begin && at < end) {
    [[maybe_unused]] const auto n = ::write(STDERR_FILENO, g_message.data(), g_message.size());
    ::_exit(2);
  }
  ::sigaction(SIGBUS, &g_before, nullptr);
  // A fault comes again on return, to that action; a signal sent would not.
  if (info->si_code <= 0) ::raise(SIGBUS);
}

void watch(const void* map, std::size_t size, const std::string& message) {
  const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  const auto begin = reinterpret_cast<std::uintptr_t>(map);
  g_message = message;
  g_begin.store(begin, std::memory_order_relaxed);
  g_end.store(begin + (size + page - 1) / page * page, std::memory_order_relaxed);
  struct sigaction sa{};
  sa.sa_sigaction = on_sigbus;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGBUS, &sa, &g_before);
}

void unwatch() {
  g_begin.store(0, std::memory_order_relaxed);
  g_end.store(0, std::memory_order_relaxed);
  ::sigaction(SIGBUS, &g_before, nullptr);
}

}  // namespace

InputFile::InputFile(const std::string& path)
    : path_(path),
      message_(fmt::format("tonghopd: tệp {} đã bị thay đổi hoặc cắt ngắn trong khi đang đọc, nên chưa kiểm tra được; "
                           "hãy kiểm tra lại khi tệp đã được chép xong / the file {} changed or was cut short while "
                           "it was read, so it was not checked; check it again once it is copied whole\n",
                           path, path)) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  regular_ = ::fstat(fd, &opened_) == 0 && S_ISREG(opened_.st_mode);
  if (regular_ && opened_.st_size > 0) {
    void* map = ::mmap(nullptr, static_cast<std::size_t>(opened_.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
    if (map != MAP_FAILED) {
      map_ = map;
      size_ = static_cast<std::size_t>(opened_.st_size);
      watch(map_, size_, message_);
      ::madvise(map_, size_, MADV_SEQUENTIAL);
      ::close(fd);
      open_ = true;
      return;
    }
  }
  ::close(fd);
  std::ifstream in(path, std::ios::binary);
  if (!in) return;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  copy_ = std::move(buffer).str();
  open_ = true;
}

InputFile::~InputFile() {
  if (map_ == nullptr) return;
  unwatch();
  ::munmap(map_, size_);
}

bool InputFile::changed() const {
  if (!regular_) return false;
  struct stat now{};
  if (::stat(path_.c_str(), &now) != 0) return true;  // gone, or renamed over
  return now.st_dev != opened_.st_dev || now.st_ino != opened_.st_ino || now.st_size != opened_.st_size ||
         now.st_mtim.tv_sec != opened_.st_mtim.tv_sec || now.st_mtim.tv_nsec != opened_.st_mtim.tv_nsec ||
         now.st_ctim.tv_sec != opened_.st_ctim.tv_sec || now.st_ctim.tv_nsec != opened_.st_ctim.tv_nsec;
}

}  // namespace tonghop::app
