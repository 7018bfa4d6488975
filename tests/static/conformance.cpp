// Conformance of every shipped type to the concepts it promises. Each module adds its
// types here as they are written, e.g.
//   static_assert(footprint::ProbabilisticRegressor<footprint::bayesian_linear>);
#include "footprint/book/order_level_book.hpp"
#include "footprint/book/price_level_book.hpp"
#include "footprint/book/tick_level_book.hpp"
#include "footprint/book/trade.hpp"
#include "footprint/concepts.hpp"
#include "footprint/data/binance_dataset.hpp"
#include "footprint/data/bitstamp_dataset.hpp"
#include "footprint/data/impact_pipeline.hpp"
#include "footprint/data/lobster_dataset.hpp"
#include "footprint/data/order_design.hpp"
#include "footprint/data/synthetic/synthetic_dataset.hpp"
#include "footprint/distributions/normal_mixture.hpp"
#include "footprint/error.hpp"
#include "footprint/execution/almgren_chriss.hpp"
#include "footprint/execution/almgren_chriss_world.hpp"
#include "footprint/execution/execution_policies.hpp"
#include "footprint/execution/schedule_cost.hpp"
#include "footprint/execution/tabular_q_learning.hpp"
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
#include "footprint/feeds/binance/binance_csv_reader.hpp"
#include "footprint/feeds/binance/binance_reader.hpp"
#include "footprint/feeds/bitstamp/bitstamp_event_reader.hpp"
#include "footprint/feeds/bitstamp/bitstamp_snapshot_reader.hpp"
#include "footprint/feeds/bitstamp/bitstamp_trade_reader.hpp"
#include "footprint/feeds/lobster/lobster_market_order_reader.hpp"
#include "footprint/feeds/lobster/lobster_reader.hpp"
#include "footprint/impact/almgren_chriss_calibration.hpp"
#include "footprint/impact/dataset_observations.hpp"
#include "footprint/impact/impact_observations.hpp"
#include "footprint/impact/parameter_estimate.hpp"
#include "footprint/impact/power_law_impact.hpp"
#include "footprint/impact/propagator.hpp"
#include "footprint/impact/square_root_law.hpp"
#include "footprint/io/mlp_json.hpp"
#include "footprint/io/tree_model_json.hpp"
#include "footprint/io/xgboost_model.hpp"
#include "footprint/models/linear/bayesian_linear.hpp"
#include "footprint/models/linear/ols.hpp"
#include "footprint/models/linear/ridge.hpp"
#include "footprint/models/neural/deep_ensemble.hpp"
#include "footprint/models/neural/mlp_regressor.hpp"
#include "footprint/models/trees/gradient_boosting.hpp"
#include "footprint/models/trees/random_forest.hpp"
#include "footprint/simulation/queue_reactive_model.hpp"
#include "footprint/simulation/zero_intelligence_model.hpp"
#include "footprint/validation/permutation_importance.hpp"
#include "footprint/validation/split.hpp"

#include <concepts>
#include <span>
#include <type_traits>
#include <utility>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_conformance {

namespace fp = footprint;

// The exception hierarchy derives from the standard types and the footprint::error tag.
static_assert(std::is_base_of_v<std::invalid_argument, fp::invalid_argument>);
static_assert(std::is_base_of_v<fp::invalid_argument, fp::dimension_mismatch>);
static_assert(std::is_base_of_v<std::logic_error, fp::not_fitted>);
static_assert(std::is_base_of_v<std::runtime_error, fp::data_error>);
static_assert(std::is_base_of_v<std::runtime_error, fp::convergence_error>);
static_assert(std::is_base_of_v<fp::error, fp::invalid_argument>);
static_assert(std::is_base_of_v<fp::error, fp::not_fitted>);
static_assert(std::is_base_of_v<fp::error, fp::data_error>);
static_assert(std::is_base_of_v<fp::error, fp::convergence_error>);

// Vocabulary types are aggregates usable with designated initializers.
static_assert(std::is_aggregate_v<fp::order>);
static_assert(std::is_aggregate_v<fp::market_state>);
static_assert(std::is_aggregate_v<fp::cost_estimate>);
static_assert(std::is_aggregate_v<fp::fit_report>);

// impact/
static_assert(fp::ImpactModel<fp::almgren_chriss>);
static_assert(std::is_aggregate_v<fp::almgren_chriss_params>);

