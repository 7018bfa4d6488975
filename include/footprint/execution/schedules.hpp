/// @file execution/schedules.hpp
/// @brief The execution schedules a pre-trade analysis compares, as child orders at times:
/// even in time (TWAP), following the intraday volume profile (VWAP-style), and at a fixed
/// participation rate (POV); and the intraday volume profile of a tape.
///
/// A schedule is N children: quantities n_j >= 0 at times t_j (seconds after arrival,
/// increasing from 0), summing to the order. The Almgren-Chriss optimum and its front-loaded
/// relatives come from `almgren_chriss::schedule` (execution/almgren_chriss.hpp).
///
/// References:
/// - R. Almgren, N. Chriss (2000), "Optimal execution of portfolio transactions", J. Risk
///   3(2): the even (TWAP) schedule as the risk-neutral optimum of linear impact;
/// - H. Konishi (2002), "Optimal slice of a VWAP trade", Journal of Financial Markets 5(2),
///   197-221: slicing in proportion to the expected volume profile;
/// - R. Kissell, M. Glantz (2003), "Optimal Trading Strategies", AMACOM, ch. 6: the
///   percentage-of-volume (POV) strategy, whose horizon is the order over the participation
///   times the market's volume rate.
#pragma once

#include "footprint/data/market_tape.hpp"
#include "footprint/detail/checks.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/types.hpp"

#include <chrono>
#include <cmath>
#include <string_view>
#include <vector>

