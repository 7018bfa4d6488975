// The risk overlay in the metaorder harness (execution/simulated_overlay.hpp), in Cont, Stoikov
// and Talreja's zero-intelligence book: with the overlay switched off the costs are the
// harness's to the last bit; with a guard that always trips every path is the fallback's; and
// the claim: on the Almgren-Chriss schedule, with the model's 99% quantile measured on
// other seeds, the overlay keeps the mean within 1 bp of the schedule's and the CVaR 95% no
// worse than TWAP's.
#include "footprint/execution/simulated_overlay.hpp"

#include "footprint/error.hpp"
#include "footprint/execution/schedules.hpp"
#include "footprint/simulation/zero_intelligence_model.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_simulated_overlay {

namespace fp = footprint;

// Buy 60 lots over 10 minutes in 20 children: about 10% of the market orders' flow (0.94 lots/s).
constexpr double quantity = 60.0;
constexpr double horizon = 600.0;
constexpr double flow = 0.94;

fp::zero_intelligence_params book() { return fp::zero_intelligence_params::cont_stoikov_talreja_2010(); }

// No limit binds: no sd or distance check, a quantile no shortfall reaches.
fp::simulated_overlay switched_off() {
  return {.limits = {}, .std_bps = 1.0, .quantile_99_bps = 1e9, .volume_rate = flow};
}

TEST_CASE("simulate_overlaid_execution: switched off, the costs are simulate_execution's") {
  // The same schedule, seeds and children; the two harnesses advance the simulator in different
  // steps (simulate_execution also samples the mid path), which draws the background's events
  // differently: the paths are not the same, their distributions are. Where every lot filled
  // the cost is the same quantity on both sides (no opportunity cost): equal means within 4
  // standard errors.
  const fp::child_schedule ac = fp::urgency_schedule(quantity, horizon, 20, 2.0);
  const fp::simulated_execution_params ep{
      .n_paths = 200, .warmup_seconds = 100.0, .seed = 11, .subtract_baseline = false};
  const fp::simulated_overlaid_execution with =
      fp::simulate_overlaid_execution<fp::zero_intelligence_model>(book(), ac, switched_off(), ep);
  const fp::simulated_execution without =
      fp::simulate_execution<fp::zero_intelligence_model>(book(), ac, fp::child_order_type::market, ep);
  CHECK(with.paths_reducing + with.paths_halted + with.paths_fallback == 0);
  const double se =
      std::sqrt((with.execution.std_bps * with.execution.std_bps + without.std_bps * without.std_bps) / 200.0);
  INFO("with ", with.execution.expected_bps, ", without ", without.expected_bps, ", se ", se);
  CHECK(std::abs(with.execution.expected_bps - without.expected_bps) < 4.0 * se);
  CHECK(std::abs(with.execution.fill_rate.mean() - without.fill_rate.mean()) < 0.02);
}

TEST_CASE("simulate_overlaid_execution: a model guard that always trips sends the fallback's children") {
  const fp::child_schedule ac = fp::urgency_schedule(quantity, horizon, 20, 2.0);
  fp::simulated_overlay distrusted = switched_off();
  distrusted.limits.median_std_bps = 1.0;
  distrusted.std_bps = 10.0;  // ten times its median: wide_spread on every decision
  const fp::simulated_overlaid_execution r = fp::simulate_overlaid_execution<fp::zero_intelligence_model>(
      book(), ac, distrusted, {.n_paths = 20, .warmup_seconds = 100.0, .seed = 12, .subtract_baseline = false});
  CHECK(r.paths_fallback == 20);
  // the fallback is TWAP capped at 10% of the flow: 0.1 x 0.94 x 30 s = 2.82 lots per child,
  // 2 whole lots, 40 of the 60 asked: the rest is left, and costs its mid move
  CHECK(r.execution.fill_rate.maxCoeff() <= 40.0 / 60.0 + 1e-12);
  CHECK(r.execution.fill_rate.mean() > 0.6);
}