// book/
static_assert(fp::OrderBookView<fp::price_level_book>);
static_assert(fp::OrderBookView<fp::tick_level_book>);
static_assert(fp::OrderBookView<fp::book_view>);
static_assert(fp::OrderBookView<fp::order_level_book>);
static_assert(fp::OrderBookView<decltype(std::declval<const fp::lobster_reader&>().book())>);
static_assert(std::is_aggregate_v<fp::resting_order>);
static_assert(std::is_aggregate_v<fp::order_level_book_stats>);
static_assert(std::is_aggregate_v<fp::lobster_options>);
static_assert(std::is_aggregate_v<fp::lobster_event>);
static_assert(std::is_aggregate_v<fp::lobster_grouping_options>);
static_assert(std::is_aggregate_v<fp::lobster_market_order>);
static_assert(std::is_nothrow_move_constructible_v<fp::lobster_reader>);
static_assert(!std::is_copy_constructible_v<fp::lobster_reader>);

// Crypto readers: options and events are aggregates; readers are movable, not copyable.
static_assert(std::is_aggregate_v<fp::binance_options>);
static_assert(std::is_aggregate_v<fp::binance_event>);
static_assert(std::is_aggregate_v<fp::binance_book_ticker>);
static_assert(std::is_aggregate_v<fp::binance_depth_update>);
static_assert(std::is_move_constructible_v<fp::binance_reader> && !std::is_copy_constructible_v<fp::binance_reader>);
static_assert(std::is_move_constructible_v<fp::binance_csv_reader> &&
              !std::is_copy_constructible_v<fp::binance_csv_reader>);
static_assert(std::is_move_constructible_v<fp::bitstamp_snapshot_reader> &&
              !std::is_copy_constructible_v<fp::bitstamp_snapshot_reader>);
static_assert(std::is_move_constructible_v<fp::bitstamp_trade_reader> &&
              !std::is_copy_constructible_v<fp::bitstamp_trade_reader>);
static_assert(fp::OrderBookView<decltype(std::declval<const fp::binance_reader&>().book())>);

// features/
static_assert(fp::FeatureCalculatorFor<fp::top_of_book, fp::price_level_book>);
static_assert(fp::FeatureCalculatorFor<fp::queue_imbalance, fp::price_level_book>);
static_assert(fp::FeatureCalculatorFor<fp::depth_imbalance, fp::price_level_book>);
static_assert(fp::FeatureCalculatorFor<fp::depth_within_bps, fp::price_level_book>);
static_assert(fp::FeatureCalculatorFor<fp::book_slope, fp::price_level_book>);
static_assert(fp::FeatureCalculatorFor<fp::time_of_day, fp::price_level_book>);
static_assert(fp::FeatureCalculatorFor<fp::stoikov_microprice, fp::price_level_book>);
static_assert(fp::StatefulFeatureCalculatorFor<fp::order_flow_imbalance, fp::price_level_book>);
static_assert(fp::StatefulFeatureCalculatorFor<fp::multi_level_ofi, fp::price_level_book>);
static_assert(fp::StatefulFeatureCalculatorFor<fp::realized_volatility, fp::price_level_book>);
static_assert(fp::StatefulFeatureCalculatorFor<fp::ewma_volatility, fp::price_level_book>);
static_assert(fp::StatefulFeatureCalculatorFor<fp::trade_flow, fp::price_level_book> &&
              fp::TradeObserver<fp::trade_flow, fp::trade>);
static_assert(fp::StatefulFeatureCalculatorFor<fp::kyle_lambda, fp::price_level_book> &&
              fp::TradeObserver<fp::kyle_lambda, fp::trade>);
static_assert(fp::StatefulFeatureCalculatorFor<fp::amihud_illiquidity, fp::price_level_book> &&
              fp::TradeObserver<fp::amihud_illiquidity, fp::trade>);
static_assert(fp::StatefulFeatureCalculatorFor<
              fp::feature_set<fp::top_of_book, fp::queue_imbalance, fp::order_flow_imbalance>, fp::price_level_book>);
static_assert(fp::OrderBookView<fp::book_history>);
static_assert(!fp::FeatureCalculatorFor<fp::markouts, fp::price_level_book>);  // look-ahead labels, batch only

