// The HTTP API of shared/contract.md: the routes, and the Service the HTTP
// server calls. Routing itself is plain (http::Router), testable without a
// socket: Api::handle is a function from request to response.
#pragma once

#include <atomic>
#include <list>
#include <map>
#include <mutex>
#include <variant>

#include <boost/json/object.hpp>

#include "app/context.hpp"
#include "http/limiter.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "ingest/pipeline.hpp"

namespace tonghop::api {

class Api final : public http::Service {
 public:
  explicit Api(app::Context& context);

  std::uint64_t body_limit(const http::Request& head) const override;
  std::uint64_t file_limit(const http::Request& head) const override;
  // The routes whose body is a district's return (incoming()): those added
  // with Router::add_file_route, a submission and a dry run. Such a body
  // with its length is received into a memfd the import's child reads as it
  // is (issue 18, e2e3).
  bool body_to_file(const http::Request& head) const override;
  http::Response handle(const http::Request& request) override;
  // Every route but /healthz and /metrics needs a token, checked from the head.
  std::optional<http::Response> admit(const http::Request& head) override;
  std::size_t max_connections() const override;
  void started(const http::Request& head) override;
  void finished(const http::Request& head, unsigned status) override;
  // dryrun4 (issue 18): a dry run's index of the previous period begun from
  // its head, while its body arrives (api/check_routes.cpp); and how many
  // were, for /metrics.
  void body_coming(http::Request& head) override;
  std::string dry_run_metrics() const;

  // A district's imports in flight (a submission or a dry run, waiting for a
  // worker or running): at most [import] per_district (2), so that one
  // district sending many slow files never fills the queue every district
  // shares. Held until the import ends. Null, with `refusal` the 429 to
  // give, when the caller's district has that many already. The Board's and
  // admin's imports are not counted.
  std::shared_ptr<void> import_slot(const http::Request& head, http::Response& refusal);

  // Counts an outcome of the submission pipeline (the API's and the inbox's).
  void count(const std::string& district, const ingest::Outcome& outcome);

 private:
  struct Caller {
    std::string name, role, district;
    std::string session;  // the session id's SHA-256 when the cookie authenticated it (branch season)
  };
  std::optional<Caller> caller(const http::Request& r) const;
  // The submission {id} names, if the caller may see it; else the answer to give.
  std::variant<store::Submission, http::Response> visible_submission(const http::Request& r, const http::Params& p) const;
  // A return as sent to POST /api/v1/submissions or /api/v1/check: the caller
  // (not a viewer), the district it may send for, the period, the file from a
  // multipart form or the raw body; else the refusal to give (a viewer gets
  // 403 with `viewer_refusal`).
  struct Incoming {
    ingest::Return ret;
    Caller who;
  };
  std::variant<Incoming, http::Response> incoming(const http::Request& r, const ingest::Normalisation& n,
                                                  std::string_view viewer_refusal) const;

  http::Response healthz() const;
  http::Response metrics_text() const;
  http::Response create_token(const http::Request& r);
  http::Response submit(const http::Request& r);
  http::Response list(const http::Request& r);
  http::Response one(const http::Request& r, const http::Params& p);
  http::Response raw(const http::Request& r, const http::Params& p);
  http::Response report(const http::Request& r);
  // care (issue 16): versions compared, GET /api/v1/submissions/{id}/diff (api/versions.cpp).
  void add_version_routes();
  http::Response diff(const http::Request& r, const http::Params& p);

  // People and the season (branch season): api/people_routes.cpp, api/season_routes.cpp.
  void add_people_routes();
  void add_season_routes();
  // A refused submission recorded as an attempt (API: from the request and its refusal).
  void record_attempt(const http::Request& r, const http::Response& refusal);
  std::optional<Caller> session_caller(const http::Request& r) const;
  // A change authenticated by the session cookie without its X-CSRF-Token: the 403 to give.
  std::optional<http::Response> csrf_refusal(const http::Request& head, const Caller& who) const;
  // A submission's review (returned with its reason, approved) and its period's lock, into its JSON.
  void with_review(boost::json::object& o, const store::Submission& s) const;
  std::shared_ptr<class Logins> logins_;  // sign-in failures by name and by address
  // The dry run and the Board's mappings (branch check): api/check_routes.cpp, api/mapping_routes.cpp.
  void add_check_routes();
  http::Response check(const http::Request& r);
  http::Response create_mapping(const http::Request& r);
  http::Response list_mappings(const http::Request& r);
  http::Response delete_mapping(const http::Request& r, const http::Params& p);

  app::Context& context_;
  http::Router router_;
  http::Metrics metrics_;

  mutable std::mutex mutex_;
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> submissions_;  // district -> accepted, refused
  std::map<std::string, unsigned> in_flight_;  // district -> its imports held by import_slot()
  double import_seconds_ = 0;
  std::uint64_t imports_ = 0;
  struct Cached {
    std::int64_t generation = -1;
    // What it was made with: a SIGHUP that brings new units, catalogue,
    // settings or exporters makes it stale as a new return does (an audit
    // found the JSON of a period listing 8 districts while its CSV, made
    // after the reload, listed 7).
    std::shared_ptr<const void> normalisation, config, plugins;
    std::shared_ptr<const std::string> body;  // sent as it is, never copied (issue 18, item 7)
    std::string content_type;
    std::list<std::string>::iterator use;  // in recent_
  };
  static constexpr std::size_t kCachedReports = 64;
  std::map<std::string, Cached> reports_;  // "period/format"
  std::list<std::string> recent_;          // reports_' keys, most recently used first
  http::FailureLimiter limiter_;
  std::atomic<std::uint64_t> auth_failures_{0}, auth_throttled_{0};
  // dryrun4: early indexes begun, used by their dry run, and held now (begun, not yet dropped).
  std::atomic<std::uint64_t> early_begun_{0}, early_used_{0};
  std::atomic<std::int64_t> early_held_{0};
};

}  // namespace tonghop::api
