// Ingest: from the bytes of a file to the neutral document, through the
// importer plugin that can read it. Choosing is by content first (each
// importer's sniff of the first bytes), the file name second; reading is done
// under the host's limits, which the host also enforces itself (cells, time)
// in a sink between the plugin and the consumer.
#pragma once

#include <string>
#include <string_view>

#include "core/expected.hpp"
#include "loader/loader.hpp"
#include "tonghop/sdk/document.hpp"
#include "tonghop/sdk/importer.hpp"

namespace tonghop::ingest {

struct Choice {
  const loader::Plugin* plugin = nullptr;
  sdk::Confidence confidence = 0;
};

// The importer most sure it can read the file. An error (to be answered 415)
// says, in Vietnamese then English, what the file looks like, that nothing
// can read it, and the formats the loaded importers read.
Expected<Choice> choose_importer(const loader::PluginSet& plugins, sdk::Bytes bytes, std::string_view filename);

// What a file's first bytes say it is, in words, in Vietnamese and in
// English ("một tài liệu PDF", "a PDF document"). `known`: false for an
// empty file and for data of an unknown kind.
struct Content {
  const char* vi;
  const char* en;
  bool known = true;
};
Content describe_content(sdk::Bytes head);

// Reads `source` with `importer` into `sink`, enforcing limits.max_cells and
// limits.max_seconds on the host's side as well.
sdk::Status read_document(const sdk::Importer& importer, const sdk::Source& source, const sdk::Limits& limits,
                          sdk::DocumentSink& sink);

}  // namespace tonghop::ingest
