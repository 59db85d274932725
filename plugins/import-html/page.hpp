// A web page's tables as a spreadsheet program lays them out: what a web
// program's "export to Excel" writes (an HTML table, often named .xls) read
// into one sheet of cells. Each table's rows follow the text before it;
// rowspan and colspan place the cells as HTML's table model does and become
// merged ranges; a paragraph or heading outside the tables is a row of its
// own, in column A. The text is UTF-8 already (html_importer.cpp decodes it).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tonghop/sdk.hpp>

namespace tonghop::html {

struct PageCell {
  std::uint32_t row = 0, column = 0;   // 1-based
  std::uint32_t offset = 0, length = 0;  // its text in Page::text
  bool struck = false;  // some of its text struck through (<s>, <del>, line-through)
  bool unseen = false;  // all of it drawn so that it cannot be seen (white on white, visibility:hidden)
  bool has_number = false;  // Excel's own HTML: x:num="1234" beside the shown text
  double number = 0;
};

struct Page {
  std::string text;
  std::vector<PageCell> cells;  // row by row, left to right; only cells with text
  std::vector<sdk::MergedRange> merges;
  std::vector<std::uint32_t> hidden_rows;  // rows hidden (display:none, visibility:collapse), ascending
  std::vector<std::pair<std::uint32_t, std::uint32_t>> hidden_columns;  // first, last: a <col> hides them
  std::uint32_t tables = 0;
};

// The page's cells, or a refusal naming where (a table inside a cell, text
// between a table's cells, a cell past the sheet's columns, the limits).
sdk::Status read_page(std::string_view text, const sdk::Limits& limits, Page& out);

}  // namespace tonghop::html
