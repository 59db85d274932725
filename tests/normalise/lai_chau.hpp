// The daemon's normaliser with the source tree's catalogue and Lai Châu's
// units (config/indicators.toml, config/units/lai-chau.toml), for tests that
// read real files through the real plugins and then normalise them.
#pragma once

#include <stdexcept>
#include <string>

#include "normalise/catalogue.hpp"
#include "tonghop/sdk/document.hpp"
#include "normalise/normaliser.hpp"

namespace tonghop::test {

inline const normalise::Catalogue& lai_chau_catalogue() {
  static const auto catalogue = normalise::load_catalogue(TONGHOP_SOURCE_DIR "/config/indicators.toml");
  if (!catalogue) throw std::runtime_error("cannot load config/indicators.toml");
  return *catalogue;
}

inline const normalise::Registry& lai_chau_registry() {
  static const auto registry = normalise::load_registry(TONGHOP_SOURCE_DIR "/config/units/lai-chau.toml");
  if (!registry) throw std::runtime_error("cannot load config/units/lai-chau.toml");
  return *registry;
}

inline const normalise::Normaliser& lai_chau_normaliser() {
  static const normalise::Normaliser n(lai_chau_catalogue(), lai_chau_registry());
  return n;
}

// A reading's errors, one a line: code, field, row and message.
inline std::string errors_of(const normalise::Normalised& n) {
  std::string s;
  for (const auto& e : n.errors) s += e.code + " " + e.field + " row " + std::to_string(e.where.row) + ": " + e.message + "\n";
  return s;
}

// Makes `doc` a tree document (as the JSON importer hands one over) and
// returns what adds a value to it: add(pointer, kind, text[, number]).
inline auto tree_adder(sdk::Document& doc) {
  doc.is_tree = true;
  return [&doc](std::string pointer, sdk::NodeKind kind, std::string text, double number = 0) {
    doc.tree.push_back(sdk::TreeValue{std::move(pointer), kind, false, number, std::move(text)});
  };
}

}  // namespace tonghop::test
