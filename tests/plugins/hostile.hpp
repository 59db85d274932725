// Importers that misbehave on purpose, for the isolation tests: each reads
// only files that start with its own magic line ("TONGHOP TEST ABORT"...), and
// then aborts, dereferences a bad pointer, loops or allocates without end.
// What they do is bounded even if the daemon's isolation failed: the loop
// gives up after 60 s and the allocation at 4 GiB, with an error saying so,
// so that a broken isolation fails the test instead of eating the machine.
#pragma once

#include <cstring>
#include <string_view>

#include <tonghop/sdk.hpp>

namespace tonghop_test {

namespace sdk = tonghop::sdk;

template <class Act>
class Hostile final : public sdk::Importer {
 public:
  explicit Hostile(sdk::Host host) : sdk::Importer(host) {}

 protected:
  sdk::Confidence do_sniff(sdk::Bytes head, std::string_view) const override {
    const std::string_view text(reinterpret_cast<const char*>(head.data()), head.size());
    return text.starts_with(Act::magic) ? sdk::confidence::certain : sdk::confidence::none;
  }
  sdk::Status do_read(const sdk::Source&, const sdk::Limits&, sdk::DocumentSink&) const override { return Act::run(); }
};

}  // namespace tonghop_test
