/// @file book/tick_level_book.hpp
/// @brief A price-level (level 2) order book on a price grid: the levels near the best of each
/// side live in a window indexed by tick, so that a depth update changes each level in O(1)
/// however deep it lies. For streams written far more than they are read deep.
#pragma once

#include "footprint/book/detail/tick_window.hpp"
#include "footprint/book/price_level_book.hpp"
#include "footprint/concepts.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <span>
#include <vector>

namespace footprint {

/// A price-level ("L2") order book of any depth whose prices lie on a grid, e.g. a crypto
/// venue's depth stream: the same contract as `price_level_book` (level 0 is the best; a
/// quantity of 0 removes a level; crossed states are kept and reported by `is_crossed()`),
/// built for updates that change many levels far from the best.
///
/// Each side keeps a window of `window_ticks` consecutive ticks around its best, a slot per
/// tick (the quantity, 0 for none) with a bitmap of the occupied ones; levels worse than the
/// window are in a `price_level_book`. Setting a level in the window costs O(1); the best
/// and each next level are found by scanning the bitmap (a few words); the window moves,
/// in O(window_ticks / 64 + levels moved), when the best leaves it or sinks into its lowest
/// quarter. A Binance BTCUSDT update sets about 60 levels spread over thousands of ticks,
/// where `price_level_book`, a sorted vector, searches and moves levels for each.
///
/// The grid is learned from the prices: the tick is the greatest common divisor of every
/// price seen, in units of 1e-8 (it can only shrink; when it does, the windows are rebuilt).
/// A price that is not a multiple of 1e-8 or is above 2.2e7 (it has no exact grid position)
/// moves the whole book, for good, into the `price_level_book` (same results, its speed).
///
/// Reads: level i comes from a per-side cache, best first, filled (by half again at least)
/// up to the deepest level read since the side last changed. Reading the best few levels
/// after each update is cheap; reading hundreds after each update costs more than the updates
/// save, and `price_level_book` serves such readers better (docs/market-data.md). Const reads
/// fill the cache: not safe to read from two threads at once (copy it). Memory: about 0.5 MiB
/// per side for the default window (8.1 bytes a tick), allocated at the first level.
class tick_level_book {
 public:
  /// Ticks per side window by default: 65,536 (BTCUSDT: 655 USD on spot at tick 0.01).
  static constexpr std::size_t default_window_ticks = std::size_t{1} << 16;

  /// @param window_ticks ticks in each side's window, rounded up to a multiple of 4,096
  ///        (at least 4,096)
  explicit tick_level_book(std::size_t window_ticks = default_window_ticks)
      : width_(std::max<std::size_t>(4096, (window_ticks + 4095) / 4096 * 4096)) {}

  /// Sets the quantity resting at `price` on side `s`; quantity 0 removes the level.
  /// @param price quote currency, finite and > 0
  /// @param quantity finite and >= 0
  /// @throws invalid_argument for a non-finite or non-positive price or a negative quantity
  /// Complexity: O(1) in the window; O(log n + distance from the far levels' best) beyond it.
  void set_level(side s, double price, double quantity) {
    check(price, quantity, "set_level");
    put(s, price, quantity);
    finish(s);
  }

  /// Sets several levels of side `s`: the same result, and the same exception, as
  /// `set_level` for each in order (a later level at the same price wins; the levels before
  /// an invalid one are applied, then it throws). Any order.
  /// @throws invalid_argument for the first level with a non-finite or non-positive price or a
  ///   negative quantity
  /// Complexity: O(1) a level in the window; the levels beyond it in one
  /// `price_level_book::set_levels`.
  void set_levels(side s, std::span<const price_level> levels) {
    const std::size_t n_valid = detail::settable_prefix(levels);
    set_levels(s, levels.first(n_valid), detail::checked_levels);
    if (n_valid < levels.size()) check(levels[n_valid].price, levels[n_valid].quantity, "set_level");
  }
  /// `set_levels` for levels already checked (private to footprint: `detail::checked_levels_t`).
  void set_levels(side s, std::span<const price_level> levels, detail::checked_levels_t) {
    if (!place_all(s, levels)) {
      for (const price_level& l : levels) put(s, l.price, l.quantity);
    }
    finish(s);
  }

