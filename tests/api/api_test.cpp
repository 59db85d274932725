// The API of shared/contract.md against the real daemon, a real socket and
// the real SQLite database: the Lai Châu returns in, the province report out.
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <regex>
#include <thread>

#include <boost/json.hpp>
#include <sqlite3.h>

#include "support/daemon.hpp"
#include "support/http_client.hpp"
#include "support/process.hpp"

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;
using tonghop::test::Process;

namespace {

const std::string kAdmin = "admin-token-for-the-api-tests-0123456789";
const std::string kData = TONGHOP_SOURCE_DIR "/tests/data/lai-chau/";

struct Reply {
  int status = 0;
  std::string body;
  std::string content_type;
  json::value json() const { return json::parse(body); }
};

std::string url_encode(const std::string& s) {
  std::string out;
  for (const unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.') out += static_cast<char>(c);
    else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

class Tonghopd {
 public:
  explicit Tonghopd(const tonghop::test::TempDir& dir) : dir_(dir) {
    tonghop::test::write_file(
        dir.path() / "tonghop.toml",
        "[server]\nlisten = \"127.0.0.1:0\"\nthreads = 2\n[paths]\ndata_dir = \"" + (dir.path() / "var").string() +
            "\"\nplugins_dir = \"" TONGHOP_PLUGIN_DIR "\"\n[limits]\nmax_input_size = \"2 MiB\"\n[inbox]\n"
            "scan_milliseconds = 200\n" + tonghop::test::normalise_section());
    start();
  }
  void start() {
    process_ = std::make_unique<Process>(std::vector<std::string>{TONGHOPD_PATH, "--config", (dir_.path() / "tonghop.toml").string()},
                                         std::vector<std::string>{"TONGHOP_ADMIN_TOKEN=" + kAdmin},
                                         std::vector<std::string>{}, dir_.path());
    port_ = tonghop::test::listening_port(*process_);
    ASSERT_NE(port_, 0) << process_->output();
  }
  void kill() {
    process_->signal(SIGKILL);
    process_->wait(5s);
  }

  Reply call(const std::string& method, const std::string& target, const std::string& token = {},
             const std::string& body = {}, const std::string& headers = {}) const {
    std::string h = headers;
    if (!token.empty()) h += "Authorization: Bearer " + token + "\r\n";
    const auto r = tonghop::test::request(port_, method, target, body, h);
    if (!r) return {};
    return Reply{r->status, r->body, r->header("Content-Type").value_or("")};
  }
  std::string token(const std::string& district) const {
    const auto r = call("POST", "/api/v1/tokens", kAdmin, "{\"role\":\"district\",\"district\":\"" + district + "\"}");
    EXPECT_EQ(r.status, 201) << r.body;
    return std::string(r.json().at("token").as_string());
  }
  Reply submit(const std::string& token, const std::string& district, const std::string& period, const std::string& file,
               bool multipart = false, const std::string& suffix = {}) const {
    const std::string bytes = tonghop::test::read_file(file) + suffix;
    const std::string name = fs::path(file).filename().string();
    const std::string target = "/api/v1/submissions?district=" + url_encode(district) + "&period=" + url_encode(period);
    if (!multipart) return call("POST", target + "&filename=" + url_encode(name), token, bytes);
    const std::string boundary = "----tonghop-test-boundary";
    const std::string body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n--" + boundary +
                             "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name +
                             "\"\r\nContent-Type: application/octet-stream\r\n\r\n" + bytes + "\r\n--" + boundary + "--\r\n";
    return call("POST", target, token, body, "Content-Type: multipart/form-data; boundary=" + boundary + "\r\n");
  }
  fs::path data() const { return dir_.path() / "var"; }
  std::uint16_t port() const { return port_; }
  Process& process() { return *process_; }

 private:
  const tonghop::test::TempDir& dir_;
  std::unique_ptr<Process> process_;
  std::uint16_t port_ = 0;
};

// Every member of `expected` is in `got`, equal (numbers as numbers).
void expect_contains(const json::value& got, const json::value& expected, const std::string& where) {
  if (expected.is_object()) {
    ASSERT_TRUE(got.is_object()) << where;
    for (const auto& [k, v] : expected.as_object()) {
      ASSERT_TRUE(got.as_object().contains(k)) << where << "." << k;
      expect_contains(got.as_object().at(k), v, where + "." + std::string(k));
    }
  } else if (expected.is_array()) {
    ASSERT_TRUE(got.is_array()) << where;
    ASSERT_EQ(got.as_array().size(), expected.as_array().size()) << where;
    for (std::size_t i = 0; i < expected.as_array().size(); ++i)
      expect_contains(got.as_array()[i], expected.as_array()[i], where + "[" + std::to_string(i) + "]");
  } else if (expected.is_number()) {
    ASSERT_TRUE(got.is_number()) << where;
    EXPECT_DOUBLE_EQ(got.to_number<double>(), expected.to_number<double>()) << where;
  } else {
    EXPECT_EQ(got, expected) << where;
  }
}

void submit_all(const Tonghopd& d) {
  const std::string than_uyen = d.token("Huyện ủy Than Uyên"), tam_duong = d.token("tam duong"),
                    phong_tho = d.token("H. Phong Thổ"), sin_ho = d.token("sin ho");
  for (const auto& [token, district, file] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {than_uyen, "Than Uyên", "2017/than-uyen.csv"},
           {tam_duong, "Đảng bộ huyện Tam Đường", "2017/tam-duong.csv"},
           {phong_tho, "PHONG THO", "2017/phong-tho.csv"},
           {sin_ho, "Sìn Hồ", "2017/sin-ho.csv"}}) {
    const auto r = d.submit(token, district, "2017", kData + file);
    ASSERT_EQ(r.status, 201) << file << ": " << r.body;
  }
  const auto a = d.submit(than_uyen, "Huyện ủy Than Uyên", "Năm 2018", kData + "2018/than-uyen.xlsx");
  ASSERT_EQ(a.status, 201) << a.body;
  EXPECT_EQ(a.json().at("district").as_string(), "Than Uyên");
  EXPECT_EQ(a.json().at("period").as_string(), "2018");
  EXPECT_EQ(a.json().at("format").as_string(), "xlsx");
  EXPECT_EQ(a.json().at("plugin").as_string(), "import-xlsx");
  EXPECT_EQ(a.json().at("records").as_int64(), 45);
  ASSERT_EQ(d.submit(tam_duong, "tam duong", "2018", kData + "2018/tam-duong.json", true).status, 201);
  ASSERT_EQ(d.submit(phong_tho, "Phong Thổ", "2018", kData + "2018/phong-tho.csv", true).status, 201);
  ASSERT_EQ(d.submit(sin_ho, "sin ho", "2018", kData + "2018/sin-ho.csv").status, 201);
}

}  // namespace

TEST(Api, TheLaiChauReturnsGiveTheExpectedReports) {
  tonghop::test::TempDir dir;
  Tonghopd d(dir);
  submit_all(d);
  for (const char* period : {"2018", "2017"}) {
    const auto r = d.call("GET", std::string("/api/v1/reports/province?period=") + period + "&format=json", kAdmin);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.content_type, "application/json");
    const auto got = r.json();
    const auto expected = json::parse(tonghop::test::read_file(kData + "expected/report-" + period + ".json"));
    expect_contains(got, expected, period);
    // The same indicators, no more.
    for (std::size_t i = 0; i < 4; ++i)
      EXPECT_EQ(got.at("districts").at(i).at("indicators").as_object().size(),
                expected.at("districts").at(i).at("indicators").as_object().size());
    EXPECT_EQ(got.at("completeness").at("missing").as_array().size(), 4u);
    EXPECT_EQ(got.at("previous_period").as_string(), std::to_string(std::stoi(period) - 1));
    const bool has_change = std::string(period) == "2018";
    EXPECT_EQ(got.at("districts").at(0).as_object().contains("change"), has_change) << period;
    EXPECT_EQ(got.at("total").as_object().contains("change"), has_change) << period;
    if (has_change) {
      EXPECT_TRUE(got.at("districts").at(0).at("submission_id").is_int64());
      EXPECT_TRUE(got.at("districts").at(0).at("received_at").is_string());
    }
  }
}

