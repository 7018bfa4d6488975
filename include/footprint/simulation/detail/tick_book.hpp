/// @file simulation/detail/tick_book.hpp
/// @brief The simulators' order book: integer queues on a tick grid, with the user's own
/// orders in FIFO position inside them. Private to simulation/.
///
/// Each side is a ring of 2^12 ticks holding the lots resting at each price (everyone's,
/// the user's included) and, beside it, the user's own lots. The window of a side follows its
/// best quote: a level more than 4,096 ticks behind its side's best is dropped (with any own
/// order there, reported as dropped). An own order knows the other participants' lots ahead
/// of it; a market order consumes a queue from its front, a cancellation by another
/// participant removes lots at a uniformly drawn position among the other participants' lots
/// (so it is ahead of an own order with probability ahead / others), and a new limit order
/// joins the back.
#pragma once

#include "footprint/simulation/order_flow_event.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace footprint::detail::simulation {

/// 0 for the bid side (`side::buy`), 1 for the ask side (`side::sell`).
[[nodiscard]] constexpr int side_index(footprint::side s) noexcept { return s == footprint::side::buy ? 0 : 1; }

/// One of the user's resting orders.
struct own_order {
  std::uint64_t id = 0;
  int side = 0;                ///< 0 bid, 1 ask
  std::int64_t tick = 0;       ///< price in ticks
  std::int64_t remaining = 0;  ///< lots still resting
  std::int64_t ahead = 0;      ///< other participants' lots ahead of it in the queue
};

/// One fill of an own order, in lots and ticks.
struct own_fill {
  std::chrono::nanoseconds time{0};
  std::uint64_t id = 0;
  int side = 0;           ///< side of the own order: 0 buy, 1 sell
  std::int64_t tick = 0;  ///< execution price in ticks
  std::int64_t lots = 0;
  bool aggressive = false;  ///< true for an own market order (or the marketable part of a limit order)
};

class tick_book {
 public:
  static constexpr std::int64_t ring = std::int64_t{1} << 12;
  static constexpr std::int64_t mask = ring - 1;
  static_assert(ring == std::int64_t{1} << 12U, "at() places the ask ring at bit 12");

  tick_book() : slots_(2 * ring) {}

  /// Empties the book; the best quotes are set to `bid` and `ask` (ticks, bid < ask).
  void reset(std::int64_t bid, std::int64_t ask) {
    std::fill(slots_.begin(), slots_.end(), slot_lots{});
    total_ = {0, 0};
    best_[0] = bid;
    best_[1] = ask;
    orders_.clear();
  }

  [[nodiscard]] std::int64_t best(int s) const noexcept { return best_[s]; }
  [[nodiscard]] bool empty(int s) const noexcept { return total_[s] == 0; }
  /// Lots resting at `tick` on side s (everyone's).
  [[nodiscard]] std::int64_t quantity(int s, std::int64_t tick) const noexcept {
    return in_window(s, tick) ? at(s, tick).qty : 0;
  }
  /// The user's lots resting at `tick` on side s.
  [[nodiscard]] std::int64_t own_quantity(int s, std::int64_t tick) const noexcept {
    return in_window(s, tick) ? at(s, tick).own : 0;
  }
  /// Other participants' lots at `tick` (the queue less the user's).
  [[nodiscard]] std::int64_t others(int s, std::int64_t tick) const noexcept {
    if (!in_window(s, tick)) return 0;
    const slot_lots& l = at(s, tick);
    return l.qty - l.own;
  }
  /// True when some own order rests on the book.
  [[nodiscard]] bool has_own_orders() const noexcept { return !orders_.empty(); }
  [[nodiscard]] const std::vector<own_order>& own_orders() const noexcept { return orders_; }

  /// Others' limit order of `lots` at `tick` on side s (joins the back of the queue). The
  /// caller guarantees the order does not cross the opposite best.
  void add(int s, std::int64_t tick, std::int64_t lots) {
    if (lots <= 0 || !make_room(s, tick)) return;
    at(s, tick).qty += lots;
    total_[s] += lots;
    if (better_tick(s, tick, best_[s]) || total_[s] == lots) best_[s] = tick;
  }

  /// Sets the other participants' lots at `tick` to `lots` (a redrawn queue); own orders
  /// there keep their lots, and their `ahead` is capped at the new count.
  void set_others(int s, std::int64_t tick, std::int64_t lots) {
    if (!make_room(s, tick)) return;
    slot_lots& l = at(s, tick);
    const std::int64_t before = l.qty - l.own;
    l.qty += lots - before;
    total_[s] += lots - before;
    if (l.own > 0)
      for (own_order& o : orders_)
        if (o.side == s && o.tick == tick) o.ahead = std::min(o.ahead, lots);
    if (l.qty > 0 && (better(s, tick, best_[s]) || total_[s] == l.qty)) best_[s] = tick;
    if (l.qty == 0 && tick == best_[s]) find_best(s);
  }

