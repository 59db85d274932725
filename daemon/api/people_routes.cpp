// People (branch season): signing in (sessions, CSRF, lockout), users,
// tokens listed and revoked, and the audit trail. docs/api.md "People and
// the season"; docs/security.md "Passwords and sessions".
#include <algorithm>
#include <chrono>
#include <cstring>
#include <ctime>
#include <unordered_map>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "api/api.hpp"
#include "api/params.hpp"
#include "api/passwords.hpp"
#include "api/refusals.hpp"
#include "core/hash.hpp"

namespace tonghop::api {

namespace json = boost::json;

// Wrong passwords counted per user name and per address: from the third in a
// row for a name each next try waits (1 s, 2 s, 4 s ...); at [sessions]
// failures_before_lock for a name (four times as many for an address) it is
// locked for lockout_minutes. In memory: a restart forgets them.
class Logins {
 public:
  using Clock = std::chrono::steady_clock;
  struct Wait {
    unsigned seconds = 0;
    bool locked = false;
  };
  Wait check(const std::string& name, const std::string& address, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    Wait w;
    for (auto* e : {find(names_, name.substr(0, 64)), find(addresses_, address)}) {
      if (e == nullptr) continue;
      if (e->locked_until > now) w = Wait{std::max(w.seconds, seconds(e->locked_until - now)), true};
      else if (e->next_try > now && !w.locked) w.seconds = std::max(w.seconds, seconds(e->next_try - now));
    }
    return w;
  }
  // Counts a failure; true when it has just locked the name or the address.
  bool failed(const std::string& name, const std::string& address, const config::SessionSettings& s, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    if (names_.size() + addresses_.size() > kTracked) prune(now, s);
    const bool by_name = count(names_[name.substr(0, 64)], s.failures_before_lock, true, s, now);
    // An address (an office behind one NAT) is not slowed, only locked, and later.
    const bool by_address = count(addresses_[address], s.failures_before_lock * 4, false, s, now);
    return by_name || by_address;
  }
  void succeeded(const std::string& name) {
    std::lock_guard lock(mutex_);
    names_.erase(name.substr(0, 64));
  }

