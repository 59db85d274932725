#include "page.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <initializer_list>

#include "ascii.hpp"
#include "entities.hpp"
#include "gather.hpp"
#include "look.hpp"
#include "styles.hpp"
#include "table_model.hpp"
#include "text_encoding.hpp"
#include "tokens.hpp"

namespace tonghop::html {

namespace {

constexpr std::uint32_t kMaxColumn = TableModel::kMaxColumn;
constexpr std::uint32_t kMaxRow = 1048576;  // Excel's last row
constexpr std::size_t kMaxOpen = 1024;      // open elements, nested

bool is_block(std::string_view n) {  // starts a line of its own
  return one_of(n, {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "pre",
                    "blockquote", "center", "address", "form", "fieldset", "section", "article", "header",
                    "footer", "nav", "main", "aside", "figure", "figcaption", "legend", "hr"});
}
bool is_group(std::string_view n) { return n == "thead" || n == "tbody" || n == "tfoot"; }

// HTML's rules for a non-negative integer: spaces, an optional '+', digits.
std::uint32_t span_of(std::string_view v, std::uint32_t fallback, std::uint32_t most) {
  std::size_t i = 0;
  while (i < v.size() && is_space(v[i])) ++i;
  if (i < v.size() && v[i] == '+') ++i;
  std::uint64_t n = 0;
  const std::size_t first = i;
  for (; i < v.size() && v[i] >= '0' && v[i] <= '9'; ++i) n = std::min<std::uint64_t>(n * 10 + (v[i] - '0'), most);
  return i == first ? fallback : static_cast<std::uint32_t>(n);
}


bool finite_number(std::string_view text, double& value) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return !text.empty() && ec == std::errc() && end == text.data() + text.size() && std::isfinite(value);
}

std::string cell_name(std::uint32_t row, std::uint32_t column) { return sdk::column_letters(column) + std::to_string(row); }

// A page's text quoted in a message: at most 120 bytes, whole characters,
// and " / " (where the host parts the Vietnamese from the English) as "/",
// as the host's own quotable() writes it.
std::string quoted(std::string_view text) {
  const std::string_view head = utf8_head(text, 120);
  std::string out;
  for (std::size_t i = 0; i < head.size(); ++i) {
    out.push_back(head[i]);
    if (head.compare(i, 3, " / ") == 0) out.back() = '/', i += 2;
  }
  return head.size() < text.size() ? out + "…" : out;
}

}  // namespace

class PageReader {
 public:
  PageReader(std::string_view s, const sdk::Limits& limits, Page& out)
      : s_(s), limits_(limits), out_(out), cap_(limits.max_field_bytes != 0 ? limits.max_field_bytes + 1 : SIZE_MAX) {}

  sdk::Status run() {
    read_styles();
    if (!status_.ok()) return status_;
    Tokenizer tokens(s_);
    std::string_view text;
    Tag tag;
    for (Tokenizer::Kind k; status_.ok() && (k = tokens.next(text, tag)) != Tokenizer::Kind::end;) {
      pos_ = tokens.position();
      if (k == Tokenizer::Kind::text) {
        on_text(text);
      } else if (tag.end) {
        end_element(tag);
      } else if (is_raw(tag.name)) {
        (void)tokens.raw(tag.name);  // a script, a style (read before), a title: not the page's text
      } else {
        start_element(tag);
      }
      if (styles_.too_costly())
        refuse(sdk::Code::limit_exceeded, "trang web có quá nhiều quy tắc kiểu chữ áp vào quá nhiều thẻ",
               "the web page applies too many style rules to too many elements");
    }
    if (status_.ok()) end_table();
    if (status_.ok()) flush_line();
    return status_;
  }

