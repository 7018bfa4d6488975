/// @file tca/recalibration.hpp
/// @brief Your own parent orders as impact observations: the fills and the market tape give
/// each order's realized, permanent and temporary impact (Almgren, Thum, Hauptmann and Li
/// 2005), ready for `square_root_law`, `power_law_impact` and `almgren_chriss_calibration` to
/// be refitted on them. See docs/tca.md ("Recalibration").
#pragma once

#include "footprint/data/market_tape.hpp"
#include "footprint/detail/checks.hpp"
#include "footprint/feeds/fill.hpp"
#include "footprint/impact/impact_observations.hpp"
#include "footprint/tca/order_analysis.hpp"
#include "footprint/types.hpp"

#include <chrono>
#include <cmath>
#include <span>
#include <string_view>
#include <vector>

namespace footprint {

/// Settings of `observations_from_fills`.
struct fill_observation_params {
  std::chrono::nanoseconds time_offset{0};  ///< subtracted from fill times to put them on the tape's clock
  /// How long after the last fill the permanent impact is read, > 0 (Almgren et al. 2005 use
  /// the close; intraday, minutes).
  std::chrono::nanoseconds permanent_horizon = std::chrono::minutes(5);
  double daily_volume = nan;      ///< V, the instrument's volume per day, > 0
  double daily_volatility = nan;  ///< sigma, the std of daily returns, fractional, > 0
};

/// What `observations_from_fills` returns: the observations and which orders they are.
struct fill_observations {
  impact_observations observations;  ///< one row per order used
  std::vector<std::size_t> orders;   ///< the index in `orders` of each row
  std::size_t skipped = 0;  ///< orders left out: no fill, no mid at the arrival, or the tape ends before the horizon
};

/// Turns parent orders into impact observations, one row per order (Almgren, Thum, Hauptmann
/// and Li 2005, "Direct estimation of equity market impact", section 3): with S0 the mid in
/// force just before the first fill, S_exec the fills' VWAP and S_post the mid
/// `permanent_horizon` after the last fill, and s = +1 for a buy, -1 for a sell,
///
///     J = s (S_exec - S0) / S0,   I = s (S_post - S0) / S0,   K = J - I / 2,
///
/// stored as `permanent_bps` = 1e4 I and `temporary_bps` = 1e4 K; Q the filled quantity, T
/// the seconds from the first to the last fill, V and sigma as given.
/// @throws invalid_argument for a horizon not > 0, or V or sigma not > 0
[[nodiscard]] inline fill_observations observations_from_fills(std::span<const order_fills> orders,
                                                               const market_tape& tape,
                                                               const fill_observation_params& p) {
  constexpr std::string_view where = "footprint::observations_from_fills";
  if (!(p.permanent_horizon.count() > 0))
    throw invalid_argument(detail::concat(where, ": permanent_horizon must be > 0"));
  detail::require_positive(p.daily_volume, where, "daily_volume");
  detail::require_positive(p.daily_volatility, where, "daily_volatility");
  std::vector<double> q, t, s0, k, perm;
  fill_observations out;
  for (std::size_t i = 0; i < orders.size(); ++i) {
    const order_fills& o = orders[i];
    if (o.fills.empty()) {
      ++out.skipped;
      continue;
    }
    const std::chrono::nanoseconds first = o.fills.front().time - p.time_offset;
    const std::chrono::nanoseconds last = o.fills.back().time - p.time_offset;
    const std::chrono::nanoseconds post = last + p.permanent_horizon;
    const double arrival = detail::tca::mid_before(tape, first);
    const double after = detail::tca::mid_at(tape, post);
    if (!std::isfinite(arrival) || !(arrival > 0.0) || !detail::tca::covers(tape, post) || !std::isfinite(after)) {
      ++out.skipped;
      continue;
    }
    const double sgn = sign(o.side);
    const double j = sgn * (o.vwap() - arrival) / arrival;
    const double perm_i = sgn * (after - arrival) / arrival;
    q.push_back(o.filled_quantity());
    t.push_back(std::chrono::duration<double>(last - first).count());
    s0.push_back(arrival);
    k.push_back(1e4 * (j - perm_i / 2.0));
    perm.push_back(1e4 * perm_i);
    out.orders.push_back(i);
  }
  const auto n = static_cast<index>(q.size());
  const auto column = [](const std::vector<double>& v) {
    return vector(Eigen::Map<const vector>(v.data(), index(v.size())));
  };
  impact_observations& obs = out.observations;
  obs.quantity = column(q);
  obs.duration = column(t);
  obs.arrival_mid = column(s0);
  obs.temporary_bps = column(k);
  obs.permanent_bps = column(perm);
  obs.volume = vector::Constant(n, p.daily_volume);
  obs.volatility = vector::Constant(n, p.daily_volatility);
  return out;
}

}  // namespace footprint
