// Unknown is never zero, from the return to the report: the Lai Châu samples
// and a return made here that lacks whole fields (no ratings, no cells),
// submitted to the real daemon over a real socket, and the province report
// read back as JSON, CSV and xlsx (openpyxl). Every figure is checked against
// the rows written here and the expected reports of tests/data.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

#include <boost/json.hpp>

#include "normalise/catalogue.hpp"
#include "support/daemon.hpp"
#include "support/http_client.hpp"
#include "support/process.hpp"

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace tonghop;

namespace {

const std::string kAdmin = "admin-token-for-the-report-null-tests";
const std::string kData = TONGHOP_SOURCE_DIR "/tests/data/lai-chau/";
const std::string kDistrict = "Mường Tè";

struct Daemon : test::ServedDaemon {
  Daemon() : ServedDaemon(kAdmin) {}
  test::HttpReply call(const std::string& method, const std::string& target, const std::string& body = {}) const {
    const auto r = request(method, target, body);
    return r ? *r : test::HttpReply{};
  }
  void submit(const std::string& district, const std::string& period, const std::string& filename,
              const std::string& bytes) const {
    const auto r = call("POST", "/api/v1/submissions?district=" + district + "&period=" + period + "&filename=" + filename, bytes);
    ASSERT_EQ(r.status, 201) << filename << ": " << r.body;
  }
  void submit_samples() const {
    for (const auto& [file, district] : std::vector<std::pair<std::string, std::string>>{
             {"2017/than-uyen.csv", "than%20uyen"}, {"2017/tam-duong.csv", "tam%20duong"},
             {"2017/phong-tho.csv", "phong%20tho"}, {"2017/sin-ho.csv", "sin%20ho"},
             {"2018/than-uyen.xlsx", "than%20uyen"}, {"2018/tam-duong.json", "tam%20duong"},
             {"2018/phong-tho.csv", "phong%20tho"}, {"2018/sin-ho.csv", "sin%20ho"}})
      submit(district, file.substr(0, 4), fs::path(file).filename().string(), test::read_file(kData + file));
  }
  test::HttpReply report(const std::string& period, const std::string& format) const {
    return call("GET", "/api/v1/reports/province?period=" + period + "&format=" + format);
  }
};

// A return made here: organisations with only some counts, and maybe a rating.
struct Org {
  std::string name, kind;
  std::map<std::string, std::int64_t> counts;
  std::string rating;
};
struct Return {
  std::vector<std::string> fields;  // the count columns it carries
  bool rated = false;
  std::vector<Org> orgs;

