/// @file validation/split_conformal.hpp
/// @brief `split_conformal<R>`: split conformal prediction intervals around any
/// `ProbabilisticRegressor`, with the absolute or the normalized residual score (Lei et al.
/// 2018; Angelopoulos and Bates 2021). See docs/validation.md, "Conformal calibration".
///
/// A cheap header: the standard library, Eigen/Core through types.hpp, concepts.hpp and the
/// checks. Include the model's own header for R.
#pragma once

#include "footprint/concepts.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/types.hpp"
#include "footprint/validation/conformal_calibrator.hpp"
#include "footprint/validation/detail/conformal.hpp"

#include <string>
#include <utility>

namespace footprint {

/// Parameters of `split_conformal`: the score and the sigma floor of `conformal_calibrator`.
using split_conformal_params = conformal_calibrator_params;

/// Split conformal prediction (Papadopoulos, Proedrou, Vovk and Gammerman 2002; Lei,
/// G'Sell, Rinaldo, Tibshirani and Wasserman 2018, sec. 2.2): a model fitted on training
/// rows, calibrated on held-out rows, gives intervals that cover a new exchangeable row's
/// outcome with probability at least 1 - alpha, whatever the model and the distribution.
///
/// The wrapper owns the model (moved in; fit it on the training rows first). `fit(X_cal, y_cal)` predicts the calibration rows and
/// stores their scores: |y - mu(x)| (absolute) or |y - mu(x)| / sigma(x) (normalized), with
/// mu = `model.predict` and sigma = `standard_deviation` of `model.predict_distribution`.
/// `predict_interval(X, alpha)` gives [mu(x) - Q s(x), mu(x) + Q s(x)], Q the
/// ceil((n + 1)(1 - alpha))-th smallest calibration score and s = 1 or sigma(x)
/// (`conformal_calibrator` documents the arithmetic).
///
/// Guarantee: if the calibration rows and the new row are exchangeable (i.i.d. is enough),
/// 1 - alpha <= P(y in interval) < 1 - alpha + 1/(n + 1) (the upper bound without ties;
/// Lei et al. 2018, Theorem 2.2). It is marginal: a region of x where the noise is larger
/// than average is under-covered by the absolute score; the normalized score moves coverage
/// towards such regions when sigma(x) tracks the noise. Calibration rows must not have
/// trained the model. Under drift (time series whose errors grow or shift) the guarantee
/// fails; use `adaptive_conformal`.
///
/// `split_conformal<R>` is a `Regressor` (fit on calibration rows; `predict` is the
/// model's). Thread safety: const member functions may run concurrently after `fit`.
/// @tparam R a ProbabilisticRegressor (bayesian_linear, ols, ridge, random_forest,
///           gradient_boosting, mlp_regressor, deep_ensemble, or your own)
template <ProbabilisticRegressor R>
class split_conformal {
 public:
  /// @param model  the model, fitted on rows other than the calibration rows
  /// @param params score (absolute or normalized) and sigma_floor (finite, >= 0)
  /// @throws footprint::invalid_argument when sigma_floor is negative or not finite
  explicit split_conformal(R model, split_conformal_params params = {})
      : model_(std::move(model)), calibrator_(params) {}

  /// Calibrates on held-out rows.
  /// @param X_cal (n_cal, n_features) calibration rows, n_cal >= 1
  /// @param y_cal (n_cal) their outcomes, finite
  /// @return status `converged`, final_loss the mean calibration score
  /// @throws footprint::not_fitted when the model is not fitted; footprint::dimension_mismatch
  ///         when y_cal.size() != X_cal.rows(); footprint::invalid_argument on a non-finite
  ///         y_cal, an empty X_cal or (normalized) a sigma <= 0 after the floor; whatever the
  ///         model's predict throws
  /// Complexity: one predict (and, normalized, one predict_distribution) of X_cal, O(n log n).
  fit_report fit(matrix_cref X_cal, vector_cref y_cal) {
    const std::string where = detail::concat(name, "::fit");
    detail::conformal::check_calibration(model_, X_cal, y_cal, where);
    vector mu;
    vector sigma;
    detail::conformal::location_scale(model_, X_cal, calibrator_.params().score, calibrator_.params().sigma_floor, mu,
                                      sigma, where);
    fit_report report = calibrator_.fit(y_cal, mu, sigma);
    n_features_ = X_cal.cols();
    return report;
  }

  /// The model's point forecasts mu(x), (n_samples), units of y. @throws as the model's predict
  [[nodiscard]] vector predict(matrix_cref X) const { return model_.predict(X); }

  /// Conformal prediction intervals at miscoverage alpha: (n_samples, 2), column 0 the lower
  /// and column 1 the upper bound, units of y; (-inf, +inf) when n_cal < (1 - alpha) / alpha.
  /// @param X     (n_samples, n_features())
  /// @param alpha miscoverage level in (0, 1), e.g. 0.1 for 90% intervals
  /// @throws footprint::not_fitted before fit; footprint::invalid_argument for alpha outside
  ///         (0, 1) or (normalized) a sigma <= 0 after the floor; whatever the model throws
  [[nodiscard]] matrix predict_interval(matrix_cref X, double alpha) const {
    const std::string where = detail::concat(name, "::predict_interval");
    detail::require_fitted(calibrator_.is_fitted(), where);
    detail::conformal::check_alpha(alpha, where);
    vector mu;
    vector sigma;
    detail::conformal::location_scale(model_, X, calibrator_.params().score, calibrator_.params().sigma_floor, mu,
                                      sigma, where);
    return calibrator_.predict_interval(mu, sigma, alpha);
  }

  /// The calibration quantile Q at miscoverage alpha (units of y, absolute; of sigma,
  /// normalized); +inf when n_cal < (1 - alpha) / alpha.
  /// @throws footprint::not_fitted before fit; footprint::invalid_argument for alpha outside (0, 1)
  [[nodiscard]] double score_quantile(double alpha) const {
    const std::string where = detail::concat(name, "::score_quantile");
    detail::require_fitted(calibrator_.is_fitted(), where);
    detail::conformal::check_alpha(alpha, where);
    return calibrator_.score_quantile(alpha);
  }

  /// True after a successful fit (calibration).
  [[nodiscard]] bool is_fitted() const noexcept { return calibrator_.is_fitted(); }
  /// Columns of the calibration rows (0 before fit).
  [[nodiscard]] index n_features() const noexcept { return n_features_; }
  /// The calibrator: scores, residuals, and intervals for precomputed forecasts.
  [[nodiscard]] const conformal_calibrator& calibrator() const noexcept { return calibrator_; }
  /// The model.
  [[nodiscard]] const R& model() const noexcept { return model_; }

 private:
  static constexpr const char* name = "footprint::split_conformal";

  R model_;
  conformal_calibrator calibrator_;
  index n_features_ = 0;
};

}  // namespace footprint
