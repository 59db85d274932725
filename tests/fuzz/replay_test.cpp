// Every input a fuzzer once crashed on (tests/fuzz/regressions, one folder
// per importer), replayed as the fuzz targets read it (fuzz_importer.cpp):
// through the real plugin chosen by the daemon's ingest path, then what the
// importer read through the daemon's normaliser with the source tree's
// catalogue and units, as Than Uyên's return of 2018. Neither may crash, and
// the importer never fails as an internal error.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "normalise/lai_chau.hpp"
#include "support/importing.hpp"

using namespace tonghop;

namespace {

bool has_error(const normalise::Normalised& n, const std::string& code, const std::string& field) {
  return std::any_of(n.errors.begin(), n.errors.end(), [&](const auto& e) { return e.code == code && e.field == field; });
}

}  // namespace

TEST(FuzzRegressions, EveryFoundInputIsImportedAndNormalised) {
  const auto root = std::filesystem::path(TONGHOP_SOURCE_DIR "/tests/fuzz/regressions");
  int replayed = 0;
  for (const auto& dir : std::filesystem::directory_iterator(root)) {
    if (!dir.is_directory()) continue;
    for (const auto& f : std::filesystem::directory_iterator(dir.path())) {
      const auto r = test::import_file(f.path());
      ++replayed;
      EXPECT_NE(r.status.code(), sdk::Code::internal) << f.path() << ": " << r.status.message();
      // What the importer read, refused or not, through the normaliser.
      const auto n = test::lai_chau_normaliser().normalise(r.doc, {"Than Uyên", "2018"});
      // A verdict either way: records, or the errors that refuse them.
      EXPECT_TRUE(n.records.size() > 0 || !n.errors.empty()) << f.path();
      if (f.path().filename() == "normaliser-huge-number.json") {
        // 3126e100 women admitted: refused at its place, never cast to a count.
        EXPECT_TRUE(has_error(n, "too_large", "admitted_female")) << f.path();
      }
    }
  }
  EXPECT_GE(replayed, 2);
  std::printf("%d fuzz findings imported and normalised\n", replayed);
}
