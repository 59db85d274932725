// The HTTP layer's own refusals: what the session answers before a route
// sees the request (a head or a body too large, too slow, cut short or
// malformed) and what the router answers when no route serves it. Each says
// what happened in Vietnamese, then " / ", then in English, as every other
// refusal of tonghop does: a clerk or a district's script may meet any of
// them, a file over the size limit most of all.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/retry.hpp"
#include "http/message.hpp"

namespace tonghop::http {

// "64 MiB", "95.4 MiB", "512 B": a size as people read it. `decimal`: the
// Vietnamese half writes "95,4 MiB".
std::string size_text(std::uint64_t bytes, char decimal = '.');

namespace refusal {

Response head_too_slow();                     // 408: the head did not arrive within the read timeout
Response head_too_large();                    // 431: past [server] header_limit
Response malformed(std::string_view why);     // 400: Beast could not parse it (why: its words)
Response no_host();                           // 400: HTTP/1.1 without Host
// 413: the body is larger than the route takes (`limit`); `length` when the
// head declared it (refused before any of it is read), none for a chunked
// body. `file_limit`: the route takes a file (Router::add_file_route), whose
// limit is the one named; 0 when it does not.
Response body_too_large(std::optional<std::uint64_t> length, std::uint64_t limit, std::uint64_t file_limit = 0);
// `file`: the route takes a file (a return), so the refusal says "Tệp gửi
// lên" (the file sent); else "Nội dung gửi lên" (what was sent).
Response body_too_slow(bool file);            // 408: the whole body was not in within the read timeout
// 400: the client ended the stream before the body's declared length.
Response body_cut_short(std::uint64_t got, std::optional<std::uint64_t> declared, bool file);
Response body_not_kept();                     // 500: the received body could not be mapped for its handler
// 503 with Retry-After: kRetryAfterSeconds, the wait its text names too.
// `why`: what is short, in Vietnamese and in English; nothing was stored.
using core::kRetryAfterSeconds;
Response busy(std::string_view code, std::string_view why_vi, std::string_view why_en);
Response imports_busy();                      // 503 busy: the import queue is full
Response no_memory_for_body();                // 503 busy: no pages for the body now
Response not_found(std::string_view path);                             // 404
Response method_not_allowed(std::string_view method, std::string_view path);  // 405
Response internal(std::string_view what);     // 500: a handler failed (what: the exception's words, or empty)

}  // namespace refusal

}  // namespace tonghop::http
