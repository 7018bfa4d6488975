// forecast_schedule: the expected parts by hand (one block, two children), the horizon and size
// properties the model promises (slower is cheaper, permanent impact concave), price risk's
// closed form, P moving with a planted standard error, determinism, and the errors.
#include "footprint/execution/schedule_forecast.hpp"

#include "footprint/book/price_level_book.hpp"
#include "footprint/error.hpp"

#include <doctest/doctest.h>

#include <cmath>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_schedule_forecast {

namespace fp = footprint;

namespace {

/// Mid 100.00; asks 1, 2, 3 bps from the mid with 100, 200, 300; bids 1 and 2 bps with 100, 200.
fp::price_level_book book() {
  fp::price_level_book b;
  b.set_level(fp::side::sell, 100.01, 100.0);
  b.set_level(fp::side::sell, 100.02, 200.0);
  b.set_level(fp::side::sell, 100.03, 300.0);
  b.set_level(fp::side::buy, 99.99, 100.0);
  b.set_level(fp::side::buy, 99.98, 200.0);
  return b;
}

/// V = 1e5, sigma_d = 2%, no price risk; exponential kernel G0 = 50, tau = 60 s, delta 0.5;
/// Y = 0.8, delta = 0.5 known exactly.
fp::schedule_impact_model model() {
  fp::schedule_impact_model m;
  m.daily_volume = 1e5;
  m.daily_volatility = 0.02;
  m.volatility = 0.0;
  m.transient = {.kernel = fp::propagator_kernel::exponential, .g0 = 50.0, .tau = 60.0, .delta = 0.5};
  m.permanent.y = {.value = 0.8, .std_error = 0.0, .robust_std_error = 0.0};
  m.permanent.delta = {.value = 0.5, .std_error = 0.0, .robust_std_error = 0.0};
  m.permanent.covariance = fp::matrix::Zero(2, 2);
  return m;
}

fp::vector vec(std::initializer_list<double> v) {
  fp::vector out(static_cast<fp::index>(v.size()));
  fp::index i = 0;
  for (double x : v) out[i++] = x;
  return out;
}

/// N equal children over [0, horizon).
fp::schedule_forecast twap(double quantity, fp::index n, double horizon, const fp::schedule_impact_model& m) {
  const fp::vector times = fp::vector::LinSpaced(n, 0.0, horizon * static_cast<double>(n - 1) / static_cast<double>(n));
  return fp::forecast_schedule(book(), fp::side::buy, times, fp::vector::Constant(n, quantity / static_cast<double>(n)),
                               m);
}

}  // namespace

TEST_CASE("forecast_schedule: one block by hand, two children by hand") {
  const fp::schedule_impact_model m = model();
  const double K = 1e4 * 0.8 * 0.02;  // 1e4 Y sigma_d
  const fp::schedule_forecast block = fp::forecast_schedule(book(), fp::side::buy, vec({0.0}), vec({250.0}), m);
  CHECK(block.immediate_bps == doctest::Approx(1.6).epsilon(1e-12));  // 100 at 1 bps, 150 at 2 bps
  CHECK(block.transient_bps == 0.0);
  // The law's impact averaged over the block: I(X) / (1 + delta).
  const double block_permanent = K * std::sqrt(250.0 / 1e5) / 1.5;
  CHECK(block.permanent_bps == doctest::Approx(block_permanent).epsilon(1e-12));
  CHECK(block.expected_bps == doctest::Approx(1.6 + block_permanent).epsilon(1e-12));
  // Nothing is uncertain: every draw is the expected cost.
  CHECK(block.std_bps == doctest::Approx(0.0).epsilon(1e-9));
  CHECK(block.p05_bps == doctest::Approx(1.6 + block_permanent).epsilon(1e-12));
  CHECK(block.p95_bps == doctest::Approx(1.6 + block_permanent).epsilon(1e-12));
  CHECK(block.max_child_to_depth == doctest::Approx(250.0 / 600.0));

  // 100 at 0 s and 100 at 30 s: each walks 1 bps; the second pays G0 (100/V)^0.5 e^{-1/2} of the
  // first's transient impact; the permanent impact averaged over each slice is K f / 1.5 for the
  // first and K f (2^1.5 - 1) / 1.5 for the second, K (2 a)^0.5 / 1.5 = I(X) / 1.5 in all.
  const fp::schedule_forecast two =
      fp::forecast_schedule(book(), fp::side::buy, vec({0.0, 30.0}), vec({100.0, 100.0}), m);
  const double f = std::sqrt(100.0 / 1e5);
  CHECK(two.immediate_bps == doctest::Approx(1.0).epsilon(1e-12));
  CHECK(two.transient_bps == doctest::Approx(0.5 * 50.0 * f * std::exp(-0.5)).epsilon(1e-12));
  CHECK(two.permanent_bps == doctest::Approx(K * std::sqrt(200.0 / 1e5) / 1.5).epsilon(1e-12));
  CHECK(two.expected_bps == doctest::Approx(two.temporary_bps + two.permanent_bps).epsilon(1e-12));
  REQUIRE(two.child_bps.size() == 2);
  CHECK(two.child_bps[0] == doctest::Approx(1.0 + K * f / 1.5).epsilon(1e-12));
  CHECK(two.child_bps[1] ==
        doctest::Approx(1.0 + 50.0 * f * std::exp(-0.5) + K * f * (std::pow(2.0, 1.5) - 1.0) / 1.5).epsilon(1e-12));
  // A sell takes the bids.
  CHECK(fp::forecast_schedule(book(), fp::side::sell, vec({0.0}), vec({150.0}), m).immediate_bps ==
        doctest::Approx(200.0 / 150.0).epsilon(1e-12));
  // However the order is sliced, the permanent part is I(X) / (1 + delta).
  CHECK(twap(600.0, 10, 60.0, m).permanent_bps == doctest::Approx(K * std::sqrt(600.0 / 1e5) / 1.5).epsilon(1e-12));
  CHECK(twap(600.0, 3, 60.0, m).permanent_bps == doctest::Approx(K * std::sqrt(600.0 / 1e5) / 1.5).epsilon(1e-12));
}

