// evaluate_schedule: closed forms. With normal child costs of one shape the comonotone sum is
// normal with sd sum_j w_j sd_j, so the exceedance probability is a normal tail; the
// permanent part and the price risk are Almgren and Chriss (2000) eq. 8 and 5.
#include "footprint/execution/schedule_cost.hpp"
#include "footprint/distributions/location_scale_t.hpp"
#include "footprint/execution/almgren_chriss.hpp"

#include <doctest/doctest.h>
#include <boost/math/distributions/normal.hpp>

#include <cmath>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_schedule_cost {

namespace fp = footprint;
using normal = boost::math::normal_distribution<double>;

TEST_CASE("evaluate_schedule matches the closed forms for normal child costs") {
  const fp::vector trades{{400.0, 300.0, 200.0, 100.0}};  // X = 1000, front-loaded
  const double tau = 30.0, mid = 50.0, gamma = 2e-4, sigma = 0.02, threshold = 6.0;
  const std::vector<normal> costs{normal(4.0, 1.0), normal(3.0, 0.75), normal(2.0, 0.5), normal(1.0, 0.25)};
  const fp::schedule_cost c = fp::evaluate_schedule(
      trades, tau, std::span<const normal>(costs),
      {.arrival_mid = mid, .gamma = gamma, .sigma = sigma, .threshold_bps = threshold, .quadrature_points = 20000});
  const double x = 1000.0;
  // temporary: weights 0.4, 0.3, 0.2, 0.1
  const double mean_t = 0.4 * 4 + 0.3 * 3 + 0.2 * 2 + 0.1 * 1;
  const double sd_t = 0.4 * 1.0 + 0.3 * 0.75 + 0.2 * 0.5 + 0.1 * 0.25;
  CHECK(c.temporary_bps == doctest::Approx(mean_t).epsilon(1e-12));
  CHECK(c.temporary_std_bps == doctest::Approx(sd_t).epsilon(1e-3));
  // permanent: gamma (X^2 - sum n^2) / 2 per X, in bps of the mid
  const double perm = 1e4 * gamma * (x * x - (400.0 * 400 + 300.0 * 300 + 200.0 * 200 + 100.0 * 100)) / (2 * x * mid);
  CHECK(c.permanent_bps == doctest::Approx(perm).epsilon(1e-12));
  // price risk: sigma^2 tau sum_k x_k^2 with x = 600, 300, 100, 0
  const double risk = 1e4 * sigma * std::sqrt(tau * (600.0 * 600 + 300.0 * 300 + 100.0 * 100)) / (x * mid);
  CHECK(c.price_risk_std_bps == doctest::Approx(risk).epsilon(1e-12));
  CHECK(c.expected_bps == doctest::Approx(mean_t + perm).epsilon(1e-12));
  const double sd = std::sqrt(sd_t * sd_t + risk * risk);
  CHECK(c.std_bps == doctest::Approx(sd).epsilon(1e-3));
  const double p = boost::math::cdf(boost::math::complement(normal(mean_t + perm, sd), threshold));
  CHECK(c.exceedance_probability == doctest::Approx(p).epsilon(2e-3));
  CHECK(c.exceedance_probability > 0.05);  // the case is not degenerate
  CHECK(c.exceedance_probability < 0.95);
}

TEST_CASE("evaluate_schedule price risk equals Almgren-Chriss variance of the same holdings") {
  const fp::almgren_chriss ac({.gamma = 2.5e-7,
                               .eta = 2.5e-6,
                               .epsilon = 0.0625,
                               .sigma = 0.95,
                               .lambda = 2e-6,
                               .n_intervals = 5,
                               .time_unit = std::chrono::hours(24)});
  const fp::almgren_chriss_schedule s = ac.schedule(1e6, 5.0);
  const std::vector<normal> costs(5, normal(0.0, 1e-9));
  // tau in "seconds" = 1 day: sigma is per sqrt(day) here, so the units agree.
  const fp::schedule_cost c = fp::evaluate_schedule(s.trades, 1.0, std::span<const normal>(costs),
                                                    {.arrival_mid = 50.0, .gamma = 2.5e-7, .sigma = 0.95});
  const double to_bps = 1e4 / (1e6 * 50.0);
  CHECK(c.price_risk_std_bps == doctest::Approx(std::sqrt(s.cost.variance) * to_bps).epsilon(1e-10));
  CHECK(c.permanent_bps == doctest::Approx(0.5 * 2.5e-7 * (1e12 - s.trades.squaredNorm()) * to_bps).epsilon(1e-12));
}

TEST_CASE("evaluate_schedule with no price risk gives a step exceedance and works with Student-t costs") {
  const fp::vector trades{{500.0, 500.0}};
  const std::vector<fp::location_scale_t> costs(2, fp::location_scale_t(4.0, 5.0, 1.0));
  const fp::schedule_cost above = fp::evaluate_schedule(trades, 60.0, std::span<const fp::location_scale_t>(costs),
                                                        {.arrival_mid = 100.0, .threshold_bps = 5.0});
  CHECK(above.exceedance_probability == doctest::Approx(0.5).epsilon(1e-9));  // median of T is 5
  CHECK(above.price_risk_std_bps == 0.0);
  CHECK(above.permanent_bps == 0.0);
  // Student-t with 4 degrees of freedom: sd = scale sqrt(nu / (nu - 2)); the grid loses a little tail
  CHECK(above.temporary_std_bps == doctest::Approx(std::sqrt(2.0)).epsilon(0.03));
}

TEST_CASE("evaluate_schedule rejects bad arguments") {
  const fp::vector trades{{1.0, 1.0}};
  const std::vector<normal> two(2, normal(1.0, 1.0));
  const std::vector<normal> one(1, normal(1.0, 1.0));
  const auto eval = [&](const std::vector<normal>& d, const fp::schedule_cost_params& p, double tau = 1.0,
                        const fp::vector& t = fp::vector{{1.0, 1.0}}) {
    return fp::evaluate_schedule(t, tau, std::span<const normal>(d), p);
  };
  CHECK_THROWS_AS((void)eval(one, {.arrival_mid = 1.0}), fp::dimension_mismatch);
  CHECK_THROWS_AS((void)eval(two, {.arrival_mid = 0.0}), fp::invalid_argument);
  CHECK_THROWS_AS((void)eval(two, {.arrival_mid = 1.0, .gamma = -1.0}), fp::invalid_argument);
  CHECK_THROWS_AS((void)eval(two, {.arrival_mid = 1.0, .sigma = fp::nan}), fp::invalid_argument);
  CHECK_THROWS_AS((void)eval(two, {.arrival_mid = 1.0, .quadrature_points = 3}), fp::invalid_argument);
  CHECK_THROWS_AS((void)eval(two, {.arrival_mid = 1.0}, 0.0), fp::invalid_argument);
  CHECK_THROWS_WITH_AS((void)eval(two, {.arrival_mid = 1.0}, 1.0, fp::vector{{1.0, -1.0}}), doctest::Contains("trades"),
                       fp::invalid_argument);
  CHECK_THROWS_AS((void)eval(two, {.arrival_mid = 1.0}, 1.0, fp::vector{{0.0, 0.0}}), fp::invalid_argument);
}

}  // namespace unity_schedule_cost
