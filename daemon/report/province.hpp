// Consolidation: the province report of shared/domain.md for one period, in
// the SDK's neutral report form, ready for any exporter. Built from the
// indicators stored with each current submission (computed once, when it was
// accepted), so a report never rescans records.
#pragma once

#include <string>

#include "config/config.hpp"
#include "normalise/catalogue.hpp"
#include "store/store.hpp"
#include "tonghop/sdk/report.hpp"

namespace tonghop::report {

// What a report in `format` carries beyond the districts and the total. The
// table of every organisation (the workbook's detail sheet) is the one part
// that reads records; the contract's JSON and the CSV of one row per
// district never write it, every other format (the workbook, a third party's
// page format) gets it.
enum class Contents { summary, with_details };
Contents contents_for(std::string_view format);

// What is said of a submission whose row was changed in the database after
// its commit (store::row_as_committed false), in Vietnamese then English:
// the report's `changed_after_commit` warning, and the submission's view.
std::string changed_after_commit(const store::Submission& s);

// `settings`: the printed report's own texts and time zone (report/document.hpp).
sdk::Report province_report(const store::Store& store, const normalise::Registry& registry,
                            const normalise::Catalogue& catalogue, const std::string& period, Contents contents,
                            const config::ReportSettings& settings = config::ReportSettings{});

}  // namespace tonghop::report
