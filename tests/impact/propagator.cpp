// propagator: closed forms of the impact path and cost for constant-rate execution, the
// discrete sum converging to them on a fine grid, the permanent limits (beta = 0, G_inf),
// decay after execution, the special exponents of the power-law primitives, and errors.
#include "footprint/impact/propagator.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <string>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_propagator {

namespace fp = footprint;

namespace {

/// N child orders of v dt at t_k = k dt, k = 0..N-1: constant rate v over [0, T).
struct grid {
  fp::vector times, quantities;
};
grid children(double v, double horizon, fp::index n) {
  const double dt = horizon / static_cast<double>(n);
  grid g{fp::vector(n), fp::vector::Constant(n, v * dt)};
  for (fp::index k = 0; k < n; ++k) g.times[k] = static_cast<double>(k) * dt;
  return g;
}

double rel(double a, double b) { return std::abs(a - b) / std::abs(b); }

}  // namespace

TEST_CASE("propagator: exponential kernel, constant rate: path and cost match the closed forms") {
  const double g0 = 2.0, tau = 60.0, g_inf = 0.05, v = 3.0, horizon = 600.0;
  const fp::propagator prop({.kernel = fp::propagator_kernel::exponential, .g0 = g0, .tau = tau, .g_inf = g_inf});
  // p(t) = v G0 tau (1 - e^{-t/tau}) + G_inf v t during; v G0 tau (e^{-(t-T)/tau} - e^{-t/tau}) + G_inf v T after.
  auto temporary = [&](double t) {
    return t <= horizon ? v * g0 * tau * (1 - std::exp(-t / tau))
                        : v * g0 * tau * (std::exp(-(t - horizon) / tau) - std::exp(-t / tau));
  };
  auto permanent = [&](double t) { return g_inf * v * std::min(t, horizon); };
  const fp::vector at = fp::vector{{0.0, 1.0, 100.0, 600.0, 660.0, 1800.0}};

  // Piecewise-constant rates are integrated exactly: any step size gives the closed form.
  const fp::propagator::path exact = prop.rate_impact_path(horizon / 7.0, fp::vector::Constant(7, v), at);
  for (fp::index i = 0; i < at.size(); ++i) {
    CAPTURE(at[i]);
    CHECK(exact.temporary_bps[i] == doctest::Approx(temporary(at[i])).epsilon(1e-12));
    CHECK(exact.permanent_bps[i] == doctest::Approx(permanent(at[i])).epsilon(1e-12));
    CHECK(exact.total_bps()[i] == doctest::Approx(temporary(at[i]) + permanent(at[i])).epsilon(1e-12));
  }
  CHECK(exact.time == at);

  // The discrete sum over child orders converges to it at first order in dt.
  auto error_at = [&](fp::index n, double t) {
    const grid g = children(v, horizon, n);
    const fp::propagator::path p = prop.impact_path(g.times, g.quantities, fp::vector::Constant(1, t));
    return rel(p.total_bps()[0], temporary(t) + permanent(t));
  };
  for (double t : {300.0, 600.0, 900.0}) {
    CAPTURE(t);
    const double e1 = error_at(4000, t), e2 = error_at(8000, t);
    CHECK(e1 < 2e-3);
    CHECK(e1 / e2 == doctest::Approx(2.0).epsilon(0.1));
  }

  // Cost: (1/T) int_0^T p = v G0 tau (1 - (tau/T)(1 - e^{-T/tau})) + G_inf v T / 2.
  const double cost_temp = v * g0 * tau * (1 - tau / horizon * (1 - std::exp(-horizon / tau)));
  const double cost_perm = g_inf * v * horizon / 2;
  const fp::cost_estimate c = prop.rate_cost(horizon / 50.0, fp::vector::Constant(50, v));
  CHECK(c.temporary_bps == doctest::Approx(cost_temp).epsilon(1e-12));
  CHECK(c.permanent_bps == doctest::Approx(cost_perm).epsilon(1e-12));
  CHECK(c.expected_bps == doctest::Approx(cost_temp + cost_perm).epsilon(1e-12));
  CHECK(std::isnan(c.std_bps));
  // Child orders paying half their own impact approach the same cost.
  const fp::propagator half(
      {.kernel = fp::propagator_kernel::exponential, .g0 = g0, .tau = tau, .g_inf = g_inf, .self_impact = 0.5});
  const grid g = children(v, horizon, 1000);
  CHECK(rel(half.cost(g.times, g.quantities).expected_bps, cost_temp + cost_perm) < 1e-4);
}

