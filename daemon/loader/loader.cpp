#include "loader/loader.hpp"

#include <algorithm>
#include <system_error>

#include <dlfcn.h>

#include <boost/dll/shared_library.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace tonghop::loader {

namespace dll = boost::dll;

HostServices::HostServices(std::shared_ptr<spdlog::logger> logger, const tonghop_limits& default_limits)
    : logger_(std::move(logger)) {
  api_.struct_size = sizeof(tonghop_host_api);
  api_.abi_version = TONGHOP_SDK_ABI_VERSION;
  api_.context = this;
  api_.log = &HostServices::log;
  api_.default_limits = default_limits;
  for (std::uint32_t abi = TONGHOP_SDK_ABI_OLDEST; abi < TONGHOP_SDK_ABI_VERSION; ++abi) {
    older_[abi - TONGHOP_SDK_ABI_OLDEST] = api_;
    older_[abi - TONGHOP_SDK_ABI_OLDEST].abi_version = abi;
  }
}

void HostServices::log(void* context, const char* plugin, int level, const char* message,
                       std::size_t length) {
  const auto* self = static_cast<const HostServices*>(context);
  if (self == nullptr || message == nullptr) return;
  spdlog::level::level_enum lvl = spdlog::level::info;
  switch (level) {
    case TONGHOP_LOG_DEBUG: lvl = spdlog::level::debug; break;
    case TONGHOP_LOG_WARN: lvl = spdlog::level::warn; break;
    case TONGHOP_LOG_ERROR: lvl = spdlog::level::err; break;
    default: break;
  }
  try {
    self->logger_->log(lvl, "[plugin {}] {}", plugin ? plugin : "?", std::string_view(message, length));
  } catch (...) {
    // Logging never fails towards a plugin.
  }
}

std::string_view kind_name(Kind k) noexcept { return k == Kind::importer ? "importer" : "exporter"; }

const Plugin* PluginSet::find(std::string_view name) const noexcept {
  for (const auto& p : plugins)
    if (p.info.name == name) return &p;
  return nullptr;
}

const Plugin* PluginSet::exporter_for(std::string_view format) const noexcept {
  for (const auto& p : plugins)
    if (p.info.kind == Kind::exporter &&
        std::find(p.info.formats.begin(), p.info.formats.end(), format) != p.info.formats.end())
      return &p;
  return nullptr;
}

std::size_t PluginSet::count(Kind kind) const noexcept {
  return static_cast<std::size_t>(
      std::count_if(plugins.begin(), plugins.end(), [&](const Plugin& p) { return p.info.kind == kind; }));
}

