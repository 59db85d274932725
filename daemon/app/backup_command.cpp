// `tonghopd backup FOLDER` and `tonghopd restore FOLDER` (care, issue 16;
// store/backup.hpp, docs/operations.md). backup: exit 0 made, 1 failed, 2
// usage. restore: exit 0 restored, 1 refused or failed (nothing changed), 2
// usage.
#include <fmt/format.h>

#include "app/commands.hpp"
#include "app/setup.hpp"
#include "store/backup.hpp"

namespace tonghop::app {

namespace {

Expected<config::Config> setup_for(const Options& options, const char* command) {
  if (!options.folder) return make_error(fmt::format("{} needs FOLDER, the backup's folder", command));
  auto cfg = resolve_config(options);
  if (!cfg) return cfg;
  if (auto tz = apply_timezone(*cfg); !tz) return make_error(tz.error());
  return cfg;
}

}  // namespace

int backup_data(const Options& options) {
  auto cfg = setup_for(options, "backup");
  if (!cfg) {
    fmt::print(stderr, "tonghopd: {}\n{}", cfg.error(), options.folder ? "" : usage());
    return 2;
  }
  const auto made = store::backup(cfg->data_dir, *options.folder);
  if (!made) {
    fmt::print(stderr, "tonghopd backup: {}\n", made.error());
    return 1;
  }
  fmt::print("{}: backup of {} made: {} submission(s), {} raw file(s), {:.1f} MiB; check it with `sha256sum -c "
             "MANIFEST.sha256` in it, restore it with `tonghopd restore {}`\n",
             *options.folder, cfg->data_dir.string(), made->submissions, made->raw_files,
             static_cast<double>(made->bytes) / (1 << 20), *options.folder);
  return 0;
}

int restore_data(const Options& options) {
  auto cfg = setup_for(options, "restore");
  if (!cfg) {
    fmt::print(stderr, "tonghopd: {}\n{}", cfg.error(), options.folder ? "" : usage());
    return 2;
  }
  const auto done = store::restore(*options.folder, cfg->data_dir);
  if (!done) {
    fmt::print(stderr, "tonghopd restore: {}\n", done.error());
    return 1;
  }
  fmt::print("{}: restored from {}: {} submission(s), {} raw file(s).{}\n", cfg->data_dir.string(), *options.folder,
             done->submissions, done->raw_files,
             done->moved_aside.empty() ? ""
                                       : fmt::format(" What it replaced is in {} (remove it once the restore is "
                                                     "checked: tonghopd verify).",
                                                     done->moved_aside.string()));
  return 0;
}

}  // namespace tonghop::app
