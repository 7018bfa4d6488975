/// @file impact/power_law_impact.hpp
/// @brief The permanent and temporary power laws of Almgren, Thum, Hauptmann and Li (2005)
/// and their fit from data.
///
/// Reference: R. Almgren, C. Thum, E. Hauptmann, H. Li (2005), "Direct estimation of equity
/// market impact", Risk 18(7), 57-62 (preprint of May 10, 2005). Section 3 ("Trajectory cost
/// model") defines the permanent impact I, the realized impact J and the temporary impact
/// J - I/2; section 4 fits the power laws below across stocks, the permanent one with an
/// extra inverse-turnover factor (Theta/V)^delta (Theta: shares outstanding; delta about
/// 1/4) that footprint does not model (fold it into gamma, or fit per liquidity bucket).
#pragma once

#include "footprint/detail/checks.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/impact/detail/impact_power_law_fit.hpp"
#include "footprint/impact/impact_observations.hpp"
#include "footprint/impact/parameter_estimate.hpp"
#include "footprint/types.hpp"

#include <Eigen/Core>

#include <chrono>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

namespace footprint {

/// Settings of `power_law_impact`.
struct power_law_impact_params {
  /// Length of the period that V and sigma refer to, seconds: converts the duration T of an
  /// observation (seconds) into periods in X/(V T). Default: a 6.5-hour trading day, as V is
  /// usually an average daily volume; > 0.
  double session_seconds = 23400.0;
  /// NaN to estimate alpha; a finite value > 0 holds alpha there. Almgren et al. fix
  /// alpha = 1 (linear permanent impact, the no-arbitrage form) after estimating it.
  double fixed_alpha = nan;
  index max_iter = 100;  ///< Levenberg-Marquardt iteration budget; >= 1
  double tol = 1e-10;    ///< relative step size that stops the iterations; in (0, 1)
};

/// The power laws of Almgren, Thum, Hauptmann and Li (2005), fitted or set by hand.
///
/// - permanent: I = gamma sigma (X/V)^alpha
/// - temporary: K = J - I/2 = eta sigma (X/(V T))^beta
///
/// with X the shares of the metaorder, V the volume per period, sigma the volatility per
/// period and T the duration in periods (`session_seconds`). Each law is fitted by
/// nonlinear least squares in levels (Levenberg-Marquardt, started from OLS on logs) with
/// classical and HC1 standard errors from the Jacobian. The published estimates (Almgren et
/// al. 2005, section 4.3, Citigroup US equity trades; one-sigma errors as tabulated in the
/// open-source DROP library, `org.drip.execution.athl.CalibrationEmpirics`) are
/// alpha = 0.891 +- 0.10, gamma = 0.314 +- 0.041 (with alpha set to 1),
/// beta = 0.600 +- 0.038 and eta = 0.142 +- 0.0062.
///
/// Thread safety: const members may be called concurrently after `fit`.
class power_law_impact {
 public:
  /// An unfitted model with default settings.
  power_law_impact() = default;

  /// An unfitted model with the given settings.
  /// @throws invalid_argument when session_seconds is not finite and > 0, fixed_alpha is
  ///         neither NaN nor finite and > 0, max_iter < 1 or tol not in (0, 1)
  explicit power_law_impact(power_law_impact_params params) : params_(params) {
    constexpr std::string_view where = "footprint::power_law_impact";
    detail::require_positive(params_.session_seconds, where, "session_seconds");
    detail::require(
        std::isnan(params_.fixed_alpha) || (std::isfinite(params_.fixed_alpha) && params_.fixed_alpha > 0.0), where,
        "fixed_alpha", "NaN or finite and > 0", params_.fixed_alpha);
    if (params_.max_iter < 1) {
      throw invalid_argument(detail::concat(where, ": max_iter must be >= 1 (got ", params_.max_iter, ")"));
    }
    detail::require(params_.tol > 0.0 && params_.tol < 1.0, where, "tol", "in (0, 1)", params_.tol);
  }

