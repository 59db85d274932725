// A streamed table's names folded ahead (issue 18, item 3, csvpar): past the
// sheet's first 100,000 cells (kHeadCells) rows go to the normaliser's worker
// in batches, and when the worker is the slower thread the importer's thread
// judges the batch's TCVN3 texts and folds its rows' names (the fold the
// worker would make, the ends of the table, total labels, the sector from
// the name) before handing it over. Whichever thread does it, every batch or
// none (WorkAhead::always, never) or as the threads' speeds decide
// (adaptive), a large CSV read through the real importer gives the same
// records, errors and warnings, at the same rows: a TCVN3 name whose kind and
// sector come from its decoded text, a heading, a subtotal that does not add
// up, a named row that adds up the rows above it, a count that cannot be
// read, and the signature block that ends the table, all far down the file.
#include <gtest/gtest.h>

#include <string>

#include <fmt/format.h>

#include "normalise/catalogue.hpp"
#include "normalise/lai_chau.hpp"
#include "normalise/normaliser.hpp"
#include "normalise/table.hpp"
#include "support/importing.hpp"

using namespace tonghop;
using namespace tonghop::normalise;

namespace {

const Catalogue& cat() { return test::lai_chau_catalogue(); }
const Registry& reg() { return test::lai_chau_registry(); }

// The mode for one test, and back to adaptive after it.
struct AheadMode {
  explicit AheadMode(detail::WorkAhead m) { detail::set_work_ahead(m); }
  ~AheadMode() { detail::set_work_ahead(detail::WorkAhead::adaptive); }
};

Normalised read_csv(const std::string& csv, detail::WorkAhead mode) {
  const AheadMode set(mode);
  const auto imported = test::import_bytes(csv, "lon.csv");
  EXPECT_TRUE(imported.status.ok()) << imported.status.message();
  Normaliser n(cat(), reg());
  return n.normalise(imported.doc, {"Than Uyên", "2018"});
}

std::string issue_text(const Issue& i) {
  return fmt::format("{} {} {} {}:{} x{} [{}] {}\n", i.code, i.field, i.value, i.where.row, i.where.column, i.count,
                     i.range, i.message);
}

// Everything a result says, one line per record and per issue.
std::string everything(const Normalised& n) {
  std::string s;
  for (std::size_t k = 0; k < n.records.size(); ++k) {
    const Record r = n.records.at(k);
    s += fmt::format("{} | {} | {} | {} | row {} |", r.org_name, r.org_kind, r.org_sector, r.org_rating, r.where.row);
    for (const auto& [id, v] : r.counts) s += fmt::format(" {}={}", id, v);
    s += "\n";
  }
  for (const auto& e : n.errors) s += "E " + issue_text(e);
  for (const auto& w : n.warnings) s += "W " + issue_text(w);
  for (const auto& [id, v] : n.totals.counts) s += fmt::format("T {}={}\n", id, v);
  s += fmt::format("T records={} committees={}\n", n.totals.records, n.totals.party_committees);
  return s;
}

// Names whose kind and sector the fold decides: the kind column is left
// empty on the committees (read from "Đảng bộ"), the sector always comes
// from the name.
struct Org {
  std::string name, kind, kind_id, sector;
};
Org org(int i) {
  switch (i % 5) {
    case 0: return {fmt::format("Chi bộ Trường Tiểu học số {}", i), "CB", "party_cell", "public_service"};
    case 1: return {fmt::format("Đảng bộ xã Nà Cang {}", i), "", "party_committee", "commune"};
    case 2: return {fmt::format("Chi bộ Công an xã {}", i), "CB", "party_cell", "armed_forces"};
    case 3: return {fmt::format("Chi bộ Phòng Tài nguyên {}", i), "CB", "party_cell", "agency"};
    default: return {fmt::format("Chi bộ tổ dân phố {}", i), "CB", "party_cell", "other"};
  }
}

constexpr int kRows = 24'000;  // 5 cells a row: rows past about 20,000 are streamed

// The file, with what it should read as. Rows are the file's (1 is the header).
struct Large {
  std::string csv;
  int records = 0;
  std::int64_t members = 0;
};
Large large_csv() {
  Large l;
  l.csv = "Tên TCCSĐ;Loại hình;Tổng số ĐV;ĐV nữ;ĐV DTTS\n";
  int row = 1;
  std::int64_t section = 0;  // members since the subtotal
  auto add = [&](const std::string& name, const std::string& kind, int members) {
    l.csv += fmt::format("{};{};{};{};{}\n", name, kind, members, members / 2, members / 3);
    ++row;
    ++l.records;
    l.members += members;
    section += members;
  };
  for (int i = 1; i <= kRows; ++i) {
    const Org o = org(i);
    add(o.name, o.kind, i % 40 + 3);
  }
  // Row 24,002: "Đảng bộ xã Phúc Than" in TCVN3 bytes, no kind: a committee of a commune once decoded.
  add("\u00a7\u00b6ng b\u00e9 x\u00b7 Ph\u00f3c Than", "", 50);
  // Row 24,003: a heading, no figures.
  l.csv += "Khối cơ quan;;;;\n";
  ++row;
  // Row 24,004: a subtotal that does not add up (one too many members).
  l.csv += fmt::format("Cộng;;{};;\n", l.members + 1);
  ++row;
  section = 0;
  // Rows 24,005-24,006, then 24,007: a row named as a cell that adds up the two above it.
  add("Chi bộ Kho bạc", "CB", 7);
  add("Chi bộ Hạt kiểm lâm", "CB", 9);
  l.csv += fmt::format("Chi bộ Tổng hợp;CB;{};{};{}\n", 16, 7 / 2 + 9 / 2, 7 / 3 + 9 / 3);
  ++row;
  // Row 24,008: a count that cannot be read (the record is kept, its count is not).
  l.csv += "Chi bộ Trường Mầm non Ta Gia;CB;12a;1;1\n";
  ++row;
  ++l.records;
  // Row 24,009: the signature block ends the table; the row under it is not read.
  l.csv += "Người lập biểu;;;;\n";
  l.csv += "Chi bộ Bản Sau Chữ Ký;CB;5;1;1\n";
  return l;
}

}  // namespace

