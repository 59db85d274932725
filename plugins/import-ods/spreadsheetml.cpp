// Excel 2003 XML (SpreadsheetML): one XML file, no zip. Worksheet > Table >
// Row > Cell > Data, with ss:Index to skip rows and cells, ss:MergeAcross and
// ss:MergeDown for merged ranges, and styles (ss:StyleID) for the font and
// number format. Read with the same pull XML reader as the zipped formats.
#include "spreadsheetml.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <string>
#include <unordered_map>
#include <vector>

#include "xml_reader.hpp"
#include "zip_guard.hpp"

namespace tonghop::ods {

namespace {

using zipxml::XmlReader;

constexpr std::uint64_t kLast = UINT32_MAX;
// The advice of a refusal in Vietnamese (the English says it its own way).
constexpr const char* kResaveVi = "; hãy mở bằng Excel, lưu lại dạng .xlsx rồi gửi lại";

struct Stop {
  sdk::Status status;
};

std::uint64_t to_index(std::string_view s) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return 0;
  return std::min<std::uint64_t>(v, 1ull << 40);
}

// SpreadsheetML names some formats instead of writing them: Excel's codes.
std::string format_code(std::string format) {
  static const std::pair<const char*, const char*> named[] = {
      {"General", ""}, {"General Number", ""}, {"General Date", "yyyy-mm-dd hh:mm:ss"},
      {"Short Date", "yyyy-mm-dd"}, {"Medium Date", "d mmm yyyy"}, {"Long Date", "d mmmm yyyy"},
      {"Short Time", "hh:mm"}, {"Medium Time", "hh:mm:ss"}, {"Long Time", "hh:mm:ss"},
      {"Fixed", "0.00"}, {"Standard", "#,##0.00"}, {"Percent", "0.00%"}, {"Scientific", "0.00E+00"},
      {"Currency", "#,##0.00"}, {"Euro Currency", "#,##0.00"}, {"Yes/No", ""}, {"True/False", ""}, {"On/Off", ""}};
  for (const auto& [name, code] : named)
    if (format == name) return code;
  return format;
}

class Reader {
 public:
  Reader(const sdk::Limits& limits, sdk::DocumentSink& sink)
      : limits_(limits), sink_(sink), text_(limits), started_(std::chrono::steady_clock::now()) {}

  sdk::Status read(std::string_view bytes) {
    try {
      hidden_ = hidden_sheets(bytes, limits_.max_field_bytes);
      zipxml::MemorySource source(bytes);
      XmlReader xml(source, static_cast<std::size_t>(limits_.max_field_bytes));
      while (true) {
        const auto t = xml.next();
        if (t == XmlReader::Token::eof) break;
        if (t == XmlReader::Token::error) {
          sdk::Location where;
          where.offset = xml.offset();
          const bool limit = xml.error().find("limit") != std::string::npos;
          return {limit ? sdk::Code::limit_exceeded : sdk::Code::invalid_input,
                  "không đọc được tệp Excel 2003 XML: " + xml.error_vi() + kResaveVi + " / "
                  "the Excel 2003 XML file cannot be read: " + xml.error(),
                  where};
        }
        token(t, xml);
      }
      if (in_sheet_)
        return {sdk::Code::invalid_input, "tệp Excel 2003 XML kết thúc giữa một trang tính: tệp bị cắt cụt; hãy xin lại "
                                          "tệp / the Excel 2003 XML file ends inside a worksheet: it is cut short"};
      return {};
    } catch (const Stop& stop) {
      return stop.status;
    }
  }

 private:
  struct Style {
    std::string parent, font, format;
    std::string struck;  // <Font ss:StrikeThrough>: "1", "0", or "" (as its parent)
    // <Font ss:Color> and a solid <Interior ss:Color>, "#rrggbb" in lower
    // case ("" as its parent; no interior: "#ffffff").
    std::string ink, paper;
  };
  static std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return out;
  }

