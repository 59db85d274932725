// The dry run (POST /api/v1/check) against the real daemon, a real socket and
// the real SQLite database: who may check what, a check storing nothing, the
// sheet and the JSON document as read, each error at its cell. The mappings
// that follow a check: mappings_test.cpp.
#include "api/check_support.hpp"

using namespace check_test;

TEST(DryRun, EachRoleMayCheckOnlyWhatItMaySend) {
  ServedDaemon d(kAdmin);
  const std::string csv = new_shape_csv();
  EXPECT_EQ(call(d, "POST", check_target(kPhongTho), kAdmin, csv).status, 200);
  const std::string phong_tho = token(d, "district", "Phong Thổ");
  const auto own = call(d, "POST", check_target(kPhongTho), phong_tho, csv);
  EXPECT_EQ(own.status, 200);
  EXPECT_EQ(own.body.at("district").as_string(), "Phong Thổ");
  const auto other = call(d, "POST", check_target(kSinHo), phong_tho, csv);
  EXPECT_EQ(other.status, 403) << json::serialize(other.body);
  EXPECT_EQ(call(d, "POST", check_target(kPhongTho), token(d, "viewer"), csv).status, 403);
  EXPECT_EQ(call(d, "POST", check_target(kPhongTho), "", csv).status, 401);
  EXPECT_EQ(call(d, "POST", check_target(kPhongTho), "not-a-token-at-all", csv).status, 401);
  EXPECT_EQ(call(d, "POST", check_target("Hanoi"), kAdmin, csv).status, 422);
  EXPECT_EQ(call(d, "POST", "/api/v1/check?district=" + kPhongTho + "&period=1800", kAdmin, csv).status, 422);
  EXPECT_EQ(call(d, "POST", check_target(kPhongTho), kAdmin, "").status, 400);
}

TEST(DryRun, StoresAndArchivesNothing) {
  ServedDaemon d(kAdmin);
  const fs::path var = d.dir.path() / "var";
  const std::string good = tonghop::test::read_file(TONGHOP_SOURCE_DIR "/tests/data/lai-chau/2018/phong-tho.csv");
  const auto before_list = call(d, "GET", "/api/v1/submissions?period=2018", kAdmin);
  ASSERT_EQ(before_list.status, 200);
  const std::size_t raw_before = files_under(var / "raw");
  const auto audit_before = count_rows(var / "tonghop.db", "SELECT COUNT(*) FROM audit");
  for (const std::string& body : {good, new_shape_csv(), std::string("not a return at all")}) {
    const auto r = call(d, "POST", check_target(kPhongTho, "phong-tho.csv"), kAdmin, body);
    EXPECT_EQ(r.status, 200) << json::serialize(r.body);
  }
  EXPECT_EQ(call(d, "POST", check_target(kPhongTho, "phong-tho.csv"), kAdmin, good).body.at("verdict").as_string(),
            "accepted");
  EXPECT_EQ(call(d, "GET", "/api/v1/submissions?period=2018", kAdmin).body, before_list.body);
  EXPECT_EQ(files_under(var / "raw"), raw_before);
  EXPECT_EQ(count_rows(var / "tonghop.db", "SELECT COUNT(*) FROM submissions"), 0);
  EXPECT_EQ(count_rows(var / "tonghop.db", "SELECT COUNT(*) FROM audit"), audit_before);
  // The same bytes submitted are stored: the check above was no test of an empty store.
  EXPECT_EQ(call(d, "POST", "/api/v1/submissions?district=" + kPhongTho + "&period=2018&filename=p.csv", kAdmin, good).status,
            201);
  EXPECT_EQ(files_under(var / "raw"), raw_before + 1);
}

TEST(DryRun, ShowsTheSheetAsReadAndMarksEachErrorAtItsCell) {
  ServedDaemon d(kAdmin, "[check]\nmax_rows = 3\n");
  std::string csv = new_shape_csv();
  csv.replace(csv.find(";132;"), 5, ";1x2;");  // Bản Lang's members: not a number, at E2
  const auto r = call(d, "POST", check_target(kPhongTho), kAdmin, csv);
  ASSERT_EQ(r.status, 200) << json::serialize(r.body);
  const auto& o = r.body.as_object();
  EXPECT_EQ(o.at("verdict").as_string(), "refused");
  EXPECT_EQ(o.at("format").as_string(), "csv");
  EXPECT_EQ(o.at("plugin").as_string(), "import-csv");
  EXPECT_TRUE(o.at("document").is_null());
  const auto& sheet = o.at("sheet").as_object();
  EXPECT_EQ(sheet.at("header").at("first_row").as_int64(), 1);
  EXPECT_EQ(sheet.at("header").at("last_row").as_int64(), 1);
  const auto& head = sheet.at("header").at("rows").as_array().at(0).at("cells").as_array();
  ASSERT_EQ(head.size(), 7u);
  EXPECT_EQ(head[4].at("cell").as_string(), "E1");
  EXPECT_EQ(head[4].at("value").as_string(), "Quân số đảng viên");
  // Three data rows of four, and said so.
  const auto& rows = sheet.at("rows").as_array();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(sheet.at("rows_total").as_int64(), 4);
  EXPECT_TRUE(sheet.at("cut").as_bool());
  EXPECT_EQ(rows[0].at("row").as_int64(), 2);
  EXPECT_EQ(rows[0].at("cells").as_array()[1].at("cell").as_string(), "B2");
  EXPECT_EQ(rows[0].at("cells").as_array()[1].at("value").as_string(), kOrgs[0].name);
  EXPECT_EQ(rows[2].at("cells").as_array()[4].at("value").as_string(), std::to_string(kOrgs[2].members));
  // Each column's field: B the name, E and F unmapped.
  std::map<std::string, json::value> fields;
  for (const auto& c : sheet.at("columns").as_array()) fields[std::string(c.at("column").as_string())] = c.at("field");
  EXPECT_EQ(fields["B"], json::value("org_name"));
  EXPECT_EQ(fields["D"], json::value("cells_total"));
  EXPECT_TRUE(fields["E"].is_null());
  EXPECT_TRUE(fields["F"].is_null());
  // The records: three shown of four.
  EXPECT_EQ(o.at("records").as_array().size(), 3u);
  EXPECT_EQ(o.at("records_total").as_int64(), 4);
  EXPECT_TRUE(o.at("records_cut").as_bool());
  // Every unmapped header with its samples and suggestions.
  EXPECT_TRUE(has_suggestion(o.at("unmapped"), "Quân số đảng viên", "members_total"));
  for (const auto& u : o.at("unmapped").as_array())
    if (u.at("column").as_string() == "F") {
      EXPECT_EQ(u.at("samples").as_array().size(), 4u);
      EXPECT_EQ(u.at("samples").as_array()[0].as_string(), "66");
      for (const auto& s : u.at("suggestions").as_array()) EXPECT_TRUE(s.as_object().contains("label"));
    }
}

