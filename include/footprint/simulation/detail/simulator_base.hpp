/// @file simulation/detail/simulator_base.hpp
/// @brief What the order-book simulators share: the clock (Gillespie's direct method), the
/// tape of background events, the user's own orders and their fills. Private to simulation/.
///
/// A model (CRTP) provides `double total_rate()` (the sum of every event's rate in the
/// current state, from what the model keeps up to date), `void apply(double x)` (the event
/// whose cumulative rate bracket holds x in [0, total_rate), applied to the book and pushed on
/// the tape), `void on_book_change()` (called after every background event) and
/// `void on_own_order()` (called after every order of the user, which may change any queue)
/// and `bool reveal_beyond(int s)` (the user's market order emptied side s: bring liquidity
/// the model holds beyond its book into it, if any, and say whether it did).
/// Between two events the state does not change, so drawing the time to the next event and
/// discarding it at a horizon is exact (the exponential law has no memory).
///
/// The waiting times are E / rate with E = -log(U), U uniform on (0, 1), and the logarithm
/// computed here in plain double arithmetic (`minus_log`), not by the platform's libm, whose
/// last bit may differ between implementations: same seed, same tape, on any IEEE-754
/// platform. The E are drawn 64 at a time (independent logarithms overlap in the CPU instead
/// of lengthening each event's chain of dependent instructions).
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/detail/random.hpp"
#include "footprint/error.hpp"
#include "footprint/simulation/detail/tick_book.hpp"
#include "footprint/simulation/order_flow_event.hpp"
#include "footprint/simulation/simulated_fill.hpp"
#include "footprint/types.hpp"

#include <array>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>
#include <vector>

namespace footprint::detail::simulation {

/// -log(u) for u in (0, 1], in plain double arithmetic (no libm): within 1 ulp of the exact
/// value. The reduction u = 2^k (1 + f) with sqrt(2)/2 <= 1 + f < sqrt(2), then log(1 + f) =
/// 2 atanh(s) with s = f / (2 + f) and a minimax polynomial in s^2: the coefficients and
/// arrangement of fdlibm's and musl's `log` (Sun Microsystems 1993; musl libc, MIT licence).
[[nodiscard]] inline double minus_log(double u) noexcept {
  constexpr double ln2_hi = 6.93147180369123816490e-01;
  constexpr double ln2_lo = 1.90821492927058770002e-10;
  constexpr double lg1 = 6.666666666666735130e-01;
  constexpr double lg2 = 3.999999999940941908e-01;
  constexpr double lg3 = 2.857142874366239149e-01;
  constexpr double lg4 = 2.222219843214978396e-01;
  constexpr double lg5 = 1.818357216161805012e-01;
  constexpr double lg6 = 1.531383769920937332e-01;
  constexpr double lg7 = 1.479819860511658591e-01;
  auto bits = std::bit_cast<std::uint64_t>(u);
  // the high word shifted so that mantissas from sqrt(2)/2 on carry into the exponent
  auto hx = static_cast<std::uint32_t>(bits >> 32U) + (0x3ff00000U - 0x3fe6a09eU);
  const int k = static_cast<int>(hx >> 20U) - 0x3ff;
  hx = (hx & 0x000fffffU) + 0x3fe6a09eU;
  bits = (static_cast<std::uint64_t>(hx) << 32U) | (bits & 0xffffffffULL);
  const double f = std::bit_cast<double>(bits) - 1.0;
  const double hfsq = 0.5 * f * f;
  const double s = f / (2.0 + f);
  const double z = s * s;
  const double w = z * z;
  const double t1 = w * (lg2 + w * (lg4 + w * lg6));
  const double t2 = z * (lg1 + w * (lg3 + w * (lg5 + w * lg7)));
  const double dk = k;
  const double r = t2 + t1;
  return -(s * (hfsq + r) + dk * ln2_lo - hfsq + f + dk * ln2_hi);
}

template <class Model>
class simulator_base {
 public:
  /// Simulated time since the start, seconds.
  [[nodiscard]] double seconds() const noexcept { return now_; }
  /// Simulated time since the start.
  [[nodiscard]] std::chrono::nanoseconds time() const noexcept { return to_ns(now_); }
  /// Best bid price (the last one when the bid side is empty), price units.
  [[nodiscard]] double best_bid() const noexcept { return static_cast<double>(book_.best(0)) * tick_; }
  /// Best ask price (the last one when the ask side is empty), price units.
  [[nodiscard]] double best_ask() const noexcept { return static_cast<double>(book_.best(1)) * tick_; }
  /// Mid price, price units.
  [[nodiscard]] double mid() const noexcept { return 0.5 * (best_bid() + best_ask()); }
  /// Best bid in ticks.
  [[nodiscard]] std::int64_t best_bid_tick() const noexcept { return book_.best(0); }
  /// Best ask in ticks.
  [[nodiscard]] std::int64_t best_ask_tick() const noexcept { return book_.best(1); }
  /// Price units per tick.
  [[nodiscard]] double tick_size() const noexcept { return tick_; }
  /// Instrument units per lot.
  [[nodiscard]] double lot_quantity() const noexcept { return lot_; }
  /// True when side `s` of the book holds no order.
  [[nodiscard]] bool is_empty(footprint::side s) const noexcept { return book_.empty(side_index(s)); }

