/// @file execution/simulated_overlay.hpp
/// @brief The risk overlay in the metaorder harness: a schedule's market children pass a
/// `risk_overlay` (one per path) before they reach the order-book simulator, which answers
/// "what does the overlay cost, and what does it save, when the market moves against us?".
/// See docs/risk-overlay.md, "In the simulator".
///
/// Costs here are the full implementation shortfall of Perold (1988): the fills against the
/// arrival mid plus the quantity left unfilled (a halted or slowed order) marked at the mid at
/// the horizon, over the whole order, so that stopping is not free:
/// cost = sign(side) [sum_fills q (p - mid_0) + q_left (mid_T - mid_0)] / (Q mid_0) x 10^4.
#pragma once
#include "footprint/execution/policy_evaluation.hpp"
#include "footprint/execution/risk_overlay.hpp"
#include "footprint/execution/simulated_execution.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <vector>

namespace footprint {

/// What the overlay sees of the model in the harness, and its limits.
struct simulated_overlay {
  risk_overlay_params limits{};  ///< the overlay's parameters (validated by risk_overlay)
  /// The model's predictive sd of the order's cost, bps; what the model guard compares with
  /// `limits.median_std_bps` (NaN: the guard sees NaN and falls back, as it would live).
  double std_bps = nan;
  /// The model's 99% predictive quantile of the order's shortfall, bps: after each child the
  /// shortfall so far (over the quantity filled) is compared with it (`risk_overlay::on_fill`).
  double quantile_99_bps = nan;
  /// The market's traded quantity per second, >= 0: the fallback's POV cap.
  double volume_rate = nan;
};

/// The outcome of `simulate_overlaid_execution`: the harness's figures (costs with the
/// opportunity cost of what is left, see the file comment) and what the overlay did.
struct simulated_overlaid_execution {
  simulated_execution execution;   ///< cost_bps, fill_rate, quantiles (mean_path_bps left at 0)
  double cvar_95_bps = nan;        ///< mean of the worst 5% of cost_bps (conditional value at risk)
  std::size_t paths_reducing = 0;  ///< paths that ended in the reducing state
  std::size_t paths_halted = 0;    ///< paths that ended halted
  std::size_t paths_fallback = 0;  ///< paths where at least one child was the fallback's
};

/// Executes `schedule` with market children `params.n_paths` times in a fresh `Simulator`
/// (common random numbers: path k uses stream k of `params.seed`, as `simulate_execution`),
/// each child first judged by a `risk_overlay` built from `overlay.limits` for the path: the
/// proposed child is the schedule's cumulative quantity less what was sent, in whole lots;
/// the overlay allows it, clips or reduces it, replaces it with the fallback's TWAP child, or
/// stops the order (halted); the allowed quantity is rounded down to lots and sent. After each
/// child, the shortfall so far is reported with `on_fill` against `overlay.quantile_99_bps`.
/// What is left at the horizon is not traded and costs its mid move (Perold's opportunity
/// cost). The book the overlay sees is the simulator's at the decision (never stale).
///
/// @tparam Simulator `zero_intelligence_model` or `queue_reactive_model`
/// @param model the simulator's parameters (its seed is replaced per path)
/// @param schedule children (times from 0, increasing; quantities >= 0), horizon after the last
/// @param overlay the overlay's parameters and the model's view
/// @param params the harness's settings (side, paths, warmup, threshold, seed)
/// @throws invalid_argument as `simulate_execution` for a bad schedule or settings, and as
///         `risk_overlay` for bad limits
/// Complexity: n_paths x (events in warmup + horizon) simulator steps, plus O(N) decisions.
template <class Simulator>
[[nodiscard]] simulated_overlaid_execution simulate_overlaid_execution(const typename Simulator::params_type& model,
                                                                       const child_schedule& schedule,
                                                                       const simulated_overlay& overlay,
                                                                       const simulated_execution_params& params) {
  if (params.n_paths < 2)
    throw invalid_argument(
        detail::concat("footprint::simulate_overlaid_execution: n_paths must be >= 2 (got ", params.n_paths, ")"));
  (void)risk_overlay(overlay.limits);  // throws for bad limits
  {
    // the schedule's and settings' checks are simulate_execution's: two short paths
    simulated_execution_params check = params;
    check.n_paths = 2;
    check.warmup_seconds = 0.0;
    check.post_seconds = 0.0;
    check.subtract_baseline = false;
    (void)simulate_execution<Simulator>(model, schedule, child_order_type::market, check);
  }
  const index n = schedule.times.size();
  double total = 0.0;
  for (index j = 0; j < n; ++j) total += schedule.quantities[j];
  const double sgn = sign(params.side);
  const double horizon = schedule.horizon_seconds;
  simulated_overlaid_execution out;
  simulated_execution& ex = out.execution;
  ex.order_type = child_order_type::market;
  ex.horizon_seconds = horizon;
  ex.cost_bps.resize(static_cast<index>(params.n_paths));
  ex.fill_rate.resize(static_cast<index>(params.n_paths));
  ex.passive_share = vector::Zero(static_cast<index>(params.n_paths));
  const auto ns = [](double s) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(s));
  };
  for (std::size_t k = 0; k < params.n_paths; ++k) {
    typename Simulator::params_type p = model;
    p.seed = detail::member_seed(params.seed, k);
    Simulator sim(p);
    (void)sim.advance(params.warmup_seconds);
    const double t0 = sim.seconds();
    const double mid0 = sim.mid();
    risk_overlay guard(overlay.limits);
    double target = 0.0;
    double sent = 0.0;
    bool fell_back = false;
    const double lot = sim.lot_quantity();
    auto filled = [&](double& notional) {
      double q = 0.0;
      notional = 0.0;
      for (const simulated_fill& x : sim.fills()) {
        q += x.quantity;
        notional += x.quantity * x.price;
      }
      return q;
    };
    for (index j = 0; j < n; ++j) {
      (void)sim.advance(t0 + schedule.times[j]);
      target += schedule.quantities[j];
      const double proposed = std::max(0.0, std::round((target - sent) / lot) * lot);
      risk_observation obs;
      obs.time = ns(sim.seconds());
      obs.book_time = obs.time;
      obs.bid = sim.best_bid();
      obs.ask = sim.best_ask();
      obs.reference_price = sim.mid();
      obs.side = params.side;
      obs.price = params.side == side::buy ? sim.best_ask() : sim.best_bid();
      obs.quantity = proposed;
      obs.std_bps = overlay.std_bps;
      obs.remaining_quantity = total - sent;
      obs.remaining_seconds = horizon - schedule.times[j];
      obs.interval_seconds = (j + 1 < n ? schedule.times[j + 1] : horizon) - schedule.times[j];
      obs.volume_rate = overlay.volume_rate;
      const risk_verdict v = guard.decide(obs);
      fell_back = fell_back || v.mode == overlay_mode::fallback;
      const double lots = std::floor(std::min(v.quantity, total - sent) / lot + 1e-9);
      if (lots >= 1.0) {
        sim.submit_market(params.side, lots * lot);
        sent += lots * lot;
        double notional = 0.0;
        const double q = filled(notional);
        if (q > 0.0)
          (void)guard.on_fill(
              {.realized_bps = sgn * (notional / q - mid0) / mid0 * 1e4, .quantile_bps = overlay.quantile_99_bps});
      }
    }
    (void)sim.advance(t0 + horizon);
    double notional = 0.0;
    const double q = filled(notional);
    const double left = std::max(0.0, total - q);
    const auto kk = static_cast<index>(k);
    ex.fill_rate[kk] = std::min(1.0, q / total);
    ex.cost_bps[kk] = sgn * ((notional - q * mid0) + left * (sim.mid() - mid0)) / (total * mid0) * 1e4;
    out.paths_reducing += guard.state() == overlay_state::reducing ? 1U : 0U;
    out.paths_halted += guard.state() == overlay_state::halted ? 1U : 0U;
    out.paths_fallback += fell_back ? 1U : 0U;
  }
  detail::execution::summarize_costs(ex, params.threshold_bps);
  out.cvar_95_bps = cvar_95(ex.cost_bps);
  return out;
}

}  // namespace footprint
