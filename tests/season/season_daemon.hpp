// The real tonghopd for the season's tests (people, sessions, due dates,
// reviews, attempts): its own data directory, the built plugins, the source
// tree's catalogue, an admin token, and whatever configuration a test adds
// ([season] today fakes the clock).
#pragma once

#include <csignal>
#include <filesystem>
#include <memory>
#include <string>

#include <boost/json.hpp>
#include <sqlite3.h>
#include <gtest/gtest.h>

#include "support/daemon.hpp"
#include "support/http_client.hpp"
#include "support/process.hpp"

namespace tonghop::test {

inline const std::string kSeasonAdmin = "admin-token-for-the-season-tests-0123456789";
inline const std::string kLaiChau = TONGHOP_SOURCE_DIR "/tests/data/lai-chau/";

struct Answer {
  int status = 0;
  std::string body, head;
  boost::json::value json() const {
    boost::json::error_code ec;
    auto v = boost::json::parse(body, ec);
    return ec ? boost::json::value() : v;
  }
  std::string header(const std::string& name) const {
    HttpReply r;
    r.head = head;
    return r.header(name).value_or("");
  }
  // The first error's code ("" none).
  std::string code() const {
    const auto v = json();
    if (!v.is_object() || !v.as_object().contains("errors") || v.at("errors").as_array().empty()) return "";
    return std::string(v.at("errors").at(0).at("code").as_string());
  }
};

inline std::string url(const std::string& s) {
  std::string out;
  for (const unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

class SeasonDaemon {
 public:
  explicit SeasonDaemon(const std::string& extra_config = {}) {
    write_file(dir_.path() / "tonghop.toml",
               "[server]\nlisten = \"127.0.0.1:0\"\n[paths]\ndata_dir = \"" + (dir_.path() / "var").string() +
                   "\"\nplugins_dir = \"" TONGHOP_PLUGIN_DIR "\"\n[inbox]\nscan_milliseconds = 200\n" + normalise_section() +
                   extra_config);
    process_ = std::make_unique<Process>(
        std::vector<std::string>{TONGHOPD_PATH, "--config", (dir_.path() / "tonghop.toml").string()},
        std::vector<std::string>{"TONGHOP_ADMIN_TOKEN=" + kSeasonAdmin}, std::vector<std::string>{}, dir_.path());
    port_ = listening_port(*process_);
    EXPECT_NE(port_, 0) << process_->output();
  }

  // With a bearer token ("" none) and any other headers.
  Answer call(const std::string& method, const std::string& target, const std::string& token = kSeasonAdmin,
              const std::string& body = {}, const std::string& headers = {}) const {
    std::string h = headers;
    if (!token.empty()) h += "Authorization: Bearer " + token + "\r\n";
    const auto r = request(port_, method, target, body, h);
    if (!r) return {};
    return Answer{r->status, r->body, r->head};
  }
  // A district token; its secret.
  std::string token(const std::string& district, const std::string& name = {}) const {
    std::string body = "{\"role\":\"district\",\"district\":\"" + district + "\"";
    if (!name.empty()) body += ",\"name\":\"" + name + "\"";
    const auto r = call("POST", "/api/v1/tokens", kSeasonAdmin, body + "}");
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? std::string(r.json().at("token").as_string()) : "";
  }
  std::string viewer() const {
    const auto r = call("POST", "/api/v1/tokens", kSeasonAdmin, "{\"role\":\"viewer\"}");
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? std::string(r.json().at("token").as_string()) : "";
  }
  Answer submit(const std::string& token, const std::string& district, const std::string& period, const std::string& file,
                const std::string& headers = {}) const {
    return submit_bytes(token, district, period, read_file(file), std::filesystem::path(file).filename().string(), headers);
  }
  Answer submit_bytes(const std::string& token, const std::string& district, const std::string& period,
                      const std::string& bytes, const std::string& filename, const std::string& headers = {}) const {
    return call("POST",
                "/api/v1/submissions?district=" + url(district) + "&period=" + url(period) + "&filename=" + url(filename),
                token, bytes, headers);
  }
  const std::filesystem::path& dir() const { return dir_.path(); }
  std::filesystem::path data() const { return dir_.path() / "var"; }
  std::uint16_t port() const { return port_; }
  Process& process() { return *process_; }

 private:
  TempDir dir_;
  std::unique_ptr<Process> process_;
  std::uint16_t port_ = 0;
};

// The audit trail's actions, in order.
inline std::vector<std::string> actions(const SeasonDaemon& d, const std::string& query = {}) {
  std::vector<std::string> out;
  const auto r = d.call("GET", "/api/v1/audit" + query);
  EXPECT_EQ(r.status, 200) << r.body;
  if (r.status != 200) return out;
  const boost::json::value entries = r.json().at("entries");
  for (const auto& e : entries.as_array()) out.emplace_back(e.at("action").as_string());
  return out;
}

inline bool contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// SQL run on the daemon's database as an IT officer's sqlite3 shell would,
// changing one row.
inline void by_hand(const SeasonDaemon& d, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((d.data() / "tonghop.db").c_str(), &db), SQLITE_OK);
  sqlite3_busy_timeout(db, 10000);
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  EXPECT_EQ(sqlite3_changes(db), 1);
  sqlite3_close(db);
}

}  // namespace tonghop::test
