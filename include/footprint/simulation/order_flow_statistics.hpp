/// @file simulation/order_flow_statistics.hpp
/// @brief Sufficient statistics of an order-flow tape (`order_flow_statistics`) and the fits
/// of the simulator's two models from them: `fit_zero_intelligence` (Cont, Stoikov and
/// Talreja 2010) and `fit_queue_reactive` (Huang, Lehalle and Rosenbaum 2015).
///
/// A cheap header: standard library, Eigen/Core and base headers only (no Boost.Math, no
/// JSON). The tape converters of the three real data sets (lobster_order_flow.hpp,
/// bitstamp_order_flow.hpp, binance_order_flow.hpp) replay their events on the same tick
/// ladder as this accumulator (`detail::simulation::tick_ladder`), so a converted tape
/// replays here exactly as it was built.
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/impact/parameter_estimate.hpp"
#include "footprint/simulation/order_flow_event.hpp"
#include "footprint/simulation/queue_reactive_params.hpp"
#include "footprint/simulation/zero_intelligence_params.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
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

/// Number of events of each kind (of a tape, or of what a converter emitted).
struct order_flow_counts {
  std::size_t limit = 0;         ///< limit orders
  std::size_t cancel = 0;        ///< cancellations
  std::size_t market = 0;        ///< market-order executions (fills)
  std::size_t set_quantity = 0;  ///< snapshot corrections

  /// Counts one event.
  void add(order_flow_kind k) noexcept {
    switch (k) {
      case order_flow_kind::limit: ++limit; break;
      case order_flow_kind::cancel: ++cancel; break;
      case order_flow_kind::market: ++market; break;
      case order_flow_kind::set_quantity: ++set_quantity; break;
    }
  }
  /// All events.
  [[nodiscard]] std::size_t total() const noexcept { return limit + cancel + market + set_quantity; }
};

/// Settings of an `order_flow_statistics` accumulator.
struct order_flow_statistics_options {
  double tick_size = 0.01;  ///< price units per tick of the tape's `price_tick`, > 0
  /// Distances L of the zero-intelligence statistics (i = 1..L ticks from the opposite best);
  /// in [1, 100000].
  index levels = 10;
  /// Queues K per side of the queue-reactive tables (queue i at p_ref +/- (i - 1/2) ticks,
  /// see `queue_reactive_params`); in [1, 1000].
  index queue_levels = 3;
  /// Largest tabulated queue size Q, lots; larger queues count in column Q; in [1, 100000].
  index max_queue_lots = 50;
  /// Instrument units per lot (the queue-reactive model's average event size, the size unit
  /// of the zero-intelligence fit); 0 = the mean limit-order size of the first tape given to
  /// `observe(std::span)`. >= 0, finite.
  double lot_quantity = 0.0;
  /// Limit-order sizes of this many lots or more share the last bin of the size histogram;
  /// in [1, 100000].
  index max_size_lots = 50;
};

/// Events the statistics could not place, by reason (none is dropped silently).
struct order_flow_exceptions {
  std::size_t limit_inside = 0;   ///< limit orders at distance <= 0 from the opposite best (crossing or at it)
  std::size_t limit_beyond = 0;   ///< limit orders further than L ticks from the opposite best
  std::size_t cancel_inside = 0;  ///< cancels at distance <= 0 (a crossed ladder)
  std::size_t cancel_beyond = 0;  ///< cancels further than L ticks from the opposite best
  std::size_t without_quotes =
      0;                    ///< order events while a side was empty or the ladder crossed (not counted in any rate)
  std::size_t clamped = 0;  ///< cancels and market events larger than their queue (the queue went to 0)
  std::size_t queue_outside = 0;  ///< order events outside the K queues of a side (queue index < 1 or > K)
};

