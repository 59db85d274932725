// `tonghopd backup FOLDER` and `tonghopd restore FOLDER` (care, issue 16;
// store/backup.hpp, docs/operations.md). backup: exit 0 made, 1 failed, 2
// usage, 3 made without some raw files found damaged or missing, or holding
// submissions changed since they were committed (named). restore: exit 0
// restored, 1 refused or failed (nothing changed), 2 usage, 3 restored with
// submissions changed since they were committed (named).
#include <string>
#include <vector>

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

// Each item on a line of its own, indented under the message.
std::string indented(const std::vector<std::string>& items) {
  std::string all;
  for (const auto& item : items) all += "\n  " + item;
  return all;
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
  int code = 0;
  if (!made->changed.empty()) {
    const std::string all = indented(made->changed);
    fmt::print(stderr,
               "tonghopd backup: {} submission(s) in it differ from what was committed (tonghopd verify names the "
               "same):{}\nAn earlier backup may hold them as they were.\n",
               made->changed.size(), all);
    code = 3;
  }
  if (!made->left_out.empty()) {
    const std::string all = indented(made->left_out);
    fmt::print(stderr,
               "tonghopd backup: {} raw file(s) are not in it, found damaged or missing in the data directory:{}\n"
               "Everything else is, their submissions' figures included; `tonghopd verify` names each submission. "
               "The district sending the same file again mends it; the next backup then holds it.\n",
               made->left_out.size(), all);
    return 3;
  }
  return code;
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
  if (!done->left_out.empty()) {
    const std::string all = indented(done->left_out);
    fmt::print(stderr,
               "tonghopd restore: the backup was made without {} raw file(s), damaged then; their submissions are "
               "restored without the district's original file until the district sends it again:{}\n",
               done->left_out.size(), all);
  }
  if (!done->changed.empty()) {
    const std::string all = indented(done->changed);
    fmt::print(stderr,
               "tonghopd restore: restored, but {} submission(s) in the backup differ from what was committed:{}\n"
               "An earlier backup may hold them as they were; or the district sends its file again.\n",
               done->changed.size(), all);
    return 3;
  }
  return 0;
}

}  // namespace tonghop::app
