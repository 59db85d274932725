// libFuzzer target for one importer plugin and the normaliser behind it,
// compiled together with the plugin's own sources and the daemon's
// normaliser (so that both are instrumented). Reads each input under tight
// limits into the normaliser, as the daemon's import child does (a second
// pass when the first asks for it), with the source tree's catalogue and
// units: a crash in the normaliser (a 30,000-digit count once overflowed its
// stack) is a finding as much as one in the importer. Any crash, hang, leak
// or undefined behaviour is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>

#include <tonghop/sdk.hpp>

#include "normalise/catalogue.hpp"
#include "normalise/normaliser.hpp"

extern "C" const tonghop_plugin_descriptor* tonghop_plugin_entry(void);

namespace {

namespace nz = tonghop::normalise;

const tonghop::sdk::Importer& importer() {
  static tonghop_host_api host = [] {
    tonghop_host_api h{};
    h.struct_size = sizeof h;
    h.abi_version = TONGHOP_SDK_ABI_VERSION;
    return h;
  }();
  static void* object = [] {
    void* o = nullptr;
    char error[256];
    tonghop_plugin_entry()->create(&host, &o, error, sizeof error);
    return o;
  }();
  return *static_cast<tonghop::sdk::Importer*>(object);
}

// The source tree's catalogue and units (TONGHOP_FUZZ_CONFIG, the config/ folder).
const nz::Normaliser& normaliser() {
  static const nz::Catalogue catalogue = [] {
    auto c = nz::load_catalogue(TONGHOP_FUZZ_CONFIG "/indicators.toml");
    if (!c) std::abort();
    return std::move(*c);
  }();
  static const nz::Registry registry = [] {
    auto r = nz::load_registry(TONGHOP_FUZZ_CONFIG "/units/lai-chau.toml");
    if (!r) std::abort();
    return std::move(*r);
  }();
  static const nz::Normaliser n(catalogue, registry);
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  tonghop_limits limits{};
  limits.max_input_bytes = 4u << 20;
  limits.max_cells = 200'000;
  limits.max_depth = 64;
  limits.max_seconds = 5;
  limits.max_field_bytes = 256u << 10;
  limits.max_inflated_bytes = 64u << 20;
  limits.max_entry_bytes = 32u << 20;
  limits.max_ratio = 100;
  const tonghop::sdk::Bytes bytes(data, size);
  (void)importer().sniff(bytes.first(size < 65536 ? size : 65536), "fuzz.input");
  const nz::Submission submission{"Than Uyên", "2018"};
  auto reader = normaliser().reader(submission);
  const auto status = importer().read({"fuzz.input", bytes}, limits, *reader);
  if (status.ok() && reader->needs_second_pass()) {
    auto second = normaliser().reader(submission, nullptr, reader->learned());
    if (importer().read({"fuzz.input", bytes}, limits, *second).ok()) (void)second->finish();
  } else {
    (void)reader->finish();
  }
  return 0;
}
