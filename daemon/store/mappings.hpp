// The Board's mappings: a header (or JSON key) the catalogue does not know,
// mapped to a catalogue field or to "ignore", for the whole province or for
// one district. Kept in the database, every change audited in the same
// transaction. Each import is given the province's mappings and its
// district's own (ingest::Return::mappings); see docs/api.md, "Dry run and
// mappings", and docs/normalisation.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/expected.hpp"
#include "store/store.hpp"

namespace tonghop::store {

struct Mapping {
  std::int64_t id = 0;
  std::string district;  // canonical; "" for the province
  std::string header;    // as given ("Đảng viên / Trong đó / Nữ")
  std::string key;       // folded as the catalogue folds headers
  std::string field;     // a catalogue field id, or "ignore"
  std::string created_at, created_by;
};

// Who made a change, for the audit.
struct Actor {
  std::string name, role;
};

// The error add_mapping gives when the district (or the province) already
// maps that key.
inline constexpr const char* kDuplicateMapping = "duplicate";

// Every mapping, the province's first, then by district and id. district:
// only the province's and that district's (empty: all).
std::vector<Mapping> list_mappings(const Store& store, const std::string& district = {});
std::optional<Mapping> find_mapping(const Store& store, std::int64_t id);
// Adds it (id and created_at filled in) and audits `mapping.create`.
Expected<Mapping> add_mapping(Store& store, Mapping m, const Actor& who);
// Removes it and audits `mapping.delete`; false when there was none.
Expected<bool> remove_mapping(Store& store, std::int64_t id, const Actor& who);

// What an import of `district` is given: (key, field), the province's first
// and then the district's, so that the district's wins.
std::vector<std::pair<std::string, std::string>> mappings_for_import(const Store& store, const std::string& district);

}  // namespace tonghop::store
