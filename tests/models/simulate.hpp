// Deterministic simulated regression data for the calibration tests: a fixed-seed
// std::mt19937_64 (whose output the C++ standard specifies) and our own Box-Muller transform
// (std::normal_distribution is implementation-defined), so every platform draws the same data.
#pragma once

#include "footprint/types.hpp"

#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>

namespace sim {

/// Standard normal draws from a 64-bit Mersenne twister, Box-Muller.
class normal_source {
 public:
  explicit normal_source(std::uint64_t seed) : engine_(seed) {}
  double operator()() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const double u1 = (static_cast<double>(engine_() >> 11) + 0.5) * 0x1.0p-53;  // (0, 1)
    const double u2 = static_cast<double>(engine_() >> 11) * 0x1.0p-53;          // [0, 1)
    const double r = std::sqrt(-2.0 * std::log(u1));
    spare_ = r * std::sin(2.0 * std::numbers::pi * u2);
    has_spare_ = true;
    return r * std::cos(2.0 * std::numbers::pi * u2);
  }

 private:
  std::mt19937_64 engine_;
  double spare_ = 0.0;
  bool has_spare_ = false;
};

struct linear_data {
  footprint::matrix X, X_test;
  footprint::vector y, y_test, w_true;
};

/// y = 2 + x'w + N(0, noise^2), features N(j, 1 + j/2) (non-zero means, unequal scales),
/// w_j = (-1)^j (1 + j/3).
inline linear_data gaussian_linear(footprint::index n_train, footprint::index n_test, footprint::index p, double noise,
                                   std::uint64_t seed) {
  normal_source z(seed);
  linear_data d;
  d.w_true.resize(p);
  for (footprint::index j = 0; j < p; ++j) d.w_true[j] = (j % 2 == 0 ? 1.0 : -1.0) * (1.0 + static_cast<double>(j) / 3.0);
  const auto draw = [&](footprint::index n, footprint::matrix& X, footprint::vector& y) {
    X.resize(n, p);
    y.resize(n);
    for (footprint::index i = 0; i < n; ++i) {
      for (footprint::index j = 0; j < p; ++j) X(i, j) = static_cast<double>(j) + (1.0 + 0.5 * static_cast<double>(j)) * z();
    }
    for (footprint::index i = 0; i < n; ++i) y[i] = 2.0 + X.row(i).dot(d.w_true) + noise * z();
  };
  draw(n_train, d.X, d.y);
  draw(n_test, d.X_test, d.y_test);
  return d;
}

}  // namespace sim
