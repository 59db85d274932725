// The canonical record of shared/domain.md, with where each value came from,
// and the errors and warnings found on the way.
//
// A return's records are kept compact (RecordSet): a million organisations
// take about 130 bytes each, not a map per record. Where each value is comes
// from the set's layout (the sheet and each field's column, or the array and
// each field's path inside an element) and the record's own row or index.
// Record is the readable form of one of them, made on demand.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace tonghop::normalise {

// Where a value is: sheet, row and column as a spreadsheet shows them, or a
// JSON Pointer for tree documents.
struct Place {
  std::string sheet;
  std::uint32_t row = 0;
  std::uint32_t column = 0;
  std::string path;
};

struct Issue {
  std::string code;
  std::string message;  // Vietnamese, then English
  std::string field;
  std::string value;
  Place where;
  // The same problem in more cells: how many, and where ("F5:F40", or the cells).
  std::uint32_t count = 1;
  std::string range = {};
  // An unmapped column: its first values, and the fields it may be (id, score).
  std::vector<std::string> samples = {};
  std::vector<std::pair<std::string, double>> suggestions = {};
};

struct Record {
  std::string district;
  std::string period;
  std::string org_name;
  std::string org_kind;    // party_committee | party_cell
  std::string org_sector;  // commune | agency | public_service | enterprise | armed_forces | other
  std::string org_rating;  // excellent | good | completed | not_completed | "" (not given)
  std::map<std::string, std::int64_t> counts;  // only the counts the return gives
  std::map<std::string, Place> provenance;     // field -> where its value is
  Place where;                                 // the record's row (or object)
};

// What the records of one return share: where their values are.
struct Layout {
  bool tree = false;                   // a tree document (JSON), or a table
  std::string sheet;                   // tables: the sheet every record is on
  std::string array;                   // trees: the JSON Pointer of the array of organisations ("" is the root)
  std::vector<std::string> fields;     // the fields a record may give; a record names them by index
  std::vector<bool> is_count;          // per field: a count (has a value) or text (provenance only)
  std::vector<std::uint32_t> columns;  // tables: each field's column
  std::vector<std::string> paths;      // trees: each field's path inside an element ("/dang_vien/nu")
  std::vector<std::string> headers;    // each field's header as read ("Đảng viên / Trong đó / Nữ"), "" when not carried
  std::vector<std::string> symbols;    // kinds, sectors and ratings, each kept once; records name them by index

  bool is_tree() const noexcept { return tree; }
  std::string to_json() const;
  static Layout from_json(std::string_view text);
};

// One record in compact form, as it is built and as it is read back.
struct CompactRecord {
  std::uint32_t where = 0;  // tables: its row; trees: its index in the array
  std::string_view org_name, org_kind, org_sector, org_rating;
  // (field index, value) in field order; text fields with value 0, for their place only.
  std::vector<std::pair<std::uint32_t, std::int64_t>> values;
  // Trees: fields whose path inside this element differs from the layout's.
  std::vector<std::pair<std::uint32_t, std::string_view>> paths;
};

class RecordSet;
// Issue 18, stream: told block `b` of the set is complete (kBlock records, never to change).
using BlockHook = std::function<void(const RecordSet& set, std::size_t b)>;

class RecordSet {
 public:
  RecordSet() = default;
  explicit RecordSet(Layout layout);

  const Layout& layout() const noexcept { return layout_; }
  Layout& layout() noexcept { return layout_; }
  std::string district, period;

  void add(const CompactRecord& r);
  std::size_t size() const noexcept { return offsets_.size(); }
  bool empty() const noexcept { return offsets_.empty(); }

  // The i-th record, compact: views into the set, valid until it changes.
  void get(std::size_t i, CompactRecord& out) const;
  // dryrun (issue 18): the i-th record's name alone, a view into the set
  // (what the comparison with the previous period reads most, without
  // decoding the rest).
  std::string_view org_name(std::size_t i) const;
  // The records are kept in blocks of kBlock, as bytes: block b holds
  // records [b * kBlock, (b + 1) * kBlock). The store keeps them so;
  // append_encoded takes such bytes back (false, and nothing appended, when
  // they are damaged). Blocks, not one string, so that a million records
  // never need one large string copied as it grows.
  static constexpr std::size_t kBlock = 4096;
  std::size_t block_count() const noexcept { return blocks_.size(); }
  std::string_view block(std::size_t b) const { return blocks_.at(b).bytes(); }
  bool append_encoded(std::string_view bytes, std::size_t count);
  // The same, but a whole block is not copied: the set refers to `bytes`,
  // which `keep` holds alive (a read-only mapping of a sealed memfd, say) and
  // which must never change. Each record is still checked, once, in one pass
  // that builds nothing (issue 12: an import's result is taken without a
  // second copy). A set with such blocks can be copied and moved as usual.
  bool append_encoded(std::string_view bytes, std::size_t count, const std::shared_ptr<const void>& keep);
  // Many blocks at once, as the one above takes them, checked on up to
  // `threads` threads (this one and threads - 1 more; an import's result
  // is checked while nothing else runs): every block appended, or none and
  // false. Blocks that are not whole (kBlock records, the last excepted)
  // are taken one after the other, on this thread.
  struct Encoded {
    std::string_view bytes;
    std::size_t count = 0;
  };
  bool append_encoded(const std::vector<Encoded>& blocks, const std::shared_ptr<const void>& keep, unsigned threads);

