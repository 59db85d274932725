// The xlsx importer: Excel 2007+ workbooks read part by part, streaming.
// zip_guard checks the container (bombs, truncation, encryption, DTDs) before
// anything is inflated; each part is then inflated in chunks and read with a
// small pull XML reader, so that only the shared strings and a window of the
// sheet being read are in memory. Cells go to the host's sink with their font
// name (".VnTime" means TCVN3 text) and number format; merged ranges follow
// each sheet's cells.
//
// (liborcus 0.17, the version Debian 12 ships, was tried first: it leaves
// inline-string cells empty, skips sheets whose relationship targets are
// absolute, may read styles after the sheets, and inflates every part whole.)
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <tonghop/sdk.hpp>

#include "part.hpp"
#include "xml_reader.hpp"
#include "zip_guard.hpp"

namespace sdk = tonghop::sdk;
using tonghop::zipxml::EntryIndex;
using tonghop::zipxml::EntryStream;
using tonghop::zipxml::XmlReader;
using tonghop::zipxml::ZipEntry;

namespace {


unsigned to_uint(std::string_view s, unsigned fallback = 0) {
  if (s.empty()) return fallback;
  unsigned v = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') return fallback;
    v = v * 10 + static_cast<unsigned>(c - '0');
    if (v > 100'000'000) return fallback;
  }
  return v;
}

// "AB12" -> column 28, row 12 (1-based); false when not a reference.
// (Called for every cell: a pointer walk, each bound checked once.)
bool parse_ref(std::string_view ref, std::uint32_t& row, std::uint32_t& column) {
  const char* p = ref.data();
  const char* const e = p + ref.size();
  if (p < e && *p == '$') ++p;
  std::uint32_t col = 0;
  for (; p < e; ++p) {
    const unsigned letter = static_cast<unsigned>((*p & ~0x20) - 'A');
    if (letter >= 26) break;
    col = col * 26 + letter + 1;
    if (col > 16384) return false;
  }
  if (p < e && *p == '$') ++p;
  const char* const digits = p;
  std::uint32_t r = 0;
  for (; p < e; ++p) {
    const unsigned digit = static_cast<unsigned>(*p - '0');
    if (digit >= 10) break;
    r = r * 10 + digit;
    if (r > 1048576) return false;
  }
  if (col == 0 || r == 0 || p != e || p == digits) return false;
  row = r;
  column = col;
  return true;
}

// Excel writes characters XML cannot hold as "_xHHHH_" ("_x000D_" is a
// carriage return); "_x005F_" escapes a literal underscore.
void unescape_ooxml(std::string& s) {
  if (s.find("_x") == std::string::npos) return;
  std::string out;
  out.reserve(s.size());
  auto hex = [](char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '_' && i + 6 < s.size() && s[i + 1] == 'x' && s[i + 6] == '_' && hex(s[i + 2]) >= 0 &&
        hex(s[i + 3]) >= 0 && hex(s[i + 4]) >= 0 && hex(s[i + 5]) >= 0) {
      const unsigned cp = static_cast<unsigned>(hex(s[i + 2]) << 12 | hex(s[i + 3]) << 8 | hex(s[i + 4]) << 4 | hex(s[i + 5]));
      if (cp < 0x80) out += static_cast<char>(cp);
      else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
      } else {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
      }
      i += 6;
    } else {
      out += s[i];
    }
  }
  s = std::move(out);
}

// The shortest text that reads back as the same number ("154", "33.7").
std::string_view number_text(double v, char (&buf)[32]) {
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string_view(buf, static_cast<std::size_t>(end - buf)) : std::string_view{};
}

// "/xl/worksheets/sheet1.xml" or "worksheets/sheet1.xml" (relative to "xl/")
// or "../x.xml" -> the entry name in the zip.
std::string resolve_target(std::string_view base_dir, std::string_view target) {
  if (!target.empty() && target[0] == '/') return std::string(target.substr(1));
  std::string path(base_dir);
  while (target.starts_with("../")) {
    target.remove_prefix(3);
    if (!path.empty()) path.pop_back();
    const auto slash = path.rfind('/');
    path = slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
  }
  if (target.starts_with("./")) target.remove_prefix(2);
  return path + std::string(target);
}

struct Stop {
  sdk::Status status;
};

class Workbook {
 public:
  Workbook(std::string_view zip, std::vector<ZipEntry> entries, const sdk::Limits& limits, sdk::DocumentSink& sink)
      : zip_(zip), entries_(std::move(entries)), limits_(limits), sink_(sink), text_(limits),
        started_(std::chrono::steady_clock::now()) {}

