#include "store/mappings.hpp"

#include <boost/json.hpp>
#include <sqlite3.h>

namespace tonghop::store {

namespace json = boost::json;

namespace {

std::string text(sqlite3_stmt* s, int c) {
  const auto* t = sqlite3_column_text(s, c);
  return t != nullptr ? std::string(reinterpret_cast<const char*>(t), static_cast<std::size_t>(sqlite3_column_bytes(s, c)))
                      : std::string();
}

void bind_text(sqlite3_stmt* s, int i, const std::string& v) {
  sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
}

Mapping row(sqlite3_stmt* s) {
  return Mapping{sqlite3_column_int64(s, 0), text(s, 1), text(s, 2), text(s, 3), text(s, 4), text(s, 5), text(s, 6)};
}

constexpr const char* kColumns = "SELECT id, district, header, key, field, created_at, created_by FROM mappings ";

std::string detail(const Mapping& m) {
  json::object o;
  o["id"] = m.id;
  o["scope"] = m.district.empty() ? "province" : "district";
  if (m.district.empty()) o["district"] = nullptr;
  else o["district"] = m.district;
  o["header"] = m.header;
  o["key"] = m.key;
  o["field"] = m.field;
  return json::serialize(o);
}

bool audit(sqlite3* db, const Actor& who, const char* action, const Mapping& m) {
  sqlite3_stmt* a = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO audit (at, who, role, action, detail) VALUES (?, ?, ?, ?, ?)", -1, &a, nullptr);
  bind_text(a, 1, now_iso8601());
  bind_text(a, 2, who.name);
  bind_text(a, 3, who.role);
  bind_text(a, 4, action);
  bind_text(a, 5, detail(m));
  const bool ok = sqlite3_step(a) == SQLITE_DONE;
  sqlite3_finalize(a);
  return ok;
}

}  // namespace

std::vector<Mapping> list_mappings(const Store& store, const std::string& district) {
  return store.with_db([&](sqlite3* db) {
    std::vector<Mapping> out;
    sqlite3_stmt* q = nullptr;
    const std::string sql = std::string(kColumns) +
                            (district.empty() ? "ORDER BY district <> '', district, id"
                                              : "WHERE district = '' OR district = ? ORDER BY district <> '', id");
    sqlite3_prepare_v2(db, sql.c_str(), -1, &q, nullptr);
    if (!district.empty()) bind_text(q, 1, district);
    while (sqlite3_step(q) == SQLITE_ROW) out.push_back(row(q));
    sqlite3_finalize(q);
    return out;
  });
}

std::optional<Mapping> find_mapping(const Store& store, std::int64_t id) {
  return store.with_db([&](sqlite3* db) -> std::optional<Mapping> {
    sqlite3_stmt* q = nullptr;
    sqlite3_prepare_v2(db, (std::string(kColumns) + "WHERE id = ?").c_str(), -1, &q, nullptr);
    sqlite3_bind_int64(q, 1, id);
    std::optional<Mapping> m;
    if (sqlite3_step(q) == SQLITE_ROW) m = row(q);
    sqlite3_finalize(q);
    return m;
  });
}

Expected<Mapping> add_mapping(Store& store, Mapping m, const Actor& who) {
  return store.with_db([&](sqlite3* db) -> Expected<Mapping> {
    m.created_at = now_iso8601();
    m.created_by = who.name;
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK)
      return make_error(std::string("cannot begin: ") + sqlite3_errmsg(db));
    sqlite3_stmt* ins = nullptr;
    sqlite3_prepare_v2(db,
                       "INSERT INTO mappings (district, header, key, field, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)",
                       -1, &ins, nullptr);
    bind_text(ins, 1, m.district);
    bind_text(ins, 2, m.header);
    bind_text(ins, 3, m.key);
    bind_text(ins, 4, m.field);
    bind_text(ins, 5, m.created_at);
    bind_text(ins, 6, m.created_by);
    const int rc = sqlite3_step(ins);
    sqlite3_finalize(ins);
    if (rc != SQLITE_DONE) {
      const std::string why = sqlite3_errmsg(db);
      const bool duplicate = sqlite3_extended_errcode(db) == SQLITE_CONSTRAINT_UNIQUE;
      sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
      if (duplicate) return make_error(kDuplicateMapping);
      return make_error("cannot store the mapping: " + why);
    }
    m.id = sqlite3_last_insert_rowid(db);
    if (!audit(db, who, "mapping.create", m) || sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
      const std::string why = sqlite3_errmsg(db);
      sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
      return make_error("cannot store the mapping: " + why);
    }
    return m;
  });
}

Expected<bool> remove_mapping(Store& store, std::int64_t id, const Actor& who) {
  const auto m = find_mapping(store, id);
  if (!m) return false;
  return store.with_db([&](sqlite3* db) -> Expected<bool> {
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK)
      return make_error(std::string("cannot begin: ") + sqlite3_errmsg(db));
    sqlite3_stmt* del = nullptr;
    sqlite3_prepare_v2(db, "DELETE FROM mappings WHERE id = ?", -1, &del, nullptr);
    sqlite3_bind_int64(del, 1, id);
    const bool ok = sqlite3_step(del) == SQLITE_DONE;
    sqlite3_finalize(del);
    const bool removed = ok && sqlite3_changes(db) == 1;
    if (!ok || (removed && !audit(db, who, "mapping.delete", *m)) ||
        sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
      const std::string why = sqlite3_errmsg(db);
      sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
      return make_error("cannot remove the mapping: " + why);
    }
    return removed;
  });
}

std::vector<std::pair<std::string, std::string>> mappings_for_import(const Store& store, const std::string& district) {
  std::vector<std::pair<std::string, std::string>> out;
  for (auto& m : list_mappings(store, district)) out.emplace_back(std::move(m.key), std::move(m.field));
  return out;
}

}  // namespace tonghop::store
