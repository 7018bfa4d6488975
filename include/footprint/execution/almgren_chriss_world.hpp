/// @file execution/almgren_chriss_world.hpp
/// @brief The Almgren-Chriss world: an execution environment where the optimum is known in
/// closed form (arithmetic Brownian price, linear permanent and temporary impact; Almgren
/// and Chriss 2000, section 2), to check policies and agents against it. See
/// docs/execution.md.
///
/// An episode sells (or buys) X over T in N decisions. At decision k = 1..N the policy's
/// child n_k (at most what is left) trades at S~_k = S_{k-1} - sign (epsilon + eta n_k / tau)
/// (eq. 7, for a sell; a buy pays the same amounts above), then the price moves:
/// S_k = S_{k-1} + sigma sqrt(tau) xi_k - sign gamma n_k (eq. 3), xi_k iid N(0, 1). The
/// implementation shortfall X S_0 - sum n_k S~_k (for a sell) has, for a fixed trajectory,
/// mean E = gamma X^2 / 2 + epsilon sum |n_k| + (eta - gamma tau / 2) / tau sum n_k^2 (eq. 8)
/// and variance V = sigma^2 tau sum x_k^2 (eq. 5): `almgren_chriss::schedule`'s cost.
/// What is left after the last decision is marked at S_N (opportunity cost; the episode
/// counts as not completed).
#pragma once
#include "footprint/detail/checks.hpp"
#include "footprint/detail/random.hpp"
#include "footprint/error.hpp"
#include "footprint/execution/almgren_chriss.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string_view>

namespace footprint {

/// The order and price of an Almgren-Chriss world; the impact and risk are the model's.
struct almgren_chriss_world_params {
  almgren_chriss_params model{};                 ///< gamma, eta, epsilon, sigma, N (n_intervals); lambda unused here
  double quantity = nan;                         ///< X, shares, > 0
  double horizon = nan;                          ///< T, the model's time units, > 0
  double initial_price = nan;                    ///< S_0, quote currency per share, > 0
  footprint::side side = footprint::side::sell;  ///< sell (the paper's liquidation) or buy
};

/// The Almgren-Chriss world (see the file comment): `reset(seed)`, then `observe()` and
/// `step(child)` N times. Deterministic given the seed (footprint's xoshiro256**).
class almgren_chriss_world {
 public:
  /// @param params the model (validated by `almgren_chriss`), X > 0, T > 0, S_0 > 0 (the world
  ///        runs for any eta_tilde; the closed forms need eta_tilde > 0)
  /// @throws invalid_argument for a parameter out of range
  explicit almgren_chriss_world(const almgren_chriss_world_params& params) : params_(params), model_(params.model) {
    constexpr std::string_view where = "footprint::almgren_chriss_world";
    detail::require_positive(params.quantity, where, "quantity");
    detail::require_positive(params.horizon, where, "horizon");
    detail::require_positive(params.initial_price, where, "initial_price");
    tau_ = params.horizon / static_cast<double>(params.model.n_intervals);
    reset(0);
  }

  /// Starts an episode: the full order left, the price at S_0, the noise of `seed`.
  void reset(std::uint64_t seed) noexcept {
    rng_ = detail::xoshiro256ss(seed);
    k_ = 0;
    remaining_ = params_.quantity;
    price_ = params_.initial_price;
    shortfall_ = 0.0;
    max_child_ = 0.0;
  }

  /// The observation at the current decision (no book: bid, ask, imbalance and tick NaN;
  /// volume_rate NaN).
  [[nodiscard]] execution_observation observe() const noexcept {
    return {.step = k_,
            .n_steps = params_.model.n_intervals,
            .elapsed = static_cast<double>(k_) * tau_,
            .horizon = params_.horizon,
            .quantity = params_.quantity,
            .remaining = remaining_,
            .arrival_mid = params_.initial_price,
            .mid = price_};
  }

  /// Trades the child (at most what is left; a negative or NaN quantity trades nothing) over
  /// the next interval, then moves the price. Every child type trades as a market order.
  /// After the last decision, what is left is marked at the final price.
  /// @return the shortfall of this step, quote currency (positive = cost)
  /// @throws invalid_argument when the episode is over (N decisions made)
  double step(const child_order& c) {
    if (done()) throw invalid_argument("footprint::almgren_chriss_world: step after the last decision");
    const double s = sign(params_.side);
    const double n = std::isfinite(c.quantity) ? std::clamp(c.quantity, 0.0, remaining_) : 0.0;
    const almgren_chriss_params& m = params_.model;
    const double temporary = n > 0.0 ? m.epsilon + m.eta * n / tau_ : 0.0;
    const double traded_at = price_ + s * temporary;  // a sell receives less, a buy pays more
    double cost = s * n * (traded_at - params_.initial_price);
    remaining_ -= n;
    max_child_ = std::max(max_child_, n);
    price_ += m.sigma * std::sqrt(tau_) * rng_.normal() + s * m.gamma * n;
    ++k_;
    if (done() && remaining_ > 0.0) cost += s * remaining_ * (price_ - params_.initial_price);
    shortfall_ += cost;
    return cost;
  }

  /// The parent order's side.
  [[nodiscard]] footprint::side side() const noexcept { return params_.side; }
  /// True after N decisions.
  [[nodiscard]] bool done() const noexcept { return k_ >= params_.model.n_intervals; }
  /// Implementation shortfall so far, quote currency (positive = cost).
  [[nodiscard]] double shortfall() const noexcept { return shortfall_; }
  /// The same in bps of the arrival notional X S_0.
  [[nodiscard]] double shortfall_bps() const noexcept {
    return shortfall_ / (params_.quantity * params_.initial_price) * 1e4;
  }
  /// What is left to trade.
  [[nodiscard]] double remaining() const noexcept { return remaining_; }
  /// The largest child traded so far (for the degenerate-policy check).
  [[nodiscard]] double max_child() const noexcept { return max_child_; }
  /// The parameters.
  [[nodiscard]] const almgren_chriss_world_params& params() const noexcept { return params_; }
  /// The Almgren-Chriss model of the world (for the closed forms).
  [[nodiscard]] const almgren_chriss& model() const noexcept { return model_; }

 private:
  almgren_chriss_world_params params_;
  almgren_chriss model_;
  double tau_ = nan;
  detail::xoshiro256ss rng_{0};
  index k_ = 0;
  double remaining_ = nan, price_ = nan, shortfall_ = 0.0, max_child_ = 0.0;
};

}  // namespace footprint
