// The JSON importer: any JSON document, streamed value by value with the
// JSON Pointer of each (Boost.JSON's SAX parser: nothing is built in memory).
// Depth, size, string length and value count are bounded by the host's limits.
#include <boost/json/basic_parser_impl.hpp>

#include <charconv>
#include <cstring>
#include <string>
#include <vector>

#include <iconv.h>

#include <tonghop/sdk.hpp>

namespace sdk = tonghop::sdk;
namespace json = boost::json;

namespace {

// Whether a key has '~' or '/' (which JSON Pointer escapes). Keys are read
// once per value, so eight bytes are looked at a time.
bool needs_escape(std::string_view key) noexcept {
  constexpr std::uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
  auto has = [&](std::uint64_t w, unsigned char c) {
    const std::uint64_t x = w ^ (ones * c);
    return ((x - ones) & ~x & highs) != 0;
  };
  std::size_t i = 0;
  for (; i + 8 <= key.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, key.data() + i, 8);
    if (has(w, '/') || has(w, '~')) return true;
  }
  for (; i < key.size(); ++i)
    if (key[i] == '/' || key[i] == '~') return true;
  return false;
}

// Receives the parser's events and hands values to the sink with pointers.
struct Handler {
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  sdk::DocumentSink* sink = nullptr;
  sdk::Status status;  // set when the sink or a limit stopped the parse
  std::uint64_t max_field = 0;

  bool fail(sdk::Status s) {
    status = std::move(s);
    return false;
  }
  bool check_size(std::size_t n, json::error_code& ec) {
    if (max_field != 0 && n > max_field) {
      sdk::Location where;
      where.path = path;
      status = sdk::Status(sdk::Code::limit_exceeded,
                           "một chuỗi dài quá giới hạn " + std::to_string(max_field) +
                               " byte; hãy kiểm tra lại tệp rồi gửi lại / a string is longer than the limit of " +
                               std::to_string(max_field) + " bytes",
                           where);
      ec = json::error::string_too_large;
      return false;
    }
    return true;
  }

  struct Frame {
    bool array;
    std::size_t index;     // next element index (arrays)
    std::size_t path_len;  // length of `path` for this container
  };
  std::vector<Frame> stack;
  std::string path;  // pointer of the container being filled, then of the value
  std::string key, text;

