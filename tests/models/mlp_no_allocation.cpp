// The single-row prediction paths of mlp_regressor and deep_ensemble allocate nothing: every
// heap allocation of the process is counted while they run (glibc only, not under a
// sanitizer, which owns malloc: there the test skips). Same technique as tests/models.
#include "footprint/models/deep_ensemble.hpp"
#include "footprint/models/mlp_regressor.hpp"

#include "models/mlp_test_data.hpp"

#include <doctest/doctest.h>

#include <array>
#include <atomic>
#include <cmath>
#include <cstddef>

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
namespace {
std::atomic<bool> g_counting{false};
std::atomic<long> g_allocations{0};
void note() noexcept {
  if (g_counting.load(std::memory_order_relaxed)) g_allocations.fetch_add(1, std::memory_order_relaxed);
}
}  // namespace

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

namespace fp = footprint;

TEST_CASE("mlp single-row predict_one does not allocate") {
#ifndef FOOTPRINT_TEST_COUNT_MALLOC
  MESSAGE("skipped: allocation counting needs glibc and no sanitizer");
  return;
#else
  const auto d = mlp_test::smooth(200, 0.1, 41);
  fp::mlp_regressor mse({.hidden_layers = {64, 32}, .max_epochs = 2});
  fp::mlp_regressor gauss({.hidden_layers = {16}, .activation = fp::mlp_activation::gelu, .head = fp::mlp_head::gaussian, .max_epochs = 2});
  fp::deep_ensemble ensemble({.n_members = 3, .member = {.hidden_layers = {8, 8}, .activation = fp::mlp_activation::tanh, .max_epochs = 2}});
  (void)mse.fit(d.X, d.y);
  (void)gauss.fit(d.X, d.y);
  (void)ensemble.fit(d.X, d.y);
  fp::mlp_workspace ws1 = mse.make_workspace();
  fp::mlp_workspace ws2 = gauss.make_workspace();
  fp::mlp_workspace ws3 = ensemble.make_workspace();
  const fp::row_vector row = d.X.row(3);
  const std::span<const double> x(row.data(), 3);
  std::array<double, 3> means{};
  std::array<double, 3> sds{};
  double sink = 0.0;
  g_allocations = 0;
  g_counting = true;
  for (int rep = 0; rep < 100; ++rep) {
    double m = 0.0;
    double s = 0.0;
    sink += mse.predict_one(x, ws1);
    (void)gauss.predict_one(x, ws2, m, s);
    sink += m + s + ensemble.predict_one(x, ws3);
    (void)ensemble.predict_one(x, ws3, means, sds);
    sink += means[0] + sds[2];
  }
  g_counting = false;
  CHECK(g_allocations.load() == 0);
  CHECK(std::isfinite(sink));
  // the counter works
  g_allocations = 0;
  g_counting = true;
  sink += mse.predict(d.X.topRows(2))[0];
  g_counting = false;
  CHECK(g_allocations.load() >= 1);
#endif
}
