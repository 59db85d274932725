#include "api/mapping_rules.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "api/params.hpp"
#include "normalise/builder.hpp"
#include "normalise/header.hpp"
#include "normalise/text.hpp"

namespace tonghop::api {

namespace json = boost::json;

namespace {

MappingRefusal refuse(std::string code, std::string message, unsigned status = 422) {
  return MappingRefusal{status, std::move(code), std::move(message)};
}

std::size_t characters(std::string_view s) {
  std::size_t n = 0;
  for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// Whether a sample reads as a figure (a count, or one a count would refuse).
bool is_figure(std::string_view s) {
  const auto c = normalise::parse_count(s);
  return c.error == normalise::CountError::none || c.error == normalise::CountError::negative ||
         c.error == normalise::CountError::fractional || c.error == normalise::CountError::too_large;
}

}  // namespace

std::variant<store::Mapping, MappingRefusal> make_mapping(const std::vector<std::string>& header, const std::string& field,
                                                          const std::string& district,
                                                          const std::vector<std::string>& samples,
                                                          const normalise::Catalogue& cat) {
  if (header.empty())
    return refuse("empty_header", "Thiếu tiêu đề cột hoặc khóa (header) / the header (or key) is missing");
  if (header.size() > kMaxHeaderParts)
    return refuse("header_too_long",
                  fmt::format("Tiêu đề có hơn {} dòng / the header has more than {} texts", kMaxHeaderParts, kMaxHeaderParts));
  std::string shown;
  std::vector<std::string> folds;
  for (const auto& part : header) {
    const std::string_view t = normalise::detail::trim_view(part);
    shown += (shown.empty() ? "" : " / ") + std::string(t);
    if (characters(shown) > kMaxHeaderChars)
      return refuse("header_too_long", fmt::format("Tiêu đề dài quá {} ký tự / the header is longer than {} characters",
                                                   kMaxHeaderChars, kMaxHeaderChars));
    if (std::string f = normalise::detail::drop_connector(normalise::fold(t), cat); !f.empty()) folds.push_back(std::move(f));
  }
  std::string key;
  for (const auto& f : folds) key += (key.empty() ? "" : " ") + f;
  if (key.empty())
    return refuse("empty_header",
                  "Tiêu đề trống (hoặc chỉ có dấu, hay chỉ có «Trong đó») / the header is empty (or only punctuation, or "
                  "only a connector such as \"Trong đó\")");
  if (shown != valid_utf8(shown))
    return refuse("bad_header", "Tiêu đề không phải văn bản UTF-8 / the header is not UTF-8 text");

  const normalise::Field* f = cat.field(field);
  if (field != "ignore" && f == nullptr)
    return refuse("unknown_field",
                  fmt::format("Không có chỉ tiêu «{}» trong danh mục; dùng mã chỉ tiêu (members_female …) hoặc «ignore» / "
                              "'{}' is not a field of the catalogue; use a field id (members_female …) or \"ignore\"",
                              echo(field), echo(field)));
  if (f != nullptr && (f->id == "district" || f->id == "period"))
    return refuse("field_not_mappable",
                  fmt::format("Chỉ tiêu «{}» lấy từ lần gửi, không ánh xạ được / '{}' comes from the submission and "
                              "cannot be mapped",
                              f->id, f->id));
  if (f != nullptr) {
    // Of the kind the header holds: what the catalogue reads it as, and its figures.
    const normalise::Field* read = normalise::detail::match_path(folds, cat, nullptr, nullptr);
    if (read == nullptr) read = cat.match_flat(key);
    if (read != nullptr && read->is_count != f->is_count)
      return refuse("wrong_kind",
                    fmt::format("Tiêu đề «{}» là {} ({}), không ánh xạ sang {} ({}) được / the header '{}' reads as {}, a {}, "
                                "and cannot be mapped to {}, a {}",
                                normalise::quotable(echo(shown)), read->label, read->is_count ? "số" : "chữ", f->label,
                                f->is_count ? "số" : "chữ", normalise::quotable(echo(shown)), read->id, read->is_count ? "count" : "text",
                                f->id, f->is_count ? "count" : "text"));
    std::size_t figures = 0, words = 0;
    for (const auto& s : samples) {
      const std::string_view t = normalise::detail::trim_view(s);
      if (t.empty()) continue;
      (is_figure(t) ? figures : words) += 1;
    }
    if ((figures > 0 && words == 0 && !f->is_count) || (words > 0 && figures == 0 && f->is_count))
      return refuse("wrong_kind",
                    fmt::format("Cột «{}» chứa {}, còn {} ({}) là chỉ tiêu {} / the column '{}' holds {}, but {} is a {} "
                                "field",
                                normalise::quotable(echo(shown)), figures > 0 ? "số liệu" : "chữ", f->label, f->id, f->is_count ? "số" : "chữ",
                                normalise::quotable(echo(shown)), figures > 0 ? "figures" : "words", f->id, f->is_count ? "count" : "text"));
  }
  store::Mapping m;
  m.district = district;
  m.header = shown;
  m.key = key;
  m.field = field;
  return m;
}

std::variant<store::Mapping, MappingRefusal> read_mapping_request(const json::object& body, const normalise::Catalogue& cat,
                                                                  const normalise::Registry& registry) {
  for (const auto& [k, _] : body)
    if (k != "header" && k != "field" && k != "scope" && k != "district" && k != "samples")
      return refuse("bad_request",
                    fmt::format("Khóa «{}» không dùng ở đây / '{}' is not a member of a mapping (header, field, scope, "
                                "district, samples)",
                                echo(k), echo(k)),
                    400);
  std::vector<std::string> header;
  const auto* h = body.if_contains("header");
  if (h == nullptr) return refuse("empty_header", "Thiếu tiêu đề cột hoặc khóa (header) / the header (or key) is missing");
  if (h->is_string()) {
    // "Đảng viên / Trong đó / Nữ", as a refusal quotes a multi-row header: its texts.
    const std::string_view s = h->as_string();
    if (s.size() > 4 * kMaxHeaderChars)
      return refuse("header_too_long", fmt::format("Tiêu đề dài quá {} ký tự / the header is longer than {} characters",
                                                   kMaxHeaderChars, kMaxHeaderChars));
    for (std::size_t start = 0; start <= s.size();) {
      std::size_t end = s.find(" / ", start);
      if (end == std::string_view::npos) end = s.size();
      header.emplace_back(s.substr(start, end - start));
      start = end + 3;
    }
  } else if (h->is_array()) {
    for (const auto& v : h->as_array()) {
      if (!v.is_string())
        return refuse("bad_header", "Tiêu đề là một chuỗi hoặc một danh sách chuỗi / header is a text or a list of texts");
      if (v.as_string().size() > 4 * kMaxHeaderChars || header.size() > kMaxHeaderParts)
        return refuse("header_too_long", fmt::format("Tiêu đề dài quá {} ký tự / the header is longer than {} characters",
                                                     kMaxHeaderChars, kMaxHeaderChars));
      header.emplace_back(v.as_string());
    }
  } else {
    return refuse("bad_header", "Tiêu đề là một chuỗi hoặc một danh sách chuỗi / header is a text or a list of texts");
  }
  const auto* f = body.if_contains("field");
  if (f == nullptr || !f->is_string())
    return refuse("unknown_field", "Thiếu chỉ tiêu (field) / the field is missing: a field id or \"ignore\"");
  std::string scope;
  if (const auto* s = body.if_contains("scope")) {
    if (!s->is_string() || (s->as_string() != "province" && s->as_string() != "district"))
      return refuse("bad_scope", "Phạm vi là «province» hoặc «district» / scope is \"province\" or \"district\"");
    scope = s->as_string();
  }
  std::string district;
  if (const auto* d = body.if_contains("district"); d != nullptr && !d->is_null()) {
    const std::string asked = d->is_string() ? std::string(d->as_string()) : std::string();
    const auto* found = registry.find(asked);
    if (found == nullptr)
      return refuse("unknown_district", fmt::format("Không có đơn vị «{}» trong danh sách / '{}' is not a district of {}",
                                                    echo(asked), echo(asked), registry.province));
    district = found->name;
  }
  if (scope.empty()) scope = district.empty() ? "province" : "district";
  if (scope == "district" && district.empty())
    return refuse("unknown_district", "Phạm vi huyện cần tên huyện (district) / scope \"district\" needs a district");
  if (scope == "province" && !district.empty())
    return refuse("bad_scope", "Phạm vi tỉnh không kèm tên huyện / scope \"province\" takes no district");
  std::vector<std::string> samples;
  if (const auto* s = body.if_contains("samples")) {
    if (!s->is_array()) return refuse("bad_request", "samples là một danh sách / samples is a list", 400);
    for (const auto& v : s->as_array()) {
      if (samples.size() >= 50) break;
      if (v.is_string()) samples.emplace_back(v.as_string());
      else if (v.is_number()) samples.emplace_back(json::serialize(v));
    }
  }
  return make_mapping(header, std::string(f->as_string()), district, samples, cat);
}

}  // namespace tonghop::api
