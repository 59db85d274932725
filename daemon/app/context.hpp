// What the running daemon's parts share: the current configuration and the
// current plugin set, each swapped whole on SIGHUP. A request takes one
// snapshot of each and keeps it to its end.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include <spdlog/logger.h>

#include "config/config.hpp"
#include "loader/loader.hpp"

namespace tonghop::app {

struct Context {
  std::atomic<std::shared_ptr<const config::Config>> config;
  std::atomic<std::shared_ptr<const loader::PluginSet>> plugins;
  std::shared_ptr<spdlog::logger> log;
  std::string admin_token_sha256;  // hex; the token itself is never kept
};

}  // namespace tonghop::app
