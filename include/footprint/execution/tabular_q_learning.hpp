/// @file execution/tabular_q_learning.hpp
/// @brief `tabular_q_learning`: the tabular Q-learning execution agent of Nevmyvaka, Feng and
/// Kearns (2006), trained in any `ExecutionEnvironment` and acting as an `ExecutionPolicy`
/// through its greedy policy. See docs/execution.md ("Agents").
#pragma once

#include "footprint/concepts.hpp"
#include "footprint/detail/checks.hpp"
#include "footprint/detail/random.hpp"
#include "footprint/error.hpp"
#include "footprint/execution/detail/learning_agents.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace footprint {

/// Parameters of `tabular_q_learning`, validated by its constructor.
struct tabular_q_learning_params {
  /// Buckets of the inventory left, remaining / X in [0, 1] cut into equal parts; >= 1.
  index inventory_buckets = 50;
  /// Buckets of the spread, in ticks: 1, 2, ..., spread_buckets or more; >= 1 (NaN: bucket 0).
  index spread_buckets = 1;
  /// Buckets of the queue imbalance, [-1, 1] cut into equal parts; >= 1 (NaN: bucket 0).
  index imbalance_buckets = 1;
  /// Child sizes, as fractions of the inventory left, each in [0, 1]; at least one
  /// (default 0, 0.05, ..., 1).
  std::vector<double> size_fractions = detail::default_size_fractions();
  /// The kinds of child (quantity ignored): e.g. market, a limit at the touch (offset 0) and a
  /// limit one tick better (offset 1). An action is a size fraction and a kind; at least one.
  std::vector<child_order> order_kinds = {child_order{}};
  /// lambda, the risk aversion, 1 / quote currency, >= 0 (Almgren and Chriss's: the agent
  /// minimises E + lambda V).
  double risk_aversion = 0.0;
  /// sigma^2, the risk model's variance of the mid per unit of time, price^2 per time unit,
  /// >= 0: each step is charged lambda sigma^2 tau x_k^2 for the x_k held over the next tau.
  double variance_rate = 0.0;
  index episodes = 300'000;    ///< training episodes, >= 1
  double epsilon_start = 1.0;  ///< exploration rate of the first episode, in [0, 1]
  double epsilon_end = 0.05;   ///< of the last (linear in between), in [0, 1]
  /// omega: the learning rate of a state-action is 1 / visits^omega, in (0.5, 1] (1: the
  /// running mean of its targets).
  double learning_rate_exponent = 0.8;
  /// Every `stability_check` episodes (>= 1) the greedy policy runs `stability_episodes`
  /// (>= 1) evaluation episodes with fixed seeds (the same ones each time: common random
  /// numbers) and its mean cost there (shortfall plus risk charge) is recorded. The policy
  /// moved at a check when that cost changed by more than `stability_tolerance` (>= 0) of
  /// itself and the change is significant (the paired 95% interval of the per-episode
  /// differences excludes 0: the protocol's "not parity"); it counts as stable from the first
  /// check after which it never moved.
  index stability_check = 1'000;
  index stability_episodes = 64;
  double stability_tolerance = 5e-3;
  std::uint64_t seed = 0;  ///< episode e uses the environment seed member_seed(seed, e)

  /// Settings for an order-book simulator (execution/simulated_environment.hpp), as
  /// footprint-execute uses them: 10 inventory, 2 spread and 3 imbalance buckets; sizes 0, 0.1,
  /// 0.2, 0.3, 0.5 and 1 of what is left; market or a limit at the touch; 100,000 episodes.
  [[nodiscard]] static tabular_q_learning_params order_book() {
    tabular_q_learning_params p;
    p.inventory_buckets = 10;
    p.spread_buckets = 2;
    p.imbalance_buckets = 3;
    p.size_fractions = {0.0, 0.1, 0.2, 0.3, 0.5, 1.0};
    p.order_kinds = {child_order{}, child_order{.type = child_order_type::passive_limit}};
    p.episodes = 100'000;
    return p;
  }
};

