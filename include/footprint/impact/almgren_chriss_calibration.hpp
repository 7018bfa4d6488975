/// @file impact/almgren_chriss_calibration.hpp
/// @brief Calibrates the linear Almgren-Chriss impact coefficients gamma, eta and epsilon
/// from observed metaorders, with classical and HC1 standard errors.
///
/// The Almgren-Chriss model (R. Almgren and N. Chriss, "Optimal execution of portfolio
/// transactions", Journal of Risk 3(2), 2000) has linear permanent impact g(v) = gamma v
/// and linear temporary impact h(v) = epsilon sgn(v) + eta v. Over a
/// metaorder of Q shares traded at a constant rate Q/T, in the continuous-time limit:
/// - the permanent price move is gamma Q (price units), a regression through the origin;
/// - the temporary cost per share is epsilon + eta Q/T, a regression with intercept.
/// The estimates are plain numbers for `almgren_chriss_params{.gamma, .eta, .epsilon}`
/// (include/footprint/execution/almgren_chriss.hpp), in the same units when `time_unit`
/// agrees with `almgren_chriss_params::time_unit`.
#pragma once

#include "footprint/detail/checks.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/impact/detail/impact_least_squares.hpp"
#include "footprint/impact/impact_observations.hpp"
#include "footprint/impact/parameter_estimate.hpp"
#include "footprint/types.hpp"

#include <Eigen/Core>

#include <chrono>
#include <cmath>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace footprint {

/// Settings of `almgren_chriss_calibration`.
struct almgren_chriss_calibration_params {
  /// The time unit of the trading rate Q/T, hence of eta (price per share per (share per
  /// time unit)); use the `time_unit` of the `almgren_chriss_params` you will feed; > 0.
  std::chrono::nanoseconds time_unit = std::chrono::seconds(1);
  /// Estimate epsilon (the intercept of the temporary regression); false forces epsilon = 0
  /// and regresses the temporary cost through the origin.
  bool fit_epsilon = true;
};

/// Calibration of the linear Almgren-Chriss coefficients from observations.
///
/// With S0 the arrival mid, each row gives the permanent move y_I = 1e-4 * permanent_bps * S0
/// and the temporary cost per share y_K = 1e-4 * temporary_bps * S0 (quote currency per
/// share), the size Q and the rate v = Q / T (shares per `time_unit`). `fit` runs two
/// weighted least-squares regressions:
/// - permanent, through the origin: y_I = gamma Q + noise; R^2 is uncentred;
/// - temporary, with intercept: y_K = epsilon + eta v + noise; R^2 is centred.
/// Rows with T = 0 (the rate is undefined) cannot inform eta: they are excluded from the
/// temporary regression, listed in `excluded()` with the reason and counted in the report;
/// they still count in the permanent regression. Nothing is dropped silently.
///
/// With the discrete model of almgren_chriss.hpp and N intervals, a TWAP of Q shares pays
/// K S0 = epsilon + eta Q/T - gamma Q / (2N) per share: the regression reads the
/// continuous-time limit (large N).
///
/// Usage:
/// @code
/// footprint::almgren_chriss_calibration cal({.time_unit = std::chrono::seconds(1)});
/// cal.fit(observations);
/// double eta = cal.eta().value, eta_se = cal.eta().robust_std_error;
/// @endcode
class almgren_chriss_calibration {
 public:
  /// A row left out of a regression, and why.
  struct exclusion {
    index row = 0;       ///< 0-based row of the observations
    std::string reason;  ///< e.g. "duration is 0: the trading rate Q/T is undefined (temporary regression)"
  };

  /// An unfitted instance with default settings (eta per share per second).
  almgren_chriss_calibration() = default;

  /// An unfitted instance with the given settings.
  /// @throws invalid_argument when time_unit <= 0
  explicit almgren_chriss_calibration(almgren_chriss_calibration_params params) : params_(params) {
    if (params_.time_unit.count() <= 0) {
      throw invalid_argument(detail::concat("footprint::almgren_chriss_calibration: time_unit must be > 0 (got ",
                                            params_.time_unit.count(), " ns)"));
    }
  }