TEST(DryRun, ShowsAJsonDocumentsKeysAndPointers) {
  ServedDaemon d(kAdmin);
  const auto r = call(d, "POST", check_target(kPhongTho, "bao-cao.json"), kAdmin, new_shape_json());
  ASSERT_EQ(r.status, 200) << json::serialize(r.body);
  const auto& o = r.body.as_object();
  EXPECT_EQ(o.at("format").as_string(), "json");
  EXPECT_TRUE(o.at("sheet").is_null());
  const auto& doc = o.at("document").as_object();
  EXPECT_EQ(doc.at("array").as_string(), "/to_chuc");
  EXPECT_EQ(doc.at("elements_total").as_int64(), 4);
  EXPECT_FALSE(doc.at("cut").as_bool());
  std::map<std::string, json::value> keys;
  for (const auto& k : doc.at("keys").as_array()) keys[std::string(k.at("key").as_string())] = k;
  EXPECT_EQ(keys["/ten"].at("field"), json::value("org_name"));
  EXPECT_EQ(keys["/ten"].at("pointer"), json::value("/to_chuc/0/ten"));
  EXPECT_TRUE(keys["/quan_so_dv"].at("field").is_null());
  EXPECT_TRUE(keys["/quan_so_dv"].at("unmapped").as_bool());
  const auto& elements = doc.at("elements").as_array();
  ASSERT_EQ(elements.size(), 4u);
  EXPECT_EQ(elements[1].at("pointer").as_string(), "/to_chuc/1");
  EXPECT_EQ(elements[1].at("values").as_array()[0].at("value").as_string(), kOrgs[1].name);
  EXPECT_EQ(doc.at("outside").as_array()[0].at("pointer").as_string(), "/don_vi");
  bool found = false;
  for (const auto& u : o.at("unmapped").as_array())
    if (u.at("key").as_string() == "/quan_so_dv") {
      found = true;
      EXPECT_EQ(u.at("pointer").as_string(), "/to_chuc/0/quan_so_dv");
      EXPECT_EQ(u.at("samples").as_array()[0].as_string(), std::to_string(kOrgs[0].members));
    }
  EXPECT_TRUE(found);
}

TEST(DryRun, AWideAndLongReturnComesBackBounded) {
  ServedDaemon d(kAdmin);
  // 20,000 organisations over 300 columns (about 12 MB of CSV): the answer
  // shows [check] max_rows (200) rows of 128 columns and says it cut both.
  std::string csv = "Tên tổ chức cơ sở đảng;Loại hình;Tổng số đảng viên";
  for (int c = 0; c < 297; ++c) csv += ";Cột thêm " + std::to_string(c);
  csv += "\n";
  for (int r = 0; r < 20'000; ++r) {
    csv += "Chi bộ thôn " + std::to_string(r) + ";CB;" + std::to_string(10 + r % 50);
    for (int c = 0; c < 297; ++c) csv += ";" + std::to_string(c % 7);
    csv += "\n";
  }
  // 12 MB read by a child at nice 10: on a loaded machine that takes more
  // than the client's usual 10 s (what is bounded here is the answer's size).
  const auto raw = tonghop::test::request(d.port, "POST", check_target(kPhongTho), csv,
                                          "Authorization: Bearer " + kAdmin + "\r\n", std::chrono::seconds(90));
  ASSERT_TRUE(raw.has_value());
  ASSERT_EQ(raw->status, 200) << raw->body.substr(0, 500);
  EXPECT_LT(raw->body.size(), 4u << 20) << "the answer is bounded, not the file's size";
  const auto o = json::parse(raw->body).as_object();
  EXPECT_EQ(o.at("records_total").as_int64(), 20'000);
  EXPECT_EQ(o.at("records").as_array().size(), 200u);
  EXPECT_TRUE(o.at("records_cut").as_bool());
  const auto& sheet = o.at("sheet").as_object();
  EXPECT_EQ(sheet.at("rows").as_array().size(), 200u);
  EXPECT_EQ(sheet.at("rows_total").as_int64(), 20'000);
  EXPECT_TRUE(sheet.at("cut").as_bool());
  EXPECT_TRUE(sheet.at("columns_cut").as_bool());
  EXPECT_EQ(sheet.at("rows").as_array()[0].at("cells").as_array().size(), 128u);
}
