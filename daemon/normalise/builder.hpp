// The builder: one organisation's raw values onto a compact record, the
// catalogue's rules checked as it is built, the sums kept for the totals.
// Every reader (table, tree) feeds one; what names a district or a period
// outside the records is checked here too.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "normalise/catalogue.hpp"
#include "normalise/names.hpp"
#include "normalise/normaliser.hpp"
#include "normalise/record.hpp"
#include "normalise/text.hpp"

namespace tonghop::normalise::detail {

// A value before it is read: the text as shown and, for number cells, the number.
struct Raw {
  std::string_view text;
  bool is_number = false;
  bool is_error = false;  // tables: a formula's error, or its value not kept (CellRef::is_error)
  double number = 0;
  std::uint32_t column = 0;  // tables
  std::string_view path;     // trees: its JSON Pointer
  std::int64_t digits = -1;  // tables: the text read already as plain digits (CellRef::digits)
};

// Whether `text` (trimmed) is what a spreadsheet shows for a formula's
// error ("#N/A", LibreOffice's "Err:502"): what a CSV or JSON export keeps
// of an error cell. Out of line: shows_error asks only for a rare first byte.
[[gnu::noinline]] bool is_error_text(std::string_view text);

// A formula's error cell, or its value not kept (Raw::is_error), or the
// text an error shows where the file kept only text (a CSV saved by Excel
// or LibreOffice). Every value of every record passes here: its first
// byte is looked at ('#', 'E' of "Err:", or what trim_view takes off).
[[gnu::always_inline]] inline bool shows_error(const Raw& raw) {
  if (raw.is_error) return true;
  if (raw.text.empty() || raw.is_number) return false;
  const char c = raw.text[0];
  return (c == '#' || c == 'E' || c == ' ' || c == '\t' || c == '\n' || c == '\r') && is_error_text(raw.text);
}

// A value's count: read_count, unless its plain digits were read already.
inline Count count_of(const Raw& raw) {
  if (raw.digits >= 0) return Count{raw.digits, CountError::none};
  return read_count(raw.is_number, raw.number, raw.text);
}

// "Sheet!B12", or a JSON Pointer.
std::string describe(const Place& p);

inline std::string_view trim_view(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Whether folding could give letters: ASCII letters or anything not ASCII.
inline bool has_letter(std::string_view s) {
  for (const char ch : s) {
    const auto u = static_cast<unsigned char>(ch);
    if (u >= 0x80 || ((u | 0x20) >= 'a' && (u | 0x20) <= 'z')) return true;
  }
  return false;
}

// The catalogue's index of a field, or fields.size().
std::size_t field_index(const Catalogue& cat, std::string_view id);

// Builds records from raw values, field by field, collecting errors. Values
// are set by catalogue index; build() checks the rules and adds the record.
class Builder {
 public:
  Builder(const Catalogue& c, Normalised& out);

  void error(std::string code, std::string vi, std::string en, std::string field, std::string value, Place where) {
    out_.errors.push_back(Issue{std::move(code), bilingual(vi, en), std::move(field), std::move(value), std::move(where)});
  }
  void warning(std::string code, std::string vi, std::string en, std::string field, std::string value, Place where) {
    out_.warnings.push_back(Issue{std::move(code), bilingual(vi, en), std::move(field), std::move(value), std::move(where)});
  }

  // Where the values of the next record are: a sheet's row, or an element.
  void at_row(const std::string* sheet, std::uint32_t row) {
    sheet_ = sheet;
    row_ = row;
  }
  void at_element(std::string element) {
    sheet_ = nullptr;
    element_ = std::move(element);
  }
  Place place(const Raw& raw) const {
    if (sheet_ != nullptr) return Place{*sheet_, row_, raw.column, {}};
    return Place{{}, 0, 0, std::string(raw.path)};
  }
  Place record_place() const {
    if (sheet_ != nullptr) return Place{*sheet_, row_, 0, {}};
    return Place{{}, 0, 0, element_};
  }

  void begin() {
    for (const std::size_t f : touched_) given_[f] = has_[f] = 0;
    touched_.clear();
  }
  void set(std::size_t field, const Raw& raw) {
    if (field >= n_) return;
    if (!given_[field]) {
      given_[field] = 1;
      carried_[field] = 1;
      touched_.push_back(field);
    }
    raw_[field] = raw;
    column_[field] = raw.column;
  }
  const Raw* given(std::size_t field) const { return field < n_ && given_[field] ? &raw_[field] : nullptr; }
  bool has(std::size_t f) const { return f < n_ && has_[f]; }
  std::int64_t val(std::size_t f) const { return counts_[f]; }
  // The sum of field f over the records built since the last total().
  std::int64_t sum(std::size_t f) const { return sums_[f]; }
  const std::vector<std::int64_t>& sums() const { return sums_; }
  // Whether any record gave field f (its column or key is in the return).
  bool carried(std::size_t f) const { return f < n_ && carried_[f]; }
  // Records whose kind was guessed: no kind given, no "Chi bộ"/"Đảng bộ" in the name, no subordinate cells.
  std::size_t kind_guessed() const { return kind_guessed_; }
  // Whether a value of field f could not be read in a record so far.
  bool unreadable(std::size_t f) const { return f < n_ && unreadable_[f]; }

  // The values set since begin() are a total row: each count is checked
  // against the records' sums (or, given `section`, the sums since those),
  // where every value above could be read. Nothing is built.
  void check_total(const std::vector<std::int64_t>* section = nullptr);
  // The values set since begin() that are a formula's error, or its value
  // not kept (shows_error), each refused at its cell: whether there was one.
  // For a row that is no organisation's (no name), whose formulas were
  // perhaps a total's.
  bool refuse_formulas();
  std::size_t count_fields() const { return n_; }
  // How many fields the values set since begin() give.
  std::size_t given_count() const { return touched_.size(); }

  // The next records' names (folded), built soon: see NameIndex::expect.
  void expect_names(const std::string_view* folded, std::size_t n) { names_.expect(folded, n); }

  // The record of the values set since begin(): its errors go to the
  // result; the record is added all the same (a refused return stores
  // nothing). `folded_name`: fold of the name, when the caller has it.
  // `sector`: what Catalogue::sector_from_folded gives for it, when the
  // caller has that too (Table::NameAhead).
  void build(std::uint32_t where, const std::string* folded_name = nullptr,
             const std::vector<std::pair<std::uint32_t, std::string_view>>& own_paths = {},
             const std::string_view* sector = nullptr);

  // The counts summed so far into the result's totals (when the reading is done).
  void total();
  // A field the province requires: blank for an organisation, the return
  // is refused (missing_value), not its figure left unknown.
  void require(std::size_t f) {
    if (f < n_) required_[f] = 1;
  }

 private:
  struct Memo {
    using Entry = std::pair<const std::string, std::optional<std::string>>;
    std::unordered_map<std::string, std::optional<std::string>> read;
    // The last few entries asked for, looked over before the map is hashed:
    // a kind alternates between two words, a rating between four.
    static constexpr std::size_t kRecent = 4;
    const Entry* recent[kRecent] = {};
    std::size_t next = 0;
  };
  // A kind or rating as written, read once: the same few words fill every
  // row, often the row above's.
  template <class Read>
  const std::optional<std::string>* memo(Memo& m, std::string_view text, Read read) {
    const Memo::Entry* found = nullptr;
    for (const Memo::Entry* e : m.recent)
      if (e != nullptr && e->first.size() == text.size() && e->first == text) {
        found = e;
        break;
      }
    if (found == nullptr) {
      auto it = m.read.find(std::string(text));
      if (it == m.read.end()) {
        if (m.read.size() > 1024) {
          m.read.clear();
          std::fill(std::begin(m.recent), std::end(m.recent), nullptr);
        }
        it = m.read.emplace(std::string(text), read(text)).first;
      }
      found = &*it;
      m.recent[m.next] = found;
      m.next = (m.next + 1) % Memo::kRecent;
    }
    return found->second ? &found->second : nullptr;
  }

  struct IndexedRule {
    Rule::Kind kind;
    std::vector<std::size_t> parts;
    std::size_t whole;
  };

  void count_error(CountError e, const Raw& raw, const Field& f);
  void formula_error(const Raw& raw, const Field& f);
  Place place_of(std::size_t f) const {
    const Raw* raw = given(f);
    return raw != nullptr ? place(*raw) : record_place();
  }
  void check_rules(std::string_view name);
  // A record with no value of field f (a count or the rating): its cell
  // blank, its key absent or null. Counted, and the first few places kept:
  // a field the return carries that is blank anywhere leaves the
  // district's figure of it unknown, never a sum that took the blank for 0
  // (total(), blank_warning()).
  void blank(std::size_t f) {
    if (blanks_[f]++ < kBlankPlaces) blank_at_[f].push_back(record_place());
  }
  void blank_warning(std::size_t f);
  // The record just added against the ones before of the same name: the
  // same figures are one organisation written twice (an error: it would be
  // counted twice), other figures a warning that both are counted.
  void check_once(std::string_view name, std::string_view folded);
  NameIndex names_;
  CompactRecord earlier_;
  static constexpr std::size_t kBlankPlaces = 5;
  // This record's blank counts, judged once its kind is known: a chi bộ has
  // no subordinate cells, so its blank cells_* (cells_total and its parts)
  // are 0, not unknown.
  std::vector<std::size_t> record_blanks_;
  std::vector<char> of_subordinate_cells_;
  // A total row that stated field f over every record built (the district's
  // own figure, its blanks read as 0 by its own sum): records then, else -1.
  std::vector<std::int64_t> confirmed_at_;
  std::int64_t built_ = 0;
  std::vector<char> required_;

  const Catalogue& cat_;
  Normalised& out_;
  std::size_t n_;
  std::vector<Raw> raw_;
  std::vector<char> given_;
  std::vector<char> carried_;     // fields any record of the return gave (its columns or keys)
  std::vector<char> unreadable_;  // fields with a value that could not be read
  std::size_t kind_guessed_ = 0;
  std::vector<std::int64_t> counts_;
  std::vector<char> has_;
  std::vector<std::size_t> touched_;
  std::vector<std::size_t> blanks_;
  std::vector<std::vector<Place>> blank_at_;
  std::vector<std::uint32_t> column_;  // tables: the column field f was read from
  std::size_t name_, kind_, rating_, sector_, cells_total_, admitted_, members_total_;
  std::vector<IndexedRule> rules_;
  const std::string* sheet_ = nullptr;
  std::uint32_t row_ = 0;
  std::string element_;
  CompactRecord record_;
  std::string kind_text_, sector_text_, rating_text_;
  Memo kinds_, ratings_;
  std::vector<std::int64_t> sums_;  // counts by field of the records built, into out_.totals by total()
};

// `text` names a district (a title, or a value in a district column): it
// must be the district the return was submitted for.
void check_district_text(const Registry& registry, std::string_view text, const Submission& sub, const Place& where,
                         bool whole_text, Builder& b);

// `text` names a period (a title such as "… NĂM 2018"), or is one (a value the
// catalogue's `period` field names, "2018"): it must be the submission's.
void check_period_text(std::string_view text, const Submission& sub, const Place& where, bool is_value, Builder& b);

// A total row's label (folded), also followed by numbers or single letters:
// "Tổng cộng (16)", "Cộng A + B".
bool is_total_label(const std::set<std::string>& labels, std::string_view folded);

}  // namespace tonghop::normalise::detail
