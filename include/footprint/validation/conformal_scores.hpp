/// @file validation/conformal_scores.hpp
/// @brief Conformal calibration on precomputed numbers: the calibration rank and quantile
/// (split conformal prediction; Lei et al. 2018, Angelopoulos and Bates 2021) and the
/// conformity scores of residuals, normalized residuals and quantile bands (Romano,
/// Patterson and Candes 2019). See docs/validation.md, "Conformal calibration".
///
/// For code that holds per-row forecasts rather than a model (a backtest's predicted mean
/// and standard deviation, a pre-trade report's quantiles). The classes of validation/
/// (`conformal_calibrator`, `split_conformal`, `conformalized_quantile_regression`,
/// `mondrian_conformal`, `conformal_predictive_system`, `adaptive_conformal`) are built on
/// these functions.
///
/// A cheap header: the standard library, Eigen/Core through types.hpp, and the checks.
#pragma once

#include "footprint/detail/checks.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace footprint {

/// The conformity score of split conformal prediction over a point forecast mu(x) and, for
/// the normalized score, a scale sigma(x) (Lei, G'Sell, Rinaldo, Tibshirani and Wasserman
/// 2018, sec. 2.2 and 5.2; Angelopoulos and Bates 2021, sec. 2.3).
enum class conformal_score : std::uint8_t {
  absolute,    ///< s = |y - mu(x)|: intervals of one width everywhere
  normalized,  ///< s = |y - mu(x)| / sigma(x): intervals that scale with sigma(x)
};

/// Name of a score, e.g. "absolute".
[[nodiscard]] constexpr std::string_view to_string(conformal_score s) noexcept {
  return s == conformal_score::absolute ? "absolute" : "normalized";
}

namespace detail::conformal {

inline constexpr double inf = std::numeric_limits<double>::infinity();

/// alpha, the miscoverage level, must be in (0, 1).
inline void check_alpha(double alpha, std::string_view where) {
  require_in(alpha, 0.0, 1.0, bounds::open, where, "alpha");
}

/// ceil((n + 1)(1 - alpha)) for n >= 0 and alpha in (0, 1), with a relative tolerance of
/// 1e-12 so that a product that is an integer in decimal arithmetic (n = 99, alpha = 0.1:
/// 90) is not rounded up by a floating-point excess.
[[nodiscard]] inline index rank(index n, double alpha) noexcept {
  const double x = static_cast<double>(n + 1) * (1.0 - alpha);
  return static_cast<index>(std::ceil(x - 1e-12 * x));
}

/// The rank(n, alpha)-th smallest of n sorted scores; +inf when the rank exceeds n.
[[nodiscard]] inline double sorted_quantile(std::span<const double> sorted, double alpha) noexcept {
  const index k = rank(static_cast<index>(sorted.size()), alpha);
  return k > static_cast<index>(sorted.size()) ? inf : sorted[static_cast<std::size_t>(k - 1)];
}

/// Finite y and forecasts of y's size (the checks of the score functions).
inline void check_scores_inputs(std::string_view where, const vector_cref& y, const vector_cref& a,
                                std::string_view a_name) {
  if (a.size() != y.size()) {
    throw dimension_mismatch(std::string(where), concat(a_name, ".size() must equal y.size()"), y.size(), a.size());
  }
  require_finite(y, where, "y");
  require_finite(a, where, a_name);
}

}  // namespace detail::conformal

/// The rank of the split-conformal calibration quantile, k = ceil((n + 1)(1 - alpha))
/// (Lei et al. 2018, sec. 2.2 and Theorem 2.2; Angelopoulos and Bates 2021, sec. 1): with n
/// exchangeable calibration scores the k-th smallest bounds a new score with probability
/// at least 1 - alpha, and less than 1 - alpha + 1/(n + 1) when scores have no ties.
/// A product (n + 1)(1 - alpha) within a relative 1e-12 of an integer counts as that
/// integer (n = 99, alpha = 0.1 gives 90, not 91).
/// @param n_calibration calibration scores, >= 0
/// @param alpha         miscoverage level in (0, 1), e.g. 0.1 for 90% intervals
/// @return k in [1, n + 1]; k = n + 1 means the quantile is +inf (too few scores for alpha:
///         n < (1 - alpha) / alpha)
/// @throws footprint::invalid_argument when n_calibration < 0 or alpha is outside (0, 1)
[[nodiscard]] inline index conformal_rank(index n_calibration, double alpha) {
  constexpr const char* where = "footprint::conformal_rank";
  detail::require_at_least(n_calibration, 0, where, "n_calibration");
  detail::conformal::check_alpha(alpha, where);
  return detail::conformal::rank(n_calibration, alpha);
}

