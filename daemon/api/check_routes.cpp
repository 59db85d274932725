// POST /api/v1/check: a dry run. The same bodies, limits and checks as a
// submission, the same import (in a child process, on the pool of import
// workers), normalisation and validation; nothing is stored or archived. The
// answer carries the verdict, the records, the errors and warnings with their
// cells, the coverage, every unmapped header with its suggestions, and the
// sheet or JSON document as read (ingest/view.hpp). See docs/api.md, "Dry
// run and mappings".
#include <algorithm>
#include <atomic>
#include <future>
#include <system_error>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "api/api.hpp"
#include "api/params.hpp"
#include "api/views.hpp"
#include "api/refusals.hpp"
#include "ingest/dry_run.hpp"
#include "normalise/normaliser.hpp"
#include "normalise/previous.hpp"
#include "normalise/text.hpp"

namespace tonghop::api {

namespace json = boost::json;

namespace {

http::Response json_reply(unsigned status, const json::value& v) { return http::json_response(status, json::serialize(v) + "\n"); }

// An issue as the contract shapes it, with its cell ("C7") when it has one.
json::array issues_with_cells(const std::vector<normalise::Issue>& issues) {
  json::array a;
  for (const auto& i : issues) {
    json::object o = issue_json(i);
    if (i.where.path.empty() && i.where.row != 0 && i.where.column != 0)
      o["cell"] = normalise::column_name(i.where.column) + std::to_string(i.where.row);
    a.push_back(std::move(o));
  }
  return a;
}

// Every header or key no field took, with what it holds and what it may be.
json::array unmapped_json(const normalise::Normalised& result, const normalise::Catalogue& cat) {
  json::array a;
  auto add = [&](const normalise::Issue& i) {
    if (i.code != "unmapped_header") return;
    json::object o;
    json::array header;
    if (!i.where.path.empty()) {
      // A JSON key inside an element: "/dang_vien/so_nu" -> ["dang_vien", "so_nu"].
      for (std::size_t start = 0; start < i.value.size();) {
        std::size_t end = i.value.find('/', start);
        if (end == std::string::npos) end = i.value.size();
        if (end > start) header.emplace_back(cut(i.value.substr(start, end - start), 500));
        start = end + 1;
      }
      o["key"] = cut(i.value, 500);
      o["pointer"] = cut(i.where.path, 500);
    } else {
      // A table's column: its header texts top to bottom, as read.
      for (std::size_t start = 0; start <= i.value.size();) {
        std::size_t end = i.value.find(" / ", start);
        if (end == std::string::npos) end = i.value.size();
        if (end > start) header.emplace_back(cut(i.value.substr(start, end - start), 500));
        start = end + 3;
      }
      if (i.where.column != 0) o["column"] = normalise::column_name(i.where.column);
      if (!i.where.sheet.empty()) o["sheet"] = cut(i.where.sheet, 200);
    }
    o["header"] = std::move(header);
    json::array samples;
    for (const auto& s : i.samples) samples.emplace_back(echo(s));
    o["samples"] = std::move(samples);
    json::array suggestions;
    for (const auto& [field, score] : i.suggestions) {
      json::object s;
      s["field"] = field;
      const auto* f = cat.field(field);
      s["label"] = f != nullptr ? f->label : field;
      s["score"] = score;
      suggestions.push_back(std::move(s));
    }
    o["suggestions"] = std::move(suggestions);
    a.push_back(std::move(o));
  };
  for (const auto& i : result.errors) add(i);
  for (const auto& i : result.warnings) add(i);
  return a;
}

// dryrun4 (issue 18): the district's return of the previous period indexed
// from the dry run's head, on a thread of its own, while the body arrives
// and then while the import runs. Dropped (a request refused, a client
// gone, a body past its limit), it stops the indexing and waits for it.
struct EarlyIndex final : http::Begun {
  EarlyIndex(std::string d, std::string p, std::atomic<std::int64_t>& held)
      : district(std::move(d)), period(std::move(p)), held_(held) {}
  ~EarlyIndex() override {
    cancel = true;
    if (indexed.valid()) indexed.wait();
    held_.fetch_sub(1);
  }
  EarlyIndex(const EarlyIndex&) = delete;
  EarlyIndex& operator=(const EarlyIndex&) = delete;
  const std::string district, period;
  std::atomic<bool> cancel{false};
  std::future<std::vector<normalise::PreviousIndex>> indexed;

