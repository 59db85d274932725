// The season of a period (branch season): each district's one status, from
// its current return, the Board's review, the due date and the refused
// attempts; and the report marked with it (row attributes status,
// status_label, late_days; completeness lists), so every exporter has it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "normalise/catalogue.hpp"
#include "store/store.hpp"
#include "tonghop/sdk/report.hpp"

namespace tonghop::report {

struct DistrictStatus {
  std::string district;
  std::string status;  // on_time | late | missing | refused_only | returned | approved
  std::string label;   // in Vietnamese: "Đúng hạn", "Muộn 3 ngày", ...
  std::optional<std::int64_t> late_days;     // status late: days after the due date its first return came
  std::optional<std::int64_t> overdue_days;  // missing or refused only, past the due date: days since
  std::optional<std::int64_t> submission_id;  // the current return
  std::string received_at;        // of the current return
  std::string first_received_at;  // of the first accepted return (timeliness is its)
  std::string reason, reviewed_at, reviewed_by;  // returned or approved
  std::int64_t attempts = 0;      // refused attempts for the period
};

struct Season {
  std::string period;
  std::string due;         // YYYY-MM-DD, "" none
  std::string due_source;  // "api" (PUT /periods/{P}), "config" ([season] due), ""
  std::string today;       // the Board's date now (or [season] today)
  bool locked = false;
  std::string locked_at, locked_by;
  std::vector<DistrictStatus> districts;  // the registry's order
};

// Today's date in the Board's time zone, or the configuration's fake one.
std::string today(const config::SeasonSettings& settings);

Season season(const store::Store& store, const normalise::Registry& registry, const config::SeasonSettings& settings,
              const std::string& period);

// The Vietnamese label of a status ("Muộn 3 ngày" with its days).
std::string status_label(const std::string& status, std::int64_t late_days = 0);

// Each district row gets status, status_label (and late_days where late,
// return_reason where returned); the metadata completeness.due, .locked and
// one list per status.
void mark(sdk::Report& report, const Season& season);

}  // namespace tonghop::report