// Impact laws: data and settings are aggregates; fitted objects are regular values.
static_assert(std::is_aggregate_v<fp::impact_observations>);
static_assert(std::is_aggregate_v<fp::parameter_estimate>);
static_assert(std::is_aggregate_v<fp::square_root_law_params>);
static_assert(std::is_aggregate_v<fp::power_law_impact_params>);
static_assert(std::is_aggregate_v<fp::almgren_chriss_calibration_params>);
static_assert(std::is_aggregate_v<fp::dataset_observation_params>);
static_assert(std::is_aggregate_v<fp::dataset_observations>);
static_assert(std::is_aggregate_v<fp::schedule_cost_params>);
static_assert(std::is_aggregate_v<fp::schedule_cost>);
static_assert(std::is_nothrow_move_constructible_v<fp::order_design>);
static_assert(std::is_aggregate_v<fp::propagator_params>);
static_assert(std::is_aggregate_v<fp::propagator::path>);
static_assert(std::is_nothrow_move_constructible_v<fp::square_root_law>);
static_assert(std::is_nothrow_move_constructible_v<fp::power_law_impact>);
static_assert(std::is_nothrow_move_constructible_v<fp::almgren_chriss_calibration>);
static_assert(std::is_copy_constructible_v<fp::propagator>);

// data/
static_assert(fp::StatefulFeatureCalculatorFor<fp::arrival_features, fp::price_level_book>);
static_assert(fp::StatefulFeatureCalculatorFor<fp::arrival_features, fp::book_view>);
static_assert(fp::TradeObserver<fp::arrival_features, fp::trade>);
static_assert(std::is_aggregate_v<fp::arrival_features_params>);
static_assert(std::is_aggregate_v<fp::impact_pipeline_params>);
static_assert(std::is_aggregate_v<fp::impact_pipeline_result>);
static_assert(std::is_aggregate_v<fp::source_summary>);
static_assert(std::is_aggregate_v<fp::file_report>);
static_assert(std::is_aggregate_v<fp::arrival_state>);
static_assert(std::is_aggregate_v<fp::executed_order>);

// event streams: the readers and the simulators
static_assert(fp::EventReader<fp::lobster_reader, fp::lobster_event>);
static_assert(fp::EventReader<fp::binance_reader, fp::binance_event>);
static_assert(fp::EventReader<fp::binance_csv_reader, fp::binance_event>);
static_assert(fp::EventReader<fp::bitstamp_event_reader, fp::bitstamp_event>);
static_assert(fp::EventReader<fp::bitstamp_trade_reader, fp::trade>);
static_assert(fp::EventReader<fp::zero_intelligence_model, fp::order_flow_event>);
static_assert(fp::EventReader<fp::queue_reactive_model, fp::order_flow_event>);
static_assert(fp::ExecutionPolicy<fp::twap_policy>);
static_assert(fp::ExecutionPolicy<fp::pov_policy>);
static_assert(fp::ExecutionPolicy<fp::schedule_policy>);
static_assert(fp::ExecutionPolicy<fp::adaptive_almgren_chriss_policy>);
static_assert(fp::ExecutionPolicy<fp::passive_catch_up_policy>);
static_assert(fp::ExecutionPolicy<fp::tabular_q_learning>);
static_assert(fp::ExecutionEnvironment<fp::almgren_chriss_world>);
static_assert(std::is_aggregate_v<fp::zero_intelligence_params>);
static_assert(std::is_aggregate_v<fp::queue_reactive_params>);
static_assert(std::is_aggregate_v<fp::order_flow_event>);
static_assert(std::is_aggregate_v<fp::simulated_fill>);
static_assert(std::is_aggregate_v<fp::simulation_report>);
static_assert(std::is_copy_constructible_v<fp::zero_intelligence_model>);
static_assert(std::is_aggregate_v<fp::lobster_dataset_options>);
static_assert(std::is_aggregate_v<fp::binance_dataset_options>);
static_assert(std::is_aggregate_v<fp::bitstamp_dataset_options>);
static_assert(std::is_aggregate_v<fp::synthetic_dataset_options>);
static_assert(std::is_move_constructible_v<fp::impact_pipeline<>>);
static_assert(fp::OrderBookView<fp::detail::binance_ticker_depth_view>);

// models/ and validation/
static_assert(fp::ProbabilisticRegressor<fp::bayesian_linear>);
static_assert(fp::WeightedRegressor<fp::bayesian_linear>);
static_assert(fp::ProbabilisticRegressor<fp::ols> && fp::WeightedRegressor<fp::ols>);
static_assert(fp::ProbabilisticRegressor<fp::ridge> && fp::WeightedRegressor<fp::ridge>);
static_assert(fp::PredictiveDistribution<fp::location_scale_t>);
static_assert(fp::PredictiveDistribution<fp::normal_predictive>);
static_assert(std::is_aggregate_v<fp::bayesian_linear_params> && std::is_aggregate_v<fp::ols_params> &&
              std::is_aggregate_v<fp::ridge_params> && std::is_aggregate_v<fp::time_split_params>);

