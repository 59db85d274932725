#include "store/digest.hpp"

#include <zlib.h>

#include <algorithm>

#include <fmt/format.h>

#include "core/hash.hpp"
#include "store/internal.hpp"
#include "store/sql.hpp"
#include "store/store.hpp"

namespace tonghop::store {

namespace {

// A field of the row, its length first: no two rows read alike.
void put(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
  out += '\n';
}

std::uint64_t crc(std::uint64_t start, std::string_view bytes) {
  uLong c = static_cast<uLong>(start);
  // zlib takes an unsigned int length: a block larger than that in parts.
  while (!bytes.empty()) {
    const auto n = static_cast<uInt>(std::min<std::size_t>(bytes.size(), 1u << 30));
    c = crc32(c, reinterpret_cast<const Bytef*>(bytes.data()), n);
    bytes.remove_prefix(n);
  }
  return c;
}

}  // namespace

void Digest::block(std::int64_t first_seq, std::int64_t count, std::string_view bytes) {
  if (first_seq != next_) in_order_ = false;
  next_ = first_seq + count;
  ++blocks_;
  crc_ = crc(crc_, fmt::format("{}+{}:", first_seq, count));
  crc_ = crc(crc_, bytes);
}

void Digest::warning(std::string_view issue) {
  warnings_ = crc(crc(warnings_, issue), "\n");
}

namespace {

// "1:" + the SHA-256 of the row's fields and `tail` + ":" + `tail`, the
// blocks' and warnings' part, in the clear so that the row can be checked
// alone (row_as_committed).
std::string digest_of(const Submission& s, std::string_view tail) {
  std::string row;
  for (const std::string_view f : {std::string_view(s.district), std::string_view(s.period), std::string_view(s.filename),
                                   std::string_view(s.format), std::string_view(s.plugin), std::string_view(s.sha256),
                                   std::string_view(s.received_at), std::string_view(s.token_name),
                                   std::string_view(s.indicators), std::string_view(s.layout)})
    put(row, f);
  put(row, std::to_string(s.id));
  put(row, std::to_string(s.size));
  put(row, std::to_string(s.records));
  put(row, tail);
  return fmt::format("1:{}:{}", sha256_hex(row), tail);
}

}  // namespace

std::string Digest::blocks_part() const {
  return fmt::format("blocks {} records {} {} crc {:08x}", blocks_, next_, in_order_ ? "in order" : "out of order", crc_);
}

std::string Digest::of(const Submission& s) const {
  return digest_of(s, fmt::format("{} warnings {:08x}", blocks_part(), warnings_));
}

namespace {

// "1:" + 64 hex + ":" + the tail.
bool well_formed(const std::string& digest) {
  return digest.size() >= 2 + 64 + 1 && digest.compare(0, 2, "1:") == 0 && digest[66] == ':';
}

}  // namespace

bool row_as_committed(const Submission& s) {
  return well_formed(s.digest) && digest_of(s, std::string_view(s.digest).substr(67)) == s.digest;
}

bool Digest::blocks_as_committed(const Submission& s) const {
  if (!row_as_committed(s)) return false;
  const std::string want = blocks_part() + " warnings ";
  return std::string_view(s.digest).substr(67).substr(0, want.size()) == want;
}

std::string stored_digest(sqlite3* db, std::int64_t id) {
  using sql::Statement;
  Submission row;
  row.id = id;
  {
    Statement q(db, "SELECT district, period, filename, format, plugin, sha256, size, received_at, token_name, records, "
                    "indicators, layout FROM submissions WHERE id = ?");
    q.bind(1, id);
    if (!q.step()) return {};
    row.district = q.text(0);
    row.period = q.text(1);
    row.filename = q.text(2);
    row.format = q.text(3);
    row.plugin = q.text(4);
    row.sha256 = q.text(5);
    row.size = q.integer(6);
    row.received_at = q.text(7);
    row.token_name = q.text(8);
    row.records = q.integer(9);
    row.indicators = q.text(10);
    row.layout = q.text(11);
  }
  Digest d;
  {
    // Bounded by the key's first column alone and stopped at the next id: a
    // range on (submission_id, first_seq) would compare each row's whole
    // key, its block included (store.cpp, the staged blocks' count).
    Statement q(db, "SELECT submission_id, first_seq, count, data FROM record_blocks WHERE submission_id >= ? "
                    "ORDER BY submission_id, first_seq");
    q.bind(1, id);
    while (q.step() && q.integer(0) == id) d.block(q.integer(1), q.integer(2), q.blob_view(3));
    if (!q.ok() || q.failed()) return {};
  }
  {
    Statement q(db, "SELECT issue FROM warnings WHERE submission_id = ? ORDER BY id");
    q.bind(1, id);
    while (q.step()) d.warning(q.text(0));
    if (!q.ok() || q.failed()) return {};
  }
  return d.of(row);
}

DigestCheck check_digests(sqlite3* db) {
  using sql::Statement;
  DigestCheck out;
  {
    Statement version(db, "PRAGMA user_version");
    if (!version.step() || version.integer(0) < 5) return out;
  }
  const bool own = sqlite3_get_autocommit(db) != 0;
  if (own) sql::run(db, "BEGIN");
  {
    Statement q(db, "SELECT id, district, period, filename, received_at, digest FROM submissions ORDER BY id");
    while (q.ok() && q.step()) {
      const std::int64_t id = q.integer(0);
      const std::string what =
          fmt::format("submission #{} ({}, {}, {}, received {})", id, q.text(1), q.text(2), q.text(3), q.text(4));
      if (q.null(5)) {
        out.changed.push_back(fmt::format("{}: it has no digest: its row was not written by tonghopd", what));
        continue;
      }
      const std::string now = stored_digest(db, id);
      ++out.checked;
      if (now.empty())
        out.changed.push_back(fmt::format("{}: its records cannot be read: {}", what, sqlite3_errmsg(db)));
      else if (now != q.text(5))
        out.changed.push_back(fmt::format("{}: its row, figures or warnings differ from what was committed (changed "
                                          "in the database afterwards, or damaged on disk); the report would not "
                                          "be the district's: restore it from an earlier backup, or have the "
                                          "district send its file again",
                                          what));
    }
    if (!q.ok() || q.failed()) out.failed = sqlite3_errmsg(db);
  }
  {
    // A submission the audit says was stored (in the same transaction as
    // its row), no longer there: a row deleted by hand. Its district's
    // figures would be gone from the report, or an older return's shown.
    Statement q(db, "SELECT json_extract(detail, '$.id'), json_extract(detail, '$.district'), "
                    "json_extract(detail, '$.period'), json_extract(detail, '$.filename'), at FROM audit "
                    "WHERE action = 'submission' AND json_valid(detail) AND NOT EXISTS "
                    "(SELECT 1 FROM submissions WHERE id = json_extract(audit.detail, '$.id')) ORDER BY id");
    while (q.ok() && q.step())
      out.changed.push_back(fmt::format("submission #{} ({}, {}, {}, received {}): stored then, as the audit says, and "
                                        "no longer in the database (its row deleted afterwards); restore it from a "
                                        "backup, or have the district send its file again",
                                        q.integer(0), q.text(1), q.text(2), q.text(3), q.text(4)));
    if (!q.ok() || q.failed()) out.failed = sqlite3_errmsg(db);
  }
  {
    // The Board's review of each submission against the last review the
    // audit says was made of it (in the same transaction): a "returned"
    // turned "approved" by hand, or a review no one made, would show a
    // return as signed off.
    const std::string sql = fmt::format("SELECT r.submission_id, s.district, s.period, r.state, r.reviewed_by, {} "
                                        "FROM reviews r LEFT JOIN submissions s ON s.id = r.submission_id "
                                        "ORDER BY r.submission_id",
                                        kLastReviewAudited);
    Statement q(db, sql.c_str());
    while (q.ok() && q.step()) {
      const std::string state = q.text(3), by = q.text(4), done = q.text(5);
      if (review_audited(state, by, done)) continue;
      out.changed.push_back(fmt::format(
          "the review of submission #{} ({}, {}): «{}» by {} is not what the audit says was done ({}): changed in the "
          "database afterwards; review the return again",
          q.integer(0), q.text(1), q.text(2), state, by, done.empty() ? "no review" : done));
    }
    if (!q.ok() || q.failed()) out.failed = sqlite3_errmsg(db);
  }
  {
    // A period's lock (every return of it approved) against the last lock or
    // reopening the audit names for it: a lock set or lifted by hand.
    const std::string sql = fmt::format(
        "SELECT p.period, COALESCE(p.locked_by, ''), p.locked_at IS NOT NULL, {} FROM periods p ORDER BY p.period",
        kLastPeriodAudited);
    Statement q(db, sql.c_str());
    while (q.ok() && q.step()) {
      const bool locked = q.integer(2) != 0;
      const std::string done = q.text(3);
      if (locked ? done == "period.approve " + q.text(1) : done.empty() || done.rfind("period.reopen ", 0) == 0) continue;
      out.changed.push_back(fmt::format(
          "the period {} is {} in the database, which is not what the audit says was done ({}): changed in the "
          "database afterwards; approve or reopen the period again",
          q.text(0), locked ? fmt::format("locked (every return approved) by {}", q.text(1)) : "open", done.empty() ? "nothing" : done));
    }
    if (!q.ok() || q.failed()) out.failed = sqlite3_errmsg(db);
  }
  if (own) sql::run(db, "COMMIT");
  return out;
}

}  // namespace tonghop::store