 private:
  void refuse(sdk::Code code, const std::string& vi, const std::string& en, std::uint32_t row = 0,
              std::uint32_t column = 0) {
    if (!status_.ok()) return;
    sdk::Location where;
    where.row = row;
    where.column = column;
    where.offset = pos_;
    status_ = sdk::Status(code, vi + " / " + en, where);
  }
  void refuse_layout(const std::string& vi, const std::string& en, std::uint32_t row, std::uint32_t column = 0) {
    refuse(sdk::Code::unsupported,
           vi + "; hãy mở tệp bằng Excel hoặc LibreOffice, lưu lại dạng .xlsx rồi gửi lại",
           en + "; open it in Excel or LibreOffice, save it as .xlsx and resend it", row, column);
  }

  // Every <style> of the page first: a rule applies wherever it stands.
  void read_styles() {
    Tokenizer tokens(s_);
    std::string_view text;
    Tag tag;
    for (Tokenizer::Kind k; (k = tokens.next(text, tag)) != Tokenizer::Kind::end;) {
      if (k != Tokenizer::Kind::tag || tag.end) continue;
      if (tag.name == "style") {
        const std::string_view css = tokens.raw("style");
        if (tag.media.empty() || Styles::on_screen(tag.media)) styles_.add(css);  // not <style media="print">
      }
      else if (is_raw(tag.name)) (void)tokens.raw(tag.name);
      else if (tag.name == "link" && linked_.empty() && lowered(tag.rel).find("stylesheet") != std::string::npos)
        linked_ = "<link rel=\"" + tag.rel + "\">";
    }
    const std::string elsewhere = !linked_.empty() ? linked_ : styles_.imported();
    if (!elsewhere.empty())
      refuse_layout("trang web lấy kiểu chữ từ một tệp khác (" + quoted(elsewhere) +
                        ") không được gửi kèm: không biết ô nào bị ẩn hay gạch ngang",
                    "the web page takes its styles from another file (" + quoted(elsewhere) +
                        "), not sent with it: which cells are hidden or struck through is not known",
                    0);
    else if (!styles_.unplaced().empty())
      refuse_layout("trang web ẩn hoặc gạch ngang chữ bằng quy tắc kiểu «" + quoted(styles_.unplaced()) +
                        "», không biết quy tắc ấy rơi vào ô nào",
                    "the web page hides or strikes text with the style rule '" + quoted(styles_.unplaced()) +
                        "', whose cells are not known",
                    0);
    else if (styles_.too_many())
      refuse(sdk::Code::limit_exceeded, "trang web có quá nhiều quy tắc kiểu chữ",
             "the web page has too many style rules");
  }

  CssEffect css_of(const Tag& t) const {
    CssEffect e;
    if (t.name == "s" || t.name == "strike" || t.name == "del") e.struck = true;
    // Form controls and embedded objects: a browser does not show their text as the cell's.
    if (t.hidden || one_of(t.name, {"select", "object", "template", "xml", "datalist", "comment"})) e.removed = true;
    e.color = normal_color(t.name == "body" ? t.text : t.color);  // <body text="white">, <font color>
    e.background = normal_color(t.bgcolor);
    if (e.background == "transparent") e.background.clear();
    merge(e, styles_.of(t.name, t.klass, in_table_ ? &table_classes_ : nullptr));
    merge(e, css_effect(t.style));
    return e;
  }

  OpenElements& open() { return in_cell_ ? cell_open_ : outer_open_; }
  const Look& look_now() const {
    if (in_cell_) return cell_open_.empty() ? td_look_ : *cell_open_.top();
    if (in_table_ && !in_caption_) return row_ != 0 ? row_look_ : group_look_;
    return outer_open_.empty() ? page_look_ : *outer_open_.top();
  }

