// Allocates and touches memory without end while reading (see hostile.hpp);
// gives up at 4 GiB.
#include <memory>
#include <vector>

#include "hostile.hpp"

namespace {
struct Allocate {
  static constexpr std::string_view magic = "TONGHOP TEST ALLOCATE";
  static tonghop::sdk::Status run() {
    constexpr std::size_t kChunk = 8u << 20;
    std::vector<std::unique_ptr<char[]>> held;
    for (std::size_t total = 0; total < (4ull << 30); total += kChunk) {
      held.push_back(std::make_unique<char[]>(kChunk));
      std::memset(held.back().get(), 1, kChunk);
    }
    return {tonghop::sdk::Code::internal, "allocated 4 GiB and nothing stopped it"};
  }
};
using AllocateImporter = tonghop_test::Hostile<Allocate>;
}  // namespace

TONGHOP_PLUGIN(AllocateImporter, importer, "test-allocate", "1.0.0", "allocate", "text/x-allocate",
               "allocates without end while reading")
