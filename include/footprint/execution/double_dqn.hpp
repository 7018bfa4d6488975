/// @file execution/double_dqn.hpp
/// @brief `double_dqn`: a double deep Q-network execution agent (Ning, Lin and Jaimungal
/// 2021; van Hasselt, Guez and Silver 2016) on footprint's own MLP (`mlp_network`), trained
/// in any `ExecutionEnvironment` with experience replay and a target network, and acting as
/// an `ExecutionPolicy` through its greedy policy. See docs/execution.md ("Agents").
#pragma once

#include "footprint/concepts.hpp"
#include "footprint/detail/checks.hpp"
#include "footprint/detail/random.hpp"
#include "footprint/error.hpp"
#include "footprint/execution/detail/learning_agents.hpp"
#include "footprint/models/neural/mlp_network.hpp"
#include "footprint/models/neural/mlp_options.hpp"
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

/// Parameters of `double_dqn`, validated by its constructor.
struct double_dqn_params {
  /// Hidden layer widths of the Q-network, each >= 1 (inputs: the 4 state features; outputs:
  /// one per action, the expected cost to go per unit of the inventory left).
  std::vector<index> hidden_layers = {32, 32};
  mlp_activation activation = mlp_activation::tanh;  ///< of the hidden layers
  /// Child sizes, as fractions of the inventory left, each in [0, 1]; at least one
  /// (default 0, 0.05, ..., 1).
  std::vector<double> size_fractions = detail::default_size_fractions();
  /// The kinds of child (quantity ignored), as `tabular_q_learning_params::order_kinds`.
  std::vector<child_order> order_kinds = {child_order{}};
  double risk_aversion = 0.0;  ///< lambda, 1 / quote currency, >= 0 (minimises E + lambda V)
  double variance_rate = 0.0;  ///< sigma^2 of the risk charge, price^2 per time unit, >= 0
  index episodes = 20'000;     ///< training episodes, more than warmup_episodes
  /// The first episodes act at random and fill the replay memory before any gradient step;
  /// their mean absolute episode cost is the unit the network's targets are expressed in.
  /// >= 1.
  index warmup_episodes = 1'000;
  double epsilon_start = 1.0;       ///< exploration rate after the warm-up, in [0, 1]
  double epsilon_end = 0.02;        ///< at the last episode (linear in between), in [0, 1]
  index replay_capacity = 100'000;  ///< transitions kept (the oldest go first), >= batch_size
  index batch_size = 32;            ///< transitions per gradient step, >= 1
  index train_every = 4;            ///< environment steps per gradient step, >= 1
  index target_update = 500;        ///< gradient steps between copies to the target network, >= 1
  /// Adam's step size at the first gradient step, > 0; it falls linearly to
  /// `learning_rate_end` (> 0, <= learning_rate) at the last, so the fit settles.
  double learning_rate = 1e-3;
  double learning_rate_end = 1e-5;
  /// Stability check, as `tabular_q_learning_params`: every `stability_check` episodes the
  /// greedy policy's mean cost on `stability_episodes` fixed-seed episodes is recorded.
  index stability_check = 1'000;
  index stability_episodes = 64;
  double stability_tolerance = 5e-3;
  std::uint64_t seed = 0;  ///< episode e runs the environment with member_seed(seed, e)

  /// Settings for an order-book simulator (execution/simulated_environment.hpp), as
  /// footprint-execute uses them: sizes 0, 0.1, 0.2, 0.3, 0.5 and 1 of what is left; market
  /// or a limit at the touch; 20,000 episodes.
  [[nodiscard]] static double_dqn_params order_book() {
    double_dqn_params p;
    p.size_fractions = {0.0, 0.1, 0.2, 0.3, 0.5, 1.0};
    p.order_kinds = {child_order{}, child_order{.type = child_order_type::passive_limit}};
    p.episodes = 20'000;
    return p;
  }
};

/// What training did.
struct dqn_training {
  index episodes = 0;                ///< episodes run, warm-up included
  index gradient_steps = 0;          ///< Adam steps taken
  double seconds = 0.0;              ///< wall-clock time (the only non-deterministic output)
  double episodes_per_second = 0.0;  ///< episodes / seconds
  double cost_unit = 0.0;            ///< the targets' unit, quote currency (see warmup_episodes)
  index stable_since = 0;            ///< as `q_learning_training::stable_since`
  std::vector<double> greedy_cost;   ///< the greedy policy's mean cost at each check, quote currency
};

/// Everything a trained agent holds (for persistence, io/q_learning_json.hpp).
struct double_dqn_state {
  double_dqn_params params;
  index n_steps = 0;          ///< N, decisions per episode of the environment trained in
  double cost_unit = 0.0;     ///< quote currency per unit of the network's outputs, > 0
  std::vector<double> theta;  ///< the online network's parameters (`mlp_network::parameters`)
};

