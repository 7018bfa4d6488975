/// @file book/price_level_book.hpp
/// @brief An aggregated (level 2) order book: price levels on both sides, best first.
#pragma once

#include "footprint/book/detail/batch_edit.hpp"
#include "footprint/book/detail/level_checks.hpp"
#include "footprint/book/detail/level_search.hpp"
#include "footprint/book/detail/node_pool.hpp"
#include "footprint/concepts.hpp"
#include "footprint/error.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
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

class order_level_book;
namespace detail {
struct price_level_book_probe;
}  // namespace detail

/// A price-level (aggregated, "L2") order book of any depth.
///
/// Each side is a sorted vector kept worst-to-best, so that the frequent updates near the
/// top of the book insert or erase close to the end: O(log d) to find a level, d its
/// distance from the level of that side updated last (the search starts there: updates
/// cluster), and O(distance from the best) to insert or erase. Many levels at once:
/// `set_levels`. Satisfies `OrderBookView` through its
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
  /// Complexity: O(log d + distance of the level from the best), d its distance from the
  /// level of side `s` updated last (at most n).
  void set_level(side s, double price, double quantity) {
    check(price, quantity, "set_level");
    std::vector<price_level>& v = levels(s);
    const auto it = find(s, price);
    if (it != v.end() && it->price == price) {
      if (quantity == 0.0) {
        erase(v, it);
      } else {
        it->quantity = quantity;
      }
    } else if (quantity != 0.0) {
      insert(v, it, price_level{price, quantity});
    }
  }

  /// Sets several levels of side `s` at once: the same result, and the same exception, as
  /// `set_level(s, l.price, l.quantity)` for each `l` in order (a later level at the same
  /// price wins; a quantity of 0 removes the level; the levels before an invalid one are
  /// applied, then it throws). Any order is accepted; a depth update lists its levels best
  /// first, which one `set_level` at a time would insert each further from the best.
  /// @param levels prices (quote currency, finite and > 0) and quantities (finite, >= 0)
  /// @throws invalid_argument for the first level with a non-finite or non-positive price or
  ///   a negative quantity (the levels before it are applied)
  /// Complexity: O(m log m) to sort m levels, O(log n) to find each in the side's n levels,
  /// and memmoves of at most the levels from the deepest insertion
  /// or deletion to the best, each moved at most once (changed quantities move nothing,
  /// nor do levels where the insertions and deletions before them balance), instead of
  /// O(m * that distance) one at a time.
  void set_levels(side s, std::span<const price_level> levels) {
    const std::size_t n_valid = detail::settable_prefix(levels);
    set_levels(s, levels.first(n_valid), detail::checked_levels);
    if (n_valid < levels.size()) check(levels[n_valid].price, levels[n_valid].quantity, "set_level");
  }
  /// `set_levels` for levels already checked (private to footprint: `detail::checked_levels_t`).
  void set_levels(side s, std::span<const price_level> levels, detail::checked_levels_t) {
    drop_heads();
    if (levels.size() < batch_threshold) {
      for (const price_level& l : levels) set_level(s, l.price, l.quantity);
    } else {
      merge_levels(s, levels);
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
      if (it->quantity <= 0.0) erase(v, it);
    } else if (delta > 0.0) {
      insert(v, it, price_level{price, delta});
    }
  }

  /// Replaces one side with `best_first` levels (a snapshot), best level first.
  /// @throws invalid_argument when prices are not strictly ordered away from the best, or a
  /// price or quantity is invalid (quantity must be > 0)
  void replace_side(side s, std::span<const price_level> best_first) {
    drop_heads();
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
    bid_heads_.clear();
    ask_heads_.clear();
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

  // Below this many levels, set_levels applies them one at a time.
  static constexpr std::size_t batch_threshold = 16;

  // set_levels for valid levels, in place. Sorted worst to best (a later level at the same
  // price wins), each is found by `bisect_all`; quantities change in
  // place; then each untouched run between the insertions and deletions moves once, by
  // memmove, by the number of insertions less deletions before it. A level moves at most
  // once, and only where insertions and deletions before it do not balance: an update that
  // inserts and deletes about as many levels as it goes moves few.
  void merge_levels(side s, std::span<const price_level> updates) {
    std::vector<price_level>& sorted = scratch_levels_;
    sorted.assign(updates.rbegin(), updates.rend());  // best first -> worst first
    const auto worse = [s](const price_level& a, const price_level& b) { return better(s, b.price, a.price); };
    if (!std::is_sorted(sorted.begin(), sorted.end(), worse)) {
      // Stable, from input order: among equal prices the last given is last.
      sorted.assign(updates.begin(), updates.end());
      std::stable_sort(sorted.begin(), sorted.end(), worse);
    } else if (std::adjacent_find(sorted.begin(), sorted.end(), [](const price_level& a, const price_level& b) {
                 return a.price == b.price;
               }) != sorted.end()) {
      sorted.assign(updates.begin(), updates.end());  // reversed, equal prices would be in the wrong order
      std::stable_sort(sorted.begin(), sorted.end(), worse);
    }
    std::vector<price_level>& v = levels(s);
    edits_.prepare(v, sorted.size());                          // every allocation before the first change
    const auto lt = [](double l, double p) { return l < p; };  // worse on the bid side
    const auto gt = [](double l, double p) { return l > p; };  // worse on the ask side
    std::size_t& finger = s == side::buy ? bid_finger_ : ask_finger_;
    // The worst level first, by galloping from the level found last; every other lies after
    // it. Levels a few apart on average are each found by galloping on from the one before;
    // levels spread further, by independent bisections (`bisect_all`).
    std::size_t at = s == side::buy ? detail::find_near(v, finger, sorted[0].price, lt)
                                    : detail::find_near(v, finger, sorted[0].price, gt);
    const bool spread = v.size() - at >= 4 * sorted.size();
    std::vector<std::size_t>& pos = scratch_positions_;
    if (spread) {
      pos.resize(sorted.size());
      if (s == side::buy) {
        detail::bisect_all(v, sorted, at, pos, lt);
      } else {
        detail::bisect_all(v, sorted, at, pos, gt);
      }
    }
    for (std::size_t j = 0; j < sorted.size(); ++j) {
      // The last of a run of equal prices is the one that counts.
      if (j + 1 < sorted.size() && sorted[j + 1].price == sorted[j].price) continue;
      const price_level& u = sorted[j];
      if (spread) {
        at = pos[j];
      } else if (j > 0) {
        at = s == side::buy ? detail::find_near(v, at, u.price, lt) : detail::find_near(v, at, u.price, gt);
      }
      if (at < v.size() && v[at].price == u.price) {
        if (u.quantity != 0.0) {
          v[at].quantity = u.quantity;
        } else {
          edits_.deletions.push_back(at);
        }
      } else if (u.quantity != 0.0) {
        edits_.insertions.push_back({at, u});
      }
    }
    finger = at;
    moved_ += detail::batch_edit(v, edits_);
  }

  std::vector<price_level>& levels(side s) noexcept { return s == side::buy ? bids_ : asks_; }
  [[nodiscard]] const std::vector<price_level>& levels(side s) const noexcept { return s == side::buy ? bids_ : asks_; }

  // First level not worse than `price` in worst-to-best order (insertion point). Updates
  // cluster near the level updated last: the search gallops out from it (Bentley and Yao
  // 1976), O(log distance), then bisects.
  std::vector<price_level>::iterator find(side s, double price) noexcept {
    std::vector<price_level>& v = levels(s);
    std::size_t& finger = s == side::buy ? bid_finger_ : ask_finger_;
    finger = s == side::buy ? detail::find_near(v, finger, price, [](double l, double p) { return l < p; })
                            : detail::find_near(v, finger, price, [](double l, double p) { return l > p; });
    return v.begin() + static_cast<std::ptrdiff_t>(finger);
  }

  template <class Levels>
  static auto find_in(Levels& v, side s, double price) noexcept -> decltype(v.begin()) {
    const std::size_t i = s == side::buy
                              ? detail::bisect(v, 0, v.size(), price, [](double l, double p) { return l < p; })
                              : detail::bisect(v, 0, v.size(), price, [](double l, double p) { return l > p; });
    return v.begin() + static_cast<std::ptrdiff_t>(i);
  }

  void insert(std::vector<price_level>& v, std::vector<price_level>::iterator it, price_level l) {
    moved_ += static_cast<std::size_t>(v.end() - it);
    if (listed_) {
      std::vector<std::uint32_t>& h = &v == &bids_ ? bid_heads_ : ask_heads_;
      h.insert(h.begin() + (it - v.begin()), no_order);
    }
    v.insert(it, l);
  }
  void erase(std::vector<price_level>& v, std::vector<price_level>::iterator it) noexcept {
    moved_ += static_cast<std::size_t>(v.end() - it) - 1;
    if (listed_) {
      std::vector<std::uint32_t>& h = &v == &bids_ ? bid_heads_ : ask_heads_;
      h.erase(h.begin() + (it - v.begin()));
    }
    v.erase(it);
  }

  // ---- For order_level_book (listed_): beside each level, the first of the known orders
  // resting there (an index into the order book's nodes, `no_order` for none), inserted and
  // erased with the level by the single-level paths. order_level_book never calls set_levels
  // or replace_side, which do not keep them: on a copy of its levels, they drop them first.
  static constexpr std::uint32_t no_order = detail::no_node;
  std::vector<std::uint32_t>& heads(side s) noexcept { return s == side::buy ? bid_heads_ : ask_heads_; }
  void drop_heads() noexcept {
    if (!listed_) return;
    listed_ = false;
    bid_heads_.clear();
    ask_heads_.clear();
  }
  // The index of the level at `price` on side s, or its insertion point with `found` false.
  std::size_t locate(side s, double price, bool& found) noexcept {
    const std::vector<price_level>& v = levels(s);
    if (!v.empty() && v.back().price == price) {  // the best level: most updates of a feed
      found = true;
      return v.size() - 1;
    }
    const auto it = find(s, price);
    found = it != v.end() && it->price == price;
    return static_cast<std::size_t>(it - v.begin());
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
  std::size_t bid_finger_ = 0;  // index of the bid level found last (a hint for find)
  std::size_t ask_finger_ = 0;
  std::size_t moved_ = 0;  // levels moved by inserts, erases and merges (see detail::price_level_book_probe)
  bool listed_ = false;    // order_level_book's levels: heads kept beside them
  std::vector<std::uint32_t> bid_heads_;  // listed_: first known order at each bid level
  std::vector<std::uint32_t> ask_heads_;
  // merge_levels' working space, kept to spare allocations per batch.
  std::vector<price_level> scratch_levels_;
  std::vector<std::size_t> scratch_positions_;
  detail::batch_edit_scratch<price_level> edits_;

  friend struct detail::price_level_book_probe;
  friend class order_level_book;
};

namespace detail {
/// Private (tests): the cost counter of a `price_level_book`.
struct price_level_book_probe {
  /// Levels moved in memory so far by inserts, erases and batched merges.
  [[nodiscard]] static std::size_t moved_levels(const price_level_book& b) noexcept { return b.moved_; }
};
}  // namespace detail

}  // namespace footprint
