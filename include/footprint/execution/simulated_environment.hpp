/// @file execution/simulated_environment.hpp
/// @brief `simulated_environment`: an order-book simulator (zero-intelligence or
/// queue-reactive, simulation/) as an `ExecutionEnvironment`, for execution policies and the
/// learning agents to act and train in a book that reacts to their orders. See
/// docs/execution.md ("In the simulator").
#pragma once

#include "footprint/concepts.hpp"
#include "footprint/detail/checks.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/simulation/simulated_fill.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

namespace footprint {

/// The parent order of a `simulated_environment` and its decisions.
struct simulated_environment_params {
  footprint::side side = footprint::side::buy;  ///< the parent order's side
  double quantity = nan;                        ///< X, instrument units, a whole number of lots >= 1
  double horizon_seconds = nan;                 ///< T, seconds, > 0
  index n_steps = 10;                           ///< N decisions, at times 0, T/N, ..., (N - 1) T/N; >= 1
  double warmup_seconds = 60.0;                 ///< background flow before the arrival, seconds, >= 0
  /// After the last interval, what is left is sent at market at once and then once a second
  /// as the book refills, while within this many seconds of the horizon (>= 0; NaN: one
  /// interval, T / N; 0: no completion, what is left is marked at the final mid).
  double completion_seconds = nan;
};

/// An order-book simulator as an `ExecutionEnvironment` (concepts.hpp).
///
/// An episode builds the simulator with the seed given to `reset`, runs `warmup_seconds` of
/// background flow, and takes the mid then as the arrival mid S_0. At decision k the child is
/// sent at time k T / N after the arrival, rounded down to whole lots and capped at what is
/// left: a market child walks the book at once; a `passive_limit` child rests at the own
/// side's touch, `price_offset_ticks` inside it (a price that crosses is marketable in part),
/// and is cancelled at the next decision, whatever it has not filled going back to what is
/// left. After the last decision's interval the resting order is cancelled and what is left
/// is sent at market, once a second as the book refills (a market order fills only what the
/// book holds), for at most `completion_seconds`; anything still left is marked at the final
/// mid and the episode counts as not completed.
///
/// The shortfall of a step is that of the fills during it, s sum q (p - S_0) (s = +1 for a
/// buy, -1 for a sell), plus at the last step the completion's fills and s x_N (S_N - S_0) for
/// what is still left: the Almgren-Chriss world's accounting, in quote currency. Without the
/// completion, an agent would learn that leaving the order unfilled, marked at the mid
/// without impact, is cheap. Observations carry the book's best bid and ask,
/// the tick and the queue imbalance at the touch, (bid - ask depth) / (their sum); the volume
/// rate is NaN.
///
/// @tparam Simulator `zero_intelligence_model` or `queue_reactive_model` (any type with their
///   `params_type` (with a `seed`), `advance`, `seconds`, `mid`, `best_bid`, `best_ask`,
///   `tick_size`, `lot_quantity`, `depth_at`, `submit_market`, `submit_limit`, `cancel` and
///   `fills`).
template <class Simulator>
class simulated_environment {
 public:
  using params_type = typename Simulator::params_type;

  /// @param model the simulator's parameters (its seed is replaced by reset's)
  /// @param params X a whole number of lots >= 1, T > 0, N >= 1, warmup >= 0
  /// @throws invalid_argument for a parameter out of range, and as the simulator's constructor
  simulated_environment(params_type model, simulated_environment_params params)
      : model_(std::move(model)), params_(params) {
    constexpr std::string_view where = "footprint::simulated_environment";
    detail::require_positive(params_.horizon_seconds, where, "horizon_seconds");
    detail::require_at_least(params_.n_steps, 1, where, "n_steps");
    detail::require_non_negative(params_.warmup_seconds, where, "warmup_seconds");
    detail::require_positive(params_.quantity, where, "quantity");
    reset(0);
    const double lots = params_.quantity / sim_->lot_quantity();
    if (std::abs(lots - std::round(lots)) > 1e-9 * lots || lots < 1.0 - 1e-9)
      throw invalid_argument(detail::concat(where, ": quantity must be a whole number of lots of ",
                                            sim_->lot_quantity(), ", at least one (got ", params_.quantity, ")"));
    tau_ = params_.horizon_seconds / double(params_.n_steps);
    completion_ = std::isnan(params_.completion_seconds) ? tau_ : params_.completion_seconds;
    detail::require_non_negative(completion_, where, "completion_seconds");
  }

  /// Starts an episode: a new simulator with this seed, the warmup, the full order left.
  void reset(std::uint64_t seed) {
    params_type p = model_;
    p.seed = seed;
    sim_.emplace(p);
    sim_->advance(params_.warmup_seconds);
    t0_ = sim_->seconds();
    mid0_ = sim_->mid();
    k_ = 0;
    filled_ = 0.0;
    shortfall_ = 0.0;
    max_child_ = 0.0;
    resting_ = 0;
    fills_seen_ = sim_->fills().size();
  }