  // Character data between tags.
  void on_text(std::string_view t) {
    if (in_table_ && !in_cell_ && !in_caption_) {
      // Between a table's cells: a browser moves it above the table, a
      // spreadsheet program may not; where it belongs is not certain.
      Gather g;
      append_text(g, t, 4096);
      if (g.text.find_first_not_of(' ') != std::string::npos)
        refuse_layout("dòng " + std::to_string(row_ != 0 ? row_ : next_row_) + " của trang web có chữ «" +
                          quoted(g.text) + "» nằm trong bảng nhưng ngoài mọi ô, không rõ thuộc ô nào",
                      "row " + std::to_string(row_ != 0 ? row_ : next_row_) + " of the web page has the text '" +
                          quoted(g.text) + "' inside a table but outside its cells",
                      row_ != 0 ? row_ : next_row_);
      return;
    }
    Gather& into = in_cell_ ? cell_ : line_;
    const Look& look = look_now();
    // Text not laid out inside a cell: a note LibreOffice keeps in a hidden
    // <comment> is not the cell's; any other part a browser does not show
    // and Excel may read (Excel's own page hides the end of a text its
    // column clips so) leaves the cell uncertain (take() refuses it). A row
    // or table hidden whole is said as hidden rows instead.
    if (look.dropped) {
      if (in_cell_ && !look.note) {
        Gather probe;
        append_text(probe, t, 16);
        cell_.hidden_part |= !probe.text.empty();
      }
      return;
    }
    const std::size_t before = into.text.size();
    append_text(into, t, cap_);
    if (into.text.size() == before) return;
    into.struck |= look.struck;
    const bool unseen = in_cell_ ? look.unseen() && !(look.invisible && row_look_.invisible) : look.unseen();
    (unseen ? into.unseen : into.seen) = true;
  }

  void push(const Tag& t) {
    OpenElements& o = open();
    if (o.size() >= kMaxOpen) {
      refuse(sdk::Code::limit_exceeded,
             "trang web có hơn " + std::to_string(kMaxOpen) + " thẻ mở lồng nhau chưa đóng (gần dòng " +
                 std::to_string(next_row_) + "); hãy mở tệp bằng Excel hoặc LibreOffice, lưu lại dạng .xlsx rồi gửi lại",
             "the web page nests more than " + std::to_string(kMaxOpen) + " open elements (near row " +
                 std::to_string(next_row_) + "); open it in Excel or LibreOffice, save it as .xlsx and resend it",
             next_row_);
      return;
    }
    const Look& parent = o.empty() ? (in_cell_ ? td_look_ : page_look_) : *o.top();
    Look look = Look::under(parent, css_of(t));
    look.note |= t.name == "comment";  // LibreOffice's note of a cell
    o.push(t.name, std::move(look));
  }

  void start_element(const Tag& t) {
    const std::string& n = t.name;
    if (n == "table") return start_table(t);
    if (n == "br") return new_line();
    if (in_table_ && !in_cell_ && (n == "col" || n == "colgroup")) return column_element(t);
    if (in_table_ && n == "caption") return start_caption();
    if (in_table_ && (is_group(n) || n == "tr" || n == "td" || n == "th")) {
      end_cell();
      if (in_caption_) end_caption();
      end_colgroup();
      // What the page left open between the table's rows and cells (a
      // <font> before a <td>) ends there, as HTML's parser ends it.
      while (outer_open_.size() > table_depth_) outer_open_.pop_top();
      if (!status_.ok()) return;
      if (is_group(n)) return start_group(t);
      if (n == "tr") return start_row(t);
      if (row_ == 0) start_row(Tag{});
      if (status_.ok()) start_cell(t);
      return;
    }
    // "105<sup>1</sup>" (a footnote's mark) reads "105 (1)": never the count 1051.
    if (n == "sup" || n == "sub") (in_cell_ ? cell_ : line_).text += " (";
    if (is_block(n)) {
      OpenElements& o = open();
      if (!o.empty() && o.top_name() == "p") o.pop_top();  // a block closes an open <p>
      if (n == "li" && !o.empty() && o.top_name() == "li") o.pop_top();
      new_line();
    }
    if (!is_void(n)) push(t);  // "/>" does not close an element that is not void
  }