  sdk::Status read() {
    try {
      const std::string workbook = find_workbook();
      const std::string dir = workbook.substr(0, workbook.rfind('/') + 1);
      read_workbook(workbook);
      const auto rels = read_rels(dir + "_rels/" + workbook.substr(dir.size()) + ".rels", dir);
      std::string shared, styles;
      for (const auto& [id, rel] : rels) {
        if (rel.type.ends_with("/sharedStrings")) shared = rel.target;
        else if (rel.type.ends_with("/styles")) styles = rel.target;
      }
      if (styles.empty() && entry(dir + "styles.xml")) styles = dir + "styles.xml";
      if (shared.empty() && entry(dir + "sharedStrings.xml")) shared = dir + "sharedStrings.xml";
      if (!styles.empty()) read_styles(styles);
      resolve_formats();
      if (!shared.empty()) read_shared_strings(shared);
      for (const auto& sheet : sheets_) {
        const auto it = rels.find(sheet.rel_id);
        std::string target = it != rels.end() ? it->second.target : std::string();
        read_sheet(sheet.name, target);
      }
      return {};
    } catch (const Stop& stop) {
      return stop.status;
    }
  }

 private:
  struct SheetRef {
    std::string name, rel_id;
  };
  struct Rel {
    std::string type, target;
  };
  struct Xf {
    unsigned font = 0, number_format = 0;
  };

  // Every refusal says it in Vietnamese, then " / ", then in English.
  [[noreturn]] static void stop(sdk::Code code, const std::string& vi, const std::string& en, sdk::Location where = {}) {
    throw Stop{sdk::Status(code, vi + " / " + en, std::move(where))};
  }
  static void check(sdk::Status s) {
    if (!s.ok()) throw Stop{std::move(s)};
  }

  // Part names are case-insensitive ("xl/WorkBook.xml", "xl/SharedStrings.xml").
  const ZipEntry* entry(const std::string& name) const { return entries_.find(name); }

  // Cells, shared strings and sheets all count against limits.max_cells.
  void count(const std::string& sheet, std::uint32_t row, std::uint32_t col, const char* what) {
    if (limits_.max_cells != 0 && ++cells_ > limits_.max_cells) {
      sdk::Location where;
      where.sheet = sheet;
      where.row = row;
      where.column = col;
      stop(sdk::Code::limit_exceeded,
           "bảng tính có nhiều ô hơn giới hạn " + std::to_string(limits_.max_cells) +
               " ô; hãy chia bảng tính thành nhiều tệp nhỏ hơn rồi gửi lại",
           std::string("the workbook has more ") + what + " than the limit of " + std::to_string(limits_.max_cells) +
               " cells (limits.max_cells)",
           where);
    }
    if (limits_.max_seconds != 0 && (cells_ & 0xFFFF) == 0 &&
        std::chrono::steady_clock::now() - started_ > std::chrono::seconds(limits_.max_seconds))
      stop(sdk::Code::limit_exceeded,
           "đọc tệp quá " + std::to_string(limits_.max_seconds) + " giây; hãy chia bảng tính thành nhiều tệp nhỏ hơn",
           "reading took longer than the limit of " + std::to_string(limits_.max_seconds) + " seconds");
  }

  // Runs `on_token` over a part's XML, with errors naming the part.
  template <class F>
  void parse(const ZipEntry& e, F&& on_token) {
    check(tonghop::zipxml::read_part(zip_, e, limits_, "tệp", "workbook", "; hãy mở bằng Excel, lưu lại dạng .xlsx rồi gửi lại",
                                     on_token));
  }

  std::string find_workbook() {
    std::string target = "xl/workbook.xml";  // found in any case
    if (const ZipEntry* root = entry("_rels/.rels")) {
      parse(*root, [&](XmlReader::Token t, XmlReader& x) {
        if (t == XmlReader::Token::start && x.name() == "Relationship" &&
            x.attribute("Type").ends_with("/officeDocument"))
          target = resolve_target("", x.attribute("Target"));
      });
    }
    if (target.ends_with(".bin"))
      stop(sdk::Code::unsupported, "tệp Excel nhị phân (.xlsb) không đọc được; hãy mở bằng Excel, lưu lại dạng .xlsx rồi "
                                   "gửi lại",
           "binary workbooks (.xlsb) are not read; save it as .xlsx");
    if (!entry(target))
      stop(sdk::Code::invalid_input,
           "tệp bị hỏng: thiếu phần '" + target + "'; hãy mở bằng Excel, lưu lại dạng .xlsx rồi gửi lại",
           "the workbook part '" + target + "' is missing");
    return target;
  }

