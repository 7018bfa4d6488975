// Small synthetic data sets shared by the MLP tests (deterministic for a seed).
#pragma once

#include "footprint/models/detail/mlp_rng.hpp"
#include "footprint/types.hpp"

#include <cmath>
#include <cstdint>

namespace mlp_test {

namespace fp = footprint;

/// Debug builds (the ASan/UBSan CI job) run unoptimised Eigen, about 50 times slower: the
/// slowest tests use smaller problems there (also with -DFOOTPRINT_MLP_TEST_SMALL).
#if defined(NDEBUG) && !defined(FOOTPRINT_MLP_TEST_SMALL)
inline constexpr bool small = false;
#else
inline constexpr bool small = true;
#endif

struct data_set {
  fp::matrix X;
  fp::vector y;
  fp::vector mu;     ///< noiseless mean
  fp::vector sigma;  ///< noise standard deviation
};

/// y = sin(2 x0) + 0.5 x1^2 - 0.3 x0 x2 (+ noise_sd N(0,1)), x ~ U(-1.5, 1.5)^3.
inline data_set smooth(fp::index n, double noise_sd, std::uint64_t seed) {
  fp::detail::mlp_rng rng(seed);
  data_set d{fp::matrix(n, 3), fp::vector(n), fp::vector(n), fp::vector::Constant(n, noise_sd)};
  for (fp::index i = 0; i < n; ++i) {
    for (fp::index j = 0; j < 3; ++j) d.X(i, j) = 3.0 * rng.uniform() - 1.5;
    d.mu[i] = std::sin(2.0 * d.X(i, 0)) + 0.5 * d.X(i, 1) * d.X(i, 1) - 0.3 * d.X(i, 0) * d.X(i, 2);
    d.y[i] = d.mu[i] + noise_sd * rng.normal();
  }
  return d;
}

/// Heteroscedastic: y = x0 + sin(3 x1) + sigma(x) eps, sigma(x) = 0.1 + 0.4 (x0 + 1)^2 / 4,
/// x ~ U(-1, 1)^2, eps ~ N(0, 1).
inline data_set heteroscedastic(fp::index n, std::uint64_t seed) {
  fp::detail::mlp_rng rng(seed);
  data_set d{fp::matrix(n, 2), fp::vector(n), fp::vector(n), fp::vector(n)};
  for (fp::index i = 0; i < n; ++i) {
    for (fp::index j = 0; j < 2; ++j) d.X(i, j) = 2.0 * rng.uniform() - 1.0;
    d.mu[i] = d.X(i, 0) + std::sin(3.0 * d.X(i, 1));
    d.sigma[i] = 0.1 + 0.1 * (d.X(i, 0) + 1.0) * (d.X(i, 0) + 1.0);
    d.y[i] = d.mu[i] + d.sigma[i] * rng.normal();
  }
  return d;
}

}  // namespace mlp_test
