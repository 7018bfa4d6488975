// Execution policies in the Almgren-Chriss world (execution/execution_policies.hpp,
// execution/almgren_chriss_world.hpp, execution/policy_evaluation.hpp): the world's
// shortfall is the paper's closed form plus its price noise, exactly; with the paper's
// example the static trajectory's mean and sd are E = 1,140,715.17 and sqrt(V) = 449,367.65
// USD within Monte Carlo error; the adaptive policy equals the static one (the optimum is
// time-consistent); the protocol finds TWAP at parity with itself, the all-at-once seller
// degenerate and worse, and the Almgren-Chriss premium over TWAP where the closed form puts it.
#include "footprint/execution/execution_policies.hpp"
#include "footprint/execution/almgren_chriss_world.hpp"
#include "footprint/execution/policy_evaluation.hpp"

#include "footprint/detail/random.hpp"
#include "footprint/error.hpp"

#include <doctest/doctest.h>

#include <cmath>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_execution_policies {

namespace fp = footprint;

// Almgren and Chriss (2000), section 3.2's example: 10^6 shares at 50 USD over 5 days in 5
// intervals; sigma 0.95 USD per sqrt(day), eta 2.5e-6, gamma 2.5e-7, epsilon 0.0625 USD,
// lambda 2e-6 per USD.
fp::almgren_chriss_params paper(double lambda = 2e-6) {
  return {.gamma = 2.5e-7, .eta = 2.5e-6, .epsilon = 0.0625, .sigma = 0.95, .lambda = lambda, .n_intervals = 5};
}

fp::almgren_chriss_world paper_world(fp::side s = fp::side::sell) {
  return fp::almgren_chriss_world(
      {.model = paper(), .quantity = 1e6, .horizon = 5.0, .initial_price = 50.0, .side = s});
}

TEST_CASE("almgren_chriss_world: the shortfall is the closed-form E plus the price noise on the holdings") {
  // For a fixed trajectory the shortfall is E + sign sigma sqrt(tau) sum_k xi_k x_k (eq. 3-5),
  // with x_k the holdings after child k: the same normals, drawn again from the seed.
  const fp::almgren_chriss ac(paper());
  const fp::almgren_chriss_schedule s = ac.schedule(1e6, 5.0);
  for (const fp::side side : {fp::side::sell, fp::side::buy}) {
    fp::almgren_chriss_world w = paper_world(side);
    for (std::uint64_t seed = 1; seed <= 5; ++seed) {
      w.reset(seed);
      fp::detail::xoshiro256ss rng(seed);
      double noise = 0.0;
      for (fp::index k = 0; k < 5; ++k) {
        (void)w.step({.quantity = s.trades[k]});
        noise += 0.95 * std::sqrt(1.0) * rng.normal() * s.holdings[k + 1];
      }
      CHECK(w.done());
      CHECK(w.remaining() == doctest::Approx(0.0));
      CHECK(w.shortfall() == doctest::Approx(s.cost.expected_currency + fp::sign(side) * noise).epsilon(1e-10));
    }
  }
}