/// Accumulates the sufficient statistics of an order-flow tape for the simulator's two models.
///
/// The accumulator replays the tape on its own tick ladder (per side, price_tick -> quantity:
/// a limit adds, a cancel or market event subtracts, clamped at 0 with a count in
/// `exceptions().clamped`, and `set_quantity` sets a level without counting as an order
/// event). The state between two events is the ladder after the first; time integrals use
/// it over the interval. "Two-sided" means both sides non-empty and best bid < best ask;
/// order events in other states are counted in `exceptions().without_quotes` and in no rate.
///
/// Zero-intelligence statistics (Cont, Stoikov and Talreja 2010, section 4.1): T, the
/// seconds two-sided; by distance i = 1..L from the opposite best (a bid at best ask - i, an
/// ask at best bid + i, measured before the event, both sides pooled): the number of limit
/// orders N_l(i), the number of cancels N_c(i) and the quantity they removed, and the time
/// integral of the queue quantity at that distance (quantity x seconds); the market
/// quantity and the number of market orders (consecutive market events, with only
/// set_quantity events between them, at the same time on the same side are one order); the
/// limit-order size histogram in lots (rounded up, at least 1, the last bin holding
/// `max_size_lots` and more).
///
/// Queue-reactive statistics (Huang, Lehalle and Rosenbaum 2015, sections 2.3 and 3.1): the
/// reference price p_ref on the half-tick grid: the mid when the spread is an odd number of
/// ticks, else the mid +/- half a tick, the one nearer the previous p_ref (mid - 1/2 at the
/// first two-sided state); bid queue i at p_ref - (i - 1/2) ticks and ask queue i at
/// p_ref + (i - 1/2). For each queue i = 1..K and size q = 0..Q lots (the quantity divided by
/// the lot, rounded to the nearest integer, capped at Q; both sides pooled): the seconds
/// T_i(q) a queue spent at that size, and the unit events at that size: an order event of
/// quantity s is n = max(1, round(s / lot)) unit events, the k-th of them (k = 0..n-1) at
/// size q + k for a limit and q - k for a cancel or market event (q the size before the
/// event; capped at Q, and at least 1 for cancels and market events), as n one-lot events
/// would see the queue. Depletions: a cancel or market event that empties a first queue
/// (bid or ask queue 1, non-empty before); each is resolved by the next event after which
/// either p_ref differs from its value at the depletion (a move) or the emptied price level
/// holds quantity again (no move); `depletions()` counts the resolved ones.
///
/// Usage:
/// @code
/// footprint::order_flow_statistics stats({.tick_size = 0.01, .levels = 10});
/// stats.observe(tape);  // std::span<const order_flow_event>
/// const auto zi = footprint::fit_zero_intelligence(stats);
/// const auto qr = footprint::fit_queue_reactive(stats);
/// @endcode
/// Complexity: O(log n + L + K + levels within L ticks of the best) per event, n the
/// ladder's levels on the event's side; no allocation once the ladder has reached its
/// largest size. Copyable and movable.
class order_flow_statistics {
 public:
  /// @param options tick size, L, K, Q, lot and the size histogram's last bin
  /// @throws invalid_argument when an option is out of its documented range
  explicit order_flow_statistics(order_flow_statistics_options options = {})
      : options_(checked(options)),
        lot_(options.lot_quantity > 0.0 ? options.lot_quantity : nan),
        limit_count_(static_cast<std::size_t>(options.levels), 0),
        cancel_count_(static_cast<std::size_t>(options.levels), 0),
        cancelled_quantity_(static_cast<std::size_t>(options.levels), 0.0),
        queue_integral_(static_cast<std::size_t>(options.levels), 0.0),
        size_histogram_(static_cast<std::size_t>(options.max_size_lots), 0),
        depth_(static_cast<std::size_t>(options.levels), 0.0),
        queue_lots_(static_cast<std::size_t>(2 * options.queue_levels), 0),
        queue_seconds_(matrix::Zero(options.queue_levels, options.max_queue_lots + 1)),
        queue_limit_(matrix::Zero(options.queue_levels, options.max_queue_lots + 1)),
        queue_cancel_(matrix::Zero(options.queue_levels, options.max_queue_lots + 1)),
        queue_market_(matrix::Zero(options.queue_levels, options.max_queue_lots + 1)) {}

  /// Accumulates a tape (or the next part of one).
  /// @param tape events in time order (`time` non-decreasing, also across calls)
  /// @throws invalid_argument when `lot_quantity` is 0 and this first tape has no limit order
  ///   to estimate the lot from (the lot is then the mean limit-order quantity of this tape)
  /// @throws data_error (file "order flow tape", line = event index + 1 counted over every
  ///   event observed) when an event's time is before the previous one's, or its quantity is
  ///   not finite and > 0 (>= 0 for set_quantity); the events before it stay accumulated
  void observe(std::span<const order_flow_event> tape) {
    if (!(lot_ > 0.0)) {
      double sum = 0.0;
      std::size_t n = 0;
      for (const order_flow_event& e : tape)
        if (e.kind == order_flow_kind::limit && std::isfinite(e.quantity) && e.quantity > 0.0) {
          sum += e.quantity;
          ++n;
        }
      if (n == 0)
        throw invalid_argument(
            "footprint::order_flow_statistics::observe: lot_quantity is 0 (estimate it) but the tape has no limit "
            "order to estimate it from; set options.lot_quantity");
      lot_ = sum / static_cast<double>(n);
    }
    for (const order_flow_event& e : tape) step(e);
  }

  /// Accumulates one event.
  /// @param e the next event (time not before the previous event's)
  /// @throws invalid_argument when the lot is not known yet (`lot_quantity` 0 and no tape
  ///   observed through `observe(std::span)`)
  /// @throws data_error as `observe(std::span)`
  /// Complexity: see the class comment.
  void observe(const order_flow_event& e) {
    if (!(lot_ > 0.0))
      throw invalid_argument(
          "footprint::order_flow_statistics::observe: lot_quantity is 0 (estimate it from the tape): give the first "
          "events as a tape (observe(std::span)) or set options.lot_quantity");
    step(e);
  }

