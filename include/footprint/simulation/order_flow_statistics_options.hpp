/// @file simulation/order_flow_statistics_options.hpp
/// @brief The settings of an `order_flow_statistics` accumulator
/// (simulation/order_flow_statistics.hpp), and the counts it reports: events by kind, and
/// events it could not place, by reason.
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/simulation/order_flow_event.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace footprint {

/// Number of events of each kind (of a tape, or of what a converter emitted).
struct order_flow_counts {
  std::size_t limit = 0;         ///< limit orders
  std::size_t cancel = 0;        ///< cancellations
  std::size_t market = 0;        ///< market-order executions (fills)
  std::size_t set_quantity = 0;  ///< snapshot corrections

  /// Counts one event.
  void add(order_flow_kind k) noexcept {
    switch (k) {
      case order_flow_kind::limit: ++limit; break;
      case order_flow_kind::cancel: ++cancel; break;
      case order_flow_kind::market: ++market; break;
      case order_flow_kind::set_quantity: ++set_quantity; break;
    }
  }
  /// All events.
  [[nodiscard]] std::size_t total() const noexcept { return limit + cancel + market + set_quantity; }
};

/// Settings of an `order_flow_statistics` accumulator.
struct order_flow_statistics_options {
  double tick_size = 0.01;  ///< price units per tick of the tape's `price_tick`, > 0
  /// Distances L of the zero-intelligence statistics (i = 1..L ticks from the opposite best);
  /// in [1, 100000].
  index levels = 10;
  /// Queues K per side of the queue-reactive tables (queue i at p_ref +/- (i - 1/2) ticks,
  /// see `queue_reactive_params`); in [1, 1000].
  index queue_levels = 3;
  /// Largest tabulated queue size Q, lots; larger queues count in column Q; in [1, 100000].
  index max_queue_lots = 50;
  /// Instrument units per lot (the queue-reactive model's average event size, the size unit
  /// of the zero-intelligence fit); 0 = the mean limit-order size of the first tape given to
  /// `observe(std::span)`. >= 0, finite.
  double lot_quantity = 0.0;
  /// Order sizes of this many lots or more share the last bin of the size histograms;
  /// in [1, 100000].
  index max_size_lots = 50;
};

/// Events the statistics could not place, by reason (none is dropped silently).
struct order_flow_exceptions {
  std::size_t limit_inside = 0;   ///< limit orders at distance <= 0 from the opposite best (crossing or at it)
  std::size_t limit_beyond = 0;   ///< limit orders further than L ticks from the opposite best
  std::size_t cancel_inside = 0;  ///< cancels at distance <= 0 (a crossed ladder)
  std::size_t cancel_beyond = 0;  ///< cancels further than L ticks from the opposite best
  std::size_t without_quotes =
      0;                    ///< order events while a side was empty or the ladder crossed (not counted in any rate)
  std::size_t clamped = 0;  ///< cancels and market events larger than their queue (the queue went to 0)
  std::size_t queue_outside = 0;  ///< order events outside the K queues of a side (queue index < 1 or > K)
};

namespace detail::simulation {

/// Private: `o`, or invalid_argument naming the first option out of its documented range.
inline order_flow_statistics_options checked_options(const order_flow_statistics_options& o) {
  auto bad = [](const char* what, double got) {
    throw invalid_argument(detail::concat("footprint::order_flow_statistics: options.", what, " (got ", got, ")"));
  };
  if (!(o.tick_size > 0.0) || !std::isfinite(o.tick_size)) bad("tick_size must be finite and > 0", o.tick_size);
  if (o.levels < 1 || o.levels > 100000) bad("levels must be in [1, 100000]", static_cast<double>(o.levels));
  if (o.queue_levels < 1 || o.queue_levels > 1000)
    bad("queue_levels must be in [1, 1000]", static_cast<double>(o.queue_levels));
  if (o.max_queue_lots < 1 || o.max_queue_lots > 100000)
    bad("max_queue_lots must be in [1, 100000]", static_cast<double>(o.max_queue_lots));
  if (!(o.lot_quantity >= 0.0) || !std::isfinite(o.lot_quantity))
    bad("lot_quantity must be finite and >= 0 (0: estimate it)", o.lot_quantity);
  if (o.max_size_lots < 1 || o.max_size_lots > 100000)
    bad("max_size_lots must be in [1, 100000]", static_cast<double>(o.max_size_lots));
  return o;
}

/// Private: counts `units` unit events of an order at queue row `row` of a queue-reactive
/// table (shape (K, cap + 1)), the k-th at size q0 + k (`up`, a limit order) or q0 - k (a
/// cancel or market order, at least 1), capped at `cap`; the units beyond cap + 1 distinct
/// sizes go to the cap (up) or to size 1.
inline void count_units(matrix& table, index row, index q0, double units, index cap, bool up) {
  const index floor_col = up ? 0 : 1;
  // Units at distinct columns (at most Q + 1 of them), the rest at the cap or the floor.
  const auto n_distinct = static_cast<index>(std::min(units, static_cast<double>(cap + 1)));
  double counted = 0.0;
  for (index k = 0; k < n_distinct; ++k) {
    const index col = up ? std::min(q0 + k, cap) : std::max(std::min(q0, cap) - k, floor_col);
    table(row, col) += 1.0;
    counted += 1.0;
  }
  if (units > counted) table(row, up ? cap : floor_col) += units - counted;
}

}  // namespace detail::simulation

}  // namespace footprint
