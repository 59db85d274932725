// The tree reader: a tree document (JSON) as the importer streams it, the
// array of organisations found in a first pass, each element a record in the
// second.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "normalise/builder.hpp"
#include "normalise/unmapped.hpp"
#include "tonghop/sdk/document.hpp"

namespace tonghop::normalise::detail {

// "/to_chuc/17/ten" -> ("/to_chuc", 17): the first segment that is an array
// index (0, or 1 to 9 digits without a leading zero) with more after it.
std::optional<std::pair<std::string_view, std::uint32_t>> element_of(std::string_view pointer);

// A tree document (JSON), read as the importer streams it. The array of
// organisations is the one whose elements hold the most values
// ("/to_chuc_co_so_dang/17/ten" -> "/to_chuc_co_so_dang"); that is known only
// at the end, so a first pass counts (keeping nothing else) and a second,
// knowing the array, makes each element a record as soon as it ends. What
// lies outside the array (the district, the period) is checked as it comes.
class TreeReader {
 public:
  TreeReader(const Catalogue& cat, const Registry& registry, const Submission& sub, const Policy& policy,
             const Profile* profile, std::optional<std::string> array);
  TreeReader(const TreeReader&) = delete;
  TreeReader& operator=(const TreeReader&) = delete;

  // Every value of the document, in order. Refuses only a document with
  // more arrays of elements than anyone writes (kMaxArrays).
  sdk::Status scalar(std::string_view pointer, const sdk::ScalarView& v);

  // After the first pass: the array found, if any.
  std::optional<std::string> array_found() const;

  // The second pass's records (or, after a first pass that found no array, the refusal).
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
  sdk::Status count(std::string_view pointer);

  // What a key inside an element maps to: read once per distinct path.
  struct Mapping {
    std::size_t field;    // the catalogue's index, or npos
    std::string key;      // the folded segments, for the warning
    bool ignored = false;  // a key the catalogue says to leave out quietly
  };
  const Mapping& mapping(std::string_view rel);

  // Second pass: one value of the current element.
  void value(std::string_view pointer, std::string_view rel, const sdk::ScalarView& v);

  // The element read so far becomes a record.
  void flush();

  const Catalogue& cat_;
  const Registry& registry_;
  const Submission& sub_;
  const Policy& policy_;
  const Profile* profile_;
  std::optional<std::string> array_;  // known: the second pass
  Normalised out_;
  Builder b_;  // into out_
  // First pass.
  std::map<std::string, Count> arrays_;
  std::string counting_path_;
  Count* counting_ = nullptr;
  // Second pass.
  std::size_t district_field_ = 0, name_field_ = 0;
  // Looked up by the pointer's view for every value: no string made for it.
  struct ViewHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, Mapping, ViewHash, std::equal_to<>> mappings_;
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
  std::map<std::size_t, std::pair<Raw, std::string_view>> values_;  // field -> (raw, path inside the element)
  std::deque<std::string> kept_;
  std::vector<std::pair<std::uint32_t, std::string_view>> own_;
  // This element's figures under keys that name no field, compared at its end
  // with the element's wholes (members_total …), as a table's columns are.
  std::vector<std::pair<Watch*, std::int64_t>> pending_;
  std::vector<std::size_t> wholes_;
};

}  // namespace tonghop::normalise::detail
