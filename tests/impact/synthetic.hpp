// Synthetic metaorders for the impact-law tests: a deterministic normal generator and a
// market of metaorders with known sizes, volumes, volatilities, prices and durations.
#pragma once

#include "footprint/impact/impact_observations.hpp"
#include "footprint/types.hpp"

#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>
#include <vector>

namespace synthetic {

/// Standard normals from std::mt19937_64 (whose output the standard fixes) and our own
/// Box-Muller transform: std::normal_distribution differs between standard libraries.
class normal_rng {
 public:
  explicit normal_rng(std::uint64_t seed) : engine_(seed) {}

  /// Uniform in the open interval (0, 1).
  double uniform() { return (static_cast<double>(engine_() >> 11) + 0.5) * 0x1.0p-53; }

  /// Uniform in (lo, hi).
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }

  /// Standard normal.
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const double r = std::sqrt(-2.0 * std::log(uniform()));
    const double a = 2.0 * std::numbers::pi * uniform();
    spare_ = r * std::sin(a);
    has_spare_ = true;
    return r * std::cos(a);
  }

 private:
  std::mt19937_64 engine_;
  double spare_ = 0.0;
  bool has_spare_ = false;
};

/// n metaorders: Q/V log-uniform in [1e-4, 1e-1], V log-uniform in [1e5, 1e7] shares per
/// day, sigma uniform in [1%, 3%] per day, mid uniform in [10, 200], T uniform in
/// [600, 23400] seconds. Impact columns are zero.
inline footprint::impact_observations market(footprint::index n, normal_rng& rng) {
  footprint::impact_observations obs;
  obs.quantity.resize(n);
  obs.duration.resize(n);
  obs.volume.resize(n);
  obs.volatility.resize(n);
  obs.arrival_mid.resize(n);
  for (footprint::index i = 0; i < n; ++i) {
    obs.volume[i] = std::exp(rng.uniform(std::log(1e5), std::log(1e7)));
    obs.quantity[i] = obs.volume[i] * std::exp(rng.uniform(std::log(1e-4), std::log(1e-1)));
    obs.volatility[i] = rng.uniform(0.01, 0.03);
    obs.arrival_mid[i] = rng.uniform(10.0, 200.0);
    obs.duration[i] = rng.uniform(600.0, 23400.0);
  }
  obs.temporary_bps = footprint::vector::Zero(n);
  obs.permanent_bps = footprint::vector::Zero(n);
  return obs;
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
