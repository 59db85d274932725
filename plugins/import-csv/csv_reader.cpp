#include "csv_reader.hpp"

#include <algorithm>
#include <map>
#include <vector>

namespace tonghop::csv {

namespace {

// Field counts of the first `max_records` records with this delimiter.
std::vector<std::size_t> field_counts(std::string_view text, char delimiter, std::size_t max_records) {
  std::vector<std::size_t> counts;
  std::size_t fields = 1;
  bool quoted = false, at_field_start = true, any = false;
  for (std::size_t i = 0; i < text.size() && counts.size() < max_records; ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') ++i;
        else quoted = false;
      }
      continue;
    }
    if (c == '"' && at_field_start) { quoted = true; at_field_start = false; any = true; continue; }
    if (c == delimiter) { ++fields; at_field_start = true; any = true; continue; }
    if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      if (any) counts.push_back(fields);
      fields = 1;
      at_field_start = true;
      any = false;
      continue;
    }
    at_field_start = false;
    any = true;
  }
  if (any && counts.size() < max_records) counts.push_back(fields);
  return counts;
}

}  // namespace

DelimiterGuess sniff_delimiter(std::string_view text) {
  text = text.substr(0, 256 * 1024);
  // Without the last, possibly cut, line.
  if (const auto nl = text.find_last_of('\n'); nl != std::string_view::npos && nl + 1 < text.size())
    text = text.substr(0, nl + 1);
  struct Option { char c; const char* name; };
  const Option options[] = {{',', "comma"}, {';', "semicolon"}, {'\t', "tab"}, {'|', "bar"}};
  DelimiterGuess best;
  double best_score = -1;
  for (const auto& o : options) {
    const auto counts = field_counts(text, o.c, 50);
    if (counts.empty()) continue;
    std::map<std::size_t, std::size_t> freq;
    for (auto n : counts) ++freq[n];
    const auto mode = std::max_element(freq.begin(), freq.end(), [](auto& a, auto& b) {
      return a.second < b.second || (a.second == b.second && a.first < b.first);
    });
    if (mode->first < 2) continue;
    // Consistency first, then more fields.
    const double consistency = static_cast<double>(mode->second) / static_cast<double>(counts.size());
    const double score = consistency * 1000 + static_cast<double>(std::min<std::size_t>(mode->first, 999));
    if (score > best_score) {
      best_score = score;
      best.delimiter = o.c;
      best.evidence = std::string(o.name) + ": " + std::to_string(mode->first) + " fields on " +
                      std::to_string(mode->second) + " of the first " + std::to_string(counts.size()) + " records";
    }
  }
  if (best_score < 0) best.evidence = "one column: no delimiter splits the records";
  return best;
}

}  // namespace tonghop::csv
