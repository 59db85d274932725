#include <cstdio>

#include <fmt/format.h>

#include "app/commands.hpp"
#include "app/setup.hpp"
#include "loader/loader.hpp"

namespace tonghop::app {

int list_plugins(const Options& options) {
  auto cfg = resolve_config(options);
  if (!cfg) {
    fmt::print(stderr, "tonghopd: {}\n", cfg.error());
    return 1;
  }
  std::error_code ec;
  if (!std::filesystem::is_directory(cfg->plugins_dir, ec)) {
    fmt::print(stderr, "tonghopd: the plugins directory {} does not exist\n", cfg->plugins_dir.string());
    return 1;
  }
  // The listing says everything; the loader's own log lines would repeat it.
  const auto set = load_plugins_quietly(*cfg);

  fmt::print("plugins in {}\n", cfg->plugins_dir.string());
  fmt::print("{:<20} {:<9} {:<9} {:<18} {:<4} {}\n", "NAME", "VERSION", "KIND", "FORMATS", "ABI", "FILE");
  for (const auto& p : set->plugins)
    fmt::print("{:<20} {:<9} {:<9} {:<18} {:<4} {}\n", p.info.name, p.info.version, loader::kind_name(p.info.kind),
               fmt::format("{}", fmt::join(p.info.formats, " ")), p.info.abi_version, p.info.file.filename().string());
  if (set->plugins.empty()) fmt::print("(none loaded)\n");
  if (!set->refused.empty()) {
    fmt::print("\nrefused:\n");
    for (const auto& r : set->refused) fmt::print("  {}: {}\n", r.file.filename().string(), r.reason);
  }
  return 0;
}

}  // namespace tonghop::app
