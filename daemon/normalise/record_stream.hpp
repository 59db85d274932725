// A return's records written as JSON as they are read from their compact
// form, one after the other: no JSON tree of a million records, no one string
// holding them all. Each record is the object api::record_json makes (the
// same keys in the same order: district, period, org_name, org_kind,
// org_sector, org_rating when given, then the counts in the catalogue's
// order). Used by `tonghopd check --format json`; meant for every output
// that lists records (issue 18).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "normalise/catalogue.hpp"
#include "normalise/record.hpp"

namespace tonghop::normalise {

// Appends `s` as a JSON string (quoted, escaped) to `out`. Bytes that are not
// valid UTF-8 are written as U+FFFD, so the output is always valid JSON.
void append_json_string(std::string& out, std::string_view s);

class RecordJsonWriter {
 public:
  // `set` and `catalogue` must outlive the writer.
  RecordJsonWriter(const RecordSet& set, const Catalogue& catalogue);
  // Appends record i as one JSON object to `out`.
  void append(std::size_t i, std::string& out);

 private:
  const RecordSet& set_;
  std::string head_;  // `{"district":"…","period":"…","org_name":`
  // The counts to write, in the catalogue's order: (field index in the layout, `,"id":`).
  std::vector<std::pair<std::uint32_t, std::string>> counts_;
  std::vector<std::int64_t> value_;  // by field index, for the record being written
  std::vector<std::uint8_t> has_;
  CompactRecord record_;
};

// Writes `[` the first `limit` records `]` through `write`, in pieces of about
// `chunk` bytes. Returns how many records were written.
std::size_t write_records_json(const RecordSet& set, const Catalogue& catalogue,
                               const std::function<void(std::string_view)>& write,
                               std::size_t limit = static_cast<std::size_t>(-1), std::size_t chunk = 1u << 20);

}  // namespace tonghop::normalise