  /// The options given.
  [[nodiscard]] const order_flow_statistics_options& options() const noexcept { return options_; }
  /// Instrument units per lot: the option, or the estimate (NaN before it is known).
  [[nodiscard]] double lot_quantity() const noexcept { return lot_; }
  /// Events observed.
  [[nodiscard]] std::size_t events() const noexcept { return events_; }
  /// Events observed, by kind.
  [[nodiscard]] const order_flow_counts& counts() const noexcept { return counts_; }
  /// T: seconds during which the ladder was two-sided (both sides non-empty, not crossed).
  [[nodiscard]] double two_sided_seconds() const noexcept { return two_sided_seconds_; }
  /// Seconds during which a side was empty.
  [[nodiscard]] double one_sided_seconds() const noexcept { return one_sided_seconds_; }
  /// Seconds during which the ladder was crossed or locked (best bid >= best ask).
  [[nodiscard]] double crossed_seconds() const noexcept { return crossed_seconds_; }
  /// Mid price (price units) at the first two-sided state; NaN before.
  [[nodiscard]] double first_mid_price() const noexcept { return first_mid_; }
  /// Reference price p_ref (price units) at the first two-sided state; NaN before.
  [[nodiscard]] double first_reference_price() const noexcept { return first_pref_; }

  /// N_l(i): limit orders at distance i = 1..L (entry i-1), both sides.
  [[nodiscard]] std::span<const std::size_t> limit_counts() const noexcept { return limit_count_; }
  /// N_c(i): cancels at distance i = 1..L (entry i-1), both sides.
  [[nodiscard]] std::span<const std::size_t> cancel_counts() const noexcept { return cancel_count_; }
  /// Quantity cancelled at distance i = 1..L (entry i-1), instrument units, both sides (the
  /// quantity removed from the ladder: a cancel larger than its queue counts the queue).
  [[nodiscard]] std::span<const double> cancelled_quantity() const noexcept { return cancelled_quantity_; }
  /// Time integral of the queue quantity at distance i = 1..L (entry i-1), instrument units x
  /// seconds, both sides summed, over the two-sided time.
  [[nodiscard]] std::span<const double> queue_integral() const noexcept { return queue_integral_; }
  /// Market quantity (instrument units, as the events give it) while two-sided.
  [[nodiscard]] double market_quantity() const noexcept { return market_quantity_; }
  /// Market events (fills) while two-sided.
  [[nodiscard]] std::size_t market_events() const noexcept { return market_events_; }
  /// Market orders while two-sided (runs of fills at the same time on the same side).
  [[nodiscard]] std::size_t market_orders() const noexcept { return market_orders_; }
  /// Limit orders while two-sided, at every distance.
  [[nodiscard]] std::size_t limit_orders() const noexcept { return limit_orders_; }
  /// Their total quantity, instrument units.
  [[nodiscard]] double limit_quantity() const noexcept { return limit_quantity_; }
  /// Limit orders (two-sided) of k = 1..max_size_lots lots (entry k-1; sizes rounded up; the
  /// last entry holds max_size_lots and more).
  [[nodiscard]] std::span<const std::size_t> size_histogram() const noexcept { return size_histogram_; }
  /// Events the statistics could not place, by reason.
  [[nodiscard]] const order_flow_exceptions& exceptions() const noexcept { return exceptions_; }

  /// T_i(q): seconds a queue i = 1..K (row i-1) spent at q = 0..Q lots (column q), both
  /// sides summed; shape (K, Q + 1).
  [[nodiscard]] const matrix& queue_seconds() const noexcept { return queue_seconds_; }
  /// Unit limit events at queue i and size q; shape (K, Q + 1).
  [[nodiscard]] const matrix& queue_limit_events() const noexcept { return queue_limit_; }
  /// Unit cancel events at queue i and size q; shape (K, Q + 1) (column 0 unused).
  [[nodiscard]] const matrix& queue_cancel_events() const noexcept { return queue_cancel_; }
  /// Unit market events at queue i and size q; shape (K, Q + 1) (column 0 unused).
  [[nodiscard]] const matrix& queue_market_events() const noexcept { return queue_market_; }
  /// Resolved first-queue depletions (see the class comment).
  [[nodiscard]] std::size_t depletions() const noexcept { return depletions_; }
  /// Resolved depletions followed by a move of p_ref.
  [[nodiscard]] std::size_t depletion_moves() const noexcept { return depletion_moves_; }

 private:
  static order_flow_statistics_options checked(const order_flow_statistics_options& o) {
    auto bad = [](const char* what, double got) {
      throw invalid_argument(detail::concat("footprint::order_flow_statistics: options.", what, " (got ", got, ")"));
    };
    if (!(o.tick_size > 0.0) || !std::isfinite(o.tick_size)) bad("tick_size must be finite and > 0", o.tick_size);
    if (o.levels < 1 || o.levels > 100000) bad("levels must be in [1, 100000]", static_cast<double>(o.levels));
    if (o.queue_levels < 1 || o.queue_levels > 1000)
      bad("queue_levels must be in [1, 1000]", static_cast<double>(o.queue_levels));
    if (o.max_queue_lots < 1 || o.max_queue_lots > 100000)
      bad("max_queue_lots must be in [1, 100000]", static_cast<double>(o.max_queue_lots));
    if (!(o.lot_quantity >= 0.0) || !std::isfinite(o.lot_quantity))
      bad("lot_quantity must be finite and >= 0 (0: estimate it)", o.lot_quantity);
    if (o.max_size_lots < 1 || o.max_size_lots > 100000)
      bad("max_size_lots must be in [1, 100000]", static_cast<double>(o.max_size_lots));
    return o;
  }

