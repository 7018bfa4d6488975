/// @file pretrade/shard_simulation.hpp
/// @brief `simulate_shard`: the simulation step of a shard's fit (docs/distributed.md): a TWAP
/// of the shard's median metaorder executed many times in the zero-intelligence order-book
/// model fitted to the shard's order flow.
///
/// Includes the simulator and its fit, not the readers: the order flow comes from a callable
/// (`load_shard_order_flow`, pretrade/shard_data.hpp, in the programs).
#pragma once

#include "footprint/data/impact_pipeline_result.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/execution/schedules.hpp"
#include "footprint/execution/simulated_execution.hpp"
#include "footprint/pretrade/shard.hpp"
#include "footprint/simulation/order_flow_event.hpp"
#include "footprint/simulation/order_flow_fit.hpp"
#include "footprint/simulation/order_flow_statistics.hpp"
#include "footprint/simulation/zero_intelligence_model.hpp"
#include "footprint/simulation/zero_intelligence_params.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <exception>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

namespace footprint {

namespace detail::pretrade {

/// The median of values (the upper median of an even count); NaN when empty.
[[nodiscard]] inline double median_of(std::vector<double> v) {
  if (v.empty()) return nan;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

}  // namespace detail::pretrade

/// The simulation step of a shard's fit: fills the simulation fields of `out` (`episodes`,
/// `quantity`, `horizon_seconds`, `expected_bps`, `std_bps`, `p05_bps`, `p95_bps`,
/// `simulation_message`).
///
/// When p.episodes > 0: a TWAP buy of the median metaorder quantity of `data` (rounded to the
/// simulator's whole lots; none below half a lot) over the median metaorder duration (at
/// least 1 s) in up to 10 market children of at least one lot, executed p.episodes times in
/// the zero-intelligence model (Cont, Stoikov and Talreja 2010) fitted to the shard's order
/// flow (the synthetic source: the paper's estimates, and `load_order_flow` is not called),
/// with the shard's seed `out.seed`; the cost's mean, std and 5%/95% quantiles in bps of the
/// arrival mid. An order flow that cannot be read or fitted (whatever `load_order_flow`
/// throws) is reported in `simulation_message`, not thrown.
/// @param out the shard's fit by `fit_shard` (pretrade/shard_fit.hpp): its seed is used
/// @param s the shard
/// @param p the run's parameters (episodes 0 or >= 2)
/// @param data the shard's data (`load_shard_data`), whose metaorders set the order
/// @param load_order_flow callable returning the shard's `shard_order_flow`, e.g.
///        `[&] { return load_shard_order_flow(s); }` (pretrade/shard_data.hpp)
/// @throws invalid_argument for episodes == 1
/// Complexity: O(order-flow events + episodes x simulated events).
template <class OrderFlowLoader>
requires std::invocable<OrderFlowLoader&> &&
    std::convertible_to<std::invoke_result_t<OrderFlowLoader&>, shard_order_flow>
void simulate_shard(shard_fit& out, const shard& s, const shard_params& p, const impact_pipeline_result& data,
                    OrderFlowLoader&& load_order_flow) {
  using detail::concat;
  using detail::pretrade::median_of;
  if (p.episodes == 1)
    throw invalid_argument("footprint::simulate_shard: episodes must be 0 (no simulation) or >= 2 (got 1)");
  out.episodes = p.episodes;
  if (p.episodes == 0) {
    out.simulation_message = "no simulation (episodes = 0)";
    return;
  }
  std::vector<double> q, t;
  for (index i = 0; i < data.metaorders.rows(); ++i) {
    q.push_back(data.metaorders.quantity[i]);
    t.push_back(std::chrono::duration<double>(data.metaorders.durations[static_cast<std::size_t>(i)]).count());
  }
  if (q.empty()) {
    out.simulation_message = "no simulation: the shard has no metaorder";
    return;
  }
  out.quantity = median_of(q);
  // a metaorder of one market order lasts 0 s: the TWAP then runs over at least one second
  out.horizon_seconds = std::max(median_of(t), 1.0);
  zero_intelligence_params zi;
  if (s.source == "synthetic") {
    // the synthetic market is a dataset generator, not an order flow: the simulator runs with
    // Cont, Stoikov and Talreja's (2010) published estimates, lots of one unit
    zi = zero_intelligence_params::cont_stoikov_talreja_2010();
    out.simulation_message =
        "zero-intelligence model with Cont, Stoikov and Talreja's (2010) estimates (the synthetic source has no "
        "order flow to fit)";
  } else {
    try {
      const shard_order_flow flow = load_order_flow();
      order_flow_statistics st({.tick_size = flow.tick_size, .levels = 10, .queue_levels = 3, .max_queue_lots = 20});
      st.observe(std::span<const order_flow_event>(flow.events));
      zi = fit_zero_intelligence(st).params;
      out.simulation_message = concat("zero-intelligence model fitted to ", flow.description, " (", flow.events.size(),
                                      " events, grid ", flow.tick_size, ")");
    } catch (const std::exception& e) {
      out.simulation_message = concat("no simulation: the order-book model could not be fitted: ", e.what());
      return;
    }
  }
  // The simulator trades whole lots (of the mean event size when fitted): the quantity is
  // rounded to them, in at most 10 children of at least one lot each; below half a lot there
  // is nothing to simulate (a crypto day's median metaorder can be a fraction of the lot).
  const double lots = std::round(out.quantity / zi.lot_quantity);
  if (lots < 1.0) {
    out.simulation_message += concat("; no simulation: the median metaorder, ", out.quantity,
                                     ", is below half a lot of the model (", zi.lot_quantity, ")");
    out.quantity = nan;
    return;
  }
  const index children = std::min<index>(10, static_cast<index>(lots));
  if (lots * zi.lot_quantity != out.quantity)
    out.simulation_message +=
        concat("; the median metaorder, ", out.quantity, ", rounded to ", lots, " lots of ", zi.lot_quantity);
  out.quantity = lots * zi.lot_quantity;
  const child_schedule schedule = twap_schedule(out.quantity, out.horizon_seconds, children);
  const simulated_execution_params ep{
      .side = side::buy, .n_paths = p.episodes, .warmup_seconds = 120.0, .seed = out.seed};
  try {
    const simulated_execution x =
        simulate_execution<zero_intelligence_model>(zi, schedule, child_order_type::market, ep);
    out.expected_bps = x.expected_bps;
    out.std_bps = x.std_bps;
    out.p05_bps = x.q05_bps;
    out.p95_bps = x.q95_bps;
    out.simulation_message += concat("; TWAP buy of ", out.quantity, " over ", out.horizon_seconds, " s in ", children,
                                     " market children, ", p.episodes, " episodes");
    if (!std::isfinite(x.expected_bps))
      out.simulation_message += concat(
          "; no cost: nothing was filled (the quantity may be below one lot of the model, ", zi.lot_quantity, ")");
  } catch (const std::exception& e) {
    out.simulation_message = concat("no simulation: ", e.what());
  }
}

}  // namespace footprint
