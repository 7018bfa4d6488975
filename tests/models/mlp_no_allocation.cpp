// The single-row prediction paths of mlp_regressor and deep_ensemble allocate nothing: every
// heap allocation of the process is counted while they run (glibc only, not under a
// sanitizer, which owns malloc: there the test skips). Same technique as tests/models.
#include "footprint/models/neural/deep_ensemble.hpp"
#include "footprint/models/neural/mlp_regressor.hpp"

#include "models/mlp_test_data.hpp"

#include <doctest/doctest.h>

#include <array>
#include <atomic>
#include <cmath>
#include <cstddef>

#include "models/allocation_counter.hpp"

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_mlp_no_allocation {

using footprint_test::g_allocations;
using footprint_test::g_counting;

namespace fp = footprint;

TEST_CASE("mlp single-row predict_row does not allocate") {
#ifndef FOOTPRINT_TEST_COUNT_MALLOC
  MESSAGE("skipped: allocation counting needs glibc and no sanitizer");
  return;
#else
  const auto d = fp::problems::smooth(200, 0.1, 41);
  fp::mlp_regressor mse({.hidden_layers = {64, 32}, .max_epochs = 2});
  fp::mlp_regressor gauss(
      {.hidden_layers = {16}, .activation = fp::mlp_activation::gelu, .head = fp::mlp_head::gaussian, .max_epochs = 2});
  fp::deep_ensemble ensemble(
      {.n_estimators = 3,
       .member = {.hidden_layers = {8, 8}, .activation = fp::mlp_activation::tanh, .max_epochs = 2}});
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
    sink += mse.predict_row(x, ws1);
    (void)gauss.predict_row(x, ws2, m, s);
    sink += m + s + ensemble.predict_row(x, ws3);
    (void)ensemble.predict_row(x, ws3, means, sds);
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

}  // namespace unity_mlp_no_allocation
