// Versions compared and the same bytes sent again (issue 16, items 5): the
// real daemon, a real socket, the real database.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <thread>

#include "support/daemon.hpp"

namespace json = boost::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using tonghop::test::HttpReply;
using tonghop::test::ServedDaemon;

namespace {

const std::string kAdmin = "admin-token-for-the-versions-tests-0123456789";
const std::string kData = TONGHOP_SOURCE_DIR "/tests/data/lai-chau/";

std::optional<HttpReply> call(const ServedDaemon& d, const std::string& method, const std::string& target,
                              const std::string& token, const std::string& body = {}) {
  return tonghop::test::request(d.port, method, target, body, "Authorization: Bearer " + token + "\r\n");
}

std::string district_token(const ServedDaemon& d, const std::string& district) {
  const auto r = d.request("POST", "/api/v1/tokens", "{\"role\":\"district\",\"district\":\"" + district + "\"}");
  EXPECT_TRUE(r && r->status == 201) << (r ? r->body : "no answer");
  return r ? std::string(json::parse(r->body).at("token").as_string()) : "";
}

// A small return of Than Uyên as a clerk's CSV: org_name, org_kind, members_total, members_female.
struct Org {
  std::string name, kind;
  int members, female;
};
std::string csv(const std::vector<Org>& orgs) {
  std::string out = "district,org_name,org_kind,members_total,members_female\n";
  for (const auto& o : orgs)
    out += "Than Uyên," + o.name + "," + o.kind + "," + std::to_string(o.members) + "," + std::to_string(o.female) + "\n";
  return out;
}

const std::vector<Org> kFirst{{"Đảng bộ xã Mường Khoa", "ĐB", 210, 80},
                              {"Chi bộ Trường Mầm non Mường Khoa", "CB", 25, 20},
                              {"Chi bộ Bản Mồ", "CB", 14, 5},
                              {"Chi bộ Công an huyện", "CB", 30, 6}};
// The second version: Bản Mồ written in capitals without marks (the same
// organisation), its women corrected; the police cell gone; a new cell; the
// commune's members changed.
const std::vector<Org> kSecond{{"Đảng bộ xã Mường Khoa", "ĐB", 212, 80},
                               {"Chi bộ Trường Mầm non Mường Khoa", "CB", 25, 20},
                               {"CHI BO BAN MO", "CB", 14, 6},
                               {"Chi bộ Trạm Y tế xã", "CB", 9, 7}};

std::optional<HttpReply> send(const ServedDaemon& d, const std::string& token, const std::string& district,
                              const std::string& period, const std::string& bytes, const std::string& filename = "tu.csv") {
  std::string target = "/api/v1/submissions?district=" + district + "&period=" + period;
  if (!filename.empty()) target += "&filename=" + filename;
  return call(d, "POST", target, token, bytes);
}

std::int64_t id_of(const std::optional<HttpReply>& r) { return json::parse(r->body).at("id").as_int64(); }

}  // namespace

