// One workbook being read: its parts found through the relationships, the
// styles (fonts, number formats) and shared strings read first, then each
// sheet in turn (sheet.cpp), cells going to the host's sink as they come.
// A refusal anywhere is thrown as Stop and returned by read().
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <tonghop/sdk.hpp>

#include "part.hpp"
#include "xml_reader.hpp"
#include "zip_guard.hpp"

namespace tonghop::xlsx {

namespace sdk = tonghop::sdk;
using zipxml::EntryIndex;
using zipxml::XmlReader;
using zipxml::ZipEntry;

struct Stop {
  sdk::Status status;
};

class Workbook {
 public:
  Workbook(std::string_view zip, std::vector<ZipEntry> entries, const sdk::Limits& limits, sdk::DocumentSink& sink)
      : zip_(zip), entries_(std::move(entries)), limits_(limits), sink_(sink), text_(limits),
        started_(std::chrono::steady_clock::now()) {}

  sdk::Status read();

 private:
  struct SheetRef {
    std::string name, rel_id;
    bool hidden = false;  // state="hidden" or "veryHidden"
  };
  struct Rel {
    std::string type, target;
  };
  struct Xf {
    unsigned font = 0, number_format = 0, fill = 0;
  };
  class Sheet;  // sheet.cpp

  // Every refusal says it in Vietnamese, then " / ", then in English.
  [[noreturn]] static void stop(sdk::Code code, const std::string& vi, const std::string& en, sdk::Location where = {}) {
    throw Stop{sdk::Status(code, vi + " / " + en, std::move(where))};
  }
  static void check(sdk::Status s) {
    if (!s.ok()) throw Stop{std::move(s)};
  }

  // Part names are case-insensitive ("xl/WorkBook.xml", "xl/SharedStrings.xml").
  const ZipEntry* entry(const std::string& name) const { return entries_.find(name); }

  // Cells, shared strings and sheets all count against limits.max_cells; the
  // clock is looked at every 65,536 of them. (Inline: once a cell.)
  void count(const std::string& sheet, std::uint32_t row, std::uint32_t col, const char* what) {
    if (limits_.max_cells != 0 && ++cells_ > limits_.max_cells) too_many(sheet, row, col, what);
    if (limits_.max_seconds != 0 && (cells_ & 0xFFFF) == 0) check_time();
  }
  [[noreturn]] void too_many(const std::string& sheet, std::uint32_t row, std::uint32_t col, const char* what) const;
  void check_time() const;

  // Runs `on_token` over a part's XML, with errors naming the part.
  template <class F>
  void parse(const ZipEntry& e, F&& on_token) {
    check(zipxml::read_part(zip_, e, limits_, "tệp", "workbook", "; hãy mở bằng Excel, lưu lại dạng .xlsx rồi gửi lại",
                            on_token));
  }

  // The parts before the sheets (workbook.cpp).
  std::string find_workbook();
  void read_workbook(const std::string& name);
  std::map<std::string, Rel> read_rels(const std::string& name, const std::string& dir);
  void read_styles(const std::string& name);
  void read_shared_strings(const std::string& name);
  void resolve_formats();

  // A cell format's font, number format, whether that is a date's,
  // whether the font strikes its text through, and whether it is drawn in
  // the colour of its background; a cell format that does not exist has
  // the first font and no format.
  struct Style {
    std::string_view font, format;
    bool date = false;
    bool struck = false;  // its font's <strike>
    bool unseen = false;  // its font's colour is its fill's (white on white)
  };
  const Style& style_of(unsigned xf) const noexcept { return xf < styles_.size() ? styles_[xf] : no_style_; }
  // Shared string i, kept once in one buffer whatever the number of cells
  // that use it.
  std::string_view shared_string(std::size_t i) const {
    const std::size_t begin = i == 0 ? 0 : string_ends_[i - 1];
    return std::string_view(strings_).substr(begin, string_ends_[i] - begin);
  }

  // The sheets (sheet.cpp).
  void read_sheet(const std::string& sheet_name, const std::string& target);
  void emit(const std::string& sheet, std::uint32_t row, std::uint32_t col, sdk::CellType type, std::string_view text,
            double number, unsigned xf);
  // A date by the SDK's rule: its serial in the 1900 system, its ISO text.
  bool is_date_xf(unsigned xf) const { return style_of(xf).date; }
  double shift() const { return date1904_ ? 1462 : 0; }
  void emit_date(const std::string& sheet, std::uint32_t row, std::uint32_t col, double serial, unsigned xf,
                 bool iso_written);

  std::string_view zip_;
  EntryIndex entries_;
  const sdk::Limits& limits_;
  sdk::DocumentSink& sink_;
  sdk::TextBudget text_;
  std::chrono::steady_clock::time_point started_;
  std::vector<SheetRef> sheets_;
  std::string strings_;                   // every shared string, one after the other
  std::vector<std::size_t> string_ends_;  // where each ends in strings_
  std::vector<bool> strings_struck_;      // each: some of its text struck through (a rich-text run)
  std::string_view format_override_;
  std::vector<std::string> fonts_;
  std::vector<bool> fonts_struck_;  // by font, beside fonts_
  std::vector<std::int64_t> fonts_color_;  // by font: 0xRRGGBB, -1 not judged (ooxml.hpp, color_rgb)
  std::vector<std::int64_t> fills_;  // by fill: the background it gives, -1 a pattern not judged
  std::vector<Xf> xfs_;
  std::map<unsigned, std::string> number_formats_;
  std::vector<std::string> formats_by_xf_;
  std::vector<Style> styles_;  // by cell format, resolved once (resolve_formats)
  Style no_style_;
  bool date1904_ = false;
  // <calcPr fullCalcOnLoad="1">: the workbook asks to be calculated when
  // opened, as openpyxl, XlsxWriter and libxlsxwriter write one; what its
  // formulas hold is what the writing program put there (libxlsxwriter: 0),
  // not a computed value. Excel and LibreOffice, saving, never write it.
  bool recalculate_ = false;
  // The row being read is hidden, and not said yet: said at its first cell
  // (emit), with that cell's row (a row element may have no r while its
  // cells do), and never for a row without cells.
  bool hidden_unsaid_ = false;
  // The cell being emitted is a shared string some of whose text is struck
  // through (emit says struck_cell as for a struck font).
  bool text_struck_ = false;
  std::uint64_t cells_ = 0;
};

}  // namespace tonghop::xlsx
