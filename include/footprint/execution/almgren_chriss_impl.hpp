/// @file execution/almgren_chriss_impl.hpp
/// @brief Definitions of `almgren_chriss` (included at the end of almgren_chriss.hpp).
///
/// Numerics. With a = kappa tau and b = kappa T = N a, every hyperbolic function is
/// rewritten with decaying exponentials so that nothing overflows for large kappa T:
///   sinh(kappa (T - t_j)) / sinh(kappa T) = exp(-a j) expm1(-2 a (N - j)) / expm1(-2 b),
/// and the closed forms of eq. 20 are rearranged into sums of positive terms. Below
/// kappa T = 1e-9 the optimal trajectory is the linear one to rounding (the relative
/// difference is O((kappa T)^2)); below kappa T = 0.05 the variance, whose closed form
/// cancels like 1/(kappa T)^2, comes from its Taylor series to O((kappa T)^8).
#pragma once

#include "footprint/execution/almgren_chriss.hpp"
#include "footprint/execution/detail/almgren_chriss_math.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>

namespace footprint {

inline almgren_chriss::almgren_chriss(const almgren_chriss_params& params) : params_(params) {
  namespace m = detail::almgren_chriss_math;
  const char* ctor = "";
  if (std::isnan(params.eta) || std::isnan(params.sigma)) {
    const char* name = std::isnan(params.eta) ? "eta" : "sigma";
    m::fail(ctor, detail::concat(name, " must be given: eta and sigma have no default (got nan)"));
  }
  m::require_non_negative(ctor, "gamma", params.gamma);
  m::require_positive(ctor, "eta", params.eta);
  m::require_non_negative(ctor, "epsilon", params.epsilon);
  m::require_non_negative(ctor, "sigma", params.sigma);
  m::require_non_negative(ctor, "lambda", params.lambda);
  if (params.n_intervals < 1) {
    m::fail(ctor, detail::concat("n_intervals must be >= 1 (got ", params.n_intervals, ")"));
  }
  if (params.time_unit.count() <= 0) {
    m::fail(ctor, detail::concat("time_unit must be > 0 (got ", params.time_unit.count(), " ns)"));
  }
}

inline almgren_chriss almgren_chriss::with_lambda(double lambda) const {
  detail::almgren_chriss_math::require_non_negative("with_lambda", "lambda", lambda);
  almgren_chriss copy = *this;
  copy.params_.lambda = lambda;
  return copy;
}

inline double almgren_chriss::to_time_units(std::chrono::nanoseconds duration) const noexcept {
  return static_cast<double>(duration.count()) / static_cast<double>(params_.time_unit.count());
}

inline double almgren_chriss::eta_tilde(double horizon) const {
  detail::almgren_chriss_math::require_positive("eta_tilde", "horizon", horizon);
  const double tau = horizon / static_cast<double>(params_.n_intervals);
  return params_.eta - 0.5 * params_.gamma * tau;
}

namespace detail::almgren_chriss_math {

/// eta_tilde for a time step tau, or invalid_argument naming the values when it is <= 0.
[[nodiscard]] inline double checked_eta_tilde(const char* function, const almgren_chriss_params& p, double tau) {
  const double et = p.eta - 0.5 * p.gamma * tau;
  if (!(et > 0.0)) {
    fail(function, concat("the model is not defined when eta_tilde = eta - gamma*tau/2 <= 0 (eta = ", p.eta,
                          ", gamma = ", p.gamma, ", tau = ", tau, ", eta_tilde = ", et,
                          "); use more intervals (a shorter tau) or a smaller gamma"));
  }
  return et;
}

/// kappa_tilde = sigma sqrt(lambda / eta_tilde).
[[nodiscard]] inline double kappa_tilde_of(double sigma, double lambda, double eta_tilde) noexcept {
  return sigma * std::sqrt(lambda / eta_tilde);
}

/// The decay terms of the optimal trajectory for a risk aversion lambda.
[[nodiscard]] inline decay optimal_decay(const almgren_chriss_params& p, double lambda, double tau,
                                         double eta_tilde) noexcept {
  return decay_from_z(0.5 * tau * kappa_tilde_of(p.sigma, lambda, eta_tilde), p.n_intervals);
}

/// Closed-form E and V of the optimal trajectory (eq. 20).
[[nodiscard]] inline almgren_chriss_cost optimal_cost_of(const almgren_chriss_params& p, double quantity, double tau,
                                                         double eta_tilde, const decay& d) noexcept {
  almgren_chriss_cost c;
  c.permanent_currency = 0.5 * p.gamma * quantity * quantity;
  c.temporary_currency = p.epsilon * quantity + eta_tilde / tau * quantity * quantity * sum_trades_sq(d);
  c.expected_currency = c.permanent_currency + c.temporary_currency;
  c.variance = p.sigma * p.sigma * tau * quantity * quantity * sum_holdings_sq(d);
  return c;
}

/// lambda = eta_tilde kappa_tilde^2 / sigma^2 for a = kappa tau; throws when it overflows.
[[nodiscard]] inline double lambda_of(const char* function, const almgren_chriss_params& p, double tau,
                                      double eta_tilde, double a) {
  if (!(p.sigma > 0.0)) fail(function, "sigma must be > 0 to choose lambda (got 0): no lambda changes the risk");
  const double kappa_tilde = 2.0 / tau * std::sinh(0.5 * a);
  const double lambda = eta_tilde * (kappa_tilde / p.sigma) * (kappa_tilde / p.sigma);
  if (!std::isfinite(lambda)) {
    fail(function, concat("the target needs kappa*tau = ", a, ", a lambda beyond the range of double"));
  }
  return lambda;
}

}  // namespace detail::almgren_chriss_math

inline double almgren_chriss::kappa_tilde(double horizon) const {
  namespace m = detail::almgren_chriss_math;
  m::require_positive("kappa_tilde", "horizon", horizon);
  const double tau = horizon / static_cast<double>(params_.n_intervals);
  return m::kappa_tilde_of(params_.sigma, params_.lambda, m::checked_eta_tilde("kappa_tilde", params_, tau));
}

inline double almgren_chriss::kappa(double horizon) const {
  namespace m = detail::almgren_chriss_math;
  m::require_positive("kappa", "horizon", horizon);
  const double tau = horizon / static_cast<double>(params_.n_intervals);
  const double kt = m::kappa_tilde_of(params_.sigma, params_.lambda, m::checked_eta_tilde("kappa", params_, tau));
  return 2.0 * std::asinh(0.5 * kt * tau) / tau;
}

inline double almgren_chriss::half_life(double horizon) const {
  const double k = kappa(horizon);
  return k > 0.0 ? 1.0 / k : std::numeric_limits<double>::infinity();
}

inline almgren_chriss_schedule almgren_chriss::schedule(double quantity, double horizon, footprint::side side) const {
  namespace m = detail::almgren_chriss_math;
  m::require_positive("schedule", "quantity", quantity);
  m::require_positive("schedule", "horizon", horizon);
  const index n = params_.n_intervals;
  const double tau = horizon / static_cast<double>(n);
  const double et = m::checked_eta_tilde("schedule", params_, tau);
  const m::decay d = m::optimal_decay(params_, params_.lambda, tau, et);

  almgren_chriss_schedule s;
  s.side = side;
  s.quantity = quantity;
  s.horizon = horizon;
  s.tau = tau;
  s.lambda = params_.lambda;
  s.kappa = d.kappa_tau / tau;
  s.times.resize(n + 1);
  for (index j = 0; j <= n; ++j) s.times[j] = static_cast<double>(j) * tau;
  s.times[n] = horizon;
  m::optimal_path(quantity, d, s.holdings, s.trades);
  s.cost = m::optimal_cost_of(params_, quantity, tau, et, d);
  return s;
}

inline almgren_chriss_schedule almgren_chriss::schedule(const order& o) const {
  namespace m = detail::almgren_chriss_math;
  m::require_positive("schedule", "quantity", o.quantity);
  if (o.horizon.count() <= 0) {
    m::fail("schedule", detail::concat("horizon must be > 0 (got ", o.horizon.count(), " ns)"));
  }
  return schedule(o.quantity, to_time_units(o.horizon), o.side);
}

inline almgren_chriss_cost almgren_chriss::optimal_cost(double quantity, double horizon) const {
  namespace m = detail::almgren_chriss_math;
  m::require_positive("optimal_cost", "quantity", quantity);
  m::require_positive("optimal_cost", "horizon", horizon);
  const double tau = horizon / static_cast<double>(params_.n_intervals);
  const double et = m::checked_eta_tilde("optimal_cost", params_, tau);
  return m::optimal_cost_of(params_, quantity, tau, et, m::optimal_decay(params_, params_.lambda, tau, et));
}

inline almgren_chriss_cost almgren_chriss::evaluate(vector_cref holdings, double horizon) const {
  namespace m = detail::almgren_chriss_math;
  m::require_positive("evaluate", "horizon", horizon);
  const index n = holdings.size() - 1;
  if (n < 1) {
    m::fail("evaluate",
            detail::concat("holdings must have at least 2 entries, x_0 and x_N (got ", holdings.size(), ")"));
  }
  for (index j = 0; j <= n; ++j) {
    if (!std::isfinite(holdings[j])) {
      m::fail("evaluate", detail::concat("holdings must be finite (got ", holdings[j], " at index ", j, ")"));
    }
  }
  const double quantity = holdings[0];
  if (!(quantity > 0.0)) {
    m::fail("evaluate", detail::concat("holdings[0] (the order quantity) must be > 0 (got ", quantity, ")"));
  }
  if (!(std::abs(holdings[n]) <= 1e-9 * quantity)) {
    m::fail("evaluate", detail::concat("holdings must end at 0 (|x_N| <= 1e-9 x_0; got x_N = ", holdings[n],
                                       " for x_0 = ", quantity, ")"));
  }
  const double tau = horizon / static_cast<double>(n);
  const double et = m::checked_eta_tilde("evaluate", params_, tau);
  double sum_abs_n = 0.0;
  double sum_n2 = 0.0;
  double sum_x2 = 0.0;
  for (index k = 1; k <= n; ++k) {
    const double nk = holdings[k - 1] - holdings[k];
    sum_abs_n += std::abs(nk);
    sum_n2 += nk * nk;
    sum_x2 += holdings[k] * holdings[k];
  }
  almgren_chriss_cost c;
  c.permanent_currency = 0.5 * params_.gamma * quantity * quantity;
  c.temporary_currency = params_.epsilon * sum_abs_n + et / tau * sum_n2;
  c.expected_currency = c.permanent_currency + c.temporary_currency;
  c.variance = params_.sigma * params_.sigma * tau * sum_x2;
  return c;
}

inline vector almgren_chriss::twap_holdings(double quantity, index n_intervals) {
  namespace m = detail::almgren_chriss_math;
  m::require_positive("twap_holdings", "quantity", quantity);
  if (n_intervals < 1) m::fail("twap_holdings", detail::concat("n_intervals must be >= 1 (got ", n_intervals, ")"));
  vector x(n_intervals + 1);
  const auto n = static_cast<double>(n_intervals);
  for (index j = 0; j <= n_intervals; ++j) x[j] = quantity * (static_cast<double>(n_intervals - j) / n);
  return x;
}

inline double almgren_chriss::fraction_executed(double horizon, double time) const {
  namespace m = detail::almgren_chriss_math;
  m::require_positive("fraction_executed", "horizon", horizon);
  m::require_finite("fraction_executed", "time", time);
  if (time < 0.0 || time > horizon) {
    m::fail("fraction_executed", detail::concat("time must be in [0, horizon] = [0, ", horizon, "] (got ", time, ")"));
  }
  const double tau = horizon / static_cast<double>(params_.n_intervals);
  const double et = m::checked_eta_tilde("fraction_executed", params_, tau);
  const double a = 2.0 * std::asinh(0.5 * tau * m::kappa_tilde_of(params_.sigma, params_.lambda, et));
  return 1.0 - m::remaining_fraction(a * static_cast<double>(params_.n_intervals), time / horizon);
}

inline std::vector<almgren_chriss_frontier_point> almgren_chriss::efficient_frontier(
    double quantity, double horizon, std::span<const double> lambdas) const {
  namespace m = detail::almgren_chriss_math;
  m::require_positive("efficient_frontier", "quantity", quantity);
  m::require_positive("efficient_frontier", "horizon", horizon);
  for (const double l : lambdas) m::require_non_negative("efficient_frontier", "lambda", l);
  const double tau = horizon / static_cast<double>(params_.n_intervals);
  const double et = m::checked_eta_tilde("efficient_frontier", params_, tau);
  std::vector<almgren_chriss_frontier_point> out;
  out.reserve(lambdas.size());
  for (const double l : lambdas) {
    const m::decay d = m::optimal_decay(params_, l, tau, et);
    const almgren_chriss_cost c = m::optimal_cost_of(params_, quantity, tau, et, d);
    out.push_back(
        {.lambda = l, .kappa = d.kappa_tau / tau, .expected_currency = c.expected_currency, .variance = c.variance});
  }
  return out;
}

inline std::vector<almgren_chriss_frontier_point> almgren_chriss::efficient_frontier(double quantity, double horizon,
                                                                                     double lambda_min,
                                                                                     double lambda_max,
                                                                                     index n_points) const {
  namespace m = detail::almgren_chriss_math;
  m::require_positive("efficient_frontier", "lambda_min", lambda_min);
  m::require_positive("efficient_frontier", "lambda_max", lambda_max);
  if (lambda_max < lambda_min) {
    m::fail("efficient_frontier", detail::concat("lambda_max must be >= lambda_min (got lambda_min = ", lambda_min,
                                                 ", lambda_max = ", lambda_max, ")"));
  }
  if (n_points < 1) m::fail("efficient_frontier", detail::concat("n_points must be >= 1 (got ", n_points, ")"));
  std::vector<double> lambdas(static_cast<std::size_t>(n_points));
  const double log_min = std::log(lambda_min);
  const double step = n_points > 1 ? (std::log(lambda_max) - log_min) / static_cast<double>(n_points - 1) : 0.0;
  for (index i = 0; i < n_points; ++i)
    lambdas[static_cast<std::size_t>(i)] = std::exp(log_min + step * static_cast<double>(i));
  lambdas.front() = lambda_min;
  if (n_points > 1) lambdas.back() = lambda_max;
  return efficient_frontier(quantity, horizon, std::span<const double>(lambdas));
}

inline double almgren_chriss::lambda_for_variance(double quantity, double horizon, double target_variance) const {
  namespace m = detail::almgren_chriss_math;
  const char* fn = "lambda_for_variance";
  m::require_positive(fn, "quantity", quantity);
  m::require_positive(fn, "horizon", horizon);
  m::require_positive(fn, "target_variance", target_variance);
  if (!(params_.sigma > 0.0)) m::fail(fn, "sigma must be > 0 to choose lambda (got 0): the variance is always 0");
  const index n = params_.n_intervals;
  const auto nd = static_cast<double>(n);
  const double tau = horizon / nd;
  const double et = m::checked_eta_tilde(fn, params_, tau);
  // V(b) = sigma^2 tau X^2 R(b / N) falls from the linear strategy's variance at b = 0 to 0.
  const double target = target_variance / (params_.sigma * params_.sigma * tau * quantity * quantity);
  const double b_min = m::linear_limit;
  if (target >= m::sum_holdings_sq(m::decay_from_a(b_min / nd, n))) return 0.0;  // at or above the TWAP variance
  if (n == 1) return 0.0;                                                        // N = 1: V = 0 for every lambda
  auto f = [&](double y) { return target - m::sum_holdings_sq(m::decay_from_a(std::exp(y) / nd, n)); };  // increasing
  double lo = std::log(1.0);
  double f_lo = f(lo);
  while (f_lo > 0.0 && lo > std::log(b_min)) {
    lo -= std::log(16.0);
    f_lo = f(lo);
  }
  lo = std::max(lo, std::log(b_min));
  f_lo = f(lo);
  double hi = std::log(2.0);
  double f_hi = f(hi);
  while (f_hi < 0.0) {
    hi += std::log(2.0);
    if (std::exp(hi) / nd > 2.0 * m::a_clamp) {
      m::fail(fn, detail::concat("target_variance ", target_variance,
                                 " is too small: it needs a lambda beyond the range of double"));
    }
    f_hi = f(hi);
  }
  if (f_lo == 0.0) return m::lambda_of(fn, params_, tau, et, std::exp(lo) / nd);
  if (f_hi == 0.0) return m::lambda_of(fn, params_, tau, et, std::exp(hi) / nd);
  const double y = m::solve_increasing(f, lo, hi, f_lo, f_hi);
  return m::lambda_of(fn, params_, tau, et, std::exp(y) / nd);
}

inline double almgren_chriss::lambda_for_half_life(double horizon, double half_life) const {
  namespace m = detail::almgren_chriss_math;
  const char* fn = "lambda_for_half_life";
  m::require_positive(fn, "horizon", horizon);
  if (!(half_life > 0.0)) m::fail(fn, detail::concat("half_life must be > 0 (got ", half_life, ")"));
  const double tau = horizon / static_cast<double>(params_.n_intervals);
  const double et = m::checked_eta_tilde(fn, params_, tau);
  if (std::isinf(half_life)) return 0.0;
  return m::lambda_of(fn, params_, tau, et, tau / half_life);
}

inline double almgren_chriss::lambda_for_completion(double horizon, double time, double fraction) const {
  namespace m = detail::almgren_chriss_math;
  const char* fn = "lambda_for_completion";
  m::require_positive(fn, "horizon", horizon);
  m::require_finite(fn, "time", time);
  m::require_finite(fn, "fraction", fraction);
  if (!(time > 0.0 && time < horizon)) {
    m::fail(fn, detail::concat("time must be in (0, horizon) = (0, ", horizon, ") (got ", time, ")"));
  }
  const double s = time / horizon;
  if (!(fraction >= s && fraction < 1.0)) {
    m::fail(fn, detail::concat("fraction must be in [time/horizon, 1) = [", s, ", 1) (got ", fraction,
                               "); slower-than-linear execution needs lambda < 0, which is not supported"));
  }
  const auto nd = static_cast<double>(params_.n_intervals);
  const double tau = horizon / nd;
  const double et = m::checked_eta_tilde(fn, params_, tau);
  if (!(params_.sigma > 0.0))
    m::fail(fn, "sigma must be > 0 to choose lambda (got 0): no lambda changes the trajectory");
  const double target_left = 1.0 - fraction;                                               // x(t)/X, decreasing in b
  auto f = [&](double y) { return target_left - m::remaining_fraction(std::exp(y), s); };  // increasing in y
  const double y_min = std::log(2.0 * m::linear_limit);
  if (fraction == s || f(y_min) >= 0.0) return 0.0;  // the linear strategy, to rounding
  double lo = 0.0;
  double f_lo = f(lo);
  while (f_lo > 0.0) {
    lo = std::max(lo - std::log(16.0), y_min);
    f_lo = f(lo);
  }
  if (f_lo == 0.0) return m::lambda_of(fn, params_, tau, et, std::exp(lo) / nd);
  double hi = std::log(2.0);
  double f_hi = f(hi);
  while (f_hi < 0.0) {
    hi += std::log(2.0);
    if (std::exp(hi) / nd > 2.0 * m::a_clamp) {
      m::fail(fn, detail::concat("fraction ", fraction, " by time ", time,
                                 " is too close to 1: it needs a lambda beyond the range of double"));
    }
    f_hi = f(hi);
  }
  if (f_hi == 0.0) return m::lambda_of(fn, params_, tau, et, std::exp(hi) / nd);
  const double y = m::solve_increasing(f, lo, hi, f_lo, f_hi);
  return m::lambda_of(fn, params_, tau, et, std::exp(y) / nd);
}

inline cost_estimate almgren_chriss::predict_cost(const order& o, const market_state& s) const {
  namespace m = detail::almgren_chriss_math;
  const char* fn = "predict_cost";
  m::require_positive(fn, "quantity", o.quantity);
  if (o.horizon.count() <= 0) {
    m::fail(fn, detail::concat("horizon must be > 0 (got ", o.horizon.count(),
                               " ns): linear temporary impact makes an instant trade infinitely costly"));
  }
  if (!std::isfinite(s.mid) || !(s.mid > 0.0))
    m::fail(fn, detail::concat("mid must be finite and > 0 (got ", s.mid, ")"));
  const double horizon = to_time_units(o.horizon);
  const double tau = horizon / static_cast<double>(params_.n_intervals);
  const double et = m::checked_eta_tilde(fn, params_, tau);
  const almgren_chriss_cost c =
      m::optimal_cost_of(params_, o.quantity, tau, et, m::optimal_decay(params_, params_.lambda, tau, et));
  const double to_bps = 1e4 / (o.quantity * s.mid);
  return {.expected_bps = c.expected_currency * to_bps,
          .std_bps = c.std_currency() * to_bps,
          .temporary_bps = c.temporary_currency * to_bps,
          .permanent_bps = c.permanent_currency * to_bps};
}

}  // namespace footprint
