// A sheet's cells, read as its XML streams past, each sent to the host's sink
// with its font and number format; then its merged ranges.
//
// Nearly every cell and row of a sheet is written in one of a few shapes:
//   <row r="2" spans="1:35" …>   any attributes, plain values
//   <c r="A2" s="3" t="s"><v>12</v></c>   r, s and t in any order, or fewer
//   <c r="B2" t="inlineStr"><is><t>Than Uyên</t></is></c>
//   <c r="C2" s="3"/>   <c r="C2"></c>   </row>
// Sheet::take reads those straight from the reader's window, each in one
// step. Anything else (another attribute, a prefix, a space before "=", an
// entity or a carriage return, a formula, rich text, the end of the window)
// is left to Sheet::token, the general reading token by token, which gives
// the same cells and every refusal: take() only ever takes a whole shape, and
// sends it through the same begin_cell and finish_cell.
#include <array>
#include <charconv>
#include <cstring>
#include <string>
#include <vector>

#include "ooxml.hpp"
#include "workbook.hpp"

namespace tonghop::xlsx {

namespace {
// What a byte is to the shapes take() reads: one table look-up a byte.
constexpr unsigned char kSpace = 1;      // XML's spaces
constexpr unsigned char kNameEnd = 2;    // ends a name: '>', '/', quotes, '=', spaces (as the XML reader has it)
constexpr unsigned char kValueStop = 4;  // ends or spoils a quoted value: quotes, '&', '\r'
constexpr unsigned char kTextStop = 8;   // ends or spoils a text: '<', '&', '\r'
constexpr std::array<unsigned char, 256> kClass = [] {
  std::array<unsigned char, 256> t{};
  for (const unsigned char c : {' ', '\t', '\r', '\n'}) t[c] |= kSpace | kNameEnd;
  for (const unsigned char c : {'>', '/', '"', '\'', '='}) t[c] |= kNameEnd;
  for (const unsigned char c : {'"', '\'', '&', '\r'}) t[c] |= kValueStop;
  for (const unsigned char c : {'<', '&', '\r'}) t[c] |= kTextStop;
  return t;
}();
bool is(char c, unsigned char what) { return (kClass[static_cast<unsigned char>(c)] & what) != 0; }

// A value in quotes from q (at the quote): its end past the closing quote,
// or nullptr when it has an entity or a carriage return (decoded by the
// general reading) or runs past e.
const char* quoted(const char* q, const char* e, std::string_view& value) {
  const char quote = *q;
  const char* const v0 = ++q;
  while (true) {
    while (q < e && !is(*q, kValueStop)) ++q;
    if (q >= e || *q == '&' || *q == '\r') return nullptr;
    if (*q == quote) break;
    ++q;  // the other quote, part of the value
  }
  value = std::string_view(v0, static_cast<std::size_t>(q - v0));
  return q + 1;
}
// Text up to the next '<' from q, free of entities and carriage returns; its
// end (at the '<'), or nullptr.
const char* plain_text(const char* q, const char* e, std::string_view& text) {
  const char* const t0 = q;
  while (q < e && !is(*q, kTextStop)) ++q;
  if (q >= e || *q != '<') return nullptr;
  text = std::string_view(t0, static_cast<std::size_t>(q - t0));
  return q;
}
bool at(const char* q, const char* e, std::string_view s) {
  return static_cast<std::size_t>(e - q) >= s.size() && std::memcmp(q, s.data(), s.size()) == 0;
}
// A shape is taken only when it is wholly among the bytes ahead: at least
// this many are asked for (far more than a cell), and whatever more the
// window holds is looked at too; a cell past them goes token by token.
constexpr std::size_t kAhead = 4096;
}  // namespace

class Workbook::Sheet {
 public:
  Sheet(Workbook& book, const std::string& name) : book_(book), name_(name) {}

  bool take(XmlReader& x);
  void token(XmlReader::Token t, XmlReader& x);
  const std::vector<sdk::MergedRange>& merges() const noexcept { return merges_; }

 private:
  enum class Kind { number, shared, inline_text, formula_text, boolean, error, date };