  // Appends the next value's reference token to `path`; the caller cuts it
  // back to `len` afterwards. No allocation once the buffers have grown.
  std::size_t push_value_token() {
    const std::size_t len = path.size();
    if (stack.empty()) return len;
    Frame& f = stack.back();
    path += '/';
    if (f.array) {
      char buf[24];
      const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, f.index++);
      path.append(buf, end);
    } else {
      if (!needs_escape(key)) {
        path += key;
      } else {
        for (const char ch : key) {
          if (ch == '~') path += "~0";
          else if (ch == '/') path += "~1";
          else path += ch;
        }
      }
      key.clear();
    }
    return len;
  }
  bool emit(const sdk::ScalarView& v, json::error_code& ec) {
    const std::size_t len = push_value_token();
    auto s = sink->scalar(path, v);
    if (!s.ok()) {
      ec = json::error::extra_data;  // any error stops the parser; status says why
      return fail(std::move(s));
    }
    path.resize(len);
    return true;
  }
  bool open(bool array, json::error_code& ec) {
    const std::size_t len = push_value_token();
    if (auto s = sink->begin_container(path, array ? sdk::NodeKind::array : sdk::NodeKind::object); !s.ok()) {
      ec = json::error::extra_data;
      return fail(std::move(s));
    }
    stack.push_back({array, 0, len});
    return true;
  }
  bool close(json::error_code& ec) {
    if (auto s = sink->end_container(path); !s.ok()) {
      ec = json::error::extra_data;
      return fail(std::move(s));
    }
    path.resize(stack.back().path_len);
    stack.pop_back();
    return true;
  }

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_object_begin(json::error_code& ec) { return open(false, ec); }
  bool on_object_end(std::size_t, json::error_code& ec) { return close(ec); }
  bool on_array_begin(json::error_code& ec) { return open(true, ec); }
  bool on_array_end(std::size_t, json::error_code& ec) { return close(ec); }
  bool on_key_part(json::string_view s, std::size_t n, json::error_code& ec) {
    if (!check_size(n, ec)) return false;
    key.append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, std::size_t n, json::error_code& ec) {
    if (!check_size(n, ec)) return false;
    key.append(s.data(), s.size());
    return true;
  }
  bool on_string_part(json::string_view s, std::size_t n, json::error_code& ec) {
    if (!check_size(n, ec)) return false;
    text.append(s.data(), s.size());
    return true;
  }
  bool on_string(json::string_view s, std::size_t n, json::error_code& ec) {
    if (!check_size(n, ec)) return false;
    text.append(s.data(), s.size());
    sdk::ScalarView v;
    v.kind = sdk::NodeKind::string;
    v.text = text;
    const bool ok = emit(v, ec);
    text.clear();
    key.clear();
    return ok;
  }
  bool number(json::string_view literal, double d, json::error_code& ec) {
    text.append(literal.data(), literal.size());
    sdk::ScalarView v;
    v.kind = sdk::NodeKind::number;
    v.number = d;
    v.text = text;
    const bool ok = emit(v, ec);
    text.clear();
    key.clear();
    return ok;
  }
  bool on_number_part(json::string_view s, json::error_code&) {
    text.append(s.data(), s.size());
    return true;
  }
  bool on_int64(std::int64_t i, json::string_view s, json::error_code& ec) { return number(s, static_cast<double>(i), ec); }
  bool on_uint64(std::uint64_t u, json::string_view s, json::error_code& ec) { return number(s, static_cast<double>(u), ec); }
  bool on_double(double d, json::string_view s, json::error_code& ec) { return number(s, d, ec); }
  bool on_bool(bool b, json::error_code& ec) {
    sdk::ScalarView v;
    v.kind = sdk::NodeKind::boolean;
    v.boolean = b;
    v.text = b ? "true" : "false";
    return emit(v, ec);  // which takes the key
  }
  bool on_null(json::error_code& ec) {
    sdk::ScalarView v;
    v.kind = sdk::NodeKind::null;
    return emit(v, ec);
  }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }
};

// Line and column (1-based) of a byte offset, for syntax errors.
void line_column(std::string_view text, std::size_t offset, std::uint32_t& line, std::uint32_t& column) {
  line = 1;
  column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') { ++line; column = 1; }
    else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++column;
  }
}

bool utf16_to_utf8(std::string_view in, bool little_endian, std::string& out) {
  iconv_t cd = iconv_open("UTF-8", little_endian ? "UTF-16LE" : "UTF-16BE");
  if (cd == reinterpret_cast<iconv_t>(-1)) return false;
  out.assign(in.size() * 2 + 16, '\0');
  char* src = const_cast<char*>(in.data());
  char* dst = out.data();
  std::size_t src_left = in.size(), dst_left = out.size();
  const bool ok = iconv(cd, &src, &src_left, &dst, &dst_left) != static_cast<std::size_t>(-1);
  out.resize(out.size() - dst_left);
  iconv_close(cd);
  return ok;
}

class JsonImporter final : public sdk::Importer {
 public:
  using sdk::Importer::Importer;

