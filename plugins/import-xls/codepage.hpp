// Byte strings of BIFF5/7 workbooks (Excel 5.0/95), decoded by the code page
// the workbook names in its CODEPAGE record: windows-1252 by a table (its five
// unassigned bytes kept as the C1 controls Windows gives them), the others
// through iconv (windows-1258 composes its combining tones).
#pragma once

#include <string>
#include <string_view>

namespace tonghop::xls {

class CodePage {
 public:
  explicit CodePage(unsigned number = 1252);
  ~CodePage();
  CodePage(const CodePage&) = delete;
  CodePage& operator=(const CodePage&) = delete;
  // False when the code page is unknown to iconv.
  bool ok() const { return number_ == 1252 || number_ == 1200 || cd_ != nullptr; }
  unsigned number() const { return number_; }
  // "windows-1258", "utf-16le" (the name the importer reports).
  std::string name() const;
  // Appends the UTF-8 of `bytes`; false when they are not valid text in it.
  bool decode(std::string_view bytes, std::string& out);

 private:
  unsigned number_;
  void* cd_ = nullptr;
};

}  // namespace tonghop::xls
