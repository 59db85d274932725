// Backups of a data directory (issue 16, care): `tonghopd backup DIR` and
// `tonghopd restore DIR` (docs/operations.md).
//
// A backup is a folder:
//   tonghop.db        a copy made with SQLite's online backup API: one read
//                     transaction, so it is the database as it was at one
//                     instant, while the daemon goes on serving (WAL)
//   raw/xx/<sha256>   every raw file a submission of that copy names, copied
//                     and hashed on the way (a damaged source file fails the
//                     backup)
//   backup.json       when, from where, how many submissions and files
//   MANIFEST.sha256   the SHA-256 of each file above, in `sha256sum` format
//                     (`sha256sum -c MANIFEST.sha256` checks it by hand);
//                     written last, fsynced: a folder without it is not a
//                     backup
// A restore checks all of it (every hash, the database's integrity_check,
// every submission's raw file present) before anything of the data
// directory is touched; it refuses a data directory a daemon holds
// (tonghop.lock), and moves what it replaces aside, never deletes it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/expected.hpp"

namespace tonghop::store {

struct BackupSummary {
  std::size_t submissions = 0, raw_files = 0;
  std::uint64_t bytes = 0;
};
// Copies data_dir into `to` (absent or empty). An error names what failed;
// `to` is then left without a manifest (not a backup).
Expected<BackupSummary> backup(const std::filesystem::path& data_dir, const std::filesystem::path& to);

// What is wrong with a backup folder (empty: sound). Reads only.
std::vector<std::string> check_backup(const std::filesystem::path& from);

struct RestoreSummary {
  std::size_t submissions = 0, raw_files = 0;
  std::filesystem::path moved_aside;  // where the replaced database and raw files went (empty: there were none)
};
// check_backup, then the data directory's lock, then the copy staged inside
// data_dir and checked again, then the old files moved aside and the new
// ones renamed into place.
Expected<RestoreSummary> restore(const std::filesystem::path& from, const std::filesystem::path& data_dir);

}  // namespace tonghop::store