  std::size_t take_cell(XmlReader& x, const char* p, const char* e);
  std::size_t take_row(XmlReader& x, const char* p, const char* e);
  // A cell's attributes: its place (row 0: none written, after the previous
  // cell), its format, its type.
  void begin_cell(std::uint32_t row, std::uint32_t col, std::string_view s, std::string_view t) {
    in_c_ = true;
    has_value_ = has_v_ = has_formula_ = false;
    value_.clear();
    if (row != 0) {
      row_ = last_row_ = row;
      col_ = col;
    } else {
      if (row_ == 0) row_ = last_row_ = 1;
      col_ = last_col_ + 1;
    }
    // Excel and LibreOffice write a row's cells left to right, each once,
    // inside their row: a cell out of its row, or at a place already read,
    // would replace a figure without a word (an audit's row 11 written as
    // B10… took row 10's organisation's place).
    if (row != 0 && ((row_element_ != 0 && row != row_element_) || (row == cell_row_ && col <= cell_col_)))
      refuse_out_of_place();
    cell_row_ = row_;
    cell_col_ = col_;
    last_col_ = col_;
    xf_ = to_uint(s);
    if (t.size() == 1) {
      switch (t[0]) {
        case 'n': kind_ = Kind::number; break;
        case 's': kind_ = Kind::shared; break;
        case 'b': kind_ = Kind::boolean; break;
        case 'e': kind_ = Kind::error; break;
        case 'd': kind_ = Kind::date; break;
        default: kind_ = Kind::formula_text;  // as "str": a text
      }
    } else {
      kind_ = t.empty() ? Kind::number : t == "inlineStr" ? Kind::inline_text : Kind::formula_text;
    }
  }
  void start_cell(XmlReader& x);
  // A cell read whole, with its value as written. Whole numbers, the common
  // case, inline and as written: no conversion both ways.
  void finish_cell(std::string_view v) {
    if (kind_ == Kind::number && !v.empty() && v.size() <= 15 && (v.size() == 1 || v[0] != '0')) {
      long long n = 0;
      for (const char ch : v) {
        if (ch < '0' || ch > '9') return finish_other(v);
        n = n * 10 + (ch - '0');
      }
      if (book_.is_date_xf(xf_)) book_.emit_date(name_, row_, col_, static_cast<double>(n) + book_.shift(), xf_, false);
      else emit(sdk::CellType::number, v, static_cast<double>(n));
      return;
    }
    finish_other(v);
  }
  void finish_other(std::string_view v);
  void too_long(std::size_t size) {
    if (book_.limits_.max_field_bytes != 0 && size > book_.limits_.max_field_bytes) refuse_long();
  }
  [[noreturn]] void refuse_long() const;
  [[noreturn]] void refuse_out_of_place() const;
  [[noreturn]] void refuse_row_again(unsigned row) const;
  static constexpr unsigned kLastRow = 1'048'576;  // Excel's last row
  [[noreturn]] void refuse_row_number(std::string_view r) const;
  void begin_row(std::string_view r, std::string_view hidden) {
    // A row number Excel can have (1 to 1,048,576): another, or past the
    // last row, is a damaged or altered file, never read as some row.
    const unsigned n = r.empty() ? 0 : to_uint(r);
    if ((!r.empty() && n == 0) || n > kLastRow || (n == 0 && last_row_ >= kLastRow)) refuse_row_number(r);
    // Rows come in order, each once (a second <row r="10"> replaced the first's cells).
    if (n != 0 && n <= last_row_) refuse_row_again(n);
    row_element_ = n;
    row_ = n != 0 ? n : last_row_ + 1;
    last_row_ = row_;
    last_col_ = 0;
    // A row Excel does not show (hidden="1"): said before its first cell (Workbook::emit).
    book_.hidden_unsaid_ = hidden == "1" || hidden == "true";
  }
  void emit(sdk::CellType type, std::string_view text, double number) {
    book_.emit(name_, row_, col_, type, text, number, xf_);
  }
  sdk::Location here() const {
    sdk::Location where;
    where.sheet = name_;
    where.row = row_;
    where.column = col_;
    return where;
  }

