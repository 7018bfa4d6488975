/// @file book/book_walk.hpp
/// @brief The structural cost of a market order: walking the visible depth of a book at
/// arrival, and beyond it a depth profile calibrated on the visible levels.
///
/// The immediate cost of a child order of size q has a part that needs no statistics: the
/// prices it would take in the book as it stands. `walk_book` computes it level by level.
/// Where the order needs more than the visible depth, the remainder is priced on a linear
/// depth profile (a constant quantity per bps beyond the last visible level, the visible
/// depth's own density unless given): the cost then grows as q^2 / (2 density) in the
/// remainder, the order-book model of Obizhaeva and Wang (2013, section 2, a block-shaped
/// book of constant density) continued past the data.
///
/// References:
/// - A. A. Obizhaeva, J. Wang (2013), "Optimal trading strategy and supply/demand dynamics",
///   Journal of Financial Markets 16(1), 1-32: the limit order book as a density of
///   quantity per price unit, whose walk costs the half spread plus q / (2 density).
/// - J.-P. Bouchaud, J. D. Farmer, F. Lillo (2009), "How markets slowly digest changes in
///   supply and demand", section 4: the mechanical (book) part of impact versus the part
///   that comes from information.
#pragma once

#include "footprint/concepts.hpp"
#include "footprint/detail/checks.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <cmath>
#include <string_view>
#include <type_traits>

namespace footprint {

/// What `walk_book` returns. Costs are cost-signed bps of the arrival mid: positive when the
/// order pays (a buy above the mid, a sell below it).
struct book_walk {
  double cost_bps = nan;          ///< average execution price against the mid, bps; >= the half spread
  double visible_quantity = 0.0;  ///< depth on the side the order takes, all visible levels
  double filled_visible = 0.0;    ///< part of the order filled on visible levels
  double beyond_visible = 0.0;    ///< part priced on the depth profile beyond them (0 if it fits)
  index levels_taken = 0;         ///< visible levels the order reaches (partly or wholly)
  double worst_price_bps = nan;   ///< the last price the order takes against the mid, bps
  double density_per_bps = nan;   ///< the profile's depth per bps beyond the visible levels
  /// True when the order needs more than the visible depth (its cost then rests on the profile).
  [[nodiscard]] bool exceeds_visible() const noexcept { return beyond_visible > 0.0; }
};

/// Settings of `walk_book`.
struct book_walk_params {
  /// Depth per bps of price beyond the last visible level, in the book's quantity units; NaN:
  /// the visible side's own density, its total quantity over the distance in bps from the
  /// mid to its last level (with one level, that level's quantity over the half spread).
  /// Finite and > 0, or NaN.
  double density_per_bps = nan;
};

/// `walk_book`'s one-level case from the best quote alone: the cost of a market order of
/// `quantity` in a book whose best level holds `depth` at `half_spread_bps` from the mid,
/// beyond which the profile has that level's own density, depth / half_spread_bps.
/// = half_spread_bps when quantity <= depth; else (D h + R (h + R / (2 rho))) / q with R = q - D.
/// @return bps, cost-signed; NaN unless half_spread_bps, depth and quantity are finite and > 0
[[nodiscard]] inline double walk_best_level(double half_spread_bps, double depth, double quantity) noexcept {
  if (!(half_spread_bps > 0.0 && depth > 0.0 && quantity > 0.0) || !std::isfinite(half_spread_bps) ||
      !std::isfinite(depth) || !std::isfinite(quantity))
    return nan;
  if (quantity <= depth) return half_spread_bps;
  const double rho = depth / half_spread_bps, rest = quantity - depth;
  return (depth * half_spread_bps + rest * (half_spread_bps + 0.5 * rest / rho)) / quantity;
}

/// The cost of a market order of `quantity` walking a book.
///
/// A buy takes the asks from the best, a sell the bids; each level fills up to its quantity
/// at its price. What remains after the last visible level is priced on a linear profile of
/// density rho (quantity per bps): the next x bps hold rho x, so a remainder R moves the price
/// R / rho bps beyond the last level and costs on average half of that above it.
/// @param book any `OrderBookView` (level 0 = best) with both sides non-empty
/// @param s the order's side; @param quantity in the book's units; finite, > 0
/// @return the walk; cost_bps >= the half spread of the book (a market order never earns it)
/// @throws invalid_argument for a non-positive or non-finite quantity, an empty side, a
/// crossed book or a density that is not finite and > 0 (when given)
/// Complexity: O(levels taken).
template <OrderBookView Book>
[[nodiscard]] book_walk walk_book(const Book& book, side s, double quantity, const book_walk_params& p = {}) {
  using T = order_book_traits<std::remove_cvref_t<Book>>;
  constexpr std::string_view where = "footprint::walk_book";
  detail::require_positive(quantity, where, "quantity");
  if (!std::isnan(p.density_per_bps)) detail::require_positive(p.density_per_bps, where, "density_per_bps");
  const index n_bid = T::bid_levels(book), n_ask = T::ask_levels(book);
  if (n_bid == 0 || n_ask == 0) {
    throw invalid_argument(
        detail::concat(where, ": the book needs both sides (got ", n_bid, " bid and ", n_ask, " ask levels)"));
  }
  const double bid = T::bid_price(book, 0), ask = T::ask_price(book, 0);
  if (!(bid < ask))
    throw invalid_argument(detail::concat(where, ": the book is crossed or locked (bid ", bid, ", ask ", ask, ")"));
  const double mid = 0.5 * (bid + ask);
  const double sign = s == side::buy ? 1.0 : -1.0;
  const index n = s == side::buy ? n_ask : n_bid;
  const auto price = [&](index i) { return s == side::buy ? T::ask_price(book, i) : T::bid_price(book, i); };
  const auto depth = [&](index i) { return s == side::buy ? T::ask_quantity(book, i) : T::bid_quantity(book, i); };
  const auto bps = [&](double px) { return sign * 1e4 * (px - mid) / mid; };

  book_walk w;
  double remaining = quantity, paid_bps = 0.0;  // paid_bps: sum of quantity x bps
  for (index i = 0; i < n; ++i) {
    const double q = depth(i);
    w.visible_quantity += q;
    if (remaining <= 0.0) continue;
    const double take = std::min(q, remaining);
    paid_bps += take * bps(price(i));
    remaining -= take;
    w.filled_visible += take;
    w.levels_taken = i + 1;
    w.worst_price_bps = bps(price(i));
  }
  const double last_bps = bps(price(n - 1));
  w.density_per_bps =
      std::isnan(p.density_per_bps) ? w.visible_quantity / std::max(last_bps, 1e-12) : p.density_per_bps;
  if (remaining > 0.0) {
    const double extra = remaining / w.density_per_bps;  // bps beyond the last level
    paid_bps += remaining * (last_bps + 0.5 * extra);
    w.beyond_visible = remaining;
    w.worst_price_bps = last_bps + extra;
  }
  w.cost_bps = paid_bps / quantity;
  return w;
}

}  // namespace footprint