/// What training did.
struct q_learning_training {
  index episodes = 0;                ///< episodes trained
  double seconds = 0.0;              ///< wall-clock time (the only non-deterministic output)
  double episodes_per_second = 0.0;  ///< episodes / seconds
  /// The first episode from which the greedy policy was stable (see
  /// `tabular_q_learning_params::stability_check`); 0 when it never moved, `episodes` when it
  /// moved at the last check.
  index stable_since = 0;
  /// The greedy policy's mean cost on the evaluation episodes at each check, quote currency.
  std::vector<double> greedy_cost;
};

/// Everything a trained agent holds (for persistence, io/q_learning_json.hpp).
struct tabular_q_learning_state {
  tabular_q_learning_params params;
  index n_steps = 0;                 ///< N, decisions per episode of the environment trained in
  std::vector<double> q;             ///< expected cost-to-go, (N, inventory, spread, imbalance, action), row-major
  std::vector<std::int64_t> visits;  ///< updates of each entry
};

/// Tabular Q-learning for optimal execution (Nevmyvaka, Feng and Kearns 2006, "Reinforcement
/// learning for optimized trade execution", ICML; Watkins and Dayan 1992; van Hasselt 2010,
/// "Double Q-learning", NeurIPS).
///
/// State: the decision k in [0, N), the inventory left (bucketed), the spread and the queue
/// imbalance (bucketed; one bucket each when the environment has no book). Action: a child
/// of a fraction of the inventory left and a kind (market or a limit order); at the last
/// decision the agent sends everything left as a market order (the order must complete).
///
/// The cost of a step is its marked-to-market shortfall plus a risk charge:
///
///     c_k = shortfall_k + s x_k (S_k - S_0) - s x_{k-1} (S_{k-1} - S_0) + lambda sigma^2 tau x_k^2,
///
/// s = +1 for a buy and -1 for a sell, S the mid, x_k the inventory after decision k. The
/// marked terms telescope (sum_k c_k = the shortfall + lambda V for a fixed trajectory), but
/// each step then carries only the price noise of its own interval, s x_k sigma sqrt(tau) xi_k,
/// instead of all the moves since arrival.
///
/// Learning is double Q-learning (van Hasselt 2010): two tables QA and QB estimate the
/// expected cost to go; after each step one of them, drawn at random, say QA, moves towards
/// c_k + QB(next state, argmin_a QA(next state, a)) (0 after the last decision) with the
/// learning rate 1 / visits^omega. One table's noise then does not both choose and value the
/// next action: with a single table, min_a Q is biased low where the costs are noisy, and an
/// agent in a simulator learns to wait and dump everything at the end. Exploration is
/// epsilon-greedy on QA + QB with a linearly decaying epsilon. The tables start at 0, below any
/// cost: untried actions look best, which explores them. Ties go to the lowest action index
/// (smaller sizes, then the first kind). The greedy policy (`act`) chooses by QA + QB among
/// the actions training tried in both; in a state training never reached it sends TWAP's
/// child, remaining / (N - k), at market.
///
/// Deterministic given the seed: episode e of training runs the environment with
/// member_seed(seed, e) and the exploration and table draws come from one generator seeded
/// with seed. Memory: two tables of N x inventory x spread x imbalance x actions entries
/// (2 x 5,250 for the defaults and N = 5), a double and a count each.
class tabular_q_learning {
 public:
  /// @throws invalid_argument for a parameter out of range
  explicit tabular_q_learning(tabular_q_learning_params params = {}) : params_(std::move(params)) { validate(params_); }

