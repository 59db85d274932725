// Imports run apart from the server (docs/isolation.md), through the real
// daemon over a real socket: importers that abort, crash, loop or allocate
// without end each get their refusal naming them (plugin_crashed,
// import_timeout, memory_limit) and the daemon answers the next request; two
// endless imports leave /healthz answering; a full queue answers 503 with
// Retry-After; SIGTERM ends the daemon and its imports' processes within the
// drain bound plus one second; the sandbox refuses sockets, programs, writes
// and signals to the daemon. The hostile plugins are tests/plugins/*_importer.cpp.
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <future>
#include <set>
#include <sstream>
#include <thread>

#include <boost/json.hpp>

#include "support/daemon.hpp"
#include "support/http_client.hpp"
#include "support/process.hpp"

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;
using tonghop::test::Process;

namespace {

const std::string kAdmin = "admin-token-for-the-isolation-tests-0123456789";
const std::string kSample = TONGHOP_SOURCE_DIR "/tests/data/lai-chau/2018/phong-tho.csv";
const std::string kTarget = "/api/v1/submissions?district=Phong%20Th%E1%BB%95&period=2018&filename=";

struct Options {
  int max_seconds = 3;
  int workers = 2;
  int queue = 4;
  int drain = 2;
  int inbox_ms = 0;
};

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
        "[server]\nlisten = \"127.0.0.1:0\"\nthreads = 2\ndrain_timeout_seconds = " + std::to_string(o.drain) +
            "\n[paths]\ndata_dir = \"" + (dir_.path() / "var").string() + "\"\nplugins_dir = \"" + plugins.string() +
            "\"\n[limits]\nmax_seconds = " + std::to_string(o.max_seconds) +
            "\nmax_memory = \"128 MiB\"\n[import]\nworkers = " + std::to_string(o.workers) +
            "\nqueue = " + std::to_string(o.queue) + "\n[inbox]\nscan_milliseconds = " + std::to_string(o.inbox_ms) +
            "\n" + tonghop::test::normalise_section());
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
  bool healthy() const {
    const auto r = tonghop::test::request(port_, "GET", "/healthz");
    return r && r->status == 200;
  }
  std::uint16_t port() const { return port_; }
  Process& process() { return *process_; }
  fs::path data() const { return dir_.path() / "var"; }
  fs::path plugins() const { return dir_.path() / "plugins"; }

 private:
  tonghop::test::TempDir dir_;
  std::unique_ptr<Process> process_;
  std::uint16_t port_ = 0;
};

// The one error of a refusal: its code and message.
std::pair<std::string, std::string> refusal(const tonghop::test::HttpReply& r) {
  const auto v = json::parse(r.body);
  const auto& e = v.at("errors").as_array().at(0).as_object();
  return {std::string(e.at("code").as_string()), std::string(e.at("message").as_string())};
}

// The processes whose parent is `pid`.
std::set<pid_t> children_of(pid_t pid) {
  std::set<pid_t> out;
  for (const auto& task : fs::directory_iterator("/proc/" + std::to_string(pid) + "/task")) {
    std::ifstream in(task.path() / "children");
    pid_t child;
    while (in >> child) out.insert(child);
  }
  return out;
}

bool alive(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return false;
  const auto close = line.rfind(')');
  return close != std::string::npos && line.size() > close + 2 && line[close + 2] != 'Z';
}

TEST(Isolation, EachHostileImporterIsRefusedNamingItAndTheDaemonServesOn) {
  Tonghopd d(Options{});
  ASSERT_NE(d.port(), 0) << d.process().output();
  struct Case {
    std::string magic, plugin, code, detail;
  };
  const std::vector<Case> cases = {
      {"TONGHOP TEST ABORT", "test-abort", "plugin_crashed", "SIGABRT"},
      {"TONGHOP TEST SEGFAULT", "test-segfault", "plugin_crashed", "SIGSEGV"},
      {"TONGHOP TEST LOOP", "test-loop", "import_timeout", "3 seconds"},
      {"TONGHOP TEST ALLOCATE", "test-allocate", "memory_limit", "128 MiB"},
  };
  for (const auto& c : cases) {
    const auto r = d.submit("hostile.txt", c.magic + "\n1,2,3\n");
    ASSERT_TRUE(r) << c.plugin << ": no answer\n" << d.process().output();
    EXPECT_EQ(r->status, 422) << c.plugin << ": " << r->body;
    const auto [code, message] = refusal(*r);
    EXPECT_EQ(code, c.code) << r->body;
    EXPECT_NE(message.find("'" + c.plugin + "'"), std::string::npos) << r->body;
    EXPECT_NE(message.find(c.detail), std::string::npos) << r->body;
    EXPECT_NE(message.find(" / "), std::string::npos) << "Vietnamese, then English: " << r->body;
    // The daemon answers the next request, and a real return is still stored.
    EXPECT_TRUE(d.healthy()) << c.plugin;
  }
  const auto ok = d.submit("phong-tho.csv", tonghop::test::read_file(kSample));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 201) << ok->body;
  EXPECT_NE(json::parse(ok->body).at("plugin").as_string(), "") << ok->body;
  // Nothing refused was stored.
  const auto list = d.call("GET", "/api/v1/submissions?period=2018");
  ASSERT_TRUE(list);
  EXPECT_EQ(json::parse(list->body).at("submissions").as_array().size(), 1u) << list->body;
}