// MLP (models/mlp_regressor.hpp, models/deep_ensemble.hpp)
static_assert(fp::ProbabilisticRegressor<fp::mlp_regressor>);
static_assert(fp::WeightedRegressor<fp::mlp_regressor>);
static_assert(fp::ProbabilisticRegressor<fp::deep_ensemble>);
static_assert(fp::WeightedRegressor<fp::deep_ensemble>);
static_assert(fp::PredictiveDistribution<fp::normal_mixture>);
static_assert(std::is_aggregate_v<fp::mlp_regressor_params>);
static_assert(std::is_aggregate_v<fp::deep_ensemble_params>);

// Tree ensembles (models/random_forest.hpp, models/gradient_boosting.hpp)
static_assert(fp::ProbabilisticRegressor<fp::random_forest> && fp::WeightedRegressor<fp::random_forest>);
static_assert(fp::ProbabilisticRegressor<fp::gradient_boosting> && fp::WeightedRegressor<fp::gradient_boosting>);
static_assert(fp::PredictiveDistribution<fp::empirical_distribution>);
static_assert(fp::PredictiveDistribution<fp::quantile_distribution>);
static_assert(std::is_aggregate_v<fp::random_forest_params> && std::is_aggregate_v<fp::gradient_boosting_params>);
static_assert(std::is_aggregate_v<fp::tree_node> && std::is_aggregate_v<fp::permutation_importance_result>);

// Fitted states: public aggregates, one per persisted model (io/ reads and writes them).
static_assert(std::is_aggregate_v<fp::tree_ensemble_state> && std::is_aggregate_v<fp::random_forest_state> &&
              std::is_aggregate_v<fp::random_forest_leaf_samples> && std::is_aggregate_v<fp::gradient_boosting_state>);
static_assert(std::is_aggregate_v<fp::mlp_regressor_state> && std::is_aggregate_v<fp::mlp_layer_state> &&
              std::is_aggregate_v<fp::deep_ensemble_state>);
static_assert(std::is_same_v<decltype(fp::tree_ensemble::from_state(std::declval<fp::tree_ensemble_state>())),
                             fp::tree_ensemble>);
static_assert(std::is_same_v<decltype(fp::random_forest::from_state(std::declval<fp::random_forest_state>())),
                             fp::random_forest>);
static_assert(std::is_same_v<decltype(fp::gradient_boosting::from_state(std::declval<fp::gradient_boosting_state>())),
                             fp::gradient_boosting>);
static_assert(std::is_same_v<decltype(fp::mlp_regressor::from_state(std::declval<fp::mlp_regressor_state>())),
                             fp::mlp_regressor>);
static_assert(std::is_same_v<decltype(fp::deep_ensemble::from_state(std::declval<fp::deep_ensemble_state>())),
                             fp::deep_ensemble>);
static_assert(
    std::is_same_v<decltype(std::declval<const fp::random_forest&>().state()), const fp::random_forest_state&>);
static_assert(
    std::is_same_v<decltype(std::declval<const fp::gradient_boosting&>().state()), const fp::gradient_boosting_state&>);
static_assert(
    std::is_same_v<decltype(std::declval<const fp::tree_ensemble&>().state()), const fp::tree_ensemble_state&>);
static_assert(std::is_same_v<decltype(std::declval<const fp::mlp_regressor&>().state()), fp::mlp_regressor_state>);
static_assert(std::is_same_v<decltype(std::declval<const fp::deep_ensemble&>().state()), fp::deep_ensemble_state>);

// Every regressor has a single-row path that neither allocates nor throws: predict_row(x),
// with a workspace for the MLP models.
template <class R>
concept has_predict_row = requires(const R& m, std::span<const double> x) {
  { m.predict_row(x) }
  noexcept->std::same_as<double>;
};
template <class R>
concept has_workspace_predict_row = requires(const R& m, std::span<const double> x, fp::mlp_workspace& ws) {
  { m.predict_row(x, ws) }
  noexcept->std::same_as<double>;
};
static_assert(has_predict_row<fp::ols> && has_predict_row<fp::ridge> && has_predict_row<fp::bayesian_linear>);
static_assert(has_predict_row<fp::random_forest> && has_predict_row<fp::gradient_boosting> &&
              has_predict_row<fp::tree_ensemble>);
static_assert(has_workspace_predict_row<fp::mlp_regressor> && has_workspace_predict_row<fp::deep_ensemble>);

}  // namespace unity_conformance