TEST(Versions, TheDiffOfTwoVersionsListsAddedRemovedAndEveryChangedFigure) {
  ServedDaemon d(kAdmin);
  const std::string tu = district_token(d, "Than Uyên");
  const auto first = send(d, tu, "Than%20Uy%C3%AAn", "2018", csv(kFirst));
  ASSERT_TRUE(first && first->status == 201) << (first ? first->body : "");
  const auto second = send(d, tu, "Than%20Uy%C3%AAn", "2018", csv(kSecond));
  ASSERT_TRUE(second && second->status == 201) << (second ? second->body : "");
  const auto a = id_of(first), b = id_of(second);

  // Without `against`: the version it superseded.
  for (const std::string& token : {kAdmin, tu}) {
    const auto r = call(d, "GET", "/api/v1/submissions/" + std::to_string(b) + "/diff", token);
    ASSERT_TRUE(r && r->status == 200) << (r ? r->body : "");
    const auto o = json::parse(r->body).as_object();
    EXPECT_EQ(o.at("submission").as_int64(), b);
    EXPECT_EQ(o.at("against").as_int64(), a);
    EXPECT_EQ(o.at("district").as_string(), "Than Uyên");
    const auto& n = o.at("organisations").as_object();
    EXPECT_EQ(n.at("before").as_int64(), 4);
    EXPECT_EQ(n.at("after").as_int64(), 4);
    EXPECT_EQ(n.at("matched").as_int64(), 3);
    EXPECT_EQ(n.at("added").as_int64(), 1);
    EXPECT_EQ(n.at("removed").as_int64(), 1);
    EXPECT_EQ(n.at("changed").as_int64(), 2);
    EXPECT_EQ(n.at("figures_changed").as_int64(), 2);
    ASSERT_EQ(o.at("added").as_array().size(), 1u);
    EXPECT_EQ(o.at("added").as_array()[0].at("org_name").as_string(), "Chi bộ Trạm Y tế xã");
    EXPECT_EQ(o.at("added").as_array()[0].at("row").as_int64(), 5);  // the CSV's row
    ASSERT_EQ(o.at("removed").as_array().size(), 1u);
    EXPECT_EQ(o.at("removed").as_array()[0].at("org_name").as_string(), "Chi bộ Công an huyện");
    const auto& changed = o.at("changed").as_array();
    ASSERT_EQ(changed.size(), 2u) << r->body;
    EXPECT_EQ(changed[0].at("org_name").as_string(), "Đảng bộ xã Mường Khoa");
    EXPECT_EQ(changed[0].at("field").as_string(), "members_total");
    EXPECT_EQ(changed[0].at("before").as_int64(), 210);
    EXPECT_EQ(changed[0].at("after").as_int64(), 212);
    EXPECT_EQ(changed[1].at("org_name").as_string(), "CHI BO BAN MO");
    EXPECT_EQ(changed[1].at("org_name_before").as_string(), "Chi bộ Bản Mồ");
    EXPECT_EQ(changed[1].at("field").as_string(), "members_female");
    EXPECT_EQ(changed[1].at("before").as_int64(), 5);
    EXPECT_EQ(changed[1].at("after").as_int64(), 6);
    EXPECT_FALSE(o.at("truncated").as_bool());
  }
  // The other way round, named: added and removed swap, figures turn back.
  const auto back = d.request("GET", "/api/v1/submissions/" + std::to_string(a) + "/diff?against=" + std::to_string(b));
  ASSERT_TRUE(back && back->status == 200) << (back ? back->body : "");
  const auto o = json::parse(back->body).as_object();
  EXPECT_EQ(o.at("added").as_array()[0].at("org_name").as_string(), "Chi bộ Công an huyện");
  EXPECT_EQ(o.at("removed").as_array()[0].at("org_name").as_string(), "Chi bộ Trạm Y tế xã");
  EXPECT_EQ(o.at("changed").as_array()[0].at("before").as_int64(), 212);
  EXPECT_EQ(o.at("changed").as_array()[0].at("after").as_int64(), 210);
  // A version against itself: nothing differs.
  const auto same = d.request("GET", "/api/v1/submissions/" + std::to_string(a) + "/diff?against=" + std::to_string(a));
  ASSERT_TRUE(same && same->status == 200);
  EXPECT_EQ(json::parse(same->body).at("organisations").at("figures_changed").as_int64(), 0);
  EXPECT_TRUE(json::parse(same->body).at("added").as_array().empty());
}

