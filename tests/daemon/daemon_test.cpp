// The real tonghopd, started as a child process, spoken to over TCP.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <csignal>
#include <regex>
#include <thread>

#include <boost/json.hpp>

#include "support/daemon.hpp"
#include "support/http_client.hpp"
#include "support/process.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using tonghop::test::Connection;
using tonghop::test::Process;

namespace {

struct Settings {
  int read_timeout = 2;
  int drain_timeout = 5;
};

class Daemon {
 public:
  explicit Daemon(Settings s = {}, std::vector<std::string> extra_args = {}) {
    fs::create_directories(plugins());
    fs::copy_file(fs::path(TONGHOP_PLUGIN_DIR) / "tonghop-export-json.so", plugins() / "tonghop-export-json.so");
    write_config(s);
    std::vector<std::string> argv{TONGHOPD_PATH, "--config", config().string(), "--dev"};
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    process_ = std::make_unique<Process>(argv, std::vector<std::string>{}, std::vector<std::string>{"TONGHOP_ADMIN_TOKEN"},
                                         dir_.path());
    port_ = tonghop::test::listening_port(*process_);
    if (port_ == 0) ADD_FAILURE() << "tonghopd did not start:\n" << process_->output();
  }

  void write_config(Settings s, const std::string& extra = {}) {
    tonghop::test::write_file(config(), "[server]\nlisten = \"127.0.0.1:0\"\nbody_limit = \"1 KiB\"\n"
                                        "header_limit = \"2 KiB\"\nread_timeout_seconds = " +
                                            std::to_string(s.read_timeout) + "\ndrain_timeout_seconds = " +
                                            std::to_string(s.drain_timeout) + "\n[paths]\ndata_dir = \"" +
                                            (dir_.path() / "var").string() + "\"\nplugins_dir = \"" +
                                            plugins().string() + "\"\n[log]\nlevel = \"debug\"\n" + tonghop::test::normalise_section() + extra);
  }

  std::uint16_t port() const { return port_; }
  Process& process() { return *process_; }
  // The admin token --dev made and printed.
  std::string token() const {
    std::smatch m;
    const std::string out = process_->output();
    return std::regex_search(out, m, std::regex("development admin token \\(--dev\\): (dev-[0-9a-f]{48})")) ? m[1].str()
                                                                                                       : std::string();
  }
  fs::path plugins() const { return dir_.path() / "plugins"; }
  fs::path config() const { return dir_.path() / "tonghop.toml"; }
  fs::path data() const { return dir_.path() / "var"; }

 private:
  tonghop::test::TempDir dir_;
  std::unique_ptr<Process> process_;
  std::uint16_t port_ = 0;
};

std::string metric(std::uint16_t port, const std::string& line_start) {
  const auto r = tonghop::test::request(port, "GET", "/metrics");
  if (!r) return "(no answer)";
  const auto at = r->body.find(line_start);
  if (at == std::string::npos) return "(absent)";
  return r->body.substr(at + line_start.size(), r->body.find('\n', at) - at - line_start.size());
}

}  // namespace

TEST(Daemon, AnswersHealthzOverTcp) {
  Daemon d;
  ASSERT_NE(d.port(), 0);
  const auto r = tonghop::test::request(d.port(), "GET", "/healthz");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "{\"status\":\"ok\"}\n");
  EXPECT_EQ(r->header("Content-Type").value_or(""), "application/json");
  // The log goes to the rotating file under the data directory too.
  EXPECT_TRUE(fs::exists(d.data() / "log" / "tonghopd.log"));
}

// The database holds password hashes and every return, the log names who
// sent what: none of it is for other users of the machine, whatever umask
// the daemon was started under (a shell's 022 made them 0644).
TEST(Daemon, WhatItKeepsIsNotReadableByOtherUsers) {
  const mode_t before = ::umask(022);
  Daemon d;
  ::umask(before);
  ASSERT_NE(d.port(), 0);
  for (const fs::path& p : {d.data() / "tonghop.db", d.data() / "log" / "tonghopd.log", d.data() / "log"}) {
    ASSERT_TRUE(fs::exists(p)) << p;
    const auto perms = fs::status(p).permissions();
    EXPECT_EQ(perms & fs::perms::others_all, fs::perms::none) << p << " can be read by others";
    EXPECT_EQ(perms & fs::perms::group_write, fs::perms::none) << p;
  }
}

TEST(Daemon, PrintsItsDevelopmentToken) {
  Daemon d;
  EXPECT_TRUE(std::regex_search(d.process().output(), std::regex("development admin token \\(--dev\\): dev-[0-9a-f]{48}")));
}

