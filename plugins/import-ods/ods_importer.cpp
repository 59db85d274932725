// The OpenDocument spreadsheet importer (.ods, what LibreOffice saves). The
// same zip guard and pull XML reader as the xlsx importer (plugins/zipxml);
// content.xml is read in one pass as it inflates: its automatic styles come
// before the tables, so each cell's font (".VnTime" means TCVN3 text) is known
// when the cell is read.
//
// Rows and cells may say they repeat (table:number-rows-repeated,
// table:number-columns-repeated): LibreOffice writes a sheet's empty tail as
// one row repeated a million times. Empty repeats only move the position; a
// repeated cell with a value counts each copy against limits.max_cells, and
// a repeat that would pass it is refused before any copy is made.
// Merged cells are table:number-columns-spanned / number-rows-spanned.
// Booleans and dates follow the SDK's rule (document.hpp).
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include <tonghop/sdk.hpp>

#include "cell_styles.hpp"
#include "spreadsheetml.hpp"
#include "part.hpp"
#include "xml_reader.hpp"
#include "zip_guard.hpp"

namespace sdk = tonghop::sdk;
using tonghop::zipxml::EntryIndex;
using tonghop::zipxml::EntryStream;
using tonghop::zipxml::XmlReader;
using tonghop::zipxml::ZipEntry;

namespace {

constexpr std::string_view kMime = "application/vnd.oasis.opendocument.spreadsheet";
constexpr std::uint64_t kLastRow = UINT32_MAX, kLastColumn = UINT32_MAX;
// The advice of a refusal in Vietnamese (the English says it its own way).
constexpr const char* kResaveVi = "; hãy mở bằng LibreOffice hoặc Excel, lưu lại dạng .xlsx rồi gửi lại";

// "12", "" -> fallback; anything else that is not a count -> 0 (refused by the caller).
std::uint64_t to_count(std::string_view s, std::uint64_t fallback = 1) {
  if (s.empty()) return fallback;
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return 0;
  return std::min<std::uint64_t>(v, 1ull << 40);  // past any sheet; keeps the sums below from overflowing
}

// "PT12H30M05.5S" (an ODF time value) -> fraction of a day; false if not one.
bool parse_duration(std::string_view s, double& days) {
  bool negative = false;
  if (s.starts_with("-")) negative = true, s.remove_prefix(1);
  if (!s.starts_with("P")) return false;
  s.remove_prefix(1);
  double seconds = 0;
  bool in_time = false, any = false;
  while (!s.empty()) {
    if (s[0] == 'T') {
      in_time = true;
      s.remove_prefix(1);
      continue;
    }
    double v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end == s.data() + s.size()) return false;
    const char unit = *end;
    s.remove_prefix(static_cast<std::size_t>(end - s.data()) + 1);
    if (!in_time && unit == 'D') seconds += v * 86400;
    else if (in_time && unit == 'H') seconds += v * 3600;
    else if (in_time && unit == 'M') seconds += v * 60;
    else if (in_time && unit == 'S') seconds += v;
    else return false;
    any = true;
  }
  days = (negative ? -seconds : seconds) / 86400;
  return any;
}

std::string_view number_text(double v, char (&buf)[32]) {
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string_view(buf, static_cast<std::size_t>(end - buf)) : std::string_view{};
}

struct Stop {
  sdk::Status status;
};

class Spreadsheet {
 public:
  Spreadsheet(std::string_view zip, std::vector<ZipEntry> entries, const sdk::Limits& limits, sdk::DocumentSink& sink)
      : zip_(zip), entries_(std::move(entries)), limits_(limits), sink_(sink), text_(limits),
        started_(std::chrono::steady_clock::now()) {}

  sdk::Status read() {
    try {
      if (const ZipEntry* manifest = entries_.find("META-INF/manifest.xml")) check_not_encrypted(*manifest);
      const ZipEntry* content = entries_.find("content.xml");
      if (content == nullptr)
        return {sdk::Code::invalid_input, "bảng tính không có phần content.xml: tệp bị hỏng, hoặc không phải tệp .ods; "
                                          "hãy mở bằng LibreOffice, lưu lại rồi gửi lại / "
                                          "the spreadsheet has no content.xml part: it is damaged, or not an .ods; "
                                          "open it in LibreOffice and save it again"};
      if (const ZipEntry* styles = entries_.find("styles.xml")) parse(*styles, [&](auto t, XmlReader& x) { style_token(t, x); });
      parse(*content, [&](auto t, XmlReader& x) {
        if (!style_token(t, x)) body_token(t, x);
      });
      return {};
    } catch (const Stop& stop) {
      return stop.status;
    }
  }

