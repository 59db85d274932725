// Issue 18, stream: an import's result handed over block by block while the
// child still imports (isolate/stream.hpp). A child written here (a real
// memfd, a real socket, the result written by write_examined as the child
// writes it) streams good blocks and lies in each way the daemon must
// refuse; the daemon's side is the real BlockStream and read_result, and
// the real pipeline (ingest::submit) into the real store (SQLite in a
// temporary directory), whose staged blocks must not outlive a refusal.
// Then the real daemon: a 40,000-row CSV streamed and stored exactly as the
// same bytes are stored by the pipeline in-process (which never streams),
// and one refused at row 30,000 answered as in-process.
#include <gtest/gtest.h>

#include <sqlite3.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "isolate/protocol.hpp"
#include "isolate/stream.hpp"
#include "isolate/wire.hpp"
#include "isolate/zygote.hpp"
#include "ingest/pipeline.hpp"
#include "isolation/isolated_daemon.hpp"
#include "normalise/record.hpp"
#include "support/importing.hpp"
#include "support/sqlite_rows.hpp"

namespace {

using namespace tonghop;
using isolate::detail::BlockNote;
using isolate::detail::Done;
constexpr std::size_t kBlock = normalise::RecordSet::kBlock;

ingest::Examined numbered(std::size_t n, const std::string& prefix = "Chi bộ bản ") {
  ingest::Examined e;
  e.plugin = "import-csv";
  e.format = "csv";
  normalise::Layout layout;
  layout.sheet = "Biểu 01";
  layout.fields = {"org_name", "org_kind", "members_total"};
  layout.is_count = {false, false, true};
  layout.columns = {1, 2, 3};
  auto& set = e.result.records = normalise::RecordSet(layout);
  set.district = "Than Uyên";
  set.period = "2018";
  std::string name;
  for (std::size_t i = 0; i < n; ++i) {
    name = prefix + std::to_string(i);
    normalise::CompactRecord r;
    r.where = static_cast<std::uint32_t>(2 + i);
    r.org_name = name;
    r.org_kind = i % 3 ? "party_cell" : "party_committee";
    r.org_sector = "commune";
    r.values = {{0, 0}, {1, 0}, {2, static_cast<std::int64_t>(20 + i % 40)}};
    set.add(r);
  }
  e.result.totals.records = n;
  return e;
}

// A child that streams: the result memfd and the reply socket as the zygote
// gives them, and what the child writes and says into them.
struct Child {
  int result = ::memfd_create("stream-test", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  int sockets[2] = {-1, -1};
  Child() { EXPECT_EQ(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sockets), 0); }
  ~Child() {
    ::close(result);
    ::close(sockets[0]);
    ::close(sockets[1]);
  }
  void write(std::uint64_t offset, std::string_view bytes) const {
    ASSERT_EQ(::pwrite(result, bytes.data(), bytes.size(), static_cast<off_t>(offset)), static_cast<ssize_t>(bytes.size()));
  }
  void note(std::uint64_t offset, std::uint64_t length, std::uint64_t first_seq, std::uint64_t count,
            std::uint64_t symbols) const {
    BlockNote n;
    n.offset = offset;
    n.length = length;
    n.first_seq = first_seq;
    n.count = count;
    n.symbols = symbols;
    ASSERT_EQ(::send(sockets[1], &n, sizeof n, 0), static_cast<ssize_t>(sizeof n));
  }
  // Block b of `set` written at `offset` and named.
  std::uint64_t block(const normalise::RecordSet& set, std::size_t b, std::uint64_t offset) const {
    write(offset, set.block(b));
    note(offset, set.block(b).size(), b * kBlock, kBlock, set.layout().symbols.size());
    return offset + set.block(b).size();
  }
  // The rest of the result from `start`, naming `streamed` blocks, and 'D'.
  void finish(const ingest::Examined& e, std::uint64_t start, std::size_t streamed) const {
    ASSERT_EQ(::lseek(result, static_cast<off_t>(start), SEEK_SET), static_cast<off_t>(start));
    ASSERT_TRUE(isolate::write_examined(result, e, streamed));
    done(start);
  }
  void done(std::uint64_t start) const {
    Done d;
    d.start = start;
    ASSERT_EQ(::send(sockets[1], &d, sizeof d, 0), static_cast<ssize_t>(sizeof d));
  }
};

// The daemon's side, as Zygote::examine takes the notes: every note waiting
// ('B' to the stream, 'D' ends it, a 'B' after 'D' damages it). False when
// anything is damaged.
bool take_waiting(const Child& child, isolate::BlockStream& stream, bool& done) {
  char buf[256];
  for (;;) {
    const ssize_t n = ::recv(child.sockets[0], buf, sizeof buf, MSG_DONTWAIT);
    if (n <= 0) return true;
    const std::string_view m(buf, static_cast<std::size_t>(n));
    if (m[0] == 'B' && (done || !stream.take(m))) return false;
    if (m[0] == 'D') {
      if (!stream.done(m)) return false;
      done = true;
    }
  }
}

// The same, then the result read. An error when anything is damaged.
Expected<ingest::Examined> receive(const Child& child, const isolate::BlockStream::Sink& sink) {
  isolate::BlockStream stream(child.result, sink);
  bool done = false;
  if (!take_waiting(child, stream, done)) return make_error("the import's result has damaged records");
  if (!done) return make_error("no 'D'");
  return isolate::read_result(child.result, stream.places(), false);
}

struct Taken {
  std::vector<std::string> blocks;
  std::vector<std::int64_t> firsts;
  isolate::BlockStream::Sink sink(std::size_t refuse_at = SIZE_MAX) {
    return [this, refuse_at](std::int64_t first, std::int64_t count, std::string_view bytes) {
      EXPECT_EQ(count, static_cast<std::int64_t>(kBlock));
      if (blocks.size() == refuse_at) return false;
      blocks.emplace_back(bytes);
      firsts.push_back(first);
      return true;
    };
  }
};

}  // namespace

