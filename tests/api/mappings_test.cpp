// The Board's mappings (/api/v1/mappings, `tonghopd mappings`) and the
// suggestions an unmapped header carries, against the real daemon, a real
// socket and the real SQLite database: the loop a new shape goes through
// (refused with suggestions, a mapping posted, the same bytes accepted with
// every sum right), scopes, the audit, bad input.
#include "api/check_support.hpp"

using namespace check_test;

TEST(Mappings, ATableHeaderRefusedThenMappedThenAcceptedWithEverySum) {
  ServedDaemon d(kAdmin);
  const std::string csv = new_shape_csv();
  const std::string phong_tho = token(d, "district", "Phong Thổ");
  // Refused: no members_total; the columns that may be it, with suggestions.
  auto r = call(d, "POST", check_target(kPhongTho), phong_tho, csv);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body.at("verdict").as_string(), "refused");
  EXPECT_TRUE(has_suggestion(r.body.at("unmapped"), "Quân số đảng viên", "members_total"));
  EXPECT_TRUE(has_suggestion(r.body.at("unmapped"), "Số ĐV nữ (người)", "members_female"));
  EXPECT_EQ(call(d, "POST", "/api/v1/submissions?district=" + kPhongTho + "&period=2018&filename=b.csv", phong_tho, csv).status,
            422);
  // The district maps its own header; the Board maps the other for the whole province.
  auto m = call(d, "POST", "/api/v1/mappings", phong_tho, mapping("Quân số đảng viên", "members_total", "Phong Thổ"));
  ASSERT_EQ(m.status, 201) << json::serialize(m.body);
  EXPECT_EQ(m.body.at("scope").as_string(), "district");
  EXPECT_EQ(m.body.at("key").as_string(), "quan so dang vien");
  m = call(d, "POST", "/api/v1/mappings", kAdmin, mapping("so dv nu (NGUOI)", "members_female"));  // folded as the catalogue folds
  ASSERT_EQ(m.status, 201) << json::serialize(m.body);
  // The same bytes, at once: accepted, every sum that of the file.
  r = call(d, "POST", check_target(kPhongTho), phong_tho, csv);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body.at("verdict").as_string(), "accepted") << json::serialize(r.body.at("errors"));
  EXPECT_EQ(sum_of(r.body.at("records"), "members_total"), sum(&Org::members));
  EXPECT_EQ(sum_of(r.body.at("records"), "members_female"), sum(&Org::female));
  EXPECT_EQ(sum_of(r.body.at("records"), "cells_total"), sum(&Org::cells));
  EXPECT_EQ(sum_of(r.body.at("records"), "admitted"), sum(&Org::admitted));
  EXPECT_TRUE(r.body.at("unmapped").as_array().empty());
  const auto s = call(d, "POST", "/api/v1/submissions?district=" + kPhongTho + "&period=2018&filename=b.csv", phong_tho, csv);
  ASSERT_EQ(s.status, 201) << json::serialize(s.body);
  const auto stored = call(d, "GET", "/api/v1/submissions/" + std::to_string(s.body.at("id").as_int64()), kAdmin);
  EXPECT_EQ(sum_of(stored.body.at("records"), "members_total"), sum(&Org::members));
  EXPECT_EQ(sum_of(stored.body.at("records"), "members_female"), sum(&Org::female));
  const auto report = call(d, "GET", "/api/v1/reports/province?period=2018&format=json", kAdmin);
  ASSERT_EQ(report.status, 200);
  EXPECT_NE(json::serialize(report.body).find("\"members_total\":" + std::to_string(sum(&Org::members))), std::string::npos)
      << json::serialize(report.body);
}

