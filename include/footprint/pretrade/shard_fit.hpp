/// @file pretrade/shard_fit.hpp
/// @brief `fit_shard`: one shard's computation in a calibration over many instruments and
/// days (docs/distributed.md): read the data, build the impact datasets, fit the square-root
/// law and the Almgren-Chriss calibration on the metaorders, accumulate the sufficient
/// statistics of the pooled linear regression, and simulate a TWAP in the zero-intelligence
/// order-book model fitted to the shard's order flow. An external engine (GNU parallel, a
/// Slurm array, Dask) runs shards anywhere in any order; `pool_shards`
/// (pretrade/pooled_fit.hpp) merges them exactly.
///
/// Includes every reader and dataset builder, the impact laws and the simulator.
#pragma once

#include "footprint/data/impact_dataset.hpp"
#include "footprint/data/impact_pipeline_result.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/execution/schedules.hpp"
#include "footprint/execution/simulated_execution.hpp"
#include "footprint/impact/almgren_chriss_calibration.hpp"
#include "footprint/impact/dataset_observations.hpp"
#include "footprint/impact/impact_observations.hpp"
#include "footprint/impact/square_root_law.hpp"
#include "footprint/models/linear/bayesian_linear.hpp"
#include "footprint/models/linear/linear_statistics.hpp"
#include "footprint/pretrade/backtest_result.hpp"
#include "footprint/pretrade/pretrade_backtest.hpp"
#include "footprint/pretrade/shard.hpp"
#include "footprint/pretrade/shard_data.hpp"
#include "footprint/simulation/order_flow_fit.hpp"
#include "footprint/simulation/zero_intelligence_model.hpp"
#include "footprint/simulation/zero_intelligence_params.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <exception>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace footprint {

