// `tonghopd report --period P --format json|csv|xlsx|pdf -o FILE|-`: the
// province report from the local data directory, without a server. A data
// directory without a database is refused (an all-missing report would be a
// lie); `-o -` writes to standard output.
#include <cstdio>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "app/commands.hpp"
#include "app/context.hpp"
#include "app/setup.hpp"
#include "normalise/text.hpp"
#include "report/province.hpp"
#include "report/status.hpp"

namespace tonghop::app {

int write_report(const Options& options) {
  // Each usage error names its argument (care, issue 16).
  if (!options.period) {
    fmt::print(stderr, "tonghopd: report needs --period P (2018, 2018-H1, 2018-Q3, 2018-09)\n{}", usage());
    return 2;
  }
  const auto period = normalise::parse_period(*options.period);
  if (!period) {
    fmt::print(stderr, "tonghopd: --period '{}' is not a period (2018, 2018-H1, 2018-Q3, 2018-09)\n", *options.period);
    return 2;
  }
  if (!options.output) {
    fmt::print(stderr, "tonghopd: report needs -o FILE (or -o - for standard output)\n{}", usage());
    return 2;
  }
  auto setup = offline(options);
  if (!setup) {
    fmt::print(stderr, "tonghopd: {}\n", setup.error());
    return 2;
  }
  const std::string format = options.format == "text" ? "json" : options.format;
  const auto* exporter = setup->plugins->exporter_for(format);
  if (exporter == nullptr) {
    fmt::print(stderr, "tonghopd: --format '{}': no exporter plugin in {} writes it\n", format,
               setup->config.plugins_dir.string());
    return 2;
  }
  // Never a database made here: a data directory without one has nothing to report (care, issue 16).
  const auto db = setup->config.data_dir / "tonghop.db";
  if (std::error_code ec; !std::filesystem::is_regular_file(db, ec)) {
    fmt::print(stderr, "tonghopd: {} holds no database ({} does not exist): nothing to report. Name the daemon's data "
                       "directory with --data-dir DIR or [paths] data_dir{}\n",
               setup->config.data_dir.string(), db.string(), config_hint(setup->config));
    return 2;
  }
  auto store = store::Store::open(setup->config.data_dir);
  if (!store) {
    fmt::print(stderr, "tonghopd: {}\n", store.error());
    return 1;
  }
  auto report = report::province_report(**store, setup->normalisation->registry, setup->normalisation->catalogue, *period,
                                        report::contents_for(format));
  report::mark(report, report::season(**store, setup->normalisation->registry, setup->config.season, *period));  // branch season
  if (*options.output == "-") {
    std::ostringstream out;
    if (auto s = exporter->exporter->write(report, format, out); !s.ok()) {
      fmt::print(stderr, "tonghopd: {}\n", s.message());
      return 1;
    }
    const std::string bytes = std::move(out).str();
    if (std::fwrite(bytes.data(), 1, bytes.size(), stdout) != bytes.size() || std::fflush(stdout) != 0) {
      fmt::print(stderr, "tonghopd: cannot write to standard output\n");
      return 1;
    }
    return 0;
  }
  std::ofstream out(*options.output, std::ios::binary);
  if (!out) {
    fmt::print(stderr, "tonghopd: -o {}: cannot write it\n", *options.output);
    return 1;
  }
  if (auto s = exporter->exporter->write(report, format, out); !s.ok()) {
    fmt::print(stderr, "tonghopd: {}\n", s.message());
    return 1;
  }
  return 0;
}

}  // namespace tonghop::app
