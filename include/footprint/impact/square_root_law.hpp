/// @file impact/square_root_law.hpp
/// @brief The square-root law of market impact, I = Y sigma (Q/V)^delta, and its fit from data.
///
/// References:
/// - B. Toth, Y. Lemperiere, C. Deremble, J. de Lataillade, J. Kockelkoren, J.-P. Bouchaud
///   (2011), "Anomalous price impact and the critical nature of liquidity in financial
///   markets", Physical Review X 1, 021006: the law I(Q) = Y sigma (Q/V)^delta with delta
///   close to 1/2 and Y of order 1.
/// - J.-P. Bouchaud, J. Bonart, J. Donier, M. Gould (2018), "Trades, Quotes and Prices",
///   Cambridge University Press, chapter 12 (the square-root law).
#pragma once

#include "footprint/detail/checks.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/impact/detail/impact_power_law_fit.hpp"
#include "footprint/impact/impact_observations.hpp"
#include "footprint/impact/parameter_estimate.hpp"
#include "footprint/types.hpp"

#include <Eigen/Core>

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

namespace footprint {

/// How `square_root_law::fit` estimates Y and delta.
enum class square_root_fit_method : std::uint8_t {
  /// OLS of log(I / sigma) on log(Q/V), on the rows with I > 0 (the others are excluded and
  /// counted). Consistent for multiplicative noise; estimates the median prefactor.
  log_ols,
  /// Nonlinear least squares in levels (Levenberg-Marquardt) on every row, started from the
  /// log-OLS estimate. Consistent for additive noise; estimates the mean impact.
  nonlinear,
};

/// Name of a fit method, "log_ols" or "nonlinear".
[[nodiscard]] constexpr std::string_view to_string(square_root_fit_method m) noexcept {
  return m == square_root_fit_method::log_ols ? "log_ols" : "nonlinear";
}

/// Settings of `square_root_law::fit`.
struct square_root_law_params {
  /// The measured impact to fit. The law describes the peak impact of a metaorder (the mid
  /// move from arrival to the last fill); `total` = temporary + permanent. Pick the column
  /// that holds what you measured.
  impact_component component = impact_component::total;
  square_root_fit_method method = square_root_fit_method::nonlinear;  ///< estimator
  index max_iter = 100;                                               ///< Levenberg-Marquardt iteration budget; >= 1
  double tol = 1e-10;  ///< relative step size that stops the iterations; in (0, 1)
  /// Length of the trading session that V and sigma refer to, seconds (23,400 for a US
  /// equity day, 86,400 for crypto): `predict_cost` turns a `market_state`'s per-second
  /// volume rate and volatility into V and sigma with it; > 0.
  double session_seconds = 23400.0;
};

/// The square-root impact law I = Y sigma (Q/V)^delta, fitted to observations or set by hand.
///
/// I is the impact of a metaorder of Q shares in a market trading V shares per period with
/// return volatility sigma per the same period (Toth et al. 2011, the law stated in the
/// introduction; Bouchaud et al. 2018, ch. 12); `predict` returns it in bps (1e4 I).
///
/// It is an `ImpactModel`: `predict_cost(order, market_state)` prices an order from the
/// state's volume rate and volatility.
///
/// Usage:
/// @code
/// footprint::square_root_law law({.method = footprint::square_root_fit_method::nonlinear});
/// const footprint::fit_report r = law.fit(observations);
/// double y = law.y().value, se = law.y().robust_std_error;
/// double bps = law.predict(50'000, 2e6, 0.02);
/// @endcode
/// Thread safety: const members may be called concurrently after `fit`.
class square_root_law {
 public:
  /// An unfitted law with default settings.
  square_root_law() = default;

  /// An unfitted law with the given fit settings.
  /// @throws invalid_argument when max_iter < 1 or tol is not in (0, 1)
  explicit square_root_law(square_root_law_params params) : params_(params) {
    constexpr std::string_view where = "footprint::square_root_law";
    if (params_.max_iter < 1) {
      throw invalid_argument(detail::concat(where, ": max_iter must be >= 1 (got ", params_.max_iter, ")"));
    }
    detail::require(params_.tol > 0.0 && params_.tol < 1.0, where, "tol", "in (0, 1)", params_.tol);
    detail::require_positive(params_.session_seconds, where, "session_seconds");
  }