TEST_CASE("propagator: power-law kernel, constant rate: path and cost match the closed forms") {
  const double g0 = 1.5, l0 = 10.0, beta = 0.5, v = 2.0, horizon = 600.0;
  const fp::propagator prop({.kernel = fp::propagator_kernel::power_law, .g0 = g0, .l0 = l0, .beta = beta});
  // p(t) = v G0 l0 ((1 + t/l0)^{1-beta} - 1) / (1 - beta) during execution.
  auto during = [&](double t) { return v * g0 * l0 * (std::pow(1 + t / l0, 1 - beta) - 1) / (1 - beta); };
  const fp::vector at = fp::vector{{0.5, 250.0, 600.0}};
  const fp::propagator::path p = prop.rate_impact_path(horizon / 9.0, fp::vector::Constant(9, v), at);
  for (fp::index i = 0; i < at.size(); ++i) CHECK(p.temporary_bps[i] == doctest::Approx(during(at[i])).epsilon(1e-12));
  CHECK(p.permanent_bps == fp::vector::Zero(3));
  // After: p(t) = during(t) - during(t - T).
  const fp::propagator::path after =
      prop.rate_impact_path(horizon, fp::vector::Constant(1, v), fp::vector::Constant(1, 1000.0));
  CHECK(after.temporary_bps[0] == doctest::Approx(during(1000.0) - during(400.0)).epsilon(1e-12));
  // Cost: (v/T) G0 l0 / (1 - beta) (l0 ((1 + x)^{2-beta} - 1) / (2 - beta) - T), x = T/l0.
  const double x = horizon / l0;
  const double cost =
      v / horizon * g0 * l0 / (1 - beta) * (l0 * (std::pow(1 + x, 2 - beta) - 1) / (2 - beta) - horizon);
  CHECK(prop.rate_cost(horizon / 30.0, fp::vector::Constant(30, v)).temporary_bps ==
        doctest::Approx(cost).epsilon(1e-10));
}

TEST_CASE("propagator: exact rate costs agree with fine-grid child orders for every exponent") {
  // Both forms of the second primitive (switching at beta = 0.5 and 1.5), the special points
  // beta = 1 and beta = 2, and a fast decay.
  const double v = 1.0, horizon = 300.0;
  const grid g = children(v, horizon, 600);
  for (double beta : {0.0, 0.3, 0.5, 1.0, 1.5, 2.0, 3.0}) {
    CAPTURE(beta);
    const fp::propagator prop(
        {.kernel = fp::propagator_kernel::power_law, .l0 = 10.0, .beta = beta, .self_impact = 0.5});
    const double exact = prop.rate_cost(horizon / 3.0, fp::vector::Constant(3, v)).expected_bps;
    // Exact: cutting the same constant rate into 300 steps changes nothing.
    CHECK(prop.rate_cost(horizon / 300.0, fp::vector::Constant(300, v)).expected_bps ==
          doctest::Approx(exact).epsilon(1e-10));
    CHECK(rel(prop.cost(g.times, g.quantities).expected_bps, exact) < 2e-3);
  }
}

TEST_CASE("propagator: the power-law primitives are continuous through their special exponents") {
  const fp::vector rates = fp::vector{{1.0, 3.0, 0.0, 2.0}};
  auto cost = [&](double beta) {
    return fp::propagator({.kernel = fp::propagator_kernel::power_law, .l0 = 5.0, .beta = beta})
        .rate_cost(20.0, rates)
        .expected_bps;
  };
  auto path = [&](double beta) {
    return fp::propagator({.kernel = fp::propagator_kernel::power_law, .l0 = 5.0, .beta = beta})
        .rate_impact_path(20.0, rates, fp::vector::Constant(1, 75.0))
        .temporary_bps[0];
  };
  for (double beta : {0.5, 1.0, 1.5, 2.0}) {
    CAPTURE(beta);
    CHECK(rel(cost(beta - 1e-9), cost(beta)) < 1e-7);
    CHECK(rel(cost(beta + 1e-9), cost(beta)) < 1e-7);
    CHECK(rel(path(beta + 1e-9), path(beta)) < 1e-7);
  }
}

