/// @file distributions/empirical_distribution.hpp
/// @brief `empirical_distribution`: a discrete distribution on finitely many points with
/// weights, the predictive distribution of a quantile regression forest (Meinshausen 2006).
/// Used through Boost.Math-style free functions `mean`, `standard_deviation`, `quantile`,
/// `cdf`, found by argument-dependent lookup; satisfies `footprint::PredictiveDistribution`.
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

namespace footprint {

/// A weighted empirical distribution: P(Y = v_j) = w_j for sorted distinct support points
/// v_1 < ... < v_k. Its cdf is a step function and its p-quantile is the smallest v_j with
/// cumulative weight >= p (Meinshausen 2006, eq. 4-5), so `cdf(d, quantile(d, p)) >= p`.
class empirical_distribution {
 public:
  /// A point mass at 0.
  empirical_distribution() : values_{0.0}, cumulative_{1.0} {}

  /// @param points (value, weight) pairs in any order; values finite, weights finite and
  ///        >= 0 with a positive sum; equal values are merged; weights are normalised
  /// @throws footprint::invalid_argument when points is empty or a value or weight is out of range
  explicit empirical_distribution(std::vector<std::pair<double, double>> points) {
    constexpr const char* where = "footprint::empirical_distribution";
    if (points.empty()) throw invalid_argument(detail::concat(where, ": needs at least one point"));
    double total = 0.0;
    for (const auto& [v, w] : points) {
      if (!std::isfinite(v)) throw invalid_argument(detail::concat(where, ": values must be finite (got ", v, ")"));
      if (!std::isfinite(w) || w < 0.0)
        throw invalid_argument(detail::concat(where, ": weights must be finite and >= 0 (got ", w, ")"));
      total += w;
    }
    if (!(total > 0.0))
      throw invalid_argument(detail::concat(where, ": weights must have a positive sum (got ", total, ")"));
    std::sort(points.begin(), points.end());
    double acc = 0.0;
    mean_ = 0.0;
    for (const auto& [v, w] : points) {
      if (w == 0.0) continue;
      acc += w;
      mean_ += w * v;
      if (!values_.empty() && values_.back() == v) {
        cumulative_.back() = acc;
      } else {
        values_.push_back(v);
        cumulative_.push_back(acc);
      }
    }
    mean_ /= acc;
    for (double& c : cumulative_) c /= acc;
    cumulative_.back() = 1.0;
    double var = 0.0;
    double prev = 0.0;
    for (std::size_t j = 0; j < values_.size(); ++j) {
      const double d = values_[j] - mean_;
      var += (cumulative_[j] - prev) * d * d;
      prev = cumulative_[j];
    }
    sd_ = std::sqrt(var);
  }

  /// Support points, increasing and distinct.
  [[nodiscard]] const std::vector<double>& values() const noexcept { return values_; }
  /// Cumulative probabilities at the support points (the last is exactly 1).
  [[nodiscard]] const std::vector<double>& cumulative() const noexcept { return cumulative_; }
  /// Probability of support point j.
  [[nodiscard]] double weight(std::size_t j) const noexcept {
    return cumulative_[j] - (j == 0 ? 0.0 : cumulative_[j - 1]);
  }

  friend double mean(const empirical_distribution& d) noexcept { return d.mean_; }
  friend double standard_deviation(const empirical_distribution& d) noexcept { return d.sd_; }
  friend double variance(const empirical_distribution& d) noexcept { return d.sd_ * d.sd_; }

  /// Smallest support point with cumulative probability >= p.
  /// @throws footprint::invalid_argument unless 0 <= p <= 1
  friend double quantile(const empirical_distribution& d, double p) {
    if (!(p >= 0.0 && p <= 1.0)) {
      throw invalid_argument(
          detail::concat("footprint::empirical_distribution: quantile level must be in [0, 1] (got ", p, ")"));
    }
    const auto it = std::lower_bound(d.cumulative_.begin(), d.cumulative_.end(), p);
    const auto j = std::min<std::size_t>(static_cast<std::size_t>(it - d.cumulative_.begin()), d.values_.size() - 1);
    return d.values_[j];
  }

  /// P(Y <= x). NaN gives NaN.
  friend double cdf(const empirical_distribution& d, double x) noexcept {
    if (std::isnan(x)) return x;
    const auto it = std::upper_bound(d.values_.begin(), d.values_.end(), x);
    if (it == d.values_.begin()) return 0.0;
    return d.cumulative_[static_cast<std::size_t>(it - d.values_.begin()) - 1];
  }

  /// The median: quantile(d, 0.5).
  friend double median(const empirical_distribution& d) { return quantile(d, 0.5); }

  /// Central interval with probability `coverage`: (quantile((1-c)/2), quantile((1+c)/2)).
  friend std::pair<double, double> interval(const empirical_distribution& d, double coverage) {
    return {quantile(d, (1.0 - coverage) / 2.0), quantile(d, (1.0 + coverage) / 2.0)};
  }

  /// Continuous ranked probability score for the outcome y, exact: the integral of
  /// (F(x) - 1{x >= y})^2 over x, summed over the steps of F (Matheson & Winkler 1976;
  /// for equal weights it equals the ensemble form E|X - y| - E|X - X'| / 2, Gneiting &
  /// Raftery 2007 eq. 21, as scoringRules' `crps_sample`). Units of y; O(support points).
  /// NaN gives NaN.
  friend double crps(const empirical_distribution& d, double y) noexcept {
    if (std::isnan(y)) return y;
    const std::vector<double>& v = d.values_;
    double total = 0.0;
    if (y < v.front()) total += v.front() - y;  // F = 0 on [y, v_1), where the indicator is 1
    for (std::size_t j = 0; j + 1 < v.size(); ++j) {
      const double a = v[j], b = v[j + 1], c = d.cumulative_[j], below = c * c, above = (1.0 - c) * (1.0 - c);
      if (y <= a) {
        total += above * (b - a);
      } else if (y >= b) {
        total += below * (b - a);
      } else {
        total += below * (y - a) + above * (b - y);
      }
    }
    if (y > v.back()) total += y - v.back();  // F = 1 on [v_k, y), where the indicator is 0
    return total;
  }

 private:
  std::vector<double> values_;
  std::vector<double> cumulative_;
  double mean_ = 0.0;
  double sd_ = 0.0;
};

/// Namespace-scope declarations of the hidden friends above, so that `footprint::mean(d)`
/// works as well as unqualified calls found by argument-dependent lookup.
double mean(const empirical_distribution& d) noexcept;
double standard_deviation(const empirical_distribution& d) noexcept;
double quantile(const empirical_distribution& d, double p);
double cdf(const empirical_distribution& d, double x) noexcept;
double median(const empirical_distribution& d);
std::pair<double, double> interval(const empirical_distribution& d, double coverage);
double variance(const empirical_distribution& d) noexcept;
double crps(const empirical_distribution& d, double y) noexcept;

}  // namespace footprint
