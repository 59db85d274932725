// Choosing the importer: content first, the file name second.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

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
  // UTF-16 JSON (Windows' Notepad "Unicode"), named .json: the JSON
  // importer, not the CSV importer, which reads UTF-16 too and took it for
  // a table of one column.
  const std::string le = std::string("\xFF\xFE{\0\n\0\"\0a\0\"\0:\0" "1\0}\0", 18);
  EXPECT_EQ(chosen(le, "bao-cao.json"), "import-json");
  const std::string be = std::string("\xFE\xFF\0[\0" "1\0]", 8);
  EXPECT_EQ(chosen(be, "bao-cao.JSON"), "import-json");
}

// A clerk who sent the wrong file is told, in Vietnamese first, what it
// looks like and what the server reads: the formats of the loaded importers.
TEST(Choice, NothingReadsAPdfAndTheClerkIsToldWhatToSend) {
  const auto r = chosen("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n", "bao-cao.pdf");
  EXPECT_EQ(r,
            "415: Không đọc được tệp này: tệp có vẻ là một tài liệu PDF; hãy gửi bảng tính hoặc tệp dữ liệu của báo cáo "
            "(.csv, .tsv, .txt, .html, .htm, .json, .ods, .ots, .xml, .xls, .xlsx, .xlsm) / no importer can read this "
            "file: it looks like a PDF document; send the return as a spreadsheet or a data file (.csv, .tsv, .txt, "
            ".html, .htm, .json, .ods, .ots, .xml, .xls, .xlsx, .xlsm)");
}

TEST(Choice, AnImageNamedLikeAWorkbookIsSaidToBeAnImage) {
  const auto r = chosen(std::string("\x89PNG\r\n\x1A\n\0\0\0\rIHDR", 16), "bao-cao.xlsx");
  EXPECT_NE(r.find("415: Không đọc được tệp này: tệp có vẻ là một hình ảnh, dù tên tệp nói khác; "), std::string::npos) << r;
  EXPECT_NE(r.find(" / no importer can read this file: it looks like an image, whatever its name says; "), std::string::npos)
      << r;
  // Bytes nothing recognises, under a name nothing claims.
  const auto unknown = chosen(std::string("\x01\x02\x03\x04\x00\xFF", 6), "bao-cao.bin");
  EXPECT_NE(unknown.find("tệp có vẻ là dữ liệu không rõ loại; "), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("it looks like data of an unknown kind; "), std::string::npos) << unknown;
}

// The guard between every importer and the normaliser (ingest::read_document)
// counts cells itself, whatever the importer checks: it compares one counter
// per cell, the next count at which a limit is due (issue 18, csvcpu), and
// must still refuse at the first cell past max_cells, and look at the clock
// every 16,384 cells. An importer here that checks nothing writes them.
namespace {
class Unbounded final : public sdk::Importer {
 public:
  Unbounded(std::uint64_t cells, std::uint64_t pause_after) : sdk::Importer(sdk::Host{}), cells_(cells), pause_(pause_after) {}

 protected:
  sdk::Confidence do_sniff(sdk::Bytes, std::string_view) const override { return sdk::confidence::none; }
  sdk::Status do_read(const sdk::Source&, const sdk::Limits&, sdk::DocumentSink& sink) const override {
    if (auto s = sink.begin_sheet("s"); !s.ok()) return s;
    for (std::uint64_t i = 0; i < cells_; ++i) {
      if (i == pause_) std::this_thread::sleep_for(std::chrono::milliseconds(1100));
      sdk::CellView c;
      c.row = static_cast<std::uint32_t>(i / 10 + 1);
      c.column = static_cast<std::uint32_t>(i % 10 + 1);
      c.type = sdk::CellType::text;
      c.text = "1";
      if (auto s = sink.cell(c); !s.ok()) return s;
    }
    return sink.end_sheet();
  }

 private:
  std::uint64_t cells_, pause_;
};

}  // namespace

TEST(Guard, RefusesTheFirstCellPastMaxCellsWhateverTheImporterChecks) {
  for (const std::uint64_t max : {1ull, 2ull, 16'383ull, 16'384ull, 16'385ull, 40'000ull}) {
    tonghop_limits limits{};
    limits.max_cells = max;
    limits.max_seconds = 60;
    test::CountingSink sink;
    const Unbounded importer(max + 5, UINT64_MAX);
    const auto s = ingest::read_document(importer, sdk::Source{"x", {}}, limits, sink);
    ASSERT_EQ(s.code(), sdk::Code::limit_exceeded) << max;
    EXPECT_NE(s.message().find("more than " + std::to_string(max) + " cells"), std::string::npos) << s.message();
    // In Vietnamese first, with the advice every limit gives (never to split the return).
    EXPECT_EQ(s.message().rfind("tệp có nhiều hơn " + std::to_string(max) + " ô, giới hạn cho phép; " +
                                    std::string(sdk::kPastALimitVi) + " / ",
                                0),
              0u)
        << s.message();
    EXPECT_EQ(sink.cells, max) << "every cell up to the limit passed, none after it";
    EXPECT_EQ(s.where().row, max / 10 + 1);
    EXPECT_EQ(s.where().column, max % 10 + 1);
    // Exactly the limit: read whole.
    test::CountingSink whole;
    EXPECT_TRUE(ingest::read_document(Unbounded(max, UINT64_MAX), sdk::Source{"x", {}}, limits, whole).ok()) << max;
    EXPECT_EQ(whole.cells, max);
  }
}

TEST(Guard, LooksAtTheClockEvery16384Cells) {
  tonghop_limits limits{};
  limits.max_cells = 0;  // no limit on cells: the clock alone
  limits.max_seconds = 1;
  test::CountingSink sink;
  // Past the deadline after the first cell: refused at the next 16,384th.
  const auto s = ingest::read_document(Unbounded(100'000, 1), sdk::Source{"x", {}}, limits, sink);
  ASSERT_EQ(s.code(), sdk::Code::limit_exceeded) << s.message();
  EXPECT_NE(s.message().find(" / reading the file took longer than 1 seconds"), std::string::npos) << s.message();
  EXPECT_EQ(s.message().rfind("đọc tệp quá 1 giây, giới hạn cho phép; ", 0), 0u) << s.message();
  EXPECT_EQ(sink.cells, 16'383u);
}
