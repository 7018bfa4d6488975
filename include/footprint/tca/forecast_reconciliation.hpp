/// @file tca/forecast_reconciliation.hpp
/// @brief Pre- vs post-trade reconciliation: the realized cost's probability integral
/// transform (PIT) under the pre-trade forecast's predictive distribution, and, over many
/// orders, the PIT histogram and the one-sample Kolmogorov-Smirnov test of uniformity ("were
/// our forecasts calibrated?"). See docs/tca.md.
#pragma once

#include "footprint/detail/checks.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <span>
#include <string_view>
#include <vector>

namespace footprint {

/// The PIT of a realized cost under a forecast given by its draws: the mid-rank empirical
/// CDF, (#{draws < x} + #{draws == x} / 2) / n, in [0, 1]. A calibrated forecast gives PITs
/// uniform on [0, 1] over many orders.
/// @param sorted_draws the forecast's draws, ascending (`schedule_forecast::draws` with
///        `keep_draws`), at least one
/// @param realized the realized cost, same units (bps), finite
/// @throws invalid_argument for no draws, draws not ascending or not finite, or a realized
///         cost not finite
[[nodiscard]] inline double probability_integral_transform(std::span<const double> sorted_draws, double realized) {
  constexpr std::string_view where = "footprint::probability_integral_transform";
  if (sorted_draws.empty()) throw invalid_argument(detail::concat(where, ": no draws"));
  detail::require_finite(realized, where, "realized");
  for (std::size_t i = 0; i < sorted_draws.size(); ++i) {
    detail::require_finite(sorted_draws[i], where, "draws");
    if (i > 0 && sorted_draws[i] < sorted_draws[i - 1])
      throw invalid_argument(
          detail::concat(where, ": draws must be ascending (draw ", i, " is below draw ", i - 1, ")"));
  }
  const auto lo = std::lower_bound(sorted_draws.begin(), sorted_draws.end(), realized);
  const auto hi = std::upper_bound(lo, sorted_draws.end(), realized);
  const double below = double(lo - sorted_draws.begin());
  const double equal = double(hi - lo);
  return (below + 0.5 * equal) / double(sorted_draws.size());
}

namespace detail::tca {

/// P(D_n < d) for the one-sample Kolmogorov-Smirnov statistic of n uniforms, exactly
/// (Marsaglia, Tsang and Wang 2003, "Evaluating Kolmogorov's distribution", Journal of
/// Statistical Software 8(18): the (2k - 1)-square matrix H raised to the n-th power, with
/// k = floor(n d) + 1, kept in range by powers of 10^140). O(k^3 log n).
[[nodiscard]] inline double kolmogorov_cdf(index n, double d) {
  if (d <= 0.0) return 0.0;
  if (d >= 1.0) return 1.0;
  const auto k = static_cast<index>(double(n) * d) + 1;
  const index m = 2 * k - 1;
  const double h = double(k) - double(n) * d;
  using mat = std::vector<double>;
  const auto at = [m](mat& a, index i, index j) -> double& { return a[std::size_t(i * m + j)]; };
  mat H(std::size_t(m * m), 0.0);
  for (index i = 0; i < m; ++i)
    for (index j = 0; j < m; ++j) at(H, i, j) = i - j + 1 < 0 ? 0.0 : 1.0;
  for (index i = 0; i < m; ++i) {
    at(H, i, 0) -= std::pow(h, double(i + 1));
    at(H, m - 1, i) -= std::pow(h, double(m - i));
  }
  at(H, m - 1, 0) += 2.0 * h - 1.0 > 0.0 ? std::pow(2.0 * h - 1.0, double(m)) : 0.0;
  for (index i = 0; i < m; ++i)
    for (index j = 0; j < m; ++j)
      if (i - j + 1 > 0)
        for (index g = 1; g <= i - j + 1; ++g) at(H, i, j) /= double(g);
  const auto multiply = [&](const mat& a, const mat& b) {
    mat c(std::size_t(m * m), 0.0);
    for (index i = 0; i < m; ++i)
      for (index l = 0; l < m; ++l) {
        const double ail = a[std::size_t(i * m + l)];
        if (ail == 0.0) continue;
        for (index j = 0; j < m; ++j) c[std::size_t(i * m + j)] += ail * b[std::size_t(l * m + j)];
      }
    return c;
  };
  // Q = H^n by squaring, with a decimal exponent e kept beside each matrix.
  mat Q(std::size_t(m * m), 0.0);
  for (index i = 0; i < m; ++i) at(Q, i, i) = 1.0;
  int eQ = 0, eH = 0;
  mat P = H;
  for (index e = n; e > 0; e >>= 1) {
    if (e & 1) {
      Q = multiply(Q, P);
      eQ += eH;
      if (at(Q, k - 1, k - 1) > 1e140) {
        for (double& x : Q) x *= 1e-140;
        eQ += 140;
      }
    }
    if (e > 1) {
      P = multiply(P, P);
      eH *= 2;
      if (at(P, k - 1, k - 1) > 1e140) {
        for (double& x : P) x *= 1e-140;
        eH += 140;
      }
    }
  }
  double s = at(Q, k - 1, k - 1);
  for (index i = 1; i <= n; ++i) {
    s = s * double(i) / double(n);
    if (s < 1e-140) {
      s *= 1e140;
      eQ -= 140;
    }
  }
  return std::clamp(s * std::pow(10.0, eQ), 0.0, 1.0);
}

}  // namespace detail::tca

/// What the PITs of many orders say about the forecasts.
struct pit_calibration {
  index n = 0;                        ///< orders
  std::array<index, 10> histogram{};  ///< counts of the PITs in [0, 0.1), [0.1, 0.2), ..., [0.9, 1]
  double ks_statistic = nan;          ///< D = sup_u |F_n(u) - u|
  double ks_pvalue = nan;             ///< P(D_n >= D) for uniform PITs, exact (Marsaglia, Tsang and Wang 2003)
  double coverage_90 = nan;           ///< share of the PITs in [0.05, 0.95]: the 90% intervals' coverage
  double mean = nan;                  ///< mean PIT: above 0.5, the realized costs ran above the forecasts
};

/// The PIT histogram and the one-sample Kolmogorov-Smirnov test of uniformity of `pits`
/// (scipy.stats.kstest(pits, "uniform", method="exact") gives the same D and p-value).
/// @throws invalid_argument for no PIT, or one outside [0, 1] or NaN
[[nodiscard]] inline pit_calibration calibrate_pits(std::span<const double> pits) {
  constexpr std::string_view where = "footprint::calibrate_pits";
  if (pits.empty()) throw invalid_argument(detail::concat(where, ": no PIT"));
  std::vector<double> u(pits.begin(), pits.end());
  for (const double x : u) detail::require_in(x, 0.0, 1.0, detail::bounds::closed, where, "pits");
  std::sort(u.begin(), u.end());
  pit_calibration out;
  out.n = static_cast<index>(u.size());
  const double n = double(u.size());
  double d = 0.0, sum = 0.0, inside = 0.0;
  for (std::size_t i = 0; i < u.size(); ++i) {
    d = std::max({d, double(i + 1) / n - u[i], u[i] - double(i) / n});
    ++out.histogram[std::min<std::size_t>(9, static_cast<std::size_t>(u[i] * 10.0))];
    sum += u[i];
    inside += u[i] >= 0.05 && u[i] <= 0.95 ? 1.0 : 0.0;
  }
  out.ks_statistic = d;
  out.ks_pvalue = 1.0 - detail::tca::kolmogorov_cdf(out.n, d);
  out.coverage_90 = inside / n;
  out.mean = sum / n;
  return out;
}

}  // namespace footprint