TEST(Mappings, AJsonKeyRefusedThenMappedThenAcceptedWithEverySum) {
  ServedDaemon d(kAdmin);
  const std::string doc = new_shape_json();
  const std::string target = check_target(kPhongTho, "bao-cao.json");
  auto r = call(d, "POST", target, kAdmin, doc);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body.at("verdict").as_string(), "refused");
  EXPECT_TRUE(has_suggestion(r.body.at("unmapped"), "quan_so_dv", "members_total")) << json::serialize(r.body.at("unmapped"));
  const auto m = call(d, "POST", "/api/v1/mappings", kAdmin, mapping("/quan_so_dv", "members_total", "Phong Thổ"));
  ASSERT_EQ(m.status, 201) << json::serialize(m.body);
  r = call(d, "POST", target, kAdmin, doc);
  EXPECT_EQ(r.body.at("verdict").as_string(), "accepted") << json::serialize(r.body.at("errors"));
  EXPECT_EQ(sum_of(r.body.at("records"), "members_total"), sum(&Org::members));
  EXPECT_EQ(sum_of(r.body.at("records"), "members_female"), sum(&Org::female));
  EXPECT_EQ(sum_of(r.body.at("records"), "admitted"), sum(&Org::admitted));
}

TEST(Mappings, ADistrictsMappingNeverChangesAnothersReading) {
  ServedDaemon d(kAdmin);
  const std::string csv = new_shape_csv();
  const std::string phong_tho = token(d, "district", "Phong Thổ"), sin_ho = token(d, "district", "Sìn Hồ");
  ASSERT_EQ(call(d, "POST", "/api/v1/mappings", phong_tho, mapping("Quân số đảng viên", "members_total", "Phong Thổ")).status,
            201);
  EXPECT_EQ(call(d, "POST", check_target(kPhongTho), phong_tho, csv).body.at("verdict").as_string(), "accepted");
  // Sìn Hồ's reading of the same bytes is as before: refused.
  const auto other = call(d, "POST", check_target(kSinHo), sin_ho, csv);
  EXPECT_EQ(other.body.at("verdict").as_string(), "refused");
  EXPECT_TRUE(has_suggestion(other.body.at("unmapped"), "Quân số đảng viên", "members_total"));
  // Each district lists the province's and its own, never another's.
  EXPECT_EQ(call(d, "GET", "/api/v1/mappings", phong_tho).body.at("mappings").as_array().size(), 1u);
  EXPECT_TRUE(call(d, "GET", "/api/v1/mappings", sin_ho).body.at("mappings").as_array().empty());
  EXPECT_EQ(call(d, "GET", "/api/v1/mappings?district=" + kPhongTho, sin_ho).status, 403);
  EXPECT_EQ(call(d, "GET", "/api/v1/mappings", kAdmin).body.at("mappings").as_array().size(), 1u);
  // Sìn Hồ cannot map for Phong Thổ, nor for the province, nor delete Phong Thổ's.
  EXPECT_EQ(call(d, "POST", "/api/v1/mappings", sin_ho, mapping("Số ĐV nữ (người)", "members_female", "Phong Thổ")).status, 403);
  EXPECT_EQ(call(d, "POST", "/api/v1/mappings", sin_ho, mapping("Số ĐV nữ (người)", "members_female")).status, 403);
  const auto id = call(d, "GET", "/api/v1/mappings", kAdmin).body.at("mappings").as_array()[0].at("id").as_int64();
  EXPECT_EQ(call(d, "DELETE", "/api/v1/mappings/" + std::to_string(id), sin_ho).status, 403);
  // Deleted by its own district: the next check is refused again.
  EXPECT_EQ(call(d, "DELETE", "/api/v1/mappings/" + std::to_string(id), phong_tho).status, 200);
  EXPECT_EQ(call(d, "POST", check_target(kPhongTho), phong_tho, csv).body.at("verdict").as_string(), "refused");
}

