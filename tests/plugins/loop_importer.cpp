// Loops while reading, burning CPU (see hostile.hpp); gives up after 60 s.
#include <chrono>

#include "hostile.hpp"

namespace {
struct Loop {
  static constexpr std::string_view magic = "TONGHOP TEST LOOP";
  static tonghop::sdk::Status run() {
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    volatile std::uint64_t spins = 0;
    while (std::chrono::steady_clock::now() < end)
      for (int i = 0; i < 1'000'000; ++i) spins = spins + 1;
    return {tonghop::sdk::Code::internal, "looped for 60 s and nothing stopped it"};
  }
};
using LoopImporter = tonghop_test::Hostile<Loop>;
}  // namespace

TONGHOP_PLUGIN(LoopImporter, importer, "test-loop", "1.0.0", "loop", "text/x-loop", "loops while reading")
