// The compact form an import's child process hands its result back in: the
// examined return (status, importer, errors, warnings, totals, layout) and
// the record set's blocks as the store keeps them, written once into a
// memfd and read once by the parent. The parent trusts nothing in it: every
// length is checked, every record is checked by RecordSet::append_encoded.
#pragma once

#include <functional>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "core/expected.hpp"
#include "ingest/pipeline.hpp"

namespace tonghop::isolate {

// Writes `examined` to `fd` (from its current offset). False when a write
// failed (the file size limit, a full disk). `streamed`: the record set's
// first blocks the child streamed before (issue 18, stream: written into the
// memfd before this offset, named by 'B' notes), only counted here.
bool write_examined(int fd, const ingest::Examined& examined, std::size_t streamed = 0);

// Issue 18, stream: where the blocks a child streamed are in its result memfd
// (isolate/stream.hpp, BlockStream), each checked already: read_examined
// reads the result from `start`, and refuses it unless it names exactly
// these blocks as streamed, or none (the reader changed its mind: they are
// void). `taken`: the parent's sink took every one (the result's records
// are then the rest alone, Examined::streamed); otherwise they are read from
// the memfd as the result's first blocks, as if written with it.
struct StreamedPlaces {
  std::uint64_t start = 0;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> blocks;  // offset, length; each kBlock records
  std::uint64_t symbols = 0;                                    // the most any block was checked with
  bool taken = false;
};

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
                                         ingest::UncheckedBlocks* defer = nullptr,
                                         const StreamedPlaces* streamed = nullptr);

}  // namespace tonghop::isolate
