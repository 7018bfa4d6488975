/// @file simulation/order_flow_fit.hpp
/// @brief The fits of the simulator's two models from an order-flow tape's statistics
/// (`order_flow_statistics`, simulation/order_flow_statistics.hpp): `fit_zero_intelligence`
/// (Cont, Stoikov and Talreja 2010) and `fit_queue_reactive` (Huang, Lehalle and Rosenbaum
/// 2015), with standard errors.
///
/// A cheap header: standard library, Eigen/Core and base headers only (no Boost.Math, no
/// JSON).
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/impact/parameter_estimate.hpp"
#include "footprint/simulation/order_flow_statistics.hpp"
#include "footprint/simulation/queue_reactive_params.hpp"
#include "footprint/simulation/zero_intelligence_params.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace footprint {

/// The zero-intelligence model fitted to a tape's statistics (`fit_zero_intelligence`).
struct zero_intelligence_fit {
  /// The fitted parameters (tick size and lot of the statistics, initial price = first
  /// two-sided mid, seed 0), ready for `zero_intelligence_model`.
  zero_intelligence_params params;
  /// lambda(i), i = 1..L (entry i-1), limit orders (of one lot or more) per second per side
  std::vector<parameter_estimate> lambda;
  std::vector<parameter_estimate> theta;  ///< theta(i), cancels per second per resting lot at distance i
  parameter_estimate mu;                  ///< market rate per side, orders of the mean size per second
  parameter_estimate market_order_rate;   ///< market orders (runs of fills) per second per side, as counted
  parameter_estimate power_law_k;         ///< k of lambda(i) ~ k / i^alpha, per second
  parameter_estimate power_law_alpha;     ///< alpha of the power law, dimensionless
  double two_sided_seconds = 0.0;         ///< T, seconds
  double lot_quantity = 0.0;              ///< instrument units per lot
  double mean_size_lots = 1.0;            ///< mean of `params.size_probabilities`, lots
  double market_mean_size_lots = 1.0;     ///< mean of `params.market_size_probabilities`, lots
  /// Share of the limit orders that are one lot or more once their sizes are rounded keeping
  /// the volume (`order_flow_statistics::size_histogram`): lambda's factor, 1 with unit sizes.
  double limit_lot_share = 1.0;
  /// Standard errors of `params.size_probabilities` and `params.market_size_probabilities`
  /// (same shapes): multinomial, sqrt(p (1 - p) / n), n the orders of one lot or more (the
  /// split weights counted as orders).
  std::vector<double> size_probabilities_std_error;
  std::vector<double> market_size_probabilities_std_error;
};

/// The queue-reactive model fitted to a tape's statistics (`fit_queue_reactive`).
struct queue_reactive_fit {
  /// The fitted parameters (tick size and lot of the statistics, initial price = first
  /// two-sided p_ref, theta_reinit 0, seed 0), ready for `queue_reactive_model`.
  queue_reactive_params params;
  matrix limit_rate_std_error;   ///< shape (K, Q + 1), 1/s; NaN where T_i(q) = 0
  matrix cancel_rate_std_error;  ///< shape (K, Q + 1), 1/s; NaN where T_i(q) = 0
  matrix market_rate_std_error;  ///< shape (K, Q + 1), 1/s; NaN where T_i(q) = 0
  matrix seconds;                ///< T_i(q), shape (K, Q + 1), seconds: where the tables are thin
  parameter_estimate theta;      ///< P(p_ref moves | a first queue empties); NaN without depletions
  std::size_t depletions = 0;    ///< resolved first-queue depletions
  std::size_t moves = 0;         ///< of which followed by a move of p_ref
};