  void end_element(const Tag& t) {
    const std::string& n = t.name;
    if (n == "br") return new_line();  // "</br>" is a <br>
    if (n == "table") return end_table();
    if (in_table_ && n == "caption") return end_caption();
    if (in_table_ && n == "colgroup") return end_colgroup();
    if (in_table_ && (n == "td" || n == "th")) return end_cell();
    if (in_table_ && n == "tr") return end_cell(), end_row();
    if (in_table_ && is_group(n)) return end_cell(), end_row(), end_group();
    if (n == "sup" || n == "sub") {
      if (!open().pop(n)) return;
      std::string& text = (in_cell_ ? cell_ : line_).text;
      if (text.ends_with(" (")) text.resize(text.size() - 2);  // an empty footnote's mark: nothing
      else text += ")";
      return;
    }
    if (is_block(n)) new_line();
    open().pop(n);
  }

  void new_line() {
    if (in_cell_) line_break(cell_);
    else if (!in_table_ || in_caption_) flush_line();
  }

  void start_table(const Tag& t) {
    if (in_cell_ || in_caption_) {
      const std::uint32_t row = in_cell_ ? cell_row_ : next_row_, column = in_cell_ ? cell_col_ : 1;
      refuse_layout((in_cell_ ? "ô " + cell_name(row, column) : std::string("tiêu đề (caption) của bảng ở dòng ") +
                                                                    std::to_string(row)) +
                        " của trang web chứa một bảng khác (bảng lồng trong bảng): không chắc ô nào ở dòng, cột nào",
                    (in_cell_ ? "cell " + cell_name(row, column) : "the caption of the table at row " + std::to_string(row)) +
                        " of the web page holds another table (a nested table): where its cells belong is not certain",
                    row, column);
      return;
    }
    end_table();
    flush_line();
    in_table_ = true;
    ++out_.tables;
    table_look_ = Look::under(outer_open_.empty() ? page_look_ : *outer_open_.top(), css_of(t));
    group_look_ = table_look_;
    table_classes_ = Styles::classes(t.klass);
    table_depth_ = outer_open_.size();
    next_col_ = 1;
    model_.start_table();
    overhang_ = {};
    groups_.clear();
    columns_.clear();
    table_ = {next_row_, out_.cells.size(), out_.merges.size(), out_.hidden_rows.size()};
  }

  void end_table() {
    if (!in_table_) return;
    end_cell();
    end_row();
    end_group();
    end_colgroup();
    if (in_caption_) end_caption();
    in_table_ = false;
    if (status_.ok()) hidden_cells();
    if (status_.ok()) draw_in_order();
  }

  // Cells display:none takes out of their rows: a column every cell of which
  // is so (PhpSpreadsheet's hidden column) is a hidden column, read and
  // said; any other such cell shifts the cells after it in a browser, under
  // other headers, and is refused.
  void hidden_cells() {
    for (std::uint32_t c = 1; c < columns_.size(); ++c) {
      const ColumnCells& k = columns_[c];
      if (k.removed == 0) continue;
      if (k.removed == k.cells) {
        out_.hidden_columns.emplace_back(c, c);
        continue;
      }
      refuse_layout("ô " + cell_name(k.first_removed_row, c) + " của trang web bị ẩn hẳn (display:none hoặc hidden) "
                    "mà các ô khác cùng cột thì không: trình duyệt dồn các ô sau nó sang trái, không chắc ô nào thuộc "
                    "cột nào",
                    "cell " + cell_name(k.first_removed_row, c) + " of the web page is not laid out (display:none or "
                    "hidden) while others of its column are; which cell is under which header is not certain",
                    k.first_removed_row, c);
      return;
    }
  }

  // The table's groups as a browser draws them (a caption on top, a head
  // first, a foot last, wherever the page puts them).
  void draw_in_order() {
    const auto new_row = drawn_order(groups_, table_.row);
    if (!new_row.empty()) move_rows(out_, table_, new_row);
  }

  // A caption: a row of its own, drawn above its table wherever it stands.
  void start_caption() {
    end_cell();
    end_row();
    end_group();
    flush_line();
    in_caption_ = true;
    caption_first_row_ = next_row_;
  }
  void end_caption() {
    flush_line();  // its lines, each a row of its own, are one group
    if (next_row_ != caption_first_row_) groups_.push_back({RowGroup::Kind::caption, caption_first_row_, next_row_ - 1});
    in_caption_ = false;
  }

