/// @file execution/execution_policies.hpp
/// @brief The classical execution policies, each an `ExecutionPolicy` (concepts.hpp): TWAP,
/// POV, a fixed schedule (e.g. the static Almgren-Chriss trajectory) and the adaptive
/// Almgren-Chriss policy that re-solves the trajectory from the inventory left at each
/// decision, and passive limit orders with catch-up. See docs/execution.md.
///
/// Each sends market children, except the passive policy's resting slices; the environment
/// trades at most what is left. They are the baselines a learning agent is judged against
/// (execution/policy_evaluation.hpp).
#pragma once
#include "footprint/concepts.hpp"
#include "footprint/detail/checks.hpp"
#include "footprint/error.hpp"
#include "footprint/execution/almgren_chriss.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <cmath>
#include <string_view>
#include <utility>

namespace footprint {

/// TWAP: the quantity left, spread evenly over the decisions left: remaining / (N - k).
/// Stateless. Completes the order at the last decision.
class twap_policy {
 public:
  /// The child at decision k: remaining / (N - k), market.
  [[nodiscard]] child_order act(const execution_observation& o) const noexcept {
    const index left = std::max<index>(o.n_steps - o.step, 1);
    return {.quantity = o.remaining / static_cast<double>(left)};
  }
  /// Nothing to forget.
  void reset() noexcept {}
};

/// POV: a fixed share of the market's volume over the next interval,
/// participation x volume_rate x (T - t) / (N - k), capped at what is left; at the last
/// decision, everything left (so that the order completes: set `complete = false` for a
/// pure POV that may leave some). Stateless.
class pov_policy {
 public:
  /// @param participation share of the market's volume, in (0, 1]
  /// @param complete send everything left at the last decision
  /// @throws invalid_argument for a participation out of range
  explicit pov_policy(double participation, bool complete = true) : participation_(participation), complete_(complete) {
    detail::require_in(participation, 0.0, 1.0, detail::bounds::open_closed, "footprint::pov_policy", "participation");
  }
  /// The child at decision k; 0 when the volume rate is unknown (NaN) before the last decision.
  [[nodiscard]] child_order act(const execution_observation& o) const noexcept {
    if (complete_ && o.step + 1 >= o.n_steps) return {.quantity = o.remaining};
    const index left = std::max<index>(o.n_steps - o.step, 1);
    const double interval = (o.horizon - o.elapsed) / static_cast<double>(left);
    const double q = participation_ * o.volume_rate * interval;
    return {.quantity = std::isfinite(q) ? std::clamp(q, 0.0, o.remaining) : 0.0};
  }
  /// Nothing to forget.
  void reset() noexcept {}
  /// The participation rate.
  [[nodiscard]] double participation() const noexcept { return participation_; }

 private:
  double participation_;
  bool complete_;
};

/// A fixed schedule of N children, one per decision (e.g. `almgren_chriss::schedule(X,
/// T).trades`: the static Almgren-Chriss policy). At decision k it sends what the schedule
/// has traded by then, less what was traded: sum_{j <= k} n_j - (X - remaining), at least
/// 0, so a shortfall (a child the environment could not fill) is caught up. Stateless.
class schedule_policy {
 public:
  /// @param trades (N) children, finite and >= 0, in the order's units
  /// @throws invalid_argument for an empty schedule or a negative or non-finite child
  explicit schedule_policy(vector trades) : cumulative_(std::move(trades)) {
    constexpr std::string_view where = "footprint::schedule_policy";
    if (cumulative_.size() < 1) throw invalid_argument(std::string(where) + ": the schedule has no child");
    for (index j = 0; j < cumulative_.size(); ++j) {
      detail::require(std::isfinite(cumulative_[j]) && cumulative_[j] >= 0.0, where, "trades", "finite and >= 0",
                      cumulative_[j]);
      if (j > 0) cumulative_[j] += cumulative_[j - 1];
    }
  }
  /// The child at decision k (the schedule's last entry for k >= N).
  [[nodiscard]] child_order act(const execution_observation& o) const noexcept {
    const index k = std::min<index>(o.step, cumulative_.size() - 1);
    const double done = o.quantity - o.remaining;
    return {.quantity = std::clamp(cumulative_[k] - done, 0.0, o.remaining)};
  }
  /// Nothing to forget.
  void reset() noexcept {}
  /// The schedule's cumulative quantities, (N).
  [[nodiscard]] const vector& cumulative() const noexcept { return cumulative_; }

