#include "http/refusals.hpp"

#include <fmt/format.h>

namespace tonghop::http {

std::string size_text(std::uint64_t bytes, char decimal) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int unit = 0;
  std::uint64_t scale = 1;
  while (unit < 4 && bytes >= scale * 1024) {
    scale *= 1024;
    ++unit;
  }
  if (bytes % scale == 0) return fmt::format("{} {}", bytes / scale, kUnits[unit]);
  // One decimal, rounded half up; 1023.96 KiB reads "1024.0 KiB", never "1 MiB".
  // (The whole units and the rest apart: a declared Content-Length may be
  // anything up to 2^64 - 1, and ten times it would not fit.)
  const std::uint64_t tenths = bytes / scale * 10 + (bytes % scale * 10 + scale / 2) / scale;
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
  const std::string sent_vi = length ? " nặng " + size_text(*length, ',') : "";
  const std::string sent_en = length ? " (" + std::to_string(*length) + " bytes)" : "";
  // Declared: refused before a byte of it was read. Chunked: read up to the limit, then stopped.
  const std::string done_vi = length ? "chưa có gì được nhận hay lưu" : "máy chủ đã ngừng nhận, không có gì được lưu";
  const std::string done_en = length ? "nothing was received or stored" : "nothing was stored";
  if (file_limit != 0)
    return error_response(
        413, "body_too_large",
        fmt::format("Tệp gửi lên{} vượt giới hạn {} của một tệp: {}. Hãy gửi tệp nhỏ hơn (bỏ các trang tính không "
                    "cần, chia tệp), hoặc nhờ quản trị viên nâng giới hạn / the request body{} is larger than this "
                    "route accepts: a file of at most {} ({} bytes, and {} bytes more for a form's framing); {}",
                    sent_vi, size_text(file_limit, ','), done_vi, sent_en, size_text(file_limit), file_limit,
                    limit - file_limit, done_en));
  return error_response(413, "body_too_large",
                        fmt::format("Nội dung gửi lên{} vượt giới hạn {} mà địa chỉ này nhận: {} / the request "
                                    "body{} is larger than the {} bytes ({}) this route accepts; {}",
                                    sent_vi, size_text(limit, ','), done_vi, sent_en, limit, size_text(limit), done_en));
}

Response body_too_slow() {
  return error_response(408, "timeout",
                        "Tệp gửi lên đến quá chậm nên máy chủ đã ngừng nhận; không có gì được lưu, hãy gửi lại / the "
                        "request body came too slowly; nothing was stored");
}

Response body_cut_short(std::uint64_t got, std::optional<std::uint64_t> declared) {
  if (declared)
    return error_response(
        400, "bad_request",
        fmt::format("Tệp gửi lên bị ngắt giữa chừng: mới nhận {} trên {}; không có gì được lưu, hãy gửi lại / the "
                    "request body was cut short (partial message): {} of {} bytes came; nothing was stored",
                    size_text(got, ','), size_text(*declared, ','), got, *declared));
  return error_response(400, "bad_request",
                        "Tệp gửi lên bị ngắt giữa chừng; không có gì được lưu, hãy gửi lại / the request body was cut "
                        "short (partial message); nothing was stored");
}

Response body_not_kept() {
  return error_response(500, "internal",
                        "Máy chủ không giữ được tệp vừa nhận; không có gì được lưu, hãy gửi lại / the request body "
                        "could not be kept (mmap); nothing was stored");
}

Response no_memory_for_body() {
  Response r = error_response(503, "busy",
                              "Máy chủ đang thiếu bộ nhớ để nhận tệp, xin gửi lại sau ít phút / the server has no "
                              "memory for this request body now; send it again in a few minutes");
  r.headers.emplace_back("Retry-After", "5");
  return r;
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
