// The season (branch season): a period's due date, statuses, lock and
// reopening; a return sent back with a reason or approved; the refused
// attempts. docs/api.md "People and the season".
#include <algorithm>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "api/api.hpp"
#include "api/params.hpp"
#include "api/refusals.hpp"
#include "core/dates.hpp"
#include "core/hash.hpp"
#include "http/multipart.hpp"
#include "report/status.hpp"

namespace tonghop::api {

namespace json = boost::json;

namespace {

http::Response json_reply(unsigned status, const json::value& v) { return http::json_response(status, json::serialize(v) + "\n"); }
http::Response refused(unsigned status, std::string_view code, const std::string& message) {
  return http::error_response(status, code, message);
}
http::Response admins_only() {
  return refused(403, "forbidden", "Chỉ quản trị viên được làm việc này / only an admin may do this");
}
http::Response bad_period(std::string_view asked) {
  return refused(400, "unknown_period",
                 fmt::format("Kỳ báo cáo «{}» không hợp lệ / '{}' is not a period (2018, 2018-H1, 2018-Q3, 2018-09)",
                             echo(asked), echo(asked)));
}
http::Response locked(const std::string& period) {
  return refused(409, "period_locked",
                 fmt::format("Kỳ {} đã được duyệt và khoá: không nhận, trả lại hay duyệt thêm cho đến khi quản trị mở lại / "
                             "period {} is approved and locked until an admin reopens it",
                             period, period));
}

json::value text_or_null(const std::string& s) { return s.empty() ? json::value(nullptr) : json::value(s); }

json::object status_json(const report::DistrictStatus& d) {
  json::object o{{"district", d.district}, {"status", d.status}, {"status_label", d.label}, {"attempts", d.attempts}};
  if (d.late_days) o["late_days"] = *d.late_days;
  if (d.overdue_days) o["overdue_days"] = *d.overdue_days;
  if (d.submission_id) {
    o["submission_id"] = *d.submission_id;
    o["received_at"] = d.received_at;
    o["first_received_at"] = d.first_received_at;
  } else {
    o["submission_id"] = nullptr;
  }
  if (!d.reviewed_at.empty()) {
    o["reason"] = text_or_null(d.reason);
    o["reviewed_at"] = d.reviewed_at;
    o["reviewed_by"] = d.reviewed_by;
  }
  return o;
}

json::object attempt_json(const store::Attempt& a) {
  json::error_code ec;
  json::value errors = json::parse(a.errors, ec);
  if (ec) errors = json::array();
  return json::object{{"id", a.id},         {"district", a.district}, {"period", a.period},   {"at", a.at},
                      {"who", a.who},       {"source", a.source},     {"filename", valid_utf8(a.filename)},
                      {"size", a.size},     {"sha256", a.sha256},     {"status", a.status},   {"errors", std::move(errors)},
                      {"bytes_kept", a.kept}};
}

std::optional<json::object> object_body(const http::Request& r) {
  json::error_code ec;
  json::value v = json::parse(r.body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

}  // namespace

void Api::with_review(json::object& o, const store::Submission& s) const {
  // A review the audit does not bear out is not taken, as the season's status does not take it.
  auto review = context_.store->review_of(s.id);
  if (review && !review->audited) review.reset();
  if (review) {
    json::object r{{"state", review->state}, {"at", review->at}, {"by", review->by}};
    r["reason"] = text_or_null(review->reason);
    o["review"] = std::move(r);
  }
  if (s.superseded_by) return;
  if (review && review->state == "returned") o["status"] = "returned";
  else if ((review && review->state == "approved") || context_.store->period_state(s.period).locked()) o["status"] = "approved";
}

void Api::record_attempt(const http::Request& r, const http::Response& res) {
  // Refusals of the return itself; not a missing or wrong token, nor a full queue.
  if (res.status < 400 || res.status == 401 || res.status == 403 || res.status == 404 || res.status == 405 ||
      res.status == 503 || res.status == 500)
    return;
  const auto who = caller(r);
  if (!who) return;
  const auto config = context_.config.load();
  const auto n = context_.normalisation.load();
  store::Attempt a;
  const std::string district = r.query_param("district").value_or("");
  const auto* d = n->registry.find(district);
  a.district = d ? d->name : echo(district);
  const std::string period = r.query_param("period").value_or("");
  a.period = parse_period_param(period).value_or(echo(period));
  a.who = who->name;
  a.source = "api";
  std::string_view bytes = r.body_bytes();
  const std::string_view content_type = r.header("Content-Type").value_or("");
  std::optional<http::FilePart> part;
  if ((part = http::multipart_file(content_type, r.body_bytes()))) {
    bytes = part->bytes;
    a.filename = part->filename;
  }
  if (auto f = r.query_param("filename")) a.filename = *f;
  a.filename = clean_filename(a.filename);
  a.size = static_cast<std::int64_t>(bytes.size());
  a.sha256 = sha256_hex(bytes);
  a.status = res.status;
  json::error_code ec;
  const json::value body = json::parse(res.body, ec);
  const auto* errors = !ec && body.is_object() ? body.as_object().if_contains("errors") : nullptr;
  a.errors = errors ? json::serialize(*errors) : "[]";
  a.kept = config->season.keep_attempt_bytes && !bytes.empty();
  if (auto added = context_.store->add_attempt(a, bytes); !added)
    context_.log->error("the refused return of {} {} could not be recorded: {}", a.district, a.period, added.error());
}

void Api::add_season_routes() {
  const auto small = [] { return std::uint64_t{16} << 10; };

  router_.add("GET", "/api/v1/periods/{period}", [this](const http::Request& r, const http::Params& p) {
    const auto who = caller(r);
    if (!who) return refuse::unauthorised();
    const auto period = parse_period_param(p.at("period"));
    if (!period) return bad_period(p.at("period"));
    const auto n = context_.normalisation.load();
    const auto s = report::season(*context_.store, n->registry, context_.config.load()->season, *period);
    json::array districts;
    for (const auto& d : s.districts)
      if (who->role != "district" || d.district == who->district) districts.push_back(status_json(d));
    json::object o{{"period", s.period}, {"today", s.today}, {"locked", s.locked}, {"districts", std::move(districts)}};
    o["due"] = text_or_null(s.due);
    o["due_source"] = text_or_null(s.due_source);
    o["locked_at"] = text_or_null(s.locked_at);
    o["locked_by"] = text_or_null(s.locked_by);
    return json_reply(200, o);
  });

  router_.add("PUT", "/api/v1/periods/{period}", [this](const http::Request& r, const http::Params& p) {
    const auto who = caller(r);
    if (!who) return refuse::unauthorised();
    if (who->role != "admin") return admins_only();
    const auto period = parse_period_param(p.at("period"));
    if (!period) return bad_period(p.at("period"));
    const auto body = object_body(r);
    const json::value* due = body && body->size() == 1 ? body->if_contains("due") : nullptr;
    if (due == nullptr || !(due->is_string() || due->is_null()))
      return refused(400, "bad_request", "Cần {\"due\": \"YYYY-MM-DD\"} (hoặc null) / the body is {\"due\": \"YYYY-MM-DD\"} or null");
    std::string date;
    if (due->is_string()) {
      date = std::string(due->as_string());
      const auto day = dates::parse_date(date);
      if (!day) return refused(422, "bad_date", fmt::format("«{}» không phải một ngày YYYY-MM-DD / '{}' is not a date YYYY-MM-DD", echo(date), echo(date)));
      const std::string today = report::today(context_.config.load()->season);
      if (*day < *dates::parse_date(today))
        return refused(422, "due_in_past", fmt::format("Hạn nộp {} đã qua (hôm nay là {}) / the due date {} is before today, {}",
                                                       date, today, date, today));
    }
    if (auto done = context_.store->set_due(*period, date, store::Principal{who->name, who->role, who->district}); !done)
      return refuse::store_failed(done.message);
    context_.log->info("due date of {} set to {} by {}", *period, date.empty() ? "none" : date, who->name);
    return json_reply(200, json::object{{"period", *period}, {"due", text_or_null(date)}});
  }, small);

  const auto lock_route = [this](bool lock) {
    return [this, lock](const http::Request& r, const http::Params& p) {
      const auto who = caller(r);
      if (!who) return refuse::unauthorised();
      if (who->role != "admin") return admins_only();
      const auto period = parse_period_param(p.at("period"));
      if (!period) return bad_period(p.at("period"));
      const store::Principal by{who->name, who->role, who->district};
      const auto done = lock ? context_.store->lock_period(*period, by) : context_.store->reopen_period(*period, by);
      if (done.refusal == store::Refusal::conflict)
        return lock ? locked(*period)
                    : refused(409, "not_locked", fmt::format("Kỳ {} chưa bị khoá / period {} is not locked", *period, *period));
      if (!done) return refuse::store_failed(done.message);
      context_.log->info("period {} {} by {}", *period, lock ? "approved and locked" : "reopened", who->name);
      const auto state = context_.store->period_state(*period);
      return json_reply(200, json::object{{"period", *period}, {"locked", state.locked()},
                                          {"locked_at", text_or_null(state.locked_at)}});
    };
  };
  router_.add("POST", "/api/v1/periods/{period}/approve", lock_route(true), small);
  router_.add("POST", "/api/v1/periods/{period}/reopen", lock_route(false), small);

  const auto review_route = [this](bool returned) {
    return [this, returned](const http::Request& r, const http::Params& p) {
      const auto who = caller(r);
      if (!who) return refuse::unauthorised();
      if (who->role != "admin") return admins_only();
      const auto id = parse_id(p.at("id"));
      const auto s = id ? context_.store->get(*id) : std::nullopt;
      if (!s) return refused(404, "not_found", "Không có lần nộp này / no such submission");
      std::string reason;
      const auto body = r.body.empty() ? std::optional<json::object>(json::object()) : object_body(r);
      if (!body) return refused(400, "bad_request", "Nội dung phải là một đối tượng JSON / the body must be a JSON object");
      if (const auto* v = body->if_contains("reason")) {
        if (!v->is_string()) return refused(400, "bad_request", "reason là chuỗi / reason is a string");
        reason = std::string(v->as_string());
      }
      while (!reason.empty() && std::isspace(static_cast<unsigned char>(reason.back()))) reason.pop_back();
      reason.erase(0, reason.find_first_not_of(" \t\r\n"));
      if (returned && reason.empty())
        return refused(422, "reason_required", "Trả lại cần nêu lý do / returning a submission needs a reason");
      if (reason.size() > 2000 || reason != valid_utf8(reason) ||
          std::any_of(reason.begin(), reason.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t'; }))
        return refused(422, "bad_reason", "Lý do: tối đa 2000 byte, không ký tự điều khiển / the reason is at most 2000 bytes, no control characters");
      const auto done = context_.store->review(*id, returned ? "returned" : "approved", reason,
                                               store::Principal{who->name, who->role, who->district});
      if (done.refusal == store::Refusal::conflict && done.message == "locked") return locked(s->period);
      if (done.refusal == store::Refusal::conflict)
        return refused(409, "not_current", fmt::format("Lần nộp #{} đã được thay bằng bản mới hơn / submission #{} has been "
                                                       "superseded by a newer one", *id, *id));
      if (!done) return refuse::store_refused(done.refusal == store::Refusal::not_found, done.message);
      context_.log->info("submission #{} ({} {}) {} by {}", *id, s->district, s->period, returned ? "returned" : "approved", who->name);
      json::object o{{"id", *id}, {"district", s->district}, {"period", s->period}};
      with_review(o, *context_.store->get(*id));
      return json_reply(200, o);
    };
  };
  router_.add("POST", "/api/v1/submissions/{id}/return", review_route(true), small);
  router_.add("POST", "/api/v1/submissions/{id}/approve", review_route(false), small);

  router_.add("GET", "/api/v1/attempts", [this](const http::Request& r, const http::Params&) {
    const auto who = caller(r);
    if (!who) return refuse::unauthorised();
    const std::string asked = r.query_param("period").value_or("");
    const auto period = parse_period_param(asked);
    if (!period) return bad_period(asked);
    std::string district;
    if (const auto d = r.query_param("district"); d && !d->empty()) {
      const auto* found = context_.normalisation.load()->registry.find(*d);
      if (found == nullptr) return refused(400, "unknown_district", fmt::format("Không có huyện «{}» / '{}' is not a district", echo(*d), echo(*d)));
      district = found->name;
    }
    if (who->role == "district") {
      if (!district.empty() && district != who->district)
        return refused(403, "forbidden", "Chỉ xem được lần gửi của huyện mình / a district sees its own attempts only");
      district = who->district;
    }
    json::array a;
    for (const auto& at : context_.store->attempts(*period, district)) a.push_back(attempt_json(at));
    return json_reply(200, json::object{{"period", *period}, {"attempts", std::move(a)}});
  });

  router_.add("GET", "/api/v1/attempts/{id}/raw", [this](const http::Request& r, const http::Params& p) {
    const auto who = caller(r);
    if (!who) return refuse::unauthorised();
    const auto id = parse_id(p.at("id"));
    const auto a = id ? context_.store->attempt(*id) : std::nullopt;
    if (!a) return refused(404, "not_found", "Không có lần gửi này / no such attempt");
    if (who->role == "district" && a->district != who->district)
      return refused(403, "forbidden", "Lần gửi này của huyện khác / this attempt is another district's");
    auto bytes = context_.store->attempt_bytes(*id);
    if (!bytes) return refused(404, "not_kept", "Tệp của lần gửi này không được giữ ([attempts] keep_bytes) / its bytes were not kept");
    http::Response res;
    res.content_type = "application/octet-stream";
    res.headers.emplace_back("Content-Disposition", fmt::format("attachment; filename=\"{}\"", clean_filename(a->filename)));
    res.body = std::move(*bytes);
    return res;
  });
}

}  // namespace tonghop::api
