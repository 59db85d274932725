#include "page.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>

#include "entities.hpp"
#include "styles.hpp"
#include "text_encoding.hpp"

namespace tonghop::html {

namespace {

constexpr std::uint32_t kMaxColumn = 16384;     // Excel's XFD
constexpr std::uint32_t kMaxRow = 1048576;      // and its last row
constexpr std::size_t kMaxOpen = 1024;          // open elements, nested
constexpr std::uint64_t kMaxSlotWalk = 1u << 28;  // columns stepped over under cells from above
constexpr std::uint32_t kToGroupEnd = UINT32_MAX;

bool space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

bool one_of(std::string_view name, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}
bool is_void(std::string_view n) {
  return one_of(n, {"br", "img", "input", "meta", "link", "hr", "col", "wbr", "area", "base", "param", "source",
                    "embed", "track", "keygen", "basefont", "frame"});
}
bool is_raw(std::string_view n) {  // their content is not the page's text
  return one_of(n, {"script", "style", "title", "textarea", "xmp", "iframe", "noembed", "noframes", "noscript",
                    "template", "select", "object", "xml"});
}
bool is_block(std::string_view n) {  // starts a line of its own
  return one_of(n, {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "pre",
                    "blockquote", "center", "address", "form", "fieldset", "section", "article", "header",
                    "footer", "nav", "main", "aside", "figure", "figcaption", "legend", "hr"});
}

// A tag as written: its name in lower case, the attributes this reader uses.
struct Tag {
  std::string name;
  bool end = false, self_closing = false;
  std::string colspan, rowspan, style, klass, num, color, bgcolor;
  bool hidden = false;
};

std::uint32_t span_of(std::string_view v, std::uint32_t fallback, std::uint32_t most) {
  std::size_t i = 0;
  while (i < v.size() && space(v[i])) ++i;
  std::uint64_t n = 0;
  const std::size_t first = i;
  for (; i < v.size() && v[i] >= '0' && v[i] <= '9'; ++i) n = std::min<std::uint64_t>(n * 10 + (v[i] - '0'), most);
  return i == first ? fallback : static_cast<std::uint32_t>(n);
}

bool ignores_colspan(std::string_view style) {
  std::string d;
  for (const char c : style)
    if (!space(c)) d.push_back(lower(c));
  return d.find("mso-ignore:colspan") != std::string::npos;
}

}  // namespace

class PageReader {
 public:
  PageReader(std::string_view s, const sdk::Limits& limits, Page& out) : s_(s), limits_(limits), out_(out) {}

  sdk::Status run() {
    while (pos_ < s_.size() && status_.ok()) {
      const std::size_t lt = s_.find('<', pos_);
      text(s_.substr(pos_, (lt == std::string_view::npos ? s_.size() : lt) - pos_));
      if (lt == std::string_view::npos || !status_.ok()) break;
      pos_ = lt;
      markup();
    }
    if (status_.ok()) end_table();
    if (status_.ok()) flush_line();
    return status_;
  }

 private:
  struct Open {
    std::string name;
    std::uint8_t effect;            // its own and its parents' (kStruck | kUnseen)
    std::string color, background;  // its own or its parents', "" when none gives one
  };
  // Colours of a table, a row or a cell ("" when not given there).
  struct Paint {
    std::string color, background;
    void set(const CssEffect& e, const Paint* parent) {
      color = !e.color.empty() ? e.color : parent != nullptr ? parent->color : std::string();
      background = !e.background.empty() ? e.background : parent != nullptr ? parent->background : std::string();
    }
  };
  static constexpr std::uint8_t kStruck = 1, kUnseen = 2;

  // A buffer of text being gathered (a cell's, or a line outside the tables).
  struct Gather {
    std::string text;
    bool space = false;
    std::uint8_t effect = 0;
    void clear() { text.clear(), space = false, effect = 0; }
  };

