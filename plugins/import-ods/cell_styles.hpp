// An .ods file's styles, as far as they say something of a cell's value:
// each cell style's font (".VnTime" means TCVN3 text), strikethrough, text
// and background colours and data style (what it shows, data_styles.hpp),
// its parents' where it has none; the text styles that strike a span's
// words; the table styles that hide a sheet. Read from styles.xml and
// content.xml's automatic styles alike, before the tables.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>

#include "data_styles.hpp"
#include "xml_reader.hpp"

namespace tonghop::ods {

class CellStyles {
 public:
  // A cell style resolved: its font, whether its text is struck through,
  // `hiding` (what its data style shows nothing of, as a format code;
  // "" when it shows everything), and whether its text is drawn in its
  // background's colour (white on white).
  struct Look {
    std::string font;
    bool struck = false;
    std::string hiding;
    bool unseen = false;
  };

  // A token of office:font-face-decls, office:styles or
  // office:automatic-styles: true when it was one of theirs.
  bool token(zipxml::XmlReader::Token t, zipxml::XmlReader& x);

  // Cell style `name` ("" is the default one), resolved once.
  const Look& look_of(const std::string& name);
  // Whether text style `name` strikes its words through.
  bool struck_span(std::string_view name) const { return struck_spans_.count(std::string(name)) != 0; }
  // Whether table style `name` hides its sheet (display="false").
  bool hides_table(std::string_view name) const { return hidden_tables_.count(std::string(name)) != 0; }

 private:
  // kAutomatic: the window's text colour, which LibreOffice draws white on
  // a dark background: never the background's.
  static constexpr std::int64_t kAutomatic = -3, kAsParent = -2, kNotJudged = -1;
  struct Style {
    std::string parent, font;
    int struck = -1;         // its text struck through: 1, not: 0, as its parent's: -1
    std::string data_style;  // style:data-style-name, "" as its parent's
    // Its text's colour and its background's, 0xRRGGBB; kAsParent, or
    // kNotJudged (a colour not written "#rrggbb").
    std::int64_t ink = kAsParent, paper = kAsParent;
  };
  static std::int64_t rgb(std::string_view hex);
  static int line_through(zipxml::XmlReader& x);

  DataStyles data_;
  std::unordered_map<std::string, std::string> font_faces_;  // style:name -> family
  std::unordered_map<std::string, Style> styles_;
  std::unordered_map<std::string, Look> looks_;  // by cell style, resolved
  std::string style_;                            // the cell style being read
  bool in_style_ = false;
  std::string table_style_;                // the table style being read
  std::set<std::string> hidden_tables_;    // table styles with display="false": hidden sheets
  std::string text_style_;                 // the text style being read (family "text")
  std::set<std::string> struck_spans_;     // text styles that strike their words through
};

}  // namespace tonghop::ods
