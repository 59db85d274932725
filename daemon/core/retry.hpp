// The wait a 503 asks of its client: the Retry-After header every 503
// carries (http::refusal::busy, api::refuse::issues) and the seconds its
// words name, wherever they are written (the import's zygote too).
#pragma once

namespace tonghop::core {

inline constexpr unsigned kRetryAfterSeconds = 5;

}  // namespace tonghop::core
