/// @file pretrade/pretrade_report.hpp
/// @brief The pre-trade analysis's inputs and outputs: the parent order (`pretrade_order`),
/// the settings (`pretrade_params`), the fitted state (`pretrade_analysis_state`), held-out
/// scores for the guardrails (`pretrade_model_scores`), and the report (`pretrade_report`: the
/// fitted impact, seven priced strategies and the warnings). Numbers only: formatting is the caller's.
/// `pretrade_analysis` (pretrade/pretrade_analysis.hpp) produces it.
#pragma once

#include "footprint/book/price_level_book.hpp"
#include "footprint/execution/schedule_forecast.hpp"
#include "footprint/impact/impact_prior.hpp"
#include "footprint/impact/propagator_fit.hpp"
#include "footprint/impact/regression_impact_model.hpp"
#include "footprint/instrument.hpp"
#include "footprint/pretrade/guardrails.hpp"
#include "footprint/types.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace footprint {

/// The parent order a pre-trade report prices.
struct pretrade_order {
  footprint::side side = footprint::side::buy;  ///< buy or sell
  double quantity = nan;         ///< in the instrument's quantity unit; finite, > 0 (rounded to whole lots)
  double horizon_seconds = nan;  ///< T, the time allowed; finite, > 0
  double threshold_bps = 10.0;   ///< the limit P(total > limit) refers to, bps; finite
  /// Almgren-Chriss risk aversion of the optimal strategy, per unit of the quote currency
  /// (it minimises E[cost] + lambda Var[cost], both in currency); finite, >= 0.
  double lambda = 1e-6;
  /// Children of the horizon-bound strategies; 0: one per `child_interval_seconds` of the
  /// horizon but no more than the order's lots, at least 2 and at most `max_children` (so the
  /// count grows with the horizon); else in [1, 10000].
  index children = 0;
};

/// Settings of `pretrade_analysis`.
struct pretrade_params {
  regression_impact_params model{};  ///< the label the statistical model learns and its rows
  /// The transient kernel's measurement: 2 s bins, 2 minutes of lags, f = (q / V)^0.5.
  propagator_fit_params kernel{.bin = std::chrono::seconds{2}, .lags = 60, .delta = 0.5};
  square_root_prior prior{};  ///< the permanent law's prior
  /// Horizons of the metaorders' permanent label to try, longest first: the first that keeps
  /// at least `min_metaorders` rows is used (a short capture drops most rows at 300 s).
  std::vector<std::chrono::nanoseconds> permanent_horizons{std::chrono::seconds{300}, std::chrono::seconds{60}};
  index min_metaorders = 100;                       ///< see permanent_horizons; >= 3
  double child_interval_seconds = 30.0;             ///< target time between children; > 0
  index max_children = 60;                          ///< cap on the children of one strategy; >= 2
  double profile_bin_seconds = 60.0;                ///< the volume profile's bins; > 0
  std::vector<double> pov_rates{0.05, 0.10, 0.20};  ///< participation rates of the POV strategies, each in (0, 1]
  /// Half-lives of the Almgren-Chriss trajectories the optimal strategy chooses among, as
  /// fractions of T (TWAP is always a candidate).
  std::vector<double> optimal_half_lives{0.05, 0.1, 0.2, 1.0 / 3.0, 0.5, 1.0};
  index draws = 4000;         ///< Monte Carlo draws per strategy (`forecast_schedule`), in [100, 1e7]
  std::uint64_t seed = 42;    ///< their seed
  guardrail_limits limits{};  ///< the warnings' thresholds
};

