/// @file simulation/queue_reactive_model.hpp
/// @brief The queue-reactive order-book simulator of Huang, Lehalle and Rosenbaum (2015),
/// with the user's own orders in FIFO queue position.
///
/// Reference: W. Huang, C.-A. Lehalle, M. Rosenbaum (2015), "Simulating and analyzing order
/// book data: the queue-reactive model", Journal of the American Statistical Association
/// 110(509), 107-122: section 2.2 (Model I: each queue's intensities depend on its own
/// size), section 2.3.3 (the invariant distribution of a queue) and section 3 (Model III: the
/// reference price and its reinitialisation).
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/simulation/detail/simulator_base.hpp"
#include "footprint/simulation/order_flow_event.hpp"
#include "footprint/simulation/queue_reactive_params.hpp"
#include "footprint/types.hpp"

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

/// Simulates a limit order book under the queue-reactive model of Huang, Lehalle and
/// Rosenbaum (2015) and lets the user trade in it.
///
/// The book is K queues per side around the reference price (see `queue_reactive_params`);
/// each queue receives limit orders, cancellations and (the first non-empty queue of a side)
/// market orders of one lot, at intensities that depend on its size, the user's lots
/// included: the market reacts to the user's orders. Cancellations take only other
/// participants' lots (at intensity cancel_rate(q) x others / q). When a side's first queue
/// empties, whoever emptied it, the reference price moves one tick towards it with
/// probability theta; after the user's order it moves again, with probability theta each
/// time, while the new first queue is empty (as after a market order that walked through
/// it). Queues that enter the K-queue window are drawn from their invariant distributions,
/// and with probability theta_reinit every queue is. A market order of the user larger than
/// the window walks past it: p_ref moves a tick at a time and the queues entering the window
/// are drawn, until the order is filled (it stops after 1,000 moves in a row that bring no
/// lots, and before a bid queue would sit at a price of 0). The initial book draws each queue
/// from its invariant distribution around `initial_price`.
///
/// Invariant distribution of queue i (Model I, a birth-death chain; HLR 2015 section 2.3.3):
/// pi(q) proportional to prod_{k=1..q} limit(k-1) / (cancel(k) + market(k)) (market orders
/// counted at the first queue only), truncated where the tail is below 1e-12; a queue whose
/// tail does not decay (limit(Q) >= cancel(Q) + market(Q)) throws `invalid_argument`.
///
/// With `feedback` > 0 (after Noble, Rosenbaum and Souilmi 2026, "Bridging the reality gap in
/// limit order book simulation", arXiv 2603.24137) the others' market orders react to the
/// signed flow of executions F (`signed_flow()`, a power-law kernel; see
/// `queue_reactive_params::feedback`): sells at 1 + c (exp(kappa F) - 1) times their rate,
/// buys at 1 + c (exp(-kappa F) - 1) (c = `feedback_amplitude`; 1: exp(+-kappa F)); the rates
/// are recomputed after every event (piecewise constant in between).
///
/// Satisfies `EventReader<queue_reactive_model, order_flow_event>`; the tape holds the
/// background events, plus `set_quantity` events for queues redrawn at a price move. Not
/// thread-safe. Same seed, same events. Speed (`next`, K = 3, Q = 10, g++ 12 `-O3`, a 2.0 GHz
/// Xeon): about 9.8 M events/s (docs/benchmarks.md, `bench_simulation`); the rates of a side
/// are recomputed only after an event on it (both sides after a price move).
class queue_reactive_model : public detail::simulation::simulator_base<queue_reactive_model> {
  using base = detail::simulation::simulator_base<queue_reactive_model>;
  friend base;

 public:
  using params_type = queue_reactive_params;

