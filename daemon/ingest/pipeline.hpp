// One return from bytes to the store: the importer chosen by content, the
// document read under limits, normalised and checked, compared with the
// previous period, and stored atomically. The API and the inbox both use it.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "loader/loader.hpp"
#include "normalise/catalogue.hpp"
#include "normalise/normaliser.hpp"
#include "normalise/previous.hpp"
#include "normalise/record.hpp"
#include "store/store.hpp"

namespace tonghop::ingest {

struct Normalisation {
  normalise::Catalogue catalogue;
  normalise::Registry registry;
  std::vector<normalise::Profile> profiles;
  normalise::Policy policy;  // [normalise] required, unmapped_numbers
};

struct Return {
  std::string district;  // canonical
  std::string period;    // canonical
  std::string filename;
  std::string_view bytes;  // the file; the caller keeps it alive until examine() or submit() returns
  std::string token_name;
  // The Board's mappings (store/mappings.hpp) for this district: the
  // province's, then the district's own; (folded header or key, field id or
  // "ignore"), a later one winning. They come before the profile's headers.
  std::vector<std::pair<std::string, std::string>> mappings = {};
  // A dry run (POST /api/v1/check): also what was read (Examined::view), at
  // most this many data rows or elements. 0: not asked.
  std::uint32_t view_rows = 0;
  // A memfd holding exactly `bytes` (the request's body as received,
  // http::BodyFile, unsealed), or -1. An import's child reads the return from
  // it as it is, after the zygote appends the mappings and seals it
  // (isolate::Zygote::examine), instead of from a copy (issue 18, e2e3).
  int memfd = -1;
  // Set by submit() (issue 18, blocks4): an import in a child may hand its
  // record blocks back unchecked (Examined::unchecked), for submit() to check
  // them on a thread of its own while the store inserts them, committing only
  // once all are checked. An examiner that does not (in this process) ignores
  // it; a dry run never sets it.
  bool defer_check = false;
  // Issue 18, stream. The parent's side (isolate::Zygote::examine): given
  // each block of the result as the child streams it, checked and copied
  // (the child cannot change the copy): first_seq (records before it),
  // count (always RecordSet::kBlock) and its bytes, in order. False: the
  // sink cannot take it (its store failed); no more are given, and the
  // result is then read whole as without a sink. Set: the child is asked to
  // stream (only a CSV's table does, see examine below). The sink may keep
  // the checked copy itself (move it away) instead of copying it again.
  std::function<bool(std::int64_t first_seq, std::int64_t count, std::string& checked)> on_block = {};
  // The child's side: told each block of the table that will be the
  // result as it completes (normalise::RecordSet::on_block), for a CSV
  // return on its first pass only.
  normalise::BlockHook completed_block = {};
};

// Issue 18, stream: the result's first `blocks` blocks were streamed while the
// import ran and every one taken by Return::on_block; result.records then
// holds only the layout. `places` are the same blocks in the sealed result
// (views into `keep`), and `rest` the result's blocks after them, checked (each whole but
// the last): what submit() stores after the streamed ones, or, when its store
// failed, takes from the result as without streaming.
struct Streamed {
  std::size_t blocks = 0;
  std::vector<normalise::RecordSet::Encoded> places;
  std::vector<normalise::RecordSet::Encoded> rest;
  std::shared_ptr<const void> keep;
  std::vector<normalise::Issue> damaged;  // the refusal of a damaged result (422), as UncheckedBlocks'
};

// A result's record blocks not yet checked (Return::defer_check): views into
// `keep` (a sealed memfd's mapping), in order. The result's records are empty
// meanwhile; their layout is set. A block found damaged refuses the return
// with `damaged` (status 422 and its errors, as the whole result's check does).
struct UncheckedBlocks {
  std::vector<normalise::RecordSet::Encoded> blocks;
  std::shared_ptr<const void> keep;
  unsigned damaged_status = 422;
  std::vector<normalise::Issue> damaged;
  std::string damaged_plugin;  // dryrun5: the refusal's importer (Examined::plugin), as the zygote names it
};

struct Outcome {
  unsigned status = 201;  // 201 stored; 415 nothing reads it; 422 refused; 500 the store failed
  std::vector<normalise::Issue> errors;
  std::vector<normalise::Issue> warnings;
  std::optional<store::Submission> submission;
  double seconds = 0;  // import, normalisation and storing
  // care (issue 16): the same bytes as the district's current submission for
  // the period: status 200, `submission` is that one, nothing new is stored.
  bool unchanged = false;
  bool raw_repaired = false;  // unchanged, and its missing or damaged raw file written again
};

// Everything but storing: the importer chosen by content, the document read,
// the profile that applies, normalisation. What `tonghopd check` shows and
// what submit() stores.
// (An import run in a child process, isolate/, comes back as an Examined too,
// with its status 422 or 503 and the error when the child failed.)
struct Examined {
  unsigned status = 200;  // 200 read (result.errors may still refuse it: 422); 415 nothing reads it; 422 unreadable
  std::string plugin;     // the importer's name, and the format stored for it
  std::string format;
  normalise::Normalised result;
  // When Return::view_rows asked for it: the sheet or JSON document as read,
  // a JSON object (ingest/view.hpp), made in the import's child.
  std::string view;
  // Return::defer_check: the record blocks still to check and append to
  // result.records (none: result.records is whole and checked).
  std::shared_ptr<UncheckedBlocks> unchecked;
  // Return::on_block took the result's first blocks (issue 18, stream).
  std::shared_ptr<Streamed> streamed;
};
// chosen: told the importer's name before it reads (a child process tells its
// parent, so that a crash can name it).
Examined examine(const loader::PluginSet& plugins, const Normalisation& n, const tonghop_limits& limits,
                 const Return& ret, const std::function<void(const loader::Plugin&)>& chosen = {});

// How a return is examined: in this process (examine above), or in a child
// (isolate::Workers::examine).
using Examiner = std::function<Examined(const Return& ret)>;

// The name of a file sent without one, from its district, period and the
// format read: "than-uyen-2018.xlsx" (care, issue 16).
std::string unnamed_filename(const Return& ret, const std::string& format);

Outcome submit(const Examiner& examiner, const Normalisation& n, store::Store& store, Return ret);
// In this process (`tonghopd check`, tests).
Outcome submit(const loader::PluginSet& plugins, const Normalisation& n, store::Store& store,
               const tonghop_limits& limits, Return ret);

// Warnings against the district's current return of the previous period
// (members changed, organisations missing), read from the store a block at a
// time: what a submission and a dry run both do to an accepted return.
void compare_with_previous(const Normalisation& n, const store::Store& store, const std::string& district,
                           const std::string& period, normalise::Normalised& result);

// The same in two steps (issue 18, dryrun2): the district's previous-period
// returns indexed, which may run on another thread while this return is
// imported (`cancel` stops it early when the return is refused and the index
// is not wanted; a cancelled index compares nothing), then this return's
// records compared against them. Together they are the call above.
std::vector<normalise::PreviousIndex> index_previous(const store::Store& store, const std::string& district,
                                                     const std::string& period,
                                                     const std::atomic<bool>* cancel = nullptr);
void compare_with_previous(const Normalisation& n, const std::vector<normalise::PreviousIndex>& previous,
                           normalise::Normalised& result);

}  // namespace tonghop::ingest