namespace detail::simulation {

/// min_seconds finite and >= 0 (invalid_argument), and `seconds` of the rate tables' shape
/// (dimension_mismatch): the arguments of match_occupancy and regularize_thin_cells.
inline void check_cell_seconds(const queue_reactive_fit& fit, double min_seconds, const char* where) {
  if (!(min_seconds >= 0.0) || !std::isfinite(min_seconds))
    throw invalid_argument(concat(where, ": min_seconds must be finite and >= 0 (got ", min_seconds, ")"));
  const matrix& rates = fit.params.limit_rate;
  if (fit.seconds.rows() != rates.rows() || fit.seconds.cols() != rates.cols())
    throw dimension_mismatch(where, "seconds, shape of limit_rate", rates.rows() * rates.cols(),
                             fit.seconds.rows() * fit.seconds.cols());
}

/// Throws when the statistics hold no two-sided time.
inline void require_two_sided(const order_flow_statistics& s, const char* where) {
  if (!(s.two_sided_seconds() > 0.0))
    throw invalid_argument(concat(where,
                                  ": the tape has no time with both sides of the book present and not crossed "
                                  "(two_sided_seconds = ",
                                  s.two_sided_seconds(), ", events = ", s.events(), ")"));
}

}  // namespace detail::simulation

/// Fits the zero-intelligence model of Cont, Stoikov and Talreja (2010) to a tape's statistics,
/// with their section 4.1 estimators (sizes in lots of `lot_quantity()`, by default the mean
/// limit-order size):
/// - lambda(i) = s N_l(i) / (2T), standard error s sqrt(N_l(i)) / (2T) (Poisson count), s the
///   share of limit orders of one lot or more (`limit_lot_share`, 1 with unit sizes);
/// - theta(i) = cancelled quantity at i / time integral of the queue quantity at i (both
///   sides): the cancel rate per resting lot; standard error theta(i) / sqrt(N_c(i)); 0 with
///   a NaN error where no quantity rested at i;
/// - size_probabilities: the limit-order size histogram in lots, each size rounded to its two
///   neighbouring whole lots with the weights that keep its volume
///   (`order_flow_statistics::size_histogram`), without the orders rounded to 0 (the share s
///   above thins lambda instead): with lambda, the simulated limit volume is the tape's
///   (rounding every size up, as this did before 2026-12-07, made it 1.5-1.8 times the
///   tape's on the real data sets and the simulated book as much too deep);
/// - market_size_probabilities: the same for market orders (a run of fills at one time on
///   one side is one order), mean m lots; on the real data sets market orders are 3 to 6
///   times smaller than limit orders, which CST's single size law cannot say; both laws with
///   multinomial standard errors sqrt(p (1 - p) / n), n the orders of one lot or more;
/// - mu = market quantity / lot / m / (2T): market orders of the simulator's mean size m per
///   second, so that the simulated market volume matches the tape's (with unit sizes, m = 1,
///   this is CST's mu = N_m S_m / (S_l T)); standard error mu / sqrt(market orders);
///   `market_order_rate` = market orders / (2T), for reference;
/// - the power law lambda(i) = k / i^alpha (CST section 4.1, their figure 3), by least
///   squares of log lambda(i) on log i over the distances with lambda(i) > 0; classical and
///   HC1 standard errors (k's by the delta method); NaN errors with fewer than 3 distances,
///   NaN values with fewer than 2.
/// The Poisson standard errors fill both `std_error` and `robust_std_error`.
/// @param stats the statistics of a tape
/// @return params and estimates; L = `stats.options().levels`
/// @throws invalid_argument when the tape has no two-sided time, or no limit order at
///   distances 1..L (every lambda 0), or the first mid is not above one tick
[[nodiscard]] inline zero_intelligence_fit fit_zero_intelligence(const order_flow_statistics& stats) {
  constexpr const char* where = "footprint::fit_zero_intelligence";
  detail::simulation::require_two_sided(stats, where);
  const double t2 = 2.0 * stats.two_sided_seconds();
  const std::size_t nl = stats.limit_counts().size();
  zero_intelligence_fit f;
  f.two_sided_seconds = stats.two_sided_seconds();
  f.lot_quantity = stats.lot_quantity();
  f.params.tick_size = stats.options().tick_size;
  f.params.lot_quantity = stats.lot_quantity();
  f.params.initial_price = stats.first_mid_price();
  f.lambda.resize(nl);
  f.theta.resize(nl);
  f.params.lambda.resize(nl);
  f.params.theta.resize(nl);
  // A size law of 1, 2, ... lots from a volume-keeping histogram (entry k = k lots): returns
  // the share of orders of one lot or more, fills `law` (empty when there is none), its
  // multinomial standard errors `se` and its `mean`.
  auto law_of = [](std::span<const double> h, std::vector<double>& law, std::vector<double>& se, double& mean) {
    double total = 0.0;
    double sized = 0.0;
    for (std::size_t k = 0; k < h.size(); ++k) {
      total += h[k];
      if (k > 0) sized += h[k];
    }
    law.clear();
    se.clear();
    mean = 1.0;
    if (!(sized > 0.0)) return 1.0;
    law.resize(h.size() - 1);
    for (std::size_t k = 1; k < h.size(); ++k) law[k - 1] = h[k] / sized;
    // Drop the empty tail bins (the simulator's sizes stop at the largest observed bin).
    while (!law.empty() && law.back() == 0.0) law.pop_back();
    mean = zero_intelligence_params::mean_of(law);
    for (const double p : law) se.push_back(std::sqrt(p * (1.0 - p) / sized));
    return sized / total;
  };
  f.limit_lot_share =
      law_of(stats.size_histogram(), f.params.size_probabilities, f.size_probabilities_std_error, f.mean_size_lots);
  const std::vector<double> market_sizes = stats.market_size_histogram();
  (void)law_of(market_sizes, f.params.market_size_probabilities, f.market_size_probabilities_std_error,
               f.market_mean_size_lots);
  for (std::size_t i = 0; i < nl; ++i) {
    const auto n = static_cast<double>(stats.limit_counts()[i]);
    const double se = f.limit_lot_share * std::sqrt(n) / t2;
    f.lambda[i] = parameter_estimate{f.limit_lot_share * n / t2, se, se};
    f.params.lambda[i] = f.limit_lot_share * n / t2;
    const double exposure = stats.queue_integral()[i];
    const double th = exposure > 0.0 ? stats.cancelled_quantity()[i] / exposure : 0.0;
    const auto nc = static_cast<double>(stats.cancel_counts()[i]);
    const double th_se = exposure > 0.0 && nc > 0.0 ? th / std::sqrt(nc) : nan;
    f.theta[i] = parameter_estimate{th, th_se, th_se};
    f.params.theta[i] = th;
  }
  const double mu = stats.market_quantity() / stats.lot_quantity() / f.market_mean_size_lots / t2;
  const auto n_orders = static_cast<double>(stats.market_orders());
  const double mu_se = n_orders > 0.0 ? mu / std::sqrt(n_orders) : nan;
  f.mu = parameter_estimate{mu, mu_se, mu_se};
  f.params.mu = mu;
  const double mor_se = std::sqrt(n_orders) / t2;
  f.market_order_rate = parameter_estimate{n_orders / t2, mor_se, mor_se};

  // Power law by least squares in logs.
  std::vector<double> x;
  std::vector<double> y;
  for (std::size_t i = 0; i < nl; ++i)
    if (f.params.lambda[i] > 0.0) {
      x.push_back(std::log(static_cast<double>(i + 1)));
      y.push_back(std::log(f.params.lambda[i]));
    }
  if (x.size() >= 2) {
    const auto n = static_cast<double>(x.size());
    double mx = 0.0;
    double my = 0.0;
    for (std::size_t j = 0; j < x.size(); ++j) {
      mx += x[j];
      my += y[j];
    }
    mx /= n;
    my /= n;
    double sxx = 0.0;
    double sxy = 0.0;
    for (std::size_t j = 0; j < x.size(); ++j) {
      sxx += (x[j] - mx) * (x[j] - mx);
      sxy += (x[j] - mx) * (y[j] - my);
    }
    const double slope = sxy / sxx;
    const double intercept = my - slope * mx;
    double se_slope = nan;
    double se_intercept = nan;
    double hc_slope = nan;
    double hc_intercept = nan;
    if (x.size() >= 3) {
      double ssr = 0.0;
      double meat_ss = 0.0;  // sum r^2 (x - mx)^2
      double meat_s = 0.0;   // sum r^2 (x - mx)
      double meat_0 = 0.0;   // sum r^2
      for (std::size_t j = 0; j < x.size(); ++j) {
        const double r = y[j] - intercept - slope * x[j];
        ssr += r * r;
        const double c = x[j] - mx;
        meat_ss += r * r * c * c;
        meat_s += r * r * c;
        meat_0 += r * r;
      }
      const double s2 = ssr / (n - 2.0);
      se_slope = std::sqrt(s2 / sxx);
      se_intercept = std::sqrt(s2 * (1.0 / n + mx * mx / sxx));
      // HC1 in the centred parametrisation: slope b, intercept a = ybar - b xbar.
      const double hc = n / (n - 2.0);
      const double var_b = hc * meat_ss / (sxx * sxx);
      // a = sum w_j y_j with w_j = 1/n - mx c_j / sxx.
      const double var_a = hc * (meat_0 / (n * n) - 2.0 * mx * meat_s / (n * sxx) + mx * mx * meat_ss / (sxx * sxx));
      hc_slope = std::sqrt(var_b);
      hc_intercept = std::sqrt(std::max(var_a, 0.0));
    }
    const double k = std::exp(intercept);
    f.power_law_k = parameter_estimate{k, k * se_intercept, k * hc_intercept};
    f.power_law_alpha = parameter_estimate{-slope, se_slope, hc_slope};
  }
  detail::simulation::validate(f.params, where);
  return f;
}