  /// Validates `params` (throws `invalid_argument` / `dimension_mismatch` naming the
  /// parameter, or a queue without an invariant distribution) and draws the initial book.
  explicit queue_reactive_model(queue_reactive_params params)
      : base(check(params).tick_size, params.lot_quantity, params.seed), params_(std::move(params)) {
    const index K = params_.levels();
    const index Q = params_.max_tabulated();
    // row-major copies, one row per level: rates_[(i * (Q + 1) + q) * 3 + type]
    rates_.resize(static_cast<std::size_t>(K * (Q + 1) * 3));
    for (index i = 0; i < K; ++i)
      for (index q = 0; q <= Q; ++q) {
        const std::size_t at = static_cast<std::size_t>((i * (Q + 1) + q) * 3);
        rates_[at] = params_.limit_rate(i, q);
        rates_[at + 1] = params_.cancel_rate(i, q);
        rates_[at + 2] = params_.market_rate(i, q);
      }
    invariant_.resize(static_cast<std::size_t>(K));
    for (index i = 0; i < K; ++i) invariant_[static_cast<std::size_t>(i)] = invariant_cdf(i);
    weight_.assign(static_cast<std::size_t>(2 * K * 3), 0.0);
    if (params_.feedback > 0.0) {
      // G(t) = (1 + t / tau_0)^-beta = 1 / Gamma(beta) int_0^inf u^(beta - 1) exp(-u (1 + t / tau_0)) du,
      // the integral on the grid u_k = 4^-k, k = -2..13 (step log 4, weight u_k du = u_k log 4):
      // G(t) ~ sum_k c_k exp(-t / tau_k), tau_k = tau_0 4^k, c_k proportional to
      // u_k^beta exp(-u_k), normalised to G(0) = 1 (flow_[j] holds k = j - 2)
      const double beta = params_.feedback_exponent;
      double total = 0.0;
      for (std::size_t j = 0; j < kernel_terms; ++j) {
        const double u = std::pow(4.0, 2.0 - static_cast<double>(j));
        kernel_weight_[j] = std::pow(u, beta) * std::exp(-u);
        total += kernel_weight_[j];
      }
      for (double& c : kernel_weight_) c /= total;
      longest_time_ = params_.feedback_time * std::pow(4.0, static_cast<double>(kernel_terms) - 3.0);
    }
    ref_ = static_cast<std::int64_t>(std::floor(params_.initial_price / params_.tick_size - 0.5));
    book_.reset(ref_, ref_ + 1);
    redraw_all();
    on_own_order();
  }

  /// The parameters.
  [[nodiscard]] const queue_reactive_params& params() const noexcept { return params_; }
  /// "footprint::queue_reactive_model" (error messages).
  [[nodiscard]] static constexpr std::string_view name() noexcept { return "footprint::queue_reactive_model"; }
  /// The reference price p_ref, price units (half a tick above the first bid queue's price).
  [[nodiscard]] double reference_price() const noexcept { return (static_cast<double>(ref_) + 0.5) * tick_; }
  /// Queue i = 1..K of side `s` (bid queue i at p_ref - (i - 1/2) ticks), instrument units.
  /// Throws `invalid_argument` for i outside 1..K.
  [[nodiscard]] double queue(footprint::side s, index i) const {
    if (i < 1 || i > params_.levels())
      throw invalid_argument(
          detail::concat(name(), "::queue: level must be in 1..", params_.levels(), " (got ", i, ")"));
    return static_cast<double>(
               book_.quantity(detail::simulation::side_index(s), tick_of(detail::simulation::side_index(s), i))) *
           lot_;
  }
  /// The order-flow feedback's signed flow F now, lots (see `queue_reactive_params::feedback`;
  /// 0 without feedback): the executions' signed lots, each weighted by the kernel G of its age.
  [[nodiscard]] double signed_flow() const noexcept {
    if (!(params_.feedback > 0.0)) return 0.0;
    std::array<double, kernel_terms> flow = flow_;
    decay(flow, now_ - flow_time_);
    return flow_sum(flow);
  }
  /// The invariant distribution of queue i = 1..K as probabilities of 0, 1, 2, ... lots.
  [[nodiscard]] std::vector<double> invariant_distribution(index i) const {
    if (i < 1 || i > params_.levels())
      throw invalid_argument(
          detail::concat(name(), "::invariant_distribution: level must be in 1..", params_.levels(), " (got ", i, ")"));
    const std::vector<double>& c = invariant_[static_cast<std::size_t>(i - 1)];
    std::vector<double> p(c.size());
    double prev = 0.0;
    for (std::size_t q = 0; q < c.size(); ++q) {
      p[q] = c[q] - prev;
      prev = c[q];
    }
    return p;
  }

