// What isolate::write_examined writes, through a memfd as an import's child
// writes it: the bytes a test reads back as the daemon reads a result; and
// those bytes read back with their blocks left unchecked (wire_test,
// dry_run_test).
#pragma once

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <memory>
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

// Read as the daemon reads a large result (Return::defer_check): the blocks
// left unchecked, in `bytes` kept alive with the result, and the refusal for
// a damaged one set aside as the zygote sets it (isolate/zygote.cpp).
inline ingest::Examined deferred(const std::string& bytes) {
  auto kept = std::make_shared<const std::string>(bytes);
  ingest::UncheckedBlocks blocks;
  auto got = isolate::read_examined(*kept, kept, {}, &blocks);
  EXPECT_TRUE(got) << got.error();
  if (!got) return {};
  if (blocks.keep) {
    blocks.damaged_status = 422;
    blocks.damaged = {{"plugin_crashed", "hỏng / the import's result has damaged records", "", "", {}}};
    blocks.damaged_plugin = got->plugin;
    got->unchecked = std::make_shared<ingest::UncheckedBlocks>(std::move(blocks));
  }
  return std::move(*got);
}

}  // namespace tonghop::test
