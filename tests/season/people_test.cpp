// People (issue 16 item 1, issue 17 item 1) through the real daemon, a real
// socket and the real database: tokens named, owned, listed and revoked;
// users made, disabled and reset by an admin; signing in with a session
// cookie, its CSRF token, the lockout; the first admin from the command line.
#include <sodium.h>
#include <sys/resource.h>

#include <cstring>
#include <fstream>
#include <thread>

#include "season/season_daemon.hpp"

namespace json = boost::json;
using namespace std::chrono_literals;
using namespace tonghop::test;

namespace {

const std::string kJson = "Content-Type: application/json\r\n";

Answer sign_in(const SeasonDaemon& d, const std::string& name, const std::string& password) {
  return d.call("POST", "/api/v1/session", "", "{\"name\":\"" + name + "\",\"password\":\"" + password + "\"}", kJson);
}

// "tonghop_session=..." out of Set-Cookie.
std::string cookie_of(const Answer& a) {
  const std::string set = a.header("Set-Cookie");
  return set.substr(0, set.find(';'));
}

std::size_t user_count(const SeasonDaemon& d) {
  const auto r = d.call("GET", "/api/v1/users");
  EXPECT_EQ(r.status, 200) << r.body;
  return r.status == 200 ? r.json().at("users").as_array().size() : 0;
}

}  // namespace

TEST(People, TokensAreNamedListedWithoutTheirSecretAndARevokedOneIsRefusedAtOnce) {
  SeasonDaemon d;
  const auto made = d.call("POST", "/api/v1/tokens", kSeasonAdmin,
                           "{\"role\":\"district\",\"district\":\"Than Uyên\",\"name\":\"clerk of Than Uyên\"}");
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string secret(made.json().at("token").as_string());
  const std::int64_t id = made.json().at("id").as_int64();
  EXPECT_EQ(made.json().at("name"), "clerk of Than Uyên");
  EXPECT_TRUE(made.json().at("owner").is_null());  // made with the configuration's token
  const std::string viewer = d.viewer();

  const auto listed = d.call("GET", "/api/v1/tokens");
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(listed.body.find(secret), std::string::npos);  // never shown again
  ASSERT_EQ(listed.json().at("tokens").as_array().size(), 2u);
  const json::value first = listed.json().at("tokens").at(0);
  EXPECT_EQ(first.at("id").as_int64(), id);
  EXPECT_EQ(first.at("district"), "Than Uyên");
  EXPECT_EQ(first.at("created_by"), "admin");
  EXPECT_TRUE(first.at("revoked_at").is_null());
  // Listing and revoking are the admin's.
  EXPECT_EQ(d.call("GET", "/api/v1/tokens", viewer).status, 403);
  EXPECT_EQ(d.call("GET", "/api/v1/tokens", secret).status, 403);
  EXPECT_EQ(d.call("DELETE", "/api/v1/tokens/" + std::to_string(id), secret).status, 403);

  EXPECT_EQ(d.call("GET", "/api/v1/submissions?period=2018", secret).status, 200);
  const auto revoked = d.call("DELETE", "/api/v1/tokens/" + std::to_string(id));
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  // At once: the next request with it is 401, and so is an upload.
  EXPECT_EQ(d.call("GET", "/api/v1/submissions?period=2018", secret).status, 401);
  EXPECT_EQ(d.submit(secret, "Than Uyên", "2018", kLaiChau + "2018/than-uyen.xlsx").status, 401);
  EXPECT_EQ(d.call("GET", "/api/v1/submissions?period=2018", viewer).status, 200);  // the other one still works

  // Bad input: nothing changes.
  EXPECT_EQ(d.call("DELETE", "/api/v1/tokens/" + std::to_string(id)).code(), "already_revoked");
  EXPECT_EQ(d.call("DELETE", "/api/v1/tokens/9999").status, 404);
  EXPECT_EQ(d.call("DELETE", "/api/v1/tokens/1abc").status, 404);
  EXPECT_EQ(d.call("POST", "/api/v1/tokens", kSeasonAdmin, "{\"role\":\"viewer\",\"owner\":\"nobody\"}").code(), "unknown_user");
  const auto after = d.call("GET", "/api/v1/tokens").json().at("tokens").as_array();
  ASSERT_EQ(after.size(), 2u);
  EXPECT_FALSE(after[0].at("revoked_at").is_null());

  const auto trail = actions(d);
  EXPECT_EQ(std::count(trail.begin(), trail.end(), "token.create"), 2);
  EXPECT_EQ(std::count(trail.begin(), trail.end(), "token.revoke"), 1);
  // The trail is the admin's; filtered by district and time.
  EXPECT_EQ(d.call("GET", "/api/v1/audit", viewer).status, 403);
  EXPECT_EQ(actions(d, "?district=" + url("than uyen")), (std::vector<std::string>{"token.create"}));
  EXPECT_TRUE(actions(d, "?since=2999-01-01").empty());
  EXPECT_EQ(d.call("GET", "/api/v1/audit?since=yesterday").status, 400);
  EXPECT_EQ(d.call("GET", "/api/v1/audit?district=Atlantis").status, 400);
}

