// footprint-pretrade --simulate: the report's strategies executed in the order-book
// simulator fitted on the order flow of the same data (apps/common/order_flow.hpp).
#include "pretrade.hpp"

#include "../common/order_flow.hpp"

#include <footprint/detail/concat.hpp>
#include <footprint/error.hpp>
#include <footprint/execution/schedules.hpp>

#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace pretrade {

void simulate_strategies(report& rep) {
  const options& o = *rep.o;
  if (!apps::has_order_flow(o.data))
    throw fp::invalid_argument(
        "--simulate needs order flow to fit the simulator: --lobster, --binance or --bitstamp "
        "(the built-in market has none; footprint-simulate runs the paper's book without data)");
  simulation_context& sim = rep.simulation;
  const apps::order_flow_tape tape = apps::load_order_flow(o.data, 0.0);
  const apps::order_flow_fits fits = apps::fit_order_flow(
      tape, {.max_queue = o.max_queue, .match_occupancy = o.match_occupancy, .lot_quantity = o.lot_quantity});
  sim.model = o.simulator;
  sim.paths = o.simulate;
  sim.tick_size = tape.tick_size;
  sim.lot = fits.zero_intelligence.lot_quantity;
  sim.notes = tape.notes;
  if (o.simulator == "qr")
    sim.notes.insert(sim.notes.end(), fits.notes.begin(), fits.notes.end());  // the tables' regularisation
  char grid[32];
  std::snprintf(grid, sizeof grid, "%g", tape.tick_size);
  const std::string model =
      o.simulator != "qr" ? "zero-intelligence (Cont, Stoikov and Talreja 2010)"
      : o.match_occupancy ? "queue-reactive (Huang, Lehalle and Rosenbaum 2015; limit rates matching the queue sizes "
                            "observed)"
                          : "queue-reactive (Huang, Lehalle and Rosenbaum 2015)";
  sim.description = fp::detail::concat(model, " model fitted on ", tape.description, " (", tape.events.size(),
                                       " order-flow events, grid ", grid, ")");
  const fp::pretrade_report& a = rep.analysis;
  const fp::side side = a.order.side;
  std::vector<double> horizons;  // the report's strategies, and the passive limit-order TWAP
  for (const fp::pretrade_strategy& s : a.strategies) {
    horizons.push_back(s.duration_seconds);
    if (s.name == "passive") horizons.push_back(s.duration_seconds);
  }
  apps::check_simulation_budget(apps::simulated_seconds(horizons, o.simulate),
                                o.simulator == "qr" ? apps::simulated_event_rate(fits.queue_reactive.params)
                                                    : apps::simulated_event_rate(fits.zero_intelligence.params),
                                "lower --simulate or shorten --horizon");
  for (const fp::pretrade_strategy& s : a.strategies)
    apps::check_order_size(a.order.quantity, std::max(s.duration_seconds, 1.0), apps::traded_rate(tape),
                           fp::detail::concat("--simulate: the ", s.name, " strategy's order"));
  const fp::simulated_execution_params settings{.side = side,
                                                .n_paths = o.simulate,
                                                .warmup_seconds = apps::warmup_seconds,
                                                .threshold_bps = a.order.threshold_bps,
                                                .seed = 1};
  double horizon = 0.0;
  for (const fp::pretrade_strategy& s : a.strategies) {
    fp::child_schedule schedule{.times = s.times, .quantities = s.quantities, .horizon_seconds = s.duration_seconds};
    if (!(schedule.horizon_seconds > schedule.times[schedule.times.size() - 1]))
      schedule.horizon_seconds = schedule.times[schedule.times.size() - 1] + 1.0;
    horizon = std::max(horizon, schedule.horizon_seconds);
    sim.strategies.push_back(
        {s.name, apps::simulate_in(fits, o.simulator, schedule, fp::child_order_type::market, settings)});
  }
  // the passive limit-order strategy: the "passive" (TWAP) children rest at the touch
  for (const fp::pretrade_strategy& s : a.strategies) {
    if (s.name != "passive") continue;
    const fp::child_schedule schedule{
        .times = s.times, .quantities = s.quantities, .horizon_seconds = s.duration_seconds};
    sim.strategies.push_back({"passive_limit", apps::simulate_in(fits, o.simulator, schedule,
                                                                 fp::child_order_type::passive_limit, settings)});
  }
  std::vector<apps::strategy_fill> fills;
  for (const simulated_strategy& s : sim.strategies)
    fills.push_back({s.name, s.result.fill_rate.mean(), apps::whole_lots_share(a.order.quantity, sim.lot)});
  if (std::string n = apps::fill_note(o.simulator == "qr" ? "queue-reactive" : "zero-intelligence", fills); !n.empty())
    sim.notes.push_back(std::move(n));
}

}  // namespace pretrade
