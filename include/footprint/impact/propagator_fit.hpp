/// @file impact/propagator_fit.hpp
/// @brief The transient-impact kernel fitted to a market's own trades: a regression of mid
/// returns on lagged signed order flow (the discrete propagator), then a parametric kernel
/// fitted to it, as a `propagator`.
///
/// References:
/// - J.-P. Bouchaud, J. D. Farmer, F. Lillo (2009), "How markets slowly digest changes in
///   supply and demand", in Handbook of Financial Markets: Dynamics and Evolution, section
///   3.4: the propagator model r_t = sum_k g_k x_{t-k} + noise, with G(l) = sum_{k<=l} g_k
///   the response of the price l steps after a unit of order flow;
/// - J.-P. Bouchaud, Y. Gefen, M. Potters, M. Wyart (2004), Quantitative Finance 4(2): the
///   kernel G decays, so that impact is transient;
/// - E. Busseti, F. Lillo (2012), "Calibration of optimal execution of financial transactions
///   in the presence of transient market impact", J. Stat. Mech. P09010: a kernel calibrated
///   on the market's own order flow prices the schedules of an execution.
#pragma once

#include "footprint/data/market_tape.hpp"
#include "footprint/detail/checks.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/impact/detail/impact_least_squares.hpp"
#include "footprint/impact/parameter_estimate.hpp"
#include "footprint/impact/propagator.hpp"
#include "footprint/types.hpp"

#include <Eigen/Cholesky>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <string_view>
#include <utility>
#include <vector>