  // <col span=N> and <colgroup span=N> (without <col> in it): the columns
  // Excel's "save as web page" hides with display:none are said.
  void column_element(const Tag& t) {
    const std::uint32_t span = std::max<std::uint32_t>(1, span_of(t.span, 1, 1000));
    const Look look = Look::under(table_look_, css_of(t));
    if (t.name == "colgroup") {
      end_colgroup();
      colgroup_ = {true, false, span, look.removed || look.invisible};
      return;
    }
    colgroup_.has_col = true;
    const bool hidden = look.removed || look.invisible || (colgroup_.open && colgroup_.hidden);
    add_columns(span, hidden);
  }
  void end_colgroup() {
    if (colgroup_.open && !colgroup_.has_col) add_columns(colgroup_.span, colgroup_.hidden);
    colgroup_ = {};
  }
  void add_columns(std::uint32_t span, bool hidden) {
    if (next_col_ > kMaxColumn) return;
    const std::uint32_t last = std::min<std::uint32_t>(next_col_ + span - 1, kMaxColumn);
    if (hidden) out_.hidden_columns.emplace_back(next_col_, last);
    next_col_ = last + 1;
  }

  void start_group(const Tag& t) {
    end_row();
    end_group();
    group_ = {t.name == "thead" ? RowGroup::Kind::head : t.name == "tfoot" ? RowGroup::Kind::foot : RowGroup::Kind::body,
              next_row_, 0};
    group_open_ = true;
    group_look_ = Look::under(table_look_, css_of(t));
  }

  void start_row(const Tag& t) {
    end_row();
    if (!status_.ok()) return;
    if (next_row_ > kMaxRow) return too_many_rows();
    if (overhang_.first_row != 0) {
      // A rowspan meant past its row group, and rows follow it: a browser
      // stops it at the group's end, Excel may run it on over the next
      // group's cells and shift them right.
      refuse_layout("ô " + cell_name(overhang_.first_row, overhang_.first_column) + " của trang web gộp " +
                        std::to_string(overhang_.last_row - overhang_.first_row + 1) +
                        " dòng (rowspan) quá phần bảng của nó (thead, tbody, tfoot) mà sau đó còn dòng: không chắc "
                        "các ô dưới nó ở cột nào",
                    "cell " + cell_name(overhang_.first_row, overhang_.first_column) + " of the web page spans " +
                        std::to_string(overhang_.last_row - overhang_.first_row + 1) +
                        " rows (rowspan), past its row group, and rows follow; which column the cells below are in "
                        "is not certain",
                    overhang_.first_row, overhang_.first_column);
      return;
    }
    if (!group_open_) group_ = {RowGroup::Kind::body, next_row_, 0}, group_open_ = true;  // rows outside a tbody
    row_ = next_row_++;
    model_.start_row(row_);
    row_look_ = Look::under(group_look_, css_of(t));
    if (row_look_.removed || row_look_.invisible) out_.hidden_rows.push_back(row_);
  }

  void end_row() { row_ = 0; }
  void too_many_rows() {
    refuse(sdk::Code::limit_exceeded, "trang web có hơn " + std::to_string(kMaxRow) + " dòng",
           "the web page has more than " + std::to_string(kMaxRow) + " rows", next_row_);
  }

  // Cells spanning rows end with their row group (HTML's table model): a
  // rowspan past it, or rowspan="0", stops at the group's last row.
  void end_group() {
    if (const auto past = model_.end_group(next_row_ - 1, out_.merges); past.first_row != 0 && overhang_.first_row == 0)
      overhang_ = past;
    if (group_open_ && next_row_ > group_.first) groups_.push_back({group_.kind, group_.first, next_row_ - 1});
    group_open_ = false;
    group_look_ = table_look_;
  }

