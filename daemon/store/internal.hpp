// What store.cpp and open.cpp share (the store split in two, branch post3):
// not part of the store's interface.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include <boost/json/object.hpp>

#include "normalise/record.hpp"

struct sqlite3;

namespace tonghop::store {

// sqlite3_exec; its complaint into *error when given.
bool exec(sqlite3* db, const char* sql, std::string* error = nullptr);
// SQLite's complaint, a full disk named as such.
std::string sqlite_why(sqlite3* db);
// A submission's records, in the record set's blocks; `wal`, when given, the
// write-ahead log's descriptor, whose writeback is started as blocks go in.
bool write_blocks(sqlite3* db, std::int64_t id, const normalise::RecordSet& records, int wal = -1);
// The same for blocks given one at a time (issue 18, blocks4): block(b) is
// the b-th; each but the last holds kBlock records.
bool write_blocks(sqlite3* db, std::int64_t id, std::size_t blocks,
                  const std::function<normalise::RecordSet::Encoded(std::size_t)>& block, int wal);
// A place kept as JSON (a warning's, a first-schema record's).
normalise::Place place_from(const boost::json::object& o);

}  // namespace tonghop::store
