// The neutral form an importer reads a file into. Importers know nothing of
// the domain: they report sheets of cells (with each cell's font, because a
// ".VnTime" font means TCVN3-encoded text), merged ranges, and for tree
// documents (JSON) the tree itself, value by value, with its JSON Pointer.
//
// Importers *stream* into a DocumentSink so that a million-row table never has
// to sit in memory; DocumentBuilder is a sink that collects everything, for
// small files and tests.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tonghop/sdk/host.hpp"
#include "tonghop/sdk/status.hpp"

namespace tonghop::sdk {

// `error`: a formula whose value is an error, its text as the file shows it
// ("#N/A", "#DIV/0!"); or, with an empty text, a formula whose value the
// file does not keep (written by a program that does not calculate:
// openpyxl, a script). The host refuses either only where a field is read
// from it, naming the cell; elsewhere (a notes column) it is left alone.
enum class CellType : std::uint8_t { empty, text, number, boolean, error };

// One cell as the importer saw it. Rows and columns are 1-based.
struct CellView {
  std::uint32_t row = 0;
  std::uint32_t column = 0;
  CellType type = CellType::empty;
  std::string_view text;           // text cells; for numbers the source text if any
  double number = 0;               // number and boolean cells (and dates as serials)
  std::string_view font;           // font name as the file gives it ("Times New Roman", ".VnTime")
  std::string_view number_format;  // "dd/mm/yyyy", "#,##0", "" when general
};

// A merged range, 1-based and inclusive.
struct MergedRange {
  std::uint32_t first_row = 0, first_column = 0, last_row = 0, last_column = 0;
};

enum class NodeKind : std::uint8_t { null, boolean, number, string, array, object };

// One scalar of a tree document.
struct ScalarView {
  NodeKind kind = NodeKind::null;
  bool boolean = false;
  double number = 0;
  std::string_view text;  // strings; for numbers the literal as written ("2044", "33.7")
};

// Facts about the input the importer found (encoding, delimiter...).
struct Property {
  std::string key, value;
};

// Receives a document as the importer reads it. Calls come in this order:
//   property*, then either (property*, begin_sheet, (property|cell)*,
//   merged*, end_sheet)* for a table document, or begin_tree,
//   (begin_container|scalar|end_container)*, end_tree for a tree document.
// A property before a sheet is about what follows; the one the host reads
// there is `hidden_sheet` (its value the sheet's name: the spreadsheet
// program does not show that sheet), given before that sheet begins, or
// with the properties at the start. The host then reads a visible sheet's
// table over a hidden one's. Inside a sheet, before a row's first cell,
// `hidden_row` (its value the row's number, "12") says the program does not
// show that row: the host still reads it, and says so of an organisation
// read from it. Anywhere inside a sheet before end_sheet, `hidden_column`
// (its value a column's number, "13", or a range of them with both ends,
// "37-16384") says the program does not show those columns: the host still
// reads them, and says so of a field read from one. Before a cell, inside
// its sheet, `struck_cell` (its value the cell's row and column numbers,
// "12:3") says its text is struck through (its font's strikethrough): the
// host still reads it, and says so of a value read from one, as clerks
// strike out what they mean as void. So does `unseen_cell` (the same
// value) for a cell whose text is drawn in its background's colour (white
// on white): the program shows nothing there.
// Cells of a sheet arrive row by row, left to right. Merged ranges of a sheet
// may arrive before or after its cells.
// A sink never throws. When it returns a non-ok Status (a limit it enforces,
// or the host giving up) the importer stops and returns that Status.
//
// A cell's texts (text, font, number_format) are valid only during the call
// that hands it over: the sink copies what it keeps.
//
// ABI 3: cells(first, count) hands over a run of cells in one call, in the
// order cell() would have had them, with the same meaning as `count` calls of
// cell() one after another: the sink checks each cell as it would alone, and
// when it refuses one, the cells before it have been taken and the ones after
// it have not (its Status names the cell, as cell()'s would). The texts of
// every cell of the run are valid until the call returns. A run may cross
// rows; an importer sends runs of any length (a few hundred cells is plenty).
// Only a host of ABI 3 or later has it: an importer calls cells() only when
// Host::takes_cell_runs() says so, and calls cell() otherwise (put_cells()
// below does that choice). A sink that does not override it gets cell() for
// each cell.
class DocumentSink {
 public:
  virtual ~DocumentSink() = default;
  virtual Status property(std::string_view key, std::string_view value) = 0;
  virtual Status begin_sheet(std::string_view name) = 0;
  virtual Status cell(const CellView& cell) = 0;
  virtual Status merged(const MergedRange& range) = 0;
  virtual Status end_sheet() = 0;
  virtual Status begin_tree() = 0;
  // pointer: the JSON Pointer of the container or value ("" is the root).
  virtual Status begin_container(std::string_view pointer, NodeKind kind) = 0;
  virtual Status scalar(std::string_view pointer, const ScalarView& value) = 0;
  virtual Status end_container(std::string_view pointer) = 0;
  virtual Status end_tree() = 0;
  // ABI 3 (appended: the calls above keep their place for ABI 2 plugins).
  virtual Status cells(const CellView* first, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i)
      if (Status s = cell(first[i]); !s.ok()) return s;
    return {};
  }
};

