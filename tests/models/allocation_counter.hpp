// Counts every heap allocation of the test process (malloc and friends, hence operator new
// and Eigen's aligned_malloc) while `g_counting` is set, so tests can check that a path
// allocates nothing. glibc only, and not under a sanitizer (which owns malloc): there
// FOOTPRINT_TEST_COUNT_MALLOC is undefined and the tests skip. The interposed allocator
// lives in allocation_counter.cpp, once per test executable.
#pragma once

#include <atomic>

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer) || __has_feature(thread_sanitizer)
#define FOOTPRINT_TEST_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define FOOTPRINT_TEST_SANITIZED 1
#endif

#if defined(__GLIBC__) && !defined(FOOTPRINT_TEST_SANITIZED)
#define FOOTPRINT_TEST_COUNT_MALLOC 1
#endif

namespace footprint_test {
extern std::atomic<bool> g_counting;     ///< count allocations while true
extern std::atomic<long> g_allocations;  ///< allocations counted

/// Number of heap allocations made by f(); -1 where they cannot be counted (sanitizers,
/// non-glibc).
template <class F>
long allocations_in(F&& f) {
#ifdef FOOTPRINT_TEST_COUNT_MALLOC
  g_allocations = 0;
  g_counting = true;
  f();
  g_counting = false;
  return g_allocations.load();
#else
  f();
  return -1;
#endif
}
}  // namespace footprint_test
