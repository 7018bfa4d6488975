/// @file execution/policy_evaluation.hpp
/// @brief The evaluation protocol of execution policies, the same for every policy: episodes
/// with common random numbers, implementation shortfall in bps, completion rate, CVaR 95%,
/// and a paired comparison with a 95% confidence interval whose verdict is "parity" when
/// the interval contains 0. A policy that trades (almost) everything in one child is flagged
/// as degenerate. See docs/execution.md.
///
/// An environment is any type with `reset(seed)`, `observe()`, `step(child)`, `done()`,
/// `shortfall_bps()`, `remaining()` and `max_child()`, as `almgren_chriss_world`.
#pragma once
#include "footprint/concepts.hpp"
#include "footprint/detail/checks.hpp"
#include "footprint/detail/random.hpp"
#include "footprint/error.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace footprint {

/// Settings of `evaluate_policy` and `compare_policies`.
struct policy_evaluation_params {
  index n_episodes = 200;  ///< episodes (seeds), >= 30 (the protocol asks for at least 200)
  std::uint64_t seed = 0;  ///< episode e uses stream e of this seed, for every policy (common random numbers)
  /// A policy whose largest child is at least this share of the order, on average, is
  /// flagged degenerate (it "sells everything at once"); in (0, 1].
  double degenerate_share = 0.99;
  /// Differences whose whole confidence interval is within this of 0 are rounding, not a
  /// difference: "parity" (two policies that trade the same children differ by about
  /// 1e-14 bps), bps, >= 0.
  double tolerance_bps = 1e-9;
};

/// One policy's episodes.
struct policy_evaluation {
  vector shortfall_bps;          ///< (n_episodes) implementation shortfall, bps of the arrival notional
  double mean_bps = nan;         ///< its mean
  double std_bps = nan;          ///< its sample standard deviation
  double cvar95_bps = nan;       ///< mean of the worst ceil(5% n) shortfalls
  double completion_rate = nan;  ///< share of episodes that traded the whole order, [0, 1]
  /// Mean over episodes of the share of the order left untraded at the end, [0, 1]. A world
  /// that marks what is left at the final mid (`simulated_environment` once its completion
  /// runs out) charges it no spread and no impact: a policy that leaves more than another is
  /// cheaper for it, and their costs do not compare.
  double unfilled_share = nan;
  double max_child_share = nan;  ///< mean over episodes of the largest child / X, [0, 1]
  bool degenerate = false;       ///< max_child_share >= degenerate_share
};

/// What `compare_policies` says about policy a against policy b (lower shortfall is better).
struct policy_comparison {
  policy_evaluation a;               ///< the first policy's episodes
  policy_evaluation b;               ///< the second's, on the same seeds
  double mean_difference_bps = nan;  ///< mean of a - b per episode, bps (negative: a cheaper)
  double std_error_bps = nan;        ///< its standard error, sd(a - b) / sqrt(n)
  double ci_low_bps = nan;           ///< 95% confidence interval of the mean difference (Student t, n - 1 df)
  double ci_high_bps = nan;          ///< upper end
  /// "better" (a cheaper: the interval below 0), "worse" (above 0) or "parity" (it contains 0,
  /// or lies within `tolerance_bps` of it).
  std::string_view verdict = "parity";
};

/// Conditional value at risk at 95% of costs (positive = cost): the mean of the worst
/// ceil(5% n) finite values; NaN when there is none.
[[nodiscard]] inline double cvar_95(const vector& costs) {
  std::vector<double> v;
  for (index k = 0; k < costs.size(); ++k)
    if (std::isfinite(costs[k])) v.push_back(costs[k]);
  if (v.empty()) return nan;
  std::sort(v.begin(), v.end());
  const auto tail = static_cast<std::size_t>(std::ceil(0.05 * static_cast<double>(v.size())));
  double s = 0.0;
  for (std::size_t i = v.size() - tail; i < v.size(); ++i) s += v[i];
  return s / static_cast<double>(tail);
}