/// Fits the queue-reactive model of Huang, Lehalle and Rosenbaum (2015) to a tape's
/// statistics: the maximum-likelihood intensities of their section 3.1 for a Poisson
/// process in each state, rate(i, q) = unit events at queue i and size q / T_i(q), standard
/// error sqrt(N) / T_i(q); 0 with NaN errors where T_i(q) = 0 (the state was never visited:
/// the simulator then never fires that event from it, and `seconds` shows where the tables
/// are thin). theta = moves / resolved depletions of a first queue (HLR's Model III
/// probability that p_ref moves when a first queue empties), standard error
/// sqrt(theta (1 - theta) / depletions); with no depletion, NaN (and `params.theta` keeps its
/// default 0.5). theta_reinit is 0: redraws of the whole book after a move are not
/// identified by this estimator.
/// @param stats the statistics of a tape
/// @return params (K = `queue_levels`, Q = `max_queue_lots`) and errors, each of shape (K, Q + 1)
/// @throws invalid_argument when the tape has no two-sided time, or the first p_ref is not
///   above one tick
[[nodiscard]] inline queue_reactive_fit fit_queue_reactive(const order_flow_statistics& stats) {
  constexpr const char* where = "footprint::fit_queue_reactive";
  detail::simulation::require_two_sided(stats, where);
  queue_reactive_fit f;
  f.seconds = stats.queue_seconds();
  const index k = f.seconds.rows();
  const index c = f.seconds.cols();
  f.params.tick_size = stats.options().tick_size;
  f.params.lot_quantity = stats.lot_quantity();
  f.params.initial_price = stats.first_reference_price();
  f.params.theta_reinit = 0.0;
  f.params.limit_rate = matrix::Zero(k, c);
  f.params.cancel_rate = matrix::Zero(k, c);
  f.params.market_rate = matrix::Zero(k, c);
  f.limit_rate_std_error = matrix::Constant(k, c, nan);
  f.cancel_rate_std_error = matrix::Constant(k, c, nan);
  f.market_rate_std_error = matrix::Constant(k, c, nan);
  for (index i = 0; i < k; ++i)
    for (index q = 0; q < c; ++q) {
      const double t = f.seconds(i, q);
      if (!(t > 0.0)) continue;
      f.params.limit_rate(i, q) = stats.queue_limit_events()(i, q) / t;
      f.limit_rate_std_error(i, q) = std::sqrt(stats.queue_limit_events()(i, q)) / t;
      if (q == 0) continue;  // cancels and market events need a non-empty queue
      f.params.cancel_rate(i, q) = stats.queue_cancel_events()(i, q) / t;
      f.cancel_rate_std_error(i, q) = std::sqrt(stats.queue_cancel_events()(i, q)) / t;
      f.params.market_rate(i, q) = stats.queue_market_events()(i, q) / t;
      f.market_rate_std_error(i, q) = std::sqrt(stats.queue_market_events()(i, q)) / t;
    }
  f.depletions = stats.depletions();
  f.moves = stats.depletion_moves();
  if (f.depletions > 0) {
    const double n = static_cast<double>(f.depletions);
    const double th = static_cast<double>(f.moves) / n;
    const double se = std::sqrt(th * (1.0 - th) / n);
    f.theta = parameter_estimate{th, se, se};
    f.params.theta = th;
  }
  detail::simulation::validate(f.params, where);
  return f;
}

