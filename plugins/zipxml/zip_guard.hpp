// The zip and XML machinery the office-format importers share (xlsx, ods).
// Checks a zip container before any part of it is inflated by the
// reader: the central directory must be whole and inside the file, every
// entry's inflated size must fit the limits (per entry, in total, and in
// ratio to its compressed size), nothing may be encrypted, and no XML part may
// declare a DTD (entity expansion, "billion laughs"). The reader allocates
// what the directory declares, so checking the directory bounds its memory; an
// entry whose data inflates past its declared size fails to inflate.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <tonghop/sdk/host.hpp>
#include <tonghop/sdk/status.hpp>

namespace tonghop::zipxml {

struct ZipEntry {
  std::string name;
  std::uint16_t flags = 0;
  std::uint16_t method = 0;  // 0 stored, 8 deflated
  std::uint64_t compressed = 0;
  std::uint64_t uncompressed = 0;
  std::uint64_t local_header = 0;
  std::uint32_t crc = 0;
};

// Bytes read a piece at a time: an entry as it inflates, or a plain buffer.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Writes up to `max` more bytes at `out` (which has room for them, and need
  // not be zeroed first); 0 at the end (or on an error, which error() then
  // names in English, error_vi() in Vietnamese).
  virtual std::size_t read(char* out, std::size_t max) = 0;
  virtual const std::string& error() const noexcept = 0;
  virtual const std::string& error_vi() const noexcept = 0;
  // The same, appended to `out`.
  std::size_t append(std::string& out, std::size_t max) {
    const std::size_t before = out.size();
    out.resize(before + max);
    const std::size_t n = read(out.data() + before, max);
    out.resize(before + n);
    return n;
  }
};

// A buffer already in memory (an XML file that is not in a zip).
class MemorySource final : public ByteSource {
 public:
  explicit MemorySource(std::string_view bytes) noexcept : bytes_(bytes) {}
  std::size_t read(char* out, std::size_t max) override {
    const std::size_t n = std::min(max, bytes_.size() - at_);
    bytes_.copy(out, n, at_);
    at_ += n;
    return n;
  }
  const std::string& error() const noexcept override { return error_; }
  const std::string& error_vi() const noexcept override { return error_; }

 private:
  std::string_view bytes_;
  std::size_t at_ = 0;
  std::string error_;
};

// The entries of a container found by name in any case ("xl/WorkBook.xml" is
// "xl/workbook.xml": zip part names are case-insensitive in OOXML and ODF),
// in constant time (a million look-ups of a missing part cost nothing).
class EntryIndex {
 public:
  EntryIndex() = default;
  explicit EntryIndex(std::vector<ZipEntry> entries);
  const ZipEntry* find(std::string_view name) const;
  const std::vector<ZipEntry>& entries() const noexcept { return entries_; }

 private:
  std::vector<ZipEntry> entries_;
  std::unordered_map<std::string, std::size_t> exact_;    // name -> first entry of that name
  std::unordered_map<std::string, std::size_t> by_name_;  // lower-case name -> first entry of that name
};

std::string lower_ascii(std::string_view s);

// Reads the central directory. invalid_input when it is not a zip or is
// truncated. Every refusal is "Vietnamese / English".
sdk::Status read_directory(std::string_view zip, std::vector<ZipEntry>& entries);

// All the checks above.
sdk::Status check_container(std::string_view zip, const sdk::Limits& limits, std::vector<ZipEntry>& entries);

// Inflates one entry chunk by chunk, never past its declared (and checked)
// size: an entry that inflates to more than it declares is an error.
class EntryStream final : public ByteSource {
 public:
  EntryStream(std::string_view zip, const ZipEntry& entry);
  ~EntryStream();
  EntryStream(const EntryStream&) = delete;
  EntryStream& operator=(const EntryStream&) = delete;

  // Inflates up to `max` more bytes at `out`; 0 at the end. Sets `error`
  // (and returns 0) when the data is damaged or too long.
  std::size_t read(char* out, std::size_t max) override;
  const std::string& error() const noexcept override { return error_; }
  const std::string& error_vi() const noexcept override { return error_vi_; }
  const ZipEntry& entry() const noexcept { return entry_; }

 private:
  const ZipEntry& entry_;
  std::string_view raw_;
  std::uint64_t produced_ = 0;
  unsigned long crc_ = 0;
  bool started_ = false, finished_ = false;
  void* z_ = nullptr;
  std::string error_, error_vi_;
  void fail(std::string vi, std::string en);
};

}  // namespace tonghop::zipxml