TEST_CASE("propagator: beta -> 0 behaves as permanent impact") {
  const double v = 2.0, horizon = 100.0;
  const fp::vector at = fp::vector{{100.0, 200.0, 1e4, 1e7}};
  const fp::propagator flat({.kernel = fp::propagator_kernel::power_law, .g0 = 1.0, .beta = 0.0});
  const fp::propagator::path p = flat.rate_impact_path(10.0, fp::vector::Constant(10, v), at);
  for (fp::index i = 0; i < at.size(); ++i) CHECK(p.temporary_bps[i] == doctest::Approx(v * horizon).epsilon(1e-12));
  // The cost of a constant rate under a constant kernel is G0 v T / 2, as for G_inf.
  CHECK(flat.rate_cost(10.0, fp::vector::Constant(10, v)).expected_bps ==
        doctest::Approx(v * horizon / 2).epsilon(1e-12));
  const fp::propagator floor_only({.g0 = 0.0, .g_inf = 1.0});
  CHECK(floor_only.rate_cost(10.0, fp::vector::Constant(10, v)).permanent_bps == doctest::Approx(v * horizon / 2));
  // A tiny beta keeps nearly all of the impact long after the end.
  const fp::propagator almost({.kernel = fp::propagator_kernel::power_law, .g0 = 1.0, .beta = 1e-6});
  const fp::vector late = almost.rate_impact_path(10.0, fp::vector::Constant(10, v), at).temporary_bps;
  CHECK(late[3] / late[0] > 0.9999);
}

TEST_CASE("propagator: after execution the impact decays towards its permanent part") {
  const grid g = children(1.0, 100.0, 100);
  const fp::vector at = fp::vector::LinSpaced(50, 100.0, 5000.0);
  for (auto kernel : {fp::propagator_kernel::exponential, fp::propagator_kernel::power_law}) {
    CAPTURE(fp::to_string(kernel));
    const fp::propagator prop({.kernel = kernel, .g0 = 1.0, .l0 = 1.0, .beta = 0.5, .tau = 30.0, .g_inf = 0.02});
    const fp::propagator::path p = prop.impact_path(g.times, g.quantities, at);
    const double floor = 0.02 * g.quantities.sum();
    for (fp::index i = 1; i < at.size(); ++i) {
      CHECK(p.temporary_bps[i] < p.temporary_bps[i - 1]);
      CHECK(p.permanent_bps[i] == doctest::Approx(floor));
      CHECK(p.temporary_bps[i] > 0.0);
    }
    const double far = prop.impact_path(g.times, g.quantities, fp::vector::Constant(1, 1e7)).temporary_bps[0];
    CHECK(far < 0.01 * p.temporary_bps[0]);
  }
}

TEST_CASE("propagator: concave instantaneous impact and the cost of single trades") {
  const fp::propagator prop({.kernel = fp::propagator_kernel::exponential,
                             .g0 = 3.0,
                             .tau = 10.0,
                             .g_inf = 0.5,
                             .delta = 0.5,
                             .self_impact = 0.5});
  CHECK(prop.instantaneous_impact(16.0) == doctest::Approx(4.0));
  CHECK(prop.kernel(0.0) == doctest::Approx(3.5));
  CHECK(prop.kernel(10.0) == doctest::Approx(0.5 + 3.0 * std::exp(-1.0)));
  // One child of 4: f = 2, it pays half its own impact 2 G(0).
  const fp::cost_estimate one = prop.cost(fp::vector::Constant(1, 0.0), fp::vector::Constant(1, 4.0));
  CHECK(one.temporary_bps == doctest::Approx(0.5 * 2 * 3.0));
  CHECK(one.permanent_bps == doctest::Approx(0.5 * 2 * 0.5));
  // Two children, 4 at t = 0 and 9 at t = 5: (4 * 0.5 * 2 G(0) + 9 (2 G(5) + 0.5 * 3 G(0))) / 13.
  const fp::vector t = fp::vector{{0.0, 5.0}}, q = fp::vector{{4.0, 9.0}};
  const double g_0 = prop.kernel(0.0), g_5 = prop.kernel(5.0);
  CHECK(prop.cost(t, q).expected_bps == doctest::Approx((4 * 0.5 * 2 * g_0 + 9 * (2 * g_5 + 0.5 * 3 * g_0)) / 13));
  // The path at a child's time includes that child.
  CHECK(prop.impact_path(t, q, fp::vector::Constant(1, 5.0)).total_bps()[0] == doctest::Approx(2 * g_5 + 3 * g_0));
  CHECK(prop.impact_path(t, q, fp::vector::Constant(1, -1.0)).total_bps()[0] == 0.0);
  // Doubling a rate multiplies the path by 2^delta.
  const fp::vector r = fp::vector::Constant(3, 1.0);
  CHECK(prop.rate_impact_path(1.0, 2.0 * r, fp::vector::Constant(1, 2.5)).total_bps()[0] ==
        doctest::Approx(std::sqrt(2.0) * prop.rate_impact_path(1.0, r, fp::vector::Constant(1, 2.5)).total_bps()[0]));
}

