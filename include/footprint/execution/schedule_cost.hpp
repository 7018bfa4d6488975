/// @file execution/schedule_cost.hpp
/// @brief The cost distribution of an execution schedule: a statistical model's predictive
/// distribution of each child order's cost, Almgren-Chriss permanent impact and price risk
/// over the horizon, combined into expected temporary, permanent and total slippage, its
/// standard deviation and the probability of exceeding a threshold.
///
/// An order of X shares is worked as N child market orders n_1..n_N (sum X), one at the
/// start of each interval of length tau; x_k = X - (n_1 + ... + n_k) is still to trade after
/// child k. In bps of the arrival mid S0, per share of X:
/// - temporary: T = sum_j (n_j / X) C_j, with C_j the cost of child j (its shortfall against
///   the mid when it is sent, bps) drawn from the model's predictive distribution D_j;
/// - permanent: each child pays the permanent impact gamma of the shares before it,
///   P = 1e4 gamma (X^2 - sum_j n_j^2) / (2 X S0) (Almgren and Chriss 2000, eq. 8, with their
///   eta_tilde = eta - gamma tau / 2 term moved here);
/// - price risk: R ~ Normal(0, s_R^2), s_R = 1e4 sigma sqrt(tau sum_k x_k^2) / (X S0)
///   (Almgren and Chriss 2000, eq. 5, an arithmetic random walk of sigma per sqrt(second));
/// - total: T + P + R.
///
/// Dependence: the child costs are taken as comonotone, C_j = quantile(D_j, U) with one
/// uniform U for the whole schedule. Model error and market regime are shared by all
/// children, so this is the conservative limit: it never understates the spread of T (an
/// independent draw per child would shrink it like 1/sqrt(N)). U is integrated on a
/// midpoint grid of M points, so the result is deterministic (no seed): E[T] is exact
/// (sum_j w_j mean(D_j), the grid's values are shifted to it), Var[T] is the grid variance,
/// and P(total > threshold) = mean over u of 1 - Phi((threshold - P - T(u)) / s_R).
#pragma once

#include "footprint/concepts.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>
#include <vector>