TEST_CASE("forecast_schedule: slower is cheaper, and permanent impact is concave in size") {
  const fp::schedule_impact_model m = model();
  const fp::schedule_forecast fast = twap(600.0, 10, 60.0, m), medium = twap(600.0, 10, 600.0, m),
                              slow = twap(600.0, 10, 3600.0, m);
  CHECK(fast.expected_bps > medium.expected_bps);
  CHECK(medium.expected_bps > slow.expected_bps);
  CHECK(fast.immediate_bps == medium.immediate_bps);  // the same children walk the same book
  CHECK(fast.permanent_bps == medium.permanent_bps);  // permanent impact has no time in it
  // Doubling every child multiplies the permanent part by 2^delta = sqrt(2) < 2.
  const fp::schedule_forecast doubled = twap(1200.0, 10, 600.0, m);
  CHECK(doubled.permanent_bps / medium.permanent_bps == doctest::Approx(std::sqrt(2.0)).epsilon(1e-12));
  // Bigger children walk deeper: temporary cost grows with size.
  CHECK(doubled.temporary_bps > medium.temporary_bps);
}

TEST_CASE("forecast_schedule: price risk has the Almgren-Chriss closed form") {
  fp::schedule_impact_model m = model();
  m.volatility = 1e-4;  // per sqrt(second)
  const fp::schedule_forecast two =
      fp::forecast_schedule(book(), fp::side::buy, vec({0.0, 30.0}), vec({100.0, 100.0}), m, {.draws = 20000});
  // s_R = 1e4 volatility sqrt(x_1^2 (t_2 - t_1)) / X with x_1 = 100 still to trade for 30 s.
  const double s_r = 1e4 * 1e-4 * std::sqrt(100.0 * 100.0 * 30.0) / 200.0;
  CHECK(two.price_risk_std_bps == doctest::Approx(s_r).epsilon(1e-12));
  CHECK(two.std_bps == doctest::Approx(s_r).epsilon(0.03));  // 20,000 draws: the sd's own error is 0.5%
  CHECK(two.p50_bps == doctest::Approx(two.expected_bps).epsilon(0.03));
  CHECK(two.p05_bps < two.p50_bps);
  CHECK(two.p50_bps < two.p95_bps);
  CHECK(two.p95_bps - two.p05_bps == doctest::Approx(2.0 * 1.6449 * s_r).epsilon(0.05));
}

