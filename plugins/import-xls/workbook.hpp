// One Excel 97-2003 (BIFF8) or Excel 5.0/95 (BIFF5/7) workbook, read from
// its compound file: the globals (code page, date system, fonts, cell
// formats, number formats, sheets, shared strings), then each worksheet's
// cells, formula results and merged ranges, sent to the host's sink as the
// xlsx importer sends them (each cell with its font name and number format).
#pragma once

#include <bitset>
#include <chrono>
#include <cstdint>
#include <map>
#include <set>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <tonghop/sdk.hpp>

#include "biff.hpp"
#include "codepage.hpp"

namespace tonghop::xls {

namespace sdk = tonghop::sdk;

class Workbook {
 public:
  Workbook(std::string_view file, const sdk::Limits& limits, sdk::DocumentSink& sink);
  sdk::Status read();

 private:
  struct SheetRef {
    std::string name;
    std::uint32_t offset = 0;
    std::uint8_t visibility = 0, type = 0;
  };
  struct Xf {
    std::uint16_t font = 0, format = 0;
    std::uint8_t pattern = 0xFF;  // BIFF8's fls: 0 no fill, 1 solid; 0xFF not read (BIFF5)
    std::uint16_t fill_icv = 0;   // the fill's foreground, a palette index
  };
  // A palette index's colour, 0xRRGGBB (the PALETTE record's, else black
  // and white as BIFF fixes them), or -1 when not judged.
  std::int64_t rgb_of(std::uint16_t icv) const;
  // Whether a cell of format `x` draws its text in its background's colour.
  bool unseen(const Xf& x) const;
  // A cell of the sheet being read, until the sheet is sent.
  struct Pending {
    std::uint32_t row = 0;
    std::uint16_t column = 0, xf = 0;
    sdk::CellType type = sdk::CellType::empty;
    bool shared = false;         // text: shared string `offset`; else arena_[offset, offset + length)
    bool awaits_string = false;  // a formula whose text is in the next STRING record
    // A formula whose value no spreadsheet program calculated (uncalculated()):
    // given as an error without text, as the xlsx importer gives one.
    bool uncalculated = false;
    std::uint32_t offset = 0, length = 0;
    double number = 0;
  };

  [[noreturn]] void refuse(sdk::Code code, const std::string& vi, const std::string& en, sdk::Location where = {}) const;
  void check(sdk::Status s) const;
  // The refusal of a file cut short (of `sheet`, when one is cut off).
  [[noreturn]] void incomplete(const std::string& sheet = {}) const;
  void open_stream();
  void read_globals();
  void read_sst(const Record& r);
  std::string text(Cursor& c, unsigned length_bytes, const char* what);  // a string in this BIFF's form
  // Reads and sends one worksheet; returns where its substream ends.
  std::size_t read_sheet(const SheetRef& sheet, std::size_t offset);
  bool sheet_record(const Record& r, const SheetRef& sheet);
  bool read_mulrk(const Record& r, const SheetRef& sheet);
  // The refusal of a text formula (pending_[awaiting_]) whose STRING record never came.
  [[noreturn]] void no_string(const SheetRef& sheet) const;
  void add(const SheetRef& sheet, Pending p);
  void add_text(const SheetRef& sheet, Pending p, const std::string& s);
  // Whether the sheet's cells are in the order the sink wants (then sent as
  // they are read, else collected and sorted).
  // Notes on the way whether the sheet holds an UNCALCED record
  // (sheet_uncalced_) and its shared formulas that give a text
  // (shared_text_).
  bool in_order(std::size_t offset);
  // Whether FORMULA record `r` of a BIFF8 sheet gives a text (text_formula),
  // its own tokens or the shared formula it points to.
  bool text_formula_at(const Record& r) const;
  // Whether a formula of the sheet being read, its flags `grbit` and its
  // cached number (when it caches one), holds a value no spreadsheet program
  // calculated (read_globals, in_order).
  bool uncalculated(std::uint16_t grbit, const double* number) const;
  void flush();  // sends pending_
  void send(const SheetRef& sheet);
  void tick();

  std::string_view file_;
  const sdk::Limits& limits_;
  sdk::DocumentSink& sink_;
  std::chrono::steady_clock::time_point started_;
  std::string stream_;
  bool cut_short_ = false, biff8_ = true, date1904_ = false;
  // Formulas' values not calculated by a spreadsheet program (docs/normalisation.md,
  // "Formulas no program calculated"): the workbook asks every formula to be
  // calculated when opened (a RECALCID of engine 0: POI's and NPOI's
  // setForceFormulaRecalculation); a sheet saved with its formulas pending
  // (UNCALCED: Excel in manual calculation, saved without calculating, or
  // POI's sheet-level setForceFormulaRecalculation); a new formula as POI
  // and NPOI write one (flags 0x0002, which Excel never writes, and 0 until
  // their evaluator runs), in a BIFF8 workbook LibreOffice or a writer
  // copying its BOF did not write (the workbook's BOF, build 0x0DBB: POI
  // writes that build in its sheets' BOFs): older LibreOffice wrote 0x0002
  // on every formula, with computed values (7.4 writes 0).
  bool recalc_all_ = false, libreoffice_bof_ = false, sheet_uncalced_ = false;
  // The sheet's shared formulas (SHRFMLA) that give a text, by their first
  // cell (row << 16 | column), as a formula of the range points to it. A
  // number cached for such a formula is no value any program calculated:
  // LibreOffice 7.4, saving an .xls it opened as .xls, writes 0 for every
  // text result.
  // Sorted (in_order), 4 bytes each, at most 2^20.
  std::vector<std::uint32_t> shared_text_;
  std::unique_ptr<CodePage> codepage_;
  std::vector<std::string> fonts_, strings_;
  std::vector<bool> fonts_struck_;  // by FONT record, beside fonts_: fStrikeOut
  std::vector<std::uint16_t> fonts_icv_;  // by FONT record: its colour's palette index
  std::vector<std::int64_t> palette_ = std::vector<std::int64_t>(56, -1);  // indices 8-63, from PALETTE
  std::vector<bool> unseen_by_xf_;
  std::vector<std::string_view> formats_by_xf_;  // into formats_ or static strings: a format is held once
  std::vector<Xf> xfs_;
  std::map<std::uint16_t, std::string> formats_;
  std::vector<SheetRef> sheets_;
  std::size_t globals_end_ = 0;
  std::uint64_t cells_ = 0, records_ = 0;
  // The sheet being read.
  std::vector<Pending> pending_;
  std::string arena_;
  std::vector<sdk::MergedRange> merges_;
  std::size_t awaiting_ = SIZE_MAX;  // index in pending_ of a formula awaiting its STRING
  bool direct_ = false;              // cells sent as they are read
  // Rows the ROW records say Excel does not show (fDyZero), 0-based, and
  // the last row said so before its cells (flush).
  std::set<std::uint32_t> hidden_rows_;
  std::uint32_t row_said_ = UINT32_MAX;
  // Columns the COLINFO records say Excel does not show (fHidden), 0-based
  // (BIFF8 has 256 columns), said as ranges before the sheet ends (send).
  std::bitset<256> hidden_columns_;
};

}  // namespace tonghop::xls