  std::string csv() const {
    std::string out = "district,org_name,org_kind";
    for (const auto& f : fields) out += "," + f;
    if (rated) out += ",org_rating";
    out += "\n";
    for (const auto& o : orgs) {
      out += kDistrict + "," + o.name + "," + o.kind;
      for (const auto& f : fields) out += "," + std::to_string(o.counts.at(f));
      if (rated) out += "," + o.rating;
      out += "\n";
    }
    return out;
  }
  double sum(const std::string& field) const {
    double s = 0;
    for (const auto& o : orgs) s += static_cast<double>(o.counts.at(field));
    return s;
  }
};

// Mường Tè, 2018: members and admissions only; no cells, no ratings, no villages.
const Return kLacking2018{{"members_total", "members_probationary", "members_female", "members_ethnic_minority", "admitted",
                           "admitted_female", "admitted_ethnic_minority"},
                          false,
                          {{"Đảng bộ xã Bum Nưa", "ĐB", {{"members_total", 180}, {"members_probationary", 9}, {"members_female", 60},
                            {"members_ethnic_minority", 150}, {"admitted", 6}, {"admitted_female", 3}, {"admitted_ethnic_minority", 5}}, ""},
                           {"Đảng bộ xã Mù Cả", "ĐB", {{"members_total", 120}, {"members_probationary", 5}, {"members_female", 35},
                            {"members_ethnic_minority", 110}, {"admitted", 4}, {"admitted_female", 1}, {"admitted_ethnic_minority", 4}}, ""},
                           {"Chi bộ Kho bạc Nhà nước", "CB", {{"members_total", 15}, {"members_probationary", 1}, {"members_female", 8},
                            {"members_ethnic_minority", 4}, {"admitted", 1}, {"admitted_female", 1}, {"admitted_ethnic_minority", 0}}, ""}}};
// Mường Tè, 2017: rated, but without cells and without admitted_ethnic_minority.
const Return kLacking2017{{"members_total", "members_probationary", "members_female", "members_ethnic_minority", "admitted",
                           "admitted_female"},
                          true,
                          {{"Đảng bộ xã Bum Nưa", "ĐB", {{"members_total", 172}, {"members_probationary", 8}, {"members_female", 57},
                            {"members_ethnic_minority", 144}, {"admitted", 5}, {"admitted_female", 2}}, "good"},
                           {"Đảng bộ xã Mù Cả", "ĐB", {{"members_total", 118}, {"members_probationary", 6}, {"members_female", 33},
                            {"members_ethnic_minority", 108}, {"admitted", 3}, {"admitted_female", 1}}, "excellent"},
                           {"Chi bộ Kho bạc Nhà nước", "CB", {{"members_total", 14}, {"members_probationary", 1}, {"members_female", 7},
                            {"members_ethnic_minority", 4}, {"admitted", 0}, {"admitted_female", 0}}, "completed"}}};

double round2(double v) { return std::round(v * 100.0 + (v >= 0 ? 1e-7 : -1e-7)) / 100.0; }

// The percentages of shared/domain.md: id -> (numerator fields, denominator, complement).
struct Ratio {
  std::vector<std::string> numerator;
  std::string denominator;
  bool complement = false;
};
const std::map<std::string, Ratio> kRatios = {
    {"orgs_good_or_better_pct", {{"orgs_rated_excellent", "orgs_rated_good"}, "orgs_total"}},
    {"members_female_pct", {{"members_female"}, "members_total"}},
    {"members_ethnic_minority_pct", {{"members_ethnic_minority"}, "members_total"}},
    {"admitted_female_pct", {{"admitted_female"}, "admitted"}},
    {"admitted_ethnic_minority_pct", {{"admitted_ethnic_minority"}, "admitted"}},
    {"members_good_or_better_pct", {{"members_rated_excellent", "members_rated_good"}, "members_rated"}},
    {"villages_with_cell_pct", {{"villages_without_cell"}, "villages_total", true}}};

// A district's indicators as the report must give them, from its rows: counts
// it carries summed, the rest null; percentages from known inputs.
std::map<std::string, std::optional<double>> indicators_of(const Return& r, const json::object& shape) {
  std::map<std::string, std::optional<double>> out;
  for (const auto& kv : shape) out[std::string(kv.key())] = std::nullopt;
  for (const auto& f : r.fields) out[f] = r.sum(f);
  out["orgs_total"] = static_cast<double>(r.orgs.size());
  double committees = 0;
  for (const auto& o : r.orgs) committees += o.kind == "ĐB";
  out["orgs_party_committee"] = committees;
  out["orgs_party_cell"] = static_cast<double>(r.orgs.size()) - committees;
  if (r.rated)
    for (const char* rating : {"excellent", "good", "completed", "not_completed"}) {
      double n = 0;
      for (const auto& o : r.orgs) n += o.rating == rating;
      out[std::string("orgs_rated_") + rating] = n;
    }
  for (const auto& [id, ratio] : kRatios) {
    std::optional<double> num = 0.0;
    for (const auto& n : ratio.numerator) num = out[n] && num ? std::optional(*num + *out[n]) : std::nullopt;
    const auto den = out[ratio.denominator];
    out[id] = num && den && *den != 0 ? std::optional(round2(100.0 * (ratio.complement ? *den - *num : *num) / *den))
                                      : std::nullopt;
  }
  return out;
}

std::optional<double> number(const json::value& v) {
  if (v.is_null()) return std::nullopt;
  return v.to_number<double>();
}

const json::object& district_of(const json::value& report, const std::string& name) {
  for (const auto& d : report.at("districts").as_array())
    if (d.at("district").as_string() == name) return d.as_object();
  ADD_FAILURE() << "no district " << name << " in the report";
  static const json::object none;
  return none;
}

// The indicators of a district or total equal `expected`, key for key.
void expect_indicators(const json::object& got, const json::object& expected, const std::string& who) {
  EXPECT_EQ(got.size(), expected.size()) << who;
  for (const auto& kv : expected) {
    ASSERT_TRUE(got.contains(kv.key())) << who << "." << kv.key();
    EXPECT_EQ(number(got.at(kv.key())), number(kv.value())) << who << "." << kv.key();
  }
}

// A CSV file as rows of cells (quotes undone), the byte-order mark dropped.
std::vector<std::vector<std::string>> parse_csv(std::string text, char separator = ',') {
  if (text.starts_with("\xEF\xBB\xBF")) text.erase(0, 3);
  std::vector<std::vector<std::string>> rows(1, std::vector<std::string>(1));
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') rows.back().back() += text[++i];
      else if (c == '"') quoted = false;
      else rows.back().back() += c;
    } else if (c == '"') quoted = true;
    else if (c == separator) rows.back().emplace_back();
    else if (c == '\r') continue;
    else if (c == '\n') rows.emplace_back(1);
    else rows.back().back() += c;
  }
  if (rows.back().size() == 1 && rows.back()[0].empty()) rows.pop_back();
  return rows;
}