  void refuse(sdk::Code code, const std::string& vi, const std::string& en, std::uint32_t row = 0,
              std::uint32_t column = 0) {
    if (!status_.ok()) return;
    sdk::Location where;
    where.row = row;
    where.column = column;
    where.offset = pos_;
    status_ = sdk::Status(code, vi + " / " + en, where);
  }

  // An element's effect: its presentational attributes (<font color>,
  // bgcolor), then its element's and classes' rules, then its style.
  CssEffect css_of(const Tag& t) const {
    CssEffect e;
    e.struck = t.name == "s" || t.name == "strike" || t.name == "del";
    e.removed = t.hidden;
    e.color = normal_color(t.color);
    e.background = normal_color(t.bgcolor);
    merge(e, styles_.of(t.name, t.klass));
    merge(e, css_effect(t.style));
    if (e.background == "transparent") e.background.clear();
    return e;
  }
  std::uint8_t effect_of(const Tag& t) const {
    const CssEffect e = css_of(t);
    return static_cast<std::uint8_t>((e.struck ? kStruck : 0) | (e.removed || e.invisible ? kUnseen : 0));
  }

  std::vector<Open>& stack() { return in_cell_ ? cell_open_ : outer_open_; }
  std::uint8_t effect_now() {
    std::uint8_t e = outer_open_.empty() ? 0 : outer_open_.back().effect;
    if (in_table_) e |= table_effect_ | (row_effect_ & kStruck);  // a hidden row is said as one (hidden_rows)
    if (in_cell_) e |= td_effect_ | (cell_open_.empty() ? 0 : cell_open_.back().effect);
    return e;
  }

  // Character data between tags.
  void text(std::string_view t) {
    if (t.empty()) return;
    Gather* into = in_cell_ ? &cell_ : (in_table_ && !in_caption_) ? nullptr : &line_;
    if (into == nullptr) {
      // Between a table's cells: a browser moves it before the table, a
      // spreadsheet program may not; where it belongs is not certain.
      Gather g;
      append(g, t);
      if (!g.text.empty() && g.text.find_first_not_of(' ') != std::string::npos)
        refuse(sdk::Code::invalid_input,
               "trang web có chữ «" + g.text.substr(0, 60) +
                   "» nằm trong bảng nhưng ngoài mọi ô, không rõ thuộc dòng nào; hãy mở tệp bằng Excel hoặc "
                   "LibreOffice, lưu lại dạng .xlsx rồi gửi lại",
               "the web page has the text '" + g.text.substr(0, 60) +
                   "' inside a table but outside its cells; where it belongs is not certain",
               row_ != 0 ? row_ : next_row_);
      return;
    }
    // Text a browser does not show inside a cell or a line (a note
    // LibreOffice keeps in a hidden <comment>) is not the cell's.
    const auto& open = in_cell_ ? cell_open_ : outer_open_;
    if (!open.empty() && (open.back().effect & kUnseen) != 0 && (in_cell_ || !in_table_)) return;
    const std::size_t before = into->text.size();
    append(*into, t);
    if (into->text.size() != before) {
      into->effect |= effect_now();
      if (color_now() == background_now()) into->effect |= kUnseen;  // white on white
    }
  }

  // The colours text gets here: the innermost that gives one, else black on white.
  std::string_view color_now() const {
    if (in_cell_ && !cell_open_.empty() && !cell_open_.back().color.empty()) return cell_open_.back().color;
    if (in_cell_ && !td_paint_.color.empty()) return td_paint_.color;
    if (in_table_ && !row_paint_.color.empty()) return row_paint_.color;
    if (in_table_ && !table_paint_.color.empty()) return table_paint_.color;
    if (!outer_open_.empty() && !outer_open_.back().color.empty()) return outer_open_.back().color;
    return "#000000";
  }
  std::string_view background_now() const {
    if (in_cell_ && !cell_open_.empty() && !cell_open_.back().background.empty()) return cell_open_.back().background;
    if (in_cell_ && !td_paint_.background.empty()) return td_paint_.background;
    if (in_table_ && !row_paint_.background.empty()) return row_paint_.background;
    if (in_table_ && !table_paint_.background.empty()) return table_paint_.background;
    if (!outer_open_.empty() && !outer_open_.back().background.empty()) return outer_open_.back().background;
    return "#ffffff";
  }

