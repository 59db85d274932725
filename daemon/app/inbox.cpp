#include "app/inbox.hpp"
#include "core/hash.hpp"  // branch season

#include <algorithm>
#include <cerrno>
#include <cstdio>  // renameat2
#include <cstring>
#include <initializer_list>

#include <boost/json.hpp>
#include <fmt/format.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/params.hpp"
#include "api/views.hpp"
#include "isolate/workers.hpp"
#include "normalise/text.hpp"

namespace tonghop::app {

namespace fs = std::filesystem;

namespace {

// A descriptor, closed on scope exit.
class Fd {
 public:
  explicit Fd(int fd = -1) noexcept : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(Fd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  Fd& operator=(Fd&& o) noexcept {
    std::swap(fd_, o.fd_);
    return *this;
  }
  int get() const noexcept { return fd_; }
  bool ok() const noexcept { return fd_ >= 0; }

 private:
  int fd_;
};

constexpr int kDirFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

// The names in a folder (not "." and "..").
std::vector<std::string> entries(int dir_fd) {
  std::vector<std::string> out;
  const int copy = ::dup(dir_fd);
  if (copy < 0) return out;
  DIR* d = ::fdopendir(copy);
  if (d == nullptr) {
    ::close(copy);
    return out;
  }
  ::rewinddir(d);
  while (const dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name != "." && name != "..") out.push_back(name);
  }
  ::closedir(d);
  return out;
}

// <root>/a/b/c, each made if missing and opened without following a link.
Fd open_chain(int root_fd, std::initializer_list<std::string> names) {
  Fd at(::dup(root_fd));
  for (const auto& name : names) {
    if (!at.ok()) return at;
    if (::mkdirat(at.get(), name.c_str(), 0750) != 0 && errno != EEXIST) return Fd();
    at = Fd(::openat(at.get(), name.c_str(), kDirFlags));
  }
  return at;
}

// What a name looks like in the log and the store: cleaned as the API cleans it.
std::string shown(const std::string& name) { return api::clean_filename(name); }

// district/period/file, each part cleaned.
std::string shown_path(const std::string& key) {
  std::string out;
  std::size_t at = 0;
  while (true) {
    const auto slash = key.find('/', at);
    out += shown(key.substr(at, slash == std::string::npos ? std::string::npos : slash - at));
    if (slash == std::string::npos) return out;
    out += '/';
    at = slash + 1;
  }
}

bool ignored(const std::string& name) {
  return name.starts_with(".") || name.ends_with(".part") || name.ends_with(".tmp");
}

// `name` moved from `from` to `to` without replacing a file of that name
// there (an earlier file of the same name): "a.csv" becomes "a (2).csv",
// "a (3).csv" … The name it has there, or "" (errno says why).
std::string move_beside(int from, const std::string& name, int to) {
  const std::size_t dot = name.rfind('.');
  const std::string stem = dot == std::string::npos || dot == 0 ? name : name.substr(0, dot);
  const std::string ext = dot == std::string::npos || dot == 0 ? std::string() : name.substr(dot);
  for (int k = 1; k < 1000; ++k) {
    const std::string there = k == 1 ? name : fmt::format("{} ({}){}", stem, k, ext);
    if (::renameat2(from, name.c_str(), to, there.c_str(), RENAME_NOREPLACE) == 0) return there;
    if (errno == EINVAL) {  // a file system without RENAME_NOREPLACE: looked at first (the inbox's thread alone moves here)
      struct stat st {};
      if (::fstatat(to, there.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) continue;
      return ::renameat(from, name.c_str(), to, there.c_str()) == 0 ? there : std::string();
    }
    if (errno != EEXIST) return {};
  }
  return {};
}

}  // namespace

Inbox::Inbox(Context& context, api::Api& api, std::chrono::milliseconds interval)
    : context_(context), api_(api), interval_(interval), thread_([this] { run(); }) {}

Inbox::~Inbox() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void Inbox::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    try {
      scan();
    } catch (const std::exception& e) {
      context_.log->error("inbox: {}", e.what());
    }
    lock.lock();
    wake_.wait_for(lock, interval_, [this] { return stopping_; });
  }
}

void Inbox::once(const std::string& key, const std::string& message) {
  if (told_.size() > 10000) told_.clear();  // bounded; a notice may then come again
  if (told_.insert(key).second) context_.log->warn("inbox: {}", message);
}