 private:
  struct ColumnStyle {
    std::uint64_t first, count;
    std::string style;
  };
  // One table-cell of the row being read, before its repeats are made.
  struct Pending {
    std::uint64_t column = 0, repeat = 1, rows_spanned = 1, columns_spanned = 1;
    sdk::CellType type = sdk::CellType::empty;
    std::string text, format;
    double number = 0;
    std::string style;
    bool words_struck = false;  // some of its text in a struck span
  };

  // Every refusal says it in Vietnamese, then " / ", then in English.
  [[noreturn]] static void stop(sdk::Code code, const std::string& vi, const std::string& en, sdk::Location where = {}) {
    throw Stop{sdk::Status(code, vi + " / " + en, std::move(where))};
  }
  static void check(sdk::Status s) {
    if (!s.ok()) throw Stop{std::move(s)};
  }
  sdk::Location here(std::uint64_t row, std::uint64_t column) const {
    sdk::Location where;
    where.sheet = sheet_;
    where.row = static_cast<std::uint32_t>(std::min(row, kLastRow));
    where.column = static_cast<std::uint32_t>(std::min(column, kLastColumn));
    return where;
  }

  template <class F>
  void parse(const ZipEntry& e, F&& on_token) {
    check(tonghop::zipxml::read_part(zip_, e, limits_, "bảng tính", "spreadsheet", kResaveVi, on_token));
  }

  void check_not_encrypted(const ZipEntry& manifest) {
    parse(manifest, [&](XmlReader::Token t, XmlReader& x) {
      if (t == XmlReader::Token::start && x.name() == "encryption-data")
        stop(sdk::Code::unsupported, "bảng tính được bảo vệ bằng mật khẩu: hãy gỡ mật khẩu trong LibreOffice rồi gửi lại",
             "the spreadsheet is protected by a password; remove the password in LibreOffice and resend it");
    });
  }

  // Font faces and the styles, in styles.xml and content.xml alike; true
  // when the token was one of theirs.
  bool style_token(XmlReader::Token t, XmlReader& x) { return !in_table_ && styles_.token(t, x); }

  std::string column_style(std::uint64_t column) const {
    const auto it = std::upper_bound(columns_.begin(), columns_.end(), column,
                                     [](std::uint64_t c, const ColumnStyle& s) { return c < s.first; });
    if (it == columns_.begin()) return {};
    const auto& s = *std::prev(it);
    return column < s.first + s.count ? s.style : std::string();
  }

  void count(std::uint64_t n, std::uint64_t row, std::uint64_t column, const char* what) {
    if (limits_.max_cells != 0 && (n > limits_.max_cells || cells_ > limits_.max_cells - n))
      stop(sdk::Code::limit_exceeded,
           "bảng tính có nhiều ô hơn giới hạn " + std::to_string(limits_.max_cells) +
               " ô; " + std::string(sdk::kPastALimitVi),
           std::string("the spreadsheet has more ") + what + " than the limit of " + std::to_string(limits_.max_cells) +
               " cells (limits.max_cells)",
           here(row, column));
    cells_ += n;
    if (limits_.max_seconds != 0 && std::chrono::steady_clock::now() - started_ > std::chrono::seconds(limits_.max_seconds))
      stop(sdk::Code::limit_exceeded,
           "đọc tệp quá " + std::to_string(limits_.max_seconds) + " giây; hãy bỏ các trang tính không thuộc báo cáo rồi lưu lại, hoặc nhờ quản trị viên nâng giới hạn; đừng chia báo cáo thành nhiều tệp: tệp gửi sau sẽ thay tệp gửi trước",
           "reading took longer than the limit of " + std::to_string(limits_.max_seconds) + " seconds");
  }