TEST_CASE("almgren_chriss_world: the paper's example gives E = 1,140,715.17 and sqrt(V) = 449,367.65 USD") {
  const fp::almgren_chriss_schedule s = fp::almgren_chriss(paper()).schedule(1e6, 5.0);
  CHECK(s.cost.expected_currency == doctest::Approx(1140715.17).epsilon(1e-8));
  CHECK(s.cost.std_currency() == doctest::Approx(449367.65).epsilon(1e-8));
  const fp::policy_evaluation e =
      fp::evaluate_policy(paper_world(), fp::schedule_policy(s.trades), {.n_episodes = 20'000, .seed = 3});
  const double notional = 1e6 * 50.0;
  const double mean = e.mean_bps * 1e-4 * notional;
  const double sd = e.std_bps * 1e-4 * notional;
  // within 4 standard errors: sqrt(V / n) for the mean, sqrt(V) / sqrt(2 n) for the sd
  CHECK(std::abs(mean - 1140715.17) < 4.0 * 449367.65 / std::sqrt(20'000.0));
  CHECK(std::abs(sd - 449367.65) < 4.0 * 449367.65 / std::sqrt(40'000.0));
  CHECK(e.completion_rate == 1.0);
  CHECK(e.max_child_share == doctest::Approx(s.trades[0] / 1e6));
  CHECK_FALSE(e.degenerate);
}

TEST_CASE("adaptive_almgren_chriss_policy: re-solving from the inventory left gives the static trajectory") {
  const fp::almgren_chriss ac(paper());
  const fp::almgren_chriss_schedule s = ac.schedule(1e6, 5.0);
  const fp::adaptive_almgren_chriss_policy adaptive(ac);
  fp::almgren_chriss_world w = paper_world();
  w.reset(9);
  for (fp::index k = 0; k < 5; ++k) {
    const fp::child_order c = adaptive.act(w.observe());
    CHECK(c.quantity == doctest::Approx(s.trades[k]).epsilon(1e-9));
    (void)w.step(c);
  }
  const fp::policy_comparison cmp =
      fp::compare_policies(paper_world(), adaptive, fp::schedule_policy(s.trades), {.n_episodes = 200});
  CHECK(cmp.verdict == "parity");
  CHECK(std::abs(cmp.mean_difference_bps) < 1e-9);
}

TEST_CASE("compare_policies: TWAP against itself is parity, all at once is degenerate and worse") {
  const fp::policy_comparison same = fp::compare_policies(paper_world(), fp::twap_policy{}, fp::twap_policy{});
  CHECK(same.mean_difference_bps == 0.0);
  CHECK(same.ci_low_bps == 0.0);
  CHECK(same.ci_high_bps == 0.0);
  CHECK(same.verdict == "parity");
  CHECK(same.a.mean_bps == same.b.mean_bps);
  CHECK_FALSE(same.a.degenerate);

  const fp::policy_comparison dump =
      fp::compare_policies(paper_world(), fp::schedule_policy(fp::vector{{1e6, 0, 0, 0, 0}}), fp::twap_policy{});
  CHECK(dump.a.degenerate);
  CHECK(dump.a.max_child_share == 1.0);
  CHECK(dump.verdict == "worse");
  // the closed forms: all at once E = epsilon X + eta_tilde X^2 / tau + gamma X^2 / 2, TWAP
  // E = epsilon X + eta_tilde X^2 / T + gamma X^2 / 2 (tau = 1 day, T = 5 days); the noise
  // differs (TWAP holds shares, the dump does not), so the check is within the interval
  const double eta_tilde = 2.5e-6 - 0.5 * 2.5e-7;
  const double gap_bps = (eta_tilde * 1e12 * (1.0 - 1.0 / 5.0)) / 5e7 * 1e4;
  CHECK(dump.ci_low_bps < gap_bps);
  CHECK(gap_bps < dump.ci_high_bps);
}

TEST_CASE("compare_policies: Almgren-Chriss pays its risk premium over TWAP, as the closed form says") {
  const fp::almgren_chriss_schedule ac = fp::almgren_chriss(paper()).schedule(1e6, 5.0);
  const fp::almgren_chriss_schedule twap = fp::almgren_chriss(paper(0.0)).schedule(1e6, 5.0);
  const double premium_bps = (ac.cost.expected_currency - twap.cost.expected_currency) / 5e7 * 1e4;  // 95.6 bps
  const fp::policy_comparison cmp = fp::compare_policies(paper_world(), fp::schedule_policy(ac.trades),
                                                         fp::twap_policy{}, {.n_episodes = 400, .seed = 1});
  INFO("premium ", premium_bps, " bps; measured ", cmp.mean_difference_bps, " [", cmp.ci_low_bps, ", ", cmp.ci_high_bps,
       "]");
  CHECK(cmp.ci_low_bps < premium_bps);
  CHECK(premium_bps < cmp.ci_high_bps);
  CHECK(cmp.verdict == "worse");  // in mean; its variance is lower (the point of lambda)
  CHECK(cmp.a.std_bps < cmp.b.std_bps);
  CHECK(cmp.a.cvar95_bps < cmp.b.cvar95_bps);
}

TEST_CASE("execution policies: TWAP, POV and a schedule on given observations") {
  const fp::execution_observation o{.step = 1,
                                    .n_steps = 4,
                                    .elapsed = 30.0,
                                    .horizon = 120.0,
                                    .quantity = 900.0,
                                    .remaining = 600.0,
                                    .volume_rate = 50.0};
  CHECK(fp::twap_policy{}.act(o).quantity == doctest::Approx(200.0));
  // 10% of 50 per second over the next interval (120 - 30) / 3 = 30 s: 150
  CHECK(fp::pov_policy(0.1).act(o).quantity == doctest::Approx(150.0));
  fp::execution_observation last = o;
  last.step = 3;
  CHECK(fp::pov_policy(0.1).act(last).quantity == 600.0);
  CHECK(fp::pov_policy(0.1, false).act(last).quantity == doctest::Approx(0.1 * 50.0 * 90.0));
  fp::execution_observation unknown = o;
  unknown.volume_rate = fp::nan;
  CHECK(fp::pov_policy(0.2).act(unknown).quantity == 0.0);
  // a schedule of 300 per child, 300 traded: at step 1 the target is 600, 300 to send; a
  // shortfall (only 200 traded) is caught up
  const fp::schedule_policy s(fp::vector{{300, 300, 300}});
  CHECK(s.act(o).quantity == doctest::Approx(300.0));
  fp::execution_observation behind = o;
  behind.remaining = 700.0;
  CHECK(s.act(behind).quantity == doctest::Approx(400.0));
}

TEST_CASE("execution policies and the world: bad input") {
  CHECK_THROWS_AS(fp::pov_policy(0.0), fp::invalid_argument);
  CHECK_THROWS_AS(fp::pov_policy(1.5), fp::invalid_argument);
  CHECK_THROWS_AS(fp::schedule_policy(fp::vector{}), fp::invalid_argument);
  CHECK_THROWS_AS(fp::schedule_policy(fp::vector{{1.0, -2.0}}), fp::invalid_argument);
  CHECK_THROWS_AS(fp::almgren_chriss_world({.model = paper(), .quantity = 0.0, .horizon = 5.0, .initial_price = 50.0}),
                  fp::invalid_argument);
  CHECK_THROWS_AS(fp::almgren_chriss_world({.model = paper(), .quantity = 1e6, .horizon = 5.0, .initial_price = -1.0}),
                  fp::invalid_argument);
  fp::almgren_chriss_params no_eta = paper();
  no_eta.eta = 0.0;
  CHECK_THROWS_AS(fp::almgren_chriss_world({.model = no_eta, .quantity = 1e6, .horizon = 5.0, .initial_price = 50.0}),
                  fp::invalid_argument);
  fp::almgren_chriss_world w = paper_world();
  for (int k = 0; k < 5; ++k) (void)w.step({.quantity = 1e5});
  CHECK_THROWS_AS((void)w.step({.quantity = 1.0}), fp::invalid_argument);
  // what is left after the last decision is marked at the final price, not completed
  CHECK(w.remaining() == doctest::Approx(5e5));
  CHECK_THROWS_AS((void)fp::evaluate_policy(paper_world(), fp::twap_policy{}, {.n_episodes = 10}),
                  fp::invalid_argument);
  CHECK_THROWS_AS((void)fp::evaluate_policy(paper_world(), fp::twap_policy{}, {.degenerate_share = 0.0}),
                  fp::invalid_argument);
  // a child larger than what is left, negative or NaN trades what the world allows
  w.reset(1);
  (void)w.step({.quantity = -5.0});
  CHECK(w.remaining() == 1e6);
  (void)w.step({.quantity = fp::nan});
  CHECK(w.remaining() == 1e6);
  (void)w.step({.quantity = 5e6});
  CHECK(w.remaining() == 0.0);
}

}  // namespace unity_execution_policies

namespace unity_execution_policies {

TEST_CASE("passive_catch_up_policy: TWAP where children trade at market, and catch-up when behind") {
  // In the Almgren-Chriss world every child trades at market: the passive slices are TWAP's.
  const fp::policy_comparison c = fp::compare_policies(paper_world(), fp::passive_catch_up_policy{}, fp::twap_policy{});
  CHECK(c.mean_difference_bps == 0.0);
  CHECK(c.verdict == "parity");
  // By hand: X = 10, N = 5. On schedule at k = 1 (8 left): a passive slice of 2, 1 tick inside.
  const fp::passive_catch_up_policy p(1);
  const fp::child_order on = p.act({.step = 1, .n_steps = 5, .quantity = 10.0, .remaining = 8.0});
  CHECK(on.type == fp::child_order_type::passive_limit);
  CHECK(on.quantity == 2.0);
  CHECK(on.price_offset_ticks == 1);
  // Nothing filled by k = 2 (10 left, TWAP would have 6): 4 behind > a slice of 10/3: market.
  const fp::child_order behind = p.act({.step = 2, .n_steps = 5, .quantity = 10.0, .remaining = 10.0});
  CHECK(behind.type == fp::child_order_type::market);
  CHECK(behind.quantity == 4.0);
  // The last decision: everything left, at market.
  const fp::child_order last = p.act({.step = 4, .n_steps = 5, .quantity = 10.0, .remaining = 3.0});
  CHECK(last.type == fp::child_order_type::market);
  CHECK(last.quantity == 3.0);
  CHECK_THROWS_AS(fp::passive_catch_up_policy(-1), fp::invalid_argument);
}

}  // namespace unity_execution_policies