  // The i-th record, readable.
  Record at(std::size_t i) const;
  Record operator[](std::size_t i) const { return at(i); }
  Record front() const { return at(0); }

  class iterator {
   public:
    iterator(const RecordSet* s, std::size_t i) : s_(s), i_(i) {}
    Record operator*() const { return s_->at(i_); }
    iterator& operator++() {
      ++i_;
      return *this;
    }
    bool operator!=(const iterator& o) const { return i_ != o.i_; }

   private:
    const RecordSet* s_;
    std::size_t i_;
  };
  iterator begin() const { return {this, 0}; }
  iterator end() const { return {this, size()}; }

  // Issue 18, stream (see the end of this file): told each block as it completes.
  BlockHook on_block;

 private:
  std::uint32_t symbol(std::string_view s);
  std::string& block_for_next();
  std::string_view record_bytes(std::size_t i) const;

  // A block's bytes: its own, or a view of memory held by `keep`.
  struct Block {
    std::string own;
    std::string_view outside;
    std::shared_ptr<const void> keep;
    std::string_view bytes() const noexcept { return keep ? outside : std::string_view(own); }
  };
  bool check_encoded(std::string_view bytes, std::size_t count, std::vector<std::uint64_t>& starts) const;

  Layout layout_;
  std::vector<Block> blocks_;
  std::vector<std::uint64_t> offsets_;  // each record's, inside its block
  std::unordered_map<std::string, std::uint32_t> symbol_index_;  // into layout_.symbols
};

// The sums of a return's records, kept as they are built: the indicators
// without a second pass over a million records.
struct Totals {
  std::map<std::string, double> counts;  // field id -> sum; only the fields the return carries
  std::size_t records = 0, party_committees = 0;
  std::map<std::string, double> ratings;  // rating -> organisations
  bool rated = false;                     // the return carries ratings (orgs_rated_* are unknown otherwise)

  // One more organisation of this kind and rating (its counts go to `counts`).
  void add(std::string_view kind, std::string_view rating) {
    ++records;
    if (kind == "party_committee") ++party_committees;
    if (!rating.empty()) {
      ratings[std::string(rating)] += 1;
      rated = true;
    }
  }
};

struct Normalised {
  RecordSet records;
  Totals totals;
  std::vector<Issue> errors;
  std::vector<Issue> warnings;
  // Tables: the header's first and last rows as shown (0: no table found).
  std::uint32_t header_top = 0, header_row = 0;
  bool accepted() const noexcept { return errors.empty(); }
};

// dryrun3 (issue 18): the value the i-th record of `set` gives field
// `field` (by index in its layout), as get() would read it (the first value
// of that index), without decoding the rest of the record: what the
// comparison with the previous period reads of a million records. False
// when the record gives none.
bool record_value(const RecordSet& set, std::size_t i, std::uint32_t field, std::int64_t& out);

// dryrun4 (issue 18): what the index of the previous period's return reads
// of each record of a block as the store keeps it (RecordSet::block), read
// where the bytes are (SQLite's memory), never copied: its name (a view into
// `bytes`) and the value of field `field` as record_value() reads it. Every
// record is checked as append_encoded() checks it (lengths inside the
// block, symbols below `known_symbols`, nothing left over, no more records
// than the bytes can hold); false when the block is damaged, and then
// nothing in `out` is to be used.
struct RecordGlance {
  std::string_view name;
  std::int64_t value = 0;
  bool has_value = false;
};
bool glance_encoded(std::string_view bytes, std::size_t count, std::size_t known_symbols, std::uint32_t field,
                    std::vector<RecordGlance>& out);

// Issue 18, stream: an import's child hands each block of its result over as
// the normaliser completes it (RecordSet::on_block, set by the document
// reader on the one table that will be the result, Reader::on_block), and
// the daemon checks each as it comes, before it knows the final layout:
// `count` records of `bytes`, each checked as append_encoded checks them
// (lengths inside the block, nothing left over, no more records than the
// bytes can hold), with symbols below `known_symbols` (the set's symbols
// when the block completed: a set's symbols are only ever added to, so the
// block holds for the final layout if it has at least as many). False when
// damaged.
bool check_block(std::string_view bytes, std::size_t count, std::size_t known_symbols);

namespace detail {
// `k` varints (LEB128, at most ten bytes each) skipped from the front of
// `in`; false, and `in` as it was, when they are not all there or one is
// longer. What every check of encoded records above does for their values
// (record.cpp; here for its test).
bool skip_varints(std::string_view& in, std::uint64_t k);
}  // namespace detail

}  // namespace tonghop::normalise
