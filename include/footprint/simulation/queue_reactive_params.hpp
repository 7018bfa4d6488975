/// @file simulation/queue_reactive_params.hpp
/// @brief Parameters of the queue-reactive order-book model of Huang, Lehalle and Rosenbaum
/// (2015), and their validation.
///
/// A cheap header: standard library, Eigen/Core and base headers only.
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/types.hpp"

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

namespace footprint {

/// Parameters of `queue_reactive_model` (Huang, Lehalle and Rosenbaum 2015, "Simulating and
/// analyzing order book data: the queue-reactive model", JASA 110(509); Model I for the
/// queues, Model III for the reference price).
///
/// The book is K queues per side around a reference price p_ref: the bid queue i at
/// p_ref - (i - 1/2) ticks and the ask queue i at p_ref + (i - 1/2) ticks, i = 1..K. Queue
/// sizes are integer numbers of lots of `lot_quantity` instrument units (the paper's average
/// event size, AES). The intensities of the events at a queue are functions of that queue's
/// own size q (Model I), the same on both sides (the paper's symmetry assumption); rows are
/// the level i = 1..K, columns the size q = 0..Q, and a queue larger than Q uses column Q:
/// - `limit_rate(i-1, q)`: one lot joins queue i;
/// - `cancel_rate(i-1, q)`: one lot leaves queue i (column 0 is not used);
/// - `market_rate(i-1, q)`: one lot of queue i is executed; market orders hit only the first
///   non-empty queue of a side (column 0 is not used).
///
/// When a side's first queue empties, the reference price moves one tick towards that side
/// with probability `theta` (an empty ask queue: p_ref rises); when it moves, with
/// probability `theta_reinit` every queue is redrawn from its invariant distribution, and
/// otherwise the queues are shifted with it: the emptied queue becomes the other side's first
/// and is drawn from that queue's invariant distribution (so that the observed mid moves with
/// p_ref, as HLR's estimator of p_ref from the mid needs), and a new far queue is drawn.
struct queue_reactive_params {
  double tick_size = 0.01;       ///< price units per tick, > 0
  double lot_quantity = 1.0;     ///< instrument units per lot (average event size), > 0
  matrix limit_rate{};           ///< shape (K, Q + 1), 1/s, >= 0; K >= 1, Q >= 1
  matrix cancel_rate{};          ///< shape (K, Q + 1), 1/s, >= 0
  matrix market_rate{};          ///< shape (K, Q + 1), 1/s, >= 0
  double theta = 0.5;            ///< P(p_ref moves | a first queue empties), in [0, 1]
  double theta_reinit = 0.0;     ///< P(all queues redrawn | p_ref moved), in [0, 1]
  double initial_price = 100.0;  ///< reference price the simulation starts at, price units, > tick_size
  std::uint64_t seed = 0;        ///< random stream
  /// Order-flow feedback (after Noble, Rosenbaum and Souilmi 2026, arXiv 2603.24137): the
  /// signed flow of executions F(t) = sum_k sign_k x lots_k x G(t - t_k) (+ a buy, - a sell,
  /// the user's market orders included; G the power-law kernel below, G(0) = 1) scales the
  /// rate of the others' sell market orders by 1 + c (exp(feedback x F) - 1) and of their buys
  /// by 1 + c (exp(-feedback x F) - 1), c = `feedback_amplitude`: after net buying, sellers
  /// are more active and buyers less. Per lot, finite and >= 0; 0 (the default) is HLR's model.
  /// To first order in F the net reaction is -2 mu c feedback F lots/s (mu the market orders
  /// of a side a second); `feedback` sets where exp leaves its linear range (F of about
  /// 1 / feedback lots), c how fast the market reacts there. Set, not fitted
  /// (docs/simulation.md).
  double feedback = 0.0;
  double feedback_time = 1.0;       ///< tau_0 of the kernel G(t) ~ (1 + t / tau_0)^-beta, s, > 0
  double feedback_exponent = 0.5;   ///< beta of the kernel, in (0, 2]
  double feedback_amplitude = 1.0;  ///< c above, in (0, 1]; 1: the scales exp(+-feedback x F)

  /// Number of queues per side, K.
  [[nodiscard]] index levels() const noexcept { return limit_rate.rows(); }
  /// Largest tabulated queue size, Q.
  [[nodiscard]] index max_tabulated() const noexcept { return limit_rate.cols() - 1; }
};

namespace detail::simulation {

/// Throws `invalid_argument` / `dimension_mismatch` naming `where` and the first parameter
/// out of its range.
inline void validate(const queue_reactive_params& p, std::string_view where) {
  auto bad = [&](std::string_view what, double got) {
    throw invalid_argument(concat(where, ": ", what, " (got ", got, ")"));
  };
  if (!(p.tick_size > 0.0) || !std::isfinite(p.tick_size)) bad("tick_size must be finite and > 0", p.tick_size);
  if (!(p.lot_quantity > 0.0) || !std::isfinite(p.lot_quantity))
    bad("lot_quantity must be finite and > 0", p.lot_quantity);
  if (p.limit_rate.rows() < 1 || p.limit_rate.cols() < 2)
    bad("limit_rate must have K >= 1 rows and Q + 1 >= 2 columns", static_cast<double>(p.limit_rate.size()));
  for (const matrix* m : {&p.cancel_rate, &p.market_rate})
    if (m->rows() != p.limit_rate.rows() || m->cols() != p.limit_rate.cols())
      throw dimension_mismatch(std::string(where), "cancel_rate and market_rate, shape of limit_rate",
                               p.limit_rate.rows() * p.limit_rate.cols(), m->rows() * m->cols());
  for (const matrix* m : {&p.limit_rate, &p.cancel_rate, &p.market_rate})
    for (index k = 0; k < m->size(); ++k)
      if (!((*m)(k) >= 0.0) || !std::isfinite((*m)(k))) bad("every rate must be finite and >= 0", (*m)(k));
  if (!(p.theta >= 0.0 && p.theta <= 1.0)) bad("theta must be in [0, 1]", p.theta);
  if (!(p.theta_reinit >= 0.0 && p.theta_reinit <= 1.0)) bad("theta_reinit must be in [0, 1]", p.theta_reinit);
  if (!(p.feedback >= 0.0) || !std::isfinite(p.feedback)) bad("feedback must be finite and >= 0", p.feedback);
  if (!(p.feedback_time > 0.0) || !std::isfinite(p.feedback_time))
    bad("feedback_time must be finite and > 0", p.feedback_time);
  if (!(p.feedback_exponent > 0.0 && p.feedback_exponent <= 2.0))
    bad("feedback_exponent must be in (0, 2]", p.feedback_exponent);
  if (!(p.feedback_amplitude > 0.0 && p.feedback_amplitude <= 1.0))
    bad("feedback_amplitude must be in (0, 1]", p.feedback_amplitude);
  if (!(p.initial_price > p.tick_size) || !std::isfinite(p.initial_price))
    bad("initial_price must be finite and > tick_size", p.initial_price);
}

}  // namespace detail::simulation
}  // namespace footprint
