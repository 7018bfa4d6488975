/// @file tca/order_analysis.hpp
/// @brief Transaction cost analysis of one parent order against the market of its period:
/// benchmarks (arrival mid, interval VWAP and TWAP, day VWAP, departure mid, close) and the
/// cost against each in bps, the implementation shortfall decompositions, participation,
/// fill rate, maker and taker shares, markouts and the reversion ratio. See docs/tca.md.
#pragma once

#include "footprint/data/market_tape.hpp"
#include "footprint/detail/checks.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/feeds/fill.hpp"
#include "footprint/tca/implementation_shortfall.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace footprint {

/// Settings of `analyze_order`: the order's period on the tape's clock and the markouts.
struct order_analysis_params {
  std::chrono::nanoseconds start{0};  ///< the order's arrival, on the tape's clock
  std::chrono::nanoseconds end{0};    ///< the end of its horizon (>= start; the last fill if later)
  /// Subtracted from each fill's time to put it on the tape's clock (e.g. the Unix time of the
  /// day's midnight for a LOBSTER tape, whose clock starts at midnight).
  std::chrono::nanoseconds time_offset{0};
  std::vector<double> markout_seconds = {1.0, 10.0, 60.0, 300.0};  ///< horizons h, each > 0
  /// Whether the order's own fills are among the tape's trades (fills synthesised from the
  /// tape, or a venue's full tape): then the market volume of the period already holds them.
  bool fills_in_tape = false;
  /// A fill priced more than this factor away from the mid in force at its time (above
  /// ratio x mid or below mid / ratio) is refused: another instrument's fills, or prices in
  /// another unit (cents for dollars). > 1; infinity turns the check off.
  double max_price_ratio = 2.0;
  /// An order whose filled quantity exceeds this multiple of the whole tape's traded quantity
  /// is refused: quantities in another unit (satoshis for bitcoins) or another instrument's.
  /// > 0; infinity turns the check off.
  double max_volume_multiple = 10.0;
};

/// The benchmark prices of an order's period (quote currency; NaN when the tape cannot say).
struct tca_benchmarks {
  double arrival_mid = nan;    ///< the mid in force just before the start (before the order's own trades)
  double interval_vwap = nan;  ///< VWAP of the tape's trades in [start, end]
  double interval_twap = nan;  ///< the time-weighted mid over [start, end]
  double day_vwap = nan;       ///< VWAP of every trade of the tape
  double departure_mid = nan;  ///< the mid in force at the end
  double close = nan;          ///< the tape's last trade price
};

/// The fills' average price against one benchmark B: s (p_avg - B) / B x 1e4, bps,
/// positive = cost.
struct tca_costs_bps {
  double arrival_mid = nan, interval_vwap = nan, interval_twap = nan, day_vwap = nan, departure_mid = nan, close = nan;
};

/// A markout: the fills' gain marked h seconds after each fill.
struct markout {
  double seconds = nan;  ///< h
  /// Quantity-weighted mean of s (mid(t_i + h) - p_i) / p_i x 1e4 over the fills whose t_i + h
  /// is on the tape: positive = the market moved the order's way after the fills; negative =
  /// adverse selection. NaN when no fill has a mid h later.
  double bps = nan;
  std::size_t fills = 0;  ///< the fills counted
};

/// The analysis of one parent order.
struct order_analysis {
  implementation_shortfall shortfall;  ///< Perold, Wagner and market activity (prices from `order`, or the benchmarks)
  double average_price = nan;          ///< the fills' VWAP
  tca_benchmarks benchmarks;
  tca_costs_bps costs;
  double market_volume = 0.0;       ///< the tape's traded quantity in [start, end] (own fills added when not in it)
  double participation_rate = nan;  ///< filled quantity / market_volume
  double fill_rate = nan;           ///< filled quantity / Q
  double maker_share = nan;         ///< share of the filled quantity that added liquidity (851=1)
  double taker_share = nan;         ///< share that removed it (851=2)
  /// Quantity-weighted s (mid(t_i) - p_i) / mid(t_i) x 1e4: what the fills gained against the
  /// mid in force when they happened (positive = better than the mid: spread earned).
  double vs_mid_bps = nan;
  std::vector<markout> markouts;
  /// (M_end - M_end+5min) / (M_end - M_arrival): the share of the order's mid move over its
  /// period that reverted 5 minutes after it (1: all of it; NaN when the mid did not move or
  /// the tape ends first).
  double reversion_ratio = nan;
};