  // HTML's white space collapsed, references decoded; U+00A0 is a space
  // that does not collapse (ends are trimmed when the text is taken).
  void append(Gather& g, std::string_view t) {
    for (std::size_t i = 0; i < t.size(); ++i) {
      const char c = t[i];
      if (space(c)) {
        g.space = !g.text.empty() && g.text.back() != '\n';
        continue;
      }
      if (g.space) g.text.push_back(' '), g.space = false;
      if (c == '&') {
        const Reference r = read_reference(t.substr(i + 1));
        if (r.length != 0) {
          if (r.code == 0xA0) g.text.push_back(' ');
          else append_utf8(g.text, r.code);
          i += r.length;
          continue;
        }
      }
      g.text.push_back(c);
    }
  }

  void line_break(Gather& g) {
    while (!g.text.empty() && g.text.back() == ' ') g.text.pop_back();
    if (!g.text.empty() && g.text.back() != '\n') g.text.push_back('\n');
    g.space = false;
  }

  // Markup at pos_ ('<'): a comment, a declaration, a tag or a '<' of the text.
  void markup() {
    const std::string_view rest = s_.substr(pos_);
    if (rest.starts_with("<!--")) {
      const std::size_t end = s_.find("-->", pos_ + 4);
      pos_ = end == std::string_view::npos ? s_.size() : end + 3;
      return;
    }
    if (rest.size() > 1 && (rest[1] == '!' || rest[1] == '?')) {
      const std::size_t end = s_.find('>', pos_);
      pos_ = end == std::string_view::npos ? s_.size() : end + 1;
      return;
    }
    const bool end_tag = rest.size() > 1 && rest[1] == '/';
    const std::size_t name_at = end_tag ? 2 : 1;
    if (rest.size() <= name_at || !std::isalpha(static_cast<unsigned char>(rest[name_at]))) {
      text(rest.substr(0, 1));  // a '<' of the text
      ++pos_;
      return;
    }
    Tag t;
    t.end = end_tag;
    std::size_t i = pos_ + name_at;
    while (i < s_.size() && !space(s_[i]) && s_[i] != '/' && s_[i] != '>') t.name.push_back(lower(s_[i++]));
    i = attributes(i, t);
    pos_ = i;
    if (t.end) end_element(t);
    else start_element(t);
  }

  // The attributes from `i`, up to and past the tag's '>'.
  std::size_t attributes(std::size_t i, Tag& t) {
    while (i < s_.size()) {
      while (i < s_.size() && (space(s_[i]) || s_[i] == '/')) {
        if (s_[i] == '/' && i + 1 < s_.size() && s_[i + 1] == '>') t.self_closing = true;
        ++i;
      }
      if (i >= s_.size()) break;
      if (s_[i] == '>') return i + 1;
      std::string name;
      while (i < s_.size() && !space(s_[i]) && s_[i] != '/' && s_[i] != '>' && (s_[i] != '=' || name.empty()))
        name.push_back(lower(s_[i++]));
      while (i < s_.size() && space(s_[i])) ++i;
      std::string_view value;
      if (i < s_.size() && s_[i] == '=') {
        ++i;
        while (i < s_.size() && space(s_[i])) ++i;
        if (i < s_.size() && (s_[i] == '"' || s_[i] == '\'')) {
          const std::size_t close = s_.find(s_[i], i + 1);
          const std::size_t end = close == std::string_view::npos ? s_.size() : close;
          value = s_.substr(i + 1, end - i - 1);
          i = close == std::string_view::npos ? s_.size() : close + 1;
        } else {
          const std::size_t first = i;
          while (i < s_.size() && !space(s_[i]) && s_[i] != '>') ++i;
          value = s_.substr(first, i - first);
        }
      }
      std::string* into = name == "colspan" ? &t.colspan
                          : name == "rowspan" ? &t.rowspan
                          : name == "style"   ? &t.style
                          : name == "class"   ? &t.klass
                          : name == "x:num"   ? &t.num
                          : name == "color"   ? &t.color
                          : name == "bgcolor" ? &t.bgcolor
                                              : nullptr;
      if (into != nullptr) {
        Gather g;
        append(g, value);
        *into = value.find('&') == std::string_view::npos ? std::string(value) : g.text;
      } else if (name == "hidden") {
        t.hidden = true;
      }
    }
    return i;
  }

