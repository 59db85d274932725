// An import's result as its child writes it and the daemon reads it
// (isolate/wire.cpp): the record blocks taken without a copy, kept alive by
// the mapping they are in, and damaged bytes anywhere refused, never a crash
// nor a record read out of bounds (the child is not trusted).
#include <gtest/gtest.h>

#include <sys/mman.h>
#include <unistd.h>

#include <memory>
#include <string>

#include "isolate/wire.hpp"
#include "normalise/record.hpp"

namespace {

using namespace tonghop;

ingest::Examined numbered(std::size_t n) {
  ingest::Examined e;
  e.plugin = "import-csv";
  e.format = "csv";
  normalise::Layout layout;
  layout.sheet = "Biểu 01";
  layout.fields = {"org_name", "members_total", "members_female"};
  layout.is_count = {false, true, true};
  layout.columns = {2, 11, 13};
  auto& set = e.result.records = normalise::RecordSet(layout);
  set.district = "Than Uyên";
  set.period = "2018";
  std::string name;
  for (std::size_t i = 0; i < n; ++i) {
    name = "Chi bộ bản " + std::to_string(i);
    normalise::CompactRecord r;
    r.where = static_cast<std::uint32_t>(5 + i);
    r.org_name = name;
    r.org_kind = i % 3 ? "party_cell" : "party_committee";
    r.org_sector = "commune";
    r.org_rating = i % 2 ? "good" : "";
    r.values = {{0, 0}, {1, static_cast<std::int64_t>(i)}, {2, static_cast<std::int64_t>(i / 2)}};
    set.add(r);
  }
  e.result.totals.records = n;
  e.result.totals.counts["members_total"] = static_cast<double>(n * (n - 1) / 2);
  e.result.warnings.push_back({"w", "một cảnh báo / a warning", "members_female", "3", {"Biểu 01", 7, 13, ""}});
  return e;
}

// What write_examined writes, through a memfd as the child writes it.
std::string written(const ingest::Examined& e) {
  const int fd = ::memfd_create("wire-test", MFD_CLOEXEC);
  EXPECT_GE(fd, 0);
  EXPECT_TRUE(isolate::write_examined(fd, e));
  const off_t size = ::lseek(fd, 0, SEEK_CUR);
  std::string bytes(static_cast<std::size_t>(size), '\0');
  EXPECT_EQ(::pread(fd, bytes.data(), bytes.size(), 0), size);
  ::close(fd);
  return bytes;
}

// Reads every record whole, as the store and the exporters do.
std::int64_t sum_of_members(const normalise::RecordSet& set) {
  std::int64_t sum = 0;
  for (std::size_t i = 0; i < set.size(); ++i) {
    const auto r = set.at(i);
    const auto it = r.counts.find("members_total");
    if (it != r.counts.end()) sum += it->second;
  }
  return sum;
}

}  // namespace

TEST(Wire, TheRecordBlocksAreTakenWithoutACopyAndLiveAsLongAsTheSet) {
  const std::size_t n = 2 * normalise::RecordSet::kBlock + 777;
  const auto sent = numbered(n);
  auto bytes = std::make_shared<const std::string>(written(sent));
  const std::string_view view(*bytes);
  auto got = isolate::read_examined(view, bytes);
  ASSERT_TRUE(got) << got.error();
  bytes.reset();  // the set holds the bytes now
  const normalise::RecordSet& set = got->result.records;
  ASSERT_EQ(set.size(), n);
  ASSERT_EQ(set.block_count(), 3u);
  for (std::size_t b = 0; b < 3; ++b) {
    EXPECT_EQ(set.block(b), sent.result.records.block(b));
    // Not copied: the set's block is inside the bytes that were read.
    EXPECT_TRUE(set.block(b).data() >= view.data() && set.block(b).data() < view.data() + view.size());
  }
  EXPECT_EQ(got->plugin, "import-csv");
  EXPECT_EQ(got->result.warnings.at(0).where.column, 13u);
  EXPECT_EQ(got->result.totals.counts.at("members_total"), static_cast<double>(n * (n - 1) / 2));

  // A copy outlives the set it was made from; the block that is not full
  // becomes the set's own when it grows.
  normalise::RecordSet copy = set;
  got = make_error("gone");
  EXPECT_EQ(sum_of_members(copy), static_cast<std::int64_t>(n * (n - 1) / 2));
  normalise::CompactRecord r;
  r.org_name = "Chi bộ mới";
  r.org_kind = "party_cell";
  r.org_sector = "commune";
  r.values = {{1, 1000}};
  copy.add(r);
  EXPECT_EQ(copy.size(), n + 1);
  EXPECT_EQ(copy.block_count(), 3u);
  EXPECT_EQ(copy.at(n).org_name, "Chi bộ mới");
  EXPECT_EQ(copy.at(n - 1).org_name, "Chi bộ bản " + std::to_string(n - 1));
  EXPECT_EQ(sum_of_members(copy), static_cast<std::int64_t>(n * (n - 1) / 2) + 1000);
}

TEST(Wire, ResultsDamagedAnywhereAreRefusedOrReadWithinTheirBounds) {
  const auto sent = numbered(300);
  const std::string good = written(sent);
  // Cut short anywhere: always refused.
  for (std::size_t cut = 0; cut < good.size(); cut += 1 + cut / 3) {
    auto bytes = std::make_shared<const std::string>(good.substr(0, cut));
    EXPECT_FALSE(isolate::read_examined(*bytes, bytes)) << "cut at " << cut;
  }
  EXPECT_FALSE(isolate::read_examined(good + "x", std::make_shared<const std::string>(good + "x")));
  // A byte changed anywhere (every 11th, each to three other values): refused,
  // or, where the change still makes sense (a digit of a count), read with
  // every record inside the bytes and every symbol known.
  std::size_t refused = 0, read = 0;
  for (std::size_t at = 0; at < good.size(); at += 11)
    for (const unsigned char to : {0x00, 0x7F, 0xFF}) {
      auto damaged = std::make_shared<std::string>(good);
      if (static_cast<unsigned char>((*damaged)[at]) == to) continue;
      (*damaged)[at] = static_cast<char>(to);
      const std::shared_ptr<const void> keep = damaged;
      const auto got = isolate::read_examined(*damaged, keep);
      if (!got) {
        ++refused;
        continue;
      }
      ++read;
      const auto& set = got->result.records;
      for (std::size_t i = 0; i < set.size(); ++i) {
        const auto r = set.at(i);
        ASSERT_LE(r.org_kind.size(), 64u);
      }
    }
  EXPECT_GT(refused, 100u);
  EXPECT_GT(read, 100u);
}
