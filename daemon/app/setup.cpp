#include "app/setup.hpp"

#include "app/context.hpp"
#include "core/hash.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace tonghop::app {

std::vector<std::filesystem::path> default_config_files() {
  std::vector<std::filesystem::path> out{"config/tonghop.toml"};
  std::error_code ec;
  // An installed tonghopd (any prefix): <prefix>/bin/tonghopd beside <prefix>/etc/tonghop.
  if (const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec); !ec)
    out.push_back((exe.parent_path() / ".." / "etc" / "tonghop" / "tonghop.toml").lexically_normal());
  out.emplace_back("/etc/tonghop/tonghop.toml");
  return out;
}

Expected<config::Config> resolve_config(const Options& options) {
  Expected<config::Config> cfg = config::Config{};
  if (options.config) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(*options.config, ec))
      return make_error(fmt::format("--config {}: there is no such file{}; name the configuration file with --config "
                                    "FILE (the shipped one is config/tonghop.toml, the installed one "
                                    "/etc/tonghop/tonghop.toml)",
                                    *options.config,
                                    std::filesystem::path(*options.config).is_relative()
                                        ? fmt::format(" (relative to {})", std::filesystem::current_path(ec).string())
                                        : ""));
    cfg = config::load(*options.config);
  } else {
    // ./config/tonghop.toml (a source tree), then the installed one.
    for (const auto& f : default_config_files())
      if (std::error_code ec; std::filesystem::is_regular_file(f, ec)) {
        cfg = config::load(f);
        break;
      }
  }
  if (!cfg) return cfg;
  if (options.listen) {
    auto hp = config::parse_listen(*options.listen);
    if (!hp) return make_error("--listen: " + hp.error());
    std::tie(cfg->server.host, cfg->server.port) = *hp;
  }
  if (options.data_dir) cfg->data_dir = *options.data_dir;
  if (options.plugins_dir) cfg->plugins_dir = *options.plugins_dir;
  return cfg;
}

Expected<bool> apply_timezone(const config::Config& config) {
  auto tz = config::posix_timezone(config.timezone);
  if (!tz) return make_error("[time] timezone: " + tz.error());
  ::setenv("TZ", tz->c_str(), 1);
  ::tzset();
  return true;
}

std::string config_hint(const config::Config& config) {
  if (config.source.empty()) {
    std::string looked;
    for (const auto& f : default_config_files()) looked += (looked.empty() ? "" : ", ") + f.string();
    return fmt::format(" (no configuration file was found: {} are absent, so the built-in defaults were used, "
                       "relative to {}; name the configuration with --config FILE)",
                       looked, std::filesystem::current_path().string());
  }
  return fmt::format(" (relative paths in {} are taken from its folder; another configuration: --config FILE)",
                     config.source.string());
}

Expected<std::shared_ptr<spdlog::logger>> make_logger(const config::Config& config, bool with_file) {
  std::vector<spdlog::sink_ptr> sinks;
  sinks.push_back(std::make_shared<spdlog::sinks::stdout_color_sink_mt>());
  if (with_file) {
    const auto dir = config.data_dir / "log";
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return make_error(fmt::format("cannot create the log directory {}: {}", dir.string(), ec.message()));
    try {
      sinks.push_back(std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
          (dir / "tonghopd.log").string(), config.log.file_max_size, config.log.file_count));
    } catch (const spdlog::spdlog_ex& e) {
      return make_error(fmt::format("cannot open the log file in {}: {}", dir.string(), e.what()));
    }
  }
  auto logger = std::make_shared<spdlog::logger>("tonghopd", sinks.begin(), sinks.end());
  logger->set_level(spdlog::level::from_str(config.log.level));
  logger->flush_on(spdlog::level::info);
  return logger;
}

std::shared_ptr<const loader::PluginSet> load_plugins_quietly(
    const config::Config& config, const std::function<bool(const std::filesystem::path&)>& wanted) {
  auto quiet = std::make_shared<spdlog::logger>("tonghopd", std::make_shared<spdlog::sinks::null_sink_mt>());
  return loader::load_directory(config.plugins_dir, std::make_shared<loader::HostServices>(quiet, config.limits),
                                wanted);
}

