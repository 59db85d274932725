// Test support: the real plugins of build/plugins, loaded once, and a file
// read through the daemon's own ingest path (choice by sniff, host limits).
#pragma once

#include <filesystem>
#include <string>

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
};

const loader::PluginSet& real_plugins();
tonghop_limits default_limits();

Imported import_bytes(const std::string& bytes, const std::string& filename, const tonghop_limits& limits = default_limits());
Imported import_file(const std::filesystem::path& file, const tonghop_limits& limits = default_limits());

std::filesystem::path data_path(const std::string& relative);  // tests/data/...

// Peak resident memory of this process so far, in bytes.
std::size_t peak_rss();

}  // namespace tonghop::test
