// Times one importer plugin reading one file, streaming into a sink that
// only counts. Prints one line of JSON: seconds, rows, cells, MB/s, rows/s,
// peak RSS (VmHWM) and the peak of anonymous memory (the importer's own
// working memory), sampled as it reads.
//
// The file is mapped, as the daemon maps what it reads from disk. Every 2^20
// cells the sink drops the mapping's resident pages (MADV_DONTNEED: pages the
// importer still reads come back from the page cache), so the peak RSS shows
// what reading needs resident, not the size of the file. --keep-pages turns
// that off.
// usage: import_bench PLUGINS_DIR FILE
#include <chrono>
#include <cstdio>
#include <algorithm>
#include <cstring>
#include <ctime>
#include <fstream>
#include <string>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <spdlog/sinks/null_sink.h>

#include "config/config.hpp"
#include "ingest/ingest.hpp"
#include "loader/loader.hpp"

namespace {

long status_kb(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key, 0) == 0) return std::atol(line.c_str() + std::strlen(key));
  return 0;
}

class Counter final : public tonghop::sdk::DocumentSink {
 public:
  void* map = nullptr;
  std::size_t map_size = 0;
  std::uint64_t cells = 0, max_row = 0;
  long peak_anon_kb = 0;
  tonghop::sdk::Status property(std::string_view, std::string_view) override { return {}; }
  tonghop::sdk::Status begin_sheet(std::string_view) override { return {}; }
  tonghop::sdk::Status cell(const tonghop::sdk::CellView& c) override {
    if (c.row > max_row) max_row = c.row;
    tick();
    return {};
  }
  tonghop::sdk::Status merged(const tonghop::sdk::MergedRange&) override { return {}; }
  tonghop::sdk::Status end_sheet() override { return {}; }
  tonghop::sdk::Status begin_tree() override { return {}; }
  tonghop::sdk::Status begin_container(std::string_view p, tonghop::sdk::NodeKind) override {
    if (p.size() > 1 && std::count(p.begin(), p.end(), '/') == 2) ++max_row;  // one record of /to_chuc/N
    return {};
  }
  tonghop::sdk::Status scalar(std::string_view, const tonghop::sdk::ScalarView&) override {
    tick();
    return {};
  }
  tonghop::sdk::Status end_container(std::string_view) override { return {}; }
  tonghop::sdk::Status end_tree() override { return {}; }

 private:
  void tick() {
    if ((++cells & 0xFFFFF) == 0) {
      peak_anon_kb = std::max(peak_anon_kb, status_kb("RssAnon:"));
      if (map != nullptr) ::madvise(map, map_size, MADV_DONTNEED);
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  const bool keep_pages = argc == 4 && std::strcmp(argv[3], "--keep-pages") == 0;
  if (argc != 3 && !keep_pages) {
    std::fprintf(stderr, "usage: import_bench PLUGINS_DIR FILE [--keep-pages]\n");
    return 2;
  }
  auto logger = std::make_shared<spdlog::logger>("bench", std::make_shared<spdlog::sinks::null_sink_mt>());
  tonghop_limits limits = tonghop::config::Config::default_limits();
  limits.max_input_bytes = 4ull << 30;
  limits.max_cells = 1ull << 32;
  limits.max_seconds = 3600;
  limits.max_inflated_bytes = 8ull << 30;
  limits.max_entry_bytes = 4ull << 30;
  auto host = std::make_shared<tonghop::loader::HostServices>(logger, limits);
  const auto plugins = tonghop::loader::load_directory(argv[1], host);

  const int fd = ::open(argv[2], O_RDONLY);
  struct stat st{};
  if (fd < 0 || ::fstat(fd, &st) != 0) {
    std::perror(argv[2]);
    return 1;
  }
  const auto size = static_cast<std::size_t>(st.st_size);
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::madvise(map, size, MADV_SEQUENTIAL);
  const tonghop::sdk::Bytes bytes(static_cast<const unsigned char*>(map), size);

  const auto t0 = std::chrono::steady_clock::now();
  timespec c0{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
  auto choice = tonghop::ingest::choose_importer(*plugins, bytes, argv[2]);
  if (!choice) {
    std::fprintf(stderr, "%s\n", choice.error().c_str());
    return 1;
  }
  Counter counter;
  if (!keep_pages) {
    counter.map = map;
    counter.map_size = size;
  }
  const auto status = tonghop::ingest::read_document(*choice->plugin->importer, {argv[2], bytes}, limits, counter);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  timespec c1{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
  const double cpu = static_cast<double>(c1.tv_sec - c0.tv_sec) + static_cast<double>(c1.tv_nsec - c0.tv_nsec) / 1e9;
  if (!status.ok()) {
    std::fprintf(stderr, "refused: %s\n", status.message().c_str());
    return 1;
  }
  const std::uint64_t rows = counter.max_row > 0 ? counter.max_row - (choice->plugin->info.name == "import-json" ? 0 : 1) : 0;
  std::printf("{\"file\":\"%s\",\"plugin\":\"%s\",\"mb\":%.1f,\"seconds\":%.3f,\"cpu_seconds\":%.3f,\"rows\":%llu,\"cells\":%llu,"
              "\"rows_per_s\":%.0f,\"mb_per_s\":%.1f,\"peak_rss_mb\":%.1f,\"peak_anon_mb\":%.1f}\n",
              argv[2], choice->plugin->info.name.c_str(), static_cast<double>(size) / 1e6, seconds, cpu,
              static_cast<unsigned long long>(rows), static_cast<unsigned long long>(counter.cells),
              static_cast<double>(rows) / seconds, static_cast<double>(size) / 1e6 / seconds,
              static_cast<double>(status_kb("VmHWM:")) / 1024.0, static_cast<double>(counter.peak_anon_kb) / 1024.0);
  return 0;
}