namespace detail::tca {

// The mid in force at t: the last mid whose time is <= t; NaN before the first.
[[nodiscard]] inline double mid_at(const market_tape& tape, std::chrono::nanoseconds t) noexcept {
  const auto it = std::upper_bound(tape.mid_times.begin(), tape.mid_times.end(), t);
  if (it == tape.mid_times.begin()) return nan;
  return tape.mids[static_cast<std::size_t>(it - tape.mid_times.begin() - 1)];
}

// The mid in force just before t (the last mid whose time is < t): the arrival mid of an
// order arriving at t, before its own trades move it; the mid at t when none is earlier.
[[nodiscard]] inline double mid_before(const market_tape& tape, std::chrono::nanoseconds t) noexcept {
  const auto it = std::lower_bound(tape.mid_times.begin(), tape.mid_times.end(), t);
  if (it == tape.mid_times.begin()) return mid_at(tape, t);
  return tape.mids[static_cast<std::size_t>(it - tape.mid_times.begin() - 1)];
}

// The first and last times of the tape (its mids' and trades'); {0, -1} for an empty tape.
[[nodiscard]] inline std::pair<std::chrono::nanoseconds, std::chrono::nanoseconds> span(const market_tape& tape) {
  using std::chrono::nanoseconds;
  nanoseconds first = nanoseconds::max(), last = nanoseconds::min();
  if (!tape.mid_times.empty()) {
    first = tape.mid_times.front();
    last = tape.mid_times.back();
  }
  if (!tape.trades.empty()) {
    first = std::min(first, tape.trades.front().time);
    last = std::max(last, tape.trades.back().time);
  }
  if (first > last) return {nanoseconds(0), nanoseconds(-1)};
  return {first, last};
}

// Seconds with 3 decimals, for the messages.
[[nodiscard]] inline std::string seconds_text(std::chrono::nanoseconds t) {
  char text[48];
  std::snprintf(text, sizeof text, "%.3f s", double(t.count()) * 1e-9);
  return text;
}

// A number with 7 significant digits, for the messages.
[[nodiscard]] inline std::string short_text(double v) {
  char text[48];
  std::snprintf(text, sizeof text, "%.7g", v);
  return text;
}

// Whether the tape covers t (its last mid change or trade is at or after t).
[[nodiscard]] inline bool covers(const market_tape& tape, std::chrono::nanoseconds t) noexcept {
  const bool mids = !tape.mid_times.empty() && tape.mid_times.back() >= t;
  const bool trades = !tape.trades.empty() && tape.trades.back().time >= t;
  return mids || trades;
}

// The time-weighted mid over [a, b] (the mid at a when a == b).
[[nodiscard]] inline double twap(const market_tape& tape, std::chrono::nanoseconds a, std::chrono::nanoseconds b) {
  if (b <= a) return mid_at(tape, a);
  auto it = std::upper_bound(tape.mid_times.begin(), tape.mid_times.end(), a);
  if (it == tape.mid_times.begin()) return nan;
  double m = tape.mids[static_cast<std::size_t>(it - tape.mid_times.begin() - 1)];
  std::chrono::nanoseconds t = a;
  double integral = 0.0;
  for (; it != tape.mid_times.end() && *it < b; ++it) {
    integral += m * double((*it - t).count());
    t = *it;
    m = tape.mids[static_cast<std::size_t>(it - tape.mid_times.begin())];
  }
  integral += m * double((b - t).count());
  return integral / double((b - a).count());
}

}  // namespace detail::tca

