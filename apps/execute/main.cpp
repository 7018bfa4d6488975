// footprint-execute: train, evaluate and compare execution policies in an environment.
//
// Environments (--env): the Almgren-Chriss world with the paper's example (ac: 10^6 shares
// over 5 days in 5 decisions, where the optimum is known in closed form), or an order-book
// simulator (zi: zero-intelligence, qr: queue-reactive) calibrated on the data's order flow
// (the usual data options), or, without data, the built-in market (Cont, Stoikov and Talreja
// 2010's Tokyo estimates). The agents (--agent: the tabular double Q-learning agent, the
// double DQN, or both) are trained there (or loaded with --load-agent / --load-dqn, and
// saved with --save-agent / --save-dqn), then every policy runs the same evaluation
// episodes (common random numbers): TWAP, passive limit orders with catch-up (simulators),
// the Almgren-Chriss optimum (ac), the agents, and everything at once (the degenerate policy
// the protocol must flag). Each is compared with TWAP: the mean difference in bps and its
// paired 95% interval, "parity" when it contains 0. Prints a table; --json writes it.
// docs/execution.md explains every field.
#include "../common/market_data.hpp"
#include "../common/order_flow.hpp"
#include "../common/program.hpp"

#include <footprint/detail/concat.hpp>
#include <footprint/error.hpp>
#include <footprint/execution/almgren_chriss.hpp>
#include <footprint/execution/almgren_chriss_world.hpp>
#include <footprint/execution/double_dqn.hpp>
#include <footprint/execution/execution_policies.hpp>
#include <footprint/execution/policy_evaluation.hpp>
#include <footprint/execution/simulated_environment.hpp>
#include <footprint/execution/tabular_q_learning.hpp>
#include <footprint/io/q_learning_json.hpp>
#include <footprint/simulation/queue_reactive_model.hpp>
#include <footprint/simulation/zero_intelligence_model.hpp>
#include <footprint/version.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <type_traits>
#include <vector>

