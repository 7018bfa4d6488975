/// @file monitoring/distribution_distance.hpp
/// @brief How far one sample's distribution is from another's: the population stability index,
/// the two-sample Kolmogorov-Smirnov test and the Wasserstein-1 distance, as feature drift
/// measures (`feature_drift_monitor`). See docs/monitoring.md, "Model monitoring".
///
/// A cheap header: the standard library, Eigen/Core through types.hpp, and the checks.
#pragma once

#include "footprint/detail/checks.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <span>
#include <string_view>
#include <vector>

namespace footprint {

/// The two-sample Kolmogorov-Smirnov test's outcome.
struct ks_test {
  double statistic = nan;  ///< D = sup_x |F_a(x) - F_b(x)|, in [0, 1]
  double p_value = nan;    ///< asymptotic two-sided p-value, in [0, 1]
};

namespace detail::monitoring {

/// The sample's values, sorted; throws when one is not finite (`what` names the sample).
[[nodiscard]] inline std::vector<double> sorted_finite(std::span<const double> x, std::string_view where,
                                                       std::string_view what) {
  if (x.empty()) throw invalid_argument(concat(where, ": ", what, " must not be empty"));
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!std::isfinite(x[i]))
      throw invalid_argument(concat(where, ": ", what, " must be finite; element ", i, " is ", format_number(x[i])));
  }
  std::vector<double> s(x.begin(), x.end());
  std::sort(s.begin(), s.end());
  return s;
}

/// Walks the merged distinct values of two sorted samples, calling f(F_a, F_b, gap) at each
/// one after the first: the two empirical CDFs just below it (right-continuous, so their values
/// at the previous distinct value) and the gap to the previous value.
template <class F>
void walk_cdfs(const std::vector<double>& a, const std::vector<double>& b, F&& f) {
  const std::size_t n = a.size(), m = b.size();
  std::size_t i = 0, j = 0;
  double previous = std::min(a.front(), b.front());
  while (i < n || j < m) {
    const double v = (j >= m || (i < n && a[i] <= b[j])) ? a[i] : b[j];
    f(double(i) / double(n), double(j) / double(m), v - previous);
    while (i < n && a[i] == v) ++i;
    while (j < m && b[j] == v) ++j;
    previous = v;
  }
  f(1.0, 1.0, 0.0);
}

}  // namespace detail::monitoring

/// The Kolmogorov distribution's survival function, Q(x) = P(K > x) for K = sup |B(t)| of a
/// Brownian bridge (Kolmogorov 1933):
///
///     Q(x) = 2 sum_{j>=1} (-1)^(j-1) exp(-2 j^2 x^2),                      x >= 1.18,
///     Q(x) = 1 - sqrt(2 pi) / x sum_{j>=1} exp(-(2j-1)^2 pi^2 / (8 x^2)),  0 < x < 1.18,
///
/// the second (Jacobi's) form converging fast where the first does not. Equals
/// scipy.special.kolmogorov to 1e-14 (tests/monitoring/distribution_distance.cpp).
/// @param x the scaled statistic, any value; 1 for x <= 0, 0 for +inf, NaN for NaN
/// @return Q(x) in [0, 1]
[[nodiscard]] inline double kolmogorov_sf(double x) noexcept {
  if (std::isnan(x)) return nan;
  if (x <= 0.0) return 1.0;
  double sum = 0.0;
  if (x < 1.18) {
    const double c = -std::numbers::pi * std::numbers::pi / (8.0 * x * x);
    for (int j = 1; j < 40; ++j) {
      const double odd = double(2 * j - 1);
      const double term = std::exp(c * odd * odd);
      sum += term;
      if (term < 1e-17 * sum) break;
    }
    return std::clamp(1.0 - std::sqrt(2.0 * std::numbers::pi) / x * sum, 0.0, 1.0);
  }
  for (int j = 1; j < 40; ++j) {
    const double term = std::exp(-2.0 * double(j) * double(j) * x * x);
    sum += (j % 2 == 1) ? term : -term;
    if (term < 1e-17) break;
  }
  return std::clamp(2.0 * sum, 0.0, 1.0);
}

namespace detail::monitoring {

// The distances on samples already sorted, finite and not empty (what the public functions
// below check and sort; `feature_drift_monitor` keeps its reference sorted once).

[[nodiscard]] inline ks_test ks_sorted(const std::vector<double>& sa, const std::vector<double>& sb) {
  double d = 0.0;
  walk_cdfs(sa, sb, [&](double fa, double fb, double) { d = std::max(d, std::abs(fa - fb)); });
  const double n = double(sa.size()), m = double(sb.size());
  return {.statistic = d, .p_value = kolmogorov_sf(std::sqrt(n * m / (n + m)) * d)};
}

[[nodiscard]] inline double wasserstein_sorted(const std::vector<double>& sa, const std::vector<double>& sb) {
  double w = 0.0;
  walk_cdfs(sa, sb, [&](double fa, double fb, double gap) { w += std::abs(fa - fb) * gap; });
  return w;
}

[[nodiscard]] inline double psi_sorted(const std::vector<double>& ref, const std::vector<double>& cur, index n_bins,
                                       double min_fraction) {
  const auto bins = static_cast<std::size_t>(n_bins);
  std::vector<double> edges(bins - 1);
  const double last = double(ref.size() - 1);
  for (std::size_t i = 1; i < bins; ++i) {
    const double h = last * double(i) / double(bins);
    const auto lo = static_cast<std::size_t>(std::floor(h));
    const std::size_t hi = std::min(lo + 1, ref.size() - 1);
    edges[i - 1] = ref[lo] + (h - double(lo)) * (ref[hi] - ref[lo]);
  }
  const auto fractions = [&](const std::vector<double>& s) {
    std::vector<double> f(bins, 0.0);
    for (const double v : s)
      f[static_cast<std::size_t>(std::upper_bound(edges.begin(), edges.end(), v) - edges.begin())] += 1.0;
    for (double& x : f) x = std::max(x / double(s.size()), min_fraction);
    return f;
  };
  const auto p = fractions(ref);
  const auto q = fractions(cur);
  double psi = 0.0;
  for (std::size_t i = 0; i < bins; ++i) psi += (q[i] - p[i]) * std::log(q[i] / p[i]);
  return psi;
}

}  // namespace detail::monitoring

