/// @file book/price_level_book.hpp
/// @brief An aggregated (level 2) order book: price levels on both sides, best first.
#pragma once

#include "footprint/concepts.hpp"
#include "footprint/error.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <span>
#include <vector>

namespace footprint {

/// One price level: a price and the total quantity resting there.
struct price_level {
  double price = 0.0;     ///< quote currency
  double quantity = 0.0;  ///< shares, contracts or coins; > 0 in a book
};

/// A cheap non-owning view of a book: spans over the two sides and a timestamp.
///
/// Satisfies `OrderBookView`. Each side is stored worst-to-best (the best level is the
/// last element), which is how `price_level_book` keeps them so that updates near the top
/// of the book are cheap. Valid until the viewed book is next modified.
struct book_view {
  std::span<const price_level> bids_worst_first;  ///< ascending prices; best bid last
  std::span<const price_level> asks_worst_first;  ///< descending prices; best ask last
  std::chrono::nanoseconds time{0};               ///< time of the last update

  [[nodiscard]] index bid_levels() const noexcept { return static_cast<index>(bids_worst_first.size()); }
  [[nodiscard]] index ask_levels() const noexcept { return static_cast<index>(asks_worst_first.size()); }
  /// Level `i` (0 = best) of the bids; requires i < bid_levels().
  [[nodiscard]] double bid_price(index i) const noexcept { return bid(i).price; }
  [[nodiscard]] double bid_quantity(index i) const noexcept { return bid(i).quantity; }
  /// Level `i` (0 = best) of the asks; requires i < ask_levels().
  [[nodiscard]] double ask_price(index i) const noexcept { return ask(i).price; }
  [[nodiscard]] double ask_quantity(index i) const noexcept { return ask(i).quantity; }
  [[nodiscard]] std::chrono::nanoseconds timestamp() const noexcept { return time; }

 private:
  [[nodiscard]] const price_level& bid(index i) const noexcept {
    return bids_worst_first[bids_worst_first.size() - 1 - static_cast<std::size_t>(i)];
  }
  [[nodiscard]] const price_level& ask(index i) const noexcept {
    return asks_worst_first[asks_worst_first.size() - 1 - static_cast<std::size_t>(i)];
  }
};

/// A price-level (aggregated, "L2") order book of any depth.
///
/// Each side is a sorted vector kept worst-to-best, so that the frequent updates near the
/// top of the book insert or erase close to the end: O(log n) to find a level plus
/// O(distance from the best) to insert or erase. Satisfies `OrderBookView` through its
/// members and through `view()`. Level 0 is the best level. The book does not reject a
/// crossed state (feeds are briefly crossed); `is_crossed()` reports it.
class price_level_book {
 public:
  price_level_book() = default;

  /// Sets the quantity resting at `price` on side `s` (`side::buy` = bids); quantity 0
  /// removes the level.
  /// @param price quote currency, finite and > 0
  /// @param quantity shares/contracts/coins, finite and >= 0
  /// @throws invalid_argument for a non-finite or non-positive price or a negative quantity
  /// Complexity: O(log n + distance of the level from the best).
  void set_level(side s, double price, double quantity) {
    check(price, quantity, "set_level");
    std::vector<price_level>& v = levels(s);
    const auto it = find(s, price);
    if (it != v.end() && it->price == price) {
      if (quantity == 0.0) {
        v.erase(it);
      } else {
        it->quantity = quantity;
      }
    } else if (quantity != 0.0) {
      v.insert(it, price_level{price, quantity});
    }
  }

  /// Adds `delta` (may be negative) to the quantity at `price`; a level reaching <= 0 is
  /// removed (an order-level book uses this).
  /// @throws invalid_argument for a non-finite price or delta
  void add_quantity(side s, double price, double delta) {
    if (!std::isfinite(delta))
      throw invalid_argument(
          detail::concat("footprint::price_level_book::add_quantity: delta must be finite (got ", delta, ")"));
    check(price, 0.0, "add_quantity");
    std::vector<price_level>& v = levels(s);
    const auto it = find(s, price);
    if (it != v.end() && it->price == price) {
      it->quantity += delta;
      if (it->quantity <= 0.0) v.erase(it);
    } else if (delta > 0.0) {
      v.insert(it, price_level{price, delta});
    }
  }

  /// Replaces one side with `best_first` levels (a snapshot), best level first.
  /// @throws invalid_argument when prices are not strictly ordered away from the best, or a
  /// price or quantity is invalid (quantity must be > 0)
  void replace_side(side s, std::span<const price_level> best_first) {
    std::vector<price_level>& v = levels(s);
    v.clear();
    v.reserve(best_first.size());
    for (std::size_t i = best_first.size(); i-- > 0;) {
      const price_level& l = best_first[i];
      check(l.price, l.quantity, "replace_side");
      if (!(l.quantity > 0.0))
        throw invalid_argument(detail::concat("footprint::price_level_book::replace_side: quantity must be > 0 (got ",
                                              l.quantity, " at level ", i, ")"));
      if (!v.empty() && !(better(s, l.price, v.back().price))) {
        throw invalid_argument(detail::concat(
            "footprint::price_level_book::replace_side: levels must be strictly ordered best first (level ", i,
            " price ", l.price, ")"));
      }
      v.push_back(l);
    }
  }

