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
namespace textcodec = tonghop::textcodec;

namespace {

bool has_magic(sdk::Bytes head, std::string_view magic) {
  return head.size() >= magic.size() && std::memcmp(head.data(), magic.data(), magic.size()) == 0;
}

// A UTF-8 file's field, past the first MiB the encoding was decided on:
// whether it is UTF-8, in one pass that also notes combining marks (lead
// bytes CC and CD, U+0300-U+036F: only such text can change under NFC for
// the scripts we read). `nul`: the scan saw a NUL byte in it. The same
// answer as first_invalid_utf8 and a search for NUL and for CC/CD, three
// passes and two memchr calls on each such field before.
sdk::Status check_field(std::string_view text, bool nul_seen, std::size_t offset, std::uint32_t row,
                        std::uint32_t column, bool& combining) {
  const std::size_t bad = textcodec::first_invalid_utf8(text, combining);
  const std::size_t nul = nul_seen ? text.find('\0') : std::string_view::npos;
  if (bad == std::string_view::npos && nul == std::string_view::npos) return {};
  sdk::Location where;
  where.row = row;
  where.column = column;
  where.offset = offset + std::min(bad, nul);
  return {sdk::Code::undecodable,
          "tệp được lưu dạng UTF-8 nhưng byte " + std::to_string(where.offset) +
              " thì không: tệp lẫn nhiều bảng mã. Hãy lưu lại dạng UTF-8 rồi gửi lại / "
              "the file is UTF-8 but byte " + std::to_string(where.offset) +
              " is not: the file mixes encodings. Save it again as UTF-8 and resend it",
          where};
}

// Fields on their way to the sink, kRun at a time when the host takes runs
// of cells (sdk::put_cells, SDK ABI 3), one cell() each otherwise (and when
// built against the SDK of ABI 2, as tests/CMakeLists.txt does to test an
// old plugin on this host). Whatever stops the read at a field (the
// importer's own refusals) hands over the run before it first, so the host
// sees, and may refuse, the earlier cells first, as it would one by one.
class RunOfCells {
 public:
  RunOfCells(const sdk::Host& host, sdk::DocumentSink& sink) : host_(host), sink_(sink) {
    for (auto& c : cells_) c.type = sdk::CellType::text;
  }

  // The next cell's place: a text cell with no number, font or format,
  // whose row, column and text the caller sets, then add() or alone().
  [[gnu::always_inline]] sdk::CellView& next() { return cells_[size_]; }
  [[gnu::always_inline]] sdk::Status add() {
#if TONGHOP_SDK_ABI_VERSION >= 3
    if (runs_) [[likely]] {
      if (++size_ < kRun) [[likely]] return {};
      return flush();
    }
#endif
    return sink_.cell(cells_[size_]);
  }
  // The next cell, whose text the next field may overwrite: after the run.
  [[gnu::noinline]] sdk::Status alone() {
    const sdk::CellView cell = cells_[size_];
    if (auto s = flush(); !s.ok()) return s;
    return sink_.cell(cell);
  }
  // The run, then `refusal` (unless the host refused a cell of the run).
  [[gnu::noinline]] sdk::Status then(sdk::Status refusal) {
    if (auto s = flush(); !s.ok()) return s;
    return refusal;
  }
  sdk::Status flush() {
#if TONGHOP_SDK_ABI_VERSION >= 3
    if (size_ == 0) return {};
    const std::size_t n = size_;
    size_ = 0;
    return sdk::put_cells(host_, sink_, cells_, n);
#else
    return {};  // built against ABI 2 (the compatibility test): never filled
#endif
  }

 private:
  static constexpr std::size_t kRun = 256;
  const sdk::Host& host_;
#if TONGHOP_SDK_ABI_VERSION >= 3
  const bool runs_ = host_.takes_cell_runs();  // asked once
#endif
  sdk::DocumentSink& sink_;
  std::size_t size_ = 0;
  sdk::CellView cells_[kRun];
};

class CsvImporter final : public sdk::Importer {
 public:
  using sdk::Importer::Importer;

