// The reporting season (branch season): a period's due date and lock, the
// Board's review of a submission (returned with a reason, or approved), and
// the refused attempts. The Store's member functions are in store/season.cpp.
#pragma once

#include <cstdint>
#include <string>

namespace tonghop::store {

struct PeriodState {
  std::string period;
  std::string due;  // YYYY-MM-DD set over the API ("" none: the configuration's, if any)
  std::string locked_at, locked_by;  // "" while open
  bool locked() const { return !locked_at.empty(); }
};

struct Review {
  std::int64_t submission_id = 0;
  std::string state;  // returned | approved
  std::string reason, at, by;
  // Store::reviews and review_of: the last review the audit names for the
  // submission, by the same person (false: changed or written in the
  // database by hand, which `tonghopd verify` names; the season's status and
  // a submission's view then take no review).
  bool audited = true;
};

struct Attempt {
  std::int64_t id = 0;
  std::string district, period, at, who;
  std::string source;  // api | inbox
  std::string filename, sha256;
  std::int64_t size = 0;
  std::int64_t status = 0;  // the HTTP status it was refused with
  std::string errors;       // JSON array of the refusal's errors
  bool kept = false;        // its bytes are kept ([attempts] keep_bytes)
};

}  // namespace tonghop::store
