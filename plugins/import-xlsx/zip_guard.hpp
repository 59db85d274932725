// Checks an xlsx (zip) container before any part of it is inflated by the
// reader: the central directory must be whole and inside the file, every
// entry's inflated size must fit the limits (per entry, in total, and in
// ratio to its compressed size), nothing may be encrypted, and no XML part may
// declare a DTD (entity expansion, "billion laughs"). The reader allocates
// what the directory declares, so checking the directory bounds its memory; an
// entry whose data inflates past its declared size fails to inflate.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <tonghop/sdk/host.hpp>
#include <tonghop/sdk/status.hpp>

namespace tonghop::xlsx {

struct ZipEntry {
  std::string name;
  std::uint16_t flags = 0;
  std::uint16_t method = 0;  // 0 stored, 8 deflated
  std::uint64_t compressed = 0;
  std::uint64_t uncompressed = 0;
  std::uint64_t local_header = 0;
  std::uint32_t crc = 0;
};

// Reads the central directory. invalid_input when it is not a zip or is
// truncated.
sdk::Status read_directory(std::string_view zip, std::vector<ZipEntry>& entries);

// All the checks above.
sdk::Status check_container(std::string_view zip, const sdk::Limits& limits, std::vector<ZipEntry>& entries);

// Inflates one entry chunk by chunk, never past its declared (and checked)
// size: an entry that inflates to more than it declares is an error.
class EntryStream {
 public:
  EntryStream(std::string_view zip, const ZipEntry& entry);
  ~EntryStream();
  EntryStream(const EntryStream&) = delete;
  EntryStream& operator=(const EntryStream&) = delete;

  // Appends up to `max` more inflated bytes to `out`; 0 at the end. Sets
  // `error` (and returns 0) when the data is damaged or too long.
  std::size_t read(std::string& out, std::size_t max);
  const std::string& error() const noexcept { return error_; }
  const ZipEntry& entry() const noexcept { return entry_; }

 private:
  const ZipEntry& entry_;
  std::string_view raw_;
  std::uint64_t produced_ = 0;
  unsigned long crc_ = 0;
  bool started_ = false, finished_ = false;
  void* z_ = nullptr;
  std::string error_;
};

}  // namespace tonghop::xlsx
