#include "web/web.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <string>

#include <fmt/format.h>

#include "core/expected.hpp"
#include "core/hash.hpp"
#include "http/refusals.hpp"

namespace tonghop::web {

namespace {

// No file of the page is anywhere near this; a larger one is not served.
constexpr std::size_t kLargestFile = 8u << 20;

struct Type {
  std::string_view extension, content_type;
};
constexpr std::array kTypes{
    Type{".html", "text/html; charset=utf-8"},  Type{".css", "text/css; charset=utf-8"},
    Type{".js", "text/javascript; charset=utf-8"}, Type{".svg", "image/svg+xml"},
    Type{".png", "image/png"},                   Type{".ico", "image/x-icon"},
    Type{".woff2", "font/woff2"},                Type{".txt", "text/plain; charset=utf-8"},
    Type{".json", "application/json"},
};

// The page's own scripts and styles only: nothing from elsewhere, no inline
// script, no framing.
constexpr std::string_view kPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

// A regular file read whole, never through a link at its last component and
// never a FIFO or device (O_NONBLOCK: opening a FIFO does not wait).
Expected<std::string> read_regular(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) return make_error(errno == ELOOP ? "a link" : "absent");
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || static_cast<std::uint64_t>(st.st_size) > kLargestFile) {
    ::close(fd);
    return make_error("not a regular file of a sensible size");
  }
  std::string bytes(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  bytes.resize(done);
  return bytes;
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  while (!if_none_match.empty()) {
    const auto comma = if_none_match.find(',');
    std::string_view one = if_none_match.substr(0, comma);
    while (!one.empty() && one.front() == ' ') one.remove_prefix(1);
    while (!one.empty() && one.back() == ' ') one.remove_suffix(1);
    if (one.substr(0, 2) == "W/") one.remove_prefix(2);
    if (one == "*" || one == etag) return true;
    if (comma == std::string_view::npos) break;
    if_none_match.remove_prefix(comma + 1);
  }
  return false;
}

http::Response not_found(std::string_view what) {
  return http::error_response(404, "not_found", fmt::format("Không có tệp này / no such file: {}", what));
}

http::Response serve_file(const http::Request& request, const std::filesystem::path& path, std::string_view name) {
  const std::string_view type = content_type_of(name);
  if (type.empty()) return not_found(name);
  auto bytes = read_regular(path);
  if (!bytes) return not_found(name);
  http::Response res;
  const std::string etag = "\"" + sha256_hex(*bytes).substr(0, 32) + "\"";
  res.headers.emplace_back("ETag", etag);
  // Always asked again, answered 304 while unchanged: an upgrade is seen at once.
  res.headers.emplace_back("Cache-Control", "no-cache");
  res.headers.emplace_back("X-Content-Type-Options", "nosniff");
  res.headers.emplace_back("Referrer-Policy", "same-origin");
  if (name.ends_with(".html")) {
    res.headers.emplace_back("Content-Security-Policy", std::string(kPolicy));
    res.headers.emplace_back("X-Frame-Options", "DENY");
  }
  res.content_type = std::string(type);
  if (const auto inm = request.header("If-None-Match"); inm && etag_matches(*inm, etag)) {
    res.status = 304;
    return res;
  }
  res.body = std::move(*bytes);
  return res;
}

}  // namespace

std::string_view content_type_of(std::string_view name) {
  for (const auto& t : kTypes)
    if (name.size() > t.extension.size() && name.ends_with(t.extension)) return t.content_type;
  return {};
}

bool safe_name(std::string_view name) {
  if (name.empty() || name.size() > 100 || name.front() == '.') return false;
  for (const char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
          c == '.'))
      return false;
  return true;
}

std::filesystem::path web_dir(const config::Config& config) {
  if (!config.server.web_dir.empty()) return config.server.web_dir;
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "share/tonghop/web";
  return self.parent_path().parent_path() / "share" / "tonghop" / "web";
}

bool is_open(std::string_view route_label) { return route_label == "/" || route_label == "/static/{name}"; }

void add_routes(http::Router& router, ConfigSource config) {
  router.add("GET", "/", [config](const http::Request& r, const http::Params&) {
    const auto dir = web_dir(*config());
    http::Response res = serve_file(r, dir / "index.html", "index.html");
    if (res.status == 404)
      return http::error_response(
          404, "no_web_page",
          fmt::format("Trang web chưa được cài đặt: không có {} / the web page is not installed: {} is missing "
                      "(see [server] web_dir)",
                      (dir / "index.html").string(), (dir / "index.html").string()));
    return res;
  });
  router.add("GET", "/static/{name}", [config](const http::Request& r, const http::Params& p) {
    const std::string& name = p.at("name");
    if (!safe_name(name)) return not_found("(tên không hợp lệ / not a file name)");
    return serve_file(r, web_dir(*config()) / "static" / name, name);
  });
  router.add("GET", "/api/v1/limits", [config](const http::Request&, const http::Params&) {
    const auto c = config();
    const std::uint64_t max = c->limits.max_input_bytes;
    return http::json_response(
        200, fmt::format("{{\"max_input_bytes\":{},\"max_input_size\":\"{}\"}}\n", max, http::size_text(max)));
  });
}

}  // namespace tonghop::web
