// People (branch season): users, tokens, sessions and the audit trail read
// back. Each change and its audit entry are one transaction.
#include <openssl/rand.h>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "core/hash.hpp"
#include "store/sql.hpp"
#include "store/store.hpp"

namespace tonghop::store {

namespace json = boost::json;
using sql::Statement;
using sql::Transaction;
using sql::failed;

namespace {

User read_user(const Statement& q) {
  return User{q.text(0), q.text(1), q.text(2), q.integer(3) != 0, q.text(4), q.text(5)};
}

constexpr const char* kUserColumns = "name, role, COALESCE(district, ''), disabled, created_at, updated_at";

}  // namespace

// Used by season.cpp too: an audit entry inside the caller's transaction.
bool audit_in(sqlite3* db, const Principal& by, const std::string& action, const json::object& detail) {
  Statement a(db, "INSERT INTO audit (at, who, role, action, detail) VALUES (?, ?, ?, ?, ?)");
  a.bind(1, now_iso8601()).bind(2, by.name).bind(3, by.role).bind(4, action).bind(5, json::serialize(detail));
  return a.run() == SQLITE_DONE;
}

std::optional<User> Store::user(const std::string& name) const {
  std::lock_guard lock(mutex_);
  Statement q(db_, fmt::format("SELECT {} FROM users WHERE name = ?", kUserColumns).c_str());
  q.bind(1, name);
  if (!q.step()) return std::nullopt;
  return read_user(q);
}

std::optional<std::string> Store::password_hash(const std::string& name) const {
  std::lock_guard lock(mutex_);
  Statement q(db_, "SELECT password_hash FROM users WHERE name = ? AND disabled = 0");
  q.bind(1, name);
  if (!q.step()) return std::nullopt;
  return q.text(0);
}

std::vector<User> Store::users() const {
  std::lock_guard lock(mutex_);
  Statement q(db_, fmt::format("SELECT {} FROM users ORDER BY name", kUserColumns).c_str());
  std::vector<User> out;
  while (q.step()) out.push_back(read_user(q));
  return out;
}

Change Store::add_user(const User& u, const std::string& password_hash, const Principal& by) {
  std::lock_guard lock(mutex_);
  Transaction t(db_);
  if (!t.open()) return failed(db_, "cannot begin");
  {
    Statement q(db_, "SELECT 1 FROM users WHERE name = ?");
    q.bind(1, u.name);
    if (q.step()) return Change{Refusal::conflict, "exists"};
  }
  const std::string now = now_iso8601();
  Statement ins(db_, "INSERT INTO users (name, role, district, password_hash, disabled, created_at, updated_at) "
                     "VALUES (?, ?, ?, ?, 0, ?, ?)");
  ins.bind(1, u.name).bind(2, u.role).bind_or_null(3, u.district).bind(4, password_hash).bind(5, now).bind(6, now);
  if (ins.run() != SQLITE_DONE) return failed(db_, "cannot store the user");
  json::object d{{"user", u.name}, {"role", u.role}};
  if (!u.district.empty()) d["district"] = u.district;
  if (!audit_in(db_, by, "user.create", d) || !t.commit()) return failed(db_, "cannot commit");
  return {};
}

Change Store::update_user(const std::string& name, const UserChange& c, const Principal& by) {
  std::lock_guard lock(mutex_);
  Transaction t(db_);
  if (!t.open()) return failed(db_, "cannot begin");
  {
    Statement q(db_, "SELECT 1 FROM users WHERE name = ?");
    q.bind(1, name);
    if (!q.step()) return Change{Refusal::not_found, "no such user"};
  }
  json::object d{{"user", name}};
  Statement up(db_, "UPDATE users SET role = COALESCE(?, role), district = CASE WHEN ? THEN ? ELSE district END, "
                    "disabled = COALESCE(?, disabled), password_hash = COALESCE(?, password_hash), updated_at = ? "
                    "WHERE name = ?");
  if (c.role) up.bind(1, *c.role), d["role"] = *c.role;
  else up.bind_null(1);
  up.bind(2, static_cast<std::int64_t>(c.district.has_value()));
  if (c.district) {
    up.bind_or_null(3, *c.district);
    if (!c.district->empty()) d["district"] = *c.district;
  } else {
    up.bind_null(3);
  }
  if (c.disabled) up.bind(4, static_cast<std::int64_t>(*c.disabled)), d["disabled"] = *c.disabled;
  else up.bind_null(4);
  if (c.password_hash) up.bind(5, *c.password_hash), d["password"] = "reset";
  else up.bind_null(5);
  up.bind(6, now_iso8601()).bind(7, name);
  if (up.run() != SQLITE_DONE) return failed(db_, "cannot change the user");
  if ((c.disabled && *c.disabled) || c.password_hash || c.role || c.district) {
    // Whatever the person could do before is ended with the sessions.
    Statement end(db_, "DELETE FROM sessions WHERE user_name = ?");
    end.bind(1, name);
    if (end.run() != SQLITE_DONE) return failed(db_, "cannot end the sessions");
  }
  if (!audit_in(db_, by, c.disabled && *c.disabled ? "user.disable" : "user.update", d) || !t.commit())
    return failed(db_, "cannot commit");
  return {};
}

Expected<std::pair<TokenInfo, std::string>> Store::issue_token(const TokenInfo& info, const Principal& by) {
  unsigned char random[24];
  if (RAND_bytes(random, sizeof random) != 1) return make_error("cannot make a random token");
  std::string secret = info.role == "district" ? "d-" : "v-";
  for (unsigned char b : random) secret += fmt::format("{:02x}", b);
  std::lock_guard lock(mutex_);
  Transaction t(db_);
  if (!t.open()) return make_error(std::string("cannot begin: ") + sqlite3_errmsg(db_));
  TokenInfo out = info;
  out.created_by = by.name;
  out.created_at = now_iso8601();
  Statement ins(db_, "INSERT INTO tokens (hash, name, role, district, created_at, owner, created_by) VALUES (?,?,?,?,?,?,?)");
  ins.bind(1, sha256_hex(secret)).bind(2, out.name).bind(3, out.role).bind_or_null(4, out.district);
  ins.bind(5, out.created_at).bind_or_null(6, out.owner).bind(7, out.created_by);
  if (ins.run() != SQLITE_DONE) return make_error(std::string("cannot store the token: ") + sqlite3_errmsg(db_));
  out.id = sqlite3_last_insert_rowid(db_);
  json::object d{{"id", out.id}, {"name", out.name}, {"role", out.role}};
  if (!out.district.empty()) d["district"] = out.district;
  if (!out.owner.empty()) d["owner"] = out.owner;
  if (!audit_in(db_, by, "token.create", d) || !t.commit())
    return make_error(std::string("cannot commit: ") + sqlite3_errmsg(db_));
  return std::pair{out, secret};
}

std::vector<TokenInfo> Store::tokens() const {
  std::lock_guard lock(mutex_);
  Statement q(db_, "SELECT id, name, role, COALESCE(district, ''), COALESCE(owner, ''), COALESCE(created_by, ''), "
                   "created_at, COALESCE(revoked_at, '') FROM tokens ORDER BY id");
  std::vector<TokenInfo> out;
  while (q.step())
    out.push_back(TokenInfo{q.integer(0), q.text(1), q.text(2), q.text(3), q.text(4), q.text(5), q.text(6), q.text(7)});
  return out;
}

Change Store::revoke_token(std::int64_t id, const Principal& by) {
  std::lock_guard lock(mutex_);
  Transaction t(db_);
  if (!t.open()) return failed(db_, "cannot begin");
  std::string name, revoked;
  {
    Statement q(db_, "SELECT name, COALESCE(revoked_at, '') FROM tokens WHERE id = ?");
    q.bind(1, id);
    if (!q.step()) return Change{Refusal::not_found, "no such token"};
    name = q.text(0);
    revoked = q.text(1);
  }
  if (!revoked.empty()) return Change{Refusal::conflict, revoked};
  Statement up(db_, "UPDATE tokens SET revoked_at = ? WHERE id = ?");
  up.bind(1, now_iso8601()).bind(2, id);
  if (up.run() != SQLITE_DONE) return failed(db_, "cannot revoke");
  if (!audit_in(db_, by, "token.revoke", json::object{{"id", id}, {"name", name}}) || !t.commit())
    return failed(db_, "cannot commit");
  return {};
}

std::optional<Principal> Store::token_principal(const std::string& sha256) const {
  std::lock_guard lock(mutex_);
  Statement q(db_, "SELECT t.name, t.role, COALESCE(t.district, '') FROM tokens t LEFT JOIN users u ON u.name = t.owner "
                   "WHERE t.hash = ? AND t.revoked_at IS NULL AND COALESCE(u.disabled, 0) = 0");
  q.bind(1, sha256);
  if (!q.step()) return std::nullopt;
  return Principal{q.text(0), q.text(1), q.text(2)};
}

Change Store::add_session(const std::string& id_sha256, const std::string& user, std::int64_t expires_unix) {
  std::lock_guard lock(mutex_);
  Transaction t(db_);
  if (!t.open()) return failed(db_, "cannot begin");
  Statement old(db_, "DELETE FROM sessions WHERE expires < strftime('%s', 'now')");
  old.run();
  Statement ins(db_, "INSERT INTO sessions (hash, user_name, created_at, expires) VALUES (?, ?, ?, ?)");
  ins.bind(1, id_sha256).bind(2, user).bind(3, now_iso8601()).bind(4, expires_unix);
  if (ins.run() != SQLITE_DONE) return failed(db_, "cannot store the session");
  std::string role;
  {
    Statement q(db_, "SELECT role FROM users WHERE name = ?");
    q.bind(1, user);
    if (q.step()) role = q.text(0);
  }
  if (!audit_in(db_, Principal{user, role, ""}, "session.create", json::object{{"user", user}}) || !t.commit())
    return failed(db_, "cannot commit");
  return {};
}

std::optional<Principal> Store::session_principal(const std::string& id_sha256, std::int64_t now_unix) const {
  std::lock_guard lock(mutex_);
  Statement q(db_, "SELECT u.name, u.role, COALESCE(u.district, '') FROM sessions s JOIN users u ON u.name = s.user_name "
                   "WHERE s.hash = ? AND s.expires > ? AND u.disabled = 0");
  q.bind(1, id_sha256).bind(2, now_unix);
  if (!q.step()) return std::nullopt;
  return Principal{q.text(0), q.text(1), q.text(2)};
}

void Store::end_session(const std::string& id_sha256) {
  std::lock_guard lock(mutex_);
  Transaction t(db_);
  std::string user;
  {
    Statement q(db_, "SELECT user_name FROM sessions WHERE hash = ?");
    q.bind(1, id_sha256);
    if (!q.step()) return;
    user = q.text(0);
  }
  Statement del(db_, "DELETE FROM sessions WHERE hash = ?");
  del.bind(1, id_sha256);
  if (del.run() == SQLITE_DONE && audit_in(db_, Principal{user, "", ""}, "session.end", json::object{{"user", user}}))
    t.commit();
}

std::vector<AuditEntry> Store::audit_entries(const std::string& since, const std::string& district,
                                             std::size_t limit) const {
  std::lock_guard lock(mutex_);
  // Entries written before details were JSON name the district in their text.
  Statement q(db_, "SELECT id, at, who, role, action, detail FROM audit WHERE at >= ? AND (? = '' OR "
                   "(CASE WHEN json_valid(detail) THEN json_extract(detail, '$.district') = ? "
                   "ELSE instr(detail, ?) > 0 END)) ORDER BY id LIMIT ?");
  q.bind(1, since).bind(2, district).bind(3, district).bind(4, district).bind(5, static_cast<std::int64_t>(limit));
  std::vector<AuditEntry> out;
  while (q.step()) out.push_back(AuditEntry{q.integer(0), q.text(1), q.text(2), q.text(3), q.text(4), q.text(5)});
  return out;
}

}  // namespace tonghop::store
