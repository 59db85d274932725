// The catalogue (config/indicators.toml) as it is written, for people: the
// normaliser keeps its words folded ("tong so dv"), a blank form and the
// catalogue page show them as the province wrote them ("Tổng số ĐV").
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "core/expected.hpp"

namespace tonghop::forms {

struct WrittenField {
  std::string id, label, kind;  // kind: "count" or "text", as the file says
  std::vector<std::string> synonyms, groups, subs;
};

struct Written {
  std::vector<WrittenField> fields;  // in the file's order (the canonical record's)
  std::vector<std::pair<std::string, std::string>> words;  // [words]: as written -> meaning ("" says nothing)
  // Every name a rating, kind or sector is accepted under, by id.
  std::vector<std::pair<std::string, std::vector<std::string>>> ratings, kinds, sectors;

  const WrittenField* field(const std::string& id) const;
  // The name a person writes for a rating or kind: the first of its names
  // with more than one word ("Hoàn thành tốt nhiệm vụ", "Đảng bộ cơ sở"),
  // else its first name, else the id.
  static std::string display_name(const std::pair<std::string, std::vector<std::string>>& entry);
};

Expected<Written> read_written(const std::filesystem::path& catalogue_file);

}  // namespace tonghop::forms