TEST(Isolation, AnImporterCannotConnectRunWriteOrSignalTheDaemon) {
  Tonghopd d(Options{});
  ASSERT_NE(d.port(), 0) << d.process().output();
  const auto r = d.submit("escape.txt", "TONGHOP TEST ESCAPE\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422) << r->body;
  // The plugin's own refusal lists what each attempt gave: the seccomp filter's EPERM.
  for (const char* attempt : {"socket: EPERM", "execve: EPERM", "open for writing: EPERM", "kill parent: EPERM"})
    EXPECT_NE(r->body.find(attempt), std::string::npos) << attempt << "\n" << r->body;
  EXPECT_FALSE(fs::exists("/tmp/tonghop-escape-test"));
  EXPECT_TRUE(d.healthy());
}

TEST(Isolation, TwoEndlessImportsLeaveHealthzAndReportsAnswering) {
  Tonghopd d(Options{.max_seconds = 6});
  ASSERT_NE(d.port(), 0) << d.process().output();
  ASSERT_EQ(d.submit("phong-tho.csv", tonghop::test::read_file(kSample))->status, 201);
  auto heavy = [&] { return d.submit("loop.txt", "TONGHOP TEST LOOP\n"); };
  auto first = std::async(std::launch::async, heavy);
  auto second = std::async(std::launch::async, heavy);
  // While both run (they end only at max_seconds), every request is answered.
  for (int i = 0; i < 20; ++i) {
    EXPECT_TRUE(d.healthy()) << i;
    const auto report = d.call("GET", "/api/v1/reports/province?period=2018&format=json");
    ASSERT_TRUE(report);
    EXPECT_EQ(report->status, 200);
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(first.wait_for(0s), std::future_status::timeout) << "the imports ended before the checks";
  EXPECT_EQ(second.wait_for(0s), std::future_status::timeout) << "the imports ended before the checks";
  // Their workers are in child processes of the zygote, not threads of the daemon.
  std::size_t imports = 0;
  for (const pid_t zygote : children_of(d.process().pid())) imports += children_of(zygote).size();
  EXPECT_EQ(imports, 2u);
  for (auto* f : {&first, &second}) {
    const auto r = f->get();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 422);
    EXPECT_EQ(refusal(*r).first, "import_timeout") << r->body;
  }
}

TEST(Isolation, AFullQueueAnswers503WithRetryAfter) {
  Tonghopd d(Options{.max_seconds = 6, .workers = 1, .queue = 1});
  ASSERT_NE(d.port(), 0) << d.process().output();
  auto heavy = [&] { return d.submit("loop.txt", "TONGHOP TEST LOOP\n"); };
  auto running = std::async(std::launch::async, heavy);
  // The first runs in the only worker's child once the zygote has forked it.
  for (int i = 0; i < 200; ++i) {
    std::size_t imports = 0;
    for (const pid_t zygote : children_of(d.process().pid())) imports += children_of(zygote).size();
    if (imports == 1) break;
    std::this_thread::sleep_for(20ms);
  }
  auto waiting = std::async(std::launch::async, heavy);
  // Once the second waits in the queue (the pool's own gauge says so), a
  // third finds it full.
  bool full = false;
  for (int i = 0; i < 250 && !full; ++i) {
    const auto m = d.call("GET", "/metrics");
    full = m && m->body.find("tonghop_import_queue_waiting 1\n") != std::string::npos &&
           m->body.find("tonghop_import_workers_busy 1\n") != std::string::npos;
    if (!full) std::this_thread::sleep_for(20ms);
  }
  ASSERT_TRUE(full) << d.call("GET", "/metrics")->body;
  const auto refused = d.submit("loop.txt", "TONGHOP TEST LOOP\n");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 503) << refused->body;
  EXPECT_EQ(refused->header("Retry-After").value_or(""), "5");
  EXPECT_EQ(refusal(*refused).first, "busy");
  EXPECT_TRUE(d.healthy());
  const auto m = d.call("GET", "/metrics");
  EXPECT_NE(m->body.find("tonghop_import_queue_refused_total 1\n"), std::string::npos) << m->body;
  d.process().signal(SIGKILL);
}

