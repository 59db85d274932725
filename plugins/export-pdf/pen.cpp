#include "pen.hpp"

#include <algorithm>

namespace tonghop::pdf {

Pen::Pen(cairo_t* cr) : cr_(cr), layout_(pango_cairo_create_layout(cr)) {
  // Page text, not screen text: no hinting that would change widths between
  // the measuring and the drawing pass.
  cairo_font_options_t* options = cairo_font_options_create();
  cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options(pango_layout_get_context(layout_), options);
  cairo_font_options_destroy(options);
  pango_layout_context_changed(layout_);
}

Pen::~Pen() { g_object_unref(layout_); }

void Pen::set(const std::string& text, const Style& style, double width, Align align, int max_lines) {
  PangoFontDescription* font = pango_font_description_new();
  pango_font_description_set_family_static(font, kFontFamily);
  pango_font_description_set_absolute_size(font, style.size * PANGO_SCALE);
  pango_font_description_set_weight(font, style.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_font_description_set_style(font, style.italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
  pango_layout_set_font_description(layout_, font);
  pango_font_description_free(font);
  PangoAttrList* attrs = pango_attr_list_new();
  if (style.underline) pango_attr_list_insert(attrs, pango_attr_underline_new(PANGO_UNDERLINE_SINGLE));
  pango_layout_set_attributes(layout_, attrs);
  pango_attr_list_unref(attrs);
  pango_layout_set_text(layout_, text.data(), static_cast<int>(std::min<std::size_t>(text.size(), 1 << 20)));
  pango_layout_set_width(layout_, width > 0 ? pango_units_from_double(width) : -1);
  pango_layout_set_wrap(layout_, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_ellipsize(layout_, max_lines > 0 ? PANGO_ELLIPSIZE_END : PANGO_ELLIPSIZE_NONE);
  pango_layout_set_height(layout_, max_lines > 0 ? -max_lines : -1);
  pango_layout_set_alignment(layout_, align == Align::center  ? PANGO_ALIGN_CENTER
                                      : align == Align::right ? PANGO_ALIGN_RIGHT
                                                              : PANGO_ALIGN_LEFT);
}

double Pen::height(const std::string& text, const Style& style, double width, int max_lines) {
  set(text, style, width, Align::left, max_lines);
  PangoRectangle logical;
  pango_layout_get_extents(layout_, nullptr, &logical);
  return pango_units_to_double(logical.height);
}

double Pen::width(const std::string& text, const Style& style) {
  set(text, style, -1, Align::left, 0);
  PangoRectangle logical;
  pango_layout_get_extents(layout_, nullptr, &logical);
  return pango_units_to_double(logical.width);
}

double Pen::widest_word(const std::string& text, const Style& style) {
  double widest = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find(' ', start), text.size());
    if (end > start) widest = std::max(widest, width(text.substr(start, end - start), style));
    start = end + 1;
  }
  return widest;
}

double Pen::text(double x, double y, double width, const std::string& text, const Style& style, Align align,
                 int max_lines) {
  set(text, style, width, align, max_lines);
  PangoRectangle logical;
  pango_layout_get_extents(layout_, nullptr, &logical);
  if (drawing) {
    cairo_move_to(cr_, x, y);
    pango_cairo_show_layout(cr_, layout_);
  }
  return pango_units_to_double(logical.height);
}

void Pen::rectangle(double x, double y, double w, double h, double grey_fill) {
  if (!drawing) return;
  cairo_rectangle(cr_, x, y, w, h);
  if (grey_fill >= 0) {
    cairo_set_source_rgb(cr_, grey_fill, grey_fill, grey_fill);
    cairo_fill_preserve(cr_);
    cairo_set_source_rgb(cr_, 0, 0, 0);
  }
  cairo_set_line_width(cr_, 0.6);
  cairo_stroke(cr_);
}

void Pen::line(double x1, double y1, double x2, double y2) {
  if (!drawing) return;
  cairo_move_to(cr_, x1, y1);
  cairo_line_to(cr_, x2, y2);
  cairo_set_line_width(cr_, 0.6);
  cairo_stroke(cr_);
}

}  // namespace tonghop::pdf
