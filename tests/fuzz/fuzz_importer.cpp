// libFuzzer target for one importer plugin, compiled together with the
// plugin's own sources (so that they are instrumented). Reads each input
// under tight limits into a sink that discards everything; any crash, hang,
// leak or undefined behaviour is a finding.
#include <cstddef>
#include <cstdint>

#include <tonghop/sdk.hpp>

extern "C" const tonghop_plugin_descriptor* tonghop_plugin_entry(void);

namespace {

class NullSink final : public tonghop::sdk::DocumentSink {
 public:
  tonghop::sdk::Status property(std::string_view, std::string_view) override { return {}; }
  tonghop::sdk::Status begin_sheet(std::string_view) override { return {}; }
  tonghop::sdk::Status cell(const tonghop::sdk::CellView& c) override {
    sum_ += c.text.size() + c.font.size();  // touch what the plugin gave
    return {};
  }
  tonghop::sdk::Status merged(const tonghop::sdk::MergedRange&) override { return {}; }
  tonghop::sdk::Status end_sheet() override { return {}; }
  tonghop::sdk::Status begin_tree() override { return {}; }
  tonghop::sdk::Status begin_container(std::string_view p, tonghop::sdk::NodeKind) override {
    sum_ += p.size();
    return {};
  }
  tonghop::sdk::Status scalar(std::string_view p, const tonghop::sdk::ScalarView& v) override {
    sum_ += p.size() + v.text.size();
    return {};
  }
  tonghop::sdk::Status end_container(std::string_view) override { return {}; }
  tonghop::sdk::Status end_tree() override { return {}; }
  std::size_t sum_ = 0;
};

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
  NullSink sink;
  (void)importer().read({"fuzz.input", bytes}, limits, sink);
  return 0;
}
