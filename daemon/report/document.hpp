// What the printed report says beyond the figures (issue 15): the document
// number, the recipients, the signer, and the date in the Board's time zone,
// from tonghop.toml [report]; the printed tables and the Vietnamese names of
// codes, from indicators.toml [report]. All go to exporters as "display."
// metadata, which the JSON leaves out:
//   display.number, display.recipients, display.signer_role,
//   display.signer_title, display.signer_name (texts; empty: to fill by hand)
//   display.date        "ngày 05 tháng 3 năm 2026" in display.time_zone
//   display.tables      the tables' titles, in order
//   display.table.N     (N from 1) the column ids of table N, in order
//   display.name.CODE   what a reader sees for a kind, sector, rating or
//                       warning code
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "config/config.hpp"
#include "normalise/catalogue.hpp"
#include "tonghop/sdk/report.hpp"

namespace tonghop::report {

// The offset from UTC, in seconds, of an IANA time zone (a TZif file of
// /usr/share/zoneinfo) at a moment; nullopt if the zone cannot be read.
std::optional<std::int32_t> utc_offset(const std::string& zone, std::int64_t unix_seconds);

// The date of a party document (36-HD/VPTW): a day under 10 and the months
// 1 and 2 with a leading zero: "ngày 05 tháng 02 năm 2026", "ngày 27 tháng 11 năm 2026".
std::string party_date(int year, unsigned month, unsigned day);

// Adds the display.* metadata above to a report whose groups are set.
void add_document(sdk::Report& report, const normalise::Catalogue& catalogue, const config::ReportSettings& settings,
                  std::int64_t unix_seconds);

}  // namespace tonghop::report