TEST(Mappings, EveryChangeIsAudited) {
  ServedDaemon d(kAdmin);
  const std::string phong_tho = token(d, "district", "Phong Thổ");
  const auto m = call(d, "POST", "/api/v1/mappings", phong_tho, mapping("Quân số đảng viên", "members_total", "Phong Thổ"));
  ASSERT_EQ(m.status, 201);
  const auto id = m.body.at("id").as_int64();
  ASSERT_EQ(call(d, "DELETE", "/api/v1/mappings/" + std::to_string(id), kAdmin).status, 200);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2((d.dir.path() / "var" / "tonghop.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* q = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT who, role, action, detail FROM audit WHERE action LIKE 'mapping.%' ORDER BY id", -1,
                               &q, nullptr),
            SQLITE_OK);
  std::vector<std::array<std::string, 4>> rows;
  while (sqlite3_step(q) == SQLITE_ROW) {
    std::array<std::string, 4> row;
    for (int c = 0; c < 4; ++c) row[c] = reinterpret_cast<const char*>(sqlite3_column_text(q, c));
    rows.push_back(row);
  }
  sqlite3_finalize(q);
  sqlite3_close(db);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0][0], "district:Phong Thổ");
  EXPECT_EQ(rows[0][1], "district");
  EXPECT_EQ(rows[0][2], "mapping.create");
  EXPECT_EQ(rows[1][0], "admin");
  EXPECT_EQ(rows[1][1], "admin");
  EXPECT_EQ(rows[1][2], "mapping.delete");
  for (const auto& row : rows) {
    const auto detail = json::parse(row[3]).as_object();
    EXPECT_EQ(detail.at("id").as_int64(), id);
    EXPECT_EQ(detail.at("header").as_string(), "Quân số đảng viên");
    EXPECT_EQ(detail.at("field").as_string(), "members_total");
    EXPECT_EQ(detail.at("district").as_string(), "Phong Thổ");
  }
}

TEST(Mappings, BadInputIsRefusedAndChangesNothing) {
  ServedDaemon d(kAdmin, "[mapping]\ndistricts_may_map = true\n");
  const std::string phong_tho = token(d, "district", "Phong Thổ"), viewer = token(d, "viewer");
  ASSERT_EQ(call(d, "POST", "/api/v1/mappings", kAdmin, mapping("Quân số đảng viên", "members_total", "Phong Thổ")).status, 201);
  const auto db = d.dir.path() / "var" / "tonghop.db";
  const auto mappings_before = count_rows(db, "SELECT COUNT(*) FROM mappings");
  const auto audit_before = count_rows(db, "SELECT COUNT(*) FROM audit");
  struct Bad {
    std::string token, method, target, body;
    int status;
    std::string code;
  };
  json::object wrong_samples;
  wrong_samples["header"] = "Cột lạ";
  wrong_samples["field"] = "org_kind";
  wrong_samples["samples"] = json::array{"12", "7", "30"};
  const std::vector<Bad> bad = {
      {kAdmin, "POST", "/api/v1/mappings", mapping("Cột lạ", "members_femail"), 422, "unknown_field"},
      {kAdmin, "POST", "/api/v1/mappings", mapping("", "members_female"), 422, "empty_header"},
      {kAdmin, "POST", "/api/v1/mappings", mapping("  ;; ", "members_female"), 422, "empty_header"},
      {kAdmin, "POST", "/api/v1/mappings", mapping("Trong đó", "members_female"), 422, "empty_header"},
      {kAdmin, "POST", "/api/v1/mappings", mapping(std::string(10 * 1024, 'x'), "members_female"), 422, "header_too_long"},
      {kAdmin, "POST", "/api/v1/mappings", mapping("QUAN SO  dang vien", "members_female", "Phong Thổ"), 409,
       "duplicate_mapping"},
      {kAdmin, "POST", "/api/v1/mappings", mapping("Tổng số đảng viên", "org_name"), 422, "wrong_kind"},
      {kAdmin, "POST", "/api/v1/mappings", mapping("Tên đơn vị", "members_female"), 422, "wrong_kind"},
      {kAdmin, "POST", "/api/v1/mappings", json::serialize(wrong_samples), 422, "wrong_kind"},
      {kAdmin, "POST", "/api/v1/mappings", mapping("Huyện báo cáo", "district"), 422, "field_not_mappable"},
      {kAdmin, "POST", "/api/v1/mappings", mapping("Cột lạ", "members_female", "Hà Nội"), 422, "unknown_district"},
      {kAdmin, "POST", "/api/v1/mappings", "{\"header\": \"Cột lạ\", \"field\": \"members_female\", \"scope\": \"ward\"}", 422,
       "bad_scope"},
      {kAdmin, "POST", "/api/v1/mappings", "{\"header\": [1, 2], \"field\": \"members_female\"}", 422, "bad_header"},
      {kAdmin, "POST", "/api/v1/mappings", "not json", 400, "bad_request"},
      {phong_tho, "POST", "/api/v1/mappings", mapping("Cột lạ", "members_female", "Sìn Hồ"), 403, "forbidden"},
      {phong_tho, "POST", "/api/v1/mappings", mapping("Cột lạ", "members_female"), 403, "forbidden"},
      {viewer, "POST", "/api/v1/mappings", mapping("Cột lạ", "members_female"), 403, "forbidden"},
      {"", "POST", "/api/v1/mappings", mapping("Cột lạ", "members_female"), 401, "unauthorised"},
      {kAdmin, "DELETE", "/api/v1/mappings/999", "", 404, "not_found"},
      {kAdmin, "DELETE", "/api/v1/mappings/01", "", 404, "not_found"},
      {kAdmin, "GET", "/api/v1/mappings?district=Atlantis", "", 422, "unknown_district"},
  };
  for (const auto& b : bad) {
    const auto r = call(d, b.method, b.target, b.token, b.body);
    EXPECT_EQ(r.status, b.status) << b.body.substr(0, 200) << " " << json::serialize(r.body);
    ASSERT_TRUE(r.body.is_object()) << b.body.substr(0, 200);
    const auto& e = r.body.at("errors").as_array().at(0).as_object();
    EXPECT_EQ(e.at("code").as_string(), b.code) << b.body.substr(0, 200);
    if (b.status != 401) {  // the token is checked before any route, with the contract's message
      EXPECT_NE(std::string(e.at("message").as_string()).find(" / "), std::string::npos) << "bilingual: " << e.at("message");
    }
  }
  EXPECT_EQ(count_rows(db, "SELECT COUNT(*) FROM mappings"), mappings_before);
  EXPECT_EQ(count_rows(db, "SELECT COUNT(*) FROM audit"), audit_before);
}

