/// @file distributions/normal_mixture.hpp
/// @brief `normal_mixture`: a finite mixture of normal distributions, the predictive
/// distribution of a deep ensemble (Lakshminarayanan, Pritzel & Blundell 2017, sec. 2.4),
/// used through Boost.Math-style free functions (`mean`, `standard_deviation`, `cdf`,
/// `quantile`, `pdf`, ...). It satisfies `footprint::PredictiveDistribution`.
///
/// Includes Boost.Math's normal distribution and TOMS 748 root finder.
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/distributions/location_scale_t.hpp"
#include "footprint/error.hpp"
#include "footprint/types.hpp"

#include <boost/math/distributions/normal.hpp>
#include <boost/math/tools/roots.hpp>
#include <boost/math/tools/toms748_solve.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <span>
#include <stdexcept>
#include <utility>
#include <vector>

namespace footprint {

/// A mixture of K >= 1 normal components: density sum_k w_k N(x; mu_k, sigma_k^2), with
/// weights w_k >= 0 summing to 1 (normalised by the constructor).
///
/// Moments are exact: mean = sum w_k mu_k, variance = sum w_k (sigma_k^2 + mu_k^2) - mean^2
/// (computed as sum w_k (sigma_k^2 + (mu_k - mean)^2)). Quantiles are found by TOMS 748
/// root finding on the cdf (Alefeld, Potra & Shi 1995; Boost.Math `toms748_solve`) inside
/// the bracket [min_k q_k(p), max_k q_k(p)] of the components' own quantiles, which always
/// contains the mixture's p-quantile. A value type; copying copies the K components.
class normal_mixture {
 public:
  /// The standard normal distribution (one component, mean 0, standard deviation 1).
  normal_mixture() : weights_{1.0}, means_{0.0}, sds_{1.0} {}

  /// @param weights (K) weights, finite and >= 0 with a positive sum (normalised to sum 1)
  /// @param means   (K) component means, finite, units of y
  /// @param sds     (K) component standard deviations, finite and > 0, units of y
  /// @throws footprint::invalid_argument when K = 0, sizes differ, or a value is out of range
  normal_mixture(std::vector<double> weights, std::vector<double> means, std::vector<double> sds)
      : weights_(std::move(weights)), means_(std::move(means)), sds_(std::move(sds)) {
    validate();
  }

  /// An equally weighted mixture (weights 1/K), the deep-ensemble combination.
  /// @param means (K) component means, finite; @param sds (K) standard deviations, finite and > 0
  /// @throws footprint::invalid_argument as the constructor
  [[nodiscard]] static normal_mixture equally_weighted(std::span<const double> means, std::span<const double> sds) {
    normal_mixture g;
    g.assign_equally_weighted(means, sds);
    return g;
  }

  /// Replaces the components by an equally weighted set, reusing this object's storage (no
  /// allocation when it already holds at least K components).
  /// @throws footprint::invalid_argument as the constructor
  void assign_equally_weighted(std::span<const double> means, std::span<const double> sds) {
    const std::size_t k = means.size();
    weights_.assign(k, k == 0 ? 0.0 : 1.0 / static_cast<double>(k));
    means_.assign(means.begin(), means.end());
    sds_.assign(sds.begin(), sds.end());
    validate();
  }

  /// Number of components K.
  [[nodiscard]] std::size_t size() const noexcept { return weights_.size(); }
  /// (K) weights, summing to 1.
  [[nodiscard]] std::span<const double> weights() const noexcept { return weights_; }
  /// (K) component means, units of y.
  [[nodiscard]] std::span<const double> means() const noexcept { return means_; }
  /// (K) component standard deviations, units of y.
  [[nodiscard]] std::span<const double> standard_deviations() const noexcept { return sds_; }

  friend bool operator==(const normal_mixture&, const normal_mixture&) = default;

