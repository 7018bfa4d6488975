// empirical_distribution: the exact CRPS against the ensemble formula, weighted and with ties.
#include "footprint/distributions/empirical_distribution.hpp"

#include "footprint/validation/metrics.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <utility>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_empirical_distribution {

namespace fp = footprint;

// sum_i w_i |x_i - y| - 1/2 sum_ij w_i w_j |x_i - x_j| (Gneiting & Raftery 2007, eq. 21,
// weighted), by brute force.
double crps_brute(const std::vector<std::pair<double, double>>& pts, double y) {
  double total = 0.0, a = 0.0, b = 0.0;
  for (const auto& p : pts) total += p.second;
  for (const auto& p : pts) {
    a += p.second / total * std::abs(p.first - y);
    for (const auto& q : pts) b += p.second / total * q.second / total * std::abs(p.first - q.first);
  }
  return a - 0.5 * b;
}

TEST_CASE("empirical_distribution: exact CRPS equals the ensemble formula") {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> z(0.0, 2.0);
  std::uniform_real_distribution<double> w(0.1, 3.0);
  for (const int n : {1, 2, 7, 100}) {
    for (const bool weighted : {false, true}) {
      std::vector<std::pair<double, double>> pts;
      for (int i = 0; i < n; ++i) pts.emplace_back(z(rng), weighted ? w(rng) : 1.0);
      if (n > 2) pts.push_back(pts.front());  // a tie, merged by the constructor
      const fp::empirical_distribution d(pts);
      for (const double y : {-10.0, -1.0, 0.0, 0.3, 2.5, 10.0, pts[0].first}) {
        INFO("n = ", n, ", weighted = ", weighted, ", y = ", y);
        CHECK(fp::crps(d, y) == doctest::Approx(crps_brute(pts, y)).epsilon(1e-12));
        // The generic fp::crps of validation/metrics.hpp picks the exact overload.
        CHECK(fp::crps(d, y) == crps(d, y));
      }
    }
  }
  // A point mass scores the absolute error; NaN gives NaN.
  const fp::empirical_distribution point({{3.0, 1.0}});
  CHECK(fp::crps(point, 1.0) == 2.0);
  CHECK(fp::crps(point, 3.0) == 0.0);
  CHECK(std::isnan(fp::crps(point, std::nan(""))));
  // Quadrature of the step quantile function is not exact (the reason for the overload):
  // 7 points, within 1% of the truth here, but not to 1e-12.
  const fp::empirical_distribution seven({{-3, 1}, {-1, 1}, {0, 1}, {0.5, 1}, {2, 1}, {4, 1}, {9, 1}});
  const double exact = crps_brute({{-3, 1}, {-1, 1}, {0, 1}, {0.5, 1}, {2, 1}, {4, 1}, {9, 1}}, 1.0);
  CHECK(fp::crps(seven, 1.0) == doctest::Approx(exact).epsilon(1e-14));
  CHECK(fp::crps_quadrature(seven, 1.0) == doctest::Approx(exact).epsilon(0.01));
}

}  // namespace unity_empirical_distribution
