/// @file validation/conformalized_quantile_regression.hpp
/// @brief `conformalized_quantile_regression<R>`: conformalized quantile regression (CQR;
/// Romano, Patterson and Candes 2019): a band of two quantile forecasts, widened or
/// narrowed by a calibration quantile so that it covers with probability 1 - alpha. See
/// docs/validation.md, "Conformal calibration".
///
/// A cheap header: the standard library, Eigen/Core through types.hpp, concepts.hpp and the
/// checks. Include the models' own headers for R.
#pragma once

#include "footprint/concepts.hpp"
#include "footprint/detail/checks.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/types.hpp"
#include "footprint/validation/conformal_scores.hpp"
#include "footprint/validation/detail/conformal.hpp"

#include <algorithm>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace footprint {

/// Conformalized quantile regression (Romano, Patterson and Candes 2019, sec. 3): a lower
/// and an upper quantile forecast q_lo(x) <= q_hi(x) (e.g. at alpha / 2 and 1 - alpha / 2)
/// are calibrated on held-out rows with the scores
///
///     E_i = max(q_lo(x_i) - y_i, y_i - q_hi(x_i))
///
/// (negative inside the band, positive outside), and a new row gets
/// [q_lo(x) - Q, q_hi(x) + Q], Q the ceil((n + 1)(1 - alpha))-th smallest E_i (+inf when
/// that exceeds n). Q > 0 widens a band that under-covers on the calibration rows, Q < 0
/// narrows one that over-covers.
///
/// Guarantee: with exchangeable rows, 1 - alpha <= P(y in interval) < 1 - alpha + 1/(n + 1)
/// (the upper bound without ties; Romano et al. 2019, Theorem 1), for any quantile models.
/// Unlike `split_conformal`, whose intervals have one width (absolute score) or a width
/// proportional to sigma(x), the interval follows the quantile models' band, so it adapts to
/// heteroscedastic noise and to skew wherever the models learnt them.
///
/// Two ways to give the band:
/// - two quantile models of one type R, e.g. two `gradient_boosting` with
///   `loss = boosting_loss::quantile` and `quantile_alpha` 0.05 and 0.95: the band is
///   (lower.predict(X), upper.predict(X));
/// - one `ProbabilisticRegressor` and two levels, e.g. a `random_forest` (quantile forest)
///   with 0.05 and 0.95: the band is quantile(d, lower_level), quantile(d, upper_level) of
///   each row's predictive distribution d.
/// On precomputed bands use `quantile_regression_scores` and `conformal_quantile`
/// (conformal_scores.hpp).
///
/// Rows are observations: X is (n_samples, n_features), y is (n_samples). Thread safety:
/// const member functions may run concurrently after `fit`.
/// @tparam R a Regressor (two quantile models) or a ProbabilisticRegressor (one model)
template <Regressor R>
class conformalized_quantile_regression {
 public:
  /// CQR over two quantile models, fitted on rows other than the calibration rows.
  /// @param lower the lower quantile model (e.g. at alpha / 2)
  /// @param upper the upper quantile model (e.g. at 1 - alpha / 2)
  conformalized_quantile_regression(R lower, R upper) : lower_(std::move(lower)), upper_(std::move(upper)) {}

  /// CQR over one probabilistic model and two levels of its predictive distributions.
  /// @param model       the model, fitted on rows other than the calibration rows
  /// @param lower_level level of the lower quantile, in (0, 1), e.g. alpha / 2
  /// @param upper_level level of the upper quantile, in (lower_level, 1), e.g. 1 - alpha / 2
  /// @throws footprint::invalid_argument when a level is outside (0, 1) or lower_level >= upper_level
  conformalized_quantile_regression(R model, double lower_level, double upper_level) requires ProbabilisticRegressor<R>
      : lower_(std::move(model)), lower_level_(lower_level), upper_level_(upper_level) {
    detail::require_in(lower_level, 0.0, 1.0, detail::bounds::open, name, "lower_level");
    detail::require_in(upper_level, 0.0, 1.0, detail::bounds::open, name, "upper_level");
    if (!(lower_level < upper_level)) {
      throw invalid_argument(
          detail::concat(name, ": lower_level must be < upper_level (got ", lower_level, " and ", upper_level, ")"));
    }
  }

  /// Calibrates on held-out rows: stores the sorted scores E_i.
  /// @param X_cal (n_cal, n_features) calibration rows, n_cal >= 1
  /// @param y_cal (n_cal) their outcomes, finite
  /// @return status `converged`, final_loss the share of calibration outcomes outside the
  ///         raw band (dimensionless)
  /// @throws footprint::not_fitted when a model is not fitted; footprint::dimension_mismatch
  ///         when y_cal.size() != X_cal.rows(); footprint::invalid_argument on a non-finite
  ///         y_cal or an empty X_cal; whatever the models throw
  fit_report fit(matrix_cref X_cal, vector_cref y_cal) {
    const std::string where = detail::concat(name, "::fit");
    detail::conformal::check_calibration(lower_, X_cal, y_cal, where);
    if (upper_ && !upper_->is_fitted()) throw not_fitted(where);
    const matrix band = quantiles(X_cal, where);
    std::vector<double> scores(static_cast<std::size_t>(y_cal.size()));
    index outside = 0;
    for (index i = 0; i < y_cal.size(); ++i) {
      const double e = std::max(band(i, 0) - y_cal[i], y_cal[i] - band(i, 1));
      scores[static_cast<std::size_t>(i)] = e;
      if (e > 0.0) ++outside;
    }
    std::sort(scores.begin(), scores.end());
    scores_ = std::move(scores);
    n_features_ = X_cal.cols();
    fitted_ = true;
    return {fit_status::converged, 0, static_cast<double>(outside) / static_cast<double>(y_cal.size()), ""};
  }