 private:
  vector cumulative_;
};

/// The adaptive Almgren-Chriss policy: at each decision, the optimal trajectory for the
/// inventory left over the time left with the decisions left (`almgren_chriss::schedule`
/// with N - k intervals), and its first child. In the Almgren-Chriss world (arithmetic
/// Brownian price, linear impact) the optimum is time-consistent and this equals the static
/// trajectory; in other environments it reacts to fills that fall short of the plan.
class adaptive_almgren_chriss_policy {
 public:
  /// @param model the Almgren-Chriss model (its parameters, risk aversion and time unit)
  explicit adaptive_almgren_chriss_policy(almgren_chriss model) : model_(std::move(model)) {}
  /// The first child of the trajectory re-solved at decision k; everything left at the last.
  /// @throws invalid_argument when the model is undefined for the interval left (eta_tilde <= 0)
  [[nodiscard]] child_order act(const execution_observation& o) const {
    const index left = std::max<index>(o.n_steps - o.step, 1);
    if (left == 1 || !(o.remaining > 0.0)) return {.quantity = std::max(o.remaining, 0.0)};
    almgren_chriss_params p = model_.params();
    p.n_intervals = left;
    const almgren_chriss_schedule s = almgren_chriss(p).schedule(o.remaining, o.horizon - o.elapsed);
    return {.quantity = std::clamp(s.trades[0], 0.0, o.remaining)};
  }
  /// Nothing to forget.
  void reset() noexcept {}
  /// The model.
  [[nodiscard]] const almgren_chriss& model() const noexcept { return model_; }

 private:
  almgren_chriss model_;
};

/// Passive limit orders with catch-up: TWAP's slices rested as limit orders at the touch, and
/// market orders when the fills fall behind. At decision k, with x the inventory left and
/// x_twap = X (N - k) / N what TWAP would have left: behind by more than a slice
/// (x - x_twap > x / (N - k)) it sends x - x_twap at market; otherwise it rests the slice
/// x / (N - k) as a `passive_limit` child `offset_ticks` inside the touch (the environment
/// cancels it at the next decision); at the last decision it sends everything left at market.
/// Where every child trades at market (the Almgren-Chriss world) it is TWAP.
class passive_catch_up_policy {
 public:
  /// @param offset_ticks ticks inside the touch, >= 0 (0: at it)
  /// @throws invalid_argument for a negative offset
  explicit passive_catch_up_policy(int offset_ticks = 0) : offset_(offset_ticks) {
    detail::require_at_least(offset_ticks, 0, "footprint::passive_catch_up_policy", "offset_ticks");
  }
  /// The child at decision k (see the class comment).
  [[nodiscard]] child_order act(const execution_observation& o) const noexcept {
    const index left = std::max<index>(o.n_steps - o.step, 1);
    const double remaining = std::max(o.remaining, 0.0);
    if (left == 1) return {.quantity = remaining};
    const double slice = remaining / double(left);
    const double behind = remaining - o.quantity * double(left) / double(o.n_steps);
    if (behind > slice) return {.quantity = behind};
    return {.quantity = slice, .type = child_order_type::passive_limit, .price_offset_ticks = offset_};
  }
  /// Nothing to forget.
  void reset() noexcept {}

 private:
  int offset_ = 0;
};

static_assert(ExecutionPolicy<twap_policy>);
static_assert(ExecutionPolicy<pov_policy>);
static_assert(ExecutionPolicy<schedule_policy>);
static_assert(ExecutionPolicy<adaptive_almgren_chriss_policy>);
static_assert(ExecutionPolicy<passive_catch_up_policy>);

}  // namespace footprint