/// A double deep Q-network for optimal execution (Ning, Lin and Jaimungal 2021, "Double deep
/// Q-learning for optimal execution", Applied Mathematical Finance 28(4); van Hasselt, Guez
/// and Silver 2016, "Deep reinforcement learning with double Q-learning", AAAI; Mnih et al.
/// 2015, "Human-level control through deep reinforcement learning", Nature).
///
/// State: 4 features of the observation: the decision k / N, the inventory left x / X, the
/// spread beyond one tick over 4 ticks (capped at 1; 0 without a book) and the queue
/// imbalance (0 without a book). Actions: as `tabular_q_learning`, a child of a fraction of
/// the inventory left and a kind; at the last decision everything left goes at market.
/// Cost of a step: the marked-to-market shortfall plus the risk charge lambda sigma^2 tau x_k^2
/// (`tabular_q_learning`'s class comment); the agent minimises its expected sum.
///
/// The Q-network f (`mlp_network`: inputs 4, the hidden layers, one output per action, as
/// Mnih et al.'s; Ning et al. feed the action as an input instead, which costs one forward
/// pass per action) estimates the expected cost to go per unit of the inventory left:
/// Q(s, a) = (x / X) f(s, a) cost_unit. Costs scale with the inventory (the price noise of a
/// step is x sigma sqrt(tau)), so f's targets have about the same noise in every state and
/// the fit is as precise near the end of the order as at its start; a network of Q itself
/// learns the small late costs to the absolute precision of the large early ones, and
/// misjudges the last children.
///
/// Training: the first `warmup_episodes` act at random; then epsilon-greedy with epsilon
/// falling linearly. Every transition (state, action, cost, next state) enters a replay
/// memory; every `train_every` steps a mini-batch drawn from it moves f by one Adam step on
/// the squared error against the double-DQN target (van Hasselt et al. 2016, eq. 4, with
/// costs instead of rewards)
///
///     y = [c / cost_unit + (x' / X) f_target(s', argmin_a f_online(s', a))] / (x / X)
///
/// (the bracket's second term 0 after the last decision; at the decision before the last the
/// next action is the forced one; x / X floored at 1e-6): the online network chooses the
/// next action and the target network, a copy refreshed every `target_update` steps, values
/// it. The learning rate falls linearly so that f settles on the mean of the noisy targets.
///
/// Deterministic given the seed: episode e runs the environment with member_seed(seed, e); the
/// exploration, replay draws and initial weights come from generators seeded with seed.
class double_dqn {
 public:
  /// Input features of the state.
  static constexpr index n_features = 4;

  /// @throws invalid_argument for a parameter out of range
  explicit double_dqn(double_dqn_params params = {}) : params_(std::move(params)) { validate(params_); }

  /// Trains in `env` for params().episodes episodes, from the current network (a new agent
  /// starts from random weights; training again continues from the network, with a new replay
  /// memory and warm-up).
  /// @throws invalid_argument when env's number of decisions differs from the network's
  template <ExecutionEnvironment Env>
  dqn_training train(Env& env);

  /// The greedy policy's child at this decision (everything left, at market, at the last one).
  /// @throws not_fitted before training; invalid_argument when o.n_steps differs from the
  ///         environment trained in
  [[nodiscard]] child_order act(const execution_observation& o) {
    detail::require_fitted(n_steps_ > 0, "footprint::double_dqn::act");
    if (o.n_steps != n_steps_)
      throw invalid_argument("footprint::double_dqn::act: trained for " + std::to_string(n_steps_) +
                             " decisions, the observation has " + std::to_string(o.n_steps));
    if (o.step + 1 >= n_steps_) return child_for(o, 0);
    return child_for(o, greedy(o));
  }
  /// No state between episodes.
  void reset() noexcept {}

  /// The network's expected cost to go of each action at this observation, quote currency
  /// (size index * kinds + kind index).
  /// @throws not_fitted before training
  [[nodiscard]] std::vector<double> q_values(const execution_observation& o) {
    detail::require_fitted(n_steps_ > 0, "footprint::double_dqn::q_values");
    features(o, x1_.data());
    online_.evaluate(x1_, q1_);
    std::vector<double> out(static_cast<std::size_t>(actions()));
    for (index a = 0; a < actions(); ++a) out[static_cast<std::size_t>(a)] = q1_(a, 0) * x1_(1, 0) * cost_unit_;
    return out;
  }
  /// Actions per state: size fractions x order kinds.
  [[nodiscard]] index actions() const noexcept {
    return static_cast<index>(params_.size_fractions.size() * params_.order_kinds.size());
  }
  [[nodiscard]] index n_steps() const noexcept { return n_steps_; }
  [[nodiscard]] bool is_fitted() const noexcept { return n_steps_ > 0; }
  [[nodiscard]] const double_dqn_params& params() const noexcept { return params_; }