TEST(Stream, BlocksHandedOverAsTheyCompleteAreTakenAndTheRestReadAfterThem) {
  const auto sent = numbered(9 * kBlock + 100);
  const auto& set = sent.result.records;
  ASSERT_EQ(set.block_count(), 10u);
  {
    Child child;
    std::uint64_t at = 0;
    for (std::size_t b = 0; b < 9; ++b) at = child.block(set, b, at);
    child.finish(sent, at, 9);
    Taken taken;
    auto got = receive(child, taken.sink());
    ASSERT_TRUE(got) << got.error();
    ASSERT_TRUE(got->streamed);
    EXPECT_EQ(got->streamed->blocks, 9u);
    EXPECT_EQ(got->result.records.size(), 0u) << "the streamed records are the sink's";
    ASSERT_EQ(taken.blocks.size(), 9u);
    for (std::size_t b = 0; b < 9; ++b) {
      EXPECT_TRUE(taken.blocks[b] == set.block(b));
      EXPECT_EQ(taken.firsts[b], static_cast<std::int64_t>(b * kBlock));
      EXPECT_TRUE(got->streamed->places[b].bytes == set.block(b)) << "the same block in the sealed result";
    }
    ASSERT_EQ(got->streamed->rest.size(), 1u);
    EXPECT_TRUE(got->streamed->rest[0].bytes == set.block(9));
    EXPECT_EQ(got->streamed->rest[0].count, 100u);
    EXPECT_EQ(got->result.records.layout().to_json(), set.layout().to_json());
  }
  {
    // The reader changed its mind (another sheet, a second pass, a refusal):
    // the result names none streamed and holds every block again; the
    // sink's blocks are void and the result is read whole.
    Child child;
    std::uint64_t at = 0;
    for (std::size_t b = 0; b < 4; ++b) at = child.block(set, b, at);
    child.finish(sent, at, 0);
    Taken taken;
    auto got = receive(child, taken.sink());
    ASSERT_TRUE(got) << got.error();
    EXPECT_FALSE(got->streamed);
    EXPECT_EQ(taken.blocks.size(), 4u);
    ASSERT_EQ(got->result.records.size(), set.size());
    for (std::size_t b = 0; b < 10; ++b) EXPECT_TRUE(got->result.records.block(b) == set.block(b));
  }
  {
    // The sink could not take the fourth (its store failed): every block is
    // read from the sealed result, checked, as without streaming.
    Child child;
    std::uint64_t at = 0;
    for (std::size_t b = 0; b < 9; ++b) at = child.block(set, b, at);
    child.finish(sent, at, 9);
    Taken taken;
    auto got = receive(child, taken.sink(3));
    ASSERT_TRUE(got) << got.error();
    EXPECT_FALSE(got->streamed);
    EXPECT_EQ(taken.blocks.size(), 3u);
    ASSERT_EQ(got->result.records.size(), set.size());
    for (std::size_t b = 0; b < 10; ++b) EXPECT_TRUE(got->result.records.block(b) == set.block(b));
  }
}