  /// Removes the other participants' lots at `tick` on side s (the user's stay, first in
  /// their queue); returns the lots removed.
  std::int64_t clear_others(int s, std::int64_t tick) {
    if (!in_window(s, tick)) return 0;
    slot_lots& l = at(s, tick);
    const std::int64_t others = l.qty - l.own;
    if (others == 0) return 0;
    if (l.own > 0)
      for (own_order& o : orders_)
        if (o.side == s && o.tick == tick) o.ahead = 0;
    l.qty -= others;
    total_[s] -= others;
    if (l.qty == 0 && tick == best_[s]) find_best(s);
    return others;
  }

  /// Others cancel `lots` (capped at the others' lots) at `tick` on side s, starting at the
  /// position `draw_u()` (a uniform on [0, 1), drawn only when own lots rest there) of the
  /// others' queue. Returns the lots cancelled.
  template <class DrawU>
  std::int64_t cancel(int s, std::int64_t tick, std::int64_t lots, DrawU&& draw_u) {
    if (!in_window(s, tick)) return 0;
    slot_lots& l = at(s, tick);
    const std::int64_t others = l.qty - l.own;
    lots = std::min(lots, others);
    if (lots <= 0) return 0;
    if (l.own > 0) {
      // the cancelled block starts at position j of the others' queue
      const auto j = static_cast<std::int64_t>(draw_u() * static_cast<double>(others - lots + 1));
      for (own_order& o : orders_)
        if (o.side == s && o.tick == tick) o.ahead -= std::clamp<std::int64_t>(o.ahead - j, 0, lots);
    }
    l.qty -= lots;
    total_[s] -= lots;
    if (l.qty == 0 && tick == best_[s]) find_best(s);
    return lots;
  }

  /// A market order of `lots` executes against side s from its best quote, walking the book,
  /// filling own orders in FIFO position. `limit_tick` bounds the prices it may take
  /// (inclusive). Calls `on_level(tick, lots)` per level consumed. Returns the lots executed.
  template <class OnLevel>
  std::int64_t execute(int s, std::int64_t lots, std::int64_t limit_tick, std::chrono::nanoseconds time,
                       std::uint64_t aggressor_id, OnLevel&& on_level) {
    std::int64_t done = 0;
    while (lots > 0 && total_[s] > 0) {
      const std::int64_t tick = best_[s];
      if (better(s, limit_tick, tick)) break;  // beyond the limit price
      slot_lots& l = at(s, tick);
      const std::int64_t took = l.own == 0 ? std::min(lots, l.qty) : execute_with_own(s, tick, lots, time);
      if (aggressor_id != 0 && took > 0) fills_.push_back(own_fill{time, aggressor_id, 1 - s, tick, took, true});
      l.qty -= took;
      total_[s] -= took;
      lots -= took;
      done += took;
      on_level(tick, took);
      if (l.qty == 0) find_best(s);
    }
    return done;
  }

  /// Rests an own limit order of `lots` at `tick` on side s (behind every lot there now).
  /// Returns false (nothing rests) for a tick a whole ring behind the side's best.
  bool rest_own(std::uint64_t id, int s, std::int64_t tick, std::int64_t lots) {
    if (!make_room(s, tick)) return false;
    slot_lots& l = at(s, tick);
    const std::int64_t ahead = l.qty - l.own;
    // own orders already at this level stay ahead of the new one (their lots are counted in
    // the queue, not in `ahead`, which counts others only)
    orders_.push_back(own_order{id, s, tick, lots, ahead});
    l.qty += lots;
    l.own += lots;
    total_[s] += lots;
    if (better(s, tick, best_[s]) || total_[s] == lots) best_[s] = tick;
    return true;
  }

  /// Cancels own order `id`; returns the lots cancelled (0 when it is not resting).
  std::int64_t cancel_own(std::uint64_t id) {
    for (std::size_t n = 0; n < orders_.size(); ++n) {
      if (orders_[n].id != id) continue;
      const own_order o = orders_[n];
      orders_.erase(orders_.begin() + static_cast<std::ptrdiff_t>(n));
      slot_lots& l = at(o.side, o.tick);
      l.qty -= o.remaining;
      l.own -= o.remaining;
      total_[o.side] -= o.remaining;
      if (l.qty == 0 && o.tick == best_[o.side]) find_best(o.side);
      return o.remaining;
    }
    return 0;
  }

  /// Fills recorded since the last `take_fills`.
  [[nodiscard]] std::vector<own_fill>& fills() noexcept { return fills_; }

 private:
  /// Everyone's lots and the user's lots at one tick of one side (side by side: one cache
  /// line holds both).
  struct slot_lots {
    std::int64_t qty = 0;
    std::int64_t own = 0;
  };

