/// @file validation/conformal_calibrator.hpp
/// @brief `conformal_calibrator`: split conformal intervals and a split conformal predictive
/// system on precomputed forecasts (y, mu, sigma), for code that holds per-row predicted
/// means and standard deviations rather than a model (backtests, pre-trade reports). See
/// docs/validation.md, "Conformal calibration".
///
/// A cheap header: the standard library, Eigen/Core through types.hpp, and the checks.
#pragma once

#include "footprint/detail/checks.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/types.hpp"
#include "footprint/validation/conformal_scores.hpp"
#include "footprint/validation/detail/conformal.hpp"

#include <algorithm>
#include <cmath>
#include <span>
#include <utility>
#include <vector>

namespace footprint {

/// Parameters of `conformal_calibrator` (and of `split_conformal` and
/// `conformal_predictive_system`), validated by the constructor.
struct conformal_calibrator_params {
  conformal_score score = conformal_score::absolute;  ///< absolute |y - mu| or normalized |y - mu| / sigma
  /// normalized score: each sigma is raised to this floor before dividing, >= 0, units of y
  /// (0: sigma must be > 0 on every row). A floor keeps rows whose model reports a zero
  /// spread (a quantile-forest leaf with one target) usable.
  double sigma_floor = 0.0;
};

/// Split conformal calibration of forecasts (mu, sigma) on held-out rows, giving intervals
/// with finite-sample coverage and a calibrated predictive distribution.
///
/// `fit(y, mu, sigma)` stores the signed residuals r_i = (y_i - mu_i) / s_i of n calibration
/// rows, with s_i = 1 (absolute score) or max(sigma_i, sigma_floor) (normalized score),
/// sorted, and their absolute values, the scores. Then, for a new row (mu, sigma) and
/// s = 1 or max(sigma, sigma_floor):
/// - **interval** at miscoverage alpha: [mu - Q s, mu + Q s] with Q the
///   ceil((n + 1)(1 - alpha))-th smallest score (+inf when that exceeds n). If the
///   calibration rows and the new row are exchangeable, P(y in interval) >= 1 - alpha, and
///   < 1 - alpha + 1/(n + 1) without ties (Lei et al. 2018, Theorem 2.2; Angelopoulos and
///   Bates 2021, sec. 1). The guarantee is marginal, over rows, not conditional on x.
/// - **predictive distribution** (the split conformal predictive system; Vovk, Shen,
///   Manokhin and Xie 2017/2019; Vovk, Petej, Nouretdinov, Manokhin and Gammerman 2020):
///   Q(t) = (#{r_i < r} + tau (#{r_i = r} + 1)) / (n + 1) with r = (t - mu) / s, so that
///   Q(t) = (i + tau) / (n + 1) between the i-th and (i+1)-th smallest of mu + s r_i. With
///   tau drawn uniform on [0, 1], independently of the data, the value at the outcome, Q(y),
///   is exactly uniform on [0, 1] (the validity of split conformal predictive systems; Vovk
///   et al. 2020); the default tau = 0.5 is deterministic and within 1/(2(n + 1)) of
///   such a draw. P(y > t) = 1 - Q(t).
///
/// With the absolute score, sigma is not used (pass any values of the right size, e.g.
/// ones); the checks of its size still apply. Intervals of the absolute score have one width
/// everywhere; the normalized score makes them proportional to sigma, and so closer to
/// conditional coverage where sigma tracks the noise (Lei et al. 2018, sec. 5.2).
///
/// Rows are observations: y, mu and sigma have shape (n_samples). Thread safety: const
/// member functions may run concurrently after `fit`.
class conformal_calibrator {
 public:
  /// An absolute-score calibrator.
  conformal_calibrator() : conformal_calibrator(conformal_calibrator_params{}) {}

  /// @param params score and sigma_floor (finite, >= 0)
  /// @throws footprint::invalid_argument when sigma_floor is negative or not finite
  explicit conformal_calibrator(conformal_calibrator_params params) : params_(params) {
    detail::require_non_negative(params_.sigma_floor, name, "sigma_floor");
  }

