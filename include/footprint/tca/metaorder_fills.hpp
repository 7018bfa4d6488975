/// @file tca/metaorder_fills.hpp
/// @brief `metaorder_fills`: the metaorders of an impact pipeline's result as parent orders
/// with fills, each market order of a metaorder one fill at its average price, for
/// transaction cost analysis and recalibration on data whose own orders stand in for a
/// desk's (footprint-tca, examples/recalibrate_from_fills.cpp). See docs/tca.md.
#pragma once

#include "footprint/data/impact_pipeline_result.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/feeds/fill.hpp"
#include "footprint/types.hpp"

#include <cmath>
#include <string>
#include <vector>

namespace footprint {

/// One parent order per row of `r.metaorders`, in row order: side, quantity (the metaorder's)
/// and `order_id` "M<row>"; its fills are its market orders (the rows of `r.orders` it spans,
/// `n_children` of them, consecutively), each at its time, quantity and average price
/// arrival_mid x (1 + s shortfall_bps / 1e4), the price its `shortfall_bps` label was measured
/// from, with exec_id "M<row>-<k>". A market order without a shortfall label (past the data's
/// end) gives no fill: compare `fills.size()` with `n_children` to find such metaorders.
/// @throws invalid_argument when the metaorders' n_children do not add up to the market orders
[[nodiscard]] inline std::vector<order_fills> metaorder_fills(const impact_pipeline_result& r) {
  const impact_dataset& meta = r.metaorders;
  const index children = meta.feature_column("n_children");
  const vector shortfall = r.orders.label("shortfall_bps");
  std::vector<order_fills> out;
  out.reserve(static_cast<std::size_t>(meta.rows()));
  index next = 0;
  for (index i = 0; i < meta.rows(); ++i) {
    order_fills o;
    o.order_id = "M" + std::to_string(i);
    o.side = meta.side[static_cast<std::size_t>(i)];
    o.order_qty = meta.quantity[i];
    const auto n = static_cast<index>(meta.X(i, children));
    if (n < 0 || next + n > r.orders.rows())
      throw invalid_argument(detail::concat("footprint::metaorder_fills: the metaorders' n_children exceed the ",
                                            r.orders.rows(), " market orders (metaorder ", i, ")"));
    for (index k = 0; k < n; ++k, ++next) {
      const double price = r.orders.arrival_mid[next] * (1.0 + sign(o.side) * shortfall[next] / 1e4);
      if (!std::isfinite(price)) continue;
      o.fills.push_back({.time = r.orders.times[static_cast<std::size_t>(next)],
                         .side = o.side,
                         .quantity = r.orders.quantity[next],
                         .price = price,
                         .exec_id = o.order_id + "-" + std::to_string(k)});
    }
    o.complete = true;
    out.push_back(std::move(o));
  }
  if (next != r.orders.rows())
    throw invalid_argument(detail::concat("footprint::metaorder_fills: the metaorders hold ", next,
                                          " market orders, the orders dataset ", r.orders.rows(),
                                          " (not built from the same orders)"));
  return out;
}

}  // namespace footprint