 private:
  void validate() {
    const auto fail = [](auto&&... parts) {
      throw invalid_argument(detail::concat("footprint::normal_mixture: ", parts...));
    };
    if (weights_.empty()) fail("needs at least one component (got 0)");
    if (means_.size() != weights_.size() || sds_.size() != weights_.size()) {
      fail("weights, means and sds must have the same size (got ", weights_.size(), ", ", means_.size(), ", ",
           sds_.size(), ")");
    }
    double sum = 0.0;
    for (std::size_t k = 0; k < weights_.size(); ++k) {
      if (!(weights_[k] >= 0.0) || !std::isfinite(weights_[k]))
        fail("weight ", k, " must be finite and >= 0 (got ", weights_[k], ")");
      if (!std::isfinite(means_[k])) fail("mean ", k, " must be finite (got ", means_[k], ")");
      if (!(sds_[k] > 0.0) || !std::isfinite(sds_[k])) fail("sd ", k, " must be finite and > 0 (got ", sds_[k], ")");
      sum += weights_[k];
    }
    if (!(sum > 0.0)) fail("weights must have a positive sum (got ", sum, ")");
    if (sum != 1.0) {
      for (double& w : weights_) w /= sum;
    }
  }

  std::vector<double> weights_;
  std::vector<double> means_;
  std::vector<double> sds_;
};

namespace detail {
/// Standard normal cdf, accurate in both tails.
[[nodiscard]] inline double nm_phi_cdf(double z) noexcept { return 0.5 * std::erfc(-z / std::numbers::sqrt2); }
}  // namespace detail

/// Mean, sum_k w_k mu_k, units of y.
[[nodiscard]] inline double mean(const normal_mixture& d) noexcept {
  double m = 0.0;
  for (std::size_t k = 0; k < d.size(); ++k) m += d.weights()[k] * d.means()[k];
  return m;
}

/// Variance, sum_k w_k (sigma_k^2 + (mu_k - mean)^2): the average aleatoric variance plus
/// the spread of the component means (epistemic part), units of y squared.
[[nodiscard]] inline double variance(const normal_mixture& d) noexcept {
  const double m = mean(d);
  double v = 0.0;
  for (std::size_t k = 0; k < d.size(); ++k) {
    const double dm = d.means()[k] - m;
    v += d.weights()[k] * (d.standard_deviations()[k] * d.standard_deviations()[k] + dm * dm);
  }
  return v;
}

/// Standard deviation, sqrt(variance(d)), units of y.
[[nodiscard]] inline double standard_deviation(const normal_mixture& d) noexcept { return std::sqrt(variance(d)); }

/// P(Y <= x) = sum_k w_k Phi((x - mu_k) / sigma_k), in [0, 1].
/// @throws std::domain_error when x is NaN (as Boost.Math).
[[nodiscard]] inline double cdf(const normal_mixture& d, double x) {
  if (std::isnan(x)) throw std::domain_error("footprint::cdf(normal_mixture): x must not be NaN");
  double p = 0.0;
  for (std::size_t k = 0; k < d.size(); ++k) {
    p += d.weights()[k] * detail::nm_phi_cdf((x - d.means()[k]) / d.standard_deviations()[k]);
  }
  return std::clamp(p, 0.0, 1.0);
}

/// P(Y > x), accurate in the upper tail. @throws std::domain_error when x is NaN.
[[nodiscard]] inline double cdf_complement(const normal_mixture& d, double x) {
  if (std::isnan(x)) throw std::domain_error("footprint::cdf_complement(normal_mixture): x must not be NaN");
  double p = 0.0;
  for (std::size_t k = 0; k < d.size(); ++k) {
    p += d.weights()[k] * detail::nm_phi_cdf(-(x - d.means()[k]) / d.standard_deviations()[k]);
  }
  return std::clamp(p, 0.0, 1.0);
}

/// Density at x, sum_k w_k phi((x - mu_k)/sigma_k)/sigma_k, in 1/(units of y).
/// @throws std::domain_error when x is NaN.
[[nodiscard]] inline double pdf(const normal_mixture& d, double x) {
  if (std::isnan(x)) throw std::domain_error("footprint::pdf(normal_mixture): x must not be NaN");
  double f = 0.0;
  for (std::size_t k = 0; k < d.size(); ++k) {
    const double z = (x - d.means()[k]) / d.standard_deviations()[k];
    f += d.weights()[k] * std::exp(-0.5 * z * z) / (d.standard_deviations()[k] * std::sqrt(2.0 * std::numbers::pi));
  }
  return f;
}

/// The p-quantile for p in (0, 1): the root of cdf(d, x) = p by TOMS 748 (Boost.Math
/// `toms748_solve`, footprint's `predictive_policy`) in the bracket [min_k q_k, max_k q_k]
/// of the component quantiles q_k = mu_k + sigma_k Phi^-1(p), to about 1e-14 relative (at
/// most 200 iterations). A single component gives the normal quantile exactly.
/// @throws std::domain_error for p outside [0, 1] or NaN; std::overflow_error for p = 0 or 1
///         (as Boost.Math's normal quantile).
[[nodiscard]] inline double quantile(const normal_mixture& d, double p) {
  const boost::math::normal_distribution<double, predictive_policy> unit(0.0, 1.0);
  const double z = boost::math::quantile(unit, p);  // throws for p outside (0, 1)
  double lo = std::numeric_limits<double>::infinity();
  double hi = -lo;
  for (std::size_t k = 0; k < d.size(); ++k) {
    if (d.weights()[k] == 0.0) continue;
    const double q = d.means()[k] + d.standard_deviations()[k] * z;
    lo = std::min(lo, q);
    hi = std::max(hi, q);
  }
  if (!(lo < hi)) return lo;
  // Work with the side of the cdf that does not lose digits to 1 - p.
  const bool upper = p > 0.5;
  const auto f = [&](double x) { return upper ? (1.0 - p) - cdf_complement(d, x) : cdf(d, x) - p; };
  double f_lo = f(lo);
  double f_hi = f(hi);
  if (f_lo >= 0.0) return lo;
  if (f_hi <= 0.0) return hi;
  std::uintmax_t max_iter = 200;
  const boost::math::tools::eps_tolerance<double> tol(std::numeric_limits<double>::digits - 6);
  const std::pair<double, double> r =
      boost::math::tools::toms748_solve(f, lo, hi, f_lo, f_hi, tol, max_iter, predictive_policy{});
  return 0.5 * (r.first + r.second);
}

/// Median, quantile(d, 0.5).
[[nodiscard]] inline double median(const normal_mixture& d) { return quantile(d, 0.5); }

/// Continuous ranked probability score of the mixture for the outcome y, units of y (lower
/// is better), in closed form (Grimit, Gneiting, Berrocal & Johnson 2006, eq. 5):
/// sum_k w_k A(y - mu_k, sigma_k^2) - 1/2 sum_{k,j} w_k w_j A(mu_k - mu_j, sigma_k^2 + sigma_j^2),
/// A(m, s^2) = 2 s phi(m/s) + m (2 Phi(m/s) - 1). Complexity O(K^2).
[[nodiscard]] inline double crps(const normal_mixture& d, double y) {
  const auto A = [](double m, double s2) {
    const double s = std::sqrt(s2);
    const double z = m / s;
    return 2.0 * s * std::exp(-0.5 * z * z) / std::sqrt(2.0 * std::numbers::pi) +
           m * (2.0 * detail::nm_phi_cdf(z) - 1.0);
  };
  double first = 0.0;
  double second = 0.0;
  for (std::size_t k = 0; k < d.size(); ++k) {
    const double sk2 = d.standard_deviations()[k] * d.standard_deviations()[k];
    first += d.weights()[k] * A(y - d.means()[k], sk2);
    for (std::size_t j = 0; j < d.size(); ++j) {
      const double sj2 = d.standard_deviations()[j] * d.standard_deviations()[j];
      second += d.weights()[k] * d.weights()[j] * A(d.means()[k] - d.means()[j], sk2 + sj2);
    }
  }
  return first - 0.5 * second;
}

}  // namespace footprint