namespace detail::execution {

/// The 97.5% quantile of Student's t with `df` degrees of freedom, df >= 30: the
/// Cornish-Fisher expansion around the normal's 1.959963984540054 (Abramowitz and Stegun
/// 26.7.5), within 1e-5 of the exact value there.
[[nodiscard]] inline double student_t_975(double df) noexcept {
  const double z = 1.959963984540054;
  const double z3 = z * z * z, z5 = z3 * z * z, z7 = z5 * z * z;
  return z + (z3 + z) / (4.0 * df) + (5.0 * z5 + 16.0 * z3 + 3.0 * z) / (96.0 * df * df) +
         (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * z) / (384.0 * df * df * df);
}

[[nodiscard]] inline double mean_of(const vector& v) { return v.mean(); }

[[nodiscard]] inline double sd_of(const vector& v) {
  const double m = v.mean();
  return std::sqrt((v.array() - m).square().sum() / static_cast<double>(v.size() - 1));
}

inline void check_params(const policy_evaluation_params& p, std::string_view where) {
  detail::require_at_least(p.n_episodes, index{30}, where, "n_episodes");
  detail::require_in(p.degenerate_share, 0.0, 1.0, detail::bounds::open_closed, where, "degenerate_share");
  detail::require_non_negative(p.tolerance_bps, where, "tolerance_bps");
}

}  // namespace detail::execution

/// Runs `policy` for `params.n_episodes` episodes of `world` (episode e with the seed of
/// stream e of `params.seed`), resetting the policy before each.
/// @throws invalid_argument for n_episodes < 30 or a degenerate_share out of (0, 1]
template <class World, ExecutionPolicy Policy>
[[nodiscard]] policy_evaluation evaluate_policy(World world, Policy policy,
                                                const policy_evaluation_params& params = {}) {
  detail::execution::check_params(params, "footprint::evaluate_policy");
  policy_evaluation out;
  out.shortfall_bps.resize(params.n_episodes);
  index completed = 0;
  double max_share = 0.0, unfilled = 0.0;
  for (index e = 0; e < params.n_episodes; ++e) {
    world.reset(detail::member_seed(params.seed, static_cast<std::uint64_t>(e)));
    policy.reset();
    while (!world.done()) (void)world.step(policy.act(world.observe()));
    out.shortfall_bps[e] = world.shortfall_bps();
    const double quantity = world.observe().quantity;
    completed += world.remaining() <= 1e-9 * quantity ? 1 : 0;
    unfilled += world.remaining() / quantity;
    max_share += world.max_child() / quantity;
  }
  const auto n = static_cast<double>(params.n_episodes);
  out.mean_bps = detail::execution::mean_of(out.shortfall_bps);
  out.std_bps = detail::execution::sd_of(out.shortfall_bps);
  out.cvar95_bps = cvar_95(out.shortfall_bps);
  out.completion_rate = static_cast<double>(completed) / n;
  out.unfilled_share = unfilled / n;
  out.max_child_share = max_share / n;
  out.degenerate = out.max_child_share >= params.degenerate_share;
  return out;
}

/// Runs policies a and b on the same episodes (common random numbers) and compares their
/// shortfalls pairwise: the mean difference a - b, its 95% confidence interval (paired
/// Student t), and the verdict, "parity" when the interval contains 0.
/// @throws invalid_argument as `evaluate_policy`
template <class World, ExecutionPolicy A, ExecutionPolicy B>
[[nodiscard]] policy_comparison compare_policies(const World& world, A a, B b,
                                                 const policy_evaluation_params& params = {}) {
  policy_comparison out;
  out.a = evaluate_policy(world, std::move(a), params);
  out.b = evaluate_policy(world, std::move(b), params);
  const vector d = out.a.shortfall_bps - out.b.shortfall_bps;
  const auto n = static_cast<double>(d.size());
  out.mean_difference_bps = d.mean();
  out.std_error_bps = detail::execution::sd_of(d) / std::sqrt(n);
  const double t = detail::execution::student_t_975(n - 1.0);
  out.ci_low_bps = out.mean_difference_bps - t * out.std_error_bps;
  out.ci_high_bps = out.mean_difference_bps + t * out.std_error_bps;
  if (std::max(std::abs(out.ci_low_bps), std::abs(out.ci_high_bps)) <= params.tolerance_bps)
    out.verdict = "parity";
  else if (out.ci_high_bps < 0.0)
    out.verdict = "better";
  else if (out.ci_low_bps > 0.0)
    out.verdict = "worse";
  else
    out.verdict = "parity";
  return out;
}

}  // namespace footprint
