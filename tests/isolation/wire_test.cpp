// An import's result as its child writes it and the daemon reads it
// (isolate/wire.cpp): the record blocks taken without a copy, kept alive by
// the mapping they are in, and damaged bytes anywhere refused, never a crash
// nor a record read out of bounds (the child is not trusted).
#include <gtest/gtest.h>

#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>

#include "core/hash.hpp"
#include "ingest/pipeline.hpp"
#include "isolate/wire.hpp"
#include "isolation/written.hpp"
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

using test::deferred;  // tests/isolation/written.hpp
using test::written;

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

// The check every record's values go through (normalise::detail::
// skip_varints), eight bytes at a time: the same answer, and the same bytes
// left, as one byte at a time gives, on bytes of every mix (most ending a
// varint, most not), with runs of nine and ten bytes that do not end one
// (ten is one too many) put across the words' edges.
TEST(Wire, VarintsAreSkippedAsOneByteAtATimeSkipsThem) {
  auto one_at_a_time = [](std::string_view in, std::uint64_t k) -> std::optional<std::size_t> {
    std::size_t i = 0;
    unsigned run = 0;
    while (k != 0) {
      if (i == in.size()) return std::nullopt;
      if ((static_cast<unsigned char>(in[i++]) & 0x80) != 0) {
        if (++run == 10) return std::nullopt;
      } else {
        run = 0;
        --k;
      }
    }
    return in.size() - i;
  };
  std::mt19937_64 random(18);
  std::size_t skipped = 0, refused = 0, long_runs = 0;
  for (int round = 0; round < 40'000; ++round) {
    const unsigned share = std::array<unsigned, 5>{10, 50, 80, 90, 97}[round % 5];  // % of bytes that go on
    std::string bytes(random() % 96, '\0');
    for (auto& b : bytes)
      b = static_cast<char>(random() % 100 < share ? 0x80 | (random() & 0x7F) : random() & 0x7F);
    if (round % 3 == 0 && bytes.size() > 12) {
      const std::size_t at = random() % (bytes.size() - 11), n = 9 + random() % 2;
      for (std::size_t i = 0; i < n; ++i) bytes[at + i] = static_cast<char>(0x80 | (random() & 0x7F));
      bytes[at + n] = 0x01;
      ++long_runs;
    }
    const std::uint64_t k = random() % 48;
    std::string_view in = bytes;
    const bool ok = normalise::detail::skip_varints(in, k);
    const auto want = one_at_a_time(bytes, k);
    ASSERT_EQ(ok, want.has_value()) << "round " << round << ", k " << k;
    if (ok) {
      ASSERT_EQ(in.size(), *want) << "round " << round << ", k " << k;
      ++skipped;
    } else {
      ASSERT_EQ(in.size(), bytes.size()) << "refused, yet something was taken";
      ++refused;
    }
  }
  EXPECT_GT(skipped, 5'000u);
  EXPECT_GT(refused, 5'000u);
  EXPECT_GT(long_runs, 10'000u);
}

// A result of many blocks is checked on several threads (RecordSet's
// append_encoded of many blocks): read the same as one thread reads it, and
// refused whole when one record of one block in its middle is damaged, the
// damage each check must catch: a symbol not in the layout, a value of ten
// bytes with the high bit set (more than a varint holds).
TEST(Wire, AResultOfManyBlocksCheckedOnSeveralThreadsIsReadWholeOrRefusedWhole) {
  const std::size_t n = 21 * normalise::RecordSet::kBlock + 5;
  const auto sent = numbered(n);
  const std::string good = written(sent);
  {
    auto bytes = std::make_shared<const std::string>(good);
    const auto got = isolate::read_examined(*bytes, bytes);
    ASSERT_TRUE(got) << got.error();
    ASSERT_EQ(got->result.records.size(), n);
    EXPECT_EQ(sum_of_members(got->result.records), static_cast<std::int64_t>(n * (n - 1) / 2));
    for (std::size_t i : {std::size_t{0}, normalise::RecordSet::kBlock - 1, normalise::RecordSet::kBlock, n / 2, n - 1})
      EXPECT_EQ(got->result.records.at(i).org_name, "Chi bộ bản " + std::to_string(i));
    // Copied (no mapping to keep alive): the same records, one block at a time.
    const auto copied = isolate::read_examined(good);
    ASSERT_TRUE(copied) << copied.error();
    EXPECT_EQ(sum_of_members(copied->result.records), sum_of_members(got->result.records));
  }
  // Record 13 × kBlock + 77: its name, then its kind, sector and rating
  // (one byte each), the number of its values (3), the values.
  const std::string name = "Chi bộ bản " + std::to_string(13 * normalise::RecordSet::kBlock + 77);
  const std::size_t at = good.find(name);
  ASSERT_NE(at, std::string::npos);
  const std::size_t kind = at + name.size(), values = kind + 4;
  ASSERT_EQ(good[values - 1], '\x03');
  std::string unknown_symbol = good;
  unknown_symbol[kind] = '\x7F';
  std::string long_varint = good;
  for (std::size_t k = 0; k < 10; ++k) long_varint[values + k] = '\x80';
  for (const std::string* damaged : {&unknown_symbol, &long_varint}) {
    auto bytes = std::make_shared<const std::string>(*damaged);
    EXPECT_FALSE(isolate::read_examined(*bytes, bytes));
    EXPECT_FALSE(isolate::read_examined(*damaged));
  }
}

// RecordSet's append_encoded of many blocks, straight: whole blocks taken
// without a copy on several threads, blocks that are not whole one after the
// other, and on damage nothing appended (the set as it was).
TEST(Wire, ManyBlocksAppendedAtOnceAreAllTakenOrNoneAre) {
  const std::size_t k = normalise::RecordSet::kBlock;
  const auto sent = numbered(9 * k + 100);
  const auto& from = sent.result.records;
  auto keep = std::make_shared<const int>(0);
  std::vector<normalise::RecordSet::Encoded> whole;
  for (std::size_t b = 0; b < from.block_count(); ++b) whole.push_back({from.block(b), std::min(k, from.size() - b * k)});
  normalise::RecordSet set(from.layout());
  ASSERT_TRUE(set.append_encoded(whole, keep, 4));
  ASSERT_EQ(set.size(), from.size());
  EXPECT_EQ(set.block(3).data(), from.block(3).data());  // not copied
  EXPECT_EQ(sum_of_members(set), sum_of_members(from));

  // Not whole: 100 records first, then the blocks; copied, one after the other.
  normalise::RecordSet partly(from.layout());
  ASSERT_TRUE(partly.append_encoded({{from.block(9), 100}}, keep, 4));
  ASSERT_TRUE(partly.append_encoded(whole, keep, 4));
  ASSERT_EQ(partly.size(), 100 + from.size());
  EXPECT_EQ(partly.at(100).org_name, "Chi bộ bản 0");
  EXPECT_EQ(partly.at(100 + 9 * k).org_name, "Chi bộ bản " + std::to_string(9 * k));

  // A block of no records between two whole ones (a hostile child's): no
  // block is made of it, so that the records after it stay in theirs.
  for (const std::vector<normalise::RecordSet::Encoded>& with_empty :
       {std::vector<normalise::RecordSet::Encoded>{whole[0], {{}, 0}, whole[1], whole[9]},
        std::vector<normalise::RecordSet::Encoded>{whole[0], whole[1], {{}, 0}}}) {
    normalise::RecordSet s(from.layout());
    ASSERT_TRUE(s.append_encoded(with_empty, keep, 4));
    EXPECT_EQ(s.block_count(), with_empty.size() - 1);
    for (std::size_t i = 0; i < s.size(); ++i) ASSERT_EQ(s.at(i).org_name, from.at(i < 2 * k ? i : i + 7 * k).org_name);
  }
  // Blocks that claim more records than their bytes can hold (a hostile
  // child's: 4,096 records in no bytes, a million times) are refused before
  // any room is made for them, which would be 32 GB of record starts.
  const std::vector<normalise::RecordSet::Encoded> claims(1'000'000, {std::string_view(), k});
  normalise::RecordSet claimed(from.layout());
  EXPECT_FALSE(claimed.append_encoded(claims, keep, 4));
  EXPECT_FALSE(claimed.append_encoded(std::string_view(), k));
  EXPECT_EQ(claimed.size(), 0u);
  normalise::RecordSet none(from.layout());
  EXPECT_FALSE(none.append_encoded(whole[0].bytes, 0));
  EXPECT_FALSE(none.append_encoded({{whole[0].bytes, 0}}, keep, 4));
  EXPECT_EQ(none.block_count(), 0u);

  // One record made by hand: row 5, name "A", symbols 0, 0, 0, one value
  // (field delta 1, value 2), no paths. A varint holds at most ten bytes, the
  // value's field delta in eleven is refused, as read_record would.
  const auto one = [](std::size_t continuation) {
    std::string r("\x05\x01" "A" "\x00\x00\x00\x01", 7);
    r.append(continuation, '\x80');
    return r + std::string("\x01\x02\x00", 3);
  };
  for (const std::size_t c : {std::size_t{0}, std::size_t{9}, std::size_t{10}}) {
    normalise::RecordSet hand(from.layout());
    const std::string bytes = one(c);
    EXPECT_EQ(hand.append_encoded(bytes, 1), c < 10) << c;
    EXPECT_EQ(hand.append_encoded({{bytes, 1}}, keep, 4), c < 10) << c;
  }

  // One block cut short, last or in the middle: nothing appended, either way.
  for (const std::size_t bad : {std::size_t{9}, std::size_t{4}}) {
    auto damaged = whole;
    damaged[bad].bytes.remove_suffix(1);
    for (normalise::RecordSet* s : {&set, &partly}) {
      const std::size_t size = s->size(), blocks = s->block_count();
      const std::int64_t sum = sum_of_members(*s);
      EXPECT_FALSE(s->append_encoded(damaged, keep, 4));
      EXPECT_EQ(s->size(), size);
      EXPECT_EQ(s->block_count(), blocks);
      EXPECT_EQ(sum_of_members(*s), sum);
    }
  }
}

// issue 18, blocks4: a large result's blocks left unchecked by read_examined
// (`defer`) for the submitter, which checks each while the store inserts the
// ones checked. The real store (SQLite in a temporary directory), the real
// pipeline (ingest::submit); the result as the child writes it, damaged as a
// hostile child might.
namespace {

struct StoreDir {
  std::filesystem::path path = std::filesystem::temp_directory_path() /
                               ("tonghop-wire-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  StoreDir() {
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~StoreDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  static inline int counter = 0;
};

// The damage the check must catch: record `index`'s kind names a symbol the layout has not.
std::string with_unknown_symbol(std::string bytes, std::size_t index) {
  const std::string name = "Chi bộ bản " + std::to_string(index);
  const std::size_t at = bytes.find(name + static_cast<char>(0));  // the next byte: its kind (symbol 0 or 1)
  const std::size_t found = at != std::string::npos ? at : bytes.find(name);
  EXPECT_NE(found, std::string::npos);
  bytes[found + name.size()] = '\x7F';
  return bytes;
}

}  // namespace

TEST(Wire, ALargeResultsBlocksAreLeftForTheSubmitterAndASmallOnesCheckedAtOnce) {
  const std::size_t k = normalise::RecordSet::kBlock;
  {
    const auto e = deferred(written(numbered(21 * k + 5)));
    ASSERT_TRUE(e.unchecked);
    EXPECT_EQ(e.result.records.size(), 0u) << "nothing taken before its check";
    ASSERT_EQ(e.unchecked->blocks.size(), 22u);
    normalise::RecordSet set(e.result.records.layout());
    for (const auto& b : e.unchecked->blocks) ASSERT_TRUE(set.append_encoded(b.bytes, b.count, e.unchecked->keep));
    EXPECT_EQ(sum_of_members(set), static_cast<std::int64_t>((21 * k + 5) * (21 * k + 4) / 2));
    EXPECT_EQ(e.result.warnings.size(), 1u) << "the rest read and checked as always";
  }
  {
    // Seven blocks: checked here, whole, as before.
    const auto e = deferred(written(numbered(7 * k)));
    EXPECT_FALSE(e.unchecked);
    EXPECT_EQ(e.result.records.size(), 7 * k);
  }
  // A block that is not whole before the last: refused when deferred (the
  // store keeps blocks as they come; a record's block is its index / kBlock).
  std::string bytes = written(numbered(9 * k));
  const auto e = numbered(9 * k);
  const std::size_t third = bytes.find(e.result.records.block(3));
  ASSERT_NE(third, std::string::npos);
  std::uint64_t count = 0;
  std::memcpy(&count, bytes.data() + third - 16, 8);
  ASSERT_EQ(count, k);
  count = k - 1;
  std::memcpy(bytes.data() + third - 16, &count, 8);
  auto kept = std::make_shared<const std::string>(bytes);
  ingest::UncheckedBlocks blocks;
  EXPECT_FALSE(isolate::read_examined(*kept, kept, {}, &blocks));
}

TEST(Wire, ALargeResultIsStoredAsItsBlocksAreCheckedOrNothingOfItIs) {
  StoreDir dir;
  auto store = store::Store::open(dir.path);
  ASSERT_TRUE(store) << store.error();
  const ingest::Normalisation n;
  const std::size_t k = normalise::RecordSet::kBlock, records = 12 * k + 321;
  const std::string good = written(numbered(records));
  auto submit = [&](const std::string& result, const std::string& period, const std::string& raw,
                    const std::function<void()>& meanwhile = {}) {
    ingest::Return ret;
    ret.district = "Than Uyên";
    ret.period = period;
    ret.filename = "than-uyen.csv";
    ret.bytes = raw;
    return ingest::submit(
        [&](const ingest::Return& r) {
          EXPECT_TRUE(r.defer_check) << "a submission asks for the check as it stores";
          if (meanwhile) meanwhile();
          return deferred(result);
        },
        n, **store, ret);
  };

  // Damaged in its ninth block: refused as the whole result's check refuses, nothing stored.
  const auto damaged = submit(with_unknown_symbol(good, 8 * k + 17), "2018", "the raw bytes of a damaged one");
  EXPECT_EQ(damaged.status, 422);
  ASSERT_EQ(damaged.errors.size(), 1u);
  EXPECT_EQ(damaged.errors[0].code, "plugin_crashed");
  EXPECT_TRUE((*store)->list("2018").empty());
  EXPECT_FALSE(std::filesystem::exists(dir.path / "raw" / sha256_hex("the raw bytes of a damaged one").substr(0, 2) /
                                       sha256_hex("the raw bytes of a damaged one")))
      << "its raw file is not left behind";

  // The period locked while it was read: 409, nothing stored.
  const auto locked = submit(good, "2019", "locked meanwhile", [&] {
    ASSERT_TRUE((*store)->lock_period("2019", store::Principal{"admin", "admin", ""}));
  });
  EXPECT_EQ(locked.status, 409);
  EXPECT_TRUE((*store)->list("2019").empty());

  // Whole: stored block for block as the checked set keeps them, the warning after.
  const auto stored = submit(good, "2018", "the raw bytes");
  ASSERT_EQ(stored.status, 201) << (stored.errors.empty() ? "" : stored.errors[0].message);
  ASSERT_TRUE(stored.submission);
  EXPECT_EQ(stored.submission->records, static_cast<std::int64_t>(records));
  const auto back = (*store)->record_set(stored.submission->id);
  const auto sent = numbered(records);
  ASSERT_EQ(back.block_count(), sent.result.records.block_count());
  for (std::size_t b = 0; b < back.block_count(); ++b) EXPECT_EQ(back.block(b), sent.result.records.block(b)) << b;
  EXPECT_EQ(back.layout().to_json(), sent.result.records.layout().to_json());
  const auto warnings = (*store)->warnings(stored.submission->id);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].code, "w");
  EXPECT_EQ((*store)->integrity_check(), "ok");
}
