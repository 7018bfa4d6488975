// The tabular Q-learning agent (execution/tabular_q_learning.hpp) in the Almgren-Chriss world
// with the paper's example: the correctness gate of the execution issue (its greedy policy's
// E + lambda V within 1% of the closed-form optimum, 1,544,577.74 USD, for several seeds), the
// telescoping of its step costs, determinism, the protocol's verdict against TWAP and the
// optimum, and parameter errors.
#include "footprint/execution/tabular_q_learning.hpp"
#include "footprint/execution/almgren_chriss.hpp"
#include "footprint/execution/almgren_chriss_world.hpp"
#include "footprint/execution/execution_policies.hpp"
#include "footprint/execution/policy_evaluation.hpp"
#include "footprint/io/q_learning_json.hpp"

#include "footprint/detail/random.hpp"
#include "footprint/error.hpp"

#include "execution/paper_example.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_tabular_q_learning {

namespace fp = footprint;

static_assert(fp::ExecutionEnvironment<fp::almgren_chriss_world>);
static_assert(fp::ExecutionPolicy<fp::tabular_q_learning>);

using execution_test::paper;
using execution_test::paper_world;

// The agent minimises E + lambda V with the paper's lambda and the world's sigma^2.
fp::tabular_q_learning_params agent_params(std::uint64_t seed) {
  fp::tabular_q_learning_params p;
  p.risk_aversion = 2e-6;
  p.variance_rate = 0.95 * 0.95;
  p.seed = seed;
  return p;
}

// The holdings of the greedy policy in the paper's world: deterministic (the policy sees the
// time and the inventory only, and the world's inventory does not depend on the price).
fp::vector greedy_holdings(const fp::tabular_q_learning& agent) {
  fp::almgren_chriss_world w = paper_world();
  w.reset(7);
  fp::vector x(6);
  x[0] = 1e6;
  fp::index k = 0;
  while (!w.done()) {
    (void)w.step(agent.act(w.observe()));
    x[++k] = w.remaining();
  }
  return x;
}

TEST_CASE("tabular_q_learning: the paper's example, E + lambda V within 1% of the closed-form optimum") {
  const fp::almgren_chriss ac(paper());
  const double optimum = ac.optimal_cost(1e6, 5.0).objective(2e-6);
  CHECK(optimum == doctest::Approx(1544577.74).epsilon(1e-8));
  const double twap = ac.evaluate(fp::almgren_chriss::twap_holdings(1e6, 5), 5.0).objective(2e-6);
  CHECK(twap / optimum > 1.8);  // TWAP is 83% dearer in E + lambda V: the gate can fail
  for (const std::uint64_t seed : {1U, 2U, 3U}) {
    CAPTURE(seed);
    fp::almgren_chriss_world w = paper_world();
    fp::tabular_q_learning agent(agent_params(seed));
    const fp::q_learning_training t = agent.train(w);
    CHECK(t.episodes == 300000);
    CHECK(t.greedy_cost.size() == 300);
    const fp::vector x = greedy_holdings(agent);
    CHECK(x[5] == 0.0);  // it completes
    const double objective = ac.evaluate(x, 5.0).objective(2e-6);
    CHECK(objective / optimum - 1.0 < 0.01);
    CHECK(objective / optimum - 1.0 >= -1e-12);  // nothing beats the optimum
  }
}

TEST_CASE("tabular_q_learning: the step costs telescope to the shortfall plus lambda sigma^2 tau sum x_k^2") {
  // Trained for 20 episodes (both tables then know every state on the path) with one action
  // (0: nothing) until the last decision; the greedy evaluation episodes record their mean
  // cost, which for that trajectory is the shortfall of selling everything at the end plus
  // the risk charge of holding X for four intervals.
  fp::tabular_q_learning_params p = agent_params(0);
  p.size_fractions = {0.0};
  p.episodes = 20;
  p.stability_check = 20;
  p.stability_episodes = 1;
  fp::almgren_chriss_world w = paper_world();
  fp::tabular_q_learning agent(p);
  const fp::q_learning_training t = agent.train(w);
  REQUIRE(t.greedy_cost.size() == 1);
  // The evaluation episode's seed: member_seed(~seed, 0).
  w.reset(fp::detail::member_seed(~std::uint64_t{0}, 0));
  while (!w.done()) (void)w.step(agent.act(w.observe()));
  CHECK(w.remaining() == 0.0);
  const double risk = 2e-6 * 0.95 * 0.95 * 1.0 * 4.0 * 1e6 * 1e6;
  CHECK(t.greedy_cost[0] == doctest::Approx(w.shortfall() + risk).epsilon(1e-12));
}

TEST_CASE("tabular_q_learning: the same seed gives the same table, another seed another") {
  fp::tabular_q_learning_params p = agent_params(5);
  p.episodes = 2000;
  fp::almgren_chriss_world w1 = paper_world(), w2 = paper_world(), w3 = paper_world();
  fp::tabular_q_learning a(p), b(p);
  p.seed = 6;
  fp::tabular_q_learning c(p);
  (void)a.train(w1);
  (void)b.train(w2);
  (void)c.train(w3);
  CHECK(a.state().q == b.state().q);
  CHECK(a.state().visits == b.state().visits);
  CHECK(a.state().q != c.state().q);
  // from_state gives back the same agent
  const fp::tabular_q_learning d = fp::tabular_q_learning::from_state(a.state());
  CHECK(d.state().q == a.state().q);
  CHECK(greedy_holdings(d) == greedy_holdings(a));
}