TEST(Daemon, ABodyOverTheLimitIs413BeforeItIsRead) {
  Daemon d;
  Connection c("127.0.0.1", d.port());
  ASSERT_TRUE(c.connected());
  // Only the head is sent: the answer must not wait for a body that never comes.
  // The submissions route takes files up to [limits] max_input_size (64 MiB)...
  // (the token is checked first: without one the answer is 401)
  const std::string auth = "Authorization: Bearer " + d.token() + "\r\n";
  ASSERT_TRUE(c.send("POST /api/v1/submissions?district=x HTTP/1.1\r\nHost: t\r\n" + auth +
                     "Content-Length: 100000000\r\n\r\n"));
  const auto r = c.receive(5s);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 413);
  EXPECT_NE(r->body.find("\"code\":\"body_too_large\""), std::string::npos) << r->body;
  // Said as a clerk reads it, then in English (http/refusals.cpp).
  // The file's limit, as the page tells the clerk, not the body's (64 KiB more for a form).
  EXPECT_NE(r->body.find("Tệp gửi lên nặng 95,4 MiB vượt giới hạn 64 MiB của một tệp"), std::string::npos) << r->body;
  EXPECT_NE(r->body.find("the request body (100000000 bytes) is larger than this route accepts: a file of at most "
                         "64 MiB (67108864 bytes"),
            std::string::npos)
      << r->body;
  // ... other routes [server] body_limit (1 KiB here).
  Connection c2("127.0.0.1", d.port());
  ASSERT_TRUE(c2.send("POST /api/v1/tokens HTTP/1.1\r\nHost: t\r\n" + auth + "Content-Length: 5000\r\n\r\n"));
  const auto r2 = c2.receive(5s);
  ASSERT_TRUE(r2.has_value());
  EXPECT_EQ(r2->status, 413);
}

TEST(Daemon, AChunkedBodyOverTheLimitIs413) {
  Daemon d;
  Connection c("127.0.0.1", d.port());
  const std::string chunk(1500, 'x');
  ASSERT_TRUE(c.send("POST /healthz HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5dc\r\n" + chunk +
                     "\r\n0\r\n\r\n"));
  const auto r = c.receive(5s);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 413);
  EXPECT_NE(r->body.find("Nội dung gửi lên vượt giới hạn 1 KiB"), std::string::npos) << r->body;
}

TEST(Daemon, ABodyCutShortIs400SayingHowMuchCame) {
  Daemon d;
  Connection c("127.0.0.1", d.port());
  // A body read into memory by Beast's parser (the memfd's own read is
  // Isolation.AReturnIsReadIntoItsMemoryFileToItsLengthAndOneCutShortIsKeptNowhere).
  ASSERT_TRUE(c.send("POST /api/v1/tokens HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + d.token() +
                     "\r\nContent-Length: 900\r\n\r\n" + std::string(100, '{')));
  c.end_sending();
  const auto r = c.receive(5s);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 400);
  // Not a file's route: what was sent, not "the file".
  EXPECT_NE(r->body.find("Nội dung gửi lên bị ngắt giữa chừng: mới nhận 100 B trên 900 B"), std::string::npos) << r->body;
  EXPECT_NE(r->body.find("partial message): 100 of 900 bytes came"), std::string::npos) << r->body;
}

TEST(Daemon, ABodyWithinTheLimitIsRouted) {
  Daemon d;
  const auto r = tonghop::test::request(d.port(), "POST", "/healthz", std::string(1000, 'x'));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 405);
}

TEST(Daemon, AHeadOverTheLimitIs431) {
  Daemon d;
  const auto r = tonghop::test::request(d.port(), "GET", "/healthz", "", "X-Padding: " + std::string(4000, 'p') + "\r\n");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 431);
}

TEST(Daemon, GarbageIs400) {
  Daemon d;
  Connection c("127.0.0.1", d.port());
  ASSERT_TRUE(c.send("THIS IS NOT HTTP\r\n\r\n"));
  const auto r = c.receive(5s);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 400);
}

TEST(Daemon, ASilentClientIsDisconnectedAfterTheReadTimeout) {
  Daemon d(Settings{.read_timeout = 1, .drain_timeout = 5});
  Connection c("127.0.0.1", d.port());
  ASSERT_TRUE(c.connected());
  EXPECT_TRUE(c.closed_by_peer(4s));
}

