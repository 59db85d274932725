// The loader against real shared libraries: the shipped JSON exporter, the
// example importer, and libraries that must be refused.
#include <gtest/gtest.h>

#include <dlfcn.h>

#include <sstream>

#include <boost/json.hpp>
#include <spdlog/sinks/ostream_sink.h>

#include "loader/loader.hpp"
#include "support/process.hpp"

namespace fs = std::filesystem;
using namespace tonghop;

namespace {

struct LoaderTest : ::testing::Test {
  test::TempDir dir;
  std::ostringstream log_text;
  std::shared_ptr<spdlog::logger> logger =
      std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log_text));
  std::shared_ptr<loader::HostServices> host;

  LoaderTest() {
    logger->set_level(spdlog::level::debug);
    tonghop_limits limits{};
    limits.max_cells = 1000;
    host = std::make_shared<loader::HostServices>(logger, limits);
  }
  fs::path add(const fs::path& from, const std::string& as = {}) {
    const fs::path to = dir.path() / (as.empty() ? from.filename().string() : as);
    fs::copy_file(from, to, fs::copy_options::overwrite_existing);
    return to;
  }
  static fs::path built(const std::string& name) { return fs::path(TONGHOP_PLUGIN_DIR) / name; }
  static fs::path test_plugin(const std::string& name) { return fs::path(TONGHOP_TEST_PLUGIN_DIR) / name; }
  std::string refusal(const std::string& file, const loader::PluginSet& set) {
    for (const auto& r : set.refused)
      if (r.file.filename() == file) return r.reason;
    return "(not refused)";
  }
};

bool is_loaded(const fs::path& file) {
  void* h = ::dlopen(file.c_str(), RTLD_NOW | RTLD_NOLOAD);
  if (h == nullptr) return false;
  ::dlclose(h);
  return true;
}

}  // namespace

TEST_F(LoaderTest, LoadsTheGoodAndRefusesTheRestWithReasons) {
  add(built("tonghop-export-json.so"));
  add(test_plugin("tonghop-test-hello.so"));
  add(test_plugin("tonghop-test-not-a-plugin.so"));
  add(test_plugin("tonghop-test-wrong-abi.so"));
  add(test_plugin("tonghop-test-throwing.so"));
  add(built("tonghop-export-json.so"), "tonghop-export-json-copy.so");
  test::write_file(dir.path() / "notes.so", "this is a text file, not a library\n");
  test::write_file(dir.path() / "README.txt", "ignored: not a .so\n");

  const auto set = loader::load_directory(dir.path(), host);
  ASSERT_EQ(set->plugins.size(), 2u) << log_text.str();
  const auto* json = set->find("export-json");
  ASSERT_NE(json, nullptr);
  EXPECT_EQ(json->info.kind, loader::Kind::exporter);
  EXPECT_EQ(json->info.formats, std::vector<std::string>{"json"});
  EXPECT_EQ(json->info.mime_types, std::vector<std::string>{"application/json"});
  EXPECT_EQ(json->info.abi_version, TONGHOP_SDK_ABI_VERSION);
  EXPECT_NE(json->exporter, nullptr);
  EXPECT_EQ(set->exporter_for("json"), json);
  EXPECT_EQ(set->exporter_for("xlsx"), nullptr);
  const auto* hello = set->find("hello");
  ASSERT_NE(hello, nullptr);
  EXPECT_EQ(hello->info.kind, loader::Kind::importer);
  EXPECT_NE(hello->importer, nullptr);

  ASSERT_EQ(set->refused.size(), 5u);
  EXPECT_NE(refusal("tonghop-test-not-a-plugin.so", *set).find("not a tonghop plugin"), std::string::npos);
  EXPECT_NE(refusal("tonghop-test-wrong-abi.so", *set).find("built for SDK ABI version " + std::to_string(TONGHOP_SDK_ABI_VERSION + 1)), std::string::npos);
  EXPECT_NE(refusal("tonghop-test-throwing.so", *set).find("the template file it needs is missing"),
            std::string::npos);
  EXPECT_NE(refusal("tonghop-export-json.so", *set).find("already taken"), std::string::npos)
      << "the later file in name order loses the name";
  EXPECT_NE(refusal("notes.so", *set).find("cannot be loaded"), std::string::npos);
  // Every refusal is in the log too.
  EXPECT_NE(log_text.str().find("tonghop-test-wrong-abi.so refused"), std::string::npos);
}

