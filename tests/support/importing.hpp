// Test support: the real plugins of build/plugins, loaded once, and a file
// read through the daemon's own ingest path (choice by sniff, host limits).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "loader/loader.hpp"
#include "tonghop/sdk/document.hpp"

namespace tonghop::test {

struct Imported {
  sdk::Status status;
  std::string plugin;  // the importer chosen ("" when none)
  sdk::Document doc;
  const sdk::Sheet& sheet(std::size_t i = 0) const { return doc.sheets.at(i); }
  // Text of a cell, or "" (numbers as the importer gave their text).
  std::string text(std::uint32_t row, std::uint32_t column, std::size_t sheet = 0) const;
  // The values of the document's properties named `key`, in order ("hidden_row": "5", "7").
  std::vector<std::string> properties(std::string_view key) const;
};

const loader::PluginSet& real_plugins();
tonghop_limits default_limits();

Imported import_bytes(const std::string& bytes, const std::string& filename, const tonghop_limits& limits = default_limits());
Imported import_file(const std::filesystem::path& file, const tonghop_limits& limits = default_limits());

std::filesystem::path data_path(const std::string& relative);  // tests/data/...

// Peak resident memory of this process so far, in bytes.
std::size_t peak_rss();

// Counts what an importer gives, keeping nothing.
class CountingSink final : public sdk::DocumentSink {
 public:
  sdk::Status property(std::string_view, std::string_view) override { return {}; }
  sdk::Status begin_sheet(std::string_view) override {
    ++sheets;
    return {};
  }
  sdk::Status cell(const sdk::CellView& c) override {
    ++cells;
    text += c.text.size();
    last_column = c.column;
    return {};
  }
  sdk::Status merged(const sdk::MergedRange&) override { return {}; }
  sdk::Status end_sheet() override { return {}; }
  sdk::Status begin_tree() override { return {}; }
  sdk::Status begin_container(std::string_view, sdk::NodeKind) override { return {}; }
  sdk::Status scalar(std::string_view, const sdk::ScalarView&) override { return {}; }
  sdk::Status end_container(std::string_view) override { return {}; }
  sdk::Status end_tree() override { return {}; }
  std::uint64_t sheets = 0, cells = 0, text = 0;
  std::uint32_t last_column = 0;
};

}  // namespace tonghop::test