  /// A model with known coefficients (e.g. the published ones); standard errors are NaN.
  /// @param gamma, alpha permanent coefficient and exponent, dimensionless; finite and > 0
  /// @param eta, beta    temporary coefficient and exponent, dimensionless; finite and > 0
  /// @param params       settings (session_seconds is used by predictions)
  /// @throws invalid_argument when a coefficient is out of range, or as the constructor
  [[nodiscard]] static power_law_impact from_coefficients(double gamma, double alpha, double eta, double beta,
                                                          power_law_impact_params params = {}) {
    constexpr std::string_view where = "footprint::power_law_impact::from_coefficients";
    detail::require_positive(gamma, where, "gamma");
    detail::require_positive(alpha, where, "alpha");
    detail::require_positive(eta, where, "eta");
    detail::require_positive(beta, where, "beta");
    power_law_impact m(params);
    for (auto* f : {&m.permanent_, &m.temporary_}) {
      f->cov_classical = matrix::Constant(2, 2, nan);
      f->cov_hc1 = matrix::Constant(2, 2, nan);
      f->report.message = "set from coefficients";
    }
    m.permanent_.coefficient = gamma;
    m.permanent_.exponent = alpha;
    m.temporary_.coefficient = eta;
    m.temporary_.exponent = beta;
    m.fitted_ = true;
    return m;
  }

  /// Fits gamma, alpha (permanent) and eta, beta (temporary) to observations.
  ///
  /// Permanent: minimises sum_i w_i (I_i - 1e4 gamma sigma_i (X_i/V_i)^alpha)^2 over every row.
  /// Temporary: minimises sum_i w_i (K_i - 1e4 eta sigma_i (X_i/(V_i T_i))^beta)^2 over the
  /// rows with T_i > 0; rows with T_i = 0 (single market orders: the rate X/T is undefined)
  /// are excluded, counted in `n_excluded()` and named in the report.
  ///
  /// @param obs observations; uses quantity, volume, volatility, duration, permanent_bps,
  ///            temporary_bps (= J - I/2, see `impact_observations`) and weights
  /// @return a combined report: converged when both fits converged, else the first other
  ///         status; the message gives both fits' iterations and the excluded rows
  /// @throws invalid_argument as `impact_observations::validate`, when duration,
  ///         permanent_bps or temporary_bps is empty, or when a fit has fewer than 3 rows
  /// @throws convergence_error when a design is singular (participation takes one value)
  /// Complexity: O(n) per iteration.
  template <class = void>  // compiled only where a law is fitted (see impact/detail/impact_least_squares.hpp)
  fit_report fit(const impact_observations& obs) {
    constexpr std::string_view where = "footprint::power_law_impact::fit";
    obs.validate(where);
    if (obs.duration.size() == 0) {
      throw invalid_argument(detail::concat(where, ": duration is empty (the temporary fit needs it)"));
    }
    const vector perm = obs.impact_bps(impact_component::permanent, where);
    const vector temp = obs.impact_bps(impact_component::temporary, where);
    const vector w = obs.weights_or_ones();
    const index n = obs.size();

    detail::impact_power_law_fit permanent = detail::impact_fit_power_law(
        obs.participation(), obs.volatility, perm, w, detail::impact_power_law_method::nonlinear, params_.fixed_alpha,
        params_.max_iter, params_.tol, where);

    std::vector<index> rows;
    for (index i = 0; i < n; ++i) {
      if (obs.duration[i] > 0.0) rows.push_back(i);
    }
    const auto m = static_cast<index>(rows.size());
    vector x(m), s(m), k(m), wt(m);
    for (index j = 0; j < m; ++j) {
      const index i = rows[static_cast<std::size_t>(j)];
      x[j] = obs.quantity[i] / (obs.volume[i] * obs.duration[i] / params_.session_seconds);
      s[j] = obs.volatility[i];
      k[j] = temp[i];
      wt[j] = w[i];
    }
    detail::impact_power_law_fit temporary = detail::impact_fit_power_law(
        x, s, k, wt, detail::impact_power_law_method::nonlinear, nan, params_.max_iter, params_.tol, where);
    temporary.n_excluded = n - m;

    permanent_ = std::move(permanent);
    temporary_ = std::move(temporary);
    fitted_ = true;

    fit_report r;
    r.status = permanent_.report.ok() ? temporary_.report.status : permanent_.report.status;
    r.iterations = permanent_.report.iterations + temporary_.report.iterations;
    r.final_loss = nan;
    r.message = detail::concat("permanent: ", to_string(permanent_.report.status), " in ", permanent_.report.iterations,
                               " iterations; temporary: ", to_string(temporary_.report.status), " in ",
                               temporary_.report.iterations, " iterations; ", n - m, " of ", n,
                               " rows excluded from the temporary fit (duration 0)");
    return r;
  }

