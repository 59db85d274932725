// The JSON Schema of a JSON return, and the catalogue as JSON, both from
// config/indicators.toml.
#include <map>
#include <set>

#include <boost/json.hpp>

#include "forms/forms.hpp"
#include "normalise/text.hpp"

namespace tonghop::forms {

namespace json = boost::json;

namespace {

// The keys a text is written as in JSON: folded snake_case ("Tổng số ĐV" ->
// "tong_so_dv"), and an ASCII text as written ("HTXSNV", "DTTS").
std::vector<std::string> keys_of(const std::string& text) {
  std::vector<std::string> out;
  std::string snake = normalise::fold(text);
  for (char& c : snake)
    if (c == ' ') c = '_';
  if (!snake.empty()) out.push_back(snake);
  bool ascii = true;
  for (const unsigned char c : text) ascii = ascii && c < 0x80;
  if (ascii) {
    std::string as_written;
    bool gap = false;
    for (const char c : text) {
      const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!alnum) {
        gap = !as_written.empty();
        continue;
      }
      if (gap) as_written += '_';
      gap = false;
      as_written += c;
    }
    if (!as_written.empty() && as_written != snake) out.push_back(as_written);
  }
  return out;
}

std::string camel(const std::string& id) {
  std::string out;
  bool up = false;
  for (const char c : id) {
    if (c == '_') {
      up = true;
      continue;
    }
    out += up && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    up = false;
  }
  return out;
}

// Every key a field is written under as a whole (not a group over a sub-header).
std::set<std::string> field_keys(const WrittenField& f) {
  std::set<std::string> out{f.id, camel(f.id)};
  for (const auto& k : keys_of(f.label)) out.insert(k);
  for (const auto& s : f.synonyms)
    for (const auto& k : keys_of(s)) out.insert(k);
  return out;
}

json::array strings(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

std::string label_of(const normalise::Catalogue& c, const std::string& id) {
  const auto* f = c.field(id);
  return "«" + (f ? f->label : id) + "»";
}

json::object rule_json(const normalise::Catalogue& c, const normalise::Rule& r) {
  json::object o;
  std::string parts;
  for (const auto& p : r.parts) parts += (parts.empty() ? "" : " + ") + label_of(c, p);
  const std::string whole = label_of(c, r.whole);
  switch (r.kind) {
    case normalise::Rule::Kind::at_most:
      o["kind"] = "at_most";
      o["text"] = parts + " ≤ " + whole + " / " + r.parts.front() + " is at most " + r.whole;
      break;
    case normalise::Rule::Kind::sum_at_most:
      o["kind"] = "sum_at_most";
      o["text"] = parts + " ≤ " + whole + " / together at most " + r.whole;
      break;
    case normalise::Rule::Kind::sum_equals:
      o["kind"] = "sum_equals";
      o["text"] = parts + " = " + whole + " / together equal to " + r.whole;
      break;
    case normalise::Rule::Kind::sum_equals_when_all:
      o["kind"] = "sum_equals_when_all";
      o["text"] = parts + " = " + whole + " (khi có đủ các số) / together equal to " + r.whole + " when all are given";
      break;
  }
  o["parts"] = strings(r.parts);
  o["whole"] = r.whole;
  return o;
}

json::array values_json(const std::vector<std::pair<std::string, std::vector<std::string>>>& entries) {
  json::array a;
  for (const auto& e : entries) {
    json::object v;
    v["id"] = e.first;
    v["name"] = Written::display_name(e);
    v["names"] = strings(e.second);
    a.push_back(std::move(v));
  }
  return a;
}

}  // namespace

json::object json_schema(const normalise::Catalogue& catalogue, const Written& written, const normalise::Registry& registry) {
  json::object count{{"type", "integer"}, {"minimum", 0}};
  // key -> the schemas it may hold (a key may be a whole field and a group: "dang_vien").
  std::map<std::string, json::array> props;
  std::map<std::string, json::object> groups;  // group key -> its sub-keys' schemas
  json::array name_keys;
  auto add = [&](const std::string& key, const json::value& schema) {
    auto& alts = props[key];
    for (const auto& a : alts)
      if (a == schema) return;
    alts.push_back(schema);
  };
  for (const auto& wf : written.fields) {
    if (wf.id == "district" || wf.id == "period") continue;
    const auto* f = catalogue.field(wf.id);
    if (f == nullptr) continue;
    json::object s;
    if (f->is_count) s = {{"$ref", "#/$defs/count"}};
    else s = {{"type", "string"}};
    s["description"] = wf.label + " (" + wf.id + ")";
    if (wf.id == "org_kind" || wf.id == "org_rating") {
      json::array examples;
      for (const auto& e : wf.id == "org_kind" ? written.kinds : written.ratings) examples.emplace_back(Written::display_name(e));
      s["examples"] = std::move(examples);
    }
    for (const auto& k : field_keys(wf)) {
      add(k, s);
      if (wf.id == "org_name") name_keys.push_back(json::object{{"required", json::array{json::value(k)}}});
    }
    if (f->is_count)
      for (const auto& g : wf.groups)
        for (const auto& gk : keys_of(g))
          for (const auto& sub : wf.subs)
            for (const auto& sk : keys_of(sub)) groups[gk][sk] = s;
  }
  for (auto& [gk, subs] : groups)
    add(gk, json::object{{"type", "object"}, {"properties", std::move(subs)}});
  json::object properties;
  for (auto& [k, alts] : props)
    properties[k] = alts.size() == 1 ? alts.front() : json::value(json::object{{"anyOf", std::move(alts)}});

  json::object organisation{{"type", "object"},
                            {"description", "Một tổ chức cơ sở đảng / one grassroots party organisation"},
                            {"properties", std::move(properties)},
                            {"anyOf", std::move(name_keys)}};

  json::object top_props;
  json::array districts;
  for (const auto& d : registry.districts) districts.emplace_back(d.name);
  for (const char* id : {"district", "period"})
    if (const auto* wf = written.field(id))
      for (const auto& k : field_keys(*wf)) {
        json::object s{{"description", wf->label}};
        if (std::string(id) == "district") {
          s["type"] = "string";
          s["examples"] = districts;
        } else {
          s["type"] = json::array{"string", "integer"};
          s["examples"] = json::array{"Năm 2018", "2018", "2018-H1", "6 tháng đầu năm 2018", "2018-Q3", "2018-09"};
        }
        top_props[k] = std::move(s);
      }
  const json::object org_ref{{"$ref", "#/$defs/organisation"}};
  json::object document{
      {"type", "object"},
      {"properties", std::move(top_props)},
      // Any other key holding an array holds organisations, and one must.
      {"additionalProperties", json::object{{"if", json::object{{"type", "array"}}},
                                            {"then", json::object{{"items", org_ref}, {"minItems", 1}}}}},
      {"not", json::object{{"additionalProperties", json::object{{"not", json::object{{"type", "array"}}}}}}}};
  json::object root{
      {"$schema", "https://json-schema.org/draft/2020-12/schema"},
      {"$id", "/api/v1/schema"},
      {"title", "Báo cáo thống kê tổ chức cơ sở đảng và đảng viên (JSON) / a district's return as JSON"},
      {"description",
       "Các khóa theo danh mục chỉ tiêu (config/indicators.toml), viết dạng snake_case không dấu, hoặc mã chỉ tiêu; "
       "khóa khác được nhận nếu danh mục đọc được, nếu không sẽ bị cảnh báo. / Keys as the catalogue writes them "
       "(snake_case, without diacritics) or the canonical ids; the importer also reads other spellings the catalogue "
       "matches (diacritics, camelCase, English), and warns about keys it cannot map. Counts are whole numbers of 0 "
       "or more; a count not given is unknown, never 0. The organisations are an array at the top, or the array "
       "under any key of the top object."},
      {"anyOf", json::array{json::object{{"type", "array"}, {"items", org_ref}, {"minItems", 1}}, std::move(document)}},
      {"$defs", json::object{{"organisation", std::move(organisation)}, {"count", std::move(count)}}}};
  return root;
}

json::object catalogue_json(const normalise::Catalogue& catalogue, const Written& written) {
  json::array fields;
  for (const auto& wf : written.fields) {
    const auto* f = catalogue.field(wf.id);
    if (f == nullptr) continue;
    json::object o;
    o["id"] = wf.id;
    o["label"] = wf.label;
    o["kind"] = f->is_count ? "count" : "text";
    std::vector<std::string> synonyms{wf.label};
    for (const auto& s : wf.synonyms)
      if (s != wf.label) synonyms.push_back(s);
    o["synonyms"] = strings(synonyms);
    o["groups"] = strings(wf.groups);
    o["subs"] = strings(wf.subs);
    const auto keys = field_keys(wf);
    o["json_keys"] = strings(std::vector<std::string>(keys.begin(), keys.end()));
    if (wf.id == "org_kind") o["values"] = values_json(written.kinds);
    if (wf.id == "org_rating") o["values"] = values_json(written.ratings);
    if (wf.id == "org_sector") {
      auto v = values_json(written.sectors);
      v.push_back(json::object{{"id", "other"}, {"name", "other"}, {"names", json::array{}}});
      o["values"] = std::move(v);
      o["note"] = "Lĩnh vực đọc theo từ khóa trong tên tổ chức khi không có cột / read from the name's keywords "
                  "when no column gives it";
    }
    json::array rules;
    for (const auto& r : catalogue.rules)
      if (r.whole == wf.id || std::find(r.parts.begin(), r.parts.end(), wf.id) != r.parts.end())
        rules.push_back(rule_json(catalogue, r));
    o["rules"] = std::move(rules);
    fields.push_back(std::move(o));
  }
  json::array words;
  for (const auto& [from, to] : written.words) words.push_back(json::object{{"written", from}, {"means", to}});
  json::array rules;
  for (const auto& r : catalogue.rules) rules.push_back(rule_json(catalogue, r));
  json::array indicators;
  for (const auto& g : catalogue.report_groups)
    for (const auto& id : g.fields) {
      const auto it = catalogue.report_labels.find(id);
      const bool pct = id.size() > 4 && id.ends_with("_pct");
      indicators.push_back(json::object{{"id", id},
                                        {"group", g.label},
                                        {"label", it != catalogue.report_labels.end() ? it->second : id},
                                        {"kind", pct ? "percentage" : "count"}});
    }
  return json::object{{"fields", std::move(fields)},
                      {"words", std::move(words)},
                      {"rules", std::move(rules)},
                      {"indicators", std::move(indicators)}};
}

}  // namespace tonghop::forms
