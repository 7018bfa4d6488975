// footprint-pretrade's shared declarations: the options, the data, and the report's numbers.
//
// The program is split so that its translation units compile in parallel and each model's
// code is compiled once: main.cpp (the command line), data.cpp (reading the data, the
// training rows), model_<name>.cpp (scoring one model held out and fitting the
// pretrade_analysis with it, through run.hpp; pricing with a saved one), baseline.cpp (the
// OLS and Bayesian baselines, and the analysis with OLS when the model loses to it),
// saved.cpp (--save-model / --load-model: the file around the saved analysis) and report.cpp
// (the text and JSON report). The build compiles baseline.cpp and the model_<name>.cpp files
// as one unity unit, and data.cpp, report.cpp, saved.cpp, simulated.cpp and overlay.cpp as
// another (apps/CMakeLists.txt): their anonymous namespaces must not declare the same name.
#pragma once

#include "../common/market_data.hpp"

#include <footprint/data/impact_pipeline_result.hpp>
#include <footprint/data/order_design.hpp>
#include <footprint/data/synthetic/synthetic_market.hpp>
#include <footprint/execution/risk_overlay.hpp>
#include <footprint/execution/simulated_execution.hpp>
#include <footprint/feeds/binance/binance_event.hpp>
#include <footprint/pretrade/pretrade_analysis.hpp>
#include <footprint/types.hpp>
#include <footprint/validation/split.hpp>

#include <nlohmann/json_fwd.hpp>

#include <chrono>
#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pretrade {

namespace fp = footprint;

/// The command line.
struct options {
  apps::data_options data;  // --lobster, --binance, --bitstamp, --time-unit, --lenient
  std::string side = "buy";
  std::optional<double> quantity;
  std::string horizon = "10m";
  double threshold_bps = 10.0;
  double lambda = 1e-6;
  fp::index children = 0;  // 0: one per 30 s of the horizon, 2 to 60
  std::string model = "bayes";
  double train_fraction = 0.7;
  std::string json_path;
  std::string save_model_path;   // --save-model: write the fitted analysis here
  std::string load_model_path;   // --load-model: price with the analysis saved here (no data read)
  std::string calibration_path;  // --calibration: footprint-backtest's conformal calibration
  std::size_t simulate = 0;      // --simulate N: each strategy also executed N times in the simulator (0: not)
  std::string simulator = "zi";  // --simulator: zi (zero-intelligence) or qr (queue-reactive)
  bool match_occupancy = false;  // --match-occupancy: the qr limit rates from the observed queue sizes
  double lot_quantity = 0.0;     // --lot-quantity: the simulators' lot (0: the tape's mean limit-order size)
  fp::index max_queue = 20;      // --max-queue: Q of the queue-reactive tables, lots
  // The risk overlay's hard limits (docs/risk-overlay.md): RTS 6 art. 15 price collar and
  // maximum child quantity and value; infinity: no limit.
  double price_collar_bps = 100.0;
  double max_child_quantity = std::numeric_limits<double>::infinity();
  double max_child_value = std::numeric_limits<double>::infinity();
  double median_multiple = 3.0;  // --overlay-multiple: the model guard's k
  bool quiet = false;
};

/// Progress lines on stderr ("...", then "done in x s"), unless quiet.
class progress {
 public:
  explicit progress(bool quiet) : quiet_(quiet) {}
  void start(const std::string& what);
  void done();

 private:
  bool quiet_;
  std::string what_;
  std::chrono::steady_clock::time_point t0_;
};

/// "600", "90s", "30m", "2h" -> seconds. @throws fp::invalid_argument
double parse_horizon(const std::string& text);

/// Seconds for a message: 344.8, not 344.80317791700003; 3.6e+303, not 304 digits.
std::string seconds_text(double seconds);

using apps::synthetic_market;
/// The market data of a run.
using source_data = apps::market_data;

/// Reads the data the options name (the synthetic market without one).
source_data load(const options& o);

/// Held-out scores of one model.
struct metrics {
  std::string model;
  double rmse = fp::nan, mae = fp::nan, r2 = fp::nan, crps = fp::nan, coverage_90 = fp::nan, pinball_05 = fp::nan,
         pinball_95 = fp::nan, nlpd = fp::nan;
};

/// Column means and standard deviations of the training rows: the models see standardised
/// columns (the evidence prior of the Bayesian model is one precision for all weights).
struct scaler {
  fp::vector mean, scale;
  explicit scaler(const fp::matrix& X);
  [[nodiscard]] fp::matrix apply(const fp::matrix& X) const;
};