  void start_cell(const Tag& t) {
    const std::uint32_t colspan = std::max<std::uint32_t>(1, span_of(t.colspan, 1, 1000));
    const std::uint32_t rowspan = span_of(t.rowspan, 1, 65534);
    std::uint32_t x = model_.next_column();
    if (x == 0) {
      refuse(sdk::Code::limit_exceeded, "các bảng của trang web có quá nhiều ô gộp",
             "the web page's tables have too many spanning cells", row_);
      return;
    }
    const CssEffect own = css_of(t);
    // Excel's own page spans a text over the empty cells it runs into with
    // "mso-ignore:colspan": columns taken, but no merged range (a header
    // over its neighbour would name the neighbour's column too).
    const bool overflow = colspan > 1 && rowspan == 1 && own.ignores_colspan;
    const std::uint32_t first = x;
    switch (model_.take(x, colspan, rowspan, !overflow)) {
      case TableModel::Taken::ok:
        break;
      case TableModel::Taken::too_wide:
        refuse(sdk::Code::limit_exceeded,
               "dòng " + std::to_string(row_) + " của trang web có ô vượt quá cột cuối cùng của bảng tính (XFD)",
               "row " + std::to_string(row_) + " of the web page has a cell past the sheet's last column (XFD)", row_,
               TableModel::kMaxColumn);
        return;
      case TableModel::Taken::overlaps:
        // Two cells on one place: which one a program shows there is not certain.
        refuse_layout("ô " + cell_name(row_, first) + " của trang web trùm lên một ô gộp từ dòng trên (rowspan, "
                      "colspan chồng nhau): không chắc ô nào hiện ở đó",
                      "cell " + cell_name(row_, first) + " of the web page overlaps a cell spanning from a row above; "
                      "which one shows there is not certain",
                      row_, x);
        return;
    }
    x = first;
    // Cells display:none takes out of the row, judged by their column at the table's end (hidden_cells).
    if (columns_.size() <= x) columns_.resize(x + 1);
    ++columns_[x].cells;
    if (own.removed.value_or(false) && columns_[x].removed++ == 0) columns_[x].first_removed_row = row_;
    in_cell_ = true;
    cell_row_ = row_;
    cell_col_ = x;
    // What the row or the cell itself hides is said of the row or judged
    // with the column (hidden_cells); only what hides inside it is dropped.
    td_look_ = Look::under(row_look_, own);
    td_look_.dropped = false;
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
    if (next_row_ > kMaxRow) return too_many_rows();
    take(line_, next_row_++, 1, {});
  }

