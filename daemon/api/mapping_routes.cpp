// The Board's mappings over HTTP: POST /api/v1/mappings, GET
// /api/v1/mappings, DELETE /api/v1/mappings/{id}. Kept in the database
// (store/mappings.hpp), each change audited; an import is given the
// province's mappings and its district's own at once (app/serve.cpp), no
// SIGHUP. See docs/api.md, "Dry run and mappings".
#include <boost/json.hpp>
#include <fmt/format.h>

#include "api/api.hpp"
#include "api/mapping_rules.hpp"
#include "api/params.hpp"
#include "api/refusals.hpp"
#include "normalise/text.hpp"
#include "store/mappings.hpp"

namespace tonghop::api {

namespace json = boost::json;

namespace {

http::Response reply(unsigned status, const json::value& v) { return http::json_response(status, json::serialize(v) + "\n"); }

json::object mapping_json(const store::Mapping& m, const normalise::Catalogue& cat) {
  json::object o;
  o["id"] = m.id;
  o["scope"] = m.district.empty() ? "province" : "district";
  if (m.district.empty()) o["district"] = nullptr;
  else o["district"] = m.district;
  o["header"] = m.header;
  o["key"] = m.key;
  o["field"] = m.field;
  const auto* f = cat.field(m.field);
  o["label"] = f != nullptr ? f->label : (m.field == "ignore" ? "Bỏ qua" : m.field);
  o["created_at"] = m.created_at;
  o["created_by"] = m.created_by;
  return o;
}

}  // namespace

http::Response Api::create_mapping(const http::Request& r) {
  const auto who = caller(r);
  if (!who) return refuse::unauthorised();
  if (who->role == "viewer")
    return http::error_response(403, "forbidden", "Mã người xem không được ánh xạ tiêu đề / a viewer token cannot map headers");
  const auto cfg = context_.config.load();
  if (who->role == "district" && !cfg->districts_may_map)
    return http::error_response(403, "forbidden",
                                "Tỉnh không cho huyện tự ánh xạ tiêu đề ([mapping] districts_may_map = false) / districts "
                                "may not map headers here ([mapping] districts_may_map = false)");
  json::error_code ec;
  const json::value body = json::parse(r.body, ec);
  if (ec || !body.is_object())
    return http::error_response(400, "bad_request", "Nội dung phải là một đối tượng JSON / the body must be a JSON object");
  const auto n = context_.normalisation.load();
  auto asked = read_mapping_request(body.as_object(), n->catalogue, n->registry);
  if (auto* refusal = std::get_if<MappingRefusal>(&asked)) return http::error_response(refusal->status, refusal->code, refusal->message);
  auto& m = std::get<store::Mapping>(asked);
  // Whose mapping it is: an admin's for the province or any district; a district token's for its own only.
  if (who->role == "district") {
    if (m.district.empty())
      return http::error_response(403, "forbidden",
                                  "Mã của huyện chỉ ánh xạ cho huyện mình, không cho cả tỉnh / a district token maps for its "
                                  "own district only, not for the province");
    if (m.district != who->district)
      return http::error_response(403, "forbidden",
                                  fmt::format("Mã này của {}, không phải của {} / this token is for {}, not {}", who->district,
                                              m.district, who->district, m.district));
  }
  auto added = store::add_mapping(*context_.store, m, store::Actor{who->name, who->role});
  if (!added && added.error() == store::kDuplicateMapping)
    return http::error_response(
        409, "duplicate_mapping",
        fmt::format("Tiêu đề «{}» đã được ánh xạ cho {}; xóa ánh xạ cũ trước / the header '{}' is already mapped for {}; "
                    "delete that mapping first",
                    normalise::quotable(echo(m.header)), m.district.empty() ? "cả tỉnh" : m.district,
                    normalise::quotable(echo(m.header)),
                    m.district.empty() ? "the province" : m.district));
  if (!added) return refuse::store_failed(added.error());
  context_.log->info("mapping #{} «{}» -> {} for {} by {}", added->id, added->header, added->field,
                     added->district.empty() ? "the province" : added->district, who->name);
  return reply(201, mapping_json(*added, n->catalogue));
}

http::Response Api::list_mappings(const http::Request& r) {
  const auto who = caller(r);
  if (!who) return refuse::unauthorised();
  const auto n = context_.normalisation.load();
  std::string district;
  if (const auto asked = r.query_param("district")) {
    const auto* d = n->registry.find(*asked);
    if (d == nullptr)
      return http::error_response(422, "unknown_district",
                                  fmt::format("Không có đơn vị «{}» trong danh sách / '{}' is not a district of {}",
                                              echo(*asked), echo(*asked), n->registry.province));
    district = d->name;
  }
  if (who->role == "district") {
    if (!district.empty() && district != who->district)
      return http::error_response(403, "forbidden",
                                  fmt::format("Mã này của {}, không phải của {} / this token is for {}, not {}", who->district,
                                              district, who->district, district));
    district = who->district;  // the province's and its own
  }
  json::array a;
  for (const auto& m : store::list_mappings(*context_.store, district)) a.push_back(mapping_json(m, n->catalogue));
  json::object o;
  o["mappings"] = std::move(a);
  return reply(200, o);
}

http::Response Api::delete_mapping(const http::Request& r, const http::Params& p) {
  const auto who = caller(r);
  if (!who) return refuse::unauthorised();
  if (who->role == "viewer")
    return http::error_response(403, "forbidden", "Mã người xem không được xóa ánh xạ / a viewer token cannot delete mappings");
  const auto id = parse_id(p.at("id"));
  const auto m = id ? store::find_mapping(*context_.store, *id) : std::nullopt;
  if (!m) return http::error_response(404, "not_found", "Không có ánh xạ này / no such mapping");
  if (who->role == "district") {
    if (!context_.config.load()->districts_may_map)
      return http::error_response(403, "forbidden",
                                  "Tỉnh không cho huyện tự ánh xạ tiêu đề ([mapping] districts_may_map = false) / districts "
                                  "may not map headers here ([mapping] districts_may_map = false)");
    if (m->district != who->district)
      return http::error_response(403, "forbidden",
                                  "Ánh xạ này không phải của huyện mình / this mapping is not this district's own");
  }
  auto removed = store::remove_mapping(*context_.store, *id, store::Actor{who->name, who->role});
  if (!removed) return refuse::store_failed(removed.error());
  if (!*removed) return http::error_response(404, "not_found", "Không có ánh xạ này / no such mapping");
  context_.log->info("mapping #{} «{}» removed by {}", m->id, m->header, who->name);
  json::object o;
  o["deleted"] = mapping_json(*m, context_.normalisation.load()->catalogue);
  return reply(200, o);
}

}  // namespace tonghop::api
