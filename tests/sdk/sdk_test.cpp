// The SDK's own behaviour: the shim that keeps exceptions on the plugin's
// side, the append-only host table, the descriptor TONGHOP_PLUGIN makes.
#include <gtest/gtest.h>

#include <sstream>
#include <stdexcept>
#include <vector>

#include <tonghop/sdk.hpp>

namespace sdk = tonghop::sdk;

namespace {

struct Captured {
  std::vector<std::string> lines;
};
void capture_log(void* ctx, const char* plugin, int level, const char* msg, size_t len) {
  static_cast<Captured*>(ctx)->lines.push_back(std::string(plugin) + "|" + std::to_string(level) + "|" +
                                               std::string(msg, len));
}

tonghop_host_api make_host(Captured* c) {
  tonghop_host_api api{};
  api.struct_size = sizeof api;
  api.abi_version = TONGHOP_SDK_ABI_VERSION;
  api.context = c;
  api.log = &capture_log;
  api.default_limits.max_cells = 1234;
  return api;
}

// An importer whose implementation fails in every way a plugin can.
class Failing final : public sdk::Importer {
 public:
  enum class How { runtime_error, bad_alloc, integer, sniff_throws, sniff_high };
  Failing(sdk::Host h, How how) : sdk::Importer(h), how_(how) {}

 protected:
  sdk::Confidence do_sniff(sdk::Bytes, std::string_view) const override {
    if (how_ == How::sniff_throws) throw std::logic_error("sniff bug");
    return how_ == How::sniff_high ? 150 : -5;
  }
  sdk::Status do_read(const sdk::Source&, const sdk::Limits&, sdk::DocumentSink&) const override {
    switch (how_) {
      case How::runtime_error: throw std::runtime_error("zip directory is corrupt");
      case How::bad_alloc: throw std::bad_alloc();
      case How::integer: throw 42;
      default: return {};
    }
  }

 private:
  How how_;
};

class ThrowingExporter final : public sdk::Exporter {
 public:
  using sdk::Exporter::Exporter;
  bool fail = true;

 protected:
  sdk::Status do_write(const sdk::Report&, std::string_view, std::ostream& out) const override {
    if (fail) throw std::runtime_error("font missing");
    out << "x";
    return {};
  }
};

// The example plugin of this test binary, declared with the SDK's macro.
class Declared final : public sdk::Importer {
 public:
  explicit Declared(sdk::Host h) : sdk::Importer(h) { h.info("made"); }

 protected:
  sdk::Confidence do_sniff(sdk::Bytes, std::string_view) const override { return 0; }
  sdk::Status do_read(const sdk::Source&, const sdk::Limits&, sdk::DocumentSink&) const override { return {}; }
};

}  // namespace

TONGHOP_PLUGIN(Declared, importer, "declared", "2.3.4", "aaa bbb", "text/a text/b", "test plugin")

TEST(Status, ColumnLettersAreSpreadsheetColumns) {
  EXPECT_EQ(sdk::column_letters(1), "A");
  EXPECT_EQ(sdk::column_letters(19), "S");
  EXPECT_EQ(sdk::column_letters(26), "Z");
  EXPECT_EQ(sdk::column_letters(27), "AA");
  EXPECT_EQ(sdk::column_letters(52), "AZ");
  EXPECT_EQ(sdk::column_letters(703), "AAA");
  EXPECT_EQ(sdk::column_letters(0), "");
}

TEST(Status, DefaultIsOkAndCarriesItsPlace) {
  sdk::Status ok;
  EXPECT_TRUE(ok.ok());
  sdk::Location where;
  where.sheet = "Biểu 01";
  where.row = 17;
  where.column = 19;
  sdk::Status bad(sdk::Code::invalid_input, "not a number", where);
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.where().sheet, "Biểu 01");
  EXPECT_EQ(bad.where().row, 17u);
  EXPECT_FALSE(bad.where().has_offset());
  EXPECT_EQ(sdk::code_name(bad.code()), "invalid_input");
}

TEST(Importer, ExtensionOfIgnoresCaseAndFolders) {
  EXPECT_EQ(sdk::extension_of("Bao cao THAN UYEN.XLSX"), "xlsx");
  EXPECT_EQ(sdk::extension_of("/in/box.d/file"), "");
  EXPECT_EQ(sdk::extension_of("trailing."), "");
  EXPECT_EQ(sdk::extension_of(""), "");
}

