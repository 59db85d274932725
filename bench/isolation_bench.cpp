// The cost of running an import in a child process (docs/isolation.md): one
// file examined (importer plugin and normaliser) REPEAT times in this process,
// then REPEAT times through the zygote (memfd in, fork, sandbox, the result
// written to a memfd and read back). Prints one line of JSON with the median
// and minimum of each, in milliseconds, and the difference; and the CPU time
// (user + sys) of each way per run: this process's own during its runs, plus,
// for the isolated runs, the zygote's and its reaped children's (from /proc),
// the steadier figure on a busy machine; and the minor page faults of each
// way per run, counted the same way.
// usage: isolation_bench PLUGINS_DIR FILE DISTRICT PERIOD [REPEAT] [MAX_MEMORY_MIB]
// (run from the source tree: the catalogue and units are config/'s)
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <vector>

#include <spdlog/sinks/null_sink.h>

#include "config/config.hpp"
#include "isolate/zygote.hpp"
#include "normalise/catalogue.hpp"

namespace {

using namespace tonghop;

Expected<isolate::Setup> load(const std::string& plugins_dir) {
  auto n = std::make_shared<ingest::Normalisation>();
  auto catalogue = normalise::load_catalogue("config/indicators.toml");
  if (!catalogue) return make_error(catalogue.error());
  auto registry = normalise::load_registry("config/units/lai-chau.toml");
  if (!registry) return make_error(registry.error());
  n->catalogue = std::move(*catalogue);
  n->registry = std::move(*registry);
  auto quiet = std::make_shared<spdlog::logger>("bench", std::make_shared<spdlog::sinks::null_sink_st>());
  auto host = std::make_shared<loader::HostServices>(quiet, config::Config::default_limits());
  return isolate::Setup{n, loader::load_directory(plugins_dir, host)};
}

double self_faults() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_minflt);
}

double self_cpu() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// Fields 10 to 17 of /proc/PID/stat, from the state (3) on: the minor faults
// (10) and its reaped children's (11), the CPU ticks (14 to 17).
std::vector<double> stat_fields(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close = text.rfind(')');
  if (close == std::string::npos) return std::vector<double>(18, 0.0);
  std::istringstream rest(text.substr(close + 2));
  std::string field;
  std::vector<double> fields(18, 0.0);
  for (int i = 3; rest >> field && i < 18; ++i)
    if (i >= 10) fields[i] = std::stod(field);
  return fields;
}

// The CPU seconds of a process and of its reaped children.
double process_cpu(pid_t pid) {
  const auto f = stat_fields(pid);
  return (f[14] + f[15] + f[16] + f[17]) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// The minor page faults of a process and of its reaped children.
double process_faults(pid_t pid) {
  const auto f = stat_fields(pid);
  return f[10] + f[11];
}

struct Stats {
  double median = 0, min = 0;
};
Stats stats(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return {v[v.size() / 2], v.front()};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: isolation_bench PLUGINS_DIR FILE DISTRICT PERIOD [REPEAT] [MAX_MEMORY_MIB]\n");
    return 2;
  }
  const std::string plugins_dir = argv[1];
  // The zygote first, while this process has one thread.
  auto zygote = isolate::Zygote::start([plugins_dir] { return load(plugins_dir); });
  if (!zygote) {
    std::fprintf(stderr, "%s\n", zygote.error().c_str());
    return 1;
  }
  auto setup = load(plugins_dir);
  if (!setup) {
    std::fprintf(stderr, "%s\n", setup.error().c_str());
    return 1;
  }
  std::ifstream in(argv[2], std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string bytes = std::move(buffer).str();
  const int repeat = argc > 5 ? std::atoi(argv[5]) : 20;
  isolate::ImportLimits limits;
  limits.limits = config::Config::default_limits();
  limits.limits.max_input_bytes = 1ull << 30;
  limits.limits.max_cells = 100'000'000;
  if (argc > 6) limits.max_memory = std::strtoull(argv[6], nullptr, 10) << 20;
  const auto* district = setup->normalisation->registry.find(argv[3]);
  if (district == nullptr) {
    std::fprintf(stderr, "unknown district %s\n", argv[3]);
    return 1;
  }
  const ingest::Return ret{district->name, argv[4], std::filesystem::path(argv[2]).filename().string(), bytes, ""};

  std::vector<double> inside, apart;
  std::size_t records = 0;
  double cpu_inside = 0, cpu_apart = 0, faults_inside = 0, faults_apart = 0;
  const double zygote_before = process_cpu((*zygote)->pid());
  const double zygote_faults_before = process_faults((*zygote)->pid());
  for (int i = 0; i < repeat; ++i) {
    const double c0 = self_cpu(), f0 = self_faults();
    auto t0 = std::chrono::steady_clock::now();
    const auto a = ingest::examine(*setup->plugins, *setup->normalisation, limits.limits, ret);
    auto t1 = std::chrono::steady_clock::now();
    const double c1 = self_cpu(), f1 = self_faults();
    const auto b = (*zygote)->examine(ret, limits);
    auto t2 = std::chrono::steady_clock::now();
    cpu_inside += c1 - c0;
    cpu_apart += self_cpu() - c1;
    faults_inside += f1 - f0;
    faults_apart += self_faults() - f1;
    if (a.status != 200 || b.status != 200 || a.result.records.size() != b.result.records.size() ||
        a.result.errors.size() != b.result.errors.size()) {
      std::fprintf(stderr, "the two results differ: %u/%u, %zu/%zu records\n%s\n", a.status, b.status,
                   a.result.records.size(), b.result.records.size(),
                   b.result.errors.empty() ? "" : b.result.errors.front().message.c_str());
      return 1;
    }
    records = b.result.records.size();
    inside.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    apart.push_back(std::chrono::duration<double, std::milli>(t2 - t1).count());
  }
  // The last child reaped, so that its CPU is the zygote's.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  cpu_apart += process_cpu((*zygote)->pid()) - zygote_before;
  faults_apart += process_faults((*zygote)->pid()) - zygote_faults_before;
  const Stats s_in = stats(inside), s_apart = stats(apart);
  std::printf(
      "{\"file\":\"%s\",\"bytes\":%zu,\"records\":%zu,\"repeat\":%d,\"in_process_ms\":{\"median\":%.2f,\"min\":%.2f},"
      "\"isolated_ms\":{\"median\":%.2f,\"min\":%.2f},\"cost_ms\":%.2f,\"cost_pct\":%.1f,"
      "\"cpu_ms_per_run\":{\"in_process\":%.2f,\"isolated\":%.2f},"
      "\"minor_faults_per_run\":{\"in_process\":%.0f,\"isolated\":%.0f}}\n",
      argv[2], bytes.size(), records, repeat, s_in.median, s_in.min, s_apart.median, s_apart.min,
      s_apart.median - s_in.median, 100.0 * (s_apart.median - s_in.median) / s_in.median, 1000 * cpu_inside / repeat,
      1000 * cpu_apart / repeat, faults_inside / repeat, faults_apart / repeat);
  return 0;
}
