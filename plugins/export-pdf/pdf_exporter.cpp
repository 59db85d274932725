// The province report as PDF, drawn directly with cairo and pango (no office
// suite): A4 landscape, Liberation Serif (Times New Roman's metric twin),
// the layout of a party document (36-HD/VPTW):
//   top left "TỈNH ỦY <TỈNH>" upright over bold "BAN TỔ CHỨC", "*" and
//   "Số ...-BC/BTCTU"; top right "ĐẢNG CỘNG SẢN VIỆT NAM" bold and underlined
//   over the italic place and date; the bold centred title; the tables
//   (Biểu, see tables.hpp), each fitting the page width with body text at
//   11 pt: a table too wide is continued ("tiếp") with the STT and district
//   columns repeated, a table too long repeats its header rows on the next
//   page; "Nơi nhận:" on the left and the signature block on the right;
//   "Trang x/y" in every footer.
// Numbers are written 15.513 and 34,70. A value a district has no data for is
// a blank grey cell, never 0; a total that leaves districts out is marked "*";
// lines under the tables say both, naming the districts left out.
// The document number, the recipients and the signer are read from the
// metadata keys display.number, display.recipients, display.signer_role,
// display.signer_title and display.signer_name when the report has them, and
// are otherwise left blank to be filled in by hand.
#include <algorithm>
#include <map>
#include <ostream>
#include <string>

#include <cairo-pdf.h>

#include <tonghop/sdk.hpp>

#include "pen.hpp"
#include "tables.hpp"

namespace sdk = tonghop::sdk;
using namespace tonghop::pdf;

namespace {

constexpr double kPageW = 841.89, kPageH = 595.28;  // A4 landscape, in points
constexpr double kLeft = 70.87, kRight = 42.52, kTop = 42.52, kBottom = 56.69;  // 25, 15, 15, 20 mm
constexpr double kWidth = kPageW - kLeft - kRight;
constexpr double kPad = 3;
const Style kBody{11};
const Style kBold{11, true};
const Style kItalic{11, false, true};
const Style kHead{10.5, true};
const Style kHeading{13};
const Style kHeadingBold{13, true};
constexpr double kUnknownGrey = 0.85;
constexpr const char* kNoData = "Không có số liệu";

std::string text_of(const sdk::Value* v) {
  if (v == nullptr) return {};
  if (const auto* s = std::get_if<std::string>(v)) return *s;
  return {};
}
const sdk::StringList* list_of(const sdk::Value* v) { return v ? std::get_if<sdk::StringList>(v) : nullptr; }

bool listed(const sdk::StringList& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}
const sdk::StringList* incomplete_of(const sdk::Row& row, const std::string& id) {
  for (const auto& [column, rows] : row.incomplete)
    if (column == id) return &rows;
  return nullptr;
}
std::string joined(const sdk::StringList& names, const char* sep = ", ") {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : sep) + n;
  return out;
}
// The daemon's status_label (season), else "Chưa báo cáo" for a row with nothing.
std::string status(const sdk::Row& row) {
  for (const auto& [k, v] : row.attributes)
    if (k == "status_label")
      if (const auto* s = std::get_if<std::string>(&v); s && !s->empty()) return *s;
  return "Chưa báo cáo";
}
std::string upper(const std::string& s) {
  gchar* u = g_utf8_strup(s.c_str(), static_cast<gssize>(s.size()));
  std::string out = u ? u : s;
  g_free(u);
  return out;
}

// One printed table, or the part of one that fits the page's width.
struct Chunk {
  std::string caption;
  std::vector<TableColumn> columns;
  std::vector<double> widths;
};

class Document {
 public:
  Document(Pen& pen, const sdk::Report& r, int pages) : pen_(pen), r_(r), pages_(pages) {
    if (const auto* order = list_of(r.meta("display.order")))
      for (const auto& name : *order)
        for (const auto& row : r.rows)
          if (row.label == name) rows_.push_back(&row);
    for (const auto& row : r.rows)
      if (std::find(rows_.begin(), rows_.end(), &row) == rows_.end()) rows_.push_back(&row);
  }

