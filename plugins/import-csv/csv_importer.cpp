// The CSV and text importer: any delimited text file a district sends, in
// any of the encodings they use. Every field becomes a text cell; deciding
// that "2.044" is a number is the normaliser's work, not the reader's.
#include <cstring>
#include <string>

#include <tonghop/sdk.hpp>

#include "csv_reader.hpp"
#include "text_encoding.hpp"

namespace sdk = tonghop::sdk;
namespace csv = tonghop::csv;

namespace {

bool has_magic(sdk::Bytes head, std::string_view magic) {
  return head.size() >= magic.size() && std::memcmp(head.data(), magic.data(), magic.size()) == 0;
}

bool has_combining(std::string_view s) {
  return s.find('\xCC') != std::string_view::npos || s.find('\xCD') != std::string_view::npos;
}

class CsvImporter final : public sdk::Importer {
 public:
  using sdk::Importer::Importer;

 protected:
  sdk::Confidence do_sniff(sdk::Bytes head, std::string_view filename) const override {
    if (has_magic(head, "PK\x03\x04") || has_magic(head, "\xD0\xCF\x11\xE0")) return sdk::confidence::none;
    const std::string ext = sdk::extension_of(filename);
    const bool text_name = ext == "csv" || ext == "tsv" || ext == "txt" || ext == "tab";
    if (has_magic(head, "\xFF\xFE") || has_magic(head, "\xFE\xFF")) return sdk::confidence::signature;
    std::string_view text(reinterpret_cast<const char*>(head.data()), head.size());
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos && (text[first] == '{' || text[first] == '['))
      return text_name ? sdk::confidence::name_only : 10;  // JSON, most likely
    // Not text (it may still be a text file of ours that is broken: the name says so).
    if (text.find('\0') != std::string_view::npos) return text_name ? sdk::confidence::name_only : sdk::confidence::none;
    const auto guess = csv::sniff_delimiter(text);
    if (guess.evidence.find("fields on") != std::string::npos)
      return text_name ? sdk::confidence::signature - 5 : sdk::confidence::plausible + 10;
    return text_name ? sdk::confidence::name_only : sdk::confidence::none;
  }

  sdk::Status do_read(const sdk::Source& source, const sdk::Limits& limits, sdk::DocumentSink& sink) const override {
    if (limits.max_input_bytes != 0 && source.bytes.size() > limits.max_input_bytes)
      return {sdk::Code::limit_exceeded, "the file (" + std::to_string(source.bytes.size()) +
                                             " bytes) is larger than the limit of " +
                                             std::to_string(limits.max_input_bytes) + " bytes"};
    const std::string_view bytes(reinterpret_cast<const char*>(source.bytes.data()), source.bytes.size());
    csv::DecodedText decoded;
    if (auto s = csv::decode_text(bytes, decoded); !s.ok()) return s;
    const auto delimiter = csv::sniff_delimiter(decoded.text);

    const std::string delim(1, delimiter.delimiter);
    for (auto [k, v] : {std::pair<const char*, std::string_view>{"encoding", decoded.encoding},
                        {"encoding_evidence", decoded.evidence},
                        {"delimiter", delim},
                        {"delimiter_evidence", delimiter.evidence}})
      if (auto s = sink.property(k, v); !s.ok()) return s;
    if (auto s = sink.begin_sheet(""); !s.ok()) return s;
    // Most files have no combining marks at all: then no field needs NFC.
    if (decoded.needs_nfc_per_field && !has_combining(decoded.text)) decoded.needs_nfc_per_field = false;

    std::string nfc;
    std::uint64_t cells = 0;
    auto status = csv::read_records(decoded.text, delimiter.delimiter, limits,
                                    [&](std::uint32_t row, std::uint32_t column, std::string_view text) {
                                      if (limits.max_cells != 0 && ++cells > limits.max_cells) {
                                        sdk::Location where;
                                        where.row = row;
                                        where.column = column;
                                        return sdk::Status(sdk::Code::limit_exceeded,
                                                           "the file has more cells than the limit of " +
                                                               std::to_string(limits.max_cells), where);
                                      }
                                      sdk::CellView cell;
                                      cell.row = row;
                                      cell.column = column;
                                      cell.type = sdk::CellType::text;
                                      cell.text = text;
                                      // Only text with combining marks (U+0300-U+036F, bytes
                                      // CC/CD) can change under NFC for the scripts we read.
                                      if (decoded.needs_nfc_per_field && has_combining(text)) {
                                        nfc = csv::to_nfc(text);
                                        cell.text = nfc;
                                      }
                                      return sink.cell(cell);
                                    });
    if (!status.ok()) return status;
    return sink.end_sheet();
  }
};

}  // namespace

TONGHOP_PLUGIN(CsvImporter, importer, "import-csv", "1.0.0", "csv tsv txt", "text/csv text/tab-separated-values text/plain",
               "Delimited text: RFC 4180, delimiter and encoding (UTF-8/16, Windows-1258, TCVN3) found from the content")