namespace footprint {

/// Child orders at times: what every schedule function returns.
struct child_schedule {
  vector times;       ///< (N) seconds after arrival, increasing, the first 0
  vector quantities;  ///< (N) quantity of each child, >= 0, summing to the order
  /// The last child's time plus one interval: when the schedule ends, seconds.
  double horizon_seconds = nan;
};

/// Even in time: N equal children at t_j = j T / N (TWAP; Almgren and Chriss 2000 with lambda = 0).
/// @param quantity the order, > 0; @param horizon_seconds T, > 0; @param n_children N, >= 1
/// @throws invalid_argument for an argument out of range
[[nodiscard]] inline child_schedule twap_schedule(double quantity, double horizon_seconds, index n_children) {
  constexpr std::string_view where = "footprint::twap_schedule";
  detail::require_positive(quantity, where, "quantity");
  detail::require_positive(horizon_seconds, where, "horizon_seconds");
  detail::require_at_least(n_children, 1, where, "n_children");
  child_schedule s;
  const double dt = horizon_seconds / static_cast<double>(n_children);
  s.times = vector::LinSpaced(n_children, 0.0, dt * static_cast<double>(n_children - 1));
  s.quantities = vector::Constant(n_children, quantity / static_cast<double>(n_children));
  s.horizon_seconds = horizon_seconds;
  return s;
}

/// The Almgren-Chriss optimal trajectory for a given urgency kappa T: holdings
/// x(t) = Q sinh(kappa (T - t)) / sinh(kappa T) (Almgren and Chriss 2000, eq. 18), N children
/// at t_j = j T / N selling x(t_j) - x(t_{j+1}); kappa T = 0 is TWAP, larger is more
/// front-loaded. Use `almgren_chriss::schedule` when eta, gamma, sigma and lambda are known;
/// this form needs only the urgency (e.g. in a simulator, where they are not).
/// @param quantity Q, > 0; @param horizon_seconds T, > 0; @param n_children N, >= 1;
/// @param urgency kappa T, finite and >= 0
/// @throws invalid_argument for an argument out of range
[[nodiscard]] inline child_schedule urgency_schedule(double quantity, double horizon_seconds, index n_children,
                                                     double urgency) {
  constexpr std::string_view where = "footprint::urgency_schedule";
  detail::require(std::isfinite(urgency) && urgency >= 0.0, where, "urgency", "finite and >= 0", urgency);
  child_schedule s = twap_schedule(quantity, horizon_seconds, n_children);
  if (urgency < 1e-9) return s;
  const auto n = static_cast<double>(n_children);
  auto held = [&](double j) { return quantity * std::sinh(urgency * (1.0 - j / n)) / std::sinh(urgency); };
  for (index j = 0; j < n_children; ++j)
    s.quantities[j] = held(static_cast<double>(j)) - held(static_cast<double>(j + 1));
  return s;
}

/// A fixed participation rate: every interval, p times the volume the market is expected to
/// trade in it (its volume rate v), until the order is done (POV; Kissell and Glantz 2003).
/// The horizon is Q / (p v); the last child takes what remains.
/// @param quantity Q, > 0; @param participation p in (0, 1]; @param volume_rate v, the
///        market's quantity per second, > 0; @param interval_seconds between children, > 0
/// @param max_children a cap on N (the schedule is then cut short and its last child takes
///        the rest, which the caller should flag), >= 1
/// @throws invalid_argument for an argument out of range
[[nodiscard]] inline child_schedule pov_schedule(double quantity, double participation, double volume_rate,
                                                 double interval_seconds, index max_children = 100000) {
  constexpr std::string_view where = "footprint::pov_schedule";
  detail::require_positive(quantity, where, "quantity");
  detail::require_in(participation, 0.0, 1.0, detail::bounds::open_closed, where, "participation");
  detail::require_positive(volume_rate, where, "volume_rate");
  detail::require_positive(interval_seconds, where, "interval_seconds");
  detail::require_at_least(max_children, 1, where, "max_children");
  const double per_child = participation * volume_rate * interval_seconds;
  const double needed = std::ceil(quantity / per_child - 1e-9);
  const index n = static_cast<index>(std::min(std::max(needed, 1.0), static_cast<double>(max_children)));
  child_schedule s;
  s.times = vector::LinSpaced(n, 0.0, interval_seconds * static_cast<double>(n - 1));
  s.quantities = vector::Constant(n, per_child);
  s.quantities[n - 1] =
      quantity - per_child * static_cast<double>(n - 1);  // the rest (less than per_child unless capped)
  s.horizon_seconds = interval_seconds * static_cast<double>(n);
  return s;
}

/// Children in proportion to the expected volume of their intervals (VWAP-style slicing,
/// Konishi 2002): N children at t_j = j T / N, child j gets the share of the profile's volume
/// that falls in [start + t_j, start + t_{j+1}).
/// @param quantity > 0; @param horizon_seconds T, > 0; @param n_children N, >= 1
/// @param profile expected share of volume per bin of `bin_seconds` from the session's start,
///        >= 0 with a positive sum over the schedule's span (it is renormalised over it)
/// @param bin_seconds > 0; @param start_seconds arrival, seconds after the session's start, >= 0
/// @throws invalid_argument for an argument out of range, or a profile with no volume over
///         [start, start + T) (the caller should then use TWAP)
[[nodiscard]] inline child_schedule volume_profile_schedule(double quantity, double horizon_seconds, index n_children,
                                                            const std::vector<double>& profile, double bin_seconds,
                                                            double start_seconds) {
  constexpr std::string_view where = "footprint::volume_profile_schedule";
  child_schedule s = twap_schedule(quantity, horizon_seconds, n_children);
  detail::require_positive(bin_seconds, where, "bin_seconds");
  detail::require(std::isfinite(start_seconds) && start_seconds >= 0.0, where, "start_seconds", "finite and >= 0",
                  start_seconds);
  for (std::size_t b = 0; b < profile.size(); ++b) {
    if (!(profile[b] >= 0.0) || !std::isfinite(profile[b]))
      throw invalid_argument(detail::concat(where, ": profile must be finite and >= 0; bin ", b, " is ", profile[b]));
  }
  // The profile's volume over [a, b) seconds from the session's start (a bin counts pro rata).
  const auto volume = [&](double a, double b) {
    double v = 0.0;
    const auto first = static_cast<std::size_t>(std::floor(a / bin_seconds));
    for (std::size_t k = first; k < profile.size() && static_cast<double>(k) * bin_seconds < b; ++k) {
      const double lo = std::max(a, static_cast<double>(k) * bin_seconds);
      const double hi = std::min(b, static_cast<double>(k + 1) * bin_seconds);
      if (hi > lo) v += profile[k] * (hi - lo) / bin_seconds;
    }
    return v;
  };
  const double dt = horizon_seconds / static_cast<double>(n_children);
  double total = 0.0;
  for (index j = 0; j < n_children; ++j) {
    const double a = start_seconds + static_cast<double>(j) * dt;
    s.quantities[j] = volume(a, a + dt);
    total += s.quantities[j];
  }
  if (!(total > 0.0)) {
    throw invalid_argument(detail::concat(where, ": the profile has no volume over [", start_seconds, ", ",
                                          start_seconds + horizon_seconds, ") s of the session"));
  }
  s.quantities *= quantity / total;
  return s;
}

/// The share of a tape's traded quantity in each bin of `bin` from `session_start` (the
/// intraday volume profile of the data), over [session_start, session_start + n_bins bin).
/// @param tape the trades (`impact_pipeline_result::tape`); @param session_start on the
///        tape's clock; @param bin > 0; @param n_bins >= 1
/// @return (n_bins) shares summing to 1, or all 0 when no trade falls in the span
/// @throws invalid_argument for a non-positive bin or n_bins < 1
[[nodiscard]] inline std::vector<double> volume_profile(const market_tape& tape, std::chrono::nanoseconds session_start,
                                                        std::chrono::nanoseconds bin, index n_bins) {
  constexpr std::string_view where = "footprint::volume_profile";
  detail::require(bin.count() > 0, where, "bin", "> 0 ns", static_cast<double>(bin.count()));
  detail::require_at_least(n_bins, 1, where, "n_bins");
  std::vector<double> out(static_cast<std::size_t>(n_bins), 0.0);
  double total = 0.0;
  for (const trade& t : tape.trades) {
    if (t.time < session_start) continue;
    const auto b = static_cast<index>((t.time - session_start) / bin);
    if (b >= n_bins) continue;
    out[static_cast<std::size_t>(b)] += t.quantity;
    total += t.quantity;
  }
  if (total > 0.0)
    for (double& v : out) v /= total;
  return out;
}

}  // namespace footprint
