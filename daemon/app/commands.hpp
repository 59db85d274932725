#pragma once

#include "app/cli.hpp"

namespace tonghop::app {

// `tonghopd`: serves until SIGTERM/SIGINT. Returns the process exit code.
int serve(const Options& options);
// `tonghopd plugins`: what the plugins directory holds, and why anything was refused.
int list_plugins(const Options& options);

}  // namespace tonghop::app