// Hands `count` cells to `sink`: in one call when the host takes runs of
// cells (ABI 3 and later), else one cell() each, as an ABI 2 host needs.
inline Status put_cells(const Host& host, DocumentSink& sink, const CellView* first, std::size_t count) {
  if (host.takes_cell_runs()) return sink.cells(first, count);
  for (std::size_t i = 0; i < count; ++i)
    if (Status s = sink.cell(first[i]); !s.ok()) return s;
  return {};
}

// --- The collected form -----------------------------------------------------

struct Cell {
  std::uint32_t row = 0, column = 0;
  CellType type = CellType::empty;
  std::string text;
  double number = 0;
  std::string font;
  std::string number_format;
};

struct Sheet {
  std::string name;
  std::vector<Cell> cells;
  std::vector<MergedRange> merges;

  const Cell* find(std::uint32_t row, std::uint32_t column) const noexcept {
    for (const auto& c : cells)
      if (c.row == row && c.column == column) return &c;
    return nullptr;
  }
};

struct TreeValue {
  std::string pointer;
  NodeKind kind = NodeKind::null;
  bool boolean = false;
  double number = 0;
  std::string text;
};

struct Document {
  std::vector<Property> properties;
  std::vector<Sheet> sheets;
  bool is_tree = false;
  std::vector<TreeValue> tree;  // every scalar in document order

  std::string property(std::string_view key) const {
    for (const auto& p : properties)
      if (p.key == key) return p.value;
    return {};
  }
  const TreeValue* at(std::string_view pointer) const noexcept {
    for (const auto& v : tree)
      if (v.pointer == pointer) return &v;
    return nullptr;
  }
};

// A sink that keeps everything in a Document.
class DocumentBuilder final : public DocumentSink {
 public:
  Document& document() noexcept { return doc_; }
  Document take() { return std::move(doc_); }

  Status property(std::string_view key, std::string_view value) override {
    doc_.properties.push_back({std::string(key), std::string(value)});
    return {};
  }
  Status begin_sheet(std::string_view name) override {
    doc_.sheets.push_back(Sheet{std::string(name), {}, {}});
    return {};
  }
  Status cell(const CellView& c) override {
    if (doc_.sheets.empty()) return {Code::internal, "cell outside a sheet"};
    doc_.sheets.back().cells.push_back(Cell{c.row, c.column, c.type, std::string(c.text), c.number,
                                            std::string(c.font), std::string(c.number_format)});
    return {};
  }
  Status merged(const MergedRange& r) override {
    if (doc_.sheets.empty()) return {Code::internal, "merged range outside a sheet"};
    doc_.sheets.back().merges.push_back(r);
    return {};
  }
  Status end_sheet() override { return {}; }
  Status begin_tree() override {
    doc_.is_tree = true;
    return {};
  }
  Status begin_container(std::string_view, NodeKind) override { return {}; }
  Status scalar(std::string_view pointer, const ScalarView& v) override {
    doc_.tree.push_back(TreeValue{std::string(pointer), v.kind, v.boolean, v.number, std::string(v.text)});
    return {};
  }
  Status end_container(std::string_view) override { return {}; }
  Status end_tree() override { return {}; }

 private:
  Document doc_;
};

