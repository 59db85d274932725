#include "api/views.hpp"

#include "api/params.hpp"

#include <boost/json.hpp>

#include "normalise/normaliser.hpp"
#include "normalise/record_stream.hpp"
#include "store/records.hpp"

namespace tonghop::api {

namespace json = boost::json;

json::object issue_json(const normalise::Issue& e) {
  json::object o;
  o["code"] = e.code;
  // What a return holds comes back cut short: a value echoed at most 200
  // characters, a message (which may quote it twice) 600, all valid UTF-8.
  o["message"] = cut(e.message, 600);
  if (!e.where.path.empty()) {
    o["path"] = cut(e.where.path, 200);
  } else {
    if (!e.where.sheet.empty()) o["sheet"] = cut(e.where.sheet, 200);
    if (e.where.row != 0) o["row"] = e.where.row;
    if (e.where.column != 0) o["column"] = normalise::column_name(e.where.column);
  }
  if (!e.field.empty()) o["field"] = e.field;
  if (!e.value.empty()) o["value"] = echo(e.value);
  if (e.count > 1) {
    o["count"] = e.count;
    o["range"] = e.range;
  }
  if (!e.samples.empty()) {
    json::array samples;
    for (const auto& s : e.samples) samples.emplace_back(s);
    o["samples"] = std::move(samples);
  }
  if (!e.suggestions.empty() || (e.code == "unmapped_header" && !e.samples.empty())) {
    json::array suggestions;
    for (const auto& [field, score] : e.suggestions) {
      json::object one;
      one["field"] = field;
      one["score"] = score;
      suggestions.push_back(std::move(one));
    }
    o["suggestions"] = std::move(suggestions);
  }
  return o;
}

json::object coverage_json(const normalise::Layout& l) {
  json::object o;
  json::array found, derived, missing;
  for (std::size_t i = 0; i < l.fields.size(); ++i) {
    const std::string& id = l.fields[i];
    const bool column = !l.tree && i < l.columns.size() && l.columns[i] != 0;
    const bool path = l.tree && i < l.paths.size() && !l.paths[i].empty();
    if (column || path) {
      json::object one;
      one["field"] = id;
      if (column) one["column"] = normalise::column_name(l.columns[i]);
      else one["key"] = l.paths[i];
      if (i < l.headers.size() && !l.headers[i].empty()) one["header"] = l.headers[i];
      found.push_back(std::move(one));
    } else if (id == "org_kind" || id == "org_sector") {
      derived.emplace_back(id);  // from the organisation's name
    } else if (id != "district" && id != "period") {
      missing.emplace_back(id);  // the submission names these
    }
  }
  if (!l.tree && !l.sheet.empty()) o["sheet"] = l.sheet;
  if (l.tree) o["array"] = l.array;
  o["found"] = std::move(found);
  o["from_name"] = std::move(derived);
  o["missing"] = std::move(missing);
  return o;
}

json::array issues_json(const std::vector<normalise::Issue>& issues) {
  json::array a;
  for (const auto& i : issues) a.push_back(issue_json(i));
  return a;
}

json::object record_json(const normalise::Record& r, const normalise::Catalogue& cat) {
  json::object o;
  o["district"] = r.district;
  o["period"] = r.period;
  o["org_name"] = r.org_name;
  o["org_kind"] = r.org_kind;
  o["org_sector"] = r.org_sector;
  if (!r.org_rating.empty()) o["org_rating"] = r.org_rating;
  for (const auto& id : cat.count_ids())
    if (r.counts.count(id)) o[id] = r.counts.at(id);
  return o;
}

json::object submission_json(const store::Submission& s) {
  json::object o;
  o["id"] = s.id;
  o["district"] = s.district;
  o["period"] = s.period;
  o["filename"] = valid_utf8(s.filename);  // a name stored before names were cleaned may not be
  o["format"] = s.format;
  o["plugin"] = s.plugin;
  o["received_at"] = s.received_at;
  o["records"] = s.records;
  o["status"] = s.superseded_by ? "superseded" : "current";
  if (s.superseded_by) o["superseded_by"] = *s.superseded_by;
  else o["superseded_by"] = nullptr;
  // The fields the return carried, from the stored layout (every submission since the layout was kept).
  if (!s.layout.empty()) {
    const auto layout = normalise::Layout::from_json(s.layout);
    if (!layout.fields.empty()) o["coverage"] = coverage_json(layout);
  }
  return o;
}

http::Response submission_with_records(const json::object& o, std::shared_ptr<const store::Store> store,
                                       const store::Submission& s, std::shared_ptr<const normalise::Catalogue> catalogue) {
  struct State {
    std::shared_ptr<const store::Store> store;
    std::shared_ptr<const normalise::Catalogue> catalogue;
    store::RecordCursor cursor;
    std::string head;  // `{…,"records":[`
    bool started = false, first = true;
  };
  std::string head = json::serialize(o);
  head.pop_back();  // the object's `}`: the records go last
  head += o.empty() ? "\"records\":[" : ",\"records\":[";
  auto state = std::make_shared<State>(State{store, std::move(catalogue), store::RecordCursor(*store, s), std::move(head)});
  http::Response res;
  res.producer = [state](std::string& out) -> http::Piece {
    if (!state->started) {
      state->started = true;
      out += state->head;
      std::string().swap(state->head);
    }
    auto block = state->cursor.next();
    if (!block) return http::Piece::failed;
    const normalise::RecordSet& set = **block;
    if (set.empty()) {
      out += "]}\n";
      return http::Piece::done;
    }
    normalise::RecordJsonWriter writer(set, *state->catalogue);
    for (std::size_t i = 0; i < set.size(); ++i) {
      if (!state->first) out += ',';
      state->first = false;
      writer.append(i, out);
    }
    return http::Piece::more;
  };
  return res;
}

}  // namespace tonghop::api
