// The tree reader: a tree document (JSON) as the importer streams it, the
// array of organisations found in a first pass, each element a record in the
// second.
#pragma once

#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "normalise/builder.hpp"
#include "normalise/tree_handoff.hpp"
#include "normalise/unmapped.hpp"
#include "tonghop/sdk/document.hpp"

namespace tonghop::normalise::detail {

// "/to_chuc/17/ten" -> ("/to_chuc", 17): the first segment that is an array
// index (0, or 1 to 9 digits without a leading zero) with more after it.
std::optional<std::pair<std::string_view, std::uint32_t>> element_of(std::string_view pointer);

// A tree document (JSON), read as the importer streams it. The array of
// organisations is the one whose elements hold the most values
// ("/to_chuc_co_so_dang/17/ten" -> "/to_chuc_co_so_dang"); that is known only
// at the end. The first pass counts the elements of every array and, as it
// goes, reads the first array it meets as if it were the one (speculation):
// when the count confirms it at the end, as it does for every return written
// the usual way, that reading is the result and no second pass is needed.
// Otherwise a second pass, knowing the array, makes each element a record as
// soon as it ends. What lies outside the array (the district, the period) is
// checked as it comes. Either way the records, errors and warnings are those
// a second pass would give.
class TreeReader {
 public:
  TreeReader(const Catalogue& cat, const Registry& registry, const Submission& sub, const Policy& policy,
             const Profile* profile, std::optional<std::string> array);
  TreeReader(const TreeReader&) = delete;
  TreeReader& operator=(const TreeReader&) = delete;
  ~TreeReader();

  // Every value of the document, in order. Refuses only a document with
  // more arrays of elements than anyone writes (kMaxArrays).
  sdk::Status scalar(std::string_view pointer, const sdk::ScalarView& v);

  // After the first pass: the array found, if any.
  std::optional<std::string> array_found() const;

  // After the first pass: whether an array was found that the first pass
  // did not read (a second pass, knowing it, must).
  bool needs_second_pass() const;

  // The records (or, after a first pass that found no array, the refusal).
  Normalised finish();

 private:
  // Keys of a pointer's segments, folded: "/dang_vien/nu" -> ("dang vien", "nu").
  // Connectors left out ("/dang_vien/trong_do/nu").
  static std::vector<std::string> segments(std::string_view rel, const Catalogue& cat);

  static std::string_view text_of(const sdk::ScalarView& v);

  // First pass: elements holding values, by array.
  struct Count {
    std::size_t elements = 0;
    std::uint32_t last = 0;
  };
  static constexpr std::size_t kMaxArrays = 65536;
  using Element = std::optional<std::pair<std::string_view, std::uint32_t>>;
  sdk::Status count(std::string_view pointer, const Element& e);

  // A value to read, here or, once the document is large, on the worker;
  // `array`: the speculation's array starts (its path in `pointer`).
  [[gnu::always_inline]] void send(std::string_view pointer, const sdk::ScalarView& v, bool array,
                                   std::uint32_t element, std::uint32_t rel) {
    if (handoff_) [[likely]] handoff_->put(pointer, v, array, element, rel);  // the usual case, inline
    else send_here(pointer, v, array, element, rel);
  }
  void send_here(std::string_view pointer, const sdk::ScalarView& v, bool array, std::uint32_t element,
                 std::uint32_t rel);
  void take(std::string_view pointer, const sdk::ScalarView& v, bool array, std::uint32_t element, std::uint32_t rel);
  // Where a value is against the array read (reading_), on the importer's thread.
  enum class Located { outside, no_element, not_index, element };
  Located locate(std::string_view pointer, std::uint32_t& element, std::uint32_t& rel) {
    // Under the element before (located_ is empty until one is found, and
    // emptied when the array read changes): the same element. Inline.
    const std::size_t n = located_.size();
    if (n != 0 && pointer.size() > n && pointer[n] == '/' && same_start(pointer, located_)) {
      element = located_element_;
      rel = static_cast<std::uint32_t>(n);
      return Located::element;
    }
    return locate_new(pointer, element, rel);
  }
  Located locate_new(std::string_view pointer, std::uint32_t& element, std::uint32_t& rel);
  // Whether `pointer` starts with `prefix` (no longer than it): for 8 to 16
  // bytes, two overlapping words instead of a call to memcmp.
  static bool same_start(std::string_view pointer, std::string_view prefix) {
    const std::size_t n = prefix.size();
    if (n < 8 || n > 16) return std::memcmp(pointer.data(), prefix.data(), n) == 0;
    std::uint64_t a0, a1, b0, b1;
    std::memcpy(&a0, pointer.data(), 8);
    std::memcpy(&b0, prefix.data(), 8);
    std::memcpy(&a1, pointer.data() + n - 8, 8);
    std::memcpy(&b1, prefix.data() + n - 8, 8);
    return ((a0 ^ b0) | (a1 ^ b1)) == 0;
  }
  // The element last located: its pointer ("/to_chuc/17") and index. An
  // element's values come together: the next value is most often under it.
  std::string located_;
  std::uint32_t located_element_ = 0;
  static constexpr std::size_t kInline = 16384;  // values read here before the worker starts
  std::size_t taken_ = 0;

