// Pre- vs post-trade reconciliation (tca/forecast_reconciliation.hpp): the mid-rank PIT of a
// realized cost under forecast draws, and the one-sample Kolmogorov-Smirnov test of the PITs'
// uniformity against scipy 1.10's kstest(u, "uniform", method="exact") and kstwo on the same
// numbers, with the histogram, coverage and mean.
#include "footprint/tca/forecast_reconciliation.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_forecast_reconciliation {

namespace fp = footprint;

std::vector<double> powered(int n, double power) {
  std::vector<double> u;
  for (int i = 0; i < n; ++i) u.push_back(std::pow((i + 0.5) / n, power));
  return u;
}

TEST_CASE("probability_integral_transform: the mid-rank empirical CDF of the draws") {
  const std::vector<double> draws = {1.0, 2.0, 2.0, 3.0};
  CHECK(fp::probability_integral_transform(draws, 2.0) == 0.5);  // (1 below + 2 equal / 2) / 4
  CHECK(fp::probability_integral_transform(draws, 2.5) == 0.75);
  CHECK(fp::probability_integral_transform(draws, 0.0) == 0.0);
  CHECK(fp::probability_integral_transform(draws, 5.0) == 1.0);
  CHECK(fp::probability_integral_transform(draws, 1.0) == 0.125);
  CHECK_THROWS_AS((void)fp::probability_integral_transform(std::vector<double>{}, 1.0), fp::invalid_argument);
  CHECK_THROWS_AS((void)fp::probability_integral_transform(std::vector<double>{2.0, 1.0}, 1.0), fp::invalid_argument);
  CHECK_THROWS_AS((void)fp::probability_integral_transform(draws, std::nan("")), fp::invalid_argument);
}

TEST_CASE("calibrate_pits: the Kolmogorov-Smirnov statistic and exact p-value equal scipy's") {
  // scipy.stats.kstest(((arange(n) + 0.5) / n) ** power, "uniform", method="exact")
  fp::pit_calibration c = fp::calibrate_pits(powered(50, 1.3));
  CHECK(c.ks_statistic == doctest::Approx(0.1062245119644315).epsilon(1e-12));
  CHECK(c.ks_pvalue == doctest::Approx(0.5880530026242132).epsilon(1e-9));
  c = fp::calibrate_pits(powered(30, 2.0));
  CHECK(c.ks_statistic == doctest::Approx(0.2663888888888889).epsilon(1e-12));
  CHECK(c.ks_pvalue == doctest::Approx(0.02276561472110461).epsilon(1e-9));  // not calibrated at 5%
  c = fp::calibrate_pits(powered(500, 1.05));
  CHECK(c.ks_statistic == doctest::Approx(0.018947117421936055).epsilon(1e-12));
  CHECK(c.ks_pvalue == doctest::Approx(0.9924482964788663).epsilon(1e-9));
  // scipy.stats.kstwo: the distribution itself. Exact for n <= 140 (Simard and L'Ecuyer 2011);
  // for n = 1000, d = 0.05 (n d^1.5 > 1.4) scipy uses the Pelz-Good asymptotic series, which
  // differs from the exact value by 9e-9.
  CHECK(fp::detail::tca::kolmogorov_cdf(100, 0.1) == doctest::Approx(1.0 - 0.2526927570063874).epsilon(1e-12));
  CHECK(fp::detail::tca::kolmogorov_cdf(1000, 0.05) == doctest::Approx(0.9869879197970768).epsilon(1e-7));
}

TEST_CASE("calibrate_pits: histogram, 90% coverage and mean, and PITs outside [0, 1] throw") {
  const std::vector<double> u = {0.01, 0.04, 0.12, 0.5, 0.5, 0.55, 0.93, 0.96, 0.99, 1.0};
  const fp::pit_calibration c = fp::calibrate_pits(u);
  CHECK(c.n == 10);
  CHECK(c.histogram == std::array<fp::index, 10>{2, 1, 0, 0, 0, 3, 0, 0, 0, 4});
  CHECK(c.coverage_90 == doctest::Approx(0.5).epsilon(1e-15));  // 0.12, 0.5, 0.5, 0.55, 0.93
  CHECK(c.mean == doctest::Approx(5.6 / 10.0).epsilon(1e-14));
  CHECK_THROWS_AS((void)fp::calibrate_pits(std::vector<double>{0.5, 1.5}), fp::invalid_argument);
  CHECK_THROWS_AS((void)fp::calibrate_pits(std::vector<double>{}), fp::invalid_argument);
}

}  // namespace unity_forecast_reconciliation
