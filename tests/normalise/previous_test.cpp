// The comparison with the previous period (Normaliser::compare_with_previous),
// with the real catalogue (members_change_above = 50): the warnings a
// submission and a dry run give. Since issue 18 the previous return is read a
// part at a time and this return's names are indexed by a hash of the folded
// name; these tests hold it to the warnings of the way it was done before
// (maps of folded names, kept below as `reference`), whatever the parts and
// whatever the hash, a hash under which every name collides included.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <random>
#include <thread>
#include <string>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "normalise/lai_chau.hpp"
#include "normalise/previous.hpp"
#include "normalise/text.hpp"

namespace {

using namespace tonghop;
using normalise::CompactRecord;
using normalise::Issue;
using normalise::Normalised;
using normalise::RecordSet;

struct Org {
  std::string name;
  std::optional<std::int64_t> members;
};

RecordSet make(const std::vector<Org>& orgs, const std::string& period) {
  normalise::Layout layout;
  layout.fields = {"org_name", "org_kind", "members_total"};
  layout.is_count = {false, false, true};
  layout.columns = {2, 3, 5};
  layout.headers = {"Tên tổ chức", "Loại hình", "Tổng số đảng viên"};
  RecordSet set(layout);
  set.district = "Phong Thổ";
  set.period = period;
  std::uint32_t row = 2;
  for (const auto& o : orgs) {
    CompactRecord c;
    c.where = row++;
    c.org_name = o.name;
    c.org_kind = "party_cell";
    c.org_sector = "other";
    c.values = {{0, 0}, {1, 0}};
    if (o.members) c.values.emplace_back(2, *o.members);
    set.add(c);
  }
  return set;
}

// An issue as one line: what a test compares.
std::vector<std::string> lines(const std::vector<Issue>& issues) {
  std::vector<std::string> out;
  for (const auto& i : issues)
    out.push_back(fmt::format("{}|{}|{}|{}|{}:{}:{}", i.code, i.message, i.field, i.value, i.where.sheet, i.where.row,
                              i.where.column));
  return out;
}

std::vector<RecordSet> parts_of(const std::vector<Org>& before, std::size_t part) {
  std::vector<RecordSet> parts;
  for (std::size_t i = 0; i < before.size(); i += part)
    parts.push_back(make(std::vector<Org>(before.begin() + static_cast<std::ptrdiff_t>(i),
                                          before.begin() + static_cast<std::ptrdiff_t>(std::min(before.size(), i + part))),
                         "2017"));
  return parts;
}

// The previous return given `part` records at a time, as store::RecordCursor gives its blocks.
std::vector<std::string> compare(const std::vector<Org>& now, const std::vector<Org>& before, std::size_t part,
                                 normalise::Normaliser::NameHash hash = nullptr) {
  Normalised result;
  result.records = make(now, "2018");
  const std::vector<RecordSet> parts = parts_of(before, part);
  const RecordSet none;
  std::size_t next = 0;
  test::lai_chau_normaliser().compare_with_previous(
      result, [&]() -> Expected<const RecordSet*> { return next < parts.size() ? &parts[next++] : &none; }, hash);
  return lines(result.warnings);
}

// The comparison as it was before issue 18 (normaliser.cpp until then): both
// returns as maps of folded names.
std::vector<std::string> reference(const std::vector<Org>& now, const std::vector<Org>& before) {
  std::vector<Issue> warnings;
  std::unordered_map<std::string, std::optional<std::int64_t>> old;
  for (const auto& o : before) old[normalise::fold(o.name)] = o.members;
  std::unordered_map<std::string, bool> present;
  std::uint32_t row = 2;
  for (const auto& o : now) {
    const std::string key = normalise::fold(o.name);
    present[key] = true;
    const auto it = old.find(key);
    const std::uint32_t here = row++;
    if (it == old.end() || !o.members || !it->second || *it->second == 0) continue;
    const double change = 100.0 * static_cast<double>(*o.members - *it->second) / static_cast<double>(*it->second);
    if (change > 50 || change < -50)
      warnings.push_back(Issue{"members_changed",
                               fmt::format("{}: {} đảng viên, kỳ trước {} ({:+.0f}%) / {}: members_total {} against {} "
                                           "last period ({:+.0f}%)",
                                           o.name, *o.members, *it->second, change, o.name, *o.members, *it->second,
                                           change),
                               "members_total", std::to_string(*o.members), normalise::Place{"", here, 5, ""}});
  }
  for (const auto& o : before)
    if (!present.count(normalise::fold(o.name)))
      warnings.push_back(Issue{"organisation_missing",
                               fmt::format("«{}» có ở kỳ 2017 nhưng không có trong báo cáo này / {} was in the 2017 "
                                           "return and is missing from this one",
                                           o.name, o.name),
                               "org_name", o.name, normalise::Place{}});
  return lines(warnings);
}

// dryrun4 (issue 18): the previous return given as the store keeps it, its
// encoded blocks of 4,096 records each (RecordSet::block), taken where they
// are and placed after, as ingest::index_previous does with store::BlockScan.
std::vector<std::string> compare_blocks(const std::vector<Org>& now, const std::vector<Org>& before,
                                        normalise::PreviousIndex::NameHash hash = nullptr) {
  const RecordSet stored = make(before, "2017");
  normalise::PreviousIndex index(hash);
  index.reserve(stored.size());
  for (std::size_t b = 0; b < stored.block_count(); ++b) {
    const std::size_t count = std::min(RecordSet::kBlock, stored.size() - b * RecordSet::kBlock);
    // A copy that goes once taken, as SQLite's memory does at its next step.
    std::string bytes(stored.block(b));
    EXPECT_EQ(index.take(bytes, count, stored.layout(), stored.period), normalise::PreviousIndex::Took::taken);
    std::fill(bytes.begin(), bytes.end(), '\xff');
    index.place();
  }
  Normalised result;
  result.records = make(now, "2018");
  index.compare(result, test::lai_chau_catalogue().members_change_above);
  return lines(result.warnings);
}

std::uint64_t every_name_collides(std::string_view) { return 42; }
std::uint64_t first_letter(std::string_view folded) { return folded.empty() ? 0 : static_cast<unsigned char>(folded[0]); }

TEST(Previous, WarnsOfChangedMembersAndMissingOrganisations) {
  const std::vector<Org> before = {{"Chi bộ A", 100},        {"Chi bộ B", 200},   {"Chi bộ C", 50},
                                   {"Chi bộ D", 10},         {"Chi bộ Thôn Nà Ban", 40},
                                   {"Chi bộ E", std::nullopt}, {"Chi bộ F", 0},   {"Chi bộ H", 10},
                                   {"Chi bộ H", 100},        {"Chi bộ X", 7},     {"Chi bộ X", 8}};
  const std::vector<Org> now = {{"Chi bộ A", 100},  {"Chi bộ B", 320}, {"chi bo thon na ban", 80}, {"Chi bộ D", 4},
                                {"Chi bộ E", 30},   {"Chi bộ F", 5},   {"Chi bộ G", 10},           {"Chi bộ H", 100}};
  const std::vector<std::string> expected = {
      "members_changed|Chi bộ B: 320 đảng viên, kỳ trước 200 (+60%) / Chi bộ B: members_total 320 against 200 last "
      "period (+60%)|members_total|320|:3:5",
      "members_changed|chi bo thon na ban: 80 đảng viên, kỳ trước 40 (+100%) / chi bo thon na ban: members_total 80 "
      "against 40 last period (+100%)|members_total|80|:4:5",
      "members_changed|Chi bộ D: 4 đảng viên, kỳ trước 10 (-60%) / Chi bộ D: members_total 4 against 10 last period "
      "(-60%)|members_total|4|:5:5",
      "organisation_missing|«Chi bộ C» có ở kỳ 2017 nhưng không có trong báo cáo này / Chi bộ C was in the 2017 return "
      "and is missing from this one|org_name|Chi bộ C|:0:0",
      "organisation_missing|«Chi bộ X» có ở kỳ 2017 nhưng không có trong báo cáo này / Chi bộ X was in the 2017 return "
      "and is missing from this one|org_name|Chi bộ X|:0:0",
      "organisation_missing|«Chi bộ X» có ở kỳ 2017 nhưng không có trong báo cáo này / Chi bộ X was in the 2017 return "
      "and is missing from this one|org_name|Chi bộ X|:0:0",
  };
  EXPECT_EQ(reference(now, before), expected) << "the reference itself";
  for (std::size_t part : {std::size_t{1}, std::size_t{3}, before.size()}) {
    EXPECT_EQ(compare(now, before, part), expected) << "parts of " << part;
    EXPECT_EQ(compare(now, before, part, every_name_collides), expected) << "every name colliding, parts of " << part;
    EXPECT_EQ(compare(now, before, part, first_letter), expected) << "names colliding by letter, parts of " << part;
  }
  // Nothing before: nothing to say.
  EXPECT_TRUE(compare(now, {}, 4096).empty());
}

TEST(Previous, ALargeReturnGivesTheWarningsOfTheMapsWhateverTheHashAndTheParts) {
  // 10,000 organisations over three blocks of the store's 4,096, a few
  // hundred with members changed, missing, new, written in another case or
  // without diacritics, or given twice.
  std::mt19937 random(18);
  std::vector<Org> before, now;
  for (int i = 0; i < 10'000; ++i) before.push_back({fmt::format("Chi bộ thôn Nậm {} xã Mường {}", i, i % 97), 20 + i % 60});
  for (int i = 0; i < 10'000; ++i) {
    Org o = before[static_cast<std::size_t>(i)];
    switch (random() % 40) {
      case 0: *o.members *= 3; break;
      case 1: *o.members = 1; break;
      case 2: continue;  // missing
      case 3: o.name = normalise::fold(o.name); break;
      case 4: o.members.reset(); break;
      case 5: now.push_back(o); break;  // given twice
      case 6: o.name += " mới"; break;  // new
      default: break;
    }
    now.push_back(o);
  }
  before.push_back(before[17]);  // a name twice in the previous return: the last counts
  *before.back().members = 500;
  const auto expected = reference(now, before);
  std::size_t changed = 0, missing = 0;
  for (const auto& l : expected) (l.starts_with("members_changed") ? changed : missing) += 1;
  EXPECT_GT(changed, 300u);
  EXPECT_GT(missing, 300u);
  EXPECT_EQ(compare(now, before, 4096), expected);
  EXPECT_EQ(compare(now, before, 777), expected);
  EXPECT_EQ(compare(now, before, 4096, every_name_collides), expected);
  EXPECT_EQ(compare(now, before, 4096, first_letter), expected);
  // dryrun4: the same from the store's blocks read where they are.
  EXPECT_EQ(compare_blocks(now, before), expected);
  EXPECT_EQ(compare_blocks(now, before, every_name_collides), expected);
  EXPECT_EQ(compare_blocks(now, before, first_letter), expected);
}

TEST(Previous, APreviousReturnThatCannotAllBeReadIsSaidNotSkipped) {
  const std::vector<Org> now = {{"Chi bộ A", 300}, {"Chi bộ B", 10}};
  Normalised result;
  result.records = make(now, "2018");
  const RecordSet first = make({{"Chi bộ A", 100}, {"Chi bộ C", 5}}, "2017");
  int calls = 0;
  test::lai_chau_normaliser().compare_with_previous(result, [&]() -> Expected<const RecordSet*> {
    if (calls++ == 0) return &first;
    return make_error("the records of submission 7 are damaged from record 3 on");
  });
  ASSERT_EQ(result.warnings.size(), 3u) << ::testing::PrintToString(lines(result.warnings));
  EXPECT_EQ(result.warnings[0].code, "previous_unreadable");
  EXPECT_NE(result.warnings[0].message.find("chỉ so với 2 tổ chức đầu"), std::string::npos) << result.warnings[0].message;
  EXPECT_NE(result.warnings[0].message.find("damaged from record 3"), std::string::npos);
  // What was read is compared all the same.
  EXPECT_EQ(result.warnings[1].code, "members_changed");
  EXPECT_EQ(result.warnings[1].value, "300");
  EXPECT_EQ(result.warnings[2].code, "organisation_missing");
  EXPECT_EQ(result.warnings[2].value, "Chi bộ C");
}

TEST(Previous, AnIndexBuiltOnAnotherThreadBeforeThisReturnExistsWarnsTheSame) {
  // What a dry run does (issue 18, dryrun2): the previous return indexed on
  // a thread of its own while this return is still being read, then this
  // return's records compared against it; the warnings of the maps, whatever
  // the hash.
  std::vector<Org> before, now;
  for (int i = 0; i < 9'000; ++i) before.push_back({fmt::format("Chi bộ bản Pa {} xã Khổng Lào", i), 10 + i % 50});
  for (int i = 0; i < 9'000; ++i) {
    Org o = before[static_cast<std::size_t>(i)];
    if (i % 101 == 0) continue;                       // missing
    if (i % 103 == 0) *o.members *= 4;                // changed
    if (i % 107 == 0) o.name = normalise::fold(o.name);  // another spelling of the same
    now.push_back(o);
  }
  std::reverse(now.begin() + 4'000, now.end());  // the order no guide past the middle
  const auto expected = reference(now, before);
  ASSERT_GT(expected.size(), 150u);
  for (auto hash : {normalise::PreviousIndex::NameHash{nullptr}, &first_letter, &every_name_collides}) {
    const std::vector<RecordSet> parts = parts_of(before, 4096);
    normalise::PreviousIndex index(hash);
    std::thread indexing([&] {
      const RecordSet none;
      std::size_t next = 0;
      index.read([&]() -> Expected<const RecordSet*> { return next < parts.size() ? &parts[next++] : &none; });
    });
    Normalised result;
    result.records = make(now, "2018");  // this return made meanwhile
    indexing.join();
    EXPECT_EQ(index.size(), before.size());
    index.compare(result, test::lai_chau_catalogue().members_change_above);
    EXPECT_EQ(lines(result.warnings), expected);
  }
}

TEST(Previous, AnIndexWhoseReadingWasCancelledComparesNothing) {
  // A dry run refused stops the indexing: what was read of it is never
  // taken for the whole previous return.
  const RecordSet before = make({{"Chi bộ A", 100}, {"Chi bộ C", 5}}, "2017");
  std::atomic<bool> cancel{false};
  normalise::PreviousIndex index;
  index.read(
      [&]() -> Expected<const RecordSet*> {
        cancel = true;  // refused while the first part was read
        return &before;
      },
      &cancel);
  Normalised result;
  result.records = make({{"Chi bộ A", 300}}, "2018");
  index.compare(result, 50);
  EXPECT_TRUE(result.warnings.empty()) << ::testing::PrintToString(lines(result.warnings));
  // The same part read to its end says both.
  normalise::PreviousIndex whole;
  bool given = false;
  whole.read([&]() -> Expected<const RecordSet*> {
    static const RecordSet none;
    if (given) return &none;
    given = true;
    return &before;
  });
  whole.compare(result, 50);
  EXPECT_EQ(result.warnings.size(), 2u) << ::testing::PrintToString(lines(result.warnings));
}

TEST(Previous, AReturnComparedInRangesOnThreadsWarnsAsTheMaps) {
  // dryrun3 (issue 18): a return of more than 2 x 65,536 records is compared
  // in ranges, each on a thread of its own, their warnings joined in order.
  // Changes on both sides of every range's edge, an organisation of the
  // previous return matched only by a record of the last range, names given
  // twice across ranges, the order reversed in the middle: the warnings of
  // the maps, whatever the hash.
  std::vector<Org> before, now;
  for (int i = 0; i < 200'000; ++i) before.push_back({fmt::format("Chi bộ bản Mù {} xã Pa Tần", i), 10 + i % 70});
  for (int i = 0; i < 200'000; ++i) {
    Org o = before[static_cast<std::size_t>(i)];
    if (i % 1'000 == 0) continue;                          // missing
    if (i % 997 == 0 || (i > 65'530 && i < 65'545)) *o.members *= 3;  // changed, at an edge too
    if (i % 1'009 == 0) o.name = normalise::fold(o.name);  // another spelling of the same
    now.push_back(o);
  }
  now.push_back(before[1'000]);             // a missing one given at the very end: not missing
  now.insert(now.begin() + 10, before[199'001]);  // one of the end given at the start too
  std::reverse(now.begin() + 90'000, now.begin() + 110'000);
  const auto expected = reference(now, before);
  ASSERT_GT(expected.size(), 350u);
  EXPECT_EQ(compare(now, before, 4096), expected);
  EXPECT_EQ(compare(now, before, 4096, every_name_collides), expected);
}

TEST(Previous, ARecordsOneValueIsTheValueItsWholeRecordGives) {
  // dryrun3 (issue 18): record_value reads one field's value without the
  // rest of the record, as get() reads it; a field the record does not give
  // is said, never read as 0.
  normalise::Layout layout;
  for (int f = 0; f < 40; ++f) {
    layout.fields.push_back("f" + std::to_string(f));
    layout.is_count.push_back(true);
    layout.columns.push_back(static_cast<std::uint32_t>(f + 1));
  }
  RecordSet set(layout);
  std::mt19937 random(3);
  for (std::uint32_t r = 0; r < 9'000; ++r) {
    CompactRecord c;
    c.where = r + 2;
    const std::string name = r % 17 == 0 ? std::string() : fmt::format("Chi bộ {}", std::string(r % 300, 'x'));
    c.org_name = name;
    c.org_kind = "party_cell";
    c.org_sector = "other";
    for (std::uint32_t f = 0; f < 40; ++f)
      if (random() % 3 != 0) c.values.emplace_back(f, static_cast<std::int64_t>(random() % 2'000'000) - 1'000'000);
    if (r % 5 == 0) c.values.emplace_back(39, 1ll << 40);
    set.add(c);
  }
  CompactRecord c;
  for (std::size_t r = 0; r < set.size(); ++r) {
    set.get(r, c);
    for (std::uint32_t f = 0; f < 42; ++f) {
      std::optional<std::int64_t> whole;
      for (const auto& [field, value] : c.values) {
        if (field == f) {
          whole = value;
          break;
        }
      }
      std::int64_t one = -7;
      const bool given = normalise::record_value(set, r, f, one);
      ASSERT_EQ(given, whole.has_value()) << "record " << r << " field " << f;
      if (given) {
        ASSERT_EQ(one, *whole) << "record " << r << " field " << f;
      }
    }
  }
}

// Records of every shape a store's block holds: names empty, short and
// long (a length past one byte), values past one byte or negative, fields
// skipped, given twice, and a tree's own paths.
RecordSet varied_records(std::size_t n, std::uint32_t seed) {
  normalise::Layout layout;
  for (int f = 0; f < 40; ++f) {
    layout.fields.push_back(f == 7 ? std::string("members_total") : "f" + std::to_string(f));
    layout.is_count.push_back(true);
    layout.paths.push_back("/f" + std::to_string(f));
  }
  layout.tree = true;
  RecordSet set(layout);
  std::mt19937 random(seed);
  for (std::uint32_t r = 0; r < n; ++r) {
    CompactRecord c;
    c.where = r * 131;
    const std::string name = r % 17 == 0 ? std::string() : fmt::format("Chi bộ Nậm {} {}", r, std::string(r % 300, 'x'));
    c.org_name = name;
    c.org_kind = r % 2 ? "party_cell" : "party_committee";
    c.org_sector = "other";
    c.org_rating = r % 3 ? "" : "good";
    for (std::uint32_t f = 0; f < 40; ++f)
      if (random() % 3 != 0) c.values.emplace_back(f, static_cast<std::int64_t>(random() % 2'000'000) - 1'000'000);
    if (r % 5 == 0) c.values.emplace_back(7, 1ll << 40);  // members_total given twice: the first counts
    if (r % 4 == 0) c.paths.emplace_back(3, "/khac/f3");
    set.add(c);
  }
  return set;
}

std::uint32_t members_of(const RecordSet& set) {
  const auto& f = set.layout().fields;
  return static_cast<std::uint32_t>(std::find(f.begin(), f.end(), "members_total") - f.begin());
}

TEST(Previous, AStoredBlockIsReadWhereItIsAsItsRecordSetReadsIt) {
  // dryrun4 (issue 18): each record's name and members_total read in one
  // pass over the block's bytes (glance_encoded) are what the record set
  // made of the same bytes gives (org_name, record_value), for every field.
  const RecordSet set = varied_records(9'000, 5);
  ASSERT_EQ(set.block_count(), 3u);
  std::vector<normalise::RecordGlance> glance;
  for (std::size_t b = 0; b < set.block_count(); ++b) {
    const std::size_t first = b * RecordSet::kBlock, count = std::min(RecordSet::kBlock, set.size() - first);
    for (std::uint32_t field : {0u, 3u, members_of(set), 39u, 40u, 1000u}) {
      ASSERT_TRUE(normalise::glance_encoded(set.block(b), count, set.layout().symbols.size(), field, glance));
      ASSERT_EQ(glance.size(), count);
      for (std::size_t i = 0; i < count; ++i) {
        ASSERT_EQ(glance[i].name, set.org_name(first + i)) << first + i;
        std::int64_t value = -7;
        const bool given = normalise::record_value(set, first + i, field, value);
        ASSERT_EQ(glance[i].has_value, given) << first + i << " field " << field;
        if (given) {
          ASSERT_EQ(glance[i].value, value) << first + i << " field " << field;
        }
      }
    }
  }
}

TEST(Previous, AStoredBlockDamagedAnywhereIsRefusedAsTheRecordSetRefusesIt) {
  // Bytes cut short, bytes changed, bytes added, a wrong count, a symbol
  // past the layout's: glance_encoded refuses exactly what append_encoded
  // refuses (so that the index and the rest of the daemon agree on what is
  // damaged), and whatever it takes reads as that record set reads it. A
  // block refused is not taken by the index at all.
  const RecordSet set = varied_records(600, 9);
  const std::string whole(set.block(0));
  const std::size_t known = set.layout().symbols.size();
  const std::uint32_t field = members_of(set);
  std::mt19937 random(27);
  std::vector<normalise::RecordGlance> glance;
  std::size_t refused = 0, taken = 0;
  auto agree = [&](const std::string& bytes, std::size_t count, const std::string& what) {
    RecordSet copy(set.layout());
    const bool appended = copy.append_encoded(bytes, count);
    const bool glanced = normalise::glance_encoded(bytes, count, known, field, glance);
    ASSERT_EQ(glanced, appended) << what;
    (glanced ? taken : refused) += 1;
    if (!glanced) return;
    for (std::size_t i = 0; i < count; ++i) {
      ASSERT_EQ(glance[i].name, copy.org_name(i)) << what;
      std::int64_t value = 0;
      ASSERT_EQ(glance[i].has_value, normalise::record_value(copy, i, field, value)) << what;
      if (glance[i].has_value) {
        ASSERT_EQ(glance[i].value, value) << what;
      }
    }
  };
  agree(whole, set.size(), "whole");
  for (std::size_t cut = 0; cut < whole.size(); cut += 1 + cut / 50) agree(whole.substr(0, cut), set.size(), "cut");
  agree(whole + '\0', set.size(), "a byte added");
  for (std::size_t count : {std::size_t{0}, std::size_t{1}, set.size() - 1, set.size() + 1, whole.size()})
    agree(whole, count, fmt::format("count {}", count));
  for (int k = 0; k < 3'000; ++k) {
    std::string bytes = whole;
    const std::size_t at = random() % bytes.size();
    bytes[at] = static_cast<char>(random() % 256);
    if (k % 3 == 0) bytes[(at + 1) % bytes.size()] = static_cast<char>(0x80 | random() % 128);
    agree(bytes, set.size(), fmt::format("byte {} changed", at));
  }
  // Symbols: one fewer known than the block names is damage.
  ASSERT_FALSE(normalise::glance_encoded(whole, set.size(), known - 1, field, glance));
  EXPECT_GT(refused, 1'000u);
  EXPECT_GT(taken, 100u) << "changes that still read (a value's byte) read as the set reads them";

  // The index: a damaged block taken leaves it as it was.
  normalise::PreviousIndex index;
  const std::string damaged = whole.substr(0, whole.size() - 1);
  EXPECT_EQ(index.take(damaged, set.size(), set.layout(), "2017"), normalise::PreviousIndex::Took::damaged);
  EXPECT_EQ(index.take(whole, set.size() + 1, set.layout(), "2017"), normalise::PreviousIndex::Took::damaged);
  index.place();
  EXPECT_EQ(index.size(), 0u);
  EXPECT_EQ(index.take(whole, set.size(), set.layout(), "2017"), normalise::PreviousIndex::Took::taken);
  index.place();
  EXPECT_EQ(index.size(), set.size());
}

}  // namespace