TEST(People, AnAdminMakesDisablesAndResetsUsersAndBadInputChangesNothing) {
  SeasonDaemon d;
  const std::string viewer = d.viewer();
  const auto made = d.call("POST", "/api/v1/users", kSeasonAdmin,
                           "{\"name\":\"lan.tu\",\"role\":\"district\",\"district\":\"than uyen\",\"password\":\"Mùa báo cáo 2025\"}");
  ASSERT_EQ(made.status, 201) << made.body;
  EXPECT_EQ(made.json().at("user").at("district"), "Than Uyên");
  EXPECT_EQ(made.body.find("Mùa"), std::string::npos);
  ASSERT_EQ(user_count(d), 1u);

  const std::vector<std::pair<std::string, std::string>> bad = {
      {R"({"name":"an","role":"viewer","password":""})", "weak_password"},
      {R"({"name":"an","role":"viewer","password":"short"})", "weak_password"},
      {R"({"name":"an","role":"viewer","password":"aaaaaaaaaaaaaa"})", "weak_password"},
      {R"({"name":"lan.tu","role":"viewer","password":"another good one"})", "user_exists"},
      {R"({"name":"Lan Tú","role":"viewer","password":"another good one"})", "bad_name"},
      {R"({"name":"an","role":"boss","password":"another good one"})", "unknown_role"},
      {R"({"name":"an","role":"district","district":"Atlantis","password":"another good one"})", "unknown_district"},
      {R"({"name":"an","role":"viewer","district":"Than Uyên","password":"another good one"})", "district_not_allowed"},
      {R"({"name":"an","role":"viewer","password":"another good one","admin":true})", "unknown_member"},
      {R"(not json)", "bad_request"},
  };
  for (const auto& [body, code] : bad) {
    const auto r = d.call("POST", "/api/v1/users", kSeasonAdmin, body);
    EXPECT_GE(r.status, 400) << body;
    EXPECT_LT(r.status, 500) << body;
    EXPECT_EQ(r.code(), code) << body << " -> " << r.body;
  }
  EXPECT_EQ(user_count(d), 1u);  // nothing was made
  EXPECT_EQ(d.call("POST", "/api/v1/users", viewer, R"({"name":"an","role":"viewer","password":"another good one"})").status, 403);
  EXPECT_EQ(d.call("GET", "/api/v1/users", viewer).status, 403);
  EXPECT_EQ(d.call("PATCH", "/api/v1/users/nobody", kSeasonAdmin, R"({"disabled":true})").status, 404);
  EXPECT_EQ(d.call("PATCH", "/api/v1/users/lan.tu", kSeasonAdmin, R"({"password":"123"})").code(), "weak_password");
  EXPECT_EQ(d.call("PATCH", "/api/v1/users/lan.tu", kSeasonAdmin, R"({"disabled":"yes"})").status, 400);

  // Signed in, then disabled: the session ends, and so does a token the user owns.
  const auto in = sign_in(d, "lan.tu", "Mùa báo cáo 2025");
  ASSERT_EQ(in.status, 200) << in.body;
  const std::string cookie = "Cookie: " + cookie_of(in) + "\r\n";
  const auto owned = d.call("POST", "/api/v1/tokens", kSeasonAdmin,
                            R"({"role":"district","district":"Than Uyên","owner":"lan.tu"})");
  ASSERT_EQ(owned.status, 201) << owned.body;
  EXPECT_EQ(owned.json().at("owner"), "lan.tu");
  const std::string owned_token(owned.json().at("token").as_string());
  EXPECT_EQ(d.call("POST", "/api/v1/tokens", kSeasonAdmin, R"({"role":"viewer","owner":"lan.tu"})").code(), "owner_mismatch");
  EXPECT_EQ(d.call("GET", "/api/v1/submissions?period=2018", "", "", cookie).status, 200);
  EXPECT_EQ(d.call("GET", "/api/v1/submissions?period=2018", owned_token).status, 200);
  ASSERT_EQ(d.call("PATCH", "/api/v1/users/lan.tu", kSeasonAdmin, R"({"disabled":true})").status, 200);
  EXPECT_EQ(d.call("GET", "/api/v1/submissions?period=2018", "", "", cookie).status, 401);
  EXPECT_EQ(d.call("GET", "/api/v1/submissions?period=2018", owned_token).status, 401);
  EXPECT_EQ(sign_in(d, "lan.tu", "Mùa báo cáo 2025").status, 401);

  // Reset: enabled again with a new password; the old one no longer works.
  ASSERT_EQ(d.call("PATCH", "/api/v1/users/lan.tu", kSeasonAdmin, R"({"disabled":false,"password":"Mật khẩu mới 2026"})").status, 200);
  EXPECT_EQ(sign_in(d, "lan.tu", "Mùa báo cáo 2025").status, 401);
  EXPECT_EQ(sign_in(d, "lan.tu", "Mật khẩu mới 2026").status, 200);

  const auto trail = actions(d);
  for (const char* a : {"user.create", "user.disable", "user.update", "session.create"}) EXPECT_TRUE(contains(trail, a)) << a;
  // The hash is argon2id, and the password is nowhere in the database.
  const std::string db = read_file(d.data() / "tonghop.db") + read_file(d.data() / "tonghop.db-wal");
  EXPECT_NE(db.find("$argon2id$"), std::string::npos);
  EXPECT_EQ(db.find("Mật khẩu mới 2026"), std::string::npos);
}

