/// @file simulation/zero_intelligence_model.hpp
/// @brief The zero-intelligence order-book simulator of Cont, Stoikov and Talreja (2010),
/// with the user's own orders in FIFO queue position.
///
/// Reference: R. Cont, S. Stoikov, R. Talreja (2010), "A stochastic model for order book
/// dynamics", Operations Research 58(3), 549-563, section 2 (the model) and section 4.1 (the
/// estimates in `zero_intelligence_params::cont_stoikov_talreja_2010`).
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/simulation/detail/alias_table.hpp"
#include "footprint/simulation/detail/simulator_base.hpp"
#include "footprint/simulation/order_flow_event.hpp"
#include "footprint/simulation/zero_intelligence_params.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>
#include <utility>
#include <vector>

namespace footprint {

/// Simulates a limit order book under the zero-intelligence model of Cont, Stoikov and
/// Talreja (2010) and lets the user trade in it.
///
/// The background flow is a continuous-time Markov chain simulated event by event
/// (Gillespie's direct method): limit orders at distance i = 1..L from the opposite best at
/// rate lambda(i) per side, market orders at rate mu per side (while the opposite side is not
/// empty), cancellations at rate theta(i) per resting order of another participant at
/// distance i (see `zero_intelligence_params`). It starts with one tick of spread around
/// `initial_price` and each distance i holding round(lambda(i) / theta(i)) lots per side (the
/// mean of the isolated level, section 3 of the paper), or none where theta(i) = 0.
///
/// The user's orders (`submit_market`, `submit_limit`, `cancel`) change the queues and the
/// quotes, and so the background flow's distances; they are not cancelled by the model. The
/// tape `next` returns holds the background events only, and a `set_quantity` event for each level the finite grid removes. An empty side keeps its last best
/// quote as the reference of the other side's distances. Same seed, same events, on any
/// platform (footprint's own xoshiro256**, uniform draws and logarithm for the waiting times).
///
/// Satisfies `EventReader<zero_intelligence_model, order_flow_event>`. Not thread-safe (one
/// simulator per thread; they are cheap). Speed (`next`, CST 2010 estimates, unit sizes, g++ 12
/// `-O3`, a 2.0 GHz Xeon): about 11 M events/s, 6x a plain std::map reference; 9.5 M/s with
/// orders of 1 to 4 lots (docs/benchmarks.md, `bench_simulation`). The rates are kept up to
/// date event by event (a cancellation rate per distance and their sum per side, recomputed
/// for a side when the opposite best moves), the limit order's (side, distance) is drawn from
/// an alias table.
class zero_intelligence_model : public detail::simulation::simulator_base<zero_intelligence_model> {
  using base = detail::simulation::simulator_base<zero_intelligence_model>;
  friend base;

 public:
  using params_type = zero_intelligence_params;

  /// Validates `params` (throws `invalid_argument` naming the parameter) and builds the
  /// initial book.
  explicit zero_intelligence_model(zero_intelligence_params params)
      : base(check(params).tick_size, params.lot_quantity, params.seed),
        params_(std::move(params)),
        L_(params_.levels()),
        theta_per_lot_(L_),
        cancel_weight_(2 * L_, 0.0),
        cancel_count_(2 * L_, 0) {
    std::vector<double> both(2 * L_);  // the limit orders: bids at distance 1..L, then asks
    double c = 0.0;
    for (std::size_t i = 0; i < L_; ++i) {
      both[i] = both[L_ + i] = params_.lambda[i];
      c += params_.lambda[i];
    }
    limit_total_ = 2.0 * c;
    limit_scale_ = static_cast<double>(2 * L_) / limit_total_;
    limits_ = detail::simulation::alias_table(both);
    for (std::size_t i = 0; i < L_; ++i) theta_per_lot_[i] = params_.theta[i] / params_.mean_size();
    cum_size_ = cumulative(params_.size_probabilities);
    cum_market_size_ =
        params_.market_size_probabilities.empty() ? cum_size_ : cumulative(params_.market_size_probabilities);
    const auto mid = static_cast<std::int64_t>(std::floor(params_.initial_price / params_.tick_size));
    book_.reset(mid, mid + 1);
    for (std::size_t i = 1; i <= L_; ++i) {
      const double th = params_.theta[i - 1];
      if (!(th > 0.0)) continue;
      const auto lots = static_cast<std::int64_t>(std::llround(params_.lambda[i - 1] / th));
      const auto d = static_cast<std::int64_t>(i);
      book_.add(0, mid + 1 - d, lots);
      book_.add(1, mid + d, lots);
    }
    last_bid_ = mid;
    last_ask_ = mid + 1;
    on_own_order();
  }

