// The command line from anywhere (issue 16, item 7): the built tonghopd run
// from a folder that is not the source tree, with its configuration
// elsewhere; the installed defaults; the errors a user sees; the Board's
// time zone; a file sent without a name.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "support/daemon.hpp"

namespace json = boost::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using tonghop::test::Process;

namespace {

const std::string kAdmin = "admin-token-for-the-anywhere-tests-0123456789";
const std::string kSample = TONGHOP_SOURCE_DIR "/tests/data/lai-chau/2018/than-uyen.xlsx";

struct Ran {
  int exit_code = -1;
  std::string output;
};
// tonghopd with these arguments, started in `cwd`.
Ran run_in(const fs::path& cwd, std::vector<std::string> args, std::vector<std::string> env = {},
           const std::string& binary = TONGHOPD_PATH) {
  args.insert(args.begin(), binary);
  Process p(args, env, {}, cwd);
  Ran r;
  r.exit_code = p.wait(60s).value_or(-1);
  r.output = p.output();
  return r;
}

// The shipped configuration folder (tonghop.toml, the catalogue, units,
// profiles) copied to `to`: its relative paths then name the copies.
void copy_config(const fs::path& to) {
  fs::create_directories(to);
  fs::copy(TONGHOP_SOURCE_DIR "/config", to, fs::copy_options::recursive);
}

}  // namespace

TEST(Anywhere, CheckRunsFromAnotherFolderWithTheConfigurationElsewhere) {
  tonghop::test::TempDir dir;
  copy_config(dir.path() / "site" / "conf");
  fs::create_directories(dir.path() / "elsewhere");
  const auto r = run_in(dir.path() / "elsewhere",
                        {"check", kSample, "--district", "Than Uyên", "--period", "2018", "--format", "json", "--config",
                         (dir.path() / "site" / "conf" / "tonghop.toml").string(), "--plugins-dir", TONGHOP_PLUGIN_DIR});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(json::parse(r.output).at("records").as_array().size(), 45u);
  // The same with a relative --config, from /tmp's point of view of a sibling folder.
  const auto rel = run_in(dir.path() / "elsewhere",
                          {"check", kSample, "--district", "Than Uyên", "--period", "2018", "--config",
                           "../site/conf/tonghop.toml", "--plugins-dir", TONGHOP_PLUGIN_DIR});
  EXPECT_EQ(rel.exit_code, 0) << rel.output;
}

// An installed tonghopd finds <prefix>/etc/tonghop/tonghop.toml without
// --config, from a folder without ./config.
TEST(Anywhere, AnInstalledTonghopdFindsItsConfigurationWithoutConfig) {
  tonghop::test::TempDir dir;
  fs::create_directories(dir.path() / "prefix" / "bin");
  fs::copy_file(TONGHOPD_PATH, dir.path() / "prefix" / "bin" / "tonghopd");
  copy_config(dir.path() / "prefix" / "etc" / "tonghop");
  fs::create_directories(dir.path() / "work");
  const auto r = run_in(dir.path() / "work",
                        {"check", kSample, "--district", "Than Uyên", "--period", "2018", "--plugins-dir", TONGHOP_PLUGIN_DIR},
                        {}, (dir.path() / "prefix" / "bin" / "tonghopd").string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("ACCEPTED"), std::string::npos) << r.output;
}

TEST(Anywhere, AMissingFileIsNamedWithAHintAboutConfig) {
  tonghop::test::TempDir dir;
  const auto missing = run_in(dir.path(), {"check", kSample, "--district", "Than Uyên", "--period", "2018", "--config",
                                           "nowhere.toml"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.output.find("--config nowhere.toml: there is no such file (relative to " + dir.path().string() + ")"),
            std::string::npos)
      << missing.output;
  // No configuration anywhere (and none installed on this machine): the file
  // the built-in defaults name, and how to name a configuration.
  if (!fs::exists("/etc/tonghop/tonghop.toml")) {
    const auto none = run_in(dir.path(), {"check", kSample, "--district", "Than Uyên", "--period", "2018"});
    EXPECT_EQ(none.exit_code, 2);
    EXPECT_NE(none.output.find("config/indicators.toml"), std::string::npos) << none.output;
    EXPECT_NE(none.output.find("no configuration file was found"), std::string::npos) << none.output;
    EXPECT_NE(none.output.find("--config FILE"), std::string::npos) << none.output;
  }
  // A configuration naming a catalogue that is not there: named, with where it was looked for.
  tonghop::test::write_file(dir.path() / "c" / "t.toml", "[normalise]\ncatalogue = \"fields.toml\"\n");
  const auto bad = run_in(dir.path(), {"check", kSample, "--district", "Than Uyên", "--period", "2018", "--config",
                                       (dir.path() / "c" / "t.toml").string()});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.output.find((dir.path() / "c" / "fields.toml").string()), std::string::npos) << bad.output;
  EXPECT_NE(bad.output.find("taken from its folder"), std::string::npos) << bad.output;
}

TEST(Anywhere, UsageErrorsNameTheArgument) {
  tonghop::test::TempDir dir;
  auto says = [&](std::vector<std::string> args, const std::string& text) {
    const auto r = run_in(dir.path(), args);
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find(text), std::string::npos) << r.output;
  };
  says({"check", "a.csv", "--listen", "127.0.0.1:1"}, "'--listen' is not an option of `tonghopd check`");
  says({"check", "a.csv", "b.csv"}, "unexpected argument 'b.csv'");
  says({"check", "a.csv", "--district", "Than Uyên"}, "missing: --period P");
  says({"check", "--period", "2018"}, "missing: FILE, --district D");
  says({"check", "a.csv", "--district", "X", "--period", "2018", "--format", "xml"}, "--format 'xml'");
  says({"report", "-o", "x.json"}, "report needs --period P");
  says({"report", "--period", "someday", "-o", "x.json"}, "--period 'someday' is not a period");
  says({"report", "--period", "2018"}, "report needs -o FILE");
  says({"report", "--period", "2018", "--frobnicate"}, "unknown option '--frobnicate'");
  says({"restore"}, "restore needs FOLDER");
  says({"frobnicate"}, "unknown command 'frobnicate'");
}

