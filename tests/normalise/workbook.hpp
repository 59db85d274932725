// An xlsx written by openpyxl from a description (tests/normalise/write_workbook.py):
// {"sheets":[{"name":…, "rows":{"1":[…], …}, "merges":["A1:B2", …]}]}.
#pragma once

#include <string>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "support/process.hpp"

namespace tonghop::test {

inline std::string openpyxl_workbook(const TempDir& dir, const std::string& name, const boost::json::value& spec) {
  const auto spec_file = dir.path() / (name + ".json");
  const auto out = dir.path() / name;
  write_file(spec_file, boost::json::serialize(spec));
  const auto r = run({"/usr/bin/python3", TONGHOP_SOURCE_DIR "/tests/normalise/write_workbook.py", out.string(),
                      spec_file.string()});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return out.string();
}

}  // namespace tonghop::test