/// The split-conformal calibration quantile of n scores: the ceil((n + 1)(1 - alpha))-th
/// smallest, +inf when that rank exceeds n (Lei et al. 2018, sec. 2.2; Angelopoulos and
/// Bates 2021, sec. 1). A new exchangeable score is <= it with probability >= 1 - alpha.
/// @param scores n >= 0 calibration scores in any order, units of the score; not NaN (+-inf
///        allowed); n = 0 gives +inf
/// @param alpha  miscoverage level in (0, 1)
/// @return the calibration quantile, units of the score; +inf when n < (1 - alpha) / alpha
/// @throws footprint::invalid_argument when alpha is outside (0, 1) or a score is NaN, e.g.
///         `footprint::conformal_quantile: scores must not be NaN; row 2 is nan`
/// Complexity: O(n) (one copy and std::nth_element).
[[nodiscard]] inline double conformal_quantile(std::span<const double> scores, double alpha) {
  constexpr const char* where = "footprint::conformal_quantile";
  detail::conformal::check_alpha(alpha, where);
  for (std::size_t i = 0; i < scores.size(); ++i) {
    if (std::isnan(scores[i]))
      throw invalid_argument(detail::concat(where, ": scores must not be NaN; row ", i, " is nan"));
  }
  const auto n = static_cast<index>(scores.size());
  const index k = detail::conformal::rank(n, alpha);
  if (k > n) return detail::conformal::inf;
  std::vector<double> s(scores.begin(), scores.end());
  const auto kth = s.begin() + (k - 1);
  std::nth_element(s.begin(), kth, s.end());
  return *kth;
}

/// `conformal_quantile` of an Eigen vector of scores, e.g. of `quantile_regression_scores`.
/// @param scores (n) scores, not NaN. @throws as conformal_quantile(std::span, alpha)
[[nodiscard]] inline double conformal_quantile(vector_cref scores, double alpha) {
  return conformal_quantile(std::span<const double>(scores.data(), static_cast<std::size_t>(scores.size())), alpha);
}

/// Absolute residual scores s_i = |y_i - mu_i| (Lei et al. 2018, sec. 2.2), units of y.
/// @param y  (n_samples) outcomes, finite
/// @param mu (n_samples) point forecasts, finite
/// @return (n_samples) scores, >= 0
/// @throws footprint::dimension_mismatch when mu.size() != y.size();
///         footprint::invalid_argument on a non-finite entry (naming the row)
[[nodiscard]] inline vector absolute_residual_scores(vector_cref y, vector_cref mu) {
  detail::conformal::check_scores_inputs("footprint::absolute_residual_scores", y, mu, "mu");
  return (y - mu).cwiseAbs();
}

/// Normalized residual scores s_i = |y_i - mu_i| / sigma_i (Lei et al. 2018, sec. 5.2;
/// Papadopoulos, Vovk and Gammerman 2011), dimensionless.
/// @param y     (n_samples) outcomes, finite
/// @param mu    (n_samples) point forecasts, finite
/// @param sigma (n_samples) scales (e.g. predictive standard deviations), finite and > 0,
///              units of y
/// @return (n_samples) scores, >= 0
/// @throws footprint::dimension_mismatch on a size mismatch; footprint::invalid_argument on
///         a non-finite entry or a sigma <= 0 (naming the row)
[[nodiscard]] inline vector normalized_residual_scores(vector_cref y, vector_cref mu, vector_cref sigma) {
  constexpr const char* where = "footprint::normalized_residual_scores";
  detail::conformal::check_scores_inputs(where, y, mu, "mu");
  if (sigma.size() != y.size())
    throw dimension_mismatch(where, "sigma.size() must equal y.size()", y.size(), sigma.size());
  for (index i = 0; i < sigma.size(); ++i) {
    if (!(sigma[i] > 0.0) || !std::isfinite(sigma[i])) {
      throw invalid_argument(
          detail::concat(where, ": sigma must be finite and > 0; row ", i, " is ", detail::format_number(sigma[i])));
    }
  }
  return (y - mu).cwiseAbs().cwiseQuotient(sigma);
}

/// Conformalized-quantile-regression scores E_i = max(lower_i - y_i, y_i - upper_i)
/// (Romano, Patterson and Candes 2019, sec. 3), units of y: negative inside the band,
/// positive outside. With Q = conformal_quantile(E, alpha) the interval
/// [lower - Q, upper + Q] covers with probability >= 1 - alpha (their Theorem 1).
/// @param y     (n_samples) outcomes, finite
/// @param lower (n_samples) lower quantile forecasts (e.g. at alpha / 2), finite
/// @param upper (n_samples) upper quantile forecasts (e.g. at 1 - alpha / 2), finite; a
///              band with lower > upper is allowed (crossing quantile models)
/// @return (n_samples) scores
/// @throws footprint::dimension_mismatch on a size mismatch; footprint::invalid_argument on
///         a non-finite entry (naming the row)
[[nodiscard]] inline vector quantile_regression_scores(vector_cref y, vector_cref lower, vector_cref upper) {
  constexpr const char* where = "footprint::quantile_regression_scores";
  detail::conformal::check_scores_inputs(where, y, lower, "lower");
  detail::conformal::check_scores_inputs(where, y, upper, "upper");
  return (lower - y).cwiseMax(y - upper);
}

}  // namespace footprint
