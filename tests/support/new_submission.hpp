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

}  // namespace tonghop::test
