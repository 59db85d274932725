// The raw files beside the database: each return's bytes as received,
// content-addressed by SHA-256 (raw/xx/<sha256>), written and fsynced before
// the submission's row is committed. Store members; store.cpp keeps the rest.
#include "store/store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <thread>

#include <fmt/format.h>

#include "core/hash.hpp"
#include "store/sql.hpp"

namespace tonghop::store {

using sql::Statement;

namespace {

// Why a write failed, the full disk named as such.
std::string why(int error) {
  if (error == ENOSPC || error == EDQUOT)
    return fmt::format("the disk is full (ENOSPC: {})", std::strerror(error));
  return std::strerror(error);
}

bool fsync_path(const std::filesystem::path& p, int flags) {
  const int fd = ::open(p.c_str(), flags);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

std::filesystem::path Store::raw_path(const std::string& sha256) const {
  return dir_ / "raw" / sha256.substr(0, 2) / sha256;
}

// A raw file's bytes from the first on, in whole pages, written with
// O_DIRECT (issue 18, item 2): from the caller's memory to the disk, not
// copied into the page cache first. A large return arrives page-aligned (the
// memfd it was received into, http/session.cpp); its archive is written
// once and seldom read, and the fsync that follows waits for the disk
// either way. The copy into fresh page-cache pages was the largest part of
// the daemon's own CPU in a submission (0.37 s for 135 MB on the measuring
// machine, beside an import that needs both cores); the same write with
// O_DIRECT took 0.003 s of CPU. How many bytes were written: 0 when the
// bytes are not aligned, too few to matter, or the file system refuses
// O_DIRECT (tmpfs); the caller writes the rest as usual, and the file is the
// same either way. The descriptor is left without O_DIRECT; `error` is set
// (and the file is to be given up) when that could not be done.
std::size_t Store::write_direct(int fd, std::string_view bytes, int& error) {
  error = 0;
  constexpr std::size_t kPage = 4096, kWorth = 1 << 20;
  const std::size_t whole = bytes.size() / kPage * kPage;
  if (whole < kWorth || reinterpret_cast<std::uintptr_t>(bytes.data()) % kPage != 0) return 0;
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_DIRECT) != 0) return 0;
  std::size_t done = 0;
  while (done < whole) {
    const ssize_t n = ::write(fd, bytes.data() + done, whole - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0 || static_cast<std::size_t>(n) % kPage != 0) {
      // Refused (EINVAL: the device wants larger blocks), no room, or a
      // short write off a page's edge: the rest as usual from where it
      // stands (a write of no room then fails there and says so).
      if (n > 0) done += static_cast<std::size_t>(n);
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fcntl(fd, F_SETFL, flags) != 0) error = errno;
  return done;
}

// The raw file made durable under its name. When no other return with the
// same bytes is on its way (the usual case), the file is created under its
// final name and its directory is fsynced on another thread while the file
// is (branch post3): both fsyncs end in the same journal commit, where a
// file renamed into place needed two, one after the other (the rename
// after the data's sync): on this disk 3.8 ms against 7.9 (p50). A crash
// half-way leaves a file no submission names (the row is committed only
// after both syncs), removed by the next open (clean_raw). With the same
// bytes on their way twice at once, the second writes a temporary file and
// renames it over, as before, and never takes a file it finds for whole.
Expected<std::string> Store::write_raw(std::string_view bytes, const std::string& sha256, bool replace) {
  const auto path = raw_path(sha256);
  bool alone = !replace;
  if (alone) {
    std::lock_guard lock(mutex_);
    const auto it = archiving_.find(sha256);
    alone = it == archiving_.end() || it->second <= 1;
  }
  std::error_code ec;
  if (alone && std::filesystem::exists(path, ec) && std::filesystem::file_size(path, ec) == bytes.size()) return sha256;
  std::filesystem::create_directories(path.parent_path(), ec);
  // Its folder first: a raw/ that cannot be written is said as such, not as
  // the file's "No such file or directory" that follows it.
  if (ec) return make_error(fmt::format("cannot create {}: {}", path.parent_path().string(), ec.message()));
  const auto tmp = path.parent_path() / (sha256 + ".tmp" + std::to_string(::getpid()) + "-" +
                                         std::to_string(std::hash<std::thread::id>{}(std::this_thread::get_id())));
  // In place when alone; O_EXCL: a file already there (damaged, or of
  // another size) is replaced the old way.
  int fd = alone ? ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640) : -1;
  const bool in_place = fd >= 0;
  const auto& target = in_place ? path : tmp;
  // Whatever fails, no partial file is left behind.
  const auto failed = [&](const char* what, int error) -> Expected<std::string> {
    ::unlink(target.c_str());
    return make_error(fmt::format("cannot {} {}: {}", what, target.string(), why(error)));
  };
  if (!in_place) fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) return failed("create", errno);
  // Its whole pages straight to the disk (write_direct), the rest as usual.
  int direct_error = 0;
  std::size_t done = write_direct(fd, bytes, direct_error);
  if (direct_error != 0) {
    ::close(fd);
    return failed("write", direct_error);
  }
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int error = n < 0 ? errno : ENOSPC;  // a write of nothing: no room
      ::close(fd);
      return failed("write", error);
    }
    done += static_cast<std::size_t>(n);
  }
  if (in_place) {
    // The directory's sync, as the rename's was, is not checked (some file
    // systems refuse fsync on a directory). No thread to be had: after the file's.
    const auto sync_dir = [&] { fsync_path(path.parent_path(), O_RDONLY | O_DIRECTORY); };
    std::thread dir;
    try {
      dir = std::thread(sync_dir);
    } catch (const std::system_error&) {
    }
    const int synced = ::fsync(fd) == 0 ? 0 : errno;
    const int closed = ::close(fd) == 0 ? 0 : errno;
    if (dir.joinable()) dir.join();
    else sync_dir();
    if (synced != 0 || closed != 0) return failed("sync", synced != 0 ? synced : closed);
    return sha256;
  }
  const int synced = ::fsync(fd) == 0 ? 0 : errno;
  const int closed = ::close(fd) == 0 ? 0 : errno;
  if (synced != 0 || closed != 0) return failed("sync", synced != 0 ? synced : closed);
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    ::unlink(tmp.c_str());
    return make_error(fmt::format("cannot store the raw file: {}", why(ec.value())));
  }
  fsync_path(path.parent_path(), O_RDONLY | O_DIRECTORY);
  return sha256;
}

