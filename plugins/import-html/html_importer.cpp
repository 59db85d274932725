// The web-page importer: what a web program's "export to Excel" writes (an
// HTML table, usually named .xls, which Excel opens after a warning; PHP
// pages, ASP.NET's GridView, LibreOffice's and Excel's own "save as web
// page"). Its tables are read into one sheet as a spreadsheet program lays
// them out (page.cpp): rowspan and colspan as merged ranges, each cell's
// text as shown, struck-through and hidden text said. The text's encoding:
// a byte order mark, else the evidence the CSV importer weighs (valid UTF-8,
// else Windows-1258 or TCVN3 by how Vietnamese each reads), checked against
// the charset the page declares. Every cell is a text cell, as from a CSV:
// reading "2.044" as a count is the host's work.
#include <algorithm>
#include <cstring>
#include <string>

#include <tonghop/sdk.hpp>

#include "ascii.hpp"
#include "page.hpp"
#include "text_encoding.hpp"

namespace sdk = tonghop::sdk;
namespace html = tonghop::html;
namespace textcodec = tonghop::textcodec;

namespace {

// The charset a page declares in its first 4 KiB (<meta charset=...> or
// content="text/html; charset=..."), in lower case; "" when none.
std::string declared_charset(std::string_view bytes) {
  const std::string head = html::lowered(bytes.substr(0, 4096));
  for (std::size_t at = head.find("charset"); at != std::string::npos; at = head.find("charset", at + 7)) {
    std::size_t i = at + 7;
    while (i < head.size() && (head[i] == ' ' || head[i] == '"' || head[i] == '\'')) ++i;
    if (i >= head.size() || head[i] != '=') continue;
    ++i;
    while (i < head.size() && (head[i] == ' ' || head[i] == '"' || head[i] == '\'')) ++i;
    std::string name;
    while (i < head.size() && name.size() < 40 &&
           ((head[i] >= 'a' && head[i] <= 'z') || (head[i] >= '0' && head[i] <= '9') || head[i] == '-' ||
            head[i] == '_' || head[i] == '.' || head[i] == ':'))
      name.push_back(head[i++]);
    if (!name.empty()) return name;
  }
  return {};
}

// The file's name without its folder and extension, at most 31 characters
// (Excel's limit for a sheet's name), cut between UTF-8 characters.
std::string sheet_name(std::string_view file) {
  if (const auto slash = file.find_last_of("/\\"); slash != std::string_view::npos) file.remove_prefix(slash + 1);
  if (const auto dot = file.rfind('.'); dot != std::string_view::npos && dot > 0) file = file.substr(0, dot);
  std::string out;
  std::size_t chars = 0;
  for (std::size_t i = 0; i < file.size(); ++i) {
    const auto c = static_cast<unsigned char>(file[i]);
    if ((c & 0xC0) != 0x80 && ++chars > 31) break;
    out.push_back(file[i]);
  }
  return out;
}

enum class Declared { none, utf8, single_byte, other };

Declared kind_of(const std::string& c) {
  if (c.empty()) return Declared::none;
  // A page whose bytes are ASCII-compatible enough to declare its charset
  // is not UTF-16, whatever it says (HTML5 reads such a declaration as UTF-8).
  if (c == "utf-8" || c == "utf8" || c == "utf-16" || c == "unicode" || c == "utf-16le") return Declared::utf8;
  for (const char* s : {"windows-1258", "cp1258", "x-cp1258", "windows-1252", "cp1252", "iso-8859-1", "latin1",
                        "iso8859-1", "us-ascii", "ascii", "tcvn", "tcvn3", "tcvn-3", "x-viet-tcvn5712", "tcvn5712-1"})
    if (c == s) return Declared::single_byte;
  return Declared::other;
}

sdk::Status refusal(sdk::Code code, const std::string& vi, const std::string& en, std::size_t offset = 0) {
  sdk::Location where;
  where.offset = offset;
  return {code, vi + " / " + en, where};
}

class HtmlImporter final : public sdk::Importer {
 public:
  using sdk::Importer::Importer;

 protected:
  sdk::Confidence do_sniff(sdk::Bytes head, std::string_view filename) const override {
    const std::string ext = sdk::extension_of(filename);
    const std::string_view text(reinterpret_cast<const char*>(head.data()), head.size());
    if (sdk::looks_like_html(text)) return sdk::confidence::signature;
    return ext == "html" || ext == "htm" ? sdk::confidence::name_only : sdk::confidence::none;
  }