  // Which worksheets (by their order) Excel hides: <WorksheetOptions>
  // <Visible>SheetHidden</Visible> (or SheetVeryHidden) comes after the
  // sheet's cells, and the sink hears a sheet is hidden before the sheet
  // (as the .xls, .xlsx and .ods importers say it): so a first pass over
  // the tags, only in a file that has such a word at all. A file the pass
  // cannot read is refused by the reading itself.
  static std::vector<bool> hidden_sheets(std::string_view bytes, std::uint64_t max_field_bytes) {
    std::vector<bool> out;
    if (bytes.find("SheetHidden") == std::string_view::npos && bytes.find("SheetVeryHidden") == std::string_view::npos)
      return out;
    zipxml::MemorySource source(bytes);
    XmlReader xml(source, static_cast<std::size_t>(max_field_bytes));  // as the reading itself
    bool options = false, visible = false;
    std::string said;
    for (auto t = xml.next(); t != XmlReader::Token::eof && t != XmlReader::Token::error; t = xml.next()) {
      if (t == XmlReader::Token::start && xml.name() == "Worksheet") {
        out.push_back(false);
      } else if (xml.name() == "WorksheetOptions" && (t == XmlReader::Token::start || t == XmlReader::Token::end)) {
        options = t == XmlReader::Token::start;
      } else if (t == XmlReader::Token::start && xml.name() == "Visible" && options && !out.empty()) {
        visible = true;
        said.clear();
      } else if (t == XmlReader::Token::text && visible) {
        said += xml.text();
      } else if (t == XmlReader::Token::end && xml.name() == "Visible" && visible) {
        visible = false;
        const auto from = said.find_first_not_of(" \t\r\n"), to = said.find_last_not_of(" \t\r\n");
        const std::string_view word = from == std::string::npos ? std::string_view() : std::string_view(said).substr(from, to - from + 1);
        out.back() = word == "SheetHidden" || word == "SheetVeryHidden";
      }
    }
    return out;
  }

  // Every refusal says it in Vietnamese, then " / ", then in English.
  [[noreturn]] void stop(sdk::Code code, const std::string& vi, const std::string& en) const {
    sdk::Location where;
    where.sheet = sheet_;
    where.row = static_cast<std::uint32_t>(std::min(row_, kLast));
    where.column = static_cast<std::uint32_t>(std::min(column_, kLast));
    throw Stop{sdk::Status(code, vi + " / " + en, std::move(where))};
  }
  void check(sdk::Status s) const {
    if (!s.ok()) throw Stop{std::move(s)};
  }

  // A style's font or number format, through its parents.
  std::string resolve(const std::string& id, std::string Style::*field) const {
    std::string at = id.empty() ? std::string("Default") : id;
    for (int depth = 0; depth < 16; ++depth) {
      const auto it = styles_.find(at);
      if (it == styles_.end()) break;
      if (!(it->second.*field).empty()) return it->second.*field;
      if (it->second.parent.empty()) break;
      at = it->second.parent;
    }
    if (at != "Default" && id != "Default") return resolve("Default", field);
    return {};
  }

  void count() {
    if (limits_.max_cells != 0 && ++cells_ > limits_.max_cells)
      stop(sdk::Code::limit_exceeded,
           "tệp có nhiều ô hơn giới hạn " + std::to_string(limits_.max_cells) +
               " ô; " + std::string(sdk::kPastALimitVi),
           "the file has more cells than the limit of " + std::to_string(limits_.max_cells) + " (limits.max_cells)");
    if (limits_.max_seconds != 0 && (cells_ & 0xFFFF) == 0 &&
        std::chrono::steady_clock::now() - started_ > std::chrono::seconds(limits_.max_seconds))
      stop(sdk::Code::limit_exceeded,
           "đọc tệp quá " + std::to_string(limits_.max_seconds) + " giây; hãy bỏ các trang tính không thuộc báo cáo rồi lưu lại, hoặc nhờ quản trị viên nâng giới hạn; đừng chia báo cáo thành nhiều tệp: tệp gửi sau sẽ thay tệp gửi trước",
           "reading took longer than the limit of " + std::to_string(limits_.max_seconds) + " seconds");
  }

