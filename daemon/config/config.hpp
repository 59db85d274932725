// The daemon's configuration: config/tonghop.toml read with toml++, every
// value checked, unknown keys refused (a typo must not silently fall back to
// a default).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/expected.hpp"
#include "tonghop/sdk/abi.h"

namespace tonghop::config {

struct ServerSettings {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  unsigned threads = 2;
  std::uint64_t body_limit = 64ull << 20;
  std::uint32_t header_limit = 16u << 10;
  std::chrono::seconds read_timeout{30};
  std::chrono::seconds drain_timeout{10};
  std::uint32_t max_connections = 512;  // open at once; the listener waits past it
  // [server] web_dir: the web page's files (docs/web.md); empty: share/tonghop/web beside the binary.
  std::filesystem::path web_dir;
};

// Imports run in a pool of workers, each import in a child process (see
// docs/isolation.md). max_memory is read from [limits].
struct ImportSettings {
  unsigned workers = 2;                     // imports at once
  unsigned queue = 8;                       // imports waiting; 503 past it
  // One district's imports in flight at once (waiting or running); 429
  // district_busy past it. Read again at SIGHUP.
  unsigned per_district = 2;
  std::uint64_t max_memory = 512ull << 20;  // address space of one import's child
};

struct LogSettings {
  std::string level = "info";
  std::uint64_t file_max_size = 10ull << 20;
  std::uint32_t file_count = 5;
};

// [season], [attempts], [sessions] (branch season): the reporting season's
// clock and due dates, what a refused attempt keeps, sign-in sessions.
struct SeasonSettings {
  std::string timezone = "Asia/Ho_Chi_Minh";  // the Board's; a zone of fixed offset, or "+07:00"
  int utc_offset_minutes = 7 * 60;            // resolved from timezone when read
  std::string today;                          // "YYYY-MM-DD" fakes the clock (tests); "" the real one
  std::map<std::string, std::string> due;     // period -> YYYY-MM-DD
  bool keep_attempt_bytes = false;            // [attempts] keep_bytes
};
struct SessionSettings {
  std::uint32_t hours = 12;               // a session ends this long after sign-in
  bool secure_cookie = false;             // add Secure to the cookie (behind HTTPS)
  std::uint32_t failures_before_lock = 5;  // wrong passwords for one name; an address gets 4 times as many
  std::uint32_t lockout_minutes = 15;
};
// The offset from UTC of a zone named in /usr/share/zoneinfo (without
// daylight saving time), "UTC", or "+HH:MM" / "-HH:MM"; in minutes.
Expected<int> time_zone_offset(std::string_view zone);
// [report]: what the printed report says that the returns do not (issue 15).
// Empty texts are left as dotted spaces to fill in by hand.
struct ReportSettings {
  std::string number;                   // "Số <number>-BC/BTCTU"
  std::vector<std::string> recipients;  // "Nơi nhận:"
  std::string signer_role;              // "T/M BAN THƯỜNG VỤ" or "TRƯỞNG BAN"
  std::string signer_title;             // "PHÓ TRƯỞNG BAN"
  std::string signer_name;
  std::string time_zone = "Asia/Ho_Chi_Minh";  // of the date line: [time] timezone, set when read
  // The workbook's "Chi tiết" sheet lists at most this many organisations,
  // then says how many it left out (docs/report.md): a workbook costs about
  // 10 KB of memory per organisation listed, so one district's huge return
  // must not cost the daemon gigabytes each time the report is asked for.
  std::int64_t details_max_rows = 20'000;
};

struct Config {
  std::filesystem::path source;  // the file it was read from (empty: defaults)
  ServerSettings server;
  std::filesystem::path data_dir = "var";
  std::filesystem::path plugins_dir = "build/plugins";
  std::filesystem::path admin_token_file;
  std::uint32_t auth_failures_per_minute = 10;  // per client address; 429 past it
  std::filesystem::path catalogue = "config/indicators.toml";
  std::filesystem::path units = "config/units/lai-chau.toml";
  std::filesystem::path profiles = "config/profiles";
  // [normalise] required: fields every return must carry; unmapped_numbers: "warning" or "error".
  std::vector<std::string> required_fields{"org_name", "org_kind", "members_total"};
  std::string unmapped_numbers = "warning";
  std::chrono::milliseconds inbox_interval{5000};  // 0: no inbox
  LogSettings log;
  tonghop_limits limits = default_limits();
  ImportSettings import;
  SeasonSettings season;     // branch season
  SessionSettings sessions;  // branch season
  // care (issue 16): [time] timezone, the Board's time zone: every time
  // tonghopd writes (received_at, generated_at, the log) is in it. Applied at
  // start (app::apply_timezone); a change needs a restart.
  std::string timezone = "Asia/Ho_Chi_Minh";
  // [check] max_rows: data rows (or JSON elements) a dry run returns as read (branch check).
  std::uint32_t check_max_rows = 200;
  // [mapping] districts_may_map: a district token may map headers for its own district (branch check).
  bool districts_may_map = true;
  ReportSettings report;  // [report]

  static tonghop_limits default_limits();
};

// Reads and checks a configuration file.
Expected<Config> load(const std::filesystem::path& file);
// Parses configuration text; `source` names it in error messages.
Expected<Config> parse(std::string_view text, const std::filesystem::path& source);

// care (issue 16): a [time] timezone as a POSIX TZ value ("Asia/Ho_Chi_Minh"
// -> ":Asia/Ho_Chi_Minh" when the system's tz database has it, else the
// fixed "<+07>-7"; "+07:00" -> "<+0700>-7:00"), or why it is not one.
Expected<std::string> posix_timezone(const std::string& name);

// "64 MiB" -> 67108864; plain integers are bytes.
Expected<std::uint64_t> parse_size(std::string_view text);
// "127.0.0.1:8080" -> host and port.
Expected<std::pair<std::string, std::uint16_t>> parse_listen(std::string_view text);

}  // namespace tonghop::config