// What the CSV writes for a value: empty for null, 2 decimals for a percentage.
std::string csv_text(const std::string& id, const json::value& v) {
  if (v.is_null()) return "";
  if (id.ends_with("_pct")) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", v.to_number<double>());
    return buf;
  }
  return std::to_string(v.to_number<std::int64_t>());
}

}  // namespace

// The samples carry every field: the reports are those of tests/data exactly,
// with an empty `incomplete`, and the CSV has no note column.
TEST(ReportNull, TheSamplesGiveTheExpectedReportsWithNothingIncomplete) {
  Daemon d;
  d.submit_samples();
  for (const std::string period : {"2017", "2018"}) {
    const auto r = d.report(period, "json");
    ASSERT_EQ(r.status, 200) << r.body;
    const auto got = json::parse(r.body);
    const auto expected = json::parse(test::read_file(kData + "expected/report-" + period + ".json"));
    for (const auto& e : expected.at("districts").as_array()) {
      const auto name = std::string(e.at("district").as_string());
      expect_indicators(district_of(got, name).at("indicators").as_object(), e.at("indicators").as_object(), period + " " + name);
    }
    expect_indicators(got.at("total").at("indicators").as_object(), expected.at("total").at("indicators").as_object(),
                      period + " total");
    EXPECT_EQ(got.at("total").at("incomplete"), json::object()) << period;
    if (period == "2018") {
      // Every change can be told: all the indicators, none null.
      const auto n = expected.at("total").at("indicators").as_object().size();
      EXPECT_EQ(got.at("total").at("change").as_object().size(), n);
      for (const auto& dist : got.at("districts").as_array()) {
        for (const auto& kv : dist.at("change").as_object())
          EXPECT_FALSE(kv.value().is_null()) << dist.at("district") << ".change." << kv.key();
        // 4 percentages have a zero denominator in some district: their change is left out, not null.
        EXPECT_GE(dist.at("change").as_object().size(), n - 4) << dist.at("district");
      }
    }
  }
  const auto csv = d.report("2018", "csv");
  ASSERT_EQ(csv.status, 200);
  const auto rows = parse_csv(csv.body);
  // The header, every district of the registry in its order (those that have
  // not reported with a status and no figures), the total.
  ASSERT_EQ(rows.size(), 10u) << csv.body;
  EXPECT_NE(rows[0].back(), "Ghi chú") << "no note column when every value is known";
  const auto expected = json::parse(test::read_file(kData + "expected/report-2018.json"));
  const auto& order = expected.at("completeness").at("expected").as_array();
  const auto& missing = expected.at("completeness").at("missing").as_array();
  for (std::size_t i = 0; i < order.size(); ++i) {
    const auto& row = rows[i + 1];
    EXPECT_EQ(row[0], "2018") << "the period column";
    EXPECT_EQ(json::value(row[1]), order[i]) << "the registry's order";
    const bool absent = std::find(missing.begin(), missing.end(), json::value(row[1])) != missing.end();
    // The season's status (no due date is set for 2018: a return is on time).
    EXPECT_EQ(row[2], absent ? "Chưa báo cáo" : "Đúng hạn") << row[1];
    for (std::size_t c = 3; c < row.size(); ++c)
      EXPECT_EQ(row[c].empty(), absent) << row[1] << ": figures empty exactly where it has not reported";
  }
  EXPECT_EQ(rows.back()[1], "Toàn tỉnh");
  for (std::size_t c = 3; c < rows.back().size(); ++c) EXPECT_FALSE(rows.back()[c].empty());

  // dialect=vi: ";" between cells, "," before decimals, the same figures.
  const auto vi = d.report("2018", "csv&dialect=vi");
  ASSERT_EQ(vi.status, 200) << vi.body;
  EXPECT_NE(vi.body.find("Kỳ báo cáo;Đảng bộ huyện;Tình trạng;Tổ chức cơ sở đảng: Tổng số;"), std::string::npos) << vi.body;
  const auto vi_rows = parse_csv(vi.body, ';');
  ASSERT_EQ(vi_rows.size(), rows.size());
  std::size_t decimals = 0;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    ASSERT_EQ(vi_rows[r].size(), rows[r].size()) << r;
    for (std::size_t c = 0; c < rows[r].size(); ++c) {
      std::string want = rows[r][c];
      if (r > 0 && c >= 3 && want.find('.') != std::string::npos) {
        want[want.find('.')] = ',';  // 36.59 -> 36,59
        ++decimals;
      }
      EXPECT_EQ(vi_rows[r][c], want) << r << ", " << c;
    }
  }
  EXPECT_GT(decimals, 20u) << "the percentages";
  EXPECT_EQ(d.report("2018", "csv&dialect=fr").status, 400);
  EXPECT_EQ(d.report("2018", "json&dialect=vi").status, 400);
}

