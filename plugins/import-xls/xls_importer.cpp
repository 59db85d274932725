// The xls importer: Excel 97-2003 (BIFF) workbooks through FreeXL, which
// decodes text by the workbook's code page to UTF-8. FreeXL opens files by
// path, so the bytes are handed to it through an anonymous memory file.
// FreeXL gives no fonts and no merged ranges; text typed in a TCVN3 font
// arrives as the Latin letters of its bytes, and the normaliser recognises
// that pattern.
#include <cstdio>
#include <cstring>
#include <string>

#include <freexl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <tonghop/sdk.hpp>

namespace sdk = tonghop::sdk;

namespace {

constexpr unsigned char kOle2[] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};

std::string freexl_reason(int rc) {
  switch (rc) {
    case FREEXL_INSUFFICIENT_MEMORY: return "not enough memory";
    case FREEXL_CFBF_INVALID_SIGNATURE: return "not an OLE2 compound document";
    case FREEXL_CFBF_INVALID_SECTOR_SIZE:
    case FREEXL_CFBF_EMPTY_FAT_CHAIN:
    case FREEXL_CFBF_ILLEGAL_FAT_ENTRY:
    case FREEXL_CFBF_ILLEGAL_MINI_FAT_ENTRY: return "its compound-document structure is damaged";
    case FREEXL_BIFF_INVALID_BOF: return "no workbook stream was found (is it encrypted, or a Word file?)";
    case FREEXL_BIFF_INVALID_SST: return "its shared-string table is damaged";
    case FREEXL_BIFF_ILLEGAL_SST_INDEX: return "a cell refers to a string that does not exist";
    case FREEXL_BIFF_WORKBOOK_NOT_FOUND: return "no workbook stream was found (is it encrypted, or a Word file?)";
    case FREEXL_BIFF_ILLEGAL_SHEET_INDEX: return "a sheet is missing";
    case FREEXL_INVALID_CFBF_HEADER: return "its compound-document header is damaged";
    case FREEXL_CFBF_READ_ERROR:
    case FREEXL_CFBF_SEEK_ERROR: return "it is truncated";
    case FREEXL_INVALID_CHARACTER: return "a text is not valid in the workbook's code page";
    case FREEXL_UNSUPPORTED_CHARSET: return "its code page is not supported";
    case FREEXL_ILLEGAL_CELL_ROW_COL: return "a cell lies outside the sheet";
    case FREEXL_ILLEGAL_RK_VALUE: return "a number is damaged";
    case FREEXL_INVALID_MINI_STREAM: return "its compound-document structure is damaged";
    case FREEXL_CRAFTED_FILE: return "it is severely damaged or crafted to mislead readers";
    default: return "FreeXL error " + std::to_string(rc);
  }
}

std::string codepage_name(unsigned cp) {
  switch (cp) {
    case FREEXL_BIFF_UTF16LE: return "utf-16le";
    case FREEXL_BIFF_CP1252: return "windows-1252";
    case FREEXL_BIFF_CP1258: return "windows-1258";
    case FREEXL_BIFF_ASCII: return "ascii";
    default: return "code page " + std::to_string(cp);
  }
}

// An anonymous in-memory file holding the bytes, with a path FreeXL can open.
class MemoryFile {
 public:
  explicit MemoryFile(sdk::Bytes bytes) {
    fd_ = memfd_create("tonghop-xls", MFD_CLOEXEC);
    if (fd_ < 0) return;
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
      if (n <= 0) {
        ::close(fd_);
        fd_ = -1;
        return;
      }
      done += static_cast<std::size_t>(n);
    }
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  ~MemoryFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;
  const std::string& path() const { return path_; }
  bool ok() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
  std::string path_;
};

class Handle {
 public:
  ~Handle() {
    if (h_ != nullptr) freexl_close(h_);
  }
  const void** out() { return &h_; }
  const void* get() const { return h_; }

 private:
  const void* h_ = nullptr;
};

