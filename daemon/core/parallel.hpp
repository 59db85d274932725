// Work split into parts, run side by side once nothing else needs the cores
// (an import done: a result's check, a comparison with the previous period).
#pragma once

#include <algorithm>
#include <cstddef>
#include <exception>
#include <thread>
#include <vector>

namespace tonghop::core {

// The threads such work may use: the cores, at most four.
inline unsigned spare_threads() { return std::clamp(std::thread::hardware_concurrency(), 1u, 4u); }

// Runs work(0) … work(parts - 1): part 0 on this thread, each other part on a
// thread of its own, or on this thread too when no thread can be had. Returns
// once every part has ended; an exception of a part (bad_alloc) is then
// rethrown here, the first part's first.
template <class Work>
void in_parts(std::size_t parts, Work&& work) {
  std::vector<std::exception_ptr> failed(parts);
  auto part = [&](std::size_t k) {
    try {
      work(k);
    } catch (...) {
      failed[k] = std::current_exception();
    }
  };
  std::vector<std::thread> helpers;
  std::size_t started = 1;  // part 0 is this thread's
  try {
    for (; started < parts; ++started) helpers.emplace_back(part, started);
  } catch (...) {
    // No thread (or no memory) to be had: the parts not started are this thread's too.
  }
  if (parts > 0) part(0);
  for (std::size_t k = started; k < parts; ++k) part(k);
  for (auto& t : helpers) t.join();
  for (const auto& e : failed)
    if (e) std::rethrow_exception(e);
}

}  // namespace tonghop::core
