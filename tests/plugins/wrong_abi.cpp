// A plugin built against another SDK ABI version: the loader must refuse it
// from the descriptor alone, without ever calling create.
#include <cstdlib>

#include "tonghop/sdk/abi.h"

namespace {
int create(const tonghop_host_api*, void**, char*, size_t) {
  std::abort();  // the loader must never get here
}
void destroy(void*) { std::abort(); }
const tonghop_plugin_descriptor descriptor = {
    sizeof(tonghop_plugin_descriptor), TONGHOP_SDK_ABI_VERSION + 1, "from-the-future", "9.0.0", "importer",
    "future", "application/x-future", "built with a newer SDK", "2.0.0", &create, &destroy};
}  // namespace

extern "C" __attribute__((visibility("default"))) const tonghop_plugin_descriptor* tonghop_plugin_entry(void) {
  return &descriptor;
}
