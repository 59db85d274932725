// A dry run's large result checked and compared a block at a time
// (ingest::check_and_compare, dryrun5, issue 18): the result as the child
// writes it (isolate::write_examined, through a memfd) and as the daemon
// reads it with its blocks left unchecked (isolate::read_examined's
// `defer`), against the previous period's index. It must give the records
// and the warnings the whole result's check and compare_with_previous give,
// in their order, and for a damaged block the refusal the whole result's
// check gives, with nothing compared.
#include <gtest/gtest.h>

#include <sys/mman.h>
#include <unistd.h>

#include <functional>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "ingest/dry_run.hpp"
#include "ingest/pipeline.hpp"
#include "isolate/wire.hpp"
#include "isolation/written.hpp"
#include "normalise/previous.hpp"
#include "normalise/record.hpp"

namespace {

using namespace tonghop;

constexpr std::size_t kBlock = normalise::RecordSet::kBlock;

normalise::Layout layout() {
  normalise::Layout l;
  l.sheet = "Biểu 01";
  l.fields = {"org_name", "members_total", "members_female"};
  l.is_count = {false, true, true};
  l.columns = {2, 11, 13};
  return l;
}

// Organisations "Chi bộ bản i" for each i of `order`, members_total members(i).
normalise::RecordSet records(const std::vector<std::size_t>& order, const std::function<std::int64_t(std::size_t)>& members) {
  normalise::RecordSet set(layout());
  set.district = "Than Uyên";
  set.period = "2019";
  std::string name;
  std::uint32_t row = 5;
  for (const std::size_t i : order) {
    name = "Chi bộ bản " + std::to_string(i);
    normalise::CompactRecord r;
    r.where = row++;
    r.org_name = name;
    r.org_kind = i % 3 ? "party_cell" : "party_committee";
    r.org_sector = "commune";
    r.org_rating = i % 2 ? "good" : "";
    r.values = {{0, 0}, {1, members(i)}, {2, static_cast<std::int64_t>(i / 2)}};
    set.add(r);
  }
  return set;
}

std::vector<std::size_t> upto(std::size_t n) {
  std::vector<std::size_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = i;
  return v;
}

ingest::Examined examined(normalise::RecordSet set) {
  ingest::Examined e;
  e.plugin = "import-csv";
  e.format = "csv";
  e.result.records = std::move(set);
  e.result.totals.records = e.result.records.size();
  e.view = R"({"sheet":null,"document":null})";
  e.result.warnings.push_back({"w", "một cảnh báo / a warning", "members_female", "3", {"Biểu 01", 7, 13, ""}});
  return e;
}

using test::deferred;  // tests/isolation/written.hpp
using test::written;

// Read as before: every block checked at once, the records whole.
ingest::Examined whole(const std::string& bytes) {
  auto kept = std::make_shared<const std::string>(bytes);
  auto got = isolate::read_examined(*kept, kept);
  EXPECT_TRUE(got) << got.error();
  return got ? std::move(*got) : ingest::Examined{};
}

// The previous period's index of `set`, read in parts of `part` records.
normalise::PreviousIndex indexed(const normalise::RecordSet& set, std::size_t part, normalise::PreviousIndex::NameHash hash = nullptr) {
  normalise::PreviousIndex index(hash);
  std::size_t at = 0;
  normalise::RecordSet current;
  index.read(
      [&]() -> Expected<const normalise::RecordSet*> {
        current = normalise::RecordSet(set.layout());
        current.period = "2018";
        normalise::CompactRecord r;
        for (std::size_t i = at; i < std::min(set.size(), at + part); ++i) {
          set.get(i, r);
          current.add(r);
        }
        at = std::min(set.size(), at + part);
        return &current;
      },
      nullptr, set.size());
  return index;
}

void expect_same_issues(const std::vector<normalise::Issue>& got, const std::vector<normalise::Issue>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].code, want[i].code) << i;
    EXPECT_EQ(got[i].message, want[i].message) << i;
    EXPECT_EQ(got[i].field, want[i].field) << i;
    EXPECT_EQ(got[i].value, want[i].value) << i;
    EXPECT_EQ(got[i].where.row, want[i].where.row) << i;
    EXPECT_EQ(got[i].where.column, want[i].where.column) << i;
    EXPECT_EQ(got[i].where.sheet, want[i].where.sheet) << i;
  }
}