/// Sets each queue's limit (birth) rates so that its invariant law is the occupancy observed
/// on the tape, keeping the cancel and market (death) rates of `fit_queue_reactive`.
///
/// HLR's estimator (events / time in each state) gives a birth-death chain whose invariant law
/// (their section 2.3.3, the law the simulator draws queues from after a price move) can be far
/// from the queue sizes the tape shows: on the real data sets the events that change a queue
/// by less than a lot, and the queues that change identity when p_ref moves, are outside the
/// chain. On the GOOG day (0.13 USD grid, Q = 20) the second queue's invariant mean is 18.6
/// lots against 4.7 observed, and on Binance at 1 USDT the first queue's invariant law is
/// empty 80% of the time against 7% (docs/simulation.md, "Matching the observed occupancy"
/// under Estimators). Detailed balance,
/// pi(q - 1) limit(q - 1) = pi(q) (cancel(q) + market(q)) with pi(q) = T_i(q) / T_i the share
/// of the time queue i spent at q lots, gives
///     limit_rate(i, q - 1) = (cancel_rate(i, q) + market_rate(i, q)) x T_i(q) / T_i(q - 1),
/// market orders counted at the first queue only (as in the invariant law), for q = 1..Q - 1
/// wherever both T_i(q - 1) and T_i(q) are at least `min_seconds` and the death rate is > 0
/// (elsewhere, and at column Q, which pools the larger queues, the rate stays HLR's). Where
/// every cell from 0 to q is kept, the chain's pi(q) / pi(0) is then T_i(q) / T_i(0) exactly.
/// The death rates, which empty the first queue and so move the price, stay as estimated; the
/// replaced rates' standard errors are the death rate's relative error times the new rate
/// (T_i(q) / T_i(q - 1) taken as exact). The others (theta, the death rates, their errors,
/// `seconds`) are unchanged.
/// @param fit a fit from `fit_queue_reactive` (its `seconds` and rate tables of one shape; the
///   errors are replaced where its three error tables have that shape too, as a fit's have)
/// @param min_seconds the least time at both sizes for a rate to be replaced, seconds, >= 0
///   and finite
/// @return the fit with the replaced limit rates and their errors
/// @throws invalid_argument when `min_seconds` is negative or not finite;
///   dimension_mismatch when `seconds` and the rate tables differ in shape
/// Complexity: O(K Q).
[[nodiscard]] inline queue_reactive_fit match_occupancy(queue_reactive_fit fit, double min_seconds = 30.0) {
  constexpr const char* where = "footprint::match_occupancy";
  detail::simulation::check_cell_seconds(fit, min_seconds, where);
  queue_reactive_params& p = fit.params;
  const bool has_errors = fit.limit_rate_std_error.rows() == p.limit_rate.rows() &&
                          fit.limit_rate_std_error.cols() == p.limit_rate.cols() &&
                          fit.cancel_rate_std_error.size() == p.limit_rate.size() &&
                          fit.market_rate_std_error.size() == p.limit_rate.size();
  for (index i = 0; i < p.levels(); ++i)
    for (index q = 1; q < p.max_tabulated(); ++q) {
      const double below = fit.seconds(i, q - 1);
      const double at = fit.seconds(i, q);
      if (!(below >= min_seconds && at >= min_seconds && below > 0.0 && at > 0.0)) continue;
      const double market = i == 0 ? p.market_rate(i, q) : 0.0;
      const double death = p.cancel_rate(i, q) + market;
      if (!(death > 0.0)) continue;
      p.limit_rate(i, q - 1) = death * at / below;
      if (!has_errors) continue;
      const double se_c = fit.cancel_rate_std_error(i, q);
      const double se_m = i == 0 ? fit.market_rate_std_error(i, q) : 0.0;
      fit.limit_rate_std_error(i, q - 1) = std::sqrt(se_c * se_c + se_m * se_m) * at / below;
    }
  detail::simulation::validate(p, where);
  return fit;
}