// A web page named .xls: HTML in its first 1 KiB, in any case, in UTF-8 or
// UTF-16; a CSV or a text that merely mentions a table is not one.
TEST(Importer, AWebPageIsToldByItsTags) {
  EXPECT_TRUE(sdk::looks_like_html("<HTML><body><table><tr><td>1</td></tr></table>"));
  EXPECT_TRUE(sdk::looks_like_html("\xEF\xBB\xBF<!DOCTYPE html>\n<html>"));
  EXPECT_TRUE(sdk::looks_like_html(std::string_view("\xFF\xFE<\0t\0a\0b\0l\0e\0>\0", 16)));
  EXPECT_TRUE(sdk::looks_like_html("<div>\r\n\t<table cellspacing=\"0\" rules=\"all\">"));
  EXPECT_FALSE(sdk::looks_like_html("Dang bo huyen;Ten TCCSD;Loai hinh\nPhong Tho;Dang bo xa;DB\n"));
  EXPECT_FALSE(sdk::looks_like_html("ten;bang\nthe table;1\n"));
  EXPECT_FALSE(sdk::looks_like_html("<" + std::string(1024, 'x') + "<table>"));  // past the first 1,024 characters
  // A CSV whose note names a tag does not begin with one.
  EXPECT_FALSE(sdk::looks_like_html("Ten TCCSD;Ghi chu\nChi bo A;muc <header> va <table>\n"));
  EXPECT_FALSE(sdk::looks_like_html("<header>x</header><tabled>"));  // no HTML tag as a whole name
  // Excel 2003 XML has a <Table>: not a web page.
  EXPECT_FALSE(sdk::looks_like_html("<?xml version=\"1.0\"?><Workbook xmlns=\"urn:schemas-microsoft-com:office:"
                                    "spreadsheet\"><Worksheet><Table><Row>"));
  // A page that opens with a long style block.
  EXPECT_TRUE(sdk::looks_like_html("<style>" + std::string(600, ' ') + "</style><table><tr><td>1</td></tr>"));
}

TEST(Document, PointerTokensAreEscaped) {
  EXPECT_EQ(sdk::pointer_token("a/b~c"), "a~1b~0c");
  EXPECT_EQ(sdk::pointer_token("dang_vien"), "dang_vien");
}

TEST(Shim, ExceptionsBecomeStatuses) {
  Captured c;
  const auto api = make_host(&c);
  sdk::DocumentBuilder sink;
  const sdk::Source src{"x.bin", {}};
  const sdk::Limits limits{};

  Failing runtime(sdk::Host(&api, "f"), Failing::How::runtime_error);
  const auto s1 = runtime.read(src, limits, sink);
  EXPECT_EQ(s1.code(), sdk::Code::internal);
  EXPECT_NE(s1.message().find("zip directory is corrupt"), std::string::npos);

  EXPECT_EQ(s1.message(), "bộ đọc tệp gặp lỗi nội bộ; hãy báo quản trị viên / importer failed: zip directory is corrupt");

  Failing oom(sdk::Host(&api, "f"), Failing::How::bad_alloc);
  const auto s2 = oom.read(src, limits, sink);
  EXPECT_EQ(s2.code(), sdk::Code::limit_exceeded);
  EXPECT_EQ(s2.message(), "không đủ bộ nhớ để đọc tệp / out of memory while reading the file");

  Failing odd(sdk::Host(&api, "f"), Failing::How::integer);
  const auto s3 = odd.read(src, limits, sink);
  EXPECT_EQ(s3.code(), sdk::Code::internal);
  EXPECT_EQ(s3.message(), "bộ đọc tệp gặp lỗi nội bộ; hãy báo quản trị viên / importer failed with an unknown exception");
}

TEST(Shim, SniffNeverThrowsAndStaysInRange) {
  Captured c;
  const auto api = make_host(&c);
  Failing throws(sdk::Host(&api, "sniffer"), Failing::How::sniff_throws);
  EXPECT_EQ(throws.sniff({}, "a.csv"), 0);
  ASSERT_EQ(c.lines.size(), 1u);
  EXPECT_EQ(c.lines[0].substr(0, 10), "sniffer|3|");
  Failing high(sdk::Host(&api, "f"), Failing::How::sniff_high);
  EXPECT_EQ(high.sniff({}, ""), 100);
  Failing low(sdk::Host(&api, "f"), Failing::How::runtime_error);
  EXPECT_EQ(low.sniff({}, ""), 0);
}

