// What pdf_test and print_test share: the four Lai Châu returns of 2018
// submitted to a served daemon, a PDF read back with poppler (pdftotext,
// pdfinfo), and the figures written the Vietnamese way, independently of the
// plugins.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "support/daemon.hpp"
#include "support/http_client.hpp"
#include "support/process.hpp"

namespace tonghop::test::printed {

inline const std::string kData = TONGHOP_SOURCE_DIR "/tests/data/lai-chau/";

// Than Uyên, Tam Đường, Phong Thổ and Sìn Hồ's returns of 2018, each accepted.
inline void submit_samples(const ServedDaemon& d) {
  for (const auto& [file, district] : std::vector<std::pair<std::string, std::string>>{
           {"2018/than-uyen.xlsx", "Than%20Uy%C3%AAn"}, {"2018/tam-duong.json", "tam%20duong"},
           {"2018/phong-tho.csv", "phong%20tho"}, {"2018/sin-ho.csv", "sin%20ho"}}) {
    const auto r = d.request("POST", "/api/v1/submissions?district=" + district + "&period=2018&filename=" +
                                         std::filesystem::path(file).filename().string(),
                             read_file(kData + file));
    EXPECT_TRUE(r && r->status == 201) << file << ": " << (r ? r->body : "no reply");
  }
}

// What poppler reads: pdftotext of pages [first, last]; of page `first`
// alone without `last`; of every page without either.
inline std::string text_of(const std::filesystem::path& pdf, int first = 0, int last = 0) {
  if (last == 0) last = first;
  const auto out = pdf.string() + "." + std::to_string(first) + "-" + std::to_string(last) + ".txt";
  std::vector<std::string> argv{"/usr/bin/pdftotext", "-enc", "UTF-8", "-layout"};
  if (first > 0) argv.insert(argv.end(), {"-f", std::to_string(first), "-l", std::to_string(last)});
  argv.insert(argv.end(), {pdf.string(), out});
  const auto r = run(argv);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return read_file(out);
}

// The page count pdfinfo gives (0 when it gives none).
inline int pages_of(const std::filesystem::path& pdf) {
  const auto r = run({"/usr/bin/pdfinfo", pdf.string()});
  std::smatch m;
  return std::regex_search(r.output, m, std::regex("Pages:\\s+([0-9]+)")) ? std::stoi(m[1]) : 0;
}

// 15513 -> "15.513".
inline std::string vi(std::int64_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += '.';
    out += digits[i];
  }
  return out;
}
// 34.7 -> "34,70".
inline std::string vi_percent(double p) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", p);
  std::string s = buf;
  s[s.find('.')] = ',';
  return s;
}

}  // namespace tonghop::test::printed
