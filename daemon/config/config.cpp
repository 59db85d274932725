#include "config/config.hpp"

#include <charconv>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <toml++/toml.h>

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
  void path(const toml::table* t, std::string_view sec, std::string_view key, std::filesystem::path& out) {
    std::string s = out.string();
    string(t, sec, key, s);
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
                  "import"});
  if (const auto* i = r.section("inbox")) {
    r.only(*i, "inbox", {"scan_milliseconds"});
    std::int64_t ms = c.inbox_interval.count();
    r.integer(i, "inbox", "scan_milliseconds", ms, 0, 3'600'000);
    c.inbox_interval = std::chrono::milliseconds(ms);
  }

  if (const auto* i = r.section("import")) {
    r.only(*i, "import", {"workers", "queue"});
    r.integer(i, "import", "workers", c.import.workers, 1, 64);
    r.integer(i, "import", "queue", c.import.queue, 0, 10'000);
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
  if (!r.error.empty()) return make_error(r.error);
  return c;
}

Expected<Config> load(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return make_error(fmt::format("cannot read the configuration file {}", file.string()));
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str(), file);
}

}  // namespace tonghop::config
