#include "workbook.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <strings.h>

#include "cfb.hpp"

namespace tonghop::xls {

namespace {
struct Stop {
  sdk::Status status;
};

constexpr const char* kAdviceVi = "; hãy mở bằng Excel, lưu lại dạng .xlsx rồi gửi lại";
constexpr const char* kAdviceEn = "; open it in Excel, save it as .xlsx and resend it";
}  // namespace

Workbook::Workbook(std::string_view file, const sdk::Limits& limits, sdk::DocumentSink& sink)
    : file_(file), limits_(limits), sink_(sink), started_(std::chrono::steady_clock::now()) {}

void Workbook::refuse(sdk::Code code, const std::string& vi, const std::string& en, sdk::Location where) const {
  throw Stop{sdk::Status(code, vi + " / " + en, std::move(where))};
}

void Workbook::check(sdk::Status s) const {
  if (!s.ok()) throw Stop{std::move(s)};
}

void Workbook::tick() {
  if (limits_.max_seconds != 0 && (++records_ & 0xFFFF) == 0 &&
      std::chrono::steady_clock::now() - started_ > std::chrono::seconds(limits_.max_seconds))
    refuse(sdk::Code::limit_exceeded, "đọc tệp quá " + std::to_string(limits_.max_seconds) + " giây",
           "reading took longer than the limit of " + std::to_string(limits_.max_seconds) + " seconds");
}

sdk::Status Workbook::read() {
  try {
    open_stream();
    read_globals();
    std::size_t next = globals_end_;  // where a sheet whose recorded offset is wrong is looked for
    Records rs(stream_);
    // Where each sheet read was, start to end: no byte is read as two sheets
    // (a sheet listed at another's place, or inside it at a chart's BOF),
    // whatever the sheet list says.
    std::map<std::size_t, std::size_t> read_at;
    const auto taken = [&](std::size_t offset) {
      auto it = read_at.upper_bound(offset);
      return it != read_at.begin() && offset < (--it)->second;
    };
    for (const auto& sheet : sheets_) {
      if (sheet.type != 0) continue;  // chart sheets, macro sheets, VB modules hold no table
      std::size_t offset = sheet.offset;
      if (offset < globals_end_ || rs.id_at(offset) != rec::bof || taken(offset)) {
        // Some writers record wrong offsets: take the next sheet in the stream.
        offset = next;
        while (offset + 4 <= stream_.size() && rs.id_at(offset) != rec::bof) {
          rs.seek(offset);
          Record r;
          if (!rs.next(r)) break;
          offset = rs.position();
        }
        if (rs.id_at(offset) != rec::bof || taken(offset))
          refuse(sdk::Code::invalid_input, "không tìm thấy trang tính '" + sheet.name + "'" + kAdviceVi,
                 "the sheet '" + sheet.name + "' is not where the workbook says" + kAdviceEn);
      }
      next = read_sheet(sheet, offset);
      read_at[offset] = next;
    }
    return {};
  } catch (const Stop& stop) {
    return stop.status;
  }
}

void Workbook::open_stream() {
  constexpr unsigned char kOle2[] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
  const bool ole2 = file_.size() >= sizeof kOle2 && std::memcmp(file_.data(), kOle2, sizeof kOle2) == 0;
  if (!ole2 && sdk::looks_like_html(file_))
    refuse(sdk::Code::invalid_input,
           "tệp có đuôi .xls nhưng là một trang web (HTML) do phần mềm xuất ra, không phải bảng tính Excel; hãy mở "
           "tệp bằng Excel hoặc LibreOffice, lưu lại dạng .xlsx (Lưu thành, Save As: Excel Workbook) rồi gửi tệp "
           ".xlsx đó",
           "the file is named .xls but is a web page (HTML) a program exported, not an Excel workbook; open it in "
           "Excel or LibreOffice, save it as .xlsx (Save As: Excel Workbook) and send that file");
  if (!ole2)
    refuse(sdk::Code::invalid_input,
           "đây không phải tệp Excel 97-2003 (.xls): phần đầu tệp không đúng; hãy kiểm tra lại tệp đã gửi",
           "this is not an Excel 97-2003 workbook (.xls): it does not begin as one; check that the right file was sent");
  CompoundFile cf(file_);
  const auto damaged = [&] {
    if (cf.incomplete()) incomplete();
    const std::string& e = cf.error();
    const auto slash = e.find(" / ");
    refuse(sdk::Code::invalid_input, "tệp bị hỏng: " + e.substr(0, slash) + kAdviceVi,
           "the workbook is damaged: " + (slash == std::string::npos ? e : e.substr(slash + 3)) + kAdviceEn);
  };
  if (!cf.ok()) damaged();
  if (cf.find("EncryptedPackage") >= 0)
    refuse(sdk::Code::unsupported, "tệp được mã hoá bằng mật khẩu: hãy gỡ mật khẩu rồi gửi lại",
           "the workbook is encrypted with a password; remove the password and resend it");
  int index = cf.find("Workbook");
  if (index < 0) {
    index = cf.find("Book");
    biff8_ = false;
  }
  if (index < 0) {
    if (cf.find("WordDocument") >= 0)
      refuse(sdk::Code::invalid_input, "đây là văn bản Word, không phải bảng tính Excel",
             "this is a Word document, not an Excel workbook");
    refuse(sdk::Code::invalid_input, "tệp không có bảng tính (không có luồng Workbook)" + std::string(kAdviceVi),
           "the file holds no workbook stream" + std::string(kAdviceEn));
  }
  Stream s;
  if (!cf.read(index, s)) damaged();
  stream_ = std::move(s.bytes);
  cut_short_ = s.cut_short;
}

void Workbook::incomplete(const std::string& sheet) const {
  sdk::Location where;
  where.sheet = sheet;
  if (sheet.empty())
    refuse(sdk::Code::invalid_input, "tệp bị thiếu phần cuối (tải về hoặc chép chưa hết): hãy xin lại tệp",
           "the file is incomplete: its end is missing (an interrupted download or copy); ask for the file again");
  refuse(sdk::Code::invalid_input,
         "tệp bị thiếu phần cuối (tải về hoặc chép chưa hết), trang '" + sheet + "' bị cắt: hãy xin lại tệp",
         "the file is incomplete: its end is missing (an interrupted download or copy) and the sheet '" + sheet +
             "' is cut off; ask for the file again",
         where);
}

std::string Workbook::text(Cursor& c, unsigned length_bytes, const char* what) {
  std::string out;
  bool ok;
  if (biff8_) {
    ok = read_unicode(c, length_bytes, out);
  } else {
    std::uint32_t n = 0;
    std::uint8_t n8 = 0;
    std::uint16_t n16 = 0;
    ok = length_bytes == 1 ? c.u8(n8) : c.u16(n16);
    n = length_bytes == 1 ? n8 : n16;
    std::string raw;
    ok = ok && c.bytes(n, raw);
    if (ok && !codepage_->decode(raw, out))
      refuse(sdk::Code::undecodable, std::string("một chuỗi (") + what + ") không hợp lệ trong bảng mã " + codepage_->name(),
             std::string("a text (") + what + ") is not valid in the workbook's code page " + codepage_->name());
  }
  if (!ok)
    refuse(sdk::Code::invalid_input, std::string("tệp bị hỏng: một chuỗi (") + what + ") bị cắt cụt" + kAdviceVi,
           std::string("the workbook is damaged: a text (") + what + ") is cut off" + kAdviceEn);
  if (limits_.max_field_bytes != 0 && out.size() > limits_.max_field_bytes)
    refuse(sdk::Code::limit_exceeded, "một chuỗi dài quá " + std::to_string(limits_.max_field_bytes) + " byte",
           "a text in the workbook is longer than the limit of " + std::to_string(limits_.max_field_bytes) + " bytes");
  return out;
}

void Workbook::read_globals() {
  Records rs(stream_);
  Record r;
  if (!rs.next(r) || !is_bof(r.id))
    refuse(sdk::Code::invalid_input, "luồng bảng tính không bắt đầu bằng bản ghi BOF" + std::string(kAdviceVi),
           "the workbook stream does not start with a BOF record" + std::string(kAdviceEn));
  std::uint16_t version = 0, kind = 0, build = 0;
  {
    Cursor bof(r);
    bof.u16(version);
    bof.u16(kind);
    bof.u16(build);
  }
  libreoffice_bof_ = build == 0x0DBB;
  if (r.id != rec::bof)
    refuse(sdk::Code::unsupported, "tệp Excel 2.x–4.0 (quá cũ): mở bằng Excel và lưu lại dạng .xlsx",
           "an Excel 2.x-4.0 file (too old to read); open it in Excel and save it as .xlsx");
  if (version == 0x0600) biff8_ = true;
  else if (version == 0x0500) biff8_ = false;  // Excel 5.0/95, whatever the stream's name
  // First pass: what decoding the rest needs.
  unsigned codepage = biff8_ ? 1200 : 1252;
  while (rs.next(r) && r.id != rec::eof) {
    tick();
    Cursor c(r);
    std::uint16_t v = 0;
    if (r.id == rec::filepass)
      refuse(sdk::Code::unsupported, "tệp được bảo vệ bằng mật khẩu: hãy gỡ mật khẩu rồi gửi lại",
             "the workbook is encrypted with a password; remove the password and resend it");
    else if (r.id == rec::codepage && c.u16(v)) codepage = v;
    else if (r.id == rec::datemode && c.u16(v)) date1904_ = v == 1;
    else if (r.id == rec::recalcid) {
      // Its header (the record's id, flags), then the build of the engine
      // that last calculated the workbook: 0 asks for every formula to be
      // calculated when opened (POI's and NPOI's setForceFormulaRecalculation).
      std::uint32_t engine = 1;
      if (c.u16(v) && c.u16(v) && c.u32(engine)) recalc_all_ = engine == 0;
    }
  }
  codepage_ = std::make_unique<CodePage>(biff8_ ? 1200 : codepage);
  if (!codepage_->ok())
    refuse(sdk::Code::unsupported, "bảng mã " + std::to_string(codepage) + " của tệp không được hỗ trợ" + kAdviceVi,
           "the workbook's code page " + std::to_string(codepage) + " is not supported" + kAdviceEn);

  rs.seek(0);
  rs.next(r);
  while (rs.next(r) && r.id != rec::eof) {
    tick();
    Cursor c(r);
    std::uint16_t a = 0, b = 0;
    switch (r.id) {
      case rec::font: {
        // Its height, grbit (bit 3: fStrikeOut), its colour's palette
        // index; the name at 14.
        std::uint16_t grbit = 0, icv = 0x7FFF;
        const bool read = c.u16(a) && c.u16(grbit) && c.u16(icv);
        fonts_struck_.push_back(read && (grbit & 0x0008) != 0);
        fonts_icv_.push_back(read ? icv : 0x7FFF);
        fonts_.push_back(read && c.skip(8) ? text(c, 1, "font name") : std::string());
        break;
      }
      case rec::xf: {
        // BIFF8: its fill's pattern (fls, the top 6 bits of the word at 14)
        // and foreground colour (icvFore, the low 7 bits at 18).
        std::uint32_t borders = 0;
        std::uint16_t fill = 0;
        if (!c.u16(a) || !c.u16(b)) break;
        Xf x{a, b};
        if (biff8_ && c.skip(10) && c.u32(borders) && c.u16(fill)) {
          x.pattern = static_cast<std::uint8_t>(borders >> 26);
          x.fill_icv = fill & 0x7F;
        }
        xfs_.push_back(x);
        break;
      }
      case rec::palette: {
        std::uint16_t count = 0;
        std::uint32_t rgb = 0;
        if (!c.u16(count)) break;
        for (std::size_t i = 0; i < count && i < palette_.size() && c.u32(rgb); ++i)  // r, g, b, 0
          palette_[i] = static_cast<std::int64_t>((rgb & 0xFF) << 16 | (rgb & 0xFF00) | (rgb >> 16 & 0xFF));
        break;
      }
      case rec::format:
        if (c.u16(a)) {
          std::string f = text(c, biff8_ ? 2 : 1, "number format");
          // Excel writes at most 255 characters ([MS-XLS] 2.4.126); each cell
          // carries its format, so a longer one is refused, not copied per cell.
          const auto chars = std::count_if(f.begin(), f.end(), [](char ch) { return (ch & 0xC0) != 0x80; });
          if (chars > 255)
            refuse(sdk::Code::invalid_input,
                   "tệp bị hỏng: một định dạng số dài " + std::to_string(chars) + " ký tự, Excel chỉ cho 255" + kAdviceVi,
                   "the workbook is damaged: a number format is " + std::to_string(chars) +
                       " characters long, past Excel's 255" + kAdviceEn);
          formats_[a] = std::move(f);
        }
        break;
      case rec::boundsheet: {
        SheetRef s;
        std::uint8_t vis = 0, type = 0;
        if (!c.u32(s.offset) || !c.u8(vis) || !c.u8(type)) break;
        s.visibility = vis & 3;
        s.type = type;
        s.name = text(c, 1, "sheet name");
        sheets_.push_back(std::move(s));
        break;
      }
      case rec::sst:
        if (biff8_) read_sst(r);
        break;
      default:
        break;
    }
  }
  globals_end_ = rs.position();
  if (rs.truncated() || r.id != rec::eof) {
    if (cut_short_) incomplete();
    refuse(sdk::Code::invalid_input, "phần chung của bảng tính không có bản ghi kết thúc" + std::string(kAdviceVi),
           "the workbook's global section has no end record" + std::string(kAdviceEn));
  }

  // Properties, then each cell format's font and number format.
  check(sink_.property("codepage", codepage_->name()));
  check(sink_.property("date_system", date1904_ ? "1904" : "1900"));
  check(sink_.property("biff", biff8_ ? "8" : "5"));
  for (const auto& s : sheets_)
    if (s.visibility != 0) check(sink_.property("hidden_sheet", s.name));
  for (const auto& x : xfs_) {
    unseen_by_xf_.push_back(unseen(x));
    const auto it = formats_.find(x.format);
    std::string_view f = it != formats_.end() ? std::string_view(it->second) : sdk::builtin_number_format(x.format);
    if (f.size() == 7 && strncasecmp(f.data(), "general", 7) == 0) f = {};  // "" is general, as from xlsx
    formats_by_xf_.push_back(f);
  }
}

std::int64_t Workbook::rgb_of(std::uint16_t icv) const {
  if (icv >= 8 && icv < 8 + palette_.size() && palette_[icv - 8] >= 0) return palette_[icv - 8];
  switch (icv) {
    case 0: case 8: return 0;                        // black
    case 1: case 9: case 65: return 0xFFFFFF;        // white, the window's background
    default: return -1;  // the default palette's others: not judged
  }
}

bool Workbook::unseen(const Xf& x) const {
  // BIFF has no font 4: the fifth FONT record is font 5.
  const unsigned f = x.font > 4 ? x.font - 1u : x.font;
  if (x.font == 4 || f >= fonts_icv_.size()) return false;
  const std::uint16_t ink = fonts_icv_[f];
  // Solid, one palette colour for both; automatic text (0x7FFF, or 64 the
  // window's text) is drawn to contrast with the fill, and rgb_of does not
  // judge it.
  if (x.pattern == 1 && x.fill_icv == ink && ink < 64) return true;
  const std::int64_t paper = x.pattern == 0 ? 0xFFFFFF : x.pattern == 1 ? rgb_of(x.fill_icv) : -1;
  const std::int64_t text = rgb_of(ink);
  return text >= 0 && text == paper;
}

void Workbook::read_sst(const Record& r) {
  Cursor c(r, 4);
  std::uint32_t unique = 0;
  if (!c.u32(unique)) return;
  // The count may be wrong (gh548): read what is there.
  while (!c.at_end()) {
    tick();
    std::string s;
    if (!read_unicode(c, 2, s, true)) break;  // a damaged tail: cells that use it are refused by number
    if (limits_.max_field_bytes != 0 && s.size() > limits_.max_field_bytes)
      refuse(sdk::Code::limit_exceeded, "một chuỗi dài quá " + std::to_string(limits_.max_field_bytes) + " byte",
             "a text in the workbook is longer than the limit of " + std::to_string(limits_.max_field_bytes) + " bytes");
    strings_.push_back(std::move(s));
  }
}

void Workbook::add(const SheetRef& sheet, Pending p) {
  if (limits_.max_cells != 0 && ++cells_ > limits_.max_cells) {
    sdk::Location where;
    where.sheet = sheet.name;
    where.row = p.row;
    where.column = p.column;
    refuse(sdk::Code::limit_exceeded, "bảng tính có nhiều hơn " + std::to_string(limits_.max_cells) + " ô",
           "the workbook has more cells than the limit of " + std::to_string(limits_.max_cells), where);
  }
  pending_.push_back(p);
  if (direct_ && !p.awaits_string) flush();
}

void Workbook::add_text(const SheetRef& sheet, Pending p, const std::string& s) {
  p.type = sdk::CellType::text;
  p.offset = static_cast<std::uint32_t>(arena_.size());
  p.length = static_cast<std::uint32_t>(s.size());
  if (arena_.size() + s.size() > UINT32_MAX) refuse(sdk::Code::limit_exceeded, "quá nhiều chữ", "too much text");
  arena_ += s;
  add(sheet, p);
}

void Workbook::send(const SheetRef& sheet) {
  if (!direct_) {
    // Cells go row by row, left to right: a writer that wrote them otherwise is put in order.
    auto before = [](const Pending& a, const Pending& b) { return a.row != b.row ? a.row < b.row : a.column < b.column; };
    std::stable_sort(pending_.begin(), pending_.end(), before);
    check(sink_.begin_sheet(sheet.name));
  }
  flush();
  // Columns Excel does not show (SDK, document.hpp: before end_sheet).
  for (std::size_t first = 0; first < hidden_columns_.size(); ++first) {
    if (!hidden_columns_[first]) continue;
    std::size_t last = first;
    while (last + 1 < hidden_columns_.size() && hidden_columns_[last + 1]) ++last;
    check(sink_.property("hidden_column", std::to_string(first + 1) + "-" + std::to_string(last + 1)));
    first = last;
  }
  for (const auto& m : merges_) check(sink_.merged(m));
  check(sink_.end_sheet());
  merges_.clear();
  hidden_rows_.clear();
  hidden_columns_.reset();
  row_said_ = UINT32_MAX;
  direct_ = false;
}

void Workbook::flush() {
  char buf[32];
  std::string iso;
  for (std::size_t i = 0; i < pending_.size(); ++i) {
    const Pending& p = pending_[i];
    // The same cell written twice: the later one stands, as in Excel.
    if (i + 1 < pending_.size() && pending_[i + 1].row == p.row && pending_[i + 1].column == p.column) continue;
    if (p.awaits_string) continue;  // its STRING is the next record (no_string() refuses the file without it)
    sdk::CellView c;
    c.row = p.row + 1;
    c.column = p.column + 1u;
    c.type = p.type;
    c.number = p.number;
    if (p.uncalculated) {  // a formula without value (sdk::CellType::error, document.hpp)
      c.type = sdk::CellType::error;
      c.number = 0;
    } else if (p.type == sdk::CellType::text) {
      c.text = p.shared ? std::string_view(strings_[p.offset]) : std::string_view(arena_).substr(p.offset, p.length);
    } else if (p.type == sdk::CellType::number) {
      const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, p.number);
      c.text = ec == std::errc() ? std::string_view(buf, static_cast<std::size_t>(end - buf)) : std::string_view{};
    } else if (p.type == sdk::CellType::boolean) {
      c.text = p.number != 0 ? "TRUE" : "FALSE";
    } else if (p.type == sdk::CellType::error) {
      c.text = error_text(static_cast<std::uint8_t>(p.number));
      c.number = 0;
    }
    if (p.xf < xfs_.size()) {
      // BIFF has no font 4: the fifth FONT record is font 5.
      const unsigned f = xfs_[p.xf].font > 4 ? xfs_[p.xf].font - 1u : xfs_[p.xf].font;
      if (xfs_[p.xf].font != 4 && f < fonts_.size()) {
        c.font = fonts_[f];
        if (fonts_struck_[f]) [[unlikely]]  // SDK, document.hpp: before the cell
          check(sink_.property("struck_cell", std::to_string(c.row) + ":" + std::to_string(c.column)));
        if (unseen_by_xf_[p.xf]) [[unlikely]]
          check(sink_.property("unseen_cell", std::to_string(c.row) + ":" + std::to_string(c.column)));
      }
      c.number_format = formats_by_xf_[p.xf];
    }
    // A date by the SDK's rule, as the xlsx and ods readers give it: the
    // serial of the 1900 system (a 1904 workbook shifted by 1462 days), its
    // ISO text. A serial no calendar holds stays the number it is.
    if (c.type == sdk::CellType::number && sdk::is_date_format(c.number_format)) {
      const double serial = p.number + (date1904_ ? 1462 : 0);
      if (iso = sdk::iso_of_serial(serial, true); !iso.empty()) {
        c.number = serial;
        c.text = iso;
      }
    }
    // A row Excel does not show: said before its first cell (SDK, document.hpp).
    if (p.row != row_said_ && hidden_rows_.count(p.row) != 0) {
      row_said_ = p.row;
      check(sink_.property("hidden_row", std::to_string(c.row)));
    }
    check(sink_.cell(c));
  }
  pending_.clear();
  arena_.clear();
}

}  // namespace tonghop::xls
