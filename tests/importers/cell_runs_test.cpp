// SDK ABI 3's runs of cells (DocumentSink::cells): the same cells read the
// same whether an importer hands them over in runs or one call each, hostile
// ones refused at the same cell with the same message; an importer built
// against ABI 2 still loads and reads as before; and an ABI 3 importer on a
// host that says ABI 2 calls cell() only. The real `tonghopd check` on real
// plugins, and the real CSV importer loaded with dlopen.
#include <gtest/gtest.h>

#include <dlfcn.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include <fmt/format.h>

#include "support/daemon.hpp"
#include "support/http_client.hpp"
#include "support/importing.hpp"
#include "support/process.hpp"

namespace fs = std::filesystem;
namespace sdk = tonghop::sdk;
namespace test = tonghop::test;

namespace {

const fs::path kTestPlugins = TONGHOP_TEST_PLUGIN_DIR;

struct Checked {
  int exit_code = -1;
  std::string output;
};

// `tonghopd check FILE` with the plugins of `plugins` and the [limits] lines given.
Checked check(const fs::path& file, const fs::path& plugins, const std::string& limits = "",
              const std::string& format = "text") {
  test::TempDir dir;
  test::write_file(dir.path() / "tonghop.toml",
                   fmt::format("[paths]\ndata_dir = \"{}\"\n[limits]\n{}\n[normalise]\ncatalogue = \"{}/config/indicators.toml\"\n"
                               "units = \"{}/config/units/lai-chau.toml\"\nprofiles = \"{}/config/profiles\"\n",
                               (dir.path() / "data").string(), limits, TONGHOP_SOURCE_DIR, TONGHOP_SOURCE_DIR,
                               TONGHOP_SOURCE_DIR));
  test::Process p({TONGHOPD_PATH, "check", file.string(), "--district", "Than Uyên", "--period", "2018", "--format",
                   format, "--config", (dir.path() / "tonghop.toml").string(), "--plugins-dir", plugins.string()});
  Checked r;
  r.exit_code = p.wait(std::chrono::seconds(100)).value_or(-1);
  r.output = p.output();
  return r;
}

// A directory holding only `plugin` (a file of `from`).
fs::path only(const test::TempDir& dir, const fs::path& plugin) {
  const fs::path d = dir.path() / ("plugins-" + plugin.stem().string());
  fs::create_directories(d);
  fs::copy_file(plugin, d / plugin.filename(), fs::copy_options::overwrite_existing);
  return d;
}

std::string org_name(int i) {
  switch (i % 5) {
    case 0: return fmt::format("Chi bộ Trường Tiểu học số {}", i);
    case 1: return fmt::format("Đảng bộ xã Nà Cang {}", i);
    case 2: return fmt::format("Chi bộ Công an xã {}", i);
    case 3: return fmt::format("Chi bộ Phòng Tài nguyên {}", i);
    default: return fmt::format("Chi bộ tổ dân phố {}", i);
  }
}

constexpr int kRows = 24'000;  // 5 cells a row: rows past about 20,000 are streamed

// The rows of a large return, ';' between fields (line 1 the header, then
// row r+1 for organisation r): a CSV, and the test importer's body. `edit`
// may change a row's line (given its number in the file).
template <class Edit>
std::string large(Edit&& edit) {
  std::string out = "Tên TCCSĐ;Loại hình;Tổng số ĐV;ĐV nữ;ĐV DTTS\n";
  for (int i = 1; i <= kRows; ++i) {
    std::string line = fmt::format("{};{};{};{};{}", org_name(i), i % 5 == 1 ? "" : "CB", i % 40 + 3, (i % 40 + 3) / 2,
                                   (i % 40 + 3) / 3);
    edit(i + 1, line);
    out += line + "\n";
  }
  return out;
}
std::string large() {
  return large([](int, std::string&) {});
}

fs::path write(const test::TempDir& dir, const std::string& name, const std::string& content) {
  test::write_file(dir.path() / name, content);
  return dir.path() / name;
}

// The test importer's file of the same cells, handed over as `mode` says:
// "return.cells" in a directory of its own (`check` names the file).
fs::path cells_file(const test::TempDir& dir, const std::string& mode, const std::string& body) {
  const fs::path d = dir.path() / ("mode-" + std::to_string(std::hash<std::string>{}(mode + body)));
  fs::create_directories(d);
  test::write_file(d / "return.cells", "TONGHOP TEST CELLS " + mode + "\n" + body);
  return d / "return.cells";
}

// `check`'s output past its first line (the file's name and the importer's).
std::string past_first_line(const std::string& output) { return output.substr(output.find('\n') + 1); }

// What `check` says of `body` read by the test importer one cell a call.
Checked one_by_one(const std::string& body, const std::string& limits = "") {
  test::TempDir dir;
  return check(cells_file(dir, "one", body), only(dir, kTestPlugins / "tonghop-test-cell-runs.so"), limits);
}

// The text of the cells up to row `row`, column `column` (of the file's lines).
std::size_t text_through(const std::string& body, int row, int column) {
  std::size_t total = 0;
  int r = 1, c = 1;
  for (const char ch : body) {
    if (r == row && c > column) break;
    if (ch == '\n') ++r, c = 1;
    else if (ch == ';') ++c;
    else total += 1;
  }
  return total;
}

// The cells (non-empty fields) up to row `row`, column `column`.
std::size_t cells_through(const std::string& body, int row, int column) {
  std::size_t total = 0;
  int r = 1, c = 1;
  bool counted = false;  // the field at (r, c) counted
  for (const char ch : body) {
    if (r == row && c > column) break;
    if (ch == '\n') ++r, c = 1, counted = false;
    else if (ch == ';') ++c, counted = false;
    else if (!counted) ++total, counted = true;
  }
  return total;
}

// What `check` says of `body` read by the test importer one cell a call,
// which runs of 1, 7 and 256 cells must say too, byte for byte.
Checked same_in_every_mode(const std::string& body, const std::string& limits = "") {
  test::TempDir dir;
  const fs::path plugins = only(dir, kTestPlugins / "tonghop-test-cell-runs.so");
  const Checked one = check(cells_file(dir, "one", body), plugins, limits);
  for (const std::string mode : {"runs 1", "runs 7", "runs 256"}) {
    const Checked runs = check(cells_file(dir, mode, body), plugins, limits);
    EXPECT_EQ(runs.exit_code, one.exit_code) << mode;
    EXPECT_EQ(runs.output, one.output) << mode;
  }
  return one;
}

}  // namespace