TEST(NamesAhead, ALargeCsvReadsTheSameWhicheverThreadFoldsItsNames) {
  const Large l = large_csv();
  const Normalised never = read_csv(l.csv, detail::WorkAhead::never);
  const Normalised always = read_csv(l.csv, detail::WorkAhead::always);
  const Normalised adaptive = read_csv(l.csv, detail::WorkAhead::adaptive);
  const std::string expected = everything(never);
  EXPECT_EQ(everything(always), expected);
  EXPECT_EQ(everything(adaptive), expected);

  // And what each says is what the file holds, checked in both paths.
  for (const Normalised* n : {&never, &always}) {
    ASSERT_EQ(n->records.size(), static_cast<std::size_t>(l.records));
    for (const int i : {1, 2, 3, 4, 5, 20'001, 22'222, 23'998, kRows}) {  // before and after streaming began
      const Record r = n->records.at(static_cast<std::size_t>(i - 1));
      const Org o = org(i);
      EXPECT_EQ(r.org_name, o.name);
      EXPECT_EQ(r.org_kind, o.kind_id) << o.name;
      EXPECT_EQ(r.org_sector, o.sector) << o.name;
      EXPECT_EQ(r.where.row, static_cast<std::uint32_t>(i + 1));
    }
    const Record tcvn3 = n->records.at(kRows);
    EXPECT_EQ(tcvn3.org_name, "Đảng bộ xã Phúc Than");
    EXPECT_EQ(tcvn3.org_kind, "party_committee");
    EXPECT_EQ(tcvn3.org_sector, "commune");
    EXPECT_EQ(tcvn3.where.row, static_cast<std::uint32_t>(kRows + 2));
    const Record last = n->records.at(static_cast<std::size_t>(l.records - 1));
    EXPECT_EQ(last.org_name, "Chi bộ Trường Mầm non Ta Gia");
    EXPECT_EQ(last.org_sector, "public_service");
    EXPECT_EQ(last.counts.count("members_total"), 0u);

    ASSERT_EQ(n->errors.size(), 3u) << everything(*n);
    EXPECT_EQ(n->errors[0].code, "total_mismatch");
    EXPECT_EQ(n->errors[0].where.row, static_cast<std::uint32_t>(kRows + 4));
    EXPECT_EQ(n->errors[0].where.column, 3u);
    EXPECT_EQ(n->errors[1].code, "adds_up");
    EXPECT_EQ(n->errors[1].where.row, static_cast<std::uint32_t>(kRows + 7));
    EXPECT_EQ(n->errors[2].code, "not_a_number");
    EXPECT_EQ(n->errors[2].where.row, static_cast<std::uint32_t>(kRows + 8));
    EXPECT_EQ(n->errors[2].where.column, 3u);
    ASSERT_EQ(n->warnings.size(), 1u) << everything(*n);
    EXPECT_EQ(n->warnings[0].code, "heading_row");
    EXPECT_EQ(n->warnings[0].where.row, static_cast<std::uint32_t>(kRows + 3));
    EXPECT_DOUBLE_EQ(n->totals.counts.at("members_total"), static_cast<double>(l.members));
  }
}

// A row whose name column is empty, or holds a number, among rows folded
// ahead: no name is folded for it, and it reads as before (a row of figures
// without a name is refused at its row; an empty row is skipped).
TEST(NamesAhead, RowsWithoutANameAmongNamesFoldedAhead) {
  std::string csv = "Tên TCCSĐ;Loại hình;Tổng số ĐV;ĐV nữ;ĐV DTTS\n";
  for (int i = 1; i <= kRows; ++i) csv += fmt::format("{};CB;{};1;1\n", org(i).name, i % 9 + 2);
  csv += ";CB;4;1;1\n";   // row 24,002: figures, no name
  csv += ";;;;\n";        // row 24,003: nothing
  csv += "123;CB;4;1;1\n";  // row 24,004: a number where the name goes
  csv += "Đảng bộ xã Mường Than;;30;10;20\n";
  const Normalised never = read_csv(csv, detail::WorkAhead::never);
  const Normalised always = read_csv(csv, detail::WorkAhead::always);
  EXPECT_EQ(everything(always), everything(never));
  ASSERT_FALSE(always.errors.empty());
  EXPECT_EQ(always.errors[0].code, "missing_name");
  EXPECT_EQ(always.errors[0].where.row, static_cast<std::uint32_t>(kRows + 2));
  const Record last = always.records.at(always.records.size() - 1);
  EXPECT_EQ(last.org_name, "Đảng bộ xã Mường Than");
  EXPECT_EQ(last.org_kind, "party_committee");
  EXPECT_EQ(last.org_sector, "commune");
}
