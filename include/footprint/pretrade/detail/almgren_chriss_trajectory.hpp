/// @file pretrade/detail/almgren_chriss_trajectory.hpp
/// @brief Private: the children of an Almgren-Chriss trajectory, the shape of the pre-trade
/// analysis's aggressive, fallback balanced and optimal strategies (pretrade_analysis.hpp).
#pragma once

#include "footprint/execution/schedules.hpp"
#include "footprint/types.hpp"

#include <cmath>
#include <numbers>

namespace footprint {

namespace detail {

/// Children of an Almgren-Chriss trajectory x(t) = X sinh(kappa (T - t)) / sinh(kappa T)
/// (Almgren and Chriss 2000, eq. 18, continuous time), N children at t_j = j T / N, child j
/// trading x(t_j) - x(t_{j+1}); kappa = ln 2 / half-life, kappa = 0 the straight line (TWAP).
[[nodiscard]] inline child_schedule almgren_chriss_trajectory(double quantity, double horizon_seconds, index n,
                                                              double half_life_seconds) {
  child_schedule s = twap_schedule(quantity, horizon_seconds, n);
  if (!(half_life_seconds > 0.0) || !std::isfinite(half_life_seconds)) return s;
  const double kappa = std::numbers::ln2 / half_life_seconds;
  const double kt = kappa * horizon_seconds;
  // x(t)/X = sinh(kappa (T - t)) / sinh(kappa T), written with exponentials that cannot overflow.
  const auto left = [&](double t) {
    const double a = kappa * (horizon_seconds - t);
    return std::exp(a - kt) * (1.0 - std::exp(-2.0 * a)) / (1.0 - std::exp(-2.0 * kt));
  };
  for (index j = 0; j < n; ++j) {
    const double t0 = static_cast<double>(j) * horizon_seconds / static_cast<double>(n);
    const double t1 = static_cast<double>(j + 1) * horizon_seconds / static_cast<double>(n);
    s.quantities[j] = quantity * (left(t0) - (j + 1 == n ? 0.0 : left(t1)));
  }
  return s;
}

}  // namespace detail

}  // namespace footprint
