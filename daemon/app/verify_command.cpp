// `tonghopd verify [--config FILE] [--data-dir DIR]`: SQLite's full
// integrity check of the database, every submission's row, records and
// warnings against the digest taken when it was committed, and every
// submission's raw file read back and hashed against the SHA-256 it was
// stored under. Read only; safe beside a
// running daemon. Exit 0: sound. 1: damage found (each line says what).
// 2: usage error, or there is no database to check / it cannot be opened.
#include <fmt/format.h>

#include "app/commands.hpp"
#include "app/setup.hpp"
#include "store/store.hpp"

namespace tonghop::app {

int verify_store(const Options& options) {
  auto cfg = resolve_config(options);
  if (!cfg) {
    fmt::print(stderr, "tonghopd: {}\n", cfg.error());
    return 2;
  }
  const auto v = store::verify(cfg->data_dir);
  if (!v.opened) {
    fmt::print(stderr, "tonghopd verify: {}: {}\n", (cfg->data_dir / "tonghop.db").string(),
               v.database.empty() ? "cannot be opened" : v.database.front());
    return 2;
  }
  for (const auto& line : v.database) fmt::print("database: {}\n", line);
  for (const auto& line : v.records) fmt::print("records: {}\n", line);
  for (const auto& line : v.raw) fmt::print("raw: {}\n", line);
  fmt::print("{}: database {}; {} submission(s), {} raw file(s) checked, {} damaged or missing; {} submission(s) "
             "checked against their digest, and the Board's reviews and period locks against the audit: {} changed "
             "afterwards\n",
             cfg->data_dir.string(), v.database.empty() ? "ok" : "DAMAGED", v.submissions, v.raw_checked, v.raw.size(),
             v.digests_checked, v.records.size());
  if (!v.ok())
    fmt::print("Stop tonghopd, copy {} aside, and restore the last backup: tonghopd restore FOLDER "
               "(docs/operations.md).\n",
               cfg->data_dir.string());
  return v.ok() ? 0 : 1;
}

}  // namespace tonghop::app
