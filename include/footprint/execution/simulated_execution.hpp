/// @file execution/simulated_execution.hpp
/// @brief The metaorder harness: a schedule of children executed N times in an order-book
/// simulator that reacts to them, with common random numbers across strategies; the cost
/// distribution, the fill rate and the price path during and after execution.
///
/// Quantities go to the simulator in whole lots: a market child sends the schedule's
/// cumulative quantity so far less what was sent, rounded to lots (the rounding carries over
/// to the next child). A child is sent either as a market order (TWAP, POV, Almgren-Chriss schedules) or as a
/// passive limit order at the touch that catches up with a market order when behind
/// (`child_order_type::passive_limit`): at each child's time the resting order is cancelled,
/// the quantity the schedule expected filled by then and not filled is bought (sold) with a
/// market order, and the next child is posted at the best bid (ask); at the horizon what is
/// left is sent as a market order.
///
/// Costs are implementation shortfall in bps of the arrival mid, positive when the
/// execution is worse than the arrival mid (buying above it, selling below it):
/// cost = sign(side) (VWAP - mid_0) / mid_0 x 10^4, over the quantity filled.
///
/// References: A. F. Perold (1988), "The implementation shortfall: paper versus reality",
/// J. Portfolio Management 14(3); common random numbers: P. Glasserman (2004), "Monte Carlo
/// Methods in Financial Engineering", section 4.2.
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/detail/random.hpp"
#include "footprint/error.hpp"
#include "footprint/execution/schedules.hpp"
#include "footprint/simulation/simulated_fill.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>
#include <vector>

