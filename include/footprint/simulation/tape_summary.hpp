/// @file simulation/tape_summary.hpp
/// @brief The stylised facts of an order-flow tape, real or simulated, as samples: the spread,
/// the best queues, the times between events, mid-price returns at several horizons, the
/// signature plot, the sizes of market and limit orders and the depth near the best. What
/// `compare_realism` (monitoring/simulation_realism.hpp) compares.
///
/// References: LOB-Bench (P. Nagy et al. 2025, "LOB-Bench: benchmarking generative AI for
/// finance", ICML), which scores simulated books by distances between such distributions;
/// the signature plot: T. G. Andersen, T. Bollerslev, F. X. Diebold, P. Labys (2000),
/// "Great realizations", Risk 13.
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/simulation/order_flow_event.hpp"
#include "footprint/simulation/order_flow_statistics.hpp"
#include "footprint/types.hpp"

#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace footprint {

/// Settings of `summarize_tape`.
struct tape_summary_options {
  double tick_size = 0.01;    ///< price units per tick of the tape's `price_tick`, > 0
  double lot_quantity = 1.0;  ///< instrument units per lot (queue sizes are reported in lots), > 0
  double grid_seconds = 1.0;  ///< the book is sampled every grid_seconds, > 0
  std::vector<double> return_horizons_seconds{1.0, 10.0, 60.0};  ///< mid-return horizons, multiples of grid_seconds
  std::vector<double> signature_seconds{1.0,  2.0,  5.0, 10.0,
                                        20.0, 30.0, 60.0};  ///< signature-plot intervals, multiples of grid_seconds
  int depth_ticks = 3;  ///< the depth samples sum each side's best price and the depth_ticks - 1 behind it, >= 1
};

/// Samples of a tape's stylised facts (`summarize_tape`).
struct tape_summary {
  std::vector<double> spread_ticks;     ///< best ask - best bid, ticks, at each grid time with both sides quoted
  std::vector<double> best_queue_lots;  ///< best bid and best ask queues, lots, at each such grid time (two per time)
  std::vector<double> inter_event_seconds;  ///< seconds between consecutive order events (limit, cancel, market orders)
  /// Per return horizon h (the options' order): mid log-returns over consecutive intervals of
  /// h seconds, bps.
  std::vector<std::vector<double>> mid_returns_bps;
  /// Per signature interval d: the realized variance of d-second mid returns per second,
  /// bps^2 / s (flat for a random walk, falling with d under bid-ask bounce).
  std::vector<double> signature_bps2_per_second;
  /// Market orders' quantities, lots: consecutive market events at one time on one side
  /// (set_quantity events between them aside) are one order, as `order_flow_statistics`
  /// counts them; a simulator's order that walks several levels is one.
  std::vector<double> market_order_lots;
  std::vector<double> limit_order_lots;  ///< limit orders' quantities, lots, one per limit event
  /// Per side at each grid time with both sides quoted: the quantity at the best price and the
  /// `depth_ticks` - 1 ticks behind it, lots (bid then ask, two per time; LOB-Bench's depth
  /// profile summed over the first levels).
  std::vector<double> depth_lots;
  double seconds = 0.0;    ///< the tape's span with both sides quoted, seconds
  std::size_t events = 0;  ///< order events (set_quantity not counted)
};

