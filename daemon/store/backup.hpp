// Backups of a data directory (issue 16, care): `tonghopd backup DIR` and
// `tonghopd restore DIR` (docs/operations.md).
//
// A backup is a folder:
//   tonghop.db        a copy made with SQLite's online backup API: one read
//                     transaction, so it is the database as it was at one
//                     instant, while the daemon goes on serving (WAL)
//   raw/xx/<sha256>   every raw file a submission of that copy names, copied
//                     and hashed on the way (a damaged or missing source
//                     file is left out and said)
//   backup.json       when, from where, how many submissions and files, and
//                     the raw files left out (`left_out`, their SHA-256s)
//   MANIFEST.sha256   the SHA-256 of each file above, in `sha256sum` format
//                     (`sha256sum -c MANIFEST.sha256` checks it by hand);
//                     written last, fsynced: a folder without it is not a
//                     backup
// A restore checks all of it (every hash, the database's integrity_check,
// every submission's raw file present, or left out by the backup's own
// account) before anything of the data
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
  // Raw files found damaged or missing in data_dir: each what was wrong.
  // They are not in the backup, which holds everything else (their
  // submissions' records included); its backup.json lists their SHA-256s
  // (`left_out`), so that a restore knows them for what they are.
  std::vector<std::string> left_out;
  // Submissions whose row, figures or warnings differ from what was
  // committed (store/digest.hpp), each named: the backup holds them as they
  // are now, and says so.
  std::vector<std::string> changed;
};
// Copies data_dir into `to` (absent or empty). An error names what failed;
// `to` is then left without a manifest (not a backup). One damaged raw file
// no longer stops the whole backup (every night's, until the district sent
// the file again): it is left out and said (BackupSummary::left_out).
Expected<BackupSummary> backup(const std::filesystem::path& data_dir, const std::filesystem::path& to);

// What is wrong with a backup folder (empty: sound). Reads only.
std::vector<std::string> check_backup(const std::filesystem::path& from);

struct RestoreSummary {
  std::size_t submissions = 0, raw_files = 0;
  std::vector<std::string> left_out;  // raw files the backup was made without (their SHA-256s)
  std::filesystem::path moved_aside;  // where the replaced database and raw files went (empty: there were none)
  std::vector<std::string> changed;   // submissions restored that differ from what was committed (named)
};
// check_backup, then the data directory's lock, then the copy staged inside
// data_dir and checked again, then the old files moved aside and the new
// ones renamed into place.
Expected<RestoreSummary> restore(const std::filesystem::path& from, const std::filesystem::path& data_dir);

}  // namespace tonghop::store
