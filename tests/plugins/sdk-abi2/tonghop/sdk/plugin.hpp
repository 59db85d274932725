// Declaring a plugin: one macro in one .cpp file of the plugin.
//
//   TONGHOP_PLUGIN(MyImporter, importer, "my-format", "1.0.0", "myf",
//                  "application/x-myf", "Reads MYF files")
//
// It defines the plugin's only export, TONGHOP_PLUGIN_SYMBOL, returning a
// static descriptor with the ABI version this plugin is compiled against, and
// a create/destroy pair that never lets an exception out.
#pragma once

#include <cstdio>
#include <exception>
#include <type_traits>

#include "tonghop/sdk/abi.h"
#include "tonghop/sdk/exporter.hpp"
#include "tonghop/sdk/host.hpp"
#include "tonghop/sdk/importer.hpp"

namespace tonghop::sdk::detail {

inline void write_error(char* buffer, std::size_t size, const char* message) noexcept {
  if (buffer != nullptr && size > 0) std::snprintf(buffer, size, "%s", message);
}

template <class Base, class T>
int create(const tonghop_host_api* api, const char* name, void** object, char* error,
           std::size_t error_size) noexcept {
  if (object == nullptr) return 1;
  *object = nullptr;
  if (api == nullptr || api->abi_version != TONGHOP_SDK_ABI_VERSION) {
    write_error(error, error_size, "host ABI version does not match the plugin's");
    return 1;
  }
  try {
    Base* made = new T(Host(api, name));
    *object = static_cast<void*>(made);
    return 0;
  } catch (const std::exception& e) {
    write_error(error, error_size, e.what());
  } catch (...) {
    write_error(error, error_size, "unknown exception while creating the plugin");
  }
  return 1;
}

template <class Base>
void destroy(void* object) noexcept {
  delete static_cast<Base*>(object);
}

template <class T> struct kind_of;
template <> struct kind_of<Importer> { static constexpr const char* name = "importer"; };
template <> struct kind_of<Exporter> { static constexpr const char* name = "exporter"; };

}  // namespace tonghop::sdk::detail

#define TONGHOP_PLUGIN_BASE_importer ::tonghop::sdk::Importer
#define TONGHOP_PLUGIN_BASE_exporter ::tonghop::sdk::Exporter

#define TONGHOP_PLUGIN(Class, kind, name_, version_, formats_, mime_types_, description_)       \
  static_assert(std::is_base_of_v<TONGHOP_PLUGIN_BASE_##kind, Class>,                          \
                #Class " must derive from tonghop::sdk::" #kind);                              \
  namespace {                                                                                  \
  int tonghop_plugin_create_(const tonghop_host_api* api, void** object, char* error,          \
                             std::size_t error_size) noexcept {                                \
    return ::tonghop::sdk::detail::create<TONGHOP_PLUGIN_BASE_##kind, Class>(                  \
        api, name_, object, error, error_size);                                                \
  }                                                                                            \
  void tonghop_plugin_destroy_(void* object) noexcept {                                        \
    ::tonghop::sdk::detail::destroy<TONGHOP_PLUGIN_BASE_##kind>(object);                       \
  }                                                                                            \
  const tonghop_plugin_descriptor tonghop_plugin_descriptor_value_ = {                         \
      sizeof(tonghop_plugin_descriptor),                                                       \
      TONGHOP_SDK_ABI_VERSION,                                                                 \
      name_,                                                                                   \
      version_,                                                                                \
      ::tonghop::sdk::detail::kind_of<TONGHOP_PLUGIN_BASE_##kind>::name,                       \
      formats_,                                                                                \
      mime_types_,                                                                             \
      description_,                                                                            \
      TONGHOP_SDK_VERSION_STRING,                                                              \
      &tonghop_plugin_create_,                                                                 \
      &tonghop_plugin_destroy_};                                                               \
  }                                                                                            \
  extern "C" __attribute__((visibility("default"))) const tonghop_plugin_descriptor*           \
  tonghop_plugin_entry(void) {                                                                 \
    return &tonghop_plugin_descriptor_value_;                                                  \
  }
