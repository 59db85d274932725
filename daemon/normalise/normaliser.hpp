// Normalisation: any importer's document onto canonical records, checked
// against the rules. Finds the table by itself (title rows, a header of one or
// two rows with groups merged over sub-headers, a numbering row, the data, a
// total row that is checked and dropped, signature lines), or for a tree
// document the array of organisations; maps headers through the catalogue;
// reads values as people write them; names the place of every problem.
#pragma once

#include <map>
#include <string>

#include "normalise/catalogue.hpp"
#include "normalise/record.hpp"
#include "tonghop/sdk/document.hpp"

namespace tonghop::normalise {

struct Submission {
  std::string district;  // canonical name, from the registry
  std::string period;    // canonical period
};

class Normaliser {
 public:
  Normaliser(const Catalogue& catalogue, const Registry& registry) : catalogue_(catalogue), registry_(registry) {}

  // profile: the override chosen for this source, or nullptr.
  Normalised normalise(const sdk::Document& document, const Submission& submission,
                       const Profile* profile = nullptr) const;

  // Warnings against the same district's records of the previous period:
  // members_total more than the configured share off, organisations missing.
  void compare_with_previous(Normalised& result, const std::vector<Record>& previous) const;

 private:
  const Catalogue& catalogue_;
  const Registry& registry_;
};

// "B12"-style column letters for messages.
std::string column_name(std::uint32_t column);

}  // namespace tonghop::normalise
