/// @file simulation/bitstamp_order_flow.hpp
/// @brief Converts Bitstamp's 2015 websocket log of order events into an order-flow tape
/// (`bitstamp_order_flow`), the input of `order_flow_statistics`.
///
/// Source format: see feeds/bitstamp/bitstamp_event_reader.hpp (the obAnalytics recording
/// of Bitstamp's `live_orders`, `live_trades` and `order_book` channels).
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/feeds/bitstamp/bitstamp_event_reader.hpp"
#include "footprint/feeds/parse_report.hpp"
#include "footprint/simulation/order_flow_event.hpp"
#include "footprint/simulation/order_flow_statistics.hpp"
#include "footprint/types.hpp"

#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace footprint {

/// Settings of `bitstamp_order_flow`.
struct bitstamp_order_flow_options {
  /// Tick of the tape, USD, > 0: 0.01 is Bitstamp's; a coarser grid aggregates levels (bids
  /// floored, asks ceiled to the grid).
  double tick_size = 0.01;
  /// Correct the ladder with the `order_book` snapshots (set_quantity events); false uses the
  /// order events alone.
  bool apply_snapshots = true;
  parse_policy policy = parse_policy::strict;  ///< malformed lines: throw or skip and count
};

/// What `bitstamp_order_flow` read, emitted and skipped.
struct bitstamp_order_flow_report {
  bitstamp_event_counts read;         ///< lines of each kind read
  std::size_t marketable_orders = 0;  ///< created orders that crossed the ladder's opposite best (aggressors)
  std::size_t resting_fills = 0;      ///< fills of resting orders -> market events
  std::size_t aggressor_fills = 0;  ///< fills of the aggressor itself (no event: the resting side's fill is the event)
  std::size_t cancels = 0;          ///< order_deleted with amount > 0 -> cancel
  std::size_t unknown_fills = 0;    ///< fills of orders created before the log started (quantity unknown): skipped
  std::size_t unknown_cancels = 0;  ///< cancels of orders created before the log (emitted with the message's amount)
  std::size_t cancel_amount_mismatches = 0;  ///< cancels whose amount differs from the tracked remaining quantity
  std::size_t changes_without_fill = 0;      ///< order_changed that did not decrease the remaining quantity: skipped
  std::size_t levels_corrected = 0;          ///< set_quantity events from snapshots
  std::size_t snapshots_disagreeing = 0;     ///< snapshots that corrected at least one level
  order_flow_counts emitted;                 ///< events of each kind in the tape
  parse_report parse;                        ///< the reader's lines read and skipped
};

/// A Bitstamp log as an order-flow tape, with its report.
struct bitstamp_order_flow_result {
  std::vector<order_flow_event> events;  ///< time = the recorder's clock, ns since the epoch; non-decreasing
  bitstamp_order_flow_report report;     ///< counts
};

