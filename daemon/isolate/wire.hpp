// The compact form an import's child process hands its result back in: the
// examined return (status, importer, errors, warnings, totals, layout) and
// the record set's blocks as the store keeps them, written once into a
// memfd and read once by the parent. The parent trusts nothing in it: every
// length is checked, every record is checked by RecordSet::append_encoded.
#pragma once

#include <functional>
#include <memory>
#include <string_view>

#include "core/expected.hpp"
#include "ingest/pipeline.hpp"

namespace tonghop::isolate {

// Writes `examined` to `fd` (from its current offset). False when a write
// failed (the file size limit, a full disk).
bool write_examined(int fd, const ingest::Examined& examined);

// Reads what write_examined wrote. With `keep`, which holds `bytes` alive and
// unchanging (a sealed memfd's mapping), the record blocks are not copied:
// the record set refers to them (each record is still checked). Without it
// they are copied, and release(n) says the first n bytes are read and copied,
// so their pages may be let go.
// With `keep` and `defer` (issue 18, blocks4), the record blocks of a result
// of 8 blocks or more are not checked here: their places are read (every
// length still checked against the bytes) and put in `defer`, in order, for
// the caller to check block by block (ingest::submit, as it stores them);
// the rest is read and checked as always. Each block but the last must then
// be whole (kBlock records), as the child writes them: they are stored as
// they are.
Expected<ingest::Examined> read_examined(std::string_view bytes, const std::shared_ptr<const void>& keep = {},
                                         const std::function<void(std::size_t)>& release = {},
                                         ingest::UncheckedBlocks* defer = nullptr);

}  // namespace tonghop::isolate
