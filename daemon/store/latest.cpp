// The district's last accepted return (forms branch): what a blank form
// (daemon/forms) is prefilled from.
#include <sqlite3.h>

#include "store/store.hpp"

namespace tonghop::store {

std::optional<Submission> Store::latest_current(const std::string& district) const {
  std::int64_t id = 0;
  {
    std::lock_guard lock(mutex_);
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, "SELECT id FROM submissions WHERE district = ? AND superseded_by IS NULL "
                                "ORDER BY id DESC LIMIT 1",
                           -1, &s, nullptr) != SQLITE_OK) {
      sqlite3_finalize(s);
      return std::nullopt;
    }
    sqlite3_bind_text(s, 1, district.data(), static_cast<int>(district.size()), SQLITE_TRANSIENT);
    if (sqlite3_step(s) == SQLITE_ROW) id = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
  }
  if (id == 0) return std::nullopt;
  return get(id);
}

}  // namespace tonghop::store
