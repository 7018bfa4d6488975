// footprint-backtest: would the pre-trade report have been right?
//
// Loads market data as footprint-pretrade does (LOBSTER, Binance, Bitstamp, or the built-in
// synthetic market), keeps each order's arrival book, and runs the library's
// pretrade_backtest: a walk forward over the metaorders (same-side runs of market orders)
// where the engine, fitted on the data known before each fold, prices the children each
// metaorder actually traded at its arrival, beside the square-root law, Almgren-Chriss and
// the engine without its statistical model; scored against the realized shortfall (bias,
// RMSE, CRPS, raw and conformal 90% coverage, Brier score, reliability, PIT, by size).
// docs/validation.md explains every number; `footprint-backtest --help` lists the options.
#include "backtest.hpp"

#include "../common/market_data.hpp"
#include "../common/program.hpp"
#include "../common/walk_forward.hpp"

#include <footprint/detail/concat.hpp>
#include <footprint/version.hpp>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <string>

using namespace backtest;

namespace {

// Arrival book levels kept per order: enough for the children the metaorders trade.
constexpr fp::index book_levels = 20;

void say(const options& o, const char* text) {
  if (!o.quiet) std::fprintf(stderr, "footprint-backtest: %s\n", text);
}

fp::impact_pipeline_result load(const options& o, context& c) {
  apps::market_data d = apps::load_market_data(o.data, book_levels);
  c.source_kind = d.kind;
  c.source_description = d.description;
  c.files = d.files;
  return std::move(d.result);
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  CLI::App app{
      "footprint-backtest: would the pre-trade report have been right? A walk forward over the data's metaorders "
      "(same-side runs of market orders): the engine, fitted on the data known before each fold, prices the children "
      "each metaorder traded; its predictions are scored against the realized shortfall beside the square-root law, "
      "Almgren-Chriss and the engine without its statistical model. With no data option it runs on a built-in "
      "synthetic market.",
      "footprint-backtest"};
  const apps::data_flags data = apps::add_data_options(app, o.data);
  apps::add_walk_forward_options(app, o.walk, data);
  app.add_option("--threshold-bps", o.threshold_bps,
                 "the limit of P(cost > limit), bps: Brier score and reliability (default: the median realized cost "
                 "of the metaorders before the first test block)")
      ->check(apps::finite_number());
  app.add_option("--json", o.json_path,
                 "also write the result as JSON to this file ('-' for stdout, instead of the text)");
  app.add_option("--save-calibration", o.calibration_path,
                 "write the engine's conformal calibration (its normalized residuals) for footprint-pretrade "
                 "--calibration");
  app.add_flag("--quiet", o.quiet, "no progress on stderr");
  app.set_version_flag("--version", std::string(fp::version_string));
  return apps::parse_and_run(app, argc, argv, "footprint-backtest", [&] {
    const auto t0 = std::chrono::steady_clock::now();
    context c;
    say(o, "reading the market data ...");
    const fp::impact_pipeline_result r = load(o, c);
    c.symbol = r.instrument.symbol;
    c.span_seconds = r.summary.span_seconds;
    c.orders = r.orders.rows();
    c.metaorders = r.metaorders.rows();
    c.rows_skipped = r.summary.rows_skipped;
    fp::pretrade_backtest_params p;
    apps::set_walk_forward_params(o.walk, o.data, p);
    p.threshold_bps = o.threshold_bps;
    say(o, "walking forward (fitting each fold, pricing each metaorder) ...");
    const fp::backtest_result result = apps::run_walk_forward(r, p);
    c.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!o.calibration_path.empty()) save_calibration(o.calibration_path, c, result);
    return write_report(o, c, p, result);
  });
}
