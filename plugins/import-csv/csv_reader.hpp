// RFC 4180 reading: quoted fields with embedded delimiters, newlines and
// doubled quotes; CR, LF or CRLF line ends. Lenient where Excel is lenient (a
// quote inside an unquoted field is a character), strict where data would be
// lost (an unterminated quote is an error naming where it opened).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include <tonghop/sdk/host.hpp>
#include <tonghop/sdk/status.hpp>

namespace tonghop::csv {

struct DelimiterGuess {
  char delimiter = ',';
  std::string evidence;
};

// Picks the delimiter (, ; tab |) that splits the first records into the
// most consistent number of fields.
DelimiterGuess sniff_delimiter(std::string_view text);

// What the bytes of a field were, found while it was scanned (read_records):
// the importer checks only fields with such bytes (UTF-8, NUL) again.
enum FieldBytes : std::uint8_t { plain = 0, high_bytes = 1, nul_byte = 2 };

// Calls field(row, column, text, bytes) for every non-empty field, with
// 1-based record (row) and column, and which of FieldBytes its text holds. A
// template so that the call is inlined: it runs once per field of files with
// millions of them.
template <class FieldFn>
sdk::Status read_records(std::string_view text, char delimiter, const sdk::Limits& limits, FieldFn&& field) {
  const std::uint64_t max_field = limits.max_field_bytes;
  const auto started = std::chrono::steady_clock::now();
  std::uint32_t row = 1, column = 1;
  std::uint64_t counter = 0;
  std::string scratch;
  const std::size_t n = text.size();
  std::size_t i = 0;
  // Each byte's class, one lookup per byte: what ends a field (the
  // delimiter, CR, LF), else what it says of the field (FieldBytes).
  constexpr std::uint8_t ends = 4;
  std::uint8_t classes[256] = {};
  for (int b = 0x80; b < 0x100; ++b) classes[b] = high_bytes;
  classes[0] = nul_byte;
  classes[static_cast<unsigned char>(delimiter)] = ends;
  classes[static_cast<unsigned char>('\n')] = ends;
  classes[static_cast<unsigned char>('\r')] = ends;
  auto class_of = [&](char c) { return classes[static_cast<unsigned char>(c)]; };

  auto place = [&](std::uint32_t r, std::uint32_t c, std::size_t offset) {
    sdk::Location where;
    where.row = r;
    where.column = c;
    where.offset = offset;
    return where;
  };
  auto too_big = [&](std::size_t offset) {
    return sdk::Status(sdk::Code::limit_exceeded,
                       "một ô dài quá giới hạn " + std::to_string(max_field) +
                           " byte; hãy kiểm tra lại tệp (có thể thiếu dấu ngoặc kép đóng) rồi gửi lại / "
                           "a field is larger than the limit of " + std::to_string(max_field) + " bytes",
                       place(row, column, offset));
  };

  while (i < n) {
    if ((++counter & 0xFFFF) == 0 && limits.max_seconds != 0 &&
        std::chrono::steady_clock::now() - started > std::chrono::seconds(limits.max_seconds))
      return {sdk::Code::limit_exceeded, "đọc tệp quá " + std::to_string(limits.max_seconds) +
                                             " giây; hãy bỏ các dòng, cột không thuộc báo cáo rồi lưu lại, hoặc nhờ quản trị viên nâng giới hạn; đừng chia báo cáo thành nhiều tệp: tệp gửi sau sẽ thay tệp gửi trước / "
                                             "reading took longer than the limit of " +
                                             std::to_string(limits.max_seconds) + " seconds", place(row, column, i)};
    std::string_view value;
    std::uint8_t bytes = plain;
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
                "một dấu ngoặc kép mở ở ô này không bao giờ được đóng, nên ô kéo dài đến hết tệp; hãy sửa ô đó "
                "rồi gửi lại / a quoted field is never closed: the quote opened here runs to the end of the file",
                place(row, column, open)};
      // Text after the closing quote and before the delimiter is kept, as Excel does.
      while (i < n && text[i] != delimiter && text[i] != '\n' && text[i] != '\r') scratch += text[i++];
      if (max_field != 0 && scratch.size() > max_field) return too_big(open);
      value = scratch;
      for (const char c : scratch) bytes |= class_of(c) & (high_bytes | nul_byte);
    } else {
      const std::size_t start = i;
      for (; i < n; ++i) {
        const std::uint8_t k = class_of(text[i]);
        if (k & ends) break;
        bytes |= k;
      }
      value = text.substr(start, i - start);
      if (max_field != 0 && value.size() > max_field) return too_big(start);
    }
    if (!value.empty())
      if (auto s = field(row, column, value, static_cast<FieldBytes>(bytes)); !s.ok()) return s;

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