  /// Estimates gamma, eta and epsilon of the linear g and h (Almgren and Chriss 2000) by weighted OLS.
  ///
  /// @param obs observations; uses quantity, duration, arrival_mid, permanent_bps,
  ///            temporary_bps (= J - I/2, see `impact_observations`) and weights
  /// @return the report: converged; its message counts the excluded rows
  /// @throws invalid_argument as `impact_observations::validate`; when duration, arrival_mid,
  ///         permanent_bps or temporary_bps is empty; when the permanent regression has fewer
  ///         than 2 rows or the temporary one fewer than (parameters + 1)
  /// @throws convergence_error when the temporary design is singular (every usable row has
  ///         the same rate, so eta and epsilon are not separately identified)
  /// Complexity: O(n).
  template <class = void>  // compiled only where a law is fitted (see impact/detail/impact_least_squares.hpp)
  fit_report fit(const impact_observations& obs) {
    constexpr std::string_view where = "footprint::almgren_chriss_calibration::fit";
    obs.validate(where);
    if (obs.duration.size() == 0) {
      throw invalid_argument(detail::concat(where, ": duration is empty (the temporary regression needs it)"));
    }
    if (obs.arrival_mid.size() == 0) {
      throw invalid_argument(detail::concat(where, ": arrival_mid is empty (converting bps to price needs it)"));
    }
    const vector perm = obs.impact_bps(impact_component::permanent, where);
    const vector temp = obs.impact_bps(impact_component::temporary, where);
    const vector w = obs.weights_or_ones();
    const index n = obs.size();
    const double unit_seconds = std::chrono::duration<double>(params_.time_unit).count();

    // Permanent: y = gamma Q, through the origin.
    if (n < 2) throw invalid_argument(detail::concat(where, ": needs at least 2 rows (got ", n, ")"));
    const vector y_perm = (1e-4 * perm.array() * obs.arrival_mid.array()).matrix();
    const matrix x_perm = obs.quantity;
    detail::impact_ls_result p = detail::impact_linear_ls(x_perm, y_perm, w, false);

    // Temporary: y = epsilon + eta Q/T on the rows with T > 0.
    std::vector<exclusion> excluded;
    std::vector<index> rows;
    for (index i = 0; i < n; ++i) {
      if (obs.duration[i] > 0.0) {
        rows.push_back(i);
      } else {
        excluded.push_back({i, "duration is 0: the trading rate Q/T is undefined (temporary regression)"});
      }
    }
    const auto m = static_cast<index>(rows.size());
    const index k = params_.fit_epsilon ? 2 : 1;
    if (m < k + 1) {
      throw invalid_argument(detail::concat(where, ": the temporary regression needs at least ", k + 1,
                                            " rows with duration > 0 (got ", m, " of ", n, ")"));
    }
    matrix x_temp(m, k);
    vector y_temp(m), w_temp(m);
    for (index j = 0; j < m; ++j) {
      const index i = rows[static_cast<std::size_t>(j)];
      const double rate = obs.quantity[i] / (obs.duration[i] / unit_seconds);
      if (params_.fit_epsilon) {
        x_temp(j, 0) = 1.0;
        x_temp(j, 1) = rate;
      } else {
        x_temp(j, 0) = rate;
      }
      y_temp[j] = 1e-4 * temp[i] * obs.arrival_mid[i];
      w_temp[j] = w[i];
    }
    detail::impact_ls_result t = detail::impact_linear_ls(x_temp, y_temp, w_temp, params_.fit_epsilon);
    if (t.report.status != fit_status::converged) {
      t.report.message = "the trading rates Q/T of the usable rows are all equal: eta is not identified";
      throw convergence_error(std::string(where), t.report);
    }

    permanent_ = std::move(p);
    temporary_ = std::move(t);
    excluded_ = std::move(excluded);
    n_permanent_ = n;
    n_temporary_ = m;
    fitted_ = true;
    report_ = {.status = fit_status::converged,
               .iterations = 1,
               .final_loss = nan,
               .message = detail::concat(n - m, " of ", n,
                                         " rows excluded from the temporary regression (duration 0); 0 from the "
                                         "permanent regression")};
    return report_;
  }

