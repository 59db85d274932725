// What the running daemon's parts share: the current configuration, plugin
// set and normalisation data (each swapped whole on SIGHUP; a request keeps
// the snapshot it started with), and the store.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include <spdlog/logger.h>

#include "config/config.hpp"
#include "ingest/pipeline.hpp"
#include "loader/loader.hpp"
#include "store/store.hpp"

namespace tonghop::isolate {
class Workers;
}

namespace tonghop::app {

struct Context {
  std::atomic<std::shared_ptr<const config::Config>> config;
  std::atomic<std::shared_ptr<const loader::PluginSet>> plugins;
  std::atomic<std::shared_ptr<const ingest::Normalisation>> normalisation;
  std::shared_ptr<store::Store> store;
  std::shared_ptr<spdlog::logger> log;
  // Hex; the token itself is never kept. A SIGHUP may put a new one from
  // the admin token file (serve.cpp's reload()) while requests read it.
  std::atomic<std::shared_ptr<const std::string>> admin_token_sha256;
  std::string admin_token_source;  // TONGHOP_ADMIN_TOKEN, its file's path, or --dev's (set at start)
  // Imports: examined in a child process (isolate::Zygote), run by the pool
  // of import workers (docs/isolation.md).
  ingest::Examiner examiner;
  std::shared_ptr<isolate::Workers> workers;
};

// The catalogue, the registry and the profiles the configuration names.
Expected<std::shared_ptr<const ingest::Normalisation>> load_normalisation(const config::Config& config);

// A plugin set a SIGHUP may switch to: an empty one (a plugins_dir that does
// not exist, a typo) is refused, and the old set kept. serve.cpp's reload()
// is to call it before it swaps anything.
Expected<std::shared_ptr<const loader::PluginSet>> usable_plugins(std::shared_ptr<const loader::PluginSet> set,
                                                                  const config::Config& config);

}  // namespace tonghop::app
