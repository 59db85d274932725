// A sheet the clerk does not see is not the one read when a visible sheet
// holds a table: last year's return kept on a hidden sheet, with more
// columns, was read over this year's (304 members where the visible sheet
// says 319). Files as the programs write them (tests/data/office/
// make-hidden-sheets: openpyxl's xlsx, LibreOffice's .ods and .xls), read
// through the real importers, each saying which sheets are hidden.
#include <gtest/gtest.h>

#include <string>

#include <boost/json.hpp>

#include "normalise/lai_chau.hpp"
#include "normalise/normaliser.hpp"
#include "normalise/workbook.hpp"
#include "support/importing.hpp"

using namespace tonghop;
using namespace tonghop::normalise;
namespace json = boost::json;

namespace {

Normalised read(const std::string& file) {
  const auto imported = test::import_file(file);
  EXPECT_TRUE(imported.status.ok()) << file << ": " << imported.status.message();
  return test::lai_chau_normaliser().normalise(imported.doc, {"Than Uyên", "2018"});
}

const Issue* warning(const Normalised& n, const std::string& code) {
  for (const auto& w : n.warnings)
    if (w.code == code) return &w;
  return nullptr;
}

}  // namespace

TEST(HiddenSheets, TheVisibleSheetIsReadOverAHiddenOneWithMoreColumns) {
  for (const std::string ext : {"xlsx", "ods", "xls"}) {
    SCOPED_TRACE(ext);
    const auto n = read(test::data_path("office/hidden-sheet." + ext).string());
    ASSERT_TRUE(n.accepted()) << test::errors_of(n);
    EXPECT_EQ(n.records.layout().sheet, "Biểu 1");
    EXPECT_EQ(n.totals.counts.at("members_total"), 319);
    EXPECT_EQ(n.totals.counts.count("members_female"), 0u) << "the hidden sheet's column";
    const Issue* other = warning(n, "other_table");
    ASSERT_NE(other, nullptr);
    EXPECT_EQ(other->where.sheet, "2017 (cũ)");
    EXPECT_NE(other->message.find("Trang «2017 (cũ)» (đang ẩn) cũng có bảng"), std::string::npos) << other->message;
    EXPECT_EQ(warning(n, "hidden_sheet"), nullptr);
  }
}

TEST(HiddenSheets, AHiddenSheetThatAloneHoldsATableIsReadAndSaidSo) {
  test::TempDir dir;
  json::object rows;
  rows["1"] = json::array{"Tên tổ chức cơ sở đảng", "Loại hình", "Tổng số đảng viên"};
  rows["2"] = json::array{"Đảng bộ xã Mường Cang", "ĐB", 148};
  rows["3"] = json::array{"Chi bộ Trường THPT Than Uyên", "CB", 31};
  const json::value spec = json::object{
      {"sheets", json::array{json::object{{"name", "Ghi chú"}, {"rows", json::object{{"1", json::array{"Người lập biểu"}}}}},
                             json::object{{"name", "Số liệu"}, {"rows", rows}, {"hidden", true}}}}};
  const auto n = read(test::openpyxl_workbook(dir, "an.xlsx", spec));
  ASSERT_TRUE(n.accepted()) << test::errors_of(n);
  EXPECT_EQ(n.totals.counts.at("members_total"), 179);
  const Issue* hidden = warning(n, "hidden_sheet");
  ASSERT_NE(hidden, nullptr);
  EXPECT_EQ(hidden->where.sheet, "Số liệu");
  EXPECT_NE(hidden->message.find("trang này đang bị ẩn"), std::string::npos) << hidden->message;
}
