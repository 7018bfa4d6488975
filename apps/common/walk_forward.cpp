// The walk-forward backtest shared by footprint-backtest and footprint-monitor (walk_forward.hpp).
#include "walk_forward.hpp"

#include <footprint/detail/concat.hpp>
#include <footprint/error.hpp>
#include <footprint/feeds/binance/binance_reader.hpp>
#include <footprint/models/linear/bayesian_linear.hpp>
#include <footprint/pretrade/pretrade_backtest.hpp>

#include <CLI/CLI.hpp>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>

namespace apps {

fp::backtest_result run_walk_forward(const fp::impact_pipeline_result& r, const fp::pretrade_backtest_params& p) {
  const fp::pretrade_backtest<fp::bayesian_linear> bt(fp::bayesian_linear{}, p);
  fp::backtest_result out = bt.run(r);
  if (out.metaorders.empty()) {
    // A report of nothing (every fold skipped, e.g. an embargo longer than the data) is an
    // error, with the folds' reasons.
    std::string why = "no fold had one";
    std::size_t skipped = 0;
    for (const fp::backtest_fold& f : out.folds) {
      if (f.message.empty()) continue;
      if (skipped++ == 0) why = fp::detail::concat("fold ", f.fold, ": ", f.message);
    }
    if (skipped > 1) why += fp::detail::concat("; ", skipped - 1, " more folds skipped");
    char span[160];
    std::snprintf(span, sizeof span, "an embargo of %.6g s on %.6g s of data",
                  std::chrono::duration<double>(p.embargo).count(), r.summary.span_seconds);
    throw fp::invalid_argument(
        fp::detail::concat("the walk forward tested no metaorder (", why, ") with ", span,
                           ": shorten --embargo, or lower --initial-fraction or --min-children"));
  }
  return out;
}

std::chrono::nanoseconds first_local_time(const data_options& d, const std::string& path) {
  fp::binance_reader r(path, {.time_unit = time_unit(d)});
  fp::binance_event ev;
  if (!r.next(ev)) throw fp::data_error(path, 0, 0, "", "the capture has no message");
  return ev.local_time;
}

void add_walk_forward_options(CLI::App& app, walk_forward_options& w, const data_flags& flags) {
  app.add_option("--test-from-file", w.test_from_file,
                 "with several --binance captures: train on the files before the K-th (1-based) and test from "
                 "its start (e.g. a model fitted on one session scored on another); use with --folds 1")
      ->check(CLI::Range(fp::index{2}, fp::index{16}))
      ->needs(flags.binance);
  app.add_option("--folds", w.folds, "walk-forward test blocks")
      ->check(CLI::Range(fp::index{1}, fp::index{100}))
      ->capture_default_str();
  app.add_option("--initial-fraction", w.initial_fraction,
                 "share of the metaorders before the first test block (training only)")
      ->check(CLI::Range(0.05, 0.95))
      ->capture_default_str();
  app.add_option("--embargo", w.embargo_seconds, "seconds between a fold's training data and its first metaorder")
      ->check(CLI::Range(0.0, 86400.0))
      ->capture_default_str();
  app.add_option("--min-children", w.min_children, "test only metaorders of at least this many market orders")
      ->check(CLI::Range(fp::index{1}, fp::index{1000000}))
      ->capture_default_str();
  app.add_option("--draws", w.draws, "the engine's Monte Carlo draws per metaorder")
      ->check(CLI::Range(fp::index{100}, fp::index{100000}))
      ->capture_default_str();
}

void set_walk_forward_params(const walk_forward_options& w, const data_options& d, fp::pretrade_backtest_params& p) {
  p.folds = w.folds;
  p.initial_fraction = w.initial_fraction;
  p.embargo = std::chrono::nanoseconds{static_cast<std::int64_t>(std::llround(w.embargo_seconds * 1e9))};
  p.min_children = w.min_children;
  p.draws = w.draws;
  if (w.test_from_file > 0) {
    if (w.test_from_file > static_cast<fp::index>(d.binance.size()))
      throw fp::invalid_argument(
          fp::detail::concat("--test-from-file ", w.test_from_file, ": only ", d.binance.size(), " --binance files"));
    p.test_start = first_local_time(d, d.binance[static_cast<std::size_t>(w.test_from_file - 1)]);
  }
}

}  // namespace apps
