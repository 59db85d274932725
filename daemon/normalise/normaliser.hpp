// Normalisation: any importer's document onto canonical records, checked
// against the rules. Finds the table by itself (title rows, a header of one to
// four rows with groups merged over sub-headers and connectors such as "Trong
// đó", a numbering row, the data, total rows that are checked and dropped,
// signature lines), or for a tree document the array of organisations; maps
// headers through the catalogue; reads values as people write them; names
// the place of every problem, and every column of figures it could not name.
//
// The parts, each in its own file: header.* (which rows are the header, what
// each column names), table.* (a sheet's rows into records), tree.* (a JSON
// document), document.cpp (the sink an importer writes into), builder.* (a
// record from raw values, and the rules), unmapped.* (columns that name no
// field), grid.* (a sheet's first rows kept whole).
//
// Tables are read as the importer streams them: a sheet's first rows are kept
// until the header is found, then every row becomes a compact record at once,
// so a million-row return never sits in memory as cells. A sheet small enough
// (kHeadCells) is kept whole, merged ranges included, before it is read. A
// larger one is read with the merged ranges known so far; xlsx gives them after
// the cells, so at the sheet's end the header is found again with them, and
// if that changes what was read, the reader asks for a second pass with the
// merged ranges known from the start (needs_second_pass()).
//
// Tree documents are read as they stream too, in two passes: the array of
// organisations is the one whose elements hold the most values, known only at
// the end, so the first pass only counts elements and the second, knowing the
// array, makes each element a record as soon as it ends.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include <utility>

#include "core/expected.hpp"
#include "normalise/catalogue.hpp"
#include "normalise/record.hpp"
#include "tonghop/sdk/document.hpp"

namespace tonghop::normalise {

struct Submission {
  std::string district;  // canonical name, from the registry
  std::string period;    // canonical period
};

// What the province asks of every return ([normalise] in config/tonghop.toml).
struct Policy {
  // Fields every return must carry; one that is missing refuses it.
  std::vector<std::string> required{"org_name", "org_kind", "members_total"};
  // A column (or key) of figures that names no field: an error rather than a warning.
  bool unmapped_numbers_error = false;
};

// What a first pass over a document learned that a second needs.
struct FirstPass {
  std::vector<std::vector<sdk::MergedRange>> merges;  // each sheet's merged ranges, in the order of the sheets
  std::optional<std::string> array;                  // a tree's array of organisations
};

// Cells a sheet may have before it is read as a stream rather than whole.
inline constexpr std::size_t kHeadCells = 100'000;
// The widest row a return may have: Excel's last column (XFD). A wider one is
// refused at its first cell past it, so that one row of millions of cells
// costs nothing (it was kept whole while the header was looked for: 200 bytes
// a cell, 4 GiB for a 50 MiB CSV row).
inline constexpr std::uint32_t kMaxColumns = 16'384;

// A DocumentSink that normalises what it receives. One per return (and pass).
class Reader : public sdk::DocumentSink {
 public:
  ~Reader() override = default;
  // After the importer is done: the records, errors and warnings.
  virtual Normalised finish() = 0;
  // Whether the file must be read again into reader(..., learned()): a
  // table read depends on merged ranges that came too late, or a tree's
  // array of organisations was found (a tree's first pass only looks for it).
  virtual bool needs_second_pass() const = 0;
  virtual FirstPass learned() const = 0;
  // Issue 18, stream: given to the record set of a table read as a stream
  // on the document's first sheet (RecordSet::on_block); the caller judges
  // whether that set is the result (a CSV has one sheet and no second pass).
  BlockHook on_block;
};

class Normaliser {
 public:
  Normaliser(const Catalogue& catalogue, const Registry& registry, Policy policy = {})
      : catalogue_(catalogue), registry_(registry), policy_(std::move(policy)) {}

  // profile: the override chosen for this source, or nullptr. known: what a
  // first pass learned (see needs_second_pass()).
  std::unique_ptr<Reader> reader(const Submission& submission, const Profile* profile = nullptr,
                                 FirstPass known = {}) const;

  // A collected document, through the same reader.
  Normalised normalise(const sdk::Document& document, const Submission& submission,
                       const Profile* profile = nullptr) const;

  // Warnings against the same district's records of the previous period:
  // members_total more than the configured share off, organisations missing.
  void compare_with_previous(Normalised& result, const RecordSet& previous) const;

  // The same, the previous records read a part at a time (issue 18: a store's
  // return streamed by store::RecordCursor, a block of 4,096 records): `next`
  // gives the next part, an empty set once every record is given, or an error
  // when the rest cannot be read (then a warning says the comparison stopped
  // there, and what was read is compared). Organisations are matched by
  // folded name, as before: the previous return's names are indexed by a
  // hash of the folded name (normalise/previous.hpp, PreviousIndex, which a
  // dry run builds while its import runs), and every match of hashes is
  // confirmed on the names themselves, so a hash collision never makes a
  // wrong warning. `hash` is for tests (a hash that collides); null
  // is std::hash. Both give the warnings in the same order as before: the
  // changed members in this return's order, then the missing organisations in
  // the previous return's.
  using RecordParts = std::function<Expected<const RecordSet*>()>;
  using NameHash = std::uint64_t (*)(std::string_view folded);
  void compare_with_previous(Normalised& result, const RecordParts& next, NameHash hash = nullptr) const;

 private:
  const Catalogue& catalogue_;
  const Registry& registry_;
  Policy policy_;
};

// The same problem in many cells (a column of unreadable figures, a rule broken
// row after row) as one issue naming the range and the count.
void group_repeats(std::vector<Issue>& issues);

// An importer's or a reader's refusal (a file that cannot be read, a limit
// passed) as the error that names where: "Không đọc được tệp: <its
// Vietnamese> / the file cannot be read: <its English>" (a refusal in one
// language only: after the English heading).
Issue unreadable(const sdk::Status& status);

// Replays a collected document into a sink, in the order an importer would.
sdk::Status replay(const sdk::Document& document, sdk::DocumentSink& sink);

// "B12"-style column letters for messages.
std::string column_name(std::uint32_t column);

}  // namespace tonghop::normalise