 private:
  static const queue_reactive_params& check(const queue_reactive_params& p) {
    detail::simulation::validate(p, "footprint::queue_reactive_model");
    return p;
  }

  /// Price in ticks of queue i (1-based) of side s.
  [[nodiscard]] std::int64_t tick_of(int s, index i) const noexcept { return s == 0 ? ref_ - (i - 1) : ref_ + i; }

  [[nodiscard]] double rate(index level, std::int64_t q, int type) const noexcept {
    const index Q = params_.max_tabulated();
    const index col = std::min<index>(q, Q);
    return rates_[static_cast<std::size_t>((level * (Q + 1) + col) * 3 + type)];
  }

  /// Cumulative invariant distribution of queue `level` (0-based), in lots.
  [[nodiscard]] std::vector<double> invariant_cdf(index level) const {
    const index Q = params_.max_tabulated();
    const double birth_tail = params_.limit_rate(level, Q);
    const double death_tail = params_.cancel_rate(level, Q) + (level == 0 ? params_.market_rate(level, Q) : 0.0);
    if (!(birth_tail < death_tail))
      throw invalid_argument(detail::concat(name(), ": queue ", level + 1,
                                            " has no invariant distribution: limit_rate at Q (", birth_tail,
                                            ") must be below cancel_rate + market_rate at Q (", death_tail, ")"));
    std::vector<double> w{1.0};
    double total = 1.0;
    for (std::int64_t q = 1; q < 100'000; ++q) {
      const double birth = rate(level, q - 1, 0);
      const double death = rate(level, q, 1) + (level == 0 ? rate(level, q, 2) : 0.0);
      const double next = death > 0.0 ? w.back() * birth / death : 0.0;
      if (q > Q && next < 1e-12 * total) break;
      w.push_back(next);
      total += next;
    }
    double c = 0.0;
    for (double& x : w) x = (c += x / total);
    w.back() = 1.0;
    return w;
  }

  [[nodiscard]] std::int64_t draw_invariant(index level) noexcept {
    const std::vector<double>& c = invariant_[static_cast<std::size_t>(level)];
    const double u = rng_.uniform();
    return static_cast<std::int64_t>(std::upper_bound(c.begin(), c.end(), u) - c.begin());
  }

  /// Redraws the other participants' lots of queue i (1-based) of side s.
  void redraw(int s, index i) {
    const std::int64_t tick = tick_of(s, i);
    book_.set_others(s, tick, draw_invariant(i - 1));
    push(order_flow_kind::set_quantity, s, tick, book_.quantity(s, tick));
  }

  void redraw_all() {
    for (index i = 1; i <= params_.levels(); ++i)
      for (int s = 0; s < 2; ++s) redraw(s, i);
  }

  /// The sum of every event's rate (kept up to date by `refresh_side`).
  [[nodiscard]] double total_rate() const noexcept { return side_rate_[0] + side_rate_[1]; }

  /// The three rates of each queue of side s and their sum, from the queues' sizes.
  void refresh_side(int s) noexcept {
    const index K = params_.levels();
    const auto Q = static_cast<std::int64_t>(params_.max_tabulated());
    const auto row = static_cast<std::size_t>((Q + 1) * 3);  // one level of rates_
    const double* r = rates_.data();
    double* w = &weight_[static_cast<std::size_t>(s * K * 3)];
    const std::int64_t step = s == 0 ? -1 : 1;
    std::int64_t tick = tick_of(s, 1);
    double total = 0.0;
    bool first = true;  // no non-empty queue met yet on this side
    for (index i = 0; i < K; ++i, w += 3, r += row, tick += step) {
      const std::int64_t q = book_.quantity(s, tick);
      const std::int64_t others = q - book_.own_quantity(s, tick);
      const double* rq = r + static_cast<std::size_t>(std::min(q, Q)) * 3;
      w[0] = rq[0];
      w[1] = q == 0 ? 0.0 : others == q ? rq[1] : rq[1] * static_cast<double>(others) / static_cast<double>(q);
      w[2] = (q > 0 && first) ? rq[2] * scale_[s] : 0.0;
      first = first && q == 0;
      total += (w[0] + w[1]) + w[2];
    }
    side_rate_[s] = total;
    first_filled_[static_cast<std::size_t>(s)] = book_.quantity(s, tick_of(s, 1)) > 0;
  }