TEST_CASE("forecast_schedule: P moves when a parameter's standard error moves") {
  fp::schedule_impact_model m = model();
  m.model_std_bps = 0.5;
  const fp::schedule_forecast known = twap(600.0, 10, 600.0, m);
  const double threshold = known.expected_bps + 1.0;
  const double p_known = fp::forecast_schedule(book(), fp::side::buy, fp::vector::LinSpaced(10, 0.0, 540.0),
                                               fp::vector::Constant(10, 60.0), m, {.threshold_bps = threshold})
                             .exceedance_probability;
  // A planted standard error of 0.3 on Y (about 40% of it).
  m.permanent.covariance(0, 0) = 0.09;
  const fp::schedule_forecast uncertain =
      fp::forecast_schedule(book(), fp::side::buy, fp::vector::LinSpaced(10, 0.0, 540.0),
                            fp::vector::Constant(10, 60.0), m, {.threshold_bps = threshold});
  CHECK(p_known < 0.05);  // 1 bps is 2 sd of the model's 0.5
  CHECK(uncertain.exceedance_probability > p_known + 0.1);
  CHECK(uncertain.std_bps > known.std_bps);
  CHECK(uncertain.expected_bps == known.expected_bps);  // the estimates did not move
  // And a standard error on G0 widens it too.
  fp::schedule_impact_model g = model();
  g.g0_std_error = 20.0;
  CHECK(twap(600.0, 10, 600.0, g).std_bps > twap(600.0, 10, 600.0, model()).std_bps);
}

TEST_CASE("forecast_schedule: the same seed gives the same numbers") {
  fp::schedule_impact_model m = model();
  m.volatility = 1e-4;
  m.permanent.covariance(0, 0) = 0.01;
  const fp::vector t = fp::vector::LinSpaced(5, 0.0, 240.0), q = fp::vector::Constant(5, 50.0);
  const fp::schedule_forecast a = fp::forecast_schedule(book(), fp::side::buy, t, q, m, {.seed = 7});
  const fp::schedule_forecast b = fp::forecast_schedule(book(), fp::side::buy, t, q, m, {.seed = 7});
  const fp::schedule_forecast c = fp::forecast_schedule(book(), fp::side::buy, t, q, m, {.seed = 8});
  CHECK(a.std_bps == b.std_bps);
  CHECK(a.p95_bps == b.p95_bps);
  CHECK(a.exceedance_probability == b.exceedance_probability);
  CHECK(a.p95_bps != c.p95_bps);
}

TEST_CASE("forecast_schedule: bad schedules and settings throw, naming what") {
  const fp::schedule_impact_model m = model();
  const fp::price_level_book b = book();
  CHECK_THROWS_AS((void)fp::forecast_schedule(b, fp::side::buy, vec({0.0, 1.0}), vec({1.0}), m),
                  fp::dimension_mismatch);
  CHECK_THROWS_WITH_AS((void)fp::forecast_schedule(b, fp::side::buy, vec({0.0, 1.0}), vec({1.0, -1.0}), m),
                       "footprint::forecast_schedule: quantities must be finite and >= 0; child 1 is -1",
                       fp::invalid_argument);
  CHECK_THROWS_WITH_AS((void)fp::forecast_schedule(b, fp::side::buy, vec({5.0, 1.0}), vec({1.0, 1.0}), m),
                       "footprint::forecast_schedule: times must be finite, >= 0 and non-decreasing; child 1 is at 1 s",
                       fp::invalid_argument);
  CHECK_THROWS_AS((void)fp::forecast_schedule(b, fp::side::buy, vec({0.0}), vec({0.0}), m), fp::invalid_argument);
  CHECK_THROWS_AS((void)fp::forecast_schedule(b, fp::side::buy, fp::vector(0), fp::vector(0), m), fp::invalid_argument);
  fp::schedule_impact_model bad = m;
  bad.daily_volume = 0.0;
  CHECK_THROWS_WITH_AS((void)fp::forecast_schedule(b, fp::side::buy, vec({0.0}), vec({1.0}), bad),
                       "footprint::forecast_schedule: daily_volume must be finite and > 0 (got 0)",
                       fp::invalid_argument);
  CHECK_THROWS_AS((void)fp::forecast_schedule(b, fp::side::buy, vec({0.0}), vec({1.0}), m, {.draws = 10}),
                  fp::invalid_argument);
  bad = m;
  bad.permanent.covariance = fp::matrix();
  CHECK_THROWS_AS((void)fp::forecast_schedule(b, fp::side::buy, vec({0.0}), vec({1.0}), bad), fp::invalid_argument);
}

}  // namespace unity_schedule_forecast
