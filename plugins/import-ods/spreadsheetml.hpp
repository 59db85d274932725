// Excel 2003 XML (SpreadsheetML), read by the same plugin as .ods: both are
// office XML read with plugins/zipxml's reader.
#pragma once

#include <string_view>

#include <tonghop/sdk.hpp>

namespace tonghop::ods {

// True when the first bytes are an Excel 2003 XML workbook.
bool is_spreadsheetml(std::string_view head);

sdk::Status read_spreadsheetml(std::string_view bytes, const sdk::Limits& limits, sdk::DocumentSink& sink);

}  // namespace tonghop::ods
