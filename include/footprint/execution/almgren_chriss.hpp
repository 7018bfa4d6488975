/// @file execution/almgren_chriss.hpp
/// @brief Almgren-Chriss optimal execution: the optimal trajectory, its cost and risk, the
/// efficient frontier, and the risk aversion that meets a target.
///
/// Implements R. Almgren and N. Chriss, "Optimal execution of portfolio transactions",
/// Journal of Risk 3(2), 5-39 (2000). Equation and section numbers refer to the December
/// 2000 version of the paper. The model is discrete in time: an order of X shares is worked
/// over a horizon T cut into N intervals of length tau = T/N, with
/// - linear permanent impact g(v) = gamma v (eq. 6): every share traded moves the price
///   by gamma, for good;
/// - linear temporary impact h(v) = epsilon sgn(v) + eta v (eq. 7): trading at rate v
///   costs epsilon + eta v per share on the shares traded in that interval only;
/// - an arithmetic random walk of volatility sigma (eq. 1).
///
/// A strategy is the list of holdings x_0 = X, x_1, ..., x_N = 0 (shares still to trade at
/// t_j = j tau) or equivalently the trade list n_j = x_{j-1} - x_j. Its implementation
/// shortfall has mean E (eq. 8) and variance V (eq. 5); the optimal strategy for a risk
/// aversion lambda minimises E + lambda V (eq. 15) and is a hyperbolic sine (eq. 17).
///
/// Conventions: quantities in shares (contracts, coins), prices in quote currency per
/// share, time in the model's own unit (`almgren_chriss_params::time_unit`, e.g. one
/// trading day as in the paper's example). Costs are positive for buys and for sells: the
/// model is symmetric, and holdings count the shares still to trade in the order's
/// direction. Long definitions live in `almgren_chriss_impl.hpp`.
#pragma once

#include "footprint/error.hpp"
#include "footprint/types.hpp"

#include <chrono>
#include <cmath>
#include <span>
#include <vector>

namespace footprint {

/// Parameters of the Almgren-Chriss model, validated once by the `almgren_chriss`
/// constructor. Use designated initializers; `eta` and `sigma` have no default (NaN) and
/// must be given.
///
/// The impact coefficients are absolute (quote currency per share), as in the paper: they
/// belong to one instrument at its price level. Times are in `time_unit`: `sigma` is per
/// square root of it, `eta` per (share per `time_unit`), horizons are counted in it.
struct almgren_chriss_params {
  /// gamma: permanent impact, (price per share) per share traded (eq. 6); >= 0.
  double gamma = 0.0;
  /// eta: temporary impact, (price per share) per (share per time unit) (eq. 7); > 0.
  double eta = nan;
  /// epsilon: fixed cost per share traded, price per share: half the spread plus fees
  /// (eq. 7); >= 0.
  double epsilon = 0.0;
  /// sigma: volatility of the price, price per share per sqrt(time unit) (eq. 1); >= 0.
  double sigma = nan;
  /// lambda: risk aversion, 1 / quote currency (eq. 15, 21); >= 0; 0 is risk neutral and
  /// gives the linear (TWAP) trajectory.
  double lambda = 0.0;
  /// N: number of trading intervals used by `schedule`, `optimal_cost`, `predict_cost` and
  /// the frontier; >= 1.
  index n_intervals = 10;
  /// The model's time unit (one trading day in the paper's example: use e.g.
  /// `std::chrono::minutes(390)` for a 6.5-hour session, or `std::chrono::hours(24)`);
  /// converts an `order`'s horizon into model units; > 0.
  std::chrono::nanoseconds time_unit = std::chrono::seconds(1);
};

/// Mean and variance of the implementation shortfall of one trading trajectory.
///
/// All in quote currency (variance in currency squared), positive = cost, for buys and
/// sells alike. `expected_currency == permanent_currency + temporary_currency`.
struct almgren_chriss_cost {
  double expected_currency = nan;   ///< E: expected shortfall (eq. 8), currency
  double variance = nan;            ///< V: variance of the shortfall (eq. 5), currency^2; >= 0
  double permanent_currency = nan;  ///< gamma X^2 / 2: the permanent-impact part of E, currency
  /// epsilon sum |n_k| + (eta_tilde / tau) sum n_k^2: the temporary part of E (fixed costs
  /// and temporary impact, with the O(tau) permanent-impact correction folded into
  /// eta_tilde as in eq. 8), currency.
  double temporary_currency = nan;

