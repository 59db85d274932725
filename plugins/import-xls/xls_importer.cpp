// The xls importer: Excel 97-2003 (BIFF) workbooks through FreeXL, which
// decodes text by the workbook's code page to UTF-8. FreeXL opens files by
// path, so the bytes are handed to it through an anonymous memory file.
// FreeXL gives no fonts and no merged ranges; text typed in a TCVN3 font
// arrives as the Latin letters of its bytes, and the normaliser recognises
// that pattern.
//
// FreeXL runs in a child process. Fuzzing found that FreeXL 1.0.6 reads past
// a stack buffer on crafted files (inside freexl_open); in the daemon's own
// process that could crash it or worse. The child has its memory and CPU
// bounded, streams what it reads back over a pipe, and when it dies the file
// is refused with a reason: the daemon stays up.
#include <cstdio>
#include <algorithm>
#include <cstring>
#include <string>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <vector>

#include <fcntl.h>
#include <freexl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <tonghop/sdk.hpp>

namespace sdk = tonghop::sdk;

#if defined(__SANITIZE_ADDRESS__)
#define TONGHOP_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TONGHOP_UNDER_ASAN 1
#endif
#endif
#ifndef TONGHOP_UNDER_ASAN
#define TONGHOP_UNDER_ASAN 0
#endif
#if TONGHOP_UNDER_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

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
    if (auto s = sdk::check_input_size(source, limits, "workbook"); !s.ok()) return s;
    if (source.bytes.size() < sizeof kOle2 || std::memcmp(source.bytes.data(), kOle2, sizeof kOle2) != 0)
      return {sdk::Code::invalid_input, "not an Excel 97-2003 workbook (no OLE2 signature)"};
    MemoryFile file(source.bytes);
    if (!file.ok()) return {sdk::Code::internal, "cannot hand the workbook to FreeXL (memfd failed)"};
    return read_isolated(file.path(), limits, sink);
  }

 private:
  // Runs FreeXL in a child and replays what it sends into the sink.
  sdk::Status read_isolated(const std::string& path, const sdk::Limits& limits, sdk::DocumentSink& sink) const {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return {sdk::Code::internal, "cannot start the xls reader (pipe)"};
    const pid_t pid = ::fork();
    if (pid < 0) {
      ::close(fds[0]);
      ::close(fds[1]);
      return {sdk::Code::internal, "cannot start the xls reader (fork)"};
    }
    if (pid == 0) {
      ::close(fds[0]);
      child_main(path, limits, fds[1]);  // never returns
    }
    ::close(fds[1]);
    Replay replay(fds[0], limits, sink);
    sdk::Status status = replay.run();
    ::close(fds[0]);
    int wstatus = 0;
    if (!replay.finished()) ::kill(pid, SIGKILL);
    while (::waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
    }
    if (!status.ok()) return status;
    if (WIFSIGNALED(wstatus) || !replay.finished())
      return {sdk::Code::invalid_input,
              "the workbook is damaged: the xls reader failed on it (" +
                  std::string(WIFSIGNALED(wstatus) ? strsignal(WTERMSIG(wstatus)) : "no end") +
                  "); open it in Excel, save it as .xlsx and resend it"};
    return replay.result();
  }

  // ---- the child: FreeXL, then the cells down the pipe ----

  [[noreturn]] static void child_main(const std::string& path, const sdk::Limits& limits, int fd) {
    // A crash here must be just this child's death: no handler inherited
    // from the parent (a sanitizer's or a fuzzer's) may act on it.
#if TONGHOP_UNDER_ASAN
    __sanitizer_set_death_callback(nullptr);
#endif
    for (const int sig : {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL, SIGALRM, SIGXCPU})
      std::signal(sig, SIG_DFL);
#if !TONGHOP_UNDER_ASAN  // AddressSanitizer reserves terabytes of address space
    rlimit mem{1ul << 30, 1ul << 30};  // FreeXL holds a sheet's cells at once; 1 GiB is plenty for a return
    ::setrlimit(RLIMIT_AS, &mem);
#endif
    if (limits.max_seconds != 0) {
      rlimit cpu{limits.max_seconds, limits.max_seconds + 1};
      ::setrlimit(RLIMIT_CPU, &cpu);
    }
    Writer out(fd);
    read_with_freexl(path, limits, out);
    out.flush();
    ::_exit(0);
  }

  // Messages: 'P' property, 'S' sheet, 'C' cell, 'E' end of sheet, 'X' error, 'D' done.
  class Writer {
   public:
    explicit Writer(int fd) : fd_(fd) {}
    void u8(unsigned char v) { buf_ += static_cast<char>(v); }
    void u32(std::uint32_t v) { buf_.append(reinterpret_cast<const char*>(&v), 4); }
    void f64(double v) { buf_.append(reinterpret_cast<const char*>(&v), 8); }
    void str(std::string_view s) {
      u32(static_cast<std::uint32_t>(s.size()));
      buf_.append(s);
      if (buf_.size() > (1u << 16)) flush();
    }
    void flush() {
      std::size_t done = 0;
      while (done < buf_.size()) {
        const ssize_t n = ::write(fd_, buf_.data() + done, buf_.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) ::_exit(3);  // the parent has gone
        done += static_cast<std::size_t>(n);
      }
      buf_.clear();
    }
    void error(sdk::Code code, std::string_view message, std::string_view sheet = {}, std::uint32_t row = 0,
               std::uint32_t column = 0) {
      u8('X');
      u8(static_cast<unsigned char>(code));
      str(message);
      str(sheet);
      u32(row);
      u32(column);
    }

   private:
    int fd_;
    std::string buf_;
  };

  static void read_with_freexl(const std::string& path, const sdk::Limits& limits, Writer& out) {
    Handle handle;
    const int rc = freexl_open(path.c_str(), handle.out());
    if (rc != FREEXL_OK) return out.error(sdk::Code::invalid_input, "the workbook cannot be read: " + freexl_reason(rc));
    // FreeXL 1.0.6 can say OK and give no handle.
    if (handle.get() == nullptr)
      return out.error(sdk::Code::invalid_input,
                       "the workbook cannot be read: it is damaged, or older than Excel 97 (BIFF5); open it in "
                       "Excel, save it as .xlsx and resend it");
    unsigned info = 0;
    if (freexl_get_info(handle.get(), FREEXL_BIFF_PASSWORD, &info) == FREEXL_OK && info == FREEXL_BIFF_OBFUSCATED)
      return out.error(sdk::Code::unsupported, "the workbook is password-protected; remove the password and resend it");
    if (freexl_get_info(handle.get(), FREEXL_BIFF_CODEPAGE, &info) == FREEXL_OK) {
      out.u8('P');
      out.str("codepage");
      out.str(codepage_name(info));
    }
    if (freexl_get_info(handle.get(), FREEXL_BIFF_DATEMODE, &info) == FREEXL_OK) {
      out.u8('P');
      out.str("date_system");
      out.str(info == FREEXL_BIFF_DATEMODE_1904 ? "1904" : "1900");
    }
    unsigned sheets = 0;
    if (freexl_get_info(handle.get(), FREEXL_BIFF_SHEET_COUNT, &sheets) != FREEXL_OK)
      return out.error(sdk::Code::invalid_input, "the workbook has no sheet list");

    std::uint64_t cells = 0;
    for (unsigned short index = 0; index < sheets; ++index) {
      const char* name = nullptr;
      if (freexl_get_worksheet_name(handle.get(), index, &name) != FREEXL_OK || name == nullptr) name = "";
      out.u8('S');
      out.str(name);
      unsigned rows = 0;
      unsigned short columns = 0;
      if (freexl_select_active_worksheet(handle.get(), index) == FREEXL_OK &&
          freexl_worksheet_dimensions(handle.get(), &rows, &columns) == FREEXL_OK) {
        for (unsigned r = 0; r < rows; ++r) {
          for (unsigned short c = 0; c < columns; ++c) {
            FreeXL_CellValue v{};
            if (freexl_get_cell_value(handle.get(), r, c, &v) != FREEXL_OK || v.type == FREEXL_CELL_NULL) continue;
            if (limits.max_cells != 0 && ++cells > limits.max_cells)
              return out.error(sdk::Code::limit_exceeded,
                               "the workbook has more cells than the limit of " + std::to_string(limits.max_cells),
                               name, r + 1, c + 1u);
            std::string text;
            double number = 0;
            unsigned char type = static_cast<unsigned char>(sdk::CellType::text);
            std::string_view format;
            switch (v.type) {
              case FREEXL_CELL_INT:
                type = static_cast<unsigned char>(sdk::CellType::number);
                number = v.value.int_value;
                text = std::to_string(v.value.int_value);
                break;
              case FREEXL_CELL_DOUBLE:
                type = static_cast<unsigned char>(sdk::CellType::number);
                number = v.value.double_value;
                text = number_text(v.value.double_value);
                break;
              case FREEXL_CELL_DATE:
              case FREEXL_CELL_DATETIME:
              case FREEXL_CELL_TIME:
                format = v.type == FREEXL_CELL_TIME ? "hh:mm:ss" : "yyyy-mm-dd";  // text "YYYY-MM-DD [HH:MM:SS]"
                text = v.value.text_value ? v.value.text_value : "";
                break;
              default:
                text = v.value.text_value ? v.value.text_value : "";
                if (limits.max_field_bytes != 0 && text.size() > limits.max_field_bytes)
                  return out.error(sdk::Code::limit_exceeded, "a cell is longer than the limit", name, r + 1, c + 1u);
            }
            out.u8('C');
            out.u32(r + 1);
            out.u32(c + 1u);
            out.u8(type);
            out.f64(number);
            out.str(format);
            out.str(text);
          }
        }
      }
      out.u8('E');
    }
    out.u8('D');
  }

  // ---- the parent: what the child sends, into the sink ----

  class Replay {
   public:
    Replay(int fd, const sdk::Limits& limits, sdk::DocumentSink& sink)
        : fd_(fd), limits_(limits), sink_(sink),
          deadline_(std::chrono::steady_clock::now() +
                    std::chrono::seconds(limits.max_seconds == 0 ? 3600 : limits.max_seconds)) {}

    // Non-ok only when the sink or the time limit stopped it.
    sdk::Status run() {
      std::string text, format, sheet;
      while (true) {
        unsigned char tag = 0;
        if (!read(&tag, 1)) return timed_out_ ? timeout() : sdk::Status{};
        switch (tag) {
          case 'P': {
            std::string key, value;
            if (!str(key) || !str(value)) return end();
            if (auto s = sink_.property(key, value); !s.ok()) return s;
            break;
          }
          case 'S':
            if (!str(sheet)) return end();
            if (auto s = sink_.begin_sheet(sheet); !s.ok()) return s;
            break;
          case 'E':
            if (auto s = sink_.end_sheet(); !s.ok()) return s;
            break;
          case 'C': {
            std::uint32_t row = 0, column = 0;
            unsigned char type = 0;
            double number = 0;
            if (!read(&row, 4) || !read(&column, 4) || !read(&type, 1) || !read(&number, 8) || !str(format) ||
                !str(text))
              return end();
            sdk::CellView c;
            c.row = row;
            c.column = column;
            c.type = type <= static_cast<unsigned char>(sdk::CellType::error) ? static_cast<sdk::CellType>(type)
                                                                               : sdk::CellType::text;
            c.number = number;
            c.text = text;
            c.number_format = format;
            if (auto s = sink_.cell(c); !s.ok()) return s;
            break;
          }
          case 'X': {
            unsigned char code = 0;
            std::string message;
            sdk::Location where;
            if (!read(&code, 1) || !str(message) || !str(where.sheet) || !read(&where.row, 4) ||
                !read(&where.column, 4))
              return end();
            result_ = sdk::Status(static_cast<sdk::Code>(code), message, where);
            finished_ = true;
            return {};
          }
          case 'D':
            finished_ = true;
            return {};
          default:
            return end();
        }
      }
    }
    bool finished() const { return finished_; }
    sdk::Status result() const { return result_; }

   private:
    sdk::Status end() { return timed_out_ ? timeout() : sdk::Status{}; }
    sdk::Status timeout() const {
      return {sdk::Code::limit_exceeded,
              "reading the workbook took longer than the limit of " + std::to_string(limits_.max_seconds) + " seconds"};
    }
    bool str(std::string& s) {
      std::uint32_t n = 0;
      if (!read(&n, 4) || n > (64u << 20)) return false;
      s.resize(n);
      return n == 0 || read(s.data(), n);
    }
    bool read(void* dst, std::size_t n) {
      auto* p = static_cast<char*>(dst);
      while (n > 0) {
        if (pos_ == len_) {
          const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - std::chrono::steady_clock::now());
          if (left.count() <= 0) {
            timed_out_ = true;
            return false;
          }
          pollfd pfd{fd_, POLLIN, 0};
          const int ready = ::poll(&pfd, 1, static_cast<int>(std::min<long long>(left.count(), 1000)));
          if (ready < 0 && errno == EINTR) continue;
          if (ready == 0) continue;
          const ssize_t got = ::read(fd_, buf_, sizeof buf_);
          if (got < 0 && errno == EINTR) continue;
          if (got <= 0) return false;
          pos_ = 0;
          len_ = static_cast<std::size_t>(got);
        }
        const std::size_t take = std::min(n, len_ - pos_);
        std::memcpy(p, buf_ + pos_, take);
        pos_ += take;
        p += take;
        n -= take;
      }
      return true;
    }

    int fd_;
    const sdk::Limits& limits_;
    sdk::DocumentSink& sink_;
    std::chrono::steady_clock::time_point deadline_;
    char buf_[1 << 16];
    std::size_t pos_ = 0, len_ = 0;
    bool finished_ = false, timed_out_ = false;
    sdk::Status result_;
  };
};

}  // namespace

TONGHOP_PLUGIN(XlsImporter, importer, "import-xls", "1.0.0", "xls", "application/vnd.ms-excel",
               "Excel 97-2003 workbooks (FreeXL), text decoded by the workbook's code page")
