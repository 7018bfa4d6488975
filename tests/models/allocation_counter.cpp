// footprint: own translation unit (it replaces the C allocator; kept out of the unity build)
// The allocator interposition behind allocation_counter.hpp (one definition per executable).
#include "models/allocation_counter.hpp"

#include <cstddef>

namespace footprint_test {
std::atomic<bool> g_counting{false};
std::atomic<long> g_allocations{0};
}  // namespace footprint_test

#ifdef FOOTPRINT_TEST_COUNT_MALLOC
namespace {
void note() noexcept {
  if (footprint_test::g_counting.load(std::memory_order_relaxed)) {
    footprint_test::g_allocations.fetch_add(1, std::memory_order_relaxed);
  }
}
}  // namespace

// Interpose the C allocator, forwarding to glibc's own entry points (same heap).
extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void* __libc_memalign(std::size_t, std::size_t);
void __libc_free(void*);

void* malloc(std::size_t n) {
  note();
  return __libc_malloc(n);
}
void* calloc(std::size_t n, std::size_t size) {
  note();
  return __libc_calloc(n, size);
}
void* realloc(void* p, std::size_t n) {
  note();
  return __libc_realloc(p, n);
}
void* memalign(std::size_t alignment, std::size_t n) {
  note();
  return __libc_memalign(alignment, n);
}
void* aligned_alloc(std::size_t alignment, std::size_t n) {
  note();
  return __libc_memalign(alignment, n);
}
int posix_memalign(void** out, std::size_t alignment, std::size_t n) {
  note();
  *out = __libc_memalign(alignment, n);
  return *out == nullptr ? 12 /* ENOMEM */ : 0;
}
void free(void* p) { __libc_free(p); }
}
#endif