namespace {

// Each lie a child may tell, told after five good blocks (four staged: a
// short transaction of the staging holds four).
// Enough good blocks before the lie for the staging to have committed a group of them.
constexpr std::size_t kGood = store::kStagedBlocksPerCommit + 1;
enum class Lie { damaged_third, overlapping, short_middle, after_done, fewer_named, more_named };

void lie(const Child& child, const ingest::Examined& sent, Lie how) {
  const auto& set = sent.result.records;
  std::uint64_t at = 0;
  for (std::size_t b = 0; b < kGood; ++b) at = child.block(set, b, at);
  constexpr std::size_t g = kGood;
  switch (how) {
    case Lie::damaged_third: {
      std::string third(set.block(g));
      const std::string name = "Chi bộ bản " + std::to_string(g * kBlock + 17);
      const auto p = third.find(name);
      third[p + name.size()] = '\x7F';  // its kind: a symbol the layout has not
      child.write(at, third);
      child.note(at, third.size(), g * kBlock, kBlock, set.layout().symbols.size());
      at += third.size();
      break;
    }
    case Lie::overlapping:
      child.write(at - 10, set.block(g));
      child.note(at - 10, set.block(g).size(), g * kBlock, kBlock, set.layout().symbols.size());
      at += set.block(g).size() - 10;
      break;
    case Lie::short_middle: {
      // A block of fewer records than kBlock before the last.
      const auto short_set = numbered(kBlock - 1);
      child.write(at, short_set.result.records.block(0));
      child.note(at, short_set.result.records.block(0).size(), g * kBlock, kBlock - 1, 3);
      at += short_set.result.records.block(0).size();
      break;
    }
    case Lie::after_done:
      child.finish(sent, at, g);
      child.block(set, g, at + 1'000'000);
      return;
    case Lie::fewer_named:
      at = child.block(set, g, at);
      child.finish(sent, at, g);
      return;
    case Lie::more_named:
      child.finish(sent, at, g + 1);
      return;
  }
  child.finish(sent, at, g + 1);
}

// A submission through the real pipeline and store, its import the child
// above: the sink is the pipeline's (Return::on_block), which stages each block.
ingest::Outcome submit_streamed(store::Store& store, const std::string& raw,
                                const std::function<Expected<ingest::Examined>(const ingest::Return&)>& child) {
  static const ingest::Normalisation n;
  ingest::Return ret;
  ret.district = "Than Uyên";
  ret.period = "2018";
  ret.filename = "than-uyen.csv";
  ret.bytes = raw;
  return ingest::submit(
      [&](const ingest::Return& r) {
        EXPECT_TRUE(r.on_block) << "a submission takes the blocks as they come";
        auto got = child(r);
        if (got) return std::move(*got);
        ingest::Examined refused;
        refused.status = 422;
        refused.result.errors.push_back({"plugin_crashed", got.error(), "", "", {}});
        return refused;
      },
      n, store, ret);
}

}  // namespace