  [[noreturn]] void bad_event(const std::string& field, const std::string& what) const {
    throw data_error("order flow tape", events_ + 1, 0, field, detail::concat("event ", events_, " (0-based): ", what));
  }

  [[nodiscard]] bool two_sided() const noexcept { return ladder_.two_sided() && !ladder_.crossed(); }

  // Queue size in lots, rounded, capped at Q.
  [[nodiscard]] index lots(double quantity) const noexcept {
    const double q = std::round(quantity / lot_);
    const auto cap = static_cast<double>(options_.max_queue_lots);
    return static_cast<index>(q < cap ? q : cap);
  }

  // Recomputes the quantity at each distance and the size of each queue from the ladder.
  void refresh() {
    std::fill(depth_.begin(), depth_.end(), 0.0);
    std::fill(queue_lots_.begin(), queue_lots_.end(), index{0});
    const std::int64_t bid = ladder_[side::buy].best();
    const std::int64_t ask = ladder_[side::sell].best();
    const auto nl = static_cast<std::int64_t>(options_.levels);
    const auto nk = static_cast<std::int64_t>(options_.queue_levels);
    const std::int64_t ceil_ref = (pref2_ + 1) / 2;   // bid queue i at ceil_ref - i
    const std::int64_t floor_ref = (pref2_ - 1) / 2;  // ask queue i at floor_ref + i
    for (const side s : {side::buy, side::sell}) {
      const auto levels = ladder_[s].levels();
      for (auto it = levels.rbegin(); it != levels.rend(); ++it) {
        const std::int64_t d = s == side::buy ? ask - it->tick : it->tick - bid;
        const std::int64_t i = s == side::buy ? ceil_ref - it->tick : it->tick - floor_ref;
        if (d > nl && i > nk) break;
        if (d >= 1 && d <= nl) depth_[static_cast<std::size_t>(d - 1)] += it->quantity;
        if (i >= 1 && i <= nk)
          queue_lots_[static_cast<std::size_t>((s == side::buy ? 0 : nk) + i - 1)] = lots(it->quantity);
      }
    }
    dirty_ = false;
  }

  void accumulate(double dt) {
    if (!ladder_.two_sided()) {
      one_sided_seconds_ += dt;
      return;
    }
    if (ladder_.crossed()) {
      crossed_seconds_ += dt;
      return;
    }
    if (dirty_) refresh();
    two_sided_seconds_ += dt;
    for (std::size_t i = 0; i < depth_.size(); ++i) queue_integral_[i] += dt * depth_[i];
    const index k = options_.queue_levels;
    for (index j = 0; j < 2 * k; ++j) queue_seconds_(j % k, queue_lots_[static_cast<std::size_t>(j)]) += dt;
  }

  // Counts n unit events of an order of `quantity` at queue row `row` starting from size q0.
  void count_units(matrix& table, index row, index q0, double quantity, bool up) {
    const double units = std::max(1.0, std::round(quantity / lot_));
    const index cap = options_.max_queue_lots;
    const index floor_col = up ? 0 : 1;
    // Units at distinct columns (at most Q + 1 of them), the rest at the cap or the floor.
    const auto n_distinct = static_cast<index>(std::min(units, static_cast<double>(cap + 1)));
    double counted = 0.0;
    for (index k = 0; k < n_distinct; ++k) {
      const index col = up ? std::min(q0 + k, cap) : std::max(std::min(q0, cap) - k, floor_col);
      table(row, col) += 1.0;
      counted += 1.0;
    }
    if (units > counted) {
      table(row, up ? cap : floor_col) += units - counted;
    }
  }

  void update_reference() {
    const std::int64_t sum = ladder_[side::buy].best() + ladder_[side::sell].best();
    if ((sum & 1) != 0) {
      pref2_ = sum;
    } else if (!has_pref_) {
      pref2_ = sum - 1;
    } else {
      const std::int64_t lo = sum - 1;
      const std::int64_t hi = sum + 1;
      pref2_ = (lo > pref2_ ? lo - pref2_ : pref2_ - lo) < (hi > pref2_ ? hi - pref2_ : pref2_ - hi) ? lo : hi;
    }
    if (!has_pref_) {
      has_pref_ = true;
      first_mid_ = static_cast<double>(sum) / 2.0 * options_.tick_size;
      first_pref_ = static_cast<double>(pref2_) / 2.0 * options_.tick_size;
    }
  }

