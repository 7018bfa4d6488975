// Synthetic metaorders for the impact-law tests: the shared metaorder problem, drawn from
// footprint's generator (detail/random.hpp), and sample moments.
#pragma once

#include "footprint/detail/random.hpp"
#include "footprint/impact/impact_observations.hpp"
#include "footprint/impact/synthetic_metaorders.hpp"
#include "footprint/types.hpp"

#include <cmath>
#include <cstdint>
#include <vector>

namespace synthetic {

/// The metaorders of the shared test problem (footprint::problems::metaorders), seeded from
/// the test's generator, which then draws the impact noise.
inline footprint::impact_observations market(footprint::index n, footprint::detail::xoshiro256ss& rng) {
  return footprint::problems::metaorders(n, rng.next());
}

/// Mean and standard deviation (n - 1 denominator) of a sample.
struct moments {
  double mean = 0.0;
  double std = 0.0;
};
inline moments moments_of(const std::vector<double>& v) {
  double m = 0.0;
  for (double x : v) m += x;
  m /= static_cast<double>(v.size());
  double s = 0.0;
  for (double x : v) s += (x - m) * (x - m);
  return {m, std::sqrt(s / static_cast<double>(v.size() - 1))};
}

}  // namespace synthetic
