/// @file simulation/detail/tick_ladder.hpp
/// @brief Private to simulation/: the tick ladder an order-flow tape is replayed on, shared by
/// `order_flow_statistics` and the tape converters (lobster_order_flow.hpp,
/// bitstamp_order_flow.hpp, binance_order_flow.hpp), so that a converted tape replays there
/// exactly as it was built.
#pragma once

#include "footprint/simulation/order_flow_event.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace footprint {

namespace detail::simulation {

/// Private: one side of a tick ladder (price_tick -> quantity), the best level at the back of
/// a sorted vector (bids ascending, asks descending), so that the events near the best move
/// few elements and nothing allocates once the vector has reached its largest size.
/// Quantities at or below `zero_quantity` are no level (removed).
class ladder_side {
 public:
  struct level {
    std::int64_t tick;
    double quantity;
  };
  static constexpr double zero_quantity = 1e-9;

  explicit ladder_side(bool is_bid) noexcept : bid_(is_bid) {}

  [[nodiscard]] bool empty() const noexcept { return levels_.empty(); }
  /// The best tick (the side must not be empty).
  [[nodiscard]] std::int64_t best() const noexcept { return levels_.back().tick; }
  /// Levels worst first, best last.
  [[nodiscard]] std::span<const level> levels() const noexcept { return levels_; }
  /// True when tick a is strictly better than tick b on this side.
  [[nodiscard]] bool better(std::int64_t a, std::int64_t b) const noexcept { return bid_ ? a > b : a < b; }

  [[nodiscard]] double quantity(std::int64_t tick) const noexcept {
    const auto it = find(tick);
    return it != levels_.end() && it->tick == tick ? it->quantity : 0.0;
  }
  /// Sets the level to q (>= 0); returns the previous quantity.
  double set(std::int64_t tick, double q) {
    auto it = find(tick);
    const bool present = it != levels_.end() && it->tick == tick;
    const double before = present ? it->quantity : 0.0;
    if (q <= zero_quantity) {
      if (present) levels_.erase(it);
    } else if (present) {
      it->quantity = q;
    } else {
      levels_.insert(it, level{tick, q});
    }
    return before;
  }
  /// Adds q (> 0) to the level.
  void add(std::int64_t tick, double q) { set(tick, quantity(tick) + q); }
  /// Removes up to q (> 0) from the level; returns the quantity removed; `clamped` is set when
  /// the level held less than q (beyond `zero_quantity`).
  double remove(std::int64_t tick, double q, bool& clamped) {
    const double before = quantity(tick);
    clamped = q > before + zero_quantity;
    const double removed = std::min(q, before);
    set(tick, before - removed);
    return removed;
  }
  void clear() noexcept { levels_.clear(); }

 private:
  // First level not worse than `tick` (levels are stored worst first).
  [[nodiscard]] std::vector<level>::iterator find(std::int64_t tick) noexcept {
    return std::lower_bound(levels_.begin(), levels_.end(), tick,
                            [this](const level& l, std::int64_t t) { return better(t, l.tick); });
  }
  [[nodiscard]] std::vector<level>::const_iterator find(std::int64_t tick) const noexcept {
    return std::lower_bound(levels_.begin(), levels_.end(), tick,
                            [this](const level& l, std::int64_t t) { return better(t, l.tick); });
  }

  bool bid_;
  std::vector<level> levels_;
};

/// Private: a two-sided tick ladder replaying an order-flow tape (limit adds, cancel and
/// market subtract clamped at 0, set_quantity sets).
class tick_ladder {
 public:
  [[nodiscard]] ladder_side& operator[](side s) noexcept { return s == side::buy ? bids_ : asks_; }
  [[nodiscard]] const ladder_side& operator[](side s) const noexcept { return s == side::buy ? bids_ : asks_; }
  [[nodiscard]] bool two_sided() const noexcept { return !bids_.empty() && !asks_.empty(); }
  [[nodiscard]] bool crossed() const noexcept { return two_sided() && bids_.best() >= asks_.best(); }

  /// Applies one event; returns the quantity it moved (limit: added, cancel/market: removed,
  /// set_quantity: the new quantity); `clamped` when a cancel or market exceeded the queue.
  double apply(const order_flow_event& e, bool& clamped) {
    clamped = false;
    ladder_side& s = (*this)[e.side];
    switch (e.kind) {
      case order_flow_kind::limit: s.add(e.price_tick, e.quantity); return e.quantity;
      case order_flow_kind::cancel:
      case order_flow_kind::market: return s.remove(e.price_tick, e.quantity, clamped);
      case order_flow_kind::set_quantity: s.set(e.price_tick, e.quantity); return e.quantity;
    }
    return 0.0;
  }

 private:
  ladder_side bids_{true};
  ladder_side asks_{false};
};

/// Private: the tick of a price on a grid: bids floored, asks ceiled (a level between two
/// grid points joins the grid point on its own side, never one that crosses), with a
/// tolerance of 1e-9 tick for decimal rounding.
[[nodiscard]] inline std::int64_t to_tick(double price, double tick_size, side s) noexcept {
  const double x = price / tick_size;
  return static_cast<std::int64_t>(s == side::buy ? std::floor(x + 1e-9) : std::ceil(x - 1e-9));
}

}  // namespace detail::simulation

}  // namespace footprint