  void body_token(XmlReader::Token t, XmlReader& x) {
    const std::string_view name = x.name();
    if (t == XmlReader::Token::start) {
      if (skip_ > 0) {
        ++skip_;
        return;
      }
      if (name == "table" && !in_table_) {
        in_table_ = true;
        sheet_ = std::string(x.attribute("name"));
        row_ = 1;
        next_column_ = 1;
        columns_.clear();
        merges_.clear();
        count(1, 0, 0, "sheets and cells");
        if (styles_.hides_table(x.attribute("style-name")))
          check(sink_.property("hidden_sheet", sheet_));  // as the .xls and .xlsx importers say it
        check(sink_.begin_sheet(sheet_));
      } else if (!in_table_) {
        return;
      } else if (name == "table" || name == "annotation" || name == "shapes" || name == "frame" ||
                 name == "custom-shape" || name == "named-expressions" || name == "forms") {
        skip_ = 1;  // what is not a cell's own text
      } else if (name == "table-column") {
        const std::uint64_t n = to_count(x.attribute("number-columns-repeated"));
        if (n == 0)
          stop(sdk::Code::invalid_input, std::string("tệp bị hỏng: số lần lặp của một cột không phải là số") + kResaveVi,
               "a column repeat count is not a number", here(0, next_column_));
        const std::string_view style = x.attribute("default-cell-style-name");
        if (!style.empty() && style != "Default") columns_.push_back({next_column_, n, std::string(style)});
        // Columns LibreOffice does not show (hidden, or filtered out, as rows
        // are): said with their range (SDK, document.hpp).
        const std::string_view visibility = x.attribute("visibility");
        if ((visibility == "collapse" || visibility == "filter") && next_column_ <= kLastColumn)
          check(sink_.property("hidden_column", std::to_string(next_column_) + "-" +
                                                    std::to_string(std::min<std::uint64_t>(next_column_ + n - 1, kLastColumn))));
        next_column_ += std::min<std::uint64_t>(n, kLastColumn);
      } else if (name == "table-row") {
        in_row_ = true;
        rows_repeated_ = to_count(x.attribute("number-rows-repeated"));
        if (rows_repeated_ == 0)
          stop(sdk::Code::invalid_input, std::string("tệp bị hỏng: số lần lặp của một hàng không phải là số") + kResaveVi,
               "a row repeat count is not a number", here(row_, 0));
        column_ = 1;
        pending_.clear();
        // A row LibreOffice does not show: hidden ("collapse") or filtered out.
        const std::string_view visibility = x.attribute("visibility");
        row_hidden_ = visibility == "collapse" || visibility == "filter";
      } else if (in_row_ && (name == "table-cell" || name == "covered-table-cell")) {
        start_cell(x, name == "covered-table-cell");
      } else if (in_cell_ && name == "p") {
        if (value_set_) {
          skip_ = 1;  // the value is known: the paragraph only shows it ("25%")
          return;
        }
        if (paragraphs_++ > 0) add_text("\n");
        in_p_ = true;
      } else if (in_p_ && name == "s") {
        const std::uint64_t n = to_count(x.attribute("c"));
        const std::uint64_t cap = limits_.max_field_bytes != 0 ? limits_.max_field_bytes + 1 : (1u << 20);
        add_text(std::string(static_cast<std::size_t>(std::min(n, cap)), ' '));
      } else if (in_p_ && name == "span") {
        spans_.push_back(styles_.struck_span(x.attribute("style-name")));
        if (x.self_closing()) spans_.pop_back();
      } else if (in_p_ && name == "tab") {
        add_text("\t");
      } else if (in_p_ && name == "line-break") {
        add_text("\n");
      }
      return;
    }
    if (t == XmlReader::Token::text) {
      if (skip_ == 0 && in_p_) {
        // Words struck through inside the cell (a span), not the cell's style.
        if (std::find(spans_.begin(), spans_.end(), true) != spans_.end() &&
            x.text().find_first_not_of(" \t\r\n") != std::string_view::npos)
          cell_.words_struck = true;
        add_text(x.text());
      }
      return;
    }
    if (t != XmlReader::Token::end) return;
    if (skip_ > 0) {
      --skip_;
      return;
    }
    if (!in_table_) return;
    if (name == "span" && !spans_.empty()) {
      spans_.pop_back();
    } else if (name == "p") {
      in_p_ = false;
      spans_.clear();
    } else if (in_row_ && (name == "table-cell" || name == "covered-table-cell")) {
      end_cell();
    } else if (name == "table-row") {
      end_row();
    } else if (name == "table") {
      for (const auto& m : merges_) check(sink_.merged(m));
      check(sink_.end_sheet());
      in_table_ = false;
    }
  }

