#include "config/config.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <optional>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "core/dates.hpp"

namespace tonghop::config {

tonghop_limits Config::default_limits() {
  tonghop_limits l{};
  l.max_input_bytes = 64ull << 20;
  l.max_cells = 20'000'000;
  l.max_depth = 64;
  l.max_seconds = 120;
  l.max_field_bytes = 1ull << 20;
  l.max_inflated_bytes = 1ull << 30;
  l.max_entry_bytes = 512ull << 20;
  l.max_ratio = 200;
  l.max_text_bytes = 256u << 20;  // limits.max_text: all the text of one document
  return l;
}

Expected<std::uint64_t> parse_size(std::string_view text) {
  auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
  };
  text = trim(text);
  std::uint64_t number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || end == text.data())
    return make_error(fmt::format("'{}' is not a size (for example \"64 MiB\")", text));
  const std::string_view unit = trim(text.substr(static_cast<std::size_t>(end - text.data())));
  std::uint64_t factor = 1;
  if (unit.empty() || unit == "B") factor = 1;
  else if (unit == "KiB" || unit == "KB" || unit == "K") factor = 1ull << 10;
  else if (unit == "MiB" || unit == "MB" || unit == "M") factor = 1ull << 20;
  else if (unit == "GiB" || unit == "GB" || unit == "G") factor = 1ull << 30;
  else return make_error(fmt::format("'{}': unknown unit '{}' (use B, KiB, MiB or GiB)", text, unit));
  if (number > UINT64_MAX / factor) return make_error(fmt::format("'{}' is too large", text));
  return number * factor;
}

Expected<std::pair<std::string, std::uint16_t>> parse_listen(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size())
    return make_error(fmt::format("'{}' is not HOST:PORT", text));
  std::string host(text.substr(0, colon));
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const std::string_view port_text = text.substr(colon + 1);
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535)
    return make_error(fmt::format("'{}' has no valid port (0-65535)", text));
  return std::pair{host, static_cast<std::uint16_t>(port)};
}

namespace {

// Reads one table's keys into a Config, naming file, line and key on errors.
class Reader {
 public:
  Reader(const toml::table& root, const std::filesystem::path& source) : root_(root), source_(source) {}

  std::string error;

  const toml::table* section(std::string_view name) {
    const toml::node* n = root_.get(name);
    if (n == nullptr) return nullptr;
    if (!n->is_table()) {
      fail(*n, std::string(name), "must be a table ([" + std::string(name) + "])");
      return nullptr;
    }
    return n->as_table();
  }

  // Unknown sections and keys are errors: a typo must not pass silently.
  void only(const toml::table& t, std::string_view prefix, std::set<std::string_view> allowed) {
    for (const auto& [k, v] : t)
      if (!allowed.contains(k.str()))
        fail(v, prefix.empty() ? std::string(k.str()) : fmt::format("{}.{}", prefix, k.str()),
             "is not a known setting");
  }

  void string(const toml::table* t, std::string_view sec, std::string_view key, std::string& out) {
    if (const toml::node* n = get(t, key)) {
      if (auto v = n->value<std::string>()) out = *v;
      else fail(*n, name(sec, key), "must be a string");
    }
  }
  // A relative path written in the file is taken from the file's folder
  // (care, issue 16), so that the commands work from any directory; an empty
  // one stays empty (admin_token_file = "" means none).
  void path(const toml::table* t, std::string_view sec, std::string_view key, std::filesystem::path& out) {
    std::string s = out.string();
    string(t, sec, key, s);
    if (get(t, key) != nullptr && !s.empty() && std::filesystem::path(s).is_relative())
      out = (source_.parent_path() / s).lexically_normal();
    else
      out = s;
  }
  template <class Int>
  void integer(const toml::table* t, std::string_view sec, std::string_view key, Int& out,
               std::int64_t min, std::int64_t max) {
    if (const toml::node* n = get(t, key)) {
      auto v = n->value<std::int64_t>();
      if (!v || *v < min || *v > max)
        fail(*n, name(sec, key), fmt::format("must be a whole number from {} to {}", min, max));
      else
        out = static_cast<Int>(*v);
    }
  }
  template <class Int>
  void size(const toml::table* t, std::string_view sec, std::string_view key, Int& out) {
    if (const toml::node* n = get(t, key)) {
      Expected<std::uint64_t> bytes = make_error("must be a size");
      if (auto i = n->value<std::int64_t>(); i && *i >= 0) bytes = static_cast<std::uint64_t>(*i);
      else if (auto s = n->value<std::string>()) bytes = parse_size(*s);
      if (!bytes.ok()) fail(*n, name(sec, key), bytes.error());
      else if (*bytes > std::numeric_limits<Int>::max()) fail(*n, name(sec, key), "is too large");
      else out = static_cast<Int>(*bytes);
    }
  }
  void fail(const toml::node& n, const std::string& key, const std::string& what) {
    if (!error.empty()) return;
    error = fmt::format("{}:{}: {} {}", source_.string(), n.source().begin.line, key, what);
  }