TEST(Shim, ExporterFailuresBecomeStatuses) {
  ThrowingExporter e{sdk::Host{}};
  std::ostringstream out;
  const auto s = e.write(sdk::Report{}, "x", out);
  EXPECT_EQ(s.code(), sdk::Code::internal);
  EXPECT_NE(s.message().find("font missing"), std::string::npos);

  e.fail = false;
  std::ostringstream broken;
  broken.setstate(std::ios::badbit);
  EXPECT_EQ(e.write(sdk::Report{}, "x", broken).code(), sdk::Code::io_error);
}

TEST(Host, LogsAreTaggedAndLimitsRead) {
  Captured c;
  const auto api = make_host(&c);
  sdk::Host h(&api, "csv");
  h.warn("delimiter guessed");
  ASSERT_EQ(c.lines.size(), 1u);
  EXPECT_EQ(c.lines[0], "csv|2|delimiter guessed");
  EXPECT_EQ(h.default_limits().max_cells, 1234u);
}

TEST(Host, AnOlderSmallerTableIsNotReadPastItsEnd) {
  Captured c;
  auto api = make_host(&c);
  // A host that only had the fields up to `log`: no default_limits.
  api.struct_size = offsetof(tonghop_host_api, default_limits);
  sdk::Host h(&api, "p");
  EXPECT_EQ(h.default_limits().max_cells, 0u);
  h.info("still logs");
  EXPECT_EQ(c.lines.size(), 1u);
  sdk::Host none;
  none.error("goes nowhere, and does not crash");
}

TEST(Document, BuilderKeepsCellsMergesAndTree) {
  sdk::DocumentBuilder b;
  ASSERT_TRUE(b.property("encoding", "windows-1258").ok());
  ASSERT_TRUE(b.begin_sheet("Biểu 01").ok());
  sdk::CellView cell;
  cell.row = 7;
  cell.column = 3;
  cell.type = sdk::CellType::text;
  cell.text = "Đảng viên";
  cell.font = ".VnTime";
  ASSERT_TRUE(b.cell(cell).ok());
  ASSERT_TRUE(b.merged({5, 3, 5, 8}).ok());
  ASSERT_TRUE(b.end_sheet().ok());
  ASSERT_TRUE(b.begin_tree().ok());
  sdk::ScalarView v;
  v.kind = sdk::NodeKind::number;
  v.number = 166;
  v.text = "166";
  ASSERT_TRUE(b.scalar("/to_chuc/0/dang_vien/tong_so", v).ok());
  const sdk::Document d = b.take();
  EXPECT_EQ(d.property("encoding"), "windows-1258");
  ASSERT_EQ(d.sheets.size(), 1u);
  const sdk::Cell* found = d.sheets[0].find(7, 3);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->text, "Đảng viên");
  EXPECT_EQ(found->font, ".VnTime");
  EXPECT_EQ(d.sheets[0].merges.at(0).last_column, 8u);
  ASSERT_NE(d.at("/to_chuc/0/dang_vien/tong_so"), nullptr);
  EXPECT_EQ(d.at("/to_chuc/0/dang_vien/tong_so")->number, 166);
}

TEST(Document, CellsOutsideASheetAreRefused) {
  sdk::DocumentBuilder b;
  EXPECT_EQ(b.cell(sdk::CellView{}).code(), sdk::Code::internal);
}

TEST(PluginMacro, DescriptorCarriesTheAbiAndMetadata) {
  const tonghop_plugin_descriptor* d = tonghop_plugin_entry();
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->abi_version, TONGHOP_SDK_ABI_VERSION);
  EXPECT_EQ(d->struct_size, sizeof(tonghop_plugin_descriptor));
  EXPECT_STREQ(d->name, "declared");
  EXPECT_STREQ(d->kind, "importer");
  EXPECT_STREQ(d->formats, "aaa bbb");
  EXPECT_STREQ(d->sdk_version, TONGHOP_SDK_VERSION_STRING);
}

