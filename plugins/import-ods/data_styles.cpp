#include "data_styles.hpp"

#include <charconv>

namespace tonghop::ods {

namespace {
bool is_data_style(std::string_view name) {
  return name == "number-style" || name == "currency-style" || name == "percentage-style" ||
         name == "date-style" || name == "time-style" || name == "boolean-style" || name == "text-style";
}
bool blank(std::string_view s) { return s.find_first_not_of(" \t\n\r") == std::string_view::npos; }

// "value()>0", "value()<=0", "value()!=0" …, of `v`: 1 holds, 0 does not,
// -1 not judged (another constant, another function).
int holds(std::string_view condition, double v) {
  constexpr std::string_view kValue = "value()";
  if (!condition.starts_with(kValue)) return -1;
  condition.remove_prefix(kValue.size());
  std::string_view op;
  for (const std::string_view o : {">=", "<=", "!=", "<>", ">", "<", "="})
    if (condition.starts_with(o)) {
      op = o;
      break;
    }
  if (op.empty()) return -1;
  condition.remove_prefix(op.size());
  double k = 0;
  const auto [end, ec] = std::from_chars(condition.data(), condition.data() + condition.size(), k);
  if (ec != std::errc() || end != condition.data() + condition.size() || k != 0) return -1;
  if (op == ">") return v > 0;
  if (op == "<") return v < 0;
  if (op == "=") return v == 0;
  if (op == ">=") return v >= 0;
  if (op == "<=") return v <= 0;
  return v != 0;  // "!=", "<>"
}
}  // namespace

bool DataStyles::token(zipxml::XmlReader::Token t, zipxml::XmlReader& x) {
  const std::string_view name = x.name();
  if (t == zipxml::XmlReader::Token::start) {
    if (!in_style_) {
      if (!is_data_style(name)) return false;
      // A style without a name is read as "", which no cell style names.
      in_style_ = true;
      current_ = std::string(x.attribute("name"));
      Style& s = styles_[current_];
      s = Style{};
      s.text_style = name == "text-style";
      return true;
    }
    Style& s = styles_[current_];
    if (name == "map") {
      s.maps.emplace_back(std::string(x.attribute("condition")), std::string(x.attribute("apply-style-name")));
    } else if (name == "text" || name == "fill-character") {
      in_text_ = true;  // shows only what it holds
    } else if (name != "text-properties") {
      s.shows = true;  // a number, a date's part, a currency symbol, text-content …
    }
    return true;
  }
  if (!in_style_) return false;
  if (t == zipxml::XmlReader::Token::text) {
    if (in_text_ && !blank(x.text())) styles_[current_].shows = true;
  } else if (t == zipxml::XmlReader::Token::end) {
    if (name == "text" || name == "fill-character") in_text_ = false;
    else if (is_data_style(name)) in_style_ = false;
  }
  return true;
}

int DataStyles::shows_number(const std::string& name, double v) const {
  const auto it = styles_.find(name);
  if (it == styles_.end()) return 1;
  for (const auto& [condition, applied] : it->second.maps) {
    const int h = holds(condition, v);
    if (h < 0) return -1;
    if (h == 0) continue;
    const auto to = styles_.find(applied);
    return to == styles_.end() || to->second.shows ? 1 : 0;
  }
  // No map for it: a text style shows a number as it is; a number style
  // as it says.
  return it->second.text_style || it->second.shows ? 1 : 0;
}

std::string DataStyles::hiding_format(const std::string& name) const {
  const auto it = styles_.find(name);
  if (it == styles_.end()) return {};
  const int positive = shows_number(name, 1), negative = shows_number(name, -1), zero = shows_number(name, 0);
  if (positive < 0 || negative < 0 || zero < 0) return {};
  // A text in a number style is shown as it is.
  const bool text = !it->second.text_style || it->second.shows;
  if (positive && negative && zero && text) return {};
  std::string format;
  format.append(positive ? "0;" : ";").append(negative ? "-0;" : ";").append(zero ? "0;" : ";").append(text ? "@" : "");
  return format;
}

}  // namespace tonghop::ods