TEST(Api, AResubmissionSupersedesAndTheFirstIsKept) {
  tonghop::test::TempDir dir;
  Tonghopd d(dir);
  const std::string token = d.token("Sìn Hồ");
  const auto first = d.submit(token, "Sìn Hồ", "2018", kData + "2018/sin-ho.csv");
  ASSERT_EQ(first.status, 201) << first.body;
  const auto report1 = d.call("GET", "/api/v1/reports/province?period=2018", kAdmin).json();
  // A corrected return: one organisation's members (and the parts with them) changed.
  std::string csv = tonghop::test::read_file(kData + "2017/sin-ho.csv");
  const auto second = d.call("POST", "/api/v1/submissions?district=sin%20ho&period=2018&filename=corrected.csv", token, csv);
  ASSERT_EQ(second.status, 201) << second.body;
  const auto report2 = d.call("GET", "/api/v1/reports/province?period=2018", kAdmin).json();
  EXPECT_NE(report1.at("total").at("indicators").at("members_total"), report2.at("total").at("indicators").at("members_total"));
  EXPECT_EQ(report2.at("districts").at(0).at("submission_id").as_int64(), second.json().at("id").as_int64());

  const auto list = d.call("GET", "/api/v1/submissions?period=2018", kAdmin).json().at("submissions").as_array();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].at("status").as_string(), "superseded");
  EXPECT_EQ(list[0].at("superseded_by").as_int64(), second.json().at("id").as_int64());
  EXPECT_EQ(list[1].at("status").as_string(), "current");
  const auto raw = d.call("GET", "/api/v1/submissions/" + std::to_string(first.json().at("id").as_int64()) + "/raw", kAdmin);
  ASSERT_EQ(raw.status, 200);
  EXPECT_EQ(raw.body, tonghop::test::read_file(kData + "2018/sin-ho.csv")) << "the original bytes, unchanged";
  const auto one = d.call("GET", "/api/v1/submissions/" + std::to_string(first.json().at("id").as_int64()), kAdmin).json();
  EXPECT_EQ(one.at("records").as_array().size(), 38u);
  EXPECT_EQ(one.at("records").at(0).at("org_name").as_string(), "Đảng bộ xã Căn Co");
}

