// The host's services as a plugin sees them: logging tagged with the plugin's
// name, the host's default limits, and what the host's ABI offers. A thin C++
// face over tonghop_host_api.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "tonghop/sdk/abi.h"

namespace tonghop::sdk {

using Limits = tonghop_limits;

enum class LogLevel : int {
  debug = TONGHOP_LOG_DEBUG,
  info = TONGHOP_LOG_INFO,
  warn = TONGHOP_LOG_WARN,
  error = TONGHOP_LOG_ERROR
};

class Host {
 public:
  Host() = default;
  Host(const tonghop_host_api* api, const char* plugin_name) noexcept
      : api_(api), plugin_name_(plugin_name) {}

  // True when the host's table has the field at member offset `end`.
  bool has(std::size_t end) const noexcept { return api_ != nullptr && api_->struct_size >= end; }

  void log(LogLevel level, std::string_view message) const noexcept {
    if (has(offsetof(tonghop_host_api, log) + sizeof(api_->log)) && api_->log != nullptr)
      api_->log(api_->context, plugin_name_, static_cast<int>(level), message.data(), message.size());
  }
  void debug(std::string_view m) const noexcept { log(LogLevel::debug, m); }
  void info(std::string_view m) const noexcept { log(LogLevel::info, m); }
  void warn(std::string_view m) const noexcept { log(LogLevel::warn, m); }
  void error(std::string_view m) const noexcept { log(LogLevel::error, m); }

  Limits default_limits() const noexcept {
    if (has(offsetof(tonghop_host_api, default_limits) + sizeof(tonghop_limits)))
      return api_->default_limits;
    return Limits{};
  }

  const char* plugin_name() const noexcept { return plugin_name_; }

  // The ABI the host speaks to this plugin (0 without a host table).
  std::uint32_t abi_version() const noexcept { return api_ != nullptr ? api_->abi_version : 0; }
  // Whether the host's sinks take a run of cells in one call
  // (DocumentSink::cells, ABI 3). An ABI 2 host's sinks do not have it.
  bool takes_cell_runs() const noexcept { return abi_version() >= 3; }

 private:
  const tonghop_host_api* api_ = nullptr;
  const char* plugin_name_ = "";
};

}  // namespace tonghop::sdk
