// The programs' order-flow tapes and simulators, shared by footprint-simulate and
// footprint-pretrade --simulate: the data options' order flow (LOBSTER messages, the Bitstamp
// log's order events, Binance depth diffs) as a tape on a grid where the touch is one or two
// steps wide, the two order-book models fitted to it, and strategies executed in them. This
// header declares; order_flow.cpp defines, compiled once into footprint_apps_common.
#pragma once

#include "market_data.hpp"

#include <footprint/execution/schedules.hpp>
#include <footprint/execution/simulated_execution.hpp>
#include <footprint/simulation/order_flow_event.hpp>
#include <footprint/simulation/order_flow_fit.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace apps {

/// An order-flow tape and what it came from.
struct order_flow_tape {
  std::vector<fp::order_flow_event> events;
  double tick_size = 0.01;  // the grid of the events' price_tick
  std::string description;
  std::vector<std::string> notes;  // e.g. the grid chosen
};

/// True when the options name a data set with order flow (--lobster, --binance, --bitstamp).
bool has_order_flow(const data_options& d);

/// Reads the order flow the options name on a grid of `tick_size` (0: the venue's tick, or,
/// when the median spread is more than 3 ticks, whole ticks of about half the median spread,
/// noted in `notes`). @throws fp::invalid_argument without order flow (or a Bitstamp folder
/// without raw/*.log.bz2), fp::data_error from the readers
order_flow_tape load_order_flow(const data_options& d, double tick_size);

/// The built-in market's tape: 6.5 hours of the zero-intelligence model with Cont, Stoikov and
/// Talreja's (2010) Tokyo estimates, simulated with `seed`.
order_flow_tape builtin_order_flow(std::uint64_t seed);

/// Settings of the fits.
struct order_flow_fit_options {
  fp::index levels = 10;           // L of the zero-intelligence fit
  fp::index queue_levels = 3;      // K of the queue-reactive fit
  fp::index max_queue = 20;        // Q of its tables
  double min_cell_seconds = 30.0;  // thinner cells take the rates of the queue size below
  // the queue-reactive limit rates set so that each queue's invariant law is the tape's
  // occupancy (fp::match_occupancy, with min_cell_seconds) instead of HLR's events / time
  bool match_occupancy = false;
  double lot_quantity = 0.0;  // instrument units per lot; 0: the tape's mean limit-order size
};

/// The two models fitted to a tape (queue-reactive tables regularised where thin, see
/// order_flow.cpp; what was changed is in `notes`).
struct order_flow_fits {
  fp::order_flow_statistics statistics;
  fp::zero_intelligence_fit zero_intelligence;
  fp::queue_reactive_fit queue_reactive;
  std::vector<std::string> notes;
};

order_flow_fits fit_order_flow(const order_flow_tape& tape, const order_flow_fit_options& options);

/// Executes `schedule` in the fitted model `model` ("zi" or "qr") `settings.n_paths` times.
fp::simulated_execution simulate_in(const order_flow_fits& fits, const std::string& model,
                                    const fp::child_schedule& schedule, fp::child_order_type type,
                                    const fp::simulated_execution_params& settings);

/// Background flow before each simulated execution, seconds (`simulated_execution_params::
/// warmup_seconds` of the programs' runs).
inline constexpr double warmup_seconds = 120.0;

/// The most background events a program simulates: about 10 minutes on one core (the harness
/// simulates 7 to 9 million a second).
inline constexpr double max_simulated_events = 5e9;

/// The simulator's own background events a second: the events of a pilot run of the model
/// (from `warmup_seconds` up to pilot_seconds, or until pilot_events) over its seconds, with
/// the parameters' seed. The budget counts these, not the data's: a model fitted on a coarse
/// grid simulates fewer events than the tape holds (the queue-reactive model at Binance's
/// 1 USDT, about 60 a second against the data's 431), and one with a feedback more or fewer.
/// 0 when the model sends nothing.
double simulated_event_rate(const fp::zero_intelligence_params& model);
double simulated_event_rate(const fp::queue_reactive_params& model);  ///< @copydoc simulated_event_rate

/// The pilot run of `simulated_event_rate`: at most this long, simulated seconds...
inline constexpr double pilot_seconds = 3600.0;
/// ... and stopped at the first whole second past this many events.
inline constexpr double pilot_events = 1e6;

/// Simulated seconds of schedules of `horizons` (seconds) executed `paths` times each by
/// `simulate_in`: per path, 2 runs (the path and its baseline) of `warmup_seconds` + the
/// horizon + as long again after.
double simulated_seconds(const std::vector<double>& horizons, std::size_t paths);

/// Refuses, before anything is simulated, a run of `seconds` simulated seconds at the
/// simulator's `event_rate` (events a second, `simulated_event_rate`) that would be more than
/// max_simulated_events background events (a horizon of years, a participation rate of 1e-6
/// would run for days).
/// @param advice what to change, e.g. "shorten --horizon or lower --paths"
/// @throws fp::invalid_argument naming the events, the simulated days and `advice`
void check_simulation_budget(double seconds, double event_rate, const std::string& advice);

/// The most an order may be against the market's traded quantity over its horizon: 100 times
/// (a participation of 10,000%). Beyond it the simulators' market children walk the book to
/// prices that mean nothing (an impact curve at 10^9 times the order ran out of memory).
inline constexpr double max_volume_multiple = 100.0;

/// The tape's traded quantity a second, instrument units: its market orders' quantity over its
/// span (at least 1 s).
double traded_rate(const order_flow_tape& tape);

/// Refuses an order of `quantity` (instrument units) over `horizon` seconds that is more than
/// max_volume_multiple x the market's traded quantity over the horizon (`traded_rate` x
/// `horizon`); `what` names it, e.g. "--quantity 5e+06".
/// @throws fp::invalid_argument naming the order, the multiple and the market's quantity
void check_order_size(double quantity, double horizon, double traded_rate, const std::string& what);

/// A strategy's name, the mean fill rate of its simulated executions (quantity filled over the
/// order's quantity, in [0, 1]), and the share of the order that whole lots can carry (the
/// harness sends whole lots: round(quantity / lot) x lot / quantity, at most 1).
struct strategy_fill {
  std::string strategy;
  double fill_rate = 1.0;
  double whole_lots_share = 1.0;
};

/// The share of `quantity` that whole lots of `lot` carry: min(1, round(quantity / lot) x lot /
/// quantity); 1 when either is not finite and > 0.
double whole_lots_share(double quantity, double lot);

/// A note for the report naming the strategies of `model` whose executions filled less than
/// 99% of what whole lots can carry of the order, on average: the simulated book ran out of
/// opposite liquidity (a market order fills only what the book holds), so their costs and
/// impact, over the filled part, understate the whole order's. Empty when every strategy
/// filled it. `fills` may name impact-curve sizes as well as strategies.
std::string fill_note(const std::string& model, const std::vector<strategy_fill>& fills);

}  // namespace apps