  /// Standard deviation sqrt(V) of the shortfall, currency.
  [[nodiscard]] double std_currency() const noexcept { return std::sqrt(variance); }
  /// The mean-variance objective E + lambda V (eq. 15) for a risk aversion `lambda`
  /// (1/currency), in currency.
  [[nodiscard]] double objective(double lambda) const noexcept { return expected_currency + lambda * variance; }
};

/// An execution schedule: holdings and trades at each time step, with its cost.
///
/// For a sell, `holdings` are the shares still held; for a buy, the shares still to buy
/// (the position acquired by t_j is `quantity - holdings[j]`).
struct almgren_chriss_schedule {
  footprint::side side = footprint::side::sell;  ///< direction of the order
  double quantity = 0.0;                         ///< X, shares; > 0
  double horizon = 0.0;                          ///< T, time units; > 0
  double tau = 0.0;                              ///< tau = T / N, time units
  double lambda = 0.0;                           ///< risk aversion used, 1/currency
  double kappa = 0.0;                            ///< kappa (eq. 17), 1/time unit; 0 for TWAP
  vector times;                                  ///< t_j = j tau, j = 0..N; shape (N+1), time units
  vector holdings;                               ///< x_j, j = 0..N; shape (N+1), shares; x_0 = X, x_N = 0
  vector trades;                                 ///< n_j = x_{j-1} - x_j, j = 1..N; shape (N), shares; > 0 when optimal
  almgren_chriss_cost cost;                      ///< E and V of this schedule (eq. 20)

  /// N, the number of trading intervals.
  [[nodiscard]] index n_intervals() const noexcept { return trades.size(); }
};

/// One point of the efficient frontier (Section 2.4, Figure 1): the optimal strategy for
/// one risk aversion.
struct almgren_chriss_frontier_point {
  double lambda = nan;             ///< risk aversion, 1/currency
  double kappa = nan;              ///< kappa of the optimal trajectory, 1/time unit
  double expected_currency = nan;  ///< E of the optimal trajectory (eq. 20), currency
  double variance = nan;           ///< V of the optimal trajectory (eq. 20), currency^2
};

/// The Almgren-Chriss (2000) optimal execution model with linear impact.
///
/// Satisfies `ImpactModel`. All member functions are const and thread-safe; the object is
/// a small value type (copy it to change a parameter, or use `with_lambda`).
///
/// The model is defined only while eta_tilde = eta - gamma tau / 2 > 0 (eq. 8): functions
/// that need it throw `invalid_argument` naming eta, gamma, tau and eta_tilde otherwise
/// (use more intervals, i.e. a shorter tau).
///
/// Numerics: the hyperbolic functions are evaluated through decaying exponentials
/// (`exp(-x)`, `expm1`), so kappa T = 1e4 or more neither overflows nor gives NaN; lambda = 0
/// (or sigma = 0) gives the linear trajectory exactly; closed forms agree with sums over
/// the trajectory to about 1e-12 relative.
class almgren_chriss {
 public:
  /// Builds the model and validates the parameters.
  /// @param params see `almgren_chriss_params` for units and ranges
  /// @throws invalid_argument when a parameter is out of range or not finite, e.g.
  ///   `footprint::almgren_chriss: eta must be > 0 (got -1)`
  explicit almgren_chriss(const almgren_chriss_params& params);

  /// The validated parameters.
  [[nodiscard]] const almgren_chriss_params& params() const noexcept { return params_; }

  /// A copy of this model with another risk aversion.
  /// @param lambda risk aversion, 1/currency; finite, >= 0
  /// @throws invalid_argument when lambda is negative or not finite
  [[nodiscard]] almgren_chriss with_lambda(double lambda) const;

  /// Converts a duration into the model's time unit: `duration / params().time_unit`.
  /// @param duration any duration, e.g. an order's horizon
  /// @return the duration in time units (may be negative if `duration` is)
  [[nodiscard]] double to_time_units(std::chrono::nanoseconds duration) const noexcept;

  /// eta_tilde = eta - gamma tau / 2 with tau = horizon / N (eq. 8), the effective
  /// temporary impact of the discrete model.
  /// @param horizon T, time units; finite, > 0
  /// @return eta_tilde, (price per share) per (share per time unit); may be <= 0, in which
  ///   case the model is not defined for this horizon and N
  /// @throws invalid_argument when horizon is not finite and > 0
  [[nodiscard]] double eta_tilde(double horizon) const;

  /// kappa_tilde = sqrt(lambda sigma^2 / eta_tilde) (Section 2.2, after eq. 16), for this
  /// model's lambda.
  /// @param horizon T, time units; finite, > 0
  /// @return kappa_tilde, 1/time unit; >= 0
  /// @throws invalid_argument for a bad horizon or eta_tilde <= 0
  [[nodiscard]] double kappa_tilde(double horizon) const;

