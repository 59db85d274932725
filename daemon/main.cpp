// tonghopd: consolidates district returns on grassroots party organisations.
#include <cstdio>
#include <string>
#include <vector>

#include <sys/stat.h>

#include <fmt/format.h>

#include "app/cli.hpp"
#include "app/commands.hpp"
#include "tonghop/sdk/abi.h"

int main(int argc, char** argv) {
  using namespace tonghop::app;
  std::vector<std::string> args(argv + 1, argv + argc);
  auto options = parse_command_line(args);
  if (!options) {
    fmt::print(stderr, "tonghopd: {}\n{}", options.error(), usage());
    return 2;
  }
  // What tonghopd makes (the database with its password hashes, every raw
  // return, the log, backups, reports) is for its own user and group only,
  // whatever umask it was started under: others lose every right, the group
  // writing (files 0640, folders 0750; systemd's UMask= says the same).
  ::umask(::umask(0) | 027);
  switch (options->command) {
    case Command::help: fmt::print("{}", usage()); return 0;
    case Command::version: fmt::print("tonghopd {} (plugin SDK ABI {})\n", TONGHOP_VERSION, TONGHOP_SDK_ABI_VERSION); return 0;
    case Command::plugins: return list_plugins(*options);
    case Command::check: return check_file(*options);
    case Command::report: return write_report(*options);
    case Command::verify: return verify_store(*options);
    case Command::backup: return backup_data(*options);
    case Command::restore: return restore_data(*options);
    case Command::mappings: return mappings_command(*options);
    case Command::serve: return serve(*options);
    case Command::users: return manage_users(*options);
  }
  return 2;
}