  void step(const order_flow_event& e) {
    const std::int64_t t = e.time.count();
    if (events_ > 0 && t < last_time_)
      bad_event("time", detail::concat("time ", t, " ns is before the previous event's time ", last_time_, " ns"));
    const bool size_ok = e.kind == order_flow_kind::set_quantity ? e.quantity >= 0.0 : e.quantity > 0.0;
    if (!std::isfinite(e.quantity) || !size_ok)
      bad_event("quantity",
                detail::concat("the quantity of a ", to_string(e.kind), " event must be finite and ",
                               e.kind == order_flow_kind::set_quantity ? ">= 0" : "> 0", " (got ", e.quantity, ")"));
    if (e.kind != order_flow_kind::limit && e.kind != order_flow_kind::cancel && e.kind != order_flow_kind::market &&
        e.kind != order_flow_kind::set_quantity)
      bad_event("kind", detail::concat("unknown kind (got ", static_cast<int>(e.kind), ")"));
    if (e.side != side::buy && e.side != side::sell)
      bad_event("side", detail::concat("unknown side (got ", static_cast<int>(e.side), ")"));
    if (events_ > 0 && t > last_time_) accumulate(static_cast<double>(t - last_time_) * 1e-9);
    last_time_ = t;
    ++events_;
    counts_.add(e.kind);

    const bool quoted = two_sided();
    detail::simulation::ladder_side& own = ladder_[e.side];
    const double before = own.quantity(e.price_tick);
    bool first_queue = false;
    if (e.kind != order_flow_kind::set_quantity) {
      if (e.kind != order_flow_kind::market) market_run_ = false;
      if (!quoted) {
        ++exceptions_.without_quotes;
      } else {
        count_order(e, before, first_queue);
      }
    }
    bool clamped = false;
    const double moved = ladder_.apply(e, clamped);
    if (clamped) ++exceptions_.clamped;
    if (quoted && e.kind == order_flow_kind::cancel) {
      const std::int64_t d = distance(e);
      if (d >= 1 && d <= static_cast<std::int64_t>(options_.levels))
        cancelled_quantity_[static_cast<std::size_t>(d - 1)] += moved;
    }
    dirty_ = true;
    if (first_queue && before > 0.0 && own.quantity(e.price_tick) <= 0.0) {
      pending_[e.side == side::buy ? 0 : 1] = pending_depletion{true, pref2_, e.price_tick};
    }
    if (two_sided()) {
      update_reference();
      resolve_depletions();
    }
  }

  // Distance from the opposite best (the ladder must be two-sided).
  [[nodiscard]] std::int64_t distance(const order_flow_event& e) const noexcept {
    return e.side == side::buy ? ladder_[side::sell].best() - e.price_tick : e.price_tick - ladder_[side::buy].best();
  }

  void count_order(const order_flow_event& e, double before, bool& first_queue) {
    const std::int64_t d = distance(e);
    const auto nl = static_cast<std::int64_t>(options_.levels);
    const std::size_t di = d >= 1 && d <= nl ? static_cast<std::size_t>(d - 1) : 0;
    const bool in_range = d >= 1 && d <= nl;
    switch (e.kind) {
      case order_flow_kind::limit: {
        if (in_range) {
          ++limit_count_[di];
        } else if (d < 1) {
          ++exceptions_.limit_inside;
        } else {
          ++exceptions_.limit_beyond;
        }
        ++limit_orders_;
        limit_quantity_ += e.quantity;
        const double k = std::max(1.0, std::ceil(e.quantity / lot_ - 1e-9));
        const auto bins = static_cast<double>(size_histogram_.size());
        ++size_histogram_[static_cast<std::size_t>(k < bins ? k : bins) - 1];
        break;
      }
      case order_flow_kind::cancel:
        if (in_range) {
          ++cancel_count_[di];
        } else if (d < 1) {
          ++exceptions_.cancel_inside;
        } else {
          ++exceptions_.cancel_beyond;
        }
        break;
      case order_flow_kind::market: {
        market_quantity_ += e.quantity;
        ++market_events_;
        if (!(market_run_ && e.time.count() == market_time_ && e.side == market_side_)) ++market_orders_;
        market_run_ = true;
        market_time_ = e.time.count();
        market_side_ = e.side;
        break;
      }
      case order_flow_kind::set_quantity: break;
    }
    // Queue-reactive tables.
    const std::int64_t i = e.side == side::buy ? (pref2_ + 1) / 2 - e.price_tick : e.price_tick - (pref2_ - 1) / 2;
    if (i < 1 || i > static_cast<std::int64_t>(options_.queue_levels)) {
      ++exceptions_.queue_outside;
      return;
    }
    first_queue = i == 1;
    const auto row = static_cast<index>(i - 1);
    const index q0 = lots(before);
    switch (e.kind) {
      case order_flow_kind::limit: count_units(queue_limit_, row, q0, e.quantity, true); break;
      case order_flow_kind::cancel: count_units(queue_cancel_, row, q0, e.quantity, false); break;
      case order_flow_kind::market: count_units(queue_market_, row, q0, e.quantity, false); break;
      case order_flow_kind::set_quantity: break;
    }
  }

