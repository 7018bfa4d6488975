/// @file impact/propagator.hpp
/// @brief The transient-impact propagator: the price impact path of an execution schedule,
/// during and after trading, and the cost it implies.
///
/// References:
/// - J.-P. Bouchaud, Y. Gefen, M. Potters, M. Wyart (2004), "Fluctuations and response in
///   financial markets: the subtle nature of 'random' price changes", Quantitative Finance
///   4(2), 176-190: prices as a sum of past trades' impacts propagated by a slowly (power-law)
///   decaying kernel G.
/// - J. Gatheral (2010), "No-dynamic-arbitrage and market impact", Quantitative Finance
///   10(7), 749-759: the continuous-time model p(t) = int_0^t f(v_s) G(t - s) ds with
///   concave f, its exponential and power-law kernels, and the expected cost
///   int v_t p(t) dt of a schedule. Its main result: exponential decay of impact is
///   compatible with no dynamic arbitrage only for linear f (delta = 1); a concave f needs a
///   slowly decaying (power-law) kernel.
#pragma once

#include "footprint/detail/checks.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/types.hpp"

#include <Eigen/Core>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

namespace footprint {

/// The decay shape of a propagator kernel.
enum class propagator_kernel : std::uint8_t {
  power_law,    ///< G(l) = G_inf + G0 / (1 + l/l0)^beta
  exponential,  ///< G(l) = G_inf + G0 exp(-l/tau)
};

/// Name of a kernel, "power_law" or "exponential".
[[nodiscard]] constexpr std::string_view to_string(propagator_kernel k) noexcept {
  return k == propagator_kernel::power_law ? "power_law" : "exponential";
}

/// Parameters of a `propagator`, validated by its constructor.
///
/// Units: impacts are bps of the arrival mid. For child orders, f(q) = q^delta with q in the
/// units you calibrated on (shares, or a fraction of daily volume), and G0, G_inf are bps per
/// unit of f. For trading rates, f(v) = v^delta with v in those units per second, and G0,
/// G_inf are bps per unit of f per second (the impact is an integral over time).
struct propagator_params {
  propagator_kernel kernel = propagator_kernel::power_law;  ///< decay shape
  double g0 = 1.0;                                          ///< G0: decaying part of the kernel at lag 0; finite, >= 0
  double l0 = 1.0;                                          ///< l0: power-law lag scale, seconds; finite, > 0
  double beta = 0.5;   ///< beta: power-law decay exponent; finite, >= 0 (0 = no decay)
  double tau = 60.0;   ///< tau: exponential decay time, seconds; finite, > 0
  double g_inf = 0.0;  ///< G_inf: permanent floor of the kernel; finite, >= 0
  double delta = 1.0;  ///< delta: concavity of f(v) = v^delta; in (0, 1]
  /// Fraction of its own impact f(q) G(0) that a child order pays in `cost` (1: it trades at
  /// the post-trade price, as p(t) counts orders at s <= t; 0.5: at the average price of a
  /// linear walk through the book); in [0, 1]. Rate schedules do not use it.
  double self_impact = 1.0;
};

/// Transient impact: p(t) = sum over trades at s <= t of f(v_s) G(t - s).
///
/// The kernel G(l) = G_inf + G0 d(l) has a decaying part G0 d(l) (d(0) = 1; power law or
/// exponential) and a permanent floor G_inf; every path and cost is split along it into a
/// temporary part (decays after trading stops) and a permanent part (stays). Two schedule
/// forms:
/// - child orders: quantities q_k >= 0 at times t_k (seconds, non-decreasing), executed in
///   array order: p(t) = sum_{t_k <= t} f(q_k) G(t - t_k);
/// - trading rates: v_j >= 0 (units per second) held on [j dt, (j+1) dt):
///   p(t) = int_0^t f(v_s) G(t - s) ds, integrated exactly (closed-form primitives of G).
///
/// For a sell, pass positive quantities: impacts and costs are cost-signed. An `ImpactModel`
/// through `predict_cost`.
/// Thread safety: every member is const after construction.
class propagator {
 public:
  /// An impact path evaluated at given times.
  struct path {
    vector time;           ///< evaluation times, seconds, as given; shape (m)
    vector temporary_bps;  ///< decaying part of the impact, bps; shape (m)
    vector permanent_bps;  ///< G_inf part of the impact, bps; shape (m)
    /// temporary + permanent, bps; shape (m).
    [[nodiscard]] vector total_bps() const { return temporary_bps + permanent_bps; }
  };