// What `check` uses to leave the exporters alone: a file the filter says no
// to is neither opened (a library that cannot load is no refusal) nor listed.
TEST_F(LoaderTest, AFileTheFilterSaysNoToIsLeftAlone) {
  add(built("tonghop-export-json.so"));
  add(test_plugin("tonghop-test-hello.so"));
  test::write_file(dir.path() / "tonghop-export-broken.so", "not a library\n");
  const auto set = loader::load_directory(dir.path(), host, [](const std::filesystem::path& file) {
    return !file.filename().string().starts_with("tonghop-export-");
  });
  ASSERT_EQ(set->plugins.size(), 1u) << log_text.str();
  EXPECT_NE(set->find("hello"), nullptr);
  EXPECT_TRUE(set->refused.empty()) << log_text.str();
  const auto all = loader::load_directory(dir.path(), host);
  EXPECT_EQ(all->plugins.size(), 2u);
  EXPECT_EQ(all->refused.size(), 1u);
}

TEST_F(LoaderTest, PluginLogsAreTaggedWithItsName) {
  add(test_plugin("tonghop-test-hello.so"));
  const auto set = loader::load_directory(dir.path(), host);
  ASSERT_EQ(set->plugins.size(), 1u);
  EXPECT_NE(log_text.str().find("[plugin hello] hello importer ready"), std::string::npos) << log_text.str();
}

TEST_F(LoaderTest, AnImporterReadsAFileThroughTheBoundary) {
  add(test_plugin("tonghop-test-hello.so"));
  const auto set = loader::load_directory(dir.path(), host);
  const auto& importer = *set->find("hello")->importer;
  const std::string file = "HELLO TABLE Biểu 01\nThan Uyên|45|2044\nTam Đường|33|3823\n";
  const sdk::Bytes bytes(reinterpret_cast<const unsigned char*>(file.data()), file.size());
  EXPECT_EQ(importer.sniff(bytes.first(11), "x.txt"), sdk::confidence::signature);
  EXPECT_EQ(importer.sniff({}, "bao-cao.hello"), sdk::confidence::name_only);
  EXPECT_EQ(importer.sniff({}, "bao-cao.csv"), 0);

  sdk::DocumentBuilder sink;
  ASSERT_TRUE(importer.read({"bao-cao.hello", bytes}, host->api()->default_limits, sink).ok());
  const auto doc = sink.take();
  ASSERT_EQ(doc.sheets.size(), 1u);
  EXPECT_EQ(doc.sheets[0].name, "Biểu 01");
  const auto* cell = doc.sheets[0].find(2, 3);
  ASSERT_NE(cell, nullptr);
  EXPECT_EQ(cell->type, sdk::CellType::number);
  EXPECT_EQ(cell->number, 3823);
  EXPECT_EQ(doc.sheets[0].find(1, 1)->text, "Than Uyên");

  // Limits given by the host bind the plugin.
  sdk::Limits tight{};
  tight.max_cells = 4;
  sdk::DocumentBuilder sink2;
  const auto s = importer.read({"bao-cao.hello", bytes}, tight, sink2);
  EXPECT_EQ(s.code(), sdk::Code::limit_exceeded);

  const std::string bad = "not a hello table\n";
  sdk::DocumentBuilder sink3;
  const auto s3 =
      importer.read({"x", sdk::Bytes(reinterpret_cast<const unsigned char*>(bad.data()), bad.size())}, tight, sink3);
  EXPECT_EQ(s3.code(), sdk::Code::invalid_input);
  EXPECT_EQ(s3.where().row, 1u);
}

