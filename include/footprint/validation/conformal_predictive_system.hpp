/// @file validation/conformal_predictive_system.hpp
/// @brief `conformal_predictive_system<R>`: a calibrated predictive distribution Q(y | x)
/// and exceedance probabilities P(y > t | x) around any `ProbabilisticRegressor`, by the
/// split conformal predictive system on residuals, plain or normalized (Vovk, Shen,
/// Manokhin and Xie 2017/2019; Vovk, Petej, Nouretdinov, Manokhin and Gammerman 2020). See
/// docs/validation.md, "Conformal calibration".
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

/// Parameters of `conformal_predictive_system`: the score (absolute: residuals y - mu;
/// normalized: (y - mu) / sigma) and the sigma floor of `conformal_calibrator`.
using conformal_predictive_system_params = conformal_calibrator_params;

/// A split conformal predictive system: from the residuals of held-out rows, a predictive
/// cumulative distribution function for a new row that is calibrated in probability
/// whatever the model (Vovk, Shen, Manokhin and Xie 2019; Vovk, Petej, Nouretdinov,
/// Manokhin and Gammerman 2020).
///
/// `fit(X_cal, y_cal)` stores the sorted calibration residuals r_i = (y_i - mu(x_i)) / s_i,
/// s = 1 (absolute score) or sigma(x) (normalized score; mu = `model.predict`, sigma =
/// `standard_deviation` of `model.predict_distribution`). For a new row x with
/// r = (t - mu(x)) / s(x),
///
///     Q(t | x) = (#{i : r_i < r} + tau (#{i : r_i = r} + 1)) / (n + 1),
///
/// a step function of t rising from tau / (n + 1) to (n + tau) / (n + 1), with steps at
/// mu(x) + s(x) r_i: the residuals' empirical distribution moved to the new forecast. Its
/// guarantee: with exchangeable rows and tau uniform on [0, 1] (independent), Q(y | x) at
/// the outcome y is uniform on [0, 1], so P(Q(y | x) <= p) = p for every p: the forecast
/// probabilities P(y > t | x) = 1 - Q(t | x) are calibrated, marginally over x. With the
/// default tau = 0.5 (deterministic) Q(y | x) is uniform on the grid (k + 0.5) / (n + 1).
/// Where the raw model's own distribution is miscalibrated (biased, too narrow or too wide),
/// the system corrects it; it cannot make it sharper than the model's mu and sigma allow.
///
/// `conformal_predictive_system<R>` is a `Regressor` (fit on calibration rows; `predict` is
/// the model's). Thread safety: const member functions may run concurrently after `fit`.
/// @tparam R a ProbabilisticRegressor
template <ProbabilisticRegressor R>
class conformal_predictive_system {
 public:
  /// @param model  the model, fitted on rows other than the calibration rows
  /// @param params score (absolute or normalized residuals) and sigma_floor (finite, >= 0)
  /// @throws footprint::invalid_argument when sigma_floor is negative or not finite
  explicit conformal_predictive_system(R model, conformal_predictive_system_params params = {})
      : model_(std::move(model)), calibrator_(params) {}

  /// Calibrates on held-out rows.
  /// @param X_cal (n_cal, n_features) calibration rows, n_cal >= 1
  /// @param y_cal (n_cal) their outcomes, finite
  /// @return status `converged`, final_loss the mean absolute calibration residual
  /// @throws footprint::not_fitted when the model is not fitted; footprint::dimension_mismatch
  ///         when y_cal.size() != X_cal.rows(); footprint::invalid_argument on a non-finite
  ///         y_cal, an empty X_cal or (normalized) a sigma <= 0 after the floor
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

  /// Q(t | x_i) for every row at one threshold t: (n_samples), in [0, 1].
  /// @param X   (n_samples, n_features())
  /// @param t   threshold, finite, units of y (e.g. a cost limit in bps)
  /// @param tau tie-breaking variable in [0, 1] (0.5 by default)
  /// @throws footprint::not_fitted before fit; footprint::invalid_argument for a non-finite
  ///         t, tau outside [0, 1] or (normalized) a sigma <= 0; whatever the model throws
  /// Complexity: one predict (and predict_distribution) of X, O(log n_cal) per row.
  [[nodiscard]] vector cdf(matrix_cref X, double t, double tau = 0.5) const {
    vector mu;
    vector sigma;
    forecasts("cdf", X, &t, tau, mu, sigma);
    return calibrator_.cdf(mu, sigma, t, tau);
  }

  /// Q(y_i | x_i) for every row at its own threshold: (n_samples), in [0, 1]; at the
  /// outcomes these are the probability integral transforms (uniform when calibrated).
  /// @param y (n_samples) thresholds, finite
  /// @throws as cdf(X, t, tau); footprint::dimension_mismatch when y.size() != X.rows()
  [[nodiscard]] vector cdf(matrix_cref X, vector_cref y, double tau = 0.5) const {
    const std::string where = detail::concat(name, "::cdf");
    detail::require_fitted(calibrator_.is_fitted(), where);
    if (y.size() != X.rows()) throw dimension_mismatch(where, "y.size() must equal X.rows()", X.rows(), y.size());
    detail::require_finite(y, where, "y");
    vector mu;
    vector sigma;
    forecasts("cdf", X, nullptr, tau, mu, sigma);
    return calibrator_.cdf(mu, sigma, y, tau);
  }

  /// P(y > t | x_i) = 1 - Q(t | x_i) for every row: (n_samples), in [0, 1].
  /// @throws as cdf(X, t, tau)
  [[nodiscard]] vector exceedance_probability(matrix_cref X, double t, double tau = 0.5) const {
    vector mu;
    vector sigma;
    forecasts("exceedance_probability", X, &t, tau, mu, sigma);
    return calibrator_.exceedance_probability(mu, sigma, t, tau);
  }

  /// True after a successful fit (calibration).
  [[nodiscard]] bool is_fitted() const noexcept { return calibrator_.is_fitted(); }
  /// Columns of the calibration rows (0 before fit).
  [[nodiscard]] index n_features() const noexcept { return n_features_; }
  /// The calibrator: residuals, and the same functions for precomputed forecasts.
  [[nodiscard]] const conformal_calibrator& calibrator() const noexcept { return calibrator_; }
  /// The model.
  [[nodiscard]] const R& model() const noexcept { return model_; }

 private:
  static constexpr const char* name = "footprint::conformal_predictive_system";

  /// Checks (fitted, the threshold t when given, tau) and computes mu and sigma of X.
  void forecasts(const char* fn, const matrix_cref& X, const double* t, double tau, vector& mu, vector& sigma) const {
    const std::string where = detail::concat(name, "::", fn);
    detail::require_fitted(calibrator_.is_fitted(), where);
    if (t != nullptr) detail::require_finite(*t, where, "t");
    detail::conformal::check_tau(tau, where);
    detail::conformal::location_scale(model_, X, calibrator_.params().score, calibrator_.params().sigma_floor, mu,
                                      sigma, where);
  }

  R model_;
  conformal_calibrator calibrator_;
  index n_features_ = 0;
};

}  // namespace footprint
