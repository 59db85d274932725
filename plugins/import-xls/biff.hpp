// BIFF records ([MS-XLS]) as the workbook stream holds them: a 2-byte id, a
// 2-byte length, the data, and CONTINUE records carrying what did not fit.
// Strings: BIFF8's are UTF-16 or "compressed" Latin-1 (a flags byte says
// which, again at each CONTINUE a string crosses); BIFF5/7's are bytes in
// the workbook's code page.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tonghop::xls {

namespace rec {
constexpr std::uint16_t formula = 0x0006, eof = 0x000A, datemode = 0x0022, filepass = 0x002F, font = 0x0031,
                        continue_ = 0x003C, codepage = 0x0042, colinfo = 0x007D, boundsheet = 0x0085, mulrk = 0x00BD,
                        mulblank = 0x00BE, rstring = 0x00D6, xf = 0x00E0, mergedcells = 0x00E5, sst = 0x00FC,
                        labelsst = 0x00FD, palette = 0x0092, blank = 0x0201, number = 0x0203, label = 0x0204, boolerr = 0x0205,
                        string = 0x0207, row = 0x0208, rk = 0x027E, format = 0x041E, bof = 0x0809, bof2 = 0x0009, bof3 = 0x0209,
                        bof4 = 0x0409, uncalced = 0x005E, recalcid = 0x01C1, shrfmla = 0x04BC;
}

inline bool is_bof(std::uint16_t id) { return id == rec::bof || id == rec::bof2 || id == rec::bof3 || id == rec::bof4; }
// A record of one cell: row, column, XF index, then its value.
inline bool is_cell(std::uint16_t id) {
  return id == rec::number || id == rec::rk || id == rec::labelsst || id == rec::label || id == rec::rstring ||
         id == rec::boolerr || id == rec::formula;
}

struct Record {
  std::uint16_t id = 0;
  std::size_t offset = 0;                // of the record's header in the stream
  std::vector<std::string_view> pieces;  // the data, then each CONTINUE's data
  std::string_view data() const { return pieces.empty() ? std::string_view{} : pieces[0]; }
};

// Walks the records of a stream, each with its CONTINUE records.
class Records {
 public:
  explicit Records(std::string_view stream) : s_(stream) {}
  // False at the end of the stream; truncated() then says whether a record
  // was cut off by it.
  bool next(Record& r);
  void seek(std::size_t offset) { pos_ = offset; }
  std::size_t position() const { return pos_; }
  bool truncated() const { return truncated_; }
  // The id of the record at `offset`, or 0.
  std::uint16_t id_at(std::size_t offset) const;

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
  bool truncated_ = false;
};

// Reads across a record's pieces.
class Cursor {
 public:
  explicit Cursor(const Record& r, std::size_t skip = 0);
  bool u8(std::uint8_t& v);
  bool u16(std::uint16_t& v);
  bool u32(std::uint32_t& v);
  bool skip(std::uint64_t n);
  // cch characters of a BIFF8 string body, flags already read; appends UTF-8.
  // A CONTINUE met inside the characters starts with a new flags byte.
  bool chars(std::uint32_t cch, bool wide, std::string& out);
  bool bytes(std::uint32_t n, std::string& out);
  bool at_end();

 private:
  bool next_piece();
  const Record& r_;
  std::size_t piece_ = 0, pos_ = 0;
};

// A BIFF8 XLUnicodeString (length_bytes 2) or ShortXLUnicodeString (1);
// `rich`: an SST entry, whose rich-text and phonetic tails are skipped.
bool read_unicode(Cursor& c, unsigned length_bytes, std::string& out, bool rich = false);

// Whether a BIFF8 formula's parsed tokens (rgce) give a text whatever they
// are given: its last token (control tokens, parentheses and a unary plus
// aside) is a text constant, the & operator, or a function that returns
// text (TEXT, CONCATENATE, LEFT, UPPER ...). False for anything else, and
// as soon as a token is not known here.
bool text_formula(std::string_view rgce);

double rk_value(std::uint32_t rk);
std::string_view error_text(std::uint8_t code);
void append_utf8(char32_t cp, std::string& out);

}  // namespace tonghop::xls