  /// Replaces side `s` with `best_first` levels (a snapshot).
  /// @throws invalid_argument when prices are not strictly ordered away from the best, or a
  ///   price or quantity is invalid (quantity must be > 0); the book is unchanged then
  void replace_side(side s, std::span<const price_level> best_first) {
    for (std::size_t i = 0; i < best_first.size(); ++i) {
      const price_level& l = best_first[i];
      check(l.price, l.quantity, "replace_side");
      if (!(l.quantity > 0.0))
        throw invalid_argument(detail::concat("footprint::tick_level_book::replace_side: quantity must be > 0 (got ",
                                              l.quantity, " at level ", i, ")"));
      if (i > 0 && !better(s, best_first[i - 1].price, l.price))
        throw invalid_argument(detail::concat(
            "footprint::tick_level_book::replace_side: levels must be strictly ordered best first (level ", i,
            " price ", l.price, ")"));
    }
    for (const price_level& l : best_first) grid(l.price);
    side_state& d = state(s);
    if (d.window.allocated()) d.window.clear();
    d.anchored = false;
    d.invalidate();
    far_.replace_side(s, {});
    loose_.assign(best_first.begin(), best_first.end());
    if (general_) {
      far_.set_levels(s, loose_);
      loose_.clear();
      return;
    }
    relocate(s);
  }

  /// Removes every level (the timestamp and the learned tick are kept).
  void clear() noexcept {
    for (side_state* d : {&bids_, &asks_}) {
      if (d->window.allocated()) d->window.clear();
      d->anchored = false;
      d->invalidate();
    }
    far_.clear();
  }
  /// Sets the time of the last update.
  void set_timestamp(std::chrono::nanoseconds t) noexcept { time_ = t; }

  // ---- OrderBookView members (level 0 = best)
  [[nodiscard]] index bid_levels() const noexcept { return levels(bids_, side::buy); }
  [[nodiscard]] index ask_levels() const noexcept { return levels(asks_, side::sell); }
  /// Level i of the bids (i < bid_levels()); fills the cache up to i (see the class).
  [[nodiscard]] double bid_price(index i) const noexcept { return level(bids_, side::buy, i).price; }
  [[nodiscard]] double bid_quantity(index i) const noexcept { return level(bids_, side::buy, i).quantity; }
  [[nodiscard]] double ask_price(index i) const noexcept { return level(asks_, side::sell, i).price; }
  [[nodiscard]] double ask_quantity(index i) const noexcept { return level(asks_, side::sell, i).quantity; }
  [[nodiscard]] std::chrono::nanoseconds timestamp() const noexcept { return time_; }

  /// Best bid price, or NaN when there are no bids.
  [[nodiscard]] double best_bid() const noexcept { return bid_levels() > 0 ? bid_price(0) : nan; }
  /// Best ask price, or NaN when there are no asks.
  [[nodiscard]] double best_ask() const noexcept { return ask_levels() > 0 ? ask_price(0) : nan; }
  /// True when both sides are non-empty and best bid >= best ask.
  [[nodiscard]] bool is_crossed() const noexcept {
    return bid_levels() > 0 && ask_levels() > 0 && bid_price(0) >= ask_price(0);
  }
  /// Total quantity over the best `n_levels` levels of side `s` (fewer if the side is shallower).
  [[nodiscard]] double cumulative_quantity(side s, index n_levels) const noexcept {
    const side_state& d = state(s);
    const index n = std::min(levels(d, s), std::max<index>(n_levels, 0));
    double q = 0.0;
    for (index i = 0; i < n; ++i) q += level(d, s, i).quantity;
    return q;
  }
  /// The quantity at `price` on side `s`, 0 when there is no such level.
  [[nodiscard]] double quantity_at(side s, double price) const noexcept {
    const side_state& d = state(s);
    std::int64_t u = 0;
    if (general_ || !d.anchored || !on_grid(s, price, u)) return far_.quantity_at(s, price);
    if (u < d.lo) return far_.quantity_at(s, price);
    return u - d.lo < static_cast<std::int64_t>(width_) ? d.window.quantity(static_cast<std::size_t>(u - d.lo)) : 0.0;
  }
  /// The grid step learned so far (quote currency), NaN before the first price; 0 once an
  /// off-grid price has moved the book into its general form.
  [[nodiscard]] double tick() const noexcept {
    return general_ ? 0.0 : tick_ == 0 ? nan : static_cast<double>(tick_) * 1e-8;
  }

