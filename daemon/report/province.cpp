#include "report/province.hpp"

#include <algorithm>
#include <ctime>
#include <map>
#include <set>

#include <fmt/format.h>

#include "normalise/normaliser.hpp"
#include "normalise/text.hpp"
#include "report/document.hpp"
#include "report/indicators.hpp"
#include "store/digest.hpp"
#include "store/records.hpp"

namespace tonghop::report {

namespace {

sdk::Value value_of(const Indicator& i) {
  if (!i.value) return std::monostate{};
  if (i.is_percent) return *i.value;
  return static_cast<std::int64_t>(*i.value);
}

// The values in the report's column order.
std::vector<sdk::Value> values(const Indicators& ind, const std::vector<std::string>& order) {
  std::vector<sdk::Value> out;
  for (const auto& id : order) {
    const auto it = std::find_if(ind.begin(), ind.end(), [&](const Indicator& i) { return i.id == id; });
    out.push_back(it == ind.end() ? sdk::Value{} : value_of(*it));
  }
  return out;
}

sdk::Notice notice(const normalise::Issue& w) {
  sdk::Notice n;
  n.code = w.code;
  n.message = w.message;
  if (!w.where.sheet.empty()) n.details.emplace_back("sheet", w.where.sheet);
  if (w.where.row) n.details.emplace_back("row", static_cast<std::int64_t>(w.where.row));
  if (w.where.column) n.details.emplace_back("column", normalise::column_name(w.where.column));
  if (!w.where.path.empty()) n.details.emplace_back("path", w.where.path);
  if (!w.field.empty()) n.details.emplace_back("field", w.field);
  if (!w.value.empty()) n.details.emplace_back("value", w.value);
  return n;
}

}  // namespace

Contents contents_for(std::string_view format) {
  return format == "json" || format == "csv" ? Contents::summary : Contents::with_details;
}

// A submission's figures as they were committed (store/digest.hpp), or, when
// its row was changed in the database since, every one unknown: a figure
// edited by hand is not the district's, and is never summed as if it were.
Indicators committed_indicators(const store::Submission& s, bool as_committed, const normalise::Catalogue& catalogue) {
  Indicators ind = from_json(s.indicators, catalogue);
  if (!as_committed)
    for (auto& i : ind) i.value.reset();
  return ind;
}

std::string changed_after_commit(const store::Submission& s) {
  // "2026-11-29T08:31:46+07:00" read as "lúc 08:31 ngày 29/11/2026".
  const std::string& at = s.received_at;
  const std::string when =
      at.size() >= 16 ? fmt::format("lúc {} ngày {}/{}/{}", at.substr(11, 5), at.substr(8, 2), at.substr(5, 2), at.substr(0, 4))
                      : at;
  return fmt::format(
      "Số liệu bản báo cáo số {} của {} (nhận {}) đã bị sửa trong cơ sở dữ liệu sau khi được nhận: không dùng, coi "
      "như chưa có số liệu; hãy khôi phục từ bản sao lưu hoặc đề nghị huyện gửi lại / submission {}'s figures were "
      "changed in the database after it was received ({}): not used, taken as unknown; restore a backup or have "
      "the district send its return again (tonghopd verify)",
      s.id, s.district, when, s.id, s.received_at);
}

sdk::Report province_report(const store::Store& store, const normalise::Registry& registry,
                            const normalise::Catalogue& catalogue, const std::string& period, Contents contents,
                            const config::ReportSettings& settings) {
  const bool with_details = contents == Contents::with_details;
  const std::string previous = normalise::previous_period(period);
  const auto current = store.current(period);
  const auto before = store.current(previous);
  std::map<std::string, Indicators> previous_by_district;
  std::vector<Indicators> previous_parts;
  for (const auto& s : before) {
    previous_by_district[s.district] = committed_indicators(s, store::row_as_committed(s), catalogue);
    previous_parts.push_back(previous_by_district[s.district]);
  }

  sdk::Report r;
  sdk::StringList expected, submitted, missing;
  for (const auto& d : registry.districts) expected.push_back(d.name);
  for (const auto& s : current) submitted.push_back(s.district);
  for (const auto& d : registry.districts)
    if (std::find(submitted.begin(), submitted.end(), d.name) == submitted.end()) missing.push_back(d.name);
  r.metadata = {{"province", registry.province},
                {"period", period},
                {"previous_period", previous},
                {"generated_at", store::now_iso8601()},
                {"completeness.expected", expected},
                {"completeness.submitted", submitted},
                {"completeness.missing", missing},
                {"rows_key", std::string("districts")},
                {"display.issuing_body", registry.issuing_body},
                {"display.place", registry.place}};

  // Column groups from the catalogue's [report]; indicators it does not place
  // come last, ungrouped.
  const Indicators shape = compute(std::vector<normalise::Record>{}, catalogue);
  std::vector<std::string> order;
  auto column = [&](const std::string& id) {
    const auto it = std::find_if(shape.begin(), shape.end(), [&](const Indicator& i) { return i.id == id; });
    const auto label = catalogue.report_labels.count(id) ? catalogue.report_labels.at(id)
                       : catalogue.field(id)                ? catalogue.field(id)->label
                                                            : id;
    order.push_back(id);
    return sdk::Column{id, label, it != shape.end() && it->is_percent ? sdk::ColumnKind::percent : sdk::ColumnKind::integer};
  };
  for (const auto& g : catalogue.report_groups) {
    sdk::ColumnGroup group{g.label, {}};
    for (const auto& id : g.fields)
      if (std::any_of(shape.begin(), shape.end(), [&](const Indicator& i) { return i.id == id; }))
        group.columns.push_back(column(id));
    r.groups.push_back(std::move(group));
  }
  sdk::ColumnGroup rest{"", {}};
  for (const auto& i : shape)
    if (std::find(order.begin(), order.end(), i.id) == order.end()) rest.columns.push_back(column(i.id));
  if (!rest.columns.empty()) r.groups.push_back(std::move(rest));
  r.metadata.emplace_back("display.title", fmt::format("{} {}", catalogue.report_title,
                                                       period.size() == 4 ? "NĂM " + period : "KỲ " + period));
  r.metadata.emplace_back("display.issuer", catalogue.report_issuer);
  r.metadata.emplace_back("display.order", expected);
  add_document(r, catalogue, settings, static_cast<std::int64_t>(std::time(nullptr)));

  std::vector<Indicators> parts;
  for (const auto& s : current) {
    const bool as_committed = store::row_as_committed(s);
    const Indicators ind = committed_indicators(s, as_committed, catalogue);
    parts.push_back(ind);
    sdk::Row row;
    row.label = s.district;
    row.attributes = {{"district", s.district}, {"submission_id", s.id}, {"received_at", s.received_at}};
    row.values = values(ind, order);
    row.unknown = unknown(ind, catalogue);
    if (const auto it = previous_by_district.find(s.district); it != previous_by_district.end())
      row.change = values(change(ind, it->second), order);
    if (!as_committed) {
      sdk::Notice n;
      n.code = "changed_after_commit";
      n.message = changed_after_commit(s);
      n.details.emplace_back("submission_id", s.id);
      row.warnings.push_back(std::move(n));
    }
    for (const auto& w : store.warnings(s.id)) row.warnings.push_back(notice(w));
    r.rows.push_back(std::move(row));
  }
  for (const auto& name : missing) {
    sdk::Row row;
    row.label = name;
    row.missing = true;
    row.attributes = {{"district", name}};
    r.rows.push_back(std::move(row));
  }
  // Every organisation, for the detail sheet of page formats.
  sdk::Table details;
  details.name = "Chi tiết";
  details.columns = {{"district", "Đảng bộ huyện", sdk::ColumnKind::text},
                     {"org_name", "Tên tổ chức cơ sở đảng", sdk::ColumnKind::text},
                     {"org_kind", "Loại hình", sdk::ColumnKind::text},
                     {"org_sector", "Lĩnh vực", sdk::ColumnKind::text},
                     {"org_rating", "Xếp loại", sdk::ColumnKind::text}};
  const auto counts = catalogue.count_ids();
  for (const auto& id : counts) details.columns.push_back({id, catalogue.field(id)->label, sdk::ColumnKind::integer});
  // Kinds, sectors and ratings by their Vietnamese names (the JSON never has this table).
  auto shown = [&](const std::string& code) -> const std::string& {
    const auto it = catalogue.report_names.find(code);
    return it == catalogue.report_names.end() || it->second.empty() ? code : it->second;
  };
  // Read a block at a time and no further than [report] details_max_rows:
  // the lists of a huge return are not all held to be cut afterwards.
  const std::int64_t limit = settings.details_max_rows;
  std::int64_t listed = 0, organisations = 0;
  std::vector<std::string> unread;   // districts whose stored records could not be read
  std::vector<std::string> changed;  // districts whose row or records were changed after the commit
  for (const auto& s : current) {
    if (!with_details) break;
    // A district whose figures are unknown here (changed in the database)
    // has no list either: its organisations would show what the row hides.
    if (!store::row_as_committed(s)) {
      changed.push_back(s.district);
      continue;
    }
    organisations += s.records;
    // Read to the end even past the limit: the cursor then checks the
    // blocks against the digest, and a list whose records were changed
    // after the commit is taken back whole.
    const std::size_t first_row = details.rows.size();
    const std::int64_t listed_before = listed;
    store::RecordCursor cursor(store, s);
    for (;;) {
      auto block = listed < limit ? cursor.next() : cursor.skip_to_end();
      if (!block) {
        details.rows.resize(first_row);
        listed = listed_before;
        organisations -= s.records;  // said in a note of its own, not among those cut by the limit
        (cursor.changed() ? changed : unread).push_back(s.district);
        break;
      }
      if ((*block)->size() == 0) break;
      for (const auto& rec : **block) {
        if (listed == limit) break;
        std::vector<sdk::Value> v;
        v.reserve(5 + counts.size());
        for (const std::string* text : {&rec.district, &rec.org_name, &shown(rec.org_kind), &shown(rec.org_sector),
                                        &shown(rec.org_rating)})
          v.emplace_back(std::in_place_type<std::string>, *text);
        for (const auto& id : counts) {
          const auto it = rec.counts.find(id);
          if (it == rec.counts.end()) v.emplace_back(std::in_place_type<std::monostate>);
          else v.emplace_back(std::in_place_type<std::int64_t>, it->second);
        }
        details.rows.push_back(std::move(v));
        ++listed;
      }
    }
  }
  // Whatever is not listed is said on the sheet, in its last row, never left
  // out without a word.
  auto note = [&](const std::string& text) {
    std::vector<sdk::Value> v(details.columns.size(), sdk::Value(std::in_place_type<std::monostate>));
    v[0].emplace<std::string>("");
    v[1].emplace<std::string>(text);
    details.rows.push_back(std::move(v));
  };
  for (const auto& d : unread)
    note(fmt::format("Không đọc được hết danh sách tổ chức của {0} (dữ liệu lưu bị hỏng: chạy tonghopd verify) / "
                     "The organisations of {0} could not all be read (damaged stored data: run tonghopd verify)",
                     d));
  for (const auto& d : changed)
    note(fmt::format("Không liệt kê tổ chức của {0}: số liệu đã bị sửa trong cơ sở dữ liệu sau khi nhận (chạy tonghopd "
                     "verify) / The organisations of {0} are not listed: its figures were changed in the database "
                     "after they were received (run tonghopd verify)",
                     d));
  if (listed < organisations)
    note(fmt::format("… và {0} tổ chức nữa không liệt kê ở đây (bảng này liệt kê tối đa {1}, [report] details_max_rows); "
                     "danh sách đầy đủ là của từng báo cáo huyện / … and {0} more organisations not listed here (this "
                     "sheet lists at most {1}, [report] details_max_rows); the full lists are each district's submission's",
                     organisations - listed, limit));
  if (with_details) r.tables.push_back(std::move(details));

  // The province: each figure over the districts that carry it; the others
  // are named (incomplete), and a figure none of them carries is unknown.
  sdk::Row total;
  total.label = "Toàn tỉnh";
  Lacking lacking;
  const Indicators sum = report::total(parts, catalogue, &lacking);
  total.values = values(sum, order);
  for (const auto& id : order) {
    const auto it = lacking.find(id);
    if (it == lacking.end()) continue;
    sdk::StringList districts;
    for (const std::size_t i : it->second) districts.push_back(current[i].district);
    if (it->second.size() == parts.size()) total.unknown.push_back(id);
    total.incomplete.emplace_back(id, std::move(districts));
  }
  // A change between two totals is told only when the same districts
  // reported in both periods, and only where both totals cover every one of
  // them: otherwise it would compare different sets (a district that sent
  // for the first time would show as the province's growth).
  std::set<std::string> now_districts, before_districts;
  for (const auto& s : current) now_districts.insert(s.district);
  for (const auto& s : before) before_districts.insert(s.district);
  if (!previous_parts.empty() && now_districts == before_districts) {
    Lacking lacking_before;
    Indicators diff = change(sum, report::total(previous_parts, catalogue, &lacking_before));
    for (auto& d : diff)
      if (lacking.count(d.id) || lacking_before.count(d.id)) d.value.reset();
    total.change = values(diff, order);
  }
  r.total = std::move(total);
  return r;
}

}  // namespace tonghop::report
