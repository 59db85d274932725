// The compact form an import's child process hands its result back in: the
// examined return (status, importer, errors, warnings, totals, layout) and
// the record set's blocks as the store keeps them, written once into a
// memfd and read once by the parent. The parent trusts nothing in it: every
// length is checked, every record goes through RecordSet::append_encoded.
#pragma once

#include <string_view>

#include "core/expected.hpp"
#include "ingest/pipeline.hpp"

namespace tonghop::isolate {

// Writes `examined` to `fd` (from its current offset). False when a write
// failed (the file size limit, a full disk).
bool write_examined(int fd, const ingest::Examined& examined);

// Reads what write_examined wrote.
Expected<ingest::Examined> read_examined(std::string_view bytes);

}  // namespace tonghop::isolate