  void add_text(std::string_view s) {
    cell_.text += s;
    if (limits_.max_field_bytes != 0 && cell_.text.size() > limits_.max_field_bytes)
      stop(sdk::Code::limit_exceeded,
           "ô dài quá giới hạn " + std::to_string(limits_.max_field_bytes) + " byte; hãy rút ngắn ô đó rồi gửi lại",
           "a cell is longer than the limit of " + std::to_string(limits_.max_field_bytes) + " bytes", here(row_, column_));
  }

  void start_cell(XmlReader& x, bool covered) {
    in_cell_ = true;
    paragraphs_ = 0;
    cell_ = Pending{};
    cell_.column = column_;
    cell_.repeat = to_count(x.attribute("number-columns-repeated"));
    if (cell_.repeat == 0)
      stop(sdk::Code::invalid_input, std::string("tệp bị hỏng: số lần lặp của một ô không phải là số") + kResaveVi,
           "a cell repeat count is not a number", here(row_, column_));
    if (!covered) {
      cell_.columns_spanned = to_count(x.attribute("number-columns-spanned"));
      cell_.rows_spanned = to_count(x.attribute("number-rows-spanned"));
    }
    cell_.style = std::string(x.attribute("style-name"));
    // office:value-type; LibreOffice adds calcext:value-type="error" for a formula's error.
    std::string_view type = x.qualified_attribute("office:value-type");
    if (type.empty()) type = x.attribute("value-type");
    error_ = x.qualified_attribute("calcext:value-type") == "error";
    char buf[32];
    // LibreOffice saves a boolean it read from xlsx as the formula TRUE() or FALSE() with a float value.
    const std::string_view formula = x.attribute("formula");
    // A formula with no value type: its value is not in the file (a program
    // that does not calculate wrote it). Given as an error cell without
    // text (sdk::CellType::error), never as a blank.
    no_value_ = !formula.empty() && type.empty();
    if (type == "float" && (formula == "of:=TRUE()" || formula == "of:=FALSE()")) {
      cell_.type = sdk::CellType::boolean;
      cell_.number = formula == "of:=TRUE()" ? 1 : 0;
      cell_.text = std::string(sdk::boolean_text(cell_.number != 0));
      value_set_ = true;
    } else if (type == "float" || type == "percentage" || type == "currency") {
      const std::string_view v = x.attribute("value");
      double d = 0;
      const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
      if (ec != std::errc() || end != v.data() + v.size())
        stop(sdk::Code::invalid_input,
             "tệp bị hỏng: ô kiểu số có giá trị '" + std::string(v.substr(0, 40)) + "' không phải là số" +
                 kResaveVi,
             "a number cell's value '" + std::string(v.substr(0, 40)) + "' is not a number", here(row_, column_));
      cell_.type = sdk::CellType::number;
      cell_.number = d;
      cell_.text = std::string(number_text(d, buf));
      cell_.format = type == "percentage" ? "0%" : type == "currency" ? "#,##0.00" : "";
      value_set_ = true;
    } else if (type == "date" || type == "time") {
      const std::string_view v = x.attribute(type == "date" ? "date-value" : "time-value");
      double serial = 0;
      const bool ok = type == "date" ? sdk::parse_iso_date(v, serial) : parse_duration(v, serial);
      if (!ok || (cell_.text = sdk::iso_of_serial(serial, type == "time")).empty())
        stop(sdk::Code::invalid_input,
             std::string("tệp bị hỏng: ô kiểu ") + (type == "date" ? "ngày" : "giờ") + " có giá trị '" +
                 std::string(v.substr(0, 40)) + "' không phải là " + (type == "date" ? "ngày" : "giờ") +
                 kResaveVi,
             "a " + std::string(type) + " cell's value '" + std::string(v.substr(0, 40)) + "' is not a " +
                 std::string(type),
             here(row_, column_));
      cell_.type = sdk::CellType::number;
      cell_.number = serial;
      cell_.format = type == "time" ? "hh:mm:ss" : cell_.text.size() > 10 ? "yyyy-mm-dd hh:mm:ss" : "yyyy-mm-dd";
      value_set_ = true;
    } else if (type == "boolean") {
      const std::string_view v = x.attribute("boolean-value");
      const bool b = v == "true" || v == "1";
      cell_.type = sdk::CellType::boolean;
      cell_.number = b ? 1 : 0;
      cell_.text = std::string(sdk::boolean_text(b));
      value_set_ = true;
    } else {
      // A string (its text:p paragraphs, or office:string-value), or no value.
      cell_.type = sdk::CellType::text;
      // A formula's error: LibreOffice writes an empty string-value and
      // the error ("#N/A") as the paragraph; read from the paragraph, not
      // dropped as an empty string.
      value_set_ = !error_ && x.has_attribute("string-value");
      if (value_set_) add_text(x.attribute("string-value"));
    }
    if (x.self_closing()) in_p_ = false;
  }

