// The province workbook's shared parts: the formats, the report's metadata,
// the tables (Biểu) as the daemon split them, and the districts in order.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <xlsxwriter.h>

#include <tonghop/sdk.hpp>

namespace tonghop::xlsx {

namespace sdk = tonghop::sdk;

constexpr const char* kFont = "Times New Roman";
constexpr double kBody = 12;  // pt, before the page's scale: at 10 pt or more once fitted (see body_scale)
constexpr const char* kNoData = "Không có số liệu";
constexpr const char* kNotReported = "Chưa báo cáo";
// Page setup of every printed sheet, in inches: A4 landscape is 11.69 wide.
constexpr double kMarginLeft = 0.6, kMarginRight = 0.4, kMarginTop = 0.5, kMarginBottom = 0.6;
// "Trang x/y", centred in the footer.
constexpr const char* kFooter = "&C&\"Times New Roman,Regular\"&11Trang &P/&N";
// Number formats that carry their separators: 15.513 and 34,70 whatever the
// reader's locale (docs/report.md). A count's dots are literal characters,
// so Excel and LibreOffice both show them; a percentage is tagged Vietnamese
// ([$-42A]), which LibreOffice honours and Excel leaves to the system.
constexpr const char* kInteger = "[>=1000000]#\\.###\\.##0;[>=1000]#\\.##0;0";
constexpr const char* kIntegerPartial = "[>=1000000]#\\.###\\.##0\"*\";[>=1000]#\\.##0\"*\";0\"*\"";
constexpr const char* kPercent = "[$-42A]0.00";
constexpr const char* kPercentPartial = "[$-42A]0.00\"*\"";

struct Formats {
  lxw_format *text, *bold, *heading, *heading_bold, *party, *place, *title, *italic_center, *caption, *header, *integer,
      *percent, *label, *stt, *total_label, *total_integer, *total_percent, *missing, *unknown, *total_unknown,
      *partial_integer, *partial_percent, *legend, *to_label, *to, *sign, *wrap, *d_header, *d_text, *d_integer;
};
Formats make_formats(lxw_workbook* wb);

struct Table {
  std::string title;
  std::vector<std::size_t> columns;  // indexes into Report::columns()
};

struct Book {
  const sdk::Report& r;
  Formats f;
  std::vector<const sdk::Column*> columns;
  std::map<std::string, std::string> group_of;  // column id -> its group's label
  std::vector<Table> tables;
  std::vector<const sdk::Row*> rows;  // the districts, in the registry's order

  Book(lxw_workbook* wb, const sdk::Report& report);
  std::string text(const std::string& key) const;
  const sdk::StringList* list(const std::string& key) const;
  // What a reader sees for a code: display.name.<code>, else `fallback`.
  std::string name(const std::string& code, const std::string& fallback) const;
  // The row's status: status_label when the daemon gives it, else
  // "Chưa báo cáo" for a row with nothing, else "".
  static std::string status(const sdk::Row& row);
  std::string place_date() const;
};

std::string joined(const sdk::StringList& names, const char* sep = ", ");
bool listed(const sdk::StringList& ids, const std::string& id);
const sdk::StringList* incomplete_of(const sdk::Row& row, const std::string& id);
// Characters a text takes (UTF-8 code points).
std::size_t chars(const std::string& s);
// Lines a text wraps into in a column `width` characters wide (a row's height is set from it:
// neither LibreOffice nor Excel grows a row for wrapped text libxlsxwriter wrote).
int lines(const std::string& s, double width);

// The tables, one sheet each ("Biểu 1", ...): heading, table, notes, closing.
void table_sheets(lxw_workbook* wb, Book& b);
// The organisations' ratings by district, on its own printed page.
void chart_sheet(lxw_workbook* wb, Book& b);

}  // namespace tonghop::xlsx
