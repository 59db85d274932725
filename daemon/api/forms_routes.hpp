// Blank forms and the catalogue (issue 14, items 4 and 5; daemon/forms):
//   GET /api/v1/templates?district=D&period=P[&format=xlsx|csv]
//   GET /api/v1/schema      GET /api/v1/catalogue
// Registered by Api::Api with the caller it authenticates (docs/api.md).
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "app/context.hpp"
#include "http/router.hpp"

namespace tonghop::api {

struct FormsCaller {
  std::string role, district;  // admin | viewer | district
};
using FormsCallerOf = std::function<std::optional<FormsCaller>(const http::Request&)>;

void add_forms_routes(http::Router& router, app::Context& context, FormsCallerOf caller);

}  // namespace tonghop::api