  /// True after a successful `fit`.
  [[nodiscard]] bool is_fitted() const noexcept { return fitted_; }

  /// gamma: permanent impact, price per share per share traded. @throws not_fitted before fit
  [[nodiscard]] parameter_estimate gamma() const {
    require("footprint::almgren_chriss_calibration::gamma");
    return make(permanent_, 0);
  }
  /// eta: temporary impact, price per share per (share per time unit). @throws not_fitted
  [[nodiscard]] parameter_estimate eta() const {
    require("footprint::almgren_chriss_calibration::eta");
    return make(temporary_, params_.fit_epsilon ? 1 : 0);
  }
  /// epsilon: fixed cost, price per share (0 with errors 0 when not fitted). @throws not_fitted
  [[nodiscard]] parameter_estimate epsilon() const {
    require("footprint::almgren_chriss_calibration::epsilon");
    if (!params_.fit_epsilon) return {.value = 0.0, .std_error = 0.0, .robust_std_error = 0.0};
    return make(temporary_, 0);
  }

  /// Covariance of (epsilon, eta), shape (2, 2), or of (eta), shape (1, 1), without epsilon.
  /// @throws not_fitted before fit
  [[nodiscard]] matrix temporary_covariance(covariance_estimator e = covariance_estimator::classical) const {
    require("footprint::almgren_chriss_calibration::temporary_covariance");
    return e == covariance_estimator::classical ? temporary_.cov_classical : temporary_.cov_hc1;
  }
  /// Uncentred weighted R^2 of the permanent regression. @throws not_fitted
  [[nodiscard]] double permanent_r2() const {
    require("footprint::almgren_chriss_calibration::permanent_r2");
    return permanent_.r2;
  }
  /// Weighted R^2 of the temporary regression (centred with epsilon). @throws not_fitted
  [[nodiscard]] double temporary_r2() const {
    require("footprint::almgren_chriss_calibration::temporary_r2");
    return temporary_.r2;
  }
  /// Residual std of the permanent regression, quote currency. @throws not_fitted
  [[nodiscard]] double permanent_residual_std() const {
    require("footprint::almgren_chriss_calibration::permanent_residual_std");
    return permanent_.residual_std;
  }
  /// Residual std of the temporary regression, quote currency per share. @throws not_fitted
  [[nodiscard]] double temporary_residual_std() const {
    require("footprint::almgren_chriss_calibration::temporary_residual_std");
    return temporary_.residual_std;
  }
  /// Rows in the permanent regression. @throws not_fitted before fit
  [[nodiscard]] index n_permanent() const {
    require("footprint::almgren_chriss_calibration::n_permanent");
    return n_permanent_;
  }
  /// Rows in the temporary regression. @throws not_fitted before fit
  [[nodiscard]] index n_temporary() const {
    require("footprint::almgren_chriss_calibration::n_temporary");
    return n_temporary_;
  }
  /// The rows left out of a regression, in row order, with the reason. @throws not_fitted
  [[nodiscard]] const std::vector<exclusion>& excluded() const {
    require("footprint::almgren_chriss_calibration::excluded");
    return excluded_;
  }
  /// The report of the last calibration. @throws not_fitted before fit
  [[nodiscard]] const fit_report& report() const {
    require("footprint::almgren_chriss_calibration::report");
    return report_;
  }
  /// The settings.
  [[nodiscard]] const almgren_chriss_calibration_params& params() const noexcept { return params_; }

 private:
  void require(std::string_view where) const {
    if (!fitted_) throw not_fitted(std::string(where));
  }
  static parameter_estimate make(const detail::impact_ls_result& r, index k) {
    return {.value = r.theta[k],
            .std_error = std::sqrt(r.cov_classical(k, k)),
            .robust_std_error = std::sqrt(r.cov_hc1(k, k))};
  }

  almgren_chriss_calibration_params params_{};
  detail::impact_ls_result permanent_{};
  detail::impact_ls_result temporary_{};
  std::vector<exclusion> excluded_;
  index n_permanent_ = 0;
  index n_temporary_ = 0;
  fit_report report_{};
  bool fitted_ = false;
};

}  // namespace footprint
