// Consolidation: the province report of shared/domain.md for one period, in
// the SDK's neutral report form, ready for any exporter. Built from the
// indicators stored with each current submission (computed once, when it was
// accepted), so a report never rescans records.
#pragma once

#include <string>

#include "normalise/catalogue.hpp"
#include "store/store.hpp"
#include "tonghop/sdk/report.hpp"

namespace tonghop::report {

// with_details: the table of every organisation (the workbook's detail sheet).
// It is the one part that reads records, so formats that do not draw it
// (JSON, CSV) leave it out.
sdk::Report province_report(const store::Store& store, const normalise::Registry& registry,
                            const normalise::Catalogue& catalogue, const std::string& period, bool with_details = true);

}  // namespace tonghop::report
