// shrink_to_prior: the Gaussian combination's closed forms (independent and correlated
// estimates), its limits (an uninformative fit gives the prior, a precise one the data), the
// law overload, the message, and the errors.
#include "footprint/impact/impact_prior.hpp"

#include "footprint/error.hpp"

#include <doctest/doctest.h>

#include <string>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_impact_prior {

namespace fp = footprint;

namespace {
fp::vector est(double y, double delta) { return fp::vector{{y, delta}}; }
fp::matrix cov(double a, double b, double c) { return fp::matrix{{a, b}, {b, c}}; }
}  // namespace

TEST_CASE("shrink_to_prior: independent estimates combine by their precisions") {
  // Data Y = 2.0 +- 0.2 (precision 25), prior 0.8 +- 0.4 (6.25): Y = (25 x 2 + 6.25 x 0.8) / 31.25 = 1.76,
  // sd = 1 / sqrt(31.25); delta = 0.8 +- 0.1 against 0.5 +- 0.1: the midpoint 0.65, sd 0.1 / sqrt(2).
  const fp::shrunk_square_root s = fp::shrink_to_prior(est(2.0, 0.8), cov(0.04, 0.0, 0.01));
  CHECK(s.y.value == doctest::Approx(1.76).epsilon(1e-12));
  CHECK(s.y.std_error == doctest::Approx(1.0 / std::sqrt(31.25)).epsilon(1e-12));
  CHECK(s.delta.value == doctest::Approx(0.65).epsilon(1e-12));
  CHECK(s.delta.std_error == doctest::Approx(0.1 / std::sqrt(2.0)).epsilon(1e-12));
  CHECK(s.data_weight_y == doctest::Approx(0.8).epsilon(1e-12));  // 1 - 6.25 / 31.25
  CHECK(s.data_weight_delta == doctest::Approx(0.5).epsilon(1e-12));
  CHECK(s.covariance(0, 1) == 0.0);
}

TEST_CASE("shrink_to_prior: correlated estimates, against the matrix formula") {
  const fp::matrix c = cov(0.09, -0.012, 0.0064);
  const fp::vector e = est(1.3, 0.62);
  const fp::shrunk_square_root s = fp::shrink_to_prior(e, c, {.y = 1.0, .y_sd = 0.5, .delta = 0.5, .delta_sd = 0.15});
  fp::matrix p0 = fp::matrix::Zero(2, 2);
  p0(0, 0) = 1.0 / 0.25;
  p0(1, 1) = 1.0 / 0.0225;
  const fp::matrix post = (p0 + c.inverse()).inverse();
  const fp::vector mean = post * (p0 * est(1.0, 0.5) + c.inverse() * e);
  CHECK(s.y.value == doctest::Approx(mean[0]).epsilon(1e-12));
  CHECK(s.delta.value == doctest::Approx(mean[1]).epsilon(1e-12));
  CHECK(s.covariance(0, 1) == doctest::Approx(post(0, 1)).epsilon(1e-12));
  CHECK(s.y.std_error == doctest::Approx(std::sqrt(post(0, 0))).epsilon(1e-12));
}

TEST_CASE("shrink_to_prior: an uninformative fit gives the prior, a precise one the data") {
  // BTC USD-M's case: a prefactor of 3 with a standard error of 30 says nothing.
  const fp::shrunk_square_root vague = fp::shrink_to_prior(est(3.0, 1.4), cov(900.0, 0.0, 25.0));
  CHECK(vague.y.value == doctest::Approx(0.8).epsilon(1e-3));
  CHECK(vague.delta.value == doctest::Approx(0.5).epsilon(1e-3));
  CHECK(vague.data_weight_y < 0.001);
  CHECK_FALSE(vague.identified);
  CHECK(
      vague.message ==
      "fit Y 3 +- 30, delta 1.4 +- 5; prior Y 0.8 +- 0.4, delta 0.5 +- 0.1; used Y 0.8 +- 0.4, delta 0.5 +- 0.1 (data "
      "weight 0% and 0%; not identified: mostly the prior)");
  const fp::shrunk_square_root sharp = fp::shrink_to_prior(est(0.31, 0.61), cov(1e-6, 0.0, 1e-6));
  CHECK(sharp.y.value == doctest::Approx(0.31).epsilon(1e-4));
  CHECK(sharp.delta.value == doctest::Approx(0.61).epsilon(1e-3));
  CHECK(sharp.identified);
  CHECK(sharp.message ==
        "fit Y 0.31 +- 0.001, delta 0.61 +- 0.001; prior Y 0.8 +- 0.4, delta 0.5 +- 0.1; used Y 0.31 +- 0.001, delta "
        "0.61 +- 0.001 (data weight 100% and 100%)");
  // A law set from coefficients has no standard errors: the prior alone.
  const fp::shrunk_square_root given = fp::shrink_to_prior(fp::square_root_law::from_coefficients(0.5, 0.6));
  CHECK(given.y.value == doctest::Approx(0.8).epsilon(1e-12));
  CHECK(given.y.std_error == doctest::Approx(0.4).epsilon(1e-12));
  CHECK(given.data_weight_y == 0.0);
  CHECK(given.message == "no standard errors: the prior alone, Y 0.8 +- 0.4, delta 0.5 +- 0.1");
}

TEST_CASE("shrink_to_prior: bad input names the argument") {
  CHECK_THROWS_WITH_AS((void)fp::shrink_to_prior(est(1.0, 0.5), cov(0.01, 0.0, 0.01), {.y_sd = 0.0}),
                       "footprint::shrink_to_prior: prior.y_sd must be finite and > 0 (got 0)", fp::invalid_argument);
  CHECK_THROWS_AS((void)fp::shrink_to_prior(est(1.0, 0.5), cov(0.01, 0.02, 0.01)), fp::invalid_argument);
  CHECK_THROWS_AS((void)fp::shrink_to_prior(est(std::nan(""), 0.5), cov(0.01, 0.0, 0.01)), fp::invalid_argument);
  CHECK_THROWS_AS((void)fp::shrink_to_prior(fp::vector(3), cov(0.01, 0.0, 0.01)), fp::invalid_argument);
  CHECK_THROWS_AS((void)fp::shrink_to_prior(fp::square_root_law{}), fp::not_fitted);
}

}  // namespace unity_impact_prior