Expected<std::string> Store::archive(std::string_view raw) {
  const std::string sha256 = sha256_hex(raw);
  {
    std::lock_guard lock(mutex_);
    ++archiving_[sha256];
  }
  auto written = write_raw(raw, sha256);
  if (!written) {
    std::lock_guard lock(mutex_);
    if (--archiving_[sha256] == 0) archiving_.erase(sha256);
  }
  return written;
}

void Store::forget(const std::string& sha256) {
  std::lock_guard lock(mutex_);
  const auto it = archiving_.find(sha256);
  if (it != archiving_.end() && --it->second == 0) archiving_.erase(it);
  remove_raw_if_unused(sha256);
}

void Store::remove_raw_if_unused(const std::string& sha256) {
  if (archiving_.count(sha256)) return;  // another return with the same bytes is on its way
  Statement q(db_, "SELECT 1 FROM submissions WHERE sha256 = ? LIMIT 1");
  q.bind(1, sha256);
  if (q.step()) return;
  std::error_code ec;
  std::filesystem::remove(raw_path(sha256), ec);
}

Expected<std::string> Store::raw(const Submission& s) const {
  std::ifstream in(raw_path(s.sha256), std::ios::binary);
  if (!in) return make_error(fmt::format("the raw file of submission {} is missing", s.id));
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Never other bytes than the district sent, handed out as theirs.
  if (sha256_hex(bytes) != s.sha256)
    return make_error(fmt::format("the raw file of submission {} is damaged (its SHA-256 is not the one stored); run "
                                  "tonghopd verify, or have the district send the same file again, which repairs it",
                                  s.id));
  return bytes;
}

Expected<bool> Store::repair_raw(std::string_view bytes, const std::string& sha256) {
  {
    std::ifstream in(raw_path(sha256), std::ios::binary);
    if (in) {
      const std::string kept((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (sha256_hex(kept) == sha256) return false;  // sound
    }
  }
  if (sha256_hex(bytes) != sha256) return make_error("the bytes given are not those of the raw file to repair");
  // Written beside and renamed over the damaged one (a submission names it:
  // nothing removes it meanwhile).
  auto written = write_raw(bytes, sha256, /*replace=*/true);
  if (!written) return make_error(written.error());
  return true;
}

}  // namespace tonghop::store
