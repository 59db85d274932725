// Start-up steps shared by the commands: the configuration with the flags
// applied, the logger, the admin token.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <spdlog/logger.h>

#include "app/cli.hpp"
#include "config/config.hpp"
#include "ingest/pipeline.hpp"
#include "loader/loader.hpp"
#include "core/expected.hpp"

namespace tonghop::app {

// Reads --config, or config/tonghop.toml when present, or the defaults; then
// applies --listen, --data-dir and --plugins-dir over it.
Expected<config::Config> resolve_config(const Options& options);

// care (issue 16): where the configuration is looked for without --config:
// ./config/tonghop.toml, <exe>/../etc/tonghop/tonghop.toml, /etc/tonghop/tonghop.toml.
std::vector<std::filesystem::path> default_config_files();
// care (issue 16): [time] timezone made the process's (TZ): every time
// written from now on is in the Board's zone. Before any thread starts.
Expected<bool> apply_timezone(const config::Config& config);
// care (issue 16): what to add to "cannot read FILE": where relative paths are
// taken from, and --config.
std::string config_hint(const config::Config& config);

// Console, plus a rotating file under <data_dir>/log when with_file.
Expected<std::shared_ptr<spdlog::logger>> make_logger(const config::Config& config, bool with_file);

struct AdminToken {
  std::string token;  // empty unless made by --dev (to print it)
  std::string sha256;
  std::string source;  // where it came from, for the log
};
// The plugins of config.plugins_dir, loaded without logging: the commands
// that run without a daemon say what they found themselves.
// With `wanted`, only the files it says yes to (loader::load_directory).
std::shared_ptr<const loader::PluginSet> load_plugins_quietly(
    const config::Config& config, const std::function<bool(const std::filesystem::path&)>& wanted = {});

// What the commands that run without a daemon (check, report) need: the
// configuration, the normalisation data it names, and the plugins.
struct Offline {
  config::Config config;
  std::shared_ptr<const ingest::Normalisation> normalisation;
  std::shared_ptr<const loader::PluginSet> plugins;
};
Expected<Offline> offline(const Options& options,
                          const std::function<bool(const std::filesystem::path&)>& wanted = {});

// TONGHOP_ADMIN_TOKEN, else [auth] admin_token_file, else (with dev) a new one.
Expected<AdminToken> admin_token(const config::Config& config, bool dev);
// The admin token's value wiped from the environment where the kernel keeps
// it (what /proc/PID/environ shows) and the variable removed: the import
// zygote and every import's child, which a hostile file may take over, would
// otherwise hold it. Called by `serve` once the token's hash is made.
void forget_admin_token_in_environment();


}  // namespace tonghop::app
