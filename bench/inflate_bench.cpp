// The floor for reading an xlsx: inflate one part (the sheet XML) with zlib
// and compute its CRC-32, in 256 KiB chunks, and nothing else. The xlsx
// importer does this and more (issue 18 item 5: within 2.5 x of this).
// Prints one line of JSON: wall and CPU seconds, bytes out, the CRC.
// usage: inflate_bench FILE.xlsx [PART]   (PART: xl/worksheets/sheet1.xml)
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

namespace {
std::uint32_t u16(const unsigned char* p) { return p[0] | p[1] << 8; }
std::uint32_t u32(const unsigned char* p) {
  return p[0] | p[1] << 8 | p[2] << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}
double cpu_seconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: inflate_bench FILE.xlsx [PART]\n");
    return 2;
  }
  const std::string part = argc > 2 ? argv[2] : "xl/worksheets/sheet1.xml";
  const int fd = ::open(argv[1], O_RDONLY);
  struct stat st{};
  if (fd < 0 || ::fstat(fd, &st) != 0) {
    std::perror(argv[1]);
    return 1;
  }
  const auto size = static_cast<std::size_t>(st.st_size);
  auto* zip = static_cast<const unsigned char*>(::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0));
  ::madvise(const_cast<unsigned char*>(zip), size, MADV_SEQUENTIAL);

  const auto t0 = std::chrono::steady_clock::now();
  const double c0 = cpu_seconds();
  // The end of central directory record, then the part's central entry.
  std::size_t eocd = size >= 22 ? size - 22 : 0;
  while (eocd > 0 && u32(zip + eocd) != 0x06054b50) --eocd;
  std::size_t at = u32(zip + eocd + 16);
  const std::size_t entries = u16(zip + eocd + 10);
  std::size_t local = SIZE_MAX, compressed = 0;
  std::uint32_t expected_crc = 0;
  for (std::size_t i = 0; i < entries && at + 46 <= size; ++i) {
    const std::size_t name_len = u16(zip + at + 28), extra = u16(zip + at + 30), comment = u16(zip + at + 32);
    if (std::string_view(reinterpret_cast<const char*>(zip + at + 46), name_len) == part) {
      expected_crc = u32(zip + at + 16);
      compressed = u32(zip + at + 20);
      local = u32(zip + at + 42);
      break;
    }
    at += 46 + name_len + extra + comment;
  }
  if (local == SIZE_MAX) {
    std::fprintf(stderr, "%s: no part %s\n", argv[1], part.c_str());
    return 1;
  }
  const unsigned char* data = zip + local + 30 + u16(zip + local + 26) + u16(zip + local + 28);

  z_stream z{};
  inflateInit2(&z, -MAX_WBITS);
  z.next_in = const_cast<unsigned char*>(data);
  z.avail_in = static_cast<uInt>(compressed);
  std::vector<unsigned char> out(256 * 1024);
  std::uint64_t total = 0;
  uLong crc = crc32(0, nullptr, 0);
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = out.data();
    z.avail_out = static_cast<uInt>(out.size());
    rc = inflate(&z, Z_NO_FLUSH);
    const std::size_t n = out.size() - z.avail_out;
    crc = crc32(crc, out.data(), static_cast<uInt>(n));
    total += n;
  }
  inflateEnd(&z);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = cpu_seconds() - c0;
  if (rc != Z_STREAM_END || crc != expected_crc) {
    std::fprintf(stderr, "%s: inflate failed (%d) or CRC mismatch\n", part.c_str(), rc);
    return 1;
  }
  std::printf("{\"file\":\"%s\",\"part\":\"%s\",\"seconds\":%.3f,\"cpu_seconds\":%.3f,\"inflated_mb\":%.1f,"
              "\"crc\":\"%08lx\"}\n",
              argv[1], part.c_str(), seconds, cpu, static_cast<double>(total) / 1e6, crc);
  return 0;
}
