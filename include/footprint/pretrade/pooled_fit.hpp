/// @file pretrade/pooled_fit.hpp
/// @brief `pool_shards`: the exact merge of many shards' fits (pretrade/shard_fit.hpp) into
/// one pooled linear regression (ols and bayesian_linear from the merged
/// `linear_statistics`), with the per-shard impact laws kept as a list (an instrument's
/// impact law stays that instrument's) and the totals of rows. See docs/distributed.md.
///
/// Includes Eigen/Dense and Boost.Math's normal and Student-t distributions (the linear models).
#pragma once

#include "footprint/detail/concat.hpp"
#include "footprint/error.hpp"
#include "footprint/models/linear/bayesian_linear.hpp"
#include "footprint/models/linear/linear_statistics.hpp"
#include "footprint/models/linear/ols.hpp"
#include "footprint/pretrade/shard.hpp"
#include "footprint/types.hpp"

#include <algorithm>
#include <exception>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace footprint {

/// What `pool_shards` returns.
struct pooled_fit {
  std::vector<std::string> shard_ids;      ///< the shards merged, sorted
  std::vector<std::string> feature_names;  ///< the pooled regression's features, in column order
  std::string label;                       ///< its label
  linear_statistics statistics;            ///< the merged statistics (empty when no shard had a usable row)
  ols ols_model;                           ///< fitted from `statistics` (unfitted when it is empty)
  bayesian_linear bayes_model;             ///< evidence mode, fitted from `statistics` (likewise)
  std::string ols_message;                 ///< the fit report's message, or why it was not fitted
  std::string bayes_message;               ///< likewise
  /// Each shard's fit (the per-instrument laws, the simulation), in id order
  /// (`pooled_fit_to_json` leaves their statistics out).
  std::vector<shard_fit> shards;
  index orders = 0;                       ///< total labelled orders
  index metaorders = 0;                   ///< total metaorders
  index observations = 0;                 ///< total metaorders used by the impact laws
  std::map<std::string, index> excluded;  ///< total exclusions of the impact laws, by reason
  index linear_rows = 0;                  ///< total rows of the pooled regression
  index linear_excluded = 0;              ///< total metaorders left out of it
  /// The shards' backtests pooled per method: metaorders summed; bias, CRPS, coverages and
  /// Brier score averaged over every scored metaorder (each shard weighted by its count);
  /// RMSE the root of the pooled mean squared error. Empty when no shard was backtested.
  std::vector<shard_backtest_score> backtest;
};

namespace detail::pretrade {

/// The shards' backtest scores pooled per method (see `pooled_fit::backtest`): each field
/// averaged over the shards where it is finite, weighted by their scored metaorders.
inline void pool_backtests(pooled_fit& out) {
  struct sums {
    double n = 0.0, value = 0.0;
    void add(double count, double x) {
      if (std::isfinite(x) && count > 0.0) {
        n += count;
        value += count * x;
      }
    }
    [[nodiscard]] double mean() const { return n > 0.0 ? value / n : nan; }
  };
  std::vector<std::string> methods;
  for (const shard_fit& f : out.shards)
    for (const shard_backtest_score& b : f.backtest)
      if (std::find(methods.begin(), methods.end(), b.method) == methods.end()) methods.push_back(b.method);
  for (const std::string& m : methods) {
    shard_backtest_score pooled{.method = m};
    sums bias, mse, crps, cov, covc, brier;
    for (const shard_fit& f : out.shards) {
      for (const shard_backtest_score& b : f.backtest) {
        if (b.method != m) continue;
        const auto n = static_cast<double>(b.metaorders);
        pooled.metaorders += b.metaorders;
        bias.add(n, b.bias_bps);
        mse.add(n, b.rmse_bps * b.rmse_bps);
        crps.add(n, b.crps_bps);
        cov.add(n, b.coverage_90);
        covc.add(n, b.coverage_90_conformal);
        brier.add(n, b.brier);
      }
    }
    pooled.bias_bps = bias.mean();
    pooled.rmse_bps = std::sqrt(mse.mean());
    pooled.crps_bps = crps.mean();
    pooled.coverage_90 = cov.mean();
    pooled.coverage_90_conformal = covc.mean();
    pooled.brier = brier.mean();
    out.backtest.push_back(pooled);
  }
}

}  // namespace detail::pretrade

/// Merges shards' fits: their `linear_statistics` merged in id order (Chan, Golub and
/// LeVeque 1979; see linear_statistics), the pooled `ols` and `bayesian_linear` fitted from
/// them (equal to fits on all the shards' rows at once, to about 1e-12 relative), the
/// per-shard laws listed and the row counts summed.
///
/// Deterministic whatever the order of `fits`: they are sorted by id before merging.
/// @param fits the shards' fits (at least one; unique ids)
/// @return the pooled fit
/// @throws invalid_argument when `fits` is empty, two fits have the same id, or two shards'
///         feature names or labels differ (naming both shards)
/// Complexity: O(n_shards n_features^2 + n_features^3).
template <class = void>
[[nodiscard]] pooled_fit pool_shards(std::span<const shard_fit> fits) {
  constexpr const char* where = "footprint::pool_shards";
  if (fits.empty()) throw invalid_argument(detail::concat(where, ": no shard to pool"));
  std::vector<const shard_fit*> sorted;
  for (const shard_fit& f : fits) sorted.push_back(&f);
  std::sort(sorted.begin(), sorted.end(), [](const shard_fit* a, const shard_fit* b) { return a->id < b->id; });
  pooled_fit out;
  const shard_fit& first = *sorted.front();
  out.feature_names = first.feature_names;
  out.label = first.label;
  for (std::size_t k = 0; k < sorted.size(); ++k) {
    const shard_fit& f = *sorted[k];
    if (k > 0 && f.id == sorted[k - 1]->id) {
      throw invalid_argument(detail::concat(where, ": two shards have the id \"", f.id, "\""));
    }
    if (f.feature_names != first.feature_names) {
      throw invalid_argument(detail::concat(where, ": shards \"", first.id, "\" and \"", f.id,
                                            "\" have different feature names (", first.feature_names.size(), " and ",
                                            f.feature_names.size(), " features); pool shards of one feature set"));
    }
    if (f.label != first.label) {
      throw invalid_argument(detail::concat(where, ": shards \"", first.id, "\" and \"", f.id,
                                            "\" have different labels (\"", first.label, "\" and \"", f.label, "\")"));
    }
    out.shard_ids.push_back(f.id);
    out.statistics.merge(f.statistics);
    out.orders += f.orders;
    out.metaorders += f.metaorders;
    out.observations += f.observations;
    for (const auto& [reason, count] : f.excluded) out.excluded[reason] += count;
    out.linear_rows += f.statistics.n_rows();
    out.linear_excluded += f.linear_excluded;
    out.shards.push_back(f);
  }
  detail::pretrade::pool_backtests(out);
  if (out.statistics.empty()) {
    out.ols_message = out.bayes_message = "not fitted: no shard has a row with every feature and the label finite";
    return out;
  }
  try {
    out.ols_message = out.ols_model.fit(out.statistics).message;
  } catch (const std::exception& e) {
    out.ols_message = detail::concat("not fitted: ", e.what());
  }
  try {
    out.bayes_message = out.bayes_model.fit(out.statistics).message;
  } catch (const std::exception& e) {
    out.bayes_message = detail::concat("not fitted: ", e.what());
  }
  return out;
}

}  // namespace footprint
