// The daemon's normaliser with the source tree's catalogue and Lai Châu's
// units (config/indicators.toml, config/units/lai-chau.toml), for tests that
// read real files through the real plugins and then normalise them.
#pragma once

#include <stdexcept>

#include "normalise/catalogue.hpp"
#include "normalise/normaliser.hpp"

namespace tonghop::test {

inline const normalise::Normaliser& lai_chau_normaliser() {
  static const auto catalogue = normalise::load_catalogue(TONGHOP_SOURCE_DIR "/config/indicators.toml");
  static const auto registry = normalise::load_registry(TONGHOP_SOURCE_DIR "/config/units/lai-chau.toml");
  if (!catalogue || !registry) throw std::runtime_error("cannot load config/indicators.toml or config/units/lai-chau.toml");
  static const normalise::Normaliser n(*catalogue, *registry);
  return n;
}

}  // namespace tonghop::test
