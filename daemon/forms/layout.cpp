// The form's columns and heading, and the CSV form.
#include <set>

#include <utf8proc.h>

#include "forms/forms.hpp"
#include "normalise/text.hpp"

namespace tonghop::forms {

namespace {

bool starts_with_folded(const std::string& text, std::string_view folded_prefix) {
  return normalise::fold(text).rfind(folded_prefix, 0) == 0;
}

std::string after_words(const std::string& text, std::size_t words) {
  std::size_t at = 0;
  for (std::size_t i = 0; i < words; ++i) {
    at = text.find(' ', at);
    if (at == std::string::npos) return text;
    ++at;
  }
  return text.substr(at);
}

std::string csv_cell(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (const char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

std::string upper(const std::string& text) {
  std::string out;
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(text.size());
  while (left > 0) {
    utf8proc_int32_t c = 0;
    const utf8proc_ssize_t n = utf8proc_iterate(p, left, &c);
    if (n <= 0) {  // not UTF-8: the byte as it is
      out += static_cast<char>(*p);
      ++p;
      --left;
      continue;
    }
    utf8proc_uint8_t buf[4];
    const utf8proc_ssize_t m = utf8proc_encode_char(utf8proc_toupper(c), buf);
    out.append(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(m));
    p += n;
    left -= n;
  }
  return out;
}

std::string committee_of(const std::string& district) {
  if (starts_with_folded(district, "thanh pho ")) return "THÀNH ỦY " + upper(after_words(district, 2));
  if (starts_with_folded(district, "thi xa ")) return "THỊ ỦY " + upper(after_words(district, 2));
  return "HUYỆN ỦY " + upper(district);
}

std::string party_unit_of(const std::string& district) {
  if (starts_with_folded(district, "thanh pho ")) return "Đảng bộ thành phố " + after_words(district, 2);
  if (starts_with_folded(district, "thi xa ")) return "Đảng bộ thị xã " + after_words(district, 2);
  return "Đảng bộ huyện " + district;
}

std::string period_words(const std::string& p) {
  if (p.size() == 4) return "năm " + p;
  const std::string year = p.substr(0, 4);
  if (p.size() == 7 && p[5] == 'H') return std::string(p[6] == '1' ? "6 tháng đầu năm " : "6 tháng cuối năm ") + year;
  if (p.size() == 7 && p[5] == 'Q') {
    static const char* const roman[] = {"I", "II", "III", "IV"};
    return std::string("quý ") + roman[p[6] - '1'] + " năm " + year;
  }
  if (p.size() == 7) return "tháng " + std::to_string(std::stoi(p.substr(5, 2))) + " năm " + year;
  return p;
}

std::vector<Column> columns(const normalise::Catalogue& catalogue, const Written& written) {
  std::vector<Column> out;
  std::set<std::string> placed{"district", "period"};  // the form's heading says them
  auto label_of = [&](const std::string& id) {
    const auto* w = written.field(id);
    const auto* f = catalogue.field(id);
    return w ? w->label : f ? f->label : id;
  };
  for (const auto& f : catalogue.fields)
    if (!f.is_count && !placed.contains(f.id)) {
      out.push_back({f.id, "", label_of(f.id), false});
      placed.insert(f.id);
    }
  for (const auto& g : catalogue.report_groups) {
    std::vector<const normalise::Field*> in;
    for (const auto& id : g.fields)
      if (const auto* f = catalogue.field(id); f && f->is_count && !placed.contains(id)) in.push_back(f);
    for (const auto* f : in) {
      placed.insert(f->id);
      if (in.size() == 1) {
        out.push_back({f->id, "", label_of(f->id), true});
        continue;
      }
      std::string sub = label_of(f->id);
      if (const auto it = catalogue.report_labels.find(f->id); it != catalogue.report_labels.end())
        if (catalogue.match(normalise::fold(g.label), normalise::fold(it->second)) == f) sub = it->second;
      out.push_back({f->id, g.label, sub, true});
    }
  }
  for (const auto& f : catalogue.fields)
    if (f.is_count && !placed.contains(f.id)) out.push_back({f.id, "", label_of(f.id), true});
  return out;
}

std::string csv_form(const FormInput& in) {
  const auto cols = columns(*in.catalogue, *in.written);
  std::string out = "\xEF\xBB\xBF";
  // One header line: the field's own label (a whole name the catalogue reads).
  for (std::size_t i = 0; i < cols.size(); ++i) {
    const auto* w = in.written->field(cols[i].field);
    out += (i ? "," : "") + csv_cell(w ? w->label : cols[i].label);
  }
  out += "\r\n";
  for (const auto& o : in.organisations) {
    for (std::size_t i = 0; i < cols.size(); ++i) {
      std::string v;
      if (cols[i].field == "org_name") v = o.name;
      else if (cols[i].field == "org_kind") {
        for (const auto& k : in.written->kinds)
          if (k.first == o.kind) v = Written::display_name(k);
      } else if (cols[i].field == "org_sector") v = o.sector;
      out += (i ? "," : "") + csv_cell(v);
    }
    out += "\r\n";
  }
  return out;
}

}  // namespace tonghop::forms
