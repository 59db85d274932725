// Versions compared (issue 16, care): GET /api/v1/submissions/{id}/diff?against={other}.
//
// Two submissions of one district and period: the organisations one has and
// the other lacks, and every figure that differs. `against` is the "before"
// side, {id} the "after"; without `against`, the version {id} superseded
// (the district's latest earlier submission for the period).
//
// Organisations are matched by their folded name (normalise::fold: NFC, lower
// case, diacritics and Đ/đ taken off, anything not a letter or digit one
// space, trimmed), as the comparison with the previous period matches them:
// "Chi bộ  Bản Mồ" and "CHI BO BAN MO" are one organisation. Two of one
// folded name in a return are matched in their order (the first with the
// first). The lists are cut at kMostListed entries each (`truncated`); the
// counts are always whole.
#include <algorithm>
#include <map>
#include <unordered_map>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "api/api.hpp"
#include "api/params.hpp"
#include "api/refusals.hpp"
#include "api/views.hpp"
#include "normalise/text.hpp"

namespace tonghop::api {

namespace json = boost::json;

namespace {

constexpr std::size_t kMostListed = 10'000;

// One record's values by field id: its counts, and its kind, sector and rating as text.
struct Values {
  std::string_view kind, sector, rating;
  std::vector<std::pair<std::string_view, std::int64_t>> counts;  // sorted by field id
};

Values values_of(const normalise::RecordSet& set, std::size_t i, normalise::CompactRecord& c) {
  set.get(i, c);
  Values v{c.org_kind, c.org_sector, c.org_rating, {}};
  const auto& l = set.layout();
  for (const auto& [field, value] : c.values)
    if (field < l.fields.size() && field < l.is_count.size() && l.is_count[field])
      v.counts.emplace_back(l.fields[field], value);
  std::sort(v.counts.begin(), v.counts.end());
  return v;
}

json::value count_or_null(const std::optional<std::int64_t>& v) { return v ? json::value(*v) : json::value(nullptr); }

json::object brief(const store::Submission& s) {
  json::object o;
  o["id"] = s.id;
  o["filename"] = valid_utf8(s.filename);
  o["received_at"] = s.received_at;
  o["records"] = s.records;
  o["status"] = s.superseded_by ? "superseded" : "current";
  return o;
}

// The organisation as the lists show it.
json::object organisation(const normalise::RecordSet& set, std::size_t i, normalise::CompactRecord& c) {
  set.get(i, c);
  json::object o;
  o["org_name"] = c.org_name;
  o["org_kind"] = c.org_kind;
  if (set.layout().tree) o["index"] = static_cast<std::int64_t>(c.where);
  else o["row"] = static_cast<std::int64_t>(c.where);
  return o;
}

json::object compare(const store::Submission& before_meta, const normalise::RecordSet& before,
                     const store::Submission& after_meta, const normalise::RecordSet& after,
                     const normalise::Catalogue& catalogue) {
  // The order figures are listed in: the catalogue's counts, then any other.
  std::map<std::string, std::size_t, std::less<>> rank;
  for (const auto& id : catalogue.count_ids()) rank.emplace(id, rank.size());
  auto order = [&](std::string_view id) {
    const auto it = rank.find(id);
    return it == rank.end() ? rank.size() : it->second;
  };

  normalise::CompactRecord c;
  // Before: each folded name, with its records in order.
  std::unordered_map<std::string, std::vector<std::size_t>> waiting;
  waiting.reserve(before.size());
  for (std::size_t i = 0; i < before.size(); ++i) {
    before.get(i, c);
    waiting[normalise::fold(c.org_name)].push_back(i);
  }
  std::unordered_map<std::string, std::size_t> taken;  // folded name -> how many of its before records are matched
  std::vector<bool> matched(before.size(), false);

  json::array added, removed, changed;
  std::size_t added_n = 0, removed_n = 0, changed_n = 0, orgs_changed = 0, matched_n = 0;
  for (std::size_t i = 0; i < after.size(); ++i) {
    after.get(i, c);
    const std::string key = normalise::fold(c.org_name);
    const auto w = waiting.find(key);
    std::size_t& next = taken[key];
    if (w == waiting.end() || next >= w->second.size()) {
      if (++added_n <= kMostListed) added.push_back(organisation(after, i, c));
      continue;
    }
    const std::size_t j = w->second[next++];
    matched[j] = true;
    ++matched_n;
    normalise::CompactRecord cb, ca;
    const Values b = values_of(before, j, cb);
    const Values a = values_of(after, i, ca);
    const std::string name(ca.org_name);
    bool any = false;
    auto change = [&](std::string_view field, json::value was, json::value now) {
      any = true;
      if (++changed_n > kMostListed) return;
      json::object o;
      o["org_name"] = name;
      if (cb.org_name != ca.org_name) o["org_name_before"] = cb.org_name;
      o["field"] = field;
      if (const auto* f = catalogue.field(std::string(field))) o["label"] = f->label;
      o["before"] = std::move(was);
      o["after"] = std::move(now);
      changed.push_back(std::move(o));
    };
    auto text = [](std::string_view s) { return s.empty() ? json::value(nullptr) : json::value(s); };
    if (b.kind != a.kind) change("org_kind", text(b.kind), text(a.kind));
    if (b.sector != a.sector) change("org_sector", text(b.sector), text(a.sector));
    if (b.rating != a.rating) change("org_rating", text(b.rating), text(a.rating));
    // Every count either carries: a value one lacks is null on that side.
    std::vector<std::string_view> fields;
    for (const auto& [f, v] : b.counts) fields.push_back(f);
    for (const auto& [f, v] : a.counts) fields.push_back(f);
    std::sort(fields.begin(), fields.end(), [&](std::string_view x, std::string_view y) {
      return std::pair(order(x), x) < std::pair(order(y), y);
    });
    fields.erase(std::unique(fields.begin(), fields.end()), fields.end());
    auto find = [](const Values& v, std::string_view f) -> std::optional<std::int64_t> {
      const auto it = std::lower_bound(v.counts.begin(), v.counts.end(), f,
                                       [](const auto& p, std::string_view k) { return p.first < k; });
      if (it == v.counts.end() || it->first != f) return std::nullopt;
      return it->second;
    };
    for (const auto f : fields) {
      const auto was = find(b, f), now = find(a, f);
      if (was != now) change(f, count_or_null(was), count_or_null(now));
    }
    if (any) ++orgs_changed;
  }
  for (std::size_t j = 0; j < before.size(); ++j)
    if (!matched[j] && ++removed_n <= kMostListed) removed.push_back(organisation(before, j, c));

  json::object o;
  o["district"] = after_meta.district;
  o["period"] = after_meta.period;
  o["submission"] = after_meta.id;
  o["against"] = before_meta.id;
  o["before"] = brief(before_meta);
  o["after"] = brief(after_meta);
  o["matched_by"] = "org_name, folded (case, diacritics, spacing and punctuation ignored)";
  json::object counts;
  counts["before"] = static_cast<std::int64_t>(before.size());
  counts["after"] = static_cast<std::int64_t>(after.size());
  counts["matched"] = static_cast<std::int64_t>(matched_n);
  counts["added"] = static_cast<std::int64_t>(added_n);
  counts["removed"] = static_cast<std::int64_t>(removed_n);
  counts["changed"] = static_cast<std::int64_t>(orgs_changed);
  counts["figures_changed"] = static_cast<std::int64_t>(changed_n);
  o["organisations"] = std::move(counts);
  o["added"] = std::move(added);
  o["removed"] = std::move(removed);
  o["changed"] = std::move(changed);
  o["truncated"] = added_n > kMostListed || removed_n > kMostListed || changed_n > kMostListed;
  return o;
}

}  // namespace

void Api::add_version_routes() {
  router_.add("GET", "/api/v1/submissions/{id}/diff",
              [this](const http::Request& r, const http::Params& p) { return diff(r, p); });
}

http::Response Api::diff(const http::Request& r, const http::Params& p) {
  auto found = visible_submission(r, p);
  if (auto* refusal = std::get_if<http::Response>(&found)) return std::move(*refusal);
  const auto after = std::get<store::Submission>(std::move(found));
  const auto who = caller(r);
  std::optional<store::Submission> before;
  if (const auto asked = r.query_param("against")) {
    const auto id = parse_id(*asked);
    if (!id)
      return http::error_response(400, "bad_request",
                                  fmt::format("Tham số against phải là số của một lần gửi / against must be a submission "
                                              "id, not '{}'",
                                              echo(*asked)));
    before = context_.store->get(*id);
    if (!before)
      return http::error_response(404, "not_found",
                                  fmt::format("Không có lần gửi #{} / no such submission (against={})", *id, *id));
    if (who && who->role == "district" && who->district != before->district)
      return refuse::another_districts_submission();
    if (before->district != after.district || before->period != after.period)
      return http::error_response(
          422, "not_comparable",
          fmt::format("Chỉ so sánh được hai lần gửi của cùng đơn vị, cùng kỳ: #{} là {} {}, #{} là {} {} / only two "
                      "versions of one district's return for one period can be compared: #{} is {} {}, #{} is {} {}",
                      after.id, after.district, after.period, before->id, before->district, before->period, after.id,
                      after.district, after.period, before->id, before->district, before->period));
  } else {
    // The version it superseded: the district's latest earlier submission for the period.
    for (const auto& s : context_.store->list(after.period, after.district))
      if (s.id < after.id) before = s;
    if (!before)
      return http::error_response(
          404, "no_earlier_version",
          fmt::format("Lần gửi #{} là bản đầu tiên của {} kỳ {}; không có bản trước để so sánh / submission #{} is "
                      "the first of {} for {}: there is no earlier version (name one with ?against=ID)",
                      after.id, after.district, after.period, after.id, after.district, after.period));
  }
  const auto n = context_.normalisation.load();
  const auto b = context_.store->record_set(before->id);
  const auto a = context_.store->record_set(after.id);
  const auto body = compare(*before, b, after, a, n->catalogue);
  return http::json_response(200, json::serialize(body) + "\n");
}

}  // namespace tonghop::api