  void skip_raw(std::string_view name) {
    // Up to the element's end tag, whatever comes between.
    for (std::size_t i = s_.find("</", pos_); i != std::string_view::npos; i = s_.find("</", i + 2)) {
      if (i + 2 + name.size() <= s_.size() && iequals(s_.substr(i + 2, name.size()), name)) {
        const std::size_t after = i + 2 + name.size();
        if (after == s_.size() || space(s_[after]) || s_[after] == '>' || s_[after] == '/') {
          if (name == "style") styles_.add(s_.substr(pos_, i - pos_));
          const std::size_t gt = s_.find('>', after);
          pos_ = gt == std::string_view::npos ? s_.size() : gt + 1;
          return;
        }
      }
    }
    if (name == "style") styles_.add(s_.substr(pos_));
    pos_ = s_.size();
  }

  void push(const Tag& t) {
    auto& st = stack();
    if (st.size() >= kMaxOpen) {
      refuse(sdk::Code::limit_exceeded, "trang web lồng quá " + std::to_string(kMaxOpen) + " thẻ chưa đóng",
             "the web page nests more than " + std::to_string(kMaxOpen) + " open elements");
      return;
    }
    const CssEffect e = css_of(t);
    Open o{t.name, effect_of(t), e.color, e.background};
    if (!st.empty()) {
      o.effect |= st.back().effect;
      if (o.color.empty()) o.color = st.back().color;
      if (o.background.empty()) o.background = st.back().background;
    }
    st.push_back(std::move(o));
  }
  void pop(std::string_view name) {
    auto& st = stack();
    for (std::size_t k = st.size(); k-- > 0;)
      if (st[k].name == name) {
        st.resize(k);
        return;
      }
  }

  void start_element(const Tag& t) {
    const std::string& n = t.name;
    if (is_raw(n)) {
      if (!t.self_closing) skip_raw(n);
      return;
    }
    if (n == "table") return start_table(t);
    if (n == "caption" && in_table_) {
      end_row();
      flush_line();
      in_caption_ = true;
      return;
    }
    if (n == "thead" || n == "tbody" || n == "tfoot") {
      if (!in_table_ || (in_cell_ && !close_cell_for_structure())) return;
      end_row();
      end_group();
      if (footer_rows_) return refuse_after_footer();
      in_footer_ = n == "tfoot";
      return;
    }
    if (n == "tr") {
      if (!in_table_ || (in_cell_ && !close_cell_for_structure())) return;
      return start_row(t);
    }
    if (n == "td" || n == "th") {
      if (!in_table_ || (in_cell_ && !close_cell_for_structure())) return;
      if (row_ == 0) start_row(Tag{});
      if (status_.ok()) start_cell(t);
      return;
    }
    if (n == "br") {
      line_break(in_cell_ ? cell_ : line_);
      if (!in_cell_ && !in_table_) flush_line();
      return;
    }
    if (is_block(n)) {
      if (!stack().empty() && stack().back().name == "p") stack().pop_back();  // a block closes an open <p>
      if (n == "li" && !stack().empty() && stack().back().name == "li") stack().pop_back();
      if (in_cell_) line_break(cell_);
      else if (!in_table_ || in_caption_) flush_line();
    }
    if (!is_void(n) && !t.self_closing) push(t);
  }