  /// A propagator with the default parameters (power law, beta = 0.5, l0 = 1 s, G0 = 1).
  propagator() = default;

  /// @throws invalid_argument naming the first parameter out of its documented range
  explicit propagator(propagator_params params) : p_(params) {
    constexpr std::string_view where = "footprint::propagator";
    detail::require_non_negative(p_.g0, where, "g0");
    detail::require_positive(p_.l0, where, "l0");
    detail::require_non_negative(p_.beta, where, "beta");
    detail::require_positive(p_.tau, where, "tau");
    detail::require_non_negative(p_.g_inf, where, "g_inf");
    detail::require(p_.delta > 0.0 && p_.delta <= 1.0, where, "delta", "in (0, 1]", p_.delta);
    detail::require(p_.self_impact >= 0.0 && p_.self_impact <= 1.0, where, "self_impact", "in [0, 1]", p_.self_impact);
  }

  /// The kernel G(l) = G_inf + G0 d(l) at a lag, bps per unit of f.
  /// @param lag seconds; finite and >= 0
  /// @throws invalid_argument when lag is negative or not finite
  [[nodiscard]] double kernel(double lag) const {
    detail::require_non_negative(lag, "footprint::propagator::kernel", "lag");
    return p_.g_inf + p_.g0 * decay(lag);
  }

  /// The instantaneous impact f(v) = v^delta.
  /// @param v a child quantity or a rate; finite and >= 0
  /// @throws invalid_argument when v is negative or not finite
  [[nodiscard]] double instantaneous_impact(double v) const {
    detail::require_non_negative(v, "footprint::propagator::instantaneous_impact", "v");
    return f(v);
  }

  /// Impact path of child orders, evaluated at the times `at` (before, during or after trading).
  ///
  /// p(t) = sum_{t_k <= t} f(q_k) G(t - t_k) (Bouchaud et al. 2004; Gatheral 2010, in
  /// discrete form); permanent part G_inf sum_{t_k <= t} f(q_k).
  /// @param times      t_k, seconds (any origin); finite, non-decreasing; shape (n)
  /// @param quantities q_k; finite, >= 0; shape (n)
  /// @param at         evaluation times, seconds, same origin; finite; shape (m), any order
  /// @return the path at `at`, bps
  /// @throws dimension_mismatch when quantities.size() != times.size()
  /// @throws invalid_argument for a non-finite or out-of-range entry (names row and value)
  /// Complexity: O(n m).
  [[nodiscard]] path impact_path(vector_cref times, vector_cref quantities, vector_cref at) const {
    constexpr std::string_view where = "footprint::propagator::impact_path";
    check_orders(times, quantities, where);
    check_finite(at, "at", where);
    path out{.time = at, .temporary_bps = vector::Zero(at.size()), .permanent_bps = vector::Zero(at.size())};
    for (index a = 0; a < at.size(); ++a) {
      double temp = 0.0, cum = 0.0;
      for (index k = 0; k < times.size() && times[k] <= at[a]; ++k) {
        const double fk = f(quantities[k]);
        temp += fk * decay(at[a] - times[k]);
        cum += fk;
      }
      out.temporary_bps[a] = p_.g0 * temp;
      out.permanent_bps[a] = p_.g_inf * cum;
    }
    return out;
  }