TEST(Stream, ALyingChildIsRefusedAsADamagedResultAndNothingOfItIsStoredOrStaged) {
  tonghop::test::TempDir dir;
  auto store = store::Store::open(dir.path());
  ASSERT_TRUE(store) << store.error();
  const auto sent = numbered((kGood + 4) * kBlock + 100);
  const char* names[] = {"damaged third", "overlapping", "short middle", "after done", "fewer named", "more named"};
  int i = 0;
  for (const Lie how : {Lie::damaged_third, Lie::overlapping, Lie::short_middle, Lie::after_done, Lie::fewer_named,
                        Lie::more_named}) {
    SCOPED_TRACE(names[i++]);
    {
      Child child;
      lie(child, sent, how);
      Taken taken;
      EXPECT_FALSE(receive(child, taken.sink()));
    }
    std::size_t staged_meanwhile = 0;
    const auto out = submit_streamed(**store, std::string("raw ") + names[i - 1], [&](const ingest::Return& r) {
      Child child;
      lie(child, sent, how);
      auto got = receive(child, r.on_block);
      staged_meanwhile = static_cast<std::size_t>(test::count_rows(dir.path() / "tonghop.db", "SELECT count(*) FROM record_blocks"));
      return got;
    });
    EXPECT_EQ(out.status, 422);
    ASSERT_EQ(out.errors.size(), 1u);
    EXPECT_EQ(out.errors[0].code, "plugin_crashed");
    EXPECT_GE(staged_meanwhile, store::kStagedBlocksPerCommit) << "the good blocks before the lie were staged as they came";
    EXPECT_TRUE((*store)->list("2018").empty());
    EXPECT_EQ(test::count_rows(dir.path() / "tonghop.db", "SELECT count(*) FROM record_blocks"), 0) << "no staged block left";
  }
  // A block rewritten after the daemon took its note: the copy checked and
  // staged is what is stored, not what the memfd holds at the end.
  const auto out = submit_streamed(**store, "raw rewritten", [&](const ingest::Return& r) -> Expected<ingest::Examined> {
    Child child;
    const auto& set = sent.result.records;
    std::uint64_t at = 0;
    for (std::size_t b = 0; b < 6; ++b) at = child.block(set, b, at);
    isolate::BlockStream stream(child.result, r.on_block);
    bool done = false;
    EXPECT_TRUE(take_waiting(child, stream, done));
    std::string other(set.block(1));
    other[other.size() / 2] = '\xFF';
    child.write(set.block(0).size(), other);
    child.finish(sent, at, 6);
    EXPECT_TRUE(take_waiting(child, stream, done));
    EXPECT_TRUE(done);
    return isolate::read_result(child.result, stream.places(), false);
  });
  ASSERT_EQ(out.status, 201) << (out.errors.empty() ? "" : out.errors[0].message);
  const auto back = (*store)->record_set(out.submission->id);
  ASSERT_EQ(back.block_count(), sent.result.records.block_count());
  for (std::size_t b = 0; b < back.block_count(); ++b) EXPECT_TRUE(back.block(b) == sent.result.records.block(b)) << b;
  EXPECT_EQ((*store)->integrity_check(), "ok");
}