  /// The parameters.
  [[nodiscard]] const zero_intelligence_params& params() const noexcept { return params_; }
  /// "footprint::zero_intelligence_model" (error messages).
  [[nodiscard]] static constexpr std::string_view name() noexcept { return "footprint::zero_intelligence_model"; }

 private:
  static const zero_intelligence_params& check(const zero_intelligence_params& p) {
    detail::simulation::validate(p, "footprint::zero_intelligence_model");
    return p;
  }

  /// The cumulative law of 1, 2, ... lots (empty for unit sizes; the last entry infinite).
  [[nodiscard]] static std::vector<double> cumulative(const std::vector<double>& probabilities) {
    std::vector<double> c(probabilities.size());
    double s = 0.0;
    for (std::size_t k = 0; k < c.size(); ++k) c[k] = (s += probabilities[k]);
    if (!c.empty()) c.back() = std::numeric_limits<double>::infinity();
    return c;
  }

  /// A size in lots from cumulative law `c` (1 when it is empty).
  [[nodiscard]] std::int64_t draw_size(const std::vector<double>& c) noexcept {
    if (c.empty()) return 1;
    const double u = rng_.uniform();
    return static_cast<std::int64_t>(std::upper_bound(c.begin(), c.end(), u) - c.begin()) + 1;
  }

  /// The sum of every event's rate (kept up to date by `apply`, `on_book_change` and
  /// `on_own_order`).
  [[nodiscard]] double total_rate() const noexcept {
    return limit_total_ + market_ + (cancel_sum_[0] + cancel_sum_[1]);
  }

  /// Rate of a market order hitting side s (mu while the side is not empty).
  [[nodiscard]] double market_rate(int s) const noexcept { return book_.empty(s) ? 0.0 : params_.mu; }
  /// Rate of the market orders, both sides.
  [[nodiscard]] double market_rate() const noexcept { return market_rate(0) + market_rate(1); }

  /// Tick at distance d (1..L) from the opposite best on side s.
  [[nodiscard]] std::int64_t tick_at(int s, std::int64_t d) const noexcept {
    const std::int64_t neg = static_cast<std::int64_t>(s) - 1;  // -1 for bids: - d
    return book_.best(1 - s) + ((d ^ neg) - neg);
  }

  /// Applies the event whose bracket holds x in [0, total_rate()).
  void apply(double x) {
    if (x < limit_total_) {
      // a limit order: (side, distance) from the alias table
      const std::size_t j = limits_.pick(x * limit_scale_);
      const int s = static_cast<int>(j >= L_);
      const std::size_t i = j - static_cast<std::size_t>(s) * L_;
      const std::int64_t tick = tick_at(s, static_cast<std::int64_t>(i + 1));
      const std::int64_t lots = draw_size(cum_size_);
      book_.add(s, tick, lots);
      refresh_level(s, i, tick);
      ++report_.limits;
      push(order_flow_kind::limit, s, tick, lots);
      return;
    }
    x -= limit_total_;
    const double market = market_;
    if (x < market) {
      const int s = x < market_rate(0) ? 0 : 1;  // the side hit: bids by a sell, asks by a buy
      const std::int64_t lim =
          s == 0 ? std::numeric_limits<std::int64_t>::min() : std::numeric_limits<std::int64_t>::max();
      ++report_.markets;
      book_.execute(s, draw_size(cum_market_size_), lim, time(), 0,
                    [&](std::int64_t tick, std::int64_t lots) { push(order_flow_kind::market, s, tick, lots); });
      refresh_side(s);
      return;
    }
    x -= market;
    // a cancellation: the side, then the distance by a scan of the side's weights
    const int s = x < cancel_sum_[0] || !(cancel_sum_[1] > 0.0) ? 0 : 1;
    if (s == 1) x -= cancel_sum_[0];
    const double* w = &cancel_weight_[static_cast<std::size_t>(s) * L_];
    std::size_t i = 0;
    for (; i + 1 < L_ && !(x < w[i]); ++i) x -= w[i];
    while (!(w[i] > 0.0) && i > 0) --i;  // rounding at the end of the scan
    if (!(w[i] > 0.0)) return;           // nothing to cancel (only reached by rounding)
    const std::int64_t tick = tick_at(s, static_cast<std::int64_t>(i + 1));
    const std::int64_t lots = book_.cancel(s, tick, draw_size(cum_size_), [this] { return rng_.uniform(); });
    refresh_level(s, i, tick);
    ++report_.cancels;
    if (lots > 0) push(order_flow_kind::cancel, s, tick, lots);
  }

