// A CSV return as the store is given it, for the store's tests: its
// district, period and file name, the bytes `raw` (kept alive by the
// caller), sent by the admin, received at `received_at`; no records yet.
#pragma once

#include <string>
#include <string_view>

#include "store/store.hpp"

namespace tonghop::test {

inline store::NewSubmission csv_submission(std::string district, std::string period, std::string filename,
                                           std::string_view raw, std::string received_at = store::now_iso8601()) {
  store::NewSubmission n;
  n.meta.district = std::move(district);
  n.meta.period = std::move(period);
  n.meta.filename = std::move(filename);
  n.meta.format = "csv";
  n.meta.plugin = "import-csv";
  n.meta.received_at = std::move(received_at);
  n.meta.token_name = "admin";
  n.raw = raw;
  return n;
}

// `n` organisations, "`name` 0" to "`name` n-1" (each name padded with
// `pad` x's), of one count, members_total = their number, at rows 10 on of
// the sheet "Biểu 01", column K.
inline normalise::RecordSet numbered_records(std::size_t n, const std::string& name, std::size_t pad = 0) {
  normalise::Layout layout;
  layout.sheet = "Biểu 01";
  layout.fields = {"members_total"};
  layout.is_count = {true};
  layout.columns = {11};
  layout.paths = {""};
  normalise::RecordSet set(std::move(layout));
  for (std::size_t i = 0; i < n; ++i) {
    normalise::CompactRecord c;
    c.values.emplace_back(0, static_cast<std::int64_t>(i));
    c.where = static_cast<std::uint32_t>(10 + i);
    const std::string named = name + std::to_string(i) + std::string(pad, 'x');
    c.org_name = named;
    c.org_kind = "party_committee";
    c.org_sector = "commune";
    set.add(c);
  }
  return set;
}

}  // namespace tonghop::test
