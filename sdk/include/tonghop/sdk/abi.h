/* tonghop plugin ABI: the C boundary between the daemon and a plugin.
 *
 * Every plugin exports exactly one symbol, TONGHOP_PLUGIN_SYMBOL, a function
 * returning a pointer to a static tonghop_plugin_descriptor. The host reads
 * the descriptor's first two fields (struct_size, abi_version), which keep
 * their place in every ABI version, before it calls anything else. A plugin
 * whose abi_version is newer than the host's, or older than
 * TONGHOP_SDK_ABI_OLDEST, is refused with a reason; no C++ object of it is
 * ever made. A plugin of an older ABI the host still speaks is given a host
 * table that says the plugin's own abi_version (its create() checks that),
 * and is called only as that ABI allows.
 *
 * Host services reach the plugin through tonghop_host_api, an append-only
 * table: new fields are only ever added at the end, and a plugin reads a field
 * only when host->struct_size says the host has it.
 */
#ifndef TONGHOP_SDK_ABI_H
#define TONGHOP_SDK_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped whenever anything a plugin compiles against changes incompatibly:
 * this header, the C++ types in the SDK headers, or the C++ standard library
 * ABI the SDK assumes (libstdc++, C++20). */
#define TONGHOP_SDK_ABI_VERSION 3u  /* 3: DocumentSink::cells, a run of cells in one call;
                                       2: sdk::Row gained unknown and incomplete */

/* The oldest plugin ABI a host built with this SDK still loads. ABI 3 only
 * appended a virtual function to DocumentSink, so an ABI 2 plugin's calls all
 * keep their place. */
#define TONGHOP_SDK_ABI_OLDEST 2u

/* The SDK's own semantic version (headers, CMake package). */
#define TONGHOP_SDK_VERSION_MAJOR 1
#define TONGHOP_SDK_VERSION_MINOR 6
#define TONGHOP_SDK_VERSION_PATCH 0
#define TONGHOP_SDK_VERSION_STRING "1.6.0"

#define TONGHOP_PLUGIN_SYMBOL "tonghop_plugin_entry"

enum tonghop_log_level {
  TONGHOP_LOG_DEBUG = 0,
  TONGHOP_LOG_INFO = 1,
  TONGHOP_LOG_WARN = 2,
  TONGHOP_LOG_ERROR = 3
};

/* Limits the host imposes on one import. Zero means "no limit". */
typedef struct tonghop_limits {
  uint64_t max_input_bytes;    /* size of the file as received */
  uint64_t max_cells;          /* cells, or values of a tree */
  uint32_t max_depth;          /* nesting of a tree document */
  uint32_t max_seconds;        /* wall time of one read */
  uint64_t max_field_bytes;    /* one cell, field or string */
  uint64_t max_inflated_bytes; /* all entries of a compressed container */
  uint64_t max_entry_bytes;    /* one entry of a compressed container */
  uint32_t max_ratio;          /* inflated/compressed of one entry */
  /* All the text of one document (every cell's and value's, shared strings
   * counted at each use), up to 4 GiB - 1. Was `reserved` (always 0, "no
   * limit"), so plugins and hosts of either age agree on its place. */
  uint32_t max_text_bytes;
} tonghop_limits;

/* Services of the host. Append-only: never reorder, never remove. */
typedef struct tonghop_host_api {
  uint32_t struct_size; /* sizeof(tonghop_host_api) as the host knows it */
  uint32_t abi_version; /* the ABI the host speaks to this plugin: its own
                         * TONGHOP_SDK_ABI_VERSION, or an older plugin's own */
  void* context;        /* opaque, passed back to every callback */
  /* Logs one message tagged with the plugin's name. Never fails. */
  void (*log)(void* context, const char* plugin_name, int level, const char* message,
              size_t length);
  /* The host's default limits (the per-read limits may be tighter). */
  tonghop_limits default_limits;
  /* ABI 1 ends here. */
} tonghop_host_api;

/* What one plugin is. Static storage in the plugin; the host copies it. */
typedef struct tonghop_plugin_descriptor {
  uint32_t struct_size; /* sizeof(tonghop_plugin_descriptor) of the plugin */
  uint32_t abi_version; /* TONGHOP_SDK_ABI_VERSION the plugin was built with */
  const char* name;        /* unique among loaded plugins: [a-z0-9_-]+ */
  const char* version;     /* the plugin's own version, e.g. "1.2.0" */
  const char* kind;        /* "importer" or "exporter" */
  const char* formats;     /* space separated: "xlsx xlsm" */
  const char* mime_types;  /* space separated, one per format, same order */
  const char* description; /* one line for `tonghopd plugins` */
  const char* sdk_version; /* TONGHOP_SDK_VERSION_STRING at build time */
  /* Makes the plugin object. Returns 0 and sets *object on success; on
   * failure returns non-zero and writes a NUL-terminated reason into
   * error[0..error_size). Never throws. The object is a
   * tonghop::sdk::Importer* or tonghop::sdk::Exporter* according to kind. */
  int (*create)(const tonghop_host_api* host, void** object, char* error, size_t error_size);
  /* Destroys an object made by create, inside the plugin. Never throws. */
  void (*destroy)(void* object);
} tonghop_plugin_descriptor;

typedef const tonghop_plugin_descriptor* (*tonghop_plugin_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* TONGHOP_SDK_ABI_H */