  /// Expected impact cost of child orders: sum_k q_k p_k / sum_k q_k, bps of the arrival mid.
  ///
  /// Child k, executed after children 0..k-1, pays p_k = sum_{j<k} f(q_j) G(t_k - t_j) +
  /// self_impact f(q_k) G(0) (Gatheral 2010: cost = sum of quantity times impact paid).
  /// @param times, quantities as `impact_path`; sum of quantities > 0
  /// @return expected_bps = temporary_bps + permanent_bps (the quantity-weighted mean impact
  ///         paid); std_bps is NaN (the propagator has no price-risk model)
  /// @throws dimension_mismatch, invalid_argument as `impact_path`; invalid_argument when
  ///         every quantity is 0
  /// Complexity: O(n^2).
  [[nodiscard]] cost_estimate cost(vector_cref times, vector_cref quantities) const {
    constexpr std::string_view where = "footprint::propagator::cost";
    check_orders(times, quantities, where);
    const double total = quantities.sum();
    detail::require(total > 0.0, where, "the sum of quantities", "> 0", total);
    double temp = 0.0, perm = 0.0, cum = 0.0;
    for (index k = 0; k < times.size(); ++k) {
      double pk = 0.0;
      for (index j = 0; j < k; ++j) pk += f(quantities[j]) * decay(times[k] - times[j]);
      const double fk = f(quantities[k]);
      temp += quantities[k] * p_.g0 * (pk + p_.self_impact * fk);
      perm += quantities[k] * p_.g_inf * (cum + p_.self_impact * fk);
      cum += fk;
    }
    return make_cost(temp / total, perm / total);
  }

  /// Impact path of a piecewise-constant trading rate, evaluated at the times `at`.
  ///
  /// p(t) = int_0^t f(v_s) G(t - s) ds (Gatheral 2010), integrated exactly over each step
  /// with the primitive of G: exponential G0 tau (1 - exp(-l/tau)), power law
  /// G0 l0 ((1 + l/l0)^(1-beta) - 1) / (1 - beta) (G0 l0 log(1 + l/l0) at beta = 1), plus
  /// G_inf l (differences of primitives are evaluated in a form that keeps full relative
  /// precision at long lags).
  /// @param dt    step of the rate grid, seconds; finite, > 0; trading starts at t = 0
  /// @param rates v_j on [j dt, (j+1) dt), units per second; finite, >= 0; shape (n)
  /// @param at    evaluation times, seconds since the start; finite; shape (m)
  /// @return the path at `at`, bps
  /// @throws invalid_argument for an out-of-range dt or entry (names row and value)
  /// Complexity: O(n m).
  [[nodiscard]] path rate_impact_path(double dt, vector_cref rates, vector_cref at) const {
    constexpr std::string_view where = "footprint::propagator::rate_impact_path";
    check_rates(dt, rates, where);
    check_finite(at, "at", where);
    path out{.time = at, .temporary_bps = vector::Zero(at.size()), .permanent_bps = vector::Zero(at.size())};
    for (index a = 0; a < at.size(); ++a) {
      double temp = 0.0, perm = 0.0;
      for (index j = 0; j < rates.size(); ++j) {
        const double start = static_cast<double>(j) * dt;
        if (start >= at[a]) break;
        const double fj = f(rates[j]);
        const double lag = at[a] - start;  // > 0: the step's response is int over lags [lag - dt, lag]
        temp += fj * integral(std::max(lag - dt, 0.0), lag);
        perm += fj * std::min(lag, dt);
      }
      out.temporary_bps[a] = temp;
      out.permanent_bps[a] = p_.g_inf * perm;
    }
    return out;
  }

