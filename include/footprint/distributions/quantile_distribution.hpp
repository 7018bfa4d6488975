/// @file distributions/quantile_distribution.hpp
/// @brief `quantile_distribution`: a predictive distribution given by predicted quantiles at
/// fixed levels (quantile boosting), with a piecewise-linear quantile function. Used through
/// Boost.Math-style free functions `mean`, `standard_deviation`, `quantile`, `cdf`, found by
/// argument-dependent lookup; satisfies `footprint::PredictiveDistribution`.
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <utility>
#include <vector>

namespace footprint {

/// A distribution known through its quantiles q_1 <= ... <= q_k at levels
/// 0 < p_1 < ... < p_k < 1 (crossing quantiles are sorted first: the monotone rearrangement
/// of Chernozhukov, Fernandez-Val & Galichon 2010).
///
/// The quantile function Q(p) interpolates the knots linearly and is extended linearly to
/// p = 0 and p = 1 with the slopes of the first and last segments (a bounded support
/// [Q(0), Q(1)]); with one knot it is a point mass. `cdf` inverts Q. `standard_deviation` is
/// that of Q (closed form per segment). `mean` returns the point forecast given at
/// construction (the prediction of the mean model), which agrees with the integral of Q only
/// approximately.
class quantile_distribution {
 public:
  /// A point mass at 0.
  quantile_distribution() : levels_(std::make_shared<const std::vector<double>>(std::vector<double>{0.5})), q_{0.0} {}

  /// @param levels shared levels, strictly increasing in (0, 1), at least one
  /// @param quantiles the quantiles at the levels (same size), finite; sorted if they cross
  /// @param mean the point forecast returned by `mean`, finite
  /// @throws footprint::invalid_argument on a size mismatch or a value out of range
  quantile_distribution(std::shared_ptr<const std::vector<double>> levels, std::vector<double> quantiles, double mean)
      : levels_(std::move(levels)), q_(std::move(quantiles)), mean_(mean) {
    constexpr const char* where = "footprint::quantile_distribution";
    if (!levels_ || levels_->empty()) throw invalid_argument(detail::concat(where, ": needs at least one level"));
    if (q_.size() != levels_->size()) {
      throw invalid_argument(detail::concat(where, ": quantiles.size() must equal levels.size() (expected ",
                                            levels_->size(), ", got ", q_.size(), ")"));
    }
    for (std::size_t k = 0; k < q_.size(); ++k) {
      const double p = (*levels_)[k];
      if (!(p > 0.0 && p < 1.0) || (k > 0 && !(p > (*levels_)[k - 1]))) {
        throw invalid_argument(detail::concat(where, ": levels must increase strictly in (0, 1) (got ", p, ")"));
      }
      if (!std::isfinite(q_[k]))
        throw invalid_argument(detail::concat(where, ": quantiles must be finite (got ", q_[k], ")"));
    }
    if (!std::isfinite(mean_)) throw invalid_argument(detail::concat(where, ": mean must be finite (got ", mean_, ")"));
    std::sort(q_.begin(), q_.end());
  }

  /// The levels p_k.
  [[nodiscard]] const std::vector<double>& levels() const noexcept { return *levels_; }
  /// The (sorted) quantiles q_k.
  [[nodiscard]] const std::vector<double>& quantiles() const noexcept { return q_; }

  /// The point forecast given at construction (the mean model's prediction).
  friend double mean(const quantile_distribution& d) noexcept { return d.mean_; }

  /// Standard deviation of the piecewise-linear quantile function Q on [0, 1], >= 0.
  friend double standard_deviation(const quantile_distribution& d) noexcept {
    double m1 = 0.0;
    double m2 = 0.0;
    d.for_each_segment([&](double p0, double a, double p1, double b) {
      const double dp = p1 - p0;
      m1 += dp * (a + b) / 2.0;
      m2 += dp * (a * a + a * b + b * b) / 3.0;
    });
    return std::sqrt(std::max(0.0, m2 - m1 * m1));
  }

  /// Q(p), linear between knots and extended linearly to [0, 1].
  /// @throws footprint::invalid_argument unless 0 <= p <= 1
  friend double quantile(const quantile_distribution& d, double p) {
    if (!(p >= 0.0 && p <= 1.0)) {
      throw invalid_argument(
          detail::concat("footprint::quantile_distribution: quantile level must be in [0, 1] (got ", p, ")"));
    }
    double out = d.q_.front();
    bool done = false;
    d.for_each_segment([&](double p0, double a, double p1, double b) {
      if (done || p > p1) return;
      out = p1 > p0 ? a + (b - a) * (p - p0) / (p1 - p0) : b;
      done = true;
    });
    return done ? out : d.q_.back();
  }

  /// P(Y <= x) = sup{p : Q(p) <= x}. NaN gives NaN.
  friend double cdf(const quantile_distribution& d, double x) noexcept {
    if (std::isnan(x)) return x;
    double out = 0.0;
    d.for_each_segment([&](double p0, double a, double p1, double b) {
      if (x >= b) {
        out = p1;
      } else if (x >= a && b > a) {
        out = std::max(out, p0 + (p1 - p0) * (x - a) / (b - a));
      }
    });
    return std::clamp(out, 0.0, 1.0);
  }

  /// The median Q(0.5).
  friend double median(const quantile_distribution& d) { return quantile(d, 0.5); }

  /// Central interval with probability `coverage`: (Q((1-c)/2), Q((1+c)/2)).
  friend std::pair<double, double> interval(const quantile_distribution& d, double coverage) {
    return {quantile(d, (1.0 - coverage) / 2.0), quantile(d, (1.0 + coverage) / 2.0)};
  }

 private:
  /// Calls f(p0, Q(p0), p1, Q(p1)) for each linear segment from p = 0 to p = 1.
  template <class F>
  void for_each_segment(F&& f) const {
    const std::vector<double>& p = *levels_;
    const std::size_t k = q_.size();
    if (k == 1) {
      f(0.0, q_[0], 1.0, q_[0]);
      return;
    }
    const double s0 = (q_[1] - q_[0]) / (p[1] - p[0]);
    const double s1 = (q_[k - 1] - q_[k - 2]) / (p[k - 1] - p[k - 2]);
    f(0.0, q_[0] - s0 * p[0], p[0], q_[0]);
    for (std::size_t j = 0; j + 1 < k; ++j) f(p[j], q_[j], p[j + 1], q_[j + 1]);
    f(p[k - 1], q_[k - 1], 1.0, q_[k - 1] + s1 * (1.0 - p[k - 1]));
  }

  std::shared_ptr<const std::vector<double>> levels_;
  std::vector<double> q_;
  double mean_ = 0.0;
};

/// Namespace-scope declarations of the hidden friends above, so that `footprint::mean(d)`
/// works as well as unqualified calls found by argument-dependent lookup.
double mean(const quantile_distribution& d) noexcept;
double standard_deviation(const quantile_distribution& d) noexcept;
double quantile(const quantile_distribution& d, double p);
double cdf(const quantile_distribution& d, double x) noexcept;
double median(const quantile_distribution& d);
std::pair<double, double> interval(const quantile_distribution& d, double coverage);

}  // namespace footprint
