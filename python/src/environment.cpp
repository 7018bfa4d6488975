// footprint._footprint: an execution environment on the order-book simulators (bindings.hpp;
// the C++ simulated_environment, docs/execution.md) with Gymnasium's reset / step conventions,
// footprint-execute's policy evaluation protocol for footprint's policies, its agents (tabular
// double Q-learning, the double DQN) and Python callables, and the agents' training and files.
#include "bindings.hpp"

#include <footprint/execution/double_dqn.hpp>
#include <footprint/execution/execution_policies.hpp>
#include <footprint/execution/policy_evaluation.hpp>
#include <footprint/execution/simulated_environment.hpp>
#include <footprint/execution/tabular_q_learning.hpp>
#include <footprint/io/q_learning_json.hpp>
#include <footprint/simulation/queue_reactive_model.hpp>
#include <footprint/simulation/zero_intelligence_model.hpp>

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace footprint::python {

namespace {

// An execution environment on either simulator (in a struct: pybind11's stl.h converts a bare
// std::variant by value).
struct environment {
  std::variant<simulated_environment<zero_intelligence_model>, simulated_environment<queue_reactive_model>> v;
};

py::dict observation_dict(const execution_observation& o) {
  py::dict d;
  d["step"] = o.step;
  d["n_steps"] = o.n_steps;
  d["elapsed"] = o.elapsed;
  d["horizon"] = o.horizon;
  d["quantity"] = o.quantity;
  d["remaining"] = o.remaining;
  d["arrival_mid"] = o.arrival_mid;
  d["mid"] = o.mid;
  d["bid"] = o.bid;
  d["ask"] = o.ask;
  d["tick_size"] = o.tick_size;
  d["imbalance"] = o.imbalance;
  return d;
}

// A Python callable as an ExecutionPolicy: policy(observation) returns the child's quantity, or
// (quantity, order_type) or (quantity, order_type, price_offset_ticks); a `reset()` method, when
// it has one, is called before each episode. Called with the GIL held.
struct python_policy {
  py::object f;
  child_order act(const execution_observation& o) {
    const py::object r = f(observation_dict(o));
    child_order c;
    if (py::isinstance<py::tuple>(r) || py::isinstance<py::list>(r)) {
      const auto t = py::cast<py::sequence>(r);
      if (t.size() < 1 || t.size() > 3)
        throw invalid_argument(
            "footprint: a policy returns a quantity, or (quantity, order_type[, "
            "price_offset_ticks]) (got a sequence of " +
            std::to_string(t.size()) + ")");
      c.quantity = py::cast<double>(t[0]);
      if (t.size() >= 2) c.type = order_type_of(py::cast<std::string>(t[1]), "footprint: a policy's child");
      if (t.size() == 3) c.price_offset_ticks = py::cast<int>(t[2]);
    } else {
      c.quantity = py::cast<double>(r);
    }
    if (!std::isfinite(c.quantity) || c.quantity < 0.0)
      throw invalid_argument("footprint: a policy's child quantity must be finite and >= 0 (got " +
                             std::to_string(c.quantity) + ")");
    if (c.price_offset_ticks < 0)
      throw invalid_argument("footprint: a policy's price_offset_ticks must be >= 0 (got " +
                             std::to_string(c.price_offset_ticks) + ")");
    return c;
  }
  void reset() {
    if (py::hasattr(f, "reset")) f.attr("reset")();
  }
};

py::dict evaluation_dict(const policy_evaluation& e) {
  py::dict d;
  d["shortfall_bps"] = e.shortfall_bps;
  d["mean_bps"] = e.mean_bps;
  d["std_bps"] = e.std_bps;
  d["cvar95_bps"] = e.cvar95_bps;
  d["completion_rate"] = e.completion_rate;
  d["unfilled_share"] = e.unfilled_share;
  d["max_child_share"] = e.max_child_share;
  d["degenerate"] = e.degenerate;
  return d;
}

// A policy: one of footprint's by name, a trained agent, or a Python callable.
using policy_variant =
    std::variant<twap_policy, passive_catch_up_policy, tabular_q_learning, double_dqn, python_policy>;

policy_variant policy_of(const py::object& policy) {
  if (py::isinstance<tabular_q_learning>(policy)) return py::cast<tabular_q_learning>(policy);
  if (py::isinstance<double_dqn>(policy)) return py::cast<double_dqn>(policy);
  if (py::isinstance<py::str>(policy)) {
    const auto name = py::cast<std::string>(policy);
    if (name == "twap") return twap_policy{};
    if (name == "passive_catch_up") return passive_catch_up_policy{};
    throw invalid_argument("footprint: policy must be 'twap', 'passive_catch_up', an agent or a callable (got '" +
                           name + "')");
  }
  if (!PyCallable_Check(policy.ptr()))
    throw invalid_argument("footprint: policy must be 'twap', 'passive_catch_up', an agent or a callable");
  return python_policy{policy};
}

// True when one of the policies is Python's: it needs the GIL held while it runs (footprint's
// own run with the GIL released).
bool any_python(std::initializer_list<const policy_variant*> policies) {
  for (const policy_variant* p : policies)
    if (std::holds_alternative<python_policy>(*p)) return true;
  return false;
}

py::dict run_evaluation(const environment& env, const py::object& policy, index n_episodes, std::uint64_t seed) {
  const policy_variant p = policy_of(policy);
  const policy_evaluation_params ep{.n_episodes = n_episodes, .seed = seed};
  policy_evaluation e;
  {
    std::optional<py::gil_scoped_release> release;
    if (!any_python({&p})) release.emplace();
    e = std::visit([&](const auto& world, const auto& pol) { return evaluate_policy(world, pol, ep); }, env.v, p);
  }
  return evaluation_dict(e);
}

py::dict run_comparison(const environment& env, const py::object& a, const py::object& b, index n_episodes,
                        std::uint64_t seed) {
  const policy_variant pa = policy_of(a);
  const policy_variant pb = policy_of(b);
  const policy_evaluation_params ep{.n_episodes = n_episodes, .seed = seed};
  policy_comparison c;
  {
    std::optional<py::gil_scoped_release> release;
    if (!any_python({&pa, &pb})) release.emplace();
    c = std::visit([&](const auto& world, const auto& x, const auto& y) { return compare_policies(world, x, y, ep); },
                   env.v, pa, pb);
  }
  py::dict d;
  d["a"] = evaluation_dict(c.a);
  d["b"] = evaluation_dict(c.b);
  d["mean_difference_bps"] = c.mean_difference_bps;
  d["std_error_bps"] = c.std_error_bps;
  d["ci_low_bps"] = c.ci_low_bps;
  d["ci_high_bps"] = c.ci_high_bps;
  d["verdict"] = std::string(c.verdict);
  return d;
}

// One step's outcome in Gymnasium's form: (observation, reward, terminated, truncated, info),
// the reward minus the step's shortfall in bps of the arrival notional (their sum over an
// episode is minus shortfall_bps).
template <class Env>
py::tuple step_tuple(Env& e, double cost) {
  const execution_observation o = e.observe();
  py::dict info;
  info["cost"] = cost;
  info["shortfall"] = e.shortfall();
  info["shortfall_bps"] = e.shortfall_bps();
  info["remaining"] = e.remaining();
  const double reward = -cost / (o.quantity * o.arrival_mid) * 1e4;
  return py::make_tuple(observation_dict(o), reward, e.done(), false, info);
}

// The agents' shared settings from Python: the preset ("order_book": footprint-execute's for
// the simulators; "default": the structs' defaults), then what is given.
template <class P>
P agent_params(P p, std::optional<index> episodes, std::uint64_t seed, double risk_aversion, double variance_rate,
               const std::optional<std::vector<double>>& size_fractions, const std::optional<py::list>& order_kinds) {
  if (episodes) p.episodes = *episodes;
  p.seed = seed;
  p.risk_aversion = risk_aversion;
  p.variance_rate = variance_rate;
  if (size_fractions) p.size_fractions = *size_fractions;
  if (order_kinds) {
    p.order_kinds.clear();
    for (const py::handle& k : *order_kinds) {
      child_order c;
      if (py::isinstance<py::str>(k)) {
        c.type = order_type_of(py::cast<std::string>(k), "footprint: order_kinds");
      } else {
        const auto t = py::cast<py::sequence>(k);
        if (t.size() != 2)
          throw invalid_argument(
              "footprint: order_kinds holds 'market', 'passive_limit' or (order_type, "
              "price_offset_ticks)");
        c.type = order_type_of(py::cast<std::string>(t[0]), "footprint: order_kinds");
        c.price_offset_ticks = py::cast<int>(t[1]);
      }
      p.order_kinds.push_back(c);
    }
  }
  return p;
}

template <class P>
P preset_of(const std::string& preset) {
  if (preset == "order_book") return P::order_book();
  if (preset == "default") return P{};
  throw invalid_argument("footprint: preset must be 'order_book' or 'default' (got '" + preset + "')");
}

template <class Training>
py::dict training_dict(const Training& t) {
  py::dict d;
  d["episodes"] = t.episodes;
  d["seconds"] = t.seconds;
  d["episodes_per_second"] = t.episodes_per_second;
  d["stable_since"] = t.stable_since;
  d["greedy_cost"] = t.greedy_cost;
  return d;
}

// agent.train(env): the environment's concrete type chosen at run time, the GIL released.
template <class Agent>
py::dict train_in(Agent& agent, environment& env) {
  return std::visit(
      [&](auto& e) {
        py::gil_scoped_release release;
        auto t = agent.train(e);
        py::gil_scoped_acquire acquire;
        return training_dict(t);
      },
      env.v);
}

// The methods both agents share: train, n_steps, save and load (`flag` footprint-execute's
// option that reads the file).
template <class Agent>
void add_agent_methods(py::class_<Agent>& c, const std::string& flag) {
  c.def("train", &train_in<Agent>, py::arg("env"),
        "Trains in the environment (which it resets and steps); returns episodes, seconds, episodes_per_second, "
        "stable_since and greedy_cost (the greedy policy's mean cost at each check).")
      .def_property_readonly(
          "n_steps", [](const Agent& a) { return a.n_steps(); },
          "Decisions per episode of the environment it was trained in (0 before training).")
      .def(
          "save", [](const Agent& a, const std::string& path) { save_model(a, path); }, py::arg("path"),
          ("Writes the agent as JSON (footprint-execute " + flag + " reads it).").c_str())
      .def_static(
          "load", [](const std::string& path) { return load_model<Agent>(path); }, py::arg("path"),
          "An agent from a JSON file of save() or footprint-execute's.");
}

// An environment on `Simulator` with the Python arguments of ExecutionEnvironment.
template <class Simulator>
environment make_environment(const typename Simulator::params_type& model, const std::string& sd, double quantity,
                             double horizon_seconds, index n_steps, double warmup_seconds, double completion_seconds) {
  return environment{simulated_environment<Simulator>(model, {.side = parse_side(sd, "footprint.ExecutionEnvironment"),
                                                              .quantity = quantity,
                                                              .horizon_seconds = horizon_seconds,
                                                              .n_steps = n_steps,
                                                              .warmup_seconds = warmup_seconds,
                                                              .completion_seconds = completion_seconds})};
}

}  // namespace

void bind_environment(py::module_& m) {
  constexpr const char* agent_args =
      " preset 'order_book' (footprint-execute's settings for the simulators: sizes 0, 0.1, 0.2, 0.3, 0.5 and 1 "
      "of what is left, market or a limit at the touch) or 'default'; episodes, seed, risk_aversion (lambda, 1 / "
      "quote currency) and variance_rate (sigma^2 of the risk charge) override it, as do size_fractions and "
      "order_kinds ('market', 'passive_limit' or (order_type, price_offset_ticks)). train(env) trains it in an "
      "ExecutionEnvironment (deterministic given the seed) and returns what training did; evaluate_policy and "
      "compare_policies take it as a policy; save(path) and load(path) use the JSON files of footprint-execute "
      "--save-agent / --save-dqn.";
  py::class_<tabular_q_learning> tabular(
      m, "TabularQLearning",
      (std::string("Tabular double Q-learning for optimal execution (Nevmyvaka, Feng and Kearns 2006; van Hasselt "
                   "2010), as footprint-execute trains it (docs/execution.md).") +
       agent_args)
          .c_str());
  tabular.def(py::init([](const std::string& preset, std::optional<index> episodes, std::uint64_t seed,
                          double risk_aversion, double variance_rate, std::optional<std::vector<double>> size_fractions,
                          std::optional<py::list> order_kinds, std::optional<index> inventory_buckets,
                          std::optional<index> spread_buckets, std::optional<index> imbalance_buckets) {
                tabular_q_learning_params p = agent_params(preset_of<tabular_q_learning_params>(preset), episodes, seed,
                                                           risk_aversion, variance_rate, size_fractions, order_kinds);
                if (inventory_buckets) p.inventory_buckets = *inventory_buckets;
                if (spread_buckets) p.spread_buckets = *spread_buckets;
                if (imbalance_buckets) p.imbalance_buckets = *imbalance_buckets;
                return tabular_q_learning(p);
              }),
              py::arg("preset") = "order_book", py::arg("episodes") = py::none(), py::arg("seed") = 1,
              py::arg("risk_aversion") = 0.0, py::arg("variance_rate") = 0.0, py::arg("size_fractions") = py::none(),
              py::arg("order_kinds") = py::none(), py::arg("inventory_buckets") = py::none(),
              py::arg("spread_buckets") = py::none(), py::arg("imbalance_buckets") = py::none());
  add_agent_methods(tabular, "--load-agent");
  py::class_<double_dqn> dqn(
      m, "DoubleDQN",
      (std::string("The double DQN for optimal execution (van Hasselt, Guez and Silver 2016; Ning, Lin and Jaimungal "
                   "2021), as footprint-execute trains it (docs/execution.md); hidden_layers its network's widths.") +
       agent_args)
          .c_str());
  dqn.def(py::init([](const std::string& preset, std::optional<index> episodes, std::uint64_t seed,
                      double risk_aversion, double variance_rate, std::optional<std::vector<double>> size_fractions,
                      std::optional<py::list> order_kinds, std::optional<std::vector<index>> hidden_layers) {
            double_dqn_params p = agent_params(preset_of<double_dqn_params>(preset), episodes, seed, risk_aversion,
                                               variance_rate, size_fractions, order_kinds);
            if (hidden_layers) p.hidden_layers = *hidden_layers;
            return double_dqn(p);
          }),
          py::arg("preset") = "order_book", py::arg("episodes") = py::none(), py::arg("seed") = 1,
          py::arg("risk_aversion") = 0.0, py::arg("variance_rate") = 0.0, py::arg("size_fractions") = py::none(),
          py::arg("order_kinds") = py::none(), py::arg("hidden_layers") = py::none());
  add_agent_methods(dqn, "--load-dqn");

  constexpr const char* env_doc =
      "An execution environment on a simulator: the parent order (side, quantity in whole lots of the model, "
      "horizon_seconds) traded in n_steps decisions after warmup_seconds of background flow; at each decision a "
      "child is sent at market or rested as a passive limit order (cancelled at the next decision); after the last, "
      "what is left is sent at market as the book refills for completion_seconds (NaN: one interval), and anything "
      "still left is marked at the final mid. reset(seed) and step(...) follow Gymnasium's conventions; the reward "
      "is minus the step's shortfall in bps of the arrival notional. docs/execution.md.";
  py::class_<environment>(m, "ExecutionEnvironment", env_doc)
      .def(py::init(&make_environment<zero_intelligence_model>), py::arg("params"), py::arg("side"),
           py::arg("quantity"), py::arg("horizon_seconds"), py::arg("n_steps") = 10, py::arg("warmup_seconds") = 60.0,
           py::arg("completion_seconds") = std::numeric_limits<double>::quiet_NaN())
      .def(py::init(&make_environment<queue_reactive_model>), py::arg("params"), py::arg("side"), py::arg("quantity"),
           py::arg("horizon_seconds"), py::arg("n_steps") = 10, py::arg("warmup_seconds") = 60.0,
           py::arg("completion_seconds") = std::numeric_limits<double>::quiet_NaN())
      .def(
          "reset",
          [](environment& env, std::uint64_t seed) {
            return std::visit(
                [&](auto& e) {
                  {
                    py::gil_scoped_release release;
                    e.reset(seed);
                  }
                  py::dict info;
                  info["arrival_mid"] = e.observe().arrival_mid;
                  return py::make_tuple(observation_dict(e.observe()), info);
                },
                env.v);
          },
          py::arg("seed") = 0,
          "Starts an episode: a new simulator with this seed, the warmup, the whole order left. Returns "
          "(observation, info): the observation a dict of step, n_steps, elapsed, horizon, quantity, remaining, "
          "arrival_mid, mid, bid, ask, tick_size, imbalance (queue imbalance at the touch).")
      .def(
          "observe",
          [](const environment& env) {
            return std::visit([](const auto& e) { return observation_dict(e.observe()); }, env.v);
          },
          "The observation at the current decision.")
      .def(
          "step",
          [](environment& env, double quantity, const std::string& order_type, int price_offset_ticks) {
            const child_order_type type = order_type_of(order_type, "footprint.ExecutionEnvironment.step");
            if (price_offset_ticks < 0)
              throw invalid_argument("footprint.ExecutionEnvironment.step: price_offset_ticks must be >= 0 (got " +
                                     std::to_string(price_offset_ticks) + ")");
            return std::visit(
                [&](auto& e) {
                  double cost = 0.0;
                  {
                    py::gil_scoped_release release;
                    cost = e.step({.quantity = quantity, .type = type, .price_offset_ticks = price_offset_ticks});
                  }
                  return step_tuple(e, cost);
                },
                env.v);
          },
          py::arg("quantity"), py::arg("order_type") = "market", py::arg("price_offset_ticks") = 0,
          "Sends the child (quantity rounded down to whole lots and capped at what is left; 'market' or "
          "'passive_limit', price_offset_ticks inside the touch) and runs the interval to the next decision (after "
          "the last, the completion). Returns (observation, reward, terminated, truncated, info): reward minus the "
          "step's shortfall in bps of the arrival notional, terminated after the last decision, truncated False, "
          "info cost (quote currency), shortfall, shortfall_bps (so far) and remaining. ValueError after the last.")
      .def_property_readonly(
          "done", [](const environment& env) { return std::visit([](const auto& e) { return e.done(); }, env.v); })
      .def_property_readonly(
          "shortfall_bps",
          [](const environment& env) { return std::visit([](const auto& e) { return e.shortfall_bps(); }, env.v); },
          "Implementation shortfall so far, bps of the arrival notional (positive = cost).")
      .def_property_readonly(
          "remaining",
          [](const environment& env) { return std::visit([](const auto& e) { return e.remaining(); }, env.v); },
          "What is left to trade, instrument units.")
      .def_property_readonly(
          "lot_quantity",
          [](const environment& env) {
            return std::visit([](const auto& e) { return e.simulator().lot_quantity(); }, env.v);
          },
          "The simulator's lot, instrument units: quantities trade in whole lots.");

  m.def("evaluate_policy", &run_evaluation, py::arg("env"), py::arg("policy"), py::arg("n_episodes") = 200,
        py::arg("seed") = 0,
        "footprint-execute's evaluation protocol: `policy` ('twap', 'passive_catch_up', a trained TabularQLearning "
        "or DoubleDQN, or a callable taking the "
        "observation dict and returning the child's quantity, or (quantity, order_type[, price_offset_ticks]); its "
        "reset() is called before each episode when it has one) run for n_episodes episodes, episode e on stream "
        "e of `seed` (common random numbers). Returns shortfall_bps per episode, mean_bps, std_bps, cvar95_bps, "
        "completion_rate, unfilled_share, max_child_share and degenerate (docs/execution.md).");
  m.def("compare_policies", &run_comparison, py::arg("env"), py::arg("a"), py::arg("b"), py::arg("n_episodes") = 200,
        py::arg("seed") = 0,
        "Policies a and b on the same episodes: both evaluations (a, b), the mean paired difference a - b in bps, "
        "its standard error and 95% interval (Student t) and the verdict: 'better' (a cheaper), 'worse' or "
        "'parity' (the interval contains 0).");
}

}  // namespace footprint::python