  /// A law with known coefficients (e.g. published ones); standard errors are NaN.
  /// @param y      prefactor Y, dimensionless; finite and > 0 (of order 1 in the literature:
  ///               Toth et al. 2011; Bouchaud et al. 2018, ch. 12)
  /// @param delta  exponent, dimensionless; finite and > 0 (about 0.5)
  /// @param params settings (`component`, `session_seconds` for `predict_cost`)
  /// @throws invalid_argument when y, delta or a setting is out of range
  [[nodiscard]] static square_root_law from_coefficients(double y, double delta, square_root_law_params params = {}) {
    constexpr std::string_view where = "footprint::square_root_law::from_coefficients";
    detail::require_positive(y, where, "y");
    detail::require_positive(delta, where, "delta");
    square_root_law law(params);
    law.fit_.coefficient = y;
    law.fit_.exponent = delta;
    law.fit_.cov_classical = matrix::Constant(2, 2, nan);
    law.fit_.cov_hc1 = matrix::Constant(2, 2, nan);
    law.fit_.report.message = "set from coefficients";
    law.fitted_ = true;
    return law;
  }

  /// Fits Y and delta to observations (Toth et al. 2011; Bouchaud et al. 2018, ch. 12).
  ///
  /// Minimises sum_i w_i (I_i - 1e4 Y sigma_i (Q_i/V_i)^delta)^2 over rows i (nonlinear), or
  /// regresses log(I_i / (1e4 sigma_i)) on log(Q_i/V_i) over rows with I_i > 0 (log_ols).
  /// Standard errors: classical and HC1, from the Jacobian at the solution (nonlinear) or
  /// the OLS design with the delta method for Y = exp(intercept) (log_ols). To fit binned
  /// means, pass `bin_by_participation(obs, k)`.
  ///
  /// @param obs observations; uses quantity, volume, volatility, weights and the impact
  ///            columns of `params().component`
  /// @return the fit report: converged, or max_iter (the estimates are then the last
  ///         iterate); its message counts rows excluded by log_ols
  /// @throws invalid_argument as `impact_observations::validate`, when a needed impact
  ///         column is empty, or when fewer than 3 rows are usable
  /// @throws convergence_error when Q/V takes a single value (delta is not identified) or
  ///         the loss is not finite
  /// Complexity: O(n) per iteration; typically under 20 iterations.
  template <class = void>  // compiled only where a law is fitted (see impact/detail/impact_least_squares.hpp)
  fit_report fit(const impact_observations& obs) {
    constexpr std::string_view where = "footprint::square_root_law::fit";
    obs.validate(where);
    const vector impact = obs.impact_bps(params_.component, where);
    fit_ = detail::impact_fit_power_law(obs.participation(), obs.volatility, impact, obs.weights_or_ones(),
                                        params_.method == square_root_fit_method::log_ols
                                            ? detail::impact_power_law_method::log_ols
                                            : detail::impact_power_law_method::nonlinear,
                                        nan, params_.max_iter, params_.tol, where);
    fitted_ = true;
    return fit_.report;
  }

  /// Predicted impact 1e4 Y sigma (Q/V)^delta, bps of the arrival mid.
  /// @param quantity   Q, shares; finite and > 0
  /// @param volume     V, shares per period; finite and > 0
  /// @param volatility sigma, fractional per the same period; finite and > 0
  /// @throws not_fitted before `fit` or `from_coefficients`
  /// @throws invalid_argument when an argument is out of range
  [[nodiscard]] double predict(double quantity, double volume, double volatility) const {
    constexpr std::string_view where = "footprint::square_root_law::predict";
    require_fitted(where);
    detail::require_positive(quantity, where, "quantity");
    detail::require_positive(volume, where, "volume");
    detail::require_positive(volatility, where, "volatility");
    return 1e4 * fit_.coefficient * volatility * std::pow(quantity / volume, fit_.exponent);
  }