  int render() {
    new_page();
    heading();
    for (const auto& chunk : chunks()) table(chunk);
    legend();
    closing();
    end_page();
    return page_;
  }

 private:
  double bottom() const { return kPageH - kBottom; }

  void new_page() {
    if (page_ > 0) end_page();
    ++page_;
    y_ = kTop;
  }
  void end_page() {
    const std::string footer = "Trang " + std::to_string(page_) + "/" + std::to_string(std::max(pages_, page_));
    pen_.text(kLeft, kPageH - kBottom + 16, kWidth, footer, Style{10}, Align::center);
    if (pen_.drawing) cairo_show_page(pen_.cr());
  }
  void need(double height) {
    if (y_ + height > bottom() && y_ > kTop) new_page();
  }

  void heading() {
    const double lw = kWidth * 0.42, rw = kWidth * 0.5, rx = kLeft + kWidth - rw;
    std::string body = text_of(r_.meta("display.issuing_body"));
    if (body.empty()) body = "TỈNH ỦY " + upper(text_of(r_.meta("province")));
    std::string number = text_of(r_.meta("display.number"));
    if (number.empty()) number = "……";  // to fill in by hand
    double ly = y_;
    ly += pen_.text(kLeft, ly, lw, body, kHeading, Align::center, 2);
    ly += pen_.text(kLeft, ly, lw, text_of(r_.meta("display.issuer")), kHeadingBold, Align::center, 2);
    ly += pen_.text(kLeft, ly, lw, "*", kHeading, Align::center);
    ly += pen_.text(kLeft, ly, lw, "Số " + number + "-BC/BTCTU", kHeading, Align::center, 1);
    double ry = y_;
    ry += pen_.text(rx, ry, rw, "ĐẢNG CỘNG SẢN VIỆT NAM", Style{13, true, false, true}, Align::center) + 8;
    std::string place = text_of(r_.meta("display.place"));
    if (place.empty()) place = text_of(r_.meta("province"));
    std::string date = text_of(r_.meta("display.date"));  // in the Board's time zone
    if (date.empty()) date = vietnamese_date(text_of(r_.meta("generated_at")));
    ry += pen_.text(rx, ry, rw, place + ", " + date, Style{13, false, true}, Align::center, 2);
    y_ = std::max(ly, ry) + 16;
    y_ += pen_.text(kLeft, y_, kWidth, text_of(r_.meta("display.title")), Style{14, true}, Align::center, 3) + 2;
    const auto* expected = list_of(r_.meta("completeness.expected"));
    const auto* submitted = list_of(r_.meta("completeness.submitted"));
    const std::string done = std::to_string(submitted ? submitted->size() : 0) + "/" +
                             std::to_string(expected ? expected->size() : 0) + " đảng bộ huyện đã gửi báo cáo";
    y_ += pen_.text(kLeft, y_, kWidth, done, kItalic, Align::center) + 10;
  }

  std::string cell_text(const sdk::Row& row, const TableColumn& c) {
    const sdk::Value v = c.index < row.values.size() ? row.values[c.index] : sdk::Value{};
    std::string s = vietnamese_number(v, c.column->kind);
    if (!s.empty() && incomplete_of(row, c.column->id) != nullptr) s += "*";
    return s;
  }
  std::string total_label() const { return r_.total && !r_.total->label.empty() ? r_.total->label : "Toàn tỉnh"; }

