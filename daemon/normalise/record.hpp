// The canonical record of shared/domain.md, with where each value came from,
// and the errors and warnings found on the way.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tonghop::normalise {

// Where a value is: sheet, row and column as a spreadsheet shows them, or a
// JSON Pointer for tree documents.
struct Place {
  std::string sheet;
  std::uint32_t row = 0;
  std::uint32_t column = 0;
  std::string path;
};

struct Issue {
  std::string code;
  std::string message;  // Vietnamese, then English
  std::string field;
  std::string value;
  Place where;
};

struct Record {
  std::string district;
  std::string period;
  std::string org_name;
  std::string org_kind;    // party_committee | party_cell
  std::string org_sector;  // commune | agency | public_service | enterprise | armed_forces | other
  std::string org_rating;  // excellent | good | completed | not_completed | "" (not given)
  std::map<std::string, std::int64_t> counts;  // only the counts the return gives
  std::map<std::string, Place> provenance;     // field -> where its value is
  Place where;                                 // the record's row (or object)
};

struct Normalised {
  std::vector<Record> records;
  std::vector<Issue> errors;
  std::vector<Issue> warnings;
  bool accepted() const noexcept { return errors.empty(); }
};

}  // namespace tonghop::normalise