  Workbook& book_;
  const std::string& name_;
  std::vector<sdk::MergedRange> merges_;
  // The cell being read.
  std::uint32_t row_ = 0, col_ = 0, last_row_ = 0, last_col_ = 0;
  Kind kind_ = Kind::number;
  unsigned xf_ = 0;
  bool in_c_ = false, in_v_ = false, in_is_ = false, in_t_ = false, in_data_ = false;
  int phonetic_ = 0;
  std::string value_, unescaped_;
  bool has_value_ = false;
  // A <v> met in the cell (even empty: a formula whose result is ""), and
  // an <f>: a formula with no value as computed (Sheet::token, at </c>).
  bool has_v_ = false, has_formula_ = false;
  // The row element's r (0: none), and the place of the last cell read.
  std::uint32_t row_element_ = 0, cell_row_ = 0, cell_col_ = 0;
};

void Workbook::read_sheet(const std::string& sheet_name, const std::string& target) {
  check(sink_.begin_sheet(sheet_name));
  const ZipEntry* e = target.empty() ? nullptr : entry(target);
  if (e == nullptr) {  // a chart sheet, or a sheet the workbook lists but does not have
    check(sink_.end_sheet());
    return;
  }
  Sheet sheet(*this, sheet_name);
  hidden_unsaid_ = false;
  check(zipxml::read_part(
      zip_, *e, limits_, "tệp", "workbook", "; hãy mở bằng Excel, lưu lại dạng .xlsx rồi gửi lại",
      [&](XmlReader& x) { return sheet.take(x); }, [&](XmlReader::Token t, XmlReader& x) { sheet.token(t, x); }));
  for (const auto& m : sheet.merges()) check(sink_.merged(m));
  check(sink_.end_sheet());
}

// The shapes of the header comment, as many as follow one another.
bool Workbook::Sheet::take(XmlReader& x) {
  if (!in_data_) return false;
  bool took = false;
  while (true) {
    const std::string_view w = x.ahead(kAhead);
    if (w.size() < 4 || w[0] != '<') return took;
    const char* const p = w.data();
    const char* const e = p + w.size();
    std::size_t n = 0;
    if (p[1] == 'c') n = take_cell(x, p, e);
    else if (p[1] == 'r') n = take_row(x, p, e);
    else if (at(p, e, "</row>")) x.consume(n = 6);  // the general reading does nothing at a row's end
    if (n == 0) return took;
    took = true;
  }
}

// "<c" with r, s and t (each at most once, any order, plain values), then
// "/>", "></c>", "><v>TEXT</v></c>" or, for t="inlineStr",
// "><is><t>TEXT</t></is></c>"; its length, or 0 for anything else.
std::size_t Workbook::Sheet::take_cell(XmlReader& x, const char* const p, const char* const e) {
  const char* q = p + 2;
  if (q >= e || !(is(*q, kSpace) || *q == '>' || *q == '/')) return 0;
  std::string_view attr[3];  // r, s, t
  bool seen[3] = {false, false, false};
  std::uint32_t row = 0, col = 0;  // r read (row 0: none)
  bool self_closing = false;
  while (true) {
    while (q < e && is(*q, kSpace)) ++q;
    if (q >= e) return 0;
    if (*q == '>') {
      ++q;
      break;
    }
    if (*q == '/') {
      if (q + 1 >= e || q[1] != '>') return 0;
      q += 2;
      self_closing = true;
      break;
    }
    const int k = *q == 'r' ? 0 : *q == 's' ? 1 : *q == 't' ? 2 : -1;
    if (k < 0 || seen[k] || e - q < 3 || q[1] != '=' || (q[2] != '"' && q[2] != '\'')) return 0;
    seen[k] = true;
    if (k == 0) {
      // r="AB12", read as a reference in the same pass; anything else
      // ("$A$1", "a1", past XFD or row 1,048,576) as parse_ref reads it.
      const char* v = q + 3;
      std::uint32_t c = 0, r = 0;
      while (v < e && static_cast<unsigned>(*v - 'A') < 26 && c <= 16384) c = c * 26 + static_cast<unsigned>(*v++ - 'A') + 1;
      const char* const digits = v;
      while (v < e && static_cast<unsigned>(*v - '0') < 10 && r <= 1048576) r = r * 10 + static_cast<unsigned>(*v++ - '0');
      if (v < e && *v == q[2] && c != 0 && c <= 16384 && v != digits && r != 0 && r <= 1048576) {
        row = r;
        col = c;
        q = v + 1;
        continue;
      }
    }
    q = quoted(q + 2, e, attr[k]);
    if (q == nullptr) return 0;
    if (k == 0 && !parse_ref(attr[0], row, col)) row = col = 0;
  }
  enum class Content { none, value, inline_text } content = Content::none;
  std::string_view text;
  if (!self_closing) {
    if (at(q, e, "</c>")) {
      q += 4;
    } else if (at(q, e, "<v>")) {
      q = plain_text(q + 3, e, text);
      if (q == nullptr || !at(q, e, "</v></c>")) return 0;
      q += 8;
      content = Content::value;
    } else if (attr[2] == "inlineStr" && at(q, e, "<is><t>")) {
      q = plain_text(q + 7, e, text);
      if (q == nullptr || !at(q, e, "</t></is></c>")) return 0;
      q += 13;
      content = Content::inline_text;
    } else {
      return 0;
    }
  }
  const auto n = static_cast<std::size_t>(q - p);
  x.consume(n);  // `attr` and `text` stay valid until the reader is next called
  begin_cell(row, col, attr[1], attr[2]);
  in_c_ = false;
  if (content == Content::value) {
    too_long(text.size());
    finish_cell(text);
  } else if (content == Content::inline_text) {
    too_long(text.size());
    if (!text.empty()) finish_cell(text);  // an empty <t></t> is no value (a styled empty cell)
  }
  return n;
}

// "<row" with any attributes whose values are plain; its length, or 0.
std::size_t Workbook::Sheet::take_row(XmlReader& x, const char* const p, const char* const e) {
  if (!at(p, e, "<row") || e - p < 5 || !(is(p[4], kSpace) || p[4] == '>' || p[4] == '/')) return 0;
  const char* q = p + 4;
  std::string_view r, hidden;
  bool seen_r = false, seen_hidden = false;
  while (true) {
    while (q < e && is(*q, kSpace)) ++q;
    if (q >= e) return 0;
    if (*q == '>') {
      ++q;
      break;
    }
    if (*q == '/') {
      if (q + 1 >= e || q[1] != '>') return 0;
      q += 2;
      break;
    }
    const char* const a0 = q;
    while (q < e && !is(*q, kNameEnd)) ++q;
    if (q == a0 || e - q < 2 || *q != '=' || (q[1] != '"' && q[1] != '\'')) return 0;
    std::string_view name(a0, static_cast<std::size_t>(q - a0));
    if (const auto colon = name.find(':'); colon != std::string_view::npos) name.remove_prefix(colon + 1);
    std::string_view value;
    q = quoted(q + 1, e, value);
    if (q == nullptr) return 0;
    if (name == "r" && !seen_r) seen_r = true, r = value;  // the first of a name counts, as with XmlReader::attribute
    else if (name == "hidden" && !seen_hidden) seen_hidden = true, hidden = value;
  }
  const auto n = static_cast<std::size_t>(q - p);
  x.consume(n);
  begin_row(r, hidden);
  return n;
}

void Workbook::Sheet::refuse_long() const {
  const auto max = book_.limits_.max_field_bytes;
  stop(sdk::Code::limit_exceeded,
       "ô dài quá giới hạn " + std::to_string(max) + " byte; hãy rút ngắn ô đó rồi gửi lại",
       "a cell is longer than the limit of " + std::to_string(max) + " bytes", here());
}

void Workbook::Sheet::refuse_out_of_place() const {
  stop(sdk::Code::invalid_input,
       "tệp bị hỏng hoặc bị sửa: một ô nằm ngoài dòng của nó hoặc trùng chỗ với ô đã đọc; hãy mở bằng Excel, lưu lại "
       "dạng .xlsx rồi gửi lại",
       "a damaged or altered workbook: a cell outside its row, or at the place of one already read", here());
}

void Workbook::Sheet::refuse_row_again(unsigned row) const {
  sdk::Location where;
  where.sheet = name_;
  where.row = row;
  stop(sdk::Code::invalid_input,
       "tệp bị hỏng hoặc bị sửa: dòng " + std::to_string(row) +
           " xuất hiện lần nữa hoặc sai thứ tự; hãy mở bằng Excel, lưu lại dạng .xlsx rồi gửi lại",
       "a damaged or altered workbook: row " + std::to_string(row) + " comes again, or out of order", where);
}

void Workbook::Sheet::refuse_row_number(std::string_view r) const {
  sdk::Location where;
  where.sheet = name_;
  where.row = last_row_;
  const std::string shown = r.empty() ? std::string("sau dòng 1048576") : "«" + std::string(r.substr(0, 20)) + "»";
  const std::string shown_en = r.empty() ? std::string("after row 1048576") : "'" + std::string(r.substr(0, 20)) + "'";
  stop(sdk::Code::invalid_input,
       "tệp bị hỏng hoặc bị sửa: dòng " + shown +
           " không phải một dòng của Excel (từ 1 đến 1.048.576); hãy mở bằng Excel, lưu lại dạng .xlsx rồi gửi lại",
       "a damaged or altered workbook: row " + shown_en + " is not a row Excel has (1 to 1,048,576)", where);
}

// A "<c>" met token by token.
void Workbook::Sheet::start_cell(XmlReader& x) {
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
  std::uint32_t row = 0, col = 0;
  if (!parse_ref(r_attr, row, col)) row = col = 0;
  begin_cell(row, col, s_attr, t_attr);
  if (x.self_closing()) return;
  // The commonest contents, "<v>1</v></c>" and "<is><t>a</t></is></c>",
  // read at once (a cell take() left, its attributes unusual); anything else
  // token by token.
  std::string_view simple;
  if (x.simple_child("v", simple)) {
    too_long(simple.size());
    if (x.skip_end("c")) {
      in_c_ = false;
      finish_cell(simple);
      return;
    }
    value_.assign(simple);
    has_value_ = true;
  } else if (kind_ == Kind::inline_text && x.simple_grandchild("is", "t", simple)) {
    // An empty <t></t> gives no text, hence no value (a styled empty cell).
    too_long(simple.size());
    if (x.skip_end("c")) {
      in_c_ = false;
      if (!simple.empty()) finish_cell(simple);
      return;
    }
    value_.assign(simple);
    has_value_ = !simple.empty();
  }
}

// Every other value.
void Workbook::Sheet::finish_other(std::string_view v) {
  if (kind_ == Kind::shared) {
    const unsigned idx = to_uint(v, UINT32_MAX);
    if (idx >= book_.string_ends_.size())
      stop(sdk::Code::invalid_input,
           "tệp bị hỏng: ô trỏ tới chuỗi dùng chung số " + std::string(v) +
               " nhưng chuỗi đó không có; hãy mở bằng Excel, lưu lại dạng .xlsx rồi gửi lại",
           "a cell refers to shared string " + std::string(v) + ", which does not exist", here());
    book_.text_struck_ = book_.strings_struck_[idx];
    emit(sdk::CellType::text, book_.shared_string(idx), 0);
    book_.text_struck_ = false;
  } else if (kind_ == Kind::inline_text || kind_ == Kind::formula_text) {
    if (v.find("_x") != std::string_view::npos) {
      unescaped_.assign(v);
      unescape_ooxml(unescaped_);
      v = unescaped_;
    }
    emit(sdk::CellType::text, v, 0);
  } else if (kind_ == Kind::boolean) {
    const bool b = v == "1" || v == "true";
    emit(sdk::CellType::boolean, sdk::boolean_text(b), b ? 1 : 0);
  } else if (kind_ == Kind::error) {
    emit(sdk::CellType::error, v, 0);
  } else if (kind_ == Kind::date) {
    // An ISO 8601 date as written: a date by the SDK's rule.
    double serial = 0;
    if (!sdk::parse_iso_date(v, serial)) {
      emit(sdk::CellType::text, v, 0);
      return;
    }
    book_.emit_date(name_, row_, col_, serial, xf_, true);
  } else {
    // A number not whole, or with a leading zero ("0154"), or long.
    double d = 0;
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
    if (ec != std::errc() || end != v.data() + v.size()) {
      emit(sdk::CellType::text, v, 0);  // not a number after all: keep the text
    } else if (book_.is_date_xf(xf_)) {
      book_.emit_date(name_, row_, col_, d + book_.shift(), xf_, false);
    } else {
      char buf[32];
      emit(sdk::CellType::number, number_text(d, buf), d);
    }
  }
}

// The general reading, token by token.
void Workbook::Sheet::token(XmlReader::Token t, XmlReader& x) {
  const std::string_view name = x.name();
  if (t == XmlReader::Token::start) {
    if (in_data_ && name.size() == 1 && name[0] == 'c') start_cell(x);
    else if (name == "sheetData") in_data_ = true;
    else if (!in_data_ && name == "mergeCell") {
      const std::string_view ref = x.attribute("ref");
      const auto colon = ref.find(':');
      sdk::MergedRange m;
      if (parse_ref(ref.substr(0, colon), m.first_row, m.first_column) &&
          parse_ref(colon == std::string_view::npos ? ref : ref.substr(colon + 1), m.last_row, m.last_column))
        merges_.push_back(m);
    } else if (!in_data_ && name == "col") {
      // Columns Excel does not show (<col min="13" max="13" hidden="1"/>):
      // said with their range, both ends included (SDK, document.hpp).
      // A max past the last column (past 2^64 even) is the last column; a
      // min past it, or past max, is no column.
      const std::string_view hidden = x.attribute("hidden"), min = x.attribute("min"), max = x.attribute("max");
      constexpr std::uint64_t kLastColumn = 16384, kPast = UINT64_MAX;
      const auto column = [&](std::string_view v, std::uint64_t& n) {
        const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
        if (ec == std::errc::result_out_of_range && end == v.data() + v.size()) n = kPast;
        else if (ec != std::errc() || end != v.data() + v.size() || n == 0) return false;
        return true;
      };
      std::uint64_t first = 0, last = 0;
      if ((hidden == "1" || hidden == "true") && column(min, first) && (max.empty() ? (last = first, true) : column(max, last)) &&
          first <= last && first <= kLastColumn)
        check(book_.sink_.property("hidden_column",
                                   std::to_string(first) + "-" + std::to_string(std::min(last, kLastColumn))));
    } else if (in_data_ && name == "row") {
      begin_row(x.attribute("r"), x.attribute("hidden"));
    } else if (in_c_ && name == "v") {
      in_v_ = has_v_ = true;
    } else if (in_c_ && name == "f") {
      has_formula_ = true;
    } else if (in_c_ && name == "is") {
      in_is_ = true;
    } else if (in_is_ && name == "rPh") {
      ++phonetic_;
    } else if (in_is_ && name == "t" && phonetic_ == 0) {
      in_t_ = true;
    }
  } else if (t == XmlReader::Token::text) {
    if (in_v_ || in_t_) {
      value_ += x.text();
      has_value_ = true;
      too_long(value_.size());
    }
  } else if (t == XmlReader::Token::end) {
    if (name == "v") in_v_ = false;
    else if (name == "t") in_t_ = false;
    else if (name == "rPh") --phonetic_;
    else if (name == "is") in_is_ = false;
    else if (name == "sheetData") in_data_ = false;
    else if (name == "c" && in_c_) {
      in_c_ = false;
      // No <v>, or an empty one in a cell of numbers (openpyxl writes
      // "<f>150+4</f><v></v>"); a formula whose result is "" says t="str".
      // Or a number, a boolean or a date in a workbook to be calculated
      // when opened (Workbook::recalculate_: libxlsxwriter's
      // "<f>A1+B1</f><v>0</v>"), and a text that reads as one (XlsxWriter
      // writes t="str" for a result given as a string: "999"); another text
      // the writer gave (a header written as a formula) and an error are kept. Given as an
      // error cell without text (sdk::CellType::error): the host refuses it
      // where a field is read from it, naming the cell, and leaves it alone
      // in a column no field reads.
      const bool uncalculated =
          book_.recalculate_ && (kind_ == Kind::number || kind_ == Kind::boolean || kind_ == Kind::date ||
                                 (kind_ == Kind::formula_text && sdk::reads_as_figure(value_)));
      if (has_formula_ && (uncalculated || !has_v_ || (kind_ == Kind::number && !has_value_)))
        return emit(sdk::CellType::error, {}, 0);
      if (!has_value_) return;  // a styled empty cell
      finish_cell(value_);
    }
  }
}

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
  if (hidden_unsaid_) [[unlikely]] {  // SDK, document.hpp: before the row's first cell
    hidden_unsaid_ = false;
    check(sink_.property("hidden_row", std::to_string(row)));
  }
  sdk::CellView c;
  c.row = row;
  c.column = col;
  c.type = type;
  c.text = text;
  c.number = number;
  const Style& style = style_of(xf);
  if (style.struck || text_struck_) [[unlikely]]  // SDK, document.hpp: before the cell
    check(sink_.property("struck_cell", std::to_string(row) + ":" + std::to_string(col)));
  if (style.unseen) [[unlikely]]
    check(sink_.property("unseen_cell", std::to_string(row) + ":" + std::to_string(col)));
  c.font = style.font;
  c.number_format = format_override_.empty() ? style.format : format_override_;
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

}  // namespace tonghop::xlsx
