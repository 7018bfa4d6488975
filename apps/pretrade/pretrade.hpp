// footprint-pretrade's shared declarations: the options, the data, and the report's numbers.
//
// The program is split so that its translation units compile in parallel and each model's
// code is compiled once: main.cpp (the command line), data.cpp (reading the data, the
// training rows), model_<name>.cpp (fitting one model and pricing the schedules with it,
// through run.hpp), baseline.cpp (the OLS and Bayesian baselines and the Almgren-Chriss
// calibration) and report.cpp (the text and JSON report).
#pragma once

#include <footprint/data/impact_pipeline_result.hpp>
#include <footprint/data/order_design.hpp>
#include <footprint/data/synthetic/synthetic_market.hpp>
#include <footprint/execution/schedule_cost.hpp>
#include <footprint/impact/parameter_estimate.hpp>
#include <footprint/types.hpp>
#include <footprint/validation/split.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace pretrade {

namespace fp = footprint;

/// The command line.
struct options {
  std::vector<std::string> lobster;  // MESSAGE ORDERBOOK
  std::vector<std::string> binance;  // one or more captures, in time order
  std::string bitstamp;              // folder with depth20_snapshots.csv.gz and trades.csv
  std::string side = "buy";
  std::optional<double> quantity;
  std::string horizon = "10m";
  double threshold_bps = 10.0;
  double lambda = 1e-6;
  fp::index intervals = 10;
  std::string model = "bayes";
  double train_fraction = 0.7;
  std::string json_path;
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

/// The built-in market: a 6.5-hour day with planted impact strong enough to be measured.
inline constexpr fp::synthetic_market_params synthetic_market{.volatility = 1e-5, .gamma = 1e-5, .beta = 2e-5};

/// The market data of a run.
struct source_data {
  std::string kind;         // "synthetic", "lobster", "binance", "bitstamp"
  std::string description;  // for people
  std::vector<std::string> files;
  fp::impact_pipeline_result result;
};

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

/// The Almgren-Chriss calibration on the metaorders (permanent impact 300 s after the last fill).
struct calibration {
  std::size_t rows = 0;
  std::size_t excluded_rows = 0;
  fp::parameter_estimate gamma, eta, epsilon;
  double permanent_r2 = fp::nan, temporary_r2 = fp::nan;
};
calibration fit_almgren_chriss(const fp::impact_dataset& metaorders);

/// Arrival features of the order (the end of the data), a NaN one replaced by its training
/// mean; `imputed` receives the names replaced.
std::vector<double> arrival_features(const source_data& src, const training_data& t, std::vector<std::string>& imputed);

/// One priced schedule.
struct schedule_result {
  std::string name;
  std::string description;
  double lambda = 0.0;
  double half_life_seconds = fp::nan;
  fp::vector times;     // seconds from now, one per child
  fp::vector trades;    // shares per child
  fp::vector holdings;  // shares left after each child
  fp::schedule_cost cost;
};

/// Every number of the report.
struct report {
  const options* o = nullptr;
  const source_data* src = nullptr;
  std::string model_description;
  double quantity = 0.0, horizon_seconds = 0.0, tau = 0.0, adv = 0.0;
  fp::index n = 0;
  std::vector<double> arrival;
  std::vector<std::string> imputed;
  const training_data* t = nullptr;
  std::vector<metrics> held_out;  // the model first, then the baselines
  metrics baseline;               // OLS
  calibration cal;
  double gamma = 0.0, eta = 0.0, epsilon = 0.0, sigma_price = 0.0;
  std::string eta_source;
  std::vector<schedule_result> schedules;
};

/// Writes the report: the JSON document when asked (docs/pretrade.md), then the text.
/// @return the exit status
int write_report(const report& r);

/// Fits the named model and prices the schedules with it (model_<name>.cpp).
int run_bayes(const options& o, double horizon_seconds, const source_data& src, progress& prog);
int run_forest(const options& o, double horizon_seconds, const source_data& src, progress& prog);
int run_gbm(const options& o, double horizon_seconds, const source_data& src, progress& prog);
int run_mlp(const options& o, double horizon_seconds, const source_data& src, progress& prog);

}  // namespace pretrade