  /// The observation at the current decision.
  [[nodiscard]] execution_observation observe() const {
    const double bid_depth = sim_->depth_at(side::buy, 0);
    const double ask_depth = sim_->depth_at(side::sell, 0);
    const double depth = bid_depth + ask_depth;
    return {.step = k_,
            .n_steps = params_.n_steps,
            .elapsed = double(k_) * tau_,
            .horizon = params_.horizon_seconds,
            .quantity = params_.quantity,
            .remaining = remaining(),
            .arrival_mid = mid0_,
            .mid = sim_->mid(),
            .bid = sim_->best_bid(),
            .ask = sim_->best_ask(),
            .tick_size = sim_->tick_size(),
            .imbalance = depth > 0.0 ? (bid_depth - ask_depth) / depth : nan};
  }

  /// Sends the child, runs the interval to the next decision, and returns the step's shortfall
  /// (quote currency, positive = cost).
  /// @throws invalid_argument when the episode is over
  double step(const child_order& c) {
    if (done()) throw invalid_argument("footprint::simulated_environment: step after the last decision");
    if (resting_ != 0) (void)sim_->cancel(resting_);
    resting_ = 0;
    const double lot = sim_->lot_quantity();
    const double wanted = std::isfinite(c.quantity) ? std::clamp(c.quantity, 0.0, remaining()) : 0.0;
    const double quantity = std::floor(wanted / lot + 1e-9) * lot;
    if (quantity >= lot) {
      max_child_ = std::max(max_child_, quantity);
      if (c.type == child_order_type::market) {
        (void)sim_->submit_market(params_.side, quantity);
      } else {
        const double inside = double(std::max(c.price_offset_ticks, 0)) * sim_->tick_size();
        const double price = params_.side == side::buy ? sim_->best_bid() + inside : sim_->best_ask() - inside;
        if (price > 0.0) resting_ = sim_->submit_limit(params_.side, price, quantity);
      }
    }
    ++k_;
    sim_->advance(t0_ + double(k_) * tau_);
    double cost = collect_fills();
    if (done()) {
      if (resting_ != 0) (void)sim_->cancel(resting_);
      resting_ = 0;
      const double until = sim_->seconds() + completion_;
      while (completion_ > 0.0 && remaining() >= lot - 1e-9 * lot) {
        (void)sim_->submit_market(params_.side, std::floor(remaining() / lot + 1e-9) * lot);
        cost += collect_fills();
        if (remaining() < lot - 1e-9 * lot || !(sim_->seconds() + 1.0 <= until)) break;
        sim_->advance(sim_->seconds() + 1.0);
        cost += collect_fills();
      }
      if (remaining() > 0.0) cost += sign(params_.side) * remaining() * (sim_->mid() - mid0_);
    }
    shortfall_ += cost;
    return cost;
  }

  /// True after N decisions.
  [[nodiscard]] bool done() const noexcept { return k_ >= params_.n_steps; }
  /// The parent order's side.
  [[nodiscard]] footprint::side side() const noexcept { return params_.side; }
  /// Implementation shortfall so far, quote currency (positive = cost).
  [[nodiscard]] double shortfall() const noexcept { return shortfall_; }
  /// The same in bps of the arrival notional X S_0.
  [[nodiscard]] double shortfall_bps() const noexcept { return shortfall_ / (params_.quantity * mid0_) * 1e4; }
  /// What is left to trade (0 once filled), instrument units.
  [[nodiscard]] double remaining() const noexcept { return std::max(params_.quantity - filled_, 0.0); }
  /// The largest child sent so far (for the degenerate-policy check).
  [[nodiscard]] double max_child() const noexcept { return max_child_; }
  /// The simulator of the current episode.
  [[nodiscard]] const Simulator& simulator() const noexcept { return *sim_; }
  [[nodiscard]] const simulated_environment_params& params() const noexcept { return params_; }

 private:
  // The shortfall of the fills since the last call, s q (p - S_0) each; counts them as filled.
  double collect_fills() {
    const double s = sign(params_.side);
    double cost = 0.0;
    const auto& fills = sim_->fills();
    for (; fills_seen_ < fills.size(); ++fills_seen_) {
      const simulated_fill& f = fills[fills_seen_];
      cost += s * f.quantity * (f.price - mid0_);
      filled_ += f.quantity;
    }
    return cost;
  }

  params_type model_;
  simulated_environment_params params_;
  std::optional<Simulator> sim_;
  double tau_ = nan;
  double completion_ = 0.0;
  double t0_ = 0.0, mid0_ = nan;
  index k_ = 0;
  double filled_ = 0.0, shortfall_ = 0.0, max_child_ = 0.0;
  std::uint64_t resting_ = 0;
  std::size_t fills_seen_ = 0;
};

}  // namespace footprint