/// Analyses one parent order filled by `fills` against the market `tape` of its period.
///
/// The order's prices default to the benchmarks: a NaN decision or arrival price becomes the
/// arrival mid, a NaN end price the close. Costs against a benchmark B are
/// s (p_avg - B) / B x 1e4 with s = +1 for a buy, -1 for a sell.
/// @param order  side and Q (> 0); prices as in `decompose`, NaN for the defaults
/// @param fills  the order's fills, any order (times on the fills' clock)
/// @param tape   the market: trades and the mid path, in time order
/// @throws invalid_argument for end < start, a markout horizon not > 0, `max_price_ratio` not
///         > 1 or `max_volume_multiple` not > 0; an order the tape does not cover (its start
///         before the tape's first mid, or its start or end, the last fill if later, after the
///         tape's last event: the fills of another day, or a wrong `time_offset`); a fill priced
///         more than `max_price_ratio` away from the mid in force; fills over
///         `max_volume_multiple` x the tape's traded quantity; or what `decompose` refuses (a
///         fill of the other side, fills over Q, prices not > 0 after the defaults)
[[nodiscard]] inline order_analysis analyze_order(tca_order order, std::span<const fill> fills, const market_tape& tape,
                                                  const order_analysis_params& params = {}) {
  constexpr std::string_view where = "footprint::analyze_order";
  if (params.end < params.start)
    throw invalid_argument(
        detail::concat(where, ": end (", params.end.count(), " ns) is before start (", params.start.count(), " ns)"));
  for (const double h : params.markout_seconds) detail::require_positive(h, where, "markout_seconds");
  if (!(params.max_price_ratio > 1.0))
    throw invalid_argument(detail::concat(where, ": max_price_ratio must be > 1 (got ", params.max_price_ratio, ")"));
  if (!(params.max_volume_multiple > 0.0))
    throw invalid_argument(
        detail::concat(where, ": max_volume_multiple must be > 0 (got ", params.max_volume_multiple, ")"));
  using std::chrono::nanoseconds;
  order_analysis out;
  std::chrono::nanoseconds last_fill = params.start;
  for (const fill& f : fills) last_fill = std::max(last_fill, f.time - params.time_offset);
  const nanoseconds end = std::max(params.end, last_fill);
  {
    // An order off the tape would be measured against stale or missing prices: refuse it.
    using detail::tca::seconds_text, detail::tca::short_text;
    const auto [first, last] = detail::tca::span(tape);
    const nanoseconds first_mid = tape.mid_times.empty() ? nanoseconds::max() : tape.mid_times.front();
    if (params.start < first_mid || params.start > last || end > last)
      throw invalid_argument(
          detail::concat(where, ": the order's period, ", seconds_text(params.start), " to ", seconds_text(end),
                         " on the tape's clock, is not on the tape (its first mid at ",
                         tape.mid_times.empty() ? std::string("none") : seconds_text(first_mid), ", its last event at ",
                         seconds_text(last), "): the fills of another period, or a wrong time_offset"));
    for (const fill& f : fills) {
      const double m = detail::tca::mid_at(tape, f.time - params.time_offset);
      if (std::isfinite(m) && (f.price > m * params.max_price_ratio || f.price * params.max_price_ratio < m))
        throw invalid_argument(
            detail::concat(where, ": fill ", f.exec_id, " at ", seconds_text(f.time - params.time_offset),
                           " is priced ", short_text(f.price), ", ", short_text(f.price / m), " x the mid ",
                           short_text(m), " in force (more than max_price_ratio = ", params.max_price_ratio,
                           " away): another instrument's fills, or prices in another unit"));
    }
  }

  tca_benchmarks& b = out.benchmarks;
  b.arrival_mid = detail::tca::mid_before(tape, params.start);
  b.departure_mid = detail::tca::mid_at(tape, end);
  b.interval_twap = detail::tca::twap(tape, params.start, end);
  double pq = 0.0, q = 0.0, day_pq = 0.0, day_q = 0.0;
  for (const trade& t : tape.trades) {
    day_pq += t.price * t.quantity;
    day_q += t.quantity;
    if (t.time >= params.start && t.time <= end) {
      pq += t.price * t.quantity;
      q += t.quantity;
    }
  }
  b.interval_vwap = q > 0.0 ? pq / q : nan;
  b.day_vwap = day_q > 0.0 ? day_pq / day_q : nan;
  b.close = tape.trades.empty() ? nan : tape.trades.back().price;

  if (std::isnan(order.decision_price)) order.decision_price = b.arrival_mid;
  if (std::isnan(order.arrival_price)) order.arrival_price = b.arrival_mid;
  if (std::isnan(order.end_price)) order.end_price = b.close;
  out.shortfall = decompose(order, fills);
  if (day_q > 0.0 && out.shortfall.filled_quantity > params.max_volume_multiple * day_q)
    throw invalid_argument(detail::concat(
        where, ": the order filled ", detail::tca::short_text(out.shortfall.filled_quantity), ", ",
        detail::tca::short_text(out.shortfall.filled_quantity / day_q), " x the tape's whole traded quantity ",
        detail::tca::short_text(day_q), " (more than max_volume_multiple = ", params.max_volume_multiple,
        "): quantities in another unit, or another instrument's fills"));

  const double s = sign(order.side);
  const double filled = out.shortfall.filled_quantity;
  out.average_price = filled > 0.0 ? [&] {
    double v = 0.0;
    for (const fill& f : fills) v += f.quantity * f.price;
    return v / filled;
  }()
                                   : nan;
  const auto cost = [&](double bench) { return s * (out.average_price - bench) / bench * 1e4; };
  out.costs = {cost(b.arrival_mid), cost(b.interval_vwap), cost(b.interval_twap),
               cost(b.day_vwap),    cost(b.departure_mid), cost(b.close)};
  out.market_volume = q + (params.fills_in_tape ? 0.0 : filled);
  out.participation_rate = out.market_volume > 0.0 ? filled / out.market_volume : nan;
  out.fill_rate = out.shortfall.fill_rate;
  double maker = 0.0, taker = 0.0, vs_mid = 0.0, vs_mid_q = 0.0;
  for (const fill& f : fills) {
    maker += f.liquidity == liquidity::maker ? f.quantity : 0.0;
    taker += f.liquidity == liquidity::taker ? f.quantity : 0.0;
    const double m = detail::tca::mid_at(tape, f.time - params.time_offset);
    if (std::isfinite(m)) {
      vs_mid += f.quantity * s * (m - f.price) / m * 1e4;
      vs_mid_q += f.quantity;
    }
  }
  if (filled > 0.0) {
    out.maker_share = maker / filled;
    out.taker_share = taker / filled;
  }
  out.vs_mid_bps = vs_mid_q > 0.0 ? vs_mid / vs_mid_q : nan;
  for (const double h : params.markout_seconds) {
    const auto dh = std::chrono::duration_cast<nanoseconds>(std::chrono::duration<double>(h));
    markout mk{.seconds = h};
    double num = 0.0, den = 0.0;
    for (const fill& f : fills) {
      const nanoseconds t = f.time - params.time_offset + dh;
      if (!detail::tca::covers(tape, t)) continue;
      const double m = detail::tca::mid_at(tape, t);
      if (!std::isfinite(m)) continue;
      num += f.quantity * s * (m - f.price) / f.price * 1e4;
      den += f.quantity;
      ++mk.fills;
    }
    mk.bps = den > 0.0 ? num / den : nan;
    out.markouts.push_back(mk);
  }
  const nanoseconds later = end + std::chrono::minutes(5);
  const double move = b.departure_mid - b.arrival_mid;
  if (detail::tca::covers(tape, later) && move != 0.0)
    out.reversion_ratio = (b.departure_mid - detail::tca::mid_at(tape, later)) / move;
  return out;
}

}  // namespace footprint
