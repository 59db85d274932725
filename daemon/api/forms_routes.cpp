#include "api/forms_routes.hpp"

#include <memory>
#include <mutex>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "api/params.hpp"
#include "api/refusals.hpp"
#include "forms/forms.hpp"
#include "normalise/text.hpp"

namespace tonghop::api {

namespace json = boost::json;

namespace {

// The catalogue as written, read again when the normalisation data is
// (start-up, SIGHUP): keyed on the snapshot it was read with.
class WrittenCache {
 public:
  Expected<std::shared_ptr<const forms::Written>> get(const app::Context& context,
                                                      const std::shared_ptr<const ingest::Normalisation>& n) {
    std::lock_guard lock(mutex_);
    if (written_ && key_.lock() == n) return written_;
    auto w = forms::read_written(context.config.load()->catalogue);
    if (!w) return make_error(w.error());
    written_ = std::make_shared<const forms::Written>(std::move(*w));
    key_ = n;
    return written_;
  }

 private:
  std::mutex mutex_;
  std::weak_ptr<const ingest::Normalisation> key_;
  std::shared_ptr<const forms::Written> written_;
};

// "Than Uyên" -> "than-uyen", for a file name.
std::string slug(const std::string& text) {
  std::string s = normalise::fold(text);
  for (char& c : s)
    if (c == ' ') c = '-';
  return s.empty() ? "bieu" : s;
}

http::Response templates(app::Context& context, WrittenCache& cache, const FormsCallerOf& caller_of, const http::Request& r) {
  const auto who = caller_of(r);
  if (!who) return refuse::unauthorised();
  const auto n = context.normalisation.load();
  const std::string asked = r.query_param("district").value_or("");
  const auto* district = n->registry.find(asked);
  if (district == nullptr)
    return http::error_response(
        400, "unknown_district",
        fmt::format("Không có đơn vị «{}» trong danh sách của {} / '{}' is not a district of {}", echo(asked),
                    n->registry.province, echo(asked), n->registry.province));
  if (who->role == "district" && who->district != district->name)
    return http::error_response(403, "forbidden",
                                fmt::format("Mã này của {}, không phải của {} / this token is for {}, not {}", who->district,
                                            district->name, who->district, district->name));
  const std::string asked_period = r.query_param("period").value_or("");
  const auto period = parse_period_param(asked_period);
  if (!period)
    return http::error_response(400, "unknown_period",
                                fmt::format("Kỳ báo cáo «{}» không hợp lệ (2018, 2018-H1, 2018-Q3, 2018-09, năm từ 1930 "
                                            "đến năm sau) / the period '{}' is not one of 2018, 2018-H1, 2018-Q3, 2018-09 "
                                            "with a year from 1930 to next year",
                                            echo(asked_period), echo(asked_period)));
  const std::string format = r.query_param("format").value_or("xlsx");
  if (format != "xlsx" && format != "csv")
    return http::error_response(400, "unknown_format",
                                fmt::format("Mẫu biểu chỉ có dạng xlsx hoặc csv, không có «{}» / a blank form is xlsx or "
                                            "csv, not '{}'",
                                            echo(format), echo(format)));
  auto written = cache.get(context, n);
  if (!written) return refuse::catalogue_unreadable(written.error());

  forms::FormInput in;
  in.district = district->name;
  in.period = *period;
  in.registry = &n->registry;
  in.catalogue = &n->catalogue;
  in.written = written->get();
  // The organisations of the district's last accepted return.
  if (const auto last = context.store->latest_current(district->name)) {
    const auto set = context.store->record_set(last->id);
    normalise::CompactRecord c;
    for (std::size_t i = 0; i < set.size(); ++i) {
      if (in.organisations.size() == forms::kMaxOrganisations) {
        in.prefill_cut = true;
        break;
      }
      set.get(i, c);
      in.organisations.push_back({std::string(c.org_name), std::string(c.org_kind), std::string(c.org_sector)});
    }
    in.prefilled_from = fmt::format("{} {}", last->id, last->period);
  }

  http::Response res;
  const std::string name = fmt::format("mau-bieu-{}-{}.{}", slug(district->name), *period, format);
  res.headers.emplace_back("Content-Disposition", fmt::format("attachment; filename=\"{}\"", name));
  if (!in.prefilled_from.empty())
    res.headers.emplace_back("X-Tonghop-Prefilled-From", in.prefilled_from + (in.prefill_cut ? " cut" : ""));
  if (format == "csv") {
    res.content_type = "text/csv; charset=utf-8";
    res.body = forms::csv_form(in);
    return res;
  }
  auto bytes = forms::xlsx_form(in);
  if (!bytes) return refuse::form_failed(bytes.error());
  res.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  res.body = std::move(*bytes);
  return res;
}

}  // namespace

void add_forms_routes(http::Router& router, app::Context& context, FormsCallerOf caller_of) {
  auto cache = std::make_shared<WrittenCache>();
  router.add("GET", "/api/v1/templates", [&context, cache, caller_of](const http::Request& r, const http::Params&) {
    return templates(context, *cache, caller_of, r);
  });
  router.add("GET", "/api/v1/schema", [&context, cache, caller_of](const http::Request& r, const http::Params&) {
    if (!caller_of(r)) return refuse::unauthorised();
    const auto n = context.normalisation.load();
    auto written = cache->get(context, n);
    if (!written) return refuse::catalogue_unreadable(written.error());
    http::Response res = http::json_response(
        200, json::serialize(forms::json_schema(n->catalogue, **written, n->registry)) + "\n");
    res.content_type = "application/schema+json";
    return res;
  });
  router.add("GET", "/api/v1/catalogue", [&context, cache, caller_of](const http::Request& r, const http::Params&) {
    if (!caller_of(r)) return refuse::unauthorised();
    const auto n = context.normalisation.load();
    auto written = cache->get(context, n);
    if (!written) return refuse::catalogue_unreadable(written.error());
    return http::json_response(200, json::serialize(forms::catalogue_json(n->catalogue, **written)) + "\n");
  });
}

}  // namespace tonghop::api
