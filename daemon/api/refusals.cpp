#include "api/refusals.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "api/views.hpp"
#include "http/refusals.hpp"

namespace tonghop::api::refuse {

http::Response issues(unsigned status, const std::vector<normalise::Issue>& errors,
                      const std::vector<normalise::Issue>& warnings) {
  boost::json::object o;
  o["errors"] = issues_json(errors);
  if (!warnings.empty()) o["warnings"] = issues_json(warnings);
  http::Response r = http::json_response(status, boost::json::serialize(o) + "\n");
  if (status == 503) r.headers.emplace_back("Retry-After", std::to_string(http::refusal::kRetryAfterSeconds));
  return r;
}

http::Response unauthorised() {
  http::Response r = http::error_response(
      401, "unauthorised",
      "Cần đăng nhập, hoặc một mã truy cập hợp lệ / a valid token is needed: Authorization: Bearer <token>");
  r.headers.emplace_back("WWW-Authenticate", "Bearer");
  return r;
}

http::Response no_submission() {
  return http::error_response(404, "not_found", "Không có lần gửi báo cáo này / no such submission");
}

http::Response another_districts_submission() {
  return http::error_response(403, "forbidden",
                              "Lần gửi này là của đơn vị khác, mã này không xem được / this submission is another "
                              "district's");
}

http::Response store_failed(std::string_view why) {
  return http::error_response(500, "store_failed",
                              fmt::format("Máy chủ không đọc hay ghi được dữ liệu đã lưu; hãy báo quản trị viên / "
                                          "the store failed: {}",
                                          why));
}

http::Response store_refused(bool not_found, std::string_view why) {
  if (!not_found) return store_failed(why);
  return http::error_response(
      404, "store_failed",
      fmt::format("Không còn mục này: nó đã bị xóa, hoặc số hiệu sai / {}", why));
}

http::Response hash_failed() {
  return http::error_response(500, "hash_failed",
                              "Máy chủ đang thiếu bộ nhớ để mã hóa mật khẩu; hãy thử lại sau ít phút / cannot hash the "
                              "password (out of memory)");
}

http::Response password_unchecked() {
  http::Response res = http::error_response(
      503, "password_unchecked",
      fmt::format("Máy chủ đang thiếu bộ nhớ nên chưa kiểm được mật khẩu (không tính là nhập sai); hãy thử lại sau {} giây "
                  "/ the password could not be checked now (out of memory; not counted as a wrong one): try again in {} s",
                  http::refusal::kRetryAfterSeconds, http::refusal::kRetryAfterSeconds));
  res.headers.emplace_back("Retry-After", std::to_string(http::refusal::kRetryAfterSeconds));
  return res;
}

http::Response password_unusable() {
  return http::error_response(
      500, "password_unusable",
      "Mật khẩu đã lưu của người dùng này bị hỏng nên không kiểm được (không tính là nhập sai); hãy nhờ quản trị viên đặt "
      "lại mật khẩu / the stored password of this user is damaged and cannot be checked (not counted as a wrong one): "
      "ask an administrator to set a new one");
}

http::Response export_failed(std::string_view why) {
  return http::error_response(
      500, "export_failed",
      fmt::format("Máy chủ không xuất được báo cáo ở định dạng này; hãy báo quản trị viên / the export failed: {}", why));
}

http::Response catalogue_unreadable(std::string_view why) {
  return http::error_response(
      500, "catalogue_unreadable",
      fmt::format("Máy chủ không đọc được danh mục chỉ tiêu; hãy báo quản trị viên / the catalogue cannot be read: {}",
                  why));
}

http::Response form_failed(std::string_view why) {
  return http::error_response(
      500, "form_failed",
      fmt::format("Máy chủ không tạo được mẫu biểu; hãy báo quản trị viên / the blank form could not be made: {}", why));
}

http::Response body_not_json_object() {
  return http::error_response(400, "bad_request",
                              "Nội dung gửi lên phải là một đối tượng JSON / the body must be a JSON object");
}

http::Response district_busy(std::string_view district, unsigned running) {
  const unsigned wait = http::refusal::kRetryAfterSeconds;
  http::Response r = http::error_response(
      429, "district_busy",
      fmt::format("{} đang có {} tệp đang được đọc; hãy đợi các tệp đó xong rồi gửi lại (sau {} giây); chưa có gì được "
                  "lưu / {} already has {} returns being read; send this one again once they are done (in {} "
                  "seconds); nothing was stored",
                  district, running, wait, district, running, wait));
  r.headers.emplace_back("Retry-After", std::to_string(wait));
  return r;
}

}  // namespace tonghop::api::refuse
