#pragma once

#include "app/cli.hpp"

namespace tonghop::app {

// `tonghopd`: serves until SIGTERM/SIGINT. Returns the process exit code.
int serve(const Options& options);
// `tonghopd plugins`: what the plugins directory holds, and why anything was refused.
int list_plugins(const Options& options);
// `tonghopd check FILE ...`: import, normalise and validate one file offline.
int check_file(const Options& options);
// `tonghopd report ...`: the province report from the data directory.
int write_report(const Options& options);
// `tonghopd verify`: the database's full integrity check and every raw file
// against its hash. 0 sound, 1 damage found, 2 usage or no database.
int verify_store(const Options& options);
// `tonghopd users add NAME --role R [--district D]` (the first admin), `users
// passwd NAME`, `users list`: the password from standard input (branch season).
int manage_users(const Options& options);
// care (issue 16): `tonghopd backup FOLDER`, `tonghopd restore FOLDER` (app/backup_command.cpp).
int backup_data(const Options& options);
int restore_data(const Options& options);

}  // namespace tonghop::app
