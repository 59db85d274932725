// Blank forms and the catalogue (issue 14, items 4 and 5), through the real
// daemon over a real socket: the form downloaded for a district that has
// reported (its organisations prefilled), filled in as a clerk would
// (openpyxl; Python's csv for the CSV form) and submitted back: accepted with
// no mapping, and every sum of the report is what forms_tool.py wrote. A real
// LibreOffice opens the workbook and its own validation check refuses -3
// (lo_check.py). The JSON Schema judged by python3-jsonschema against the
// Tam Đường sample and broken copies of it; the catalogue against
// config/indicators.toml read here with toml++; bad requests refused.
#include <gtest/gtest.h>

#include <set>

#include <boost/json.hpp>
#include <toml++/toml.h>

#include "support/daemon.hpp"
#include "support/http_client.hpp"
#include "support/process.hpp"

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace tonghop;

namespace {

const std::string kAdmin = "admin-token-for-the-blank-forms-tests";
const std::string kData = TONGHOP_SOURCE_DIR "/tests/data/lai-chau/";
const std::string kTool = TONGHOP_SOURCE_DIR "/tests/forms/forms_tool.py";

struct Daemon : test::ServedDaemon {
  Daemon() : ServedDaemon(kAdmin) {}
  test::HttpReply call(const std::string& method, const std::string& target, const std::string& body = {},
                       const std::optional<std::string>& token = std::nullopt) const {
    const std::string auth = token ? (token->empty() ? std::string() : "Authorization: Bearer " + *token + "\r\n")
                                   : "Authorization: Bearer " + admin + "\r\n";
    const auto r = test::request(port, method, target, body, auth);
    return r ? *r : test::HttpReply{};
  }
  std::string token(const std::string& body) const {
    const auto r = call("POST", "/api/v1/tokens", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return std::string(json::parse(r.body).at("token").as_string());
  }
  json::object submit(const std::string& query, const std::string& bytes, const std::optional<std::string>& token = {}) const {
    const auto r = call("POST", "/api/v1/submissions?" + query, bytes, token);
    EXPECT_EQ(r.status, 201) << query << ": " << r.body;
    return r.status == 201 ? json::parse(r.body).as_object() : json::object{};
  }
  fs::path save(const std::string& name, const std::string& bytes) const {
    const fs::path p = dir.path() / name;
    test::write_file(p, bytes);
    return p;
  }
};

json::object run_json(const std::vector<std::string>& argv) {
  const auto r = test::run(argv, {}, std::chrono::seconds(120));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  json::error_code ec;
  const auto v = json::parse(r.output.substr(0, r.output.find_last_not_of("\n") + 1), ec);
  EXPECT_FALSE(ec) << r.output;
  return !ec && v.is_object() ? v.as_object() : json::object{};
}

std::int64_t as_int(const json::value& v) { return v.is_int64() ? v.as_int64() : static_cast<std::int64_t>(v.to_number<double>()); }

// The organisations' names of a stored submission, in order.
std::vector<std::string> names_of(const Daemon& d, std::int64_t id) {
  const auto r = d.call("GET", "/api/v1/submissions/" + std::to_string(id));
  EXPECT_EQ(r.status, 200);
  std::vector<std::string> out;
  const json::value body = json::parse(r.body);
  for (const auto& rec : body.at("records").as_array())
    out.emplace_back(rec.at("org_name").as_string());
  return out;
}

// Every sum the tool wrote is the district's figure in the report; the
// return carried every field of the catalogue and nothing went unmapped.
void expect_report_matches(const Daemon& d, const json::object& accepted, const json::object& wrote,
                           const std::string& district, const std::string& period) {
  for (const auto& w : accepted.at("warnings").as_array())
    EXPECT_NE(w.at("code").as_string(), "unmapped_header") << json::serialize(w);
  const auto& coverage = accepted.at("coverage").as_object();
  EXPECT_TRUE(coverage.at("missing").as_array().empty()) << json::serialize(coverage);
  const auto r = d.call("GET", "/api/v1/reports/province?period=" + period + "&format=json");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto report = json::parse(r.body);
  const json::object* row = nullptr;
  for (const auto& dv : report.at("districts").as_array())
    if (dv.at("district").as_string() == district) row = &dv.as_object();
  ASSERT_NE(row, nullptr);
  const auto& ind = row->at("indicators").as_object();
  const auto& sums = wrote.at("sums").as_object();
  ASSERT_EQ(sums.size(), 31u);
  for (const auto& [field, sum] : sums) {
    ASSERT_TRUE(ind.contains(field)) << field;
    EXPECT_EQ(as_int(ind.at(field)), as_int(sum)) << field;
  }
  EXPECT_EQ(as_int(ind.at("orgs_total")), as_int(wrote.at("organisations")));
  for (const auto& [rating, n] : wrote.at("ratings").as_object())
    EXPECT_EQ(as_int(ind.at("orgs_rated_" + std::string(rating))), as_int(n)) << rating;
}

TEST(Forms, WorkbookRoundTripPrefilledAndAcceptedWithoutMapping) {
  Daemon d;
  const auto stored = d.submit("district=than%20uyen&period=2018&filename=than-uyen.xlsx",
                               test::read_file(kData + "2018/than-uyen.xlsx"));
  ASSERT_FALSE(stored.empty());
  const auto names = names_of(d, stored.at("id").as_int64());
  ASSERT_EQ(names.size(), 45u);
  const std::string clerk = d.token(R"({"role":"district","district":"Than Uyên"})");

  const auto form = d.call("GET", "/api/v1/templates?district=Than%20Uy%C3%AAn&period=2019&format=xlsx", {}, clerk);
  ASSERT_EQ(form.status, 200) << form.body;
  EXPECT_EQ(form.header("Content-Type"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_EQ(form.header("X-Tonghop-Prefilled-From"), std::to_string(stored.at("id").as_int64()) + " 2018");
  const fs::path blank = d.save("blank.xlsx", form.body);

  const auto seen = run_json({"/usr/bin/python3", kTool, "inspect", blank.string()});
  ASSERT_FALSE(seen.empty());
  std::vector<std::string> prefilled;
  for (const auto& n : seen.at("names").as_array()) prefilled.emplace_back(n.as_string());
  EXPECT_EQ(prefilled, names);  // the last return's organisations, in its order
  for (const auto& k : seen.at("kinds").as_array())
    EXPECT_TRUE(k == "Đảng bộ cơ sở" || k == "Chi bộ cơ sở") << json::serialize(k);
  EXPECT_EQ(as_int(seen.at("rows")), 45 + 10);  // and ten empty rows
  const std::string heading = json::serialize(seen.at("heading"));
  for (const char* text : {"TỈNH ỦY LAI CHÂU", "HUYỆN ỦY THAN UYÊN", "ĐẢNG CỘNG SẢN VIỆT NAM", "NĂM 2019", "Than Uyên"})
    EXPECT_NE(heading.find(text), std::string::npos) << text << " in " << heading;
  EXPECT_TRUE(seen.at("protected").as_bool());
  const auto& locked = seen.at("locked").as_object();
  EXPECT_TRUE(locked.at("header").as_bool());
  EXPECT_TRUE(locked.at("total").as_bool());
  EXPECT_FALSE(locked.at("data").as_bool());
  EXPECT_FALSE(locked.at("name").as_bool());
  // Counts: whole numbers >= 0, stopped with a Vietnamese message; lists for kind, sector, rating.
  int whole = 0, lists = 0;
  for (const auto& v : seen.at("validations").as_array()) {
    if (v.at("type") == "whole") {
      ++whole;
      EXPECT_EQ(v.at("operator"), "greaterThanOrEqual");
      EXPECT_EQ(v.at("formula1"), "0");
      EXPECT_TRUE(v.at("errorStyle").is_null() || v.at("errorStyle") == "stop");
      EXPECT_NE(std::string(v.at("error").as_string()).find("số nguyên từ 0"), std::string::npos);
    }
    if (v.at("type") == "list") {
      ++lists;
      const std::string f = std::string(v.at("formula1").as_string());
      EXPECT_TRUE(f.find("Đảng bộ cơ sở") != std::string::npos || f.find("Hoàn thành tốt nhiệm vụ") != std::string::npos ||
                  f.find("commune") != std::string::npos)
          << f;
    }
  }
  EXPECT_EQ(whole, 1);
  EXPECT_EQ(lists, 3);
  EXPECT_EQ(seen.at("total").as_object().size(), 31u);  // a SUM for every count
  for (const auto& [col, formula] : seen.at("total").as_object())
    EXPECT_EQ(std::string(formula.as_string()).rfind("=SUM(" + std::string(col) + "10:" + std::string(col) + "64)", 0), 0u)
        << formula;

  // Filled in and sent back by the district: accepted, no mapping, every sum right.
  const json::value catalogue = json::parse(d.call("GET", "/api/v1/catalogue").body);
  const fs::path catalogue_file = d.save("catalogue.json", json::serialize(catalogue));
  const fs::path filled = d.dir.path() / "filled.xlsx";
  const auto wrote = run_json({"/usr/bin/python3", kTool, "fill-xlsx", blank.string(), filled.string(), catalogue_file.string()});
  ASSERT_FALSE(wrote.empty());
  EXPECT_EQ(as_int(wrote.at("organisations")), 45);
  const auto accepted = d.submit("district=than%20uyen&period=2019&filename=filled.xlsx", test::read_file(filled), clerk);
  ASSERT_FALSE(accepted.empty());
  EXPECT_EQ(as_int(accepted.at("records")), 45);
  expect_report_matches(d, accepted, wrote, "Than Uyên", "2019");
}

// A district that has not reported: fifty empty rows. A city ("THÀNH ỦY …")
// and a half year ("… 6 THÁNG ĐẦU NĂM 2018"): the heading the normaliser
// checks against the submission agrees with it, and new organisations typed
// into the empty rows are read with every sum.
TEST(Forms, EmptyFormForACityAndAHalfYearIsAcceptedFilledIn) {
  Daemon d;
  const auto form = d.call("GET", "/api/v1/templates?district=TP%20Lai%20Ch%C3%A2u&period=2018-H1");
  ASSERT_EQ(form.status, 200) << form.body;
  EXPECT_FALSE(form.header("X-Tonghop-Prefilled-From"));
  EXPECT_EQ(form.header("Content-Disposition"), "attachment; filename=\"mau-bieu-thanh-pho-lai-chau-2018-H1.xlsx\"");
  const fs::path blank = d.save("blank.xlsx", form.body);
  const auto seen = run_json({"/usr/bin/python3", kTool, "inspect", blank.string()});
  EXPECT_EQ(as_int(seen.at("rows")), 50);
  EXPECT_TRUE(seen.at("names").as_array().empty());
  const std::string heading = json::serialize(seen.at("heading"));
  for (const char* text : {"THÀNH ỦY LAI CHÂU", "6 THÁNG ĐẦU NĂM 2018", "Đảng bộ thành phố Lai Châu"})
    EXPECT_NE(heading.find(text), std::string::npos) << text << " in " << heading;
  const fs::path catalogue_file = d.save("catalogue.json", d.call("GET", "/api/v1/catalogue").body);
  const fs::path filled = d.dir.path() / "filled.xlsx";
  const auto wrote =
      run_json({"/usr/bin/python3", kTool, "fill-xlsx", blank.string(), filled.string(), catalogue_file.string(), "6"});
  ASSERT_FALSE(wrote.empty());
  EXPECT_EQ(as_int(wrote.at("organisations")), 6);
  const auto accepted = d.submit("district=thanh%20pho%20lai%20chau&period=2018-H1&filename=f.xlsx", test::read_file(filled));
  ASSERT_FALSE(accepted.empty());
  EXPECT_EQ(as_int(accepted.at("records")), 6);
  expect_report_matches(d, accepted, wrote, "Thành phố Lai Châu", "2018-H1");
  // The same bytes for another period are refused at the title that names 2018-H1.
  const auto wrong = d.call("POST", "/api/v1/submissions?district=thanh%20pho%20lai%20chau&period=2018-Q3&filename=f.xlsx",
                            test::read_file(filled));
  EXPECT_EQ(wrong.status, 422) << wrong.body;
  EXPECT_NE(wrong.body.find("period_mismatch"), std::string::npos) << wrong.body;
}

TEST(Forms, LibreOfficeOpensTheWorkbookAndItsValidationRefusesMinusThree) {
  Daemon d;
  const auto form = d.call("GET", "/api/v1/templates?district=sin%20ho&period=2018-H1");
  ASSERT_EQ(form.status, 200) << form.body;
  const fs::path blank = d.save("blank.xlsx", form.body);
  const auto seen = run_json({"/usr/bin/python3", kTool, "inspect", blank.string()});
  EXPECT_EQ(as_int(seen.at("rows")), 50);  // nothing reported yet: fifty empty rows
  EXPECT_TRUE(seen.at("names").as_array().empty());
  // The first count column (after STT, name, kind, sector, rating): F, rows 10..
  const fs::path home = d.dir.path() / "office-home";
  fs::create_directories(home);
  const auto lo = run_json({"/usr/bin/python3", TONGHOP_SOURCE_DIR "/tests/forms/lo_check.py", blank.string(),
                            home.string(), "F", "10"});
  ASSERT_FALSE(lo.empty());
  EXPECT_EQ(lo.at("sheet"), "Biểu 01");
  EXPECT_TRUE(lo.at("protected").as_bool());
  const auto& v = lo.at("validation").as_object();
  EXPECT_EQ(v.at("type"), "WHOLE");  // com.sun.star.sheet.ValidationType
  EXPECT_EQ(v.at("operator"), "GREATER_EQUAL");
  EXPECT_EQ(v.at("formula1"), "0");
  EXPECT_TRUE(v.at("show_error").as_bool());
  EXPECT_EQ(v.at("error_style"), "STOP");
  EXPECT_NE(std::string(v.at("error_message").as_string()).find("chỉ nhận số nguyên từ 0 trở lên"), std::string::npos);
  // Calc's own check: -3 (F10) and 2.5 (F11) refused, 7 (F12) taken.
  EXPECT_EQ(json::serialize(lo.at("circled")), R"(["F10","F11"])");
}

TEST(Forms, CsvFormReadBackThroughTheCsvImporter) {
  Daemon d;
  d.submit("district=phong%20tho&period=2018&filename=phong-tho.csv", test::read_file(kData + "2018/phong-tho.csv"));
  const auto form = d.call("GET", "/api/v1/templates?district=phong%20tho&period=2019&format=csv");
  ASSERT_EQ(form.status, 200) << form.body;
  EXPECT_EQ(form.header("Content-Type"), "text/csv; charset=utf-8");
  ASSERT_EQ(form.body.rfind("\xEF\xBB\xBF" "Tên tổ chức cơ sở đảng,Loại hình,Lĩnh vực,Xếp loại TCCSĐ,", 0), 0u) << form.body.substr(0, 200);
  const fs::path blank = d.save("blank.csv", form.body);
  const json::value catalogue = json::parse(d.call("GET", "/api/v1/catalogue").body);
  const fs::path catalogue_file = d.save("catalogue.json", json::serialize(catalogue));
  const fs::path filled = d.dir.path() / "filled.csv";
  const auto wrote = run_json({"/usr/bin/python3", kTool, "fill-csv", blank.string(), filled.string(), catalogue_file.string()});
  ASSERT_FALSE(wrote.empty());
  const auto accepted = d.submit("district=phong%20tho&period=2019&filename=filled.csv", test::read_file(filled));
  ASSERT_FALSE(accepted.empty());
  EXPECT_EQ(accepted.at("plugin"), "import-csv");
  EXPECT_EQ(as_int(accepted.at("records")), as_int(wrote.at("organisations")));
  EXPECT_GT(as_int(wrote.at("organisations")), 10);
  expect_report_matches(d, accepted, wrote, "Phong Thổ", "2019");
}

TEST(Forms, SchemaValidatesTheJsonSampleAndRefusesBrokenOnes) {
  Daemon d;
  const auto r = d.call("GET", "/api/v1/schema");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("Content-Type"), "application/schema+json");
  const fs::path schema = d.save("schema.json", r.body);
  const std::string sample = test::read_file(kData + "2018/tam-duong.json");
  auto check = [&](const std::string& name, const std::string& doc) {
    return test::run({"/usr/bin/python3", kTool, "schema", schema.string(), d.save(name, doc).string()});
  };
  const auto good = check("good.json", sample);
  EXPECT_EQ(good.exit_code, 0) << good.output;
  // The daemon takes the sample too: the schema is not stricter than the importer here.
  d.submit("district=tam%20duong&period=2018&filename=tam-duong.json", sample);

  auto broken = [&](const std::function<void(json::object&)>& edit) {
    json::value doc = json::parse(sample);
    edit(doc.as_object());
    return json::serialize(doc);
  };
  auto first_org = [](json::object& o) -> json::object& { return o.at("to_chuc_co_so_dang").as_array().at(0).as_object(); };
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"negative", broken([&](json::object& o) { first_org(o).at("dang_vien").as_object()["tong_so"] = -3; })},
      {"fraction", broken([&](json::object& o) { first_org(o)["chuyen_chinh_thuc"] = 2.5; })},
      {"words", broken([&](json::object& o) { first_org(o).at("ket_nap").as_object()["nu"] = "hai"; })},
      {"no-name", broken([&](json::object& o) { first_org(o).erase("ten"); })},
      {"no-organisations", broken([&](json::object& o) { o.erase("to_chuc_co_so_dang"); })},
  };
  for (const auto& [name, doc] : bad) {
    const auto res = check(name + ".json", doc);
    EXPECT_EQ(res.exit_code, 1) << name << ": " << res.output;
    EXPECT_NE(res.output.find("invalid"), std::string::npos) << res.output;
    // And the daemon refuses each too.
    const auto sent = d.call("POST", "/api/v1/submissions?district=tam%20duong&period=2017&filename=x.json", doc);
    EXPECT_EQ(sent.status, 422) << name << ": " << sent.body;
  }
}

TEST(Forms, CatalogueListsEveryFieldWithLabelSynonymsAndRules) {
  Daemon d;
  const auto r = d.call("GET", "/api/v1/catalogue");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto cat = json::parse(r.body).as_object();
  std::map<std::string, json::object> by_id;
  for (const auto& f : cat.at("fields").as_array()) by_id[std::string(f.at("id").as_string())] = f.as_object();
  const toml::table t = toml::parse_file(TONGHOP_SOURCE_DIR "/config/indicators.toml");
  std::size_t n = 0;
  for (const auto& [key, node] : *t["fields"].as_table()) {
    ++n;
    const std::string id(key.str());
    ASSERT_TRUE(by_id.count(id)) << id;
    const auto& f = by_id[id];
    EXPECT_EQ(std::string(f.at("label").as_string()), node.as_table()->get("label")->value_or(std::string()));
    EXPECT_EQ(std::string(f.at("kind").as_string()), (*node.as_table())["kind"].value_or(std::string("count")));
    std::set<std::string> listed;
    for (const auto& s : f.at("synonyms").as_array()) listed.emplace(s.as_string());
    if (const auto* syn = (*node.as_table())["synonyms"].as_array()) {
      for (const auto& s : *syn) {
        EXPECT_TRUE(listed.count(s.value_or(std::string()))) << id << ": " << s.value_or(std::string());
      }
    }
  }
  EXPECT_EQ(by_id.size(), n);
  EXPECT_EQ(n, 37u);
  // Rules name the fields they involve; words as written.
  const auto& female_rules = by_id["members_female"].at("rules").as_array();
  ASSERT_EQ(female_rules.size(), 1u);
  EXPECT_EQ(female_rules[0].at("whole"), "members_total");
  EXPECT_NE(std::string(female_rules[0].at("text").as_string()).find("«Đảng viên nữ» ≤ «Tổng số đảng viên»"), std::string::npos);
  EXPECT_EQ(by_id["members_total"].at("rules").as_array().size(), 5u);
  EXPECT_EQ(by_id["converted_official"].at("rules").as_array().size(), 0u);
  EXPECT_EQ(by_id["org_rating"].at("values").as_array().size(), 4u);
  bool dv = false;
  for (const auto& w : cat.at("words").as_array()) dv = dv || (w.at("written") == "ĐV" && w.at("means") == "đảng viên");
  EXPECT_TRUE(dv);
}

TEST(Forms, BadRequestsAreRefusedInBothLanguages) {
  Daemon d;
  const std::string clerk = d.token(R"({"role":"district","district":"Than Uyên"})");
  const std::string viewer = d.token(R"({"role":"viewer"})");
  auto expect_refusal = [&](const std::string& target, int status, const std::string& code, const std::optional<std::string>& token) {
    const auto r = d.call("GET", target, {}, token);
    EXPECT_EQ(r.status, status) << target << ": " << r.body;
    json::error_code ec;
    const json::value body = json::parse(r.body, ec);
    ASSERT_FALSE(ec) << r.body;
    const auto& e = body.at("errors").as_array().at(0);
    EXPECT_EQ(std::string(e.at("code").as_string()), code) << target;
    // Vietnamese / English (a 401 is Api::admit's, before any route: its message is the contract's, English)
    if (status != 401) {
      EXPECT_NE(std::string(e.at("message").as_string()).find(" / "), std::string::npos) << r.body;
    }
  };
  expect_refusal("/api/v1/templates?district=Hogwarts&period=2018", 400, "unknown_district", std::nullopt);
  expect_refusal("/api/v1/templates?period=2018", 400, "unknown_district", std::nullopt);
  expect_refusal("/api/v1/templates?district=than%20uyen&period=2018-Q5", 400, "unknown_period", std::nullopt);
  expect_refusal("/api/v1/templates?district=than%20uyen", 400, "unknown_period", std::nullopt);
  expect_refusal("/api/v1/templates?district=than%20uyen&period=2018&format=pdf", 400, "unknown_format", std::nullopt);
  expect_refusal("/api/v1/templates?district=sin%20ho&period=2018", 403, "forbidden", clerk);
  expect_refusal("/api/v1/templates?district=than%20uyen&period=2018", 401, "unauthorised", std::string());
  expect_refusal("/api/v1/schema", 401, "unauthorised", std::string());
  expect_refusal("/api/v1/catalogue", 401, "unauthorised", std::string("not-a-token"));
  // The district's own form, a viewer's, the schema and catalogue for any token.
  EXPECT_EQ(d.call("GET", "/api/v1/templates?district=than%20uyen&period=2018&format=csv", {}, clerk).status, 200);
  EXPECT_EQ(d.call("GET", "/api/v1/templates?district=than%20uyen&period=2018", {}, viewer).status, 200);
  EXPECT_EQ(d.call("GET", "/api/v1/schema", {}, clerk).status, 200);
  EXPECT_EQ(d.call("GET", "/api/v1/catalogue", {}, viewer).status, 200);
}

}  // namespace
