// What the dry run and mapping tests share (check_test.cpp, mappings_test.cpp):
// requests to the real daemon, a return of a new shape as CSV and JSON, sums.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include <boost/json.hpp>
#include <sqlite3.h>

#include "support/daemon.hpp"
#include "support/http_client.hpp"
#include "support/process.hpp"
#include "support/sqlite_rows.hpp"

namespace fs = std::filesystem;
namespace json = boost::json;
using tonghop::test::ServedDaemon;

namespace check_test {

inline const std::string kAdmin = "admin-token-for-the-check-tests-0123456789";
inline const std::string kPhongTho = "Phong%20Th%E1%BB%95", kSinHo = "S%C3%ACn%20H%E1%BB%93";

struct Reply {
  int status = 0;
  json::value body;
};

inline Reply call(const ServedDaemon& d, const std::string& method, const std::string& target, const std::string& token,
           const std::string& body = {}) {
  const std::string auth = token.empty() ? std::string() : "Authorization: Bearer " + token + "\r\n";
  const auto r = tonghop::test::request(d.port, method, target, body, auth);
  if (!r) return {};
  json::error_code ec;
  json::value v = json::parse(r->body, ec);
  return Reply{r->status, ec ? json::value(r->body) : v};
}

inline std::string token(const ServedDaemon& d, const std::string& role, const std::string& district = {}) {
  const std::string body = district.empty() ? "{\"role\":\"" + role + "\"}"
                                            : "{\"role\":\"" + role + "\",\"district\":\"" + district + "\"}";
  const auto r = call(d, "POST", "/api/v1/tokens", kAdmin, body);
  EXPECT_EQ(r.status, 201) << json::serialize(r.body);
  return std::string(r.body.at("token").as_string());
}

inline std::string check_target(const std::string& district, const std::string& file = "bao-cao.csv") {
  return "/api/v1/check?district=" + district + "&period=2018&filename=" + file;
}

// A return as a clerk wrote it, with two headers the catalogue does not know:
// "Quân số đảng viên" (the members, which every return must carry) and "Số
// ĐV nữ (người)" (the women among them).
struct Org {
  const char* name;
  const char* kind;
  long cells, members, female, admitted;
};
inline const Org kOrgs[] = {{"Đảng bộ xã Bản Lang", "ĐB", 17, 132, 66, 8},
                     {"Đảng bộ xã Dào San", "ĐB", 8, 218, 65, 15},
                     {"Đảng bộ xã Mường So", "ĐB", 21, 263, 118, 3},
                     {"Chi bộ Trường THCS thị trấn Phong Thổ", "CB", 0, 12, 4, 2}};

inline long sum(long Org::*member) {
  long total = 0;
  for (const auto& o : kOrgs) total += o.*member;
  return total;
}

inline std::string new_shape_csv() {
  std::string csv = "STT;Tên tổ chức cơ sở đảng;Loại hình;Số chi bộ trực thuộc;Quân số đảng viên;Số ĐV nữ (người);Kết nạp mới\n";
  int n = 0;
  for (const auto& o : kOrgs)
    csv += std::to_string(++n) + ";" + o.name + ";" + o.kind + ";" + std::to_string(o.cells) + ";" +
           std::to_string(o.members) + ";" + std::to_string(o.female) + ";" + std::to_string(o.admitted) + "\n";
  return csv;
}

// The same return as JSON, its members under a key the catalogue does not know.
inline std::string new_shape_json() {
  std::string j = "{\"don_vi\": \"Phong Thổ\", \"ky\": \"2018\", \"to_chuc\": [";
  bool first = true;
  for (const auto& o : kOrgs) {
    j += std::string(first ? "" : ",") + "{\"ten\": \"" + o.name + "\", \"loai\": \"" + o.kind +
         "\", \"quan_so_dv\": " + std::to_string(o.members) + ", \"dang_vien_nu\": " + std::to_string(o.female) +
         ", \"ket_nap\": " + std::to_string(o.admitted) + "}";
    first = false;
  }
  return j + "]}";
}

// The sum of one field over a check's (or a submission's) records.
inline long sum_of(const json::value& records, const char* field) {
  long total = 0;
  for (const auto& r : records.as_array())
    if (const auto* v = r.as_object().if_contains(field)) total += v->to_number<long>();
  return total;
}

inline bool has_suggestion(const json::value& unmapped, const std::string& header, const std::string& field) {
  for (const auto& u : unmapped.as_array()) {
    const auto& h = u.at("header").as_array();
    if (h.empty() || h.back().as_string() != header) continue;
    for (const auto& s : u.at("suggestions").as_array())
      if (s.at("field").as_string() == field) return true;
  }
  return false;
}

inline std::size_t files_under(const fs::path& dir) {
  std::size_t n = 0;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_regular_file()) ++n;
  return n;
}

using tonghop::test::count_rows;  // support/sqlite_rows.hpp

inline std::string mapping(const std::string& header, const std::string& field, const std::string& district = {}) {
  json::object o;
  o["header"] = header;
  o["field"] = field;
  o["scope"] = district.empty() ? "province" : "district";
  if (!district.empty()) o["district"] = district;
  return json::serialize(o);
}

}  // namespace check_test
