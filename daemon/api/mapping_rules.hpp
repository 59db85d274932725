// What a mapping may be (docs/api.md, "Dry run and mappings"): a header of
// 1 to 8 texts (a multi-row header's path, or "A / B / C"), at most
// kMaxHeaderChars characters, that folds to something; a field of the
// catalogue or "ignore", never `district` or `period` (the submission names
// those); and of the kind the header holds: a header the catalogue already
// reads as a count maps only to a count, one it reads as text only to text,
// and, when the request gives the column's samples, figures map only to a
// count and words only to text. Shared by the API and `tonghopd mappings import`.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include <boost/json/object.hpp>

#include "normalise/catalogue.hpp"
#include "store/mappings.hpp"

namespace tonghop::api {

inline constexpr std::size_t kMaxHeaderChars = 500;
inline constexpr std::size_t kMaxHeaderParts = 8;

struct MappingRefusal {
  unsigned status = 422;
  std::string code, message;  // the message in Vietnamese, then English
};

// One mapping checked: its header texts, field, district ("" the province,
// else a canonical name) and, when known, samples of the column's values.
std::variant<store::Mapping, MappingRefusal> make_mapping(const std::vector<std::string>& header, const std::string& field,
                                                          const std::string& district,
                                                          const std::vector<std::string>& samples,
                                                          const normalise::Catalogue& cat);

// POST /api/v1/mappings' body: {"header": "..." | ["...", ...], "field": "...",
// "scope": "province" | "district", "district": "...", "samples": [...]}.
std::variant<store::Mapping, MappingRefusal> read_mapping_request(const boost::json::object& body,
                                                                  const normalise::Catalogue& cat,
                                                                  const normalise::Registry& registry);

}  // namespace tonghop::api
