// Columns (or JSON keys) that name no field: what they hold, and which
// fields they may be. Nothing that looks like data is dropped without a word.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "normalise/catalogue.hpp"
#include "normalise/header.hpp"
#include "normalise/record.hpp"

namespace tonghop::normalise::detail {

// What one unmapped column holds, gathered as its rows are read.
struct Watch {
  std::string header;                 // as read ("" when the header has no text there)
  std::vector<std::string> folds;     // the header's folded texts, connectors left out
  std::vector<std::string> samples;   // the first values, as written
  std::size_t numbers = 0, texts = 0;
  // Per whole field of an at_most rule (members_total, admitted …): rows
  // where both were read, and those where this column was above it.
  std::map<std::size_t, std::pair<std::size_t, std::size_t>> against;

  static constexpr std::size_t kSamples = 5;
  void sample(std::string_view text) {
    if (samples.size() < kSamples) samples.emplace_back(text);
  }
  bool holds_numbers() const { return numbers > 0 && numbers >= texts; }
};

// Up to three fields a column may be, best first, each with a score in
// (0, 1]: from the words of its header (abbreviations as the catalogue's
// synonyms write them) and from its values (a column never above
// members_total of its row is more likely one of its parts). Fields already
// read from another column are left out.
std::vector<std::pair<std::string, double>> suggest_fields(const Watch& w, const Catalogue& cat,
                                                           const std::vector<bool>& taken);

// The issue for an unmapped column that holds numbers: a warning, or an
// error when the province wants one ([normalise] unmapped_numbers).
Issue unmapped_numbers_issue(const Watch& w, const std::string& where_vi, const std::string& where_en, Place where, const Catalogue& cat,
                             const std::vector<bool>& taken, bool as_error);

// A field every return must carry ([normalise] required) that this one
// lacks: the names its header may have, and the columns that may be it.
Issue missing_field_issue(const Field& f, const std::vector<std::string>& candidates, Place where);

// Some of a field's names as a header may write them (folded), the shortest first.
std::string header_names(const Field& f, std::size_t most = 6);

// No table in the document: `h`, the header that came nearest (on sheet
// `sheet`), what it named, and what it lacked.
Issue no_table_issue(const Header& h, const std::string& sheet, const Catalogue& cat);

}  // namespace tonghop::normalise::detail
