/// @file impact/detail/impact_power_law_fit.hpp
/// @brief Private helper of the impact laws: fits impact_bps = 1e4 * c * s * x^e.
///
/// The square-root law (c = Y, x = Q/V, e = delta) and both power laws of Almgren, Thum,
/// Hauptmann and Li (c = gamma or eta, x = X/V or X/(VT), e = alpha or beta) have this form,
/// with s the volatility. Two estimators:
/// - log-OLS: log(impact / (1e4 s)) = log c + e log x on the rows with impact > 0 (the others
///   are excluded and counted); c = exp(intercept), its covariance by the delta method;
/// - nonlinear least squares in levels (Levenberg-Marquardt) on every row, started from the
///   log-OLS estimate (or from e = 0.5 when fewer than 3 rows have a positive impact), with
///   covariances from the Jacobian at the solution; optionally with e held fixed, in which
///   case the fit is linear in c.
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/impact/detail/impact_least_squares.hpp"
#include "footprint/types.hpp"

#include <Eigen/Dense>

#include <cmath>
#include <string>
#include <string_view>

namespace footprint::detail {

/// The estimator of `impact_fit_power_law`.
enum class impact_power_law_method { log_ols, nonlinear };

/// The outcome of `impact_fit_power_law`.
struct impact_power_law_fit {
  double coefficient = nan;   ///< c
  double exponent = nan;      ///< e
  matrix cov_classical;       ///< (2, 2), order (c, e); zero row/column for a fixed exponent
  matrix cov_hc1;             ///< (2, 2), same order
  double residual_std = nan;  ///< bps (nonlinear) or natural-log units (log-OLS)
  double r2 = nan;            ///< weighted, centred, in the units of the fit
  index n_used = 0;           ///< rows in the fit
  index n_excluded = 0;       ///< rows dropped because impact <= 0 (log-OLS only)
  fit_report report;
};

/// Fits impact_bps = 1e4 * c * s * x^e; x, s > 0 and finite, y finite, w > 0 (all shape (n)).
///
/// @param fixed_exponent NaN to estimate e; a finite value holds e there (nonlinear only)
/// @param where          the public function, for messages
/// @throws invalid_argument when fewer than (number of free parameters + 1) rows are usable
/// @throws convergence_error when the design is singular (e.g. x takes one value) or the
///         loss is not finite
template <class = void>
impact_power_law_fit impact_fit_power_law(const vector& x, const vector& s, const vector& y, const vector& w,
                                          impact_power_law_method method, double fixed_exponent, index max_iter,
                                          double tol, std::string_view where) {
  const index n = x.size();
  const bool fixed = std::isfinite(fixed_exponent);
  const index p = fixed ? 1 : 2;
  impact_power_law_fit out;

  // Log-OLS on the rows with a positive impact: the estimator itself, or the starting point.
  index n_pos = 0;
  for (index i = 0; i < n; ++i) n_pos += y[i] > 0.0 ? 1 : 0;
  impact_ls_result log_fit;
  bool have_log_fit = false;
  if (!fixed && n_pos >= 3) {
    matrix X(n_pos, 2);
    vector z(n_pos), wz(n_pos);
    for (index i = 0, k = 0; i < n; ++i) {
      if (!(y[i] > 0.0)) continue;
      X(k, 0) = 1.0;
      X(k, 1) = std::log(x[i]);
      z[k] = std::log(y[i] / (1e4 * s[i]));
      wz[k] = w[i];
      ++k;
    }
    log_fit = impact_linear_ls(X, z, wz, true, method == impact_power_law_method::log_ols);
    have_log_fit = log_fit.report.status == fit_status::converged;
  }

  if (method == impact_power_law_method::log_ols) {
    if (n_pos < 3) {
      throw invalid_argument(
          concat(where, ": log_ols needs at least 3 rows with impact > 0 (got ", n_pos, " of ", n, ")"));
    }
    if (!have_log_fit) {
      throw convergence_error(std::string(where),
                              {.status = fit_status::numerical_issue,
                               .iterations = 0,
                               .final_loss = nan,
                               .message = "the participation takes a single value: the exponent is not identified"});
    }
    const double c = std::exp(log_fit.theta[0]);
    const matrix d = (vector(2) << c, 1.0).finished().asDiagonal();
    out.coefficient = c;
    out.exponent = log_fit.theta[1];
    out.cov_classical = d * log_fit.cov_classical * d;
    out.cov_hc1 = d * log_fit.cov_hc1 * d;
    out.residual_std = log_fit.residual_std;
    out.r2 = log_fit.r2;
    out.n_used = n_pos;
    out.n_excluded = n - n_pos;
    out.report = log_fit.report;
    out.report.message = concat("log_ols: ", n - n_pos, " of ", n, " rows excluded (impact <= 0)");
    return out;
  }

  if (n < p + 1) {
    throw invalid_argument(concat(where, ": needs at least ", p + 1, " rows (got ", n, ")"));
  }
  const vector base = 1e4 * s;
  const vector logx = x.array().log().matrix();

  if (fixed) {
    const matrix X = base.cwiseProduct(vector(x.array().pow(fixed_exponent).matrix()));
    impact_ls_result lin = impact_linear_ls(X, y, w, false);
    if (lin.report.status != fit_status::converged) {
      throw convergence_error(std::string(where), lin.report);
    }
    out.coefficient = lin.theta[0];
    out.exponent = fixed_exponent;
    out.cov_classical = matrix::Zero(2, 2);
    out.cov_hc1 = matrix::Zero(2, 2);
    out.cov_classical(0, 0) = lin.cov_classical(0, 0);
    out.cov_hc1(0, 0) = lin.cov_hc1(0, 0);
    out.residual_std = lin.residual_std;
    out.r2 = impact_r_squared(y, lin.residuals, w, true);
    out.n_used = n;
    out.report = lin.report;
    out.report.message = concat("exponent fixed at ", fixed_exponent);
    return out;
  }

  // Start: the log-OLS estimate, else e = 0.5 and c by least squares given e.
  vector theta(2);
  if (have_log_fit && std::isfinite(log_fit.theta[0]) && std::isfinite(log_fit.theta[1])) {
    theta << std::exp(log_fit.theta[0]), log_fit.theta[1];
  } else {
    const vector z = base.cwiseProduct(vector(x.array().sqrt().matrix()));
    const double denom = (w.array() * z.array().square()).sum();
    theta << (w.array() * z.array() * y.array()).sum() / denom, 0.5;
  }
  auto model = [&](const vector& th, vector& pred, matrix& jac) {
    // Plain loops over the storage: this runs in every iteration, also in Debug builds.
    const double c = th[0], e = th[1];
    const double* bp = base.data();
    const double* lp = logx.data();
    double* pp = pred.data();
    double* j0 = jac.data();
    double* j1 = jac.data() + n;
    for (index i = 0; i < n; ++i) {
      const double g = bp[i] * std::exp(e * lp[i]);
      pp[i] = c * g;
      j0[i] = g;
      j1[i] = c * g * lp[i];
    }
  };
  impact_ls_result nls = impact_nonlinear_ls(model, theta, y, w, max_iter, tol);
  if (nls.report.status == fit_status::diverged || nls.report.status == fit_status::numerical_issue) {
    throw convergence_error(std::string(where), nls.report);
  }
  out.coefficient = nls.theta[0];
  out.exponent = nls.theta[1];
  out.cov_classical = nls.cov_classical;
  out.cov_hc1 = nls.cov_hc1;
  out.residual_std = nls.residual_std;
  out.r2 = nls.r2;
  out.n_used = n;
  out.report = nls.report;
  return out;
}

}  // namespace footprint::detail
