// The JSON importer on the Tam Đường return and on JSONTestSuite.
#include <gtest/gtest.h>

#include "ingest/ingest.hpp"
#include "support/importing.hpp"
#include "support/process.hpp"

namespace fs = std::filesystem;
using namespace tonghop;

namespace {
sdk::Status read_json(const std::string& bytes, sdk::Document* doc = nullptr,
                      const tonghop_limits& limits = test::default_limits()) {
  const auto* plugin = test::real_plugins().find("import-json");
  EXPECT_NE(plugin, nullptr);
  sdk::DocumentBuilder builder;
  const sdk::Bytes view(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  auto s = ingest::read_document(*plugin->importer, {"x.json", view}, limits, builder);
  if (doc) *doc = builder.take();
  return s;
}
}  // namespace

TEST(JsonSample, TamDuongKeepsTheTreeWithPointers) {
  const auto r = test::import_file(test::data_path("lai-chau/2018/tam-duong.json"));
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.plugin, "import-json");
  ASSERT_TRUE(r.doc.is_tree);
  ASSERT_NE(r.doc.at("/don_vi_bao_cao"), nullptr);
  EXPECT_EQ(r.doc.at("/don_vi_bao_cao")->text, "Huyện ủy Tam Đường");
  EXPECT_EQ(r.doc.at("/ky_bao_cao")->text, "Năm 2018");
  const auto* name = r.doc.at("/to_chuc_co_so_dang/0/ten");
  ASSERT_NE(name, nullptr);
  EXPECT_EQ(name->text, "Đảng bộ xã Bản Hon");
  const auto* members = r.doc.at("/to_chuc_co_so_dang/0/dang_vien/tong_so");
  ASSERT_NE(members, nullptr);
  EXPECT_EQ(members->kind, sdk::NodeKind::number);
  EXPECT_EQ(members->number, 166);
  EXPECT_EQ(members->text, "166");
  EXPECT_EQ(r.doc.at("/to_chuc_co_so_dang/1/xep_loai_dang_vien/KHTNV")->number, 1);
  EXPECT_EQ(r.doc.at("/to_chuc_co_so_dang/0/xep_loai")->text, "Hoàn thành tốt nhiệm vụ");
}

TEST(JsonPointers, SpecialKeysAreEscaped) {
  sdk::Document doc;
  ASSERT_TRUE(read_json(R"({"a/b":{"m~n":[true,null,"x"]},"":1})", &doc).ok());
  ASSERT_NE(doc.at("/a~1b/m~0n/0"), nullptr);
  EXPECT_TRUE(doc.at("/a~1b/m~0n/0")->boolean);
  EXPECT_EQ(doc.at("/a~1b/m~0n/1")->kind, sdk::NodeKind::null);
  EXPECT_EQ(doc.at("/a~1b/m~0n/2")->text, "x");
  EXPECT_EQ(doc.at("/")->number, 1);
}

TEST(JsonPointers, BooleansAndNullsUnderAKeyAreNamedByIt) {
  // They were named by their object alone ("/a/0/"), the key lost.
  sdk::Document doc;
  ASSERT_TRUE(read_json(R"({"a":[{"co":true,"trong":null,"khong":false,"ten":"x"}],"b":null})", &doc).ok());
  ASSERT_NE(doc.at("/a/0/co"), nullptr);
  EXPECT_TRUE(doc.at("/a/0/co")->boolean);
  ASSERT_NE(doc.at("/a/0/trong"), nullptr);
  EXPECT_EQ(doc.at("/a/0/trong")->kind, sdk::NodeKind::null);
  ASSERT_NE(doc.at("/a/0/khong"), nullptr);
  EXPECT_FALSE(doc.at("/a/0/khong")->boolean);
  EXPECT_EQ(doc.at("/a/0/ten")->text, "x");
  ASSERT_NE(doc.at("/b"), nullptr);
  EXPECT_EQ(doc.at("/a/0/"), nullptr);
}

TEST(JsonEncodings, BomsAreAccepted) {
  sdk::Document doc;
  ASSERT_TRUE(read_json("\xEF\xBB\xBF{\"a\":1}", &doc).ok());
  EXPECT_EQ(doc.property("encoding"), "utf-8-bom");
  ASSERT_TRUE(read_json(std::string("\xFF\xFE{\0\"\0a\0\"\0:\0""2\0}\0", 16), &doc).ok());
  EXPECT_EQ(doc.property("encoding"), "utf-16le");
  EXPECT_EQ(doc.at("/a")->number, 2);
}

TEST(JsonErrors, SyntaxErrorsNameLineAndColumn) {
  const auto s = read_json("{\n  \"a\": 1,\n  \"b\": tru\n}");
  ASSERT_EQ(s.code(), sdk::Code::invalid_input);
  EXPECT_EQ(s.where().row, 3u);
  EXPECT_NE(s.message().find("line 3"), std::string::npos) << s.message();
}

TEST(JsonTestSuite, AcceptsEveryYRefusesEveryNSurvivesEveryI) {
  const fs::path dir = test::data_path("conformance/json-test-suite/test_parsing");
  int y = 0, n = 0, i = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    const std::string bytes = test::read_file(entry.path());
    const auto s = read_json(bytes);
    if (name.starts_with("y_")) {
      ++y;
      EXPECT_TRUE(s.ok()) << name << ": " << s.message();
    } else if (name.starts_with("n_")) {
      ++n;
      EXPECT_FALSE(s.ok()) << name << " was accepted";
      EXPECT_FALSE(s.message().empty()) << name;
    } else {
      ++i;  // either way; reaching here means no crash
    }
  }
  EXPECT_EQ(y, 95);
  EXPECT_EQ(n, 188);
  EXPECT_EQ(i, 35);
}
