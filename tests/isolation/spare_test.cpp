// The spare child (docs/isolation.md, "The spare child"): the zygote forks
// each import's child before its request comes, and hands it exactly one.
// Through the real daemon over a real socket: a spare waits before the first
// POST and is gone after it, replaced by another; districts POSTed in turn
// each get their own records, the same as when each is sent alone; a spare
// killed before its use does not fail the next POST; after SIGHUP with a
// changed catalogue, the next POST is read with the new one.
#include "isolation/isolated_daemon.hpp"

#include <cctype>
#include <map>

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;
using namespace tonghop::test::isolation;

namespace {

const std::string kData = TONGHOP_SOURCE_DIR "/tests/data/lai-chau/2018/";

// The zygote's children that wait as spares (not importing), after waiting
// up to ~5 s for there to be exactly `want` of them.
std::set<pid_t> spares(pid_t daemon, std::size_t want = 1) {
  std::set<pid_t> out;
  for (int i = 0; i < 250; ++i) {
    out.clear();
    for (const pid_t zygote : children_of(daemon))
      for (const pid_t child : children_of(zygote))
        if (alive(child) && !importing(child)) out.insert(child);
    if (out.size() == want) break;
    std::this_thread::sleep_for(20ms);
  }
  return out;
}

std::string fmt_hex(unsigned char c) {
  const char* digits = "0123456789ABCDEF";
  return {'%', digits[c >> 4], digits[c & 15]};
}

std::string percent_encoded(const std::string& text) {
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_') out += static_cast<char>(c);
    else out += fmt_hex(c);
  }
  return out;
}

bool gone_within(pid_t pid, std::chrono::milliseconds bound) {
  for (auto waited = 0ms; waited < bound; waited += 20ms) {
    if (!alive(pid)) return true;
    std::this_thread::sleep_for(20ms);
  }
  return !alive(pid);
}

std::string post(const Tonghopd& d, const std::string& district, const std::string& file, const std::string& bytes,
                 int want = 201) {
  const auto r = d.call("POST", "/api/v1/submissions?district=" + percent_encoded(district) +
                                    "&period=2018&filename=" + file,
                        bytes);
  EXPECT_TRUE(r) << file;
  if (!r) return {};
  EXPECT_EQ(r->status, want) << file << ": " << r->body;
  return r->body;
}

// The submission's district and its records, as GET answers them.
std::pair<std::string, json::array> stored(const Tonghopd& d, const std::string& created) {
  const auto id = json::parse(created).at("id").as_int64();
  const auto r = d.call("GET", "/api/v1/submissions/" + std::to_string(id));
  EXPECT_TRUE(r && r->status == 200) << (r ? r->body : "no answer");
  const auto v = json::parse(r->body);
  return {std::string(v.at("district").as_string()), v.at("records").as_array()};
}

TEST(Spare, EachImportIsServedByAChildForkedBeforeItAndUsedOnlyOnce) {
  Tonghopd d(Options{});
  ASSERT_NE(d.port(), 0) << d.process().output();
  const std::string sample = tonghop::test::read_file(kSample);
  pid_t before = 0;
  for (int round = 0; round < 3; ++round) {
    // One child waits before the POST: forked ahead of need, importing nothing.
    const auto waiting = spares(d.process().pid());
    ASSERT_EQ(waiting.size(), 1u) << round << "\n" << d.process().output();
    const pid_t spare = *waiting.begin();
    EXPECT_NE(spare, before) << "a spare is never kept for a second request";
    // Each round's bytes differ (a line ending more), so each is a new version.
    post(d, "Phong Thổ", "phong-tho.csv", sample + std::string(round + 1, '\n'));
    // It served that request and ended; another waits in its place.
    EXPECT_TRUE(gone_within(spare, 5s)) << "the spare " << spare << " lives on after its import";
    before = spare;
  }
  const auto list = d.call("GET", "/api/v1/submissions?period=2018");
  ASSERT_TRUE(list);
  EXPECT_EQ(json::parse(list->body).at("submissions").as_array().size(), 3u) << list->body;
}

