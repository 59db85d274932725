// The inbox: <data_dir>/inbox/<district>/<period>/<file>. A file dropped there
// (by a shared folder or a mail gateway) goes through the same pipeline as an
// upload, then moves to inbox/processed/... or inbox/rejected/... with a
// <file>.errors.json beside it. District and period folders take any alias
// ("Huyen uy Than Uyen/Nam 2018").
//
// What the inbox trusts (docs/security.md):
// - No symbolic link is followed, folder or file: every step is openat()
//   with O_NOFOLLOW from the inbox's own descriptor; a link is logged once
//   and left where it is. Nor is a file with other hard links taken.
// - A file is taken once it is stable: the same size, modification time and
//   inode at two scans in a row, and unmodified for at least a second. A
//   writer that may pause longer than that writes <name>.part and renames it
//   when done (names ending .part, .tmp or starting with "." are never taken).
// - A file is moved to rejected/ before it is imported, so that whatever the
//   import does (a crash included) it is never tried again; once accepted it
//   moves on to processed/. A file that cannot be moved is not imported at
//   all, and is logged once. An earlier file of the same name in
//   processed/ is kept: the later one is "name (2).ext" beside it.
// - A file outside a district's period folder (inbox/x.xlsx,
//   inbox/<district>/x.xlsx) is not taken, and is logged once with where it
//   belongs.
// - Names are cleaned as the API cleans them (api::clean_filename) before
//   they are stored or logged.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "api/api.hpp"
#include "app/context.hpp"

namespace tonghop::app {

class Inbox {
 public:
  Inbox(Context& context, api::Api& api, std::chrono::milliseconds interval);
  ~Inbox();  // stops and joins
  Inbox(const Inbox&) = delete;
  Inbox& operator=(const Inbox&) = delete;

  // One pass over the inbox; returns the number of files handled.
  int scan();

 private:
  struct Seen {
    std::uint64_t dev = 0, ino = 0, size = 0;
    std::int64_t mtime_ns = 0;
    bool operator==(const Seen&) const = default;
  };
  void run();
  // Takes one stable file (opened without following links) from its period folder.
  bool take(int root_fd, int period_fd, const std::string& name, const Seen& seen, const std::string& district_dir,
            const std::string& period_dir);
  // Imports a claimed file; false when it could not be imported now (a full queue, a stop).
  bool handle(const std::string& bytes, const std::string& name, const std::string& district_dir,
              const std::string& period_dir, int rejected_fd);
  // Logs a notice about `key` once (a link, a file that cannot be moved).
  void once(const std::string& key, const std::string& message);

  Context& context_;
  api::Api& api_;
  std::chrono::milliseconds interval_;
  std::map<std::string, Seen> seen_;  // what the last scan saw, by district/period/name
  std::set<std::string> told_;        // notices already logged
  std::set<std::string> unmovable_;   // files that could not be moved: never imported
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace tonghop::app