/// The queue-reactive tables made simulable where the data were thin (the programs' and the
/// Python module's fits, `footprint-simulate`, docs/simulation.md "Estimators"): a cell
/// observed less than `min_seconds` (`fit.seconds(i, q)`, q >= 1) takes the rates of the queue
/// size below it (its limit rate that of q - 1; for q >= 2 its cancellation and market rates
/// too), so the last well-observed size's rates carry on; then, where the last column lets a
/// queue grow on average (limit(Q) >= cancel(Q) + market(Q), market orders counted at the first
/// queue only), which leaves it without an invariant law, its cancellation rate is raised to
/// 1.25 x the limit rate (+ 1e-9 /s); a theta that is NaN (no depletion observed) becomes 0.5.
/// The standard errors and `seconds` are unchanged.
/// @param fit a fit from `fit_queue_reactive` (or `match_occupancy`), changed in place
/// @param min_seconds the least time at a size for its rates to be kept, seconds, >= 0 and
///   finite
/// @return one sentence per change made (the cells replaced, each column raised), for a
///   report's notes; empty when nothing changed
/// @throws invalid_argument when `min_seconds` is negative or not finite;
///   dimension_mismatch when `seconds` and the rate tables differ in shape
/// Complexity: O(K Q).
[[nodiscard]] inline std::vector<std::string> regularize_thin_cells(queue_reactive_fit& fit,
                                                                    double min_seconds = 30.0) {
  detail::simulation::check_cell_seconds(fit, min_seconds, "footprint::regularize_thin_cells");
  queue_reactive_params& p = fit.params;
  std::vector<std::string> notes;
  std::size_t filled = 0;
  for (index i = 0; i < p.levels(); ++i) {
    for (index q = 1; q <= p.max_tabulated(); ++q) {
      if (fit.seconds(i, q) >= min_seconds) continue;
      p.limit_rate(i, q) = p.limit_rate(i, q - 1);
      if (q > 1) {
        p.cancel_rate(i, q) = p.cancel_rate(i, q - 1);
        p.market_rate(i, q) = p.market_rate(i, q - 1);
      }
      ++filled;
    }
    const index Q = p.max_tabulated();
    const double death = p.cancel_rate(i, Q) + (i == 0 ? p.market_rate(i, Q) : 0.0);
    if (!(p.limit_rate(i, Q) < death)) {
      p.cancel_rate(i, Q) = 1.25 * p.limit_rate(i, Q) + 1e-9;
      notes.push_back(detail::concat(
          "queue-reactive queue ", i + 1,
          ": the largest queues grew on average; their cancellation rate was raised to 1.25 x the limit rate"));
    }
  }
  if (filled > 0)
    notes.push_back(detail::concat(filled, " queue-reactive cells observed less than ", min_seconds,
                                   " s take the rates of the queue size below them"));
  if (!std::isfinite(p.theta)) p.theta = 0.5;
  return notes;
}

}  // namespace footprint
