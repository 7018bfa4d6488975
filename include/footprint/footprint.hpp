/// @file footprint.hpp
/// @brief Umbrella header: includes every public footprint header.
///
/// For convenience only; it pulls in Boost.Math distributions and Eigen/Dense, which are
/// slow to parse. Include the narrow headers you use (footprint's own tests and examples
/// do). A test checks that this file lists every public header.
#pragma once

#include "footprint/concepts.hpp"
#include "footprint/error.hpp"
#include "footprint/types.hpp"
#include "footprint/version.hpp"

#include "footprint/book/order_level_book.hpp"
#include "footprint/book/price_level_book.hpp"
#include "footprint/book/trade.hpp"

#include "footprint/feeds/binance/binance_csv_reader.hpp"
#include "footprint/feeds/binance/binance_depth_book.hpp"
#include "footprint/feeds/binance/binance_event.hpp"
#include "footprint/feeds/binance/binance_reader.hpp"
#include "footprint/feeds/bitstamp/bitstamp_snapshot_reader.hpp"
#include "footprint/feeds/bitstamp/bitstamp_trade_reader.hpp"
#include "footprint/feeds/line_reader.hpp"
#include "footprint/feeds/lobster/lobster_reader.hpp"
#include "footprint/feeds/parse_report.hpp"

#include "footprint/features/amihud_illiquidity.hpp"
#include "footprint/features/arrival_features.hpp"
#include "footprint/features/book_history.hpp"
#include "footprint/features/book_slope.hpp"
#include "footprint/features/compute_batch.hpp"
#include "footprint/features/depth_imbalance.hpp"
#include "footprint/features/depth_within_bps.hpp"
#include "footprint/features/ewma_volatility.hpp"
#include "footprint/features/feature_set.hpp"
#include "footprint/features/kyle_lambda.hpp"
#include "footprint/features/markouts.hpp"
#include "footprint/features/multi_level_ofi.hpp"
#include "footprint/features/order_flow_imbalance.hpp"
#include "footprint/features/queue_imbalance.hpp"
#include "footprint/features/realized_volatility.hpp"
#include "footprint/features/stoikov_microprice.hpp"
#include "footprint/features/time_of_day.hpp"
#include "footprint/features/top_of_book.hpp"
#include "footprint/features/trade_flow.hpp"

#include "footprint/data/binance_dataset.hpp"
#include "footprint/data/bitstamp_dataset.hpp"
#include "footprint/data/impact_dataset.hpp"
#include "footprint/data/impact_pipeline.hpp"
#include "footprint/data/lobster_dataset.hpp"
#include "footprint/data/order_design.hpp"
#include "footprint/data/synthetic/regression_problems.hpp"
#include "footprint/data/synthetic/synthetic_dataset.hpp"
#include "footprint/data/synthetic/synthetic_market.hpp"

#include "footprint/distributions/empirical_distribution.hpp"
#include "footprint/distributions/location_scale_t.hpp"
#include "footprint/distributions/normal_mixture.hpp"
#include "footprint/distributions/quantile_distribution.hpp"

#include "footprint/models/linear/bayesian_linear.hpp"
#include "footprint/models/linear/linear_solver.hpp"
#include "footprint/models/linear/ols.hpp"
#include "footprint/models/linear/ridge.hpp"
#include "footprint/models/neural/deep_ensemble.hpp"
#include "footprint/models/neural/mlp_options.hpp"
#include "footprint/models/neural/mlp_regressor.hpp"
#include "footprint/models/trees/gradient_boosting.hpp"
#include "footprint/models/trees/random_forest.hpp"
#include "footprint/models/trees/regression_tree.hpp"
#include "footprint/models/trees/tree_ensemble.hpp"

#include "footprint/validation/metrics.hpp"
#include "footprint/validation/permutation_importance.hpp"
#include "footprint/validation/split.hpp"

#include "footprint/impact/almgren_chriss_calibration.hpp"
#include "footprint/impact/dataset_observations.hpp"
#include "footprint/impact/impact_observations.hpp"
#include "footprint/impact/parameter_estimate.hpp"
#include "footprint/impact/power_law_impact.hpp"
#include "footprint/impact/propagator.hpp"
#include "footprint/impact/square_root_law.hpp"
#include "footprint/impact/synthetic_metaorders.hpp"

#include "footprint/execution/almgren_chriss.hpp"
#include "footprint/execution/schedule_cost.hpp"

#include "footprint/io/mlp_json.hpp"
#include "footprint/io/tree_model_json.hpp"
#include "footprint/io/xgboost_model.hpp"