  void read_workbook(const std::string& name) {
    parse(*entry(name), [&](XmlReader::Token t, XmlReader& x) {
      if (t != XmlReader::Token::start) return;
      if (x.name() == "sheet") {
        count({}, 0, 0, "sheets, cells and shared strings");
        sheets_.push_back({std::string(x.attribute("name")), std::string(x.attribute("id"))});
      }
      else if (x.name() == "workbookPr") date1904_ = x.attribute("date1904") == "1" || x.attribute("date1904") == "true";
    });
    std::string d1904 = date1904_ ? "1904" : "1900";
    check(sink_.property("date_system", d1904));
  }

  std::map<std::string, Rel> read_rels(const std::string& name, const std::string& dir) {
    std::map<std::string, Rel> rels;
    const ZipEntry* e = entry(name);
    if (e == nullptr) return rels;
    parse(*e, [&](XmlReader::Token t, XmlReader& x) {
      if (t == XmlReader::Token::start && x.name() == "Relationship" && x.attribute("TargetMode") != "External")
        rels[std::string(x.attribute("Id"))] = Rel{std::string(x.attribute("Type")), resolve_target(dir, x.attribute("Target"))};
    });
    return rels;
  }

  void read_styles(const std::string& name) {
    const ZipEntry* e = entry(name);
    if (e == nullptr) return;
    std::vector<std::string> path;
    parse(*e, [&](XmlReader::Token t, XmlReader& x) {
      if (t == XmlReader::Token::start) {
        const std::string_view parent = path.empty() ? std::string_view{} : std::string_view(path.back());
        const std::string_view grand = path.size() < 2 ? std::string_view{} : std::string_view(path[path.size() - 2]);
        if (x.name() == "numFmt" && parent == "numFmts")
          number_formats_[to_uint(x.attribute("numFmtId"))] = std::string(x.attribute("formatCode"));
        else if (x.name() == "font" && parent == "fonts")
          fonts_.emplace_back();
        else if (x.name() == "name" && parent == "font" && grand == "fonts" && !fonts_.empty())
          fonts_.back() = std::string(x.attribute("val"));
        else if (x.name() == "xf" && parent == "cellXfs")
          xfs_.push_back(Xf{to_uint(x.attribute("fontId")), to_uint(x.attribute("numFmtId"))});
        path.emplace_back(x.name());
      } else if (t == XmlReader::Token::end && !path.empty()) {
        path.pop_back();
      }
    });
  }

  void read_shared_strings(const std::string& name) {
    const ZipEntry* e = entry(name);
    if (e == nullptr) return;
    bool in_si = false, in_t = false;
    int phonetic = 0;
    std::string current;
    parse(*e, [&](XmlReader::Token t, XmlReader& x) {
      if (t == XmlReader::Token::start) {
        if (x.name() == "si") { in_si = true; current.clear(); }
        else if (x.name() == "rPh") ++phonetic;  // pronunciation guides are not the text
        else if (x.name() == "t" && in_si && phonetic == 0) in_t = true;
      } else if (t == XmlReader::Token::end) {
        if (x.name() == "si") {
          unescape_ooxml(current);
          count({}, 0, 0, "shared strings and cells");
          if (!text_.fits(current.size())) check(text_.refusal());  // the table itself; each use counts again
          string_ends_.push_back(strings_.size() + current.size());
          strings_ += current;
          current.clear();
          in_si = false;
        } else if (x.name() == "rPh") --phonetic;
        else if (x.name() == "t") in_t = false;
      } else if (t == XmlReader::Token::text && in_t) {
        current += x.text();
        if (limits_.max_field_bytes != 0 && current.size() > limits_.max_field_bytes)
          stop(sdk::Code::limit_exceeded,
               "một đoạn chữ trong bảng tính dài quá giới hạn " + std::to_string(limits_.max_field_bytes) +
                   " byte; hãy rút ngắn ô đó rồi gửi lại",
               "a text in the workbook is longer than the limit of " + std::to_string(limits_.max_field_bytes) +
                   " bytes");
      }
    });
  }

  std::string_view font_of(unsigned xf) const {
    const unsigned f = xf < xfs_.size() ? xfs_[xf].font : 0;
    return f < fonts_.size() ? std::string_view(fonts_[f]) : std::string_view{};
  }
  std::string_view format_of(unsigned xf) const {
    return xf < formats_by_xf_.size() ? std::string_view(formats_by_xf_[xf]) : std::string_view{};
  }
  // Each cell format's number format, resolved once.
  void resolve_formats() {
    formats_by_xf_.clear();
    for (const auto& x : xfs_) {
      const auto it = number_formats_.find(x.number_format);
      formats_by_xf_.push_back(it != number_formats_.end() ? it->second : std::string(sdk::builtin_number_format(x.number_format)));
      date_xfs_.push_back(sdk::is_date_format(formats_by_xf_.back()));
    }
  }