  /// kappa, the decay rate of the optimal trajectory: the root of
  /// 2 (cosh(kappa tau) - 1) / tau^2 = kappa_tilde^2 (Section 2.2, after eq. 16), computed
  /// as (2 / tau) asinh(kappa_tilde tau / 2). Tends to kappa_tilde ~ sqrt(lambda sigma^2 /
  /// eta) as tau -> 0 (eq. 19).
  /// @param horizon T, time units; finite, > 0
  /// @return kappa, 1/time unit; >= 0 (0 when lambda or sigma is 0)
  /// @throws invalid_argument for a bad horizon or eta_tilde <= 0
  [[nodiscard]] double kappa(double horizon) const;

  /// The half-life theta = 1 / kappa of the optimal trade (Section 2.3): the time over
  /// which the holdings fall by a factor e when T is long.
  /// @param horizon T, time units; finite, > 0 (kappa depends on tau = T/N)
  /// @return theta, time units; +infinity when kappa = 0 (lambda = 0 or sigma = 0)
  /// @throws invalid_argument for a bad horizon or eta_tilde <= 0
  [[nodiscard]] double half_life(double horizon) const;

  /// The optimal schedule for this model's lambda: holdings (eq. 17), trades (eq. 18) and
  /// closed-form cost (eq. 20).
  /// @param quantity X, shares; finite, > 0
  /// @param horizon  T, time units; finite, > 0
  /// @param side     direction; the schedule and costs are the same for buys and sells
  /// @return a schedule with N = `params().n_intervals` intervals
  /// @throws invalid_argument for a bad quantity or horizon, or eta_tilde <= 0
  /// @note O(N) time and memory.
  [[nodiscard]] almgren_chriss_schedule schedule(double quantity, double horizon,
                                                 footprint::side side = footprint::side::sell) const;

  /// The optimal schedule for an order; its horizon is converted with `to_time_units`.
  /// @param o the order: quantity > 0 (shares), horizon > 0
  /// @throws invalid_argument for quantity <= 0, horizon <= 0, or eta_tilde <= 0
  /// @note O(N) time and memory.
  [[nodiscard]] almgren_chriss_schedule schedule(const order& o) const;

  /// E and V of the optimal strategy for this model's lambda in closed form (eq. 20;
  /// reduces to eqs. 10-11 as kappa -> 0 and to eq. 13 as kappa -> infinity).
  /// @param quantity X, shares; finite, > 0
  /// @param horizon  T, time units; finite, > 0
  /// @return E (currency), V (currency^2) and the split of E
  /// @throws invalid_argument for a bad quantity or horizon, or eta_tilde <= 0
  /// @note O(1).
  [[nodiscard]] almgren_chriss_cost optimal_cost(double quantity, double horizon) const;

  /// E (eq. 8) and V (eq. 5) of any trajectory, optimal or not (TWAP, a user schedule).
  /// @param holdings x_0..x_N, shares still to trade at t_j = j T/N; shape (N+1), N >= 1;
  ///   finite; x_0 > 0 is the order quantity and x_N must be 0 (|x_N| <= 1e-9 x_0).
  ///   Entries may overshoot (x_j < 0 or > x_0): trades against the order's direction pay
  ///   epsilon too (the sum of |n_k| in eq. 8).
  /// @param horizon T, time units; finite, > 0; tau = T / N with N = holdings.size() - 1
  /// @return E (currency), V (currency^2) and the split of E
  /// @throws invalid_argument for a bad horizon or holdings, or eta_tilde <= 0 at this tau
  /// @note O(N).
  [[nodiscard]] almgren_chriss_cost evaluate(vector_cref holdings, double horizon) const;

  /// The linear trajectory x_k = (N - k) X / N (eq. 9): the naive (TWAP) strategy, optimal
  /// for lambda = 0.
  /// @param quantity X, shares; finite, > 0
  /// @param n_intervals N; >= 1
  /// @return holdings, shape (N+1)
  /// @throws invalid_argument for a bad quantity or n_intervals
  [[nodiscard]] static vector twap_holdings(double quantity, index n_intervals);

  /// Fraction of the order executed by time t on the optimal trajectory for this model's
  /// lambda: 1 - x(t)/X with x(t)/X = sinh(kappa (T - t)) / sinh(kappa T) (eq. 17, read at
  /// any t, not only on the grid; it equals the schedule's 1 - x_j/X at t = t_j).
  /// @param horizon T, time units; finite, > 0
  /// @param time    t, time units; in [0, T]
  /// @return the fraction executed, in [t/T, 1] (t/T for lambda = 0)
  /// @throws invalid_argument for a bad horizon or time, or eta_tilde <= 0
  [[nodiscard]] double fraction_executed(double horizon, double time) const;

