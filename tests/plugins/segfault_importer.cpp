// Writes through a bad pointer while reading (see hostile.hpp).
#include <cstdint>

#include "hostile.hpp"

namespace {
struct Segfault {
  static constexpr std::string_view magic = "TONGHOP TEST SEGFAULT";
  static tonghop::sdk::Status run() {
    volatile std::uintptr_t address = 16;
    *reinterpret_cast<volatile int*>(address) = 1;
    return {tonghop::sdk::Code::internal, "a write to address 16 did not crash"};
  }
};
using SegfaultImporter = tonghop_test::Hostile<Segfault>;
}  // namespace

TONGHOP_PLUGIN(SegfaultImporter, importer, "test-segfault", "1.0.0", "segfault", "text/x-segfault",
               "crashes while reading")