TEST(Mappings, ADistrictMapsOnlyWhereTheProvinceAllowsIt) {
  ServedDaemon d(kAdmin, "[mapping]\ndistricts_may_map = false\n");
  const std::string phong_tho = token(d, "district", "Phong Thổ");
  EXPECT_EQ(call(d, "POST", "/api/v1/mappings", phong_tho, mapping("Quân số đảng viên", "members_total", "Phong Thổ")).status,
            403);
  EXPECT_EQ(call(d, "POST", "/api/v1/mappings", kAdmin, mapping("Quân số đảng viên", "members_total", "Phong Thổ")).status, 201);
  EXPECT_EQ(call(d, "GET", "/api/v1/mappings", phong_tho).body.at("mappings").as_array().size(), 1u);
}

namespace {

// The score of the suggestion members_female for what `body` leaves unmapped (0: none).
double female_score(const ServedDaemon& d, const std::string& target, const std::string& body) {
  const auto r = call(d, "POST", target, kAdmin, body);
  EXPECT_EQ(r.status, 200);
  for (const auto& u : r.body.at("unmapped").as_array())
    for (const auto& s : u.at("suggestions").as_array())
      if (s.at("field").as_string() == "members_female") return s.at("score").to_number<double>();
  return 0.0;
}

// score(above): the values never above the members (false) score high, and
// higher than the same values above them (true).
template <class Score>
void expect_part_scores_higher(Score score) {
  const double part = score(false), not_part = score(true);
  EXPECT_GT(part, 0.5);
  EXPECT_LT(not_part, part);
}

}  // namespace

TEST(Suggestions, AColumnNeverAboveTheMembersIsMoreLikelyAPartOfThem) {
  ServedDaemon d(kAdmin);
  // "Số ĐV nữ (người)" beside a members column the catalogue knows: its values
  // never above the row's members make members_female score higher than the
  // same header with values above them.
  auto score = [&](bool above) {
    std::string csv = "Tên tổ chức cơ sở đảng;Loại hình;Tổng số đảng viên;Số ĐV nữ (người)\n";
    for (const auto& o : kOrgs)
      csv += std::string(o.name) + ";" + o.kind + ";" + std::to_string(o.members) + ";" +
             std::to_string(above ? o.members + 5 : o.female) + "\n";
    return female_score(d, check_target(kPhongTho), csv);
  };
  expect_part_scores_higher(score);
}

