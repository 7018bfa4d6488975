/// @file simulation/simulated_fill.hpp
/// @brief What the simulators report about the user's own orders: fills and a summary.
///
/// A cheap header: standard library and types.hpp only.
#pragma once

#include "footprint/types.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace footprint {

/// One fill of one of the user's orders in a simulator.
struct simulated_fill {
  std::chrono::nanoseconds time{0};             ///< simulated time since the start
  std::uint64_t order_id = 0;                   ///< the id `submit_market` / `submit_limit` returned
  footprint::side side = footprint::side::buy;  ///< the own order's side
  double price = nan;                           ///< execution price, price units
  double quantity = 0.0;                        ///< instrument units, > 0
  bool aggressive =
      false;  ///< true when the own order took liquidity (a market order, or a limit order's marketable part)
};

/// Counts of what a simulator did since it was constructed.
struct simulation_report {
  std::size_t events = 0;       ///< background order-flow events (limit + cancel + market orders)
  std::size_t limits = 0;       ///< background limit orders
  std::size_t cancels = 0;      ///< background cancellations
  std::size_t markets = 0;      ///< background market orders
  std::size_t own_orders = 0;   ///< orders the user submitted
  std::size_t own_fills = 0;    ///< fills of the user's orders
  std::size_t price_moves = 0;  ///< reference-price moves (queue-reactive model; 0 for the others)
  double seconds = 0.0;         ///< simulated time, seconds
};

}  // namespace footprint