TEST(PluginMacro, CreateChecksTheHostAndNeverThrows) {
  const tonghop_plugin_descriptor* d = tonghop_plugin_entry();
  Captured c;
  auto api = make_host(&c);
  void* object = nullptr;
  char error[128] = {};
  ASSERT_EQ(d->create(&api, &object, error, sizeof error), 0) << error;
  ASSERT_NE(object, nullptr);
  EXPECT_EQ(c.lines.at(0), "declared|1|made");
  auto* importer = static_cast<sdk::Importer*>(object);
  EXPECT_EQ(importer->sniff({}, ""), 0);
  d->destroy(object);

  api.abi_version = TONGHOP_SDK_ABI_VERSION + 1;
  object = reinterpret_cast<void*>(1);
  EXPECT_NE(d->create(&api, &object, error, sizeof error), 0);
  EXPECT_EQ(object, nullptr);
  EXPECT_NE(std::string(error).find("ABI"), std::string::npos);
  EXPECT_NE(d->create(nullptr, &object, error, sizeof error), 0);
}

namespace {
// Counts the calls, refusing the cell at column `refuse`.
class Calls final : public sdk::DocumentSink {
 public:
  std::uint32_t refuse = 0;
  std::vector<std::uint32_t> taken;
  int cell_calls = 0;
  sdk::Status property(std::string_view, std::string_view) override { return {}; }
  sdk::Status begin_sheet(std::string_view) override { return {}; }
  sdk::Status cell(const sdk::CellView& c) override {
    ++cell_calls;
    if (c.column == refuse) return {sdk::Code::limit_exceeded, "no"};
    taken.push_back(c.column);
    return {};
  }
  sdk::Status cells(const sdk::CellView* first, std::size_t count) override {
    ++run_calls;
    return sdk::DocumentSink::cells(first, count);
  }
  int run_calls = 0;
  sdk::Status merged(const sdk::MergedRange&) override { return {}; }
  sdk::Status end_sheet() override { return {}; }
  sdk::Status begin_tree() override { return {}; }
  sdk::Status begin_container(std::string_view, sdk::NodeKind) override { return {}; }
  sdk::Status scalar(std::string_view, const sdk::ScalarView&) override { return {}; }
  sdk::Status end_container(std::string_view) override { return {}; }
  sdk::Status end_tree() override { return {}; }
};
}  // namespace

// ABI 3: a run of cells means what one cell() each means; put_cells asks the
// host first, and a plugin's create takes a host of ABI 2 (which has no runs).
TEST(CellRuns, ARunIsOneCellEachAndStopsAtTheFirstRefusal) {
  sdk::CellView cells[5];
  for (std::uint32_t i = 0; i < 5; ++i) cells[i].row = 1, cells[i].column = i + 1;
  Calls sink;
  sink.refuse = 3;
  const sdk::Status s = sink.cells(cells, 5);  // the default: cell() for each
  EXPECT_EQ(s.code(), sdk::Code::limit_exceeded);
  EXPECT_EQ(sink.taken, (std::vector<std::uint32_t>{1, 2}));
  EXPECT_EQ(sink.cell_calls, 3);

  Captured c;
  auto api = make_host(&c);
  for (const std::uint32_t abi : {2u, 3u}) {
    api.abi_version = abi;
    const sdk::Host host(&api, "x");
    EXPECT_EQ(host.abi_version(), abi);
    EXPECT_EQ(host.takes_cell_runs(), abi >= 3);
    Calls all;
    EXPECT_TRUE(sdk::put_cells(host, all, cells, 5).ok());
    EXPECT_EQ(all.taken, (std::vector<std::uint32_t>{1, 2, 3, 4, 5}));
    EXPECT_EQ(all.run_calls, abi >= 3 ? 1 : 0) << "an ABI 2 host's sink has no cells()";
  }
  EXPECT_FALSE(sdk::Host().takes_cell_runs());

  const tonghop_plugin_descriptor* d = tonghop_plugin_entry();
  api.abi_version = TONGHOP_SDK_ABI_OLDEST;
  void* object = nullptr;
  char error[128] = {};
  ASSERT_EQ(d->create(&api, &object, error, sizeof error), 0) << error;
  d->destroy(object);
  api.abi_version = TONGHOP_SDK_ABI_OLDEST - 1;
  EXPECT_NE(d->create(&api, &object, error, sizeof error), 0);
  EXPECT_EQ(object, nullptr);
}
