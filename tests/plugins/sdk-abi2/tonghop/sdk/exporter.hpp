// An exporter writes a report in one of the formats its descriptor declares.
// Same shim as Importer: the public call is noexcept; do_write may throw.
#pragma once

#include <exception>
#include <new>
#include <ostream>
#include <string>
#include <string_view>

#include "tonghop/sdk/host.hpp"
#include "tonghop/sdk/report.hpp"
#include "tonghop/sdk/status.hpp"

namespace tonghop::sdk {

class Exporter {
 public:
  explicit Exporter(Host host) noexcept : host_(host) {}
  virtual ~Exporter() = default;
  Exporter(const Exporter&) = delete;
  Exporter& operator=(const Exporter&) = delete;

  // format: one of the descriptor's formats. Safe to call concurrently.
  Status write(const Report& report, std::string_view format, std::ostream& out) const noexcept {
    try {
      Status s = do_write(report, format, out);
      if (s.ok() && !out.good()) return {Code::io_error, "could not write the report"};
      return s;
    } catch (const std::bad_alloc&) {
      return {Code::limit_exceeded, "out of memory while writing the report"};
    } catch (const std::exception& e) {
      return {Code::internal, std::string("exporter failed: ") + e.what()};
    } catch (...) {
      return {Code::internal, "exporter failed with an unknown exception"};
    }
  }

  const Host& host() const noexcept { return host_; }

 protected:
  virtual Status do_write(const Report& report, std::string_view format, std::ostream& out) const = 0;

 private:
  Host host_;
};

}  // namespace tonghop::sdk