// Two real returns of the samples as two versions of Sìn Hồ 2018 (the 2017
// file sent as a correction): the counts hold together, and a changed figure
// is the one the stored records carry.
TEST(Versions, TheDiffOfTwoRealReturnsAgreesWithTheirRecords) {
  ServedDaemon d(kAdmin);
  const std::string sh = district_token(d, "Sìn Hồ");
  const auto first = send(d, sh, "sin%20ho", "2018", tonghop::test::read_file(kData + "2018/sin-ho.csv"));
  const auto second = send(d, sh, "sin%20ho", "2018", tonghop::test::read_file(kData + "2017/sin-ho.csv"));
  ASSERT_TRUE(first && first->status == 201 && second && second->status == 201);
  const auto r = call(d, "GET", "/api/v1/submissions/" + std::to_string(id_of(second)) + "/diff", sh);
  ASSERT_TRUE(r && r->status == 200) << (r ? r->body : "");
  const auto o = json::parse(r->body).as_object();
  const auto& n = o.at("organisations").as_object();
  const auto records = [&](std::int64_t id) {
    return json::parse(d.request("GET", "/api/v1/submissions/" + std::to_string(id))->body).at("records").as_array();
  };
  const auto before = records(id_of(first)), after = records(id_of(second));
  EXPECT_EQ(n.at("before").as_int64(), static_cast<std::int64_t>(before.size()));
  EXPECT_EQ(n.at("after").as_int64(), static_cast<std::int64_t>(after.size()));
  EXPECT_EQ(n.at("matched").as_int64() + n.at("added").as_int64(), n.at("after").as_int64());
  EXPECT_EQ(n.at("matched").as_int64() + n.at("removed").as_int64(), n.at("before").as_int64());
  ASSERT_GT(o.at("changed").as_array().size(), 0u) << "a year apart, some figure differs";
  // Every change listed is what the two versions' records say.
  auto value = [](const json::array& recs, const std::string& name, const std::string& field) -> json::value {
    for (const auto& rec : recs)
      if (rec.at("org_name").as_string() == name) return rec.as_object().contains(field) ? rec.at(field) : nullptr;
    return "absent";
  };
  for (const auto& c : o.at("changed").as_array()) {
    const std::string name(c.at("org_name").as_string());
    const std::string was_name = c.as_object().contains("org_name_before") ? std::string(c.at("org_name_before").as_string()) : name;
    const std::string field(c.at("field").as_string());
    EXPECT_EQ(value(after, name, field), c.at("after")) << name << " " << field;
    EXPECT_EQ(value(before, was_name, field), c.at("before")) << was_name << " " << field;
  }
}

TEST(Versions, BadDiffRequestsAreRefusedClearly) {
  ServedDaemon d(kAdmin);
  const std::string tu = district_token(d, "Than Uyên");
  const std::string sh = district_token(d, "Sìn Hồ");
  const auto a = send(d, tu, "Than%20Uy%C3%AAn", "2018", csv(kFirst));
  const auto other_period = send(d, tu, "Than%20Uy%C3%AAn", "2017", csv(kSecond));
  const auto other_district = send(d, sh, "sin%20ho", "2018", tonghop::test::read_file(kData + "2018/sin-ho.csv"));
  ASSERT_TRUE(a && a->status == 201 && other_period && other_period->status == 201 && other_district &&
              other_district->status == 201);
  const std::string base = "/api/v1/submissions/" + std::to_string(id_of(a)) + "/diff";
  auto status = [&](const std::string& target, const std::string& token) {
    const auto r = call(d, "GET", target, token);
    return r ? r->status : 0;
  };
  EXPECT_EQ(status("/api/v1/submissions/999999/diff", kAdmin), 404);
  EXPECT_EQ(status("/api/v1/submissions/abc/diff", kAdmin), 404);
  EXPECT_EQ(status(base, kAdmin), 404) << "the first version has no earlier one";
  const auto first = call(d, "GET", base, kAdmin);
  EXPECT_NE(first->body.find("no_earlier_version"), std::string::npos) << first->body;
  EXPECT_EQ(status(base + "?against=999999", kAdmin), 404);
  EXPECT_EQ(status(base + "?against=x1", kAdmin), 400);
  EXPECT_EQ(status(base + "?against=" + std::to_string(id_of(other_period)), kAdmin), 422);
  EXPECT_EQ(status(base + "?against=" + std::to_string(id_of(other_district)), kAdmin), 422);
  // A district sees only its own.
  EXPECT_EQ(status(base + "?against=" + std::to_string(id_of(other_district)), tu), 403);
  EXPECT_EQ(status("/api/v1/submissions/" + std::to_string(id_of(other_district)) + "/diff", tu), 403);
  EXPECT_EQ(status(base, "not-a-token-at-all"), 401);
  const auto refused = call(d, "GET", base + "?against=" + std::to_string(id_of(other_period)), kAdmin);
  EXPECT_NE(refused->body.find("not_comparable"), std::string::npos) << refused->body;
}