 private:
  std::atomic<std::int64_t>& held_;
};

}  // namespace

void Api::body_coming(http::Request& head) {
  if (head.method != "POST" || head.path() != "/api/v1/check") return;
  // Only for a request that incoming() will take as far as its body: a
  // caller who may send for this district, a period (admit() has checked
  // the token). At most as many at once as imports may run: past that, a
  // dry run indexes once its turn comes, as before.
  const auto who = caller(head);
  if (!who || who->role == "viewer") return;
  const auto n = context_.normalisation.load();
  const auto* district = n->registry.find(head.query_param("district").value_or(""));
  if (district == nullptr || (who->role == "district" && who->district != district->name)) return;
  const auto period = parse_period_param(head.query_param("period").value_or(""));
  if (!period) return;
  const auto most = static_cast<std::int64_t>(std::max(1u, context_.config.load()->import.workers));
  if (early_held_.fetch_add(1) >= most) {
    early_held_.fetch_sub(1);
    return;
  }
  auto early = std::make_shared<EarlyIndex>(district->name, *period, early_held_);  // counted from here on
  try {
    early->indexed = std::async(std::launch::async, [&store = *context_.store, e = early.get()] {
      return ingest::index_previous(store, e->district, e->period, &e->cancel);
    });
  } catch (const std::system_error&) {
    return;  // no thread to be had: the dry run indexes as before
  }
  early_begun_.fetch_add(1, std::memory_order_relaxed);
  head.begun = std::move(early);
}

std::string Api::dry_run_metrics() const {
  return fmt::format(
      "# HELP tonghop_dry_run_index_begun_total Dry runs whose previous period was indexed from the request's head.\n"
      "# TYPE tonghop_dry_run_index_begun_total counter\ntonghop_dry_run_index_begun_total {}\n"
      "# HELP tonghop_dry_run_index_used_total Indexes begun from the head that their dry run compared with.\n"
      "# TYPE tonghop_dry_run_index_used_total counter\ntonghop_dry_run_index_used_total {}\n"
      "# HELP tonghop_dry_run_index_held Indexes begun from the head and not yet dropped.\n"
      "# TYPE tonghop_dry_run_index_held gauge\ntonghop_dry_run_index_held {}\n",
      early_begun_.load(), early_used_.load(), early_held_.load());
}

void Api::add_check_routes() {
  // A dry run takes what a submission takes.
  router_.add_file_route("POST", "/api/v1/check", [this](const http::Request& r, const http::Params&) { return check(r); },
                         [this] { return context_.config.load()->limits.max_input_bytes; });
  // The Board's mappings (api/mapping_routes.cpp): a mapping is small.
  router_.add("POST", "/api/v1/mappings", [this](const http::Request& r, const http::Params&) { return create_mapping(r); },
              [] { return std::uint64_t{64} << 10; });
  router_.add("GET", "/api/v1/mappings", [this](const http::Request& r, const http::Params&) { return list_mappings(r); });
  router_.add("DELETE", "/api/v1/mappings/{id}",
              [this](const http::Request& r, const http::Params& p) { return delete_mapping(r, p); });
}

http::Response Api::check(const http::Request& r) {
  const auto n = context_.normalisation.load();
  const auto cfg = context_.config.load();
  // A viewer reads reports; trying a return before sending it is for those who send it.
  auto got = incoming(r, *n, "Mã người xem không được kiểm tra báo cáo / a viewer token cannot check a return");
  if (auto* refused = std::get_if<http::Response>(&got)) return std::move(*refused);
  auto& [ret, who] = std::get<Incoming>(got);
  ret.view_rows = cfg->check_max_rows;

  // The district's return of the previous period indexed on this process
  // while the import runs in its child (issue 18, dryrun2): once the
  // import's records arrive only they are left to compare. Begun from the
  // request's head when it could be (dryrun4: body_coming), so while the
  // body arrived too; else here. A return refused stops the indexing; a
  // thread that cannot be started leaves it for after.
  auto early = std::dynamic_pointer_cast<EarlyIndex>(r.begun);
  if (early && (early->district != ret.district || early->period != ret.period)) {
    early->cancel = true;  // another district or period than its head named (the registry reloaded): not this one's
    early.reset();
  }
  std::atomic<bool> own_cancel{false};
  std::atomic<bool>& cancel = early ? early->cancel : own_cancel;
  std::future<std::vector<normalise::PreviousIndex>> own;
  if (!early) {
    try {
      own = std::async(std::launch::async, [&, district = ret.district, period = ret.period] {
        return ingest::index_previous(*context_.store, district, period, &cancel);
      });
    } catch (const std::system_error&) {
    }
  }
  std::future<std::vector<normalise::PreviousIndex>>& previous = early ? early->indexed : own;
  // On an import worker (app/serve.cpp), the import itself in a child process; nothing archived.
  // A large result's blocks come unchecked (dryrun5): each is checked below
  // and compared as soon as it is, in one pass.
  ret.defer_check = true;
  ingest::Examined e = context_.examiner(ret);
  bool compare = e.status == 200 && e.result.accepted();
  if (!compare) cancel = true;
  std::vector<normalise::PreviousIndex> indexed;
  if (previous.valid()) indexed = previous.get();
  else if (compare) indexed = ingest::index_previous(*context_.store, ret.district, ret.period);
  if (e.status == 503) return refuse::issues(503, e.result.errors);  // Retry-After
  auto& result = e.result;
  // Against the district's current return of the previous period, as a submission is.
  ingest::DryRunRecords blocks;
  const bool in_blocks = e.unchecked != nullptr;
  if (in_blocks) {
    // Every block checked (a damaged one: e is the refusal the whole result's check gives), each compared once checked.
    if (!ingest::check_and_compare(e, compare ? &indexed : nullptr, n->catalogue.members_change_above, blocks))
      compare = false;
  } else if (compare) {
    ingest::compare_with_previous(*n, indexed, result);
  }
  if (early && compare) early_used_.fetch_add(1, std::memory_order_relaxed);
  if (ret.filename.empty()) ret.filename = ingest::unnamed_filename(ret, e.format);  // as a submission would name it
  const bool accepted = e.status == 200 && result.accepted();
  context_.log->info("dry run for {} {} from {}: {} ({} errors, {} warnings)", ret.district, ret.period, who.name,
                     accepted ? "would be accepted" : "would be refused", result.errors.size(), result.warnings.size());

  json::object o;
  o["verdict"] = accepted ? "accepted" : "refused";
  o["district"] = ret.district;
  o["period"] = ret.period;
  o["filename"] = valid_utf8(ret.filename);
  o["format"] = e.format;
  o["plugin"] = e.plugin;
  o["errors"] = issues_with_cells(result.errors);
  o["warnings"] = issues_with_cells(result.warnings);
  const auto& layout = result.records.layout();
  if (!layout.fields.empty()) o["coverage"] = coverage_json(layout);
  else o["coverage"] = nullptr;
  json::array records;
  const std::size_t total = in_blocks ? blocks.size() : result.records.size();
  const std::size_t shown = std::min<std::size_t>(total, cfg->check_max_rows);
  for (std::size_t i = 0; i < shown; ++i) {
    const normalise::Record rec = in_blocks ? blocks.at(i) : result.records.at(i);
    json::object one = record_json(rec, n->catalogue);
    if (!rec.where.path.empty()) one["pointer"] = rec.where.path;
    else if (rec.where.row != 0) one["row"] = rec.where.row;
    records.push_back(std::move(one));
  }
  o["records"] = std::move(records);
  o["records_total"] = total;
  o["records_cut"] = total > shown;
  o["unmapped"] = unmapped_json(result, n->catalogue);
  o["sheet"] = nullptr;
  o["document"] = nullptr;
  if (!e.view.empty()) {
    // Made by the import's child: taken only as a JSON object with these two members.
    json::error_code ec;
    json::value view = json::parse(e.view, ec);
    if (!ec && view.is_object()) {
      for (const char* k : {"sheet", "document"})
        if (const auto* v = view.as_object().if_contains(k); v != nullptr && (v->is_object() || v->is_null()))
          o[k] = *v;
    } else {
      context_.log->warn("dry run for {} {}: the import's view of the file could not be read", ret.district, ret.period);
    }
  }
  return json_reply(200, o);
}

}  // namespace tonghop::api