TEST(Api, AFileNameIsKeptAsItsBaseNameOnly) {
  tonghop::test::TempDir dir;
  Tonghopd d(dir);
  const auto r = d.call("POST", "/api/v1/submissions?district=sin%20ho&period=2018&filename=..%2F..%2Fetc%2Fbao%22cao%0D%0AX-Evil%3A%201.csv",
                        kAdmin, tonghop::test::read_file(kData + "2018/sin-ho.csv"));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json().at("filename").as_string(), "baocaoX-Evil: 1.csv");
  const auto raw = tonghop::test::request(d.port(), "GET", "/api/v1/submissions/1/raw", "",
                                          "Authorization: Bearer " + kAdmin + "\r\n");
  ASSERT_TRUE(raw.has_value());
  EXPECT_EQ(raw->status, 200);
  EXPECT_EQ(raw->header("Content-Disposition").value_or(""), "attachment; filename=\"baocaoX-Evil: 1.csv\"");
  EXPECT_FALSE(raw->header("X-Evil").has_value());
}

TEST(Api, WhoMayDoWhat) {
  tonghop::test::TempDir dir;
  Tonghopd d(dir);
  const std::string than_uyen = d.token("Than Uyên");
  const auto viewer = d.call("POST", "/api/v1/tokens", kAdmin, "{\"role\":\"viewer\"}");
  ASSERT_EQ(viewer.status, 201);
  const std::string view = std::string(viewer.json().at("token").as_string());
  const std::string csv = kData + "2018/phong-tho.csv";

  EXPECT_EQ(d.submit("", "Phong Thổ", "2018", csv).status, 401);
  EXPECT_EQ(d.submit("not-a-token", "Phong Thổ", "2018", csv).status, 401);
  EXPECT_EQ(d.submit(than_uyen, "Phong Thổ", "2018", csv).status, 403) << "another district's token";
  EXPECT_EQ(d.submit(view, "Phong Thổ", "2018", csv).status, 403);
  EXPECT_EQ(d.call("GET", "/api/v1/reports/province?period=2018", than_uyen).status, 403);
  EXPECT_EQ(d.call("GET", "/api/v1/reports/province?period=2018", view).status, 200);
  EXPECT_EQ(d.call("POST", "/api/v1/tokens", than_uyen, "{\"role\":\"viewer\"}").status, 403);
  EXPECT_EQ(d.call("GET", "/api/v1/submissions?period=2018").status, 401);

  ASSERT_EQ(d.submit(d.token("Phong Thổ"), "Phong Thổ", "2018", csv).status, 201);
  // A district sees only its own.
  EXPECT_TRUE(d.call("GET", "/api/v1/submissions?period=2018", than_uyen).json().at("submissions").as_array().empty());
  EXPECT_EQ(d.call("GET", "/api/v1/submissions/1", than_uyen).status, 403);
  EXPECT_EQ(d.call("GET", "/api/v1/submissions/1/raw", than_uyen).status, 403);
  EXPECT_EQ(d.call("GET", "/api/v1/submissions/999", kAdmin).status, 404);
}