/// The labelled market orders a model trains and is scored on.
struct training_data {
  fp::order_design design;
  std::vector<fp::index> rows;  // dataset rows used (finite label and features), in time order
  fp::index excluded = 0;       // labelled orders left out for a NaN feature
  fp::matrix X;                 // design rows, raw
  fp::vector y;                 // shortfall_bps
  fp::time_split split;
};

/// The rows of `d` with a finite label and features, split in time.
/// @throws fp::invalid_argument with fewer than 50 such rows
training_data make_training_data(const fp::impact_dataset& d, double train_fraction);

/// The OLS baseline's held-out scores (first) and, unless the model is the Bayesian one, the
/// Bayesian model's (second), fitted on the same standardised rows.
std::vector<metrics> baselines(const fp::matrix& X_train, const fp::vector& y_train, const fp::matrix& X_test,
                               const fp::vector& y_test, bool with_bayes);

/// What the risk overlay's model guard compares the arrival with, measured on the training
/// data (overlay.cpp) and saved with the analysis: the model's usual predictive spread and the
/// distribution of the arrival features.
struct overlay_reference {
  double median_std_bps = fp::nan;         // median predictive sd of the model over its training rows (NaN: no check)
  std::string std_note;                    // why the sd check is off, when it is
  std::vector<std::string> features;       // the arrival features of the distance check (empty: no check)
  fp::vector feature_mean;                 // (d) their training mean
  fp::matrix feature_covariance;           // (d, d) their training covariance (ridged, positive definite)
  double training_share_beyond = fp::nan;  // share of the training orders whose distance is beyond the threshold
  fp::index training_rows = 0;             // rows the mean and covariance come from
};
/// What the report says besides the analysis: the data, the held-out comparison, the
/// kernel's fit. Filled from the data and the scoring, or read back with a saved analysis
/// (saved.cpp), so that a report from --load-model says what the fitted one did.
struct report_context {
  std::string source_kind;  // "synthetic", "lobster", "binance", "bitstamp"
  std::string source_description;
  std::vector<std::string> files;
  double span_seconds = fp::nan;
  std::size_t events = 0, market_orders = 0;
  std::size_t rows_skipped = 0;  // malformed rows skipped (--lenient); 0 for a loaded analysis
  fp::index labelled_orders = 0, metaorders = 0;
  double daily_volume = fp::nan;
  double lot_size = 1.0;
  std::vector<std::string> dataset_features;  // the dataset's feature names (arrival features first)
  std::vector<std::string> design_features;   // the model's columns
  fp::index rows = 0, excluded = 0, train_rows = 0, test_rows = 0;
  std::string model;              // --model
  std::string model_description;  // for people
  std::string priced_with;        // the model the strategies are priced with (for people)
  std::string priced_type;        // its name: bayes, forest, gbm, mlp or ols (the saved regressor)
  std::vector<metrics> held_out;  // the model first, then the baselines
  metrics baseline;               // OLS
  bool kernel_fitted = false;     // the transient kernel's fit, as the data measured it
  double kernel_g0 = fp::nan, kernel_g_inf = fp::nan;
  fp::index kernel_trades = 0;
  std::string kernel_message;
  double permanent_horizon_seconds = fp::nan;
  fp::index permanent_rows = 0;
  overlay_reference overlay;  // the risk overlay's model-guard reference
};

/// One strategy executed in the order-book simulator fitted on the same data (--simulate).
struct simulated_strategy {
  std::string name;  // the report's strategy, or "passive_limit" (limit orders at the touch)
  fp::simulated_execution result;
};

/// What --simulate adds to the report.
struct simulation_context {
  std::string model;        // "zi" or "qr"
  std::string description;  // the tape and the fit, for people
  double tick_size = fp::nan;
  double lot = fp::nan;  // the simulator's lot (the tape's mean limit-order size)
  std::size_t paths = 0;
  std::vector<std::string> notes;
  std::vector<simulated_strategy> strategies;
};