int Inbox::scan() {
  const fs::path root = context_.config.load()->data_dir / "inbox";
  std::error_code ec;
  fs::create_directories(root, ec);
  const Fd root_fd(::open(root.c_str(), kDirFlags));
  if (!root_fd.ok()) {
    once("/", fmt::format("{} cannot be opened as a folder (a symbolic link?): {}; not scanned", root.string(),
                          std::strerror(errno)));
    return 0;
  }
  const auto now = std::chrono::system_clock::now();
  std::map<std::string, Seen> seen;
  int handled = 0;
  // Each entry is looked at without following it; a link is named once.
  auto look = [&](int dir_fd, const std::string& name, const std::string& where, struct stat& st) {
    if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return false;
    if (S_ISLNK(st.st_mode)) {
      once("link " + where, fmt::format("{} is a symbolic link: not followed, left where it is", shown_path(where)));
      return false;
    }
    return true;
  };
  // A file outside a district's period folder is never taken: said once, with where it belongs.
  auto loose = [&](const std::string& key, const struct stat& st) {
    if (S_ISREG(st.st_mode))
      once("loose " + key, fmt::format("{} is not in a folder of a district and a period: not taken; move it to "
                                       "inbox/<district>/<period>/ (such as inbox/Than Uyen/2018/)",
                                       shown_path(key)));
  };
  for (const auto& district : entries(root_fd.get())) {
    if (district == "processed" || district == "rejected" || district.starts_with(".")) continue;
    struct stat st {};
    if (!look(root_fd.get(), district, district, st)) continue;
    if (!S_ISDIR(st.st_mode)) {
      if (!ignored(district)) loose(district, st);
      continue;
    }
    const Fd district_fd(::openat(root_fd.get(), district.c_str(), kDirFlags));
    if (!district_fd.ok()) continue;
    for (const auto& period : entries(district_fd.get())) {
      if (period.starts_with(".")) continue;
      const std::string period_key = district + "/" + period;
      if (!look(district_fd.get(), period, period_key, st)) continue;
      if (!S_ISDIR(st.st_mode)) {
        if (!ignored(period)) loose(period_key, st);
        continue;
      }
      const Fd period_fd(::openat(district_fd.get(), period.c_str(), kDirFlags));
      if (!period_fd.ok()) continue;
      for (const auto& file : entries(period_fd.get())) {
        if (ignored(file)) continue;
        const std::string key = period_key + "/" + file;
        if (!look(period_fd.get(), file, key, st) || !S_ISREG(st.st_mode)) continue;
        // A second name of a file that lives elsewhere (a hard link) is not a
        // file someone dropped here.
        if (st.st_nlink > 1) {
          once("hard link " + key, fmt::format("{} has other hard links: not taken", shown_path(key)));
          continue;
        }
        const Seen s{static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino),
                     static_cast<std::uint64_t>(st.st_size),
                     static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
        if (unmovable_.count(key + "#" + std::to_string(s.ino))) continue;
        seen[key] = s;
        // Stable: as the last scan saw it, and left alone for a second.
        const auto before = seen_.find(key);
        const auto modified = std::chrono::system_clock::time_point(
            std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(s.mtime_ns)));
        if (before == seen_.end() || !(before->second == s) || now - modified < std::chrono::seconds(1)) continue;
        if (take(root_fd.get(), period_fd.get(), file, s, district, period)) {
          ++handled;
          seen.erase(key);
        }
      }
    }
  }
  seen_ = std::move(seen);
  return handled;
}

