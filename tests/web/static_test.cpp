// The web page's files served by the real daemon over a real socket
// (daemon/web): found beside the built binary, the right types, ETag and 304,
// no token needed, and nothing outside web/static ever served: "..",
// percent-encoded dots and slashes, dot files, links, FIFOs.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <regex>

#include "support/daemon.hpp"
#include "support/http_client.hpp"
#include "support/process.hpp"
#include "web/web.hpp"

namespace fs = std::filesystem;
using tonghop::test::Process;
using tonghop::test::request;
using tonghop::test::TempDir;
using tonghop::test::write_file;

namespace {

const std::string kAdmin = "admin-token-for-the-web-tests-0123456789";

// A daemon serving the web folder `web_dir` (none: the default, beside the binary).
struct Daemon {
  explicit Daemon(const std::string& web_dir_line) {
    write_file(dir.path() / "tonghop.toml",
               "[server]\nlisten = \"127.0.0.1:0\"\n" + web_dir_line + "[paths]\ndata_dir = \"" +
                   (dir.path() / "var").string() + "\"\nplugins_dir = \"" TONGHOP_PLUGIN_DIR
                   "\"\n[inbox]\nscan_milliseconds = 0\n[limits]\nmax_input_size = \"3 MiB\"\n" +
                   tonghop::test::normalise_section());
    process = std::make_unique<Process>(
        std::vector<std::string>{TONGHOPD_PATH, "--config", (dir.path() / "tonghop.toml").string()},
        std::vector<std::string>{"TONGHOP_ADMIN_TOKEN=" + kAdmin}, std::vector<std::string>{}, dir.path());
    port = tonghop::test::listening_port(*process);
    EXPECT_NE(port, 0) << process->output();
  }
  std::optional<tonghop::test::HttpReply> get(const std::string& target, const std::string& headers = {}) const {
    return request(port, "GET", target, {}, headers);
  }
  TempDir dir;
  std::unique_ptr<Process> process;
  std::uint16_t port = 0;
};

// A web folder of our own, beside a secret the server must never give.
struct Site {
  Site() {
    fs::create_directories(root.path() / "web" / "static");
    write_file(root.path() / "web" / "index.html", "<!doctype html><title>trang</title>");
    write_file(root.path() / "web" / "static" / "app.js", "export const x = 1;\n");
    write_file(root.path() / "web" / "static" / "app.css", "body{}\n");
    write_file(root.path() / "web" / "static" / "notes.md", "# not served\n");
    write_file(root.path() / "web" / "static" / ".hidden.js", "SECRET-HIDDEN\n");
    write_file(root.path() / "web" / "secret.js", "SECRET-WEB-ROOT\n");
    write_file(root.path() / "secret.txt", "SECRET-OUTSIDE\n");
    fs::create_symlink(root.path() / "secret.txt", root.path() / "web" / "static" / "link.js");
    fs::create_symlink(root.path() / "web" / "secret.js", root.path() / "web" / "static" / "inside-link.js");
    ::mkfifo((root.path() / "web" / "static" / "fifo.js").c_str(), 0600);
    fs::create_directories(root.path() / "web" / "static" / "folder.js");
  }
  std::string line() const { return "web_dir = \"" + (root.path() / "web").string() + "\"\n"; }
  TempDir root;
};

}  // namespace