  /// After the other participants' lots at `tick` (distance i + 1 on side s) changed: the
  /// weight, and the side's sum updated by the difference (exactly 0 when the side holds no
  /// lot within the L distances; summed afresh by `refresh_side`).
  void refresh_level(int s, std::size_t i, std::int64_t tick) noexcept {
    const std::size_t k = static_cast<std::size_t>(s) * L_ + i;
    const std::int64_t n = book_.others(s, tick);
    const double w = theta_per_lot_[i] * static_cast<double>(n);
    cancel_sum_[s] += w - cancel_weight_[k];
    cancel_lots_[s] += n - cancel_count_[k];
    cancel_weight_[k] = w;
    cancel_count_[k] = n;
    if (cancel_lots_[s] == 0) cancel_sum_[s] = 0.0;
  }

  /// Every cancellation weight of side s and their sum (after the opposite best moved, or
  /// several of the side's levels changed).
  void refresh_side(int s) noexcept {
    double* w = &cancel_weight_[s == 0 ? 0 : L_];
    std::int64_t* c = &cancel_count_[s == 0 ? 0 : L_];
    double sum = 0.0;
    std::int64_t lots = 0;
    for (std::size_t i = 0; i < L_; ++i) {
      const std::int64_t n = book_.others(s, tick_at(s, static_cast<std::int64_t>(i + 1)));
      c[i] = n;
      w[i] = theta_per_lot_[i] * static_cast<double>(n);
      sum += w[i];
      lots += n;
    }
    cancel_sum_[s] = sum;
    cancel_lots_[s] = lots;
  }

  /// After a background event: keeps the window, and refreshes the distances of a side whose
  /// opposite best moved and the market-order rates.
  void on_book_change() {
    market_ = market_rate();
    if (book_.best(0) == last_bid_ && book_.best(1) == last_ask_) return;  // most events
    const std::int64_t bid = last_bid_;
    const std::int64_t ask = last_ask_;
    keep_window();
    if (last_ask_ != ask) refresh_side(0);
    if (last_bid_ != bid) refresh_side(1);
    market_ = market_rate();
  }

  /// After an order of the user (it may have changed any queue): every rate afresh.
  /// The zero-intelligence book is the whole book: nothing lies beyond it.
  static bool reveal_beyond(int /*s*/) noexcept { return false; }
  void on_own_order() {
    keep_window();
    refresh_side(0);
    refresh_side(1);
    market_ = market_rate();
  }

  /// Removes the other participants' lots at `tick` (left beyond L ticks); the tape gets a
  /// `set_quantity` event with what remains there (the user's lots), so that a ladder
  /// replaying the tape follows the book.
  void drop_beyond(int s, std::int64_t tick) {
    if (book_.clear_others(s, tick) > 0) push(order_flow_kind::set_quantity, s, tick, book_.quantity(s, tick));
  }

  /// Keeps the book within L ticks of the opposite best: when a quote moves away, the other
  /// participants' orders now further than L ticks from it leave (the paper's finite grid;
  /// the user's orders stay).
  void keep_window() {
    const auto L = static_cast<std::int64_t>(L_);
    for (;;) {
      const std::int64_t a = book_.best(1);
      const std::int64_t b = book_.best(0);
      if (a > last_ask_) {
        const std::int64_t from = std::max(last_ask_ - L, a - L - detail::simulation::tick_book::ring);
        last_ask_ = a;
        for (std::int64_t t = from; t < a - L; ++t) drop_beyond(0, t);
      } else if (b < last_bid_) {
        const std::int64_t to = std::min(last_bid_ + L, b + L + detail::simulation::tick_book::ring);
        last_bid_ = b;
        for (std::int64_t t = b + L + 1; t <= to; ++t) drop_beyond(1, t);
      } else {
        last_ask_ = a;
        last_bid_ = b;
        return;
      }
    }
  }

  zero_intelligence_params params_;
  std::size_t L_;                              // number of distances
  std::vector<double> theta_per_lot_;          // cancellation rate per lot at distance 1..L
  std::vector<double> cancel_weight_;          // rate of a cancellation at distance 1..L: bids, then asks
  std::vector<std::int64_t> cancel_count_;     // others' lots at distance 1..L: bids, then asks
  std::array<double, 2> cancel_sum_{};         // per side
  std::array<std::int64_t, 2> cancel_lots_{};  // others' lots within the L distances, per side
  double market_ = 0.0;                        // both sides' market-order rates
  double limit_total_ = 0.0;                   // both sides' limit-order rates
  double limit_scale_ = 0.0;                   // 2L / limit_total_
  detail::simulation::alias_table limits_;
  std::vector<double> cum_size_;         // limit orders' (and cancels') sizes
  std::vector<double> cum_market_size_;  // market orders' sizes
  std::int64_t last_bid_ = 0;
  std::int64_t last_ask_ = 0;
};

}  // namespace footprint