TEST_F(LoaderTest, TheJsonExporterWritesTheReportShape) {
  add(built("tonghop-export-json.so"));
  const auto set = loader::load_directory(dir.path(), host);
  const auto* json = set->exporter_for("json");
  ASSERT_NE(json, nullptr);

  sdk::Report r;
  r.metadata = {{"province", std::string("Lai Châu")},
                {"period", std::string("2018")},
                {"completeness.expected", sdk::StringList{"Than Uyên", "Mường Tè"}},
                {"completeness.missing", sdk::StringList{"Mường Tè"}},
                {"display.title", std::string("BÁO CÁO")},
                {"rows_key", std::string("districts")}};
  r.groups = {{"", {{"orgs_total", "Tổng số", sdk::ColumnKind::integer}}},
              {"Đánh giá", {{"orgs_good_or_better_pct", "Tỷ lệ", sdk::ColumnKind::percent},
                            {"villages_with_cell_pct", "Thôn có CB", sdk::ColumnKind::percent}}}};
  sdk::Row than_uyen;
  than_uyen.label = "Than Uyên";
  than_uyen.attributes = {{"district", std::string("Than Uyên")}, {"submission_id", std::int64_t{7}}};
  than_uyen.values = {std::int64_t{45}, 80.0, std::monostate{}};
  than_uyen.change = {std::int64_t{2}, -1.5, std::monostate{}};
  sdk::Notice w;
  w.code = "admitted_high";
  w.message = "kết nạp cao";
  w.details = {{"row", std::int64_t{12}}};
  than_uyen.warnings.push_back(w);
  sdk::Row muong_te;
  muong_te.label = "Mường Tè";
  muong_te.missing = true;
  r.rows = {than_uyen, muong_te};
  sdk::Row total;
  total.values = {std::int64_t{45}, 80.0, std::monostate{}};
  r.total = total;

  std::ostringstream out;
  ASSERT_TRUE(json->exporter->write(r, "json", out).ok());
  const std::string text = out.str();
  EXPECT_NE(text.find("\"orgs_good_or_better_pct\": 80.0"), std::string::npos) << text;
  const auto v = boost::json::parse(text).as_object();
  EXPECT_EQ(v.at("province").as_string(), "Lai Châu");
  EXPECT_FALSE(v.contains("display.title"));
  EXPECT_FALSE(v.contains("display"));
  EXPECT_EQ(v.at("completeness").at("missing").as_array().at(0).as_string(), "Mường Tè");
  const auto& districts = v.at("districts").as_array();
  ASSERT_EQ(districts.size(), 1u) << "a missing row is not a district that reported";
  const auto& d = districts[0].as_object();
  EXPECT_EQ(d.at("district").as_string(), "Than Uyên");
  EXPECT_EQ(d.at("submission_id").as_int64(), 7);
  EXPECT_EQ(d.at("indicators").at("orgs_total").as_int64(), 45);
  EXPECT_TRUE(d.at("indicators").at("villages_with_cell_pct").is_null());
  EXPECT_EQ(d.at("change").at("orgs_good_or_better_pct").as_double(), -1.5);
  EXPECT_EQ(d.at("warnings").at(0).at("row").as_int64(), 12);
  EXPECT_EQ(v.at("total").at("indicators").at("orgs_total").as_int64(), 45);
  EXPECT_FALSE(v.at("total").as_object().contains("change"));

  std::ostringstream ignored;
  EXPECT_EQ(json->exporter->write(r, "xlsx", ignored).code(), sdk::Code::unsupported);
}

TEST_F(LoaderTest, ALibraryStaysLoadedWhileItsObjectLives) {
  const fs::path file = add(built("tonghop-export-json.so"), "tonghop-lifetime.so");
  std::shared_ptr<const sdk::Exporter> kept;
  {
    const auto set = loader::load_directory(dir.path(), host);
    ASSERT_EQ(set->plugins.size(), 1u);
    kept = set->plugins[0].exporter;
    EXPECT_TRUE(is_loaded(file));
  }
  // The set is gone; the object is not, so neither is its code.
  EXPECT_TRUE(is_loaded(file));
  std::ostringstream out;
  EXPECT_TRUE(kept->write(sdk::Report{}, "json", out).ok());
  kept.reset();
  EXPECT_FALSE(is_loaded(file)) << "the library is unloaded once its last object has died";
}

TEST_F(LoaderTest, AMissingDirectoryLoadsNothing) {
  const auto set = loader::load_directory(dir.path() / "nope", host);
  EXPECT_TRUE(set->plugins.empty());
  EXPECT_TRUE(set->refused.empty());
}