  /// Permanent impact 1e4 gamma sigma (X/V)^alpha, bps of the arrival mid.
  /// @param quantity X, shares; volume V, shares per period; volatility sigma, fractional per
  ///        period; each finite and > 0
  /// @throws not_fitted before `fit`; invalid_argument when an argument is out of range
  [[nodiscard]] double predict_permanent(double quantity, double volume, double volatility) const {
    constexpr std::string_view where = "footprint::power_law_impact::predict_permanent";
    require_fitted(where);
    check(quantity, volume, volatility, where);
    return 1e4 * permanent_.coefficient * volatility * std::pow(quantity / volume, permanent_.exponent);
  }

  /// Temporary impact 1e4 eta sigma (X/(V T))^beta, bps of the arrival mid, T in periods.
  /// @param quantity, volume, volatility as `predict_permanent`
  /// @param duration T, seconds; finite and > 0
  /// @throws not_fitted before `fit`; invalid_argument when an argument is out of range
  [[nodiscard]] double predict_temporary(double quantity, double volume, double volatility, double duration) const {
    constexpr std::string_view where = "footprint::power_law_impact::predict_temporary";
    require_fitted(where);
    check(quantity, volume, volatility, where);
    detail::require_positive(duration, where, "duration");
    const double rate = quantity / (volume * duration / params_.session_seconds);
    return 1e4 * temporary_.coefficient * volatility * std::pow(rate, temporary_.exponent);
  }

  /// Realized impact J = I/2 + K (Almgren et al. 2005, section 3): the expected cost of
  /// the metaorder against the arrival mid, bps. Same parameters and exceptions as
  /// `predict_temporary`.
  [[nodiscard]] double predict_realized(double quantity, double volume, double volatility, double duration) const {
    return 0.5 * predict_permanent(quantity, volume, volatility) +
           predict_temporary(quantity, volume, volatility, duration);
  }

  /// The cost of an order in a market state (`ImpactModel`): the realized impact J = I/2 + K
  /// of the metaorder executed over its horizon (Almgren et al. 2005, section 3), with V =
  /// volume_rate x session_seconds and sigma = volatility x sqrt(session_seconds).
  /// @param o an order with quantity > 0 and horizon > 0 (K needs a trading rate)
  /// @param s the market: `volume_rate` (quantity per second) and `volatility` (per
  ///          sqrt(second)), each finite and > 0
  /// @return expected_bps = J; permanent_bps = I/2 (the part of the permanent move a linear
  ///         execution pays); temporary_bps = K; std_bps = sqrt(s_I^2 / 4 + s_K^2) from the
  ///         fits' residual stds (NaN for a model set from coefficients)
  /// @throws not_fitted before `fit` or `from_coefficients`; invalid_argument for an order
  ///         or state out of range
  [[nodiscard]] cost_estimate predict_cost(const order& o, const market_state& s) const {
    constexpr std::string_view where = "footprint::power_law_impact::predict_cost";
    require_fitted(where);
    const double seconds = std::chrono::duration<double>(o.horizon).count();
    detail::require_positive(seconds, where, "order horizon (seconds)");
    detail::require_positive(s.volume_rate, where, "market_state volume_rate");
    detail::require_positive(s.volatility, where, "market_state volatility");
    const double volume = s.volume_rate * params_.session_seconds;
    const double sigma = s.volatility * std::sqrt(params_.session_seconds);
    const double permanent = 0.5 * predict_permanent(o.quantity, volume, sigma);
    const double temporary = predict_temporary(o.quantity, volume, sigma, seconds);
    const double sp = permanent_.residual_std, st = temporary_.residual_std;
    return {.expected_bps = permanent + temporary,
            .std_bps = std::sqrt(0.25 * sp * sp + st * st),
            .temporary_bps = temporary,
            .permanent_bps = permanent};
  }

  /// True after a successful `fit` or `from_coefficients`.
  [[nodiscard]] bool is_fitted() const noexcept { return fitted_; }

