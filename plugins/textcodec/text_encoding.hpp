// Finding the encoding of a text file from evidence, and bringing it to
// UTF-8 NFC. Evidence, in order: a byte-order mark; valid UTF-8; otherwise the
// two single-byte encodings Vietnamese offices use, Windows-1258 and TCVN3
// (TCVN 5712:1993), each decoded with iconv and scored on how Vietnamese the
// result reads (syllables with one tone mark, no stray symbols).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <tonghop/sdk/status.hpp>

namespace tonghop::textcodec {

struct DecodedText {
  std::string encoding;  // utf-8, utf-8-bom, utf-16le/be, utf-32le/be, windows-1258, tcvn3
  std::string evidence;  // why, in words
  std::string owned;     // the UTF-8 text when it had to be converted
  std::string_view text; // the UTF-8 text (into owned, or into the input)
  // UTF-8 input is read in place: the encoding is decided from its first MiB,
  // and every field with non-ASCII bytes is then checked (valid UTF-8, no NUL)
  // and brought to NFC as it is read, so the file never has to be resident.
  bool check_fields = false;
};

sdk::Status decode_text(std::string_view bytes, DecodedText& out);

// Offset of the first byte that is not part of valid UTF-8, or npos.
std::size_t first_invalid_utf8(std::string_view s) noexcept;
// The same, and whether `s` has a combining mark (U+0300-U+036F: lead
// bytes CC, CD) before that offset. ASCII runs are skipped eight bytes at
// a time.
std::size_t first_invalid_utf8(std::string_view s, bool& combining) noexcept;

// NFC of a UTF-8 string (unchanged when it is already NFC or not UTF-8).
std::string to_nfc(std::string_view s);

// iconv from `encoding` to UTF-8; false (with the offset of the failing
// byte) when the input is not valid in that encoding.
bool convert_to_utf8(std::string_view in, const char* encoding, std::string& out, std::size_t& bad_offset);

}  // namespace tonghop::textcodec