TEST(WebStatic, NamesAndTypes) {
  using tonghop::web::content_type_of;
  using tonghop::web::safe_name;
  EXPECT_TRUE(safe_name("app.js"));
  EXPECT_TRUE(safe_name("report-2018_v2.css"));
  for (const char* bad : {"", ".", "..", ".hidden", "../x.js", "a/b.js", "a\\b.js", "%2e%2e", "x.js\n", "tên.js"})
    EXPECT_FALSE(safe_name(bad)) << bad;
  EXPECT_FALSE(safe_name(std::string(101, 'a')));
  EXPECT_EQ(content_type_of("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(content_type_of("app.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(content_type_of("app.css"), "text/css; charset=utf-8");
  EXPECT_EQ(content_type_of("icon.svg"), "image/svg+xml");
  EXPECT_EQ(content_type_of("notes.md"), "");
  EXPECT_EQ(content_type_of(".js"), "");
}

// The build tree's copy of web/, found from build/bin/tonghopd with no
// setting; no token needed for the page, a token needed for the API.
TEST(WebStatic, ThePageIsServedFromBesideTheBinaryWithoutAToken) {
  Daemon d("");
  auto page = d.get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200) << page->body;
  EXPECT_EQ(page->header("Content-Type").value_or(""), "text/html; charset=utf-8");
  EXPECT_NE(page->body.find("<html lang=\"vi\">"), std::string::npos);
  EXPECT_NE(page->body.find("src=\"/static/app.js\""), std::string::npos);
  const std::string csp = page->header("Content-Security-Policy").value_or("");
  EXPECT_NE(csp.find("default-src 'self'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
  EXPECT_EQ(page->header("X-Content-Type-Options").value_or(""), "nosniff");

  for (const auto& [name, type] : std::vector<std::pair<std::string, std::string>>{
           {"app.js", "text/javascript; charset=utf-8"}, {"app.css", "text/css; charset=utf-8"},
           {"icon.svg", "image/svg+xml"}, {"chart.js", "text/javascript; charset=utf-8"}}) {
    auto r = d.get("/static/" + name);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << name;
    EXPECT_EQ(r->header("Content-Type").value_or(""), type) << name;
    EXPECT_EQ(r->body, tonghop::test::read_file(fs::path(TONGHOP_SOURCE_DIR) / "web" / "static" / name)) << name;
  }
  // The API still asks for a token; the limits a page needs come from it.
  auto no_token = d.get("/api/v1/limits");
  ASSERT_TRUE(no_token);
  EXPECT_EQ(no_token->status, 401);
  auto limits = d.get("/api/v1/limits", "Authorization: Bearer " + kAdmin + "\r\n");
  ASSERT_TRUE(limits);
  EXPECT_EQ(limits->status, 200);
  EXPECT_EQ(limits->body, "{\"max_input_bytes\":3145728,\"max_input_size\":\"3 MiB\"}\n");
  // Only GET (and HEAD).
  auto post = request(d.port, "POST", "/", "x");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 405);
}

TEST(WebStatic, AnUnchangedFileIsAnswered304ByItsETag) {
  Site site;
  Daemon d(site.line());
  auto first = d.get("/static/app.js");
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200);
  const std::string etag = first->header("ETag").value_or("");
  EXPECT_TRUE(std::regex_match(etag, std::regex("\"[0-9a-f]{32}\""))) << etag;
  EXPECT_EQ(first->header("Cache-Control").value_or(""), "no-cache");
  auto again = d.get("/static/app.js", "If-None-Match: " + etag + "\r\n");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 304);
  EXPECT_TRUE(again->body.empty());
  auto weak = d.get("/static/app.js", "If-None-Match: \"other\", W/" + etag + "\r\n");
  ASSERT_TRUE(weak);
  EXPECT_EQ(weak->status, 304);
  // Changed on disk: a new tag, the new bytes.
  write_file(site.root.path() / "web" / "static" / "app.js", "export const x = 2;\n");
  auto changed = d.get("/static/app.js", "If-None-Match: " + etag + "\r\n");
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->status, 200);
  EXPECT_EQ(changed->body, "export const x = 2;\n");
  EXPECT_NE(changed->header("ETag").value_or(""), etag);
}

TEST(WebStatic, NothingOutsideTheStaticFolderIsServed) {
  Site site;
  Daemon d(site.line());
  for (const std::string target :
       {"/static/..", "/static/%2e%2e", "/static/%2E%2E", "/static/..%2fsecret.js", "/static/..%2Fsecret.js",
        "/static/%2e%2e%2fsecret.js", "/static/%2e%2e%2f%2e%2e%2fsecret.txt", "/static/../secret.js",
        "/static/../../secret.txt", "/static/.hidden.js", "/static/%2ehidden.js", "/static/link.js",
        "/static/inside-link.js", "/static/notes.md", "/static/fifo.js", "/static/folder.js", "/static/",
        "/static/app.js%00.css", "/static/app.js%2f", "/static/%5c..%5csecret.js", "/secret.js", "/index.html/..",
        "/static/app.js/../../secret.js"}) {
    auto r = d.get(target);
    ASSERT_TRUE(r) << target << " (no answer: did the server hang on it?)";
    EXPECT_EQ(r->status, 404) << target << ": " << r->body;
    EXPECT_EQ(r->body.find("SECRET"), std::string::npos) << target;
  }
  // The server is still well.
  auto ok = d.get("/static/app.css");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
}

TEST(WebStatic, AMissingWebFolderIsNamed) {
  TempDir nowhere;
  Daemon d("web_dir = \"" + (nowhere.path() / "absent").string() + "\"\n");
  auto r = d.get("/");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_NE(r->body.find("no_web_page"), std::string::npos) << r->body;
  EXPECT_NE(r->body.find("web_dir"), std::string::npos) << r->body;
}