  /// Trains in `env` for params().episodes episodes, from the current table (a new agent
  /// starts from zeros; training again continues).
  /// @throws invalid_argument when env's number of decisions differs from the table's
  template <ExecutionEnvironment Env>
  q_learning_training train(Env& env) {
    const auto start = std::chrono::steady_clock::now();
    env.reset(detail::member_seed(params_.seed, 0));
    allocate(env.observe().n_steps);
    detail::xoshiro256ss rng(params_.seed);
    const double s = sign(env.side());
    const index n_actions = actions();
    q_learning_training out;
    std::vector<double> previous_costs;  // the greedy policy's costs at the last stability check
    for (index e = 0; e < params_.episodes; ++e) {
      env.reset(detail::member_seed(params_.seed, static_cast<std::uint64_t>(e)));
      const double progress = params_.episodes > 1 ? double(e) / double(params_.episodes - 1) : 1.0;
      const double epsilon = params_.epsilon_start + (params_.epsilon_end - params_.epsilon_start) * progress;
      execution_observation o = env.observe();
      index state = state_of(o);
      while (!env.done()) {
        const index k = o.step;
        index a = 0;
        if (k + 1 < n_steps_) a = rng.uniform() < epsilon ? index(rng.below(std::uint64_t(n_actions))) : best(state);
        const double cost = env.step(child_for(o, a));
        const execution_observation next = env.observe();
        const bool last = env.done();
        const double c = step_cost(o, next, cost, s, last);
        const index next_state = last ? -1 : state_of(next);
        // Double Q-learning: one table, drawn at random, is updated towards the other's value
        // of its own best next action.
        const index updated = rng.uniform() < 0.5 ? 0 : table_size();
        const index other = table_size() - updated;
        double target = c;
        if (!last) target += q_[static_cast<std::size_t>(other + next_state + best_in(updated, next_state))];
        const auto at = static_cast<std::size_t>(updated + state + a);
        const double rate = std::pow(double(++visits_[at]), -params_.learning_rate_exponent);
        q_[at] += rate * (target - q_[at]);
        o = next;
        state = next_state;
      }
      if ((e + 1) % params_.stability_check == 0) {
        out.stable_since = detail::stability_update(
            out.greedy_cost, previous_costs,
            detail::greedy_episode_costs(
                env, [this](const execution_observation& x) { return act(x); }, params_.stability_episodes,
                params_.seed, params_.risk_aversion, params_.variance_rate),
            e + 1, out.stable_since, params_.stability_tolerance, params_.episodes / params_.stability_check);
      }
    }
    out.episodes = params_.episodes;
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    out.episodes_per_second = out.seconds > 0.0 ? double(out.episodes) / out.seconds : 0.0;
    return out;
  }

  /// The greedy policy's child at this decision (everything left, at market, at the last one).
  /// @throws not_fitted before training; invalid_argument when o.n_steps differs from the
  ///         environment trained in
  [[nodiscard]] child_order act(const execution_observation& o) const {
    detail::require_fitted(n_steps_ > 0, "footprint::tabular_q_learning::act");
    if (o.n_steps != n_steps_)
      throw invalid_argument("footprint::tabular_q_learning::act: trained for " + std::to_string(n_steps_) +
                             " decisions, the observation has " + std::to_string(o.n_steps));
    if (o.step + 1 >= n_steps_) return child_for(o, 0);
    const index a = best_tried(state_of(o));
    if (a >= 0) return child_for(o, a);
    // A state training never reached: TWAP's child, at market.
    return child_order{.quantity = o.remaining / double(std::max<index>(n_steps_ - o.step, 1))};
  }
  /// No state between episodes.
  void reset() noexcept {}

