// What the tests of `tonghopd check` share: the real binary run on a file
// as a district clerk runs it, and Phong Thổ's return made into workbooks.
#pragma once

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/process.hpp"  // Process, TempDir

namespace tonghop::test::check {
inline tonghop::test::RunResult check(std::vector<std::string> args, std::string plugins = TONGHOP_PLUGIN_DIR) {
  std::vector<std::string> argv{TONGHOPD_PATH, "check"};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.insert(argv.end(), {"--config", TONGHOP_SOURCE_DIR "/config/tonghop.toml", "--plugins-dir", plugins});
  // config/tonghop.toml names config/... relative to the source tree.
  tonghop::test::Process p(argv, {}, {}, TONGHOP_SOURCE_DIR);
  tonghop::test::RunResult r;
  r.exit_code = p.wait(std::chrono::seconds(60)).value_or(-1);
  r.output = p.output();
  return r;
}
inline const std::string data = TONGHOP_SOURCE_DIR "/tests/data/lai-chau/";

// Workbooks made by openpyxl at test time in `dir` (ASSERT_TRUE it): `script` runs with
// `rows` (Phong Thổ's 2018 return as its CSV holds it: the header, then a
// row a list of texts), `out` (the folder) and `openpyxl` given.
inline ::testing::AssertionResult openpyxl_books(const tonghop::test::TempDir& dir, const std::string& script) {
  const auto made = tonghop::test::run(
      {"/usr/bin/python3", "-c",
       "import csv, sys, openpyxl\n"
       "rows = list(csv.reader(open(sys.argv[1], encoding='utf-8-sig'), delimiter=';'))\n"
       "out = sys.argv[2]\n" +
           script,
       data + "2018/phong-tho.csv", dir.path().string()});
  if (made.exit_code == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "openpyxl: " << made.output;
}
// `check --format json` of `file` as Phong Thổ's 2018 return.
inline tonghop::test::RunResult check_phong_tho(const std::string& file) {
  return check({file, "--district", "Phong Thổ", "--period", "2018", "--format", "json"});
}

}  // namespace tonghop::test::check
