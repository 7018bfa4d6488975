/// @file validation/detail/conformal.hpp
/// @brief Private helpers of the conformal headers of validation/: the smoothed rank of the
/// conformal predictive system, the argument checks they share, and the location and scale a
/// model gives a conformal score. (The calibration rank and quantile on sorted scores are in
/// conformal_scores.hpp, which the cheap free functions need.)
///
/// A cheap header: the standard library, Eigen/Core through types.hpp, and the checks.
#pragma once

#include "footprint/concepts.hpp"
#include "footprint/detail/checks.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/types.hpp"
#include "footprint/validation/conformal_scores.hpp"

#include <algorithm>
#include <cmath>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace footprint {

namespace detail::conformal {

/// tau, the tie-breaking variable of the conformal predictive system, must be in [0, 1].
inline void check_tau(double tau, std::string_view where) { require_in(tau, 0.0, 1.0, bounds::closed, where, "tau"); }

/// Vovk's smoothed rank of r among n sorted calibration residuals:
/// (#{r_i < r} + tau (#{r_i = r} + 1)) / (n + 1), in [0, 1].
[[nodiscard]] inline double smoothed_rank(std::span<const double> sorted, double r, double tau) noexcept {
  const auto lo = std::lower_bound(sorted.begin(), sorted.end(), r);
  const auto hi = std::upper_bound(lo, sorted.end(), r);
  const auto below = static_cast<double>(lo - sorted.begin());
  const auto equal = static_cast<double>(hi - lo);
  return (below + tau * (equal + 1.0)) / (static_cast<double>(sorted.size()) + 1.0);
}

/// Row i's scale: sigma[i] raised to `floor`, which must leave it finite and > 0.
[[nodiscard]] inline double scale(double sigma, double floor, index i, std::string_view where) {
  const double s = std::max(sigma, floor);
  if (!(s > 0.0) || !std::isfinite(s)) {
    throw invalid_argument(
        concat(where, ": sigma must be finite and > 0 (after sigma_floor); row ", i, " is ", format_number(sigma)));
  }
  return s;
}

/// a.size() == b.size(), else dimension_mismatch "<b_name>.size() must equal <a_name>.size()".
inline void check_same_size(const vector_cref& a, const vector_cref& b, std::string_view where, std::string_view a_name,
                            std::string_view b_name) {
  if (b.size() != a.size()) {
    throw dimension_mismatch(std::string(where), concat(b_name, ".size() must equal ", a_name, ".size()"), a.size(),
                             b.size());
  }
}

/// The point forecast mu(x) = model.predict(X) and, for the normalized score, the scale
/// sigma(x) = standard_deviation of each predictive distribution (found by ADL), checked
/// against the floor in the caller's name; ones for the absolute score. Both (X.rows()).
template <ProbabilisticRegressor R>
void location_scale(const R& model, const matrix_cref& X, conformal_score score, double sigma_floor, vector& mu,
                    vector& sigma, std::string_view where) {
  mu = model.predict(X);
  if (score == conformal_score::absolute) {
    sigma = vector::Ones(X.rows());
    return;
  }
  const std::vector<typename R::distribution_type> dists = model.predict_distribution(X);
  sigma.resize(X.rows());
  for (index i = 0; i < X.rows(); ++i) {
    sigma[i] = static_cast<double>(standard_deviation(dists[static_cast<std::size_t>(i)]));
    (void)scale(sigma[i], sigma_floor, i, where);
  }
}

/// The calibration rows of a model-based method: the model fitted, y.size() == X.rows(),
/// at least one row, y finite.
template <Regressor R>
void check_calibration(const R& model, const matrix_cref& X, const vector_cref& y, std::string_view where) {
  if (!model.is_fitted()) throw not_fitted(std::string(where));
  if (y.size() != X.rows())
    throw dimension_mismatch(std::string(where), "y.size() must equal X.rows()", X.rows(), y.size());
  if (X.rows() < 1) throw invalid_argument(concat(where, ": needs at least one calibration row (got 0)"));
  require_finite(y, where, "y");
}

}  // namespace detail::conformal
}  // namespace footprint