TEST_CASE("tabular_q_learning: in mean shortfall the protocol finds the agent dearer than TWAP with half its spread") {
  // In E + lambda V the agent is within 1% of the optimum; in mean shortfall (what the
  // protocol pairs) a risk-averse schedule is dearer than TWAP's, as the closed forms say:
  // E_opt = 1,140,715 against E_twap = 662,500 USD. The protocol must see that.
  fp::almgren_chriss_world w = paper_world();
  fp::tabular_q_learning agent(agent_params(1));
  (void)agent.train(w);
  const fp::policy_comparison vs_twap = fp::compare_policies(paper_world(), agent, fp::twap_policy{});
  CHECK(vs_twap.verdict == "worse");  // dearer in mean, cheaper in E + lambda V
  CHECK(vs_twap.a.std_bps < vs_twap.b.std_bps / 2.0);
  CHECK(vs_twap.a.completion_rate == 1.0);
  CHECK_FALSE(vs_twap.a.degenerate);
  // Against the optimal schedule, the protocol's mean difference is the closed forms' E
  // difference (the agent's trajectory is deterministic here), within 4 standard errors.
  const fp::almgren_chriss ac(paper());
  const fp::almgren_chriss_schedule s = ac.schedule(1e6, 5.0);
  const fp::policy_comparison vs_ac = fp::compare_policies(paper_world(), agent, fp::schedule_policy(s.trades));
  const double e_difference_bps =
      (ac.evaluate(greedy_holdings(agent), 5.0).expected_currency - s.cost.expected_currency) / 5e7 * 1e4;
  CHECK(std::abs(vs_ac.mean_difference_bps - e_difference_bps) < 4.0 * vs_ac.std_error_bps);
  CHECK(vs_ac.std_error_bps < 2.0);
}

TEST_CASE("tabular_q_learning: saved and loaded as JSON, it acts identically, and a bad file names its field") {
  fp::tabular_q_learning_params p = agent_params(4);
  p.episodes = 3000;
  p.order_kinds = {fp::child_order{},
                   fp::child_order{.type = fp::child_order_type::passive_limit, .price_offset_ticks = 1}};
  fp::almgren_chriss_world w = paper_world();
  fp::tabular_q_learning agent(p);
  (void)agent.train(w);
  const std::string text = fp::model_to_json(agent);
  const auto loaded = fp::model_from_json<fp::tabular_q_learning>(text, "agent.json");
  CHECK(loaded.state().q == agent.state().q);  // bit for bit
  CHECK(loaded.state().visits == agent.state().visits);
  CHECK(loaded.params().order_kinds[1].type == fp::child_order_type::passive_limit);
  CHECK(loaded.params().order_kinds[1].price_offset_ticks == 1);
  CHECK(fp::model_to_json(loaded) == text);
  const auto error_of = [](const std::string& bad) -> std::string {
    try {
      (void)fp::model_from_json<fp::tabular_q_learning>(bad, "agent.json");
    } catch (const fp::data_error& e) {
      return e.what();
    }
    return "no exception";
  };
  std::string missing = text;
  missing.replace(missing.find("\"n_steps\""), 9, "\"n_stepz\"");
  CHECK(error_of(missing).find("n_steps") != std::string::npos);
  CHECK(error_of(missing).find("agent.json") != std::string::npos);
  std::string short_q = text;
  short_q.replace(short_q.find("\"q\":["), 5, "\"q\":[1e300,");
  CHECK(error_of(short_q).find("q and visits must have") != std::string::npos);
  std::string bad_type = text;
  bad_type.replace(bad_type.find("\"passive_limit\""), 15, "\"iceberg\"");
  CHECK(error_of(bad_type).find("params.order_kinds[1].type") != std::string::npos);
}

TEST_CASE("tabular_q_learning: acting before training, in another world, and bad parameters throw") {
  const fp::tabular_q_learning untrained;
  fp::almgren_chriss_world w = paper_world();
  CHECK_THROWS_AS((void)untrained.act(w.observe()), fp::not_fitted);
  fp::tabular_q_learning_params p = agent_params(0);
  p.episodes = 10;
  fp::tabular_q_learning agent(p);
  (void)agent.train(w);
  fp::execution_observation o = w.observe();
  o.n_steps = 7;
  CHECK_THROWS_AS((void)agent.act(o), fp::invalid_argument);
  const auto message = [](auto f) { return execution_test::invalid_argument_message(f); };
  CHECK(message([] { fp::tabular_q_learning({.inventory_buckets = 0}); }) ==
        "footprint::tabular_q_learning: inventory_buckets must be >= 1 (got 0)");
  CHECK(message([] {
          fp::tabular_q_learning({.size_fractions = {0.5, 1.5}});
        }) == "footprint::tabular_q_learning: size_fractions must be in [0, 1] (got 1.5)");
  CHECK(message([] { fp::tabular_q_learning({.learning_rate_exponent = 0.5}); }) ==
        "footprint::tabular_q_learning: learning_rate_exponent must be in (0.5, 1] (got 0.5)");
  CHECK(message([] { fp::tabular_q_learning({.risk_aversion = -1.0}); }) ==
        "footprint::tabular_q_learning: risk_aversion must be finite and >= 0 (got -1)");
  fp::tabular_q_learning_state s = agent.state();
  s.q.pop_back();
  CHECK_THROWS_AS((void)fp::tabular_q_learning::from_state(s), fp::invalid_argument);
  // Dimensions whose product overflows 64 bits are refused, not multiplied.
  fp::tabular_q_learning_state huge = agent.state();
  huge.params.inventory_buckets = fp::index{1} << 40;
  huge.params.spread_buckets = fp::index{1} << 40;
  CHECK(message([&] { (void)fp::tabular_q_learning::from_state(huge); }).find("q and visits must have") !=
        std::string::npos);
}

}  // namespace unity_tabular_q_learning
