#include "support/daemon.hpp"

#include <regex>

namespace tonghop::test {

std::string normalise_section() {
  return "[normalise]\ncatalogue = \"" TONGHOP_SOURCE_DIR "/config/indicators.toml\"\nunits = \"" TONGHOP_SOURCE_DIR
         "/config/units/lai-chau.toml\"\nprofiles = \"" TONGHOP_SOURCE_DIR "/config/profiles\"\n";
}

std::uint16_t listening_port(Process& daemon, std::chrono::milliseconds timeout) {
  if (!daemon.wait_for_output("listening on http://", timeout)) return 0;
  std::smatch m;
  const std::string out = daemon.output();
  if (!std::regex_search(out, m, std::regex("listening on http://127\\.0\\.0\\.1:(\\d+)"))) return 0;
  return static_cast<std::uint16_t>(std::stoi(m[1]));
}

}  // namespace tonghop::test