// Another district's return stored while a large one streams: the large one
// is held mid-stream (its child here waits for it), with blocks staged, and
// the small one goes through the real pipeline and store meanwhile.
TEST(Stream, AReturnOfAnotherDistrictIsStoredWhileALargeOneStreams) {
  tonghop::test::TempDir dir;
  auto store = store::Store::open(dir.path());
  ASSERT_TRUE(store) << store.error();
  // Held after more blocks than one staged group, then as many again.
  const std::size_t half = store::kStagedBlocksPerCommit + 2;
  const auto sent = numbered(2 * half * kBlock + 5);
  const auto& set = sent.result.records;
  ingest::Outcome small;
  std::int64_t staged_then = 0;
  const auto large = submit_streamed(**store, "the large one", [&](const ingest::Return& r) {
    Child child;
    std::uint64_t at = 0;
    for (std::size_t b = 0; b < half; ++b) at = child.block(set, b, at);
    isolate::BlockStream stream(child.result, r.on_block);
    bool done = false;
    EXPECT_TRUE(take_waiting(child, stream, done));
    staged_then = test::count_rows(dir.path() / "tonghop.db", "SELECT count(*) FROM record_blocks");
    // Held here, half-way: another district's return, read in-process by the real importer.
    const std::string csv = "Tên tổ chức cơ sở đảng;Loại hình;Tổng số đảng viên\nChi bộ thôn Nà Tăm;CB;31\n"
                            "Chi bộ thôn Pa Chải;CB;22\n";
    static const ingest::Normalisation norm = [] {
      ingest::Normalisation out;
      out.catalogue = *normalise::load_catalogue(TONGHOP_SOURCE_DIR "/config/indicators.toml");
      out.registry = *normalise::load_registry(TONGHOP_SOURCE_DIR "/config/units/lai-chau.toml");
      return out;
    }();
    ingest::Return other;
    other.district = "Phong Thổ";
    other.period = "2018";
    other.filename = "phong-tho.csv";
    other.bytes = csv;
    small = ingest::submit(tonghop::test::real_plugins(), norm, **store, tonghop::test::default_limits(), other);
    for (std::size_t b = half; b < 2 * half; ++b) at = child.block(set, b, at);
    child.finish(sent, at, 2 * half);
    EXPECT_TRUE(take_waiting(child, stream, done));
    EXPECT_TRUE(done);
    return isolate::read_result(child.result, stream.places(), false);
  });
  EXPECT_GE(staged_then, static_cast<std::int64_t>(store::kStagedBlocksPerCommit)) << "blocks staged before the other district's return";
  ASSERT_EQ(small.status, 201) << (small.errors.empty() ? "" : small.errors[0].message);
  EXPECT_EQ(small.submission->records, 2);
  ASSERT_EQ(large.status, 201) << (large.errors.empty() ? "" : large.errors[0].message);
  EXPECT_EQ(large.submission->records, static_cast<std::int64_t>(set.size()));
  const auto back = (*store)->record_set(large.submission->id);
  ASSERT_EQ(back.block_count(), set.block_count());
  for (std::size_t b = 0; b < back.block_count(); ++b) EXPECT_TRUE(back.block(b) == set.block(b)) << b;
  EXPECT_EQ((*store)->record_set(small.submission->id).size(), 2u);
  EXPECT_EQ((*store)->integrity_check(), "ok");
}

// The real daemon, its zygote and child, the real CSV importer: a return of
// 40,000 rows (ten blocks) is streamed as it is read, and stored exactly as
// the pipeline stores the same bytes in-process, where nothing streams: the
// same record blocks, the same submission row (but its id and time), the
// same answer. One whose row 30,000 is refused is answered as in-process,
// and leaves nothing in the store.
namespace {

namespace json = boost::json;
using namespace tonghop::test::isolation;

const ingest::Normalisation& daemon_normalisation() {
  static const ingest::Normalisation n = [] {
    ingest::Normalisation out;
    out.catalogue = *normalise::load_catalogue(TONGHOP_SOURCE_DIR "/config/indicators.toml");
    out.registry = *normalise::load_registry(TONGHOP_SOURCE_DIR "/config/units/lai-chau.toml");
    out.profiles = *normalise::load_profiles(TONGHOP_SOURCE_DIR "/config/profiles", out.catalogue, out.registry);
    return out;
  }();
  return n;
}

ingest::Outcome in_process(store::Store& store, const std::string& csv) {
  ingest::Return ret;
  ret.district = "Phong Thổ";
  ret.period = "2018";
  ret.filename = "big.csv";
  ret.token_name = "admin";
  ret.bytes = csv;
  return ingest::submit(tonghop::test::real_plugins(), daemon_normalisation(), store, tonghop::test::default_limits(), ret);
}

std::vector<std::string> blocks_of(const std::filesystem::path& db_file) {
  std::vector<std::string> out;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "SELECT first_seq, count, data FROM record_blocks ORDER BY submission_id, first_seq", -1, &st,
                       nullptr);
    while (st != nullptr && sqlite3_step(st) == SQLITE_ROW)
      out.push_back(std::to_string(sqlite3_column_int64(st, 0)) + " " + std::to_string(sqlite3_column_int64(st, 1)) + " " +
                    std::string(static_cast<const char*>(sqlite3_column_blob(st, 2)),
                                static_cast<std::size_t>(sqlite3_column_bytes(st, 2))));
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return out;
}

