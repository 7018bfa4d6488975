/// @file tca/implementation_shortfall.hpp
/// @brief The implementation shortfall of a parent order from its fills, decomposed three
/// ways: Perold (1988: execution, opportunity, fees), Wagner (delay, trading, opportunity,
/// fees) and market-activity (trading and opportunity from the arrival, fees), the last
/// correct for partial fills. See docs/tca.md.
#pragma once

#include "footprint/detail/checks.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/feeds/fill.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <cmath>
#include <span>
#include <string_view>

namespace footprint {

/// A parent order as transaction cost analysis sees it: what was decided, and the prices the
/// costs are measured from.
struct tca_order {
  footprint::side side = footprint::side::buy;
  double quantity = nan;        ///< Q, the parent order, > 0
  double decision_price = nan;  ///< the price when the order was decided (Perold's paper portfolio), > 0
  double arrival_price =
      nan;                 ///< the mid when the order reached the market, > 0; NaN: no Wagner or market-activity terms
  double end_price = nan;  ///< the price the unfilled rest is marked at (the close, or the end of the horizon), > 0
};

/// Perold's decomposition: the paper portfolio (all of Q at the decision price, marked at the
/// end price) against the real one. Quote currency, side-adjusted, positive = cost.
struct perold_shortfall {
  double execution = nan;    ///< s sum q_i (p_i - P_d)
  double opportunity = nan;  ///< s (Q - sum q_i) (P_end - P_d)
  double fees = nan;         ///< sum of the fills' fees
  double total = nan;        ///< the three together: the paper portfolio's gain less the real one's
};

/// Wagner's decomposition: Perold's, with the move between the decision and the arrival
/// split off as delay. Quote currency, side-adjusted, positive = cost.
struct wagner_shortfall {
  double delay_filled = nan;    ///< trading delay: s sum q_i (P_a - P_d)
  double delay_unfilled = nan;  ///< delay on the unfilled rest: s (Q - sum q_i) (P_a - P_d)
  double trading = nan;         ///< s sum q_i (p_i - P_a)
  double opportunity = nan;     ///< s (Q - sum q_i) (P_end - P_a)
  double fees = nan;
  double total = nan;  ///< equals Perold's total
};

/// The market-activity shortfall: what the market did to the order from its arrival, the
/// delay left out. Quote currency, side-adjusted, positive = cost. Its opportunity term is
/// the unfilled quantity times the move from the arrival: correct for partial fills (a
/// formula that divides by the intended quantity, as blotter's does, is not).
struct market_activity_shortfall {
  double trading = nan;      ///< s sum q_i (p_i - P_a)
  double opportunity = nan;  ///< s (Q - sum q_i) (P_end - P_a)
  double fees = nan;
  double total = nan;
};

/// The three decompositions of one parent order, and the order's fill rate.
struct implementation_shortfall {
  perold_shortfall perold;
  wagner_shortfall wagner;                    ///< NaN without an arrival price
  market_activity_shortfall market_activity;  ///< NaN without an arrival price
  double filled_quantity = 0.0;               ///< sum q_i
  double fill_rate = nan;                     ///< sum q_i / Q
  double paper_notional = nan;                ///< Q P_d, quote currency
  /// Perold's total in bps of the paper notional Q P_d.
  [[nodiscard]] double total_bps() const noexcept { return perold.total / paper_notional * 1e4; }
};

/// Decomposes the implementation shortfall of `order` filled by `fills`.
///
/// With s = +1 for a buy and -1 for a sell, fills (q_i, p_i, fee_i), P_d the decision price,
/// P_a the arrival price and P_end the end price:
///
///     Perold:          s sum q_i (p_i - P_d) + s (Q - sum q_i) (P_end - P_d) + sum fee_i
///     Wagner:          s sum q_i (P_a - P_d) + s (Q - sum q_i) (P_a - P_d)          (delay)
///                      + s sum q_i (p_i - P_a) + s (Q - sum q_i) (P_end - P_a) + sum fee_i
///     market activity: s sum q_i (p_i - P_a) + s (Q - sum q_i) (P_end - P_a) + sum fee_i
///
/// (A. Perold, "The implementation shortfall: paper versus reality", Journal of Portfolio
/// Management 14(3), 1988; W. Wagner and M. Edwards, "Best execution", Financial Analysts
/// Journal 49(1), 1993.)
/// @throws invalid_argument for Q, P_d or P_end not > 0, an arrival price <= 0, a fill of the
///         other side, a fill quantity not > 0 or a price not > 0, or fills over Q
[[nodiscard]] inline implementation_shortfall decompose(const tca_order& order, std::span<const fill> fills) {
  constexpr std::string_view where = "footprint::decompose";
  detail::require_positive(order.quantity, where, "quantity");
  detail::require_positive(order.decision_price, where, "decision_price");
  detail::require_positive(order.end_price, where, "end_price");
  if (!std::isnan(order.arrival_price)) detail::require_positive(order.arrival_price, where, "arrival_price");
  const double s = sign(order.side);
  double q = 0.0, vs_decision = 0.0, vs_arrival = 0.0, fees = 0.0;
  for (const fill& f : fills) {
    if (f.side != order.side)
      throw invalid_argument(detail::concat(where, ": fill ", f.exec_id, " is a ", to_string(f.side), ", the order a ",
                                            to_string(order.side)));
    detail::require_positive(f.quantity, where, "fill quantity");
    detail::require_positive(f.price, where, "fill price");
    detail::require_finite(f.fee, where, "fill fee");
    q += f.quantity;
    vs_decision += f.quantity * (f.price - order.decision_price);
    vs_arrival += f.quantity * (f.price - order.arrival_price);
    fees += f.fee;
  }
  if (q > order.quantity * (1.0 + 1e-12))
    throw invalid_argument(detail::concat(where, ": the fills total ", q, ", more than the order's ", order.quantity));
  const double rest = std::max(order.quantity - q, 0.0);
  implementation_shortfall out;
  out.filled_quantity = q;
  out.fill_rate = q / order.quantity;
  out.paper_notional = order.quantity * order.decision_price;
  perold_shortfall& p = out.perold;
  p.execution = s * vs_decision;
  p.opportunity = s * rest * (order.end_price - order.decision_price);
  p.fees = fees;
  p.total = p.execution + p.opportunity + p.fees;
  if (!std::isnan(order.arrival_price)) {
    const double delay = order.arrival_price - order.decision_price;
    wagner_shortfall& w = out.wagner;
    w.delay_filled = s * q * delay;
    w.delay_unfilled = s * rest * delay;
    w.trading = s * vs_arrival;
    w.opportunity = s * rest * (order.end_price - order.arrival_price);
    w.fees = fees;
    w.total = w.delay_filled + w.delay_unfilled + w.trading + w.opportunity + w.fees;
    market_activity_shortfall& m = out.market_activity;
    m.trading = w.trading;
    m.opportunity = w.opportunity;
    m.fees = fees;
    m.total = m.trading + m.opportunity + m.fees;
  }
  return out;
}

}  // namespace footprint