namespace {

namespace fp = footprint;
using json = nlohmann::ordered_json;

FILE* g_out = stdout;  // the text report: stdout, or nowhere when the JSON goes to stdout

struct options {
  apps::data_options data;
  std::string env = "zi";        // ac, zi, qr
  bool match_occupancy = false;  // qr: limit rates from the data's queue sizes (fp::match_occupancy)
  double lot_quantity = 0.0;     // the simulators' lot with data (0: the tape's mean limit-order size)
  fp::index max_queue = 20;      // qr: Q of the queue-reactive tables, lots
  std::string side = "buy";
  double quantity = 0.0;    // instrument units; 0: 10 lots (ac: the paper's 10^6 shares)
  double horizon = 60.0;    // seconds (simulators)
  fp::index decisions = 0;  // 0: 5 (ac, the paper's) or 10 (simulators)
  double warmup = 60.0;
  std::string agent = "both";  // tabular, dqn, both
  fp::index episodes = 0;      // tabular training; 0: 300,000 (ac) or 100,000 (simulators)
  fp::index dqn_episodes = 20'000;
  fp::index evaluation_episodes = 1000;
  std::uint64_t seed = 1;
  std::string load_agent, save_agent, load_dqn, save_dqn, json_path;
  bool quiet = false;
};

void say(const options& o, const std::string& text) {
  if (!o.quiet) std::fprintf(stderr, "footprint-execute: %s\n", text.c_str());
}

json number(double v) { return std::isfinite(v) ? json(v) : json(); }

// One policy against TWAP on the same episodes: a row of the table and of the JSON.
template <class Env, class Policy>
json compare(const std::string& name, const Env& env, Policy policy, const fp::policy_evaluation_params& ep) {
  const fp::policy_comparison c = fp::compare_policies(env, std::move(policy), fp::twap_policy{}, ep);
  std::fprintf(g_out, "%-24s %9.3f %8.3f %9.3f %10.3f   %+8.3f [%+8.3f, %+8.3f] %-7s %8.3f  %s\n", name.c_str(),
               c.a.mean_bps, c.a.std_bps, c.a.cvar95_bps, c.a.completion_rate, c.mean_difference_bps, c.ci_low_bps,
               c.ci_high_bps, std::string(c.verdict).c_str(), c.a.max_child_share, c.a.degenerate ? "yes" : "no");
  return json{{"name", name},
              {"mean_bps", number(c.a.mean_bps)},
              {"std_bps", number(c.a.std_bps)},
              {"cvar95_bps", number(c.a.cvar95_bps)},
              {"completion_rate", number(c.a.completion_rate)},
              {"unfilled_share", number(c.a.unfilled_share)},
              {"max_child_share", number(c.a.max_child_share)},
              {"degenerate", c.a.degenerate},
              {"vs_twap",
               {{"mean_difference_bps", number(c.mean_difference_bps)},
                {"ci_low_bps", number(c.ci_low_bps)},
                {"ci_high_bps", number(c.ci_high_bps)},
                {"verdict", std::string(c.verdict)}}}};
}

// A note for each policy that left more of the order untraded than TWAP (by half a percent of
// the order or more, on average): the world marks what is left at the final mid, without
// spread or impact, so its cost and its verdict against TWAP credit it for not trading.
void note_unfilled(const json& rows, std::vector<std::string>& notes) {
  const json* twap = nullptr;
  for (const json& r : rows)
    if (r["name"] == "twap") twap = &r;
  if (twap == nullptr || !(*twap)["unfilled_share"].is_number()) return;
  const double base = (*twap)["unfilled_share"].get<double>();
  for (const json& r : rows) {
    if (!r["unfilled_share"].is_number() || !(r["unfilled_share"].get<double>() >= base + 0.005)) continue;
    char text[400];
    std::snprintf(text, sizeof text,
                  "%s left %.1f%% of the order untraded on average (TWAP %.1f%%; the whole order in %.0f%% of the "
                  "episodes against %.0f%%), marked at the final mid without spread or impact: its cost and its "
                  "verdict against TWAP credit it for what it did not trade",
                  r["name"].get<std::string>().c_str(), 100.0 * r["unfilled_share"].get<double>(), 100.0 * base,
                  100.0 * r["completion_rate"].get<double>(), 100.0 * (*twap)["completion_rate"].get<double>());
    notes.emplace_back(text);
  }
}

// Everything at once: the degenerate policy the protocol must flag.
struct all_at_once_policy {
  [[nodiscard]] fp::child_order act(const fp::execution_observation& o) const { return {.quantity = o.remaining}; }
  void reset() {}
};

// An agent: loaded, or trained in `env` (and saved when asked); its record goes into
// doc["agents"][name].
template <class Agent, class Env, class Params>
Agent agent_for(const options& o, Env& env, Params p, json& doc) {
  constexpr bool tabular = std::is_same_v<Agent, fp::tabular_q_learning>;
  const std::string name = tabular ? "tabular_q_learning" : "double_dqn";
  const std::string title = tabular ? "tabular double Q-learning" : "double DQN";
  const std::string& load = tabular ? o.load_agent : o.load_dqn;
  const std::string& save = tabular ? o.save_agent : o.save_dqn;
  json a;
  if (!load.empty()) {
    say(o, "loading the " + title + " agent from " + load);
    Agent agent = fp::load_model<Agent>(load);
    if (agent.n_steps() != env.observe().n_steps)
      throw fp::invalid_argument("footprint-execute: the agent in " + load + " was trained for " +
                                 std::to_string(agent.n_steps()) + " decisions, the environment has " +
                                 std::to_string(env.observe().n_steps) + " (--decisions)");
    std::fprintf(g_out, "agent: %s loaded from %s\n", title.c_str(), load.c_str());
    doc["agents"][name] = json{{"source", "loaded"}, {"file", load}, {"episodes", agent.params().episodes}};
    return agent;
  }
  p.episodes = tabular ? o.episodes : o.dqn_episodes;
  p.seed = o.seed;
  Agent agent(p);
  say(o, "training the " + title + " agent for " + std::to_string(p.episodes) + " episodes");
  const auto t = agent.train(env);
  // stable_since 0: no check found a significant move (execution/detail/learning_agents.hpp).
  const std::string stable =
      t.stable_since == 0 ? "stable at every check" : "stable from episode " + std::to_string(t.stable_since);
  std::fprintf(g_out, "agent: %s, %ld episodes in %.2f s (%.0f episodes/s), %s\n", title.c_str(),
               static_cast<long>(t.episodes), t.seconds, t.episodes_per_second, stable.c_str());
  a = json{{"source", "trained"},
           {"episodes", t.episodes},
           {"seconds", t.seconds},
           {"episodes_per_second", t.episodes_per_second},
           {"stable_since", t.stable_since},
           {"greedy_cost", t.greedy_cost}};
  if constexpr (!tabular) {
    a["gradient_steps"] = t.gradient_steps;
    a["cost_unit"] = t.cost_unit;
  }
  if (!save.empty()) {
    fp::save_model(agent, save);
    a["file"] = save;
    say(o, "saved the " + title + " agent to " + save);
  }
  doc["agents"][name] = a;
  return agent;
}

bool wants_tabular(const options& o) { return o.agent != "dqn"; }
bool wants_dqn(const options& o) { return o.agent != "tabular"; }

void print_header() {
  std::fprintf(g_out, "%-24s %9s %8s %9s %10s   %-30s %-7s %8s  %s\n", "policy", "mean_bps", "sd_bps", "cvar95",
               "completion", "vs TWAP: mean difference [95% CI]", "verdict", "max/X", "degenerate");
}

// The Almgren-Chriss world with the paper's example.
json run_ac(const options& o, json doc, const fp::policy_evaluation_params& ep) {
  const fp::almgren_chriss_params model{
      .gamma = 2.5e-7, .eta = 2.5e-6, .epsilon = 0.0625, .sigma = 0.95, .lambda = 2e-6, .n_intervals = o.decisions};
  const double quantity = o.quantity > 0.0 ? o.quantity : 1e6;
  const fp::side side = o.side == "sell" ? fp::side::sell : fp::side::buy;
  fp::almgren_chriss_world world(
      {.model = model, .quantity = quantity, .horizon = 5.0, .initial_price = 50.0, .side = side});
  std::fprintf(g_out,
               "environment: the Almgren-Chriss world, the paper's example (sigma 0.95, eta 2.5e-6, gamma 2.5e-7, "
               "epsilon 0.0625, lambda 2e-6): %s %.6g at 50 over 5 days in %ld decisions\n",
               o.side.c_str(), quantity, static_cast<long>(o.decisions));
  doc["environment"] =
      json{{"name", "ac"},          {"description", "the Almgren-Chriss world with the paper's example"},
           {"side", o.side},        {"quantity", quantity},
           {"horizon_days", 5.0},   {"decisions", o.decisions},
           {"lambda", model.lambda}};
  // The gate: an agent's trajectory (deterministic here) in E + lambda V against the optimum.
  const fp::almgren_chriss ac(model);
  const double optimum = ac.optimal_cost(quantity, 5.0).objective(model.lambda);
  if (!std::isfinite(optimum)) {  // e.g. 10^300 shares: the agents' training would turn to NaN
    char text[160];
    std::snprintf(text, sizeof text, "--quantity %.6g: the optimal schedule's E + lambda V overflows (%g)", quantity,
                  optimum);
    throw fp::invalid_argument(text);
  }
  doc["objective"] = json{{"optimum", optimum}};
  const auto objective = [&](const std::string& name, auto& agent) {
    fp::vector x(o.decisions + 1);
    x[0] = quantity;
    world.reset(0);
    for (fp::index k = 0; !world.done(); ++k) {
      (void)world.step(agent.act(world.observe()));
      x[k + 1] = world.remaining();
    }
    const double mine = ac.evaluate(x, 5.0).objective(model.lambda);
    std::fprintf(g_out, "E + lambda V: %s %.2f, optimum %.2f USD (ratio %.4f)\n", name.c_str(), mine, optimum,
                 mine / optimum);
    doc["objective"][name] = json{{"value", mine}, {"ratio", mine / optimum}};
  };
  json rows = json::array();
  std::vector<std::function<json()>> agent_rows;
  if (wants_tabular(o)) {
    fp::tabular_q_learning_params p;
    p.risk_aversion = model.lambda;
    p.variance_rate = model.sigma * model.sigma;
    fp::tabular_q_learning agent = agent_for<fp::tabular_q_learning>(o, world, p, doc);
    objective("tabular_q_learning", agent);
    agent_rows.emplace_back([&, agent] { return compare("tabular_q_learning", world, agent, ep); });
  }
  if (wants_dqn(o)) {
    fp::double_dqn_params p;
    p.risk_aversion = model.lambda;
    p.variance_rate = model.sigma * model.sigma;
    fp::double_dqn agent = agent_for<fp::double_dqn>(o, world, p, doc);
    objective("double_dqn", agent);
    agent_rows.emplace_back([&, agent] { return compare("double_dqn", world, agent, ep); });
  }
  print_header();
  rows.push_back(compare("twap", world, fp::twap_policy{}, ep));
  rows.push_back(compare("almgren_chriss", world, fp::schedule_policy(ac.schedule(quantity, 5.0).trades), ep));
  for (const auto& row : agent_rows) rows.push_back(row());
  rows.push_back(compare("all_at_once", world, all_at_once_policy{}, ep));
  doc["policies"] = rows;
  return doc;
}

// An order-book simulator calibrated on the tape.
// `traded_rate`: the market's traded quantity a second, for the order's size check.
template <class Simulator>
json run_simulator(const options& o, json doc, const typename Simulator::params_type& model,
                   const std::string& description, const fp::policy_evaluation_params& ep, double traded_rate,
                   std::vector<std::string>& notes) {
  // Every episode (training and evaluation) simulates the warmup and the horizon: refuse,
  // before anything runs, what would take hours (a horizon of 10^12 s ran for ever).
  double episodes = static_cast<double>(ep.n_episodes) * (wants_tabular(o) && wants_dqn(o) ? 5.0 : 4.0);
  if (wants_tabular(o) && o.load_agent.empty()) episodes += static_cast<double>(o.episodes);
  if (wants_dqn(o) && o.load_dqn.empty()) episodes += static_cast<double>(o.dqn_episodes);
  apps::check_simulation_budget(
      episodes * (o.warmup + o.horizon), apps::simulated_event_rate(model),
      "shorten --horizon or --warmup, or lower --episodes, --dqn-episodes or --evaluation-episodes");
  const double lot = model.lot_quantity;
  // The simulators trade whole lots: --quantity is rounded to the nearest (at least one).
  double quantity = 10.0 * lot;
  if (o.quantity > 0.0) {
    quantity = std::max(1.0, std::round(o.quantity / lot)) * lot;
    if (std::abs(quantity - o.quantity) > 1e-9 * o.quantity) {
      char buf[200];
      std::snprintf(buf, sizeof buf, "--quantity %.6g rounded to %.0f lots of %.6g: %.6g", o.quantity, quantity / lot,
                    lot, quantity);
      notes.emplace_back(buf);
    }
  }
  apps::check_order_size(quantity, o.horizon, traded_rate, fp::detail::concat("--quantity ", o.quantity));
  const fp::side side = o.side == "sell" ? fp::side::sell : fp::side::buy;
  fp::simulated_environment<Simulator> env(model, {.side = side,
                                                   .quantity = quantity,
                                                   .horizon_seconds = o.horizon,
                                                   .n_steps = o.decisions,
                                                   .warmup_seconds = o.warmup});
  std::fprintf(g_out, "environment: %s: %s %.6g (%.1f lots) over %.0f s in %ld decisions after %.0f s of warmup\n",
               description.c_str(), o.side.c_str(), quantity, quantity / lot, o.horizon, static_cast<long>(o.decisions),
               o.warmup);
  doc["environment"] = json{
      {"name", o.env},       {"description", description},   {"side", o.side},           {"quantity", quantity},
      {"lot_quantity", lot}, {"horizon_seconds", o.horizon}, {"decisions", o.decisions}, {"warmup_seconds", o.warmup}};
  std::vector<std::function<json()>> agent_rows;
  if (wants_tabular(o)) {
    fp::tabular_q_learning agent =
        agent_for<fp::tabular_q_learning>(o, env, fp::tabular_q_learning_params::order_book(), doc);
    agent_rows.emplace_back([&, agent] { return compare("tabular_q_learning", env, agent, ep); });
  }
  if (wants_dqn(o)) {
    fp::double_dqn agent = agent_for<fp::double_dqn>(o, env, fp::double_dqn_params::order_book(), doc);
    agent_rows.emplace_back([&, agent] { return compare("double_dqn", env, agent, ep); });
  }
  print_header();
  json rows = json::array();
  rows.push_back(compare("twap", env, fp::twap_policy{}, ep));
  rows.push_back(compare("passive_catch_up", env, fp::passive_catch_up_policy{}, ep));
  for (const auto& row : agent_rows) rows.push_back(row());
  rows.push_back(compare("all_at_once", env, all_at_once_policy{}, ep));
  doc["policies"] = rows;
  note_unfilled(rows, notes);
  return doc;
}

int run(options o) {
  json doc;
  doc["program"] = "footprint-execute";
  doc["version"] = std::string(fp::version_string);
  std::fprintf(g_out, "footprint-execute %s\n", std::string(fp::version_string).c_str());
  if (o.episodes == 0) o.episodes = o.env == "ac" ? 300'000 : 100'000;
  if (o.decisions == 0) o.decisions = o.env == "ac" ? 5 : 10;
  const fp::policy_evaluation_params ep{.n_episodes = o.evaluation_episodes, .seed = o.seed + 2026};
  doc["evaluation"] = json{{"episodes", ep.n_episodes}, {"seed", ep.seed}};
  std::vector<std::string> notes;
  if (o.env == "ac") {
    if (apps::has_order_flow(o.data)) notes.push_back("--env ac ignores the data: the world is the paper's example");
    doc = run_ac(o, doc, ep);
  } else if (!apps::has_order_flow(o.data) && o.env == "zi") {
    fp::zero_intelligence_params p = fp::zero_intelligence_params::cont_stoikov_talreja_2010();
    doc = run_simulator<fp::zero_intelligence_model>(
        o, doc, p, "zero-intelligence simulator, built-in market (Cont, Stoikov and Talreja 2010's Tokyo estimates)",
        ep, 2.0 * p.mu * p.lot_quantity, notes);  // unit sizes: mu lots a second a side
  } else {
    apps::order_flow_tape t;
    if (apps::has_order_flow(o.data)) {
      say(o, "reading the order flow");
      t = apps::load_order_flow(o.data, 0.0);
    } else {
      say(o, "simulating 6.5 hours of the built-in market to fit the queue-reactive model");
      t = apps::builtin_order_flow(o.seed + 1000);
    }
    notes.insert(notes.end(), t.notes.begin(), t.notes.end());
    say(o, "fitting the simulators to " + std::to_string(t.events.size()) + " order-flow events");
    const apps::order_flow_fits fits = apps::fit_order_flow(
        t, {.max_queue = o.max_queue, .match_occupancy = o.match_occupancy, .lot_quantity = o.lot_quantity});
    // the queue-reactive tables' regularisation: a word on the queue-reactive model only
    if (o.env == "qr") notes.insert(notes.end(), fits.notes.begin(), fits.notes.end());
    const double traded = apps::traded_rate(t);
    if (o.env == "zi")
      doc = run_simulator<fp::zero_intelligence_model>(o, doc, fits.zero_intelligence.params,
                                                       "zero-intelligence simulator fitted to " + t.description, ep,
                                                       traded, notes);
    else
      doc = run_simulator<fp::queue_reactive_model>(
          o, doc, fits.queue_reactive.params, "queue-reactive simulator fitted to " + t.description, ep, traded, notes);
  }
  apps::finish_report(doc, notes, g_out, o.json_path);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "footprint-execute: train, evaluate and compare execution policies. Trains the tabular double Q-learning agent "
      "and the double DQN in an environment (the Almgren-Chriss world, or an order-book simulator calibrated on the "
      "data; with no data "
      "option the built-in market, CST 2010's estimates) and compares it, TWAP, passive limit orders with catch-up "
      "and the Almgren-Chriss optimum on the same episodes.",
      "footprint-execute"};
  options o;
  apps::add_data_options(app, o.data);
  app.add_option("--env", o.env, "ac (the Almgren-Chriss world), zi (zero-intelligence) or qr (queue-reactive)")
      ->check(CLI::IsMember({"ac", "zi", "qr"}));
  const apps::simulator_options sim_opts = apps::add_simulator_options(
      app, o.match_occupancy, o.lot_quantity, o.max_queue, "with --env qr: ", "with --env zi or qr and data: ");
  app.add_option("--side", o.side, "buy or sell")->check(CLI::IsMember({"buy", "sell"}));
  app.add_option("--quantity", o.quantity, "order quantity, instrument units (default 10 lots; ac: 10^6 shares)")
      ->check(apps::at_least(0.0, true));
  app.add_option("--horizon", o.horizon, "execution horizon (simulators): seconds, or with a unit: 90s, 30m, 2h")
      ->transform(apps::duration("--horizon"));
  app.add_option("--decisions", o.decisions, "decisions N over the horizon (default 5 for ac, 10 for the simulators)")
      ->check(CLI::Range(1, 1000));
  app.add_option("--warmup", o.warmup, "background flow before each episode, seconds (simulators)")
      ->check(apps::at_least(0.0, false));
  app.add_option("--agent", o.agent, "the agents to train and compare: tabular, dqn or both")
      ->check(CLI::IsMember({"tabular", "dqn", "both"}));
  app.add_option("--episodes", o.episodes,
                 "the tabular agent's training episodes (default 300,000 for ac, 100,000 for the simulators)")
      ->check(CLI::Range(1, 1'000'000'000));
  app.add_option("--dqn-episodes", o.dqn_episodes,
                 "the double DQN's training episodes, the first 1,000 at random (default 20,000)")
      ->check(CLI::Range(1'001, 1'000'000'000));
  app.add_option("--evaluation-episodes", o.evaluation_episodes, "evaluation episodes per policy (>= 30)")
      ->check(CLI::Range(30, 10'000'000));
  app.add_option("--seed", o.seed, "random seed (training; evaluation uses seed + 2026)");
  app.add_option("--load-agent", o.load_agent, "load a trained tabular agent (JSON) instead of training");
  app.add_option("--save-agent", o.save_agent, "save the trained tabular agent (JSON)");
  app.add_option("--load-dqn", o.load_dqn, "load a trained double DQN (JSON) instead of training");
  app.add_option("--save-dqn", o.save_dqn, "save the trained double DQN (JSON)");
  apps::add_output_options(app, o.json_path, o.quiet);
  return apps::parse_and_run(app, argc, argv, "footprint-execute", [&] {
    if (o.match_occupancy && o.env != "qr")
      throw fp::invalid_argument(
          "--match-occupancy sets the queue-reactive simulator's limit rates: use it with --env qr");
    if (sim_opts.lot_quantity->count() > 0 && (o.env == "ac" || !apps::has_order_flow(o.data)))
      throw fp::invalid_argument(
          "--lot-quantity sets the lot of the simulators fitted to a data set: use it with --env zi or qr and "
          "--lobster, --binance or --bitstamp");
    if (sim_opts.max_queue->count() > 0 && o.env != "qr")
      throw fp::invalid_argument("--max-queue sets the queue-reactive simulator's tables: use it with --env qr");
    g_out = apps::report_stream(o.json_path);  // the JSON instead of the text with --json -
    o.quiet = o.quiet || o.json_path == "-";
    return run(o);
  });
}