  /// The raw band (q_lo(x), q_hi(x)) before calibration: (n_samples, 2), units of y.
  /// @param X (n_samples, n_features)
  /// @throws footprint::not_fitted when a model is not fitted; whatever the models throw
  [[nodiscard]] matrix predict_quantiles(matrix_cref X) const {
    const std::string where = detail::concat(name, "::predict_quantiles");
    if (!lower_.is_fitted() || (upper_ && !upper_->is_fitted())) throw not_fitted(where);
    return quantiles(X, where);
  }

  /// CQR intervals [q_lo(x) - Q, q_hi(x) + Q] at miscoverage alpha: (n_samples, 2), column 0
  /// the lower and column 1 the upper bound, units of y; (-inf, +inf) when
  /// n_cal < (1 - alpha) / alpha. Use the alpha the quantile models were trained for: any
  /// alpha is valid, but the band is sharpest at its own level.
  /// @param X     (n_samples, n_features)
  /// @param alpha miscoverage level in (0, 1)
  /// @throws footprint::not_fitted before fit; footprint::invalid_argument for alpha outside
  ///         (0, 1); whatever the models throw
  [[nodiscard]] matrix predict_interval(matrix_cref X, double alpha) const {
    const std::string where = detail::concat(name, "::predict_interval");
    detail::require_fitted(fitted_, where);
    detail::conformal::check_alpha(alpha, where);
    const double q = detail::conformal::sorted_quantile(scores_, alpha);
    matrix band = quantiles(X, where);
    band.col(0).array() -= q;
    band.col(1).array() += q;
    return band;
  }

  /// The calibration quantile Q at miscoverage alpha, units of y (may be negative; +inf when
  /// n_cal < (1 - alpha) / alpha).
  /// @throws footprint::not_fitted before fit; footprint::invalid_argument for alpha outside (0, 1)
  [[nodiscard]] double score_quantile(double alpha) const {
    const std::string where = detail::concat(name, "::score_quantile");
    detail::require_fitted(fitted_, where);
    detail::conformal::check_alpha(alpha, where);
    return detail::conformal::sorted_quantile(scores_, alpha);
  }

  /// The sorted calibration scores E_i. @throws footprint::not_fitted before fit
  [[nodiscard]] std::span<const double> scores() const {
    detail::require_fitted(fitted_, detail::concat(name, "::scores"));
    return scores_;
  }
  /// True after a successful fit (calibration).
  [[nodiscard]] bool is_fitted() const noexcept { return fitted_; }
  /// Columns of the calibration rows (0 before fit).
  [[nodiscard]] index n_features() const noexcept { return n_features_; }
  /// True for two quantile models, false for one model and two levels.
  [[nodiscard]] bool has_two_models() const noexcept { return upper_.has_value(); }
  /// The lower quantile model (the one model, with levels).
  [[nodiscard]] const R& lower_model() const noexcept { return lower_; }
  /// The upper quantile model (the one model, with levels).
  [[nodiscard]] const R& upper_model() const noexcept { return upper_ ? *upper_ : lower_; }
  /// The levels of the one-model band; NaN with two models.
  [[nodiscard]] std::pair<double, double> levels() const noexcept { return {lower_level_, upper_level_}; }

 private:
  static constexpr const char* name = "footprint::conformalized_quantile_regression";

  /// (n, 2): the two models' predictions, or the two levels' quantiles of the one model.
  [[nodiscard]] matrix quantiles(const matrix_cref& X, const std::string& where) const {
    matrix band(X.rows(), 2);
    if (upper_) {
      band.col(0) = lower_.predict(X);
      band.col(1) = upper_->predict(X);
    } else if constexpr (ProbabilisticRegressor<R>) {
      const std::vector<typename R::distribution_type> dists = lower_.predict_distribution(X);
      for (index i = 0; i < X.rows(); ++i) {
        const auto& d = dists[static_cast<std::size_t>(i)];
        band(i, 0) = static_cast<double>(quantile(d, lower_level_));
        band(i, 1) = static_cast<double>(quantile(d, upper_level_));
      }
    }
    detail::require_finite(vector_cref(band.col(0)), where, "the lower quantile");
    detail::require_finite(vector_cref(band.col(1)), where, "the upper quantile");
    return band;
  }

  R lower_;
  std::optional<R> upper_;
  double lower_level_ = nan;
  double upper_level_ = nan;
  std::vector<double> scores_;  ///< sorted E_i
  index n_features_ = 0;
  bool fitted_ = false;
};

}  // namespace footprint