  /// gamma, the permanent coefficient (dimensionless). @throws not_fitted before fit
  [[nodiscard]] parameter_estimate gamma() const { return estimate(permanent_, 0, "gamma"); }
  /// alpha, the permanent exponent (dimensionless; errors 0 when fixed). @throws not_fitted
  [[nodiscard]] parameter_estimate alpha() const { return estimate(permanent_, 1, "alpha"); }
  /// eta, the temporary coefficient (dimensionless). @throws not_fitted before fit
  [[nodiscard]] parameter_estimate eta() const { return estimate(temporary_, 0, "eta"); }
  /// beta, the temporary exponent (dimensionless). @throws not_fitted before fit
  [[nodiscard]] parameter_estimate beta() const { return estimate(temporary_, 1, "beta"); }

  /// Covariance of (gamma, alpha), shape (2, 2). @throws not_fitted before fit
  [[nodiscard]] matrix permanent_covariance(covariance_estimator e = covariance_estimator::classical) const {
    require_fitted("footprint::power_law_impact::permanent_covariance");
    return e == covariance_estimator::classical ? permanent_.cov_classical : permanent_.cov_hc1;
  }
  /// Covariance of (eta, beta), shape (2, 2). @throws not_fitted before fit
  [[nodiscard]] matrix temporary_covariance(covariance_estimator e = covariance_estimator::classical) const {
    require_fitted("footprint::power_law_impact::temporary_covariance");
    return e == covariance_estimator::classical ? temporary_.cov_classical : temporary_.cov_hc1;
  }
  /// Residual std of the permanent fit, bps. @throws not_fitted before fit
  [[nodiscard]] double permanent_residual_std() const {
    require_fitted("footprint::power_law_impact::permanent_residual_std");
    return permanent_.residual_std;
  }
  /// Residual std of the temporary fit, bps. @throws not_fitted before fit
  [[nodiscard]] double temporary_residual_std() const {
    require_fitted("footprint::power_law_impact::temporary_residual_std");
    return temporary_.residual_std;
  }
  /// Rows in the permanent fit. @throws not_fitted before fit
  [[nodiscard]] index n_permanent() const {
    require_fitted("footprint::power_law_impact::n_permanent");
    return permanent_.n_used;
  }
  /// Rows in the temporary fit. @throws not_fitted before fit
  [[nodiscard]] index n_temporary() const {
    require_fitted("footprint::power_law_impact::n_temporary");
    return temporary_.n_used;
  }
  /// Rows excluded from the temporary fit because their duration is 0. @throws not_fitted
  [[nodiscard]] index n_excluded() const {
    require_fitted("footprint::power_law_impact::n_excluded");
    return temporary_.n_excluded;
  }
  /// Report of the permanent fit. @throws not_fitted before fit
  [[nodiscard]] const fit_report& permanent_report() const {
    require_fitted("footprint::power_law_impact::permanent_report");
    return permanent_.report;
  }
  /// Report of the temporary fit. @throws not_fitted before fit
  [[nodiscard]] const fit_report& temporary_report() const {
    require_fitted("footprint::power_law_impact::temporary_report");
    return temporary_.report;
  }
  /// The settings.
  [[nodiscard]] const power_law_impact_params& params() const noexcept { return params_; }

 private:
  void require_fitted(std::string_view where) const {
    if (!fitted_) throw not_fitted(std::string(where));
  }
  static void check(double quantity, double volume, double volatility, std::string_view where) {
    detail::require_positive(quantity, where, "quantity");
    detail::require_positive(volume, where, "volume");
    detail::require_positive(volatility, where, "volatility");
  }
  [[nodiscard]] parameter_estimate estimate(const detail::impact_power_law_fit& f, index k, const char* name) const {
    require_fitted(detail::concat("footprint::power_law_impact::", name));
    return {.value = k == 0 ? f.coefficient : f.exponent,
            .std_error = std::sqrt(f.cov_classical(k, k)),
            .robust_std_error = std::sqrt(f.cov_hc1(k, k))};
  }

  power_law_impact_params params_{};
  detail::impact_power_law_fit permanent_{};
  detail::impact_power_law_fit temporary_{};
  bool fitted_ = false;
};

}  // namespace footprint