  void end_element(const Tag& t) {
    const std::string& n = t.name;
    if (n == "table") return end_table();
    if (!in_table_ && (n == "td" || n == "th" || n == "tr" || n == "thead" || n == "tbody" || n == "tfoot")) return;
    if (n == "caption") {
      if (in_caption_) flush_line(), in_caption_ = false;
      return;
    }
    if (n == "td" || n == "th") return end_cell();
    if (n == "tr") return end_cell(), end_row();
    if (n == "thead" || n == "tbody" || n == "tfoot") return end_cell(), end_row(), end_group();
    if (is_block(n)) {
      if (in_cell_) line_break(cell_);
      else if (!in_table_ || in_caption_) flush_line();
    }
    pop(n);
  }

  // A <tr>, <td> or row group inside an open cell: the cell ends there
  // (HTML's parser does the same); a <table> inside one does not.
  bool close_cell_for_structure() {
    end_cell();
    return status_.ok();
  }

  void start_table(const Tag& t) {
    if (in_cell_) {
      refuse(sdk::Code::unsupported,
             "ô " + column_name(cell_col_) + std::to_string(cell_row_) +
                 " của trang web chứa một bảng khác (bảng lồng trong bảng): không chắc ô nào ở dòng, cột nào; hãy "
                 "mở tệp bằng Excel hoặc LibreOffice, lưu lại dạng .xlsx rồi gửi lại",
             "cell " + column_name(cell_col_) + std::to_string(cell_row_) +
                 " of the web page holds another table (a nested table); where its cells belong is not certain",
             cell_row_, cell_col_);
      return;
    }
    end_table();
    flush_line();
    in_table_ = true;
    ++out_.tables;
    table_effect_ = effect_of(t) | (outer_open_.empty() ? 0 : outer_open_.back().effect);
    Paint outer;
    if (!outer_open_.empty()) outer.color = outer_open_.back().color, outer.background = outer_open_.back().background;
    table_paint_.set(css_of(t), &outer);
    group_first_ = next_row_;
    covered_.clear();
  }

  void end_table() {
    if (!in_table_) return;
    end_cell();
    end_row();
    end_group();
    if (in_caption_) flush_line(), in_caption_ = false;
    in_table_ = false;
    footer_rows_ = in_footer_ = false;
  }

  void refuse_after_footer() {
    refuse(sdk::Code::unsupported,
           "bảng của trang web có phần chân (tfoot) đứng trước các dòng khác: trình duyệt hiện nó ở cuối, không "
           "chắc dòng nào ở đâu; hãy mở tệp bằng Excel hoặc LibreOffice, lưu lại dạng .xlsx rồi gửi lại",
           "a table of the web page has its footer (tfoot) before other rows; which row is where is not certain",
           next_row_);
  }

  void start_row(const Tag& t) {
    end_cell();
    end_row();
    if (!status_.ok()) return;
    if (footer_rows_ && !in_footer_) return refuse_after_footer();
    if (next_row_ > kMaxRow) {
      refuse(sdk::Code::limit_exceeded, "trang web có hơn " + std::to_string(kMaxRow) + " dòng",
             "the web page has more than " + std::to_string(kMaxRow) + " rows", next_row_);
      return;
    }
    row_ = next_row_++;
    if (in_footer_) footer_rows_ = true;
    x_ = 1;
    row_effect_ = effect_of(t);
    row_paint_.set(css_of(t), nullptr);
    if (row_effect_ & kUnseen) out_.hidden_rows.push_back(row_);
  }

  void end_row() { row_ = 0; }

