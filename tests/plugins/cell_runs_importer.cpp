// An importer that hands over cells as a test file spells them, in runs of
// cells (DocumentSink::cells, SDK ABI 3) or one call each, so that a test can
// compare the two on the same cells, hostile ones included.
//
// The file: a first line "TONGHOP TEST CELLS one" or "TONGHOP TEST CELLS
// runs N" (runs of N cells, as the host allows: sdk::put_cells), then one
// line a row, its fields separated by ';', each non-empty one a text cell of
// the line's row (the file's line number less one) and the field's column.
// A line "R<n>|..." gives its row as n instead; a field "C<n>=text" its column
// as n; "\xHH" in a text is the byte HH; a field "@<n>" is n letters 'a'.
// Nothing here checks what it sends: that is the host's part.
#include <charconv>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <tonghop/sdk.hpp>

namespace sdk = tonghop::sdk;

namespace {

constexpr std::string_view kMagic = "TONGHOP TEST CELLS ";

std::uint32_t number(std::string_view s) {
  std::uint32_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

std::string unescape(std::string_view s) {
  if (s.size() > 1 && s[0] == '@') return std::string(number(s.substr(1)), 'a');
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] == 'x') {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 2, 2)), nullptr, 16));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

class CellRuns final : public sdk::Importer {
 public:
  using sdk::Importer::Importer;

 protected:
  sdk::Confidence do_sniff(sdk::Bytes head, std::string_view) const override {
    const std::string_view text(reinterpret_cast<const char*>(head.data()), head.size());
    return text.starts_with(kMagic) ? sdk::confidence::certain : sdk::confidence::none;
  }
  sdk::Status do_read(const sdk::Source& source, const sdk::Limits&, sdk::DocumentSink& sink) const override {
    std::string_view text(reinterpret_cast<const char*>(source.bytes.data()), source.bytes.size());
    std::size_t eol = text.find('\n');
    const std::string_view mode = text.substr(kMagic.size(), eol - kMagic.size());
    const std::size_t run = mode.starts_with("runs ") ? number(mode.substr(5)) : 0;
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    std::vector<std::string> texts;  // all of them first: the views below stay put
    std::vector<sdk::CellView> cells;
    for (std::uint32_t line = 1; !text.empty(); ++line) {
      eol = text.find('\n');
      std::string_view l = text.substr(0, eol);
      text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
      std::uint32_t row = line;
      if (l.starts_with('R') && l.find('|') != std::string_view::npos) {
        row = number(l.substr(1, l.find('|') - 1));
        l.remove_prefix(l.find('|') + 1);
      }
      std::uint32_t column = 0;
      while (true) {
        const std::size_t end = l.find(';');
        std::string_view field = l.substr(0, end);
        ++column;
        std::uint32_t at = column;
        if (field.starts_with('C') && field.find('=') != std::string_view::npos) {
          at = number(field.substr(1, field.find('=') - 1));
          field.remove_prefix(field.find('=') + 1);
        }
        if (!field.empty()) {
          sdk::CellView c;
          c.row = row;
          c.column = at;
          c.type = sdk::CellType::text;
          texts.push_back(unescape(field));
          cells.push_back(c);
        }
        if (end == std::string_view::npos) break;
        l.remove_prefix(end + 1);
      }
    }
    for (std::size_t i = 0; i < cells.size(); ++i) cells[i].text = texts[i];
    if (auto s = sink.begin_sheet(""); !s.ok()) return s;
    for (std::size_t i = 0; i < cells.size();) {
      const std::size_t n = run == 0 ? 1 : std::min(run, cells.size() - i);
      if (auto s = run == 0 ? sink.cell(cells[i]) : sdk::put_cells(host(), sink, cells.data() + i, n); !s.ok())
        return s;
      i += n;
    }
    return sink.end_sheet();
  }
};

}  // namespace

TONGHOP_PLUGIN(CellRuns, importer, "test-cell-runs", "1.0.0", "cells", "text/x-test-cells",
               "Test: cells as a file spells them, in runs or one call each")