  /// Removes every level on both sides (the timestamp is kept).
  void clear() noexcept {
    bids_.clear();
    asks_.clear();
  }
  /// Sets the time of the last update (since midnight or epoch, as the feed says).
  void set_timestamp(std::chrono::nanoseconds t) noexcept { time_ = t; }

  // ---- OrderBookView members (level 0 = best)
  [[nodiscard]] index bid_levels() const noexcept { return static_cast<index>(bids_.size()); }
  [[nodiscard]] index ask_levels() const noexcept { return static_cast<index>(asks_.size()); }
  [[nodiscard]] double bid_price(index i) const noexcept {
    return bids_[bids_.size() - 1 - static_cast<std::size_t>(i)].price;
  }
  [[nodiscard]] double bid_quantity(index i) const noexcept {
    return bids_[bids_.size() - 1 - static_cast<std::size_t>(i)].quantity;
  }
  [[nodiscard]] double ask_price(index i) const noexcept {
    return asks_[asks_.size() - 1 - static_cast<std::size_t>(i)].price;
  }
  [[nodiscard]] double ask_quantity(index i) const noexcept {
    return asks_[asks_.size() - 1 - static_cast<std::size_t>(i)].quantity;
  }
  [[nodiscard]] std::chrono::nanoseconds timestamp() const noexcept { return time_; }

  /// Best bid price, or NaN when there are no bids.
  [[nodiscard]] double best_bid() const noexcept { return bids_.empty() ? nan : bids_.back().price; }
  /// Best ask price, or NaN when there are no asks.
  [[nodiscard]] double best_ask() const noexcept { return asks_.empty() ? nan : asks_.back().price; }
  /// True when both sides are non-empty and best bid >= best ask.
  [[nodiscard]] bool is_crossed() const noexcept {
    return !bids_.empty() && !asks_.empty() && bids_.back().price >= asks_.back().price;
  }
  /// Total quantity over the best `levels` levels of side `s` (fewer if the side is shallower).
  [[nodiscard]] double cumulative_quantity(side s, index n_levels) const noexcept {
    const std::vector<price_level>& v = levels(s);
    const std::size_t n = std::min(v.size(), static_cast<std::size_t>(std::max<index>(n_levels, 0)));
    double q = 0.0;
    for (std::size_t i = 0; i < n; ++i) q += v[v.size() - 1 - i].quantity;
    return q;
  }
  /// The quantity at `price` on side `s`, 0 when there is no such level.
  [[nodiscard]] double quantity_at(side s, double price) const noexcept {
    const std::vector<price_level>& v = levels(s);
    const auto it = find_in(v, s, price);
    return (it != v.end() && it->price == price) ? it->quantity : 0.0;
  }

  /// A cheap non-owning view (valid until the book is next modified).
  [[nodiscard]] book_view view() const noexcept { return book_view{bids_, asks_, time_}; }

 private:
  // Is price a strictly better than b on side s?
  static bool better(side s, double a, double b) noexcept { return s == side::buy ? a > b : a < b; }

  std::vector<price_level>& levels(side s) noexcept { return s == side::buy ? bids_ : asks_; }
  [[nodiscard]] const std::vector<price_level>& levels(side s) const noexcept { return s == side::buy ? bids_ : asks_; }

  // First level not worse than `price` in worst-to-best order (insertion point).
  std::vector<price_level>::iterator find(side s, double price) noexcept { return find_in(levels(s), s, price); }

  template <class Levels>
  static auto find_in(Levels& v, side s, double price) noexcept -> decltype(v.begin()) {
    if (s == side::buy) {
      return std::lower_bound(v.begin(), v.end(), price, [](const price_level& l, double p) { return l.price < p; });
    }
    return std::lower_bound(v.begin(), v.end(), price, [](const price_level& l, double p) { return l.price > p; });
  }

  static void check(double price, double quantity, const char* fn) {
    if (!std::isfinite(price) || !(price > 0.0)) {
      throw invalid_argument(
          detail::concat("footprint::price_level_book::", fn, ": price must be finite and > 0 (got ", price, ")"));
    }
    if (!std::isfinite(quantity) || quantity < 0.0) {
      throw invalid_argument(detail::concat("footprint::price_level_book::", fn,
                                            ": quantity must be finite and >= 0 (got ", quantity, ")"));
    }
  }

  std::vector<price_level> bids_;  // ascending prices: best bid last
  std::vector<price_level> asks_;  // descending prices: best ask last
  std::chrono::nanoseconds time_{0};
};

}  // namespace footprint