  // Cells spanning rows end with their row group (HTML's table model): a
  // rowspan past it, or rowspan="0", stops at the group's last row.
  void end_group() {
    const std::uint32_t last = next_row_ - 1;
    for (auto& m : spans_) {
      m.last_row = std::min(m.last_row, std::max(last, m.first_row));
      if (m.last_row > m.first_row || m.last_column > m.first_column) out_.merges.push_back(m);
    }
    spans_.clear();
    covered_.clear();
    group_first_ = next_row_;
  }

  void start_cell(const Tag& t) {
    if (css_of(t).removed) {
      // A browser lays the row out without it, the cells after it shifted
      // left under other headers; a spreadsheet program may not.
      refuse(sdk::Code::unsupported,
             "dòng " + std::to_string(row_) +
                 " của trang web có một ô bị ẩn hẳn (display:none): trình duyệt dồn các ô sau nó sang trái, không "
                 "chắc ô nào thuộc cột nào; hãy mở tệp bằng Excel hoặc LibreOffice, lưu lại dạng .xlsx rồi gửi lại",
             "row " + std::to_string(row_) +
                 " of the web page has a cell not laid out (display:none): which cell is under which header is not "
                 "certain",
             row_, x_);
      return;
    }
    const std::uint32_t colspan = std::max<std::uint32_t>(1, span_of(t.colspan, 1, 1000));
    const std::uint32_t rowspan = span_of(t.rowspan, 1, 65534);
    std::uint32_t x = x_;
    while (x < covered_.size() && covered_[x] >= row_) {
      ++x;
      if (++walked_ > kMaxSlotWalk) {
        refuse(sdk::Code::limit_exceeded, "các bảng của trang web có quá nhiều ô gộp",
               "the web page's tables have too many spanning cells", row_, x);
        return;
      }
    }
    const std::uint64_t last_column = std::uint64_t{x} + colspan - 1;
    if (last_column > kMaxColumn) {
      refuse(sdk::Code::limit_exceeded,
             "dòng " + std::to_string(row_) + " của trang web có ô vượt quá cột cuối cùng của bảng tính (XFD)",
             "row " + std::to_string(row_) + " of the web page has a cell past the sheet's last column (XFD)", row_,
             kMaxColumn);
      return;
    }
    if (rowspan != 1) {
      if (covered_.size() <= last_column) covered_.resize(last_column + 1, 0);
      const std::uint32_t until = rowspan == 0 ? kToGroupEnd : row_ + rowspan - 1;
      for (std::uint32_t c = x; c <= last_column; ++c) covered_[c] = until;
    }
    // Excel's own page spans a text over the empty cells it runs into with
    // "mso-ignore:colspan": columns taken, but no merged range (a header
    // over its neighbour would name the neighbour's column too).
    const bool overflow = colspan > 1 && rowspan == 1 && ignores_colspan(t.style);
    if ((colspan > 1 || rowspan != 1) && !overflow)
      spans_.push_back({row_, x, rowspan == 0 ? kToGroupEnd : row_ + rowspan - 1, static_cast<std::uint32_t>(last_column)});
    x_ = static_cast<std::uint32_t>(last_column) + 1;
    in_cell_ = true;
    cell_row_ = row_;
    cell_col_ = x;
    td_effect_ = effect_of(t);
    td_paint_.set(css_of(t), nullptr);
    cell_.clear();
    cell_open_.clear();
    num_ = t.num;
  }

  void end_cell() {
    if (!in_cell_) return;
    in_cell_ = false;
    cell_open_.clear();
    take(cell_, cell_row_, cell_col_, num_);
  }

  void flush_line() {
    if (line_.text.find_first_not_of(" \n") == std::string::npos) {
      line_.clear();
      return;
    }
    if (next_row_ > kMaxRow) {
      refuse(sdk::Code::limit_exceeded, "trang web có hơn " + std::to_string(kMaxRow) + " dòng",
             "the web page has more than " + std::to_string(kMaxRow) + " rows", next_row_);
      return;
    }
    take(line_, next_row_++, 1, {});
  }

