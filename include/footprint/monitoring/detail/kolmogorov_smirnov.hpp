/// @file monitoring/detail/kolmogorov_smirnov.hpp
/// @brief The two-sample Kolmogorov-Smirnov test for two samples of equal size n: the
/// statistic in steps of 1/n and its exact null distribution (Gnedenko and Korolyuk 1951).
#pragma once

#include "footprint/types.hpp"

#include <algorithm>
#include <cmath>
#include <span>

namespace footprint::detail::monitoring {

/// P(D_{n,n} >= k / n) under the null hypothesis (both samples i.i.d. from one continuous
/// distribution), two-sided, exact (Gnedenko and Korolyuk 1951):
///
///     P(D >= k/n) = 2 sum_{j=1}^{floor(n/k)} (-1)^(j+1) C(2n, n - jk) / C(2n, n),
///
/// 1 for k <= 0, in [0, 1]. Equals scipy.stats.ks_2samp(..., method="exact") to 1e-12 for
/// n = 30. n >= 1.
[[nodiscard]] inline double ks_equal_size_pvalue(index n, index k) noexcept {
  if (k <= 0) return 1.0;
  if (k > n) return 0.0;
  const double log_center = 2.0 * std::lgamma(double(n) + 1.0);
  double sum = 0.0;
  for (index j = 1; j * k <= n; ++j) {
    const double log_ratio = log_center - std::lgamma(double(n - j * k) + 1.0) - std::lgamma(double(n + j * k) + 1.0);
    const double term = std::exp(log_ratio);
    sum += (j % 2 == 1) ? term : -term;
  }
  return std::clamp(2.0 * sum, 0.0, 1.0);
}

/// n times the two-sample statistic D = sup_x |F_a(x) - F_b(x)| of two sorted samples of
/// equal size n (ties handled: both empirical CDFs step together at a shared value).
[[nodiscard]] inline index ks_equal_size_steps(std::span<const double> a, std::span<const double> b) noexcept {
  const std::size_t n = a.size();
  std::size_t i = 0, j = 0;
  index best = 0;
  while (i < n && j < n) {
    const double v = std::min(a[i], b[j]);
    while (i < n && a[i] == v) ++i;
    while (j < n && b[j] == v) ++j;
    const index d = index(i) - index(j);
    best = std::max(best, d < 0 ? -d : d);
  }
  return best;
}

}  // namespace footprint::detail::monitoring
