// tonghopd: consolidates district returns on grassroots party organisations.
#include <cstdio>
#include <string>
#include <vector>

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
  switch (options->command) {
    case Command::help: fmt::print("{}", usage()); return 0;
    case Command::version: fmt::print("tonghopd {} (plugin SDK ABI {})\n", TONGHOP_VERSION, TONGHOP_SDK_ABI_VERSION); return 0;
    case Command::plugins: return list_plugins(*options);
    case Command::check: return check_file(*options);
    case Command::report: return write_report(*options);
    case Command::verify: return verify_store(*options);
    case Command::backup: return backup_data(*options);
    case Command::restore: return restore_data(*options);
    case Command::serve: return serve(*options);
    case Command::users: return manage_users(*options);
  }
  return 2;
}
