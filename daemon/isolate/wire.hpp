// The compact form an import's child process hands its result back in: the
// examined return (status, importer, errors, warnings, totals, layout) and
// the record set's blocks as the store keeps them, written once into a
// memfd and read once by the parent. The parent trusts nothing in it: every
// length is checked, every record goes through RecordSet::append_encoded.
#pragma once

#include <functional>
#include <string_view>

#include "core/expected.hpp"
#include "ingest/pipeline.hpp"

namespace tonghop::isolate {

// Writes `examined` to `fd` (from its current offset). False when a write
// failed (the file size limit, a full disk).
bool write_examined(int fd, const ingest::Examined& examined);

// Reads what write_examined wrote. release(n): the first n bytes are read and
// copied, their pages may be let go (a mapping's, so that a million records
// are not resident twice).
Expected<ingest::Examined> read_examined(std::string_view bytes,
                                         const std::function<void(std::size_t)>& release = {});

}  // namespace tonghop::isolate