  /// Expected impact cost of a piecewise-constant trading rate:
  /// int v_t p(t) dt / int v_t dt, bps of the arrival mid (Gatheral 2010).
  ///
  /// Integrated exactly with the second primitive of G, so the result is exact for the
  /// piecewise-constant schedule up to rounding (for the power law, second differences of
  /// the primitive lose about log10(n^2) digits at lag n steps; the exponential kernel's are
  /// in closed form).
  /// @param dt, rates as `rate_impact_path`; the sum of rates must be > 0
  /// @return expected_bps = temporary_bps + permanent_bps; std_bps is NaN
  /// @throws invalid_argument as `rate_impact_path`, or when every rate is 0
  /// Complexity: O(n^2).
  [[nodiscard]] cost_estimate rate_cost(double dt, vector_cref rates) const {
    constexpr std::string_view where = "footprint::propagator::rate_cost";
    check_rates(dt, rates, where);
    const double total = rates.sum() * dt;
    detail::require(total > 0.0, where, "the sum of rates", "> 0", rates.sum());
    const index n = rates.size();
    // Weights of lag m = k - j: int over step k of the response to a unit rate on step j.
    vector w_temp(n);
    for (index m = 0; m < n; ++m) w_temp[m] = step_weight(m, dt);
    double temp = 0.0, perm = 0.0;
    for (index k = 0; k < n; ++k) {
      if (rates[k] == 0.0) continue;
      double tk = 0.0, pk = 0.0;
      for (index j = 0; j <= k; ++j) {
        const double fj = f(rates[j]);
        tk += fj * w_temp[k - j];
        pk += fj * (j == k ? 0.5 : 1.0);
      }
      temp += rates[k] * tk;
      perm += rates[k] * pk * dt * dt;
    }
    return make_cost(temp / total, p_.g_inf * perm / total);
  }

