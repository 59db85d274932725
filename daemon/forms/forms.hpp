// Blank forms (mẫu biểu) a district fills in, and what the catalogue accepts,
// all made from config/indicators.toml and the unit registry:
//   - the return as a workbook in the party layout (xlsx.cpp): heading,
//     two-row grouped header in the labels the normaliser reads without any
//     mapping, validated count cells, drop-down lists, a total row, the
//     header locked, the district's organisations prefilled;
//   - the same as CSV (layout.cpp): the header line and the names;
//   - a JSON Schema of the JSON return and the catalogue as JSON (schema.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "core/expected.hpp"
#include "forms/written.hpp"
#include "normalise/catalogue.hpp"

namespace tonghop::forms {

// One column of the form: a field of the catalogue, under its group (empty:
// the header is one text merged over both rows).
struct Column {
  std::string field, group, label;
  bool count = false;
};

// The form's columns after STT: the organisation's text fields (name, kind,
// sector, rating), then the counts by the report's groups ([report.groups]),
// then any count no group names. A sub-header is the report's short label
// ("Nữ" under "Đảng viên") where the catalogue reads that pair as the field,
// else the field's own label.
std::vector<Column> columns(const normalise::Catalogue& catalogue, const Written& written);

struct Organisation {
  std::string name, kind, sector;  // kind and sector: ids (party_committee, commune)
};

struct FormInput {
  std::string district, period;  // canonical
  const normalise::Registry* registry = nullptr;
  const normalise::Catalogue* catalogue = nullptr;
  const Written* written = nullptr;
  std::vector<Organisation> organisations;  // prefilled; none: empty rows
  std::string prefilled_from;               // "2018, số 3": where they come from ("" none)
  bool prefill_cut = false;                 // more organisations than a form holds (kMaxOrganisations)
};

constexpr std::size_t kEmptyRows = 50;         // a form with no organisations known
constexpr std::size_t kExtraRows = 10;         // under the prefilled ones, for new organisations
constexpr std::size_t kMaxOrganisations = 5000;

// The heading's texts.
std::string committee_of(const std::string& district);  // "Than Uyên" -> "HUYỆN ỦY THAN UYÊN"
std::string party_unit_of(const std::string& district);  // "Đảng bộ huyện Than Uyên"
std::string period_words(const std::string& period);     // "2018-H1" -> "6 tháng đầu năm 2018"
std::string upper(const std::string& text);               // Vietnamese capitals

Expected<std::string> xlsx_form(const FormInput& in);
// UTF-8 with a BOM (Excel opens it so; the CSV importer takes it), comma
// separated, CRLF: the header line of every column's label, then one line
// per organisation (name, kind, sector).
std::string csv_form(const FormInput& in);

// JSON Schema (draft 2020-12) of a JSON return as the JSON importer takes it.
boost::json::object json_schema(const normalise::Catalogue& catalogue, const Written& written,
                                 const normalise::Registry& registry);
// Every field: label, kind, synonyms, groups and sub-headers, accepted values,
// the rules that involve it; the [words]; the report's indicators.
boost::json::object catalogue_json(const normalise::Catalogue& catalogue, const Written& written);

}  // namespace tonghop::forms
