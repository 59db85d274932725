// The real daemon with the real importers and the hostile ones of
// tests/plugins in one plugins directory, and what the isolation tests look
// at from outside: the daemon's zygote, its children, which of them import.
// Shared by isolation_test.cpp and spare_test.cpp.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include <boost/json.hpp>

#include "support/daemon.hpp"
#include "support/http_client.hpp"
#include "support/process.hpp"

namespace tonghop::test::isolation {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

inline const std::string kAdmin = "admin-token-for-the-isolation-tests-0123456789";
inline const std::string kSample = TONGHOP_SOURCE_DIR "/tests/data/lai-chau/2018/phong-tho.csv";
inline const std::string kTarget = "/api/v1/submissions?district=Phong%20Th%E1%BB%95&period=2018&filename=";

struct Options {
  int max_seconds = 3;
  int workers = 2;
  int queue = 4;
  int per_district = 2;  // [import] per_district
  int drain = 2;
  int inbox_ms = 0;
  int read_timeout = 30;  // [server] read_timeout_seconds
  std::string normalise = tonghop::test::normalise_section();  // the [normalise] section
};

// A district's return of `n` cells ("Chi bộ thôn Nậm i", each name followed
// by `tail` when given, CB, 20 + i % 40 members), the members of `bad_row`
// written "mười" (not a number). Shared by the tests of large returns.
inline std::string branch_csv(int n, int bad_row = -1, const std::string& tail = {}) {
  std::string s = "Tên tổ chức cơ sở đảng;Loại hình;Tổng số đảng viên\n";
  for (int i = 0; i < n; ++i)
    s += "Chi bộ thôn Nậm " + std::to_string(i) + tail + ";CB;" +
         (i == bad_row ? std::string("mười") : std::to_string(20 + i % 40)) + "\n";
  return s;
}

// The real importers and the hostile ones, in one plugins directory.
class Tonghopd {
 public:
  explicit Tonghopd(Options o) {
    const fs::path plugins = dir_.path() / "plugins";
    fs::create_directories(plugins);
    for (const auto& e : fs::directory_iterator(TONGHOP_PLUGIN_DIR))
      if (e.path().extension() == ".so") fs::create_symlink(e.path(), plugins / e.path().filename());
    for (const char* name : {"abort", "segfault", "loop", "allocate", "escape"}) {
      const std::string file = std::string("tonghop-test-") + name + "-importer.so";
      fs::create_symlink(fs::path(TONGHOP_TEST_PLUGIN_DIR) / file, plugins / file);
    }
    tonghop::test::write_file(
        dir_.path() / "tonghop.toml",
        "[server]\nlisten = \"127.0.0.1:0\"\nthreads = 2\nread_timeout_seconds = " + std::to_string(o.read_timeout) +
            "\ndrain_timeout_seconds = " + std::to_string(o.drain) +
            "\n[paths]\ndata_dir = \"" + (dir_.path() / "var").string() + "\"\nplugins_dir = \"" + plugins.string() +
            "\"\n[limits]\nmax_seconds = " + std::to_string(o.max_seconds) +
            "\nmax_memory = \"128 MiB\"\n[import]\nworkers = " + std::to_string(o.workers) +
            "\nqueue = " + std::to_string(o.queue) + "\nper_district = " + std::to_string(o.per_district) +
            "\n[inbox]\nscan_milliseconds = " + std::to_string(o.inbox_ms) +
            "\n" + o.normalise);
    process_ = std::make_unique<Process>(
        std::vector<std::string>{TONGHOPD_PATH, "--config", (dir_.path() / "tonghop.toml").string()},
        std::vector<std::string>{"TONGHOP_ADMIN_TOKEN=" + kAdmin}, std::vector<std::string>{}, dir_.path());
    port_ = tonghop::test::listening_port(*process_);
  }

  std::optional<tonghop::test::HttpReply> call(const std::string& method, const std::string& target,
                                               const std::string& body = {}) const {
    return tonghop::test::request(port_, method, target, body, "Authorization: Bearer " + kAdmin + "\r\n");
  }
  std::optional<tonghop::test::HttpReply> submit(const std::string& name, const std::string& bytes) const {
    return call("POST", kTarget + name, bytes);
  }
  // The raw file archived for submission `id` (GET …/raw), or none unless 200.
  std::optional<std::string> archived(std::int64_t id, std::chrono::milliseconds timeout = std::chrono::seconds(10)) const {
    auto r = tonghop::test::request(port_, "GET", "/api/v1/submissions/" + std::to_string(id) + "/raw", {},
                                    "Authorization: Bearer " + kAdmin + "\r\n", timeout);
    if (!r || r->status != 200) return std::nullopt;
    return std::move(r->body);
  }
  bool healthy() const {
    const auto r = tonghop::test::request(port_, "GET", "/healthz");
    return r && r->status == 200;
  }
  std::uint16_t port() const { return port_; }
  Process& process() { return *process_; }
  fs::path data() const { return dir_.path() / "var"; }
  fs::path plugins() const { return dir_.path() / "plugins"; }
  fs::path config() const { return dir_.path() / "tonghop.toml"; }

 private:
  tonghop::test::TempDir dir_;
  std::unique_ptr<Process> process_;
  std::uint16_t port_ = 0;
};

// The one error of a refusal: its code and message.
inline std::pair<std::string, std::string> refusal(const tonghop::test::HttpReply& r) {
  const auto v = json::parse(r.body);
  const auto& e = v.at("errors").as_array().at(0).as_object();
  return {std::string(e.at("code").as_string()), std::string(e.at("message").as_string())};
}

// The processes whose parent is `pid`.
inline std::set<pid_t> children_of(pid_t pid) {
  std::set<pid_t> out;
  for (const auto& task : fs::directory_iterator("/proc/" + std::to_string(pid) + "/task")) {
    std::ifstream in(task.path() / "children");
    pid_t child;
    while (in >> child) out.insert(child);
  }
  return out;
}

inline bool alive(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return false;
  const auto close = line.rfind(')');
  return close != std::string::npos && line.size() > close + 2 && line[close + 2] != 'Z';
}

// Whether `pid` is an import's child at work: it has the return's memfd
// mapped (zygote.cpp). The zygote's other child, the spare, waits for its
// request with nothing of one.
inline bool importing(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/maps");
  std::string line;
  while (std::getline(in, line))
    if (line.find("/memfd:tonghop-return") != std::string::npos) return true;
  return false;
}

// The import children now at work, of every zygote of `daemon`.
inline std::set<pid_t> imports_of(pid_t daemon) {
  std::set<pid_t> out;
  for (const pid_t zygote : children_of(daemon))
    for (const pid_t child : children_of(zygote))
      if (importing(child)) out.insert(child);
  return out;
}

}  // namespace tonghop::test::isolation