bool Inbox::take(int root_fd, int period_fd, const std::string& name, const Seen& seen, const std::string& district_dir,
                 const std::string& period_dir) {
  const std::string key = district_dir + "/" + period_dir + "/" + name;
  const Fd fd(::openat(period_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  if (!fd.ok()) {
    once("open " + key, fmt::format("{} cannot be opened: {}", shown_path(key), std::strerror(errno)));
    return false;
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_nlink > 1 ||
      static_cast<std::uint64_t>(st.st_ino) != seen.ino ||
      static_cast<std::uint64_t>(st.st_size) != seen.size)
    return false;  // replaced or changed since it was looked at: the next scans decide
  // No more than an import may take (the pipeline refuses a larger file by its size).
  const std::uint64_t limit = context_.config.load()->limits.max_input_bytes + 1;
  std::string bytes;
  bytes.resize(static_cast<std::size_t>(std::min<std::uint64_t>(seen.size, limit)));
  std::size_t got = 0;
  while (got < bytes.size()) {
    const ssize_t n = ::read(fd.get(), bytes.data() + got, bytes.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  bytes.resize(got);

  // Claimed first: moved to rejected/ before it is imported, so that nothing
  // the import does can make it be tried twice.
  const Fd rejected = open_chain(root_fd, {"rejected", district_dir, period_dir});
  if (!rejected.ok() || ::renameat(period_fd, name.c_str(), rejected.get(), name.c_str()) != 0) {
    unmovable_.insert(key + "#" + std::to_string(seen.ino));
    context_.log->error("inbox: {} cannot be moved to rejected/ ({}): it is not imported; move it away by hand",
                        shown_path(key), std::strerror(errno));
    return false;
  }
  ::unlinkat(rejected.get(), (name + ".errors.json").c_str(), 0);  // of an earlier file of that name
  if (!handle(bytes, name, district_dir, period_dir, rejected.get())) {
    // Not imported now (the queue is full, or the daemon is stopping): back
    // where it was, for a later scan.
    if (::renameat(rejected.get(), name.c_str(), period_fd, name.c_str()) != 0)
      context_.log->error("inbox: {} could not be imported now nor moved back: {}", shown_path(key), std::strerror(errno));
    return false;
  }
  return true;
}

bool Inbox::handle(const std::string& bytes, const std::string& name, const std::string& district_dir,
                   const std::string& period_dir, int rejected_fd) {
  const std::string where = shown_path(district_dir + "/" + period_dir + "/" + name);
  const auto n = context_.normalisation.load();
  ingest::Outcome outcome;
  const auto* district = n->registry.find(district_dir);
  auto period = normalise::parse_period(period_dir);
  if (period && !api::period_year_allowed(*period)) period.reset();
  std::string district_name = district ? district->name : district_dir;
  if (district == nullptr) {
    outcome.status = 422;
    outcome.errors.push_back({"unknown_district", "Thư mục «" + shown(district_dir) +
                                                      "» không phải một đảng bộ huyện / the folder '" +
                                                      shown(district_dir) + "' is not a district",
                              "district", shown(district_dir), {}});
  } else if (!period) {
    outcome.status = 422;
    outcome.errors.push_back({"unknown_period", "Thư mục «" + shown(period_dir) +
                                                    "» không phải một kỳ báo cáo (năm từ 1930 đến năm sau) / the folder '" +
                                                    shown(period_dir) + "' is not a period from 1930 to next year",
                              "period", shown(period_dir), {}});
  } else {
    ingest::Return ret{district->name, *period, api::clean_filename(name), bytes, "inbox"};
    // Through the pool of import workers, the import in a child process. A
    // full queue or a daemon stopping leaves the file for a later scan.
    auto done = isolate::run_and_wait(*context_.workers, [&] {
      return ingest::submit(context_.examiner, *n, *context_.store, std::move(ret));
    });
    if (!done || done->status == 503) return false;
    outcome = std::move(*done);
    api_.count(district->name, outcome);
  }
  if (outcome.status == 201 || outcome.unchanged) {
    const fs::path root = context_.config.load()->data_dir / "inbox";
    const Fd root_fd(::open(root.c_str(), kDirFlags));
    const Fd processed = root_fd.ok() ? open_chain(root_fd.get(), {"processed", district_dir, period_dir}) : Fd();
    // Beside an earlier file of the same name, never over it.
    const std::string moved = processed.ok() ? move_beside(rejected_fd, name, processed.get()) : std::string();
    if (moved.empty())
      context_.log->error("inbox: {} was stored but cannot be moved to processed/: {}", where, std::strerror(errno));
    else if (moved != name)
      context_.log->info("inbox: processed/ holds an earlier {}: this one is kept there as {}", where, shown(moved));
    if (outcome.unchanged)  // care (issue 16): the same bytes as the current submission; no new version
      context_.log->info("inbox: {} unchanged: the same bytes as #{} for {} {}; no new version, moved to processed/",
                         where, outcome.submission->id, district_name, *period);
    else
      context_.log->info("inbox: {} stored as #{} for {} {}", where, outcome.submission->id, district_name, *period);
    return true;
  }
  boost::json::object o;
  o["errors"] = api::issues_json(outcome.errors);
  if (!outcome.warnings.empty()) o["warnings"] = api::issues_json(outcome.warnings);
  {
    // Kept as an attempt the Board and the district can list (branch season).
    store::Attempt a;
    a.district = district ? district->name : shown(district_dir);
    a.period = period ? *period : shown(period_dir);
    a.who = a.source = "inbox";
    a.filename = api::clean_filename(name);
    a.size = static_cast<std::int64_t>(bytes.size());
    a.sha256 = sha256_hex(bytes);
    a.status = outcome.status;
    a.errors = boost::json::serialize(o["errors"]);
    a.kept = context_.config.load()->season.keep_attempt_bytes;
    if (auto added = context_.store->add_attempt(a, bytes); !added)
      context_.log->error("inbox: the refusal of {} could not be recorded: {}", where, added.error());
  }
  // Written beside it, then renamed: whoever watches rejected/ (a person, a
  // script, a test) sees the errors whole or not at all, never an empty file.
  const std::string text = boost::json::serialize(o) + "\n";
  const std::string part = name + ".errors.json.part", final_name = name + ".errors.json";
  bool written = false;
  {
    const Fd out(::openat(rejected_fd, part.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0640));
    written = out.ok() && ::write(out.get(), text.data(), text.size()) == static_cast<ssize_t>(text.size());
  }
  if (!written || ::renameat(rejected_fd, part.c_str(), rejected_fd, final_name.c_str()) != 0) {
    context_.log->error("inbox: cannot write the errors of {}: {}", where, std::strerror(errno));
    ::unlinkat(rejected_fd, part.c_str(), 0);
  }
  context_.log->warn("inbox: {} refused: {} error(s)", where, outcome.errors.size());
  return true;
}

}  // namespace tonghop::app