TEST(Suggestions, AJsonKeyNeverAboveTheMembersIsMoreLikelyAPartOfThem) {
  ServedDaemon d(kAdmin);
  auto score = [&](bool above) {
    std::string j = "{\"to_chuc\": [";
    bool first = true;
    for (const auto& o : kOrgs) {
      j += std::string(first ? "" : ",") + "{\"ten\": \"" + o.name + "\", \"loai\": \"" + o.kind +
           "\", \"tong_so_dang_vien\": " + std::to_string(o.members) +
           ", \"so_dv_nu_nguoi\": " + std::to_string(above ? o.members + 5 : o.female) + "}";
      first = false;
    }
    return female_score(d, check_target(kPhongTho, "b.json"), j + "]}");
  };
  expect_part_scores_higher(score);
}

TEST(Suggestions, AColumnOfWordsIsNamedWithItsSamplesAndTheTextFieldsItMayBe) {
  ServedDaemon d(kAdmin);
  std::string csv = "Tên tổ chức cơ sở đảng;Loại hình;Tổng số đảng viên;Kết quả năm\n";
  const char* ratings[] = {"HTXSNV", "HTTNV", "HTNV", "HTTNV"};
  int i = 0;
  for (const auto& o : kOrgs) csv += std::string(o.name) + ";" + o.kind + ";" + std::to_string(o.members) + ";" + ratings[i++] + "\n";
  const auto r = call(d, "POST", check_target(kPhongTho), kAdmin, csv);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body.at("verdict").as_string(), "accepted");
  const auto& unmapped = r.body.at("unmapped").as_array();
  ASSERT_EQ(unmapped.size(), 1u) << json::serialize(unmapped);
  EXPECT_EQ(unmapped[0].at("column").as_string(), "D");
  EXPECT_EQ(unmapped[0].at("samples").as_array().size(), 4u);
  EXPECT_EQ(unmapped[0].at("samples").as_array()[0].as_string(), "HTXSNV");
  EXPECT_TRUE(has_suggestion(r.body.at("unmapped"), "Kết quả năm", "org_rating")) << json::serialize(unmapped);
  // Mapped, the ratings are read.
  ASSERT_EQ(call(d, "POST", "/api/v1/mappings", kAdmin, mapping("Kết quả năm", "org_rating")).status, 201);
  const auto again = call(d, "POST", check_target(kPhongTho), kAdmin, csv);
  EXPECT_EQ(again.body.at("records").as_array()[0].at("org_rating").as_string(), "excellent");
  EXPECT_TRUE(again.body.at("unmapped").as_array().empty());
}

