// The compound file (OLE2, [MS-CFB]) that holds an Excel 97-2003 workbook:
// a FAT of sector chains, a directory of named streams. Read from memory and
// bounded against hostile files: every chain is followed with a visited map
// (a loop is a refusal, never a hang), no size is trusted beyond the bytes
// the file has, and sector numbers past the end are refused.
//
// Tolerant where Excel and xlrd are: a short last sector (the padding of the
// final 512-byte block missing) reads as if zero-padded; stream names are
// matched in any case ("Workbook", "WORKBOOK", "Book").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tonghop::xls {

struct Stream {
  std::string bytes;
  bool cut_short = false;  // bytes of its declared size are not in the file: the tail is missing
  std::uint64_t real = 0;  // how many of its bytes the file holds
};

class CompoundFile {
 public:
  // Parses the header, FAT, mini FAT and directory. On failure error() says
  // why, in Vietnamese and English.
  explicit CompoundFile(std::string_view file);
  bool ok() const { return error_.empty(); }
  // The error is that the file ends before the structures it describes.
  bool incomplete() const { return incomplete_; }
  const std::string& error() const { return error_; }

  // Index of the stream named `name` (any case) directly in the root
  // storage, or -1.
  int find(std::string_view name) const;
  bool read(int entry, Stream& out);

 private:
  struct Entry {
    std::u16string name;
    std::uint8_t type = 0;  // 1 storage, 2 stream, 5 root
    std::uint32_t left = 0, right = 0, child = 0, start = 0;
    std::uint64_t size = 0;
  };
  static constexpr std::uint32_t kEnd = 0xFFFFFFFE, kFree = 0xFFFFFFFF, kNone = 0xFFFFFFFF;

  static bool named(const Entry& e, std::string_view name);
  bool fail(std::string message);
  bool past_end();
  std::uint32_t u32(std::uint64_t offset) const;
  // Appends sector `n`'s bytes (zero-padded when the file ends inside it,
  // *real_end then set to where the padding starts in `out`); false when it
  // starts past the end of the file.
  bool append_sector(std::uint32_t n, std::string& out, std::uint64_t* real_end = nullptr) const;
  // Follows a chain through `fat`, calling on_sector for each; false on a
  // loop or a number out of range (error_ set).
  template <class F>
  bool walk(const std::vector<std::uint32_t>& fat, std::uint32_t start, std::uint64_t max_sectors, F&& on_sector);
  bool read_fat();
  bool read_directory();
  bool read_mini_stream();
  bool read_chain(std::uint32_t start, std::uint64_t size, Stream& out);

  std::string_view file_;
  std::string error_;
  bool incomplete_ = false;
  std::uint64_t fat_capacity_ = 0;  // entries the FAT's sectors would hold were the file whole
  std::uint32_t sector_size_ = 512, mini_sector_size_ = 64, mini_cutoff_ = 4096;
  std::uint64_t sectors_ = 0;  // sectors the file holds (the last may be short)
  std::vector<std::uint32_t> fat_, mini_fat_;
  std::vector<Entry> entries_;
  std::string mini_stream_;
  std::uint64_t mini_real_ = 0;
};

}  // namespace tonghop::xls
