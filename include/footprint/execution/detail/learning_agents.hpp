/// @file execution/detail/learning_agents.hpp
/// @brief What footprint's learning execution agents (tabular Q-learning, double DQN) share:
/// the marked-to-market step cost with its risk charge, and the greedy policy's mean cost on
/// fixed evaluation episodes (the stability check).
#pragma once

#include "footprint/concepts.hpp"
#include "footprint/detail/checks.hpp"
#include "footprint/detail/random.hpp"
#include "footprint/error.hpp"
#include "footprint/types.hpp"

#include <boost/math/special_functions/erf.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace footprint::detail {

/// The agents' default child sizes, as fractions of the inventory left: 0, 0.05, ..., 1.
[[nodiscard]] inline std::vector<double> default_size_fractions() {
  return {0.0,  0.05, 0.1,  0.15, 0.2,  0.25, 0.3,  0.35, 0.4,  0.45, 0.5,
          0.55, 0.6,  0.65, 0.7,  0.75, 0.8,  0.85, 0.9,  0.95, 1.0};
}

/// Checks an agent's actions: sizes in [0, 1], at least one; kinds with offsets >= 0, at
/// least one.
/// @throws invalid_argument naming `where` and the field
inline void validate_actions(const std::vector<double>& size_fractions, const std::vector<child_order>& order_kinds,
                             std::string_view where) {
  if (size_fractions.empty()) throw invalid_argument(std::string(where) + ": size_fractions must not be empty");
  for (const double f : size_fractions) require_in(f, 0.0, 1.0, bounds::closed, where, "size_fractions");
  if (order_kinds.empty()) throw invalid_argument(std::string(where) + ": order_kinds must not be empty");
  for (const child_order& k : order_kinds)
    require_at_least(k.price_offset_ticks, 0, where, "order_kinds.price_offset_ticks");
}

/// The child of `action` (size index * kinds + kind index) at observation o; at the last of
/// n_steps decisions, everything left at market (the order must complete).
[[nodiscard]] inline child_order action_child(const execution_observation& o, index action, index n_steps,
                                              const std::vector<double>& size_fractions,
                                              const std::vector<child_order>& order_kinds) noexcept {
  if (o.step + 1 >= n_steps) return child_order{.quantity = o.remaining};
  const auto kinds = static_cast<index>(order_kinds.size());
  child_order c = order_kinds[static_cast<std::size_t>(action % kinds)];
  c.quantity = size_fractions[static_cast<std::size_t>(action / kinds)] * o.remaining;
  return c;
}

/// The cost of one step (see `tabular_q_learning`'s class comment):
///
///     c_k = shortfall_k + s x_k (S_k - S_0) - s x_{k-1} (S_{k-1} - S_0) + lambda sigma^2 tau x_k^2,
///
/// the step's shortfall marked to market plus the risk charge of what is held over the next
/// interval (the mark of x_k is left out after the last decision, where the environment has
/// already charged what is left). s = +1 for a buy, -1 for a sell. Quote currency.
[[nodiscard]] inline double marked_step_cost(const execution_observation& before, const execution_observation& after,
                                             double shortfall, double s, bool last, double risk_aversion,
                                             double variance_rate) noexcept {
  const double tau = before.horizon / double(before.n_steps);
  double c = shortfall - s * before.remaining * (before.mid - before.arrival_mid) +
             risk_aversion * variance_rate * tau * after.remaining * after.remaining;
  if (!last) c += s * after.remaining * (after.mid - before.arrival_mid);
  return c;
}

/// The greedy policy's cost (sum of marked step costs) on each of `episodes` evaluation
/// episodes with seeds member_seed(~seed, i), i < episodes: the same at every check (common
/// random numbers), apart from the training episodes'.
template <ExecutionEnvironment Env, class Act>
[[nodiscard]] std::vector<double> greedy_episode_costs(Env& env, Act&& act, index episodes, std::uint64_t seed,
                                                       double risk_aversion, double variance_rate) {
  const double s = sign(env.side());
  std::vector<double> out(static_cast<std::size_t>(episodes), 0.0);
  for (index i = 0; i < episodes; ++i) {
    env.reset(member_seed(~seed, static_cast<std::uint64_t>(i)));
    execution_observation o = env.observe();
    while (!env.done()) {
      const double cost = env.step(act(o));
      const execution_observation next = env.observe();
      out[static_cast<std::size_t>(i)] += marked_step_cost(o, next, cost, s, env.done(), risk_aversion, variance_rate);
      o = next;
    }
  }
  return out;
}

/// The stability check of the learning agents. Records the greedy policy's mean cost on the
/// evaluation episodes in `means` and returns the first episode from which the policy counts
/// as stable: `since` unchanged when the policy did not move since the previous check, else
/// `episode`. It moved when its mean cost changed by more than `tolerance` of itself and the
/// change is significant: the paired difference of the per-episode costs from the previous
/// check's (the same episodes) exceeds z standard errors, z the two-sided normal quantile at
/// 5% / n_checks (Bonferroni over the run's `n_checks` checks, so that a run whose policy
/// never changes its expected cost is declared moving at some check with probability at most
/// 5%, however many checks it makes; one check: z = 1.96). With one evaluation episode the
/// tolerance alone decides. `previous` becomes `costs`.
[[nodiscard]] inline index stability_update(std::vector<double>& means, std::vector<double>& previous,
                                            std::vector<double> costs, index episode, index since, double tolerance,
                                            index n_checks) {
  const auto n = static_cast<double>(costs.size());
  double mean = 0.0;
  for (const double c : costs) mean += c;
  mean /= n;
  means.push_back(mean);
  bool moved = false;
  if (previous.size() == costs.size()) {
    double d_mean = 0.0;
    for (std::size_t i = 0; i < costs.size(); ++i) d_mean += costs[i] - previous[i];
    d_mean /= n;
    moved = std::abs(d_mean) > tolerance * std::abs(mean);
    if (moved && costs.size() >= 2) {
      double ss = 0.0;
      for (std::size_t i = 0; i < costs.size(); ++i) {
        const double r = costs[i] - previous[i] - d_mean;
        ss += r * r;
      }
      const double se = std::sqrt(ss / (n - 1.0) / n);
      const double z = std::numbers::sqrt2 * boost::math::erfc_inv(0.05 / double(std::max<index>(n_checks, 1)));
      moved = std::abs(d_mean) > z * se;
    }
  }
  previous = std::move(costs);
  return moved ? episode : since;
}

}  // namespace footprint::detail
