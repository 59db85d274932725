#include "api/api.hpp"

#include <sstream>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "api/forms_routes.hpp"
#include "api/params.hpp"
#include "api/refusals.hpp"
#include "api/views.hpp"
#include "core/hash.hpp"
#include "http/multipart.hpp"
#include "normalise/text.hpp"
#include "web/web.hpp"  // branch web
#include "report/province.hpp"
#include "report/status.hpp"
#include "store/digest.hpp"

namespace tonghop::api {

namespace json = boost::json;

namespace {

http::Response json_ok(unsigned status, const json::value& v) { return http::json_response(status, json::serialize(v) + "\n"); }

http::Response too_many(unsigned seconds) {
  http::Response r = http::error_response(
      429, "too_many_failures",
      fmt::format("Quá nhiều lần xác thực sai từ địa chỉ này; thử lại sau {} giây / too many failed authentications "
                  "from this address; try again in {} s",
                  seconds, seconds));
  r.headers.emplace_back("Retry-After", std::to_string(seconds));
  return r;
}

http::Response bad_period(unsigned status, std::string_view asked) {
  return refuse::issues(status, {{"unknown_period",
                           "Kỳ báo cáo không hợp lệ (năm từ 1930 đến năm sau) / the period is not one of 2018, 2018-H1, "
                           "2018-Q3, 2018-09 with a year from 1930 to next year",
                           "period", echo(asked), {}}});
}

std::string mime_of(const std::string& format) {
  if (format == "xlsx" || format == "xlsm") return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  if (format == "xls") return "application/vnd.ms-excel";
  if (format == "ods") return "application/vnd.oasis.opendocument.spreadsheet";
  if (format == "csv" || format == "tsv" || format == "txt") return "text/csv";
  if (format == "json") return "application/json";
  return "application/octet-stream";
}

}  // namespace

Api::Api(app::Context& context) : context_(context) {
  router_.add("GET", "/healthz", [this](const http::Request&, const http::Params&) { return healthz(); });
  router_.add("GET", "/metrics", [this](const http::Request&, const http::Params&) { return metrics_text(); });
  router_.add("POST", "/api/v1/tokens", [this](const http::Request& r, const http::Params&) { return create_token(r); });
  // An upload may be as large as an import may be ([limits], reloaded on
  // SIGHUP), plus the multipart wrapping (Router::add_file_route).
  router_.add_file_route("POST", "/api/v1/submissions",
              [this](const http::Request& r, const http::Params&) {
                http::Response res = submit(r);
                record_attempt(r, res);  // a refusal is kept as an attempt (branch season)
                return res;
              },
              [this] { return context_.config.load()->limits.max_input_bytes; });
  router_.add("GET", "/api/v1/submissions", [this](const http::Request& r, const http::Params&) { return list(r); });
  router_.add("GET", "/api/v1/submissions/{id}", [this](const http::Request& r, const http::Params& p) { return one(r, p); });
  router_.add("GET", "/api/v1/submissions/{id}/raw",
              [this](const http::Request& r, const http::Params& p) { return raw(r, p); });
  router_.add("GET", "/api/v1/reports/province", [this](const http::Request& r, const http::Params&) { return report(r); });
  add_forms_routes(router_, context_, [this](const http::Request& r) -> std::optional<FormsCaller> {
    if (auto c = caller(r)) return FormsCaller{c->role, c->district};
    return std::nullopt;
  });
  add_people_routes();  // branch season
  add_season_routes();  // branch season
  add_version_routes();  // care (issue 16): api/versions.cpp
  add_check_routes();  // POST /api/v1/check, /api/v1/mappings (api/check_routes.cpp)
  web::add_routes(router_, [this] { return context_.config.load(); });  // the web page (daemon/web)
}

std::uint64_t Api::body_limit(const http::Request& head) const {
  return router_.body_limit(head.method, head.target, context_.config.load()->server.body_limit);
}

std::uint64_t Api::file_limit(const http::Request& head) const {
  return router_.file_limit(head.method, head.target);
}

http::Response Api::handle(const http::Request& request) { return router_.handle(request); }

std::optional<http::Response> Api::admit(const http::Request& head) {
  // Open routes, and paths no route serves (404 as before), need no token.
  const std::string& route = router_.label(head.method, head.target);
  if (web::is_open(route)) return std::nullopt;  // the web page's own files (daemon/web)
  if (route == "unmatched" || route == "/healthz" || route == "/metrics") return std::nullopt;
  if (route == "/api/v1/session") return std::nullopt;  // signing in; its handlers authenticate (branch season)
  const std::string_view address = http::address_of(head.remote);
  limiter_.set_burst(context_.config.load()->auth_failures_per_minute);
  if (const unsigned wait = limiter_.blocked_for(address)) {
    auth_throttled_.fetch_add(1, std::memory_order_relaxed);
    return too_many(wait);
  }
  if (const auto who = caller(head)) return csrf_refusal(head, *who);
  auth_failures_.fetch_add(1, std::memory_order_relaxed);
  const bool now_blocked = limiter_.failed(address);
  const auto auth = head.header("Authorization");
  context_.log->warn("authentication failed from {} for {} {} ({}){}", address, head.method, echo(head.path()),
                     auth ? "a token that is not valid" : "no token",
                     now_blocked ? "; this address now waits before trying again (429)" : "");
  return refuse::unauthorised();
}

std::size_t Api::max_connections() const { return context_.config.load()->server.max_connections; }

void Api::started(const http::Request&) { metrics_.started(); }

void Api::finished(const http::Request& head, unsigned status) {
  // No method (a head that did not read) matches no route: "unmatched", without a copy.
  metrics_.finished(router_.label(head.method, head.target), status);
  context_.log->debug("{} {} {} -> {}", head.remote, head.method, head.target, status);
}

std::optional<Api::Caller> Api::caller(const http::Request& r) const {
  const auto auth = r.header("Authorization");
  if (!auth) return session_caller(r);  // the sign-in cookie (api/people_routes.cpp)
  if (auth->size() < 8 || auth->substr(0, 7) != "Bearer ") return std::nullopt;
  // The token's SHA-256, kept for the last token this thread saw: a client
  // on a keep-alive connection sends the same one with every request, and
  // hashing it twice (admission, then the route) was a quarter of what a
  // cached report cost the daemon (issue 18, item 7; docs/performance.md).
  // Compared in constant time: another client's token must not be guessed
  // byte by byte from how long the comparison took.
  thread_local std::string last_token, last_hash;
  const std::string_view token = auth->substr(7);
  const auto same = [](std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    unsigned char d = 0;
    for (std::size_t i = 0; i < a.size(); ++i) d |= static_cast<unsigned char>(a[i] ^ b[i]);
    return d == 0;
  };
  if (last_hash.empty() || !same(token, last_token)) {
    last_hash = sha256_hex(token);
    last_token.assign(token);
  }
  const std::string& hash = last_hash;
  if (const auto admin = context_.admin_token_sha256.load(); admin && hash == *admin)
    return Caller{"admin", "admin", "", ""};
  // Looked up at each request: a revoked token is refused at once.
  if (auto t = context_.store->token_principal(hash)) return Caller{t->name, t->role, t->district, ""};
  return std::nullopt;
}

std::shared_ptr<void> Api::import_slot(const http::Request& head, http::Response& refusal) {
  const auto who = caller(head);
  // Not a district's (or no caller: refused by the route itself): not counted.
  if (!who || who->role != "district" || who->district.empty()) return std::make_shared<int>(0);
  std::lock_guard lock(mutex_);
  unsigned& n = in_flight_[who->district];
  if (n >= context_.config.load()->import.per_district) {
    refusal = refuse::district_busy(who->district, n);
    return nullptr;
  }
  ++n;
  return std::shared_ptr<void>(static_cast<void*>(this), [this, district = who->district](void*) {
    std::lock_guard done(mutex_);
    if (const auto it = in_flight_.find(district); it != in_flight_.end() && --it->second == 0) in_flight_.erase(it);
  });
}

void Api::count(const std::string& district, const ingest::Outcome& outcome) {
  std::lock_guard lock(mutex_);
  auto& c = submissions_[district];
  (outcome.status == 201 || outcome.unchanged ? c.first : c.second) += 1;
  import_seconds_ += outcome.seconds;
  ++imports_;
}

http::Response Api::healthz() const { return http::json_response(200, "{\"status\":\"ok\"}\n"); }

http::Response Api::metrics_text() const {
  std::string out = metrics_.render();
  const auto plugins = context_.plugins.load();
  out += "# HELP tonghop_plugins_loaded Plugins loaded, by kind.\n# TYPE tonghop_plugins_loaded gauge\n";
  for (const auto kind : {loader::Kind::importer, loader::Kind::exporter})
    out += fmt::format("tonghop_plugins_loaded{{kind=\"{}\"}} {}\n", loader::kind_name(kind), plugins->count(kind));
  out += fmt::format(
      "# HELP tonghop_plugins_refused Libraries in the plugins directory that were refused.\n"
      "# TYPE tonghop_plugins_refused gauge\ntonghop_plugins_refused {}\n",
      plugins->refused.size());
  {
    std::lock_guard lock(mutex_);
    out += "# HELP tonghop_submissions_total Returns received, by district and outcome.\n"
           "# TYPE tonghop_submissions_total counter\n";
    for (const auto& [district, c] : submissions_) {
      out += fmt::format("tonghop_submissions_total{{district=\"{}\",outcome=\"accepted\"}} {}\n",
                         http::prometheus_label(district), c.first);
      out += fmt::format("tonghop_submissions_total{{district=\"{}\",outcome=\"refused\"}} {}\n",
                         http::prometheus_label(district), c.second);
    }
    out += fmt::format(
        "# HELP tonghop_import_duration_seconds Time to import, normalise and store a return.\n"
        "# TYPE tonghop_import_duration_seconds summary\n"
        "tonghop_import_duration_seconds_sum {:.6f}\ntonghop_import_duration_seconds_count {}\n",
        import_seconds_, imports_);
  }
  out += fmt::format(
      "# HELP tonghop_auth_failures_total Requests refused for want of a valid token (401).\n"
      "# TYPE tonghop_auth_failures_total counter\ntonghop_auth_failures_total {}\n"
      "# HELP tonghop_auth_throttled_total Requests refused because their address failed too often (429).\n"
      "# TYPE tonghop_auth_throttled_total counter\ntonghop_auth_throttled_total {}\n",
      auth_failures_.load(std::memory_order_relaxed), auth_throttled_.load(std::memory_order_relaxed));
  out += fmt::format(
      "# HELP tonghop_store_bytes Size of the database and the archived files.\n# TYPE tonghop_store_bytes gauge\n"
      "tonghop_store_bytes {}\n",
      context_.store->size_bytes());
  http::Response r = http::json_response(200, std::move(out));
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  return r;
}

http::Response Api::create_token(const http::Request& r) {
  const auto who = caller(r);
  if (!who) return refuse::unauthorised();
  if (who->role != "admin")
    return http::error_response(403, "forbidden",
                                "Chỉ quản trị viên mới tạo được mã truy cập / only an admin token may create tokens");
  json::error_code ec;
  const json::value body = json::parse(r.body, ec);
  if (ec || !body.is_object()) return refuse::body_not_json_object();
  const auto& o = body.as_object();
  const std::string role = o.contains("role") && o.at("role").is_string() ? std::string(o.at("role").as_string()) : "";
  store::Token t;
  t.role = role;
  if (role == "district") {
    const std::string asked = o.contains("district") && o.at("district").is_string() ? std::string(o.at("district").as_string()) : "";
    const auto* d = context_.normalisation.load()->registry.find(asked);
    if (d == nullptr)
      return http::error_response(422, "unknown_district",
                                  fmt::format("Không có đơn vị «{}» trong danh sách / '{}' is not a district", echo(asked),
                                              echo(asked)));
    t.district = d->name;
  } else if (role != "viewer") {
    // Admin is the one token of the configuration; no other can be made.
    return http::error_response(422, "unknown_role",
                                "Chỉ tạo được mã cho huyện (district) hoặc người xem (viewer) / role is district or viewer");
  }
  t.name = o.contains("name") && o.at("name").is_string() ? std::string(o.at("name").as_string())
                                                            : (t.district.empty() ? role : role + ":" + t.district);
  if (t.name.empty() || t.name.size() > 100 || t.name != valid_utf8(t.name) ||
      std::any_of(t.name.begin(), t.name.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
    return http::error_response(422, "bad_name", "Tên mã: 1 đến 100 byte, không có ký tự điều khiển / a token's name is "
                                                 "1 to 100 bytes without control characters");
  // Its owner (branch season): the person it is for; disabling them stops it.
  // By default the signed-in admin who makes it (none for the configuration's token).
  store::TokenInfo info{0, t.name, t.role, t.district, who->session.empty() ? "" : who->name, "", "", ""};
  if (o.contains("owner")) {
    const auto* owner = o.at("owner").if_string();
    const auto user = owner ? context_.store->user(std::string(*owner)) : std::nullopt;
    if (!user)
      return http::error_response(422, "unknown_user", fmt::format("Không có người dùng «{}» / no user '{}'",
                                                                   echo(owner ? std::string_view(*owner) : ""),
                                                                   echo(owner ? std::string_view(*owner) : "")));
    if (user->role == "district" && (t.role != "district" || t.district != user->district))
      return http::error_response(422, "owner_mismatch",
                                  fmt::format("Người dùng {} chỉ được có mã của huyện {} / user {} may only hold tokens "
                                              "for {}", user->name, user->district, user->name, user->district));
    info.owner = user->name;
  }
  auto issued = context_.store->issue_token(info, store::Principal{who->name, who->role, who->district});
  if (!issued) return refuse::store_failed(issued.error());
  json::object out;
  out["token"] = issued->second;
  out["id"] = issued->first.id;
  out["name"] = issued->first.name;
  out["role"] = t.role;
  if (t.district.empty()) out["district"] = nullptr;
  else out["district"] = t.district;
  if (info.owner.empty()) out["owner"] = nullptr;
  else out["owner"] = info.owner;
  return json_ok(201, out);
}

bool Api::body_to_file(const http::Request& head) const {
  return router_.file_limit(head.method, head.target) != 0;  // a return's route (Router::add_file_route)
}

std::variant<Api::Incoming, http::Response> Api::incoming(const http::Request& r, const ingest::Normalisation& n,
                                                           std::string_view viewer_refusal) const {
  const auto who = caller(r);
  if (!who) return refuse::unauthorised();
  if (who->role == "viewer")
    return http::error_response(403, "forbidden", std::string(viewer_refusal));
  const std::string asked = r.query_param("district").value_or("");
  const auto* district = n.registry.find(asked);
  if (district == nullptr)
    return refuse::issues(422, {{"unknown_district",
                          fmt::format("Không có đơn vị «{}» trong danh sách / '{}' is not a district of {}", echo(asked),
                                      echo(asked), n.registry.province),
                          "district", echo(asked), {}}});
  if (who->role == "district" && who->district != district->name)
    return http::error_response(
        403, "forbidden",
        fmt::format("Mã này của {}, không phải của {} / this token is for {}, not {}", who->district, district->name,
                    who->district, district->name));
  const auto period = parse_period_param(r.query_param("period").value_or(""));
  if (!period) return bad_period(422, r.query_param("period").value_or(""));
  Incoming in{{}, *who};
  ingest::Return& ret = in.ret;
  ret.district = district->name;
  ret.period = *period;
  ret.token_name = who->name;
  const std::string_view content_type = r.header("Content-Type").value_or("");
  const std::string_view body = r.body_bytes();
  if (auto part = http::multipart_file(content_type, body)) {
    ret.filename = part->filename;
    ret.bytes = part->bytes;
  } else if (http::is_multipart(content_type)) {
    // A form without its file: never take the whole form as the return.
    return http::error_response(400, "no_file_part",
                                "Biểu mẫu không có phần «file» / the multipart form has no part named \"file\"");
  } else {
    ret.bytes = body;
    if (r.body_file) ret.memfd = r.body_file->fd;  // the child reads it where it was received
  }
  if (auto f = r.query_param("filename")) ret.filename = *f;
  // A file without a name is named by the pipeline from its district, period and format (care, issue 16).
  if (!ret.filename.empty()) ret.filename = clean_filename(ret.filename);
  if (ret.bytes.empty())
    return http::error_response(400, "empty_body", "Yêu cầu không có tệp / the request has no file");
  return in;
}

http::Response Api::submit(const http::Request& r) {
  const auto n = context_.normalisation.load();
  auto got = incoming(r, *n, "Mã người xem không được gửi báo cáo / a viewer token cannot submit");
  if (auto* refused = std::get_if<http::Response>(&got)) return std::move(*refused);
  auto& [ret, who] = std::get<Incoming>(got);
  const std::string district = ret.district, period = ret.period;

  // On an import worker (see app/serve.cpp), the import itself in a child process.
  const auto outcome = ingest::submit(context_.examiner, *n, *context_.store, std::move(ret));
  count(district, outcome);
  if (outcome.unchanged) {
    // care (issue 16): the same bytes as the current submission: it is the answer, nothing new was stored.
    const auto& s = *outcome.submission;
    context_.log->info("return for {} {} from {} unchanged: the same bytes as #{}; no new version", s.district, s.period,
                       who.name, s.id);
    if (outcome.raw_repaired)
      context_.log->warn("the raw file of #{} was missing or damaged; written again from the same bytes sent again", s.id);
    json::object o = submission_json(s);
    o["unchanged"] = true;
    o["warnings"] = issues_json(context_.store->warnings(s.id));
    return json_ok(200, o);
  }
  if (outcome.status != 201) {
    // The file's faults are the clerk's (info); the server's (a full disk,
    // no zygote: 5xx) are the IT officer's, said with their reason.
    if (outcome.status >= 500)
      context_.log->error("return not stored ({}) for {} {} from {}: {}", outcome.status, district, period, who.name,
                          outcome.errors.empty() ? std::string("(no reason given)") : outcome.errors.front().message);
    else
      context_.log->info("return refused ({}) for {} {} from {}", outcome.status, district, period, who.name);
    return refuse::issues(outcome.status, outcome.errors, outcome.warnings);
  }
  const auto& s = *outcome.submission;
  context_.log->info("return #{} stored for {} {} ({} records) from {}", s.id, s.district, s.period, s.records, who.name);
  json::object o = submission_json(s);
  o["warnings"] = issues_json(outcome.warnings);
  return json_ok(201, o);
}

http::Response Api::list(const http::Request& r) {
  const auto who = caller(r);
  if (!who) return refuse::unauthorised();
  const auto period = parse_period_param(r.query_param("period").value_or(""));
  if (!period) return bad_period(400, r.query_param("period").value_or(""));
  json::array a;
  for (const auto& s : context_.store->list(*period, who->role == "district" ? who->district : std::string())) {
    json::object o = submission_json(s);
    with_review(o, s);  // returned with its reason, approved (branch season)
    a.push_back(std::move(o));
  }
  json::object o;
  o["submissions"] = std::move(a);
  return json_ok(200, o);
}

std::variant<store::Submission, http::Response> Api::visible_submission(const http::Request& r,
                                                                        const http::Params& p) const {
  const auto who = caller(r);
  if (!who) return refuse::unauthorised();
  const auto id = parse_id(p.at("id"));
  const auto s = id ? context_.store->get(*id) : std::nullopt;
  if (!s) return refuse::no_submission();
  if (who->role == "district" && who->district != s->district) return refuse::another_districts_submission();
  return *s;
}

http::Response Api::one(const http::Request& r, const http::Params& p) {
  auto found = visible_submission(r, p);
  if (auto* refusal = std::get_if<http::Response>(&found)) return std::move(*refusal);
  const auto* s = &std::get<store::Submission>(found);
  json::object o = submission_json(*s);
  with_review(o, *s);  // branch season
  o["warnings"] = issues_json(context_.store->warnings(s->id));
  if (!store::row_as_committed(*s)) {
    // Said first, as the report says it; the records still stream (they
    // are checked against the digest as they are read, store::RecordCursor).
    normalise::Issue changed{"changed_after_commit", report::changed_after_commit(*s), {}, {}, {}};
    o["warnings"].as_array().insert(o["warnings"].as_array().begin(), issue_json(changed));
  }
  // The records stream, read from the store a block at a time (issue 18, api/views.cpp).
  const auto n = context_.normalisation.load();
  return submission_with_records(o, context_.store, *s, std::shared_ptr<const normalise::Catalogue>(n, &n->catalogue));
}

http::Response Api::raw(const http::Request& r, const http::Params& p) {
  auto found = visible_submission(r, p);
  if (auto* refusal = std::get_if<http::Response>(&found)) return std::move(*refusal);
  const auto* s = &std::get<store::Submission>(found);
  auto bytes = context_.store->raw(*s);
  if (!bytes) return refuse::store_failed(bytes.error());
  http::Response res;
  res.content_type = mime_of(s->format);
  res.headers.emplace_back("Content-Disposition", fmt::format("attachment; filename=\"{}\"", clean_filename(s->filename)));
  res.body = std::move(*bytes);
  return res;
}

http::Response Api::report(const http::Request& r) {
  const auto who = caller(r);
  if (!who) return refuse::unauthorised();
  if (who->role == "district")
    return http::error_response(403, "forbidden",
                                "Báo cáo toàn tỉnh dành cho quản trị viên và người xem, không cho mã của huyện / the "
                                "province report is for admin and viewer tokens");
  const auto period = parse_period_param(r.query_param("period").value_or(""));
  if (!period) return bad_period(400, r.query_param("period").value_or(""));
  const std::string format = r.query_param("format").value_or("json");
  const auto plugins = context_.plugins.load();
  const auto* exporter = plugins->exporter_for(format);
  if (exporter == nullptr)
    return http::error_response(400, "unknown_format",
                                fmt::format("Không có định dạng xuất «{}» / no exporter writes '{}'", echo(format),
                                            echo(format)));

  // dialect=vi: the CSV for a Vietnamese Excel (";" between cells, "," before decimals).
  const std::string dialect = r.query_param("dialect").value_or("");
  if (!dialect.empty() && (dialect != "vi" || format != "csv"))
    return http::error_response(400, "unknown_dialect",
                                "Chỉ có dialect=vi, và chỉ với format=csv / dialect=vi is the only dialect, for format=csv");
  // The statuses change with the day (branch season): today is part of the key.
  const auto config = context_.config.load();
  const auto n = context_.normalisation.load();
  const std::string key = *period + "/" + format + "/" + dialect + "/" + report::today(config->season);
  const std::int64_t generation = context_.store->generation();
  {
    std::lock_guard lock(mutex_);
    const auto it = reports_.find(key);
    if (it != reports_.end() && it->second.generation == generation && it->second.normalisation == n &&
        it->second.config == config && it->second.plugins == plugins) {
      recent_.splice(recent_.begin(), recent_, it->second.use);  // the most recently used
      http::Response res;
      res.content_type = it->second.content_type;
      res.shared_body = it->second.body;
      return res;
    }
  }
  sdk::Report rep = report::province_report(*context_.store, n->registry, n->catalogue, *period,
                                               report::contents_for(format), config->report);
  report::mark(rep, report::season(*context_.store, n->registry, config->season, *period));  // branch season
  if (!dialect.empty()) rep.metadata.emplace_back("display.dialect", dialect);
  std::ostringstream out;
  if (auto s = exporter->exporter->write(rep, format, out); !s.ok())
    return refuse::export_failed(s.message());
  const auto& formats = exporter->info.formats;
  const auto idx = static_cast<std::size_t>(std::find(formats.begin(), formats.end(), format) - formats.begin());
  http::Response res;
  res.content_type = idx < exporter->info.mime_types.size() ? exporter->info.mime_types[idx] : mime_of(format);
  auto body = std::make_shared<const std::string>(std::move(out).str());
  res.shared_body = body;
  {
    std::lock_guard lock(mutex_);
    // Bounded, least recently used out first: one entry per period and
    // format asked for would otherwise grow without end.
    if (const auto it = reports_.find(key); it != reports_.end()) {
      recent_.erase(it->second.use);
      reports_.erase(it);
    }
    while (reports_.size() >= kCachedReports) {
      reports_.erase(recent_.back());
      recent_.pop_back();
    }
    recent_.push_front(key);
    reports_[key] = Cached{generation, n, config, plugins, std::move(body), res.content_type, recent_.begin()};
  }
  return res;
}

}  // namespace tonghop::api