  /// Q(state, action) of the decision, inventory, spread and imbalance buckets and the action
  /// (size index * kinds + kind index): the expected cost to go, quote currency.
  [[nodiscard]] double q_value(index step, index inventory, index spread, index imbalance, index action) const {
    const auto at = static_cast<std::size_t>(state_index(step, inventory, spread, imbalance) + action);
    return 0.5 * (q_.at(at) + q_.at(at + static_cast<std::size_t>(table_size())));
  }
  /// Actions per state: size fractions x order kinds.
  [[nodiscard]] index actions() const noexcept {
    return static_cast<index>(params_.size_fractions.size() * params_.order_kinds.size());
  }
  /// N of the environment trained in; 0 before training.
  [[nodiscard]] index n_steps() const noexcept { return n_steps_; }
  [[nodiscard]] bool is_fitted() const noexcept { return n_steps_ > 0; }
  [[nodiscard]] const tabular_q_learning_params& params() const noexcept { return params_; }

  /// Everything the agent holds.
  [[nodiscard]] tabular_q_learning_state state() const { return {params_, n_steps_, q_, visits_}; }
  /// An agent from a saved state.
  /// @throws invalid_argument for parameters out of range or tables of the wrong size
  [[nodiscard]] static tabular_q_learning from_state(tabular_q_learning_state s) {
    tabular_q_learning out(std::move(s.params));
    detail::require_at_least(s.n_steps, 0, name, "n_steps");
    // The size in doubles first: a hostile state's dimensions must not overflow.
    const double entries = 2.0 * double(s.n_steps) * out.states_per_step_unchecked() * double(out.actions());
    if (entries != double(s.q.size()) || s.q.size() != s.visits.size())
      throw invalid_argument(std::string(name) + ": q and visits must have 2 x n_steps x states x actions = " +
                             detail::format_number(entries) + " entries (got " + std::to_string(s.q.size()) + " and " +
                             std::to_string(s.visits.size()) + ")");
    out.n_steps_ = s.n_steps;
    for (const double v : s.q) detail::require_finite(v, name, "q");
    for (const std::int64_t v : s.visits) detail::require_at_least(v, 0, name, "visits");
    out.q_ = std::move(s.q);
    out.visits_ = std::move(s.visits);
    return out;
  }

 private:
  static constexpr std::string_view name = "footprint::tabular_q_learning";

  static void validate(const tabular_q_learning_params& p) {
    detail::require_at_least(p.inventory_buckets, 1, name, "inventory_buckets");
    detail::require_at_least(p.spread_buckets, 1, name, "spread_buckets");
    detail::require_at_least(p.imbalance_buckets, 1, name, "imbalance_buckets");
    detail::validate_actions(p.size_fractions, p.order_kinds, name);
    detail::require_non_negative(p.risk_aversion, name, "risk_aversion");
    detail::require_non_negative(p.variance_rate, name, "variance_rate");
    detail::require_at_least(p.episodes, 1, name, "episodes");
    detail::require_in(p.epsilon_start, 0.0, 1.0, detail::bounds::closed, name, "epsilon_start");
    detail::require_in(p.epsilon_end, 0.0, 1.0, detail::bounds::closed, name, "epsilon_end");
    detail::require_in(p.learning_rate_exponent, 0.5, 1.0, detail::bounds::open_closed, name, "learning_rate_exponent");
    detail::require_at_least(p.stability_check, 1, name, "stability_check");
    detail::require_at_least(p.stability_episodes, 1, name, "stability_episodes");
    detail::require_non_negative(p.stability_tolerance, name, "stability_tolerance");
  }

  [[nodiscard]] double states_per_step_unchecked() const noexcept {
    return double(params_.inventory_buckets) * double(params_.spread_buckets) * double(params_.imbalance_buckets);
  }
  [[nodiscard]] index states_per_step() const noexcept {
    return params_.inventory_buckets * params_.spread_buckets * params_.imbalance_buckets;
  }
  [[nodiscard]] index table_size() const noexcept { return n_steps_ * states_per_step() * actions(); }