  sdk::Status do_read(const sdk::Source& source, const sdk::Limits& limits, sdk::DocumentSink& sink) const override {
    if (auto s = sdk::check_input_size(source, limits, "file"); !s.ok()) return s;
    const std::string_view bytes(reinterpret_cast<const char*>(source.bytes.data()), source.bytes.size());
    const bool bom = bytes.starts_with("\xEF\xBB\xBF") || bytes.starts_with("\xFF\xFE") || bytes.starts_with("\xFE\xFF");
    const std::string declared = bom ? std::string() : declared_charset(bytes);
    const Declared kind = kind_of(declared);
    if (kind == Declared::other)
      return refusal(sdk::Code::unsupported,
                     "trang web khai báo bảng mã «" + declared +
                         "», không phải UTF-8, Windows-1258 hay TCVN3; hãy mở tệp bằng Excel hoặc LibreOffice, lưu "
                         "lại dạng .xlsx rồi gửi lại",
                     "the web page declares the charset '" + declared +
                         "', not UTF-8, Windows-1258 or TCVN3; open it in Excel or LibreOffice and save it as .xlsx");
    textcodec::DecodedText decoded;
    if (auto s = textcodec::decode_text(bytes, decoded); !s.ok())
      // The CSV's words would ask for a CSV: a page's own, at the same byte.
      return refusal(s.code(),
                     "chữ của trang web không đọc được theo UTF-8, UTF-16, Windows-1258 hay TCVN3 (byte " +
                         std::to_string(s.where().offset) +
                         "); hãy mở tệp bằng Excel hoặc LibreOffice, lưu lại dạng .xlsx rồi gửi lại",
                     "the web page's text reads as none of UTF-8, UTF-16, Windows-1258 or TCVN3 (byte " +
                         std::to_string(s.where().offset) + "); open it in Excel or LibreOffice and save it as .xlsx",
                     s.where().offset);
    const bool utf8 = decoded.encoding.starts_with("utf-");
    if (kind == Declared::utf8 && !utf8)
      return refusal(sdk::Code::undecodable,
                     "trang web khai báo bảng mã UTF-8 nhưng chữ của nó không phải UTF-8 (đọc ra giống " +
                         decoded.encoding + "): không chắc chữ nào là chữ nào; hãy lưu lại dạng UTF-8 rồi gửi lại",
                     "the web page declares UTF-8 but its text is not UTF-8 (it reads as " + decoded.encoding + ")");
    // UTF-8 read in place: the encoding was decided from the first MiB; the
    // rest is checked here, whole, before any cell is taken from it.
    if (decoded.check_fields) {
      if (const auto bad = textcodec::first_invalid_utf8(decoded.text); bad != std::string_view::npos)
        return refusal(sdk::Code::undecodable,
                       "trang web được lưu dạng UTF-8 nhưng byte " + std::to_string(bad) +
                           " thì không: tệp lẫn nhiều bảng mã. Hãy lưu lại dạng UTF-8 rồi gửi lại",
                       "the web page is UTF-8 but byte " + std::to_string(bad) + " is not", bad);
    }
    if (const auto nul = decoded.text.find('\0'); nul != std::string_view::npos)
      return refusal(sdk::Code::undecodable, "trang web có byte NUL: đây không phải tệp văn bản",
                     "the web page has a NUL byte: it is not a text file", nul);
    html::Page page;
    if (auto s = html::read_page(decoded.text, limits, page); !s.ok()) return s;
    const std::string tables = std::to_string(page.tables);
    for (auto [k, v] : {std::pair<const char*, std::string_view>{"encoding", decoded.encoding},
                        {"encoding_evidence", decoded.evidence},
                        {"declared_charset", declared},
                        {"html_tables", tables}})
      if (auto s = sink.property(k, v); !s.ok()) return s;
    // The sheet Excel opens such a page into is named after the file.
    if (auto s = sink.begin_sheet(sheet_name(source.name)); !s.ok()) return s;
    std::uint32_t said_row = 0;
    auto hidden = page.hidden_rows.begin();
    for (const auto& c : page.cells) {
      if (c.row != said_row) {
        said_row = c.row;
        while (hidden != page.hidden_rows.end() && *hidden < c.row) ++hidden;
        if (hidden != page.hidden_rows.end() && *hidden == c.row)
          if (auto s = sink.property("hidden_row", std::to_string(c.row)); !s.ok()) return s;
      }
      const std::string place = std::to_string(c.row) + ":" + std::to_string(c.column);
      if (c.struck)
        if (auto s = sink.property("struck_cell", place); !s.ok()) return s;
      if (c.unseen)
        if (auto s = sink.property("unseen_cell", place); !s.ok()) return s;
      sdk::CellView cell;
      cell.row = c.row;
      cell.column = c.column;
      cell.text = std::string_view(page.text).substr(c.offset, c.length);
      cell.type = c.has_number ? sdk::CellType::number : sdk::CellType::text;
      cell.number = c.number;
      if (auto s = sink.cell(cell); !s.ok()) return s;
    }
    for (const auto& [first, last] : page.hidden_columns) {
      const std::string columns = first == last ? std::to_string(first) : std::to_string(first) + "-" + std::to_string(last);
      if (auto s = sink.property("hidden_column", columns); !s.ok()) return s;
    }
    for (const auto& m : page.merges)
      if (auto s = sink.merged(m); !s.ok()) return s;
    return sink.end_sheet();
  }
};

}  // namespace

TONGHOP_PLUGIN(HtmlImporter, importer, "import-html", "1.0.0", "html htm", "text/html",
               "Web pages a program exports as a spreadsheet (often named .xls): the tables laid out in one sheet, "
               "rowspan and colspan as merged ranges, struck and hidden text said; UTF-8, UTF-16, Windows-1258, TCVN3")