  /// Calibrates on held-out rows: forecasts made without these rows' outcomes.
  /// @param y     (n_samples) outcomes, finite, n_samples >= 1
  /// @param mu    (n_samples) point forecasts, finite, units of y
  /// @param sigma (n_samples) scales (predictive standard deviations), units of y; with the
  ///              normalized score finite and max(sigma, sigma_floor) > 0
  /// @return status `converged`, iterations 0, final_loss the mean score (units of the score)
  /// @throws footprint::dimension_mismatch when mu or sigma has a size other than y's;
  ///         footprint::invalid_argument when y is empty, on a non-finite y or mu or a bad
  ///         sigma (naming the row)
  /// Complexity: O(n log n).
  fit_report fit(vector_cref y, vector_cref mu, vector_cref sigma) {
    const std::string where = detail::concat(name, "::fit");
    if (y.size() < 1) throw invalid_argument(detail::concat(where, ": needs at least one calibration row (got 0)"));
    detail::conformal::check_same_size(y, mu, where, "y", "mu");
    detail::conformal::check_same_size(y, sigma, where, "y", "sigma");
    detail::require_finite(y, where, "y");
    detail::require_finite(mu, where, "mu");
    std::vector<double> r(static_cast<std::size_t>(y.size()));
    for (index i = 0; i < y.size(); ++i) r[static_cast<std::size_t>(i)] = (y[i] - mu[i]) / scale(sigma[i], i, where);
    std::vector<double> s(r.size());
    std::transform(r.begin(), r.end(), s.begin(), [](double v) { return std::abs(v); });
    std::sort(r.begin(), r.end());
    std::sort(s.begin(), s.end());
    residuals_ = std::move(r);
    scores_ = std::move(s);
    fitted_ = true;
    double total = 0.0;
    for (const double v : scores_) total += v;
    return {fit_status::converged, 0, total / static_cast<double>(scores_.size()), ""};
  }

  /// True after a successful fit.
  [[nodiscard]] bool is_fitted() const noexcept { return fitted_; }
  /// The parameters.
  [[nodiscard]] const conformal_calibrator_params& params() const noexcept { return params_; }
  /// Calibration rows of the last fit (0 before).
  [[nodiscard]] index n_calibration() const noexcept { return static_cast<index>(scores_.size()); }
  /// Sorted signed residuals (y - mu) / s of the calibration rows. @throws not_fitted
  [[nodiscard]] std::span<const double> residuals() const {
    detail::require_fitted(fitted_, detail::concat(name, "::residuals"));
    return residuals_;
  }
  /// Sorted scores |y - mu| / s of the calibration rows. @throws not_fitted
  [[nodiscard]] std::span<const double> scores() const {
    detail::require_fitted(fitted_, detail::concat(name, "::scores"));
    return scores_;
  }

  /// The calibration quantile Q: the ceil((n + 1)(1 - alpha))-th smallest score, +inf when
  /// that exceeds n (units of y for the absolute score, of sigma for the normalized one).
  /// @param alpha miscoverage level in (0, 1)
  /// @throws footprint::not_fitted before fit; footprint::invalid_argument for alpha outside (0, 1)
  [[nodiscard]] double score_quantile(double alpha) const {
    const std::string where = detail::concat(name, "::score_quantile");
    detail::require_fitted(fitted_, where);
    detail::conformal::check_alpha(alpha, where);
    return detail::conformal::sorted_quantile(scores_, alpha);
  }

  /// Conformal intervals [mu - Q s, mu + Q s] at miscoverage alpha, (n_samples, 2): column 0
  /// the lower, column 1 the upper bound, units of y; (-inf, +inf) when Q is infinite.
  /// @param mu    (n_samples) point forecasts, finite
  /// @param sigma (n_samples) scales (used by the normalized score)
  /// @param alpha miscoverage level in (0, 1)
  /// @throws footprint::not_fitted before fit; footprint::dimension_mismatch when
  ///         sigma.size() != mu.size(); footprint::invalid_argument for alpha outside (0, 1),
  ///         a non-finite mu or a bad sigma
  [[nodiscard]] matrix predict_interval(vector_cref mu, vector_cref sigma, double alpha) const {
    const std::string where = detail::concat(name, "::predict_interval");
    check_forecasts(where, mu, sigma);
    detail::conformal::check_alpha(alpha, where);
    const double q = detail::conformal::sorted_quantile(scores_, alpha);
    matrix out(mu.size(), 2);
    for (index i = 0; i < mu.size(); ++i) {
      const double w = q * scale(sigma[i], i, where);
      out(i, 0) = mu[i] - w;
      out(i, 1) = mu[i] + w;
    }
    return out;
  }

  /// One row's conformal interval (lower, upper), units of y. @throws as predict_interval
  [[nodiscard]] std::pair<double, double> predict_interval_row(double mu, double sigma, double alpha) const {
    const std::string where = detail::concat(name, "::predict_interval_row");
    check_row(where, mu);
    detail::conformal::check_alpha(alpha, where);
    const double w = detail::conformal::sorted_quantile(scores_, alpha) * scale(sigma, 0, where);
    return {mu - w, mu + w};
  }

