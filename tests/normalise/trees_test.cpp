// Tree documents (JSON and the like) as the importers hand them: which
// element each value belongs to, in one pass or two, and the refusals of
// shapes that are not a return (normalise/tree.cpp, tree_handoff.hpp).
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "normalise/catalogue.hpp"
#include "normalise/lai_chau.hpp"
#include "normalise/normaliser.hpp"

using namespace tonghop;
using namespace tonghop::normalise;

namespace {

const Catalogue& cat() { return test::lai_chau_catalogue(); }
const Registry& reg() { return test::lai_chau_registry(); }
using test::errors_of;

}  // namespace

TEST(Trees, AFirstPassFindsTheArrayAndASecondReadsEachElementAsItEnds) {
  // A smaller array before the organisations, and the period after them.
  const std::size_t n = 50'000;
  sdk::Document doc;
  auto add = test::tree_adder(doc);
  for (int i = 0; i < 3; ++i) add("/phu_luc/" + std::to_string(i) + "/x", sdk::NodeKind::number, "1", 1);
  std::int64_t members = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string e = "/to_chuc/" + std::to_string(i);
    add(e + "/ten", sdk::NodeKind::string, "Chi bộ bản " + std::to_string(i));
    add(e + "/dang_vien/tong_so", sdk::NodeKind::number, std::to_string(10 + i % 9), static_cast<double>(10 + i % 9));
    add(e + "/dang_vien/nu", sdk::NodeKind::number, "3", 3);
    members += static_cast<std::int64_t>(10 + i % 9);
  }
  add("/ky_bao_cao", sdk::NodeKind::string, "Năm 2017");

  Normaliser normaliser(cat(), reg());
  auto first = normaliser.reader({"Than Uyên", "2018"});
  ASSERT_TRUE(replay(doc, *first).ok());
  ASSERT_TRUE(first->needs_second_pass());
  ASSERT_EQ(first->learned().array, std::optional<std::string>("/to_chuc"));
  auto second = normaliser.reader({"Than Uyên", "2018"}, nullptr, first->learned());
  ASSERT_TRUE(replay(doc, *second).ok());
  EXPECT_FALSE(second->needs_second_pass());
  const auto result = second->finish();

  ASSERT_EQ(result.errors.size(), 1u) << errors_of(result);
  EXPECT_EQ(result.errors[0].code, "period_mismatch");
  EXPECT_EQ(result.errors[0].where.path, "/ky_bao_cao");
  ASSERT_EQ(result.records.size(), n);
  const Record last = result.records.at(n - 1);
  EXPECT_EQ(last.org_name, "Chi bộ bản " + std::to_string(n - 1));
  EXPECT_EQ(last.counts.at("members_female"), 3);
  EXPECT_EQ(last.provenance.at("members_total").path, "/to_chuc/" + std::to_string(n - 1) + "/dang_vien/tong_so");
  EXPECT_EQ(last.where.path, "/to_chuc/" + std::to_string(n - 1));
  EXPECT_DOUBLE_EQ(result.totals.counts.at("members_total"), static_cast<double>(members));
  // The collected form reads the same through both passes.
  const auto whole = normaliser.normalise(doc, {"Than Uyên", "2018"});
  EXPECT_EQ(whole.records.size(), n);
  EXPECT_EQ(whole.errors.size(), 1u);
}

TEST(Trees, ADocumentWithoutAnArrayOfElementsIsRefusedAfterOnePass) {
  sdk::Document doc;
  doc.is_tree = true;
  doc.tree.push_back(sdk::TreeValue{"/ten", sdk::NodeKind::string, false, 0, "x"});
  doc.tree.push_back(sdk::TreeValue{"/so/0", sdk::NodeKind::number, false, 1, "1"});
  Normaliser normaliser(cat(), reg());
  auto reader = normaliser.reader({"Than Uyên", "2018"});
  ASSERT_TRUE(replay(doc, *reader).ok());
  EXPECT_FALSE(reader->needs_second_pass());
  const auto result = reader->finish();
  ASSERT_FALSE(result.errors.empty());
  EXPECT_EQ(result.errors[0].code, "no_table");
}

