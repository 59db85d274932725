// Test support for tests that start the real tonghopd.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "support/http_client.hpp"
#include "support/process.hpp"

namespace tonghop::test {

// A [normalise] section naming the source tree's catalogue, unit registry and
// profiles, for a daemon started outside the source tree.
std::string normalise_section();

// Waits for tonghopd's "listening on http://127.0.0.1:PORT" line; the port,
// or 0 when it did not start in time.
std::uint16_t listening_port(Process& daemon, std::chrono::milliseconds timeout = std::chrono::seconds(15));

#if defined(TONGHOPD_PATH) && defined(TONGHOP_PLUGIN_DIR)
// The built tonghopd on a free 127.0.0.1 port, with a data directory of its
// own, the built plugins, the source tree's catalogue and `admin` as its
// admin token (in the test's binary: the paths are the test's definitions).
struct ServedDaemon {
  // `extra`: more configuration, appended to the file (a [report] section).
  explicit ServedDaemon(std::string admin_token, const std::string& extra = {}) : admin(std::move(admin_token)) {
    write_file(dir.path() / "tonghop.toml",
               "[server]\nlisten = \"127.0.0.1:0\"\n[paths]\ndata_dir = \"" + (dir.path() / "var").string() +
                   "\"\nplugins_dir = \"" TONGHOP_PLUGIN_DIR "\"\n[inbox]\nscan_milliseconds = 0\n" + normalise_section() + extra);
    process = std::make_unique<Process>(std::vector<std::string>{TONGHOPD_PATH, "--config", (dir.path() / "tonghop.toml").string()},
                                        std::vector<std::string>{"TONGHOP_ADMIN_TOKEN=" + admin}, std::vector<std::string>{},
                                        dir.path());
    port = listening_port(*process);
    EXPECT_NE(port, 0) << process->output();
  }
  // A request with the admin token; nullopt when nothing came back.
  std::optional<HttpReply> request(const std::string& method, const std::string& target, const std::string& body = {}) const {
    return test::request(port, method, target, body, "Authorization: Bearer " + admin + "\r\n");
  }

  std::string admin;
  TempDir dir;
  std::unique_ptr<Process> process;
  std::uint16_t port = 0;
};
#endif

}  // namespace tonghop::test