TEST(Daemon, MetricsCountRequestsByRouteAndStatusAndPlugins) {
  Daemon d;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(tonghop::test::request(d.port(), "GET", "/healthz"));
  ASSERT_TRUE(tonghop::test::request(d.port(), "GET", "/no/such/thing"));
  // A request is counted once its answer is written: the client may ask
  // again a moment before that, so ask until the last one has been counted.
  // Under a loaded machine that moment can be long: ask for up to 10 s until
  // every line the test expects is there (a count that never comes still fails).
  const auto counted = [](const std::string& body) {
    return body.find("tonghop_http_requests_in_flight 1\n") != std::string::npos &&
           body.find("tonghop_http_requests_total{route=\"/healthz\",status=\"200\"} 3\n") != std::string::npos &&
           body.find("tonghop_http_requests_total{route=\"unmatched\",status=\"404\"} 1\n") != std::string::npos;
  };
  auto r = tonghop::test::request(d.port(), "GET", "/metrics");
  for (int i = 0; i < 500 && r && !counted(r->body); ++i) {
    std::this_thread::sleep_for(20ms);
    r = tonghop::test::request(d.port(), "GET", "/metrics");
  }
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("Content-Type").value_or("").rfind("text/plain", 0), 0u);
  EXPECT_NE(r->body.find("tonghop_http_requests_total{route=\"/healthz\",status=\"200\"} 3\n"), std::string::npos)
      << r->body;
  EXPECT_NE(r->body.find("tonghop_http_requests_total{route=\"unmatched\",status=\"404\"} 1\n"), std::string::npos);
  // The /metrics request itself is in flight while it is answered.
  EXPECT_NE(r->body.find("tonghop_http_requests_in_flight 1\n"), std::string::npos);
  EXPECT_NE(r->body.find("tonghop_plugins_loaded{kind=\"exporter\"} 1\n"), std::string::npos);
}

TEST(Daemon, SigtermLetsARequestInFlightFinishThenExitsZero) {
  Daemon d(Settings{.read_timeout = 10, .drain_timeout = 5});
  Connection idle("127.0.0.1", d.port());
  ASSERT_TRUE(idle.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"));
  ASSERT_TRUE(idle.receive().has_value());  // now idle, kept alive

  Connection slow("127.0.0.1", d.port());
  ASSERT_TRUE(slow.send("GET /healthz HTTP/1.1\r\nHost: t\r\n"));  // half a request
  std::this_thread::sleep_for(200ms);
  d.process().signal(SIGTERM);
  ASSERT_TRUE(d.process().wait_for_output("draining", 5s));

  EXPECT_TRUE(idle.closed_by_peer(2s)) << "an idle connection is closed at once";
  EXPECT_FALSE(d.process().wait(500ms).has_value()) << "it must wait for the request in flight";
  EXPECT_FALSE(Connection("127.0.0.1", d.port()).connected()) << "no new connections while draining";

  ASSERT_TRUE(slow.send("Connection: keep-alive\r\n\r\n"));
  const auto r = slow.receive(5s);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("Connection").value_or(""), "close") << "no keep-alive while draining";

  const auto code = d.process().wait(3s);
  ASSERT_TRUE(code.has_value()) << d.process().output();
  EXPECT_EQ(*code, 0);
  EXPECT_NE(d.process().output().find("drained; stopping"), std::string::npos);
}

TEST(Daemon, TheDrainIsBounded) {
  Daemon d(Settings{.read_timeout = 60, .drain_timeout = 1});
  Connection stuck("127.0.0.1", d.port());
  ASSERT_TRUE(stuck.send("POST /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nonly part"));
  std::this_thread::sleep_for(200ms);
  const auto t0 = std::chrono::steady_clock::now();
  d.process().signal(SIGTERM);
  const auto code = d.process().wait(5s);
  ASSERT_TRUE(code.has_value()) << "the drain must not wait for a request that never ends";
  EXPECT_EQ(*code, 0);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 3s);
  EXPECT_NE(d.process().output().find("drain bound reached"), std::string::npos);
}

TEST(Daemon, SigintAlsoStopsCleanly) {
  Daemon d;
  d.process().signal(SIGINT);
  const auto code = d.process().wait(5s);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0);
}