  /// Quantity resting at `tick` on side `s` (everyone's, the user's included), instrument units.
  [[nodiscard]] double queue_quantity(footprint::side s, std::int64_t tick) const noexcept {
    return static_cast<double>(book_.quantity(side_index(s), tick)) * lot_;
  }
  /// The quantity of level `level` (0 = best) of side `s` counted in ticks from the best
  /// (empty ticks count as levels), instrument units.
  [[nodiscard]] double depth_at(footprint::side s, std::int64_t level) const noexcept {
    const int k = side_index(s);
    return static_cast<double>(book_.quantity(k, book_.best(k) + (k == 0 ? -level : level))) * lot_;
  }

  /// Simulates the next background event and returns it (the book already changed); the user's
  /// resting orders fill when the queue ahead of them is consumed. A market order that walks
  /// several levels is one event per level, with the same time. Always returns true (the
  /// order flow never ends); a book in which no event can happen (every rate 0) throws
  /// `invalid_argument`.
  bool next(order_flow_event& ev) {
    while (read_ == pending_.size()) {
      pending_.clear();
      read_ = 0;
      if (!step(std::numeric_limits<double>::infinity()))
        throw invalid_argument(concat(self().name(), "::next: no event can happen (every rate is 0)"));
    }
    ev = pending_[read_++];
    return true;
  }

  /// Appends the next events (`next`) to `tape` while simulated time is before `until`
  /// (seconds since the start: the last one appended is the first at or past it) and fewer
  /// than `max_events` were appended; returns how many were. A tape of a simulated day for
  /// the realism comparison (`footprint-simulate`, the Python module's `realism` and `run`).
  std::size_t record(double until, std::vector<order_flow_event>& tape,
                     std::size_t max_events = std::numeric_limits<std::size_t>::max()) {
    std::size_t n = 0;
    order_flow_event e;
    while (now_ < until && n < max_events) {
      next(e);
      tape.push_back(e);
      ++n;
    }
    return n;
  }

  /// Runs the background order flow until simulated time `until` (seconds since the start;
  /// no-op when it is not later than now) and returns the number of events simulated. Events
  /// are not kept (the tape is for `next` and `record`); fills of the user's orders are
  /// recorded.
  std::size_t advance(double until) {
    pending_.clear();
    read_ = 0;
    std::size_t n = 0;
    while (step(until)) {
      ++n;
      pending_.clear();
    }
    return n;
  }

  /// The most queues one market order of the user brings in from beyond the book.
  static constexpr std::int64_t max_reveals = 100'000;

