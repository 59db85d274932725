// The API's refusals that several routes give, each in Vietnamese, then
// " / ", then in English, as every refusal of tonghop is. A failure inside
// the server (the store, an exporter, the catalogue) keeps its own words in
// the English half, for the IT officer; the Vietnamese half says what it
// means for the person and what to do.
#pragma once

#include <string_view>
#include <vector>

#include "http/message.hpp"
#include "normalise/record.hpp"

namespace tonghop::api::refuse {

http::Response unauthorised();                         // 401, WWW-Authenticate: Bearer
http::Response no_submission();                        // 404
http::Response another_districts_submission();         // 403
http::Response store_failed(std::string_view why);     // 500
// The store's refusal of a change (store::Change): 404 when what it names is
// gone, else 500; the code stays store_failed, as the API has always said.
http::Response store_refused(bool not_found, std::string_view why);
http::Response hash_failed();                          // 500: no memory to hash a password
http::Response password_unchecked();                   // 503, Retry-After: no memory to check a password
http::Response password_unusable();                    // 500: the stored hash is not one the daemon makes
http::Response export_failed(std::string_view why);    // 500
http::Response catalogue_unreadable(std::string_view why);  // 500
http::Response form_failed(std::string_view why);      // 500
http::Response body_not_json_object();                 // 400
// 429 district_busy, Retry-After: the district has `running` imports in flight already.
http::Response district_busy(std::string_view district, unsigned running);
// A return refused with its issues ({"errors": …, "warnings": …}); a 503
// (the import could not be run now) also says when to come back
// (Retry-After: http::refusal::kRetryAfterSeconds).
http::Response issues(unsigned status, const std::vector<normalise::Issue>& errors,
                      const std::vector<normalise::Issue>& warnings = {});

}  // namespace tonghop::api::refuse
