// The order-book simulators as an ExecutionEnvironment (execution/simulated_environment.hpp):
// the shortfall is the fills' s q (p - S_0) summed (checked against the simulator's own
// fills), the same seed gives the same episode, a passive child rests at the touch and is
// cancelled at the next decision, what is left at the horizon is completed at market (or
// marked at the final mid when completion is off), TWAP costs what the metaorder harness
// (simulate_execution) says it costs, and the tabular agent trains in it deterministically.
#include "footprint/execution/simulated_environment.hpp"
#include "footprint/execution/execution_policies.hpp"
#include "footprint/execution/policy_evaluation.hpp"
#include "footprint/execution/simulated_execution.hpp"
#include "footprint/execution/tabular_q_learning.hpp"
#include "footprint/simulation/queue_reactive_model.hpp"
#include "footprint/simulation/zero_intelligence_model.hpp"

#include "footprint/detail/random.hpp"
#include "footprint/error.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_simulated_environment {

namespace fp = footprint;
using zi_environment = fp::simulated_environment<fp::zero_intelligence_model>;

static_assert(fp::ExecutionEnvironment<zi_environment>);
static_assert(fp::ExecutionEnvironment<fp::simulated_environment<fp::queue_reactive_model>>);

// Cont, Stoikov and Talreja's (2010) Tokyo estimates: a 0.01 tick, unit lots, about 10
// events a second; a buy of 10 lots over a minute in 10 decisions.
zi_environment tokyo(double completion_seconds = fp::nan, fp::side s = fp::side::buy) {
  return zi_environment(fp::zero_intelligence_params::cont_stoikov_talreja_2010(),
                        {.side = s,
                         .quantity = 10.0,
                         .horizon_seconds = 60.0,
                         .n_steps = 10,
                         .warmup_seconds = 60.0,
                         .completion_seconds = completion_seconds});
}

TEST_CASE("simulated_environment: the shortfall is the fills' s q (p - S_0), and a seed replays its episode") {
  for (const fp::side side : {fp::side::buy, fp::side::sell}) {
    zi_environment env = tokyo(fp::nan, side);
    env.reset(11);
    const double mid0 = env.observe().arrival_mid;
    CHECK(mid0 == env.observe().mid);
    fp::twap_policy twap;
    double steps = 0.0;
    while (!env.done()) steps += env.step(twap.act(env.observe()));
    CHECK(env.remaining() == 0.0);
    double expected = 0.0;
    double quantity = 0.0;
    for (const fp::simulated_fill& f : env.simulator().fills()) {
      expected += fp::sign(side) * f.quantity * (f.price - mid0);
      quantity += f.quantity;
    }
    CHECK(quantity == 10.0);
    CHECK(env.shortfall() == doctest::Approx(expected).epsilon(1e-12));
    CHECK(steps == doctest::Approx(expected).epsilon(1e-12));
    CHECK(env.shortfall_bps() == doctest::Approx(expected / (10.0 * mid0) * 1e4).epsilon(1e-12));
    CHECK(env.max_child() == 1.0);
    const double first = env.shortfall();
    env.reset(11);
    twap.reset();
    while (!env.done()) (void)env.step(twap.act(env.observe()));
    CHECK(env.shortfall() == first);
    env.reset(12);
    twap.reset();
    while (!env.done()) (void)env.step(twap.act(env.observe()));
    CHECK(env.shortfall() != first);
  }
}

TEST_CASE("simulated_environment: a passive child rests at the touch until the next decision") {
  zi_environment env = tokyo();
  env.reset(3);
  const fp::execution_observation o = env.observe();
  CHECK(o.ask - o.bid >= o.tick_size - 1e-12);
  CHECK(o.imbalance >= -1.0);
  CHECK(o.imbalance <= 1.0);
  (void)env.step({.quantity = 4.0, .type = fp::child_order_type::passive_limit});
  // Still resting after the interval, or filled at the bid it was posted at (a buy at the
  // touch never pays more than the bid it joined).
  for (const fp::simulated_fill& f : env.simulator().fills()) {
    CHECK_FALSE(f.aggressive);
    CHECK(f.price == doctest::Approx(o.bid));
  }
  const double after_one = env.remaining();
  CHECK(after_one >= 6.0);
  // The next decision cancels it: nothing more fills while nothing is sent.
  (void)env.step({.quantity = 0.0});
  (void)env.step({.quantity = 0.0});
  CHECK(env.remaining() >= after_one - 4.0);
  const std::size_t fills = env.simulator().fills().size();
  (void)env.step({.quantity = 0.0});
  CHECK(env.simulator().fills().size() == fills);
  // Passive slices with catch-up complete the order.
  const fp::policy_evaluation passive = fp::evaluate_policy(tokyo(), fp::passive_catch_up_policy{}, {.n_episodes = 30});
  CHECK(passive.completion_rate == 1.0);
}