  /// A market order of the user: executes `quantity` (instrument units, rounded to whole lots,
  /// at least one) against the opposite side at once, walking the book, and past it where the
  /// model holds liquidity beyond its book (the queue-reactive model's queues past its window,
  /// at most `max_reveals` of them: an order of 10^9 lots walked the price without end and ran
  /// out of memory); what neither can fill is not filled. Returns the order's id (fills in
  /// `fills()`).
  /// Throws `invalid_argument` for a quantity that is not finite and > 0.
  std::uint64_t submit_market(footprint::side s, double quantity) {
    const std::int64_t lots = to_lots(quantity, "submit_market");
    const std::uint64_t id = next_id_++;
    ++report_.own_orders;
    const int hit = 1 - side_index(s);
    const std::int64_t limit =
        hit == 0 ? std::numeric_limits<std::int64_t>::min() : std::numeric_limits<std::int64_t>::max();
    std::int64_t done = book_.execute(hit, lots, limit, time(), id, [](std::int64_t, std::int64_t) {});
    for (std::int64_t r = 0; done < lots && r < max_reveals && self().reveal_beyond(hit); ++r)
      done += book_.execute(hit, lots - done, limit, time(), id, [](std::int64_t, std::int64_t) {});
    own_executed_ = hit == 1 ? done : -done;
    collect_fills();
    self().on_own_order();
    return id;
  }

  /// A limit order of the user at `price` (price units; rounded down to the grid for a buy,
  /// up for a sell) for `quantity` (instrument units, rounded to whole lots, at least one).
  /// Its marketable part executes at once; the rest joins the back of the queue at its price
  /// and fills when the queue ahead of it is consumed. Returns the order's id. Throws
  /// `invalid_argument` for a price or quantity that is not finite and > 0.
  std::uint64_t submit_limit(footprint::side s, double price, double quantity) {
    if (!(price > 0.0) || !std::isfinite(price))
      throw invalid_argument(concat(self().name(), "::submit_limit: price must be finite and > 0 (got ", price, ")"));
    const std::int64_t lots = to_lots(quantity, "submit_limit");
    const std::int64_t tick = s == footprint::side::buy ? static_cast<std::int64_t>(std::floor(price / tick_ + 1e-9))
                                                        : static_cast<std::int64_t>(std::ceil(price / tick_ - 1e-9));
    const std::uint64_t id = next_id_++;
    ++report_.own_orders;
    const int own = side_index(s);
    const int hit = 1 - own;
    std::int64_t done = 0;
    const bool marketable = own == 0 ? tick >= book_.best(1) : tick <= book_.best(0);
    if (marketable && !book_.empty(hit))
      done = book_.execute(hit, lots, tick, time(), id, [](std::int64_t, std::int64_t) {});
    own_executed_ = hit == 1 ? done : -done;
    if (lots > done) book_.rest_own(id, own, tick, lots - done);
    collect_fills();
    self().on_own_order();
    return id;
  }

  /// Cancels the user's resting order `id`; returns the quantity cancelled (instrument units;
  /// 0 when it is no longer resting).
  double cancel(std::uint64_t id) {
    const double q = static_cast<double>(book_.cancel_own(id)) * lot_;
    own_executed_ = 0;
    self().on_own_order();
    return q;
  }

  /// The user's resting quantity of order `id`, instrument units (0 once filled or cancelled).
  [[nodiscard]] double resting_quantity(std::uint64_t id) const noexcept {
    for (const own_order& o : book_.own_orders())
      if (o.id == id) return static_cast<double>(o.remaining) * lot_;
    return 0.0;
  }
  /// Other participants' quantity ahead of the user's resting order `id` in its queue,
  /// instrument units (0 when it is not resting).
  [[nodiscard]] double quantity_ahead(std::uint64_t id) const noexcept {
    for (const own_order& o : book_.own_orders())
      if (o.id == id) return static_cast<double>(o.ahead) * lot_;
    return 0.0;
  }