  /// Everything the agent holds.
  [[nodiscard]] double_dqn_state state() const {
    const vector& t = online_.parameters();
    return {params_, n_steps_, cost_unit_, std::vector<double>(t.data(), t.data() + t.size())};
  }
  /// An agent from a saved state; n_steps 0 with no network parameters (and cost unit 0) is
  /// an untrained agent, what state() gives before training.
  /// @throws invalid_argument for parameters out of range, a non-positive cost unit, or
  ///         network parameters of the wrong size or not finite
  [[nodiscard]] static double_dqn from_state(const double_dqn_state& s) {
    double_dqn out(s.params);
    if (s.n_steps == 0 && s.theta.empty() && s.cost_unit == 0.0) return out;
    detail::require_at_least(s.n_steps, 1, name, "n_steps");
    detail::require_positive(s.cost_unit, name, "cost_unit");
    // The size in doubles first: a hostile state's widths must not allocate.
    double expected = 0.0, fan_in = double(n_features);
    for (const index h : s.params.hidden_layers) {
      expected += (fan_in + 1.0) * double(h);
      fan_in = double(h);
    }
    expected += (fan_in + 1.0) * double(out.actions());
    if (expected != double(s.theta.size()))
      throw invalid_argument(std::string(name) + ": theta must have " + detail::format_number(expected) +
                             " network parameters for these layers and actions (got " + std::to_string(s.theta.size()) +
                             ")");
    out.n_steps_ = s.n_steps;
    out.cost_unit_ = s.cost_unit;
    out.build_network();
    out.online_.set_parameters(Eigen::Map<const vector>(s.theta.data(), static_cast<index>(s.theta.size())));
    return out;
  }

 private:
  static constexpr std::string_view name = "footprint::double_dqn";
  // The floor of x / X under the network's targets (cost to go / (x / X)).
  static constexpr double min_inventory = 1e-6;

  static void validate(const double_dqn_params& p) {
    for (const index h : p.hidden_layers) detail::require_at_least(h, 1, name, "hidden_layers");
    if (!is_valid(p.activation)) throw invalid_argument(std::string(name) + ": unknown activation");
    detail::validate_actions(p.size_fractions, p.order_kinds, name);
    detail::require_non_negative(p.risk_aversion, name, "risk_aversion");
    detail::require_non_negative(p.variance_rate, name, "variance_rate");
    detail::require_at_least(p.warmup_episodes, 1, name, "warmup_episodes");
    detail::require_at_least(p.episodes, p.warmup_episodes + 1, name, "episodes (more than warmup_episodes)");
    detail::require_in(p.epsilon_start, 0.0, 1.0, detail::bounds::closed, name, "epsilon_start");
    detail::require_in(p.epsilon_end, 0.0, 1.0, detail::bounds::closed, name, "epsilon_end");
    detail::require_at_least(p.batch_size, 1, name, "batch_size");
    detail::require_at_least(p.replay_capacity, p.batch_size, name, "replay_capacity (at least batch_size)");
    detail::require_at_least(p.train_every, 1, name, "train_every");
    detail::require_at_least(p.target_update, 1, name, "target_update");
    detail::require_positive(p.learning_rate, name, "learning_rate");
    detail::require_in(p.learning_rate_end, 0.0, p.learning_rate, detail::bounds::open_closed, name,
                       "learning_rate_end (in (0, learning_rate])");
    detail::require_at_least(p.stability_check, 1, name, "stability_check");
    detail::require_at_least(p.stability_episodes, 1, name, "stability_episodes");
    detail::require_non_negative(p.stability_tolerance, name, "stability_tolerance");
  }

  void build_network() {
    std::vector<index> sizes{n_features};
    sizes.insert(sizes.end(), params_.hidden_layers.begin(), params_.hidden_layers.end());
    sizes.push_back(actions());
    online_ = mlp_network(std::move(sizes), params_.activation, detail::member_seed(params_.seed, ~std::uint64_t{0}));
    x1_.resize(n_features, 1);
  }

  void features(const execution_observation& o, double* f) const noexcept {
    f[0] = double(o.step) / double(o.n_steps);
    f[1] = o.remaining / o.quantity;
    const double ticks = (o.ask - o.bid) / o.tick_size;
    f[2] = std::isfinite(ticks) ? std::clamp((ticks - 1.0) / 4.0, 0.0, 1.0) : 0.0;
    f[3] = std::isfinite(o.imbalance) ? std::clamp(o.imbalance, -1.0, 1.0) : 0.0;
  }

  // The action of lowest expected cost (the first on ties).
  [[nodiscard]] index greedy(const execution_observation& o) {
    features(o, x1_.data());
    online_.evaluate(x1_, q1_);
    index a = 0;
    for (index b = 1; b < actions(); ++b)
      if (q1_(b, 0) < q1_(a, 0)) a = b;
    return a;
  }

  [[nodiscard]] child_order child_for(const execution_observation& o, index action) const noexcept {
    return detail::action_child(o, action, n_steps_, params_.size_fractions, params_.order_kinds);
  }

  double_dqn_params params_;
  index n_steps_ = 0;
  double cost_unit_ = 0.0;
  mlp_network online_;
  matrix x1_, q1_;  // one state's features and Q-values
};

}  // namespace footprint

#include "footprint/execution/double_dqn_impl.hpp"
