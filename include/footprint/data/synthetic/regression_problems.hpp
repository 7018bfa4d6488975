/// @file data/synthetic/regression_problems.hpp
/// @brief Seeded regression test problems with a known truth, shared by footprint's tests,
/// examples and benchmarks (as ensmallen ships its test problems): linear, nonlinear,
/// heteroscedastic, with missing values, and block-trade cost histories.
///
/// Every problem is a pure function of its arguments: the same seed gives the same rows on
/// every platform and standard library (draws from footprint's xoshiro256** generator,
/// detail/random.hpp). Rows are observations: `X` has shape (n, n_features), `y`, `mean` and
/// `noise_sd` have shape (n).
#pragma once

#include "footprint/detail/random.hpp"
#include "footprint/error.hpp"
#include "footprint/types.hpp"

#include <cmath>
#include <cstdint>

namespace footprint {
namespace detail {
inline void check_problem_rows(const char* where, index n) {
  if (n < 0) throw invalid_argument(concat("footprint::problems::", where, ": n must be >= 0 (got ", n, ")"));
}
}  // namespace detail

namespace problems {

/// A regression problem: rows, targets and the truth behind them.
struct regression_problem {
  matrix X;                ///< (n, n_features) features; NaN where a problem plants missing values
  vector y;                ///< (n) targets: mean + noise
  vector mean;             ///< (n) noiseless conditional mean E[y | x]
  vector noise_sd;         ///< (n) standard deviation of the noise of each row
  vector coef;             ///< (n_features) true coefficients of a linear problem; empty otherwise
  double intercept = 0.0;  ///< true intercept of a linear problem
};

/// Rows, targets and truth of n rows and p features, uninitialised.
[[nodiscard]] inline regression_problem allocate_problem(index n, index p) {
  return {matrix(n, p), vector(n), vector(n), vector(n), vector(), 0.0};
}

/// n independent standard normal draws, the same for a seed on every platform: noise for
/// examples and tests that plant it on a problem of their own.
/// @throws invalid_argument for n < 0
[[nodiscard]] inline vector standard_normals(index n, std::uint64_t seed) {
  detail::check_problem_rows("standard_normals", n);
  detail::xoshiro256ss rng(seed);
  vector z(n);
  for (index i = 0; i < n; ++i) z[i] = rng.normal();
  return z;
}

/// Gaussian linear model: y = 2 + x'w + N(0, noise_sd^2), with p features x_j ~ N(j, (1 +
/// j/2)^2) (non-zero means, unequal scales) and w_j = (-1)^j (1 + j/3).
/// @param n        rows, >= 0
/// @param p        features, >= 1
/// @param noise_sd noise standard deviation, >= 0
/// @throws invalid_argument for n < 0, p < 1 or a negative or non-finite noise_sd
[[nodiscard]] inline regression_problem linear(index n, index p, double noise_sd, std::uint64_t seed) {
  detail::check_problem_rows("linear", n);
  if (p < 1) throw invalid_argument(detail::concat("footprint::problems::linear: p must be >= 1 (got ", p, ")"));
  if (!(noise_sd >= 0.0) || !std::isfinite(noise_sd)) {
    throw invalid_argument(
        detail::concat("footprint::problems::linear: noise_sd must be finite and >= 0 (got ", noise_sd, ")"));
  }
  detail::xoshiro256ss rng(seed);
  regression_problem d = allocate_problem(n, p);
  d.intercept = 2.0;
  d.coef.resize(p);
  for (index j = 0; j < p; ++j) d.coef[j] = (j % 2 == 0 ? 1.0 : -1.0) * (1.0 + static_cast<double>(j) / 3.0);
  for (index i = 0; i < n; ++i) {
    for (index j = 0; j < p; ++j)
      d.X(i, j) = static_cast<double>(j) + (1.0 + 0.5 * static_cast<double>(j)) * rng.normal();
    d.mean[i] = d.intercept + d.X.row(i).dot(d.coef);
    d.noise_sd[i] = noise_sd;
    d.y[i] = d.mean[i] + noise_sd * rng.normal();
  }
  return d;
}

/// A step and a slope with heteroscedastic noise: y = x0 + 0.5 1{x1 > 0} + (0.3 + 0.5 |x2|)
/// N(0, 1), x ~ U(-2, 2)^3. Trees must find the step; quantile models the spread.
[[nodiscard]] inline regression_problem step_heteroscedastic(index n, std::uint64_t seed) {
  detail::check_problem_rows("step_heteroscedastic", n);
  detail::xoshiro256ss rng(seed);
  regression_problem d = allocate_problem(n, 3);
  for (index i = 0; i < n; ++i) {
    for (index j = 0; j < 3; ++j) d.X(i, j) = rng.uniform(-2.0, 2.0);
    d.mean[i] = d.X(i, 0) + (d.X(i, 1) > 0.0 ? 0.5 : 0.0);
    d.noise_sd[i] = 0.3 + 0.5 * std::abs(d.X(i, 2));
    d.y[i] = d.mean[i] + d.noise_sd[i] * rng.normal();
  }
  return d;
}

/// A wavy surface with missing values: y = sin(3 x0) + x1^2 + 0.1 N(0, 1), x ~ U(-1.5,
/// 1.5)^4, each entry of X replaced by NaN with probability `missing` (after y is drawn).
/// @param missing probability in [0, 1]
[[nodiscard]] inline regression_problem wavy(index n, std::uint64_t seed, double missing = 0.0) {
  detail::check_problem_rows("wavy", n);
  if (!(missing >= 0.0 && missing <= 1.0)) {
    throw invalid_argument(detail::concat("footprint::problems::wavy: missing must be in [0, 1] (got ", missing, ")"));
  }
  detail::xoshiro256ss rng(seed);
  regression_problem d = allocate_problem(n, 4);
  for (index i = 0; i < n; ++i) {
    for (index j = 0; j < 4; ++j) d.X(i, j) = rng.uniform(-1.5, 1.5);
    d.mean[i] = std::sin(3.0 * d.X(i, 0)) + d.X(i, 1) * d.X(i, 1);
    d.noise_sd[i] = 0.1;
    d.y[i] = d.mean[i] + 0.1 * rng.normal();
    for (index j = 0; j < 4; ++j) {
      if (rng.uniform() < missing) d.X(i, j) = nan;
    }
  }
  return d;
}

/// A smooth nonlinear surface: y = sin(2 x0) + 0.5 x1^2 - 0.3 x0 x2 + noise_sd N(0, 1),
/// x ~ U(-1.5, 1.5)^3 (networks must fit it).
[[nodiscard]] inline regression_problem smooth(index n, double noise_sd, std::uint64_t seed) {
  detail::check_problem_rows("smooth", n);
  detail::xoshiro256ss rng(seed);
  regression_problem d = allocate_problem(n, 3);
  for (index i = 0; i < n; ++i) {
    for (index j = 0; j < 3; ++j) d.X(i, j) = 3.0 * rng.uniform() - 1.5;
    d.mean[i] = std::sin(2.0 * d.X(i, 0)) + 0.5 * d.X(i, 1) * d.X(i, 1) - 0.3 * d.X(i, 0) * d.X(i, 2);
    d.noise_sd[i] = noise_sd;
    d.y[i] = d.mean[i] + noise_sd * rng.normal();
  }
  return d;
}

/// Heteroscedastic: y = x0 + sin(3 x1) + sigma(x) N(0, 1), sigma(x) = 0.1 + 0.1 (x0 + 1)^2,
/// x ~ U(-1, 1)^2 (predictive spreads must follow sigma).
[[nodiscard]] inline regression_problem heteroscedastic(index n, std::uint64_t seed) {
  detail::check_problem_rows("heteroscedastic", n);
  detail::xoshiro256ss rng(seed);
  regression_problem d = allocate_problem(n, 2);
  for (index i = 0; i < n; ++i) {
    for (index j = 0; j < 2; ++j) d.X(i, j) = 2.0 * rng.uniform() - 1.0;
    d.mean[i] = d.X(i, 0) + std::sin(3.0 * d.X(i, 1));
    d.noise_sd[i] = 0.1 + 0.1 * (d.X(i, 0) + 1.0) * (d.X(i, 0) + 1.0);
    d.y[i] = d.mean[i] + d.noise_sd[i] * rng.normal();
  }
  return d;
}

/// The shape of a simulated block-trade cost history (`trade_costs`).
enum class cost_shape {
  /// columns: half spread (bps), sigma sqrt(Q / ADV) (bps, the square-root-law core),
  /// side * book imbalance; cost = half spread + 0.7 core + 4 side*imbalance + N(0, 3^2)
  linear,
  /// same columns; cost = half spread + 0.7 core + 6 tanh(2 side*imbalance) + (1 + 0.15 core)
  /// N(0, 1): a saturating imbalance effect and noise growing with the core
  nonlinear,
  /// columns: participation (% of volume, U(0, 20)), half spread (bps), side * book imbalance
  /// (NaN for about a tenth of the trades); cost = half spread + 12 sqrt(participation) +
  /// 4 side*imbalance + (1 + 0.3 participation) N(0, 1)
  participation,
};

/// A history of block trades and their costs (bps) with a known cost function, for the
/// examples: half spreads are 3 exp(0.4 N(0, 1)) bps, cores 150 sqrt(1e-4 + 0.05 U(0, 1))
/// bps, side * imbalance 0.3 N(0, 1). `mean` is the noiseless cost (with the imbalance
/// term even where the feature is missing).
[[nodiscard]] inline regression_problem trade_costs(index n, std::uint64_t seed, cost_shape shape) {
  detail::check_problem_rows("trade_costs", n);
  detail::xoshiro256ss rng(seed);
  regression_problem d = allocate_problem(n, 3);
  for (index i = 0; i < n; ++i) {
    if (shape == cost_shape::participation) {
      const double participation = 20.0 * rng.uniform();
      const double half_spread = 3.0 * std::exp(0.4 * rng.normal());
      const double imbalance = 0.3 * rng.normal();
      const bool missing = rng.uniform() < 0.1;
      d.X.row(i) << participation, half_spread, missing ? nan : imbalance;
      d.mean[i] = half_spread + 12.0 * std::sqrt(participation) + 4.0 * imbalance;
      d.noise_sd[i] = 1.0 + 0.3 * participation;
    } else {
      const double half_spread = 3.0 * std::exp(0.4 * rng.normal());
      const double core = 150.0 * std::sqrt(1e-4 + 0.05 * rng.uniform());
      const double side_imbalance = 0.3 * rng.normal();
      d.X.row(i) << half_spread, core, side_imbalance;
      if (shape == cost_shape::linear) {
        d.mean[i] = half_spread + 0.7 * core + 4.0 * side_imbalance;
        d.noise_sd[i] = 3.0;
      } else {
        d.mean[i] = half_spread + 0.7 * core + 6.0 * std::tanh(2.0 * side_imbalance);
        d.noise_sd[i] = 1.0 + 0.15 * core;
      }
    }
    d.y[i] = d.mean[i] + d.noise_sd[i] * rng.normal();
  }
  return d;
}

}  // namespace problems
}  // namespace footprint