TEST_CASE(
    "simulate_overlaid_execution: the overlay keeps the mean within 1 bp of the schedule's, CVaR no worse than "
    "TWAP's") {
  const fp::child_schedule twap = fp::twap_schedule(quantity, horizon, 20);
  const fp::child_schedule ac = fp::urgency_schedule(quantity, horizon, 20, 2.0);
  // The model: the schedule's cost distribution on 200 other seeds.
  const fp::simulated_overlaid_execution model = fp::simulate_overlaid_execution<fp::zero_intelligence_model>(
      book(), ac, switched_off(), {.n_paths = 200, .warmup_seconds = 300.0, .seed = 99, .subtract_baseline = false});
  std::vector<double> sorted(model.execution.cost_bps.begin(), model.execution.cost_bps.end());
  std::sort(sorted.begin(), sorted.end());
  const double q99 = fp::detail::execution::sorted_quantile(sorted, 0.99);
  const fp::simulated_overlay on{.limits = {.median_std_bps = model.execution.std_bps},
                                 .std_bps = model.execution.std_bps,
                                 .quantile_99_bps = q99,
                                 .volume_rate = flow};
  // 400 paths with common random numbers for the three.
  const fp::simulated_execution_params ep{
      .n_paths = 400, .warmup_seconds = 300.0, .seed = 7, .subtract_baseline = false};
  const auto r_twap = fp::simulate_overlaid_execution<fp::zero_intelligence_model>(book(), twap, switched_off(), ep);
  const auto r_ac = fp::simulate_overlaid_execution<fp::zero_intelligence_model>(book(), ac, switched_off(), ep);
  const auto r_on = fp::simulate_overlaid_execution<fp::zero_intelligence_model>(book(), ac, on, ep);
  INFO("TWAP mean ", r_twap.execution.expected_bps, " CVaR ", r_twap.cvar_95_bps, "; AC mean ",
       r_ac.execution.expected_bps, " CVaR ", r_ac.cvar_95_bps, "; AC + overlay mean ", r_on.execution.expected_bps,
       " CVaR ", r_on.cvar_95_bps, ", reducing ", r_on.paths_reducing, ", halted ", r_on.paths_halted);
  CHECK(std::abs(r_on.execution.expected_bps - r_ac.execution.expected_bps) <= 1.0);
  CHECK(r_on.cvar_95_bps <= r_twap.cvar_95_bps);
  // the realized guard acted, on the tail only
  CHECK(r_on.paths_reducing + r_on.paths_halted >= 1);
  CHECK(r_on.paths_reducing + r_on.paths_halted <= 40);
  CHECK(r_on.paths_fallback == 0);
}

TEST_CASE("simulate_overlaid_execution: cvar_95 and bad input") {
  CHECK(fp::cvar_95(fp::vector{{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20}}) == 20.0);
  CHECK(fp::cvar_95(fp::vector{{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21}}) == 20.5);
  const fp::child_schedule ac = fp::urgency_schedule(quantity, horizon, 20, 2.0);
  CHECK_THROWS_AS(
      (void)fp::simulate_overlaid_execution<fp::zero_intelligence_model>(book(), ac, switched_off(), {.n_paths = 1}),
      fp::invalid_argument);
  fp::simulated_overlay bad = switched_off();
  bad.limits.fallback_participation = 1.5;
  CHECK_THROWS_AS((void)fp::simulate_overlaid_execution<fp::zero_intelligence_model>(book(), ac, bad, {.n_paths = 10}),
                  fp::invalid_argument);
  fp::child_schedule late = ac;
  late.horizon_seconds = 1.0;
  CHECK_THROWS_AS(
      (void)fp::simulate_overlaid_execution<fp::zero_intelligence_model>(book(), late, switched_off(), {.n_paths = 10}),
      fp::invalid_argument);
}

}  // namespace unity_simulated_overlay