  // The tables cut to the page's width, each part repeating STT and district.
  std::vector<Chunk> chunks() {
    stt_w_ = pen_.width("STT", kHead) + 2 * kPad;
    district_w_ = std::max(pen_.widest_word("Đảng bộ huyện", kHead), pen_.width(total_label(), kBold));
    for (const auto* row : rows_) district_w_ = std::max(district_w_, pen_.width(row->label, kBody));
    district_w_ = std::min(district_w_ + 4 * kPad, 160.0);
    const double room = kWidth - stt_w_ - district_w_;
    std::vector<Chunk> out;
    int n = 0;
    for (const auto& t : split(r_)) {
      ++n;
      const std::string caption = "Biểu " + std::to_string(n) + ". " + t.title;
      std::vector<double> w;
      for (const auto& c : t.columns) {
        double cw = std::max(pen_.widest_word(c.column->label, kHead), 30.0);
        for (const auto* row : rows_) cw = std::max(cw, pen_.width(cell_text(*row, c), kBody));
        if (r_.total) cw = std::max(cw, pen_.width(cell_text(*r_.total, c), kBold));
        w.push_back(std::min(cw + 2 * kPad, room));
      }
      Chunk current{caption, {}, {}};
      double used = 0;
      for (std::size_t i = 0; i < t.columns.size();) {
        std::size_t end = i;  // the columns of this group
        double gw = 0;
        while (end < t.columns.size() && t.columns[end].group == t.columns[i].group) gw += w[end++];
        if (used + gw > room && !current.columns.empty() && gw <= room) {
          out.push_back(std::move(current));
          current = Chunk{"Biểu " + std::to_string(n) + " (tiếp)", {}, {}};
          used = 0;
        }
        for (; i < end; ++i) {
          if (used + w[i] > room && !current.columns.empty()) {
            out.push_back(std::move(current));
            current = Chunk{"Biểu " + std::to_string(n) + " (tiếp)", {}, {}};
            used = 0;
          }
          current.columns.push_back(t.columns[i]);
          current.widths.push_back(w[i]);
          used += w[i];
        }
      }
      if (!current.columns.empty()) out.push_back(std::move(current));
    }
    for (auto& c : out) {  // fill the width
      double used = 0;
      for (const double w : c.widths) used += w;
      for (auto& w : c.widths) w += (room - used) / static_cast<double>(c.widths.size());
    }
    return out;
  }

  // The header: a group row over a label row; ungrouped columns span both.
  struct Header {
    double group = 0, label = 0;
  };
  Header header_of(const Chunk& c) {
    Header h;
    bool grouped = false;
    for (std::size_t i = 0; i < c.columns.size();) {
      std::size_t end = i;
      double span = 0;
      while (end < c.columns.size() && c.columns[end].group == c.columns[i].group) span += c.widths[end++];
      if (!c.columns[i].group.empty()) {
        grouped = true;
        h.group = std::max(h.group, pen_.height(c.columns[i].group, kHead, span - 2 * kPad, 3) + 2 * kPad);
      }
      i = end;
    }
    double merged = pen_.height("Đảng bộ huyện", kHead, district_w_ - 2 * kPad) + 2 * kPad;
    for (std::size_t i = 0; i < c.columns.size(); ++i) {
      const double lh = pen_.height(c.columns[i].column->label, kHead, c.widths[i] - 2 * kPad, 4) + 2 * kPad;
      if (c.columns[i].group.empty()) merged = std::max(merged, lh);
      else h.label = std::max(h.label, lh);
    }
    if (!grouped) h.label = std::max(h.label, merged);
    else h.label = std::max(h.label, merged - h.group);
    return h;
  }
  void header_cell(double x, double y, double w, double h, const std::string& text) {
    pen_.rectangle(x, y, w, h);
    const double th = pen_.height(text, kHead, w - 2 * kPad, 4);
    pen_.text(x + kPad, y + (h - th) / 2, w - 2 * kPad, text, kHead, Align::center, 4);
  }
  void draw_header(const Chunk& c, const Header& h) {
    const double total = h.group + h.label;
    header_cell(kLeft, y_, stt_w_, total, "STT");
    header_cell(kLeft + stt_w_, y_, district_w_, total, "Đảng bộ huyện");
    double x = kLeft + stt_w_ + district_w_;
    for (std::size_t i = 0; i < c.columns.size();) {
      std::size_t end = i;
      double span = 0;
      while (end < c.columns.size() && c.columns[end].group == c.columns[i].group) span += c.widths[end++];
      if (c.columns[i].group.empty()) {
        for (; i < end; x += c.widths[i], ++i) header_cell(x, y_, c.widths[i], total, c.columns[i].column->label);
      } else {
        header_cell(x, y_, span, h.group, c.columns[i].group);
        for (; i < end; x += c.widths[i], ++i) header_cell(x, y_ + h.group, c.widths[i], h.label, c.columns[i].column->label);
      }
    }
    y_ += total;
  }

