// A sheet's cells, read as its XML streams past, each sent to the host's sink
// with its font and number format; then its merged ranges.
#include <charconv>
#include <string>

#include "ooxml.hpp"
#include "workbook.hpp"

namespace tonghop::xlsx {

void Workbook::emit(const std::string& sheet, std::uint32_t row, std::uint32_t col, sdk::CellType type,
                    std::string_view text, double number, unsigned xf) {
  count(sheet, row, col, "cells and shared strings");
  if (!text_.fits(text.size())) {
    auto s = text_.refusal();
    s.where().sheet = sheet;
    s.where().row = row;
    s.where().column = col;
    throw Stop{std::move(s)};
  }
  sdk::CellView c;
  c.row = row;
  c.column = col;
  c.type = type;
  c.text = text;
  c.number = number;
  c.font = font_of(xf);
  c.number_format = format_override_.empty() ? format_of(xf) : format_override_;
  check(sink_.cell(c));
}

void Workbook::emit_date(const std::string& sheet, std::uint32_t row, std::uint32_t col, double serial,
                         unsigned xf, bool iso_written) {
  const std::string iso = sdk::iso_of_serial(serial, true);
  if (iso.empty()) {  // not a day Excel can show: the number as it is
    char buf[32];
    emit(sheet, row, col, sdk::CellType::number, number_text(serial - shift(), buf), serial - shift(), xf);
    return;
  }
  if (iso_written && !is_date_xf(xf)) {
    // A "d" cell without a date format: say it is one.
    const std::string_view saved = format_override_;
    format_override_ = "yyyy-mm-dd";
    emit(sheet, row, col, sdk::CellType::number, iso, serial, xf);
    format_override_ = saved;
    return;
  }
  emit(sheet, row, col, sdk::CellType::number, iso, serial, xf);
}

void Workbook::read_sheet(const std::string& sheet_name, const std::string& target) {
  check(sink_.begin_sheet(sheet_name));
  const ZipEntry* e = target.empty() ? nullptr : entry(target);
  if (e == nullptr) {  // a chart sheet, or a sheet the workbook lists but does not have
    check(sink_.end_sheet());
    return;
  }
  std::vector<sdk::MergedRange> merges;
  // The cell being read.
  std::uint32_t row = 0, col = 0, last_row = 0, last_col = 0;
  enum class Kind { number, shared, inline_text, formula_text, boolean, error, date } kind = Kind::number;
  unsigned xf = 0;
  char buf[32];
  bool in_c = false, in_v = false, in_is = false, in_t = false, in_data = false;
  int phonetic = 0;
  std::string value, unescaped;
  bool has_value = false;

  auto too_long = [&](std::size_t size) {
    if (limits_.max_field_bytes == 0 || size <= limits_.max_field_bytes) return;
    sdk::Location where;
    where.sheet = sheet_name;
    where.row = row;
    where.column = col;
    stop(sdk::Code::limit_exceeded,
         "ô dài quá giới hạn " + std::to_string(limits_.max_field_bytes) + " byte; hãy rút ngắn ô đó rồi gửi lại",
         "a cell is longer than the limit of " + std::to_string(limits_.max_field_bytes) + " bytes", where);
  };
  // A cell read whole, with its value as written.
  auto finish_cell = [&](std::string_view v) {
    if (kind == Kind::shared) {
      const unsigned idx = to_uint(v, UINT32_MAX);
      if (idx >= string_ends_.size()) {
        sdk::Location where;
        where.sheet = sheet_name;
        where.row = row;
        where.column = col;
        stop(sdk::Code::invalid_input,
             "tệp bị hỏng: ô trỏ tới chuỗi dùng chung số " + std::string(v) +
                 " nhưng chuỗi đó không có; hãy mở bằng Excel, lưu lại dạng .xlsx rồi gửi lại",
             "a cell refers to shared string " + std::string(v) + ", which does not exist", where);
      }
      emit(sheet_name, row, col, sdk::CellType::text, shared_string(idx), 0, xf);
    } else if (kind == Kind::inline_text || kind == Kind::formula_text) {
      if (v.find("_x") != std::string_view::npos) {
        unescaped.assign(v);
        unescape_ooxml(unescaped);
        v = unescaped;
      }
      emit(sheet_name, row, col, sdk::CellType::text, v, 0, xf);
    } else if (kind == Kind::boolean) {
      const bool b = v == "1" || v == "true";
      emit(sheet_name, row, col, sdk::CellType::boolean, sdk::boolean_text(b), b ? 1 : 0, xf);
    } else if (kind == Kind::error) {
      emit(sheet_name, row, col, sdk::CellType::error, v, 0, xf);
    } else if (kind == Kind::date) {
      // An ISO 8601 date as written: a date by the SDK's rule.
      double serial = 0;
      if (!sdk::parse_iso_date(v, serial)) {
        emit(sheet_name, row, col, sdk::CellType::text, v, 0, xf);
        return;
      }
      emit_date(sheet_name, row, col, serial, xf, true);
    } else {
      // Whole numbers, the common case, as written: no conversion both ways.
      if (!v.empty() && v.size() <= 15 && (v.size() == 1 || v[0] != '0')) {
        long long n = 0;
        bool digits = true;
        for (const char ch : v) {
          if (ch < '0' || ch > '9') {
            digits = false;
            break;
          }
          n = n * 10 + (ch - '0');
        }
        if (digits) {
          if (is_date_xf(xf)) emit_date(sheet_name, row, col, static_cast<double>(n) + shift(), xf, false);
          else emit(sheet_name, row, col, sdk::CellType::number, v, static_cast<double>(n), xf);
          return;
        }
      }
      double d = 0;
      const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
      if (ec != std::errc() || end != v.data() + v.size()) {
        emit(sheet_name, row, col, sdk::CellType::text, v, 0, xf);  // not a number after all: keep the text
      } else if (is_date_xf(xf)) {
        emit_date(sheet_name, row, col, d + shift(), xf, false);
      } else {
        emit(sheet_name, row, col, sdk::CellType::number, number_text(d, buf), d, xf);
      }
    }
  };
  auto start_cell = [&](XmlReader& x) {
    in_c = true;
    has_value = false;
    value.clear();
    // One pass over the attributes; the first of a name counts, as with
    // XmlReader::attribute.
    std::string_view t_attr, s_attr, r_attr;
    bool seen_t = false, seen_s = false, seen_r = false;
    for (std::size_t i = 0, n = x.attribute_count(); i < n; ++i) {
      const std::string_view a = x.attribute_name(i);
      if (a.size() != 1) continue;
      if (a[0] == 't' && !seen_t) seen_t = true, t_attr = x.attribute_value(i);
      else if (a[0] == 's' && !seen_s) seen_s = true, s_attr = x.attribute_value(i);
      else if (a[0] == 'r' && !seen_r) seen_r = true, r_attr = x.attribute_value(i);
    }
    kind = t_attr.empty() || t_attr == "n" ? Kind::number
           : t_attr == "s"                 ? Kind::shared
           : t_attr == "inlineStr"         ? Kind::inline_text
           : t_attr == "str"               ? Kind::formula_text
           : t_attr == "b"                 ? Kind::boolean
           : t_attr == "e"                 ? Kind::error
           : t_attr == "d"                 ? Kind::date
                                           : Kind::formula_text;
    xf = to_uint(s_attr);
    std::uint32_t r = 0, c = 0;
    if (parse_ref(r_attr, r, c)) {
      row = r;
      col = c;
      last_row = r;
    } else {
      if (row == 0) row = last_row = 1;
      col = last_col + 1;
    }
    last_col = col;
    if (x.self_closing()) return;
    // The commonest shapes, "<v>1</v></c>" and "<is><t>a</t></is></c>",
    // read at once; anything else token by token.
    std::string_view simple;
    if (x.simple_child("v", simple)) {
      if (x.skip_end("c")) {
        in_c = false;
        finish_cell(simple);
        return;
      }
      value.assign(simple);
      has_value = true;
    } else if (kind == Kind::inline_text && x.simple_grandchild("is", "t", simple)) {
      // An empty <t></t> gives no text, hence no value (a styled empty cell).
      too_long(simple.size());
      if (x.skip_end("c")) {
        in_c = false;
        if (!simple.empty()) finish_cell(simple);
        return;
      }
      value.assign(simple);
      has_value = !simple.empty();
    }
  };

  parse(*e, [&](XmlReader::Token t, XmlReader& x) {
    const std::string_view name = x.name();
    if (t == XmlReader::Token::start) {
      if (in_data && name.size() == 1 && name[0] == 'c') start_cell(x);
      else if (name == "sheetData") in_data = true;
      else if (!in_data && name == "mergeCell") {
        const std::string_view ref = x.attribute("ref");
        const auto colon = ref.find(':');
        sdk::MergedRange m;
        if (parse_ref(ref.substr(0, colon), m.first_row, m.first_column) &&
            parse_ref(colon == std::string_view::npos ? ref : ref.substr(colon + 1), m.last_row, m.last_column))
          merges.push_back(m);
      } else if (in_data && name == "row") {
        const unsigned r = to_uint(x.attribute("r"));
        row = r != 0 ? r : last_row + 1;
        last_row = row;
        last_col = 0;
      } else if (in_c && name == "v") {
        in_v = true;
      } else if (in_c && name == "is") {
        in_is = true;
      } else if (in_is && name == "rPh") {
        ++phonetic;
      } else if (in_is && name == "t" && phonetic == 0) {
        in_t = true;
      }
    } else if (t == XmlReader::Token::text) {
      if (in_v || in_t) {
        value += x.text();
        has_value = true;
        too_long(value.size());
      }
    } else if (t == XmlReader::Token::end) {
      if (name == "v") in_v = false;
      else if (name == "t") in_t = false;
      else if (name == "rPh") --phonetic;
      else if (name == "is") in_is = false;
      else if (name == "sheetData") in_data = false;
      else if (name == "c" && in_c) {
        in_c = false;
        if (!has_value) return;  // a styled empty cell
        finish_cell(value);
      }
    }
  });
  for (const auto& m : merges) check(sink_.merged(m));
  check(sink_.end_sheet());
}

}  // namespace tonghop::xlsx
