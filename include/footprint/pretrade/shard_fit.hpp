/// @file pretrade/shard_fit.hpp
/// @brief `fit_shard`: the fit step of one shard in a calibration over many instruments and
/// days (docs/distributed.md): on the shard's data (`load_shard_data`,
/// pretrade/shard_data.hpp), fit the square-root law and the Almgren-Chriss calibration on
/// the metaorders and accumulate the sufficient statistics of the pooled linear regression.
/// The simulation (`simulate_shard`, pretrade/shard_simulation.hpp) and the backtest
/// (`backtest_shard`, pretrade/shard_backtest.hpp) are the shard's two other steps, each in
/// its own header so that none includes the readers, the simulator and the backtest at once
/// (each compiles within its budget). An external engine (GNU parallel, a Slurm array, Dask)
/// runs shards anywhere in any order; `pool_shards` (pretrade/pooled_fit.hpp) merges them
/// exactly.
///
/// A shard's whole fit, as footprint-batch and footprint.dask run it:
/// @code
/// const impact_pipeline_result data = load_shard_data(s, 20);   // shard_data.hpp
/// shard_fit fit = fit_shard(s, data, p);                        // shard_fit.hpp
/// simulate_shard(fit, s, p, data, [&] { return load_shard_order_flow(s); });
/// backtest_shard<bayesian_linear>(fit, data, p);              // shard_backtest.hpp
/// @endcode
#pragma once

#include "footprint/data/impact_dataset.hpp"
#include "footprint/data/impact_pipeline_result.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/impact/almgren_chriss_calibration.hpp"
#include "footprint/impact/dataset_observations.hpp"
#include "footprint/impact/impact_observations.hpp"
#include "footprint/impact/square_root_law.hpp"
#include "footprint/models/linear/linear_statistics.hpp"
#include "footprint/pretrade/shard.hpp"

#include <chrono>
#include <cmath>
#include <cstddef>
#include <exception>
#include <string>
#include <vector>

namespace footprint {

namespace detail::pretrade {

/// An exclusion reason without the values it quotes ("... (got nan)"), so that reasons count.
[[nodiscard]] inline std::string reason_kind(const std::string& reason) {
  const auto k = reason.find(" (got ");
  return k == std::string::npos ? reason : reason.substr(0, k);
}

}  // namespace detail::pretrade

/// The fit step of one shard: on its data, reports
/// - the row counts: labelled orders, metaorders, the metaorders the impact laws use and the
///   ones they leave out, counted by reason;
/// - the square-root law I = Y sigma (Q/V)^delta (square_root_law.hpp, nonlinear fit, on the
///   permanent impact `permanent_<horizon>_bps`, the data set's session) and the
///   Almgren-Chriss calibration (almgren_chriss_calibration.hpp, time unit 1 s) on
///   `to_impact_observations(metaorders, {.horizon = p.horizon})`; a fit that fails leaves
///   NaN estimates and its reason in `law_message` / `calibration_message`;
/// - the `linear_statistics` of the metaorders' `p.features` (all when empty) -> `p.label`,
///   over the rows where every one is finite (the others counted in `linear_excluded`).
/// The simulation and backtest fields are left empty: `simulate_shard` and `backtest_shard`
/// fill them (see the file's comment).
///
/// Deterministic: the fit's seed is `shard_seed(s.id, p.seed)`, so a shard gives the same
/// result whatever runs before it, on whichever machine (the library's own threads included).
/// @param s the shard (id non-empty)
/// @param data its data, `load_shard_data(s, 20)` in the programs (20 levels of each order's
///        arrival book, as footprint-pretrade and footprint-backtest keep)
/// @param p the run's parameters (episodes 0 or >= 2, horizon > 0)
/// @return the shard's fit
/// @throws invalid_argument for an empty id, episodes == 1, horizon <= 0, an unknown feature
///         or label
/// Complexity: linear in the metaorders (the fits' iterations aside).
template <class = void>
[[nodiscard]] shard_fit fit_shard(const shard& s, const impact_pipeline_result& data, const shard_params& p = {}) {
  constexpr const char* where = "footprint::fit_shard";
  if (s.id.empty()) throw invalid_argument(detail::concat(where, ": the shard's id must not be empty"));
  if (p.episodes == 1)
    throw invalid_argument(detail::concat(where, ": episodes must be 0 (no simulation) or >= 2 (got 1)"));
  if (p.horizon.count() <= 0)
    throw invalid_argument(detail::concat(where, ": horizon must be > 0 (got ", p.horizon.count(), " ns)"));
  shard_fit out;
  out.id = s.id;
  out.source = s.source;
  out.seed = shard_seed(s.id, p.seed);
  out.symbol = s.symbol.empty() ? data.instrument.symbol : s.symbol;
  out.venue = data.instrument.venue;
  out.session_seconds = data.metaorders.session_seconds;
  out.daily_volume = data.metaorders.daily_volume;
  out.span_seconds = data.summary.span_seconds;
  out.orders = data.orders.rows();
  out.metaorders = data.metaorders.rows();

  // the impact laws on the metaorders
  try {
    const dataset_observations obs = to_impact_observations(data.metaorders, {.horizon = p.horizon});
    out.observations = static_cast<index>(obs.rows.size());
    for (const auto& e : obs.excluded) ++out.excluded[detail::pretrade::reason_kind(e.reason)];
    try {
      square_root_law law({.component = impact_component::permanent, .session_seconds = out.session_seconds});
      out.law_message = law.fit(obs.observations).message;
      out.y = law.y();
      out.delta = law.delta();
    } catch (const std::exception& e) {
      out.law_message = detail::concat("not fitted: ", e.what());
    }
    try {
      almgren_chriss_calibration ac({.time_unit = std::chrono::seconds(1)});
      out.calibration_message = ac.fit(obs.observations).message;
      out.gamma = ac.gamma();
      out.eta = ac.eta();
      out.epsilon = ac.epsilon();
    } catch (const std::exception& e) {
      out.calibration_message = detail::concat("not fitted: ", e.what());
    }
  } catch (const invalid_argument& e) {
    out.law_message = detail::concat("not fitted: ", e.what());
    out.calibration_message = out.law_message;
  }

  // the pooled regression's statistics
  const impact_dataset& d = data.metaorders;
  out.feature_names = p.features.empty() ? d.feature_names : p.features;
  out.label = p.label;
  std::vector<index> cols;
  for (const auto& f : out.feature_names) cols.push_back(d.feature_column(f));  // throws for an unknown name
  const index label = d.label_column(p.label);
  std::vector<index> rows;
  for (index i = 0; i < d.rows(); ++i) {
    bool finite = std::isfinite(d.labels(i, label));
    for (const index c : cols) finite = finite && std::isfinite(d.X(i, c));
    if (finite) rows.push_back(i);
  }
  out.linear_excluded = d.rows() - static_cast<index>(rows.size());
  if (!rows.empty() && !cols.empty()) {
    matrix X(static_cast<index>(rows.size()), static_cast<index>(cols.size()));
    vector y(static_cast<index>(rows.size()));
    for (std::size_t i = 0; i < rows.size(); ++i) {
      for (std::size_t j = 0; j < cols.size(); ++j)
        X(static_cast<index>(i), static_cast<index>(j)) = d.X(rows[i], cols[j]);
      y[static_cast<index>(i)] = d.labels(rows[i], label);
    }
    out.statistics = linear_statistics(X, y);
  }
  return out;
}

}  // namespace footprint