  // A gathered text as the cell at row, column (nothing when it is blank).
  void take(Gather& g, std::uint32_t row, std::uint32_t column, std::string_view num) {
    std::string_view t = g.text;
    while (!t.empty() && (t.front() == ' ' || t.front() == '\n')) t.remove_prefix(1);
    while (!t.empty() && (t.back() == ' ' || t.back() == '\n')) t.remove_suffix(1);
    // Excel's own page gives the value beside what it shows: a cell that
    // shows nothing (a ";;;" format) has a value the clerk does not see.
    // Where a text is shown, the text is read, as a clerk reads it (a page
    // made from an Excel template may keep the template's x:num).
    double number = 0;
    const bool hidden_number = t.empty() && finite_number(num, number);
    if (t.empty() && !hidden_number && !g.hidden_part) return g.clear();
    if (g.too_long || (limits_.max_field_bytes != 0 && t.size() > limits_.max_field_bytes)) {
      refuse(sdk::Code::limit_exceeded,
             "ô " + cell_name(row, column) + " của trang web dài hơn giới hạn " + std::to_string(limits_.max_field_bytes) +
                 " byte",
             "cell " + cell_name(row, column) + " of the web page is longer than the limit of " +
                 std::to_string(limits_.max_field_bytes) + " bytes",
             row, column);
      return;
    }
    if (g.hidden_part) {
      refuse_layout("một phần chữ của ô " + cell_name(row, column) + " trên trang web bị ẩn (display:none, hoặc "
                    "trong một ô chọn): trình duyệt không hiện nhưng Excel có thể đọc, không chắc ô ghi gì",
                    "part of the text of cell " + cell_name(row, column) + " of the web page is not laid out "
                    "(display:none, or in a drop-down list): a browser does not show it, Excel may read it; what the "
                    "cell holds is not certain",
                    row, column);
      return;
    }
    if (g.seen && g.unseen) {
      // Part of it drawn so that it cannot be seen ("17" and a white "99"):
      // what the clerk reads there is not certain.
      refuse_layout("một phần chữ của ô " + cell_name(row, column) + " trên trang web không nhìn thấy được (cùng màu "
                    "nền, ẩn hoặc trong suốt): không chắc ô ghi gì",
                    "part of the text of cell " + cell_name(row, column) + " of the web page cannot be seen; what "
                    "the cell holds is not certain",
                    row, column);
      return;
    }
    std::string nfc;  // combining marks (Windows-1258's tones, a Mac's letters, &#803;): NFC
    if (t.find('\xCC') != std::string_view::npos || t.find('\xCD') != std::string_view::npos) {
      nfc = textcodec::to_nfc(t);
      t = nfc;
    }
    if (limits_.max_cells != 0 && out_.cells.size() >= limits_.max_cells) {
      refuse(sdk::Code::limit_exceeded, "trang web có nhiều ô hơn giới hạn " + std::to_string(limits_.max_cells) + " ô",
             "the web page has more cells than the limit of " + std::to_string(limits_.max_cells), row, column);
      return;
    }
    PageCell c;
    c.row = row;
    c.column = column;
    c.offset = static_cast<std::uint32_t>(out_.text.size());
    c.length = static_cast<std::uint32_t>(t.size());
    c.struck = g.struck;
    c.unseen = g.unseen || hidden_number;
    c.has_number = hidden_number;
    c.number = number;
    out_.text.append(t);
    out_.cells.push_back(c);
    g.clear();
  }

  std::string_view s_;
  const sdk::Limits& limits_;
  Page& out_;
  sdk::Status status_;
  std::size_t pos_ = 0;  // where the reading is, for a refusal's offset
  const std::size_t cap_;  // a cell's text gathered up to: one past the limit
  Styles styles_;
  std::string linked_;  // a linked stylesheet

  std::uint32_t next_row_ = 1;  // the sheet's next row
  Gather line_;                 // text outside the tables (or a caption): a row of its own
  Look page_look_;
  OpenElements outer_open_;

  bool in_table_ = false, in_caption_ = false;
  std::uint32_t caption_first_row_ = 0;
  sdk::MergedRange overhang_{};  // a rowspan meant past its ended group (TableModel::end_group)
  std::vector<std::string> table_classes_;  // the open table's (Styles::classes)
  std::size_t table_depth_ = 0;  // outer elements open when it began
  std::vector<RowGroup> groups_;
  RowGroup group_{RowGroup::Kind::body, 0, 0};
  bool group_open_ = false;
  TableStart table_;  // where the open table's rows, cells, ranges and hidden rows begin
  struct ColumnCells {
    std::uint32_t cells = 0, removed = 0, first_removed_row = 0;
  };
  std::vector<ColumnCells> columns_;  // by the column cells begin in
  Look table_look_, group_look_, row_look_, td_look_;
  std::uint32_t row_ = 0;  // the open row's number, 0 when none
  TableModel model_;
  std::uint32_t next_col_ = 1;  // the next column a <col> describes
  struct {
    bool open = false, has_col = false;
    std::uint32_t span = 1;
    bool hidden = false;
  } colgroup_;

  bool in_cell_ = false;
  Gather cell_;
  std::uint32_t cell_row_ = 0, cell_col_ = 0;
  std::string num_;
  OpenElements cell_open_;
};

sdk::Status read_page(std::string_view text, const sdk::Limits& limits, Page& out) {
  return PageReader(text, limits, out).run();
}

}  // namespace tonghop::html