 protected:
  sdk::Confidence do_sniff(sdk::Bytes head, std::string_view filename) const override {
    std::string_view text(reinterpret_cast<const char*>(head.data()), head.size());
    const bool json_name = sdk::extension_of(filename) == "json";
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    else if (text.starts_with("\xFF\xFE") || text.starts_with("\xFE\xFF")) {
      // UTF-16: the first significant code unit.
      const bool le = text[0] == '\xFF';
      for (std::size_t i = 2; i + 1 < text.size(); i += 2) {
        const char c = le ? text[i] : text[i + 1];
        const char other = le ? text[i + 1] : text[i];
        if (other != 0) break;
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
        // As for UTF-8: a .json name with it is certain (the CSV importer,
        // which reads UTF-16 too, took a UTF-16 .json for a table).
        if (c == '{' || c == '[') return json_name ? sdk::confidence::certain : sdk::confidence::signature;
        break;
      }
      return json_name ? sdk::confidence::name_only : sdk::confidence::none;
    }
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos && (text[first] == '{' || text[first] == '['))
      return json_name ? sdk::confidence::certain : sdk::confidence::signature;
    return json_name ? sdk::confidence::name_only : sdk::confidence::none;
  }

  sdk::Status do_read(const sdk::Source& source, const sdk::Limits& limits, sdk::DocumentSink& sink) const override {
    if (auto s = sdk::check_input_size(source, limits, "document"); !s.ok()) return s;
    std::string_view text(reinterpret_cast<const char*>(source.bytes.data()), source.bytes.size());
    std::string converted;
    std::string encoding = "utf-8";
    std::size_t skipped = 0;
    if (text.starts_with("\xEF\xBB\xBF")) {
      text.remove_prefix(3);
      skipped = 3;
      encoding = "utf-8-bom";
    } else if (text.starts_with("\xFF\xFE") || text.starts_with("\xFE\xFF")) {
      const bool le = text[0] == '\xFF';
      if (!utf16_to_utf8(text.substr(2), le, converted))
        return {sdk::Code::undecodable, "tệp ghi là UTF-16 nhưng không đúng UTF-16; hãy lưu lại dạng UTF-8 rồi gửi lại "
                                        "/ the document says UTF-16 but is not valid UTF-16"};
      text = converted;
      encoding = le ? "utf-16le" : "utf-16be";
    }
    if (auto s = sink.property("encoding", encoding); !s.ok()) return s;
    if (auto s = sink.begin_tree(); !s.ok()) return s;

    json::parse_options options;
    options.max_depth = limits.max_depth == 0 ? 10'000 : limits.max_depth;
    json::basic_parser<Handler> parser(options);
    parser.handler().sink = &sink;
    parser.handler().max_field = limits.max_field_bytes;
    json::error_code ec;
    std::size_t used = parser.write_some(false, text.data(), text.size(), ec);
    Handler& h = parser.handler();
    if (!ec && used < text.size()) {
      // The parser stops after one document: anything but white space after it is an error.
      const auto rest = text.find_first_not_of(" \t\r\n", used);
      if (rest != std::string_view::npos) {
        ec = json::error::extra_data;
        used = rest;
      }
    }
    if (!h.status.ok()) return h.status;
    if (ec) {
      sdk::Location where;
      where.offset = used + skipped;
      line_column(text, used, where.row, where.column);
      where.path = h.path;
      if (ec == json::error::too_deep)
        return {sdk::Code::limit_exceeded,
                "dữ liệu trong tệp lồng nhau sâu quá giới hạn " + std::to_string(options.max_depth) +
                    " tầng; hãy xuất lại dữ liệu dạng phẳng hơn rồi gửi lại / the document nests deeper than the "
                    "limit of " + std::to_string(options.max_depth) + " levels",
                where};
      return {sdk::Code::invalid_input,
              "tệp không phải JSON hợp lệ ở dòng " + std::to_string(where.row) + ", cột " +
                  std::to_string(where.column) + "; hãy xuất lại tệp từ phần mềm rồi gửi lại / "
                  "the document is not valid JSON at line " + std::to_string(where.row) + ", column " +
                  std::to_string(where.column) + ": " + ec.message(),
              where};
    }
    return sink.end_tree();
  }
};

}  // namespace

TONGHOP_PLUGIN(JsonImporter, importer, "import-json", "1.0.0", "json", "application/json",
               "Any JSON document, streamed with the JSON Pointer of every value")
