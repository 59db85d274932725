// The reporting season (branch season): due dates, locks, reviews and the
// refused attempts. Each change and its audit entry are one transaction, and
// each moves the store's generation (the report's statuses change with it).
#include <boost/json.hpp>
#include <fmt/format.h>

#include "store/internal.hpp"
#include "store/sql.hpp"
#include "store/store.hpp"

namespace tonghop::store {

namespace json = boost::json;
using sql::Statement;
using sql::Transaction;
using sql::failed;

bool audit_in(sqlite3* db, const Principal& by, const std::string& action, const json::object& detail);  // people.cpp

namespace {

PeriodState read_period(sqlite3* db, const std::string& period) {
  PeriodState p{period, {}, {}, {}};
  const std::string sql = fmt::format(
      "SELECT COALESCE(due, ''), COALESCE(locked_at, ''), COALESCE(locked_by, ''), {} FROM periods p WHERE period = ?",
      kLockAudited);
  Statement q(db, sql.c_str());
  q.bind(1, period);
  if (q.step()) {
    p.due = q.text(0);
    // A lock the audit does not bear out (set in the database by hand) is
    // not a lock: no return shows as approved by it, none is refused
    // (`tonghopd verify` names it).
    if (q.integer(3) != 0) {
      p.locked_at = q.text(1);
      p.locked_by = q.text(2);
    }
  }
  return p;
}

constexpr const char* kAttemptColumns =
    "id, district, period, at, who, source, filename, sha256, size, status, errors, bytes IS NOT NULL";

Attempt read_attempt(const Statement& q) {
  return Attempt{q.integer(0), q.text(1), q.text(2), q.text(3),     q.text(4),     q.text(5),
                 q.text(6),    q.text(7), q.integer(8), q.integer(9), q.text(10), q.integer(11) != 0};
}

}  // namespace

PeriodState Store::period_state(const std::string& period) const {
  std::lock_guard lock(mutex_);
  return read_period(db_, period);
}

Change Store::set_due(const std::string& period, const std::string& due, const Principal& by) {
  std::lock_guard lock(mutex_);
  Transaction t(db_);
  if (!t.open()) return failed(db_, "cannot begin");
  Statement up(db_, "INSERT INTO periods (period, due) VALUES (?, ?) ON CONFLICT (period) DO UPDATE SET due = excluded.due");
  up.bind(1, period).bind_or_null(2, due);
  if (up.run() != SQLITE_DONE) return failed(db_, "cannot set the due date");
  json::object d{{"period", period}};
  if (due.empty()) d["due"] = nullptr;
  else d["due"] = due;
  if (!audit_in(db_, by, "period.due", d) || !t.commit()) return failed(db_, "cannot commit");
  ++generation_;
  return {};
}

Change Store::lock_period(const std::string& period, const Principal& by) {
  std::lock_guard lock(mutex_);
  Transaction t(db_);
  if (!t.open()) return failed(db_, "cannot begin");
  const PeriodState p = read_period(db_, period);
  if (p.locked()) return Change{Refusal::conflict, p.locked_at};
  Statement up(db_, "INSERT INTO periods (period, locked_at, locked_by) VALUES (?, ?, ?) ON CONFLICT (period) "
                    "DO UPDATE SET locked_at = excluded.locked_at, locked_by = excluded.locked_by");
  up.bind(1, period).bind(2, now_iso8601()).bind(3, by.name);
  if (up.run() != SQLITE_DONE) return failed(db_, "cannot lock the period");
  if (!audit_in(db_, by, "period.approve", json::object{{"period", period}}) || !t.commit())
    return failed(db_, "cannot commit");
  ++generation_;
  return {};
}

Change Store::reopen_period(const std::string& period, const Principal& by) {
  std::lock_guard lock(mutex_);
  Transaction t(db_);
  if (!t.open()) return failed(db_, "cannot begin");
  if (!read_period(db_, period).locked()) return Change{Refusal::conflict, "not locked"};
  Statement up(db_, "UPDATE periods SET locked_at = NULL, locked_by = NULL WHERE period = ?");
  up.bind(1, period);
  if (up.run() != SQLITE_DONE) return failed(db_, "cannot reopen the period");
  if (!audit_in(db_, by, "period.reopen", json::object{{"period", period}}) || !t.commit())
    return failed(db_, "cannot commit");
  ++generation_;
  return {};
}

Change Store::review(std::int64_t submission_id, const std::string& state, const std::string& reason,
                     const Principal& by) {
  std::lock_guard lock(mutex_);
  Transaction t(db_);
  if (!t.open()) return failed(db_, "cannot begin");
  std::string district, period;
  {
    Statement q(db_, "SELECT district, period, superseded_by IS NULL FROM submissions WHERE id = ?");
    q.bind(1, submission_id);
    if (!q.step()) return Change{Refusal::not_found, "no such submission"};
    district = q.text(0);
    period = q.text(1);
    if (q.integer(2) == 0) return Change{Refusal::conflict, "superseded"};
  }
  if (read_period(db_, period).locked()) return Change{Refusal::conflict, "locked"};
  Statement up(db_, "INSERT INTO reviews (submission_id, state, reason, at, reviewed_by) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT (submission_id) DO UPDATE SET state = excluded.state, reason = excluded.reason, "
                    "at = excluded.at, reviewed_by = excluded.reviewed_by");
  up.bind(1, submission_id).bind(2, state).bind_or_null(3, reason).bind(4, now_iso8601()).bind(5, by.name);
  if (up.run() != SQLITE_DONE) return failed(db_, "cannot store the review");
  json::object d{{"submission_id", submission_id}, {"district", district}, {"period", period}};
  if (!reason.empty()) d["reason"] = reason;
  if (!audit_in(db_, by, state == "returned" ? "submission.return" : "submission.approve", d) || !t.commit())
    return failed(db_, "cannot commit");
  ++generation_;
  return {};
}

std::optional<Review> Store::review_of(std::int64_t submission_id) const {
  std::lock_guard lock(mutex_);
  const std::string sql = fmt::format("SELECT r.submission_id, r.state, COALESCE(r.reason, ''), r.at, r.reviewed_by, {} "
                                      "FROM reviews r WHERE r.submission_id = ?",
                                      kLastReviewAudited);
  Statement q(db_, sql.c_str());
  q.bind(1, submission_id);
  if (!q.step()) return std::nullopt;
  Review r{q.integer(0), q.text(1), q.text(2), q.text(3), q.text(4)};
  r.audited = review_audited(r.state, r.by, q.text(5));
  return r;
}

std::vector<Review> Store::reviews(const std::string& period) const {
  std::lock_guard lock(mutex_);
  const std::string sql = fmt::format("SELECT r.submission_id, r.state, COALESCE(r.reason, ''), r.at, r.reviewed_by, {} "
                                      "FROM reviews r JOIN submissions s ON s.id = r.submission_id WHERE s.period = ? "
                                      "ORDER BY r.submission_id",
                                      kLastReviewAudited);
  Statement q(db_, sql.c_str());
  q.bind(1, period);
  std::vector<Review> out;
  while (q.step()) {
    Review r{q.integer(0), q.text(1), q.text(2), q.text(3), q.text(4)};
    r.audited = review_audited(r.state, r.by, q.text(5));
    out.push_back(std::move(r));
  }
  return out;
}

std::map<std::string, std::string> Store::first_received(const std::string& period) const {
  std::lock_guard lock(mutex_);
  Statement q(db_, "SELECT district, received_at FROM submissions s WHERE period = ? AND id = "
                   "(SELECT MIN(id) FROM submissions f WHERE f.period = s.period AND f.district = s.district)");
  q.bind(1, period);
  std::map<std::string, std::string> out;
  while (q.step()) out[q.text(0)] = q.text(1);
  return out;
}

Expected<std::int64_t> Store::add_attempt(const Attempt& a, std::string_view bytes_to_keep) {
  std::lock_guard lock(mutex_);
  Statement ins(db_, "INSERT INTO attempts (district, period, at, who, source, filename, sha256, size, status, errors, "
                     "bytes) VALUES (?,?,?,?,?,?,?,?,?,?,?)");
  ins.bind(1, a.district).bind(2, a.period).bind(3, a.at.empty() ? now_iso8601() : a.at).bind(4, a.who);
  ins.bind(5, a.source).bind(6, a.filename).bind(7, a.sha256).bind(8, a.size).bind(9, a.status);
  ins.bind(10, a.errors.empty() ? std::string("[]") : a.errors);
  if (a.kept) ins.bind_blob(11, bytes_to_keep);
  else ins.bind_null(11);
  if (ins.run() != SQLITE_DONE) return make_error(std::string("cannot record the attempt: ") + sqlite3_errmsg(db_));
  ++generation_;
  return sqlite3_last_insert_rowid(db_);
}

std::vector<Attempt> Store::attempts(const std::string& period, const std::string& district) const {
  std::lock_guard lock(mutex_);
  Statement q(db_, fmt::format("SELECT {} FROM attempts WHERE period = ? AND (? = '' OR district = ?) ORDER BY id",
                               kAttemptColumns)
                       .c_str());
  q.bind(1, period).bind(2, district).bind(3, district);
  std::vector<Attempt> out;
  while (q.step()) out.push_back(read_attempt(q));
  return out;
}

std::optional<Attempt> Store::attempt(std::int64_t id) const {
  std::lock_guard lock(mutex_);
  Statement q(db_, fmt::format("SELECT {} FROM attempts WHERE id = ?", kAttemptColumns).c_str());
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return read_attempt(q);
}

Expected<std::string> Store::attempt_bytes(std::int64_t id) const {
  std::lock_guard lock(mutex_);
  Statement q(db_, "SELECT bytes FROM attempts WHERE id = ? AND bytes IS NOT NULL");
  q.bind(1, id);
  if (!q.step()) return make_error("the bytes of this attempt were not kept");
  return q.blob(0);
}

}  // namespace tonghop::store