  void resolve_depletions() {
    for (int s = 0; s < 2; ++s) {
      pending_depletion& p = pending_[s];
      if (!p.active) continue;
      if (pref2_ != p.pref2) {
        ++depletions_;
        ++depletion_moves_;
        p.active = false;
      } else if (ladder_[s == 0 ? side::buy : side::sell].quantity(p.tick) > 0.0) {
        ++depletions_;
        p.active = false;
      }
    }
  }

  struct pending_depletion {
    bool active = false;
    std::int64_t pref2 = 0;
    std::int64_t tick = 0;
  };

  order_flow_statistics_options options_;
  double lot_;
  detail::simulation::tick_ladder ladder_;
  std::size_t events_ = 0;
  std::int64_t last_time_ = 0;
  order_flow_counts counts_;
  double two_sided_seconds_ = 0.0;
  double one_sided_seconds_ = 0.0;
  double crossed_seconds_ = 0.0;
  double first_mid_ = nan;
  double first_pref_ = nan;
  std::vector<std::size_t> limit_count_;
  std::vector<std::size_t> cancel_count_;
  std::vector<double> cancelled_quantity_;
  std::vector<double> queue_integral_;
  double market_quantity_ = 0.0;
  std::size_t market_events_ = 0;
  std::size_t market_orders_ = 0;
  bool market_run_ = false;
  std::int64_t market_time_ = 0;
  side market_side_ = side::buy;
  std::size_t limit_orders_ = 0;
  double limit_quantity_ = 0.0;
  std::vector<std::size_t> size_histogram_;
  order_flow_exceptions exceptions_;
  // State between events: quantity at each distance, queue sizes (bids 0..K-1, asks K..2K-1).
  std::vector<double> depth_;
  std::vector<index> queue_lots_;
  bool dirty_ = true;
  std::int64_t pref2_ = 0;  // 2 p_ref in ticks (odd)
  bool has_pref_ = false;
  matrix queue_seconds_;
  matrix queue_limit_;
  matrix queue_cancel_;
  matrix queue_market_;
  std::array<pending_depletion, 2> pending_{};
  std::size_t depletions_ = 0;
  std::size_t depletion_moves_ = 0;
};

/// The zero-intelligence model fitted to a tape's statistics (`fit_zero_intelligence`).
struct zero_intelligence_fit {
  /// The fitted parameters (tick size and lot of the statistics, initial price = first
  /// two-sided mid, seed 0), ready for `zero_intelligence_model`.
  zero_intelligence_params params;
  std::vector<parameter_estimate> lambda;  ///< lambda(i), i = 1..L (entry i-1), limit orders per second per side
  std::vector<parameter_estimate> theta;   ///< theta(i), cancels per second per resting lot at distance i
  parameter_estimate mu;                   ///< market rate per side, orders of the mean size per second
  parameter_estimate market_order_rate;    ///< market orders (runs of fills) per second per side, as counted
  parameter_estimate power_law_k;          ///< k of lambda(i) ~ k / i^alpha, per second
  parameter_estimate power_law_alpha;      ///< alpha of the power law, dimensionless
  double two_sided_seconds = 0.0;          ///< T, seconds
  double lot_quantity = 0.0;               ///< instrument units per lot
  double mean_size_lots = 1.0;             ///< mean of `params.size_probabilities`, lots
};

/// The queue-reactive model fitted to a tape's statistics (`fit_queue_reactive`).
struct queue_reactive_fit {
  /// The fitted parameters (tick size and lot of the statistics, initial price = first
  /// two-sided p_ref, theta_reinit 0, seed 0), ready for `queue_reactive_model`.
  queue_reactive_params params;
  matrix limit_rate_std_error;   ///< shape (K, Q + 1), 1/s; NaN where T_i(q) = 0
  matrix cancel_rate_std_error;  ///< shape (K, Q + 1), 1/s; NaN where T_i(q) = 0
  matrix market_rate_std_error;  ///< shape (K, Q + 1), 1/s; NaN where T_i(q) = 0
  matrix seconds;                ///< T_i(q), shape (K, Q + 1), seconds: where the tables are thin
  parameter_estimate theta;      ///< P(p_ref moves | a first queue empties); NaN without depletions
  std::size_t depletions = 0;    ///< resolved first-queue depletions
  std::size_t moves = 0;         ///< of which followed by a move of p_ref
};

namespace detail::simulation {

/// Throws when the statistics hold no two-sided time.
inline void require_two_sided(const order_flow_statistics& s, const char* where) {
  if (!(s.two_sided_seconds() > 0.0))
    throw invalid_argument(concat(where,
                                  ": the tape has no time with both sides of the book present and not crossed "
                                  "(two_sided_seconds = ",
                                  s.two_sided_seconds(), ", events = ", s.events(), ")"));
}

}  // namespace detail::simulation