 private:
  static constexpr std::size_t npos = detail::tick_window::npos;

  struct side_state {
    detail::tick_window window;
    std::int64_t lo = 0;  // score of slot 0; levels scoring below it are in far_
    bool anchored = false;
    mutable std::vector<price_level> cache;  // the side's levels, best first (a prefix of them)
    mutable std::size_t cursor = npos;       // offset of cache.back()
    void invalidate() noexcept {
      cache.clear();
      cursor = npos;
    }
  };

  static void check(double price, double quantity, const char* fn) {
    if (!std::isfinite(price) || !(price > 0.0))
      throw invalid_argument(
          detail::concat("footprint::tick_level_book::", fn, ": price must be finite and > 0 (got ", price, ")"));
    if (!std::isfinite(quantity) || quantity < 0.0)
      throw invalid_argument(detail::concat("footprint::tick_level_book::", fn,
                                            ": quantity must be finite and >= 0 (got ", quantity, ")"));
  }
  static bool better(side s, double a, double b) noexcept { return s == side::buy ? a > b : a < b; }

  // The score of a price already on the grid (false: not, or no exact position). One
  // division by a constant, no integer division: the quotient estimated in doubles is exact
  // for a multiple of the tick (keys < 2^51), and the product checks it.
  bool on_grid(side s, double price, std::int64_t& u) const noexcept {
    std::int64_t key = 0;
    if (!detail::price_key(price, key)) return false;
    const auto t = static_cast<std::int64_t>(static_cast<double>(key) * inverse_tick_ + 0.5);
    u = s == side::buy ? t : -t;
    return t * tick_ == key;
  }

  // set_levels' fast path, when every level is on the grid and none moves the window: first
  // each level's slot (prefetched: an update's levels spread over the window, a miss each),
  // then the changes in order. False, with nothing changed, otherwise.
  bool place_all(side s, std::span<const price_level> levels) {
    side_state& d = state(s);
    if (general_ || !d.anchored) return false;
    slots_.resize(levels.size());
    for (std::size_t i = 0; i < levels.size(); ++i) {
      std::int64_t u = 0;
      if (!on_grid(s, levels[i].price, u)) return false;
      if (u >= d.lo + width()) {
        if (levels[i].quantity > 0.0) return false;
        slots_[i] = npos - 1;  // no level rests better than the window: nothing to remove
      } else if (u < d.lo) {
        slots_[i] = npos;
      } else {
        slots_[i] = static_cast<std::size_t>(u - d.lo);
        d.window.prefetch(slots_[i]);
      }
    }
    for (std::size_t i = 0; i < levels.size(); ++i) {
      const std::size_t o = slots_[i];
      if (o < npos - 1) {
        d.window.assign(o, levels[i].quantity);
      } else if (o == npos) {
        pending_side_ = s;
        pending_.push_back(levels[i]);
      }
    }
    d.invalidate();
    return true;
  }
  [[nodiscard]] double price_of(side s, std::int64_t u) const noexcept {
    return static_cast<double>((s == side::buy ? u : -u) * tick_) / 1e8;
  }
  side_state& state(side s) noexcept { return s == side::buy ? bids_ : asks_; }
  [[nodiscard]] const side_state& state(side s) const noexcept { return s == side::buy ? bids_ : asks_; }
  [[nodiscard]] std::int64_t width() const noexcept { return static_cast<std::int64_t>(width_); }

