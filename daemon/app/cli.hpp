// The command line of shared/contract.md.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/expected.hpp"

namespace tonghop::app {

enum class Command { serve, plugins, check, report, verify, backup, restore, help, version,
                     users };

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
  std::optional<std::string> output;  // report: a file, or "-" for standard output
  std::optional<std::string> folder;  // backup and restore: the backup's folder (care, issue 16)
  // users (branch season): add NAME --role R [--district D] | passwd NAME | list
  std::vector<std::string> words;
  std::optional<std::string> role;
};

// A usage error comes back as Error; main prints it with the usage and exits 2.
Expected<Options> parse_command_line(const std::vector<std::string>& args);
const char* usage();

}  // namespace tonghop::app