Expected<Offline> offline(const Options& options,
                          const std::function<bool(const std::filesystem::path&)>& wanted) {
  auto cfg = resolve_config(options);
  if (!cfg) return make_error(cfg.error());
  if (auto tz = apply_timezone(*cfg); !tz) return make_error(tz.error());
  auto n = load_normalisation(*cfg);
  if (!n) return make_error(n.error() + config_hint(*cfg));
  Offline o{std::move(*cfg), std::move(*n), nullptr};
  o.plugins = load_plugins_quietly(o.config, wanted);
  return o;
}

Expected<AdminToken> admin_token(const config::Config& config, bool dev) {
  AdminToken t;
  // An admin token can do everything: one that can be guessed is refused.
  constexpr std::size_t kShortest = 32;
  if (const char* env = std::getenv("TONGHOP_ADMIN_TOKEN"); env != nullptr && *env != '\0') {
    if (std::string_view(env).size() < kShortest)
      return make_error(fmt::format(
          "the admin token in TONGHOP_ADMIN_TOKEN has {} characters; it needs at least {}. Make one with: "
          "openssl rand -hex 24",
          std::string_view(env).size(), kShortest));
    t.sha256 = sha256_hex(env);
    t.source = "TONGHOP_ADMIN_TOKEN";
  } else if (!config.admin_token_file.empty()) {
    // Read into memory that is wiped after the hash: no copy of the token
    // is left in this process's freed memory, which the import zygote,
    // forked next, would inherit.
    std::string line(4096, '\0');
    std::size_t size = 0;
    const int fd = ::open(config.admin_token_file.c_str(), O_RDONLY | O_CLOEXEC);
    int read_error = fd < 0 ? errno : 0;
    if (fd >= 0) {
      ssize_t n = 0;
      while (size < line.size() && ((n = ::read(fd, line.data() + size, line.size() - size)) > 0 || (n < 0 && errno == EINTR)))
        if (n > 0) size += static_cast<std::size_t>(n);
      if (n < 0) read_error = errno;  // a folder, say: EISDIR
      ::close(fd);
    }
    const std::size_t end = std::min(line.find('\n'), size);
    std::size_t length = end;
    while (length > 0 && (line[length - 1] == '\r' || line[length - 1] == ' ')) --length;
    const std::string_view token(line.data(), length);
    // A first line longer than the buffer would be hashed cut short, and never match: refused.
    const bool whole = end < size || size < line.size();
    const bool readable = fd >= 0 && read_error == 0 && size > 0;
    if (readable && whole && token.size() >= kShortest) t.sha256 = sha256_hex(token);
    OPENSSL_cleanse(line.data(), line.size());
    if (!readable)
      return make_error(fmt::format("cannot read the admin token file {}: {}", config.admin_token_file.string(),
                                    read_error != 0 ? std::strerror(read_error) : "it is empty"));
    if (!whole)
      return make_error(fmt::format("the admin token in {} is longer than {} bytes; make one with: openssl rand -hex 24 > {}",
                                    config.admin_token_file.string(), line.size(), config.admin_token_file.string()));
    if (t.sha256.empty())
      return make_error(fmt::format("the admin token in {} has {} characters; it needs at least {}. Make one with: "
                                    "openssl rand -hex 24 > {}",
                                    config.admin_token_file.string(), length, kShortest,
                                    config.admin_token_file.string()));
    t.source = config.admin_token_file.string();
  } else if (dev) {
    unsigned char bytes[24];
    if (RAND_bytes(bytes, sizeof bytes) != 1) return make_error("cannot make a random token");
    t.token = "dev-";
    for (unsigned char b : bytes) t.token += fmt::format("{:02x}", b);
    t.sha256 = sha256_hex(t.token);
    t.source = "--dev";
  } else {
    return make_error(
        "no admin token: set the environment variable TONGHOP_ADMIN_TOKEN, or name a file with "
        "[auth] admin_token_file in the configuration, or start with --dev for a development token");
  }
  return t;
}

void forget_admin_token_in_environment() {
  constexpr std::string_view kName = "TONGHOP_ADMIN_TOKEN=";
  for (char** e = environ; e != nullptr && *e != nullptr; ++e)
    if (std::string_view(*e).starts_with(kName)) OPENSSL_cleanse(*e + kName.size(), std::strlen(*e + kName.size()));
  ::unsetenv("TONGHOP_ADMIN_TOKEN");
}

}  // namespace tonghop::app
