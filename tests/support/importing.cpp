#include "support/importing.hpp"

#include <sys/resource.h>

#include <spdlog/sinks/null_sink.h>

#include "ingest/ingest.hpp"
#include "support/process.hpp"

namespace tonghop::test {

std::string Imported::text(std::uint32_t row, std::uint32_t column, std::size_t sheet_index) const {
  if (sheet_index >= doc.sheets.size()) return {};
  const sdk::Cell* c = doc.sheets[sheet_index].find(row, column);
  return c ? c->text : std::string();
}

const loader::PluginSet& real_plugins() {
  static const auto set = [] {
    auto logger = std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>());
    auto host = std::make_shared<loader::HostServices>(logger, default_limits());
    return loader::load_directory(TONGHOP_PLUGIN_DIR, host);
  }();
  return *set;
}

tonghop_limits default_limits() { return config::Config::default_limits(); }

std::vector<std::string> Imported::properties(std::string_view key) const {
  std::vector<std::string> values;
  for (const auto& p : doc.properties)
    if (p.key == key) values.push_back(p.value);
  return values;
}

Imported import_bytes(const std::string& bytes, const std::string& filename, const tonghop_limits& limits) {
  Imported r;
  const sdk::Bytes view(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  auto choice = ingest::choose_importer(real_plugins(), view, filename);
  if (!choice) {
    r.status = sdk::Status(sdk::Code::unsupported, choice.error());
    return r;
  }
  r.plugin = choice->plugin->info.name;
  sdk::DocumentBuilder builder;
  r.status = ingest::read_document(*choice->plugin->importer, sdk::Source{filename, view}, limits, builder);
  r.doc = builder.take();
  return r;
}

Imported import_file(const std::filesystem::path& file, const tonghop_limits& limits) {
  return import_bytes(read_file(file), file.filename().string(), limits);
}

std::filesystem::path data_path(const std::string& relative) {
  return std::filesystem::path(TONGHOP_SOURCE_DIR) / "tests" / "data" / relative;
}

std::size_t peak_rss() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<std::size_t>(u.ru_maxrss) * 1024;
}

}  // namespace tonghop::test