std::string number_text(double v) {
  char buf[40];
  if (static_cast<double>(static_cast<long long>(v)) == v && v < 1e15 && v > -1e15)
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v));
  else
    std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

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
    if (limits.max_input_bytes != 0 && source.bytes.size() > limits.max_input_bytes)
      return {sdk::Code::limit_exceeded, "the workbook (" + std::to_string(source.bytes.size()) +
                                             " bytes) is larger than the limit of " +
                                             std::to_string(limits.max_input_bytes) + " bytes"};
    if (source.bytes.size() < sizeof kOle2 || std::memcmp(source.bytes.data(), kOle2, sizeof kOle2) != 0)
      return {sdk::Code::invalid_input, "not an Excel 97-2003 workbook (no OLE2 signature)"};
    MemoryFile file(source.bytes);
    if (!file.ok()) return {sdk::Code::internal, "cannot hand the workbook to FreeXL (memfd failed)"};

    Handle handle;
    const int rc = freexl_open(file.path().c_str(), handle.out());
    if (rc != FREEXL_OK) return {sdk::Code::invalid_input, "the workbook cannot be read: " + freexl_reason(rc)};
    // FreeXL 1.0.6 can say OK and give no handle.
    if (handle.get() == nullptr) return {sdk::Code::invalid_input,
              "the workbook cannot be read: it is damaged, or older than Excel 97 (BIFF5); open it in Excel, "
              "save it as .xlsx and resend it"};

    unsigned info = 0;
    if (freexl_get_info(handle.get(), FREEXL_BIFF_PASSWORD, &info) == FREEXL_OK && info == FREEXL_BIFF_OBFUSCATED)
      return {sdk::Code::unsupported, "the workbook is password-protected; remove the password and resend it"};
    if (freexl_get_info(handle.get(), FREEXL_BIFF_CODEPAGE, &info) == FREEXL_OK)
      if (auto s = sink.property("codepage", codepage_name(info)); !s.ok()) return s;
    if (freexl_get_info(handle.get(), FREEXL_BIFF_DATEMODE, &info) == FREEXL_OK)
      if (auto s = sink.property("date_system", info == FREEXL_BIFF_DATEMODE_1904 ? "1904" : "1900"); !s.ok()) return s;
    unsigned sheets = 0;
    if (freexl_get_info(handle.get(), FREEXL_BIFF_SHEET_COUNT, &sheets) != FREEXL_OK)
      return {sdk::Code::invalid_input, "the workbook has no sheet list"};

    std::uint64_t cells = 0;
    for (unsigned short index = 0; index < sheets; ++index) {
      const char* name = nullptr;
      if (freexl_get_worksheet_name(handle.get(), index, &name) != FREEXL_OK || name == nullptr) name = "";
      if (auto s = sink.begin_sheet(name); !s.ok()) return s;
      unsigned rows = 0;
      unsigned short columns = 0;
      if (freexl_select_active_worksheet(handle.get(), index) != FREEXL_OK ||
          freexl_worksheet_dimensions(handle.get(), &rows, &columns) != FREEXL_OK) {
        if (auto s = sink.end_sheet(); !s.ok()) return s;
        continue;
      }
      for (unsigned r = 0; r < rows; ++r) {
        for (unsigned short c = 0; c < columns; ++c) {
          FreeXL_CellValue v{};
          if (freexl_get_cell_value(handle.get(), r, c, &v) != FREEXL_OK || v.type == FREEXL_CELL_NULL) continue;
          if (limits.max_cells != 0 && ++cells > limits.max_cells) {
            sdk::Location where;
            where.sheet = name;
            where.row = r + 1;
            where.column = c + 1u;
            return {sdk::Code::limit_exceeded,
                    "the workbook has more cells than the limit of " + std::to_string(limits.max_cells), where};
          }
          sdk::CellView cell;
          cell.row = r + 1;
          cell.column = c + 1u;
          std::string text;
          switch (v.type) {
            case FREEXL_CELL_INT:
              cell.type = sdk::CellType::number;
              cell.number = v.value.int_value;
              text = std::to_string(v.value.int_value);
              break;
            case FREEXL_CELL_DOUBLE:
              cell.type = sdk::CellType::number;
              cell.number = v.value.double_value;
              text = number_text(v.value.double_value);
              break;
            case FREEXL_CELL_DATE:
            case FREEXL_CELL_DATETIME:
            case FREEXL_CELL_TIME:
              cell.type = sdk::CellType::text;  // "YYYY-MM-DD [HH:MM:SS]"
              cell.number_format = v.type == FREEXL_CELL_TIME ? "hh:mm:ss" : "yyyy-mm-dd";
              text = v.value.text_value ? v.value.text_value : "";
              break;
            default:
              cell.type = sdk::CellType::text;
              text = v.value.text_value ? v.value.text_value : "";
              if (limits.max_field_bytes != 0 && text.size() > limits.max_field_bytes) {
                sdk::Location where;
                where.sheet = name;
                where.row = cell.row;
                where.column = cell.column;
                return {sdk::Code::limit_exceeded, "a cell is longer than the limit", where};
              }
          }
          cell.text = text;
          if (auto s = sink.cell(cell); !s.ok()) return s;
        }
      }
      if (auto s = sink.end_sheet(); !s.ok()) return s;
    }
    return {};
  }
};

}  // namespace

TONGHOP_PLUGIN(XlsImporter, importer, "import-xls", "1.0.0", "xls", "application/vnd.ms-excel",
               "Excel 97-2003 workbooks (FreeXL), text decoded by the workbook's code page")