TEST(Daemon, SighupReloadsPluginsWithoutDroppingConnections) {
  Daemon d;
  Connection keep("127.0.0.1", d.port());
  ASSERT_TRUE(keep.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"));
  ASSERT_TRUE(keep.receive().has_value());
  EXPECT_EQ(metric(d.port(), "tonghop_plugins_loaded{kind=\"importer\"} "), "0");

  fs::copy_file(fs::path(TONGHOP_TEST_PLUGIN_DIR) / "tonghop-test-hello.so", d.plugins() / "tonghop-hello.so");
  d.process().signal(SIGHUP);
  ASSERT_TRUE(d.process().wait_for_output("reloaded configuration and plugins", 5s)) << d.process().output();

  ASSERT_TRUE(keep.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"));
  const auto r = keep.receive();
  ASSERT_TRUE(r.has_value()) << "the connection opened before SIGHUP still works";
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(metric(d.port(), "tonghop_plugins_loaded{kind=\"importer\"} "), "1");
}

TEST(Daemon, SighupWithABrokenConfigurationKeepsTheOldOne) {
  Daemon d;
  tonghop::test::write_file(d.config(), "[server]\nbody_limit = \"huge\"\n");
  d.process().signal(SIGHUP);
  ASSERT_TRUE(d.process().wait_for_output("reload refused", 5s)) << d.process().output();
  EXPECT_NE(d.process().output().find("server.body_limit"), std::string::npos);
  const auto r = tonghop::test::request(d.port(), "GET", "/healthz");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200);
}

TEST(Daemon, SighupAppliesANewBodyLimit) {
  Daemon d;
  EXPECT_EQ(tonghop::test::request(d.port(), "POST", "/healthz", std::string(2000, 'x'))->status, 413);
  d.write_config(Settings{}, "");
  std::string text = tonghop::test::read_file(d.config());
  text.replace(text.find("\"1 KiB\""), 7, "\"4 KiB\"");
  tonghop::test::write_file(d.config(), text);
  d.process().signal(SIGHUP);
  ASSERT_TRUE(d.process().wait_for_output("reloaded configuration", 5s));
  EXPECT_EQ(tonghop::test::request(d.port(), "POST", "/healthz", std::string(2000, 'x'))->status, 405);
}

// A report asked before a SIGHUP that brings another unit registry is made
// again after it, in every format: the cache was kept by the store's
// generation alone, and the JSON listed 8 districts while a CSV made after
// the reload listed 7.
TEST(Daemon, SighupWithNewUnitsRemakesACachedReport) {
  Daemon d;
  const std::string auth = "Authorization: Bearer " + d.token() + "\r\n";
  auto expected_districts = [&] {
    const auto r = tonghop::test::request(d.port(), "GET", "/api/v1/reports/province?period=2018&format=json", {}, auth);
    if (!r || r->status != 200) return std::size_t{0};
    return boost::json::parse(r->body).at("completeness").at("expected").as_array().size();
  };
  ASSERT_EQ(expected_districts(), 8u);
  std::string units = tonghop::test::read_file(TONGHOP_SOURCE_DIR "/config/units/lai-chau.toml");
  const auto last = units.rfind("[[districts]]");
  ASSERT_NE(last, std::string::npos);
  units.erase(last);  // Nậm Nhùn gone
  const fs::path seven = d.data().parent_path() / "seven.toml";
  tonghop::test::write_file(seven, units);
  // The configuration as it was, its units line pointing at the seven.
  std::string text = tonghop::test::read_file(d.config());
  const std::string was = "units = \"" TONGHOP_SOURCE_DIR "/config/units/lai-chau.toml\"";
  ASSERT_NE(text.find(was), std::string::npos) << text;
  text.replace(text.find(was), was.size(), "units = \"" + seven.string() + "\"");
  tonghop::test::write_file(d.config(), text);
  d.process().signal(SIGHUP);
  ASSERT_TRUE(d.process().wait_for_output("reloaded configuration", 5s)) << d.process().output();
  EXPECT_EQ(expected_districts(), 7u) << text;
}

TEST(DaemonStart, RefusesToStartWithoutAnAdminToken) {
  tonghop::test::TempDir dir;
  Process p({TONGHOPD_PATH, "--listen", "127.0.0.1:0", "--data-dir", (dir.path() / "var").string()}, {},
            {"TONGHOP_ADMIN_TOKEN"}, dir.path());
  const auto code = p.wait(10s);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 1);
  EXPECT_NE(p.output().find("no admin token"), std::string::npos);
  EXPECT_NE(p.output().find("TONGHOP_ADMIN_TOKEN"), std::string::npos);
}

