/// @file impact/dataset_observations.hpp
/// @brief Turns a labelled `impact_dataset` (market orders or metaorder proxies built from
/// real or synthetic market data) into `impact_observations` for the impact-law fits and the
/// Almgren-Chriss calibration.
///
/// The dataset's labels are in bps of the arrival mid, cost-signed: `shortfall_bps` (the
/// realized cost J), `permanent_<h>_bps` (the mid move I, h after the last fill) and
/// `temporary_<h>_bps = shortfall - permanent`. `impact_observations` follows Almgren, Thum,
/// Hauptmann and Li (2005), section 3, whose temporary impact is K = J - I/2; the conversion
/// is `temporary_bps = shortfall_bps - permanent_<h>_bps / 2`.
#pragma once

#include "footprint/data/impact_dataset.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/detail/feature_names.hpp"
#include "footprint/error.hpp"
#include "footprint/impact/impact_observations.hpp"
#include "footprint/types.hpp"

#include <chrono>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

namespace footprint {

/// Settings of `to_impact_observations`.
struct dataset_observation_params {
  /// Horizon h of the permanent label `permanent_<h>_bps` (one of the dataset's horizons);
  /// > 0. Long enough for the transient impact to have decayed, short enough for price noise
  /// not to swamp the signal: 300 s on the shipped data.
  std::chrono::nanoseconds horizon = std::chrono::seconds{300};
  /// Feature column holding each row's volatility per sqrt(second) (dimensionless), e.g.
  /// `realized_vol_rate_300s`; empty to use `volatility_per_sqrt_second` for every row.
  std::string volatility_feature = "realized_vol_rate_300s";
  /// The volatility per sqrt(second) of every row when `volatility_feature` is empty, e.g.
  /// `market_state::volatility`; > 0 then.
  double volatility_per_sqrt_second = nan;
};

/// What `to_impact_observations` returns.
struct dataset_observations {
  /// A row left out, and why.
  struct exclusion {
    index row = 0;       ///< 0-based row of the dataset
    std::string reason;  ///< e.g. "permanent_300s_bps is NaN (the horizon passes the data's end)"
  };
  impact_observations observations;  ///< one row per kept dataset row, in dataset order
  std::vector<index> rows;           ///< the dataset row of each observation; shape (observations.size())
  std::vector<exclusion> excluded;   ///< the rows left out, in row order; rows.size() + excluded.size() == dataset rows
};

/// Builds impact observations from a labelled dataset.
///
/// Each row gives quantity Q (the dataset's `quantity`), volume V (`daily_volume`),
/// volatility per session (the volatility per sqrt(second) times sqrt(the dataset's
/// `session_seconds`), the period of `daily_volume`, as `impact_observations` needs), duration T in seconds (`durations`), the arrival mid S0,
/// `permanent_bps` = I and `temporary_bps` = J - I/2 (see the file comment). Rows whose
/// labels or volatility are not finite, or whose volatility is not > 0, are excluded and
/// listed with the reason: nothing is dropped silently.
///
/// @param d the dataset; `d.rows()` rows, labels `shortfall_bps` and `permanent_<h>_bps`
/// @param p horizon, volatility source
/// @return the observations, their dataset rows and the exclusions
/// @throws invalid_argument when the dataset's `session_seconds` is not finite and > 0, `p.horizon <= 0`, the dataset
///         has no label `permanent_<h>_bps` or no feature `p.volatility_feature`, the
///         dataset's `daily_volume` is not finite and > 0, or `volatility_feature` is empty
///         and `volatility_per_sqrt_second` is not finite and > 0
/// Complexity: O(n).
[[nodiscard]] inline dataset_observations to_impact_observations(const impact_dataset& d,
                                                                 const dataset_observation_params& p = {}) {
  constexpr const char* where = "footprint::to_impact_observations";
  if (!(d.session_seconds > 0.0) || !std::isfinite(d.session_seconds)) {
    throw invalid_argument(
        detail::concat(where, ": the dataset's session_seconds must be finite and > 0 (got ", d.session_seconds, ")"));
  }
  if (p.horizon.count() <= 0) {
    throw invalid_argument(detail::concat(where, ": horizon must be > 0 (got ", p.horizon.count(), " ns)"));
  }
  if (!(d.daily_volume > 0.0) || !std::isfinite(d.daily_volume)) {
    throw invalid_argument(
        detail::concat(where, ": the dataset's daily_volume must be finite and > 0 (got ", d.daily_volume, ")"));
  }
  const bool per_row_vol = !p.volatility_feature.empty();
  if (!per_row_vol && !(p.volatility_per_sqrt_second > 0.0 && std::isfinite(p.volatility_per_sqrt_second))) {
    throw invalid_argument(detail::concat(
        where, ": volatility_per_sqrt_second must be finite and > 0 when volatility_feature is empty (got ",
        p.volatility_per_sqrt_second, ")"));
  }
  const std::string permanent_name = "permanent_" + detail::feat::duration_label(p.horizon) + "_bps";
  const vector shortfall = d.label("shortfall_bps");
  const vector permanent = d.label(permanent_name);  // throws invalid_argument naming the label
  const index vol_col = per_row_vol ? d.feature_column(p.volatility_feature) : -1;
  const double sqrt_period = std::sqrt(d.session_seconds);

  dataset_observations out;
  const index n = d.rows();
  std::vector<double> q, t, v, s0, k, i_bps;
  for (index i = 0; i < n; ++i) {
    const double sigma = per_row_vol ? d.X(i, vol_col) : p.volatility_per_sqrt_second;
    const auto reject = [&](std::string reason) { out.excluded.push_back({i, std::move(reason)}); };
    if (!std::isfinite(shortfall[i])) {
      reject("shortfall_bps is NaN");
    } else if (!std::isfinite(permanent[i])) {
      reject(permanent_name + " is NaN (the horizon passes the data's end)");
    } else if (!(sigma > 0.0) || !std::isfinite(sigma)) {
      reject(detail::concat("volatility is not finite and > 0 (got ", sigma, ")"));
    } else {
      out.rows.push_back(i);
      q.push_back(d.quantity[i]);
      t.push_back(std::chrono::duration<double>(d.durations[static_cast<std::size_t>(i)]).count());
      v.push_back(sigma * sqrt_period);
      s0.push_back(d.arrival_mid[i]);
      i_bps.push_back(permanent[i]);
      k.push_back(shortfall[i] - 0.5 * permanent[i]);
    }
  }
  const auto to_vec = [](const std::vector<double>& x) {
    vector r(static_cast<index>(x.size()));
    for (std::size_t j = 0; j < x.size(); ++j) r[static_cast<index>(j)] = x[j];
    return r;
  };
  impact_observations& o = out.observations;
  o.quantity = to_vec(q);
  o.duration = to_vec(t);
  o.volume = vector::Constant(o.quantity.size(), d.daily_volume);
  o.volatility = to_vec(v);
  o.arrival_mid = to_vec(s0);
  o.temporary_bps = to_vec(k);
  o.permanent_bps = to_vec(i_bps);
  return out;
}

}  // namespace footprint