  /// The conformal predictive distribution at one threshold for every row: Q(t | row i),
  /// (n_samples), in [0, 1] (see the class comment).
  /// @param mu    (n_samples) point forecasts, finite; @param sigma (n_samples) scales
  /// @param t     threshold, finite, units of y
  /// @param tau   tie-breaking variable in [0, 1]; 0.5 by default, uniform draws for an exactly
  ///              uniform Q(y)
  /// @throws as predict_interval; footprint::invalid_argument for a non-finite t or tau
  ///         outside [0, 1]
  /// Complexity: O(log n) per row.
  [[nodiscard]] vector cdf(vector_cref mu, vector_cref sigma, double t, double tau = 0.5) const {
    const std::string where = detail::concat(name, "::cdf");
    check_forecasts(where, mu, sigma);
    detail::require_finite(t, where, "t");
    detail::conformal::check_tau(tau, where);
    vector out(mu.size());
    for (index i = 0; i < mu.size(); ++i) out[i] = rank_of(t, mu[i], scale(sigma[i], i, where), tau);
    return out;
  }

  /// The conformal predictive distribution of row i at its own threshold y_i, (n_samples):
  /// with y the outcomes these are the probability integral transforms, uniform when
  /// calibrated. @param y (n_samples), finite. @throws as cdf(mu, sigma, t, tau), and
  /// footprint::dimension_mismatch when y.size() != mu.size()
  [[nodiscard]] vector cdf(vector_cref mu, vector_cref sigma, vector_cref y, double tau = 0.5) const {
    const std::string where = detail::concat(name, "::cdf");
    check_forecasts(where, mu, sigma);
    detail::conformal::check_same_size(mu, y, where, "mu", "y");
    detail::require_finite(y, where, "y");
    detail::conformal::check_tau(tau, where);
    vector out(mu.size());
    for (index i = 0; i < mu.size(); ++i) out[i] = rank_of(y[i], mu[i], scale(sigma[i], i, where), tau);
    return out;
  }

  /// P(y > t | row i) = 1 - Q(t | row i) for every row, (n_samples), in [0, 1].
  /// @throws as cdf(mu, sigma, t, tau)
  [[nodiscard]] vector exceedance_probability(vector_cref mu, vector_cref sigma, double t, double tau = 0.5) const {
    return vector::Ones(mu.size()) - cdf(mu, sigma, t, tau);
  }

  /// One row's Q(t), in [0, 1]. @throws as cdf(mu, sigma, t, tau)
  [[nodiscard]] double cdf_row(double mu, double sigma, double t, double tau = 0.5) const {
    const std::string where = detail::concat(name, "::cdf_row");
    check_row(where, mu);
    detail::require_finite(t, where, "t");
    detail::conformal::check_tau(tau, where);
    return rank_of(t, mu, scale(sigma, 0, where), tau);
  }

  /// One row's P(y > t) = 1 - Q(t), in [0, 1]. @throws as cdf(mu, sigma, t, tau)
  [[nodiscard]] double exceedance_probability_row(double mu, double sigma, double t, double tau = 0.5) const {
    return 1.0 - cdf_row(mu, sigma, t, tau);
  }

 private:
  static constexpr const char* name = "footprint::conformal_calibrator";

  /// 1 for the absolute score; max(sigma, sigma_floor), checked, for the normalized one.
  [[nodiscard]] double scale(double sigma, index i, std::string_view where) const {
    if (params_.score == conformal_score::absolute) return 1.0;
    return detail::conformal::scale(sigma, params_.sigma_floor, i, where);
  }

  [[nodiscard]] double rank_of(double t, double mu, double s, double tau) const noexcept {
    return detail::conformal::smoothed_rank(residuals_, (t - mu) / s, tau);
  }

  void check_forecasts(const std::string& where, const vector_cref& mu, const vector_cref& sigma) const {
    detail::require_fitted(fitted_, where);
    detail::conformal::check_same_size(mu, sigma, where, "mu", "sigma");
    detail::require_finite(mu, where, "mu");
  }

  void check_row(const std::string& where, double mu) const {
    detail::require_fitted(fitted_, where);
    detail::require_finite(mu, where, "mu");
  }

  conformal_calibrator_params params_;
  std::vector<double> residuals_;  ///< sorted (y - mu) / s
  std::vector<double> scores_;     ///< sorted |y - mu| / s
  bool fitted_ = false;
};

}  // namespace footprint