namespace footprint {

/// Market inputs of `evaluate_schedule`.
struct schedule_cost_params {
  double arrival_mid = nan;        ///< S0, quote currency; finite, > 0
  double gamma = 0.0;              ///< permanent impact, quote currency per share per share traded; finite, >= 0
  double sigma = 0.0;              ///< price volatility, quote currency per sqrt(second); finite, >= 0
  double threshold_bps = 10.0;     ///< slippage limit for `exceedance_probability`, bps; finite
  index quadrature_points = 2000;  ///< M, midpoints of the grid over U; >= 16
};

/// What `evaluate_schedule` returns; bps of the arrival mid, positive = cost.
struct schedule_cost {
  double temporary_bps = nan;           ///< E[T]
  double permanent_bps = nan;           ///< P
  double expected_bps = nan;            ///< expected total cost E[T] + P (price risk has mean 0)
  double temporary_std_bps = nan;       ///< sd of T (comonotone children)
  double price_risk_std_bps = nan;      ///< s_R
  double std_bps = nan;                 ///< standard deviation of the total cost, sqrt(Var T + s_R^2)
  double exceedance_probability = nan;  ///< P(T + P + R > threshold_bps), in [0, 1]
};

/// Evaluates the cost of one schedule (see the file comment for the model).
///
/// @tparam D a `PredictiveDistribution` of one child order's cost in bps
/// @param trades        n_j, shares; shape (N), N >= 1; each finite and >= 0, sum > 0
/// @param interval_seconds tau, seconds between children; finite, > 0
/// @param child_costs   D_j, one per child (children with n_j = 0 are skipped); shape (N)
/// @param p             arrival mid, gamma, sigma, threshold, grid size
/// @return the expected temporary, permanent and total cost, their spreads and the
///         exceedance probability
/// @throws dimension_mismatch when child_costs.size() != trades.size()
/// @throws invalid_argument for an argument out of its range, naming it
/// Complexity: O(N M) quantile evaluations.
template <PredictiveDistribution D>
[[nodiscard]] schedule_cost evaluate_schedule(vector_cref trades, double interval_seconds,
                                              std::span<const D> child_costs, const schedule_cost_params& p) {
  constexpr const char* where = "footprint::evaluate_schedule";
  const index n = trades.size();
  if (n < 1) throw invalid_argument(detail::concat(where, ": trades must not be empty"));
  if (static_cast<index>(child_costs.size()) != n) {
    throw dimension_mismatch(where, "child_costs.size() must equal trades.size()", n,
                             static_cast<index>(child_costs.size()));
  }
  if (!(interval_seconds > 0.0) || !std::isfinite(interval_seconds)) {
    throw invalid_argument(
        detail::concat(where, ": interval_seconds must be finite and > 0 (got ", interval_seconds, ")"));
  }
  if (!(p.arrival_mid > 0.0) || !std::isfinite(p.arrival_mid)) {
    throw invalid_argument(detail::concat(where, ": arrival_mid must be finite and > 0 (got ", p.arrival_mid, ")"));
  }
  if (!(p.gamma >= 0.0) || !std::isfinite(p.gamma)) {
    throw invalid_argument(detail::concat(where, ": gamma must be finite and >= 0 (got ", p.gamma, ")"));
  }
  if (!(p.sigma >= 0.0) || !std::isfinite(p.sigma)) {
    throw invalid_argument(detail::concat(where, ": sigma must be finite and >= 0 (got ", p.sigma, ")"));
  }
  if (!std::isfinite(p.threshold_bps)) {
    throw invalid_argument(detail::concat(where, ": threshold_bps must be finite (got ", p.threshold_bps, ")"));
  }
  if (p.quadrature_points < 16) {
    throw invalid_argument(detail::concat(where, ": quadrature_points must be >= 16 (got ", p.quadrature_points, ")"));
  }
  double total = 0.0;
  double sum_sq = 0.0;
  for (index j = 0; j < n; ++j) {
    if (!(trades[j] >= 0.0) || !std::isfinite(trades[j])) {
      throw invalid_argument(
          detail::concat(where, ": trades must be finite and >= 0 (got ", trades[j], " at ", j, ")"));
    }
    total += trades[j];
    sum_sq += trades[j] * trades[j];
  }
  if (!(total > 0.0)) throw invalid_argument(detail::concat(where, ": the trades must sum to more than 0"));

  const double to_bps = 1e4 / (total * p.arrival_mid);
  schedule_cost out;
  out.permanent_bps = 0.5 * p.gamma * (total * total - sum_sq) * to_bps;
  double risk = 0.0;
  double x = total;
  for (index k = 0; k < n; ++k) {
    x -= trades[k];
    risk += x * x;
  }
  out.price_risk_std_bps = p.sigma * std::sqrt(interval_seconds * std::max(risk, 0.0)) * to_bps;

  // T(u) on the midpoint grid u_i = (i + 1/2) / M.
  const index m = p.quadrature_points;
  vector t_of_u = vector::Zero(m);
  double mean_t = 0.0;
  for (index j = 0; j < n; ++j) {
    if (trades[j] == 0.0) continue;
    const double w = trades[j] / total;
    const D& d = child_costs[static_cast<std::size_t>(j)];
    const double mu = static_cast<double>(mean(d));
    if (!std::isfinite(mu))
      throw invalid_argument(detail::concat(where, ": the cost distribution of child ", j, " has a non-finite mean"));
    mean_t += w * mu;
    for (index i = 0; i < m; ++i) {
      const double u = (static_cast<double>(i) + 0.5) / static_cast<double>(m);
      t_of_u[i] += w * static_cast<double>(quantile(d, u));
    }
  }
  t_of_u.array() += mean_t - t_of_u.mean();
  const double var_t = (t_of_u.array() - mean_t).square().mean();
  out.temporary_bps = mean_t;
  out.temporary_std_bps = std::sqrt(var_t);
  out.expected_bps = mean_t + out.permanent_bps;
  out.std_bps = std::sqrt(var_t + out.price_risk_std_bps * out.price_risk_std_bps);
  double exceed = 0.0;
  const double s = out.price_risk_std_bps;
  for (index i = 0; i < m; ++i) {
    const double margin = p.threshold_bps - out.permanent_bps - t_of_u[i];
    exceed += s > 0.0 ? 0.5 * std::erfc(margin / (s * std::sqrt(2.0))) : (margin < 0.0 ? 1.0 : 0.0);
  }
  out.exceedance_probability = exceed / static_cast<double>(m);
  return out;
}

}  // namespace footprint