  void end_cell() {
    in_cell_ = false;
    in_p_ = false;
    if (cell_.type == sdk::CellType::text && cell_.text.empty()) cell_.type = sdk::CellType::empty;
    if (error_ && cell_.type == sdk::CellType::text) cell_.type = sdk::CellType::error;  // "#DIV/0!" as shown
    // A formula without its value, or an error whose text the writer left
    // out (no paragraph): an error cell without text, never a blank.
    if ((no_value_ || error_) && cell_.type == sdk::CellType::empty) cell_.type = sdk::CellType::error;
    value_set_ = false;
    column_ += cell_.repeat;
    if (column_ > kLastColumn + 1 && (cell_.type != sdk::CellType::empty || cell_.columns_spanned > 1))
      stop(sdk::Code::invalid_input,
           "có ô nằm quá cột cuối cùng một trang tính được có; hãy xoá các cột thừa rồi gửi lại",
           "a cell lies past the last column a sheet can have", here(row_, kLastColumn));
    column_ = std::min(column_, kLastColumn + 2);
    if (cell_.type != sdk::CellType::empty || cell_.columns_spanned > 1 || cell_.rows_spanned > 1)
      pending_.push_back(std::move(cell_));
  }

  void end_row() {
    in_row_ = false;
    if (!pending_.empty()) {
      // Every copy this row makes, counted (and refused) before any is made.
      std::uint64_t per_row = 0;
      for (const auto& p : pending_) {
        const std::uint64_t n = (p.type != sdk::CellType::empty ? 1u : 0u) + (p.columns_spanned > 1 || p.rows_spanned > 1 ? 1u : 0u);
        per_row = std::min<std::uint64_t>(per_row + n * std::min<std::uint64_t>(p.repeat, UINT32_MAX), UINT64_MAX / 2);
      }
      const std::uint64_t total = rows_repeated_ > UINT32_MAX || per_row > UINT32_MAX ? UINT64_MAX / 2 : per_row * rows_repeated_;
      count(total, row_, pending_.front().column, "cells (with their repeats)");
      if (row_ + rows_repeated_ - 1 > kLastRow)
        stop(sdk::Code::invalid_input,
             "có ô nằm quá hàng cuối cùng một trang tính được có; hãy xoá các hàng thừa rồi gửi lại",
             "a cell lies past the last row a sheet can have", here(kLastRow, 0));
      const bool has_cells = std::any_of(pending_.begin(), pending_.end(),
                                         [](const Pending& p) { return p.type != sdk::CellType::empty; });
      for (std::uint64_t r = 0; r < rows_repeated_; ++r) {
        const auto row = static_cast<std::uint32_t>(row_ + r);
        // Said before its cells (SDK, document.hpp).
        if (row_hidden_ && has_cells) check(sink_.property("hidden_row", std::to_string(row)));
        for (const auto& p : pending_) {
          const auto& look = styles_.look_of(p.style.empty() ? column_style(p.column) : p.style);
          for (std::uint64_t k = 0; k < p.repeat; ++k) {
            const auto column = static_cast<std::uint32_t>(p.column + k);
            if (p.columns_spanned > 1 || p.rows_spanned > 1)
              merges_.push_back({row, column, static_cast<std::uint32_t>(std::min(row + p.rows_spanned - 1, kLastRow)),
                                 static_cast<std::uint32_t>(std::min(column + p.columns_spanned - 1, kLastColumn))});
            if (p.type == sdk::CellType::empty) continue;
            if (!text_.fits(p.text.size())) {
              auto s = text_.refusal();
              s.where() = here(row, column);
              throw Stop{std::move(s)};
            }
            sdk::CellView c;
            c.row = row;
            c.column = column;
            c.type = p.type;
            c.text = p.text;
            c.number = p.number;
            c.font = look.font;
            // A date keeps its format (the SDK's rule for dates, document.hpp).
            c.number_format = look.hiding.empty() || sdk::is_date_format(p.format) ? std::string_view(p.format)
                                                                                  : std::string_view(look.hiding);
            if (look.struck || p.words_struck) [[unlikely]]  // SDK, document.hpp: before the cell
              check(sink_.property("struck_cell", std::to_string(row) + ":" + std::to_string(column)));
            if (look.unseen) [[unlikely]]
              check(sink_.property("unseen_cell", std::to_string(row) + ":" + std::to_string(column)));
            check(sink_.cell(c));
          }
        }
      }
    }
    row_ = std::min(row_ + rows_repeated_, kLastRow + 2);
  }