// Whatever refusal a clerk, an official or a district's script meets says
// what happened in Vietnamese, then " / ", then in English.
TEST(Api, EveryRefusalAPersonMayMeetIsInVietnameseThenEnglish) {
  tonghop::test::TempDir dir;
  Tonghopd d(dir);
  const std::string than_uyen = d.token("Than Uyên");
  const std::string view = std::string(d.call("POST", "/api/v1/tokens", kAdmin, "{\"role\":\"viewer\"}").json().at("token").as_string());
  const std::string csv = kData + "2018/phong-tho.csv";
  ASSERT_EQ(d.submit(d.token("Phong Thổ"), "Phong Thổ", "2018", csv).status, 201);
  const std::vector<std::pair<std::string, Reply>> replies = {
      {"no token", d.submit("", "Phong Thổ", "2018", csv)},
      {"another district's token", d.submit(than_uyen, "Phong Thổ", "2018", csv)},
      {"a viewer sends", d.submit(view, "Phong Thổ", "2018", csv)},
      {"a district asks for the province", d.call("GET", "/api/v1/reports/province?period=2018", than_uyen)},
      {"a district makes a token", d.call("POST", "/api/v1/tokens", than_uyen, "{\"role\":\"viewer\"}")},
      {"a token of no district", d.call("POST", "/api/v1/tokens", kAdmin, "{\"role\":\"district\",\"district\":\"Xa\"}")},
      {"a token from no object", d.call("POST", "/api/v1/tokens", kAdmin, "[1]")},
      {"no such submission", d.call("GET", "/api/v1/submissions/999", kAdmin)},
      {"another district's submission", d.call("GET", "/api/v1/submissions/1", than_uyen)},
      {"another district's file", d.call("GET", "/api/v1/submissions/1/raw", than_uyen)},
      {"no such format", d.call("GET", "/api/v1/reports/province?period=2018&format=doc", kAdmin)},
      {"no such dialect", d.call("GET", "/api/v1/reports/province?period=2018&format=json&dialect=vi", kAdmin)},
      {"no such page", d.call("GET", "/api/v1/nothing", kAdmin)},
      {"no such method", d.call("DELETE", "/healthz", kAdmin)},
      {"mappings without a token", d.call("GET", "/api/v1/mappings", "")},
      {"a blank form without a token", d.call("GET", "/api/v1/templates?district=Phong%20Th%E1%BB%95&period=2018", "")},
      {"a period's season without a token", d.call("GET", "/api/v1/periods/2018", "")},
      {"a PDF sent", d.call("POST", "/api/v1/submissions?district=Phong%20Th%E1%BB%95&period=2018&filename=x.pdf",
                            kAdmin, "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n")},
      // A dry run answers 200 with its verdict, and the same refusal.
      {"a PDF tried", d.call("POST", "/api/v1/check?district=Phong%20Th%E1%BB%95&period=2018&filename=x.pdf", kAdmin,
                             "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n")},
  };
  for (const auto& [what, r] : replies) {
    SCOPED_TRACE(what + ": " + r.body);
    if (what == "a PDF tried") EXPECT_EQ(r.json().at("verdict"), "refused");
    else EXPECT_GE(r.status, 400);
    const std::string m(r.json().at("errors").at(0).at("message").as_string());
    const auto slash = m.find(" / ");
    ASSERT_NE(slash, std::string::npos);
    EXPECT_EQ(m.find(" / ", slash + 3), std::string::npos) << "one separator only";
    const std::string vi = m.substr(0, slash), en = m.substr(slash + 3);
    bool vietnamese = false;
    for (const char* letter : {"ư", "ơ", "đ", "ă", "â", "ê", "ô", "ả", "ạ", "ị", "ộ", "ờ", "ó", "ầ", "ậ"})
      vietnamese = vietnamese || vi.find(letter) != std::string::npos;
    EXPECT_TRUE(vietnamese) << vi;
    EXPECT_FALSE(en.empty());
  }
}