TEST(Isolation, SigtermEndsTheDaemonAndItsImportsWithinTheDrainBoundPlusOneSecond) {
  Tonghopd d(Options{.max_seconds = 60, .drain = 1});
  ASSERT_NE(d.port(), 0) << d.process().output();
  auto heavy = [&] { return d.submit("loop.txt", "TONGHOP TEST LOOP\n"); };
  auto first = std::async(std::launch::async, heavy);
  auto second = std::async(std::launch::async, heavy);
  std::set<pid_t> imports;
  for (int i = 0; i < 200 && imports.size() < 2; ++i) {
    imports.clear();
    for (const pid_t zygote : children_of(d.process().pid()))
      for (const pid_t child : children_of(zygote)) imports.insert(child);
    std::this_thread::sleep_for(20ms);
  }
  ASSERT_EQ(imports.size(), 2u) << d.process().output();
  const std::set<pid_t> zygotes = children_of(d.process().pid());
  d.process().signal(SIGTERM);
  // drain_timeout_seconds (1) plus one second; the test's own margin is the
  // time the kernel takes to deliver the signal.
  const auto code = d.process().wait(2s + 500ms);
  ASSERT_TRUE(code) << "still running\n" << d.process().output();
  EXPECT_EQ(*code, 0) << d.process().output();
  for (const pid_t p : imports) EXPECT_FALSE(alive(p)) << "import " << p << " outlived the daemon";
  for (const pid_t p : zygotes) EXPECT_FALSE(alive(p)) << "zygote " << p << " outlived the daemon";
  first.wait();
  second.wait();
}

TEST(Isolation, SighupReloadsThePluginsTheImportsRunWith) {
  Tonghopd d(Options{});
  ASSERT_NE(d.port(), 0) << d.process().output();
  const auto before = d.submit("abort.txt", "TONGHOP TEST ABORT\n");
  ASSERT_TRUE(before);
  EXPECT_EQ(refusal(*before).first, "plugin_crashed") << before->body;
  // The plugin goes; after SIGHUP the zygote no longer has it either.
  fs::remove(d.plugins() / "tonghop-test-abort-importer.so");
  d.process().signal(SIGHUP);
  ASSERT_TRUE(d.process().wait_for_output("reloaded configuration and plugins", 10s)) << d.process().output();
  const auto after = d.submit("abort.txt", "TONGHOP TEST ABORT\n");
  ASSERT_TRUE(after);
  EXPECT_NE(after->body.find("errors"), std::string::npos) << after->body;
  EXPECT_EQ(after->body.find("test-abort"), std::string::npos) << after->body;
  EXPECT_EQ(after->body.find("plugin_crashed"), std::string::npos) << after->body;
  EXPECT_TRUE(d.healthy());
}

TEST(Isolation, AnInboxFileThatCrashesItsImporterIsRejectedWithTheReason) {
  Tonghopd d(Options{.inbox_ms = 100});
  ASSERT_NE(d.port(), 0) << d.process().output();
  const fs::path folder = d.data() / "inbox" / "Phong Thổ" / "2018";
  fs::create_directories(folder);
  tonghop::test::write_file(folder / "crash.txt.part", "TONGHOP TEST SEGFAULT\n");
  fs::rename(folder / "crash.txt.part", folder / "crash.txt");
  const fs::path errors = d.data() / "inbox" / "rejected" / "Phong Thổ" / "2018" / "crash.txt.errors.json";
  for (int i = 0; i < 300 && !fs::exists(errors); ++i) std::this_thread::sleep_for(20ms);
  ASSERT_TRUE(fs::exists(errors)) << d.process().output();
  const std::string text = tonghop::test::read_file(errors);
  EXPECT_NE(text.find("plugin_crashed"), std::string::npos) << text;
  EXPECT_NE(text.find("test-segfault"), std::string::npos) << text;
  EXPECT_FALSE(fs::exists(folder / "crash.txt"));
  EXPECT_TRUE(d.healthy());
}

}  // namespace