TEST(Trees, TooManyArraysOfObjectsAreARefusalNamingWhere) {
  // {"k0":[{"a":1}], "k1":[{"a":1}], ...}: one array of objects is a return, 65,537 are an attack.
  sdk::Document doc;
  doc.is_tree = true;
  for (int i = 0; i <= 65536; ++i)
    doc.tree.push_back(sdk::TreeValue{"/k" + std::to_string(i) + "/0/a", sdk::NodeKind::number, false, 1, "1"});
  Normaliser normaliser(cat(), reg());
  auto reader = normaliser.reader({"Than Uyên", "2018"});
  const auto status = replay(doc, *reader);
  EXPECT_EQ(status.code(), sdk::Code::limit_exceeded) << status.message();
  EXPECT_EQ(status.where().path, "/k65536/0/a");
  const auto result = normaliser.normalise(doc, {"Than Uyên", "2018"});
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].code, std::string(sdk::code_name(sdk::Code::limit_exceeded)));
  EXPECT_EQ(result.errors[0].where.path, "/k65536/0/a");
}

// Everything a reading gives, as one text: two readings are the same when these are.
std::string reading_of(const Normalised& n) {
  std::string s;
  for (const auto* list : {&n.errors, &n.warnings})
    for (const auto& i : *list)
      s += i.code + "|" + i.field + "|" + i.value + "|" + i.where.path + "|" + std::to_string(i.count) + "|" + i.message + "\n";
  for (std::size_t r = 0; r < n.records.size(); ++r) {
    const Record rec = n.records.at(r);
    s += rec.org_name + "|" + rec.org_kind + "|" + rec.org_sector + "|" + rec.org_rating + "|" + rec.where.path;
    for (const auto& [f, v] : rec.counts) s += "|" + f + "=" + std::to_string(v) + "@" + rec.provenance.at(f).path;
    s += "\n";
  }
  for (const auto& [f, v] : n.totals.counts) s += f + "=" + std::to_string(v) + "\n";
  for (const auto& p : n.records.layout().paths) s += p + ";";
  return s;
}

TEST(Trees, TheUsualReturnIsReadInOnePassExactlyAsASecondPassReadsIt) {
  // The array of organisations is the first: the first pass reads it as it
  // counts (on its worker once past the first values), and what it gives must
  // be what a second pass knowing the array gives, errors and warnings in order.
  const std::size_t n = 30'000;
  sdk::Document doc;
  auto add = test::tree_adder(doc);
  add("/don_vi", sdk::NodeKind::string, "Mường Tè");  // another district
  add("/ky_bao_cao", sdk::NodeKind::string, "Năm 2018");
  for (std::size_t i = 0; i < n; ++i) {
    const std::string e = "/to_chuc/" + std::to_string(i);
    if (i != 17) add(e + "/ten", sdk::NodeKind::string, (i % 2 ? "Chi bộ bản " : "Đảng bộ xã ") + std::to_string(i));
    add(e + "/dang_vien/tong_so", sdk::NodeKind::number, std::to_string(10 + i % 9), static_cast<double>(10 + i % 9));
    add(e + "/dang_vien/nu", sdk::NodeKind::number, i == 99 ? "30" : "3", i == 99 ? 30 : 3);  // 30 women of 10
    add(e + "/so_can_bo_moi", sdk::NodeKind::number, "2", 2);  // names no field
    if (i == 500) add(e + "/dang_vien/tong_so", sdk::NodeKind::string, "mười");  // the same key again, another value: refused
  }
  add("/to_chuc/" + std::to_string(n) + "/ten", sdk::NodeKind::string, "Tổng cộng");
  add("/to_chuc/" + std::to_string(n) + "/dang_vien/nu", sdk::NodeKind::number, "1", 1);
  add("/nguoi_lap", sdk::NodeKind::string, "Phong Thổ");  // after the array: a district named, the wrong one

  Normaliser normaliser(cat(), reg());
  auto first = normaliser.reader({"Than Uyên", "2018"});
  ASSERT_TRUE(replay(doc, *first).ok());
  EXPECT_FALSE(first->needs_second_pass());
  const auto once = first->finish();
  auto second = normaliser.reader({"Than Uyên", "2018"}, nullptr, FirstPass{{}, std::string("/to_chuc")});
  ASSERT_TRUE(replay(doc, *second).ok());
  const auto twice = second->finish();
  EXPECT_EQ(reading_of(once), reading_of(twice));
  EXPECT_EQ(once.records.size(), n - 1);  // element 17 has no name; the total is no organisation
  std::set<std::string> codes;
  for (const auto& e : once.errors) codes.insert(e.code + ":" + e.where.path);
  EXPECT_TRUE(codes.count("district_mismatch:/don_vi")) << errors_of(once);
  EXPECT_TRUE(codes.count("district_mismatch:/nguoi_lap")) << errors_of(once);
  EXPECT_TRUE(codes.count("missing_name:/to_chuc/17")) << errors_of(once);
  EXPECT_TRUE(codes.count("repeated_key:/to_chuc/500/dang_vien/tong_so")) << errors_of(once);
  EXPECT_TRUE(codes.count("total_mismatch:/to_chuc/30000/dang_vien/nu")) << errors_of(once);
  EXPECT_FALSE(once.warnings.empty());  // the key that names no field
}