TEST(Api, RefusalsStoreNothing) {
  tonghop::test::TempDir dir;
  Tonghopd d(dir);
  // 413: over [limits] max_input_size (2 MiB here), answered from the head alone.
  {
    tonghop::test::Connection c("127.0.0.1", d.port());
    ASSERT_TRUE(c.send("POST /api/v1/submissions?district=sin%20ho&period=2018 HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " +
                       kAdmin + "\r\nContent-Length: 3145728\r\n\r\n"));
    const auto r = c.receive(5s);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->status, 413);
  }
  // 415: nothing reads it.
  const auto pdf = d.call("POST", "/api/v1/submissions?district=sin%20ho&period=2018&filename=x.pdf", kAdmin,
                          "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n");
  EXPECT_EQ(pdf.status, 415) << pdf.body;
  EXPECT_NE(pdf.body.find("PDF"), std::string::npos);
  // 422: every bad return, at its row and field.
  const auto expected = json::parse(tonghop::test::read_file(kData + "bad/expected-errors.json")).as_object();
  for (const auto& [file, want] : expected) {
    const auto r = d.submit(kAdmin, std::string(want.at("district").as_string()), std::string(want.at("period").as_string()),
                            kData + "bad/" + std::string(file));
    ASSERT_EQ(r.status, 422) << file << ": " << r.body;
    bool named = false;
    const json::value body = r.json();
    for (const auto& e : body.at("errors").as_array())
      named |= e.as_object().contains("row") && e.at("row").as_int64() == want.at("row").as_int64() &&
               e.at("field") == want.at("field");
    EXPECT_TRUE(named) << file << ": " << r.body;
  }
  EXPECT_EQ(d.call("POST", "/api/v1/submissions?district=Atlantis&period=2018", kAdmin, "a,b\n1,2\n").status, 422);
  EXPECT_TRUE(d.call("GET", "/api/v1/submissions?period=2018", kAdmin).json().at("submissions").as_array().empty());
  // The raw files are written while a return is read; a refused one's is removed.
  std::size_t raw_files = 0;
  for (const auto& e : fs::recursive_directory_iterator(d.data() / "raw"))
    if (e.is_regular_file()) ++raw_files;
  EXPECT_EQ(raw_files, 0u);
  const auto metrics = d.call("GET", "/metrics").body;
  EXPECT_NE(metrics.find("tonghop_submissions_total{district=\"Sìn Hồ\",outcome=\"refused\"} 2"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("tonghop_import_duration_seconds_count"), std::string::npos);
  EXPECT_NE(metrics.find("tonghop_store_bytes "), std::string::npos);
}

