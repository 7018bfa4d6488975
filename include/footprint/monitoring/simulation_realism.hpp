/// @file monitoring/simulation_realism.hpp
/// @brief How far a simulated order book is from the real one: Wasserstein-1 distances
/// between the stylised facts of a real tape and of a simulated one (`tape_summary`), and the
/// two signature plots side by side.
///
/// Reference: P. Nagy et al. (2025), "LOB-Bench: benchmarking generative AI for finance"
/// (ICML): simulated order books scored by distances between the distributions of the
/// spread, the queues, the inter-event times and the returns of real and generated data.
#pragma once

#include "footprint/monitoring/distribution_distance.hpp"
#include "footprint/simulation/tape_summary.hpp"
#include "footprint/types.hpp"

#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

namespace footprint {

/// One stylised fact, real against simulated.
struct realism_row {
  std::string statistic;            ///< e.g. "spread_ticks", "mid_return_bps_10s"
  double real_mean = nan;           ///< mean of the real samples, the statistic's units
  double simulated_mean = nan;      ///< mean of the simulated samples
  double real_std = nan;            ///< standard deviation of the real samples
  double simulated_std = nan;       ///< standard deviation of the simulated samples
  double wasserstein = nan;         ///< W1 between the two samples, the statistic's units
  double wasserstein_scaled = nan;  ///< W1 / real_std: comparable across statistics
  std::size_t real_n = 0;           ///< real samples
  std::size_t simulated_n = 0;      ///< simulated samples
};

/// The realism of a simulation (`compare_realism`).
struct realism_report {
  std::vector<realism_row> rows;          ///< spread, best queue, inter-event times, returns per horizon, sizes, depth
  std::vector<double> signature_seconds;  ///< the signature plot's intervals, seconds
  std::vector<double> real_signature;     ///< real realized variance per second at each interval, bps^2 / s
  std::vector<double> simulated_signature;  ///< simulated, same units
  /// Mean over the intervals of |log(simulated / real)| of the signature plots (0 = equal).
  double signature_log_distance = nan;
};

/// Compares the stylised facts of a real tape and a simulated one, summarised with the same
/// `options` (the return horizons and signature intervals name the rows).
///
/// @return one row per statistic (spread_ticks, best_queue_lots, inter_event_seconds,
///   mid_return_bps_<h>s, market_order_lots, limit_order_lots, depth_lots), with W1 distances
///   (NaN when a side has no sample), and the signature plots.
/// @throws invalid_argument when the two summaries do not have the horizons of `options`.
[[nodiscard]] inline realism_report compare_realism(const tape_summary& real, const tape_summary& simulated,
                                                    const tape_summary_options& options) {
  const std::size_t nh = options.return_horizons_seconds.size();
  const std::size_t ns = options.signature_seconds.size();
  if (real.mid_returns_bps.size() != nh || simulated.mid_returns_bps.size() != nh ||
      real.signature_bps2_per_second.size() != ns || simulated.signature_bps2_per_second.size() != ns)
    throw invalid_argument(
        "footprint::compare_realism: both summaries must come from summarize_tape with these options");
  realism_report out;
  auto moments = [](const std::vector<double>& x, double& mean, double& sd) {
    double m = 0.0;
    std::size_t n = 0;
    for (double v : x)
      if (std::isfinite(v)) {
        m += v;
        ++n;
      }
    if (n == 0) return;
    m /= static_cast<double>(n);
    double s = 0.0;
    for (double v : x)
      if (std::isfinite(v)) s += (v - m) * (v - m);
    mean = m;
    sd = n > 1 ? std::sqrt(s / static_cast<double>(n - 1)) : nan;
  };
  auto row = [&](std::string name, const std::vector<double>& r, const std::vector<double>& s) {
    realism_row x;
    x.statistic = std::move(name);
    x.real_n = r.size();
    x.simulated_n = s.size();
    moments(r, x.real_mean, x.real_std);
    moments(s, x.simulated_mean, x.simulated_std);
    if (!r.empty() && !s.empty()) {
      x.wasserstein = wasserstein_distance(r, s);
      x.wasserstein_scaled = x.real_std > 0.0 ? x.wasserstein / x.real_std : nan;
    }
    out.rows.push_back(std::move(x));
  };
  row("spread_ticks", real.spread_ticks, simulated.spread_ticks);
  row("best_queue_lots", real.best_queue_lots, simulated.best_queue_lots);
  row("inter_event_seconds", real.inter_event_seconds, simulated.inter_event_seconds);
  for (std::size_t h = 0; h < nh; ++h) {
    const double sec = options.return_horizons_seconds[h];
    row(detail::concat("mid_return_bps_", sec, "s"), real.mid_returns_bps[h], simulated.mid_returns_bps[h]);
  }
  row("market_order_lots", real.market_order_lots, simulated.market_order_lots);
  row("limit_order_lots", real.limit_order_lots, simulated.limit_order_lots);
  row("depth_lots", real.depth_lots, simulated.depth_lots);
  out.signature_seconds = options.signature_seconds;
  out.real_signature = real.signature_bps2_per_second;
  out.simulated_signature = simulated.signature_bps2_per_second;
  double sum = 0.0;
  std::size_t n = 0;
  for (std::size_t k = 0; k < ns; ++k) {
    const double a = out.real_signature[k];
    const double b = out.simulated_signature[k];
    if (a > 0.0 && b > 0.0 && std::isfinite(a) && std::isfinite(b)) {
      sum += std::abs(std::log(b / a));
      ++n;
    }
  }
  if (n > 0) out.signature_log_distance = sum / static_cast<double>(n);
  return out;
}

}  // namespace footprint