/// The two-sample Kolmogorov-Smirnov test (Smirnov 1939): D = sup_x |F_a(x) - F_b(x)| over the
/// empirical CDFs (ties handled: both step together at a shared value), and its asymptotic
/// two-sided p-value Q(sqrt(n m / (n + m)) D) (`kolmogorov_sf`). D equals
/// scipy.stats.ks_2samp's statistic exactly; the p-value equals scipy's `kstwobign.sf(sqrt(n m
/// / (n + m)) D)` and is within 0.01 of ks_2samp's own (exact or `kstwo`) for n m / (n + m) >=
/// 100, the monitoring case (the test). Samples in any order.
/// @param a (n) values, n >= 1, finite; @param b (m) values, m >= 1, finite
/// @return D and the p-value
/// @throws invalid_argument when a sample is empty or holds a value that is not finite
/// Complexity O((n + m) log(n + m)): two sorted copies.
[[nodiscard]] inline ks_test ks_two_sample(std::span<const double> a, std::span<const double> b) {
  constexpr std::string_view where = "footprint::ks_two_sample";
  return detail::monitoring::ks_sorted(detail::monitoring::sorted_finite(a, where, "a"),
                                       detail::monitoring::sorted_finite(b, where, "b"));
}

/// The Wasserstein-1 (earth mover's) distance between the empirical distributions of two
/// samples: W1 = integral |F_a(x) - F_b(x)| dx (Vallender 1974), in units of the values. Equals
/// scipy.stats.wasserstein_distance to 1e-12 relative. Samples in any order.
/// @param a (n) values, n >= 1, finite; @param b (m) values, m >= 1, finite
/// @return W1 >= 0, units of the values
/// @throws invalid_argument when a sample is empty or holds a value that is not finite
/// Complexity O((n + m) log(n + m)).
[[nodiscard]] inline double wasserstein_distance(std::span<const double> a, std::span<const double> b) {
  constexpr std::string_view where = "footprint::wasserstein_distance";
  return detail::monitoring::wasserstein_sorted(detail::monitoring::sorted_finite(a, where, "a"),
                                                detail::monitoring::sorted_finite(b, where, "b"));
}

/// The population stability index (Siddiqi 2006, "Credit Risk Scorecards", ch. 8; Yurdakul
/// 2018) of `current` against `reference`, over n_bins bins of equal reference frequency:
///
///     PSI = sum_i (q_i - p_i) ln(q_i / p_i),
///
/// p_i and q_i the fractions of the reference and current values in bin i, each floored at
/// `min_fraction` (an empty bin would make the sum infinite) and not renormalised. The
/// interior edges are the reference's quantiles i / n_bins (i = 1 .. n_bins - 1, linear
/// interpolation: numpy's default); a value v falls in the bin of the number of edges <= v
/// (numpy's searchsorted, side "right"), so tied edges leave bins empty in both samples, which
/// add nothing. Read as: < 0.1 stable, 0.1 to 0.25 a moderate shift, > 0.25 a significant one
/// (Siddiqi's rule of thumb). Equals the numpy reference in tests/monitoring/data to 1e-12.
/// @param reference (n) values, n >= 1, finite; @param current (m) values, m >= 1, finite
/// @param n_bins bins, >= 2; @param min_fraction floor of each fraction, in (0, 1)
/// @return PSI >= 0 (dimensionless)
/// @throws invalid_argument when a sample is empty or not finite, or a parameter out of range
/// Complexity O((n + m) log n).
[[nodiscard]] inline double population_stability_index(std::span<const double> reference,
                                                       std::span<const double> current, index n_bins = 10,
                                                       double min_fraction = 1e-4) {
  constexpr std::string_view where = "footprint::population_stability_index";
  detail::require_at_least(n_bins, 2, where, "n_bins");
  detail::require_in(min_fraction, 0.0, 1.0, detail::bounds::open, where, "min_fraction");
  return detail::monitoring::psi_sorted(detail::monitoring::sorted_finite(reference, where, "reference"),
                                        detail::monitoring::sorted_finite(current, where, "current"), n_bins,
                                        min_fraction);
}

}  // namespace footprint