TEST(Api, EveryAcknowledgedReturnSurvivesAKill) {
  tonghop::test::TempDir dir;
  Tonghopd d(dir);
  const std::vector<std::string> files = {"2018/than-uyen.xlsx", "2018/phong-tho.csv", "2018/sin-ho.csv", "2018/tam-duong.json"};
  const std::vector<std::string> districts = {"Than Uyên", "Phong Thổ", "Sìn Hồ", "Tam Đường"};
  std::mutex mutex;
  std::vector<std::int64_t> acknowledged;
  std::atomic<bool> stop{false};
  std::vector<std::thread> senders;
  for (int t = 0; t < 4; ++t)
    senders.emplace_back([&, t] {
      for (int i = 0; !stop; ++i) {
        // New bytes each time (blank lines after a CSV, spaces after JSON): the
        // same bytes again would be the current submission, unchanged (200).
        const std::string& file = files[static_cast<std::size_t>(t)];
        const std::string suffix = file.ends_with(".csv") ? std::string(static_cast<std::size_t>(i), '\n')
                                   : file.ends_with(".json") ? std::string(static_cast<std::size_t>(i), ' ')
                                                             : std::string();
        const auto r = d.submit(kAdmin, districts[static_cast<std::size_t>(t)], i % 2 ? "2018" : "2018-H1",
                                kData + file, false, suffix);
        if (r.status == 201) {
          std::lock_guard lock(mutex);
          acknowledged.push_back(r.json().at("id").as_int64());
        }
        if (r.status == 0) break;  // the daemon is gone
      }
    });
  while (true) {
    std::this_thread::sleep_for(50ms);
    std::lock_guard lock(mutex);
    if (acknowledged.size() >= 12) break;
  }
  d.kill();
  stop = true;
  for (auto& s : senders) s.join();

  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((d.data() / "tonghop.db").c_str(), &db), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, nullptr);
    ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
    EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), "ok");
    sqlite3_finalize(st);
    sqlite3_close(db);
  }
  d.start();
  for (const auto id : acknowledged) {
    const auto r = d.call("GET", "/api/v1/submissions/" + std::to_string(id), kAdmin);
    ASSERT_EQ(r.status, 200) << "acknowledged submission " << id << " is lost";
    EXPECT_GT(r.json().at("records").as_array().size(), 0u);
    EXPECT_EQ(d.call("GET", "/api/v1/submissions/" + std::to_string(id) + "/raw", kAdmin).status, 200);
  }
  std::printf("%zu acknowledged submissions survived the kill\n", acknowledged.size());
}

TEST(Api, TheInboxTakesDroppedFiles) {
  tonghop::test::TempDir dir;
  Tonghopd d(dir);
  const fs::path good = d.data() / "inbox" / "Huyen uy Than Uyen" / "Nam 2018";
  const fs::path bad = d.data() / "inbox" / "sin ho" / "2018";
  fs::create_directories(good);
  fs::create_directories(bad);
  fs::copy_file(kData + "2018/than-uyen.xlsx", good / "than-uyen.xlsx");
  fs::copy_file(kData + "bad/sin-ho-not-a-number.csv", bad / "sin-ho.csv");
  const auto processed = d.data() / "inbox" / "processed" / "Huyen uy Than Uyen" / "Nam 2018" / "than-uyen.xlsx";
  const auto rejected = d.data() / "inbox" / "rejected" / "sin ho" / "2018" / "sin-ho.csv";
  for (int i = 0; i < 100 && !(fs::exists(processed) && fs::exists(rejected.string() + ".errors.json")); ++i)
    std::this_thread::sleep_for(100ms);
  EXPECT_TRUE(fs::exists(processed));
  EXPECT_FALSE(fs::exists(good / "than-uyen.xlsx"));
  ASSERT_TRUE(fs::exists(rejected));
  const auto errors = json::parse(tonghop::test::read_file(rejected.string() + ".errors.json"));
  EXPECT_EQ(errors.at("errors").at(0).at("row").as_int64(), 4);
  EXPECT_EQ(errors.at("errors").at(0).at("field").as_string(), "members_total");
  const auto list = d.call("GET", "/api/v1/submissions?period=2018", kAdmin).json().at("submissions").as_array();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].at("district").as_string(), "Than Uyên");
}

