// Text on a cairo surface through pango (Vietnamese shaping), in Liberation
// Serif. One Pen per document; it measures always and draws only when
// `drawing` is on, so that a first pass can count the pages.
#pragma once

#include <string>

#include <cairo.h>
#include <pango/pangocairo.h>

namespace tonghop::pdf {

constexpr const char* kFontFamily = "Liberation Serif";

struct Style {
  explicit Style(double size_ = 11, bool bold_ = false, bool italic_ = false, bool underline_ = false)
      : size(size_), bold(bold_), italic(italic_), underline(underline_) {}
  double size;
  bool bold;
  bool italic;
  bool underline;
};

enum class Align { left, center, right };

class Pen {
 public:
  explicit Pen(cairo_t* cr);
  ~Pen();
  Pen(const Pen&) = delete;
  Pen& operator=(const Pen&) = delete;

  // The height of `text` wrapped in `width` (at most `max_lines` lines, the
  // rest ellipsised; 0: no limit).
  double height(const std::string& text, const Style& style, double width, int max_lines = 0);
  // The width of `text` on one line, and of its widest word.
  double width(const std::string& text, const Style& style);
  double widest_word(const std::string& text, const Style& style);
  // Draws `text` wrapped in `width` at (x, y) when drawing; returns its height.
  double text(double x, double y, double width, const std::string& text, const Style& style, Align align = Align::left,
              int max_lines = 0);
  void rectangle(double x, double y, double w, double h, double grey_fill = -1);
  void line(double x1, double y1, double x2, double y2);

  cairo_t* cr() const noexcept { return cr_; }
  bool drawing = true;

 private:
  void set(const std::string& text, const Style& style, double width, Align align, int max_lines);

  cairo_t* cr_;
  PangoLayout* layout_;
};

}  // namespace tonghop::pdf
