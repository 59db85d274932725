// The zip level of the workbook's parts.
//
// libxlsxwriter 1.1.4 (Debian 12) zips every part through minizip at zlib's
// default level (6) and has no option to change it (packager.c passes
// Z_DEFAULT_COMPRESSION to zipOpenNewFileInZip4_64). Deflating at level 6 is
// 43 % of the instructions a province workbook costs (docs/performance.md),
// for a file of about 60 KB. At level 1 the same workbook is about 25 % larger
// (75 KB) and takes about a third less CPU time. Nothing a reader sees
// changes: deflate at any level gives back the same bytes.
//
// How: this file defines minizip's zipOpenNewFileInZip4_64 and passes every
// call on to minizip's own (the next definition, RTLD_NEXT) with level 1.
// - In a host that does not link libxlsxwriter (export_bench, a third party's
//   host), the plugin's copy is used: the plugin is loaded with its libraries
//   in a scope of their own (dlopen, RTLD_LOCAL) in which it comes first.
// - tonghopd links libxlsxwriter itself (blank forms), so libxlsxwriter is
//   bound in the global scope before any plugin is loaded: tonghopd links
//   this file too (daemon/CMakeLists.txt), and its copy, exported because
//   libxlsxwriter refers to it, is the one used there.
// Should a host bind libxlsxwriter to minizip before either copy, workbooks
// are zipped at level 6 again: the bytes once unzipped are the same, only
// slower and smaller. Test Workbook.TheProvinceWorkbookReadsBackRight checks, on the
// workbook the real daemon serves, that every part carries minizip's mark of
// level 1 (general-purpose flag bits 1–2 set, tests/exporters/check_workbook.py),
// so such a change does not pass unnoticed.
//
// The signature is minizip 1.1's (zip.h, libminizip1 1.1-8 in Debian 12),
// written out here so that the build does not need libminizip-dev for one
// declaration: zipFile is a pointer, uInt unsigned int, uLong unsigned long,
// and the file information is passed on untouched by pointer.
#include <dlfcn.h>

namespace {

using ZipOpen = int (*)(void* file, const char* filename, const void* zipfi, const void* extrafield_local,
                        unsigned size_extrafield_local, const void* extrafield_global, unsigned size_extrafield_global,
                        const char* comment, int method, int level, int raw, int window_bits, int mem_level,
                        int strategy, const char* password, unsigned long crc_for_crypting, unsigned long version_made_by,
                        unsigned long flag_base, int zip64);

constexpr int kFastest = 1;  // Z_BEST_SPEED
constexpr int kDeflated = 8;  // Z_DEFLATED

}  // namespace

extern "C" __attribute__((visibility("default"))) int zipOpenNewFileInZip4_64(
    void* file, const char* filename, const void* zipfi, const void* extrafield_local, unsigned size_extrafield_local,
    const void* extrafield_global, unsigned size_extrafield_global, const char* comment, int method, int level, int raw,
    int window_bits, int mem_level, int strategy, const char* password, unsigned long crc_for_crypting,
    unsigned long version_made_by, unsigned long flag_base, int zip64) {
  // Looked up once; dlsym is thread-safe and a race only looks it up twice.
  static const auto next = reinterpret_cast<ZipOpen>(dlsym(RTLD_NEXT, "zipOpenNewFileInZip4_64"));
  if (next == nullptr) return -104;  // ZIP_INTERNALERROR: the workbook is refused with libxlsxwriter's zip error
  if (method == kDeflated && raw == 0) level = kFastest;
  return next(file, filename, zipfi, extrafield_local, size_extrafield_local, extrafield_global, size_extrafield_global,
              comment, method, level, raw, window_bits, mem_level, strategy, password, crc_for_crypting, version_made_by,
              flag_base, zip64);
}
