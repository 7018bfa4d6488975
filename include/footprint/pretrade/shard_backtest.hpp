/// @file pretrade/shard_backtest.hpp
/// @brief `backtest_shard`: the backtest step of a shard's fit (docs/distributed.md): the
/// walk-forward backtest of the pre-trade report on the shard's data, as footprint-backtest
/// runs it by default.
///
/// Includes the backtest and the pre-trade report, not the readers nor a cost model: the model
/// is the caller's (footprint-backtest's default, `bayesian_linear`, in the programs).
#pragma once

#include "footprint/concepts.hpp"
#include "footprint/data/impact_pipeline_result.hpp"
#include "footprint/detail/concat.hpp"
#include "footprint/pretrade/backtest_result.hpp"
#include "footprint/pretrade/pretrade_backtest.hpp"
#include "footprint/pretrade/shard.hpp"

#include <exception>
#include <string>

namespace footprint {

/// The backtest step of a shard's fit: when p.backtest, runs the walk-forward backtest of the
/// pre-trade report (pretrade/pretrade_backtest.hpp, footprint-backtest's defaults: 5 folds,
/// seed 42) with the cost model `Model` on `data` and fills `out.backtest` (each
/// method's overall scores, in `backtest_method` order) and `out.backtest_message` (0.5 s on
/// the GOOG day). A backtest that cannot run (too few metaorders) says why in
/// `backtest_message` and leaves `out.backtest` empty; nothing is thrown. Without
/// p.backtest, does nothing.
/// @tparam Model the cost model, given explicitly: `backtest_shard<bayesian_linear>(fit, data,
///         p)` as footprint-backtest and footprint-batch (models/linear/bayesian_linear.hpp)
/// @param out the shard's fit (`fit_shard`, pretrade/shard_fit.hpp)
/// @param data the shard's data (`load_shard_data`)
/// @param p the run's parameters
/// Complexity: the backtest's (5 model fits on the metaorders, and their reports).
template <ProbabilisticRegressor Model>
void backtest_shard(shard_fit& out, const impact_pipeline_result& data, const shard_params& p = {}) {
  if (!p.backtest) return;
  try {
    const backtest_result b = pretrade_backtest<Model>().run(data);
    out.backtest.clear();
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
    out.backtest_message =
        detail::concat(b.metaorders.size(), " metaorders tested in ", folds, " walk-forward folds (of ", b.candidates,
                       " candidates; footprint-backtest's defaults)");
  } catch (const std::exception& e) {
    out.backtest.clear();
    out.backtest_message = detail::concat("no backtest: ", e.what());
  }
}

}  // namespace footprint