  double row_height(const sdk::Row& row, bool total) {
    return pen_.height(total ? total_label() : row.label, total ? kBold : kBody, district_w_ - 2 * kPad, 3) + 2 * kPad;
  }
  void draw_row(const Chunk& c, const sdk::Row& row, int n, bool total) {
    const double h = row_height(row, total);
    const Style& st = total ? kBold : kBody;
    const double ty = y_ + kPad;
    pen_.rectangle(kLeft, y_, stt_w_, h);
    if (!total) pen_.text(kLeft, ty, stt_w_, std::to_string(n), kBody, Align::center);
    pen_.rectangle(kLeft + stt_w_, y_, district_w_, h);
    pen_.text(kLeft + stt_w_ + kPad, ty, district_w_ - 2 * kPad, total ? total_label() : row.label, st, Align::left, 3);
    double x = kLeft + stt_w_ + district_w_;
    if (row.missing) {
      double span = 0;
      for (const double w : c.widths) span += w;
      pen_.rectangle(x, y_, span, h);
      pen_.text(x, ty, span, status(row), kItalic, Align::center);
    } else {
      for (std::size_t i = 0; i < c.columns.size(); x += c.widths[i], ++i) {
        if (listed(row.unknown, c.columns[i].column->id)) {
          pen_.rectangle(x, y_, c.widths[i], h, kUnknownGrey);
          any_unknown_ = true;
          continue;
        }
        pen_.rectangle(x, y_, c.widths[i], h);
        pen_.text(x + kPad, ty, c.widths[i] - 2 * kPad, cell_text(row, c.columns[i]), st, Align::right, 1);
      }
    }
    y_ += h;
  }

  void table(const Chunk& c) {
    const Header h = header_of(c);
    const double caption = pen_.height(c.caption, kBold, kWidth) + 4;
    double whole = caption + h.group + h.label;
    for (const auto* row : rows_) whole += row_height(*row, false);
    if (r_.total) whole += row_height(*r_.total, true);
    if (whole <= bottom() - kTop) need(whole);
    else need(caption + h.group + h.label + 3 * row_height(sdk::Row{}, false));
    y_ += pen_.text(kLeft, y_, kWidth, c.caption, kBold) + 4;
    draw_header(c, h);
    int n = 0;
    auto row = [&](const sdk::Row& r, bool total) {
      if (y_ + row_height(r, total) > bottom()) {
        new_page();
        draw_header(c, h);
      }
      draw_row(c, r, ++n, total);
    };
    for (const auto* r : rows_) row(*r, false);
    if (r_.total) row(*r_.total, true);
    y_ += 14;
  }

  // On paper, say what grey cells and "*" mean, and which districts each
  // incomplete total leaves out.
  void legend() {
    std::vector<std::string> lines;
    if (any_unknown_)
      lines.push_back("Ô màu xám để trống: " + std::string(kNoData) +
                      " (báo cáo của huyện không có chỉ tiêu này); không phải số 0.");
    // A district whose figures were changed in the database after they were
    // received is grey for that reason, not the one above: its warning says
    // so (the Vietnamese, before " / ").
    for (const auto* row : rows_)
      for (const auto& w : row->warnings)
        if (w.code == "changed_after_commit") lines.push_back(w.message.substr(0, w.message.find(" / ")));
    if (r_.total && !r_.total->incomplete.empty()) {
      // Per set of districts left out, the columns, by group:
      // "Không có số liệu của Mường Tè: Đảng viên (Nữ, Nữ (%)); ...".
      std::vector<std::pair<std::string, std::vector<std::pair<std::string, sdk::StringList>>>> by_districts;
      for (const auto& g : r_.groups)
        for (const auto& c : g.columns) {
          const auto* rows = incomplete_of(*r_.total, c.id);
          if (rows == nullptr || listed(r_.total->unknown, c.id)) continue;
          const std::string who = joined(*rows);
          auto it = std::find_if(by_districts.begin(), by_districts.end(), [&](const auto& e) { return e.first == who; });
          if (it == by_districts.end()) it = by_districts.insert(by_districts.end(), {who, {}});
          if (it->second.empty() || it->second.back().first != g.label) it->second.push_back({g.label, {}});
          it->second.back().second.push_back(c.label);
        }
      std::string text;
      for (const auto& [who, groups] : by_districts) {
        sdk::StringList parts;
        for (const auto& [group, labels] : groups)
          parts.push_back(group.empty() ? joined(labels) : group + " (" + joined(labels) + ")");
        text += " " + std::string(kNoData) + " của " + who + ": " + joined(parts, "; ") + ".";
      }
      if (!text.empty()) lines.push_back("(*) Số toàn tỉnh chỉ gồm các huyện có số liệu của chỉ tiêu đó." + text);
    }
    for (const auto& line : lines) {
      // At most 20 lines each (ellipsised), so that no note runs off a page.
      need(pen_.height(line, kItalic, kWidth, 20));
      y_ += pen_.text(kLeft, y_, kWidth, line, kItalic, Align::left, 20) + 3;
    }
  }

