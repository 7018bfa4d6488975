/// @file impact/synthetic_metaorders.hpp
/// @brief A seeded test problem for the impact laws: metaorders with known sizes, volumes,
/// volatilities, prices and durations, to which a test or an example adds impact from a
/// law it knows (as ensmallen ships its test problems).
#pragma once

#include "footprint/detail/random.hpp"
#include "footprint/error.hpp"
#include "footprint/impact/impact_observations.hpp"
#include "footprint/types.hpp"

#include <cmath>
#include <cstdint>

namespace footprint::problems {

/// n metaorders of a universe of stocks, drawn independently:
/// - daily volume V log-uniform in [1e5, 1e7] shares;
/// - participation Q / V log-uniform in [1e-4, 1e-1] (0.01% to 10% of a day's volume);
/// - daily volatility uniform in [1%, 3%]; arrival mid uniform in [10, 200];
/// - duration T uniform in [600, 23400] seconds (10 minutes to a 6.5-hour day).
/// `temporary_bps` and `permanent_bps` are zeros of shape (n), for the caller to fill with
/// the impact of the law under test; `weights` is empty. Same seed, same metaorders, on
/// every platform (detail/random.hpp).
/// @param n rows, >= 0
/// @throws invalid_argument for n < 0
[[nodiscard]] inline impact_observations metaorders(index n, std::uint64_t seed) {
  if (n < 0) throw invalid_argument(detail::concat("footprint::problems::metaorders: n must be >= 0 (got ", n, ")"));
  detail::xoshiro256ss rng(seed);
  impact_observations obs;
  obs.quantity.resize(n);
  obs.duration.resize(n);
  obs.volume.resize(n);
  obs.volatility.resize(n);
  obs.arrival_mid.resize(n);
  for (index i = 0; i < n; ++i) {
    obs.volume[i] = std::exp(rng.uniform(std::log(1e5), std::log(1e7)));
    obs.quantity[i] = obs.volume[i] * std::exp(rng.uniform(std::log(1e-4), std::log(1e-1)));
    obs.volatility[i] = rng.uniform(0.01, 0.03);
    obs.arrival_mid[i] = rng.uniform(10.0, 200.0);
    obs.duration[i] = rng.uniform(600.0, 23400.0);
  }
  obs.temporary_bps = vector::Zero(n);
  obs.permanent_bps = vector::Zero(n);
  return obs;
}

}  // namespace footprint::problems