// The same bytes again: 200, the existing submission, "unchanged": true, and
// no new version (the list, the audit and the raw folder say so).
TEST(Versions, TheSameBytesAgainAreTheExistingSubmissionUnchanged) {
  ServedDaemon d(kAdmin);
  const std::string tu = district_token(d, "Than Uyên");
  const std::string bytes = csv(kFirst);
  const auto first = send(d, tu, "Than%20Uy%C3%AAn", "2018", bytes);
  ASSERT_TRUE(first && first->status == 201);
  const auto again = send(d, tu, "Than%20Uy%C3%AAn", "2018", bytes, "same-again.csv");
  ASSERT_TRUE(again && again->status == 200) << (again ? again->body : "");
  const auto o = json::parse(again->body).as_object();
  EXPECT_TRUE(o.at("unchanged").as_bool());
  EXPECT_EQ(o.at("id").as_int64(), id_of(first));
  EXPECT_EQ(o.at("status").as_string(), "current");
  EXPECT_EQ(o.at("filename").as_string(), "tu.csv") << "the existing submission, as it was stored";
  const auto list = d.request("GET", "/api/v1/submissions?period=2018");
  EXPECT_EQ(json::parse(list->body).at("submissions").as_array().size(), 1u) << list->body;
  // The same bytes for another period, or other bytes, are new versions.
  EXPECT_EQ(send(d, tu, "Than%20Uy%C3%AAn", "2017", bytes)->status, 201);
  const auto changed = send(d, tu, "Than%20Uy%C3%AAn", "2018", csv(kSecond));
  EXPECT_EQ(changed->status, 201);
  // The first bytes once more: not the current submission's, so a version again.
  const auto back = send(d, tu, "Than%20Uy%C3%AAn", "2018", bytes);
  EXPECT_EQ(back->status, 201) << back->body;
  EXPECT_EQ(json::parse(d.request("GET", "/api/v1/submissions?period=2018")->body).at("submissions").as_array().size(), 3u);
  // Multipart, the same bytes as the current one: unchanged too.
  const std::string boundary = "----care-boundary";
  const std::string body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.csv\"\r\n\r\n" +
                           bytes + "\r\n--" + boundary + "--\r\n";
  const auto form = tonghop::test::request(d.port, "POST", "/api/v1/submissions?district=Than%20Uy%C3%AAn&period=2018", body,
                                           "Authorization: Bearer " + tu + "\r\nContent-Type: multipart/form-data; boundary=" +
                                               boundary + "\r\n");
  ASSERT_TRUE(form && form->status == 200) << (form ? form->body : "");
  EXPECT_EQ(json::parse(form->body).at("id").as_int64(), id_of(back));
}

// The real daemon with its inbox scanned every 100 ms.
struct InboxDaemon {
  tonghop::test::TempDir dir;
  std::unique_ptr<tonghop::test::Process> process;
  std::uint16_t port = 0;
  InboxDaemon() {
    tonghop::test::write_file(dir.path() / "tonghop.toml",
                              "[server]\nlisten = \"127.0.0.1:0\"\n[paths]\ndata_dir = \"" + (dir.path() / "var").string() +
                                  "\"\nplugins_dir = \"" TONGHOP_PLUGIN_DIR "\"\n[inbox]\nscan_milliseconds = 100\n" +
                                  tonghop::test::normalise_section());
    process = std::make_unique<tonghop::test::Process>(
        std::vector<std::string>{TONGHOPD_PATH, "--config", (dir.path() / "tonghop.toml").string()},
        std::vector<std::string>{"TONGHOP_ADMIN_TOKEN=" + kAdmin}, std::vector<std::string>{}, dir.path());
    port = tonghop::test::listening_port(*process);
  }
};

