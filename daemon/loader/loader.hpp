// The plugin loader: scans a directory with Boost.DLL, reads each library's
// descriptor (C only) before any C++ call, refuses what does not fit, and
// keeps each library loaded for as long as any object made by it lives.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <spdlog/logger.h>

#include "tonghop/sdk/abi.h"
#include "tonghop/sdk/exporter.hpp"
#include "tonghop/sdk/importer.hpp"

namespace tonghop::loader {

// The host-services table given to plugins. Must outlive every plugin object:
// each object's deleter keeps it alive.
class HostServices {
 public:
  HostServices(std::shared_ptr<spdlog::logger> logger, const tonghop_limits& default_limits);
  const tonghop_host_api* api() const noexcept { return &api_; }
  // The table for a plugin built for `abi` (TONGHOP_SDK_ABI_OLDEST up to
  // this host's): the same services, saying the plugin's own ABI, which an
  // older plugin's create() asks for and which tells a plugin what it may
  // call (sdk::Host::takes_cell_runs).
  const tonghop_host_api* api(std::uint32_t abi) const noexcept {
    return abi >= TONGHOP_SDK_ABI_VERSION ? &api_ : &older_[abi - TONGHOP_SDK_ABI_OLDEST];
  }
  spdlog::logger& logger() const noexcept { return *logger_; }

 private:
  static void log(void* context, const char* plugin, int level, const char* message, std::size_t length);
  std::shared_ptr<spdlog::logger> logger_;
  tonghop_host_api api_{};
  tonghop_host_api older_[TONGHOP_SDK_ABI_VERSION - TONGHOP_SDK_ABI_OLDEST]{};
};

enum class Kind { importer, exporter };
std::string_view kind_name(Kind k) noexcept;

struct PluginInfo {
  std::string name;
  std::string version;
  Kind kind = Kind::importer;
  std::vector<std::string> formats;
  std::vector<std::string> mime_types;  // same order as formats
  std::string description;
  std::string sdk_version;
  std::uint32_t abi_version = 0;
  std::filesystem::path file;
};

struct Plugin {
  PluginInfo info;
  std::shared_ptr<const sdk::Importer> importer;  // set when kind is importer
  std::shared_ptr<const sdk::Exporter> exporter;  // set when kind is exporter
};

struct Refusal {
  std::filesystem::path file;
  std::string reason;
};

// What one scan found. Immutable once made; the daemon swaps a whole new set
// in on SIGHUP while requests still holding the old one finish with it.
class PluginSet {
 public:
  std::vector<Plugin> plugins;
  std::vector<Refusal> refused;

  const Plugin* find(std::string_view name) const noexcept;
  // The exporter declaring `format`, or nullptr.
  const Plugin* exporter_for(std::string_view format) const noexcept;
  std::size_t count(Kind kind) const noexcept;
};

// Loads every "*.so" in `directory` (in name order). Never throws: problems
// become refusals, logged as warnings. With `wanted`, a file it says no to
// is left alone (not opened, not listed).
std::shared_ptr<const PluginSet> load_directory(
    const std::filesystem::path& directory, std::shared_ptr<const HostServices> host,
    const std::function<bool(const std::filesystem::path&)>& wanted = {});

}  // namespace tonghop::loader
