#include "isolate/stream.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include <fmt/format.h>

#include "isolate/protocol.hpp"
#include "normalise/record.hpp"

namespace tonghop::isolate {

bool BlockStream::take(std::string_view m) {
  using normalise::RecordSet;
  if (damaged_ || ended_ || m.size() != sizeof(detail::BlockNote) || m[0] != 'B') return fail();
  detail::BlockNote n;
  std::memcpy(&n, m.data(), sizeof n);
  const std::uint64_t seq = places_.blocks.size() * RecordSet::kBlock;
  if (n.offset != end_ || n.length == 0 || n.length > detail::kMaxStreamedBlock || n.first_seq != seq ||
      n.count != RecordSet::kBlock || n.length / 7 < n.count)
    return fail();
  struct stat st{};
  if (::fstat(result_, &st) != 0 || st.st_size < 0 || static_cast<std::uint64_t>(st.st_size) < n.offset + n.length)
    return fail();
  std::string copy(n.length, '\0');
  for (std::size_t got = 0; got < copy.size();) {
    const ssize_t r = ::pread(result_, copy.data() + got, copy.size() - got, static_cast<off_t>(n.offset + got));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return fail();
    got += static_cast<std::size_t>(r);
  }
  if (!normalise::check_block(copy, n.count, n.symbols)) return fail();
  places_.blocks.emplace_back(n.offset, n.length);
  places_.symbols = std::max(places_.symbols, n.symbols);
  end_ = n.offset + n.length;
  if (taken_ && sink_) taken_ = sink_(static_cast<std::int64_t>(n.first_seq), static_cast<std::int64_t>(n.count), copy);
  else taken_ = false;
  return true;
}

bool BlockStream::done(std::string_view m) {
  if (damaged_ || ended_ || m.size() != sizeof(detail::Done) || m[0] != 'D') return fail();
  ended_ = true;
  detail::Done d;
  std::memcpy(&d, m.data(), sizeof d);
  if (d.start != end_) return fail();
  places_.start = d.start;
  places_.taken = taken_ && !places_.blocks.empty();
  return true;
}

Expected<ingest::Examined> read_result(int result, const StreamedPlaces& streamed, bool defer_check) {
  if (::fcntl(result, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0)
    return make_error("its result was still being changed");
  struct stat st{};
  if (::fstat(result, &st) != 0 || st.st_size <= 0) return make_error("it gave no result");
  const auto size = static_cast<std::size_t>(st.st_size);
  // A submission's blocks are checked as they are stored (Return::defer_check,
  // issue 18, blocks4): a large result's pages are faulted in by that check
  // and the insert, beside each other, rather than all here before them.
  const int populate = defer_check && size >= (4u << 20) ? 0 : MAP_POPULATE;
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | populate, result, 0);
  if (map == MAP_FAILED) return make_error(fmt::format("cannot map the import's result: {}", std::strerror(errno)));
  // The record blocks are taken as they are in the mapping (sealed: nothing
  // can change them), not copied; it is unmapped with the last record set
  // that refers to it (once the return is stored).
  const std::shared_ptr<const void> keep(map, [size](const void* p) { ::munmap(const_cast<void*>(p), size); });
  auto deferred = defer_check ? std::make_shared<ingest::UncheckedBlocks>() : nullptr;
  auto examined =
      read_examined(std::string_view(static_cast<const char*>(map), size), keep, {}, deferred.get(), &streamed);
  if (!examined) return examined;
  if (deferred && deferred->keep) examined->unchecked = std::move(deferred);
  return examined;
}

}  // namespace tonghop::isolate