std::uint64_t collide(std::string_view) { return 42; }

}  // namespace

TEST(DryRunInBlocks, ALargeResultGivesTheRecordsAndWarningsOfTheWholeCheckAndComparison) {
  // 20 whole blocks and 5 records: this return against a previous one with
  // members changed at the blocks' and the threads' edges, organisations
  // missing, moved across the middle, and new ones.
  const std::size_t n = 20 * kBlock + 5;
  std::vector<std::size_t> order;
  std::size_t gone = 0, gone_of_first_3000 = 0;
  for (std::size_t i = 0; i < n; ++i)
    if (i % 1000 != 7 && i != kBlock && i != 10 * kBlock - 1) {
      order.push_back(i);
    } else {  // missing now
      ++gone;
      gone_of_first_3000 += i < 3'000;
    }
  ASSERT_EQ(gone, 82u + 2u);
  ASSERT_EQ(gone_of_first_3000, 3u);
  std::rotate(order.begin() + 40'000, order.begin() + 40'000 + 3'000, order.begin() + 50'000);  // moved
  for (std::size_t i = n; i < n + 300; ++i) order.push_back(i);                                 // new
  auto now_members = [](std::size_t i) -> std::int64_t {
    if (i == kBlock - 1 || i == kBlock + 1 || i == 10 * kBlock || i == 10 * kBlock + 1 || i == 20 * kBlock + 4 ||
        i % 997 == 0)
      return static_cast<std::int64_t>(3 * (i + 1));
    return static_cast<std::int64_t>(i + 1);
  };
  const auto before = records(upto(n), [](std::size_t i) { return static_cast<std::int64_t>(i + 1); });
  const std::string bytes = written(examined(records(order, now_members)));
  for (const auto hash : {normalise::PreviousIndex::NameHash{nullptr}, &collide}) {
    std::vector<normalise::PreviousIndex> previous;
    previous.push_back(indexed(before, 5'000, hash));
    previous.push_back(indexed(records(upto(3'000), [](std::size_t) { return 1; }), 1'000, hash));
    previous.back().stop("damaged from record 3001 on");  // said first, for the second index

    ingest::Examined want = whole(bytes);
    ASSERT_EQ(want.result.records.size(), order.size());
    ingest::Normalisation norm;
    ingest::compare_with_previous(norm, previous, want.result);

    ingest::Examined got = deferred(bytes);
    ASSERT_TRUE(got.unchecked);
    ASSERT_EQ(got.unchecked->blocks.size(), (order.size() + kBlock - 1) / kBlock);
    ingest::DryRunRecords blocks;
    ASSERT_TRUE(ingest::check_and_compare(got, &previous, norm.catalogue.members_change_above, blocks));
    EXPECT_FALSE(got.unchecked);
    EXPECT_EQ(got.status, 200u);
    EXPECT_EQ(got.plugin, "import-csv");
    EXPECT_EQ(got.format, "csv");
    EXPECT_EQ(got.view, want.view);
    expect_same_issues(got.result.warnings, want.result.warnings);
    std::size_t changed = 0, missing = 0, unreadable = 0;
    for (const auto& w : want.result.warnings) {
      changed += w.code == "members_changed";
      missing += w.code == "organisation_missing";
      unreadable += w.code == "previous_unreadable";
    }
    EXPECT_GT(changed, 2'900u) << "the second index's members all 1";
    EXPECT_EQ(missing, gone + gone_of_first_3000) << "every 1000th, two at the blocks' edges, three of the second index";
    EXPECT_EQ(unreadable, 1u);
    ASSERT_EQ(blocks.size(), order.size());
    for (std::size_t i = 0; i < order.size(); i += (i % kBlock < 3 || i % kBlock > kBlock - 3) ? 1 : 97) {
      const auto a = blocks.at(i), b = want.result.records.at(i);
      EXPECT_EQ(a.org_name, b.org_name) << i;
      EXPECT_EQ(a.district, b.district) << i;
      EXPECT_EQ(a.period, b.period) << i;
      EXPECT_EQ(a.where.row, b.where.row) << i;
      EXPECT_EQ(a.counts, b.counts) << i;
      EXPECT_EQ(a.org_kind, b.org_kind) << i;
      EXPECT_EQ(a.org_rating, b.org_rating) << i;
    }
    EXPECT_EQ(blocks.at(order.size() - 1).org_name, "Chi bộ bản " + std::to_string(n + 299));
    EXPECT_EQ(blocks.at(order.size() - 1).district, "Than Uyên");
    EXPECT_EQ(blocks.at(0).period, "2019");
  }
}

TEST(DryRunInBlocks, NothingToCompareOrACancelledIndexComparesNothing) {
  const std::string bytes = written(examined(records(upto(9 * kBlock), [](std::size_t i) { return 1 + 2 * static_cast<std::int64_t>(i); })));
  ingest::Examined got = deferred(bytes);
  ingest::DryRunRecords blocks;
  ASSERT_TRUE(ingest::check_and_compare(got, nullptr, 50, blocks));
  EXPECT_EQ(blocks.size(), 9 * kBlock);
  ASSERT_EQ(got.result.warnings.size(), 1u) << "the child's warning alone";

  std::vector<normalise::PreviousIndex> previous;
  previous.push_back(indexed(records(upto(100), [](std::size_t) { return 7; }), 50));
  previous.back().cancel();
  got = deferred(bytes);
  ASSERT_TRUE(ingest::check_and_compare(got, &previous, 50, blocks));
  EXPECT_EQ(got.result.warnings.size(), 1u) << "a cancelled index is never compared";
}

TEST(DryRunInBlocks, ADamagedBlockIsRefusedAsTheWholeChecksRefusalAndNothingIsCompared) {
  const std::size_t n = 12 * kBlock + 321;
  const std::string good = written(examined(records(upto(n), [](std::size_t i) { return static_cast<std::int64_t>(i + 1); })));
  std::vector<normalise::PreviousIndex> previous;
  previous.push_back(indexed(records(upto(n + 10), [](std::size_t) { return 1; }), 4096));
  // Damaged in the first, a middle and the last block: record i's kind names a symbol the layout has not.
  for (const std::size_t index : {std::size_t{17}, 8 * kBlock + 17, n - 1}) {
    std::string bytes = good;
    const std::string name = "Chi bộ bản " + std::to_string(index);
    // The byte after the name is its kind (symbol 0 or 1); the first "Chi bộ bản 17" is record 17's.
    const std::size_t zero = bytes.find(name + static_cast<char>(0));
    const std::size_t at = zero != std::string::npos ? zero : bytes.find(name);
    ASSERT_NE(at, std::string::npos);
    bytes[at + name.size()] = '\x7F';
    {
      auto kept = std::make_shared<const std::string>(bytes);
      EXPECT_FALSE(isolate::read_examined(*kept, kept)) << "the whole result's check refuses it";
    }
    ingest::Examined got = deferred(bytes);
    ASSERT_TRUE(got.unchecked);
    ingest::DryRunRecords blocks;
    EXPECT_FALSE(ingest::check_and_compare(got, &previous, 50, blocks)) << index;
    // As isolate::Zygote::examine answers a result whose check failed: its
    // importer, status and error, nothing else.
    EXPECT_EQ(got.status, 422u);
    EXPECT_EQ(got.plugin, "import-csv");
    EXPECT_EQ(got.format, "");
    EXPECT_EQ(got.view, "");
    ASSERT_EQ(got.result.errors.size(), 1u);
    EXPECT_EQ(got.result.errors[0].code, "plugin_crashed");
    EXPECT_EQ(got.result.errors[0].message, "hỏng / the import's result has damaged records");
    EXPECT_TRUE(got.result.warnings.empty()) << "nothing compared, the child's warning gone with the result";
    EXPECT_TRUE(got.result.records.layout().fields.empty());
    EXPECT_FALSE(got.unchecked);
    EXPECT_EQ(blocks.size(), 0u);
  }
}