  /// The slot of `tick` on side s: side s's ring starts at s * ring.
  [[nodiscard]] slot_lots& at(int s, std::int64_t tick) noexcept {
    return slots_[static_cast<std::size_t>((tick & mask) | (static_cast<std::int64_t>(s) << 12U))];
  }
  [[nodiscard]] const slot_lots& at(int s, std::int64_t tick) const noexcept {
    return slots_[static_cast<std::size_t>((tick & mask) | (static_cast<std::int64_t>(s) << 12U))];
  }
  /// True when tick a is a better price than b on side s (higher bid, lower ask).
  [[nodiscard]] static bool better(int s, std::int64_t a, std::int64_t b) noexcept { return s == 0 ? a > b : a < b; }
  /// `better` without a branch, for ticks of the book (a - b does not overflow).
  [[nodiscard]] static bool better_tick(int s, std::int64_t a, std::int64_t b) noexcept {
    const std::int64_t neg = -static_cast<std::int64_t>(s);
    return (((b - a) ^ neg) - neg) < 0;  // b - a < 0 for bids, a - b < 0 for asks
  }
  /// True when `tick` is inside side s's window (within `ring` ticks behind its best).
  [[nodiscard]] bool in_window(int s, std::int64_t tick) const noexcept {
    // depth behind the best: best - tick on the bid side, tick - best on the ask side
    // (negated without a branch: x ^ -1 - -1 = -x)
    const std::int64_t neg = -static_cast<std::int64_t>(s);
    const std::int64_t depth = ((best_[s] - tick) ^ neg) - neg;
    return static_cast<std::uint64_t>(depth) < static_cast<std::uint64_t>(ring);
  }

  /// Before a level at `tick` is written: when it is better than the side's best, the slots
  /// between the best and it may hold levels one ring behind: drop them. Returns false for a
  /// tick a whole ring behind the best (not representable: the caller ignores the order).
  [[nodiscard]] bool make_room(int s, std::int64_t tick) {
    if (total_[s] == 0) {
      best_[s] = tick;
      return true;
    }
    if (!better_tick(s, tick, best_[s])) return in_window(s, tick);
    const std::int64_t from = best_[s];
    const std::int64_t step = s == 0 ? 1 : -1;
    const std::int64_t count = std::min(s == 0 ? tick - from : from - tick, ring);
    for (std::int64_t n = 1; n <= count; ++n) drop_slot(s, from + step * n);
    return true;
  }

  void drop_slot(int s, std::int64_t tick) {
    slot_lots& l = at(s, tick);
    if (l.qty == 0) return;
    if (l.own > 0) {
      const std::int64_t old_tick = tick - (s == 0 ? ring : -ring);
      std::erase_if(orders_, [&](const own_order& o) { return o.side == s && o.tick == old_tick; });
      l.own = 0;
    }
    total_[s] -= l.qty;
    l.qty = 0;
  }

  /// After the best level of side s emptied: the next non-empty level behind it, or the
  /// same tick when the side is empty (an empty side keeps its last best quote).
  void find_best(int s) {
    if (total_[s] == 0) return;
    const std::int64_t step = s == 0 ? -1 : 1;
    std::int64_t t = best_[s];
    for (std::int64_t n = 0; n < ring; ++n) {
      t += step;
      if (at(s, t).qty > 0) {
        best_[s] = t;
        return;
      }
    }
  }

  /// Executes up to `lots` at a level holding own orders, FIFO; returns the lots taken.
  std::int64_t execute_with_own(int s, std::int64_t tick, std::int64_t lots, std::chrono::nanoseconds time) {
    slot_lots& l = at(s, tick);
    std::int64_t others_taken = 0;
    std::int64_t own_taken = 0;
    std::int64_t left = lots;
    // own orders at this level in time priority (they were appended in submission order)
    for (own_order& o : orders_) {
      if (left == 0) break;
      if (o.side != s || o.tick != tick) continue;
      const std::int64_t gap = o.ahead - others_taken;
      const std::int64_t t1 = std::min(left, gap);
      others_taken += t1;
      left -= t1;
      if (left == 0) break;
      const std::int64_t f = std::min(left, o.remaining);
      o.remaining -= f;
      own_taken += f;
      left -= f;
      fills_.push_back(own_fill{time, o.id, s, tick, f, false});
    }
    // the others behind the last own order
    const std::int64_t others_total = l.qty - l.own;
    const std::int64_t t2 = std::min(left, others_total - others_taken);
    others_taken += t2;
    left -= t2;
    for (own_order& o : orders_)
      if (o.side == s && o.tick == tick) o.ahead -= std::min(o.ahead, others_taken);
    std::erase_if(orders_, [](const own_order& o) { return o.remaining == 0; });
    l.own -= own_taken;
    return others_taken + own_taken;
  }

  std::vector<slot_lots> slots_;  // bid ring, then ask ring
  std::array<std::int64_t, 2> best_{0, 1};
  std::array<std::int64_t, 2> total_{0, 0};
  std::vector<own_order> orders_;
  std::vector<own_fill> fills_;
};

}  // namespace footprint::detail::simulation