TEST(CellRuns, TheSameCellsReadTheSameInRunsOrOneByOne) {
  const Checked one = same_in_every_mode(large());
  EXPECT_EQ(one.exit_code, 0) << one.output.substr(0, 2000);
  // And as the CSV importer reads the same rows as a file.
  test::TempDir dir;
  const Checked csv = check(write(dir, "return.csv", large()), TONGHOP_PLUGIN_DIR);
  EXPECT_EQ(csv.exit_code, one.exit_code);
  EXPECT_EQ(past_first_line(csv.output), past_first_line(one.output));
  EXPECT_NE(one.output.find("24000 organisations read"), std::string::npos) << one.output.substr(0, 300);
}

// Each hostile cell far down, in the streamed rows, inside runs of 7 and 256
// (row 22,223's third cell is the 106,668th: neither run's first).
TEST(CellRuns, AHostileRunIsRefusedAtTheSameCellAsOneByOne) {
  // Out of order: a row's cells right to left, with one column twice; a row
  // number that goes back; a row below the last.
  auto disorder = [](int row, std::string& line) {
    if (row == 22'223) line = "C5=1;C4=2;C3=9;C1=" + org_name(22'222) + ";C2=CB;C3=9";
    if (row == 22'300) line = "R100|" + line;
    if (row == 23'000) line = "R30000|" + line;
  };
  const Checked disordered = same_in_every_mode(large(disorder));
  EXPECT_NE(disordered.output, one_by_one(large()).output);

  // Too many cells: refused at row 22,223's third cell.
  const std::size_t before = cells_through(large(), 22'223, 2);
  const Checked many = same_in_every_mode(large(), fmt::format("max_cells = {}", before));
  EXPECT_NE(many.exit_code, 0);
  EXPECT_NE(many.output.find(fmt::format("more than {} cells", before)), std::string::npos) << many.output;
  EXPECT_NE(many.output.find("(row 22223, column C)"), std::string::npos) << many.output;

  // A field past max_field_size (the importer's to refuse; the host passes it on alike).
  const Checked long_field = same_in_every_mode(
      large([](int row, std::string& line) { if (row == 22'223) line += ";@70000"; }), "max_field_size = \"64 KiB\"");
  EXPECT_NE(long_field.output, "");

  // The document's text past max_text, at a cell inside a run.
  const std::size_t through = text_through(large(), 22'223, 2);
  const Checked text = same_in_every_mode(large(), fmt::format("max_text = {}", through));
  const Checked all_text = one_by_one(large(), fmt::format("max_text = {}", text_through(large(), kRows + 2, 0)));
  EXPECT_EQ(all_text.exit_code, 0) << "the whole text fits in its own size: " << all_text.output.substr(0, 500);
  EXPECT_NE(text.exit_code, 0);
  EXPECT_NE(text.output.find("limits.max_text"), std::string::npos) << text.output;

  // Bad UTF-8 in the name of row 22,223 (an overlong form, a stray
  // continuation byte, FF) and in the count of row 23,001.
  const Checked bad = same_in_every_mode(large([](int row, std::string& line) {
    if (row == 22'223) line = "Chi b\\xC1\\xBF \\x80x\\xFF" + line.substr(line.find(';'));
    if (row == 23'001) line = line.substr(0, line.rfind(';')) + ";1\\xFF";
  }));
  EXPECT_NE(bad.output, one_by_one(large()).output);
}

namespace {

// What the real daemon's dry run (POST /api/v1/check) answers for `body`
// read by the test importer as `mode` says, showing 5 rows ([check]
// max_rows), so that the rest pass the view's capture on to the reader
// (ingest::ViewCapture): status and body.
std::pair<int, std::string> dry_run(const std::string& mode, const std::string& body, const std::string& limits = "") {
  test::TempDir dir;
  const fs::path plugins = only(dir, kTestPlugins / "tonghop-test-cell-runs.so");
  test::write_file(dir.path() / "tonghop.toml",
                   fmt::format("[server]\nlisten = \"127.0.0.1:0\"\n[paths]\ndata_dir = \"{}\"\nplugins_dir = \"{}\"\n"
                               "[inbox]\nscan_milliseconds = 0\n[check]\nmax_rows = 5\n[limits]\n{}\n{}",
                               (dir.path() / "var").string(), plugins.string(), limits, test::normalise_section()));
  const std::string admin = "admin-token-for-the-cell-runs-tests-0123456789";
  test::Process daemon({TONGHOPD_PATH, "--config", (dir.path() / "tonghop.toml").string()},
                       {"TONGHOP_ADMIN_TOKEN=" + admin}, {}, dir.path());
  const std::uint16_t port = test::listening_port(daemon);
  EXPECT_NE(port, 0) << daemon.output();
  const auto reply = test::request(port, "POST", "/api/v1/check?district=Than%20Uy%C3%AAn&period=2018&filename=return.cells",
                                   "TONGHOP TEST CELLS " + mode + "\n" + body, "Authorization: Bearer " + admin + "\r\n",
                                   std::chrono::seconds(90));
  EXPECT_TRUE(reply.has_value()) << daemon.output();
  return reply ? std::pair{reply->status, reply->body} : std::pair{0, std::string()};
}

}  // namespace

// The dry run's view of what was read sits between the importer and the
// reader: runs of cells go through it as runs (the rows it does not show)
// and say exactly what one call a cell says: the same answer, byte for
// byte, its view, records and verdict, and the same refusal at the same cell.
TEST(CellRuns, ADryRunAnswersTheSameInRunsOrOneByOne) {
  const auto one = dry_run("one", large());
  ASSERT_EQ(one.first, 200) << one.second.substr(0, 500);
  EXPECT_NE(one.second.find("\"records_total\":24000"), std::string::npos) << one.second.substr(0, 500);
  EXPECT_NE(one.second.find(org_name(3)), std::string::npos) << "a row shown";
  for (const std::string mode : {"runs 7", "runs 256"}) EXPECT_EQ(dry_run(mode, large()), one) << mode;

  // Rows far down (not shown): a count that is not a number, and a row's
  // last cell (ĐV DTTS) more than its members: each named at its cell alike.
  const std::string bad = large([](int row, std::string& line) {
    if (row == 22'223) line = line.substr(0, line.find(';')) + ";CB;mười hai;6;4";
    if (row == 23'001) line = line.substr(0, line.rfind(';')) + ";999";
  });
  const auto refused = dry_run("one", bad);
  ASSERT_EQ(refused.first, 200) << refused.second.substr(0, 500);
  EXPECT_NE(refused.second.find("\"cell\":\"C22223\""), std::string::npos) << refused.second.substr(0, 2000);
  EXPECT_NE(refused.second.find("\"cell\":\"E23001\""), std::string::npos) << refused.second.substr(0, 2000);
  for (const std::string mode : {"runs 7", "runs 256"}) EXPECT_EQ(dry_run(mode, bad), refused) << mode;

  // Too many cells, at row 22,223's third: the child refuses it alike.
  const std::string limit = fmt::format("max_cells = {}", cells_through(large(), 22'223, 2));
  const auto many = dry_run("one", large(), limit);
  EXPECT_NE(many.second.find("more than"), std::string::npos) << many.second.substr(0, 2000);
  EXPECT_NE(many.second.find("\"cell\":\"C22223\""), std::string::npos) << many.second.substr(0, 2000);
  for (const std::string mode : {"runs 7", "runs 256"}) EXPECT_EQ(dry_run(mode, large(), limit), many) << mode;
}

// The CSV importer built against the SDK headers of ABI 2 (SDK 1.1.0), as a
// plugin built before ABI 3 is: loaded, told ABI 2, and reading every return
// as the ABI 3 build does.
TEST(CellRuns, AnAbi2CsvImporterLoadsAndReadsAsTheNewOne) {
  const fs::path abi2 = kTestPlugins / "abi2";
  test::Process plugins({TONGHOPD_PATH, "plugins", "--plugins-dir", abi2.string()});
  ASSERT_EQ(plugins.wait(std::chrono::seconds(30)).value_or(-1), 0);
  EXPECT_TRUE(plugins.output().find("import-csv") != std::string::npos) << plugins.output();
  EXPECT_TRUE(plugins.output().find("refused") == std::string::npos) << plugins.output();
  EXPECT_NE(plugins.output().find(" 2 "), std::string::npos) << plugins.output();

  test::TempDir dir;
  const fs::path big = write(dir, "return.csv", large());
  const fs::path quoted = write(dir, "quoted.csv", large([](int row, std::string& line) {
    if (row == 22'223) line = "\"" + org_name(22'222) + ", \"\"cũ\"\"\"" + line.substr(line.find(';'));
  }));
  for (const fs::path& file : {big, quoted, test::data_path("lai-chau/2018/sin-ho.csv"),
                               test::data_path("lai-chau/bad/sin-ho-not-a-number.csv")})
    for (const std::string format : {"text", "json"}) {
      const Checked old_build = check(file, abi2, "", format);
      const Checked new_build = check(file, TONGHOP_PLUGIN_DIR, "", format);
      EXPECT_EQ(old_build.exit_code, new_build.exit_code) << file;
      EXPECT_EQ(old_build.output, new_build.output) << file;
      EXPECT_GT(new_build.output.size(), 100u) << file;
    }
}

namespace {

// Keeps the document, and counts the calls it came in.
class CountedCalls final : public sdk::DocumentSink {
 public:
  sdk::DocumentBuilder kept;
  std::size_t cell_calls = 0, run_calls = 0, cells_in_runs = 0;

  sdk::Status property(std::string_view k, std::string_view v) override { return kept.property(k, v); }
  sdk::Status begin_sheet(std::string_view n) override { return kept.begin_sheet(n); }
  sdk::Status cell(const sdk::CellView& c) override {
    ++cell_calls;
    return kept.cell(c);
  }
  sdk::Status cells(const sdk::CellView* first, std::size_t count) override {
    ++run_calls;
    cells_in_runs += count;
    for (std::size_t i = 0; i < count; ++i)
      if (auto s = kept.cell(first[i]); !s.ok()) return s;
    return {};
  }
  sdk::Status merged(const sdk::MergedRange& r) override { return kept.merged(r); }
  sdk::Status end_sheet() override { return kept.end_sheet(); }
  sdk::Status begin_tree() override { return kept.begin_tree(); }
  sdk::Status begin_container(std::string_view p, sdk::NodeKind k) override { return kept.begin_container(p, k); }
  sdk::Status scalar(std::string_view p, const sdk::ScalarView& v) override { return kept.scalar(p, v); }
  sdk::Status end_container(std::string_view p) override { return kept.end_container(p); }
  sdk::Status end_tree() override { return kept.end_tree(); }
};

std::string cells_of(const sdk::Document& d) {
  std::string s;
  for (const auto& sheet : d.sheets)
    for (const auto& c : sheet.cells) s += fmt::format("{},{}:{}\n", c.row, c.column, c.text);
  return s;
}

}  // namespace

// The real CSV importer (ABI 3) made by hand with a host table that says ABI
// 2 (an older host's): it must not call cells(), which such a host's sinks
// lack; with a table saying 3 it hands over runs. The same cells either way.
TEST(CellRuns, TheCsvImporterCallsCellOneByOneOnAHostOfAbi2) {
  void* lib = dlopen((fs::path(TONGHOP_PLUGIN_DIR) / "tonghop-import-csv.so").c_str(), RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(lib, nullptr) << dlerror();
  auto entry = reinterpret_cast<tonghop_plugin_entry_fn>(dlsym(lib, TONGHOP_PLUGIN_SYMBOL));
  ASSERT_NE(entry, nullptr);
  const tonghop_plugin_descriptor* d = entry();
  EXPECT_EQ(d->abi_version, TONGHOP_SDK_ABI_VERSION);

  // A quoted field with doubled quotes (its text is the importer's own
  // copy, handed over after the run before it) far down.
  const std::string csv = large([](int row, std::string& line) {
    if (row == 20'001) line = "\"" + org_name(20'000) + ", \"\"cũ\"\"\"" + line.substr(line.find(';'));
  });
  const sdk::Source source{"return.csv", sdk::Bytes(reinterpret_cast<const unsigned char*>(csv.data()), csv.size())};
  std::string documents[2];
  for (const std::uint32_t abi : {2u, 3u}) {
    tonghop_host_api api{};
    api.struct_size = sizeof api;
    api.abi_version = abi;
    void* object = nullptr;
    char error[256] = {};
    ASSERT_EQ(d->create(&api, &object, error, sizeof error), 0) << error;
    auto* importer = static_cast<sdk::Importer*>(object);
    CountedCalls sink;
    const sdk::Status s = importer->read(source, test::default_limits(), sink);
    d->destroy(object);
    ASSERT_TRUE(s.ok()) << s.message();
    documents[abi - 2] = cells_of(sink.kept.document());
    if (abi == 2) {
      EXPECT_EQ(sink.run_calls, 0u);
      EXPECT_EQ(sink.cell_calls, std::size_t{kRows + 1} * 5 - kRows / 5 - 0);
    } else {
      EXPECT_GE(sink.run_calls, (std::size_t{kRows + 1} * 5 - kRows / 5 - 1) / 256);
      EXPECT_EQ(sink.cell_calls, 1u);  // the quoted field, alone
      EXPECT_EQ(sink.cells_in_runs + sink.cell_calls, std::size_t{kRows + 1} * 5 - kRows / 5);
    }
  }
  EXPECT_EQ(documents[0], documents[1]);
  EXPECT_NE(documents[0].find("20001,1:" + org_name(20'000) + ", \"cũ\"\n"), std::string::npos);

  // A host older than ABI 2, or newer than this plugin, is refused.
  for (const std::uint32_t abi : {1u, TONGHOP_SDK_ABI_VERSION + 1}) {
    tonghop_host_api api{};
    api.struct_size = sizeof api;
    api.abi_version = abi;
    void* object = nullptr;
    char error[256] = {};
    EXPECT_NE(d->create(&api, &object, error, sizeof error), 0);
    EXPECT_EQ(object, nullptr);
  }
  dlclose(lib);
}