  // Takes `price` into the grid: a finer tick rebuilds the windows; no exact position moves the
  // book into far_ for good.
  void grid(double price) {
    if (general_) return;
    std::int64_t key = 0;
    if (!detail::price_key(price, key)) {
      to_general();
      return;
    }
    if (tick_ != 0 && key % tick_ == 0) return;
    flush();
    gather(side::buy);
    std::vector<price_level> asks_loose;
    asks_loose.swap(loose_);
    gather(side::sell);
    asks_loose.swap(loose_);
    tick_ = tick_ == 0 ? key : std::gcd(tick_, key);
    inverse_tick_ = 1.0 / static_cast<double>(tick_);
    relocate(side::buy);
    loose_.swap(asks_loose);
    relocate(side::sell);
  }

  // One valid level: into the window, or queued for far_ (flushed by finish()).
  void put(side s, double price, double q) {
    grid(price);
    if (general_) {
      pending_side_ = s;
      pending_.push_back(price_level{price, q});
      return;
    }
    side_state& d = state(s);
    std::int64_t u = 0;
    on_grid(s, price, u);  // on the grid: grid() above saw to it
    if (!d.anchored || u >= d.lo + width()) {
      // Nothing rests better than the window, and an unanchored side is empty.
      if (q == 0.0) return;
      flush();
      gather(s);
      loose_.push_back(price_level{price, q});
      relocate(s);
      return;
    }
    if (u < d.lo) {
      pending_side_ = s;
      pending_.push_back(price_level{price, q});
      return;
    }
    d.window.assign(static_cast<std::size_t>(u - d.lo), q);
    d.invalidate();
  }

  // Applies the queued far levels; re-anchors a side whose best has left the window's top
  // three quarters (or whose window is empty while far_ has levels).
  void finish(side s) {
    flush(s);
    if (general_) return;
    side_state& d = state(s);
    if (!d.anchored) return;
    const std::size_t best = d.window.count() > 0 ? d.window.at_or_below(width_ - 1) : npos;
    const bool far_levels = (s == side::buy ? far_.bid_levels() : far_.ask_levels()) > 0;
    if ((best == npos && far_levels) || (best != npos && best < width_ / 4)) {
      gather(s);
      relocate(s);
    }
  }
  void flush(side s) {
    if (pending_.empty()) return;
    far_.set_levels(s, pending_);
    pending_.clear();
    state(s).invalidate();
  }
  void flush() { flush(pending_side_); }

  // Moves side s's window levels into loose_ and empties the window.
  void gather(side s) {
    side_state& d = state(s);
    loose_.clear();
    if (!d.anchored) return;
    d.window.for_each([&](std::size_t o, double q) {
      loose_.push_back(price_level{price_of(s, d.lo + static_cast<std::int64_t>(o)), q});
    });
    d.window.clear();
    d.anchored = false;
    d.invalidate();
  }

