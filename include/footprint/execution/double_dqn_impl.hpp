/// @file execution/double_dqn_impl.hpp
/// @brief Training of `double_dqn` (declared in execution/double_dqn.hpp, which includes this
/// file): the replay memory, the epsilon-greedy episodes and the double-DQN gradient step.
#pragma once

#include "footprint/execution/double_dqn.hpp"

namespace footprint {

namespace detail {

/// The replay memory of `double_dqn`: a ring of transitions (state features, action, cost in
/// quote currency, next state's features, whether the episode ended and whether the next
/// decision is the last, forced one).
struct dqn_replay {
  index capacity = 0, size = 0, next = 0;
  std::vector<double> state, next_state, cost;
  std::vector<index> action;
  std::vector<unsigned char> done, next_forced;

  explicit dqn_replay(index n) : capacity(n) {
    const auto c = static_cast<std::size_t>(n);
    state.resize(c * double_dqn::n_features);
    next_state.resize(c * double_dqn::n_features);
    cost.resize(c);
    action.resize(c);
    done.resize(c);
    next_forced.resize(c);
  }

  void push(const double* s, index a, double c, const double* s2, bool is_done, bool forced) {
    const auto i = static_cast<std::size_t>(next);
    std::copy(s, s + double_dqn::n_features, state.begin() + std::ptrdiff_t(i * double_dqn::n_features));
    std::copy(s2, s2 + double_dqn::n_features, next_state.begin() + std::ptrdiff_t(i * double_dqn::n_features));
    action[i] = a;
    cost[i] = c;
    done[i] = is_done ? 1 : 0;
    next_forced[i] = forced ? 1 : 0;
    next = next + 1 == capacity ? 0 : next + 1;
    size = std::min(size + 1, capacity);
  }
};

}  // namespace detail

template <ExecutionEnvironment Env>
dqn_training double_dqn::train(Env& env) {
  const auto start = std::chrono::steady_clock::now();
  env.reset(detail::member_seed(params_.seed, 0));
  const index n = env.observe().n_steps;
  detail::require_at_least(n, 1, name, "the environment's n_steps");
  if (n_steps_ != 0 && n != n_steps_)
    throw invalid_argument(std::string(name) + "::train: the network is for " + std::to_string(n_steps_) +
                           " decisions, the environment has " + std::to_string(n));
  if (n_steps_ == 0) {
    n_steps_ = n;
    build_network();
  }
  const double s = sign(env.side());
  const index n_actions = actions();
  const index batch = params_.batch_size;
  const index warmup = params_.warmup_episodes;
  detail::xoshiro256ss rng(params_.seed, 1);
  detail::dqn_replay memory(params_.replay_capacity);
  mlp_network target = online_;
  matrix xs(n_features, batch), xn(n_features, batch), q_online, q_target;
  vector grad, y(batch);
  std::vector<index> rows(static_cast<std::size_t>(batch)), chosen(static_cast<std::size_t>(batch));
  double f[n_features], f2[n_features];
  const index total_steps = (params_.episodes - warmup) * n / params_.train_every;  // planned gradient steps
  dqn_training out;
  std::vector<double> previous_costs;  // the greedy policy's costs at the last stability check
  double warmup_cost = 0.0;
  index env_steps = 0;

  // One gradient step on a mini-batch drawn from the memory.
  const auto learn = [&] {
    for (index b = 0; b < batch; ++b) {
      const auto r = static_cast<std::size_t>(rng.below(static_cast<std::uint64_t>(memory.size)));
      rows[static_cast<std::size_t>(b)] = index(r);
      for (index j = 0; j < n_features; ++j) {
        xs(j, b) = memory.state[r * n_features + std::size_t(j)];
        xn(j, b) = memory.next_state[r * n_features + std::size_t(j)];
      }
    }
    online_.evaluate(xn, q_online);
    target.evaluate(xn, q_target);
    for (index b = 0; b < batch; ++b) {
      const auto r = static_cast<std::size_t>(rows[static_cast<std::size_t>(b)]);
      double target_cost = memory.cost[r] / cost_unit_;
      if (!memory.done[r]) {
        index a = 0;
        if (!memory.next_forced[r])
          for (index c = 1; c < n_actions; ++c)
            if (q_online(c, b) < q_online(a, b)) a = c;
        target_cost += xn(1, b) * q_target(a, b);
      }
      // The network's output is the cost to go per unit of the inventory left.
      y[b] = target_cost / std::max(xs(1, b), min_inventory);
    }
    const double scale = 2.0 / double(batch);
    (void)online_.gradient(
        xs,
        [&](index first, const auto& O, auto& G) {
          G.setZero();
          double loss = 0.0;
          for (index j = 0; j < O.cols(); ++j) {
            const index b = first + j;
            const index a = memory.action[static_cast<std::size_t>(rows[static_cast<std::size_t>(b)])];
            const double r = O(a, j) - y[b];
            G(a, j) = scale * r;
            loss += r * r;
          }
          return loss;
        },
        grad);
    const double progress = total_steps > 1 ? std::min(1.0, double(out.gradient_steps) / double(total_steps - 1)) : 1.0;
    online_.adam_step(grad, params_.learning_rate + (params_.learning_rate_end - params_.learning_rate) * progress);
    if (++out.gradient_steps % params_.target_update == 0) target.set_parameters(online_.parameters());
  };

  for (index e = 0; e < params_.episodes; ++e) {
    env.reset(detail::member_seed(params_.seed, static_cast<std::uint64_t>(e)));
    const bool warming = e < warmup;
    const double progress =
        warming ? 0.0 : double(e - warmup) / double(std::max<index>(params_.episodes - warmup - 1, 1));
    const double epsilon =
        warming ? 1.0 : params_.epsilon_start + (params_.epsilon_end - params_.epsilon_start) * progress;
    execution_observation o = env.observe();
    features(o, f);
    double episode_cost = 0.0;
    while (!env.done()) {
      const bool forced = o.step + 1 >= n_steps_;
      index a = 0;
      if (!forced) a = rng.uniform() < epsilon ? index(rng.below(std::uint64_t(n_actions))) : greedy(o);
      const double cost = env.step(child_for(o, a));
      const execution_observation next = env.observe();
      const bool last = env.done();
      const double c = detail::marked_step_cost(o, next, cost, s, last, params_.risk_aversion, params_.variance_rate);
      episode_cost += c;
      features(next, f2);
      memory.push(f, a, c, f2, last, next.step + 1 >= n_steps_);
      if (!warming && ++env_steps % params_.train_every == 0) learn();
      o = next;
      std::copy(f2, f2 + n_features, f);
    }
    if (warming) {
      warmup_cost += std::abs(episode_cost);
      if (e + 1 == warmup && cost_unit_ == 0.0) {
        // The targets' unit: the mean absolute cost of the random episodes (1 when they cost nothing).
        cost_unit_ = warmup_cost / double(warmup);
        if (!(cost_unit_ > 0.0) || !std::isfinite(cost_unit_)) cost_unit_ = 1.0;
      }
    }
    if ((e + 1) % params_.stability_check == 0 && !warming) {
      out.stable_since = detail::stability_update(
          out.greedy_cost, previous_costs,
          detail::greedy_episode_costs(
              env, [this](const execution_observation& x) { return act(x); }, params_.stability_episodes, params_.seed,
              params_.risk_aversion, params_.variance_rate),
          e + 1, out.stable_since, params_.stability_tolerance,
          (params_.episodes - params_.warmup_episodes) / params_.stability_check);
    }
  }
  out.episodes = params_.episodes;
  out.cost_unit = cost_unit_;
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out.episodes_per_second = out.seconds > 0.0 ? double(out.episodes) / out.seconds : 0.0;
  return out;
}

}  // namespace footprint