// --- Booleans and dates: one rule for every importer -------------------------
//
// Whatever the format wrote (xlsx "b" cells, ODF boolean-value, BIFF BOOLERR,
// SpreadsheetML Boolean):
//   a boolean is CellType::boolean, number 1 or 0, text "TRUE" or "FALSE";
//   a date, time or date and time is CellType::number with
//     number         its serial in the 1900 date system: days since
//                    1899-12-30, the time of day as the fraction (a workbook
//                    in the 1904 system is shifted by 1462 days);
//     number_format  a date format (is_date_format() is true for it);
//     text           its ISO 8601 form: "2024-01-31", "2024-01-31T08:30:00",
//                    or "08:30:00" for a time alone.
// A text file's fields stay text: deciding what they mean is the host's work.
// These are inline functions: no ABI change.

inline constexpr std::string_view boolean_text(bool value) noexcept { return value ? "TRUE" : "FALSE"; }

// The number formats Excel refers to by their number without writing them
// (numFmtId in xlsx, the XF's format index in xls): "" when none. Both
// spreadsheet importers give these to the host as the cell's number_format.
inline constexpr std::string_view builtin_number_format(unsigned id) noexcept {
  switch (id) {
    case 1: return "0";
    case 2: return "0.00";
    case 3: return "#,##0";
    case 4: return "#,##0.00";
    case 9: return "0%";
    case 10: return "0.00%";
    case 11: return "0.00E+00";
    case 12: return "# ?/?";
    case 13: return "# ?\?/?\?";
    case 14: return "mm-dd-yy";
    case 15: return "d-mmm-yy";
    case 16: return "d-mmm";
    case 17: return "mmm-yy";
    case 18: return "h:mm AM/PM";
    case 19: return "h:mm:ss AM/PM";
    case 20: return "h:mm";
    case 21: return "h:mm:ss";
    case 22: return "m/d/yy h:mm";
    case 37: return "#,##0 ;(#,##0)";
    case 38: return "#,##0 ;[Red](#,##0)";
    case 39: return "#,##0.00;(#,##0.00)";
    case 40: return "#,##0.00;[Red](#,##0.00)";
    case 45: return "mm:ss";
    case 46: return "[h]:mm:ss";
    case 47: return "mmss.0";
    case 48: return "##0.0E+0";
    case 49: return "@";
    default:
      // Dates in the formats of East Asian editions of Excel.
      if ((id >= 27 && id <= 36) || (id >= 50 && id <= 58)) return "yyyy-mm-dd";
      return "";
  }
}

// True for a number format that shows a date or a time ("dd/mm/yyyy",
// "h:mm", "[$-42A]d mmmm yyyy"), false for "General", "#,##0", "0%"...
// Quoted text, escaped characters and [colour] or [$locale] parts are not
// looked at.
inline bool is_date_format(std::string_view format) noexcept {
  if (format.empty()) return false;
  bool in_quotes = false;
  for (std::size_t i = 0; i < format.size(); ++i) {
    const char c = format[i];
    if (in_quotes) {
      if (c == '"') in_quotes = false;
      continue;
    }
    switch (c) {
      case '"': in_quotes = true; break;
      case '\\': case '_': case '*': ++i; break;  // the next character is literal or padding
      case '[': {
        const auto close = format.find(']', i);
        if (close == std::string_view::npos) return false;
        const std::string_view inside = format.substr(i + 1, close - i - 1);
        // [h], [mm], [ss]: elapsed time.
        if (!inside.empty() && (inside[0] == 'h' || inside[0] == 'H' || inside[0] == 'm' || inside[0] == 'M' ||
                                inside[0] == 's' || inside[0] == 'S') &&
            inside.find_first_not_of(inside[0]) == std::string_view::npos)
          return true;
        i = close;
        break;
      }
      case 'd': case 'D': case 'y': case 'Y': case 'm': case 'M': case 'h': case 'H': case 's': case 'S':
        // "General" and "Standard" have none of these; "@" neither.
        return !(format == "General" || format == "General Number" || format == "Standard");
      case ';': return false;  // the positive section decides
      default: break;
    }
  }
  return false;
}