  // Places loose_ (levels in neither the window nor far_) and re-anchors side s's window at
  // the side's best, pulling in the far levels it then covers.
  void relocate(side s) {
    side_state& d = state(s);
    d.invalidate();
    std::int64_t best = std::numeric_limits<std::int64_t>::min();
    std::int64_t u = 0;
    for (const price_level& l : loose_) {
      on_grid(s, l.price, u);
      best = std::max(best, u);
    }
    const auto far_n = [&] { return s == side::buy ? far_.bid_levels() : far_.ask_levels(); };
    const auto far_best = [&] { return s == side::buy ? far_.best_bid() : far_.best_ask(); };
    if (far_n() > 0) {
      on_grid(s, far_best(), u);
      best = std::max(best, u);
    }
    if (best == std::numeric_limits<std::int64_t>::min()) return;
    if (!d.window.allocated()) d.window.allocate(width_);
    d.lo = best - (width() - width() / 8);
    d.anchored = true;
    while (far_n() > 0) {
      const double p = far_best();
      on_grid(s, p, u);
      if (u < d.lo) break;
      loose_.push_back(price_level{p, far_.quantity_at(s, p)});
      far_.set_level(s, p, 0.0);
    }
    for (const price_level& l : loose_) {
      on_grid(s, l.price, u);
      if (u >= d.lo) {
        d.window.assign(static_cast<std::size_t>(u - d.lo), l.quantity);
      } else {
        pending_.push_back(l);
      }
    }
    loose_.clear();
    pending_side_ = s;
    flush(s);
  }

  // Every level into far_, for good.
  void to_general() {
    flush();
    general_ = true;
    for (side s : {side::buy, side::sell}) {
      gather(s);
      far_.set_levels(s, loose_);
      loose_.clear();
    }
  }

  [[nodiscard]] index levels(const side_state& d, side s) const noexcept {
    return static_cast<index>(d.window.count()) + (s == side::buy ? far_.bid_levels() : far_.ask_levels());
  }
  [[nodiscard]] const price_level& level(const side_state& d, side s, index i) const noexcept {
    const auto k = static_cast<std::size_t>(i);
    if (k < d.cache.size()) [[likely]]
      return d.cache[k];
    return fill(d, s, k);
  }
  // Extends side d's cache past level k, by half again at least: the window's next levels
  // from one scan of its bitmap, then their prices and quantities, then far_'s levels.
  [[gnu::noinline]] const price_level& fill(const side_state& d, side s, std::size_t k) const noexcept {
    const std::size_t n = d.window.count();
    const std::size_t total = n + static_cast<std::size_t>(s == side::buy ? far_.bid_levels() : far_.ask_levels());
    const std::size_t target = std::min(total, std::max(k + 1, d.cache.size() + d.cache.size() / 2));
    const std::size_t base = d.cache.size();
    if (base < n) {
      fill_slots_.resize(std::min(target, n) - base);
      const std::size_t got =
          d.window.collect_down(d.cursor == npos ? width_ - 1 : d.cursor - 1, fill_slots_.size(), fill_slots_.data());
      d.cache.resize(base + got);
      for (std::size_t i = 0; i < got; ++i) {
        const std::size_t o = fill_slots_[i];
        d.cache[base + i] = price_level{price_of(s, d.lo + static_cast<std::int64_t>(o)), d.window.quantity(o)};
      }
      if (got > 0) d.cursor = fill_slots_[got - 1];
    }
    while (d.cache.size() < target) {  // far_'s levels
      const auto j = static_cast<index>(d.cache.size() - n);
      d.cache.push_back(s == side::buy ? price_level{far_.bid_price(j), far_.bid_quantity(j)}
                                       : price_level{far_.ask_price(j), far_.ask_quantity(j)});
    }
    return d.cache[k];
  }

  std::size_t width_;
  side_state bids_;
  side_state asks_;
  price_level_book far_;   // levels worse than their side's window; every level once general_
  std::int64_t tick_ = 0;  // grid step, in units of 1e-8; 0 before the first price
  double inverse_tick_ = 0.0;
  bool general_ = false;
  side pending_side_ = side::buy;
  std::vector<price_level> pending_;             // levels for far_, queued by put()
  std::vector<price_level> loose_;               // levels being moved by gather() and relocate()
  std::vector<std::size_t> slots_;               // place_all's slot of each level
  mutable std::vector<std::size_t> fill_slots_;  // fill's window slots, in cache order
  std::chrono::nanoseconds time_{0};
};

}  // namespace footprint