TEST(DaemonStart, TakesTheTokenFromTheEnvironmentAndNeverPrintsIt) {
  tonghop::test::TempDir dir;
  Process p({TONGHOPD_PATH, "--listen", "127.0.0.1:0", "--data-dir", (dir.path() / "var").string(), "--plugins-dir",
             TONGHOP_PLUGIN_DIR},
            {"TONGHOP_ADMIN_TOKEN=s3cret-admin-token-for-the-daemon-tests"}, {}, TONGHOP_SOURCE_DIR);
  ASSERT_TRUE(p.wait_for_output("listening on", 10s)) << p.output();
  EXPECT_NE(p.output().find("admin token from TONGHOP_ADMIN_TOKEN"), std::string::npos);
  EXPECT_EQ(p.output().find("s3cret"), std::string::npos);
  p.signal(SIGTERM);
  EXPECT_EQ(p.wait(5s).value_or(-9), 0);
}

TEST(DaemonStart, ABrokenConfigurationStopsItWithTheLine) {
  tonghop::test::TempDir dir;
  tonghop::test::write_file(dir.path() / "t.toml", "[server]\nthreads = 0\n");
  const auto r = tonghop::test::run({TONGHOPD_PATH, "--config", (dir.path() / "t.toml").string(), "--dev"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("t.toml:2: server.threads"), std::string::npos) << r.output;
}

TEST(DaemonStart, AnAddressInUseIsAClearError) {
  Daemon first;
  tonghop::test::TempDir dir;
  tonghop::test::Process p({TONGHOPD_PATH, "--dev", "--listen", "127.0.0.1:" + std::to_string(first.port()), "--data-dir",
                           (dir.path() / "var").string(), "--plugins-dir", TONGHOP_PLUGIN_DIR},
                          {}, {}, TONGHOP_SOURCE_DIR);
  tonghop::test::RunResult r;
  r.exit_code = p.wait(std::chrono::seconds(20)).value_or(-1);
  r.output = p.output();
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("cannot listen on 127.0.0.1:" + std::to_string(first.port())), std::string::npos) << r.output;
}

// A second daemon on the same data directory, on another port, stored
// returns the first never showed, and a restore waited for the first only
// (an audit lost a return answered 201 so): it is refused at start.
TEST(DaemonStart, ASecondDaemonOnTheSameDataDirectoryIsRefused) {
  Daemon first;
  tonghop::test::TempDir dir;
  tonghop::test::Process p({TONGHOPD_PATH, "--dev", "--listen", "127.0.0.1:0", "--data-dir", first.data().string(),
                           "--plugins-dir", TONGHOP_PLUGIN_DIR},
                          {}, {}, TONGHOP_SOURCE_DIR);
  EXPECT_EQ(p.wait(std::chrono::seconds(20)).value_or(-1), 1) << p.output();
  EXPECT_NE(p.output().find("another tonghopd already serves " + first.data().string()), std::string::npos) << p.output();
  EXPECT_EQ(p.output().find("listening on"), std::string::npos) << p.output();
  EXPECT_EQ(tonghop::test::request(first.port(), "GET", "/healthz")->status, 200) << "the first serves on";
}