TEST(Mappings, ExportedAsAProfileAndImportedBack) {
  ServedDaemon d(kAdmin);
  const std::string phong_tho = token(d, "district", "Phong Thổ");
  ASSERT_EQ(call(d, "POST", "/api/v1/mappings", phong_tho, mapping("Quân số đảng viên", "members_total", "Phong Thổ")).status,
            201);
  ASSERT_EQ(call(d, "POST", "/api/v1/mappings", kAdmin, mapping("Số ĐV nữ (người)", "members_female")).status, 201);
  ASSERT_EQ(call(d, "POST", "/api/v1/mappings", kAdmin, mapping("Ghi chú \"thêm\"", "ignore")).status, 201);
  const auto config = (d.dir.path() / "tonghop.toml").string();
  const auto file = (d.dir.path() / "mappings.toml").string();
  const auto exported = tonghop::test::run({TONGHOPD_PATH, "mappings", "export", "-o", file, "--config", config});
  ASSERT_EQ(exported.exit_code, 0) << exported.output;
  const std::string text = tonghop::test::read_file(file);
  EXPECT_NE(text.find("[headers]\n\"Số ĐV nữ (người)\" = \"members_female\"\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\"Ghi chú \\\"thêm\\\"\" = \"ignore\""), std::string::npos) << text;
  EXPECT_NE(text.find("[district_headers.\"Phong Thổ\"]\n\"Quân số đảng viên\" = \"members_total\""), std::string::npos) << text;
  // The file is a profile the daemon loads (config/profiles): its [headers] for every district.
  tonghop::test::TempDir profiles;
  tonghop::test::write_file(profiles.path() / "profiles" / "board.toml", text);
  tonghop::test::write_file(profiles.path() / "new-shape.csv", new_shape_csv());
  tonghop::test::write_file(profiles.path() / "tonghop.toml",
                            "[paths]\nplugins_dir = \"" TONGHOP_PLUGIN_DIR "\"\n[normalise]\ncatalogue = \"" TONGHOP_SOURCE_DIR
                            "/config/indicators.toml\"\nunits = \"" TONGHOP_SOURCE_DIR "/config/units/lai-chau.toml\"\n"
                            "profiles = \"" + (profiles.path() / "profiles").string() + "\"\n");
  const auto checked = tonghop::test::run({TONGHOPD_PATH, "check", (profiles.path() / "new-shape.csv").string(), "--district",
                                           "Sìn Hồ", "--period", "2018", "--format", "json", "--config",
                                           (profiles.path() / "tonghop.toml").string()});
  EXPECT_EQ(checked.exit_code, 1) << checked.output;  // refused for want of members_total: only Phong Thổ maps it
  EXPECT_NE(checked.output.find("\"field\":\"members_female\",\"column\":\"F\""), std::string::npos) << checked.output;

  // Into a fresh data directory: the same mappings, audited as the CLI; a second import adds nothing.
  tonghop::test::TempDir other;
  const auto fresh = (other.path() / "var").string();
  auto imported = tonghop::test::run({TONGHOPD_PATH, "mappings", "import", file, "--config", config, "--data-dir", fresh});
  ASSERT_EQ(imported.exit_code, 0) << imported.output;
  EXPECT_NE(imported.output.find("3 mapping(s) imported"), std::string::npos) << imported.output;
  imported = tonghop::test::run({TONGHOPD_PATH, "mappings", "import", file, "--config", config, "--data-dir", fresh});
  ASSERT_EQ(imported.exit_code, 0) << imported.output;
  EXPECT_NE(imported.output.find("0 mapping(s) imported, 3 already there"), std::string::npos) << imported.output;
  const fs::path db = fs::path(fresh) / "tonghop.db";
  EXPECT_EQ(count_rows(db, "SELECT COUNT(*) FROM mappings"), 3);
  EXPECT_EQ(count_rows(db, "SELECT COUNT(*) FROM mappings WHERE district = 'Phong Thổ' AND key = 'quan so dang vien' AND "
                           "field = 'members_total'"),
            1);
  EXPECT_EQ(count_rows(db, "SELECT COUNT(*) FROM audit WHERE who = 'cli' AND action = 'mapping.create'"), 3);
  // The district's own export is a profile for it alone.
  const auto own = tonghop::test::run({TONGHOPD_PATH, "mappings", "export", "--district", "phong tho", "--config", config});
  ASSERT_EQ(own.exit_code, 0) << own.output;
  EXPECT_NE(own.output.find("districts = [\"Phong Thổ\"]"), std::string::npos) << own.output;
  // A file with a field the catalogue does not have imports nothing.
  tonghop::test::write_file(other.path() / "bad.toml", "[headers]\n\"Cột lạ\" = \"members_femail\"\n\"Cột khác\" = \"admitted\"\n");
  const auto bad = tonghop::test::run(
      {TONGHOPD_PATH, "mappings", "import", (other.path() / "bad.toml").string(), "--config", config, "--data-dir", fresh});
  EXPECT_EQ(bad.exit_code, 1) << bad.output;
  EXPECT_NE(bad.output.find("unknown_field"), std::string::npos) << bad.output;
  EXPECT_EQ(count_rows(db, "SELECT COUNT(*) FROM mappings"), 3);
}