std::string row_of(const std::filesystem::path& db_file) {
  std::string out;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "SELECT * FROM submissions", -1, &st, nullptr);
    while (st != nullptr && sqlite3_step(st) == SQLITE_ROW)
      for (int c = 0; c < sqlite3_column_count(st); ++c) {
        const std::string name = sqlite3_column_name(st, c);
        // The digest covers the time too: each checked by verify below.
        if (name == "id" || name == "received_at" || name == "digest") continue;
        const auto* text = sqlite3_column_text(st, c);
        out += name + "=" + (text != nullptr ? reinterpret_cast<const char*>(text) : "NULL") + "\n";
      }
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return out;
}

}  // namespace

TEST(Stream, ALargeCsvPostedIsStreamedAndStoredAsThePipelineStoresItWithoutStreaming) {
  Options o;
  o.max_seconds = 120;
  Tonghopd d(o);
  ASSERT_NE(d.port(), 0) << d.process().output();
  const std::string csv = branch_csv(40'000);
  const auto sent = tonghop::test::request(d.port(), "POST", kTarget + "big.csv", csv,
                                           "Authorization: Bearer " + kAdmin + "\r\n", 180s);
  ASSERT_TRUE(sent);
  ASSERT_EQ(sent->status, 201) << sent->body.substr(0, 500);

  tonghop::test::TempDir dir;
  auto store = store::Store::open(dir.path());
  ASSERT_TRUE(store) << store.error();
  const auto here = in_process(**store, csv);
  ASSERT_EQ(here.status, 201) << (here.errors.empty() ? "" : here.errors[0].message);

  const auto streamed = blocks_of(d.data() / "tonghop.db");
  const auto stored = blocks_of(dir.path() / "tonghop.db");
  ASSERT_EQ(streamed.size(), 10u);
  ASSERT_EQ(streamed.size(), stored.size());
  for (std::size_t b = 0; b < stored.size(); ++b) EXPECT_TRUE(streamed[b] == stored[b]) << "block " << b;
  EXPECT_EQ(row_of(d.data() / "tonghop.db"), row_of(dir.path() / "tonghop.db"));
  // Each as committed: the streamed one's digest, taken as its blocks were
  // staged, is what its row, blocks and warnings give read back.
  for (const auto& data : {d.data(), dir.path()}) {
    const auto v = store::verify(data);
    EXPECT_TRUE(v.ok()) << data << (v.records.empty() ? "" : v.records[0]);
    EXPECT_EQ(v.digests_checked, 1u) << data;
  }
  // The answer: all but the id and the time.
  auto answer = json::parse(sent->body).as_object();
  EXPECT_EQ(answer.at("records").as_int64(), 40'000);
  EXPECT_EQ(answer.at("records").as_int64(), here.submission->records);
  EXPECT_EQ(answer.at("warnings").as_array().size(), here.warnings.size());
  EXPECT_TRUE(d.healthy());
}

TEST(Stream, ALargeCsvRefusedAtRow30000AfterItsFirstBlocksStreamedStoresNothingAndIsAnsweredAsWithout) {
  Options o;
  o.max_seconds = 120;
  Tonghopd d(o);
  ASSERT_NE(d.port(), 0) << d.process().output();
  const std::string csv = branch_csv(40'000, 30'000);
  const auto sent = tonghop::test::request(d.port(), "POST", kTarget + "big.csv", csv,
                                           "Authorization: Bearer " + kAdmin + "\r\n", 180s);
  ASSERT_TRUE(sent);
  tonghop::test::TempDir dir;
  auto store = store::Store::open(dir.path());
  ASSERT_TRUE(store) << store.error();
  const auto here = in_process(**store, csv);
  ASSERT_EQ(here.status, 422);
  ASSERT_EQ(sent->status, 422) << sent->body.substr(0, 500);
  const auto errors = json::parse(sent->body).at("errors").as_array();
  ASSERT_EQ(errors.size(), here.errors.size());
  for (std::size_t i = 0; i < errors.size(); ++i) {
    EXPECT_EQ(std::string(errors[i].at("code").as_string()), here.errors[i].code);
    EXPECT_EQ(std::string(errors[i].at("message").as_string()), here.errors[i].message);
  }
  EXPECT_EQ(test::count_rows(d.data() / "tonghop.db", "SELECT count(*) FROM record_blocks"), 0);
  EXPECT_EQ(test::count_rows(d.data() / "tonghop.db", "SELECT count(*) FROM submissions"), 0);
  EXPECT_TRUE(d.healthy());
}

// The real zygote and its child (forked from this test's process, the real
// CSV importer and normaliser, the sandbox): a CSV of 40,000 rows hands nine
// whole blocks to the sink as it is read, in order, and the result names
// them and holds the tenth; one of 100 rows, and a dry run (no sink), hand
// none over and come back whole.
TEST(Stream, TheRealZygoteHandsALargeCsvsBlocksOverAsTheyCompleteAndNoneOfASmallOnes) {
  auto zygote = isolate::Zygote::start([]() -> Expected<isolate::Setup> {
    auto n = std::make_shared<ingest::Normalisation>(daemon_normalisation());
    return isolate::Setup{n, std::shared_ptr<const loader::PluginSet>(&tonghop::test::real_plugins(),
                                                                       [](const loader::PluginSet*) {})};
  });
  ASSERT_TRUE(zygote) << zygote.error();
  isolate::ImportLimits limits;
  limits.limits = tonghop::test::default_limits();
  limits.limits.max_seconds = 120;
  auto examine = [&](const std::string& csv, bool sink, Taken& taken) {
    ingest::Return ret;
    ret.district = "Phong Thổ";
    ret.period = "2018";
    ret.filename = "big.csv";
    ret.bytes = csv;
    if (sink) ret.on_block = taken.sink();
    return (*zygote)->examine(ret, limits);
  };
  const std::string csv = branch_csv(40'000);
  Taken taken;
  const auto got = examine(csv, true, taken);
  ASSERT_EQ(got.status, 200) << (got.result.errors.empty() ? "" : got.result.errors[0].message);
  ASSERT_TRUE(got.streamed);
  EXPECT_EQ(got.streamed->blocks, 9u);
  ASSERT_EQ(got.streamed->rest.size(), 1u);
  EXPECT_EQ(got.streamed->rest[0].count, 40'000 - 9 * kBlock);
  ASSERT_EQ(taken.blocks.size(), 9u);
  for (std::size_t b = 0; b < 9; ++b) EXPECT_EQ(taken.firsts[b], static_cast<std::int64_t>(b * kBlock));
  EXPECT_EQ(got.result.records.size(), 0u);

  // The same bytes without a sink (as the dry run examines): whole, and the same blocks.
  Taken none;
  const auto whole = examine(csv, false, none);
  ASSERT_EQ(whole.status, 200);
  EXPECT_FALSE(whole.streamed);
  ASSERT_EQ(whole.result.records.size(), 40'000u);
  for (std::size_t b = 0; b < 9; ++b) EXPECT_TRUE(whole.result.records.block(b) == taken.blocks[b]) << b;
  EXPECT_TRUE(whole.result.records.block(9) == got.streamed->rest[0].bytes);

  Taken small;
  const auto little = examine(branch_csv(100), true, small);
  ASSERT_EQ(little.status, 200);
  EXPECT_FALSE(little.streamed);
  EXPECT_TRUE(small.blocks.empty());
  EXPECT_EQ(little.result.records.size(), 100u);
}
