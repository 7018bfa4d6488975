/// @file simulation/order_flow_statistics.hpp
/// @brief Sufficient statistics of an order-flow tape (`order_flow_statistics`), from which
/// simulation/order_flow_fit.hpp fits the simulator's two models (`fit_zero_intelligence`,
/// `fit_queue_reactive`).
///
/// A cheap header: standard library, Eigen/Core and base headers only (no Boost.Math, no
/// JSON). The tape converters of the three real data sets replay their events on the same
/// tick ladder as this accumulator (`detail::simulation::tick_ladder`), so a converted tape
/// replays here exactly as it was built.
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/simulation/detail/tick_ladder.hpp"
#include "footprint/simulation/order_flow_event.hpp"
#include "footprint/simulation/order_flow_statistics_options.hpp"
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
/// size histograms of limit and of market orders in lots (each size split between its two
/// neighbouring whole lots keeping its volume, the last bin holding `max_size_lots` and more).
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
/// Usage (the fits: simulation/order_flow_fit.hpp):
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
      : options_(detail::simulation::checked_options(options)),
        lot_(options.lot_quantity > 0.0 ? options.lot_quantity : nan),
        limit_count_(static_cast<std::size_t>(options.levels), 0),
        cancel_count_(static_cast<std::size_t>(options.levels), 0),
        cancelled_quantity_(static_cast<std::size_t>(options.levels), 0.0),
        queue_integral_(static_cast<std::size_t>(options.levels), 0.0),
        size_histogram_(static_cast<std::size_t>(options.max_size_lots) + 1, 0.0),
        market_size_histogram_(static_cast<std::size_t>(options.max_size_lots) + 1, 0.0),
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
  /// Limit orders (two-sided) by size, entry k = 0..max_size_lots holding k lots, rounded so
  /// that the volume is kept: an order of x lots counts 1 - frac(x) at floor(x) and frac(x) at
  /// floor(x) + 1 (1.25 lots: 0.75 at 1 and 0.25 at 2; 0.25 lots: 0.75 at 0 and 0.25 at 1);
  /// the last entry holds max_size_lots and more, whole. Entries sum to `limit_orders()`; the
  /// volume they hold, sum of k x entry k, is the limit quantity in lots below the last bin.
  [[nodiscard]] std::span<const double> size_histogram() const noexcept { return size_histogram_; }
  /// Market orders (two-sided; a run of fills at one time on one side is one order, its
  /// quantity their sum) by size, as `size_histogram`; entries sum to `market_orders()`.
  [[nodiscard]] std::vector<double> market_size_histogram() const {
    std::vector<double> h = market_size_histogram_;
    if (market_run_quantity_ > 0.0) add_size(h, market_run_quantity_ / lot_);
    return h;
  }
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
  [[noreturn]] void bad_event(const std::string& field, const std::string& what) const {
    throw data_error("order flow tape", events_ + 1, 0, field, detail::concat("event ", events_, " (0-based): ", what));
  }

  [[nodiscard]] bool two_sided() const noexcept { return ladder_.two_sided() && !ladder_.crossed(); }

  // Unit events of an order: its size in lots, rounded, at least 1.
  [[nodiscard]] double units(double quantity) const noexcept { return std::max(1.0, std::round(quantity / lot_)); }
  // Queue size in lots, rounded, capped at Q.
  [[nodiscard]] index lots(double quantity) const noexcept {
    const double q = std::round(quantity / lot_);
    const auto cap = static_cast<double>(options_.max_queue_lots);
    return static_cast<index>(q < cap ? q : cap);
  }

  // The per-event work, defined in order_flow_statistics_impl.hpp:
  // recomputes the quantity at each distance and the size of each queue from the ladder;
  void refresh();
  // adds dt seconds of the current state (two-sided, one-sided or crossed time, integrals);
  void accumulate(double dt);
  // p_ref from the best quotes (HLR's rule, the class comment);
  void update_reference();
  // checks, times and counts one event, then applies it to the ladder;
  void step(const order_flow_event& e);
  // counts an order of x lots in histogram h, keeping its volume (see size_histogram);
  static void add_size(std::vector<double>& h, double x) noexcept;
  // a run of market events ended: the market order it was enters the histogram.
  void end_market_run() noexcept;

  // Distance from the opposite best (the ladder must be two-sided).
  [[nodiscard]] std::int64_t distance(const order_flow_event& e) const noexcept {
    return e.side == side::buy ? ladder_[side::sell].best() - e.price_tick : e.price_tick - ladder_[side::buy].best();
  }

  // The zero-intelligence counts and the queue-reactive tables of an order event (quoted book).
  void count_order(const order_flow_event& e, double before, bool& first_queue);
  // Resolves pending first-queue depletions: a move of p_ref, or the level refilled.
  void resolve_depletions();

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
  std::vector<double> size_histogram_;
  std::vector<double> market_size_histogram_;
  double market_run_quantity_ = 0.0;  // quantity of the market order in progress
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

}  // namespace footprint

#include "footprint/simulation/order_flow_statistics_impl.hpp"
