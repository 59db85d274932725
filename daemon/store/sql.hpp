// A prepared SQLite statement, finalised on scope exit, a transaction
// rolled back unless committed, and the refusal of a change SQLite failed:
// the one copy every part of the store uses (store.cpp, people.cpp,
// season.cpp, records.cpp, mappings.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <sqlite3.h>

#include "store/people.hpp"

namespace tonghop::store::sql {

class Statement {
 public:
  Statement(sqlite3* db, const char* text) { sqlite3_prepare_v2(db, text, -1, &s_, nullptr); }
  // A statement the store keeps prepared (Store::kept, branch postpre):
  // borrowed, reset and its bindings cleared on scope exit, not finalised.
  struct Kept {};
  Statement(sqlite3_stmt* kept, Kept) : s_(kept), kept_(true) {}
  ~Statement() {
    if (kept_) {
      if (s_ != nullptr) reset();
    } else {
      sqlite3_finalize(s_);
    }
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement& bind(int i, std::string_view v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind(int i, std::int64_t v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  Statement& bind_null(int i) {
    sqlite3_bind_null(s_, i);
    return *this;
  }
  // Text, or NULL when empty.
  Statement& bind_or_null(int i, std::string_view v) { return v.empty() ? bind_null(i) : bind(i, v); }
  Statement& bind_blob(int i, std::string_view v) {
    sqlite3_bind_blob(s_, i, v.empty() ? "" : v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  // Bound without a copy (a return's record blocks): the bytes must live
  // until the statement has run.
  Statement& bind_blob_static(int i, std::string_view v) {
    sqlite3_bind_blob(s_, i, v.empty() ? "" : v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
    return *this;
  }
  bool step() {
    last_ = s_ != nullptr ? sqlite3_step(s_) : SQLITE_ERROR;
    return last_ == SQLITE_ROW;
  }
  // Whether the last step() failed (not a row, not the end): a loop of
  // step() stops at an error as at the end.
  bool failed() const { return last_ != SQLITE_ROW && last_ != SQLITE_DONE && last_ != SQLITE_OK; }
  // Ready to run again with new bindings.
  void reset() {
    last_ = SQLITE_OK;
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  // SQLITE_DONE when a change went in.
  int run() { return s_ == nullptr ? SQLITE_ERROR : sqlite3_step(s_); }
  std::string text(int c) const {
    const auto* t = sqlite3_column_text(s_, c);
    return t ? std::string(reinterpret_cast<const char*>(t), static_cast<std::size_t>(sqlite3_column_bytes(s_, c))) : "";
  }
  std::string blob(int c) const { return std::string(blob_view(c)); }
  // Valid until the next step, reset or the statement's end.
  std::string_view blob_view(int c) const {
    const void* b = sqlite3_column_blob(s_, c);
    return b ? std::string_view(static_cast<const char*>(b), static_cast<std::size_t>(sqlite3_column_bytes(s_, c)))
             : std::string_view();
  }
  std::int64_t integer(int c) const { return sqlite3_column_int64(s_, c); }
  bool null(int c) const { return sqlite3_column_type(s_, c) == SQLITE_NULL; }
  bool ok() const { return s_ != nullptr; }

 private:
  sqlite3_stmt* s_ = nullptr;
  bool kept_ = false;
  int last_ = SQLITE_OK;  // the last step()'s result
};

inline bool run(sqlite3* db, const char* text) { return sqlite3_exec(db, text, nullptr, nullptr, nullptr) == SQLITE_OK; }

// A change and its audit entry commit together, or neither does.
class Transaction {
 public:
  explicit Transaction(sqlite3* db) : db_(db), open_(run(db, "BEGIN IMMEDIATE")) {}
  ~Transaction() {
    if (open_) run(db_, "ROLLBACK");
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  bool open() const { return open_; }
  bool commit() {
    if (!open_ || !run(db_, "COMMIT")) return false;
    open_ = false;
    return true;
  }

 private:
  sqlite3* db_;
  bool open_;
};

// A change refused because SQLite failed: what was being done, and SQLite's reason.
inline Change failed(sqlite3* db, const std::string& what) {
  return Change{Refusal::failed, what + ": " + sqlite3_errmsg(db)};
}

}  // namespace tonghop::store::sql