namespace footprint {

// `child_order_type` (types.hpp): market children, or passive limit orders at the touch
// whose shortfall is caught up with market orders.

/// Settings of `simulate_execution`.
struct simulated_execution_params {
  footprint::side side = footprint::side::buy;  ///< the metaorder's side
  std::size_t n_paths = 200;                    ///< simulated executions, >= 2
  double warmup_seconds = 300.0;                ///< background flow before the arrival, seconds, >= 0
  double post_seconds = nan;     ///< observation after the horizon, seconds, >= 0 (NaN: the horizon again)
  std::size_t path_points = 41;  ///< points of the price path over [0, horizon + post], >= 2
  double threshold_bps = nan;    ///< for P(cost > threshold); NaN: not computed
  std::uint64_t seed = 0;        ///< path k uses stream k of this seed, for every strategy
  bool subtract_baseline =
      true;  ///< subtract each path's mid path without the metaorder (same seed) from the mean path
};

/// The outcome of `simulate_execution`.
struct simulated_execution {
  child_order_type order_type = child_order_type::market;  ///< how the children were sent
  vector cost_bps;            ///< (n_paths) implementation shortfall per path, bps of the arrival mid
  vector fill_rate;           ///< (n_paths) quantity filled / quantity, in [0, 1]
  vector passive_share;       ///< (n_paths) share of the filled quantity filled passively, in [0, 1]
  double expected_bps = nan;  ///< mean of cost_bps over the paths
  double std_bps = nan;       ///< sample standard deviation of cost_bps
  double q05_bps = nan;       ///< 5% quantile of cost_bps (linear interpolation)
  double q50_bps = nan;       ///< median
  double q95_bps = nan;       ///< 95% quantile
  double p_exceed = nan;      ///< share of paths with cost_bps > threshold_bps (NaN without a threshold)
  vector path_times;          ///< (path_points) seconds after the arrival, from 0 to horizon + post
  vector mean_path_bps;  ///< (path_points) mean signed mid move, sign(side) (mid_t - mid_0) / mid_0 x 10^4, less the
                         ///< same path's move without the metaorder when `subtract_baseline`: the impact path
  matrix path_bps;       ///< (n_paths, path_points) each path's signed mid move, as in `mean_path_bps` (its column
                         ///< means): for standard errors and for bootstraps over paths (path k is stream k of the
                         ///< seed for every schedule, so one path index pairs the schedules' paths)
  double horizon_seconds = nan;    ///< the schedule's horizon
  double events_per_second = nan;  ///< background events simulated per second of wall-clock time
};

namespace detail::execution {

/// Linear-interpolation quantile (numpy's default) of sorted values.
[[nodiscard]] inline double sorted_quantile(const std::vector<double>& v, double p) noexcept {
  if (v.empty()) return nan;
  const double h = p * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (h - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

/// Fills the summary of `out.cost_bps` (its finite entries): expected_bps, std_bps, the 5%,
/// 50% and 95% quantiles and, with a threshold, p_exceed. Left NaN without a finite cost.
inline void summarize_costs(simulated_execution& out, double threshold_bps) {
  std::vector<double> sorted;
  for (index k = 0; k < out.cost_bps.size(); ++k)
    if (std::isfinite(out.cost_bps[k])) sorted.push_back(out.cost_bps[k]);
  std::sort(sorted.begin(), sorted.end());
  if (sorted.empty()) return;
  double m = 0.0;
  for (double c : sorted) m += c;
  m /= static_cast<double>(sorted.size());
  double v = 0.0;
  for (double c : sorted) v += (c - m) * (c - m);
  out.expected_bps = m;
  out.std_bps = sorted.size() > 1 ? std::sqrt(v / static_cast<double>(sorted.size() - 1)) : nan;
  out.q05_bps = sorted_quantile(sorted, 0.05);
  out.q50_bps = sorted_quantile(sorted, 0.50);
  out.q95_bps = sorted_quantile(sorted, 0.95);
  if (!std::isnan(threshold_bps)) {
    std::size_t above = 0;
    for (double c : sorted) above += c > threshold_bps ? 1U : 0U;
    out.p_exceed = static_cast<double>(above) / static_cast<double>(sorted.size());
  }
}

}  // namespace detail::execution

/// Executes `schedule` (children at seconds after the arrival, quantities summing to the
/// metaorder) `params.n_paths` times in a fresh `Simulator` built from `model` with the seed
/// of stream k of `params.seed` for path k: the same background randomness for every
/// strategy run with the same seed (common random numbers), so that strategies compare with
/// less noise. Each path runs `warmup_seconds` of background flow, then the children, then
/// observes the mid until `horizon + post_seconds`.
///
/// @tparam Simulator `zero_intelligence_model` or `queue_reactive_model` (or any type with
///   the same `params_type` / `advance` / `submit_market` / `submit_limit` / `cancel` /
///   `fills` interface).
/// @param model the simulator's parameters (its `seed` is replaced per path).
/// @param schedule children: times (seconds, increasing from 0) and quantities (>= 0,
///   instrument units), with `horizon_seconds` set.
/// @param type market children or passive limit orders at the touch.
/// @return the cost distribution, fill rates and mean price path.
/// @throws invalid_argument for an empty schedule, times not increasing, quantities not
///   finite or negative, a horizon not after the last child, a total of less than half of
///   `model.lot_quantity` (the simulators trade whole lots), or bad `params`.
/// Complexity: n_paths x (events in warmup + horizon + post) simulator steps.
template <class Simulator>
[[nodiscard]] simulated_execution simulate_execution(const typename Simulator::params_type& model,
                                                     const child_schedule& schedule, child_order_type type,
                                                     const simulated_execution_params& params) {
  constexpr std::string_view where = "footprint::simulate_execution";
  const index n = schedule.times.size();
  if (n < 1 || schedule.quantities.size() != n)
    throw invalid_argument(detail::concat(where, ": the schedule needs as many quantities as times, at least one (got ",
                                          n, " times, ", schedule.quantities.size(), " quantities)"));
  double total = 0.0;
  for (index j = 0; j < n; ++j) {
    if (!(schedule.quantities[j] >= 0.0) || !std::isfinite(schedule.quantities[j]))
      throw invalid_argument(detail::concat(where, ": child quantities must be finite and >= 0 (got ",
                                            schedule.quantities[j], " at child ", j, ")"));
    if (!std::isfinite(schedule.times[j]) || schedule.times[j] < 0.0 ||
        (j > 0 && !(schedule.times[j] > schedule.times[j - 1])))
      throw invalid_argument(detail::concat(where, ": child times must be finite, >= 0 and increasing (got ",
                                            schedule.times[j], " at child ", j, ")"));
    total += schedule.quantities[j];
  }
  const double horizon = schedule.horizon_seconds;
  if (!(total > 0.0))
    throw invalid_argument(detail::concat(where, ": the schedule's quantity must be > 0 (got ", total, ")"));
  if (!(horizon > schedule.times[n - 1]) || !std::isfinite(horizon))
    throw invalid_argument(
        detail::concat(where, ": horizon_seconds must be finite and after the last child (got ", horizon, ")"));
  if (params.n_paths < 2)
    throw invalid_argument(detail::concat(where, ": n_paths must be >= 2 (got ", params.n_paths, ")"));
  if (params.path_points < 2)
    throw invalid_argument(detail::concat(where, ": path_points must be >= 2 (got ", params.path_points, ")"));
  if (!(params.warmup_seconds >= 0.0) || !std::isfinite(params.warmup_seconds))
    throw invalid_argument(
        detail::concat(where, ": warmup_seconds must be finite and >= 0 (got ", params.warmup_seconds, ")"));
  const double post = std::isnan(params.post_seconds) ? horizon : params.post_seconds;
  if (!(post >= 0.0) || !std::isfinite(post))
    throw invalid_argument(
        detail::concat(where, ": post_seconds must be finite and >= 0 (got ", params.post_seconds, ")"));
  // The simulators trade whole lots: less than half a lot in all would send nothing, and
  // every path's cost would be undefined.
  if (!(std::round(total / model.lot_quantity) >= 1.0))
    throw invalid_argument(detail::concat(where, ": the schedule's quantity (", total,
                                          ") is less than half a lot of the simulator (lot_quantity ",
                                          model.lot_quantity, "): nothing would be sent"));

  const double sgn = sign(params.side);
  const auto points = static_cast<index>(params.path_points);
  simulated_execution out;
  out.order_type = type;
  out.horizon_seconds = horizon;
  out.cost_bps.resize(static_cast<index>(params.n_paths));
  out.fill_rate.resize(static_cast<index>(params.n_paths));
  out.passive_share.resize(static_cast<index>(params.n_paths));
  out.path_times = vector::LinSpaced(points, 0.0, horizon + post);
  out.mean_path_bps = vector::Zero(points);
  out.path_bps = matrix::Zero(static_cast<index>(params.n_paths), points);
  std::size_t events = 0;
  const auto wall0 = std::chrono::steady_clock::now();

  for (std::size_t k = 0; k < params.n_paths; ++k) {
    const auto kk = static_cast<index>(k);
    typename Simulator::params_type p = model;
    p.seed = detail::member_seed(params.seed, k);
    Simulator sim(p);
    events += sim.advance(params.warmup_seconds);
    const double t0 = sim.seconds();
    const double mid0 = sim.mid();
    // the same path without the metaorder (same seed, same warmup): its mid path is
    // subtracted, so that the mean path is the metaorder's impact with the background's
    // common noise removed
    if (params.subtract_baseline) {
      Simulator base(p);
      events += base.advance(params.warmup_seconds);
      const double b0 = base.mid();
      for (index m = 0; m < points; ++m) {
        events += base.advance(t0 + out.path_times[m]);
        out.path_bps(kk, m) -= sgn * (base.mid() - b0) / b0 * 1e4;
      }
    }
    index next_point = 0;
    auto observe_until = [&](double t) {  // advance to t (after arrival), sampling the path
      while (next_point < points && out.path_times[next_point] <= t) {
        events += sim.advance(t0 + out.path_times[next_point]);
        out.path_bps(kk, next_point) += sgn * (sim.mid() - mid0) / mid0 * 1e4;
        ++next_point;
      }
      events += sim.advance(t0 + t);
    };
    std::uint64_t resting = 0;
    double target = 0.0;  // the schedule's cumulative quantity so far
    auto filled = [&] {
      double f = 0.0;
      for (const simulated_fill& x : sim.fills()) f += x.quantity;
      return f;
    };
    double sent = 0.0;  // market children: whole lots sent so far (the rounding carries over)
    for (index j = 0; j < n; ++j) {
      observe_until(schedule.times[j]);
      if (type == child_order_type::market) {
        target += schedule.quantities[j];
        const double lots = std::round((target - sent) / sim.lot_quantity());
        if (lots >= 1.0) {
          sim.submit_market(params.side, lots * sim.lot_quantity());
          sent += lots * sim.lot_quantity();
        }
        continue;
      }
      if (resting != 0) sim.cancel(resting);
      resting = 0;
      const double behind = target - filled();
      if (behind > 0.5 * sim.lot_quantity()) sim.submit_market(params.side, behind);
      target += schedule.quantities[j];
      const double post_now = target - filled();
      if (post_now > 0.5 * sim.lot_quantity()) {
        const double touch = params.side == side::buy ? sim.best_bid() : sim.best_ask();
        resting = sim.submit_limit(params.side, touch, post_now);
      }
    }
    observe_until(horizon);
    if (type == child_order_type::passive_limit) {
      if (resting != 0) sim.cancel(resting);
      const double left = total - filled();
      if (left > 0.5 * sim.lot_quantity()) sim.submit_market(params.side, left);
    }
    observe_until(horizon + post);
    double q = 0.0;
    double notional = 0.0;
    double passive = 0.0;
    for (const simulated_fill& x : sim.fills()) {
      q += x.quantity;
      notional += x.quantity * x.price;
      if (!x.aggressive) passive += x.quantity;
    }
    out.fill_rate[kk] = std::min(1.0, q / total);
    out.passive_share[kk] = q > 0.0 ? passive / q : 0.0;
    out.cost_bps[kk] = q > 0.0 ? sgn * (notional / q - mid0) / mid0 * 1e4 : nan;
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  out.events_per_second = wall > 0.0 ? static_cast<double>(events) / wall : nan;
  out.mean_path_bps = out.path_bps.colwise().mean().transpose();

  detail::execution::summarize_costs(out, params.threshold_bps);
  return out;
}

}  // namespace footprint
