// The zygote killed (the OOM killer chooses it, or an administrator's kill):
// the return it was reading is answered 503 with Retry-After, saying nothing
// was stored, and the next return is read by a zygote started again from the
// daemon's own program (docs/isolation.md, "When the zygote dies"); one
// that cannot load the configuration as it now is on disk makes a 503, not
// a refusal of the file. Through the real daemon over a real socket.
#include "isolation/isolated_daemon.hpp"

#include <future>

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;
using namespace tonghop::test::isolation;

namespace {

std::string comm(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/comm");
  std::string name;
  std::getline(in, name);
  return name;
}

// The daemon's one child, the zygote, after waiting for there to be one that is alive.
pid_t zygote_of(pid_t daemon) {
  for (int i = 0; i < 250; ++i) {
    const auto children = children_of(daemon);
    if (children.size() == 1 && alive(*children.begin()) && comm(*children.begin()) == "tonghopd-zygote")
      return *children.begin();
    std::this_thread::sleep_for(20ms);
  }
  return -1;
}

// /metrics' count of zygotes found gone with this result ("started", "failed"); -1 when it has no such line.
long restarts(Tonghopd& d, const std::string& result) {
  const auto m = d.call("GET", "/metrics");
  if (!m || m->status != 200) return -1;
  const std::string line = "tonghop_import_zygote_restarts_total{result=\"" + result + "\"} ";
  const auto at = m->body.find(line);
  return at == std::string::npos ? -1 : std::stol(m->body.substr(at + line.size()));
}

TEST(Zygote, KilledItIsStartedAgainAndTheNextReturnIsRead) {
  Tonghopd d(Options{.max_seconds = 20});
  ASSERT_NE(d.port(), 0) << d.process().output();
  const pid_t daemon = d.process().pid();
  ASSERT_EQ(d.submit("phong-tho.csv", tonghop::test::read_file(kSample))->status, 201);
  const pid_t first = zygote_of(daemon);
  ASSERT_GT(first, 0);

  // The first return's child may still be ending after its answer: gone
  // first, so that the child seen next is the one reading the return below.
  for (int i = 0; i < 250 && !imports_of(daemon).empty(); ++i) std::this_thread::sleep_for(20ms);
  ASSERT_TRUE(imports_of(daemon).empty());
  // A return being read when the zygote is killed.
  auto reading = std::async(std::launch::async, [&] { return d.submit("loop.txt", "TONGHOP TEST LOOP\n"); });
  for (int i = 0; i < 250 && imports_of(daemon).empty(); ++i) std::this_thread::sleep_for(20ms);
  ASSERT_EQ(imports_of(daemon).size(), 1u);
  ASSERT_EQ(::kill(first, SIGKILL), 0);
  ASSERT_EQ(reading.wait_for(10s), std::future_status::ready) << "answered once its zygote is gone";
  const auto cut = reading.get();
  ASSERT_TRUE(cut);
  EXPECT_EQ(cut->status, 503) << cut->body;
  EXPECT_EQ(cut->header("Retry-After").value_or(""), "5");
  const auto [code, message] = refusal(*cut);
  EXPECT_EQ(code, "import_unavailable");
  // Its words name the wait its Retry-After asks.
  EXPECT_NE(message.find("chưa có gì được lưu, xin gửi lại sau 5 giây / "), std::string::npos) << message;
  EXPECT_NE(message.find(" / the import could not be run: the import zygote is gone; nothing was stored; send it again "
                         "in 5 seconds"),
            std::string::npos)
      << message;

  // The next return: read and stored by another zygote.
  const auto other = d.submit("phong-tho-2.csv", tonghop::test::read_file(kSample) + "\n");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 201) << other->body;
  const pid_t second = zygote_of(daemon);
  ASSERT_GT(second, 0) << "one zygote, alive: the dead one reaped, no zombie beside it";
  EXPECT_NE(second, first);
  // It is the daemon's program become a zygote, not a second daemon.
  EXPECT_EQ(fs::read_symlink("/proc/" + std::to_string(second) + "/exe"), fs::read_symlink("/proc/" + std::to_string(daemon) + "/exe"));
  EXPECT_TRUE(d.healthy());
  EXPECT_EQ(restarts(d, "started"), 1);  // what an IT officer's monitoring sees
  EXPECT_EQ(restarts(d, "failed"), 0);
  // A hostile importer is still refused in its own child, naming it.
  const auto crash = d.submit("hostile.txt", "TONGHOP TEST SEGFAULT\n1,2,3\n");
  ASSERT_TRUE(crash);
  EXPECT_EQ(crash->status, 422) << crash->body;
  EXPECT_EQ(refusal(*crash).first, "plugin_crashed");