/// Fits the zero-intelligence model of Cont, Stoikov and Talreja (2010) to a tape's statistics,
/// with their section 4.1 estimators (sizes in lots of `lot_quantity()`, by default the mean
/// limit-order size):
/// - lambda(i) = N_l(i) / (2T), standard error sqrt(N_l(i)) / (2T) (Poisson count);
/// - theta(i) = cancelled quantity at i / time integral of the queue quantity at i (both
///   sides): the cancel rate per resting lot; standard error theta(i) / sqrt(N_c(i)); 0 with
///   a NaN error where no quantity rested at i;
/// - size_probabilities: the limit-order size histogram in lots (rounded up; the last bin
///   `max_size_lots` and more), mean m lots;
/// - mu = market quantity / lot / m / (2T): market orders of the simulator's mean size m per
///   second, so that the simulated market volume matches the tape's (with unit sizes, m = 1,
///   this is CST's mu = N_m S_m / (S_l T)); standard error mu / sqrt(market orders);
///   `market_order_rate` = market orders / (2T), for reference;
/// - the power law lambda(i) = k / i^alpha (CST section 4.1, their figure 3), by least
///   squares of log lambda(i) on log i over the distances with lambda(i) > 0; classical and
///   HC1 standard errors (k's by the delta method); NaN errors with fewer than 3 distances,
///   NaN values with fewer than 2.
/// The Poisson standard errors fill both `std_error` and `robust_std_error`.
/// @param stats the statistics of a tape
/// @return params and estimates; L = `stats.options().levels`
/// @throws invalid_argument when the tape has no two-sided time, or no limit order at
///   distances 1..L (every lambda 0), or the first mid is not above one tick
[[nodiscard]] inline zero_intelligence_fit fit_zero_intelligence(const order_flow_statistics& stats) {
  constexpr const char* where = "footprint::fit_zero_intelligence";
  detail::simulation::require_two_sided(stats, where);
  const double t2 = 2.0 * stats.two_sided_seconds();
  const std::size_t nl = stats.limit_counts().size();
  zero_intelligence_fit f;
  f.two_sided_seconds = stats.two_sided_seconds();
  f.lot_quantity = stats.lot_quantity();
  f.params.tick_size = stats.options().tick_size;
  f.params.lot_quantity = stats.lot_quantity();
  f.params.initial_price = stats.first_mid_price();
  f.lambda.resize(nl);
  f.theta.resize(nl);
  f.params.lambda.resize(nl);
  f.params.theta.resize(nl);
  for (std::size_t i = 0; i < nl; ++i) {
    const auto n = static_cast<double>(stats.limit_counts()[i]);
    const double se = std::sqrt(n) / t2;
    f.lambda[i] = parameter_estimate{n / t2, se, se};
    f.params.lambda[i] = n / t2;
    const double exposure = stats.queue_integral()[i];
    const double th = exposure > 0.0 ? stats.cancelled_quantity()[i] / exposure : 0.0;
    const auto nc = static_cast<double>(stats.cancel_counts()[i]);
    const double th_se = exposure > 0.0 && nc > 0.0 ? th / std::sqrt(nc) : nan;
    f.theta[i] = parameter_estimate{th, th_se, th_se};
    f.params.theta[i] = th;
  }
  const auto hist = stats.size_histogram();
  double total = 0.0;
  for (const std::size_t h : hist) total += static_cast<double>(h);
  if (total > 0.0) {
    f.params.size_probabilities.resize(hist.size());
    for (std::size_t k = 0; k < hist.size(); ++k) f.params.size_probabilities[k] = static_cast<double>(hist[k]) / total;
    // Drop the empty tail bins (the simulator's sizes stop at the largest observed bin).
    while (!f.params.size_probabilities.empty() && f.params.size_probabilities.back() == 0.0)
      f.params.size_probabilities.pop_back();
    f.mean_size_lots = f.params.mean_size();
  }
  const double mu = stats.market_quantity() / stats.lot_quantity() / f.mean_size_lots / t2;
  const auto n_orders = static_cast<double>(stats.market_orders());
  const double mu_se = n_orders > 0.0 ? mu / std::sqrt(n_orders) : nan;
  f.mu = parameter_estimate{mu, mu_se, mu_se};
  f.params.mu = mu;
  const double mor_se = std::sqrt(n_orders) / t2;
  f.market_order_rate = parameter_estimate{n_orders / t2, mor_se, mor_se};

  // Power law by least squares in logs.
  std::vector<double> x;
  std::vector<double> y;
  for (std::size_t i = 0; i < nl; ++i)
    if (f.params.lambda[i] > 0.0) {
      x.push_back(std::log(static_cast<double>(i + 1)));
      y.push_back(std::log(f.params.lambda[i]));
    }
  if (x.size() >= 2) {
    const auto n = static_cast<double>(x.size());
    double mx = 0.0;
    double my = 0.0;
    for (std::size_t j = 0; j < x.size(); ++j) {
      mx += x[j];
      my += y[j];
    }
    mx /= n;
    my /= n;
    double sxx = 0.0;
    double sxy = 0.0;
    for (std::size_t j = 0; j < x.size(); ++j) {
      sxx += (x[j] - mx) * (x[j] - mx);
      sxy += (x[j] - mx) * (y[j] - my);
    }
    const double slope = sxy / sxx;
    const double intercept = my - slope * mx;
    double se_slope = nan;
    double se_intercept = nan;
    double hc_slope = nan;
    double hc_intercept = nan;
    if (x.size() >= 3) {
      double ssr = 0.0;
      double meat_ss = 0.0;  // sum r^2 (x - mx)^2
      double meat_s = 0.0;   // sum r^2 (x - mx)
      double meat_0 = 0.0;   // sum r^2
      for (std::size_t j = 0; j < x.size(); ++j) {
        const double r = y[j] - intercept - slope * x[j];
        ssr += r * r;
        const double c = x[j] - mx;
        meat_ss += r * r * c * c;
        meat_s += r * r * c;
        meat_0 += r * r;
      }
      const double s2 = ssr / (n - 2.0);
      se_slope = std::sqrt(s2 / sxx);
      se_intercept = std::sqrt(s2 * (1.0 / n + mx * mx / sxx));
      // HC1 in the centred parametrisation: slope b, intercept a = ybar - b xbar.
      const double hc = n / (n - 2.0);
      const double var_b = hc * meat_ss / (sxx * sxx);
      // a = sum w_j y_j with w_j = 1/n - mx c_j / sxx.
      const double var_a = hc * (meat_0 / (n * n) - 2.0 * mx * meat_s / (n * sxx) + mx * mx * meat_ss / (sxx * sxx));
      hc_slope = std::sqrt(var_b);
      hc_intercept = std::sqrt(std::max(var_a, 0.0));
    }
    const double k = std::exp(intercept);
    f.power_law_k = parameter_estimate{k, k * se_intercept, k * hc_intercept};
    f.power_law_alpha = parameter_estimate{-slope, se_slope, hc_slope};
  }
  detail::simulation::validate(f.params, where);
  return f;
}

