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

sdk::Status read_records(std::string_view text, char delimiter, const sdk::Limits& limits, const FieldFn& field) {
  const std::uint64_t max_field = limits.max_field_bytes;
  const auto started = std::chrono::steady_clock::now();
  std::uint32_t row = 1, column = 1;
  std::uint64_t counter = 0;
  std::string scratch;
  const std::size_t n = text.size();
  std::size_t i = 0;

  auto place = [&](std::uint32_t r, std::uint32_t c, std::size_t offset) {
    sdk::Location where;
    where.row = r;
    where.column = c;
    where.offset = offset;
    return where;
  };
  auto too_big = [&](std::size_t offset) {
    return sdk::Status(sdk::Code::limit_exceeded,
                       "a field is larger than the limit of " + std::to_string(max_field) + " bytes",
                       place(row, column, offset));
  };

  while (i < n) {
    if ((++counter & 0xFFFF) == 0 && limits.max_seconds != 0 &&
        std::chrono::steady_clock::now() - started > std::chrono::seconds(limits.max_seconds))
      return {sdk::Code::limit_exceeded, "reading took longer than the limit of " +
                                             std::to_string(limits.max_seconds) + " seconds", place(row, column, i)};
    std::string_view value;
    if (text[i] == '"') {
      const std::size_t open = i;
      ++i;
      scratch.clear();
      std::size_t run = i;  // start of the current run without quotes
      bool closed = false;
      while (i < n) {
        const auto q = text.find('"', i);
        if (q == std::string_view::npos) { i = n; break; }
        if (q + 1 < n && text[q + 1] == '"') {
          scratch.append(text.substr(run, q + 1 - run));
          i = run = q + 2;
          continue;
        }
        scratch.append(text.substr(run, q - run));
        i = q + 1;
        closed = true;
        break;
      }
      if (!closed)
        return {sdk::Code::invalid_input,
                "a quoted field is never closed: the quote opened here runs to the end of the file",
                place(row, column, open)};
      // Text after the closing quote and before the delimiter is kept, as Excel does.
      while (i < n && text[i] != delimiter && text[i] != '\n' && text[i] != '\r') scratch += text[i++];
      if (max_field != 0 && scratch.size() > max_field) return too_big(open);
      value = scratch;
    } else {
      const std::size_t start = i;
      while (i < n && text[i] != delimiter && text[i] != '\n' && text[i] != '\r') ++i;
      value = text.substr(start, i - start);
      if (max_field != 0 && value.size() > max_field) return too_big(start);
    }
    if (!value.empty())
      if (auto s = field(row, column, value); !s.ok()) return s;

    if (i >= n) break;
    if (text[i] == delimiter) {
      ++column;
      ++i;
      if (i == n) break;
      continue;
    }
    // End of record.
    if (text[i] == '\r' && i + 1 < n && text[i + 1] == '\n') ++i;
    ++i;
    ++row;
    column = 1;
  }
  return {};
}

}  // namespace tonghop::csv