  void apply(double x) {
    if (params_.feedback > 0.0) {
      apply_with_feedback(x);
      return;
    }
    apply_event(x);
  }

  /// The event, then the flow's decay since the last event and the execution's lots, and
  /// every rate afresh with the new scales.
  void apply_with_feedback(double x) {
    executed_ = 0;
    apply_event(x);
    decay_flow();
    if (executed_ != 0) add_flow(static_cast<double>(executed_));
    rescale();
    refresh_side(0);
    refresh_side(1);
  }

  static constexpr std::size_t kernel_terms = 16;

  /// Decays the flow's components `flow` by `dt` seconds: exp(-dt / tau_j), squaring twice per
  /// shorter time (tau_j = tau_(j+1) / 4) from an `exp` at every fourth (four short chains,
  /// not one of 30 dependent squarings).
  void decay(std::array<double, kernel_terms>& flow, double dt) const noexcept {
    static_assert(kernel_terms == 16, "four chains of four terms");
    if (!(dt > 0.0)) return;
    // four independent chains of squarings (j = 15..12, 11..8, 7..4, 3..0) from four exps
    const double x = -dt / longest_time_;
    double e[4] = {std::exp(x), std::exp(x * 256.0), std::exp(x * 65536.0), std::exp(x * 16777216.0)};
    for (std::size_t step = 0; step < 4; ++step)
      for (std::size_t c = 0; c < 4; ++c) {
        flow[kernel_terms - 1 - 4 * c - step] *= e[c];
        e[c] *= e[c];
        e[c] *= e[c];
      }
  }
  /// F, the sum of the flow's components (four partial sums: no chain of 16 dependent adds).
  [[nodiscard]] static double flow_sum(const std::array<double, kernel_terms>& flow) noexcept {
    double part[4] = {0.0, 0.0, 0.0, 0.0};
    for (std::size_t j = 0; j < kernel_terms; j += 4)
      for (std::size_t c = 0; c < 4; ++c) part[c] += flow[j + c];
    return (part[0] + part[1]) + (part[2] + part[3]);
  }
  /// Decays the flow's components to now.
  void decay_flow() noexcept {
    decay(flow_, now_ - flow_time_);
    flow_time_ = now_;
  }
  void add_flow(double signed_lots) noexcept {
    for (std::size_t j = 0; j < kernel_terms; ++j) flow_[j] += kernel_weight_[j] * signed_lots;
  }
  /// The market orders' scales from the flow F: sells x 1 + c (exp(kappa F) - 1), buys x
  /// 1 + c (exp(-kappa F) - 1) (the exponent capped at 30).
  void rescale() noexcept {
    const double f = flow_sum(flow_);
    const double up = std::exp(std::clamp(params_.feedback * f, -30.0, 30.0));
    const double c = params_.feedback_amplitude;
    if (c == 1.0) {          // exp(+-kappa F) exactly, as before the amplitude existed
      scale_[0] = up;        // sell market orders, at the bids
      scale_[1] = 1.0 / up;  // buy market orders, at the asks
      return;
    }
    scale_[0] = 1.0 + c * (up - 1.0);
    scale_[1] = 1.0 + c * (1.0 / up - 1.0);
  }