  /// The cost of an order in a market state (`ImpactModel`): the law with V = volume_rate x
  /// session_seconds and sigma = volatility x sqrt(session_seconds), so that sigma sqrt(Q/V)
  /// = volatility sqrt(Q / volume_rate) whatever the session when delta = 0.5. The law has no
  /// horizon: the impact of a metaorder depends on Q/V, not on how long it takes (Toth et al.
  /// 2011).
  /// @param o an order with quantity > 0 and horizon >= 0 (its side only sets the sign
  ///          convention: costs are positive for buys and sells)
  /// @param s the market: `volume_rate` (quantity per second) and `volatility` (per
  ///          sqrt(second)), each finite and > 0
  /// @return expected_bps = the law; std_bps = the residual std of a nonlinear fit, or for
  ///         log_ols the spread of a lognormal with the fit's log residual std, NaN for a law
  ///         set from coefficients; the part named by `params().component` (temporary or
  ///         permanent) set too, the other NaN (both NaN for `total`)
  /// @throws not_fitted before `fit` or `from_coefficients`; invalid_argument for an order
  ///         or state out of range
  [[nodiscard]] cost_estimate predict_cost(const order& o, const market_state& s) const {
    constexpr std::string_view where = "footprint::square_root_law::predict_cost";
    require_fitted(where);
    detail::require_positive(o.quantity, where, "order quantity");
    detail::require(o.horizon.count() >= 0, where, "order horizon", ">= 0", static_cast<double>(o.horizon.count()));
    detail::require_positive(s.volume_rate, where, "market_state volume_rate");
    detail::require_positive(s.volatility, where, "market_state volatility");
    const double session = params_.session_seconds;
    const double bps = predict(o.quantity, s.volume_rate * session, s.volatility * std::sqrt(session));
    double std = fit_.residual_std;
    if (params_.method == square_root_fit_method::log_ols) std = bps * std::sqrt(std::expm1(std * std));
    cost_estimate c{.expected_bps = bps, .std_bps = std};
    if (params_.component == impact_component::temporary) c.temporary_bps = bps;
    if (params_.component == impact_component::permanent) c.permanent_bps = bps;
    return c;
  }

  /// Predicted impact for every row of `obs` (its impact columns are ignored), bps; shape (n).
  /// @throws not_fitted before `fit`; invalid_argument as `impact_observations::validate`
  [[nodiscard]] vector predict(const impact_observations& obs) const {
    constexpr std::string_view where = "footprint::square_root_law::predict";
    require_fitted(where);
    obs.validate(where);
    return (1e4 * fit_.coefficient * obs.volatility.array() * obs.participation().array().pow(fit_.exponent)).matrix();
  }

  /// True after a successful `fit` or `from_coefficients`.
  [[nodiscard]] bool is_fitted() const noexcept { return fitted_; }

  /// The prefactor Y (dimensionless) with its standard errors. @throws not_fitted before fit
  [[nodiscard]] parameter_estimate y() const { return estimate(0, "footprint::square_root_law::y"); }
  /// The exponent delta (dimensionless) with its standard errors. @throws not_fitted before fit
  [[nodiscard]] parameter_estimate delta() const { return estimate(1, "footprint::square_root_law::delta"); }

  /// Covariance of (Y, delta), shape (2, 2). @throws not_fitted before fit
  [[nodiscard]] matrix covariance(covariance_estimator e = covariance_estimator::classical) const {
    require_fitted("footprint::square_root_law::covariance");
    return e == covariance_estimator::classical ? fit_.cov_classical : fit_.cov_hc1;
  }

  /// Residual standard deviation sqrt(sum w r^2 / (n - 2)): bps for the nonlinear fit,
  /// natural-log units for log_ols. @throws not_fitted before fit
  [[nodiscard]] double residual_std() const {
    require_fitted("footprint::square_root_law::residual_std");
    return fit_.residual_std;
  }
  /// Weighted R^2 of the fit, in the units of the fit (levels or logs). @throws not_fitted
  [[nodiscard]] double r2() const {
    require_fitted("footprint::square_root_law::r2");
    return fit_.r2;
  }
  /// Rows used by the last fit. @throws not_fitted before fit
  [[nodiscard]] index n_used() const {
    require_fitted("footprint::square_root_law::n_used");
    return fit_.n_used;
  }
  /// Rows the last fit excluded (log_ols: impact <= 0; nonlinear: 0). @throws not_fitted
  [[nodiscard]] index n_excluded() const {
    require_fitted("footprint::square_root_law::n_excluded");
    return fit_.n_excluded;
  }
  /// The report of the last fit. @throws not_fitted before fit
  [[nodiscard]] const fit_report& report() const {
    require_fitted("footprint::square_root_law::report");
    return fit_.report;
  }
  /// The fit settings.
  [[nodiscard]] const square_root_law_params& params() const noexcept { return params_; }

 private:
  void require_fitted(std::string_view where) const {
    if (!fitted_) throw not_fitted(std::string(where));
  }
  [[nodiscard]] parameter_estimate estimate(index k, std::string_view where) const {
    require_fitted(where);
    return {.value = k == 0 ? fit_.coefficient : fit_.exponent,
            .std_error = std::sqrt(fit_.cov_classical(k, k)),
            .robust_std_error = std::sqrt(fit_.cov_hc1(k, k))};
  }

  square_root_law_params params_{};
  detail::impact_power_law_fit fit_{};
  bool fitted_ = false;
};

}  // namespace footprint