 protected:
  sdk::Confidence do_sniff(sdk::Bytes head, std::string_view filename) const override {
    if (has_magic(head, "PK\x03\x04") || has_magic(head, "\xD0\xCF\x11\xE0")) return sdk::confidence::none;
    const std::string ext = sdk::extension_of(filename);
    const bool text_name = ext == "csv" || ext == "tsv" || ext == "txt" || ext == "tab";
    std::string_view text(reinterpret_cast<const char*>(head.data()), head.size());
#if TONGHOP_SDK_VERSION_MAJOR > 1 || TONGHOP_SDK_VERSION_MINOR >= 6
    // A web page named .xls (an HTML table, UTF-16 or not): not ours,
    // whatever its lines hold; import-xls says what it is (SDK 1.6.0).
    if (ext == "xls" && sdk::looks_like_html(text)) return sdk::confidence::none;
#endif
    if (has_magic(head, "\xFF\xFE") || has_magic(head, "\xFE\xFF") || has_magic(head, std::string_view("\0\0\xFE\xFF", 4)))
      return sdk::confidence::signature;
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
    if (auto s = sdk::check_input_size(source, limits, "file"); !s.ok()) return s;
    const std::string_view bytes(reinterpret_cast<const char*>(source.bytes.data()), source.bytes.size());
    textcodec::DecodedText decoded;
    if (auto s = textcodec::decode_text(bytes, decoded); !s.ok()) return s;
    const auto delimiter = csv::sniff_delimiter(decoded.text);

    const std::string delim(1, delimiter.delimiter);
    for (auto [k, v] : {std::pair<const char*, std::string_view>{"encoding", decoded.encoding},
                        {"encoding_evidence", decoded.evidence},
                        {"delimiter", delim},
                        {"delimiter_evidence", delimiter.evidence}})
      if (auto s = sink.property(k, v); !s.ok()) return s;
    if (auto s = sink.begin_sheet(""); !s.ok()) return s;

    std::string nfc;
    std::uint64_t cells = 0;
    sdk::TextBudget text_total(limits);
    // Fields are pieces of the text (NFC at most triples one): a text under a
    // third of the limit cannot pass it, and its fields need no counting.
    const bool count_text = limits.max_text_bytes != 0 && decoded.text.size() > limits.max_text_bytes / 3;
    // The refusals, out of the way of the call made for every field.
    auto too_many_cells = [&](std::uint32_t row, std::uint32_t column) __attribute__((cold, noinline)) {
      sdk::Location where;
      where.row = row;
      where.column = column;
      return sdk::Status(sdk::Code::limit_exceeded,
                         "tệp có nhiều ô hơn giới hạn " + std::to_string(limits.max_cells) +
                             " ô; hãy bỏ các dòng, cột không thuộc báo cáo rồi lưu lại, hoặc nhờ quản trị viên nâng giới hạn; đừng chia báo cáo thành nhiều tệp: tệp gửi sau sẽ thay tệp gửi trước / "
                             "the file has more cells than the limit of " + std::to_string(limits.max_cells),
                         where);
    };
    auto too_much_text = [&](std::uint32_t row, std::uint32_t column) __attribute__((cold, noinline)) {
      auto s = text_total.refusal();
      s.where().row = row;
      s.where().column = column;
      return s;
    };
    auto nul_field = [](std::uint32_t row, std::uint32_t column) __attribute__((cold, noinline)) {
      sdk::Location where;
      where.row = row;
      where.column = column;
      return sdk::Status(sdk::Code::undecodable,
                         "một ô có byte NUL: đây không phải tệp văn bản; hãy xuất lại "
                         "bảng tính dạng CSV hoặc gửi tệp .xlsx / "
                         "a field has a NUL byte: this is not a text file",
                         where);
    };
    // The bytes of a byte order mark before the text (asked once, not for
    // each field checked: issue 18, csvpar2).
    const std::size_t bom = decoded.encoding == "utf-8-bom" ? 3 : 0;
    // A field with bytes to look at again (UTF-8 input only): checked, and
    // brought to NFC when it has combining marks.
    auto unusual = [&](sdk::CellView& cell, csv::FieldBytes seen) __attribute__((noinline)) {
      if ((seen & csv::high_bytes) != 0) {
        const std::size_t offset = static_cast<std::size_t>(cell.text.data() - decoded.text.data()) + bom;
        bool combining = false;
        if (auto s = check_field(cell.text, (seen & csv::nul_byte) != 0, offset, cell.row, cell.column, combining);
            !s.ok())
          return s;
        if (combining) {
          nfc = textcodec::to_nfc(cell.text);
          cell.text = nfc;
        }
        return sdk::Status{};
      }
      return nul_field(cell.row, cell.column);
    };
    const std::uint64_t max_cells = limits.max_cells != 0 ? limits.max_cells : UINT64_MAX;
    // The fields, a run of them at a time (DocumentSink::cells, SDK ABI 3:
    // one call into the host for kRun cells instead of one each), when the
    // host takes runs; one call each otherwise.
    RunOfCells run(host(), sink);
    const char* const text_begin = decoded.text.data();
    const char* const text_end = text_begin + decoded.text.size();
    auto status = csv::read_records(decoded.text, delimiter.delimiter, limits,
                                    [&](std::uint32_t row, std::uint32_t column, std::string_view text,
                                        csv::FieldBytes seen) {
                                      if (++cells > max_cells) return run.then(too_many_cells(row, column));
                                      if (count_text && !text_total.fits(text.size()))
                                        return run.then(too_much_text(row, column));
                                      sdk::CellView& cell = run.next();
                                      cell.row = row;
                                      cell.column = column;
                                      cell.text = text;
                                      if (decoded.check_fields && seen != csv::plain)
                                        if (auto s = unusual(cell, seen); !s.ok()) return run.then(std::move(s));
                                      // A text in the decoded file stays put until the run is handed
                                      // over; one unquoted (`scratch`) or brought to NFC (`nfc`) is
                                      // rewritten by the next such field: the run goes first, then it.
                                      if (cell.text.data() >= text_begin && cell.text.data() < text_end) [[likely]]
                                        return run.add();
                                      return run.alone();
                                    });
    if (status.ok()) status = run.flush();
    if (!status.ok()) return status;
    return sink.end_sheet();
  }
};

}  // namespace

TONGHOP_PLUGIN(CsvImporter, importer, "import-csv", "1.0.0", "csv tsv txt", "text/csv text/tab-separated-values text/plain",
               "Delimited text: RFC 4180, delimiter and encoding (UTF-8/16, Windows-1258, TCVN3) found from the content")