TEST(ReportNull, AReturnWithoutRatingsOrCellsIsNullNotZeroInJsonCsvAndXlsx) {
  Daemon d;
  d.submit_samples();
  d.submit("M%C6%B0%E1%BB%9Dng%20T%C3%A8", "2017", "muong-te-2017.csv", kLacking2017.csv());
  d.submit("M%C6%B0%E1%BB%9Dng%20T%C3%A8", "2018", "muong-te-2018.csv", kLacking2018.csv());

  // ---- JSON
  const auto r = d.report("2018", "json");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto got = json::parse(r.body);
  const auto expected18 = json::parse(test::read_file(kData + "expected/report-2018.json"));
  const auto expected17 = json::parse(test::read_file(kData + "expected/report-2017.json"));
  const auto& shape = expected18.at("total").at("indicators").as_object();
  // The other districts are as before, exactly.
  for (const auto& e : expected18.at("districts").as_array()) {
    const auto name = std::string(e.at("district").as_string());
    expect_indicators(district_of(got, name).at("indicators").as_object(), e.at("indicators").as_object(), name);
  }
  // Mường Tè: what it carries summed, what it does not null, never 0.
  const auto mt = indicators_of(kLacking2018, shape);
  const auto& mt_got = district_of(got, kDistrict);
  const auto& mt_ind = mt_got.at("indicators").as_object();
  ASSERT_EQ(mt_ind.size(), shape.size());
  std::set<std::string> unknown;
  for (const auto& [id, v] : mt) {
    EXPECT_EQ(number(mt_ind.at(id)), v) << kDistrict << "." << id;
    if (!v) unknown.insert(id);  // no denominator of Mường Tè's is 0: a null is an unknown
  }
  // The figures by hand, as a check on the check.
  EXPECT_EQ(number(mt_ind.at("members_total")), 315.0);
  EXPECT_EQ(number(mt_ind.at("members_female")), 103.0);
  EXPECT_EQ(number(mt_ind.at("members_female_pct")), 32.7);
  EXPECT_EQ(number(mt_ind.at("members_ethnic_minority_pct")), 83.81);
  EXPECT_EQ(number(mt_ind.at("admitted_female_pct")), 45.45);
  EXPECT_EQ(number(mt_ind.at("admitted_ethnic_minority_pct")), 81.82);
  EXPECT_EQ(number(mt_ind.at("orgs_total")), 3.0);
  EXPECT_TRUE(mt_ind.at("cells_total").is_null());
  EXPECT_TRUE(mt_ind.at("orgs_rated_good").is_null());
  EXPECT_TRUE(mt_ind.at("orgs_good_or_better_pct").is_null());
  EXPECT_TRUE(mt_ind.at("villages_with_cell_pct").is_null());
  // 31 counts less the 7 carried, 4 ratings of organisations, 3 percentages.
  EXPECT_EQ(unknown.size(), 31u);

  // Its change: only where both years know the figure.
  const auto mt17 = indicators_of(kLacking2017, shape);
  const auto& mt_change = mt_got.at("change").as_object();
  std::set<std::string> told;
  for (const auto& [id, now] : mt) {
    const auto before = mt17.at(id);
    if (now && before) {
      told.insert(id);
      ASSERT_TRUE(mt_change.contains(id)) << "change." << id;
      const double want = id.ends_with("_pct") ? round2(*now - *before) : *now - *before;
      EXPECT_DOUBLE_EQ(number(mt_change.at(id)).value_or(-1e9), want) << "change." << id;
    } else {
      EXPECT_FALSE(mt_change.contains(id)) << "change." << id << " where a side is unknown";
    }
  }
  EXPECT_EQ(mt_change.size(), told.size());
  EXPECT_EQ(number(mt_change.at("members_total")), 11.0);
  EXPECT_EQ(number(mt_change.at("members_female_pct")), 0.79);  // 32.70 - 31.91
  EXPECT_FALSE(mt_change.contains("admitted_ethnic_minority")) << "not carried in 2017";
  EXPECT_FALSE(mt_change.contains("orgs_rated_good")) << "not carried in 2018";

  // The total: what Mường Tè carries over all five; the rest over the four
  // samples alone (their expected total, unchanged), naming Mường Tè.
  const auto& total = got.at("total").at("indicators").as_object();
  const auto& incomplete = got.at("total").at("incomplete").as_object();
  const auto& sample_total = expected18.at("total").at("indicators").as_object();
  std::map<std::string, double> sums;  // counts over the districts that carry them
  for (const auto& kv : sample_total) {
    const std::string id(kv.key());
    if (id.ends_with("_pct")) continue;
    sums[id] = kv.value().to_number<double>() + mt.at(id).value_or(0);
    EXPECT_EQ(number(total.at(id)), sums[id]) << "total." << id;
  }
  EXPECT_EQ(number(total.at("members_total")), sample_total.at("members_total").to_number<double>() + 315);
  EXPECT_EQ(number(total.at("cells_total")), number(sample_total.at("cells_total"))) << "the four samples' alone";
  for (const auto& [id, ratio] : kRatios) {
    if (unknown.count(id)) {
      EXPECT_EQ(number(total.at(id)), number(sample_total.at(id))) << "total." << id << ": the four samples' alone";
      continue;
    }
    double num = 0;
    for (const auto& n : ratio.numerator) num += sums.at(n);
    const double den = sums.at(ratio.denominator);
    EXPECT_EQ(number(total.at(id)), round2(100.0 * (ratio.complement ? den - num : num) / den)) << "total." << id;
  }
  // incomplete: every field Mường Tè lacks, naming it; no other.
  EXPECT_EQ(incomplete.size(), unknown.size());
  for (const auto& id : unknown) {
    ASSERT_TRUE(incomplete.contains(id)) << "incomplete." << id;
    EXPECT_EQ(incomplete.at(id), json::array({json::string(kDistrict)})) << "incomplete." << id;
  }
  // The total's change: only where both years' totals cover every district.
  std::set<std::string> complete_both;
  const auto mt17_unknown = [&](const std::string& id) { return !mt17.at(id).has_value(); };
  for (const auto& kv : shape) {
    const std::string id(kv.key());
    if (!unknown.count(id) && !mt17_unknown(id)) complete_both.insert(id);
  }
  const auto& total_change = got.at("total").at("change").as_object();
  EXPECT_EQ(total_change.size(), complete_both.size());
  const auto& sample_total17 = expected17.at("total").at("indicators").as_object();
  for (const auto& id : complete_both) {
    ASSERT_TRUE(total_change.contains(id)) << "total.change." << id;
    auto before = [&](const std::string& f) { return sample_total17.at(f).to_number<double>() + mt17.at(f).value_or(0); };
    if (!id.ends_with("_pct")) {
      EXPECT_EQ(number(total_change.at(id)), sums.at(id) - before(id)) << "total.change." << id;
      continue;
    }
    const auto& ratio = kRatios.at(id);
    double num = 0;
    for (const auto& n : ratio.numerator) num += before(n);
    const double den = before(ratio.denominator);
    const double pct17 = round2(100.0 * (ratio.complement ? den - num : num) / den);
    EXPECT_EQ(number(total_change.at(id)), round2(*number(total.at(id)) - pct17)) << "total.change." << id;
  }
  EXPECT_EQ(number(total_change.at("members_total")),
            sample_total.at("members_total").to_number<double>() + 315 - sample_total17.at("members_total").to_number<double>() - 304);
  EXPECT_FALSE(total_change.contains("cells_total")) << "Mường Tè lacks it in both years";
  EXPECT_FALSE(total_change.contains("orgs_rated_good")) << "the 2018 total leaves Mường Tè out";
  EXPECT_FALSE(total_change.contains("admitted_ethnic_minority")) << "the 2017 total leaves Mường Tè out";

  // ---- CSV: the same values, unknown ones empty, and a note column.
  const auto csv = d.report("2018", "csv");
  ASSERT_EQ(csv.status, 200);
  const auto rows = parse_csv(csv.body);
  ASSERT_EQ(rows.size(), 10u) << csv.body;  // header, every one of the 8 districts, the total
  ASSERT_EQ(rows[0].size(), shape.size() + 4);  // period, district, status, the figures, the note
  EXPECT_EQ(rows[0].back(), "Ghi chú");
  auto csv_row = [&](const std::string& label) -> const std::vector<std::string>& {
    for (const auto& row : rows)
      if (row[1] == label) return row;
    ADD_FAILURE() << "no CSV row " << label;
    return rows[0];
  };
  auto check_csv = [&](const std::string& label, const json::object& ind) {
    const auto& row = csv_row(label);
    ASSERT_EQ(row.size(), shape.size() + 4) << label;
    EXPECT_EQ(row[0], "2018");
    std::size_t i = 3;
    for (const auto& kv : ind) {  // the JSON's order is the columns' order
      EXPECT_EQ(row[i], csv_text(std::string(kv.key()), kv.value())) << label << " " << kv.key();
      ++i;
    }
  };
  check_csv(kDistrict, mt_ind);
  check_csv("Toàn tỉnh", total);
  for (const auto& e : expected18.at("districts").as_array()) {
    const auto name = std::string(e.at("district").as_string());
    check_csv(name, district_of(got, name).at("indicators").as_object());  // equal to the expected, above
    EXPECT_EQ(csv_row(name).back(), "") << name << " has every field";
  }
  std::size_t empty = 0;
  for (const auto& c : csv_row(kDistrict)) empty += c.empty();
  EXPECT_EQ(empty, unknown.size()) << "exactly the unknown cells are empty";
  EXPECT_TRUE(csv_row(kDistrict).back().starts_with("Không có số liệu: ")) << csv_row(kDistrict).back();
  EXPECT_NE(csv_row(kDistrict).back().find("Chi bộ trực thuộc: "), std::string::npos) << csv_row(kDistrict).back();
  EXPECT_TRUE(csv_row("Toàn tỉnh").back().starts_with("(*) Chỉ gồm các huyện có số liệu")) << csv_row("Toàn tỉnh").back();
  EXPECT_NE(csv_row("Toàn tỉnh").back().find("(Mường Tè)"), std::string::npos);

  // ---- xlsx, read back with openpyxl.
  const auto book = d.report("2018", "xlsx");
  ASSERT_EQ(book.status, 200);
  const auto path = d.dir.path() / "report-2018.xlsx";
  test::write_file(path, book.body);
  const auto dump = test::run({"/usr/bin/python3", TONGHOP_SOURCE_DIR "/tests/exporters/dump_workbook.py", path.string()});
  ASSERT_EQ(dump.exit_code, 0) << dump.output;
  const auto wb = json::parse(dump.output);
  // Each indicator's sheet and column, from the split of indicators.toml:
  // table n on "Biểu n", its columns from C in order.
  const auto catalogue = normalise::load_catalogue(TONGHOP_SOURCE_DIR "/config/indicators.toml");
  ASSERT_TRUE(catalogue.ok()) << catalogue.error();
  std::map<std::string, std::pair<std::string, std::size_t>> place;
  for (std::size_t t = 0; t < catalogue->report_tables.size(); ++t) {
    std::size_t x = 2;
    for (const auto& label : catalogue->report_tables[t].groups)
      for (const auto& g : catalogue->report_groups)
        if (g.label == label)
          for (const auto& id : g.fields)
            if (total.contains(id)) place[id] = {"Biểu " + std::to_string(t + 1), x++};
  }
  ASSERT_EQ(place.size(), total.size()) << "every indicator in one table";
  auto row_of = [&](const std::string& sheet_name, const std::string& label) -> const json::array& {
    const auto& sheet = wb.at(sheet_name).as_array();
    for (const auto& row : sheet)
      if (row.as_array().size() > 1 && row.at(1).at("v") == json::value(label)) return row.as_array();
    ADD_FAILURE() << "no workbook row " << label << " in " << sheet_name;
    return sheet.at(0).as_array();
  };
  const std::string integer = "[>=1000000]#\\.###\\.##0;[>=1000]#\\.##0;0";
  for (const auto& kv : total) {
    const std::string id(kv.key());
    const auto& [sheet_name, x] = place.at(id);
    const auto& cell = row_of(sheet_name, kDistrict).at(x).as_object();
    const auto& tcell = row_of(sheet_name, "Toàn tỉnh").at(x).as_object();
    if (unknown.count(id)) {
      EXPECT_TRUE(cell.at("v").is_null()) << id << ": an empty cell";
      EXPECT_EQ(cell.at("fill"), json::value("FFD9D9D9")) << id << ": grey";
      ASSERT_TRUE(cell.at("comment").is_string()) << id;
      EXPECT_TRUE(cell.at("comment").as_string().starts_with("Không có số liệu")) << cell.at("comment");
      // The total: the four samples' figure, marked, the comment naming Mường Tè.
      EXPECT_EQ(number(tcell.at("v")), number(total.at(id))) << "total " << id;
      EXPECT_TRUE(std::string(tcell.at("fmt").as_string()).ends_with("\"*\"")) << id << ": " << tcell.at("fmt");
      ASSERT_TRUE(tcell.at("comment").is_string()) << "total " << id;
      EXPECT_NE(std::string(tcell.at("comment").as_string()).find("Không có số liệu: Mường Tè"), std::string::npos)
          << tcell.at("comment");
      EXPECT_TRUE(tcell.at("bold").as_bool());
    } else {
      EXPECT_EQ(number(cell.at("v")), number(mt_ind.at(id))) << id;
      EXPECT_TRUE(cell.at("comment").is_null()) << id;
      EXPECT_TRUE(cell.at("fill").is_null()) << id;
      EXPECT_EQ(number(tcell.at("v")), number(total.at(id))) << "total " << id;
      EXPECT_EQ(tcell.at("fmt"), json::value(id.ends_with("_pct") ? "[$-42A]0.00" : integer)) << "total " << id;
      EXPECT_TRUE(tcell.at("comment").is_null()) << "total " << id;
    }
  }
  // The legend under the table, for the printed page.
  std::string legend;
  for (std::size_t t = 1; t <= catalogue->report_tables.size(); ++t)
    for (const auto& row : wb.at("Biểu " + std::to_string(t)).as_array())
      if (row.at(0).at("v").is_string()) legend += std::string(row.at(0).at("v").as_string()) + "\n";
  EXPECT_NE(legend.find("Ô màu xám để trống: không có số liệu"), std::string::npos) << legend;
  EXPECT_NE(legend.find("(*) Số toàn tỉnh chỉ gồm các huyện có số liệu"), std::string::npos) << legend;
  // Cảnh báo: what Mường Tè lacks, and one line per incomplete total naming it.
  std::size_t incomplete_lines = 0, no_data_lines = 0;
  for (const auto& row : wb.at("Cảnh báo").as_array()) {
    const auto& a = row.as_array();
    if (a.at(1).at("v") == json::value("Số toàn tỉnh chưa đủ")) {
      ++incomplete_lines;
      EXPECT_EQ(a.at(0).at("v"), json::value("Toàn tỉnh"));
      const std::string message(a.at(2).at("v").as_string());
      EXPECT_NE(message.find("Không có số liệu: Mường Tè"), std::string::npos) << message;
      EXPECT_TRUE(message.starts_with("(*) ")) << message;
    }
    if (a.at(1).at("v") == json::value("Không có số liệu")) {
      ++no_data_lines;
      EXPECT_EQ(a.at(0).at("v"), json::value(kDistrict));
    }
  }
  EXPECT_EQ(incomplete_lines, unknown.size());
  EXPECT_EQ(no_data_lines, 1u);
}

