// footprint-backtest's shared declarations: the options and the report writer.
//
// main.cpp reads the command line and the data and runs the library's pretrade_backtest;
// report.cpp writes its result as JSON (documented in docs/validation.md) and as a text table.
#pragma once

#include "../common/market_data.hpp"
#include "../common/walk_forward.hpp"

#include <footprint/pretrade/backtest_result.hpp>
#include <footprint/pretrade/pretrade_backtest.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace backtest {

namespace fp = footprint;

/// The command line.
struct options {
  apps::data_options data;          // --lobster, --binance, --bitstamp, --time-unit, --lenient
  apps::walk_forward_options walk;  // --test-from-file, --folds, --initial-fraction, --embargo, --min-children, --draws
  double threshold_bps = fp::nan;   // NaN: the median realized cost before the first test block
  std::string json_path;
  std::string calibration_path;  // --save-calibration: the engine's conformal scores
  bool quiet = false;
};

/// What the report says besides the result.
struct context {
  std::string source_kind, source_description;
  std::vector<std::string> files;
  std::string symbol;
  double span_seconds = 0.0;
  fp::index orders = 0, metaorders = 0;
  std::size_t rows_skipped = 0;  // malformed rows skipped (--lenient)
  double seconds = 0.0;          // the run's wall time
};

/// Writes the JSON document (when asked) and the text table. @return the exit status
int write_report(const options& o, const context& c, const fp::pretrade_backtest_params& p,
                 const fp::backtest_result& r);

/// Writes the engine's calibration (its normalized residuals) for footprint-pretrade --calibration.
/// @throws fp::data_error when the file cannot be written
void save_calibration(const std::string& path, const context& c, const fp::backtest_result& r);

}  // namespace backtest
