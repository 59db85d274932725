// The neutral form an importer reads a file into. Importers know nothing of
// the domain: they report sheets of cells (with each cell's font, because a
// ".VnTime" font means TCVN3-encoded text), merged ranges, and for tree
// documents (JSON) the tree itself, value by value, with its JSON Pointer.
//
// Importers *stream* into a DocumentSink so that a million-row table never has
// to sit in memory; DocumentBuilder is a sink that collects everything, for
// small files and tests.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tonghop/sdk/status.hpp"

namespace tonghop::sdk {

enum class CellType : std::uint8_t { empty, text, number, boolean, error };

// One cell as the importer saw it. Rows and columns are 1-based.
struct CellView {
  std::uint32_t row = 0;
  std::uint32_t column = 0;
  CellType type = CellType::empty;
  std::string_view text;           // text cells; for numbers the source text if any
  double number = 0;               // number and boolean cells (and dates as serials)
  std::string_view font;           // font name as the file gives it ("Times New Roman", ".VnTime")
  std::string_view number_format;  // "dd/mm/yyyy", "#,##0", "" when general
};

// A merged range, 1-based and inclusive.
struct MergedRange {
  std::uint32_t first_row = 0, first_column = 0, last_row = 0, last_column = 0;
};

enum class NodeKind : std::uint8_t { null, boolean, number, string, array, object };

// One scalar of a tree document.
struct ScalarView {
  NodeKind kind = NodeKind::null;
  bool boolean = false;
  double number = 0;
  std::string_view text;  // strings; for numbers the literal as written ("2044", "33.7")
};

// Facts about the input the importer found (encoding, delimiter...).
struct Property {
  std::string key, value;
};

// Receives a document as the importer reads it. Calls come in this order:
//   property*, then either (begin_sheet, cell*, merged*, end_sheet)* for a
//   table document, or begin_tree, (begin_container|scalar|end_container)*,
//   end_tree for a tree document.
// Cells of a sheet arrive row by row, left to right. Merged ranges of a sheet
// may arrive before or after its cells.
// A sink never throws. When it returns a non-ok Status (a limit it enforces,
// or the host giving up) the importer stops and returns that Status.
class DocumentSink {
 public:
  virtual ~DocumentSink() = default;
  virtual Status property(std::string_view key, std::string_view value) = 0;
  virtual Status begin_sheet(std::string_view name) = 0;
  virtual Status cell(const CellView& cell) = 0;
  virtual Status merged(const MergedRange& range) = 0;
  virtual Status end_sheet() = 0;
  virtual Status begin_tree() = 0;
  // pointer: the JSON Pointer of the container or value ("" is the root).
  virtual Status begin_container(std::string_view pointer, NodeKind kind) = 0;
  virtual Status scalar(std::string_view pointer, const ScalarView& value) = 0;
  virtual Status end_container(std::string_view pointer) = 0;
  virtual Status end_tree() = 0;
};

// --- The collected form -----------------------------------------------------

struct Cell {
  std::uint32_t row = 0, column = 0;
  CellType type = CellType::empty;
  std::string text;
  double number = 0;
  std::string font;
  std::string number_format;
};

struct Sheet {
  std::string name;
  std::vector<Cell> cells;
  std::vector<MergedRange> merges;

  const Cell* find(std::uint32_t row, std::uint32_t column) const noexcept {
    for (const auto& c : cells)
      if (c.row == row && c.column == column) return &c;
    return nullptr;
  }
};

struct TreeValue {
  std::string pointer;
  NodeKind kind = NodeKind::null;
  bool boolean = false;
  double number = 0;
  std::string text;
};

struct Document {
  std::vector<Property> properties;
  std::vector<Sheet> sheets;
  bool is_tree = false;
  std::vector<TreeValue> tree;  // every scalar in document order

  std::string property(std::string_view key) const {
    for (const auto& p : properties)
      if (p.key == key) return p.value;
    return {};
  }
  const TreeValue* at(std::string_view pointer) const noexcept {
    for (const auto& v : tree)
      if (v.pointer == pointer) return &v;
    return nullptr;
  }
};

// A sink that keeps everything in a Document.
class DocumentBuilder final : public DocumentSink {
 public:
  Document& document() noexcept { return doc_; }
  Document take() { return std::move(doc_); }

  Status property(std::string_view key, std::string_view value) override {
    doc_.properties.push_back({std::string(key), std::string(value)});
    return {};
  }
  Status begin_sheet(std::string_view name) override {
    doc_.sheets.push_back(Sheet{std::string(name), {}, {}});
    return {};
  }
  Status cell(const CellView& c) override {
    if (doc_.sheets.empty()) return {Code::internal, "cell outside a sheet"};
    doc_.sheets.back().cells.push_back(Cell{c.row, c.column, c.type, std::string(c.text), c.number,
                                            std::string(c.font), std::string(c.number_format)});
    return {};
  }
  Status merged(const MergedRange& r) override {
    if (doc_.sheets.empty()) return {Code::internal, "merged range outside a sheet"};
    doc_.sheets.back().merges.push_back(r);
    return {};
  }
  Status end_sheet() override { return {}; }
  Status begin_tree() override {
    doc_.is_tree = true;
    return {};
  }
  Status begin_container(std::string_view, NodeKind) override { return {}; }
  Status scalar(std::string_view pointer, const ScalarView& v) override {
    doc_.tree.push_back(TreeValue{std::string(pointer), v.kind, v.boolean, v.number, std::string(v.text)});
    return {};
  }
  Status end_container(std::string_view) override { return {}; }
  Status end_tree() override { return {}; }

 private:
  Document doc_;
};

// Escapes one JSON Pointer reference token (RFC 6901): "~" -> "~0", "/" -> "~1".
inline std::string pointer_token(std::string_view key) {
  std::string out;
  out.reserve(key.size());
  for (char ch : key) {
    if (ch == '~') out += "~0";
    else if (ch == '/') out += "~1";
    else out += ch;
  }
  return out;
}

}  // namespace tonghop::sdk