TEST(Sessions, ACookieWithItsFlagsCsrfOnEveryChangeAndSigningOutEndsItOnTheServer) {
  SeasonDaemon d;
  ASSERT_EQ(d.call("POST", "/api/v1/users", kSeasonAdmin,
                   R"({"name":"clerk","role":"district","district":"Than Uyên","password":"Than Uyen 2018 ok"})").status, 201);
  EXPECT_EQ(d.call("POST", "/api/v1/session", "", R"({"name":"clerk","password":"Than Uyen 2018 ok"})").status, 415);
  EXPECT_EQ(d.call("POST", "/api/v1/session", "", "not json", kJson).code(), "bad_request");
  EXPECT_EQ(d.call("POST", "/api/v1/session", "", R"({"name":"clerk"})", kJson).code(), "bad_request");
  EXPECT_EQ(d.call("POST", "/api/v1/session", "", R"({"name":"clerk","password":42})", kJson).code(), "bad_request");
  EXPECT_EQ(d.call("DELETE", "/api/v1/session", "").status, 401);
  EXPECT_EQ(d.call("GET", "/api/v1/session", "", "", "Cookie: tonghop_session=" + std::string(64, '0') + "\r\n").status, 401);
  const auto in = sign_in(d, "clerk", "Than Uyen 2018 ok");
  ASSERT_EQ(in.status, 200) << in.body;
  const std::string set = in.header("Set-Cookie");
  EXPECT_NE(set.find("tonghop_session="), std::string::npos) << set;
  EXPECT_NE(set.find("; HttpOnly"), std::string::npos) << set;
  EXPECT_NE(set.find("; SameSite=Strict"), std::string::npos) << set;
  EXPECT_NE(set.find("; Path=/"), std::string::npos) << set;
  EXPECT_EQ(set.find("Secure"), std::string::npos) << set;  // not asked for in this configuration
  EXPECT_EQ(in.json().at("user").at("role"), "district");
  EXPECT_EQ(in.json().at("user").at("district"), "Than Uyên");
  const std::string csrf(in.json().at("csrf").as_string());
  const std::string cookie = "Cookie: theme=dark; " + cookie_of(in) + "\r\n";

  const auto again = d.call("GET", "/api/v1/session", "", "", cookie);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json().at("csrf"), csrf.c_str());
  EXPECT_EQ(d.call("GET", "/api/v1/session").status, 401);  // a token is not a session

  // A change by the cookie needs the CSRF token; with it, it goes through.
  const std::string file = kLaiChau + "2018/than-uyen.xlsx";
  const auto forged = d.submit("", "Than Uyên", "2018", file, cookie);
  EXPECT_EQ(forged.status, 403) << forged.body;
  EXPECT_EQ(forged.code(), "csrf");
  EXPECT_EQ(d.submit("", "Than Uyên", "2018", file, cookie + "X-CSRF-Token: " + std::string(64, 'a') + "\r\n").code(), "csrf");
  EXPECT_EQ(d.call("GET", "/api/v1/submissions?period=2018").json().at("submissions").as_array().size(), 0u);
  const auto sent = d.submit("", "Than Uyên", "2018", file, cookie + "X-CSRF-Token: " + csrf + "\r\n");
  ASSERT_EQ(sent.status, 201) << sent.body;
  // The district's rights: not another district's, not the report.
  EXPECT_EQ(d.submit("", "Sìn Hồ", "2018", kLaiChau + "2018/sin-ho.csv", cookie + "X-CSRF-Token: " + csrf + "\r\n").status, 403);
  EXPECT_EQ(d.call("GET", "/api/v1/reports/province?period=2018", "", "", cookie).status, 403);

  // The session survives a restart of the daemon? It is in the database: sign out ends it there.
  EXPECT_EQ(d.call("DELETE", "/api/v1/session", "", "", cookie).code(), "csrf");
  const auto out = d.call("DELETE", "/api/v1/session", "", "", cookie + "X-CSRF-Token: " + csrf + "\r\n");
  ASSERT_EQ(out.status, 200) << out.body;
  EXPECT_NE(out.header("Set-Cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(d.call("GET", "/api/v1/session", "", "", cookie).status, 401);
  EXPECT_EQ(d.call("GET", "/api/v1/submissions?period=2018", "", "", cookie).status, 401);
  EXPECT_TRUE(contains(actions(d), "session.end"));
}

TEST(Sessions, SurviveARestartOfTheDaemonAndTheSecureFlagWhenConfigured) {
  TempDir keep;
  const std::string config = "[sessions]\nsecure_cookie = true\n";
  std::string cookie;
  {
    SeasonDaemon d(config);
    ASSERT_EQ(d.call("POST", "/api/v1/users", kSeasonAdmin, R"({"name":"boss","role":"admin","password":"Ban Tổ chức 2025"})").status, 201);
    const auto in = sign_in(d, "boss", "Ban Tổ chức 2025");
    ASSERT_EQ(in.status, 200);
    EXPECT_NE(in.header("Set-Cookie").find("; Secure"), std::string::npos);
    cookie = "Cookie: " + cookie_of(in) + "\r\n";
    EXPECT_EQ(d.call("GET", "/api/v1/users", "", "", cookie).status, 200);  // an admin user is an admin
    d.process().signal(SIGTERM);
    ASSERT_TRUE(d.process().wait(10s).has_value());
    std::filesystem::copy(d.dir(), keep.path(), std::filesystem::copy_options::recursive);
  }
  // The same data directory, a new process.
  write_file(keep.path() / "tonghop.toml",
             "[server]\nlisten = \"127.0.0.1:0\"\n[paths]\ndata_dir = \"" + (keep.path() / "var").string() +
                 "\"\nplugins_dir = \"" TONGHOP_PLUGIN_DIR "\"\n[inbox]\nscan_milliseconds = 0\n" + normalise_section() + config);
  Process p({TONGHOPD_PATH, "--config", (keep.path() / "tonghop.toml").string()}, {"TONGHOP_ADMIN_TOKEN=" + kSeasonAdmin}, {},
            keep.path());
  const auto port = listening_port(p);
  ASSERT_NE(port, 0) << p.output();
  const auto r = request(port, "GET", "/api/v1/session", "", cookie);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
}

TEST(Sessions, WrongPasswordsAreSlowedThenLockedAndLogged) {
  SeasonDaemon d("[sessions]\nfailures_before_lock = 5\nlockout_minutes = 1\n");
  ASSERT_EQ(d.call("POST", "/api/v1/users", kSeasonAdmin, R"({"name":"clerk","role":"viewer","password":"the right one 123"})").status, 201);
  ASSERT_EQ(d.call("POST", "/api/v1/users", kSeasonAdmin, R"({"name":"other","role":"viewer","password":"the right one 456"})").status, 201);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(sign_in(d, "clerk", "wrong guess").code(), "wrong_password") << i;
  // From the third failure on, the next try must wait.
  const auto slowed = sign_in(d, "clerk", "the right one 123");
  EXPECT_EQ(slowed.status, 429) << slowed.body;
  EXPECT_EQ(slowed.code(), "slow_down");
  EXPECT_EQ(slowed.header("Retry-After"), "1");
  std::this_thread::sleep_for(1100ms);
  EXPECT_EQ(sign_in(d, "clerk", "wrong guess").status, 401);  // the fourth; now 2 s
  EXPECT_EQ(sign_in(d, "clerk", "wrong guess").code(), "slow_down");
  std::this_thread::sleep_for(2100ms);
  EXPECT_EQ(sign_in(d, "clerk", "wrong guess").status, 401);  // the fifth: locked
  const auto locked = sign_in(d, "clerk", "the right one 123");
  EXPECT_EQ(locked.status, 429);
  EXPECT_EQ(locked.code(), "locked");
  const int wait = std::stoi(locked.header("Retry-After"));
  EXPECT_GT(wait, 50);
  EXPECT_LE(wait, 60);
  // Another name from the same address is not locked (its address has 4 times the room).
  EXPECT_EQ(sign_in(d, "other", "the right one 456").status, 200);
  EXPECT_TRUE(d.process().wait_for_output("locked for 1 min", 5s)) << d.process().output();
  // An unknown name answers as a wrong password does.
  EXPECT_EQ(sign_in(d, "nobody", "whatever it is").code(), "wrong_password");
}

// A stored hash the daemon cannot use (damaged, or of 2^32 passes: hours
// at each sign-in) is never a wrong password: 500 password_unusable with
// the remedy in the log, however often it is tried, never slowed or locked
// as wrong passwords are; another name signs in as before.
TEST(Sessions, AStoredPasswordThatCannotBeCheckedIsNeitherRightNorWrong) {
  SeasonDaemon d("[sessions]\nfailures_before_lock = 3\nlockout_minutes = 1\n");
  ASSERT_EQ(d.call("POST", "/api/v1/users", kSeasonAdmin, R"({"name":"clerk","role":"viewer","password":"the right one 123"})").status, 201);
  ASSERT_EQ(d.call("POST", "/api/v1/users", kSeasonAdmin, R"({"name":"other","role":"viewer","password":"the right one 456"})").status, 201);
  by_hand(d, "UPDATE users SET password_hash = '$argon2id$v=19$m=65536,t=4294967295,p=1$hkCmbFtWf3XPwBE7bnPBNQ$"
             "e9l6PEwRMY7SWrQZXw9l5rGz65TTa4r4CWeLQCx7+kw' WHERE name = 'clerk'");
  for (int i = 0; i < 5; ++i) {
    const auto r = sign_in(d, "clerk", i % 2 == 0 ? "the right one 123" : "wrong guess");
    EXPECT_EQ(r.status, 500) << i << ": " << r.body;
    EXPECT_EQ(r.code(), "password_unusable") << i << ": " << r.body;
  }
  EXPECT_TRUE(d.process().wait_for_output("tonghopd users passwd clerk", 5s)) << d.process().output();
  EXPECT_EQ(sign_in(d, "other", "the right one 456").status, 200);
}

// A stored hash the daemon has no memory to compute now (512 MiB, under a
// limit put on the running daemon's address space, as a machine short of
// memory leaves it): 503 password_unchecked with Retry-After each time,
// never counted as a wrong password (four tries, the lock at three), the
// cause logged, while another user's 64 MiB hash signs in. With the memory
// back, the right password signs in: the clerk was not locked out.
TEST(Sessions, APasswordTheDaemonHasNoMemoryToCheckIsAskedForAgainLater) {
  SeasonDaemon d("[sessions]\nfailures_before_lock = 3\nlockout_minutes = 1\n");
  ASSERT_EQ(d.call("POST", "/api/v1/users", kSeasonAdmin, R"({"name":"clerk","role":"viewer","password":"the right one 123"})").status, 201);
  ASSERT_EQ(d.call("POST", "/api/v1/users", kSeasonAdmin, R"({"name":"other","role":"viewer","password":"the right one 456"})").status, 201);
  ASSERT_GE(sodium_init(), 0);
  char hash[crypto_pwhash_STRBYTES];
  const std::string password = "the right one 123";
  ASSERT_EQ(crypto_pwhash_str_alg(hash, password.data(), password.size(), 1, std::size_t{512} << 20,
                                  crypto_pwhash_ALG_ARGON2ID13),
            0);
  by_hand(d, "UPDATE users SET password_hash = '" + std::string(hash) + "' WHERE name = 'clerk'");
  // The daemon's address space: what it holds now and 320 MiB more (a
  // 64 MiB hash, a new malloc arena and a thread fit; 512 MiB does not).
  // The hard limit is left as it is, so that the soft one can be put back
  // without privileges (a machine whose hard limit is too low skips this).
  const pid_t pid = d.process().pid();
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::uint64_t vm_kib = 0;
  for (std::string line; std::getline(status, line);)
    if (line.starts_with("VmSize:")) vm_kib = std::stoull(line.substr(7));
  ASSERT_GT(vm_kib, 0u);
  rlimit before{};
  ASSERT_EQ(prlimit(pid, RLIMIT_AS, nullptr, &before), 0) << std::strerror(errno);
  rlimit limit{(vm_kib + (320 << 10)) << 10, before.rlim_max};
  if (before.rlim_max != RLIM_INFINITY && before.rlim_max < limit.rlim_cur)
    GTEST_SKIP() << "the hard limit on address space is below what the daemon needs here";
  ASSERT_EQ(prlimit(pid, RLIMIT_AS, &limit, nullptr), 0) << std::strerror(errno);
  for (int i = 0; i < 4; ++i) {
    const auto r = sign_in(d, "clerk", password);
    EXPECT_EQ(r.status, 503) << i << ": " << r.body;
    EXPECT_EQ(r.code(), "password_unchecked") << i << ": " << r.body;
    EXPECT_FALSE(r.header("Retry-After").empty()) << r.head;
  }
  EXPECT_TRUE(d.process().wait_for_output("sign-in as clerk from", 5s)) << d.process().output();
  EXPECT_NE(d.process().output().find("the password could not be checked"), std::string::npos);
  EXPECT_EQ(sign_in(d, "other", "the right one 456").status, 200);
  ASSERT_EQ(prlimit(pid, RLIMIT_AS, &before, nullptr), 0) << std::strerror(errno);
  const auto in = sign_in(d, "clerk", password);
  EXPECT_EQ(in.status, 200) << in.body;
}

TEST(People, TheFirstAdminFromTheCommandLine) {
  TempDir dir;
  const std::string config = (dir.path() / "tonghop.toml").string();
  write_file(config, "[paths]\ndata_dir = \"" + (dir.path() / "var").string() + "\"\n" + normalise_section());
  const auto add = [&](const std::string& password, const std::string& args) {
    return run({"/bin/sh", "-c", "printf '%s\\n' '" + password + "' | " TONGHOPD_PATH " users " + args + " --config " + config});
  };
  const auto made = add("Ban Tổ chức Tỉnh ủy", "add boss --role admin");
  ASSERT_EQ(made.exit_code, 0) << made.output;
  EXPECT_EQ(add("short", "add other --role admin").exit_code, 2);
  EXPECT_EQ(add("Ban Tổ chức Tỉnh ủy", "add boss --role admin").exit_code, 1);  // exists
  EXPECT_EQ(add("Ban Tổ chức Tỉnh ủy", "add clerk --role district --district Atlantis").exit_code, 2);
  // At a terminal (script(1) gives it one) the password is asked twice: two
  // that differ change nothing; the same twice adds the user.
  const auto at_terminal = [&](const std::string& first, const std::string& again, const std::string& args) {
    return run({"/bin/sh", "-c", "printf '%s\\n%s\\n' '" + first + "' '" + again + "' | script -qec '" TONGHOPD_PATH
                " users " + args + " --config " + config + "' /dev/null"});
  };
  const auto slip = at_terminal("Ban Tổ chức Tỉnh ủy", "Ban Tổ chức Tỉnh uỷ", "add typist --role admin");
  EXPECT_NE(slip.output.find("the two passwords differ; nothing changed"), std::string::npos) << slip.output;
  EXPECT_NE(slip.output.find("the password again"), std::string::npos) << slip.output;
  const auto same = at_terminal("Ban Tổ chức Tỉnh ủy", "Ban Tổ chức Tỉnh ủy", "add careful --role admin");
  EXPECT_NE(same.output.find("added careful"), std::string::npos) << same.output;
  const auto listed = run({TONGHOPD_PATH, "users", "list", "--config", config});
  EXPECT_EQ(listed.exit_code, 0);
  EXPECT_EQ(listed.output.find("typist"), std::string::npos) << listed.output;
  EXPECT_NE(listed.output.find("careful\tadmin"), std::string::npos) << listed.output;
  EXPECT_NE(listed.output.find("boss\tadmin"), std::string::npos) << listed.output;
  EXPECT_EQ(listed.output.find("other"), std::string::npos) << listed.output;

  write_file(config, "[server]\nlisten = \"127.0.0.1:0\"\n[paths]\ndata_dir = \"" + (dir.path() / "var").string() +
                         "\"\nplugins_dir = \"" TONGHOP_PLUGIN_DIR "\"\n[inbox]\nscan_milliseconds = 0\n" + normalise_section());
  Process p({TONGHOPD_PATH, "--config", config}, {"TONGHOP_ADMIN_TOKEN=" + kSeasonAdmin}, {}, dir.path());
  const auto port = listening_port(p);
  ASSERT_NE(port, 0) << p.output();
  const auto in = request(port, "POST", "/api/v1/session", R"({"name":"boss","password":"Ban Tổ chức Tỉnh ủy"})", kJson);
  ASSERT_TRUE(in);
  EXPECT_EQ(in->status, 200) << in->body;
  EXPECT_NE(in->body.find("\"role\":\"admin\""), std::string::npos);
}

TEST(People, EveryNewRouteWithEachRole) {
  SeasonDaemon d("[auth]\nfailures_per_minute = 1000\n");  // eleven 401s on purpose
  const std::string district = d.token("Than Uyên"), viewer = d.viewer();
  const std::vector<std::tuple<std::string, std::string, std::string>> admin_only = {
      {"GET", "/api/v1/users", ""},
      {"POST", "/api/v1/users", R"({"name":"someone","role":"viewer","password":"a good long one"})"},
      {"PATCH", "/api/v1/users/someone", R"({"disabled":true})"},
      {"GET", "/api/v1/tokens", ""},
      {"DELETE", "/api/v1/tokens/1", ""},
      {"GET", "/api/v1/audit", ""},
      {"PUT", "/api/v1/periods/2018", R"({"due":"2099-01-01"})"},
      {"POST", "/api/v1/periods/2018/approve", ""},
      {"POST", "/api/v1/periods/2018/reopen", ""},
      {"POST", "/api/v1/submissions/1/return", R"({"reason":"x"})"},
      {"POST", "/api/v1/submissions/1/approve", ""},
  };
  for (const auto& [method, target, body] : admin_only) {
    EXPECT_EQ(d.call(method, target, viewer, body).status, 403) << method << " " << target;
    EXPECT_EQ(d.call(method, target, district, body).status, 403) << method << " " << target;
    EXPECT_EQ(d.call(method, target, "", body).status, 401) << method << " " << target;
  }
  EXPECT_EQ(user_count(d), 0u);  // none of it changed anything
  EXPECT_TRUE(d.call("GET", "/api/v1/periods/2018").json().at("due").is_null());
  EXPECT_EQ(d.call("GET", "/api/v1/periods/2018").json().at("locked"), false);
  EXPECT_TRUE(d.call("GET", "/api/v1/tokens").json().at("tokens").at(0).at("revoked_at").is_null());
  // What every role may read.
  for (const std::string& token : {kSeasonAdmin, viewer, district}) {
    EXPECT_EQ(d.call("GET", "/api/v1/periods/2018", token).status, 200);
    EXPECT_EQ(d.call("GET", "/api/v1/attempts?period=2018", token).status, 200);
  }
  EXPECT_EQ(d.call("GET", "/api/v1/periods/2018", "").status, 401);
  // The admin's own answers for what does not exist.
  EXPECT_EQ(d.call("POST", "/api/v1/submissions/1/return", kSeasonAdmin, R"({"reason":"x"})").status, 404);
  EXPECT_EQ(d.call("POST", "/api/v1/periods/2018/reopen").code(), "not_locked");
  EXPECT_EQ(d.call("GET", "/api/v1/periods/Q3-2018").code(), "unknown_period");
}
