// A plugin whose constructor throws: the loader must refuse it with the
// exception's message, and the daemon must keep running.
#include <stdexcept>

#include <tonghop/sdk.hpp>

namespace {
class Throwing final : public tonghop::sdk::Exporter {
 public:
  explicit Throwing(tonghop::sdk::Host host) : tonghop::sdk::Exporter(host) {
    throw std::runtime_error("the template file it needs is missing");
  }

 protected:
  tonghop::sdk::Status do_write(const tonghop::sdk::Report&, std::string_view, std::ostream&) const override {
    return {};
  }
};
}  // namespace

TONGHOP_PLUGIN(Throwing, exporter, "throwing", "1.0.0", "never", "application/x-never", "throws when created")