  // Shared string i, kept once in one buffer whatever the number of cells
  // that use it.
  std::string_view shared_string(std::size_t i) const {
    const std::size_t begin = i == 0 ? 0 : string_ends_[i - 1];
    return std::string_view(strings_).substr(begin, string_ends_[i] - begin);
  }

  void emit(const std::string& sheet, std::uint32_t row, std::uint32_t col, sdk::CellType type, std::string_view text,
            double number, unsigned xf) {
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

  void read_sheet(const std::string& sheet_name, const std::string& target) {
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

  // A date by the SDK's rule: its serial in the 1900 system, its ISO text.
  bool is_date_xf(unsigned xf) const { return xf < date_xfs_.size() && date_xfs_[xf]; }
  double shift() const { return date1904_ ? 1462 : 0; }
  void emit_date(const std::string& sheet, std::uint32_t row, std::uint32_t col, double serial, unsigned xf,
                 bool iso_written) {
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

  std::string_view zip_;
  EntryIndex entries_;
  const sdk::Limits& limits_;
  sdk::DocumentSink& sink_;
  sdk::TextBudget text_;
  std::chrono::steady_clock::time_point started_;
  std::vector<SheetRef> sheets_;
  std::string strings_;                   // every shared string, one after the other
  std::vector<std::size_t> string_ends_;  // where each ends in strings_
  std::vector<bool> date_xfs_;            // cell formats whose number format is a date
  std::string_view format_override_;
  std::vector<std::string> fonts_;
  std::vector<Xf> xfs_;
  std::map<unsigned, std::string> number_formats_;
  std::vector<std::string> formats_by_xf_;
  bool date1904_ = false;
  std::uint64_t cells_ = 0;
};

class XlsxImporter final : public sdk::Importer {
 public:
  using sdk::Importer::Importer;

 protected:
  sdk::Confidence do_sniff(sdk::Bytes head, std::string_view filename) const override {
    const std::string ext = sdk::extension_of(filename);
    const bool xlsx_name = ext == "xlsx" || ext == "xlsm";
    if (head.size() < 4 || std::memcmp(head.data(), "PK\x03\x04", 4) != 0)
      return xlsx_name ? sdk::confidence::name_only : sdk::confidence::none;
    // The first entries' names are in the head: look for a workbook's.
    const std::string_view text(reinterpret_cast<const char*>(head.data()), head.size());
    if (text.find("xl/") != std::string_view::npos || text.find("[Content_Types].xml") != std::string_view::npos)
      return sdk::confidence::signature;
    return xlsx_name ? sdk::confidence::plausible : sdk::confidence::name_only;
  }

  sdk::Status do_read(const sdk::Source& source, const sdk::Limits& limits, sdk::DocumentSink& sink) const override {
    if (auto s = sdk::check_input_size(source, limits, "workbook"); !s.ok()) return s;
    const std::string_view bytes(reinterpret_cast<const char*>(source.bytes.data()), source.bytes.size());
    std::vector<ZipEntry> entries;
    if (auto s = tonghop::zipxml::check_container(bytes, limits, entries); !s.ok()) return s;
    const bool is_workbook = std::any_of(entries.begin(), entries.end(), [](const ZipEntry& e) {
      const std::string name = tonghop::zipxml::lower_ascii(e.name);
      return name.ends_with("workbook.xml") || name.ends_with("workbook.bin");
    });
    if (!is_workbook) {
      const bool ods = std::any_of(entries.begin(), entries.end(), [](const ZipEntry& e) { return e.name == "content.xml"; });
      return {sdk::Code::invalid_input,
              ods ? "đây là tệp OpenDocument (.ods), không phải bảng tính Excel: hãy gửi lại với đuôi tên .ods, hoặc "
                    "lưu lại dạng .xlsx rồi gửi lại / an OpenDocument file (.ods), not an Excel workbook: send it with "
                    "the name .ods, or save it as .xlsx"
                  : "đây là tệp nén zip nhưng không phải bảng tính Excel (không có phần workbook); hãy kiểm tra lại "
                    "tệp đã gửi / a zip file, but not an Excel workbook (it has no workbook part)"};
    }
    Workbook book(bytes, std::move(entries), limits, sink);
    return book.read();
  }
};

}  // namespace

TONGHOP_PLUGIN(XlsxImporter, importer, "import-xlsx", "1.0.0", "xlsx xlsm",
               "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet "
               "application/vnd.ms-excel.sheet.macroEnabled.12",
               "Excel 2007+ workbooks, streamed: every sheet, cached formula results, fonts, merged ranges")
