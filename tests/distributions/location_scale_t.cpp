// location_scale_t against scipy.stats (t and norm) on the committed cases of
// tests/models/data/metrics_cases.csv, plus its algebra, limits and error messages.
#include "footprint/distributions/location_scale_t.hpp"

#include "footprint/concepts.hpp"
#include "models/reference_data.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_location_scale_t {

namespace fp = footprint;

static_assert(fp::PredictiveDistribution<fp::location_scale_t>);
static_assert(fp::PredictiveDistribution<fp::normal_predictive>);
static_assert(std::is_trivially_copyable_v<fp::location_scale_t>);

namespace {
const double inf = std::numeric_limits<double>::infinity();
}

TEST_CASE("location_scale_t: logpdf and crps match scipy / the closed forms of make_reference.py") {
  const ref::table t = ref::read_table("metrics_cases.csv");
  const fp::vector y = t.column("y"), mu = t.column("mu"), sigma = t.column("sigma"), df = t.column("df");
  const fp::vector logpdf_t = ref::ex().vec("metrics.logpdf_t_each");
  const fp::vector crps_t = ref::ex().vec("metrics.crps_t_each");
  const fp::vector crps_n = ref::ex().vec("metrics.crps_normal_each");
  fp::vector got_logpdf(y.size()), got_crps_t(y.size()), got_crps_n(y.size());
  for (fp::index i = 0; i < y.size(); ++i) {
    const fp::location_scale_t d(df[i], mu[i], sigma[i]);
    got_logpdf[i] = fp::logpdf(d, y[i]);
    got_crps_t[i] = fp::crps(d, y[i]);
    got_crps_n[i] = fp::crps(fp::location_scale_t(inf, mu[i], sigma[i]), y[i]);
    CHECK(std::log(fp::pdf(d, y[i])) == doctest::Approx(got_logpdf[i]).epsilon(1e-12));
  }
  CHECK(ref::rel_err(got_logpdf, logpdf_t) < 1e-12);
  CHECK(ref::rel_err(got_crps_t, crps_t) < 1e-10);
  CHECK(ref::rel_err(got_crps_n, crps_n) < 1e-12);
}

TEST_CASE("location_scale_t: location-scale algebra over Boost's standard t") {
  const fp::location_scale_t d(5.0, 3.0, 2.0);
  const fp::students_t_predictive t(5.0);
  CHECK(fp::mean(d) == 3.0);
  CHECK(fp::median(d) == 3.0);
  CHECK(fp::mode(d) == 3.0);
  CHECK(fp::variance(d) == doctest::Approx(4.0 * 5.0 / 3.0).epsilon(1e-15));
  CHECK(fp::standard_deviation(d) == doctest::Approx(2.0 * std::sqrt(5.0 / 3.0)).epsilon(1e-15));
  for (const double p : {1e-6, 0.01, 0.25, 0.5, 0.8, 0.975, 1 - 1e-9}) {
    CAPTURE(p);
    const double q = fp::quantile(d, p);
    CHECK(q == doctest::Approx(3.0 + 2.0 * boost::math::quantile(t, p)).epsilon(1e-14));
    CHECK(fp::cdf(d, q) == doctest::Approx(p).epsilon(1e-12));
    CHECK(fp::cdf_complement(d, q) == doctest::Approx(1 - p).epsilon(1e-9));
  }
  CHECK(fp::pdf(d, 4.0) == doctest::Approx(boost::math::pdf(t, 0.5) / 2.0).epsilon(1e-15));
  // the upper tail keeps its precision where 1 - cdf would not
  CHECK(fp::cdf_complement(d, 3.0 + 2.0 * 1e4) > 0.0);
}

TEST_CASE("location_scale_t: infinite df is exactly Boost's normal, large df tends to it") {
  const fp::location_scale_t n(inf, -1.5, 0.7);
  const fp::normal_predictive ref_n(-1.5, 0.7);
  CHECK(n.is_normal());
  CHECK(fp::location_scale_t{}.is_normal());
  CHECK(fp::standard_deviation(n) == 0.7);
  for (const double x : {-4.0, -1.5, 0.3}) {
    CHECK(fp::cdf(n, x) == boost::math::cdf(ref_n, x));
    CHECK(fp::pdf(n, x) == boost::math::pdf(ref_n, x));
    CHECK(fp::logpdf(n, x) == doctest::Approx(std::log(boost::math::pdf(ref_n, x))).epsilon(1e-14));
  }
  CHECK(fp::quantile(n, 0.9) == boost::math::quantile(ref_n, 0.9));
  const fp::location_scale_t big(1e7, -1.5, 0.7);
  CHECK(fp::quantile(big, 0.9) == doctest::Approx(fp::quantile(n, 0.9)).epsilon(1e-6));
  CHECK(fp::crps(big, 0.4) == doctest::Approx(fp::crps(n, 0.4)).epsilon(1e-6));
  CHECK(fp::logpdf(big, 0.4) == doctest::Approx(fp::logpdf(n, 0.4)).epsilon(1e-6));
}

TEST_CASE("location_scale_t: CRPS is infinite without a mean, moments follow Boost's domain errors") {
  const fp::location_scale_t cauchy(1.0, 0.0, 1.0);
  CHECK(std::isinf(fp::crps(cauchy, 0.3)));
  CHECK_THROWS_AS((void)fp::mean(cauchy), std::domain_error);
  CHECK_THROWS_AS((void)fp::standard_deviation(fp::location_scale_t(2.0, 0.0, 1.0)), std::domain_error);
  CHECK_THROWS_AS((void)fp::quantile(cauchy, 0.0), std::overflow_error);
  CHECK_THROWS_AS((void)fp::quantile(cauchy, 1.5), std::domain_error);
}

TEST_CASE("location_scale_t constructor rejects bad parameters with exact messages") {
  CHECK_THROWS_WITH_AS(fp::location_scale_t(0.0, 0.0, 1.0), "footprint::location_scale_t: df must be > 0 (got 0)",
                       fp::invalid_argument);
  CHECK_THROWS_WITH_AS(fp::location_scale_t(3.0, fp::nan, 1.0),
                       "footprint::location_scale_t: location must be finite (got nan)", fp::invalid_argument);
  CHECK_THROWS_WITH_AS(fp::location_scale_t(3.0, 0.0, -2.0),
                       "footprint::location_scale_t: scale must be finite and > 0 (got -2)", fp::invalid_argument);
  CHECK_THROWS_WITH_AS(fp::location_scale_t(3.0, 0.0, inf),
                       "footprint::location_scale_t: scale must be finite and > 0 (got inf)", fp::invalid_argument);
}

}  // namespace unity_location_scale_t