namespace detail::pretrade {

/// The median of values (the upper median of an even count); NaN when empty.
[[nodiscard]] inline double median_of(std::vector<double> v) {
  if (v.empty()) return nan;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

/// An exclusion reason without the values it quotes ("... (got nan)"), so that reasons count.
[[nodiscard]] inline std::string reason_kind(const std::string& reason) {
  const auto k = reason.find(" (got ");
  return k == std::string::npos ? reason : reason.substr(0, k);
}

/// The simulation of a shard (see fit_shard); fills the simulation fields of `out`.
template <class = void>
void simulate_shard(const shard& s, const shard_params& p, const impact_pipeline_result& r, shard_fit& out) {
  out.episodes = p.episodes;
  if (p.episodes == 0) {
    out.simulation_message = "no simulation (episodes = 0)";
    return;
  }
  std::vector<double> q, t;
  for (index i = 0; i < r.metaorders.rows(); ++i) {
    q.push_back(r.metaorders.quantity[i]);
    t.push_back(std::chrono::duration<double>(r.metaorders.durations[static_cast<std::size_t>(i)]).count());
  }
  if (q.empty()) {
    out.simulation_message = "no simulation: the shard has no metaorder";
    return;
  }
  out.quantity = median_of(q);
  // a metaorder of one market order lasts 0 s: the TWAP then runs over at least one second
  out.horizon_seconds = std::max(median_of(t), 1.0);
  zero_intelligence_params zi;
  if (s.source == "synthetic") {
    // the synthetic market is a dataset generator, not an order flow: the simulator runs with
    // Cont, Stoikov and Talreja's (2010) published estimates, lots of one unit
    zi = zero_intelligence_params::cont_stoikov_talreja_2010();
    out.simulation_message =
        "zero-intelligence model with Cont, Stoikov and Talreja's (2010) estimates (the synthetic source has no "
        "order flow to fit)";
  } else {
    try {
      const shard_order_flow flow = load_shard_order_flow(s);
      order_flow_statistics st({.tick_size = flow.tick_size, .levels = 10, .queue_levels = 3, .max_queue_lots = 20});
      st.observe(std::span<const order_flow_event>(flow.events));
      zi = fit_zero_intelligence(st).params;
      out.simulation_message = concat("zero-intelligence model fitted to ", flow.description, " (", flow.events.size(),
                                      " events, grid ", flow.tick_size, ")");
    } catch (const std::exception& e) {
      out.simulation_message = concat("no simulation: the order-book model could not be fitted: ", e.what());
      return;
    }
  }
  // The simulator trades whole lots (of the mean event size when fitted): the quantity is
  // rounded to them, in at most 10 children of at least one lot each; below half a lot there
  // is nothing to simulate (a crypto day's median metaorder can be a fraction of the lot).
  const double lots = std::round(out.quantity / zi.lot_quantity);
  if (lots < 1.0) {
    out.simulation_message += concat("; no simulation: the median metaorder, ", out.quantity,
                                     ", is below half a lot of the model (", zi.lot_quantity, ")");
    out.quantity = nan;
    return;
  }
  const index children = std::min<index>(10, static_cast<index>(lots));
  if (lots * zi.lot_quantity != out.quantity)
    out.simulation_message +=
        concat("; the median metaorder, ", out.quantity, ", rounded to ", lots, " lots of ", zi.lot_quantity);
  out.quantity = lots * zi.lot_quantity;
  const child_schedule schedule = twap_schedule(out.quantity, out.horizon_seconds, children);
  const simulated_execution_params ep{
      .side = side::buy, .n_paths = p.episodes, .warmup_seconds = 120.0, .seed = out.seed};
  try {
    const simulated_execution x =
        simulate_execution<zero_intelligence_model>(zi, schedule, child_order_type::market, ep);
    out.expected_bps = x.expected_bps;
    out.std_bps = x.std_bps;
    out.p05_bps = x.q05_bps;
    out.p95_bps = x.q95_bps;
    out.simulation_message += concat("; TWAP buy of ", out.quantity, " over ", out.horizon_seconds, " s in ", children,
                                     " market children, ", p.episodes, " episodes");
    if (!std::isfinite(x.expected_bps))
      out.simulation_message += concat(
          "; no cost: nothing was filled (the quantity may be below one lot of the model, ", zi.lot_quantity, ")");
  } catch (const std::exception& e) {
    out.simulation_message = concat("no simulation: ", e.what());
  }
}

/// The walk-forward backtest of the pre-trade report on the shard, as footprint-backtest runs
/// it by default (Bayesian linear cost model, 5 folds, seed 42): each method's overall scores.
template <class = void>
void backtest_shard(const impact_pipeline_result& r, shard_fit& out) {
  try {
    const backtest_result b = pretrade_backtest<bayesian_linear>().run(r);
    for (const backtest_method_scores& m : b.methods) {
      const backtest_scores& o = m.overall;
      out.backtest.push_back({.method = std::string(to_string(m.method)),
                              .metaorders = o.metaorders,
                              .bias_bps = o.bias_bps,
                              .rmse_bps = o.rmse_bps,
                              .crps_bps = o.crps_bps,
                              .coverage_90 = o.coverage_90,
                              .coverage_90_conformal = o.coverage_90_conformal,
                              .brier = o.brier});
    }
    index folds = 0;
    for (const backtest_fold& f : b.folds) folds += f.message.empty() ? 1 : 0;
    out.backtest_message = concat(b.metaorders.size(), " metaorders tested in ", folds, " walk-forward folds (of ",
                                  b.candidates, " candidates; footprint-backtest's defaults, Bayesian linear model)");
  } catch (const std::exception& e) {
    out.backtest.clear();
    out.backtest_message = concat("no backtest: ", e.what());
  }
}

}  // namespace detail::pretrade

/// Fits one shard: reads its data (`load_shard_data`), builds its impact datasets and
/// reports
/// - the row counts: labelled orders, metaorders, the metaorders the impact laws use and the
///   ones they leave out, counted by reason;
/// - the square-root law I = Y sigma (Q/V)^delta (square_root_law.hpp, nonlinear fit, on the
///   permanent impact `permanent_<horizon>_bps`, the data set's session) and the
///   Almgren-Chriss calibration (almgren_chriss_calibration.hpp, time unit 1 s) on
///   `to_impact_observations(metaorders, {.horizon = p.horizon})`; a fit that fails leaves
///   NaN estimates and its reason in `law_message` / `calibration_message`;
/// - the `linear_statistics` of the metaorders' `p.features` (all when empty) -> `p.label`,
///   over the rows where every one is finite (the others counted in `linear_excluded`);
/// - when p.episodes > 0: a TWAP buy of the median metaorder quantity (rounded to the
///   simulator's whole lots; none below half a lot) over the median metaorder duration (at
///   least 1 s) in up to 10 market children of at least one lot, executed p.episodes times in
///   the zero-intelligence model (Cont, Stoikov and Talreja 2010) fitted to the shard's order
///   flow (the synthetic source: the paper's estimates), with the shard's seed; the cost's
///   mean, std and 5%/95% quantiles in bps of the arrival mid. A source whose order flow
///   cannot be read or fitted says so in `simulation_message` instead of failing.
///
/// - when p.backtest: the walk-forward backtest of the pre-trade report
///   (pretrade/pretrade_backtest.hpp, footprint-backtest's defaults: the Bayesian linear
///   model, 5 folds) and each method's scores (0.5 s on the GOOG day); a backtest that cannot
///   run (too few metaorders) says why in `backtest_message`.
///
/// Deterministic: the seed is `shard_seed(s.id, p.seed)`, so a shard gives the same result
/// whatever runs before it, on whichever machine (the library's own threads included).
/// @param s the shard (id non-empty)
/// @param p the run's parameters (episodes 0 or >= 2, horizon > 0)
/// @return the shard's fit
/// @throws invalid_argument for an empty id, episodes == 1, horizon <= 0, an unknown source,
///         an unknown feature or label; data_error from the readers
/// Complexity: the readers' (linear in the data) plus O(episodes x simulated events).
template <class = void>
[[nodiscard]] shard_fit fit_shard(const shard& s, const shard_params& p = {}) {
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
  // 20 levels of each order's arrival book, as footprint-pretrade and footprint-backtest keep
  const impact_pipeline_result r = load_shard_data(s, 20);
  out.symbol = s.symbol.empty() ? r.instrument.symbol : s.symbol;
  out.venue = r.instrument.venue;
  out.session_seconds = r.metaorders.session_seconds;
  out.daily_volume = r.metaorders.daily_volume;
  out.span_seconds = r.summary.span_seconds;
  out.orders = r.orders.rows();
  out.metaorders = r.metaorders.rows();

  // the impact laws on the metaorders
  try {
    const dataset_observations obs = to_impact_observations(r.metaorders, {.horizon = p.horizon});
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
  const impact_dataset& d = r.metaorders;
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

  detail::pretrade::simulate_shard(s, p, r, out);
  if (p.backtest) detail::pretrade::backtest_shard(r, out);
  return out;
}

}  // namespace footprint
