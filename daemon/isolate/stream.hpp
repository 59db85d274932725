// Issue 18, stream: the blocks of an import's result that its child hands
// over while the import runs ('B' notes, protocol.hpp), taken by the daemon
// one at a time: each must come right after the one before in the result
// memfd and hold a whole block (RecordSet::kBlock records, the next in
// order); it is read into a copy of its own (the memfd is not sealed yet:
// the child could change it later; the copy is what is checked and given
// on), checked as the whole result's check would (normalise::check_block),
// and given to the caller's sink, then freed. A note that breaks any of
// that damages the result: it is refused as a damaged result is.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "isolate/wire.hpp"

namespace tonghop::isolate {

class BlockStream {
 public:
  // The sink may keep `checked` (move it away): it is the stream's no longer.
  using Sink = std::function<bool(std::int64_t first_seq, std::int64_t count, std::string& checked)>;
  // `result`: the result memfd (not owned). `sink` may be empty (nothing takes the blocks).
  BlockStream(int result, Sink sink) : result_(result), sink_(std::move(sink)) {}

  // One 'B' note as received. False (and every later call false) when it
  // is damaged, out of place or its block is.
  bool take(std::string_view note);
  // The 'D' note: false unless it is whole and says the rest of the result
  // starts where the streamed blocks end.
  bool done(std::string_view note);
  bool damaged() const { return damaged_; }
  // Whether the sink took every block (none refused).
  bool taken() const { return taken_; }
  // For read_examined, once 'D' came.
  const StreamedPlaces& places() const { return places_; }

 private:
  bool fail() {
    damaged_ = true;
    return false;
  }
  int result_;
  Sink sink_;
  StreamedPlaces places_;
  std::uint64_t end_ = 0;
  bool damaged_ = false, taken_ = true, ended_ = false;
};

// The child's result once it said 'D' (or exited 0): the memfd sealed first
// (F_SEAL_SHRINK, GROW, WRITE: nothing the child left behind can change it
// while it is read), mapped (kept alive by the records that refer to it) and
// read by read_examined with the streamed blocks' places. An error names
// how the result is damaged (the caller refuses it: plugin_crashed).
Expected<ingest::Examined> read_result(int result, const StreamedPlaces& streamed, bool defer_check);

}  // namespace tonghop::isolate