TEST(Trees, AValueBeforeTheFirstElementThatIsInsideItsArrayMeansASecondPass) {
  // {"to_chuc": {"ghi_chu": "Mường Tè", "0": {...}, "1": {...}}}: the first
  // pass read "/to_chuc/ghi_chu" as outside any array, a second pass knows it
  // is inside the array (and no element): it must read again, and the note is
  // no district of the return.
  sdk::Document doc;
  auto add = test::tree_adder(doc);
  add("/to_chuc/ghi_chu", sdk::NodeKind::string, "Mường Tè");
  for (int i = 0; i < 3; ++i) {
    add("/to_chuc/" + std::to_string(i) + "/ten", sdk::NodeKind::string, "Chi bộ bản " + std::to_string(i));
    add("/to_chuc/" + std::to_string(i) + "/dang_vien/tong_so", sdk::NodeKind::number, "12", 12);
  }
  Normaliser normaliser(cat(), reg());
  auto first = normaliser.reader({"Than Uyên", "2018"});
  ASSERT_TRUE(replay(doc, *first).ok());
  EXPECT_TRUE(first->needs_second_pass());
  const auto result = normaliser.normalise(doc, {"Than Uyên", "2018"});
  EXPECT_EQ(result.records.size(), 3u);
  for (const auto& e : result.errors) EXPECT_NE(e.code, "district_mismatch") << errors_of(result);
}


TEST(Trees, EachValueGoesToItsElementByIndexAloneWhateverTheKeysAround) {
  // The element of a value is found from its pointer once per element and
  // then by its prefix; the layout's key once per key. Pointers that share
  // a prefix without sharing the element ("/to_chuc/1" then "/to_chuc/10"),
  // segments that look like indices and are not ("01", ten digits), a key of
  // the usual field that differs in one element, nested arrays, numeric keys
  // and nulls: one pass, a second pass and what is expected all agree. Past
  // the first 16,384 values, so the worker reads most of it.
  const std::size_t n = 6'000;
  sdk::Document doc;
  auto add = test::tree_adder(doc);
  add("/ky_bao_cao", sdk::NodeKind::string, "Năm 2018");
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < n; ++i) order.push_back(i);
  std::swap(order[2], order[10]);  // 0, 1, 10, 3 …: "/to_chuc/1" then "/to_chuc/10"
  for (const std::size_t i : order) {
    const std::string e = "/to_chuc/" + std::to_string(i);
    add(e + "/ten", sdk::NodeKind::string, "Chi bộ bản " + std::to_string(i));
    if (i == 4000) add(e + "/members_total", sdk::NodeKind::number, "21", 21);  // the field, under another key
    else add(e + "/dang_vien/tong_so", sdk::NodeKind::number, std::to_string(10 + i % 9), static_cast<double>(10 + i % 9));
    add(e + "/dang_vien/nu", sdk::NodeKind::number, "3", 3);
    if (i == 7) {
      add(e + "/chi_bo/0/ten", sdk::NodeKind::string, "Tổ 1");  // a nested array
      add(e + "/2018", sdk::NodeKind::number, "5", 5);          // a numeric key
      add(e + "/ghi_chu", sdk::NodeKind::null, "");
    }
  }
  add("/to_chuc/01/ten", sdk::NodeKind::string, "Chi bộ không đánh số");          // "01": no index
  add("/to_chuc/1234567890/ten", sdk::NodeKind::string, "Chi bộ số quá dài");  // ten digits: no index

  Normaliser normaliser(cat(), reg());
  auto first = normaliser.reader({"Than Uyên", "2018"});
  ASSERT_TRUE(replay(doc, *first).ok());
  ASSERT_FALSE(first->needs_second_pass());
  const auto once = first->finish();
  auto second = normaliser.reader({"Than Uyên", "2018"}, nullptr, FirstPass{{}, std::string("/to_chuc")});
  ASSERT_TRUE(replay(doc, *second).ok());
  const auto twice = second->finish();
  EXPECT_EQ(reading_of(once), reading_of(twice));

  ASSERT_EQ(once.records.size(), n);
  // In the order the elements came, each with its own values.
  const Record third = once.records.at(2);
  EXPECT_EQ(third.org_name, "Chi bộ bản 10");
  EXPECT_EQ(third.where.path, "/to_chuc/10");
  EXPECT_EQ(third.counts.at("members_total"), 11);
  EXPECT_EQ(third.provenance.at("members_total").path, "/to_chuc/10/dang_vien/tong_so");
  const Record second_record = once.records.at(1);
  EXPECT_EQ(second_record.org_name, "Chi bộ bản 1");
  EXPECT_EQ(second_record.counts.at("members_total"), 11);
  // The element whose key differs keeps its own; the next has the layout's again.
  const Record odd = once.records.at(4000);
  EXPECT_EQ(odd.counts.at("members_total"), 21);
  EXPECT_EQ(odd.provenance.at("members_total").path, "/to_chuc/4000/members_total");
  const Record after = once.records.at(4001);
  EXPECT_EQ(after.provenance.at("members_total").path, "/to_chuc/4001/dang_vien/tong_so");
  std::size_t members = 0;
  while (members < cat().fields.size() && cat().fields[members].id != "members_total") ++members;
  ASSERT_LT(members, once.records.layout().paths.size());
  EXPECT_EQ(once.records.layout().paths[members], "/dang_vien/tong_so");
}