// Days from 1970-01-01 of a day of the proleptic Gregorian calendar
// (H. Hinnant's days_from_civil).
inline long long days_from_civil(long long y, unsigned m, unsigned d) noexcept {
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

// The serial (1900 system) of a day: 2024-01-31 -> 45322.
inline double date_serial(long long year, unsigned month, unsigned day) noexcept {
  return static_cast<double>(days_from_civil(year, month, day) - days_from_civil(1899, 12, 30));
}

// "2024-01-31", "2024-01-31T08:30:00" or "08:30:00" (when the serial is
// under one day and `time_only`) for a serial of the 1900 system; "" when the
// serial is not a day between the years 1 and 9999.
inline std::string iso_of_serial(double serial, bool time_only = false) {
  if (!std::isfinite(serial) || serial < -693593 || serial > 2958465) return {};
  long long days = static_cast<long long>(std::floor(serial));
  long long secs = std::llround((serial - static_cast<double>(days)) * 86400.0);
  if (secs >= 86400) ++days, secs -= 86400;
  // civil_from_days (H. Hinnant).
  long long z = days + days_from_civil(1899, 12, 30) + 719468;
  const long long era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const long long y = static_cast<long long>(yoe) + era * 400 + (m <= 2);
  char buf[40];
  const int hh = static_cast<int>(secs / 3600), mm = static_cast<int>(secs / 60 % 60), ss = static_cast<int>(secs % 60);
  int n;
  if (time_only && days == 0) n = std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", hh, mm, ss);
  else if (secs == 0) n = std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", y, m, d);
  else n = std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02d", y, m, d, hh, mm, ss);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
}

// Reads "YYYY-MM-DD", optionally followed by "THH:MM[:SS[.fff]]" (a zone
// suffix is not read): its serial. False when the text is not such a date.
inline bool parse_iso_date(std::string_view s, double& serial) noexcept {
  auto digits = [&](std::size_t at, std::size_t n, unsigned& out) {
    if (at + n > s.size()) return false;
    out = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      out = out * 10 + static_cast<unsigned>(s[i] - '0');
    }
    return true;
  };
  unsigned y, mo, d, h = 0, mi = 0, se = 0;
  if (!digits(0, 4, y) || s.size() < 10 || s[4] != '-' || !digits(5, 2, mo) || s[7] != '-' || !digits(8, 2, d))
    return false;
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return false;
  double fraction = 0;
  std::size_t at = 10;
  if (at < s.size() && (s[at] == 'T' || s[at] == ' ')) {
    if (!digits(at + 1, 2, h) || at + 3 >= s.size() || s[at + 3] != ':' || !digits(at + 4, 2, mi)) return false;
    at += 6;
    if (at < s.size() && s[at] == ':') {
      if (!digits(at + 1, 2, se)) return false;
      at += 3;
      if (at < s.size() && (s[at] == '.' || s[at] == ',')) {
        double scale = 0.1;
        for (++at; at < s.size() && s[at] >= '0' && s[at] <= '9'; ++at, scale /= 10) fraction += (s[at] - '0') * scale;
      }
    }
    if (h > 24 || mi > 59 || se > 60) return false;
  }
  serial = date_serial(y, mo, d) + (h * 3600.0 + mi * 60.0 + se + fraction) / 86400.0;
  return true;
}

// The running total of a document's text against limits.max_text_bytes:
// importers add every text they give the sink (a shared string at each use).
class TextBudget {
 public:
  explicit TextBudget(const Limits& limits) noexcept : max_(limits.max_text_bytes) {}
  // Adds `bytes`; false once the total passes the limit (then refusal()).
  // A bool, not a Status: it runs once per cell.
  bool fits(std::size_t bytes) noexcept {
    total_ += bytes;
    return max_ == 0 || total_ <= max_;
  }
  Status refusal() const {
    const std::string limit = max_ >= (1u << 20) ? std::to_string(max_ >> 20) + " MiB" : std::to_string(max_) + " bytes";
    return {Code::limit_exceeded, "chữ trong tệp (mỗi chữ dùng chung tính ở mỗi ô dùng nó) nhiều hơn " + limit +
                                  ", giới hạn cho phép; " + std::string(kPastALimitVi) + " / "
                                  "the text of the document (each shared text counted at each use) comes to more "
                                  "than " + limit + ", the limit (limits.max_text)"};
  }
  std::uint64_t total() const noexcept { return total_; }

 private:
  std::uint64_t max_;
  std::uint64_t total_ = 0;
};

// Escapes one JSON Pointer reference token (RFC 6901): "~" -> "~0", "/" -> "~1".
inline std::string pointer_token(std::string_view key) {
  std::string out;
  out.reserve(key.size());
  for (char ch : key) {
    if (ch == '~') out += "~0";
    else if (ch == '/') out += "~1";
    else out += ch;
  }
  return out;
}

}  // namespace tonghop::sdk