/// Fits the queue-reactive model of Huang, Lehalle and Rosenbaum (2015) to a tape's
/// statistics: the maximum-likelihood intensities of their section 3.1 for a Poisson
/// process in each state, rate(i, q) = unit events at queue i and size q / T_i(q), standard
/// error sqrt(N) / T_i(q); 0 with NaN errors where T_i(q) = 0 (the state was never visited:
/// the simulator then never fires that event from it, and `seconds` shows where the tables
/// are thin). theta = moves / resolved depletions of a first queue (HLR's Model III
/// probability that p_ref moves when a first queue empties), standard error
/// sqrt(theta (1 - theta) / depletions); with no depletion, NaN (and `params.theta` keeps its
/// default 0.5). theta_reinit is 0: redraws of the whole book after a move are not
/// identified by this estimator.
/// @param stats the statistics of a tape
/// @return params (K = `queue_levels`, Q = `max_queue_lots`) and errors, each of shape (K, Q + 1)
/// @throws invalid_argument when the tape has no two-sided time, or the first p_ref is not
///   above one tick
[[nodiscard]] inline queue_reactive_fit fit_queue_reactive(const order_flow_statistics& stats) {
  constexpr const char* where = "footprint::fit_queue_reactive";
  detail::simulation::require_two_sided(stats, where);
  queue_reactive_fit f;
  f.seconds = stats.queue_seconds();
  const index k = f.seconds.rows();
  const index c = f.seconds.cols();
  f.params.tick_size = stats.options().tick_size;
  f.params.lot_quantity = stats.lot_quantity();
  f.params.initial_price = stats.first_reference_price();
  f.params.theta_reinit = 0.0;
  f.params.limit_rate = matrix::Zero(k, c);
  f.params.cancel_rate = matrix::Zero(k, c);
  f.params.market_rate = matrix::Zero(k, c);
  f.limit_rate_std_error = matrix::Constant(k, c, nan);
  f.cancel_rate_std_error = matrix::Constant(k, c, nan);
  f.market_rate_std_error = matrix::Constant(k, c, nan);
  for (index i = 0; i < k; ++i)
    for (index q = 0; q < c; ++q) {
      const double t = f.seconds(i, q);
      if (!(t > 0.0)) continue;
      f.params.limit_rate(i, q) = stats.queue_limit_events()(i, q) / t;
      f.limit_rate_std_error(i, q) = std::sqrt(stats.queue_limit_events()(i, q)) / t;
      if (q == 0) continue;  // cancels and market events need a non-empty queue
      f.params.cancel_rate(i, q) = stats.queue_cancel_events()(i, q) / t;
      f.cancel_rate_std_error(i, q) = std::sqrt(stats.queue_cancel_events()(i, q)) / t;
      f.params.market_rate(i, q) = stats.queue_market_events()(i, q) / t;
      f.market_rate_std_error(i, q) = std::sqrt(stats.queue_market_events()(i, q)) / t;
    }
  f.depletions = stats.depletions();
  f.moves = stats.depletion_moves();
  if (f.depletions > 0) {
    const double n = static_cast<double>(f.depletions);
    const double th = static_cast<double>(f.moves) / n;
    const double se = std::sqrt(th * (1.0 - th) / n);
    f.theta = parameter_estimate{th, se, se};
    f.params.theta = th;
  }
  detail::simulation::validate(f.params, where);
  return f;
}

}  // namespace footprint
