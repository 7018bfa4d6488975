// Small synthetic data sets shared by the tree tests.
#pragma once

#include "footprint/types.hpp"

#include <cmath>
#include <cstdint>
#include <random>

namespace trees_test {

namespace fp = footprint;

struct data_set {
  fp::matrix X;
  fp::vector y;
};

/// y = x0 + 0.5 * 1{x1 > 0} + (0.3 + 0.5 |x2|) * N(0, 1): heteroscedastic noise.
inline data_set heteroscedastic(fp::index n, std::uint64_t seed) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> nd;
  std::uniform_real_distribution<double> u(-2.0, 2.0);
  data_set d{fp::matrix(n, 3), fp::vector(n)};
  for (fp::index i = 0; i < n; ++i) {
    for (fp::index j = 0; j < 3; ++j) d.X(i, j) = u(gen);
    d.y[i] = d.X(i, 0) + (d.X(i, 1) > 0.0 ? 0.5 : 0.0) + (0.3 + 0.5 * std::abs(d.X(i, 2))) * nd(gen);
  }
  return d;
}

/// y = sin(3 x0) + x1^2 + 0.1 N(0, 1), with a fraction of X missing (NaN).
inline data_set wavy(fp::index n, std::uint64_t seed, double missing = 0.0) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> nd;
  std::uniform_real_distribution<double> u(-1.5, 1.5);
  std::uniform_real_distribution<double> u01(0.0, 1.0);
  data_set d{fp::matrix(n, 4), fp::vector(n)};
  for (fp::index i = 0; i < n; ++i) {
    for (fp::index j = 0; j < 4; ++j) d.X(i, j) = u(gen);
    d.y[i] = std::sin(3.0 * d.X(i, 0)) + d.X(i, 1) * d.X(i, 1) + 0.1 * nd(gen);
    for (fp::index j = 0; j < 4; ++j) {
      if (u01(gen) < missing) d.X(i, j) = fp::nan;
    }
  }
  return d;
}

}  // namespace trees_test