TEST(Spare, DistrictsPostedInTurnEachGetTheirOwnRecords) {
  Tonghopd d(Options{});
  ASSERT_NE(d.port(), 0) << d.process().output();
  struct Return {
    std::string district, file;
  };
  const std::vector<Return> returns = {{"Phong Thổ", "phong-tho.csv"},
                                       {"Sìn Hồ", "sin-ho.csv"},
                                       {"Tam Đường", "tam-duong.json"},
                                       {"Than Uyên", "than-uyen.xlsx"}};
  // Each alone first, each in a daemon of its own: what its records are.
  std::map<std::string, json::array> alone;
  for (const auto& r : returns) {
    Tonghopd own(Options{});
    ASSERT_NE(own.port(), 0) << own.process().output();
    const auto body = post(own, r.district, r.file, tonghop::test::read_file(kData + r.file));
    alone[r.district] = stored(own, body).second;
    ASSERT_FALSE(alone[r.district].empty()) << r.file;
  }
  // Then all in turn, twice, in one daemon: each import's child serves one
  // district's return and nothing of another's reaches it.
  for (int round = 0; round < 2; ++round)
    for (const auto& r : returns) {
      std::string bytes = tonghop::test::read_file(kData + r.file);
      if (round == 1) {
        // Made distinct (the same bytes again would be `unchanged`): an
        // xlsx's zip comment, a line ending after a CSV or JSON.
        if (r.file.ends_with(".xlsx")) bytes.replace(bytes.size() - 2, 2, std::string("\x04\x00copy", 6));
        else bytes += "\n";
      }
      const auto [district, records] = stored(d, post(d, r.district, r.file, bytes));
      EXPECT_EQ(district, r.district);
      EXPECT_EQ(records, alone[r.district]) << r.file << ", round " << round;
    }
  // Every record says its own district.
  for (const auto& [district, records] : alone)
    for (const auto& rec : records) EXPECT_EQ(rec.at("district").as_string(), district) << json::serialize(rec);
}

TEST(Spare, ASpareKilledBeforeUseDoesNotFailTheNextPost) {
  Tonghopd d(Options{});
  ASSERT_NE(d.port(), 0) << d.process().output();
  const std::string sample = tonghop::test::read_file(kSample);
  // The sample's 34 organisations (35 lines, the header one of them).
  const auto first = post(d, "Phong Thổ", "phong-tho.csv", sample);
  ASSERT_EQ(json::parse(first).at("records").as_int64(), 34) << first;
  for (int round = 0; round < 3; ++round) {
    const auto waiting = spares(d.process().pid());
    ASSERT_EQ(waiting.size(), 1u) << round;
    const pid_t spare = *waiting.begin();
    ASSERT_EQ(::kill(spare, SIGKILL), 0);
    // At once, while the zygote may not yet know: the POST is read all the same.
    const auto body = post(d, "Phong Thổ", "phong-tho.csv", sample + std::string(round + 1, '\n'));
    EXPECT_EQ(json::parse(body).at("records").as_int64(), 34) << body;
    EXPECT_TRUE(gone_within(spare, 5s));
  }
  // A spare waits again after them.
  EXPECT_EQ(spares(d.process().pid()).size(), 1u);
}

TEST(Spare, AfterSighupWithAChangedCatalogueTheNextPostIsReadWithTheNewOne) {
  // The catalogue in a file of the test's own, which SIGHUP makes the
  // daemon read again; the sample's "Tong so dang vien" header renamed to a
  // word the catalogue does not know yet.
  tonghop::test::TempDir config;
  const fs::path catalogue = config.path() / "indicators.toml";
  const std::string original = tonghop::test::read_file(TONGHOP_SOURCE_DIR "/config/indicators.toml");
  tonghop::test::write_file(catalogue, original);
  Options o;
  o.normalise = "[normalise]\ncatalogue = \"" + catalogue.string() + "\"\nunits = \"" TONGHOP_SOURCE_DIR
                "/config/units/lai-chau.toml\"\nprofiles = \"" TONGHOP_SOURCE_DIR "/config/profiles\"\n";
  Tonghopd d(o);
  ASSERT_NE(d.port(), 0) << d.process().output();
  std::string sample = tonghop::test::read_file(kSample);
  const auto at = sample.find(";Tong so dang vien;");
  ASSERT_NE(at, std::string::npos);
  sample.replace(at, 19, ";QSĐV;");
  const auto before = post(d, "Phong Thổ", "phong-tho.csv", sample, 422);
  EXPECT_NE(before.find("QSĐV"), std::string::npos) << before;
  // The spare forked with the old catalogue is waiting now.
  ASSERT_EQ(spares(d.process().pid()).size(), 1u);
  std::string changed = original;
  const auto words = changed.find("\n[words]\n");
  ASSERT_NE(words, std::string::npos);
  changed.insert(words + 9, "\"QSĐV\" = \"tổng số đảng viên\"\n");
  tonghop::test::write_file(catalogue, changed);
  d.process().signal(SIGHUP);
  ASSERT_TRUE(d.process().wait_for_output("reloaded configuration and plugins", 10s)) << d.process().output();
  const auto after = post(d, "Phong Thổ", "phong-tho.csv", sample);
  EXPECT_EQ(json::parse(after).at("records").as_int64(), 34) << after;
}

}  // namespace
