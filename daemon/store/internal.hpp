// What store.cpp and open.cpp share (the store split in two, branch post3):
// not part of the store's interface.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "normalise/record.hpp"
#include "store/digest.hpp"

struct sqlite3;

namespace tonghop::store {

// sqlite3_exec; its complaint into *error when given.
bool exec(sqlite3* db, const char* sql, std::string* error = nullptr);
// SQLite's complaint, a full disk named as such.
std::string sqlite_why(sqlite3* db);
// A submission's records, in the record set's blocks; `wal`, when given, the
// write-ahead log's descriptor, whose writeback is started as blocks go in.
// `digest`, when given, takes each block as it goes in (store/digest.hpp).
bool write_blocks(sqlite3* db, std::int64_t id, const normalise::RecordSet& records, int wal = -1,
                  Digest* digest = nullptr);
// The same for blocks given one at a time (issue 18, blocks4): block(b) is
// the b-th; each but the last holds kBlock records.
bool write_blocks(sqlite3* db, std::int64_t id, std::size_t blocks,
                  const std::function<normalise::RecordSet::Encoded(std::size_t)>& block, int wal,
                  Digest* digest = nullptr);
// The id of the next submission (issue 18, stage), inside a write
// transaction: past every submission's and every staged block's, so that
// an id reserved by a staging (its first blocks inserted in the same
// transaction) is never taken by another submission.
inline constexpr const char* kNextSubmissionId =
    "SELECT MAX(COALESCE((SELECT MAX(id) FROM submissions), 0), "
    "COALESCE((SELECT MAX(submission_id) FROM record_blocks), 0)) + 1";
std::int64_t next_submission_id(sqlite3* db);  // 0: SQLite failed
// Record blocks of no submission (staged, never taken: a daemon killed
// mid-import) deleted, in the caller's transaction or its own; the number
// of blocks, or -1 when SQLite failed. Only where no staging can be under
// way: the store's first opener, a backup's copy.
std::int64_t remove_orphan_blocks(sqlite3* db);
// The last review the audit names for the submission `r.submission_id`
// (the reviews table as `r` in the query): "action who", or NULL. Each
// review writes that entry in its own transaction (Store::review).
inline constexpr const char* kLastReviewAudited =
    "(SELECT a.action || ' ' || a.who FROM audit a WHERE a.action IN ('submission.approve', 'submission.return') "
    "AND json_valid(a.detail) AND json_extract(a.detail, '$.submission_id') = r.submission_id "
    "ORDER BY a.id DESC LIMIT 1)";
// Whether a review (its state, by whom) is the one that entry says was made:
// false for one changed or written in the database by hand.
inline bool review_audited(std::string_view state, std::string_view by, std::string_view last) {
  const std::string_view action = state == "approved" ? "submission.approve " : "submission.return ";
  return last.size() == action.size() + by.size() && last.substr(0, action.size()) == action &&
         last.substr(action.size()) == by;
}
// The last lock or reopening the audit names for the period `p.period`
// (in the same transaction as the change): "period.approve <who>",
// "period.reopen <who>" or NULL. A lock counts only where it is the lock
// that entry says was made (kLockAudited): one set by hand in the database
// shows no period as approved and refuses no return.
#define TONGHOP_LAST_PERIOD_AUDITED                                                                          \
  "(SELECT a.action || ' ' || a.who FROM audit a WHERE a.action IN ('period.approve', 'period.reopen') " \
  "AND json_valid(a.detail) AND json_extract(a.detail, '$.period') = p.period ORDER BY a.id DESC LIMIT 1)"
inline constexpr const char* kLastPeriodAudited = TONGHOP_LAST_PERIOD_AUDITED;
inline constexpr const char* kLockAudited =
    "(p.locked_at IS NOT NULL AND p.locked_by IS NOT NULL AND " TONGHOP_LAST_PERIOD_AUDITED
    " = ('period.approve ' || p.locked_by))";
#undef TONGHOP_LAST_PERIOD_AUDITED
// A place kept as JSON (a warning's, a first-schema record's).
normalise::Place place_from(const boost::json::object& o);

}  // namespace tonghop::store