  void apply_event(double x) {
    const index K = params_.levels();
    // the side, then the queue and the event type by a scan of the side's rates
    const int s = x < side_rate_[0] || !(side_rate_[1] > 0.0) ? 0 : 1;
    if (s == 1) x -= side_rate_[0];
    const double* w = &weight_[static_cast<std::size_t>(s * K * 3)];
    const auto n = static_cast<std::size_t>(K * 3);
    std::size_t j = 0;
    for (; j + 1 < n && !(x < w[j]); ++j) x -= w[j];
    while (!(w[j] > 0.0) && j > 0) --j;  // rounding at the end of the scan
    const int type = static_cast<int>(j % 3);
    const index i = static_cast<index>(j / 3) + 1;
    const std::int64_t tick = tick_of(s, i);
    if (type == 0) {
      book_.add(s, tick, 1);
      ++report_.limits;
      push(order_flow_kind::limit, s, tick, 1);
      refresh_side(s);
      return;
    }
    if (type == 1) {
      const std::int64_t lots = book_.cancel(s, tick, 1, [this] { return rng_.uniform(); });
      ++report_.cancels;
      if (lots > 0) push(order_flow_kind::cancel, s, tick, lots);
    } else {
      ++report_.markets;
      executed_ += (s == 1 ? 1 : -1) * book_.execute(s, 1, tick, time(), 0, [&](std::int64_t t, std::int64_t lots) {
        push(order_flow_kind::market, s, t, lots);
      });
    }
    if (i == 1 && book_.quantity(s, tick) == 0 && rng_.uniform() < params_.theta) {
      move_reference(s);
      refresh_side(0);
      refresh_side(1);
      return;
    }
    refresh_side(s);
  }

  /// The first queue of side s emptied and p_ref moves one tick towards it.
  void move_reference(int s) {
    const index K = params_.levels();
    ref_ += s == 1 ? 1 : -1;
    ++report_.price_moves;
    if (rng_.uniform() < params_.theta_reinit) {
      redraw_all();
      return;
    }
    // the emptied queue became the other side's first: it is drawn from that queue's
    // invariant law (the price moved because the other side now quotes there, as the
    // observed mid then says); the queue entering the window on the emptied side is drawn;
    // the other side's old K-th queue left the window
    redraw(1 - s, 1);
    redraw(s, K);
  }

  /// The user's market order emptied side s's window and has lots left: HLR model the K
  /// queues only, and the book beyond them is taken as the queues the model would draw there.
  /// p_ref moves one tick towards side s (certainly, not with probability theta: the order
  /// walks on to where liquidity is), as at an emptied first queue, the queue entering the
  /// window is drawn from its invariant law, and so on until side s holds lots, at most
  /// `max_reveal_moves` moves, and never so far down that a bid queue would sit at a price of
  /// 0 or less. Returns whether side s holds lots.
  bool reveal_beyond(int s) {
    for (int k = 0; k < max_reveal_moves; ++k) {
      if (s == 0 && ref_ - params_.levels() < 1) return false;  // the deepest bid queue would be at tick 0
      move_reference(s);
      if (!book_.empty(s)) return true;
    }
    return false;
  }
  static constexpr int max_reveal_moves = 1000;

  /// After a background event (`apply` kept the rates up to date).
  void on_book_change() noexcept {}
  /// After an order of the user: a first queue it emptied (a market order, or the
  /// cancellation of the user's last lots there) moves p_ref towards it with probability
  /// theta, as one the others emptied does, and again while the new first queue is empty (a
  /// market order that walked the book); then every rate afresh.
  void on_own_order() {
    if (params_.feedback > 0.0) {
      decay_flow();
      add_flow(static_cast<double>(own_executed_));
      own_executed_ = 0;
      rescale();
    }
    for (int s = 0; s < 2; ++s) {
      if (!first_filled_[static_cast<std::size_t>(s)] || book_.quantity(s, tick_of(s, 1)) != 0) continue;
      while (book_.quantity(s, tick_of(s, 1)) == 0 && rng_.uniform() < params_.theta) move_reference(s);
      break;  // one order empties one side's first queue at most
    }
    refresh_side(0);
    refresh_side(1);
  }

  queue_reactive_params params_;
  std::vector<double> rates_;
  std::vector<std::vector<double>> invariant_;
  std::vector<double> weight_;         // limit, cancel, market rates of queues 1..K: bids, then asks
  std::array<double, 2> side_rate_{};  // the sum of each side's rates
  std::int64_t ref_ = 0;
  std::array<bool, 2> first_filled_{};  // each side's first queue was non-empty at its last refresh
  // order-flow feedback: the market orders' scales at the bids and asks, the kernel, the flow
  std::array<double, 2> scale_{1.0, 1.0};
  std::array<double, kernel_terms> kernel_weight_{};
  double longest_time_ = 0.0;
  std::array<double, kernel_terms> flow_{};
  double flow_time_ = 0.0;
  std::int64_t executed_ = 0;  // signed lots of the background event being applied
};

}  // namespace footprint