  // "Nơi nhận:" on the left, the signature block on the right.
  void closing() {
    const auto* recipients = list_of(r_.meta("display.recipients"));
    const std::string role = text_of(r_.meta("display.signer_role"));
    const std::string title = text_of(r_.meta("display.signer_title"));
    const std::string name = text_of(r_.meta("display.signer_name"));
    const std::string blank = "………………………………";
    need(150);
    y_ += 12;
    const double lw = kWidth * 0.4, rw = kWidth * 0.42, rx = kLeft + kWidth - rw;
    double ly = y_ + pen_.text(kLeft, y_, lw, "Nơi nhận:", Style{12, true, true});
    if (recipients)
      for (const auto& to : *recipients) ly += pen_.text(kLeft, ly, lw, "- " + to, Style{11}, Align::left, 2);
    double ry = y_ + pen_.text(rx, y_, rw, role.empty() ? blank : role, Style{13, true}, Align::center);
    ry += pen_.text(rx, ry, rw, title.empty() ? blank : title, Style{13, true}, Align::center) + 70;
    ry += pen_.text(rx, ry, rw, name.empty() ? blank : name, Style{13, true}, Align::center);
    y_ = std::max(ly, ry);
  }

  Pen& pen_;
  const sdk::Report& r_;
  int pages_;
  int page_ = 0;
  double y_ = kTop;
  double stt_w_ = 0, district_w_ = 0;
  bool any_unknown_ = false;
  std::vector<const sdk::Row*> rows_;
};

cairo_status_t write_to(void* closure, const unsigned char* data, unsigned int length) {
  auto* out = static_cast<std::ostream*>(closure);
  out->write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(length));
  return *out ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

class PdfExporter final : public sdk::Exporter {
 public:
  using sdk::Exporter::Exporter;

 protected:
  sdk::Status do_write(const sdk::Report& report, std::string_view format, std::ostream& out) const override {
    if (format != "pdf") return {sdk::Code::unsupported, "the PDF exporter writes only pdf"};
    cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(write_to, &out, kPageW, kPageH);
    const std::string title = text_of(report.meta("display.title"));
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title.c_str());
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "tonghop export-pdf");
    cairo_t* cr = cairo_create(surface);
    {
      Pen pen(cr);
      pen.drawing = false;  // the first pass counts the pages for "Trang x/y"
      const int pages = Document(pen, report, 0).render();
      pen.drawing = true;
      Document(pen, report, pages).render();
    }
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    const cairo_status_t status = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (status != CAIRO_STATUS_SUCCESS)
      return {sdk::Code::internal, std::string("cannot write the PDF: ") + cairo_status_to_string(status)};
    return {};
  }
};

}  // namespace

TONGHOP_PLUGIN(PdfExporter, exporter, "export-pdf", "1.0.0", "pdf", "application/pdf",
               "The province report as PDF: party-document layout, tables that fit A4 landscape (cairo, pango)")
