// The configuration: the shipped file, sizes, addresses and the errors a
// mistyped file gets.
#include <gtest/gtest.h>

#include "config/config.hpp"

using namespace tonghop;

TEST(Config, ShippedFileParsesToTheDocumentedDefaults) {
  const auto shipped = config::load(TONGHOP_SOURCE_DIR "/config/tonghop.toml");
  ASSERT_TRUE(shipped.ok()) << shipped.error();
  const config::Config defaults;
  EXPECT_EQ(shipped->server.host, defaults.server.host);
  EXPECT_EQ(shipped->server.port, defaults.server.port);
  EXPECT_EQ(shipped->server.threads, defaults.server.threads);
  EXPECT_EQ(shipped->server.body_limit, defaults.server.body_limit);
  EXPECT_EQ(shipped->server.header_limit, defaults.server.header_limit);
  EXPECT_EQ(shipped->server.read_timeout, defaults.server.read_timeout);
  EXPECT_EQ(shipped->server.drain_timeout, defaults.server.drain_timeout);
  // Its paths are taken from its folder (config/): the defaults, which are
  // taken from the directory tonghopd starts in, from the source tree.
  const std::filesystem::path root = TONGHOP_SOURCE_DIR;
  EXPECT_EQ(shipped->data_dir, (root / defaults.data_dir).lexically_normal());
  EXPECT_EQ(shipped->plugins_dir, (root / defaults.plugins_dir).lexically_normal());
  EXPECT_EQ(shipped->catalogue, (root / defaults.catalogue).lexically_normal());
  EXPECT_EQ(shipped->units, (root / defaults.units).lexically_normal());
  EXPECT_EQ(shipped->profiles, (root / defaults.profiles).lexically_normal());
  EXPECT_EQ(shipped->timezone, defaults.timezone);
  EXPECT_EQ(shipped->log.level, defaults.log.level);
  EXPECT_EQ(shipped->log.file_max_size, defaults.log.file_max_size);
  EXPECT_EQ(shipped->limits.max_input_bytes, defaults.limits.max_input_bytes);
  EXPECT_EQ(shipped->limits.max_cells, defaults.limits.max_cells);
  EXPECT_EQ(shipped->limits.max_depth, defaults.limits.max_depth);
  EXPECT_EQ(shipped->limits.max_field_bytes, defaults.limits.max_field_bytes);
  EXPECT_EQ(shipped->limits.max_inflated_bytes, defaults.limits.max_inflated_bytes);
  EXPECT_EQ(shipped->limits.max_entry_bytes, defaults.limits.max_entry_bytes);
  EXPECT_EQ(shipped->limits.max_ratio, defaults.limits.max_ratio);
}

TEST(Config, SizesTakeUnits) {
  EXPECT_EQ(*config::parse_size("64 MiB"), 64ull << 20);
  EXPECT_EQ(*config::parse_size("16KiB"), 16ull << 10);
  EXPECT_EQ(*config::parse_size("1 GiB"), 1ull << 30);
  EXPECT_EQ(*config::parse_size("512"), 512u);
  EXPECT_FALSE(config::parse_size("lots").ok());
  EXPECT_FALSE(config::parse_size("12 parsecs").ok());
  EXPECT_FALSE(config::parse_size("99999999999999999999 GiB").ok());
}

TEST(Config, ListenAddresses) {
  auto a = config::parse_listen("0.0.0.0:80");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->first, "0.0.0.0");
  EXPECT_EQ(a->second, 80);
  EXPECT_EQ(config::parse_listen("[::1]:8080")->first, "::1");
  EXPECT_FALSE(config::parse_listen("localhost").ok());
  EXPECT_FALSE(config::parse_listen("127.0.0.1:99999").ok());
  EXPECT_FALSE(config::parse_listen("127.0.0.1:80x").ok());
}