TEST(Trees, EveryPointerAndTextReachesTheWorkerWholeWhateverItsLength) {
  // Past the first 16,384 values each value is copied, pointer and text, into
  // a batch for the worker (tree_handoff.hpp, by lengths: up to 3, 4 to 7, 8
  // to 15, 16 to 32, 33 to 64 bytes, and more). Names of 1 to 100 bytes, and
  // after the array pointers of 2 to 101 bytes each naming another district:
  // every one must come out as it went in, and each key be told from another.
  const std::size_t n = 12'000;
  sdk::Document doc;
  auto add = test::tree_adder(doc);
  auto name = [](std::size_t i) {
    std::string s(1 + i % 100, static_cast<char>('a' + i % 26));
    s.front() = 'C';
    s.back() = static_cast<char>('0' + i % 10);
    return s;
  };
  for (std::size_t i = 0; i < n; ++i) {
    const std::string e = "/to_chuc/" + std::to_string(i);
    add(e + "/ten", sdk::NodeKind::string, name(i));
    // Every seventh element: a key as long as the usual one, one byte apart
    // in its middle (the worker compares each key with the one at the same
    // place in the element before): it names no field.
    add(e + (i % 7 == 3 ? "/dang_vixn/tong_so" : "/dang_vien/tong_so"), sdk::NodeKind::number,
        std::to_string(i % 1000), static_cast<double>(i % 1000));
  }
  std::vector<std::string> after;
  for (std::size_t k = 0; k < 100; ++k) {
    std::string p = "/g" + std::string(k, static_cast<char>('a' + k % 26));
    if (k > 0) p.back() = static_cast<char>('0' + k % 10);
    add(p, sdk::NodeKind::string, "Phong Thổ");
    after.push_back(std::move(p));
  }

  Normaliser normaliser(cat(), reg());
  auto first = normaliser.reader({"Than Uyên", "2018"});
  ASSERT_TRUE(replay(doc, *first).ok());
  ASSERT_FALSE(first->needs_second_pass());
  const auto once = first->finish();
  ASSERT_EQ(once.records.size(), n);
  for (std::size_t i = 0; i < n; ++i) {
    const Record r = once.records.at(i);
    ASSERT_EQ(r.org_name, name(i)) << i;
    ASSERT_EQ(r.where.path, "/to_chuc/" + std::to_string(i));
    if (i % 7 == 3) ASSERT_EQ(r.counts.count("members_total"), 0u) << i;
    else ASSERT_EQ(r.counts.at("members_total"), static_cast<std::int64_t>(i % 1000)) << i;
  }
  std::set<std::string> named;
  for (const auto& e : once.errors)
    if (e.code == "district_mismatch") named.insert(e.where.path);
  for (const auto& p : after) EXPECT_TRUE(named.count(p)) << p << "\n" << errors_of(once);
}
