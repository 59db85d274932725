// An importer turns the bytes of one file into the neutral document form.
//
// Public member functions are non-virtual and noexcept: they are the shim that
// keeps exceptions on the plugin's side of the boundary (the pattern of
// spdlog's base_sink). A plugin author overrides the protected do_* functions
// and may throw from them; the shim turns any exception into a Status.
#pragma once

#include <cstddef>
#include <exception>
#include <new>
#include <span>
#include <string>
#include <string_view>

#include "tonghop/sdk/document.hpp"
#include "tonghop/sdk/host.hpp"
#include "tonghop/sdk/status.hpp"

namespace tonghop::sdk {

using Bytes = std::span<const unsigned char>;

// The file to read. The bytes stay valid for the whole read.
struct Source {
  std::string_view name;  // the file name the sender gave; may be empty
  Bytes bytes;
};

// How sure an importer is that it can read a file, from 0 (not at all) to
// 100 (its signature is there). The host picks the highest; ties go to the
// content evidence (see docs/plugins.md for the scale).
using Confidence = int;
namespace confidence {
inline constexpr Confidence none = 0;
inline constexpr Confidence name_only = 20;  // only the file name suggests it
inline constexpr Confidence plausible = 50;  // content fits, no signature
inline constexpr Confidence signature = 90;  // a magic number / structure matched
inline constexpr Confidence certain = 100;
}  // namespace confidence

class Importer {
 public:
  explicit Importer(Host host) noexcept : host_(host) {}
  virtual ~Importer() = default;
  Importer(const Importer&) = delete;
  Importer& operator=(const Importer&) = delete;

  // head: the first bytes of the file (at most 64 KiB); filename may be empty.
  Confidence sniff(Bytes head, std::string_view filename) const noexcept {
    try {
      const Confidence c = do_sniff(head, filename);
      return c < 0 ? 0 : (c > 100 ? 100 : c);
    } catch (...) {
      host_.error("sniff threw an exception; treated as 'cannot read'");
      return confidence::none;
    }
  }

  // Reads the whole source into sink under the given limits. Must be safe to
  // call from several threads at once on the same object.
  Status read(const Source& source, const Limits& limits, DocumentSink& sink) const noexcept {
    try {
      return do_read(source, limits, sink);
    } catch (const std::bad_alloc&) {
      return {Code::limit_exceeded, "không đủ bộ nhớ để đọc tệp / out of memory while reading the file"};
    } catch (const std::exception& e) {
      return {Code::internal, std::string("bộ đọc tệp gặp lỗi nội bộ; hãy báo quản trị viên / importer failed: ") + e.what()};
    } catch (...) {
      return {Code::internal, "bộ đọc tệp gặp lỗi nội bộ; hãy báo quản trị viên / importer failed with an unknown exception"};
    }
  }

  const Host& host() const noexcept { return host_; }

 protected:
  virtual Confidence do_sniff(Bytes head, std::string_view filename) const = 0;
  virtual Status do_read(const Source& source, const Limits& limits, DocumentSink& sink) const = 0;

 private:
  Host host_;
};

// The first check of every read: the input against limits.max_input_bytes.
inline Status check_input_size(const Source& source, const Limits& limits, std::string_view what = "file") {
  if (limits.max_input_bytes == 0 || source.bytes.size() <= limits.max_input_bytes) return {};
  return {Code::limit_exceeded, "tệp (" + std::to_string(source.bytes.size()) + " byte) lớn hơn giới hạn " +
                                    std::to_string(limits.max_input_bytes) +
                                    " byte; " + std::string(kPastALimitVi) + " / the " + std::string(what) +
                                    " (" + std::to_string(source.bytes.size()) + " bytes) is larger than the limit of " +
                                    std::to_string(limits.max_input_bytes) + " bytes"};
}

// SDK 1.6.0. Whether `head` (a file's first bytes) is a web page: what
// the "export to Excel" of many web programs (ASP.NET's GridView, PHP
// pages) writes and names .xls, an HTML table Excel opens after a warning:
// in UTF-8 or UTF-16 (zero bytes left out), after a byte order mark and
// spaces, it begins with a tag, and its first 1,024 characters (of its
// first 4 KiB) hold an HTML tag (html, table, tr, td, body) as a whole
// name. Excel 2003 XML (its <Table>) is not one. An importer that reads text declines such a file;
// the one its name claims says what it is (import-xls: open it, save it
// as .xlsx).
inline bool looks_like_html(std::string_view head) {
  std::string seen;
  for (std::size_t i = 0; i < head.size() && i < 4096 && seen.size() < 1024; ++i)  // a file of zeros: 4 KiB read
    if (const char c = head[i]; c != '\0') seen.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  std::size_t start = 0;
  while (start < seen.size() && (static_cast<unsigned char>(seen[start]) >= 0x80 || seen[start] == ' ' ||
                                 seen[start] == '\t' || seen[start] == '\r' || seen[start] == '\n'))
    ++start;  // a byte order mark (EF BB BF, FF FE, FE FF) and spaces
  if (start >= seen.size() || seen[start] != '<') return false;
  if (seen.find("urn:schemas-microsoft-com:office:spreadsheet") != std::string::npos) return false;
  for (const std::string_view tag : {"<html", "<!doctype html", "<table", "<tr", "<td", "<body"})
    for (std::size_t at = seen.find(tag); at != std::string::npos; at = seen.find(tag, at + 1)) {
      const std::size_t end = at + tag.size();
      if (end == seen.size() || seen[end] == '>' || seen[end] == ' ' || seen[end] == '\t' || seen[end] == '\r' ||
          seen[end] == '\n' || seen[end] == '/')
        return true;
    }
  return false;
}

// SDK 1.6.0. Whether a formula's text result reads as a figure: digits,
// maybe signed and grouped ("999", "1.050", "-3"), as the host would read a
// count. In a workbook or sheet asking to be calculated when opened, such a
// text is not what a spreadsheet program calculated either: the xlsx and
// xls importers give it as a formula without value (CellType::error, no
// text); another text (a header written as a formula) is kept.
inline bool reads_as_figure(std::string_view text) {
  bool digit = false;
  for (const char c : text) {
    if (c >= '0' && c <= '9') digit = true;
    else if (c != ' ' && c != '.' && c != ',' && c != '-' && c != '+') return false;
  }
  return digit;
}

// Lower-case extension of a file name without the dot ("" when none).
inline std::string extension_of(std::string_view filename) {
  const auto slash = filename.find_last_of("/\\");
  if (slash != std::string_view::npos) filename.remove_prefix(slash + 1);
  const auto dot = filename.rfind('.');
  if (dot == std::string_view::npos || dot + 1 == filename.size()) return {};
  std::string ext(filename.substr(dot + 1));
  for (auto& ch : ext)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  return ext;
}

}  // namespace tonghop::sdk
