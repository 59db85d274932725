// hello: the smallest useful importer, an example for plugin authors.
//
// It reads "hello tables": a first line "HELLO TABLE <sheet name>", then one
// row per line, cells separated by '|'. Cells that are whole numbers become
// number cells, the rest text. It shows the parts every importer has:
// a sniff from the first bytes and the name, limits honoured, errors with a
// place, and cells streamed to the host's sink.
#include <charconv>
#include <string>
#include <string_view>
#include <vector>

#include <tonghop/sdk.hpp>

namespace sdk = tonghop::sdk;

namespace {

constexpr std::string_view kMagic = "HELLO TABLE";

class HelloImporter final : public sdk::Importer {
 public:
  explicit HelloImporter(sdk::Host host) : sdk::Importer(host) { host.debug("hello importer ready"); }

 protected:
  sdk::Confidence do_sniff(sdk::Bytes head, std::string_view filename) const override {
    const std::string_view text(reinterpret_cast<const char*>(head.data()), head.size());
    if (text.starts_with(kMagic)) return sdk::confidence::signature;
    if (sdk::extension_of(filename) == "hello") return sdk::confidence::name_only;
    return sdk::confidence::none;
  }

  sdk::Status do_read(const sdk::Source& source, const sdk::Limits& limits,
                      sdk::DocumentSink& sink) const override {
    if (auto s = sdk::check_input_size(source, limits); !s.ok()) return s;
    std::string_view text(reinterpret_cast<const char*>(source.bytes.data()), source.bytes.size());

    std::uint32_t line_no = 0;
    std::uint64_t cells = 0;
    bool header_seen = false;
    std::vector<sdk::CellView> row;
    while (!text.empty()) {
      const auto eol = text.find('\n');
      std::string_view line = text.substr(0, eol);
      text = eol == std::string_view::npos ? std::string_view{} : text.substr(eol + 1);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      ++line_no;
      if (!header_seen) {
        if (!line.starts_with(kMagic)) {
          sdk::Location where;
          where.row = line_no;
          return {sdk::Code::invalid_input, "a hello table starts with 'HELLO TABLE <name>'", where};
        }
        std::string_view name = line.substr(kMagic.size());
        while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
        if (auto s = sink.begin_sheet(name.empty() ? "hello" : name); !s.ok()) return s;
        header_seen = true;
        continue;
      }
      // A line's cells go to the host in one call when it takes runs of
      // cells (SDK ABI 3), one call each otherwise (sdk::put_cells). Their
      // texts point into the source, valid for the whole read.
      row.clear();
      std::uint32_t column = 0;
      std::size_t start = 0;
      while (start <= line.size()) {
        const auto bar = line.find('|', start);
        const std::string_view field = line.substr(start, bar == std::string_view::npos ? line.npos : bar - start);
        ++column;
        if (limits.max_cells != 0 && ++cells > limits.max_cells) {
          // The cells before this one first: the host may refuse one of them.
          if (auto s = sdk::put_cells(host(), sink, row.data(), row.size()); !s.ok()) return s;
          return {sdk::Code::limit_exceeded, "the table has more cells than the import limit"};
        }
        sdk::CellView cell;
        cell.row = line_no - 1;  // the first data line is row 1
        cell.column = column;
        long long number = 0;
        auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), number);
        if (!field.empty() && ec == std::errc() && end == field.data() + field.size()) {
          cell.type = sdk::CellType::number;
          cell.number = static_cast<double>(number);
        } else {
          cell.type = field.empty() ? sdk::CellType::empty : sdk::CellType::text;
        }
        cell.text = field;
        if (cell.type != sdk::CellType::empty) row.push_back(cell);
        if (bar == std::string_view::npos) break;
        start = bar + 1;
      }
      if (auto s = sdk::put_cells(host(), sink, row.data(), row.size()); !s.ok()) return s;
    }
    if (!header_seen) return {sdk::Code::invalid_input, "the file is empty"};
    return sink.end_sheet();
  }
};

}  // namespace

TONGHOP_PLUGIN(HelloImporter, importer, "hello", "0.1.0", "hello", "text/x-hello-table",
               "Example importer: '|'-separated hello tables")