  /// The efficient frontier (Section 2.4, Figure 1) at the given risk aversions: for each
  /// lambda, the kappa, E and V of its optimal strategy (closed form, eq. 20).
  /// @param quantity X, shares; finite, > 0
  /// @param horizon  T, time units; finite, > 0
  /// @param lambdas  risk aversions, 1/currency; each finite and >= 0; any order
  /// @return one point per lambda, in the order given; V falls and E rises with lambda
  /// @throws invalid_argument for a bad quantity, horizon or lambda, or eta_tilde <= 0
  /// @note O(lambdas.size()): about 60 ns per point for N <= 64 (a few exp/log calls), no
  ///   allocation but the result.
  [[nodiscard]] std::vector<almgren_chriss_frontier_point> efficient_frontier(double quantity, double horizon,
                                                                              std::span<const double> lambdas) const;

  /// The efficient frontier at `n_points` risk aversions log-spaced from `lambda_min` to
  /// `lambda_max` (inclusive).
  /// @param quantity   X, shares; finite, > 0
  /// @param horizon    T, time units; finite, > 0
  /// @param lambda_min smallest risk aversion, 1/currency; finite, > 0
  /// @param lambda_max largest risk aversion, 1/currency; finite, >= lambda_min
  /// @param n_points   number of points; >= 1 (1 gives lambda_min only)
  /// @return n_points points in increasing lambda
  /// @throws invalid_argument for a bad argument or eta_tilde <= 0
  /// @note O(n_points).
  [[nodiscard]] std::vector<almgren_chriss_frontier_point> efficient_frontier(double quantity, double horizon,
                                                                              double lambda_min, double lambda_max,
                                                                              index n_points) const;

  /// The risk aversion whose optimal strategy has variance V = `target_variance`: the
  /// frontier point with that risk (the constrained problem of eq. 14). Solved for
  /// log(kappa T) with Boost.Math's TOMS 748, then lambda = eta_tilde kappa_tilde^2 / sigma^2.
  /// @param quantity        X, shares; finite, > 0
  /// @param horizon         T, time units; finite, > 0
  /// @param target_variance V*, currency^2; finite, > 0. Targets at or above the linear
  ///   strategy's variance (eq. 11, the largest on the frontier) give 0.
  /// @return lambda >= 0, 1/currency, with V(lambda) = V* to about 1e-12 relative
  /// @throws invalid_argument for a bad argument, sigma = 0, eta_tilde <= 0, or a target
  ///   so small that lambda would overflow a double
  [[nodiscard]] double lambda_for_variance(double quantity, double horizon, double target_variance) const;

  /// The risk aversion whose optimal trade has half-life theta = 1 / kappa (Section 2.3),
  /// in closed form: kappa_tilde = (2 / tau) sinh(tau / (2 theta)), lambda = eta_tilde
  /// kappa_tilde^2 / sigma^2.
  /// @param horizon   T, time units; finite, > 0 (sets tau = T/N)
  /// @param half_life theta, time units; > 0; +infinity gives 0
  /// @return lambda >= 0, 1/currency
  /// @throws invalid_argument for a bad argument, sigma = 0, eta_tilde <= 0, or a half-life
  ///   so short that lambda would overflow a double
  [[nodiscard]] double lambda_for_half_life(double horizon, double half_life) const;

  /// The risk aversion whose optimal trajectory has executed `fraction` of the order by
  /// `time` (see `fraction_executed`). Solved for log(kappa T) with TOMS 748.
  /// @param horizon  T, time units; finite, > 0
  /// @param time     t, time units; in (0, T)
  /// @param fraction target fraction executed by t; in [t/T, 1) (t/T, the linear
  ///   strategy, gives 0; faster-than-linear profiles need lambda > 0, slower ones a
  ///   negative lambda, which this model does not support)
  /// @return lambda >= 0, 1/currency
  /// @throws invalid_argument for a bad argument, a fraction outside [t/T, 1), sigma = 0,
  ///   eta_tilde <= 0, or a target that would overflow lambda
  [[nodiscard]] double lambda_for_completion(double horizon, double time, double fraction) const;

  /// Forecasts the cost of an order executed on the optimal schedule for this model's
  /// lambda and N (`ImpactModel`): closed-form E and V (eq. 20) in basis points of the
  /// order's arrival notional X * mid.
  /// @param o the order: quantity X > 0 (shares), horizon > 0 (converted with
  ///   `to_time_units`); buys and sells cost the same
  /// @param s the market state; only `s.mid` (quote currency, finite, > 0) is used, to
  ///   express costs in bps; the model's own sigma and impact coefficients price the order
  /// @return expected_bps = 1e4 E / (X mid), std_bps = 1e4 sqrt(V) / (X mid),
  ///   permanent_bps from gamma X^2 / 2, temporary_bps from the epsilon and eta_tilde terms
  /// @throws invalid_argument for quantity <= 0, horizon <= 0, a bad mid, or eta_tilde <= 0
  /// @note O(1).
  [[nodiscard]] cost_estimate predict_cost(const order& o, const market_state& s) const;

 private:
  almgren_chriss_params params_;
};

}  // namespace footprint

#include "footprint/execution/almgren_chriss_impl.hpp"
