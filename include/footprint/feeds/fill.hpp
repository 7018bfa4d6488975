/// @file feeds/fill.hpp
/// @brief Your own executions: `fill` (one execution of a child order) and `order_fills` (the
/// clean fills of one parent order, with what did not add up), as the FIX fills normalizer
/// (feeds/fix/fill_normalizer.hpp) produces them for transaction cost analysis.
#pragma once

#include "footprint/types.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace footprint {

/// Who provided the liquidity of a fill (FIX LastLiquidityInd, 851).
enum class liquidity : std::uint8_t {
  unknown,  ///< not reported
  maker,    ///< added liquidity (851=1): a resting order filled
  taker,    ///< removed liquidity (851=2)
  routed,   ///< routed out (851=3)
  auction,  ///< an auction (851=4)
};

/// One execution.
struct fill {
  std::chrono::nanoseconds time{0};             ///< since the Unix epoch, UTC (TransactTime)
  footprint::side side = footprint::side::buy;  ///< the order's side
  double quantity = 0.0;                        ///< > 0, the instrument's unit
  double price = 0.0;                           ///< quote currency per unit
  double fee = 0.0;                             ///< quote currency (commission), >= 0 usually
  footprint::liquidity liquidity = footprint::liquidity::unknown;
  std::string exec_id;  ///< the venue's execution id
};

/// The fills of one parent order, cleaned: busts removed, corrections applied, duplicates and
/// resends dropped (and counted), in time order; with the order's last reported state and
/// every inconsistency found, in words.
struct order_fills {
  std::string order_id;   ///< OrderID (37), or ClOrdID when the reports have none
  std::string cl_ord_id;  ///< ClOrdID (11) of the first report
  std::string symbol;     ///< Symbol (55)
  footprint::side side = footprint::side::buy;
  /// OrderQty (38) of the last report that carried one (by TransactTime, then arrival): the
  /// order's size after any cancel/replace; NaN when never reported
  double order_qty = nan;
  /// OrderQty of the first report that carried one: the size before any amendment
  double initial_order_qty = nan;
  std::vector<fill> fills;
  double reported_cum_qty = nan;     ///< CumQty (14) of the last report (by TransactTime, then arrival)
  double reported_avg_px = nan;      ///< AvgPx (6) of the same report
  double reported_leaves_qty = nan;  ///< LeavesQty (151) of the same report
  /// Nothing left: the last report has LeavesQty 0 (even with OrdStatus 1, as some venues send
  /// the final fill) or OrdStatus 2 (filled).
  bool complete = false;
  std::vector<std::string> issues;  ///< what does not add up (empty when everything does)

  /// Sum of the fills' quantities.
  [[nodiscard]] double filled_quantity() const noexcept {
    double q = 0.0;
    for (const fill& f : fills) q += f.quantity;
    return q;
  }
  /// Quantity-weighted mean price of the fills; NaN without fills.
  [[nodiscard]] double vwap() const noexcept {
    double q = 0.0, v = 0.0;
    for (const fill& f : fills) {
      q += f.quantity;
      v += f.quantity * f.price;
    }
    return q > 0.0 ? v / q : nan;
  }
  /// Sum of the fees.
  [[nodiscard]] double fees() const noexcept {
    double s = 0.0;
    for (const fill& f : fills) s += f.fee;
    return s;
  }
};

}  // namespace footprint