 private:
  static const toml::node* get(const toml::table* t, std::string_view key) {
    return t == nullptr ? nullptr : t->get(key);
  }
  static std::string name(std::string_view sec, std::string_view key) { return fmt::format("{}.{}", sec, key); }

  const toml::table& root_;
  const std::filesystem::path& source_;
};


// (branch season) The contract's period forms, by shape: 2025, 2025-H1, 2025-Q3, 2025-09.
bool looks_like_period(std::string_view p) {
  const auto digits = [](std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
  };
  if (p.size() < 4 || !digits(p.substr(0, 4))) return false;
  if (p.size() == 4) return true;
  if (p.size() != 7 || p[4] != '-') return false;
  const std::string_view rest = p.substr(5);
  if (rest == "H1" || rest == "H2" || rest == "Q1" || rest == "Q2" || rest == "Q3" || rest == "Q4") return true;
  return digits(rest) && rest >= "01" && rest <= "12";
}

}  // namespace

Expected<int> time_zone_offset(std::string_view zone) {
  const auto offset = [](std::string_view s, int sign) -> std::optional<int> {
    // h, hh, hh:mm (POSIX: 7, -5:30) or hhmm (+0700)
    const auto digits = [](std::string_view d) {
      return !d.empty() && d.size() <= 2 && std::all_of(d.begin(), d.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
    };
    std::string_view h = s, m;
    if (const auto colon = s.find(':'); colon != std::string_view::npos) {
      h = s.substr(0, colon);
      m = s.substr(colon + 1);
      if (m.empty()) return std::nullopt;
    } else if (s.size() == 4) {
      h = s.substr(0, 2);
      m = s.substr(2);
    }
    if (!digits(h) || (!m.empty() && (m.size() != 2 || !digits(m)))) return std::nullopt;
    const int hours = std::stoi(std::string(h));
    const int minutes = m.empty() ? 0 : std::stoi(std::string(m));
    if (hours > 14 || minutes > 59) return std::nullopt;
    return sign * (hours * 60 + minutes);
  };
  if (zone == "UTC" || zone == "Etc/UTC") return 0;
  // Viet Nam's own zone, +07:00 since 1975, known without tzdata.
  if (zone == "Asia/Ho_Chi_Minh" || zone == "Asia/Saigon") return 7 * 60;
  if (!zone.empty() && (zone.front() == '+' || zone.front() == '-')) {
    if (auto m = offset(zone.substr(1), zone.front() == '+' ? 1 : -1)) return *m;
    return make_error(fmt::format("'{}' is not an offset such as +07:00", zone));
  }
  const bool safe = !zone.empty() && zone.front() != '/' && zone.find("..") == std::string_view::npos &&
                    std::all_of(zone.begin(), zone.end(), [](char ch) {
                      return std::isalnum(static_cast<unsigned char>(ch)) || ch == '/' || ch == '_' || ch == '-' || ch == '+';
                    });
  std::ifstream in(std::filesystem::path("/usr/share/zoneinfo") / std::string(zone), std::ios::binary);
  if (!safe || !in)
    return make_error(fmt::format("'{}' is not a time zone of /usr/share/zoneinfo (or give +07:00)", zone));
  std::ostringstream bytes;
  bytes << in.rdbuf();
  const std::string tzif = bytes.str();
  // The TZif file ends with a POSIX TZ string between newlines: "<+07>-7".
  if (tzif.size() < 3 || tzif.back() != '\n')
    return make_error(fmt::format("the time zone '{}' has no rule for today's times (give +07:00)", zone));
  const auto start = tzif.rfind('\n', tzif.size() - 2);
  std::string_view rule = std::string_view(tzif).substr(start + 1, tzif.size() - start - 2);
  // Its name: <...> or letters; then the offset west of UTC; nothing more (no daylight saving time).
  if (!rule.empty() && rule.front() == '<') {
    const auto close = rule.find('>');
    rule = close == std::string_view::npos ? std::string_view() : rule.substr(close + 1);
  } else {
    while (!rule.empty() && std::isalpha(static_cast<unsigned char>(rule.front()))) rule.remove_prefix(1);
  }
  int sign = -1;  // POSIX: "-7" is seven hours east of UTC
  if (!rule.empty() && (rule.front() == '+' || rule.front() == '-')) {
    sign = rule.front() == '-' ? 1 : -1;
    rule.remove_prefix(1);
  }
  if (auto m = offset(rule, sign)) return *m;
  return make_error(fmt::format("the time zone '{}' changes its offset during the year (daylight saving time): "
                                "give a fixed offset such as +07:00",
                                zone));
}

namespace {
}  // namespace

Expected<Config> parse(std::string_view text, const std::filesystem::path& source) {
  // Debian's toml++ is built with exceptions: parse errors are thrown.
  toml::table root;
  try {
    root = toml::parse(text, source.string());
  } catch (const toml::parse_error& err) {
    return make_error(fmt::format("{}:{}:{}: {}", source.string(), err.source().begin.line,
                                  err.source().begin.column, err.description()));
  }
  Config c;
  c.source = source;
  Reader r(root, source);
  r.only(root, "", {"server", "paths", "auth", "log", "limits", "normalise", "inbox",
                  "import",
                  "season", "attempts", "sessions", "time",
                  "check", "mapping", "report"});
  if (const auto* i = r.section("inbox")) {
    r.only(*i, "inbox", {"scan_milliseconds"});
    std::int64_t ms = c.inbox_interval.count();
    r.integer(i, "inbox", "scan_milliseconds", ms, 0, 3'600'000);
    c.inbox_interval = std::chrono::milliseconds(ms);
  }

  if (const auto* i = r.section("import")) {
    r.only(*i, "import", {"workers", "queue", "per_district"});
    r.integer(i, "import", "workers", c.import.workers, 1, 64);
    r.integer(i, "import", "queue", c.import.queue, 0, 10'000);
    r.integer(i, "import", "per_district", c.import.per_district, 1, 1'000);
  }
  if (const auto* s = r.section("server")) {
    r.only(*s, "server", {"listen", "threads", "body_limit", "header_limit", "read_timeout_seconds",
                          "drain_timeout_seconds",
                          "max_connections",
                          "web_dir"});
    std::string listen = fmt::format("{}:{}", c.server.host, c.server.port);
    r.string(s, "server", "listen", listen);
    if (auto hp = parse_listen(listen)) std::tie(c.server.host, c.server.port) = *hp;
    else if (r.error.empty()) r.error = fmt::format("{}: server.listen: {}", source.string(), hp.error());
    r.integer(s, "server", "threads", c.server.threads, 1, 64);
    r.size(s, "server", "body_limit", c.server.body_limit);
    r.size(s, "server", "header_limit", c.server.header_limit);
    std::int64_t read = c.server.read_timeout.count(), drain = c.server.drain_timeout.count();
    r.integer(s, "server", "read_timeout_seconds", read, 1, 3600);
    r.integer(s, "server", "drain_timeout_seconds", drain, 0, 3600);
    c.server.read_timeout = std::chrono::seconds(read);
    c.server.drain_timeout = std::chrono::seconds(drain);
    r.integer(s, "server", "max_connections", c.server.max_connections, 1, 1'000'000);
    r.path(s, "server", "web_dir", c.server.web_dir);  // the web page's files (daemon/web)
  }
  if (const auto* p = r.section("paths")) {
    r.only(*p, "paths", {"data_dir", "plugins_dir"});
    r.path(p, "paths", "data_dir", c.data_dir);
    r.path(p, "paths", "plugins_dir", c.plugins_dir);
  }
  if (const auto* n = r.section("normalise")) {
    r.only(*n, "normalise", {"catalogue", "units", "profiles", "required", "unmapped_numbers"});
    r.path(n, "normalise", "profiles", c.profiles);
    r.path(n, "normalise", "catalogue", c.catalogue);
    r.path(n, "normalise", "units", c.units);
    r.string(n, "normalise", "unmapped_numbers", c.unmapped_numbers);
    if (c.unmapped_numbers != "warning" && c.unmapped_numbers != "error")
      r.fail(*n->get("unmapped_numbers"), "normalise.unmapped_numbers", "must be \"warning\" or \"error\"");
    if (const toml::node* req = n->get("required")) {
      c.required_fields.clear();
      const auto* arr = req->as_array();
      if (arr == nullptr) r.fail(*req, "normalise.required", "must be a list of field ids");
      else
        for (const auto& v : *arr) {
          if (auto id = v.value<std::string>()) c.required_fields.push_back(*id);
          else r.fail(v, "normalise.required", "must be a list of field ids");
        }
    }
  }
  if (const auto* a = r.section("auth")) {
    r.only(*a, "auth", {"admin_token_file",
                        "failures_per_minute"});
    r.path(a, "auth", "admin_token_file", c.admin_token_file);
    r.integer(a, "auth", "failures_per_minute", c.auth_failures_per_minute, 1, 1'000'000);
  }
  if (const auto* l = r.section("log")) {
    r.only(*l, "log", {"level", "file_max_size", "file_count"});
    r.string(l, "log", "level", c.log.level);
    if (c.log.level != "debug" && c.log.level != "info" && c.log.level != "warn" && c.log.level != "error" &&
        r.error.empty())
      r.error = fmt::format("{}: log.level must be debug, info, warn or error, not '{}'", source.string(),
                            c.log.level);
    r.size(l, "log", "file_max_size", c.log.file_max_size);
    r.integer(l, "log", "file_count", c.log.file_count, 1, 1000);
  }
  if (const auto* m = r.section("limits")) {
    r.only(*m, "limits", {"max_input_size", "max_cells", "max_depth", "max_seconds", "max_field_size",
                          "max_inflated_size", "max_entry_size", "max_ratio",
                          "max_memory", "max_text"});
    r.size(m, "limits", "max_input_size", c.limits.max_input_bytes);
    r.integer(m, "limits", "max_cells", c.limits.max_cells, 1, INT64_MAX);
    r.integer(m, "limits", "max_depth", c.limits.max_depth, 1, 1'000'000);
    r.integer(m, "limits", "max_seconds", c.limits.max_seconds, 1, 86'400);
    r.size(m, "limits", "max_field_size", c.limits.max_field_bytes);
    r.size(m, "limits", "max_inflated_size", c.limits.max_inflated_bytes);
    r.size(m, "limits", "max_entry_size", c.limits.max_entry_bytes);
    r.integer(m, "limits", "max_ratio", c.limits.max_ratio, 1, 1'000'000);
    r.size(m, "limits", "max_memory", c.import.max_memory);
    if (c.import.max_memory < (64ull << 20) && r.error.empty())
      r.error = fmt::format("{}: limits.max_memory must be at least 64 MiB", source.string());
    r.size(m, "limits", "max_text", c.limits.max_text_bytes);  // under 4 GiB
  }
  // [season], [attempts], [sessions] (branch season)
  if (const auto* t = r.section("season")) {
    r.only(*t, "season", {"today", "due"});
    r.string(t, "season", "today", c.season.today);
    if (!c.season.today.empty() && !dates::parse_date(c.season.today))
      r.fail(*t->get("today"), "season.today", "must be a date YYYY-MM-DD");
    if (const toml::node* d = t->get("due")) {
      if (!d->is_table()) r.fail(*d, "season.due", "must be a table: due.\"2025\" = \"2026-01-15\"");
      else
        for (const auto& [period, date] : *d->as_table()) {
          const auto when = date.value<std::string>();
          if (!when || !dates::parse_date(*when))
            r.fail(date, fmt::format("season.due.{}", period.str()), "must be a date YYYY-MM-DD");
          else if (!looks_like_period(period.str()))
            r.fail(date, fmt::format("season.due.{}", period.str()), "must name a period: 2025, 2025-H1, 2025-Q3, 2025-09");
          else
            c.season.due[std::string(period.str())] = *when;
        }
    }
  }
  if (const auto* t = r.section("attempts")) {
    r.only(*t, "attempts", {"keep_bytes"});
    if (const toml::node* n = t->get("keep_bytes")) {
      if (auto v = n->value<bool>()) c.season.keep_attempt_bytes = *v;
      else r.fail(*n, "attempts.keep_bytes", "must be true or false");
    }
  }
  if (const auto* t = r.section("sessions")) {
    r.only(*t, "sessions", {"hours", "secure_cookie", "failures_before_lock", "lockout_minutes"});
    r.integer(t, "sessions", "hours", c.sessions.hours, 1, 24 * 90);
    if (const toml::node* n = t->get("secure_cookie")) {
      if (auto v = n->value<bool>()) c.sessions.secure_cookie = *v;
      else r.fail(*n, "sessions.secure_cookie", "must be true or false");
    }
    r.integer(t, "sessions", "failures_before_lock", c.sessions.failures_before_lock, 2, 1000);
    r.integer(t, "sessions", "lockout_minutes", c.sessions.lockout_minutes, 1, 24 * 60);
  }
  // care (issue 16): the Board's time zone, for every time tonghopd writes.
  if (const auto* t = r.section("time")) {
    r.only(*t, "time", {"timezone"});
    r.string(t, "time", "timezone", c.timezone);
    if (r.error.empty())
      if (auto tz = posix_timezone(c.timezone); !tz) r.fail(*t->get("timezone"), "time.timezone", tz.error());
  }
  // One time zone for everything ([time] timezone): the season counts days in
  // it, so it must have a fixed offset (Viet Nam's has had one since 1975).
  c.season.timezone = c.timezone;
  if (r.error.empty()) {
    if (auto offset = time_zone_offset(c.timezone)) c.season.utc_offset_minutes = *offset;
    else if (const auto* t = r.section("time"); t && t->get("timezone")) r.fail(*t->get("timezone"), "time.timezone", offset.error());
    else r.error = "time.timezone: " + offset.error();
  }
  // [check] and [mapping] (branch check): the dry run and the Board's mappings.
  if (const auto* k = r.section("check")) {
    r.only(*k, "check", {"max_rows"});
    r.integer(k, "check", "max_rows", c.check_max_rows, 1, 10'000);
  }
  if (const auto* m = r.section("mapping")) {
    r.only(*m, "mapping", {"districts_may_map"});
    if (const toml::node* n = m->get("districts_may_map")) {
      if (auto v = n->value<bool>()) c.districts_may_map = *v;
      else r.fail(*n, "mapping.districts_may_map", "must be true or false");
    }
  }
  if (const auto* rep = r.section("report")) {  // issue 15: the printed report's own texts
    r.only(*rep, "report", {"number", "recipients", "signer_role", "signer_title", "signer_name", "details_max_rows"});
    r.integer(rep, "report", "details_max_rows", c.report.details_max_rows, 1, 1'000'000);
    r.string(rep, "report", "number", c.report.number);
    r.string(rep, "report", "signer_role", c.report.signer_role);
    r.string(rep, "report", "signer_title", c.report.signer_title);
    r.string(rep, "report", "signer_name", c.report.signer_name);
    if (const toml::node* to = rep->get("recipients")) {
      const auto* arr = to->as_array();
      if (arr == nullptr) r.fail(*to, "report.recipients", "must be a list of texts");
      else
        for (const auto& v : *arr) {
          if (auto one = v.value<std::string>()) c.report.recipients.push_back(*one);
          else r.fail(v, "report.recipients", "must be a list of texts");
        }
    }
  }
  c.report.time_zone = c.timezone;  // the date line's day: the Board's zone, [time] timezone
  if (!r.error.empty()) return make_error(r.error);
  return c;
}

Expected<std::string> posix_timezone(const std::string& name) {
  // "+07:00" / "-05:30": a fixed offset (POSIX counts west of Greenwich as positive).
  if (name.size() == 6 && (name[0] == '+' || name[0] == '-') && name[3] == ':' &&
      std::isdigit(static_cast<unsigned char>(name[1])) && std::isdigit(static_cast<unsigned char>(name[2])) &&
      std::isdigit(static_cast<unsigned char>(name[4])) && std::isdigit(static_cast<unsigned char>(name[5]))) {
    const int h = (name[1] - '0') * 10 + (name[2] - '0'), m = (name[4] - '0') * 10 + (name[5] - '0');
    if (h > 14 || m > 59) return make_error(fmt::format("'{}' is not an offset from -14:00 to +14:00", name));
    return fmt::format("<{}{:02}{:02}>{}{}:{:02}", name[0], h, m, name[0] == '+' ? '-' : '+', h, m);
  }
  if (name == "UTC") return std::string("UTC0");
  // A zone of the tz database, as the system has it.
  const bool plain = !name.empty() && name.find("..") == std::string::npos && name.front() != '/' &&
                     name.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_+-") ==
                         std::string::npos;
  const char* dir = std::getenv("TZDIR");
  std::error_code ec;
  if (plain && std::filesystem::is_regular_file(std::filesystem::path(dir && *dir ? dir : "/usr/share/zoneinfo") / name, ec))
    return ":" + name;
  // Viet Nam has kept +07:00, without summer time, since 1975: known without the tz database (tzdata).
  if (name == "Asia/Ho_Chi_Minh" || name == "Asia/Saigon") return std::string("<+07>-7");
  return make_error(fmt::format("'{}' is not a time zone this system knows (a name of the tz database such as "
                                "\"Asia/Ho_Chi_Minh\", with the package tzdata, or an offset such as \"+07:00\")",
                                name));
}

Expected<Config> load(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return make_error(fmt::format("cannot read the configuration file {}", file.string()));
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str(), file);
}

}  // namespace tonghop::config
