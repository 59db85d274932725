// Aborts while reading (see hostile.hpp).
#include <cstdlib>

#include "hostile.hpp"

namespace {
struct Abort {
  static constexpr std::string_view magic = "TONGHOP TEST ABORT";
  static tonghop::sdk::Status run() { std::abort(); }
};
using AbortImporter = tonghop_test::Hostile<Abort>;
}  // namespace

TONGHOP_PLUGIN(AbortImporter, importer, "test-abort", "1.0.0", "abort", "text/x-abort", "aborts while reading")
