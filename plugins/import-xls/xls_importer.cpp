// The xls importer: Excel 97-2003 (BIFF8) and Excel 5.0/95 (BIFF5/7)
// workbooks, read by the project's own compound-file and BIFF readers
// (cfb.cpp, biff.cpp, workbook.cpp, sheet.cpp): every cell with its formula's
// cached result, its font name (".VnTime" means TCVN3 text) and number
// format, and the merged ranges, sent as the xlsx importer sends them.
// Bounded against hostile files by the readers themselves and by the host's
// limits; the host runs it in its import worker.
//
// (FreeXL, used before, gave no formula results, fonts or merges, and
// refused files with a short last sector or a stream named "BOOK".)
#include <cstring>

#include <tonghop/sdk.hpp>

#include "workbook.hpp"

namespace sdk = tonghop::sdk;

namespace {

constexpr unsigned char kOle2[] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};

class XlsImporter final : public sdk::Importer {
 public:
  using sdk::Importer::Importer;

 protected:
  sdk::Confidence do_sniff(sdk::Bytes head, std::string_view filename) const override {
    const bool xls_name = sdk::extension_of(filename) == "xls";
    if (head.size() >= sizeof kOle2 && std::memcmp(head.data(), kOle2, sizeof kOle2) == 0)
      return xls_name ? sdk::confidence::certain : sdk::confidence::signature;
    return xls_name ? sdk::confidence::name_only : sdk::confidence::none;
  }

  sdk::Status do_read(const sdk::Source& source, const sdk::Limits& limits, sdk::DocumentSink& sink) const override {
    if (auto s = sdk::check_input_size(source, limits, "workbook"); !s.ok()) return s;
    const std::string_view bytes(reinterpret_cast<const char*>(source.bytes.data()), source.bytes.size());
    tonghop::xls::Workbook book(bytes, limits, sink);
    return book.read();
  }
};

}  // namespace

TONGHOP_PLUGIN(XlsImporter, importer, "import-xls", "2.0.0", "xls", "application/vnd.ms-excel",
               "Excel 97-2003 and 5.0/95 workbooks: every sheet, cached formula results, fonts, number formats, "
               "merged ranges, text by the workbook's code page")
