#include "http/refusals.hpp"

#include <utility>

#include <fmt/format.h>

namespace tonghop::http {

namespace {

constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};

// The unit size_text writes `bytes` in, and the value in tenths of it,
// rounded half up; 1023.96 KiB is 10240 tenths of a KiB, never 1 MiB.
// (The whole units and the rest apart: a declared Content-Length may be
// anything up to 2^64 - 1, and ten times it would not fit.)
std::pair<int, std::uint64_t> shown(std::uint64_t bytes) {
  int unit = 0;
  std::uint64_t scale = 1;
  while (unit < 4 && bytes >= scale * 1024) {
    scale *= 1024;
    ++unit;
  }
  return {unit, bytes / scale * 10 + (bytes % scale * 10 + scale / 2) / scale};
}

}  // namespace

std::string size_text(std::uint64_t bytes, char decimal) {
  const auto [unit, tenths] = shown(bytes);
  const std::uint64_t scale = std::uint64_t{1} << (10 * unit);
  if (bytes % scale == 0) return fmt::format("{} {}", bytes / scale, kUnits[unit]);
  return fmt::format("{}{}{} {}", tenths / 10, decimal, tenths % 10, kUnits[unit]);
}

namespace refusal {

Response head_too_slow() {
  return error_response(408, "timeout",
                        "Yêu cầu đến quá chậm nên máy chủ đã ngừng chờ; hãy gửi lại / the request came too slowly");
}

Response head_too_large() {
  return error_response(431, "header_too_large",
                        "Phần đầu của yêu cầu dài hơn mức máy chủ nhận / the request head is larger than the server "
                        "accepts");
}

Response malformed(std::string_view why) {
  return error_response(400, "bad_request",
                        fmt::format("Yêu cầu HTTP sai quy cách, máy chủ không đọc được ({}) / malformed HTTP request: {}",
                                    why, why));
}

Response no_host() {
  return error_response(400, "bad_request",
                        "Yêu cầu HTTP/1.1 thiếu dòng Host / an HTTP/1.1 request needs a Host header");
}

Response body_too_large(std::optional<std::uint64_t> length, std::uint64_t limit, std::uint64_t file_limit) {
  const std::uint64_t named = file_limit != 0 ? file_limit : limit;
  // The sizes as people read them, unless rounding makes the two look
  // alike ("1,0 GiB vượt giới hạn 1 GiB"): then in bytes.
  const bool alike = length && shown(*length) == shown(named);
  const std::string sent_vi =
      !length ? "" : alike ? " nặng " + std::to_string(*length) + " byte" : " nặng " + size_text(*length, ',');
  const std::string limit_vi = alike ? std::to_string(named) + " byte" : size_text(named, ',');
  const std::string sent_en = length ? " (" + std::to_string(*length) + " bytes)" : "";
  // Declared: refused before a byte of it was read. Chunked: read up to the limit, then stopped.
  const std::string done_vi = length ? "chưa có gì được nhận hay lưu" : "máy chủ đã ngừng nhận, không có gì được lưu";
  const std::string done_en = length ? "nothing was received or stored" : "nothing was stored";
  if (file_limit != 0)
    return error_response(
        413, "body_too_large",
        fmt::format("Tệp gửi lên{} vượt giới hạn {} của một tệp: {}. Hãy bỏ các trang tính, dòng, cột hoặc hình ảnh "
                    "không thuộc báo cáo rồi lưu lại, hoặc nhờ quản trị viên nâng giới hạn; đừng chia báo cáo thành "
                    "nhiều tệp: tệp gửi sau sẽ thay tệp gửi trước / the request body{} is larger than this "
                    "route accepts: a file of at most {} ({} bytes, a form's framing aside); {}",
                    sent_vi, limit_vi, done_vi, sent_en, size_text(file_limit), file_limit, done_en));
  return error_response(413, "body_too_large",
                        fmt::format("Nội dung gửi lên{} vượt giới hạn {} mà địa chỉ này nhận: {} / the request "
                                    "body{} is larger than the {} bytes ({}) this route accepts; {}",
                                    sent_vi, limit_vi, done_vi, sent_en, limit, size_text(limit), done_en));
}

namespace {
// What was being sent: a file (a return's route) or anything else.
const char* what_vi(bool file) { return file ? "Tệp gửi lên" : "Nội dung gửi lên"; }
}  // namespace

Response body_too_slow(bool file) {
  return error_response(408, "timeout",
                        fmt::format("{} đến quá chậm nên máy chủ đã ngừng nhận; không có gì được lưu, hãy gửi lại / "
                                    "the request body came too slowly; nothing was stored",
                                    what_vi(file)));
}

Response body_cut_short(std::uint64_t got, std::optional<std::uint64_t> declared, bool file) {
  if (declared)
    return error_response(
        400, "bad_request",
        fmt::format("{} bị ngắt giữa chừng: mới nhận {} trên {}; không có gì được lưu, hãy gửi lại / the "
                    "request body was cut short (partial message): {} of {} bytes came; nothing was stored",
                    what_vi(file), size_text(got, ','), size_text(*declared, ','), got, *declared));
  return error_response(400, "bad_request",
                        fmt::format("{} bị ngắt giữa chừng; không có gì được lưu, hãy gửi lại / the request body was "
                                    "cut short (partial message); nothing was stored",
                                    what_vi(file)));
}

Response body_not_kept() {
  return error_response(500, "internal",
                        "Máy chủ không giữ được tệp vừa nhận; không có gì được lưu, hãy gửi lại / the request body "
                        "could not be kept (mmap); nothing was stored");
}

Response busy(std::string_view code, std::string_view why_vi, std::string_view why_en) {
  Response r = error_response(503, code,
                              fmt::format("{}; chưa có gì được lưu, xin gửi lại sau {} giây / {}; nothing was stored; "
                                          "send it again in {} seconds",
                                          why_vi, kRetryAfterSeconds, why_en, kRetryAfterSeconds));
  r.headers.emplace_back("Retry-After", std::to_string(kRetryAfterSeconds));
  return r;
}

Response imports_busy() {
  return busy("busy", "Máy chủ đang đọc nhiều tệp cùng lúc", "too many imports are running or waiting");
}

Response no_memory_for_body() {
  return busy("busy", "Máy chủ đang thiếu bộ nhớ để nhận tệp", "the server has no memory for this request body now");
}

Response not_found(std::string_view path) {
  return error_response(404, "not_found",
                        fmt::format("Không có trang hay dữ liệu nào ở địa chỉ {} / no such resource: {}", path, path));
}

Response method_not_allowed(std::string_view method, std::string_view path) {
  return error_response(405, "method_not_allowed",
                        fmt::format("Địa chỉ {} không nhận yêu cầu {} / {} is not allowed on {}", path, method, method,
                                    path));
}

Response internal(std::string_view what) {
  if (what.empty())
    return error_response(500, "internal",
                          "Máy chủ gặp lỗi khi xử lý yêu cầu; hãy báo quản trị viên / internal error");
  return error_response(500, "internal",
                        fmt::format("Máy chủ gặp lỗi khi xử lý yêu cầu ({}); hãy báo quản trị viên / internal error: {}",
                                    what, what));
}

}  // namespace refusal

}  // namespace tonghop::http