/// Replays `tape` (events in non-decreasing time; any clock) on a tick ladder and samples
/// its stylised facts on a time grid.
///
/// @param tape order-flow events (a converted data set or a simulator's `next` events).
/// @param options tick, lot, grid and horizons.
/// @return the samples; empty vectors when the tape never has both sides quoted.
/// @throws invalid_argument for options out of range (a horizon or interval that is not a
///   positive multiple of the grid, depth_ticks below 1); data_error when the tape's time
///   goes backwards (naming the event index).
/// Complexity: O(events x log levels + span / grid).
[[nodiscard]] inline tape_summary summarize_tape(std::span<const order_flow_event> tape,
                                                 const tape_summary_options& options) {
  constexpr const char* where = "footprint::summarize_tape";
  auto positive = [&](double x, const char* what) {
    if (!(x > 0.0) || !std::isfinite(x))
      throw invalid_argument(detail::concat(where, ": ", what, " must be finite and > 0 (got ", x, ")"));
  };
  positive(options.tick_size, "tick_size");
  positive(options.lot_quantity, "lot_quantity");
  positive(options.grid_seconds, "grid_seconds");
  if (options.depth_ticks < 1)
    throw invalid_argument(detail::concat(where, ": depth_ticks must be >= 1 (got ", options.depth_ticks, ")"));
  auto steps_of = [&](double h, const char* what) {
    positive(h, what);
    const double k = h / options.grid_seconds;
    if (std::abs(k - std::round(k)) > 1e-9 || std::round(k) < 1.0)
      throw invalid_argument(detail::concat(where, ": ", what, " must be a multiple of grid_seconds (got ", h, ")"));
    return static_cast<std::size_t>(std::llround(k));
  };
  std::vector<std::size_t> horizon_steps;
  for (double h : options.return_horizons_seconds) horizon_steps.push_back(steps_of(h, "every return horizon"));
  std::vector<std::size_t> signature_steps;
  for (double d : options.signature_seconds) signature_steps.push_back(steps_of(d, "every signature interval"));

  tape_summary out;
  out.mid_returns_bps.resize(horizon_steps.size());
  detail::simulation::tick_ladder ladder;
  const double grid_ns = options.grid_seconds * 1e9;
  std::vector<double> mids;  // mid at each grid time, NaN when not quoted
  double next_grid = nan;
  double last_event_ns = nan;
  double quoted_since = nan;
  std::chrono::nanoseconds previous{std::chrono::nanoseconds::min()};
  bool market_run = false;  // the last order event was a market event at market_time on market_side
  std::chrono::nanoseconds market_time{0};
  side market_side = side::buy;
  auto sample_until = [&](double t_ns) {  // grid times before t_ns see the ladder as it is
    while (next_grid < t_ns) {
      const bool quoted = ladder.two_sided() && !ladder.crossed();
      if (quoted) {
        const std::int64_t b = ladder[side::buy].best();
        const std::int64_t a = ladder[side::sell].best();
        out.spread_ticks.push_back(static_cast<double>(a - b));
        out.best_queue_lots.push_back(ladder[side::buy].quantity(b) / options.lot_quantity);
        out.best_queue_lots.push_back(ladder[side::sell].quantity(a) / options.lot_quantity);
        double bid_depth = 0.0;
        double ask_depth = 0.0;
        for (std::int64_t k = 0; k < options.depth_ticks; ++k) {
          bid_depth += ladder[side::buy].quantity(b - k);
          ask_depth += ladder[side::sell].quantity(a + k);
        }
        out.depth_lots.push_back(bid_depth / options.lot_quantity);
        out.depth_lots.push_back(ask_depth / options.lot_quantity);
        mids.push_back(0.5 * static_cast<double>(a + b) * options.tick_size);
      } else {
        mids.push_back(nan);
      }
      next_grid += grid_ns;
    }
  };
  for (std::size_t k = 0; k < tape.size(); ++k) {
    const order_flow_event& e = tape[k];
    if (e.time < previous)
      throw data_error("order flow tape", k + 1, 0, "time",
                       detail::concat(where, ": event ", k, " (0-based) goes back in time (", e.time.count(),
                                      " ns after ", previous.count(), " ns)"));
    previous = e.time;
    const auto t = static_cast<double>(e.time.count());
    if (!std::isnan(next_grid)) sample_until(t);
    const bool quoted_before = ladder.two_sided() && !ladder.crossed();
    if (quoted_before && !std::isnan(quoted_since)) out.seconds += (t - quoted_since) * 1e-9;
    bool clamped = false;
    ladder.apply(e, clamped);
    const bool quoted = ladder.two_sided() && !ladder.crossed();
    quoted_since = quoted ? t : nan;
    if (quoted && std::isnan(next_grid)) next_grid = t + grid_ns;
    if (e.kind == order_flow_kind::market) {
      if (market_run && e.time == market_time && e.side == market_side) {
        out.market_order_lots.back() += e.quantity / options.lot_quantity;
      } else {
        out.market_order_lots.push_back(e.quantity / options.lot_quantity);
      }
      market_run = true;
      market_time = e.time;
      market_side = e.side;
    } else if (e.kind != order_flow_kind::set_quantity) {
      market_run = false;
      if (e.kind == order_flow_kind::limit) out.limit_order_lots.push_back(e.quantity / options.lot_quantity);
    }
    if (e.kind != order_flow_kind::set_quantity) {
      ++out.events;
      if (!std::isnan(last_event_ns)) out.inter_event_seconds.push_back((t - last_event_ns) * 1e-9);
      last_event_ns = t;
    }
  }
  for (std::size_t h = 0; h < horizon_steps.size(); ++h) {
    const std::size_t s = horizon_steps[h];
    for (std::size_t i = 0; i + s < mids.size(); i += s)
      if (std::isfinite(mids[i]) && std::isfinite(mids[i + s]))
        out.mid_returns_bps[h].push_back(std::log(mids[i + s] / mids[i]) * 1e4);
  }
  for (std::size_t s : signature_steps) {
    double sum = 0.0;
    std::size_t n = 0;
    for (std::size_t i = 0; i + s < mids.size(); i += s) {
      if (!std::isfinite(mids[i]) || !std::isfinite(mids[i + s])) continue;
      const double r = std::log(mids[i + s] / mids[i]) * 1e4;
      sum += r * r;
      ++n;
    }
    out.signature_bps2_per_second.push_back(
        n > 0 ? sum / (static_cast<double>(n) * static_cast<double>(s) * options.grid_seconds) : nan);
  }
  return out;
}

}  // namespace footprint