TEST_CASE("propagator: a fast exponential decay is Almgren-Chriss linear temporary impact") {
  // G0 = eta / tau with tau -> 0: the temporary cost of a constant rate v tends to eta v.
  const double eta = 0.8, tau = 1e-3, v = 5.0;
  const fp::propagator prop({.kernel = fp::propagator_kernel::exponential, .g0 = eta / tau, .tau = tau});
  CHECK(prop.rate_cost(60.0, fp::vector::Constant(10, v)).temporary_bps == doctest::Approx(eta * v).epsilon(1e-5));
}

TEST_CASE("propagator: errors") {
  CHECK_THROWS_WITH_AS(fp::propagator({.delta = 1.5}), "footprint::propagator: delta must be in (0, 1] (got 1.5)",
                       fp::invalid_argument);
  CHECK_THROWS_WITH_AS(fp::propagator({.tau = 0.0}), "footprint::propagator: tau must be finite and > 0 (got 0)",
                       fp::invalid_argument);
  CHECK_THROWS_WITH_AS(fp::propagator({.beta = -1.0}), "footprint::propagator: beta must be finite and >= 0 (got -1)",
                       fp::invalid_argument);
  CHECK_THROWS_WITH_AS(fp::propagator({.self_impact = 2.0}),
                       "footprint::propagator: self_impact must be in [0, 1] (got 2)", fp::invalid_argument);
  CHECK_THROWS_WITH_AS(fp::propagator({.g0 = std::nan("")}),
                       "footprint::propagator: g0 must be finite and >= 0 (got nan)", fp::invalid_argument);

  const fp::propagator prop;
  const fp::vector t = fp::vector{{0.0, 2.0, 1.0}};
  const fp::vector q = fp::vector::Ones(3);
  const fp::vector at = fp::vector::Zero(1);
  CHECK_THROWS_WITH_AS((void)prop.impact_path(t, q, at),
                       "footprint::propagator::impact_path: times must be non-decreasing (got 1 after 2 at row 2)",
                       fp::invalid_argument);
  CHECK_THROWS_WITH_AS(
      (void)prop.impact_path(t, fp::vector::Ones(2), at),
      "footprint::propagator::impact_path: quantities.size() must equal times.size() (expected 3, got 2)",
      fp::dimension_mismatch);
  CHECK_THROWS_WITH_AS((void)prop.cost(fp::vector::Zero(2), fp::vector{{1.0, -1.0}}),
                       "footprint::propagator::cost: quantities must be finite and >= 0 (got -1 at row 1)",
                       fp::invalid_argument);
  CHECK_THROWS_WITH_AS((void)prop.cost(fp::vector::Zero(2), fp::vector::Zero(2)),
                       "footprint::propagator::cost: the sum of quantities must be > 0 (got 0)", fp::invalid_argument);
  CHECK_THROWS_WITH_AS((void)prop.rate_cost(0.0, q),
                       "footprint::propagator::rate_cost: dt must be finite and > 0 (got 0)", fp::invalid_argument);
  CHECK_THROWS_WITH_AS((void)prop.rate_impact_path(1.0, q, fp::vector::Constant(1, std::nan(""))),
                       "footprint::propagator::rate_impact_path: at must be finite (got nan at row 0)",
                       fp::invalid_argument);
  CHECK_THROWS_WITH_AS((void)prop.kernel(-1.0), "footprint::propagator::kernel: lag must be finite and >= 0 (got -1)",
                       fp::invalid_argument);
}

}  // namespace unity_propagator