// A command (tonghopd report, users) that opened the data directory first
// holds its lock while it runs: a daemon started meanwhile waits for it, and
// serves once it is done.
TEST(DaemonStart, ACommandHoldingTheDataDirectoryIsWaitedFor) {
  tonghop::test::TempDir dir;
  const fs::path data = dir.path() / "var";
  fs::create_directories(data);
  const int fd = ::open((data / "tonghop.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX), 0);
  // What a crash left (a partial raw file, a raw file no submission names):
  // the lock's holder cleans them at its start, the daemon too once it gets
  // the lock late (it skipped the clean-up, the command having done its own).
  const std::string sha(64, 'a');
  fs::create_directories(data / "raw" / "aa");
  tonghop::test::write_file(data / "raw" / "aa" / (sha + ".tmp12345"), "half");
  tonghop::test::write_file(data / "raw" / "aa" / sha, "no submission names it");
  tonghop::test::Process p({TONGHOPD_PATH, "--dev", "--listen", "127.0.0.1:0", "--data-dir", data.string(), "--plugins-dir",
                            TONGHOP_PLUGIN_DIR},
                           {}, {}, TONGHOP_SOURCE_DIR);
  std::this_thread::sleep_for(1500ms);
  EXPECT_FALSE(p.wait(0ms).has_value()) << "waiting, not refused: " << p.output();
  ::close(fd);
  EXPECT_NE(tonghop::test::listening_port(p), 0) << p.output();
  EXPECT_FALSE(fs::exists(data / "raw" / "aa" / (sha + ".tmp12345")));
  EXPECT_FALSE(fs::exists(data / "raw" / "aa" / sha));
  p.signal(SIGTERM);
  EXPECT_EQ(p.wait(10s).value_or(-1), 0);
}

TEST(DaemonStart, UsageErrorsExitTwo) {
  EXPECT_EQ(tonghop::test::run({TONGHOPD_PATH, "--frobnicate"}).exit_code, 2);
  EXPECT_EQ(tonghop::test::run({TONGHOPD_PATH, "--listen"}).exit_code, 2);
  EXPECT_EQ(tonghop::test::run({TONGHOPD_PATH, "explode"}).exit_code, 2);
  const auto help = tonghop::test::run({TONGHOPD_PATH, "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.output.find("tonghopd plugins"), std::string::npos);
}

TEST(PluginsCommand, ListsWhatLoadsAndWhyTheRestWasRefused) {
  tonghop::test::TempDir dir;
  fs::copy_file(fs::path(TONGHOP_PLUGIN_DIR) / "tonghop-export-json.so", dir.path() / "tonghop-export-json.so");
  fs::copy_file(fs::path(TONGHOP_TEST_PLUGIN_DIR) / "tonghop-test-hello.so", dir.path() / "tonghop-hello.so");
  fs::copy_file(fs::path(TONGHOP_TEST_PLUGIN_DIR) / "tonghop-test-wrong-abi.so", dir.path() / "tonghop-future.so");
  const auto r = tonghop::test::run({TONGHOPD_PATH, "plugins", "--plugins-dir", dir.path().string()});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(std::regex_search(r.output, std::regex("\nexport-json +1\\.1\\.0 +exporter +json +3 +tonghop-export-json\\.so")))
      << r.output;
  EXPECT_TRUE(std::regex_search(r.output, std::regex("\nhello +0\\.1\\.0 +importer +hello +3 +tonghop-hello\\.so")))
      << r.output;
  EXPECT_NE(r.output.find("refused:\n  tonghop-future.so: built for SDK ABI version 4"), std::string::npos) << r.output;
}

TEST(PluginsCommand, AMissingDirectoryIsAnError) {
  const auto r = tonghop::test::run({TONGHOPD_PATH, "plugins", "--plugins-dir", "/nonexistent/plugins"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("/nonexistent/plugins does not exist"), std::string::npos);
}

TEST(Daemon, SighupAppliesANewUploadLimitToTheSubmissionsRoute) {
  Daemon d;
  d.write_config(Settings{}, "[limits]\nmax_input_size = \"100 KiB\"\n");
  d.process().signal(SIGHUP);
  ASSERT_TRUE(d.process().wait_for_output("reloaded configuration", 5s));
  const std::string upload(300 * 1024, 'x');
  const std::string auth = "Authorization: Bearer " + d.token() + "\r\n";
  EXPECT_EQ(tonghop::test::request(d.port(), "POST", "/api/v1/submissions?district=x&period=2018", upload, auth)->status, 413);
  d.write_config(Settings{}, "[limits]\nmax_input_size = \"1 MiB\"\n");
  d.process().signal(SIGHUP);
  auto reloads = [&] {
    const std::string out = d.process().output();
    std::size_t n = 0;
    for (auto at = out.find("reloaded configuration and plugins"); at != std::string::npos;
         at = out.find("reloaded configuration and plugins", at + 1))
      ++n;
    return n;
  };
  for (int i = 0; i < 250 && reloads() < 2; ++i) std::this_thread::sleep_for(20ms);
  ASSERT_EQ(reloads(), 2u) << d.process().output();
  // Now read whole, and answered by the route: no such district.
  EXPECT_EQ(tonghop::test::request(d.port(), "POST", "/api/v1/submissions?district=x&period=2018", upload, auth)->status, 422);
}

// An admin token can do everything: a short one is refused at start, with
// the way to make a good one.
TEST(DaemonStart, AnAdminTokenShorterThan32CharactersIsRefused) {
  tonghop::test::TempDir dir;
  tonghop::test::Process p({TONGHOPD_PATH, "--listen", "127.0.0.1:0", "--data-dir", (dir.path() / "var").string()},
                           {"TONGHOP_ADMIN_TOKEN=a"}, {}, TONGHOP_SOURCE_DIR);
  ASSERT_EQ(p.wait(10s).value_or(-1), 1) << p.output();
  EXPECT_NE(p.output().find("TONGHOP_ADMIN_TOKEN has 1 characters; it needs at least 32"), std::string::npos)
      << p.output();
  EXPECT_NE(p.output().find("openssl rand -hex 24"), std::string::npos);
  const auto file = dir.path() / "admin.token";
  tonghop::test::write_file(file, "0123456789abcdef0123456789abcde\n");  // 31
  tonghop::test::write_file(dir.path() / "t.toml", "[auth]\nadmin_token_file = \"" + file.string() + "\"\n");
  const auto r = tonghop::test::run({TONGHOPD_PATH, "--config", (dir.path() / "t.toml").string(), "--data-dir",
                                     (dir.path() / "var").string(), "--listen", "127.0.0.1:0"},
                                    {}, 10s);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("has 31 characters; it needs at least 32"), std::string::npos) << r.output;
}

// The admin token from [auth] admin_token_file: its first line, without the
// line's end or trailing spaces (read so that no copy is left behind).
TEST(DaemonStart, TheAdminTokenFileGivesItsFirstLine) {
  tonghop::test::TempDir dir;
  const std::string token = "file-token-0123456789abcdef0123456789abcdef";
  const auto file = dir.path() / "admin.token";
  tonghop::test::write_file(file, token + " \r\nsecond line\n");
  // Its plugins, so that a SIGHUP's reload is taken (one that finds none is refused whole).
  tonghop::test::write_file(dir.path() / "t.toml", "[paths]\nplugins_dir = \"" TONGHOP_PLUGIN_DIR "\"\n[auth]\nadmin_token_file = \"" +
                                                      file.string() + "\"\n");
  tonghop::test::Process p({TONGHOPD_PATH, "--config", (dir.path() / "t.toml").string(), "--data-dir",
                            (dir.path() / "var").string(), "--listen", "127.0.0.1:0"},
                           {}, {}, TONGHOP_SOURCE_DIR);
  const auto port = tonghop::test::listening_port(p);
  ASSERT_NE(port, 0) << p.output();
  const auto with = [&](const std::string& t) {
    return tonghop::test::request(port, "GET", "/api/v1/submissions?period=2018", {}, "Authorization: Bearer " + t + "\r\n");
  };
  EXPECT_EQ(with(token)->status, 200);
  EXPECT_EQ(with(token.substr(0, token.size() - 1))->status, 401);
  EXPECT_EQ(with("second line")->status, 401);
  // A new token in the file and a SIGHUP: it replaces the old one (a leaked
  // token revoked without a restart), and the log says so.
  const std::string rotated = "file-token-rotated-0123456789abcdef0123456789";
  tonghop::test::write_file(file, rotated + "\n");
  p.signal(SIGHUP);
  EXPECT_TRUE(p.wait_for_output("the admin token is now the one in " + file.string(), 5s)) << p.output();
  EXPECT_TRUE(p.wait_for_output("reloaded configuration and plugins", 5s)) << p.output();
  EXPECT_EQ(with(token)->status, 401) << "the old token still works";
  EXPECT_EQ(with(rotated)->status, 200);
  // A file that cannot be read then: the token in use stays, and the log says why.
  tonghop::test::write_file(file, "short\n");
  p.signal(SIGHUP);
  EXPECT_TRUE(p.wait_for_output("the admin token in use stays", 5s)) << p.output();
  EXPECT_EQ(with(rotated)->status, 200);
  p.signal(SIGTERM);
  EXPECT_EQ(p.wait(10s).value_or(-1), 0) << p.output();

  // A first line longer than what is read is refused, never hashed cut short.
  tonghop::test::write_file(file, std::string(5000, 'a') + "\n");
  const auto r = tonghop::test::run({TONGHOPD_PATH, "--config", (dir.path() / "t.toml").string(), "--data-dir",
                                     (dir.path() / "var").string(), "--listen", "127.0.0.1:0"},
                                    {}, 10s);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("is longer than 4096 bytes"), std::string::npos) << r.output;
  // A file that is not there, or empty: the reason is said.
  fs::remove(file);
  const auto missing = tonghop::test::run({TONGHOPD_PATH, "--config", (dir.path() / "t.toml").string(), "--data-dir",
                                           (dir.path() / "var").string(), "--listen", "127.0.0.1:0"},
                                          {}, 10s);
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.output.find("cannot read the admin token file " + file.string() + ": No such file or directory"),
            std::string::npos)
      << missing.output;
  tonghop::test::write_file(file, "");
  const auto empty = tonghop::test::run({TONGHOPD_PATH, "--config", (dir.path() / "t.toml").string(), "--data-dir",
                                         (dir.path() / "var").string(), "--listen", "127.0.0.1:0"},
                                        {}, 10s);
  EXPECT_NE(empty.output.find(file.string() + ": it is empty"), std::string::npos) << empty.output;
  fs::remove(file);
  fs::create_directories(file);  // a folder where the file should be
  const auto folder = tonghop::test::run({TONGHOPD_PATH, "--config", (dir.path() / "t.toml").string(), "--data-dir",
                                          (dir.path() / "var").string(), "--listen", "127.0.0.1:0"},
                                         {}, 10s);
  EXPECT_EQ(folder.exit_code, 1);
  EXPECT_NE(folder.output.find(file.string() + ": Is a directory"), std::string::npos) << folder.output;
}

// Auth before bytes: no token, a body of 50 MB announced with "Expect:
// 100-continue" and none of it sent. The answer is 401 at once, never "100
// Continue"; the server does not wait for the body.
TEST(Daemon, AnUnauthenticatedUploadIs401FromItsHead) {
  Daemon d;
  Connection c("127.0.0.1", d.port());
  ASSERT_TRUE(c.send("POST /api/v1/submissions?district=x&period=2018 HTTP/1.1\r\nHost: t\r\n"
                     "Expect: 100-continue\r\nContent-Length: 50000000\r\n\r\n"));
  const auto r = c.receive(5s);
  ASSERT_TRUE(r.has_value()) << "no answer before the body";
  EXPECT_EQ(r->status, 401) << r->head;
  EXPECT_EQ(r->head.find("100 Continue"), std::string::npos);
  EXPECT_TRUE(c.closed_by_peer(5s));
}

TEST(Daemon, Http11WithoutHostIs400) {
  Daemon d;
  Connection c("127.0.0.1", d.port());
  ASSERT_TRUE(c.send("GET /healthz HTTP/1.1\r\n\r\n"));
  const auto r = c.receive(5s);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("Host"), std::string::npos) << r->body;
  // HTTP/1.0 needs none.
  Connection old("127.0.0.1", d.port());
  ASSERT_TRUE(old.send("GET /healthz HTTP/1.0\r\n\r\n"));
  const auto ok = old.receive(5s);
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->status, 200);
}