TEST(Config, ValuesAreRead) {
  const auto c = config::parse(R"(
[server]
listen = "0.0.0.0:9000"
body_limit = "1 KiB"
drain_timeout_seconds = 3
[paths]
data_dir = "/srv/tonghop"
[limits]
max_depth = 100
)", "t.toml");
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ(c->server.port, 9000);
  EXPECT_EQ(c->server.body_limit, 1024u);
  EXPECT_EQ(c->server.drain_timeout.count(), 3);
  EXPECT_EQ(c->data_dir, "/srv/tonghop");
  EXPECT_EQ(c->limits.max_depth, 100u);
}

TEST(Config, UnknownKeysAreRefusedWithTheirLine) {
  const auto c = config::parse("[server]\nlisten = \"127.0.0.1:1\"\nbody_limt = 5\n", "site.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error(), "site.toml:3: server.body_limt is not a known setting");
  const auto s = config::parse("[sever]\n", "site.toml");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().find("sever is not a known setting"), std::string::npos);
}

TEST(Config, WrongTypesAndRangesAreRefused) {
  EXPECT_NE(config::parse("[server]\nthreads = \"two\"\n", "a.toml").error().find("server.threads must be"),
            std::string::npos);
  EXPECT_NE(config::parse("[server]\nthreads = 0\n", "a.toml").error().find("from 1 to 64"), std::string::npos);
  EXPECT_NE(config::parse("[log]\nlevel = \"loud\"\n", "a.toml").error().find("log.level"), std::string::npos);
  EXPECT_NE(config::parse("[server]\nbody_limit = \"big\"\n", "a.toml").error().find("server.body_limit"),
            std::string::npos);
}

TEST(Config, BrokenTomlNamesTheLine) {
  const auto c = config::parse("[server]\nlisten = \n", "broken.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().rfind("broken.toml:2:", 0), 0u) << c.error();
}

TEST(Config, MissingFileIsAnError) {
  const auto c = config::load("/nonexistent/tonghop.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().find("/nonexistent/tonghop.toml"), std::string::npos);
}

// care (issue 16): a relative path written in a file is taken from the
// file's folder; an absolute one, and an empty one, stay as written.
TEST(Config, RelativePathsAreTakenFromTheFilesFolder) {
  const auto c = config::parse(
      "[paths]\ndata_dir = \"data\"\nplugins_dir = \"/opt/p\"\n[normalise]\ncatalogue = \"../shared/i.toml\"\n"
      "[auth]\nadmin_token_file = \"\"\n",
      "/etc/tonghop/tonghop.toml");
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ(c->data_dir, "/etc/tonghop/data");
  EXPECT_EQ(c->plugins_dir, "/opt/p");
  EXPECT_EQ(c->catalogue, "/etc/shared/i.toml");
  EXPECT_TRUE(c->admin_token_file.empty());
  const config::Config defaults;
  EXPECT_EQ(c->units, defaults.units);  // not written: the default, from the working directory
}

TEST(Config, TheTimeZoneIsAKnownZoneOrAnOffset) {
  EXPECT_EQ(config::posix_timezone("+07:00").value(), "<+0700>-7:00");
  EXPECT_EQ(config::posix_timezone("-05:30").value(), "<-0530>+5:30");
  EXPECT_EQ(config::posix_timezone("UTC").value(), "UTC0");
  const auto vn = config::posix_timezone("Asia/Ho_Chi_Minh");
  ASSERT_TRUE(vn.ok());
  EXPECT_TRUE(*vn == ":Asia/Ho_Chi_Minh" || *vn == "<+07>-7") << *vn;
  const auto bad = config::parse("[time]\ntimezone = \"Mars/Olympus\"\n", "t.toml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("t.toml:2: time.timezone"), std::string::npos) << bad.error();
  EXPECT_FALSE(config::posix_timezone("../../etc/passwd").ok());
  EXPECT_FALSE(config::posix_timezone("+25:00").ok());
}
