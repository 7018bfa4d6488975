// normal_mixture: moments, cdf/pdf/quantile against closed forms and Boost's normal.
#include "footprint/distributions/normal_mixture.hpp"

#include "footprint/concepts.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_normal_mixture {

namespace fp = footprint;

static_assert(fp::PredictiveDistribution<fp::normal_mixture>);

TEST_CASE("normal_mixture: one component is the normal distribution") {
  const fp::normal_mixture g({2.0}, {1.5}, {0.7});
  const fp::normal_predictive n(1.5, 0.7);
  CHECK(fp::mean(g) == 1.5);
  CHECK(fp::standard_deviation(g) == doctest::Approx(0.7).epsilon(1e-15));
  CHECK(g.weights()[0] == 1.0);
  for (const double p : {1e-9, 0.01, 0.3, 0.5, 0.9, 1 - 1e-9}) {
    CHECK(fp::quantile(g, p) == doctest::Approx(boost::math::quantile(n, p)).epsilon(1e-14));
  }
  for (const double x : {-3.0, 0.0, 1.5, 2.2, 6.0}) {
    CHECK(fp::cdf(g, x) == doctest::Approx(boost::math::cdf(n, x)).epsilon(1e-14));
    CHECK(fp::pdf(g, x) == doctest::Approx(boost::math::pdf(n, x)).epsilon(1e-14));
  }
  // CRPS of a normal (closed form of location_scale_t)
  CHECK(fp::crps(g, 0.4) ==
        doctest::Approx(fp::crps(fp::location_scale_t(std::numeric_limits<double>::infinity(), 1.5, 0.7), 0.4))
            .epsilon(1e-12));
  const fp::normal_mixture standard;
  CHECK(fp::mean(standard) == 0.0);
  CHECK(fp::standard_deviation(standard) == 1.0);
}

TEST_CASE("normal_mixture: moments, cdf and quantile of a bimodal mixture") {
  const fp::normal_mixture g({1.0, 3.0}, {-2.0, 1.0}, {0.5, 1.0});  // weights 0.25, 0.75
  CHECK(g.weights()[1] == doctest::Approx(0.75));
  CHECK(fp::mean(g) == doctest::Approx(0.25 * -2.0 + 0.75 * 1.0));
  const double m = 0.25;
  const double var = 0.25 * (0.25 + 4.0) + 0.75 * (1.0 + 1.0) - m * m;
  CHECK(fp::variance(g) == doctest::Approx(var).epsilon(1e-14));
  const auto Phi = [](double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); };
  for (const double x : {-4.0, -2.0, -0.5, 0.0, 1.0, 3.5}) {
    const double want = 0.25 * Phi((x + 2.0) / 0.5) + 0.75 * Phi(x - 1.0);
    CHECK(fp::cdf(g, x) == doctest::Approx(want).epsilon(1e-14));
    CHECK(fp::cdf_complement(g, x) == doctest::Approx(1.0 - want).epsilon(1e-13));
    const double h = 1e-5;
    CHECK(fp::pdf(g, x) == doctest::Approx((fp::cdf(g, x + h) - fp::cdf(g, x - h)) / (2 * h)).epsilon(1e-7));
  }
  double last = -std::numeric_limits<double>::infinity();
  for (const double p : {1e-12, 1e-6, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1 - 1e-6, 1 - 1e-12}) {
    CAPTURE(p);
    const double q = fp::quantile(g, p);
    CHECK(q > last);
    last = q;
    if (p <= 0.5) {
      CHECK(fp::cdf(g, q) == doctest::Approx(p).epsilon(1e-12));
    } else {
      CHECK(fp::cdf_complement(g, q) == doctest::Approx(1.0 - p).epsilon(1e-10));
    }
  }
  CHECK(fp::median(g) == doctest::Approx(fp::quantile(g, 0.5)));
  // CRPS against its definition, integral of (F(x) - 1{x >= y})^2 dx (trapezoid rule).
  const double y = 0.3;
  double integral = 0.0;
  const double dx = 1e-3;
  for (double x = -15.0; x < 15.0; x += dx) {
    const double f0 = fp::cdf(g, x) - (x >= y ? 1.0 : 0.0);
    const double f1 = fp::cdf(g, x + dx) - (x + dx >= y ? 1.0 : 0.0);
    integral += 0.5 * (f0 * f0 + f1 * f1) * dx;
  }
  CHECK(fp::crps(g, y) == doctest::Approx(integral).epsilon(1e-4));
}

TEST_CASE("normal_mixture: equally weighted assignment and argument checks") {
  const std::vector<double> means{1.0, 2.0, 4.0};
  const std::vector<double> sds{1.0, 1.0, 2.0};
  fp::normal_mixture g = fp::normal_mixture::equally_weighted(means, sds);
  CHECK(g.size() == 3);
  CHECK(g.weights()[2] == doctest::Approx(1.0 / 3.0));
  CHECK(fp::mean(g) == doctest::Approx(7.0 / 3.0));
  CHECK_THROWS_WITH_AS(fp::normal_mixture({}, {}, {}),
                       "footprint::normal_mixture: needs at least one component (got 0)", fp::invalid_argument);
  CHECK_THROWS_WITH_AS(fp::normal_mixture({1.0}, {0.0}, {0.0}),
                       "footprint::normal_mixture: sd 0 must be finite and > 0 (got 0)", fp::invalid_argument);
  CHECK_THROWS_AS(fp::normal_mixture({1.0, 1.0}, {0.0}, {1.0}), fp::invalid_argument);
  CHECK_THROWS_AS(fp::normal_mixture({-1.0}, {0.0}, {1.0}), fp::invalid_argument);
  CHECK_THROWS_AS(fp::normal_mixture({0.0}, {0.0}, {1.0}), fp::invalid_argument);
  CHECK_THROWS_AS(fp::normal_mixture({1.0}, {std::nan("")}, {1.0}), fp::invalid_argument);
  CHECK_THROWS_AS((void)fp::quantile(g, 1.5), std::domain_error);
  CHECK_THROWS_AS((void)fp::quantile(g, 0.0), std::overflow_error);
  CHECK_THROWS_AS((void)fp::cdf(g, std::nan("")), std::domain_error);
}

}  // namespace unity_normal_mixture
