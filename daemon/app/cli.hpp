// The command line of shared/contract.md.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/expected.hpp"

namespace tonghop::app {

enum class Command { serve, plugins, check, report, verify, mappings, help, version };

struct Options {
  Command command = Command::serve;
  std::optional<std::string> config;
  std::optional<std::string> listen;
  std::optional<std::string> data_dir;
  std::optional<std::string> plugins_dir;
  bool dev = false;
  // check
  std::optional<std::string> file;
  std::optional<std::string> district;
  std::optional<std::string> period;
  std::string format = "text";  // check: json|text; report: json|csv|xlsx
  std::optional<std::string> output;
  // mappings (branch check): "export" or "import" (then `file`)
  std::string mappings_action;
};

// A usage error comes back as Error; main prints it with the usage and exits 2.
Expected<Options> parse_command_line(const std::vector<std::string>& args);
const char* usage();

}  // namespace tonghop::app
