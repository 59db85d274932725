// An .ods file's data styles (number:number-style, number:text-style, …),
// read for one thing: whether a cell style shows anything of a value.
// LibreOffice saves the format ";;;" (a clerk hiding a cell) as a text
// style whose maps send positives, negatives and zero to styles of blank
// text; the host judges number formats (hidden_values), so a cell whose
// data style hides something is given the format code saying what:
// ";;;", or "0;-0;;@" for zeros alone.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "xml_reader.hpp"

namespace tonghop::ods {

class DataStyles {
 public:
  // Reads a token of office:styles or office:automatic-styles: true when it
  // was a data style's.
  bool token(zipxml::XmlReader::Token t, zipxml::XmlReader& x);

  // For data style `name`: "" when it shows every value, else a format
  // code of four sections, each blank where the style shows nothing
  // (positive; negative; zero; text). A style whose maps test against
  // anything but 0 ("value()>100") is not judged: "".
  std::string hiding_format(const std::string& name) const;

 private:
  struct Style {
    bool text_style = false;  // number:text-style (its text-content shows a text)
    bool shows = false;       // a visible element or literal
    std::vector<std::pair<std::string, std::string>> maps;  // condition, style applied
  };
  // Whether `name` shows a number `v`: 1 yes, 0 no, -1 not judged.
  int shows_number(const std::string& name, double v) const;

  std::unordered_map<std::string, Style> styles_;
  bool in_style_ = false;  // inside a data style, whose name is current_
  std::string current_;
  bool in_text_ = false;  // inside its number:text or number:fill-character
};

}  // namespace tonghop::ods
