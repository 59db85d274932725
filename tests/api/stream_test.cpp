// A submission's records streamed back (issue 18, item 1): the real daemon, a
// real socket, the real database. A return of 30,000 organisations is stored,
// read back whole (chunked) and every record compared with what was sent; a
// client that goes away mid-stream and one that stops reading do not keep the
// daemon's connection, nor its memory, for ever.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "support/daemon.hpp"

namespace json = boost::json;
using namespace std::chrono_literals;
using tonghop::test::HttpReply;

namespace {

const std::string kAdmin = "admin-token-for-the-stream-tests-0123456789";
constexpr int kRows = 30000;

// tonghopd with a short read (and write) timeout: 2 s.
struct Daemon {
  Daemon() {
    tonghop::test::write_file(
        dir.path() / "tonghop.toml",
        "[server]\nlisten = \"127.0.0.1:0\"\nread_timeout_seconds = 2\n[paths]\ndata_dir = \"" +
            (dir.path() / "var").string() + "\"\nplugins_dir = \"" TONGHOP_PLUGIN_DIR
            "\"\n[inbox]\nscan_milliseconds = 0\n" + tonghop::test::normalise_section());
    process = std::make_unique<tonghop::test::Process>(
        std::vector<std::string>{TONGHOPD_PATH, "--config", (dir.path() / "tonghop.toml").string()},
        std::vector<std::string>{"TONGHOP_ADMIN_TOKEN=" + kAdmin}, std::vector<std::string>{}, dir.path());
    port = tonghop::test::listening_port(*process);
    EXPECT_NE(port, 0) << process->output();
  }
  std::optional<HttpReply> request(const std::string& method, const std::string& target, const std::string& body = {}) const {
    return tonghop::test::request(port, method, target, body, "Authorization: Bearer " + kAdmin + "\r\n");
  }
  // The requests being read or answered, /metrics' own included.
  int in_flight() const {
    const auto m = request("GET", "/metrics");
    if (!m || m->status != 200) return -1;
    const std::string key = "tonghop_http_requests_in_flight ";
    const auto at = m->body.find("\n" + key);
    return at == std::string::npos ? -1 : std::atoi(m->body.c_str() + at + 1 + key.size());
  }
  tonghop::test::TempDir dir;
  std::unique_ptr<tonghop::test::Process> process;
  std::uint16_t port = 0;
};

// Organisation i of the return, and its members (its kind "CB" is read as party_cell).
std::string org_name(int i) { return "Chi bộ thôn " + std::to_string(i + 1); }
int members(int i) { return 5 + (i * 7919) % 200; }
int female(int i) { return (i * 31) % (members(i) + 1); }

std::string big_csv() {
  std::string out = "district,org_name,org_kind,members_total,members_female\n";
  for (int i = 0; i < kRows; ++i)
    out += "Than Uyên," + org_name(i) + ",CB," + std::to_string(members(i)) + "," + std::to_string(female(i)) + "\n";
  return out;
}

// A socket that sent `request` and reads only what it is told to.
int raw_request(std::uint16_t port, const std::string& request, int receive_buffer = 0) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (receive_buffer > 0) ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  EXPECT_EQ(::send(fd, request.data(), request.size(), MSG_NOSIGNAL), static_cast<ssize_t>(request.size()));
  return fd;
}

// Waits (at most 10 s) until only the asking request is in flight.
bool settles(const Daemon& d) {
  for (int i = 0; i < 200; ++i) {
    if (d.in_flight() == 1) return true;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

TEST(StreamedSubmission, EveryRecordComesBackAndAClientThatLeavesOrStallsIsLetGo) {
  Daemon d;
  ASSERT_NE(d.port, 0);
  // Stored first (a minute allowed: the import is not what is tested here, and CI machines are shared).
  std::optional<HttpReply> sent;
  {
    tonghop::test::Connection c("127.0.0.1", d.port);
    const std::string body = big_csv();
    ASSERT_TRUE(c.send("POST /api/v1/submissions?district=Than%20Uy%C3%AAn&period=2018&filename=big.csv HTTP/1.1\r\n"
                       "Host: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer " + kAdmin +
                       "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body));
    sent = c.receive(std::chrono::seconds(60));
  }
  ASSERT_TRUE(sent) << d.process->output();
  ASSERT_EQ(sent->status, 201) << sent->body.substr(0, 2000);
  const auto id = json::parse(sent->body).at("id").as_int64();
  EXPECT_EQ(json::parse(sent->body).at("records").as_int64(), kRows);
  const std::string target = "/api/v1/submissions/" + std::to_string(id);

  // Read back whole: chunked, and every record what was sent, in order.
  const auto got = d.request("GET", target);
  ASSERT_TRUE(got) << "the streamed body did not arrive whole";
  ASSERT_EQ(got->status, 200);
  EXPECT_EQ(got->header("Transfer-Encoding").value_or(""), "chunked");
  EXPECT_FALSE(got->header("Content-Length"));
  const json::value v = json::parse(got->body);
  const auto& o = v.as_object();
  EXPECT_EQ(o.at("id").as_int64(), id);
  EXPECT_EQ(o.at("records").as_array().size(), static_cast<std::size_t>(kRows));
  EXPECT_TRUE(o.contains("warnings"));
  EXPECT_EQ(o.at("status").as_string(), "current");
  const auto& records = o.at("records").as_array();
  int wrong = 0;
  for (int i = 0; i < kRows && i < static_cast<int>(records.size()); ++i) {
    const auto& r = records[static_cast<std::size_t>(i)].as_object();
    const bool same = r.at("org_name").as_string() == org_name(i) && r.at("org_kind").as_string() == "party_cell" &&
                      r.at("district").as_string() == "Than Uyên" && r.at("period").as_string() == "2018" &&
                      r.at("members_total").as_int64() == members(i) && r.at("members_female").as_int64() == female(i);
    if (!same && ++wrong <= 3) ADD_FAILURE() << "record " << i << ": " << json::serialize(r);
  }
  EXPECT_EQ(wrong, 0);

  // A client that reads a little and goes away: the stream ends, the daemon serves on.
  const std::string ask = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + kAdmin + "\r\n\r\n";
  {
    const int fd = raw_request(d.port, ask);
    ASSERT_GE(fd, 0);
    char buf[4096];
    EXPECT_GT(::recv(fd, buf, sizeof buf, MSG_WAITALL), 0);
    ::close(fd);
  }
  EXPECT_TRUE(settles(d)) << "a stream to a client that left is still in flight";

  // A client that stops reading (a small receive buffer, nothing read): the
  // write timeout (2 s here) cuts it off; the connection is closed.
  const int stalled = raw_request(d.port, ask, 4096);
  ASSERT_GE(stalled, 0);
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(d.in_flight(), 2) << "the stalled stream should be in flight before its timeout";
  EXPECT_TRUE(settles(d)) << "a stream to a client that stopped reading is still in flight after the write timeout";
  // What it got is a body cut short: the connection ends without the last chunk.
  std::string all;
  char buf[65536];
  for (ssize_t n; (n = ::recv(stalled, buf, sizeof buf, 0)) > 0;) all.append(buf, static_cast<std::size_t>(n));
  ::close(stalled);
  EXPECT_NE(all.find("Transfer-Encoding: chunked"), std::string::npos);
  EXPECT_EQ(all.find("\r\n0\r\n\r\n"), std::string::npos) << "a cut stream must not end as a whole one";

  // And the daemon still answers, whole.
  const auto again = d.request("GET", target);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->body, got->body);
}

}  // namespace