/// Converts a Bitstamp websocket log (`<local_ms> <kind> <json>` per line) into an order-flow tape.
///
/// Rules (each order's side, price tick and remaining quantity are tracked by id):
/// - `order_created`: a limit order at its price (bids floored, asks ceiled to the grid).
///   An order that crosses the ladder's opposite best when it arrives is marketable (an
///   aggressor): its fills come next (Bitstamp matches it at once), and its remainder, if
///   any, joins its queue as a limit order when the next event that is not a fill arrives
///   (an order_created, a cancel or a snapshot), at the time of the last fill;
/// - a fill (`order_changed` to a smaller amount: the difference; `order_deleted` with amount
///   0: the whole remaining quantity) of a resting order -> a market event on its queue; a
///   fill of the pending aggressor -> nothing (its counterpart's fill is the event);
///   fills of orders created before the log started are counted and skipped;
/// - `order_deleted` with amount > 0 -> a cancel of that amount;
/// - `trade` lines are counted only (the fills above already carry them);
/// - `order_book` snapshots (best 20 levels per side), when `apply_snapshots`: on each side
///   every ladder level better than the snapshot's best is set to 0, and within the
///   snapshot's price range every grid level whose ladder quantity differs (by more than
///   1e-8 BTC) from the snapshot's (summed over the snapshot levels on the grid level; the
///   deepest grid level only when the deepest snapshot price lies on the grid) is set to it:
///   `set_quantity` events at the snapshot's time. The log's snapshots lag the order events
///   by a varying delay, so a snapshot may briefly undo a recent order; the report counts
///   the corrections.
/// @param path the log (plain, gzip or bzip2)
/// @param options tick size, snapshots, parse policy
/// @return the tape (about 240,000 events for the 2015-05-01 log at 0.01 USD) and the report
/// @throws invalid_argument when tick_size is not finite and > 0
/// @throws data_error from the reader
/// Complexity: O(lines x log levels) plus the JSON parsing; memory: the tape, the ladder,
/// and the orders seen (one hash-map entry each).
[[nodiscard]] inline bitstamp_order_flow_result bitstamp_order_flow(const std::string& path,
                                                                    const bitstamp_order_flow_options& options = {}) {
  if (!(options.tick_size > 0.0) || !std::isfinite(options.tick_size))
    throw invalid_argument(detail::concat("footprint::bitstamp_order_flow: tick_size must be finite and > 0 (got ",
                                          options.tick_size, ")"));
  const double ts = options.tick_size;
  bitstamp_event_reader reader(path, options.policy);
  bitstamp_order_flow_result out;
  bitstamp_order_flow_report& rep = out.report;
  detail::simulation::tick_ladder ladder;
  auto emit = [&](const order_flow_event& e) {
    bool clamped = false;
    ladder.apply(e, clamped);
    out.events.push_back(e);
    rep.emitted.add(e.kind);
  };
  struct order_state {
    side s;
    std::int64_t tick;
    double remaining;
  };
  std::unordered_map<std::int64_t, order_state> orders;
  orders.reserve(1 << 17);
  std::int64_t aggressor = -1;            // id of the pending marketable order
  std::chrono::nanoseconds last_time{0};  // time of the previous line
  auto finish_aggressor = [&] {
    if (aggressor < 0) return;
    const auto it = orders.find(aggressor);
    if (it != orders.end() && it->second.remaining > 0.0)
      emit(order_flow_event{last_time, order_flow_kind::limit, it->second.s, it->second.tick, it->second.remaining});
    aggressor = -1;
  };
  std::vector<std::pair<std::int64_t, double>> grid;  // snapshot levels on the grid, best first
  std::vector<std::int64_t> stale;                    // ladder levels a snapshot does not show
  auto correct = [&](std::chrono::nanoseconds t, side s, std::span<const price_level> levels) {
    if (levels.empty()) return;  // an empty snapshot side says nothing reliable
    grid.clear();
    for (const price_level& l : levels) {
      const std::int64_t tick = detail::simulation::to_tick(l.price, ts, s);
      if (!grid.empty() && grid.back().first == tick) {
        grid.back().second += l.quantity;
      } else {
        grid.emplace_back(tick, l.quantity);
      }
    }
    const double deepest = levels.back().price / ts;
    if (grid.size() > 1 && std::abs(deepest - std::round(deepest)) > 1e-6) grid.pop_back();
    detail::simulation::ladder_side& ls = ladder[s];
    bool changed = false;
    auto set = [&](std::int64_t tick, double q) {
      emit(order_flow_event{t, order_flow_kind::set_quantity, s, tick, q});
      ++rep.levels_corrected;
      changed = true;
    };
    while (!ls.empty() && ls.better(ls.best(), grid.front().first)) set(ls.best(), 0.0);
    // Ladder levels inside the covered range but absent from the snapshot: collect, then zero.
    const std::int64_t deep = grid.back().first;
    std::size_t g = 0;
    const auto lv = ls.levels();
    // Walk the ladder from the best outward (levels are stored worst first).
    stale.clear();
    for (auto it = lv.rbegin(); it != lv.rend(); ++it) {
      if (ls.better(deep, it->tick)) break;
      while (g < grid.size() && ls.better(grid[g].first, it->tick)) ++g;
      if (g >= grid.size() || grid[g].first != it->tick) stale.push_back(it->tick);
    }
    for (const std::int64_t tick : stale) set(tick, 0.0);
    for (const auto& [tick, q] : grid)
      if (std::abs(ls.quantity(tick) - q) > 1e-8) set(tick, q);
    if (changed) ++rep.snapshots_disagreeing;
  };

  bitstamp_event ev;
  while (reader.next(ev)) {
    switch (ev.kind) {
      case bitstamp_event_kind::order_created: {
        finish_aggressor();
        const std::int64_t tick = detail::simulation::to_tick(ev.price, ts, ev.side);
        orders[ev.order_id] = order_state{ev.side, tick, ev.amount};
        const side opposite = ev.side == side::buy ? side::sell : side::buy;
        const auto& opp = ladder[opposite];
        const bool crosses = !opp.empty() && (ev.side == side::buy ? tick >= opp.best() : tick <= opp.best());
        if (crosses) {
          ++rep.marketable_orders;
          aggressor = ev.order_id;
        } else {
          emit(order_flow_event{ev.local_time, order_flow_kind::limit, ev.side, tick, ev.amount});
        }
        break;
      }
      case bitstamp_event_kind::order_changed:
      case bitstamp_event_kind::order_deleted: {
        const bool fill = ev.kind == bitstamp_event_kind::order_changed || ev.amount == 0.0;
        const auto it = orders.find(ev.order_id);
        if (!fill) {  // a cancel
          finish_aggressor();
          ++rep.cancels;
          const std::int64_t tick =
              it != orders.end() ? it->second.tick : detail::simulation::to_tick(ev.price, ts, ev.side);
          if (it == orders.end()) {
            ++rep.unknown_cancels;
          } else if (std::abs(it->second.remaining - ev.amount) > 1e-8) {
            ++rep.cancel_amount_mismatches;
          }
          emit(order_flow_event{ev.local_time, order_flow_kind::cancel, ev.side, tick, ev.amount});
          if (it != orders.end()) orders.erase(it);
          break;
        }
        if (it == orders.end()) {
          ++rep.unknown_fills;
          if (ev.kind == bitstamp_event_kind::order_changed)
            orders[ev.order_id] = order_state{ev.side, detail::simulation::to_tick(ev.price, ts, ev.side), ev.amount};
          break;
        }
        const double filled = it->second.remaining - ev.amount;
        if (!(filled > 1e-12)) {
          ++rep.changes_without_fill;
          it->second.remaining = ev.amount;
          break;
        }
        if (ev.order_id == aggressor) {
          ++rep.aggressor_fills;
        } else {
          ++rep.resting_fills;
          emit(order_flow_event{ev.local_time, order_flow_kind::market, it->second.s, it->second.tick, filled});
        }
        if (ev.kind == bitstamp_event_kind::order_deleted) {
          if (ev.order_id == aggressor) aggressor = -1;
          orders.erase(it);
        } else {
          it->second.remaining = ev.amount;
        }
        break;
      }
      case bitstamp_event_kind::trade: break;
      case bitstamp_event_kind::order_book:
        finish_aggressor();
        if (options.apply_snapshots) {
          correct(ev.local_time, side::buy, ev.bids);
          correct(ev.local_time, side::sell, ev.asks);
        }
        break;
    }
    last_time = ev.local_time;
  }
  finish_aggressor();
  rep.read = reader.counts();
  rep.parse = reader.report();
  return out;
}

}  // namespace footprint