 private:
  struct Entry {
    unsigned failures = 0;
    Clock::time_point last, next_try, locked_until;
  };
  static unsigned seconds(Clock::duration d) {
    return static_cast<unsigned>(std::chrono::ceil<std::chrono::seconds>(d).count());
  }
  static Entry* find(std::unordered_map<std::string, Entry>& m, const std::string& key) {
    const auto it = m.find(key);
    return it == m.end() ? nullptr : &it->second;
  }
  static bool count(Entry& e, unsigned limit, bool slow, const config::SessionSettings& s, Clock::time_point now) {
    const auto lockout = std::chrono::minutes(s.lockout_minutes);
    if (e.failures > 0 && now - e.last > lockout) e.failures = 0;  // an old run of failures is forgotten
    e.last = now;
    if (++e.failures >= limit) {
      e.locked_until = now + lockout;
      e.failures = 0;
      return true;
    }
    if (slow && e.failures >= 3) e.next_try = now + std::chrono::seconds(1u << std::min(e.failures - 3, 10u));
    return false;
  }
  // Bounded: failures older than the lockout go first; if that is not
  // enough, every count that has not locked anything (a name's longest key is
  // 64 bytes: no user name is longer).
  void prune(Clock::time_point now, const config::SessionSettings& s) {
    const auto lockout = std::chrono::minutes(s.lockout_minutes);
    for (auto* m : {&names_, &addresses_})
      std::erase_if(*m, [&](const auto& kv) { return now - kv.second.last > lockout && kv.second.locked_until < now; });
    if (names_.size() + addresses_.size() > kTracked)
      for (auto* m : {&names_, &addresses_})
        std::erase_if(*m, [&](const auto& kv) { return kv.second.locked_until < now; });
  }
  static constexpr std::size_t kTracked = 16384;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> names_, addresses_;
};

namespace {

constexpr std::string_view kCookie = "tonghop_session";

http::Response json_reply(unsigned status, const json::value& v) { return http::json_response(status, json::serialize(v) + "\n"); }

http::Response refused(unsigned status, std::string_view code, const std::string& message) {
  return http::error_response(status, code, message);
}

http::Response not_signed_in() {
  return refused(401, "unauthorised", "Chưa đăng nhập hoặc phiên đã hết hạn / not signed in, or the session has ended");
}

http::Response admins_only() {
  return refused(403, "forbidden", "Chỉ quản trị viên được làm việc này / only an admin may do this");
}

// The session id in the Cookie header, if it has the shape of one.
std::optional<std::string> session_id(const http::Request& r) {
  for (const auto& [k, v] : r.headers) {
    if (k.size() != 6 || !std::equal(k.begin(), k.end(), "cookie", [](char a, char b) { return std::tolower(a) == b; }))
      continue;
    std::string_view rest = v;
    while (!rest.empty()) {
      const auto semi = rest.find(';');
      std::string_view pair = rest.substr(0, semi);
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
      if (pair.size() == kCookie.size() + 65 && pair.substr(0, kCookie.size()) == kCookie && pair[kCookie.size()] == '=') {
        const std::string_view id = pair.substr(kCookie.size() + 1);
        if (std::all_of(id.begin(), id.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }))
          return std::string(id);
      }
    }
  }
  return std::nullopt;
}

std::string csrf_of(const std::string& session_id) { return sha256_hex("tonghop-csrf:" + session_id); }

std::int64_t unix_now() { return static_cast<std::int64_t>(std::time(nullptr)); }

json::object user_json(const store::User& u) {
  json::object o{{"name", u.name}, {"role", u.role}};
  if (u.district.empty()) o["district"] = nullptr;
  else o["district"] = u.district;
  return o;
}

std::optional<json::object> object_body(const http::Request& r) {
  json::error_code ec;
  json::value v = json::parse(r.body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

// A member that must be a string when present: the text, "" when absent, none when of another type.
std::optional<std::string> text_member(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) return std::string();
  if (!v->is_string()) return std::nullopt;
  return std::string(v->as_string());
}

std::optional<std::string> unknown_member(const json::object& o, std::initializer_list<std::string_view> allowed) {
  for (const auto& [k, v] : o)
    if (std::find(allowed.begin(), allowed.end(), std::string_view(k)) == allowed.end()) return std::string(k);
  return std::nullopt;
}

}  // namespace

std::optional<Api::Caller> Api::session_caller(const http::Request& r) const {
  const auto id = session_id(r);
  if (!id) return std::nullopt;
  const std::string hash = sha256_hex(*id);
  const auto p = context_.store->session_principal(hash, unix_now());
  if (!p) return std::nullopt;
  return Caller{p->name, p->role, p->district, hash};
}

std::optional<http::Response> Api::csrf_refusal(const http::Request& head, const Caller& who) const {
  if (who.session.empty() || head.method == "GET" || head.method == "HEAD") return std::nullopt;
  const auto id = session_id(head);
  const auto sent = head.header("X-CSRF-Token");
  if (id && sent && same_secret(*sent, csrf_of(*id))) return std::nullopt;
  context_.log->warn("a change by {}'s session without its CSRF token refused: {} {}", who.name, head.method,
                     echo(head.path()));
  return refused(403, "csrf",
                 "Thiếu hoặc sai mã chống giả mạo (X-CSRF-Token) / the X-CSRF-Token header is missing or wrong");
}

void Api::add_people_routes() {
  logins_ = std::make_shared<Logins>();
  const auto small = [] { return std::uint64_t{16} << 10; };

  router_.add("POST", "/api/v1/session", [this](const http::Request& r, const http::Params&) {
    const auto settings = context_.config.load()->sessions;
    if (!r.header("Content-Type").value_or("").starts_with("application/json"))
      return refused(415, "json_required", "Gửi tên và mật khẩu dạng JSON / send the name and password as application/json");
    const auto body = object_body(r);
    const auto name = body ? text_member(*body, "name") : std::nullopt;
    const auto password = body ? text_member(*body, "password") : std::nullopt;
    if (!name || !password || name->empty() || password->empty())
      return refused(400, "bad_request", "Cần {\"name\", \"password\"} / the body is {\"name\", \"password\"}");
    const std::string address(http::address_of(r.remote));
    const auto now = Logins::Clock::now();
    if (const auto wait = logins_->check(*name, address, now); wait.seconds > 0) {
      context_.log->warn("sign-in as {} from {} refused: {} for {} s", echo(*name), address,
                         wait.locked ? "locked" : "too soon after wrong passwords", wait.seconds);
      http::Response res = refused(
          429, wait.locked ? "locked" : "slow_down",
          wait.locked ? fmt::format("Đăng nhập bị khoá {} giây sau nhiều lần sai mật khẩu / signing in is locked for {} s "
                                    "after too many wrong passwords", wait.seconds, wait.seconds)
                      : fmt::format("Sai mật khẩu nhiều lần: thử lại sau {} giây / wrong passwords: try again in {} s",
                                    wait.seconds, wait.seconds));
      res.headers.emplace_back("Retry-After", std::to_string(wait.seconds));
      return res;
    }
    const auto hash = name->size() <= 64 ? context_.store->password_hash(*name) : std::nullopt;
    const PasswordCheck checked = check_password(*password, hash);
    if (checked == PasswordCheck::unchecked) {
      // Neither a wrong password nor a sign-in: not counted against the name.
      const int why = errno;
      context_.log->error("sign-in as {} from {}: the password could not be checked (its hash not computed: {})",
                          echo(*name), address, why != 0 ? std::strerror(why) : "libsodium not started");
      return refuse::password_unchecked();
    }
    if (checked == PasswordCheck::unusable) {
      context_.log->error("sign-in as {} from {}: the stored password hash is not one tonghopd makes (damaged or "
                          "written by hand); an admin sets a new password (tonghopd users passwd {})",
                          echo(*name), address, echo(*name));
      return refuse::password_unusable();
    }
    if (checked != PasswordCheck::match) {  // a mismatch; never a sign-in but on a match
      const bool locked = logins_->failed(*name, address, settings, now);
      context_.log->warn("sign-in as {} from {} failed (wrong name or password){}", echo(*name), address,
                         locked ? fmt::format("; locked for {} min", settings.lockout_minutes) : "");
      return refused(401, "wrong_password", "Sai tên đăng nhập hoặc mật khẩu / wrong name or password");
    }
    logins_->succeeded(*name);
    const auto user = context_.store->user(*name);
    const std::string id = random_hex(32);
    const std::int64_t expires = unix_now() + static_cast<std::int64_t>(settings.hours) * 3600;
    if (auto added = context_.store->add_session(sha256_hex(id), *name, expires); !added)
      return refuse::store_failed(added.message);
    context_.log->info("{} signed in from {}", *name, address);
    json::object o{{"user", user_json(*user)}, {"csrf", csrf_of(id)}};
    http::Response res = json_reply(200, o);
    res.headers.emplace_back("Set-Cookie", fmt::format("{}={}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{}", kCookie, id,
                                                       settings.hours * 3600, settings.secure_cookie ? "; Secure" : ""));
    res.headers.emplace_back("Cache-Control", "no-store");
    return res;
  }, small);

  router_.add("GET", "/api/v1/session", [this](const http::Request& r, const http::Params&) {
    const auto who = session_caller(r);
    if (!who) return not_signed_in();
    const auto user = context_.store->user(who->name);
    if (!user) return not_signed_in();
    http::Response res = json_reply(200, json::object{{"user", user_json(*user)}, {"csrf", csrf_of(*session_id(r))}});
    res.headers.emplace_back("Cache-Control", "no-store");
    return res;
  });

  router_.add("DELETE", "/api/v1/session", [this](const http::Request& r, const http::Params&) {
    const auto who = session_caller(r);
    if (!who) return not_signed_in();
    if (auto no = csrf_refusal(r, *who)) return std::move(*no);
    context_.store->end_session(who->session);
    context_.log->info("{} signed out", who->name);
    http::Response res = json_reply(200, json::object{{"signed_out", true}});
    res.headers.emplace_back("Set-Cookie", fmt::format("{}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0", kCookie));
    return res;
  });

  router_.add("GET", "/api/v1/users", [this](const http::Request& r, const http::Params&) {
    const auto who = caller(r);
    if (!who) return not_signed_in();
    if (who->role != "admin") return admins_only();
    json::array a;
    for (const auto& u : context_.store->users()) {
      json::object o = user_json(u);
      o["disabled"] = u.disabled;
      o["created_at"] = u.created_at;
      o["updated_at"] = u.updated_at;
      a.push_back(std::move(o));
    }
    return json_reply(200, json::object{{"users", std::move(a)}});
  });

  router_.add("POST", "/api/v1/users", [this](const http::Request& r, const http::Params&) {
    const auto who = caller(r);
    if (!who) return not_signed_in();
    if (who->role != "admin") return admins_only();
    const auto body = object_body(r);
    if (!body) return refused(400, "bad_request", "Nội dung phải là một đối tượng JSON / the body must be a JSON object");
    if (auto k = unknown_member(*body, {"name", "role", "district", "password"}))
      return refused(400, "unknown_member", fmt::format("«{}» không phải một trường / '{}' is not a member", echo(*k), echo(*k)));
    const auto name = text_member(*body, "name"), role = text_member(*body, "role"),
               district = text_member(*body, "district"), password = text_member(*body, "password");
    if (!name || !role || !district || !password)
      return refused(400, "bad_request", "name, role, district, password là chuỗi / are strings");
    if (auto why = bad_user_name(*name)) return refused(422, "bad_name", *why);
    store::User u{*name, *role, "", false, "", ""};
    if (*role == "district") {
      const auto* d = context_.normalisation.load()->registry.find(*district);
      if (d == nullptr)
        return refused(422, "unknown_district", fmt::format("Không có huyện «{}» / '{}' is not a district", echo(*district), echo(*district)));
      u.district = d->name;
    } else if (*role != "admin" && *role != "viewer") {
      return refused(422, "unknown_role", "Vai trò là admin, viewer hoặc district / role is admin, viewer or district");
    } else if (!district->empty()) {
      return refused(422, "district_not_allowed", "Chỉ người dùng của huyện có huyện / only a district user has a district");
    }
    if (auto why = weak_password(*password, *name)) return refused(422, "weak_password", *why);
    const auto hash = hash_password(*password);
    if (!hash) return refuse::hash_failed();
    const auto added = context_.store->add_user(u, *hash, store::Principal{who->name, who->role, who->district});
    if (added.refusal == store::Refusal::conflict)
      return refused(409, "user_exists", fmt::format("Đã có người dùng {} / user {} exists", *name, *name));
    if (!added) return refuse::store_failed(added.message);
    return json_reply(201, json::object{{"user", user_json(*context_.store->user(*name))}});
  }, small);

  router_.add("PATCH", "/api/v1/users/{name}", [this](const http::Request& r, const http::Params& p) {
    const auto who = caller(r);
    if (!who) return not_signed_in();
    if (who->role != "admin") return admins_only();
    const std::string& name = p.at("name");
    const auto user = context_.store->user(name);
    if (!user) return refused(404, "unknown_user", fmt::format("Không có người dùng «{}» / no user '{}'", echo(name), echo(name)));
    const auto body = object_body(r);
    if (!body || body->empty())
      return refused(400, "bad_request", "Cần một đối tượng JSON với disabled, password, role hoặc district / the body is a "
                                         "JSON object with disabled, password, role or district");
    if (auto k = unknown_member(*body, {"disabled", "password", "role", "district"}))
      return refused(400, "unknown_member", fmt::format("«{}» không phải một trường / '{}' is not a member", echo(*k), echo(*k)));
    store::UserChange c;
    if (const auto* d = body->if_contains("disabled")) {
      if (!d->is_bool()) return refused(400, "bad_request", "disabled là true hoặc false / disabled is true or false");
      c.disabled = d->as_bool();
    }
    const auto password = text_member(*body, "password"), role = text_member(*body, "role"),
               district = text_member(*body, "district");
    if (!password || !role || !district) return refused(400, "bad_request", "password, role, district là chuỗi / are strings");
    if (body->contains("password")) {
      if (auto why = weak_password(*password, name)) return refused(422, "weak_password", *why);
      const auto hash = hash_password(*password);
      if (!hash) return refuse::hash_failed();
      c.password_hash = *hash;
    }
    if (body->contains("role") || body->contains("district")) {
      const std::string new_role = body->contains("role") ? *role : user->role;
      if (new_role == "district") {
        const auto* d = context_.normalisation.load()->registry.find(body->contains("district") ? *district : user->district);
        if (d == nullptr) return refused(422, "unknown_district", "Cần một huyện có trong danh sách / a district of the list is needed");
        c.district = d->name;
      } else if (new_role != "admin" && new_role != "viewer") {
        return refused(422, "unknown_role", "Vai trò là admin, viewer hoặc district / role is admin, viewer or district");
      } else if (body->contains("district") && !district->empty()) {
        return refused(422, "district_not_allowed", "Chỉ người dùng của huyện có huyện / only a district user has a district");
      } else {
        c.district = "";
      }
      c.role = new_role;
    }
    const auto changed = context_.store->update_user(name, c, store::Principal{who->name, who->role, who->district});
    if (!changed) return refuse::store_refused(changed.refusal == store::Refusal::not_found, changed.message);
    const auto now = context_.store->user(name);
    json::object o = user_json(*now);
    o["disabled"] = now->disabled;
    return json_reply(200, json::object{{"user", std::move(o)}});
  }, small);

  router_.add("GET", "/api/v1/tokens", [this](const http::Request& r, const http::Params&) {
    const auto who = caller(r);
    if (!who) return not_signed_in();
    if (who->role != "admin") return admins_only();
    json::array a;
    for (const auto& t : context_.store->tokens()) {
      json::object o{{"id", t.id}, {"name", t.name}, {"role", t.role}, {"created_at", t.created_at}};
      const auto put = [&](const char* key, const std::string& v) {
        if (v.empty()) o[key] = nullptr;
        else o[key] = v;
      };
      put("district", t.district);
      put("owner", t.owner);
      put("created_by", t.created_by);
      put("revoked_at", t.revoked_at);
      a.push_back(std::move(o));
    }
    return json_reply(200, json::object{{"tokens", std::move(a)}});
  });

  router_.add("DELETE", "/api/v1/tokens/{id}", [this](const http::Request& r, const http::Params& p) {
    const auto who = caller(r);
    if (!who) return not_signed_in();
    if (who->role != "admin") return admins_only();
    const auto id = parse_id(p.at("id"));
    const auto done = id ? context_.store->revoke_token(*id, store::Principal{who->name, who->role, who->district})
                         : store::Change{store::Refusal::not_found, ""};
    if (done.refusal == store::Refusal::not_found) return refused(404, "not_found", "Không có mã này / no such token");
    if (done.refusal == store::Refusal::conflict)
      return refused(409, "already_revoked", fmt::format("Mã đã bị thu hồi lúc {} / the token was revoked at {}", done.message, done.message));
    if (!done) return refuse::store_failed(done.message);
    context_.log->info("token #{} revoked by {}", *id, who->name);
    return json_reply(200, json::object{{"id", *id}, {"revoked", true}});
  });

  router_.add("GET", "/api/v1/audit", [this](const http::Request& r, const http::Params&) {
    const auto who = caller(r);
    if (!who) return not_signed_in();
    if (who->role != "admin") return admins_only();
    const std::string since = r.query_param("since").value_or("");
    const bool since_ok = since.empty() || (since.size() >= 10 && since.size() <= 40 && std::isdigit(static_cast<unsigned char>(since[0])) &&
                                            std::all_of(since.begin(), since.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == ':' || c == 'T' || c == '+' || c == '.' || c == 'Z'; }));
    if (!since_ok)
      return refused(400, "bad_since", "since là ngày giờ ISO 8601, ví dụ 2026-01-15 / since is an ISO 8601 date or time");
    std::string district;
    if (const auto asked = r.query_param("district"); asked && !asked->empty()) {
      const auto* d = context_.normalisation.load()->registry.find(*asked);
      if (d == nullptr) return refused(400, "unknown_district", fmt::format("Không có huyện «{}» / '{}' is not a district", echo(*asked), echo(*asked)));
      district = d->name;
    }
    std::size_t limit = 1000;
    if (const auto l = r.query_param("limit")) {
      const auto n = parse_id(*l);
      if (!n || *n < 1 || *n > 10000) return refused(400, "bad_limit", "limit là số từ 1 đến 10000 / limit is 1 to 10000");
      limit = static_cast<std::size_t>(*n);
    }
    json::array a;
    for (const auto& e : context_.store->audit_entries(since, district, limit)) {
      json::object o{{"id", e.id}, {"at", e.at}, {"who", e.who}, {"role", e.role}, {"action", e.action}};
      json::error_code ec;
      json::value detail = json::parse(e.detail, ec);
      if (ec) o["detail"] = e.detail;  // written before details were JSON
      else o["detail"] = std::move(detail);
      a.push_back(std::move(o));
    }
    return json_reply(200, json::object{{"entries", std::move(a)}});
  });
}

}  // namespace tonghop::api
