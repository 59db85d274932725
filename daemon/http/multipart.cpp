#include "http/multipart.hpp"

#include <cctype>

namespace tonghop::http {

namespace {
std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}
// The value of `key=` in a header line: quoted or bare.
std::string parameter(std::string_view header, std::string_view key) {
  const std::string h = lower(header);
  std::size_t at = 0;
  while ((at = h.find(std::string(key) + "=", at)) != std::string::npos) {
    if (at == 0 || h[at - 1] == ' ' || h[at - 1] == ';') break;
    ++at;
  }
  if (at == std::string::npos) return {};
  std::size_t start = at + key.size() + 1;
  if (start < header.size() && header[start] == '"') {
    const auto end = header.find('"', start + 1);
    return std::string(header.substr(start + 1, end == std::string_view::npos ? header.npos : end - start - 1));
  }
  const auto end = header.find_first_of("; \r\n", start);
  return std::string(header.substr(start, end == std::string_view::npos ? header.npos : end - start));
}
}  // namespace

bool is_multipart(std::string_view content_type) {
  std::size_t i = 0;
  while (i < content_type.size() && (content_type[i] == ' ' || content_type[i] == '\t')) ++i;
  return lower(content_type.substr(i, 19)) == "multipart/form-data";
}

std::optional<FilePart> multipart_file(std::string_view content_type, std::string_view body, std::string_view name) {
  if (!is_multipart(content_type)) return std::nullopt;
  const std::string boundary = parameter(content_type, "boundary");
  if (boundary.empty()) return std::nullopt;
  const std::string delimiter = "--" + boundary;
  std::size_t at = body.find(delimiter);
  while (at != std::string_view::npos) {
    std::size_t part = at + delimiter.size();
    if (body.substr(part, 2) == "--") break;  // the closing delimiter
    if (body.substr(part, 2) == "\r\n") part += 2;
    const auto head_end = body.find("\r\n\r\n", part);
    if (head_end == std::string_view::npos) break;
    const std::string_view head = body.substr(part, head_end - part);
    const auto next = body.find("\r\n" + delimiter, head_end + 4);
    if (next == std::string_view::npos) break;
    std::string disposition;
    for (std::size_t line = 0; line < head.size();) {
      const auto eol = head.find("\r\n", line);
      const std::string_view h = head.substr(line, eol == std::string_view::npos ? head.npos : eol - line);
      if (lower(h).rfind("content-disposition:", 0) == 0) disposition = std::string(h);
      if (eol == std::string_view::npos) break;
      line = eol + 2;
    }
    if (parameter(disposition, "name") == name) {
      FilePart f;
      f.filename = parameter(disposition, "filename");
      f.bytes = body.substr(head_end + 4, next - head_end - 4);
      return f;
    }
    at = next + 2;
  }
  return std::nullopt;
}

}  // namespace tonghop::http
