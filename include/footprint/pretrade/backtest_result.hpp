/// @file pretrade/backtest_result.hpp
/// @brief What `pretrade_backtest` returns: per metaorder, each method's predictive
/// distribution of the cost and the realized cost; per method, the scores (bias, RMSE, MAE,
/// CRPS, raw and conformal 90% coverage, Brier score, reliability table, PIT histogram), overall
/// and by size bucket. Aggregates only, no printing; see docs/validation.md.
#pragma once

#include "footprint/types.hpp"

#include <array>
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace footprint {

/// The methods a backtest compares, in the order of `backtest_metaorder::predictions`.
enum class backtest_method : std::uint8_t {
  engine,           ///< the pre-trade engine: book walk + model correction + transient + permanent
  square_root,      ///< the square-root law alone: I = Y sigma sqrt(Q / V), Y fitted on the window
  almgren_chriss,   ///< linear Almgren-Chriss alone: epsilon + eta Q / T + gamma Q, fitted on the window
  structural_only,  ///< the engine without its statistical model (no correction, no model spread)
};
inline constexpr std::size_t backtest_methods = 4;

/// The method's name in reports: "engine", "square_root", "almgren_chriss", "structural_only".
[[nodiscard]] constexpr std::string_view to_string(backtest_method m) noexcept {
  switch (m) {
    case backtest_method::engine: return "engine";
    case backtest_method::square_root: return "square_root";
    case backtest_method::almgren_chriss: return "almgren_chriss";
    case backtest_method::structural_only: return "structural_only";
  }
  return "?";
}

/// One method's prediction of one metaorder's cost, bps of the arrival mid (cost positive).
struct backtest_prediction {
  double mean_bps = nan;              ///< predictive mean
  double std_bps = nan;               ///< predictive standard deviation; > 0
  double p05_bps = nan;               ///< 5% quantile
  double p95_bps = nan;               ///< 95% quantile: [p05, p95] is the raw 90% interval
  double crps_bps = nan;              ///< CRPS of the predictive distribution at the realized cost
  double pit = nan;                   ///< F(realized): the probability integral transform, in [0, 1]
  double exceedance = nan;            ///< P(cost > threshold), raw
  double conformal_low = nan;         ///< conformal 90% interval (NaN before enough calibration rows)
  double conformal_high = nan;        ///< upper end of it
  double conformal_exceedance = nan;  ///< P(cost > threshold) from the conformal predictive system
};

/// One tested metaorder.
struct backtest_metaorder {
  index row = 0;                     ///< row of the metaorders dataset
  index fold = 0;                    ///< walk-forward fold it was tested in
  std::chrono::nanoseconds time{0};  ///< arrival of its first child
  footprint::side side = footprint::side::buy;
  double quantity = nan;          ///< total quantity
  double participation = nan;     ///< quantity / the training window's daily volume
  index children = 0;             ///< market orders in it
  double duration_seconds = nan;  ///< first to last fill
  double realized_bps = nan;      ///< its implementation shortfall against the arrival mid
  std::array<backtest_prediction, backtest_methods> predictions{};  ///< by `backtest_method`
};

/// One walk-forward fold.
struct backtest_fold {
  index fold = 0;
  std::chrono::nanoseconds cutoff{0};  ///< the training data's end: the first test arrival minus the embargo
  index train_orders = 0;              ///< labelled market orders known at the cutoff
  index train_metaorders = 0;          ///< metaorders with a shortfall known at the cutoff
  index tested = 0;                    ///< metaorders tested
  double daily_volume = nan;           ///< the training window's daily volume
  std::string message;                 ///< why the fold was skipped (empty when it ran)
};

/// One bin of a reliability table of P(cost > threshold).
struct reliability_bin {
  double low = 0.0, high = 0.0;  ///< predicted probabilities in [low, high)
  index count = 0;               ///< predictions in the bin
  double mean_predicted = nan;   ///< their mean predicted probability
  double observed = nan;         ///< the share of them whose cost exceeded the threshold
};

/// Scores of one method on a set of metaorders (all, or one size bucket).
struct backtest_scores {
  index metaorders = 0;                ///< scored
  double bias_bps = nan;               ///< mean(predicted mean - realized): > 0 over-predicts the cost
  double rmse_bps = nan;               ///< root mean squared error of the mean
  double mae_bps = nan;                ///< mean absolute error of the mean
  double crps_bps = nan;               ///< mean CRPS
  double coverage_90 = nan;            ///< share inside [p05, p95]
  index conformal_rows = 0;            ///< metaorders with a conformal interval (enough calibration before them)
  double coverage_90_conformal = nan;  ///< share inside the conformal interval, over conformal_rows
  double brier = nan;                  ///< mean (P(cost > threshold) - 1{cost > threshold})^2, raw
  double brier_conformal = nan;        ///< the same with the conformal predictive system's P, over conformal_rows
  double exceedance_rate = nan;        ///< share of metaorders whose cost exceeded the threshold
};

/// Scores of one method: overall, its reliability table and PIT histogram, and by size bucket.
struct backtest_method_scores {
  backtest_method method = backtest_method::engine;
  backtest_scores overall;
  std::vector<reliability_bin> reliability;  ///< 10 bins of the raw P(cost > threshold)
  std::vector<index> pit_histogram;          ///< 10 bins of the PIT on [0, 1]
  std::vector<backtest_scores> by_size;      ///< one per `backtest_result::size_edges` bucket
};

/// What `pretrade_backtest::run` returns.
struct backtest_result {
  double threshold_bps = nan;                  ///< the threshold of P(cost > threshold)
  double alpha = nan;                          ///< 1 - the intervals' nominal coverage
  std::vector<double> size_edges;              ///< participation bucket edges: bucket k is [edge_{k-1}, edge_k)
  index candidates = 0;                        ///< metaorders in the test blocks
  index skipped_small = 0;                     ///< of which with fewer children than `min_children`
  index skipped_unlabelled = 0;                ///< of which without a finite realized cost or arrival book
  std::vector<backtest_fold> folds;            ///< in time order
  std::vector<backtest_metaorder> metaorders;  ///< tested, in time order
  std::array<backtest_method_scores, backtest_methods> methods{};  ///< by `backtest_method`
  /// The engine's signed normalized residuals (realized - mean) / sd over every tested
  /// metaorder, in time order: the calibration set a later report makes conformal with.
  std::vector<double> engine_scores;
};

}  // namespace footprint
