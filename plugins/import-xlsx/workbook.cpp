// The parts of a workbook read before its sheets: the package relationships,
// the workbook (its sheets, its date system), the styles (fonts and number
// formats of each cell format) and the shared strings.
#include "workbook.hpp"

#include <algorithm>
#include <map>

#include "ooxml.hpp"

namespace tonghop::xlsx {

sdk::Status Workbook::read() {
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
    // Each part read once: sheets listed at one part (Excel never writes
    // them) would have its figures read twice, and a list of thousands,
    // each pointing at one large part, would read it thousands of times
    // under the inflated-size limit (an audit's 2 MB file held an import
    // for its whole time limit).
    // Keyed by the entry: targets differing in case name one part (entry()).
    std::map<const ZipEntry*, std::string> read_as;  // part -> the sheet it was read as
    for (const auto& sheet : sheets_) {
      const auto it = rels.find(sheet.rel_id);
      std::string target = it != rels.end() ? it->second.target : std::string();
      if (const ZipEntry* part = target.empty() ? nullptr : entry(target)) {  // (a missing part: an empty sheet, each time)
        const auto [was, first] = read_as.emplace(part, sheet.name);
        if (!first)
          stop(sdk::Code::invalid_input,
               "tệp bị hỏng: hai trang tính «" + was->second + "» và «" + sheet.name + "» cùng trỏ tới một phần '" +
                   part->name + "'; hãy mở bằng Excel, lưu lại dạng .xlsx rồi gửi lại",
               "sheets '" + was->second + "' and '" + sheet.name + "' both name the part '" + part->name +
                   "' (a damaged or altered workbook)");
      }
      read_sheet(sheet.name, target);
    }
    return {};
  } catch (const Stop& stop) {
    return stop.status;
  }
}

void Workbook::too_many(const std::string& sheet, std::uint32_t row, std::uint32_t col, const char* what) const {
  sdk::Location where;
  where.sheet = sheet;
  where.row = row;
  where.column = col;
  stop(sdk::Code::limit_exceeded,
       "bảng tính có nhiều ô hơn giới hạn " + std::to_string(limits_.max_cells) +
           " ô; " + std::string(sdk::kPastALimitVi),
       std::string("the workbook has more ") + what + " than the limit of " + std::to_string(limits_.max_cells) +
           " cells (limits.max_cells)",
       where);
}

void Workbook::check_time() const {
  if (std::chrono::steady_clock::now() - started_ > std::chrono::seconds(limits_.max_seconds))
    stop(sdk::Code::limit_exceeded,
         "đọc tệp quá " + std::to_string(limits_.max_seconds) + " giây; hãy bỏ các trang tính không thuộc báo cáo rồi lưu lại, hoặc nhờ quản trị viên nâng giới hạn; đừng chia báo cáo thành nhiều tệp: tệp gửi sau sẽ thay tệp gửi trước",
         "reading took longer than the limit of " + std::to_string(limits_.max_seconds) + " seconds");
}