// The issue's own case: a district whose return gives its members but not
// how many are women. The province's share of women stays that of the
// districts that say (34.69 %), never falls as if it had none.
TEST(ReportNull, AMissingCountOfWomenDoesNotPullTheProvinceShareDown) {
  Daemon d;
  d.submit_samples();
  const Return members_only{{"members_total"},
                            false,
                            {{"Đảng bộ xã Phúc Khoa", "ĐB", {{"members_total", 210}}, ""},
                             {"Chi bộ Trường Mầm non Mường Khoa", "CB", {{"members_total", 25}}, ""}}};
  std::string csv = members_only.csv();
  for (std::size_t at; (at = csv.find(kDistrict)) != std::string::npos;) csv.replace(at, kDistrict.size(), "Tân Uyên");
  d.submit("T%C3%A2n%20Uy%C3%AAn", "2018", "tan-uyen.csv", csv);
  const auto r = d.report("2018", "json");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto got = json::parse(r.body);
  const auto expected = json::parse(test::read_file(kData + "expected/report-2018.json"));
  const auto& sample_total = expected.at("total").at("indicators").as_object();
  const auto& total = got.at("total").at("indicators").as_object();
  const auto& tan_uyen = district_of(got, "Tân Uyên").at("indicators").as_object();
  EXPECT_EQ(number(tan_uyen.at("members_total")), 235.0);
  EXPECT_TRUE(tan_uyen.at("members_female").is_null());
  EXPECT_TRUE(tan_uyen.at("members_female_pct").is_null());
  EXPECT_EQ(number(total.at("members_total")), sample_total.at("members_total").to_number<double>() + 235);
  EXPECT_EQ(number(total.at("members_female")), number(sample_total.at("members_female")));
  EXPECT_EQ(number(sample_total.at("members_female_pct")), 34.69);
  EXPECT_EQ(number(total.at("members_female_pct")), 34.69) << "5,380 of 15,507: the four districts that say, not 34.18 "
                                                              "(5,380 of 15,742, as if Tân Uyên had no women)";
  EXPECT_EQ(number(total.at("orgs_total")), sample_total.at("orgs_total").to_number<double>() + 2);
  const auto& incomplete = got.at("total").at("incomplete").as_object();
  EXPECT_EQ(incomplete.at("members_female"), json::array({json::string("Tân Uyên")}));
  EXPECT_EQ(incomplete.at("members_female_pct"), json::array({json::string("Tân Uyên")}));
  EXPECT_FALSE(incomplete.contains("members_total"));
  EXPECT_FALSE(incomplete.contains("orgs_total"));
  // Tân Uyên reported nothing for 2017: the province's 2018 total would
  // compare five districts with four (Tân Uyên's 235 members shown as the
  // province's growth). No total change is told, not even of members_total,
  // which every district carries; each district's own change still is.
  EXPECT_FALSE(got.at("total").as_object().contains("change")) << got.at("total");
  EXPECT_TRUE(district_of(got, "Than Uyên").at("change").as_object().contains("members_total"));

  // The same districts in both periods (Tân Uyên's 2018 return replaced by
  // one for 2017 as well): the change is told again where both totals
  // cover every district.
  d.submit("T%C3%A2n%20Uy%C3%AAn", "2017", "tan-uyen.csv", csv);
  const auto again = json::parse(d.report("2018", "json").body);
  const auto& change = again.at("total").at("change").as_object();
  EXPECT_FALSE(change.contains("members_female"));
  EXPECT_FALSE(change.contains("members_female_pct"));
  ASSERT_TRUE(change.contains("members_total"));
  const auto before = json::parse(test::read_file(kData + "expected/report-2017.json"));
  EXPECT_EQ(number(change.at("members_total")),  // (the samples' 2018 + 235) - (their 2017 + 235)
            sample_total.at("members_total").to_number<double>() -
                before.at("total").at("indicators").at("members_total").to_number<double>());
}

