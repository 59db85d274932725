// The xlsx importer: Excel 2007+ workbooks read part by part, streaming.
// zip_guard checks the container (bombs, truncation, encryption, DTDs) before
// anything is inflated; each part is then inflated in chunks and read with a
// small pull XML reader, so that only the shared strings and a window of the
// sheet being read are in memory. Cells go to the host's sink with their font
// name (".VnTime" means TCVN3 text) and number format; merged ranges follow
// each sheet's cells. workbook.cpp reads the parts before the sheets,
// sheet.cpp the sheets, ooxml.cpp OOXML's small notations.
//
// (liborcus 0.17, the version Debian 12 ships, was tried first: it leaves
// inline-string cells empty, skips sheets whose relationship targets are
// absolute, may read styles after the sheets, and inflates every part whole.)
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include <tonghop/sdk.hpp>

#include "workbook.hpp"
#include "zip_guard.hpp"

namespace sdk = tonghop::sdk;
using tonghop::zipxml::ZipEntry;

namespace {

class XlsxImporter final : public sdk::Importer {
 public:
  using sdk::Importer::Importer;

 protected:
  sdk::Confidence do_sniff(sdk::Bytes head, std::string_view filename) const override {
    const std::string ext = sdk::extension_of(filename);
    const bool xlsx_name = ext == "xlsx" || ext == "xlsm";
    if (head.size() < 4 || std::memcmp(head.data(), "PK\x03\x04", 4) != 0)
      return xlsx_name ? sdk::confidence::name_only : sdk::confidence::none;
    // The first entries' names are in the head: look for a workbook's.
    const std::string_view text(reinterpret_cast<const char*>(head.data()), head.size());
    if (text.find("xl/") != std::string_view::npos || text.find("[Content_Types].xml") != std::string_view::npos)
      return sdk::confidence::signature;
    return xlsx_name ? sdk::confidence::plausible : sdk::confidence::name_only;
  }

  sdk::Status do_read(const sdk::Source& source, const sdk::Limits& limits, sdk::DocumentSink& sink) const override {
    if (auto s = sdk::check_input_size(source, limits, "workbook"); !s.ok()) return s;
    const std::string_view bytes(reinterpret_cast<const char*>(source.bytes.data()), source.bytes.size());
    std::vector<ZipEntry> entries;
    if (auto s = tonghop::zipxml::check_container(bytes, limits, entries); !s.ok()) return s;
    const bool is_workbook = std::any_of(entries.begin(), entries.end(), [](const ZipEntry& e) {
      const std::string name = tonghop::zipxml::lower_ascii(e.name);
      return name.ends_with("workbook.xml") || name.ends_with("workbook.bin");
    });
    if (!is_workbook) {
      const bool ods = std::any_of(entries.begin(), entries.end(), [](const ZipEntry& e) { return e.name == "content.xml"; });
      return {sdk::Code::invalid_input,
              ods ? "đây là tệp OpenDocument (.ods), không phải bảng tính Excel: hãy gửi lại với đuôi tên .ods, hoặc "
                    "lưu lại dạng .xlsx rồi gửi lại / an OpenDocument file (.ods), not an Excel workbook: send it with "
                    "the name .ods, or save it as .xlsx"
                  : "đây là tệp nén zip nhưng không phải bảng tính Excel (không có phần workbook); hãy kiểm tra lại "
                    "tệp đã gửi / a zip file, but not an Excel workbook (it has no workbook part)"};
    }
    tonghop::xlsx::Workbook book(bytes, std::move(entries), limits, sink);
    return book.read();
  }
};

}  // namespace

TONGHOP_PLUGIN(XlsxImporter, importer, "import-xlsx", "1.0.0", "xlsx xlsm",
               "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet "
               "application/vnd.ms-excel.sheet.macroEnabled.12",
               "Excel 2007+ workbooks, streamed: every sheet, cached formula results, fonts, merged ranges")
