// Routing as a plain function from request to response: no socket.
#include <gtest/gtest.h>

#include <stdexcept>

#include "http/metrics.hpp"
#include "http/router.hpp"

using namespace tonghop::http;

namespace {
Request make(std::string method, std::string target, Headers headers = {}) {
  Request r;
  r.method = std::move(method);
  r.target = std::move(target);
  r.headers = std::move(headers);
  return r;
}

Router sample_router() {
  Router r;
  r.add("GET", "/healthz", [](const Request&, const Params&) { return json_response(200, "{\"status\":\"ok\"}"); });
  r.add("GET", "/api/v1/submissions/{id}/raw", [](const Request&, const Params& p) {
    Response res = json_response(200, p.at("id"));
    res.content_type = "application/octet-stream";
    return res;
  });
  r.add("POST", "/api/v1/submissions", [](const Request& q, const Params&) {
    return json_response(201, q.query_param("district").value_or("?"));
  }, [] { return std::uint64_t{100} << 20; });
  r.add("GET", "/boom", [](const Request&, const Params&) -> Response { throw std::runtime_error("disk full"); });
  return r;
}
}  // namespace

TEST(Router, RoutesToTheHandler) {
  const Router r = sample_router();
  const Response res = r.handle(make("GET", "/healthz"));
  EXPECT_EQ(res.status, 200u);
  EXPECT_EQ(res.body, "{\"status\":\"ok\"}");
  EXPECT_EQ(res.content_type, "application/json");
}

TEST(Router, PathParametersAreDecoded) {
  const Router r = sample_router();
  const Response res = r.handle(make("GET", "/api/v1/submissions/4%32/raw"));
  EXPECT_EQ(res.status, 200u);
  EXPECT_EQ(res.body, "42");
}

TEST(Router, QueryParametersAreDecoded) {
  const Router r = sample_router();
  const Response res = r.handle(make("POST", "/api/v1/submissions?period=2018&district=Huy%E1%BB%87n+%E1%BB%A7y+Than+Uy%C3%AAn"));
  EXPECT_EQ(res.status, 201u);
  EXPECT_EQ(res.body, "Huyện ủy Than Uyên");
}

TEST(Router, UnknownPathsAre404InTheContractShape) {
  const Router r = sample_router();
  const Response res = r.handle(make("GET", "/api/v2/nothing"));
  EXPECT_EQ(res.status, 404u);
  EXPECT_EQ(res.body.rfind("{\"errors\":[{\"code\":\"not_found\"", 0), 0u) << res.body;
  EXPECT_NE(res.body.find("Không có trang hay dữ liệu nào ở địa chỉ /api/v2/nothing / no such resource"),
            std::string::npos)
      << res.body;
}

TEST(Router, WrongMethodIs405) {
  const Router r = sample_router();
  const Response res = r.handle(make("DELETE", "/healthz"));
  EXPECT_EQ(res.status, 405u);
  EXPECT_NE(res.body.find("method_not_allowed"), std::string::npos);
}

TEST(Router, HeadIsAnsweredLikeGet) {
  const Router r = sample_router();
  EXPECT_EQ(r.handle(make("HEAD", "/healthz")).status, 200u);
}

TEST(Router, AHandlerThatThrowsIs500NotACrash) {
  const Router r = sample_router();
  const Response res = r.handle(make("GET", "/boom"));
  EXPECT_EQ(res.status, 500u);
  EXPECT_NE(res.body.find("disk full"), std::string::npos);
}

TEST(Router, BodyLimitIsPerRoute) {
  const Router r = sample_router();
  EXPECT_EQ(r.body_limit("POST", "/api/v1/submissions?district=x", 1024), 100u << 20);
  EXPECT_EQ(r.body_limit("GET", "/healthz", 1024), 1024u);
  EXPECT_EQ(r.body_limit("PUT", "/elsewhere", 1024), 1024u);
}

TEST(Router, AFileRouteTakesItsFileAndAFormsFramingAndNamesTheFilesLimit) {
  Router r;
  std::uint64_t file = 64 << 20;  // followed on each request, as [limits] is after a reload
  r.add_file_route("POST", "/api/v1/check", [](const Request&, const Params&) { return json_response(200, "{}"); },
                   [&file] { return file; });
  r.add("POST", "/api/v1/tokens", [](const Request&, const Params&) { return json_response(200, "{}"); });
  EXPECT_EQ(r.body_limit("POST", "/api/v1/check?district=x", 1024), (64u << 20) + (64u << 10));
  EXPECT_EQ(r.file_limit("POST", "/api/v1/check?district=x"), 64u << 20);
  file = 1 << 20;
  EXPECT_EQ(r.body_limit("POST", "/api/v1/check", 1024), (1u << 20) + Router::kFormFraming);
  EXPECT_EQ(r.file_limit("POST", "/api/v1/check"), 1u << 20);
  EXPECT_EQ(r.file_limit("POST", "/api/v1/tokens"), 0u);
  EXPECT_EQ(r.file_limit("GET", "/api/v1/check"), 0u);
}

TEST(Router, LabelsAreRoutePatternsNotRawPaths) {
  const Router r = sample_router();
  EXPECT_EQ(r.label("GET", "/api/v1/submissions/17/raw"), "/api/v1/submissions/{id}/raw");
  EXPECT_EQ(r.label("GET", "/random/probe"), "unmatched");
}

TEST(Message, HeadersAreCaseInsensitive) {
  const Request q = make("GET", "/", {{"Content-Type", "text/csv"}});
  EXPECT_EQ(q.header("content-type").value(), "text/csv");
  EXPECT_FALSE(q.header("authorization").has_value());
}

TEST(Message, PercentDecodingLeavesBrokenEscapesAlone) {
  EXPECT_EQ(percent_decode("a%20b+c"), "a b c");
  EXPECT_EQ(percent_decode("100%"), "100%");
  EXPECT_EQ(percent_decode("%zz%4"), "%zz%4");
}

TEST(Message, ErrorsAreValidJsonWithEscapes) {
  const Response r = error_response(422, "bad", "tên \"lạ\"\n\x01");
  EXPECT_EQ(r.body, "{\"errors\":[{\"code\":\"bad\",\"message\":\"tên \\\"lạ\\\"\\n\\u0001\"}]}\n");
}

TEST(Metrics, CountsByRouteAndStatus) {
  Metrics m;
  m.started();
  m.started();
  EXPECT_EQ(m.in_flight(), 2);
  m.finished("/healthz", 200);
  m.finished("/healthz", 200);
  EXPECT_EQ(m.in_flight(), 0);
  m.started();
  m.finished("unmatched", 404);
  EXPECT_EQ(m.count("/healthz", 200), 2u);
  const std::string text = m.render();
  EXPECT_NE(text.find("tonghop_http_requests_total{route=\"/healthz\",status=\"200\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("tonghop_http_requests_total{route=\"unmatched\",status=\"404\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("tonghop_http_requests_in_flight 0\n"), std::string::npos);
  EXPECT_EQ(prometheus_label("a\"b\\"), "a\\\"b\\\\");
}