  void token(XmlReader::Token t, XmlReader& x) {
    const std::string_view name = x.name();
    if (t == XmlReader::Token::start) {
      if (skip_ > 0) {
        ++skip_;
      } else if (name == "Style") {
        style_ = std::string(x.attribute("ID"));
        styles_[style_].parent = std::string(x.attribute("Parent"));
      } else if (name == "Font" && !style_.empty() && !in_sheet_) {
        styles_[style_].font = std::string(x.attribute("FontName"));
        if (const std::string_view s = x.attribute("StrikeThrough"); !s.empty())
          styles_[style_].struck = s == "1" || s == "true" ? "1" : "0";
        if (const std::string_view c = x.attribute("Color"); !c.empty()) styles_[style_].ink = lower(c);
      } else if (name == "Interior" && !style_.empty() && !in_sheet_) {
        const std::string_view pattern = x.attribute("Pattern"), color = x.attribute("Color");
        if (pattern == "None") styles_[style_].paper = "#ffffff";
        else if (pattern == "Solid" && !color.empty()) styles_[style_].paper = lower(color);
        else if (!pattern.empty()) styles_[style_].paper = "?";  // another pattern: not judged
      } else if (name == "NumberFormat" && !style_.empty() && !in_sheet_) {
        styles_[style_].format = format_code(std::string(x.attribute("Format")));
        // Excel writes at most 255 characters; each cell carries its format.
        if (styles_[style_].format.size() > 4 * 255) styles_[style_].format.clear();
      } else if (name == "Worksheet") {
        in_sheet_ = true;
        hidden_unsaid_ = false;
        sheet_ = std::string(x.attribute("Name"));
        row_ = 0;
        declared_column_ = 0;
        merges_.clear();
        count();
        if (sheet_index_ < hidden_.size() && hidden_[sheet_index_]) check(sink_.property("hidden_sheet", sheet_));
        ++sheet_index_;
        check(sink_.begin_sheet(sheet_));
      } else if (in_sheet_ && name == "Column") {
        // <Column ss:Index="13" ss:Span="2" ss:Hidden="1"/>: columns 13 to 15
        // Excel does not show, said with their range (SDK, document.hpp).
        const std::uint64_t index = to_index(x.attribute("Index"));
        const std::uint64_t first = index != 0 ? index : declared_column_ + 1;
        declared_column_ = first + to_index(x.attribute("Span"));
        if (x.attribute("Hidden") == "1" && first <= kLast)
          check(sink_.property("hidden_column",
                               std::to_string(first) + "-" + std::to_string(std::min(declared_column_, kLast))));
      } else if (in_sheet_ && name == "Row") {
        const std::uint64_t index = to_index(x.attribute("Index"));
        row_ = index != 0 ? index : row_ + 1;
        next_row_ = row_ + 1 + to_index(x.attribute("Span"));
        if (row_ > kLast)
          stop(sdk::Code::invalid_input, "có hàng nằm quá hàng cuối cùng một trang tính được có; hãy xoá các hàng thừa "
                                         "rồi gửi lại",
               "a row lies past the last row a sheet can have");
        // A row Excel does not show: said at its first cell (emit), never for a row without cells.
        hidden_unsaid_ = x.attribute("Hidden") == "1";
        column_ = 0;
      } else if (in_sheet_ && name == "Cell") {
        const std::uint64_t index = to_index(x.attribute("Index"));
        column_ = index != 0 ? index : column_ + 1;
        if (column_ > kLast)
          stop(sdk::Code::invalid_input, "có ô nằm quá cột cuối cùng một trang tính được có; hãy xoá các cột thừa rồi "
                                         "gửi lại",
               "a cell lies past the last column a sheet can have");
        style_of_cell_ = std::string(x.attribute("StyleID"));
        formula_without_data_ = !x.attribute("Formula").empty();  // until its <Data> comes
        const std::uint64_t across = to_index(x.attribute("MergeAcross")), down = to_index(x.attribute("MergeDown"));
        if (across > 0 || down > 0) {
          count();
          merges_.push_back({static_cast<std::uint32_t>(row_), static_cast<std::uint32_t>(column_),
                             static_cast<std::uint32_t>(std::min(row_ + down, kLast)),
                             static_cast<std::uint32_t>(std::min(column_ + across, kLast))});
        }
        cell_end_column_ = column_ + across;
      } else if (in_sheet_ && name == "Comment") {
        skip_ = 1;  // a note is not the cell's text
      } else if (in_sheet_ && name == "Data") {
        in_data_ = true;
        formula_without_data_ = false;
        type_ = std::string(x.attribute("Type"));
        value_.clear();
      }
      return;
    }
    if (t == XmlReader::Token::text) {
      if (skip_ == 0 && in_data_) {
        value_ += x.text();
        if (limits_.max_field_bytes != 0 && value_.size() > limits_.max_field_bytes)
          stop(sdk::Code::limit_exceeded,
               "ô dài quá giới hạn " + std::to_string(limits_.max_field_bytes) + " byte; hãy rút ngắn ô đó rồi gửi lại",
               "a cell is longer than the limit of " + std::to_string(limits_.max_field_bytes) + " bytes");
      }
      return;
    }
    if (t != XmlReader::Token::end) return;
    if (skip_ > 0) {
      --skip_;
      return;
    }
    if (name == "Style") {
      style_.clear();
    } else if (name == "Data" && in_data_) {
      in_data_ = false;
      emit();
    } else if (name == "Cell" && in_sheet_) {
      if (formula_without_data_) {
        // A formula whose value the file does not keep (written by a
        // program that does not calculate): an error cell without text
        // (sdk::CellType::error), never a blank.
        formula_without_data_ = false;
        type_ = "Error";
        value_.clear();
        emit();
      }
      column_ = cell_end_column_;
    } else if (name == "Row" && in_sheet_) {
      row_ = next_row_ - 1;
    } else if (name == "Worksheet" && in_sheet_) {
      for (const auto& m : merges_) check(sink_.merged(m));
      check(sink_.end_sheet());
      in_sheet_ = false;
    }
  }

