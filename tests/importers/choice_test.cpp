// Choosing the importer: content first, the file name second.
#include <gtest/gtest.h>

#include "ingest/ingest.hpp"
#include "support/importing.hpp"

using namespace tonghop;

namespace {
std::string chosen(const std::string& bytes, const std::string& name) {
  const sdk::Bytes view(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  auto c = ingest::choose_importer(test::real_plugins(), view, name);
  return c ? c->plugin->info.name : "415: " + c.error();
}
}  // namespace

TEST(Choice, ContentWinsOverTheName) {
  EXPECT_EQ(chosen("{\"a\":1}", "bao-cao.csv"), "import-json");
  EXPECT_EQ(chosen("a;b;c\n1;2;3\n", "bao-cao.json"), "import-csv");
  EXPECT_EQ(chosen("\xEF\xBB\xBF[1,2]", "noname"), "import-json");
  EXPECT_EQ(chosen("a,b\n1,2\n", ""), "import-csv");
}

TEST(Choice, NothingReadsAPdf) {
  const auto r = chosen("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n", "bao-cao.pdf");
  EXPECT_EQ(r, "415: no importer can read this file: it looks like a PDF document");
}