TEST(Anywhere, ReportRefusesADataDirectoryWithoutADatabase) {
  tonghop::test::TempDir dir;
  const auto r = run_in(dir.path(), {"report", "--period", "2018", "--format", "json", "-o", "r.json", "--config",
                                     TONGHOP_SOURCE_DIR "/config/tonghop.toml", "--plugins-dir", TONGHOP_PLUGIN_DIR,
                                     "--data-dir", (dir.path() / "nothing").string()});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("holds no database"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir.path() / "nothing" / "tonghop.db")) << "no empty database made";
  EXPECT_FALSE(fs::exists(dir.path() / "r.json")) << "no all-missing report written";
}

// `-o -`: the report on standard output, from another folder, in the Board's
// time zone whatever the machine's (TZ=UTC here); a file sent without a name
// named from its district, period and format.
TEST(Anywhere, ReportToStandardOutputInTheBoardsTimeZone) {
  tonghop::test::ServedDaemon d(kAdmin);
  ASSERT_NE(d.port, 0);
  const auto up = d.request("POST", "/api/v1/submissions?district=Than%20Uy%C3%AAn&period=2018",
                            tonghop::test::read_file(kSample));
  ASSERT_TRUE(up && up->status == 201) << (up ? up->body : "");
  const auto s = json::parse(up->body).as_object();
  EXPECT_EQ(s.at("filename").as_string(), "than-uyen-2018.xlsx");
  const std::string at(s.at("received_at").as_string());
  EXPECT_TRUE(at.ends_with("+07:00")) << at;

  tonghop::test::TempDir elsewhere;
  const auto r = run_in(elsewhere.path(), {"report", "--period", "2018", "--format", "json", "-o", "-", "--config",
                                           (d.dir.path() / "tonghop.toml").string()},
                        {"TZ=UTC"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto report = json::parse(r.output);
  EXPECT_TRUE(std::string(report.at("generated_at").as_string()).ends_with("+07:00")) << r.output.substr(0, 300);
  EXPECT_TRUE(fs::is_empty(elsewhere.path())) << "nothing written where it ran";

  // Another zone in the configuration: times in it.
  tonghop::test::write_file(d.dir.path() / "utc.toml", tonghop::test::read_file(d.dir.path() / "tonghop.toml") +
                                                           "[time]\ntimezone = \"-03:30\"\n");
  const auto other = run_in(elsewhere.path(), {"report", "--period", "2018", "--format", "json", "-o", "-",
                                               "--config", (d.dir.path() / "utc.toml").string()});
  ASSERT_EQ(other.exit_code, 0) << other.output;
  EXPECT_TRUE(std::string(json::parse(other.output).at("generated_at").as_string()).ends_with("-03:30"));
}

// The daemon's own times (received_at) in the Board's zone though its
// environment says UTC.
TEST(Anywhere, TheDaemonWritesTimesInTheBoardsZone) {
  tonghop::test::TempDir dir;
  tonghop::test::write_file(dir.path() / "tonghop.toml",
                            "[server]\nlisten = \"127.0.0.1:0\"\n[paths]\ndata_dir = \"var\"\nplugins_dir = \"" TONGHOP_PLUGIN_DIR
                            "\"\n[inbox]\nscan_milliseconds = 0\n" + tonghop::test::normalise_section());
  tonghop::test::TempDir cwd;
  Process p({TONGHOPD_PATH, "--config", (dir.path() / "tonghop.toml").string()}, {"TONGHOP_ADMIN_TOKEN=" + kAdmin, "TZ=UTC"},
            {}, cwd.path());
  const auto port = tonghop::test::listening_port(p);
  ASSERT_NE(port, 0) << p.output();
  const auto up = tonghop::test::request(port, "POST", "/api/v1/submissions?district=Than%20Uy%C3%AAn&period=2018",
                                         tonghop::test::read_file(kSample), "Authorization: Bearer " + kAdmin + "\r\n");
  ASSERT_TRUE(up && up->status == 201) << (up ? up->body : "");
  EXPECT_TRUE(std::string(json::parse(up->body).at("received_at").as_string()).ends_with("+07:00")) << up->body;
  // data_dir = "var" was taken from the configuration's folder, not the working directory.
  EXPECT_TRUE(fs::exists(dir.path() / "var" / "tonghop.db"));
  EXPECT_FALSE(fs::exists(cwd.path() / "var"));
}

// A start that fails because the port is taken: a clear line, no token, no
// library internals.
TEST(Anywhere, APortInUseIsSaidPlainlyWithoutAToken) {
  tonghop::test::ServedDaemon first(kAdmin);
  ASSERT_NE(first.port, 0);
  tonghop::test::TempDir dir;
  const auto r = run_in(TONGHOP_SOURCE_DIR, {"--dev", "--listen", "127.0.0.1:" + std::to_string(first.port), "--data-dir",
                                             (dir.path() / "var").string(), "--plugins-dir", TONGHOP_PLUGIN_DIR});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("cannot listen on 127.0.0.1:" + std::to_string(first.port) + ": Address already in use"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("--listen HOST:PORT"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("dev-"), std::string::npos) << "no token for a daemon that never served: " << r.output;
  EXPECT_EQ(r.output.find("token (--dev)"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find(".hpp"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("system:"), std::string::npos) << r.output;
}
