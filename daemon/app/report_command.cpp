// `tonghopd report --period P --format json|csv|xlsx -o FILE`: the province
// report from the local data directory, without a server.
#include <fstream>

#include <fmt/format.h>

#include "app/commands.hpp"
#include "app/context.hpp"
#include "app/setup.hpp"
#include "normalise/text.hpp"
#include "report/province.hpp"

namespace tonghop::app {

int write_report(const Options& options) {
  const auto period = normalise::parse_period(options.period.value_or(""));
  if (!period || !options.output) {
    fmt::print(stderr, "tonghopd: report needs --period P and -o FILE\n{}", usage());
    return 2;
  }
  auto setup = offline(options);
  if (!setup) {
    fmt::print(stderr, "tonghopd: {}\n", setup.error());
    return 2;
  }
  auto store = store::Store::open(setup->config.data_dir);
  if (!store) {
    fmt::print(stderr, "tonghopd: {}\n", store.error());
    return 1;
  }
  const std::string format = options.format == "text" ? "json" : options.format;
  const auto* exporter = setup->plugins->exporter_for(format);
  if (exporter == nullptr) {
    fmt::print(stderr, "tonghopd: no exporter plugin writes '{}'\n", format);
    return 2;
  }
  const auto report = report::province_report(**store, setup->normalisation->registry, setup->normalisation->catalogue, *period,
                                                  report::contents_for(format), setup->config.report);
  std::ofstream out(*options.output, std::ios::binary);
  if (!out) {
    fmt::print(stderr, "tonghopd: cannot write {}\n", *options.output);
    return 1;
  }
  if (auto s = exporter->exporter->write(report, format, out); !s.ok()) {
    fmt::print(stderr, "tonghopd: {}\n", s.message());
    return 1;
  }
  return 0;
}

}  // namespace tonghop::app