std::string Workbook::find_workbook() {
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

void Workbook::read_workbook(const std::string& name) {
  parse(*entry(name), [&](XmlReader::Token t, XmlReader& x) {
    if (t != XmlReader::Token::start) return;
    if (x.name() == "sheet") {
      count({}, 0, 0, "sheets, cells and shared strings");
      const std::string_view state = x.attribute("state");
      sheets_.push_back({std::string(x.attribute("name")), std::string(x.attribute("id")),
                         state == "hidden" || state == "veryHidden"});
    }
    else if (x.name() == "workbookPr") date1904_ = x.attribute("date1904") == "1" || x.attribute("date1904") == "true";
    else if (x.name() == "calcPr")
      recalculate_ = x.attribute("fullCalcOnLoad") == "1" || x.attribute("fullCalcOnLoad") == "true";
  });
  std::string d1904 = date1904_ ? "1904" : "1900";
  check(sink_.property("date_system", d1904));
  // As the .xls importer says it: a sheet Excel does not show (SDK, document.hpp).
  for (const auto& sheet : sheets_)
    if (sheet.hidden) check(sink_.property("hidden_sheet", sheet.name));
}

std::map<std::string, Workbook::Rel> Workbook::read_rels(const std::string& name, const std::string& dir) {
  std::map<std::string, Rel> rels;
  const ZipEntry* e = entry(name);
  if (e == nullptr) return rels;
  parse(*e, [&](XmlReader::Token t, XmlReader& x) {
    if (t == XmlReader::Token::start && x.name() == "Relationship" && x.attribute("TargetMode") != "External")
      rels[std::string(x.attribute("Id"))] = Rel{std::string(x.attribute("Type")), resolve_target(dir, x.attribute("Target"))};
  });
  return rels;
}

namespace {
std::int64_t color_of(XmlReader& x) {
  return color_rgb(x.attribute("rgb"), x.attribute("theme"), x.attribute("tint"), x.attribute("indexed"),
                   x.attribute("auto"));
}
}  // namespace

void Workbook::read_styles(const std::string& name) {
  const ZipEntry* e = entry(name);
  if (e == nullptr) return;
  std::vector<std::string> path;
  bool solid = false;  // the fill being read is a solid pattern: its fgColor is its colour
  parse(*e, [&](XmlReader::Token t, XmlReader& x) {
    if (t == XmlReader::Token::start) {
      const std::string_view parent = path.empty() ? std::string_view{} : std::string_view(path.back());
      const std::string_view grand = path.size() < 2 ? std::string_view{} : std::string_view(path[path.size() - 2]);
      if (x.name() == "numFmt" && parent == "numFmts") {
        // Excel writes at most 255 characters; each cell carries its
        // format, so a longer one is refused, as the .xls importer does.
        const std::string_view code = x.attribute("formatCode");
        const auto chars = std::count_if(code.begin(), code.end(), [](char ch) { return (ch & 0xC0) != 0x80; });
        if (chars > 255)
          stop(sdk::Code::invalid_input,
               "tệp bị hỏng: một định dạng số dài " + std::to_string(chars) +
                   " ký tự, Excel chỉ cho 255; hãy mở bằng Excel, lưu lại dạng .xlsx rồi gửi lại",
               "the workbook is damaged: a number format is " + std::to_string(chars) +
                   " characters long, past Excel's 255");
        number_formats_[to_uint(x.attribute("numFmtId"))] = std::string(code);
      }
      else if (x.name() == "font" && parent == "fonts")
        fonts_.emplace_back(), fonts_struck_.push_back(false), fonts_color_.push_back(kAutomatic);
      else if (x.name() == "name" && parent == "font" && grand == "fonts" && !fonts_.empty())
        fonts_.back() = std::string(x.attribute("val"));
      else if (x.name() == "strike" && parent == "font" && grand == "fonts" && !fonts_.empty()) {
        const std::string_view val = x.attribute("val");  // absent: true
        fonts_struck_.back() = val != "0" && val != "false";
      } else if (x.name() == "color" && parent == "font" && grand == "fonts" && !fonts_.empty()) {
        fonts_color_.back() = color_of(x);
      } else if (x.name() == "fill" && parent == "fills") {
        fills_.push_back(0xFFFFFF);  // no fill: the sheet's white
        solid = false;
      } else if (x.name() == "patternFill" && parent == "fill" && grand == "fills" && !fills_.empty()) {
        const std::string_view pattern = x.attribute("patternType");  // absent: none
        solid = pattern == "solid";
        fills_.back() = pattern.empty() || pattern == "none" ? 0xFFFFFF : solid ? 0 : -1;
      } else if (x.name() == "gradientFill" && parent == "fill" && grand == "fills" && !fills_.empty()) {
        fills_.back() = -1;  // not judged
      } else if (x.name() == "fgColor" && parent == "patternFill" && solid && !fills_.empty() && path.size() >= 3 &&
                 path[path.size() - 3] == "fills") {
        const std::int64_t c = color_of(x);
        fills_.back() = c < 0 ? -1 : c;
      }
      else if (x.name() == "xf" && parent == "cellXfs")
        xfs_.push_back(
            Xf{to_uint(x.attribute("fontId")), to_uint(x.attribute("numFmtId")), to_uint(x.attribute("fillId"))});
      path.emplace_back(x.name());
    } else if (t == XmlReader::Token::end && !path.empty()) {
      path.pop_back();
    }
  });
}

void Workbook::read_shared_strings(const std::string& name) {
  const ZipEntry* e = entry(name);
  if (e == nullptr) return;
  bool in_si = false, in_t = false;
  // A run of rich text struck through (<r><rPr><strike/>), and whether any
  // of the string's text is: the clerk struck the words, not the cell.
  bool run_struck = false, si_struck = false;
  int phonetic = 0;
  std::string current;
  parse(*e, [&](XmlReader::Token t, XmlReader& x) {
    if (t == XmlReader::Token::start) {
      if (x.name() == "si") { in_si = true; si_struck = false; current.clear(); }
      else if (x.name() == "rPh") ++phonetic;  // pronunciation guides are not the text
      else if (x.name() == "t" && in_si && phonetic == 0) in_t = true;
      else if (x.name() == "r" && in_si) run_struck = false;
      else if (x.name() == "strike" && in_si && phonetic == 0) {
        const std::string_view val = x.attribute("val");
        run_struck = val != "0" && val != "false";
      }
    } else if (t == XmlReader::Token::end) {
      if (x.name() == "r") run_struck = false;
      if (x.name() == "si") {
        strings_struck_.push_back(si_struck);
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
      if (run_struck && x.text().find_first_not_of(" \t\r\n") != std::string_view::npos) si_struck = true;
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

// Each cell format's number format, resolved once.
void Workbook::resolve_formats() {
  formats_by_xf_.clear();
  for (const auto& x : xfs_) {
    const auto it = number_formats_.find(x.number_format);
    formats_by_xf_.push_back(it != number_formats_.end() ? it->second : std::string(sdk::builtin_number_format(x.number_format)));
  }
  // Views into fonts_ and formats_by_xf_, which no longer change.
  styles_.clear();
  for (std::size_t i = 0; i < xfs_.size(); ++i) {
    const unsigned f = xfs_[i].font;
    // Text the colour of its background: a white font on no fill, or on a
    // white one; yellow on yellow.
    const std::int64_t ink = f < fonts_.size() ? fonts_color_[f] : 0;
    const std::int64_t paper = xfs_[i].fill < fills_.size() ? fills_[xfs_[i].fill] : 0xFFFFFF;
    styles_.push_back(Style{f < fonts_.size() ? std::string_view(fonts_[f]) : std::string_view{}, formats_by_xf_[i],
                            sdk::is_date_format(formats_by_xf_[i]), f < fonts_.size() && fonts_struck_[f],
                            ink >= 0 && ink == paper});
  }
  no_style_ = Style{fonts_.empty() ? std::string_view{} : std::string_view(fonts_[0]), {}, false,
                    !fonts_.empty() && fonts_struck_[0]};
}

}  // namespace tonghop::xlsx