namespace footprint {

/// Settings of `fit_propagator`.
struct propagator_fit_params {
  std::chrono::nanoseconds bin = std::chrono::seconds{1};  ///< Delta, the clock step of the regression; > 0
  index lags = 120;    ///< K, lags of the regression (the kernel is measured over K Delta); in [2, 10000]
  double delta = 0.5;  ///< f(q) = (q / daily volume)^delta of each trade; in (0, 1]
  propagator_kernel kernel = propagator_kernel::exponential;  ///< shape fitted to the measured kernel
  index max_iter = 200;  ///< Levenberg-Marquardt iteration budget of the shape fit; >= 1
  double tol = 1e-10;    ///< relative step size that stops it; in (0, 1)
};

/// What `fit_propagator` returns.
///
/// Units: impacts in bps of the mid; f(q) = (q / daily_volume)^delta per trade, so that a
/// child order of q is priced with f(q / daily_volume) (`propagator` with the fitted
/// parameters). The measured kernel is the cumulative regression coefficient G(l) at lag
/// l Delta (the end of each bin's response).
struct propagator_fit_result {
  propagator model;           ///< the fitted kernel (G0, scale, beta, G_inf, delta)
  vector lag_seconds;         ///< (K) lag of each measured value, seconds (l + 1/2) Delta
  vector kernel_bps;          ///< (K) measured G(l), bps per unit of f
  vector kernel_std_error;    ///< (K) classical standard errors of G(l)
  parameter_estimate g0;      ///< G0, bps per unit of f
  parameter_estimate scale;   ///< tau (exponential) or l0 (power law), seconds
  parameter_estimate beta;    ///< power-law exponent (NaN for the exponential kernel)
  parameter_estimate g_inf;   ///< G_inf, the permanent floor, bps per unit of f
  index bins = 0;             ///< bins of the regression (after the first K - 1)
  index trades = 0;           ///< signed trades in the flow
  double daily_volume = nan;  ///< the volume f scales quantities by
  fit_report report;          ///< of the shape fit; its message says what was fitted
};

namespace detail {

/// The signed flow x_b = sum sign (q/V)^delta of each bin and the mid return r_b (bps) of
/// each bin, the mid in force at the bin's end against the previous bin's.
struct binned_flow {
  std::vector<double> x, r;
  index trades = 0;
};

inline binned_flow bin_flow(const market_tape& tape, double daily_volume, const propagator_fit_params& p) {
  binned_flow out;
  if (tape.mid_times.empty()) return out;
  const auto start = tape.mid_times.front();
  const auto end = tape.mid_times.back();
  const index n = static_cast<index>((end - start) / p.bin) + 1;
  out.x.assign(static_cast<std::size_t>(n), 0.0);
  out.r.assign(static_cast<std::size_t>(n), 0.0);
  for (const trade& t : tape.trades) {
    if (t.sign == 0 || t.time < start || t.time > end || !(t.quantity > 0.0)) continue;
    const auto b = static_cast<std::size_t>((t.time - start) / p.bin);
    out.x[b] += static_cast<double>(t.sign) * std::pow(t.quantity / daily_volume, p.delta);
    ++out.trades;
  }
  std::size_t k = 0;
  double previous = tape.mids.front();
  for (index b = 0; b < n; ++b) {
    const auto bin_end = start + (b + 1) * p.bin;
    while (k + 1 < tape.mid_times.size() && tape.mid_times[k + 1] <= bin_end) ++k;
    const double m = tape.mids[k];
    out.r[static_cast<std::size_t>(b)] = 1e4 * (m - previous) / previous;
    previous = m;
  }
  return out;
}

}  // namespace detail

/// Fits the transient-impact kernel of a market to its tape.
///
/// 1. The tape is cut into bins of Delta; x_b = sum over the bin's signed trades of
///    sign (q / daily_volume)^delta, r_b = the mid's return over the bin in bps.
/// 2. r_b = c + sum_{k<K} g_k x_{b-k} + e_b is fitted by least squares over the bins with K
///    lags (the intercept takes the drift); G(l) = sum_{k<=l} g_k is the measured kernel, with
///    its classical standard errors.
/// 3. The shape G(l) = G_inf + G0 d(l Delta + Delta/2) (exponential d = exp(-t/tau), or power
///    law d = (1 + t/l0)^-beta) is fitted to the measured values by generalised nonlinear
///    least squares with their full covariance (they are cumulative sums, so their errors are
///    strongly correlated; Levenberg-Marquardt on the whitened values, log-parametrised
///    scales); `std_error` is the GLS standard error (scaled by the whitened residuals'
///    variance), `robust_std_error` its HC1 form.
/// 4. A kernel that does not decay within the lags (the fitted shape keeps 99% of G0 or more
///    across the window K Delta, e.g. an exponential's tau above 100 K Delta or infinite:
///    G_inf and G0 are then one level the data cannot split) is returned as G_inf = that
///    level, G0 = 0, the scale reported as fitted (`scale.value`, infinite when it overflowed)
///    with NaN standard errors, and the report's message says so: the market's impact does not
///    revert within K Delta, none of it is transient.
/// @param tape the trades and the mid path (`impact_pipeline_result::tape`)
/// @param daily_volume the volume f scales quantities by (`impact_dataset::daily_volume`); > 0
/// @param p bin, lags, delta, kernel shape
/// @return the fitted propagator, the measured kernel and the estimates
/// @throws invalid_argument for settings out of range, or fewer than 2 K bins or 2 K signed trades
/// @throws convergence_error when the regression is singular (no order flow in the window)
/// Complexity: O(bins K^2) for the regression (sparse rows: only bins with trades count),
/// O(K^3) for the solve.
template <class = void>  // compiled only where a kernel is fitted
[[nodiscard]] propagator_fit_result fit_propagator(const market_tape& tape, double daily_volume,
                                                   const propagator_fit_params& p = {}) {
  constexpr std::string_view where = "footprint::fit_propagator";
  detail::require_positive(daily_volume, where, "daily_volume");
  detail::require(p.bin.count() > 0, where, "bin", "> 0 ns", static_cast<double>(p.bin.count()));
  detail::require(p.lags >= 2 && p.lags <= 10000, where, "lags", "in [2, 10000]", static_cast<double>(p.lags));
  detail::require_in(p.delta, 0.0, 1.0, detail::bounds::open_closed, where, "delta");
  detail::require_at_least(p.max_iter, 1, where, "max_iter");
  detail::require_in(p.tol, 0.0, 1.0, detail::bounds::open, where, "tol");
  const detail::binned_flow f = detail::bin_flow(tape, daily_volume, p);
  const index K = p.lags;
  const auto n_bins = static_cast<index>(f.x.size());
  if (n_bins < 2 * K || f.trades < 2 * K) {
    throw invalid_argument(detail::concat(where, ": needs at least ", 2 * K, " bins and ", 2 * K,
                                          " signed trades (got ", n_bins, " bins, ", f.trades, " trades)"));
  }
  // Normal equations of [1, x_b, x_{b-1}, ..., x_{b-K+1}] on r_b, accumulated from the
  // non-zero lags of each row only.
  const index q = K + 1;
  matrix xtx = matrix::Zero(q, q);
  vector xty = vector::Zero(q);
  double yty = 0.0;
  std::vector<std::pair<index, double>> row;
  const auto row_of = [&](index b) {
    row.clear();
    row.emplace_back(0, 1.0);
    for (index k = 0; k < K; ++k) {
      const double v = f.x[static_cast<std::size_t>(b - k)];
      if (v != 0.0) row.emplace_back(k + 1, v);
    }
  };
  const index rows = n_bins - (K - 1);
  for (index b = K - 1; b < n_bins; ++b) {
    row_of(b);
    const double y = f.r[static_cast<std::size_t>(b)];
    for (const auto& [i, vi] : row) {
      xty[i] += vi * y;
      for (const auto& [j, vj] : row) xtx(i, j) += vi * vj;
    }
    yty += y * y;
  }
  const Eigen::LDLT<matrix> ldlt(xtx);
  if (ldlt.info() != Eigen::Success || !ldlt.isPositive() || ldlt.rcond() < 1e-14) {
    throw convergence_error(std::string(where), fit_report{.status = fit_status::numerical_issue,
                                                           .iterations = 0,
                                                           .final_loss = nan,
                                                           .message = "the lagged order flow is collinear or empty"});
  }
  const vector beta_hat = ldlt.solve(xty);
  const double rss = std::max(yty - 2.0 * beta_hat.dot(xty) + beta_hat.dot(xtx * beta_hat), 0.0);
  const double s2 = rss / static_cast<double>(rows - q);
  const matrix cov = s2 * ldlt.solve(matrix::Identity(q, q));

  propagator_fit_result out;
  out.bins = rows;
  out.trades = f.trades;
  out.daily_volume = daily_volume;
  const double dt = std::chrono::duration<double>(p.bin).count();
  out.lag_seconds.resize(K);
  out.kernel_bps.resize(K);
  out.kernel_std_error.resize(K);
  double g = 0.0;
  for (index l = 0; l < K; ++l) {
    g += beta_hat[l + 1];
    out.kernel_bps[l] = g;
    out.kernel_std_error[l] = std::sqrt(std::max(cov.block(1, 1, l + 1, l + 1).sum(), 0.0));
    out.lag_seconds[l] = (static_cast<double>(l) + 0.5) * dt;
  }

  // The shape: theta = (G_inf, G0, log scale[, beta]).
  const bool power = p.kernel == propagator_kernel::power_law;
  const vector& t = out.lag_seconds;
  const auto model = [&](const vector& th, vector& pred, matrix& jac) {
    const double s = std::exp(th[2]);
    for (index l = 0; l < K; ++l) {
      if (power) {
        const double z = 1.0 + t[l] / s;
        const double d = std::pow(z, -th[3]);
        pred[l] = th[0] + th[1] * d;
        jac(l, 0) = 1.0;
        jac(l, 1) = d;
        jac(l, 2) = th[1] * th[3] * d / z * t[l] / s;  // d/d log(l0)
        jac(l, 3) = -th[1] * d * std::log(z);
      } else {
        const double d = std::exp(-t[l] / s);
        pred[l] = th[0] + th[1] * d;
        jac(l, 0) = 1.0;
        jac(l, 1) = d;
        jac(l, 2) = th[1] * d * t[l] / s;  // d/d log(tau)
      }
    }
  };
  // The measured values are cumulative sums of the lag coefficients, so their errors are
  // strongly correlated: the shape is fitted by generalised least squares with their full
  // covariance A C A' (A sums the lags), whitened through its Cholesky factor L: the fit of
  // L^-1 G on L^-1 model has unit weights and independent errors.
  matrix cum_cov(K, K);
  {
    const matrix c = cov.block(1, 1, K, K);
    matrix row_sums = c;  // A C: cumulative sums down the rows
    for (index i = 1; i < K; ++i) row_sums.row(i) += row_sums.row(i - 1);
    cum_cov = row_sums;  // (A C) A': cumulative sums along the columns
    for (index j = 1; j < K; ++j) cum_cov.col(j) += cum_cov.col(j - 1);
  }
  const Eigen::LLT<matrix> whitening(cum_cov);
  if (whitening.info() != Eigen::Success) {
    throw convergence_error(std::string(where),
                            fit_report{.status = fit_status::numerical_issue,
                                       .iterations = 0,
                                       .final_loss = nan,
                                       .message = "the kernel's covariance is not positive definite"});
  }
  const vector y_white = whitening.matrixL().solve(out.kernel_bps);
  const auto model_white = [&](const vector& th, vector& pred, matrix& jac) {
    model(th, pred, jac);
    pred = whitening.matrixL().solve(pred);
    jac = whitening.matrixL().solve(jac);
  };
  const vector w = vector::Ones(K);
  const index tail = std::max<index>(K / 4, 1);
  const double g_inf0 = out.kernel_bps.tail(tail).mean();
  const double g00 = out.kernel_bps[0] - g_inf0;
  index cross = K - 1;
  for (index l = 0; l < K; ++l) {
    if (std::abs(out.kernel_bps[l] - g_inf0) < std::abs(g00) / std::exp(1.0)) {
      cross = l;
      break;
    }
  }
  vector theta(power ? 4 : 3);
  theta[0] = g_inf0;
  theta[1] = g00;
  theta[2] = std::log(std::max(t[cross], 0.5 * dt));
  if (power) theta[3] = 1.0;
  const detail::impact_ls_result ls = detail::impact_nonlinear_ls(model_white, theta, y_white, w, p.max_iter, p.tol);
  out.report = ls.report;
  out.report.message = detail::concat(power ? "power-law" : "exponential", " kernel fitted to G(l) at ", K, " lags of ",
                                      dt, " s over ", rows, " bins and ", f.trades, " signed trades",
                                      ls.report.message.empty() ? "" : "; ", ls.report.message);
  const auto se = [&](index k) { return ls.cov_hc1.size() > 0 ? std::sqrt(std::max(ls.cov_hc1(k, k), 0.0)) : nan; };
  const auto se_classical = [&](index k) {
    return ls.cov_classical.size() > 0 ? std::sqrt(std::max(ls.cov_classical(k, k), 0.0)) : nan;
  };
  const double scale = std::exp(ls.theta[2]);
  out.g_inf = {.value = ls.theta[0], .std_error = se_classical(0), .robust_std_error = se(0)};
  out.g0 = {.value = ls.theta[1], .std_error = se_classical(1), .robust_std_error = se(1)};
  out.scale = {
      .value = scale, .std_error = scale * se_classical(2), .robust_std_error = scale * se(2)};  // delta method
  out.beta = power ? parameter_estimate{.value = ls.theta[3], .std_error = se_classical(3), .robust_std_error = se(3)}
                   : parameter_estimate{.value = nan, .std_error = nan, .robust_std_error = nan};
  propagator_params pp{.kernel = p.kernel, .delta = p.delta};
  const double window = static_cast<double>(K) * dt;
  const double kept = power ? std::pow(1.0 + window / scale, -ls.theta[3]) : std::exp(-window / scale);
  if (!(kept < 0.99)) {
    // G(l) does not decay within the lags: the fitted shape keeps 99% or more of G0 across
    // the window (its scale driven far past it, or its logarithm until exp overflowed), and
    // G_inf and G0 are one level, G_inf + G0, that the data cannot split (a flat kernel of
    // 40 came out as G0 5653, G_inf -5612, tau 536,595 s; the propagator then clamped G_inf
    // to 0 and kept G0: 140 times the measured response). The whole response is then G_inf
    // at this window (the market's impact does not revert within K Delta) and nothing is
    // transient; the kernel's scale is moot (G0 = 0).
    const double level = ls.theta[0] + ls.theta[1];
    out.g_inf = {.value = level, .std_error = nan, .robust_std_error = nan};
    out.g0 = {.value = 0.0, .std_error = nan, .robust_std_error = nan};
    out.scale = {.value = scale, .std_error = nan, .robust_std_error = nan};
    char text[200];
    std::snprintf(text, sizeof text,
                  "; G(l) does not decay within the %td lags (%.4g s; the fitted shape keeps %.4g%% of G0): all of it "
                  "is G_inf (%.4g bps), G0 = 0",
                  static_cast<std::ptrdiff_t>(K), window, 100.0 * kept, level);
    out.report.message += text;
    pp.g0 = 0.0;
    pp.g_inf = std::isfinite(level) ? std::max(level, 0.0) : 0.0;
    (power ? pp.l0 : pp.tau) = window;
    if (power) pp.beta = std::isfinite(out.beta.value) ? std::max(out.beta.value, 0.0) : 0.0;
    out.model = propagator(pp);
    return out;
  }
  pp.g0 = std::max(out.g0.value, 0.0);
  pp.g_inf = std::max(out.g_inf.value, 0.0);
  if (power) {
    pp.l0 = scale;
    pp.beta = std::max(out.beta.value, 0.0);
  } else {
    pp.tau = scale;
  }
  out.model = propagator(pp);
  return out;
}

}  // namespace footprint