// The inbox: the same bytes again are logged and moved to processed/, no new version.
TEST(Versions, TheInboxMovesAnUnchangedFileToProcessedWithoutANewVersion) {
  InboxDaemon d;
  auto& p = *d.process;
  const auto port = d.port;
  ASSERT_NE(port, 0) << p.output();
  const tonghop::test::TempDir& dir = d.dir;
  const fs::path folder = dir.path() / "var" / "inbox" / "Than Uyen" / "2018";
  fs::create_directories(folder);
  tonghop::test::write_file(folder / "a.csv.part", csv(kFirst));
  fs::rename(folder / "a.csv.part", folder / "a.csv");
  ASSERT_TRUE(p.wait_for_output("stored as #1", 20s)) << p.output();
  tonghop::test::write_file(folder / "b.csv.part", csv(kFirst));
  fs::rename(folder / "b.csv.part", folder / "b.csv");
  ASSERT_TRUE(p.wait_for_output("unchanged: the same bytes as #1", 20s)) << p.output();
  EXPECT_TRUE(fs::exists(dir.path() / "var" / "inbox" / "processed" / "Than Uyen" / "2018" / "b.csv"));
  EXPECT_FALSE(fs::exists(dir.path() / "var" / "inbox" / "rejected" / "Than Uyen" / "2018" / "b.csv"));
  const auto list = tonghop::test::request(port, "GET", "/api/v1/submissions?period=2018", {},
                                           "Authorization: Bearer " + kAdmin + "\r\n");
  EXPECT_EQ(json::parse(list->body).at("submissions").as_array().size(), 1u) << list->body;
}

// The inbox keeps every file it stored: a second file of one name sits
// beside the first in processed/, never over it. A file outside a
// district's period folder is named in the log, not left without a word.
TEST(Versions, TheInboxKeepsEveryProcessedFileAndNamesALooseOne) {
  InboxDaemon d;
  auto& p = *d.process;
  ASSERT_NE(d.port, 0) << p.output();
  const fs::path inbox = d.dir.path() / "var" / "inbox";
  const fs::path folder = inbox / "Than Uyen" / "2018";
  fs::create_directories(folder);
  auto drop = [&](const fs::path& at, const std::string& bytes) {
    tonghop::test::write_file(at.string() + ".part", bytes);
    fs::rename(at.string() + ".part", at);
  };
  drop(folder / "bao-cao.csv", csv(kFirst));
  ASSERT_TRUE(p.wait_for_output("stored as #1", 20s)) << p.output();
  drop(folder / "bao-cao.csv", csv(kSecond));
  ASSERT_TRUE(p.wait_for_output("stored as #2", 20s)) << p.output();
  const fs::path processed = inbox / "processed" / "Than Uyen" / "2018";
  ASSERT_TRUE(fs::exists(processed / "bao-cao.csv"));
  ASSERT_TRUE(fs::exists(processed / "bao-cao (2).csv")) << p.output();
  EXPECT_EQ(tonghop::test::read_file(processed / "bao-cao.csv"), csv(kFirst));
  EXPECT_EQ(tonghop::test::read_file(processed / "bao-cao (2).csv"), csv(kSecond));
  EXPECT_NE(p.output().find("this one is kept there as bao-cao (2).csv"), std::string::npos) << p.output();

  drop(inbox / "than-uyen.csv", csv(kFirst));
  drop(inbox / "Than Uyen" / "sin-ho.csv", csv(kFirst));
  ASSERT_TRUE(p.wait_for_output("Than Uyen/sin-ho.csv is not in a folder of a district and a period", 20s))
      << p.output();
  ASSERT_TRUE(p.wait_for_output("than-uyen.csv is not in a folder of a district and a period", 20s)) << p.output();
  EXPECT_TRUE(fs::exists(inbox / "than-uyen.csv")) << "left where it is";
}