/// The fitted state of a `pretrade_analysis` apart from its regressor: everything `report`
/// prices from (what io/pretrade_json.hpp saves). `pretrade_analysis::from_state` validates
/// it. The transient kernel's full fit (`kernel()`) is not part of it: its parameters and
/// standard errors are, in `impact`.
struct pretrade_analysis_state {
  pretrade_params params;                         ///< the settings
  regression_impact_state model;                  ///< the statistical model's design and scaling
  footprint::instrument instrument;               ///< what is traded
  market_state state;                             ///< the market at arrival (the end of the data)
  price_level_book book;                          ///< the arrival book; two-sided
  double daily_volume = nan;                      ///< V, quantity per day; finite, > 0
  double session_seconds = nan;                   ///< seconds per trading day; finite, > 0
  double span_seconds = nan;                      ///< seconds the data covers; >= 0
  double reference_quantity = nan;                ///< q_ref, the median training order; finite, > 0
  schedule_impact_model impact;                   ///< kernel, permanent law, volumes (bias and sd 0)
  std::string kernel_message;                     ///< what the kernel's fit said
  std::chrono::nanoseconds permanent_horizon{0};  ///< the metaorders' label horizon used
  index permanent_rows = 0;                       ///< metaorders it kept; >= 0
  std::vector<double> profile;                    ///< volume per profile bin from data_start; finite, >= 0
  std::chrono::nanoseconds data_start{0};         ///< the tape's first trade
};

/// Held-out scores of the statistical model, for the guardrails (NaN: not known).
struct pretrade_model_scores {
  std::string model;               ///< the model's name, e.g. "gbm"
  double crps_bps = nan;           ///< its held-out CRPS
  double baseline_crps_bps = nan;  ///< the OLS baseline's held-out CRPS
  double coverage_90 = nan;        ///< held-out coverage of its 90% intervals
  index rows = 0;                  ///< held-out rows
};

/// One priced strategy.
struct pretrade_strategy {
  std::string name;         ///< "aggressive", "balanced", "passive", "pov_5", "pov_10", "pov_20", "optimal"
  std::string description;  ///< how its children are laid out
  vector times;             ///< (N) seconds after arrival
  vector quantities;        ///< (N) whole lots (> 0: children rounded to nothing are dropped), summing to the order
  double duration_seconds = nan;   ///< when the last child's interval ends
  double half_life_seconds = nan;  ///< Almgren-Chriss half-life of the trajectory (NaN: not one)
  double participation = nan;      ///< the order over the market's expected volume during the strategy
  schedule_forecast forecast;      ///< the cost: parts, spread, quantiles, P, per child
  double total_currency = nan;     ///< expected total cost in the quote currency (bps x notional)
};

/// How a report's 90% intervals and exceedance probabilities were made (see
/// `calibrate_report`).
struct pretrade_calibration {
  bool conformal = false;  ///< true: p05, p95 and P of every strategy are conformal
  index scores = 0;        ///< calibration residuals (tested metaorders of a backtest)
  std::string source;      ///< where they came from (e.g. footprint-backtest's file)
};

/// Everything a pre-trade report says; figures in bps of the arrival mid, positive = cost.
struct pretrade_report {
  footprint::instrument instrument;  ///< what is traded: units, lot, tick, multiplier
  pretrade_order order;              ///< as asked, quantity rounded to whole lots
  market_state state;                ///< the market at arrival
  double daily_volume = nan;         ///< V, quantity per day
  double notional = nan;             ///< the order's value at the arrival mid, quote currency
  double reference_quantity = nan;   ///< q_ref, the median training order
  double model_expected_bps = nan;   ///< the model's cost of q_ref at arrival
  double model_std_bps = nan;        ///< its predictive sd
  double book_walk_bps = nan;        ///< the book walk of q_ref at arrival
  double model_bias_bps = nan;       ///< b = model - walk, after the floor
  bool bias_floored = false;         ///< b was raised to minus the half spread
  schedule_impact_model impact;      ///< the fitted impact every strategy is priced with (bias and sd of the order)
  std::vector<pretrade_strategy> strategies;  ///< aggressive, balanced, passive, POV..., optimal
  std::vector<pretrade_warning> warnings;     ///< every guardrail that applies
  pretrade_calibration calibration;           ///< model-based (default) or conformal intervals and P
};

}  // namespace footprint