  void allocate(index n_steps) {
    detail::require_at_least(n_steps, 1, name, "the environment's n_steps");
    if (n_steps_ != 0 && n_steps != n_steps_)
      throw invalid_argument(std::string(name) + "::train: the table is for " + std::to_string(n_steps_) +
                             " decisions, the environment has " + std::to_string(n_steps));
    if (n_steps_ != 0) return;
    const double entries = 2.0 * double(n_steps) * states_per_step_unchecked() * double(actions());
    if (entries > double(index{1} << 31))
      throw invalid_argument(std::string(name) + ": the table would hold " + detail::format_number(entries) +
                             " entries (2 x N x inventory x spread x imbalance x actions), more than 2^31");
    n_steps_ = n_steps;
    q_.assign(static_cast<std::size_t>(2 * table_size()), 0.0);
    visits_.assign(static_cast<std::size_t>(2 * table_size()), 0);
  }

  // Offset of Q(step, inventory, spread, imbalance, 0) in the table.
  [[nodiscard]] index state_index(index step, index inventory, index spread, index imbalance) const noexcept {
    return (((step * params_.inventory_buckets + inventory) * params_.spread_buckets + spread) *
                params_.imbalance_buckets +
            imbalance) *
           actions();
  }

  [[nodiscard]] index state_of(const execution_observation& o) const noexcept {
    const auto bucket = [](double u, index n) {  // u in [0, 1] -> 0..n-1; NaN -> 0
      if (!(u > 0.0)) return index{0};
      return std::min(n - 1, static_cast<index>(u * double(n)));
    };
    const index inventory = bucket(o.remaining / o.quantity, params_.inventory_buckets);
    index spread = 0;
    const double ticks = (o.ask - o.bid) / o.tick_size;
    if (std::isfinite(ticks))
      spread = std::clamp(static_cast<index>(std::lround(ticks)) - 1, index{0}, params_.spread_buckets - 1);
    const index imbalance = bucket((o.imbalance + 1.0) / 2.0, params_.imbalance_buckets);
    return state_index(std::clamp(o.step, index{0}, n_steps_ - 1), inventory, spread, imbalance);
  }

  // The lowest-cost action of a state by both tables together (the first on ties).
  [[nodiscard]] index best(index state) const noexcept {
    const double* a_table = q_.data() + state;
    const double* b_table = a_table + table_size();
    index a = 0;
    for (index b = 1; b < actions(); ++b)
      if (a_table[b] + b_table[b] < a_table[a] + b_table[a]) a = b;
    return a;
  }

  // The lowest-cost action of a state by one table (offset 0 or table_size()).
  [[nodiscard]] index best_in(index table, index state) const noexcept {
    const double* q = q_.data() + table + state;
    index a = 0;
    for (index b = 1; b < actions(); ++b)
      if (q[b] < q[a]) a = b;
    return a;
  }

  // The lowest-cost action, by both tables, among those training tried in both; -1 when none.
  [[nodiscard]] index best_tried(index state) const noexcept {
    const double* a_table = q_.data() + state;
    const double* b_table = a_table + table_size();
    const std::int64_t* a_visits = visits_.data() + state;
    const std::int64_t* b_visits = a_visits + table_size();
    index a = -1;
    for (index b = 0; b < actions(); ++b)
      if (a_visits[b] > 0 && b_visits[b] > 0 && (a < 0 || a_table[b] + b_table[b] < a_table[a] + b_table[a])) a = b;
    return a;
  }

  [[nodiscard]] child_order child_for(const execution_observation& o, index action) const noexcept {
    return detail::action_child(o, action, n_steps_, params_.size_fractions, params_.order_kinds);
  }

  [[nodiscard]] double step_cost(const execution_observation& before, const execution_observation& after,
                                 double shortfall, double s, bool last) const noexcept {
    return detail::marked_step_cost(before, after, shortfall, s, last, params_.risk_aversion, params_.variance_rate);
  }

  tabular_q_learning_params params_;
  index n_steps_ = 0;
  std::vector<double> q_;
  std::vector<std::int64_t> visits_;
};

}  // namespace footprint