namespace {

std::vector<std::string> words(const char* text) {
  std::vector<std::string> out;
  if (text == nullptr) return out;
  std::string_view s(text);
  while (!s.empty()) {
    const auto start = s.find_first_not_of(" \t,");
    if (start == std::string_view::npos) break;
    s.remove_prefix(start);
    const auto end = s.find_first_of(" \t,");
    out.emplace_back(s.substr(0, end));
    if (end == std::string_view::npos) break;
    s.remove_prefix(end);
  }
  return out;
}

bool valid_name(const char* name) {
  if (name == nullptr || *name == '\0') return false;
  for (const char* p = name; *p; ++p)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_')) return false;
  return std::string_view(name).size() <= 64;
}

// Keeps, for one plugin object, its library and the host table alive. The
// deleter destroys the object inside the plugin first, then lets go of the
// library: the object's code is never unloaded under it.
struct Owner {
  std::shared_ptr<dll::shared_library> library;
  std::shared_ptr<const HostServices> host;
  void (*destroy)(void*) = nullptr;
};

template <class T>
std::shared_ptr<const T> own(void* object, Owner owner) {
  T* typed = static_cast<T*>(object);
  return std::shared_ptr<const T>(typed, [object, owner = std::move(owner)](const T*) mutable {
    owner.destroy(object);
    owner.library.reset();
  });
}

struct Candidate {
  PluginInfo info;
  std::shared_ptr<dll::shared_library> library;
  const tonghop_plugin_descriptor* descriptor = nullptr;
};

// Reads and checks a descriptor; returns the reason to refuse, or "".
std::string inspect(const std::filesystem::path& file, Candidate& out) {
  auto lib = std::make_shared<dll::shared_library>();
  std::error_code ec;  // boost::dll uses std::error_code with BOOST_DLL_USE_STD_FS
  lib->load(file, ec, dll::load_mode::rtld_now | dll::load_mode::rtld_local);
  if (ec || !lib->is_loaded()) {
    const char* why = dlerror();
    return fmt::format("cannot be loaded as a shared library: {}", why ? why : ec.message());
  }
  if (!lib->has(TONGHOP_PLUGIN_SYMBOL))
    return fmt::format("not a tonghop plugin: it does not export {}", TONGHOP_PLUGIN_SYMBOL);
  auto entry = lib->get<const tonghop_plugin_descriptor*()>(TONGHOP_PLUGIN_SYMBOL);
  const tonghop_plugin_descriptor* d = entry();
  if (d == nullptr) return "its descriptor is missing (the entry point returned null)";
  // struct_size and abi_version keep their place in every ABI version.
  if (d->struct_size < 2 * sizeof(std::uint32_t)) return "its descriptor is malformed";
  // An older plugin this host still speaks to is loaded (ABI 3 appended to
  // ABI 2 only); it gets a host table saying its own ABI (HostServices::api).
  if (d->abi_version < TONGHOP_SDK_ABI_OLDEST || d->abi_version > TONGHOP_SDK_ABI_VERSION)
    return fmt::format("built for SDK ABI version {}, but this tonghopd speaks ABI versions {} to {}; rebuild it "
                       "against the SDK of this tonghopd",
                       d->abi_version, TONGHOP_SDK_ABI_OLDEST, TONGHOP_SDK_ABI_VERSION);
  if (d->struct_size < sizeof(tonghop_plugin_descriptor)) return "its descriptor is smaller than ABI 1's";
  if (!valid_name(d->name)) return "its name is missing or not of [a-z0-9_-], 64 characters at most";
  const std::string_view kind = d->kind ? d->kind : "";
  if (kind != "importer" && kind != "exporter")
    return fmt::format("its kind '{}' is neither importer nor exporter", kind);
  if (d->create == nullptr || d->destroy == nullptr) return "it has no create or destroy function";

  out.info.name = d->name;
  out.info.version = d->version ? d->version : "";
  out.info.kind = kind == "importer" ? Kind::importer : Kind::exporter;
  out.info.formats = words(d->formats);
  out.info.mime_types = words(d->mime_types);
  out.info.description = d->description ? d->description : "";
  out.info.sdk_version = d->sdk_version ? d->sdk_version : "";
  out.info.abi_version = d->abi_version;
  out.info.file = file;
  if (out.info.formats.empty()) return "it declares no format";
  if (out.info.kind == Kind::exporter && out.info.mime_types.size() != out.info.formats.size())
    return "an exporter must declare one MIME type per format";
  out.library = std::move(lib);
  out.descriptor = d;
  return {};
}

}  // namespace

std::shared_ptr<const PluginSet> load_directory(const std::filesystem::path& directory,
                                                std::shared_ptr<const HostServices> host,
                                                const std::function<bool(const std::filesystem::path&)>& wanted) {
  auto set = std::make_shared<PluginSet>();
  spdlog::logger& log = host->logger();

  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(directory, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".so" && (!wanted || wanted(it->path())) && it->is_regular_file(ec))
      files.push_back(it->path());
  }
  if (ec) log.warn("plugins directory {}: {}", directory.string(), ec.message());
  std::sort(files.begin(), files.end());

  auto refuse = [&](const std::filesystem::path& file, std::string reason) {
    log.warn("plugin {} refused: {}", file.string(), reason);
    set->refused.push_back({file, std::move(reason)});
  };

  for (const auto& file : files) {
    Candidate c;
    if (std::string why = inspect(file, c); !why.empty()) {
      refuse(file, std::move(why));
      continue;
    }
    if (const Plugin* other = set->find(c.info.name)) {
      refuse(file, fmt::format("its name '{}' is already taken by {}", c.info.name, other->info.file.string()));
      continue;
    }
    void* object = nullptr;
    char error[512] = {};
    if (c.descriptor->create(host->api(c.descriptor->abi_version), &object, error, sizeof error) != 0 || object == nullptr) {
      refuse(file, fmt::format("failed when created: {}", error[0] ? error : "no reason given"));
      continue;
    }
    Plugin p;
    p.info = std::move(c.info);
    Owner owner{c.library, host, c.descriptor->destroy};
    if (p.info.kind == Kind::importer) p.importer = own<sdk::Importer>(object, std::move(owner));
    else p.exporter = own<sdk::Exporter>(object, std::move(owner));
    log.info("plugin {} {} ({}: {}) loaded from {}", p.info.name, p.info.version, kind_name(p.info.kind),
             fmt::join(p.info.formats, " "), file.string());
    set->plugins.push_back(std::move(p));
  }
  return set;
}

}  // namespace tonghop::loader