  // A gathered text as the cell at row, column (nothing when it is blank).
  void take(Gather& g, std::uint32_t row, std::uint32_t column, std::string_view num) {
    std::string_view t = g.text;
    while (!t.empty() && (t.front() == ' ' || t.front() == '\n')) t.remove_prefix(1);
    while (!t.empty() && (t.back() == ' ' || t.back() == '\n')) t.remove_suffix(1);
    if (t.empty()) return g.clear();
    // Combining marks (Windows-1258's tones, a Mac's letters, &#803;): NFC,
    // as every importer gives text.
    std::string nfc;
    if (t.find('\xCC') != std::string_view::npos || t.find('\xCD') != std::string_view::npos) {
      nfc = textcodec::to_nfc(t);
      t = nfc;
    }
    if (limits_.max_field_bytes != 0 && t.size() > limits_.max_field_bytes) {
      refuse(sdk::Code::limit_exceeded,
             "ô " + column_name(column) + std::to_string(row) + " của trang web dài hơn giới hạn " +
                 std::to_string(limits_.max_field_bytes) + " byte",
             "cell " + column_name(column) + std::to_string(row) + " of the web page is longer than the limit of " +
                 std::to_string(limits_.max_field_bytes) + " bytes",
             row, column);
      return;
    }
    if (limits_.max_cells != 0 && out_.cells.size() >= limits_.max_cells) {
      refuse(sdk::Code::limit_exceeded,
             "trang web có nhiều ô hơn giới hạn " + std::to_string(limits_.max_cells) + " ô",
             "the web page has more cells than the limit of " + std::to_string(limits_.max_cells), row, column);
      return;
    }
    PageCell c;
    c.row = row;
    c.column = column;
    c.offset = static_cast<std::uint32_t>(out_.text.size());
    c.length = static_cast<std::uint32_t>(t.size());
    c.struck = (g.effect & kStruck) != 0;
    c.unseen = (g.effect & kUnseen) != 0;
    // Excel's own HTML gives a number beside what it shows ("1.234"): the number.
    if (!num.empty()) {
      double v = 0;
      const auto [end, ec] = std::from_chars(num.data(), num.data() + num.size(), v);
      if (ec == std::errc() && end == num.data() + num.size()) c.has_number = true, c.number = v;
    }
    out_.text.append(t);
    out_.cells.push_back(c);
    g.clear();
  }

  static std::string column_name(std::uint32_t column) {
    std::string s;
    for (; column > 0; column = (column - 1) / 26) s.insert(s.begin(), static_cast<char>('A' + (column - 1) % 26));
    return s;
  }

  std::string_view s_;
  const sdk::Limits& limits_;
  Page& out_;
  sdk::Status status_;
  std::size_t pos_ = 0;
  Styles styles_;

  std::uint32_t next_row_ = 1;  // the sheet's next row
  Gather line_;                 // text outside the tables (or a caption), one row
  std::vector<Open> outer_open_;

  bool in_table_ = false, in_caption_ = false, in_footer_ = false, footer_rows_ = false;
  std::uint8_t table_effect_ = 0, row_effect_ = 0, td_effect_ = 0;
  Paint table_paint_, row_paint_, td_paint_;
  std::uint32_t group_first_ = 0;
  std::uint32_t row_ = 0;  // the open row's number, 0 when none
  std::uint32_t x_ = 1;    // where the row's next cell may go
  std::vector<std::uint32_t> covered_;  // by column: the last row a cell above takes
  std::vector<sdk::MergedRange> spans_;  // of the open row group
  std::uint64_t walked_ = 0;

  bool in_cell_ = false;
  Gather cell_;
  std::uint32_t cell_row_ = 0, cell_col_ = 0;
  std::string num_;
  std::vector<Open> cell_open_;
};

sdk::Status read_page(std::string_view text, const sdk::Limits& limits, Page& out) {
  return PageReader(text, limits, out).run();
}

}  // namespace tonghop::html