// A column the return carries, blank for one organisation (the clerk left
// the cell empty): the district's figure of it is unknown, never the sum of
// the others, which would pass for the whole; the same for a rating left
// blank. The clerk is told at the cells. (An audit found Mường Tè's women
// given as 85 of 340 members, 25.00 %, with the women of 240 only.)
TEST(ReportNull, ABlankCellLeavesItsDistrictsFigureUnknownNeverTheSumOfTheOthers) {
  Daemon d;
  d.submit_samples();
  const std::string csv = "district,org_name,org_kind,members_total,members_female,org_rating\n" +
                          kDistrict + ",Đảng bộ xã Bum Nưa,ĐB,180,60,good\n" +  // row 2
                          kDistrict + ",Đảng bộ xã Bum Tở,ĐB,100,,excellent\n" +  // row 3: women blank
                          kDistrict + ",Chi bộ Kho bạc Nhà nước,CB,60,25,\n";     // row 4: no rating
  const auto r = d.call("POST", "/api/v1/submissions?district=M%C6%B0%E1%BB%9Dng%20T%C3%A8&period=2018&filename=mt.csv", csv);
  ASSERT_EQ(r.status, 201) << r.body;
  // Told at the cells, in both languages.
  const auto answer = json::parse(r.body);
  std::map<std::string, std::string> warned;  // field -> message
  for (const auto& w : answer.at("warnings").as_array())
    if (w.at("code") == "blank_value") warned[std::string(w.at("field").as_string())] = w.at("message").as_string();
  ASSERT_EQ(warned.size(), 2u) << r.body;
  EXPECT_NE(warned["members_female"].find("để trống ở 1 tổ chức (E3)"), std::string::npos) << warned["members_female"];
  EXPECT_NE(warned["members_female"].find("nếu là 0, hãy ghi số 0 / members_female is blank for 1 organisation(s) (E3)"),
            std::string::npos)
      << warned["members_female"];
  EXPECT_NE(warned["org_rating"].find("(F4)"), std::string::npos) << warned["org_rating"];

  const auto report = d.report("2018", "json");
  ASSERT_EQ(report.status, 200) << report.body;
  const auto got = json::parse(report.body);
  const auto& mt = district_of(got, kDistrict).at("indicators").as_object();
  EXPECT_EQ(number(mt.at("members_total")), 340.0) << "every organisation gives it";
  EXPECT_TRUE(mt.at("members_female").is_null()) << "not 85: " << mt.at("members_female");
  EXPECT_TRUE(mt.at("members_female_pct").is_null()) << "not 25.00";
  for (const char* id : {"orgs_rated_excellent", "orgs_rated_good", "orgs_rated_completed", "orgs_rated_not_completed",
                         "orgs_good_or_better_pct"})
    EXPECT_TRUE(mt.at(id).is_null()) << id << " (2 of 3 rated): " << mt.at(id);
  EXPECT_EQ(number(mt.at("orgs_total")), 3.0);
  // The province's totals leave Mường Tè out of those, and say so.
  const auto& incomplete = got.at("total").at("incomplete").as_object();
  EXPECT_EQ(incomplete.at("members_female"), json::array({json::string(kDistrict)}));
  EXPECT_EQ(incomplete.at("orgs_rated_good"), json::array({json::string(kDistrict)}));
  EXPECT_FALSE(incomplete.contains("members_total"));
  const auto expected = json::parse(test::read_file(kData + "expected/report-2018.json"));
  EXPECT_EQ(number(got.at("total").at("indicators").at("members_female")),
            number(expected.at("total").at("indicators").at("members_female")));
}