  // Killed again while the configuration on disk no longer loads: the one
  // started again says so and ends, and the return is the daemon's 503, to
  // be sent again, never a refusal of the file.
  const fs::path config = d.data().parent_path() / "tonghop.toml";
  const std::string good = tonghop::test::read_file(config.string());
  tonghop::test::write_file(config, good + "\n[limits\n");
  ASSERT_EQ(::kill(second, SIGKILL), 0);
  for (int i = 0; i < 250 && alive(second); ++i) std::this_thread::sleep_for(20ms);
  const auto unloadable = d.submit("phong-tho-3.csv", tonghop::test::read_file(kSample) + "\n\n");
  ASSERT_TRUE(unloadable);
  EXPECT_EQ(unloadable->status, 503) << unloadable->body;
  EXPECT_EQ(unloadable->header("Retry-After").value_or(""), "5");
  EXPECT_EQ(refusal(*unloadable).first, "import_unavailable");
  EXPECT_NE(refusal(*unloadable).second.find("could not load"), std::string::npos) << unloadable->body;
  EXPECT_TRUE(children_of(daemon).empty()) << "the one that could not load is reaped";
  // A dry run meets the same 503, its Retry-After too.
  const auto tried = d.call("POST", "/api/v1/check?district=Phong%20Th%E1%BB%95&period=2018&filename=p.csv",
                            tonghop::test::read_file(kSample));
  ASSERT_TRUE(tried);
  EXPECT_EQ(tried->status, 503) << tried->body;
  EXPECT_EQ(tried->header("Retry-After").value_or(""), "5");
  EXPECT_EQ(refusal(*tried).first, "import_unavailable");
  // The configuration mended: the next return is read.
  tonghop::test::write_file(config, good);
  const auto mended = d.submit("phong-tho-3.csv", tonghop::test::read_file(kSample) + "\n\n");
  ASSERT_TRUE(mended);
  EXPECT_EQ(mended->status, 201) << mended->body;
  const pid_t third = zygote_of(daemon);
  ASSERT_GT(third, 0);
  // Each return while the configuration was broken tried once, and failed;
  // the watcher (every 2 s) may have tried once before them, never again.
  EXPECT_EQ(restarts(d, "started"), 2);
  EXPECT_GE(restarts(d, "failed"), 2);
  EXPECT_LE(restarts(d, "failed"), 3);

  // The daemon killed outright (no shutdown of its own runs): the zygote
  // started again goes with it, as its control socket closes.
  d.process().signal(SIGKILL);
  const auto status = d.process().wait(10s);
  ASSERT_TRUE(status.has_value());
  for (int i = 0; i < 100 && alive(third); ++i) std::this_thread::sleep_for(20ms);
  EXPECT_FALSE(alive(third));
  const std::string log = d.process().output();
  EXPECT_NE(log.find("was gone (killed by signal 9); started it again (pid " + std::to_string(second) + ")"), std::string::npos)
      << log;
  EXPECT_NE(log.find("was gone (killed by signal 9); the import zygote is gone and the one started again could not load: "),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("started it again (pid " + std::to_string(third) + ")"), std::string::npos) << log;
  // The returns turned away are the IT officer's to see, with the reason.
  EXPECT_NE(log.find("[error] return not stored (503) for Phong Thổ 2018 from admin: Máy chủ tạm thời không đọc được tệp"),
            std::string::npos)
      << log;
}

}  // namespace

// A zygote that dies while no return comes (the OOM killer at night) is
// reaped and started again within seconds, not left a zombie until the next
// return, which then would wait for the restart.
TEST(Zygote, KilledWhileIdleItIsReapedAndStartedAgainWithoutWaitingForAReturn) {
  Tonghopd d(Options{.max_seconds = 20});
  ASSERT_NE(d.port(), 0) << d.process().output();
  const pid_t daemon = d.process().pid();
  const pid_t first = zygote_of(daemon);
  ASSERT_GT(first, 0);
  ASSERT_EQ(::kill(first, SIGKILL), 0);
  // Counted once the new one said it is ready (the watcher looks every 2 s).
  for (int i = 0; i < 400 && restarts(d, "started") != 1; ++i) std::this_thread::sleep_for(20ms);
  ASSERT_EQ(restarts(d, "started"), 1) << "started again without a return: " << d.process().output();
  const pid_t second = zygote_of(daemon);
  ASSERT_GT(second, 0);
  EXPECT_NE(second, first);
  EXPECT_FALSE(fs::exists("/proc/" + std::to_string(first))) << "the dead one reaped, not a zombie";
  EXPECT_NE(d.process().output().find("was gone (killed by signal 9); started it again"), std::string::npos)
      << d.process().output();
  const auto next = d.submit("phong-tho.csv", tonghop::test::read_file(kSample));
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 201) << next->body;
  EXPECT_EQ(zygote_of(daemon), second) << "read by the one started again, no second restart";
  EXPECT_EQ(restarts(d, "started"), 1);
}
