// The metaorder harness in the order-book simulators: a one-lot market order pays half the
// spread exactly and finds an empty side as often as the stationary law says; passive limit
// orders at the touch earn the spread; buying pushes the mid up; common random numbers make
// runs reproducible; bad schedules and settings throw.
#include "footprint/execution/simulated_execution.hpp"

#include "footprint/error.hpp"
#include "footprint/execution/schedules.hpp"
#include "footprint/simulation/queue_reactive_model.hpp"
#include "footprint/simulation/zero_intelligence_model.hpp"

#include <doctest/doctest.h>

#include <cmath>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_simulated_execution {

namespace fp = footprint;

// Cont, Stoikov and Talreja's touch (L = 1): the quotes stay one tick apart, the ask queue is
// the birth-death chain with P(empty) = 0.253159.
fp::zero_intelligence_params touch_only() { return {.lambda = {1.85}, .theta = {0.71}, .mu = 0.94}; }

fp::child_schedule one_child(double quantity) {
  return fp::child_schedule{.times = fp::vector{{0.0}}, .quantities = fp::vector{{quantity}}, .horizon_seconds = 10.0};
}

TEST_CASE(
    "simulate_execution: a one-lot market buy pays half the spread, or finds the ask side empty at the stationary "
    "rate") {
  const fp::simulated_execution r = fp::simulate_execution<fp::zero_intelligence_model>(
      touch_only(), one_child(1.0), fp::child_order_type::market,
      {.n_paths = 2'000, .warmup_seconds = 50.0, .threshold_bps = 0.4, .seed = 3, .subtract_baseline = false});
  int empty = 0;
  for (fp::index k = 0; k < r.cost_bps.size(); ++k) {
    if (r.fill_rate[k] == 0.0) {
      ++empty;
      CHECK(std::isnan(r.cost_bps[k]));
    } else {
      // one tick of spread at 100: half a tick is 0.5 bps of the mid (to rounding)
      CHECK(r.fill_rate[k] == 1.0);
      CHECK(r.cost_bps[k] == doctest::Approx(0.5).epsilon(1e-3));
      CHECK(r.passive_share[k] == 0.0);
    }
  }
  const double p0 = empty / 2'000.0;
  CHECK(std::abs(p0 - 0.253159) < 4.0 * std::sqrt(0.253159 * 0.746841 / 2'000.0));
  CHECK(r.expected_bps == doctest::Approx(0.5).epsilon(1e-3));
  CHECK(r.p_exceed == 1.0);  // every filled path paid 0.5 > 0.4
  CHECK(r.path_times.size() == 41);
  CHECK(r.path_times[40] == doctest::Approx(20.0));  // horizon + post (the horizon again)
}

TEST_CASE("simulate_execution: passive limit orders at fixed quotes earn half the spread, catch-ups pay it") {
  // With L = 1 the quotes never move: a passive buy fills at the bid, half a tick below the
  // mid, a catch-up market buy at the ask, half a tick above: cost = 0.5 (1 - 2 share) bps.
  const fp::child_schedule twap = fp::twap_schedule(6.0, 120.0, 6);
  const fp::simulated_execution_params ep{
      .n_paths = 300, .warmup_seconds = 20.0, .seed = 5, .subtract_baseline = false};
  const auto passive =
      fp::simulate_execution<fp::zero_intelligence_model>(touch_only(), twap, fp::child_order_type::passive_limit, ep);
  int full = 0;
  for (fp::index k = 0; k < passive.cost_bps.size(); ++k) {
    if (passive.fill_rate[k] < 1.0) continue;  // a catch-up found the ask side empty
    ++full;
    CHECK(passive.cost_bps[k] ==
          doctest::Approx(0.5 * (1.0 - 2.0 * passive.passive_share[k])).epsilon(1e-3).scale(1.0));
  }
  CHECK(full > 200);
  CHECK(passive.passive_share.mean() > 0.5);
  CHECK(passive.expected_bps < 0.0);
  // market children at fixed quotes pay exactly half a tick
  const auto market =
      fp::simulate_execution<fp::zero_intelligence_model>(touch_only(), twap, fp::child_order_type::market, ep);
  CHECK(market.passive_share.maxCoeff() == 0.0);
  CHECK(market.expected_bps == doctest::Approx(0.5).epsilon(1e-3));
}

TEST_CASE("simulate_execution: with moving quotes the passive strategy is adversely selected") {
  // Cont, Stoikov and Talreja's book: a resting bid fills when the price falls through it and
  // misses when it rises (then a market order catches up higher): over 1,000 paths the passive
  // TWAP costs more than the market-order TWAP although most of it fills at the bid.
  const fp::child_schedule twap = fp::twap_schedule(10.0, 60.0, 10);
  const fp::simulated_execution_params ep{
      .n_paths = 1'000, .warmup_seconds = 20.0, .seed = 5, .subtract_baseline = false};
  const auto zi = fp::zero_intelligence_params::cont_stoikov_talreja_2010();
  const auto market = fp::simulate_execution<fp::zero_intelligence_model>(zi, twap, fp::child_order_type::market, ep);
  const auto passive =
      fp::simulate_execution<fp::zero_intelligence_model>(zi, twap, fp::child_order_type::passive_limit, ep);
  CHECK(market.fill_rate.mean() > 0.99);  // a child may find the ask side empty
  CHECK(passive.fill_rate.mean() > 0.99);
  CHECK(passive.passive_share.mean() > 0.6);
  CHECK(market.expected_bps > 0.5);
  CHECK(passive.expected_bps > market.expected_bps);
}

TEST_CASE("simulate_execution: buying moves the mid up and the same seed gives the same run") {
  const fp::child_schedule twap = fp::twap_schedule(48.0, 300.0, 30);
  const fp::simulated_execution_params ep{.n_paths = 100, .warmup_seconds = 60.0, .path_points = 21, .seed = 9};
  const auto a = fp::simulate_execution<fp::zero_intelligence_model>(
      fp::zero_intelligence_params::cont_stoikov_talreja_2010(), twap, fp::child_order_type::market, ep);
  const auto b = fp::simulate_execution<fp::zero_intelligence_model>(
      fp::zero_intelligence_params::cont_stoikov_talreja_2010(), twap, fp::child_order_type::market, ep);
  CHECK(a.cost_bps == b.cost_bps);
  CHECK(a.mean_path_bps == b.mean_path_bps);
  CHECK(a.mean_path_bps[0] == 0.0);
  // each path's impact path: mean_path_bps is its column means, and path k is the same path
  // whatever the number of paths (stream k of the seed), which pairs paths across schedules
  REQUIRE(a.path_bps.rows() == 100);
  REQUIRE(a.path_bps.cols() == 21);
  CHECK((a.path_bps.colwise().mean().transpose() - a.mean_path_bps).cwiseAbs().maxCoeff() < 1e-12);
  CHECK(a.path_bps.col(0).cwiseAbs().maxCoeff() == 0.0);
  CHECK(a.path_bps.col(10).minCoeff() < a.path_bps.col(10).maxCoeff());
  fp::simulated_execution_params two = ep;
  two.n_paths = 2;
  const auto c = fp::simulate_execution<fp::zero_intelligence_model>(
      fp::zero_intelligence_params::cont_stoikov_talreja_2010(), twap, fp::child_order_type::market, two);
  CHECK(c.path_bps == a.path_bps.topRows(2));
  CHECK(c.cost_bps == a.cost_bps.head(2));
  // 48 lots, about 17% of the market orders hitting the ask over 300 s: several ticks up
  CHECK(a.mean_path_bps[10] > 5.0);
  // a sell schedule in the queue-reactive model pushes the mid down: positive signed moves
  fp::queue_reactive_params q;
  q.limit_rate = fp::matrix{{2.0, 1.5, 1.2, 1.0, 0.8}, {1.5, 1.2, 1.0, 0.9, 0.8}};
  q.cancel_rate = fp::matrix{{0.0, 0.4, 0.6, 0.8, 1.0}, {0.0, 0.3, 0.5, 0.7, 0.9}};
  q.market_rate = fp::matrix{{0.0, 0.5, 0.5, 0.5, 0.5}, {0.0, 0.2, 0.2, 0.2, 0.2}};
  fp::simulated_execution_params sell = ep;
  sell.side = fp::side::sell;
  const auto s = fp::simulate_execution<fp::queue_reactive_model>(q, twap, fp::child_order_type::market, sell);
  CHECK(s.mean_path_bps[10] > 0.5);
  CHECK(s.expected_bps > 0.0);
}

TEST_CASE("simulate_execution: bad schedules and settings throw invalid_argument") {
  const auto zi = fp::zero_intelligence_params::cont_stoikov_talreja_2010();
  const fp::simulated_execution_params ep{.n_paths = 2};
  auto run = [&](const fp::child_schedule& s, const fp::simulated_execution_params& p) {
    (void)fp::simulate_execution<fp::zero_intelligence_model>(zi, s, fp::child_order_type::market, p);
  };
  CHECK_THROWS_AS(run(fp::child_schedule{}, ep), fp::invalid_argument);
  CHECK_THROWS_AS(run(fp::child_schedule{.times = fp::vector{{0.0, 0.0}},
                                         .quantities = fp::vector{{1.0, 1.0}},
                                         .horizon_seconds = 5.0},
                      ep),
                  fp::invalid_argument);
  CHECK_THROWS_AS(
      run(fp::child_schedule{.times = fp::vector{{0.0}}, .quantities = fp::vector{{-1.0}}, .horizon_seconds = 5.0}, ep),
      fp::invalid_argument);
  CHECK_THROWS_AS(run(fp::child_schedule{.times = fp::vector{{0.0, 3.0}},
                                         .quantities = fp::vector{{1.0, 1.0}},
                                         .horizon_seconds = 2.0},
                      ep),
                  fp::invalid_argument);
  CHECK_THROWS_AS(run(one_child(1.0), fp::simulated_execution_params{.n_paths = 1}), fp::invalid_argument);
  CHECK_THROWS_AS(run(one_child(1.0), fp::simulated_execution_params{.n_paths = 2, .warmup_seconds = -1.0}),
                  fp::invalid_argument);
  CHECK_THROWS_AS(run(one_child(1.0), fp::simulated_execution_params{.n_paths = 2, .path_points = 1}),
                  fp::invalid_argument);
  // Less than half a lot in all (lot_quantity 1): nothing would be sent, every cost undefined
  // (it used to return NaN costs); half a lot rounds to one and runs.
  CHECK_THROWS_WITH_AS(run(one_child(1e-300), ep), doctest::Contains("less than half a lot"), fp::invalid_argument);
  CHECK_THROWS_AS(run(one_child(0.49), ep), fp::invalid_argument);
  CHECK_THROWS_AS((void)fp::simulate_execution<fp::zero_intelligence_model>(zi, one_child(0.3),
                                                                            fp::child_order_type::passive_limit, ep),
                  fp::invalid_argument);
  const fp::simulated_execution half =
      fp::simulate_execution<fp::zero_intelligence_model>(zi, one_child(0.5), fp::child_order_type::market, ep);
  CHECK(std::isfinite(half.expected_bps));
}

}  // namespace unity_simulated_execution
