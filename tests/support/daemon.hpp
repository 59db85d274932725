// Test support for tests that start the real tonghopd.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "support/process.hpp"

namespace tonghop::test {

// A [normalise] section naming the source tree's catalogue, unit registry and
// profiles, for a daemon started outside the source tree.
std::string normalise_section();

// Waits for tonghopd's "listening on http://127.0.0.1:PORT" line; the port,
// or 0 when it did not start in time.
std::uint16_t listening_port(Process& daemon, std::chrono::milliseconds timeout = std::chrono::seconds(15));

}  // namespace tonghop::test
