// stream (issue 18): a submission's records block by block. Store members may
// be defined here; store.cpp keeps the rest.
#include "store/records.hpp"

#include <fmt/format.h>

#include "store/sql.hpp"

namespace tonghop::store {

std::optional<Store::RecordBlock> Store::record_block(std::int64_t submission_id, std::int64_t from) const {
  return with_db([&](sqlite3* db) -> std::optional<RecordBlock> {
    sql::Statement q(db,
                     "SELECT first_seq, count, data FROM record_blocks WHERE submission_id = ? AND first_seq >= ? "
                     "ORDER BY first_seq LIMIT 1");
    q.bind(1, submission_id).bind(2, from);
    if (!q.step()) return std::nullopt;
    return RecordBlock{q.integer(0), q.integer(1), q.blob(2)};
  });
}

RecordCursor::RecordCursor(const Store& store, const Submission& s)
    : store_(store),
      id_(s.id),
      expected_(s.records),
      layout_(normalise::Layout::from_json(s.layout)),
      district_(s.district),
      period_(s.period) {}

Expected<const normalise::RecordSet*> RecordCursor::next() {
  set_ = normalise::RecordSet(layout_);
  set_.district = district_;
  set_.period = period_;
  if (next_seq_ >= expected_) return &set_;
  auto block = store_.record_block(id_, next_seq_);
  // Each block starts where the last ended; a gap, or a block that does not
  // read, means the records are not all there: said, never skipped.
  if (!block || block->first_seq != next_seq_ || block->count <= 0 ||
      !set_.append_encoded(block->data, static_cast<std::size_t>(block->count)))
    return make_error(fmt::format("the records of submission {} are damaged from record {} on", id_, next_seq_ + 1));
  next_seq_ += block->count;
  return &set_;
}

}  // namespace tonghop::store