  // The array read from now on: its layout (constructor, or the speculation's start).
  void read_array(std::string array);
  // The first pass's speculation: the array it read is the one found.
  bool confirmed() const;

  // What a key inside an element maps to: read once per distinct path.
  struct Unmapped;
  struct Mapping {
    std::size_t field;    // the catalogue's index, or npos
    std::string key;      // the folded segments, for the warning
    bool ignored = false;  // a key the catalogue says to leave out quietly
    Unmapped* unmapped = nullptr;  // its watch, once made
  };
  using MappingEntry = std::pair<const std::string, Mapping>;
  MappingEntry& mapping(std::string_view rel);
  // Entries are compared by address (their keys differ): only within one
  // generation, which ends when mappings_ is cleared.
  std::uint32_t generation_ = 0;

  // A value outside the array: the report's own facts.
  void outside(std::string_view pointer, const sdk::ScalarView& v);
  // A value inside the array (the element's index parsed from the pointer, or given).
  void inside(std::string_view pointer, const sdk::ScalarView& v);
  void inside(std::string_view pointer, const sdk::ScalarView& v, std::uint32_t element, std::size_t rel);
  // One value of the current element.
  void value(std::string_view pointer, std::string_view rel, const sdk::ScalarView& v);

  // The element read so far becomes a record.
  void flush();

  const Catalogue& cat_;
  const Registry& registry_;
  const Submission& sub_;
  const Policy& policy_;
  const Profile* profile_;
  const bool first_pass_;              // constructed without the array
  std::optional<std::string> array_;  // known (second pass), or speculated (first)
  Normalised out_;
  Builder b_;  // into out_
  // First pass.
  std::map<std::string, Count> arrays_;
  std::string counting_path_;
  Count* counting_ = nullptr;
  Count* reading_count_ = nullptr;  // the count of the array read (reading_), once met
  // The speculation: alive until a value before the first element would
  // have been inside its array (then a second pass reads it).
  bool speculating_ = true;
  static constexpr std::size_t kMaxBefore = 256;
  std::vector<std::string> before_;  // pointers of the values before the first element
  std::optional<std::string> guess_;  // the array the first pass reads
  std::optional<std::string> reading_;  // the array read, as the importer's thread knows it
  // Second pass.
  std::size_t district_field_ = 0, name_field_ = 0;
  // Looked up by the pointer's view: no string made for it.
  struct ViewHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, Mapping, ViewHash, std::equal_to<>> mappings_;
  // Elements mostly hold the same keys in the same order: the n-th key of
  // the element before, compared before anything is hashed.
  static constexpr std::size_t kMaxSequence = 1024;
  std::vector<MappingEntry*> sequence_;
  std::size_t at_ = 0;  // values of the current element so far
  // Keys that name no field: the first pointer, and what they hold.
  struct Unmapped {
    std::string first;
    Watch watch;
  };
  static constexpr std::size_t kMaxWatched = 256;
  std::map<std::string, Unmapped> unmapped_;
  void unmapped_and_required();
  bool in_element_ = false;
  std::uint32_t element_ = 0;
  // The current element's values by field, their texts and pointers kept in
  // kept_ (the importer's views last one call): offsets until the element ends.
  struct Slot {
    bool set = false;
    bool is_number = false;
    double number = 0;
    std::size_t pointer = 0, pointer_size = 0, rel_size = 0, text = 0, text_size = 0;
    const MappingEntry* entry = nullptr;  // its key's entry, of generation `generation`
    std::uint32_t generation = 0;
  };
  // For each field, the entry whose key is the layout's path (l.paths), so
  // that an element with the usual keys compares addresses, not paths.
  struct LayoutKey {
    const MappingEntry* entry = nullptr;
    std::uint32_t generation = 0;
  };
  std::vector<LayoutKey> layout_keys_;
  // A field given a second value in the element whose first is `first`.
  void twice(const Slot& first, std::size_t field, std::string_view pointer, const sdk::ScalarView& v);
  std::vector<Slot> slots_;
  std::vector<std::size_t> given_;  // fields set in this element
  std::string kept_;
  std::vector<std::pair<std::uint32_t, std::string_view>> own_;
  std::string element_path_;
  // This element's figures under keys that name no field, compared at its end
  // with the element's wholes (members_total …), as a table's columns are.
  std::vector<std::pair<Watch*, std::int64_t>> pending_;
  std::vector<std::size_t> wholes_;
  // Last: ended (the worker joined) before anything it reads goes.
  std::unique_ptr<TreeHandoff> handoff_;
};

}  // namespace tonghop::normalise::detail