  /// Fills of the user's orders since the last `clear_fills`, in time order.
  [[nodiscard]] const std::vector<simulated_fill>& fills() const noexcept { return fills_; }
  /// Forgets the recorded fills.
  void clear_fills() noexcept { fills_.clear(); }
  /// Counts of what happened since construction.
  [[nodiscard]] simulation_report report() const noexcept {
    simulation_report r = report_;
    r.seconds = now_;
    return r;
  }

 protected:
  simulator_base(double tick, double lot, std::uint64_t seed) : tick_(tick), lot_(lot), rng_(seed) {}

  /// Seconds (>= 0) to nanoseconds, rounded to the nearest.
  [[nodiscard]] static std::chrono::nanoseconds to_ns(double s) noexcept {
    return std::chrono::nanoseconds{static_cast<std::int64_t>(s * 1e9 + 0.5)};
  }

  /// Records a background event on the tape and in the counts.
  void push(order_flow_kind kind, int s, std::int64_t tick, std::int64_t lots) {
    pending_.push_back(order_flow_event{to_ns(now_), kind, s == 0 ? footprint::side::buy : footprint::side::sell, tick,
                                        static_cast<double>(lots) * lot_});
  }

  /// One event before `until`: returns false (time set to `until`) when the next event would
  /// come later.
  bool step(double until) {
    const double rate = self().total_rate();
    if (!(rate > 0.0)) {
      if (std::isfinite(until)) now_ = until;
      return false;
    }
    const double dt = standard_exponential() / rate;
    if (now_ + dt > until) {
      now_ = until;
      return false;
    }
    now_ += dt;
    self().apply(rng_.uniform() * rate);
    self().on_book_change();
    ++report_.events;
    if (book_.has_own_orders() || !book_.fills().empty()) collect_fills();
    return true;
  }

  /// A standard exponential variate (mean 1), from the block of 64 drawn at once.
  [[nodiscard]] double standard_exponential() noexcept {
    if (exp_next_ == exp_block_.size()) {
      for (double& e : exp_block_) e = rng_.uniform_open();
      for (double& e : exp_block_) e = minus_log(e);
      exp_next_ = 0;
    }
    return exp_block_[exp_next_++];
  }

  /// Moves the book's fills (lots, ticks) to the public record (quantities, prices).
  void collect_fills() {
    for (const own_fill& f : book_.fills()) {
      fills_.push_back(simulated_fill{f.time, f.id, f.side == 0 ? footprint::side::buy : footprint::side::sell,
                                      static_cast<double>(f.tick) * tick_, static_cast<double>(f.lots) * lot_,
                                      f.aggressive});
      ++report_.own_fills;
    }
    book_.fills().clear();
  }

  [[nodiscard]] std::int64_t to_lots(double quantity, std::string_view where) const {
    if (!(quantity > 0.0) || !std::isfinite(quantity))
      throw invalid_argument(
          concat(self().name(), "::", where, ": quantity must be finite and > 0 (got ", quantity, ")"));
    const double lots = std::round(quantity / lot_);
    if (lots > 1e12)
      throw invalid_argument(
          concat(self().name(), "::", where, ": quantity is more than 10^12 lots (got ", quantity, ")"));
    return std::max<std::int64_t>(1, static_cast<std::int64_t>(lots));
  }

  [[nodiscard]] Model& self() noexcept { return static_cast<Model&>(*this); }
  [[nodiscard]] const Model& self() const noexcept { return static_cast<const Model&>(*this); }

  double tick_;
  double lot_;
  xoshiro256ss rng_;
  std::array<double, 64> exp_block_{};
  std::size_t exp_next_ = exp_block_.size();
  tick_book book_;
  double now_ = 0.0;
  std::vector<order_flow_event> pending_;
  std::size_t read_ = 0;
  std::vector<simulated_fill> fills_;
  simulation_report report_;
  std::uint64_t next_id_ = 1;
  /// Lots the user's last order executed on arrival, signed: + bought (the ask side hit), -
  /// sold; set before `on_own_order`, which may read it (0 for a cancellation).
  std::int64_t own_executed_ = 0;
};

}  // namespace footprint::detail::simulation