  void emit() {
    if (row_ == 0 || column_ == 0)
      stop(sdk::Code::invalid_input, std::string("tệp bị hỏng: có ô nằm ngoài mọi hàng") + kResaveVi,
           "a cell stands outside a row");
    sdk::CellView c;
    c.row = static_cast<std::uint32_t>(row_);
    c.column = static_cast<std::uint32_t>(column_);
    const std::string font = resolve(style_of_cell_, &Style::font);
    std::string format = resolve(style_of_cell_, &Style::format);
    char buf[32];
    if (type_ == "Number") {
      double d = 0;
      const auto [end, ec] = std::from_chars(value_.data(), value_.data() + value_.size(), d);
      if (ec != std::errc() || end != value_.data() + value_.size())
        stop(sdk::Code::invalid_input,
             "tệp bị hỏng: ô kiểu số chứa '" + value_.substr(0, 40) + "', không phải là số" +
                 kResaveVi,
             "a Number cell holds '" + value_.substr(0, 40) + "', not a number");
      const auto [e2, ec2] = std::to_chars(buf, buf + sizeof buf, d);
      value_.assign(buf, ec2 == std::errc() ? static_cast<std::size_t>(e2 - buf) : 0);
      c.type = sdk::CellType::number;
      c.number = d;
    } else if (type_ == "Boolean") {
      const bool b = value_ == "1" || value_ == "true" || value_ == "TRUE";
      c.type = sdk::CellType::boolean;
      c.number = b ? 1 : 0;
      value_ = std::string(sdk::boolean_text(b));
    } else if (type_ == "DateTime") {
      double serial = 0;
      if (!sdk::parse_iso_date(value_, serial))
        stop(sdk::Code::invalid_input,
             "tệp bị hỏng: ô kiểu ngày chứa '" + value_.substr(0, 40) + "', không phải là ngày" +
                 kResaveVi,
             "a DateTime cell holds '" + value_.substr(0, 40) + "', not a date");
      value_ = sdk::iso_of_serial(serial, true);
      c.type = sdk::CellType::number;
      c.number = serial;
      if (!sdk::is_date_format(format)) format = "yyyy-mm-dd";  // "Short Date" names one
    } else if (type_ == "Error") {
      c.type = sdk::CellType::error;
    } else {
      if (value_.empty()) return;
      c.type = sdk::CellType::text;
    }
    count();
    if (!text_.fits(value_.size())) check(text_.refusal());
    if (hidden_unsaid_) {  // SDK, document.hpp: before the row's first cell
      hidden_unsaid_ = false;
      check(sink_.property("hidden_row", std::to_string(row_)));
    }
    if (resolve(style_of_cell_, &Style::struck) == "1")  // SDK, document.hpp: before the cell
      check(sink_.property("struck_cell", std::to_string(row_) + ":" + std::to_string(column_)));
    // Text the colour of its background (white on white).
    std::string ink = resolve(style_of_cell_, &Style::ink), paper = resolve(style_of_cell_, &Style::paper);
    // No colour, or "Automatic": drawn to contrast with the fill.
    if (ink.starts_with("#") && ink == (paper.empty() ? "#ffffff" : paper))
      check(sink_.property("unseen_cell", std::to_string(row_) + ":" + std::to_string(column_)));
    c.text = value_;
    c.font = font;
    c.number_format = format;
    check(sink_.cell(c));
  }

  const sdk::Limits& limits_;
  sdk::DocumentSink& sink_;
  sdk::TextBudget text_;
  std::chrono::steady_clock::time_point started_;
  std::uint64_t cells_ = 0;
  std::unordered_map<std::string, Style> styles_;
  std::string style_, style_of_cell_, sheet_, type_, value_;
  bool in_sheet_ = false, in_data_ = false, formula_without_data_ = false, hidden_unsaid_ = false;
  int skip_ = 0;
  std::uint64_t row_ = 0, next_row_ = 1, column_ = 0, cell_end_column_ = 0;
  std::uint64_t declared_column_ = 0;  // the last column a <Column> element declared
  std::vector<sdk::MergedRange> merges_;
  std::vector<bool> hidden_;  // hidden_sheets()
  std::size_t sheet_index_ = 0;
};

}  // namespace

bool is_spreadsheetml(std::string_view head) {
  return head.find("urn:schemas-microsoft-com:office:spreadsheet") != std::string_view::npos &&
         head.find("Workbook") != std::string_view::npos;
}

sdk::Status read_spreadsheetml(std::string_view bytes, const sdk::Limits& limits, sdk::DocumentSink& sink) {
  Reader reader(limits, sink);
  return reader.read(bytes);
}

}  // namespace tonghop::ods
