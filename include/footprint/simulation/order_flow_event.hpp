/// @file simulation/order_flow_event.hpp
/// @brief One event of an order-flow tape on a tick grid: what the simulator's models are
/// fitted from (`order_flow_statistics`) and what the data sets are converted into.
///
/// A cheap header: standard library and types.hpp only.
#pragma once

#include "footprint/types.hpp"

#include <chrono>
#include <cstdint>
#include <string_view>

namespace footprint {

/// Kind of an order-flow event.
enum class order_flow_kind : std::uint8_t {
  limit,         ///< a limit order joins the queue at `price_tick` on `side`
  cancel,        ///< resting quantity leaves the queue at `price_tick` on `side` (cancelled)
  market,        ///< a market order executes `quantity` against the queue at `price_tick` on `side`
  set_quantity,  ///< the queue at `price_tick` on `side` is now `quantity` (a snapshot: not an order)
};

/// Name of an order-flow kind, e.g. "limit".
[[nodiscard]] constexpr std::string_view to_string(order_flow_kind k) noexcept {
  switch (k) {
    case order_flow_kind::limit: return "limit";
    case order_flow_kind::cancel: return "cancel";
    case order_flow_kind::market: return "market";
    case order_flow_kind::set_quantity: return "set_quantity";
  }
  return "unknown";
}

/// One event of an order-flow tape.
///
/// `side` is always the side of the resting queue the event touches: `side::buy` for the bid
/// queue, `side::sell` for the ask queue (so a buy market order that lifts the ask has
/// `side::sell`). Prices are integer ticks: price = `price_tick` x tick size.
struct order_flow_event {
  std::chrono::nanoseconds time{0};  ///< event time; non-decreasing along a tape (epoch or midnight, as the source)
  order_flow_kind kind = order_flow_kind::limit;  ///< what happened
  footprint::side side = footprint::side::buy;    ///< the resting queue's side (buy = bid)
  std::int64_t price_tick = 0;                    ///< the queue's price in ticks
  double quantity = 0.0;                          ///< instrument units, > 0 (>= 0 for set_quantity)
};

}  // namespace footprint