TEST_CASE("simulated_environment: what is left at the horizon is completed at market, or marked at the mid") {
  // A policy that sends nothing: with completion (the default, one interval) the environment
  // buys the 10 lots after the horizon; without it they are marked at the final mid.
  zi_environment completing = tokyo();
  completing.reset(5);
  while (!completing.done()) (void)completing.step({.quantity = 0.0});
  CHECK(completing.remaining() == 0.0);
  zi_environment marking = tokyo(0.0);
  marking.reset(5);
  while (!marking.done()) (void)marking.step({.quantity = 0.0});
  CHECK(marking.remaining() == 10.0);
  CHECK(marking.simulator().fills().empty());
  CHECK(marking.shortfall() ==
        doctest::Approx(10.0 * (marking.simulator().mid() - marking.observe().arrival_mid)).epsilon(1e-12));
  CHECK_THROWS_AS((void)marking.step({.quantity = 1.0}), fp::invalid_argument);

  // evaluate_policy counts what is left: one lot of the ten, then nothing, leaves 90% unfilled
  // (marked) in every episode, and none with the completion.
  struct one_lot_policy {
    [[nodiscard]] fp::child_order act(const fp::execution_observation& o) const {
      return {.quantity = o.step == 0 ? 1.0 : 0.0};
    }
    void reset() {}
  };
  const fp::policy_evaluation marked = fp::evaluate_policy(tokyo(0.0), one_lot_policy{}, {.n_episodes = 30});
  CHECK(marked.completion_rate == 0.0);
  CHECK(marked.unfilled_share == doctest::Approx(0.9).epsilon(1e-12));
  const fp::policy_evaluation completed = fp::evaluate_policy(tokyo(), one_lot_policy{}, {.n_episodes = 30});
  CHECK(completed.completion_rate == 1.0);
  CHECK(completed.unfilled_share == 0.0);
}

TEST_CASE("simulated_environment: TWAP costs what the metaorder harness says, within sampling error") {
  // simulate_execution draws its background flow with other advance boundaries (a waiting
  // time is redrawn at each), so the paths differ; the means must agree.
  fp::child_schedule schedule;
  schedule.times = fp::vector::LinSpaced(10, 0.0, 54.0);
  schedule.quantities = fp::vector::Constant(10, 1.0);
  schedule.horizon_seconds = 60.0;
  fp::simulated_execution_params hp;
  hp.n_paths = 300;
  hp.warmup_seconds = 60.0;
  hp.post_seconds = 0.0;
  hp.subtract_baseline = false;
  hp.seed = 17;
  const fp::simulated_execution harness = fp::simulate_execution<fp::zero_intelligence_model>(
      fp::zero_intelligence_params::cont_stoikov_talreja_2010(), schedule, fp::child_order_type::market, hp);
  fp::policy_evaluation_params ep;
  ep.n_episodes = 300;
  ep.seed = 18;
  const fp::policy_evaluation env = fp::evaluate_policy(tokyo(), fp::twap_policy{}, ep);
  CHECK(env.completion_rate == 1.0);
  const double se = std::sqrt(env.std_bps * env.std_bps / 300.0 + harness.std_bps * harness.std_bps / 300.0);
  CHECK(std::abs(env.mean_bps - harness.expected_bps) < 4.0 * se);
  CHECK(env.mean_bps > 0.0);  // buying 10 lots costs: half the spread at least
}

TEST_CASE("simulated_environment: the tabular agent trains in it, the same seed giving the same table") {
  fp::tabular_q_learning_params p;
  p.inventory_buckets = 5;
  p.spread_buckets = 2;
  p.imbalance_buckets = 3;
  p.size_fractions = {0.0, 0.2, 0.5, 1.0};
  p.order_kinds = {fp::child_order{}, fp::child_order{.type = fp::child_order_type::passive_limit}};
  p.episodes = 60;
  p.stability_check = 30;
  p.stability_episodes = 4;
  p.seed = 2;
  zi_environment e1 = tokyo(), e2 = tokyo();
  fp::tabular_q_learning a(p), b(p);
  const fp::q_learning_training t = a.train(e1);
  (void)b.train(e2);
  CHECK(t.greedy_cost.size() == 2);
  CHECK(a.state().q == b.state().q);
  fp::index visited = 0;
  for (const std::int64_t v : a.state().visits) visited += v > 0 ? 1 : 0;
  CHECK(visited > 20);
  const fp::policy_evaluation run = fp::evaluate_policy(tokyo(), a, {.n_episodes = 30, .seed = 4});
  CHECK(run.completion_rate == 1.0);
}

TEST_CASE("simulated_environment: bad parameters throw, naming the field") {
  const auto tokyo_params = fp::zero_intelligence_params::cont_stoikov_talreja_2010();
  CHECK_THROWS_WITH_AS(zi_environment(tokyo_params, {.quantity = 2.5, .horizon_seconds = 60.0}),
                       "footprint::simulated_environment: quantity must be a whole number of lots of 1, at least one "
                       "(got 2.5)",
                       fp::invalid_argument);
  CHECK_THROWS_WITH_AS(zi_environment(tokyo_params, {.quantity = 2.0, .horizon_seconds = 0.0}),
                       "footprint::simulated_environment: horizon_seconds must be finite and > 0 (got 0)",
                       fp::invalid_argument);
  CHECK_THROWS_WITH_AS(zi_environment(tokyo_params, {.quantity = 2.0, .horizon_seconds = 6.0, .n_steps = 0}),
                       "footprint::simulated_environment: n_steps must be >= 1 (got 0)", fp::invalid_argument);
}

}  // namespace unity_simulated_environment
