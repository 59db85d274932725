// The web page tonghopd serves at "/": the files of the top-level web/ folder
// (HTML, CSS, JavaScript modules; no build step), found in [server] web_dir or
// beside the binary (<bin>/../share/tonghop/web, where the build tree and
// `cmake --install` put them). The files need no token: everything a page
// shows comes from the API, with the session cookie. docs/web.md.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string_view>

#include "config/config.hpp"
#include "http/router.hpp"

namespace tonghop::web {

using ConfigSource = std::function<std::shared_ptr<const config::Config>()>;

// GET / (index.html), GET /static/{name} (one file of web/static), and
// GET /api/v1/limits (what a page must know before it uploads: the largest
// file an import takes).
void add_routes(http::Router& router, ConfigSource config);

// True for the routes above that need no token (the page's own files).
bool is_open(std::string_view route_label);

// The folder the files are served from: [server] web_dir if set, else
// share/tonghop/web beside the running binary's bin/.
std::filesystem::path web_dir(const config::Config& config);

// The Content-Type of a file name the server will serve, or "" when it serves
// no file with that extension.
std::string_view content_type_of(std::string_view name);

// True when `name` may name a file of web/static: letters, digits, '-', '_'
// and '.', not starting with '.', at most 100 bytes (so never "..", never a
// folder, whatever percent-encoding it came in).
bool safe_name(std::string_view name);

}  // namespace tonghop::web
