// The walk-forward backtest of the pre-trade engine with the Bayesian linear model, shared by
// footprint-backtest and footprint-monitor. This header declares; walk_forward.cpp defines,
// compiled once into footprint_apps_common (the backtest's instantiation costs about a
// minute and a half of g++ per translation unit that has it).
#pragma once

#include "market_data.hpp"

#include <footprint/data/impact_pipeline_result.hpp>
#include <footprint/pretrade/backtest_result.hpp>

#include <chrono>
#include <string>

namespace footprint {
struct pretrade_backtest_params;
}  // namespace footprint

namespace apps {

/// The walk forward's options of the command line, shared by both programs.
struct walk_forward_options {
  fp::index test_from_file = 0;  // --test-from-file K: test from the start of the K-th --binance file (1-based)
  fp::index folds = 5;
  double initial_fraction = 0.4;
  double embargo_seconds = 60.0;
  fp::index min_children = 2;
  fp::index draws = 1000;
};

/// Adds --test-from-file (which needs --binance), --folds, --initial-fraction, --embargo,
/// --min-children and --draws.
void add_walk_forward_options(CLI::App& app, walk_forward_options& w, const data_flags& flags);

/// Sets the backtest's folds, initial fraction, embargo, minimum children, draws and, with
/// --test-from-file, its test start (the first local time of that capture).
/// @throws fp::invalid_argument when --test-from-file names a file past the --binance list;
///         fp::data_error when that capture has no message
void set_walk_forward_params(const walk_forward_options& w, const data_options& d, fp::pretrade_backtest_params& p);

/// footprint::pretrade_backtest<bayesian_linear>(bayesian_linear{}, p).run(r).
/// @throws what the backtest throws (fp::invalid_argument for bad settings or too little data)
fp::backtest_result run_walk_forward(const fp::impact_pipeline_result& r, const fp::pretrade_backtest_params& p);

/// The local time of the first message of a Binance capture (the start of its session), read
/// with the --time-unit of `d`. @throws fp::data_error when the capture has no message
std::chrono::nanoseconds first_local_time(const data_options& d, const std::string& path);

}  // namespace apps