TEST(Api, TheReportCommandReadsTheSameStore) {
  tonghop::test::TempDir dir;
  {
    Tonghopd d(dir);
    submit_all(d);
    d.process().signal(SIGTERM);
    ASSERT_EQ(d.process().wait(10s).value_or(-1), 0);
  }
  const auto out = dir.path() / "report-2018.json";
  const auto r = tonghop::test::run({TONGHOPD_PATH, "report", "--config", (dir.path() / "tonghop.toml").string(), "--period",
                                     "2018", "--format", "json", "-o", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto got = json::parse(tonghop::test::read_file(out));
  expect_contains(got, json::parse(tonghop::test::read_file(kData + "expected/report-2018.json")), "report command");
}

// Issue 12: pages after the second damaged made the daemon serve an empty
// province. Now it refuses to start, says what to do, and `verify` agrees.
TEST(Api, ADamagedDatabaseStopsTheDaemonWithWhatToDo) {
  tonghop::test::TempDir dir;
  const auto config = (dir.path() / "tonghop.toml").string();
  {
    Tonghopd d(dir);
    submit_all(d);
    d.process().signal(SIGTERM);
    ASSERT_EQ(d.process().wait(10s).value_or(-1), 0);
  }
  const auto sound = tonghop::test::run({TONGHOPD_PATH, "verify", "--config", config});
  EXPECT_EQ(sound.exit_code, 0) << sound.output;
  EXPECT_NE(sound.output.find("database ok; 8 submission(s), 8 raw file(s) checked, 0 damaged or missing; 8 "
                              "submission(s) checked against their digest, and the Board's reviews and period locks "
                              "against the audit: 0 changed afterwards"),
            std::string::npos)
      << sound.output;

  const auto db = dir.path() / "var" / "tonghop.db";
  const auto size = fs::file_size(db);
  ASSERT_GT(size, 3u * 65536) << "too few pages to damage past the second";
  {
    std::fstream f(db, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(2 * 65536);
    const std::string garbage(size - 2 * 65536, '\x5A');
    f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  Process again({TONGHOPD_PATH, "--config", config}, {"TONGHOP_ADMIN_TOKEN=" + kAdmin}, {}, dir.path());
  const auto code = again.wait(20s);
  ASSERT_TRUE(code.has_value()) << "the daemon serves a damaged database:\n" << again.output();
  EXPECT_NE(*code, 0);
  EXPECT_NE(again.output().find("is damaged"), std::string::npos) << again.output();
  EXPECT_NE(again.output().find("restore the last backup"), std::string::npos) << again.output();
  EXPECT_EQ(again.output().find("listening on"), std::string::npos) << again.output();

  const auto damaged = tonghop::test::run({TONGHOPD_PATH, "verify", "--config", config});
  EXPECT_EQ(damaged.exit_code, 1) << damaged.output;
  EXPECT_NE(damaged.output.find("database: "), std::string::npos) << damaged.output;
  EXPECT_NE(damaged.output.find("DAMAGED"), std::string::npos) << damaged.output;
}

// A raw file changed on disk after it was stored: verify names its submission.
TEST(Api, VerifyFindsARawFileThatNoLongerMatchesItsHash) {
  tonghop::test::TempDir dir;
  const auto config = (dir.path() / "tonghop.toml").string();
  std::string sha;
  {
    Tonghopd d(dir);
    const auto r = d.submit(kAdmin, "Sìn Hồ", "2018", kData + "2018/sin-ho.csv");
    ASSERT_EQ(r.status, 201) << r.body;
    d.process().signal(SIGTERM);
    ASSERT_EQ(d.process().wait(10s).value_or(-1), 0);
  }
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2((dir.path() / "var" / "tonghop.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt* q = nullptr;
    sqlite3_prepare_v2(db, "SELECT sha256 FROM submissions WHERE id = 1", -1, &q, nullptr);
    if (sqlite3_step(q) == SQLITE_ROW) sha = reinterpret_cast<const char*>(sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
    sqlite3_close(db);
  }
  ASSERT_EQ(sha.size(), 64u);
  const auto raw = dir.path() / "var" / "raw" / sha.substr(0, 2) / sha;
  ASSERT_TRUE(fs::exists(raw));
  std::fstream(raw, std::ios::in | std::ios::out | std::ios::binary).put('#');
  const auto r = tonghop::test::run({TONGHOPD_PATH, "verify", "--config", config});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("raw: submission #1: its raw file"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("does not match its SHA-256"), std::string::npos) << r.output;
  EXPECT_EQ(tonghop::test::run({TONGHOPD_PATH, "verify", "--data-dir", (dir.path() / "nothing").string()}).exit_code, 2);
}
