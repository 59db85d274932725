// What a dry run (POST /api/v1/check) shows of a return as it was read: for
// a table, the sheet's header rows and first data rows as cells with their
// addresses and shown values, and the field each column was mapped to; for a
// JSON document, its keys and pointers and the field each key maps to.
//
// Made in the import's child (it is the one that reads the file): a sink
// between the importer and the normaliser keeps each sheet's first rows (or
// the document's first values), bounded, and after normalisation they become
// one JSON object (Examined::view), which the daemon reads back like the
// rest of the result. See docs/api.md, "Dry run and mappings".
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "normalise/catalogue.hpp"
#include "normalise/record.hpp"
#include "tonghop/sdk/document.hpp"

namespace tonghop::ingest {

// What is kept, whatever the file: a cell's text is cut at kViewText bytes,
// a row at kViewColumns columns; at most kViewCells cells over all sheets
// (a sheet past it is named, not shown) and kViewValues values of a tree.
inline constexpr std::size_t kViewText = 256;
inline constexpr std::uint32_t kViewColumns = 128;
inline constexpr std::size_t kViewCells = 200'000;
inline constexpr std::size_t kViewValues = 50'000;

class ViewCapture final : public sdk::DocumentSink {
 public:
  // rows: the data rows (or elements) to show; array: a tree's array of
  // organisations when a first pass found it.
  ViewCapture(sdk::DocumentSink& next, std::uint32_t rows, std::optional<std::string> array);
  ~ViewCapture() override;

  sdk::Status property(std::string_view k, std::string_view v) override;
  sdk::Status begin_sheet(std::string_view name) override;
  sdk::Status cell(const sdk::CellView& c) override;
  // A run of cells (SDK ABI 3): as cell() for each, and the cells of a row
  // past the rows kept handed on as one run, so that the reader below keeps
  // its run path (without this, a dry run's million rows went cell by cell).
  sdk::Status cells(const sdk::CellView* first, std::size_t count) override;
  sdk::Status merged(const sdk::MergedRange& r) override;
  sdk::Status end_sheet() override;
  sdk::Status begin_tree() override;
  sdk::Status begin_container(std::string_view p, sdk::NodeKind k) override;
  sdk::Status scalar(std::string_view p, const sdk::ScalarView& v) override;
  sdk::Status end_container(std::string_view p) override;
  sdk::Status end_tree() override;

  // The view, once the result is known: {"sheet": {...}} or {"document": {...}}.
  std::string json(const normalise::Normalised& result, const normalise::Catalogue& cat) const;

 private:
  struct State;
  sdk::DocumentSink& next_;
  std::unique_ptr<State> s_;
  // dryrun3 (issue 18): a row of a sheet past the rows kept, while its cells
  // come: they go straight on (a million rows' cells, each through here).
  bool passing_ = false;
  std::uint32_t passing_row_ = 0;
};

}  // namespace tonghop::ingest
