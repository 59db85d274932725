// Test support: writes zip containers, including ones that lie, to make
// xlsx workbooks (and hostile ones) inside the tests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tonghop::test {

class ZipWriter {
 public:
  // A deflated entry with its true sizes and CRC.
  void add(const std::string& name, const std::string& content);
  // An entry from raw deflate data, declaring whatever sizes and CRC it is told.
  void add_raw(const std::string& name, const std::string& deflated, std::uint32_t crc, std::uint64_t declared_size);
  std::string finish() const;

 private:
  struct Entry {
    std::string name, data;
    std::uint32_t crc;
    std::uint64_t size;
  };
  std::vector<Entry> entries_;
};

// A minimal workbook: one sheet "Biểu 01" with the given sheetData inner XML
// (and a sharedStrings part when shared_strings is not empty, xl/styles.xml
// when styles is).
// A package's start: its [Content_Types].xml and the relationship to
// xl/workbook.xml, for a test to add the workbook and sheets it needs.
ZipWriter xlsx_package();
std::string minimal_xlsx(const std::string& sheet_data, const std::string& shared_strings = {},
                         const std::string& merge_cells = {}, const std::string& styles = {});

// Raw deflate of `chunk` repeated `times` times, without holding it all:
// each chunk is a full-flush block, so the same compressed bytes repeat.
struct Bomb {
  std::string deflated;
  std::uint32_t crc = 0;
  std::uint64_t size = 0;
};
Bomb make_bomb(const std::string& prefix, const std::string& chunk, std::uint64_t times, const std::string& suffix);

}  // namespace tonghop::test