  std::string_view zip_;
  EntryIndex entries_;
  const sdk::Limits& limits_;
  sdk::DocumentSink& sink_;
  sdk::TextBudget text_;
  std::chrono::steady_clock::time_point started_;
  std::uint64_t cells_ = 0;
  // Styles.
  std::vector<bool> spans_;               // the open spans of the paragraph: struck or not
  tonghop::ods::CellStyles styles_;
  // The table being read.
  bool in_table_ = false, in_row_ = false, in_cell_ = false, in_p_ = false, value_set_ = false, error_ = false, no_value_ = false,
       row_hidden_ = false;
  int skip_ = 0;
  std::string sheet_;
  std::uint64_t row_ = 1, rows_repeated_ = 1, column_ = 1, next_column_ = 1;
  std::size_t paragraphs_ = 0;
  std::vector<ColumnStyle> columns_;
  std::vector<Pending> pending_;
  Pending cell_;
  std::vector<sdk::MergedRange> merges_;
};

class OdsImporter final : public sdk::Importer {
 public:
  using sdk::Importer::Importer;

 protected:
  sdk::Confidence do_sniff(sdk::Bytes head, std::string_view filename) const override {
    const std::string ext = sdk::extension_of(filename);
    const bool ods_name = ext == "ods" || ext == "ots";
    const std::string_view all(reinterpret_cast<const char*>(head.data()), head.size());
    if (tonghop::ods::is_spreadsheetml(all.substr(0, 4096))) return sdk::confidence::signature;
    if (head.size() < 4 || std::memcmp(head.data(), "PK\x03\x04", 4) != 0)
      return ods_name ? sdk::confidence::name_only : sdk::confidence::none;
    // ODF puts an uncompressed "mimetype" entry first.
    const std::string_view text(reinterpret_cast<const char*>(head.data()), std::min<std::size_t>(head.size(), 200));
    if (text.find("mimetype") != std::string_view::npos && text.find(kMime) != std::string_view::npos)
      return sdk::confidence::certain;
    return ods_name ? sdk::confidence::plausible : sdk::confidence::none;
  }

  sdk::Status do_read(const sdk::Source& source, const sdk::Limits& limits, sdk::DocumentSink& sink) const override {
    if (auto s = sdk::check_input_size(source, limits, "spreadsheet"); !s.ok()) return s;
    const std::string_view bytes(reinterpret_cast<const char*>(source.bytes.data()), source.bytes.size());
    if (tonghop::ods::is_spreadsheetml(bytes.substr(0, 4096))) return tonghop::ods::read_spreadsheetml(bytes, limits, sink);
    std::vector<ZipEntry> entries;
    if (auto s = tonghop::zipxml::check_container(bytes, limits, entries); !s.ok()) return s;
    Spreadsheet book(bytes, std::move(entries), limits, sink);
    return book.read();
  }
};

}  // namespace

TONGHOP_PLUGIN(OdsImporter, importer, "import-ods", "1.0.0", "ods ots xml",
               "application/vnd.oasis.opendocument.spreadsheet "
               "application/vnd.oasis.opendocument.spreadsheet-template application/xml",
               "OpenDocument spreadsheets (LibreOffice) and Excel 2003 XML: every sheet, repeated rows and cells, "
               "fonts, merged ranges")
