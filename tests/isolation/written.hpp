// What isolate::write_examined writes, through a memfd as an import's child
// writes it: the bytes a test reads back as the daemon reads a result
// (wire_test, dry_run_test).
#pragma once

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <string>

#include "ingest/pipeline.hpp"
#include "isolate/wire.hpp"

namespace tonghop::test {

inline std::string written(const ingest::Examined& e) {
  const int fd = ::memfd_create("written", MFD_CLOEXEC);
  EXPECT_GE(fd, 0);
  EXPECT_TRUE(isolate::write_examined(fd, e));
  const off_t size = ::lseek(fd, 0, SEEK_CUR);
  std::string bytes(static_cast<std::size_t>(size), '\0');
  EXPECT_EQ(::pread(fd, bytes.data(), bytes.size(), 0), size);
  ::close(fd);
  return bytes;
}

}  // namespace tonghop::test