/// The risk overlay's verdict on one strategy (overlay.cpp).
struct overlay_verdict {
  std::string name;                                 // the report's strategy
  fp::risk_verdict first;                           // on its first child (the model guard's checks and the hard limits)
  fp::risk_reason reasons = fp::risk_reason::none;  // every reason that acted on any child
  fp::index children_clipped = 0;                   // children cut to a maximum
  fp::index children_blocked = 0;                   // children not allowed at all
  double allowed_quantity = fp::nan;                // what the children allowed add up to
  std::string action;                               // for people: what the overlay would do
  fp::child_schedule fallback;                      // the fallback's schedule (empty in model mode)
};
/// What the risk overlay says about the report's strategies.
struct overlay_context {
  double std_bps = fp::nan;             // the model's predictive sd at arrival (the median order)
  double distance_squared = fp::nan;    // the arrival features' squared Mahalanobis distance
  double distance_threshold = fp::nan;  // its chi-square 99% point
  std::vector<std::string> notes;       // checks that are off, and why
  // the arrival features furthest from their training mean, in training sds (at most 3, largest first)
  std::vector<std::pair<std::string, double>> deviations;
  std::vector<overlay_verdict> strategies;
};
/// Every number of the report.
struct report {
  const options* o = nullptr;
  report_context ctx;
  fp::pretrade_report analysis;   // the strategies, their costs and the warnings
  std::string loaded_from;        // --load-model's file, when the analysis was read from one
  simulation_context simulation;  // --simulate: the strategies executed in the fitted simulator
  overlay_context overlay;        // the risk overlay's verdict on each strategy
};
/// The model guard's reference from the data: the arrival features' training mean and
/// covariance (those defined now, not a clock or the price level, not constant) and the
/// share of training orders beyond the distance threshold; `median_std_bps` is the model's
/// (overlay.cpp).
overlay_reference measure_overlay_reference(const fp::impact_pipeline_result& r, const report_context& ctx,
                                            double median_std_bps, std::string std_note);
/// The risk overlay's verdict on every strategy of rep.analysis, with the model guard's
/// reference from rep.ctx.overlay and the hard limits of the options (overlay.cpp).
void judge_strategies(report& rep);
/// The names of the reasons in a set, in the order of their bits (overlay.cpp).
std::vector<std::string> reason_names(fp::risk_reason reasons);

/// --simulate: fits the simulator on the order flow of the same data and executes every
/// strategy of rep.analysis (market children) and a passive limit-order TWAP over the horizon
/// in it (simulated.cpp). @throws fp::invalid_argument without order flow in the data
void simulate_strategies(report& rep);

/// The held-out scores the guardrails judge the model by: the chosen model's against OLS.
fp::pretrade_model_scores model_scores(const report_context& ctx);

/// The order the options describe (the default quantity is 0.2% of the daily volume).
fp::pretrade_order make_order(const options& o, double horizon_seconds, const report_context& ctx);

/// Writes the fitted analysis (its JSON value, io/pretrade_json.hpp) and the context to
/// o.save_model_path (saved.cpp). @throws fp::data_error when the file cannot be written
void save_program(const std::string& path, const report_context& ctx, const nlohmann::json& analysis);

/// --load-model: prices the order with the saved analysis and writes the report (saved.cpp).
int run_saved(const options& o, double horizon_seconds, progress& prog);

/// Reads a saved analysis of one regressor type and prices `order` with it
/// (model_<name>.cpp, baseline.cpp for ols). @throws fp::data_error for a corrupt file
fp::pretrade_report price_saved_bayes(const nlohmann::json& analysis, const std::string& source,
                                      const fp::pretrade_order& order, const fp::pretrade_model_scores& scores);
fp::pretrade_report price_saved_forest(const nlohmann::json& analysis, const std::string& source,
                                       const fp::pretrade_order& order, const fp::pretrade_model_scores& scores);
fp::pretrade_report price_saved_gbm(const nlohmann::json& analysis, const std::string& source,
                                    const fp::pretrade_order& order, const fp::pretrade_model_scores& scores);
fp::pretrade_report price_saved_mlp(const nlohmann::json& analysis, const std::string& source,
                                    const fp::pretrade_order& order, const fp::pretrade_model_scores& scores);
fp::pretrade_report price_saved_ols(const nlohmann::json& analysis, const std::string& source,
                                    const fp::pretrade_order& order, const fp::pretrade_model_scores& scores);

/// The analysis with OLS, when the chosen model scored worse than it (baseline.cpp).
void analyse_with_ols(report& rep, const fp::impact_pipeline_result& r, const fp::pretrade_order& order,
                      const fp::pretrade_model_scores& scores);

/// Writes the report: the JSON document when asked (docs/pretrade.md), then the text.
/// @return the exit status
int write_report(const report& r);

/// Fits the named model and prices the schedules with it (model_<name>.cpp).
int run_bayes(const options& o, double horizon_seconds, const source_data& src, progress& prog);
int run_forest(const options& o, double horizon_seconds, const source_data& src, progress& prog);
int run_gbm(const options& o, double horizon_seconds, const source_data& src, progress& prog);
int run_mlp(const options& o, double horizon_seconds, const source_data& src, progress& prog);

}  // namespace pretrade