// Wrong tokens: a burst of 10 per address, then 429 with Retry-After, for
// the right token too; each failure is logged.
TEST(Daemon, GuessedTokensAreLimitedPerAddressAndLogged) {
  Daemon d;
  std::vector<int> statuses;
  for (int i = 0; i < 20 && (statuses.empty() || statuses.back() != 429); ++i)
    statuses.push_back(tonghop::test::request(d.port(), "GET", "/api/v1/submissions?period=2018", "",
                                              "Authorization: Bearer guess-" + std::to_string(i) + "\r\n")
                           ->status);
  ASSERT_EQ(statuses.size(), 11u);
  for (std::size_t i = 0; i < 10; ++i) EXPECT_EQ(statuses[i], 401) << i;
  const auto blocked = tonghop::test::request(d.port(), "GET", "/api/v1/submissions?period=2018", "",
                                              "Authorization: Bearer " + d.token() + "\r\n");
  EXPECT_EQ(blocked->status, 429);
  EXPECT_TRUE(blocked->header("Retry-After").has_value());
  EXPECT_NE(d.process().output().find("authentication failed from 127.0.0.1 for GET /api/v1/submissions"),
            std::string::npos);
  // Open routes stay open, and count what happened.
  EXPECT_EQ(tonghop::test::request(d.port(), "GET", "/healthz")->status, 200);
  const std::string metrics = tonghop::test::request(d.port(), "GET", "/metrics")->body;
  EXPECT_NE(metrics.find("\ntonghop_auth_failures_total 10\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("\ntonghop_auth_throttled_total 2\n"), std::string::npos) << metrics;
}

// A SIGHUP naming a plugins directory that gives no plugin (a typo) would
// leave the daemon unable to read or write anything: refused, the old set kept.
TEST(Daemon, SighupThatWouldLeaveNoPluginsIsRefused) {
  Daemon d;
  d.write_config(Settings{}, "");
  auto text = tonghop::test::read_file(d.config());
  text.replace(text.find(d.plugins().string()), d.plugins().string().size(), "/nonexistent/plugins");
  tonghop::test::write_file(d.config(), text);
  d.process().signal(SIGHUP);
  ASSERT_TRUE(d.process().wait_for_output("reload refused", 5s)) << d.process().output();
  EXPECT_NE(d.process().output().find("/nonexistent/plugins gives no plugin at all"), std::string::npos);
  EXPECT_EQ(metric(d.port(), "tonghop_plugins_loaded{kind=\"exporter\"} "), "1");
}
