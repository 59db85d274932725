#include "app/context.hpp"

#include <fmt/format.h>

namespace tonghop::app {

Expected<std::shared_ptr<const ingest::Normalisation>> load_normalisation(const config::Config& config) {
  auto catalogue = normalise::load_catalogue(config.catalogue);
  if (!catalogue) return make_error(catalogue.error());
  auto registry = normalise::load_registry(config.units);
  if (!registry) return make_error(registry.error());
  auto profiles = normalise::load_profiles(config.profiles, *catalogue, *registry);
  if (!profiles) return make_error(profiles.error());
  auto n = std::make_shared<ingest::Normalisation>();
  n->catalogue = std::move(*catalogue);
  n->registry = std::move(*registry);
  n->profiles = std::move(*profiles);
  for (const auto& id : config.required_fields)
    if (n->catalogue.field(id) == nullptr)
      return make_error(fmt::format("[normalise] required: '{}' is not a field of {}", id, config.catalogue.string()));
  n->policy.required = config.required_fields;
  n->policy.unmapped_numbers_error = config.unmapped_numbers == "error";
  return std::shared_ptr<const ingest::Normalisation>(std::move(n));
}

Expected<std::shared_ptr<const loader::PluginSet>> usable_plugins(std::shared_ptr<const loader::PluginSet> set,
                                                                  const config::Config& config) {
  if (set->plugins.empty())
    return make_error(fmt::format("{} gives no plugin at all ({} refused): nothing could be read or written",
                                  config.plugins_dir.string(), set->refused.size()));
  return set;
}

}  // namespace tonghop::app
