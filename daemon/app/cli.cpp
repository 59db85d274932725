#include "app/cli.hpp"

#include <fmt/format.h>

namespace tonghop::app {

const char* usage() {
  return "usage: tonghopd [--config FILE] [--listen HOST:PORT] [--data-dir DIR] [--plugins-dir DIR] [--dev]\n"
         "       tonghopd plugins [--config FILE] [--plugins-dir DIR]\n"
         "       tonghopd check FILE --district D --period P [--format json|text] [--config FILE]\n"
         "       tonghopd report --period P --format json|csv|xlsx|pdf -o FILE|- [--config FILE] [--data-dir DIR]\n"
         "       tonghopd verify [--config FILE] [--data-dir DIR]\n"
         "       tonghopd users add NAME --role admin|viewer|district [--district D] [--config FILE] [--data-dir DIR]\n"
         "       tonghopd users passwd NAME | users list   (the password is read from standard input)\n"
         "       tonghopd backup FOLDER [--config FILE] [--data-dir DIR]\n"
         "       tonghopd restore FOLDER [--config FILE] [--data-dir DIR]\n"
         "       tonghopd --help | --version\n"
         "\n"
         "  --config FILE       configuration (default: ./config/tonghop.toml, else the installed\n"
         "                      <prefix>/etc/tonghop/tonghop.toml or /etc/tonghop/tonghop.toml);\n"
         "                      relative paths in it are taken from its folder\n"
         "  --listen HOST:PORT  address to serve on (default 127.0.0.1:8080)\n"
         "  --data-dir DIR      database, archived files, inbox and logs (default ./var)\n"
         "  --plugins-dir DIR   importer and exporter plugins (default build/plugins)\n"
         "  --dev               without an admin token, make one and print it\n"
         "\n"
         "The admin token comes from TONGHOP_ADMIN_TOKEN or the file [auth] admin_token_file names.\n"
         "Signals: SIGTERM/SIGINT drain and exit 0; SIGHUP reloads configuration and plugins.\n"
         "verify: the database's full integrity check and every raw file against its SHA-256;\n"
         "  exit 0 sound, 1 damage found, 2 usage error or no database.\n"
         "backup: a consistent copy of the data directory while tonghopd serves (the database, the raw\n"
         "  files, MANIFEST.sha256) into a new FOLDER. restore: checks FOLDER whole, then puts it in\n"
         "  place of a stopped daemon's data (what it replaces is moved aside). docs/operations.md.\n";
}

namespace {

// Usage errors name the argument (care, issue 16): an option of another command is said to be so.
bool known_anywhere(const std::string& arg) {
  for (const char* o : {"--config", "--listen", "--data-dir", "--plugins-dir", "--dev", "--district", "--period",
                        "--format", "-o", "--output", "--role"})
    if (arg == o) return true;
  return false;
}

const char* command_name(Command c) {
  switch (c) {
    case Command::serve: return "serve";
    case Command::plugins: return "plugins";
    case Command::check: return "check";
    case Command::report: return "report";
    case Command::verify: return "verify";
    case Command::backup: return "backup";
    case Command::restore: return "restore";
    case Command::users: return "users";
    case Command::help: return "--help";
    case Command::version: return "--version";
  }
  return "";
}

}  // namespace

Expected<Options> parse_command_line(const std::vector<std::string>& args) {
  Options o;
  std::size_t i = 0;
  if (!args.empty() && !args[0].starts_with("-")) {
    if (args[0] == "plugins") o.command = Command::plugins;
    else if (args[0] == "check") o.command = Command::check;
    else if (args[0] == "report") o.command = Command::report;
    else if (args[0] == "serve") o.command = Command::serve;
    else if (args[0] == "verify") o.command = Command::verify;
    else if (args[0] == "users") o.command = Command::users;
    else if (args[0] == "backup") o.command = Command::backup;
    else if (args[0] == "restore") o.command = Command::restore;
    else return make_error(fmt::format("unknown command '{}' (commands: check, report, verify, plugins, users, backup, restore, serve)", args[0]));
    i = 1;
  }
  for (; i < args.size(); ++i) {
    std::string arg = args[i];
    std::optional<std::string> inline_value;
    if (const auto eq = arg.find('='); arg.starts_with("--") && eq != std::string::npos) {
      inline_value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    }
    auto value = [&](std::optional<std::string>& out) -> std::optional<Error> {
      if (inline_value) out = *inline_value;
      else if (i + 1 < args.size()) out = args[++i];
      else return Error{fmt::format("{} needs a value", arg)};
      if (out->empty()) return Error{fmt::format("{} needs a non-empty value", arg)};
      return std::nullopt;
    };
    std::optional<Error> err;
    if (arg == "--help" || arg == "-h") o.command = Command::help;
    else if (arg == "--version") o.command = Command::version;
    else if (arg == "--dev" && !inline_value) o.dev = true;
    else if (arg == "--config") err = value(o.config);
    else if (arg == "--listen" && o.command == Command::serve) err = value(o.listen);
    else if (arg == "--data-dir" && (o.command == Command::serve || o.command == Command::report ||
                                     o.command == Command::verify || o.command == Command::users ||
                                     o.command == Command::backup || o.command == Command::restore))
      err = value(o.data_dir);
    else if ((arg == "-o" || arg == "--output") && o.command == Command::report) {
      // "-" is standard output, not an option.
      if (!inline_value && i + 1 < args.size() && args[i + 1] == "-") o.output = args[++i];
      else err = value(o.output);
    }
    else if (arg == "--plugins-dir") err = value(o.plugins_dir);
    else if (arg == "--district" && (o.command == Command::check || o.command == Command::users)) err = value(o.district);
    else if (arg == "--role" && o.command == Command::users) err = value(o.role);
    else if (o.command == Command::users && !arg.starts_with("-")) o.words.push_back(arg);
    else if (arg == "--period" && (o.command == Command::check || o.command == Command::report)) err = value(o.period);
    else if (arg == "--format" && (o.command == Command::check || o.command == Command::report)) {
      std::optional<std::string> f;
      err = value(f);
      if (!err && o.command == Command::check && *f != "json" && *f != "text") return make_error(fmt::format("--format '{}': check writes json or text", *f));
      if (f) o.format = *f;
    } else if (o.command == Command::check && !arg.starts_with("-") && !o.file) o.file = arg;
    else if ((o.command == Command::backup || o.command == Command::restore) && !arg.starts_with("-") && !o.folder)
      o.folder = arg;
    else if (!arg.starts_with("-")) return make_error(fmt::format("unexpected argument '{}'", args[i]));
    else if (known_anywhere(arg))
      return make_error(fmt::format("'{}' is not an option of `tonghopd {}`", arg, command_name(o.command)));
    else return make_error(fmt::format("unknown option '{}'", args[i]));
    if (err) return *err;
  }
  return o;
}

}  // namespace tonghop::app