  /// The cost of an order in a market state (`ImpactModel`): the order traded at a constant
  /// rate v = Q / T over its horizon (`rate_cost` on a 1-second grid, at most 10,000 steps), or
  /// as one child order of Q when the horizon is 0 (`cost`). f takes the rate in the order's
  /// units (shares per second, or one child of Q shares): calibrate G0 and G_inf on those.
  /// The market state is not used (the kernel carries the market).
  /// @param o an order with quantity > 0 and horizon >= 0
  /// @return as `rate_cost` (std_bps NaN: the propagator has no price-risk model)
  /// @throws invalid_argument for an order out of range
  /// Complexity: O(steps^2).
  [[nodiscard]] cost_estimate predict_cost(const order& o, const market_state& /*s*/) const {
    constexpr std::string_view where = "footprint::propagator::predict_cost";
    detail::require_positive(o.quantity, where, "order quantity");
    const double seconds = std::chrono::duration<double>(o.horizon).count();
    detail::require(seconds >= 0.0, where, "order horizon (seconds)", ">= 0", seconds);
    if (seconds == 0.0) return cost(vector::Zero(1), vector::Constant(1, o.quantity));
    const index steps = std::clamp<index>(static_cast<index>(std::ceil(seconds)), 1, 10'000);
    const double dt = seconds / static_cast<double>(steps);
    return rate_cost(dt, vector::Constant(steps, o.quantity / seconds));
  }

  /// The parameters.
  [[nodiscard]] const propagator_params& params() const noexcept { return p_; }

 private:
  [[nodiscard]] double f(double v) const { return p_.delta == 1.0 ? v : std::pow(v, p_.delta); }

  /// d(l), the decaying shape with d(0) = 1, for l >= 0.
  [[nodiscard]] double decay(double l) const {
    if (p_.kernel == propagator_kernel::exponential) return std::exp(-l / p_.tau);
    return std::exp(-p_.beta * std::log1p(l / p_.l0));
  }

  /// expm1(b L) / b, continuous at b = 0.
  static double phi(double b, double big_l) { return b == 0.0 ? big_l : std::expm1(b * big_l) / b; }

  /// int_a^b G0 d(u) du for 0 <= a <= b, without the cancellation of a difference of
  /// primitives at long lags: exponential G0 tau e^{-a/tau} (1 - e^{-(b-a)/tau}); power law
  /// G0 l0 (1 + a/l0)^{1-beta} ((1 + (b-a)/(l0+a))^{1-beta} - 1) / (1 - beta).
  [[nodiscard]] double integral(double a, double b) const {
    if (p_.kernel == propagator_kernel::exponential) {
      return p_.g0 * p_.tau * std::exp(-a / p_.tau) * -std::expm1(-(b - a) / p_.tau);
    }
    const double b1 = 1.0 - p_.beta;
    return p_.g0 * p_.l0 * std::exp(b1 * std::log1p(a / p_.l0)) * phi(b1, std::log1p((b - a) / (p_.l0 + a)));
  }

  /// int_0^l int_0^u G0 d(s) ds du (0 for l <= 0), without cancellation near beta = 1, 2.
  [[nodiscard]] double primitive2(double l) const {
    if (!(l > 0.0)) return 0.0;
    if (p_.kernel == propagator_kernel::exponential) {
      const double u = l / p_.tau;
      const double core = u < 1e-4 ? u * u * (0.5 - u * (1.0 / 6.0 - u / 24.0)) : u + std::expm1(-u);
      return p_.g0 * p_.tau * p_.tau * core;
    }
    const double x = l / p_.l0;
    if (x < 1e-5) return p_.g0 * l * l * 0.5 * (1.0 - p_.beta * x / 3.0);
    const double big_l = std::log1p(x);
    const double b = 1.0 - p_.beta;
    const double c = 2.0 - p_.beta;
    // Two equal forms of G0 l0^2 [((1+x)^c - 1)/c - x] / b, each regular where the other is 0/0.
    if (std::abs(b) < 0.5) return p_.g0 * p_.l0 * p_.l0 * ((1.0 + x) * phi(b, big_l) - x) / c;
    return p_.g0 * p_.l0 * p_.l0 * (phi(c, big_l) - x) / b;
  }

  /// int_{k dt}^{(k+1) dt} (temporary response to a unit rate on [j dt, (j+1) dt)) dt, m = k - j >= 0.
  [[nodiscard]] double step_weight(index m, double dt) const {
    if (m == 0) return primitive2(dt);
    if (p_.kernel == propagator_kernel::exponential) {  // the second difference in closed form
      const double u = dt / p_.tau;
      const double one_minus = -std::expm1(-u);
      return p_.g0 * p_.tau * p_.tau * std::exp(-static_cast<double>(m - 1) * u) * one_minus * one_minus;
    }
    const double md = static_cast<double>(m);
    return primitive2((md + 1.0) * dt) - 2.0 * primitive2(md * dt) + primitive2((md - 1.0) * dt);
  }

  [[nodiscard]] static cost_estimate make_cost(double temp, double perm) {
    return {.expected_bps = temp + perm, .std_bps = nan, .temporary_bps = temp, .permanent_bps = perm};
  }

  static void check_finite(vector_cref v, std::string_view name, std::string_view where) {
    for (index i = 0; i < v.size(); ++i) {
      if (!std::isfinite(v[i])) {
        throw invalid_argument(detail::concat(where, ": ", name, " must be finite (got ", detail::format_number(v[i]),
                                              " at row ", i, ")"));
      }
    }
  }
  static void check_non_negative(vector_cref v, std::string_view name, std::string_view where) {
    for (index i = 0; i < v.size(); ++i) {
      if (!(std::isfinite(v[i]) && v[i] >= 0.0)) {
        throw invalid_argument(detail::concat(where, ": ", name, " must be finite and >= 0 (got ",
                                              detail::format_number(v[i]), " at row ", i, ")"));
      }
    }
  }
  static void check_orders(vector_cref times, vector_cref quantities, std::string_view where) {
    if (quantities.size() != times.size()) {
      throw dimension_mismatch(std::string(where), "quantities.size() must equal times.size()", times.size(),
                               quantities.size());
    }
    check_finite(times, "times", where);
    for (index i = 1; i < times.size(); ++i) {
      if (times[i] < times[i - 1]) {
        throw invalid_argument(detail::concat(where, ": times must be non-decreasing (got ", times[i], " after ",
                                              times[i - 1], " at row ", i, ")"));
      }
    }
    check_non_negative(quantities, "quantities", where);
  }
  static void check_rates(double dt, vector_cref rates, std::string_view where) {
    detail::require_positive(dt, where, "dt");
    check_non_negative(rates, "rates", where);
  }

  propagator_params p_{};
};

}  // namespace footprint
