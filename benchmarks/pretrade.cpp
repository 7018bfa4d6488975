// The pre-trade analysis on the LOBSTER GOOG day (../shared/data): the report of a fitted
// analysis, and fit plus report with gradient boosting. No peer: no open-source library
// prices a schedule's cost distribution from the book, a transient kernel and a concave law.
//
//   ./bench_pretrade --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//
// - report: seven strategies of selling 0.3% of ADV over 30 minutes (up to 60 children, 4,000
//   draws each, plus the optimal strategy's seven candidates), from a fitted bayes analysis;
//   target 50 ms.
// - fit_gbm_and_report: the same report after fitting the analysis with gradient boosting
//   (200 rounds of depth 4 and nine quantile models: the program's settings) on the day's
//   7,982 orders; target 3 s.
// - dataset: reading the day and building the datasets, for scale (both above start from it).
#include <footprint/data/lobster_dataset.hpp>
#include <footprint/data/order_design.hpp>
#include <footprint/models/linear/bayesian_linear.hpp>
#include <footprint/models/trees/gradient_boosting.hpp>
#include <footprint/pretrade/pretrade_analysis.hpp>

#include <benchmark/benchmark.h>

#include <filesystem>
#include <string>
#include <vector>

namespace {

namespace fp = footprint;

const fp::impact_pipeline_result& goog() {
  static const fp::impact_pipeline_result r = [] {
    const std::filesystem::path dir =
        std::filesystem::path(FOOTPRINT_BENCH_DATA_DIR) / "lobster" / "GOOG_2012-06-21_L1";
    return fp::lobster_dataset((dir / "GOOG_2012-06-21_34200000_57600000_message_1.csv").string(),
                               (dir / "GOOG_2012-06-21_34200000_57600000_orderbook_1.csv").string());
  }();
  return r;
}

fp::pretrade_order order() {
  return {.side = fp::side::sell, .quantity = 2000.0, .horizon_seconds = 1800.0, .threshold_bps = 10.0};
}

void report(benchmark::State& state) {
  fp::pretrade_analysis<fp::bayesian_linear> analysis;
  analysis.fit(goog());
  for (auto _ : state) {
    const fp::pretrade_report r = analysis.report(order());
    benchmark::DoNotOptimize(r.strategies.data());
  }
}

void fit_gbm_and_report(benchmark::State& state) {
  // footprint-pretrade --model gbm's settings (apps/pretrade/model_gbm.cpp): cost monotone in
  // the size features, predictive quantiles from nine quantile-loss models.
  std::vector<int> monotone;
  const fp::order_design design(goog().orders.feature_names);
  for (const std::string& name : design.names())
    monotone.push_back(
        name == "quantity" || name == "log_quantity" || name == "size_to_depth" || name == "participation" ? 1 : 0);
  for (auto _ : state) {
    fp::pretrade_analysis<fp::gradient_boosting> analysis(
        fp::gradient_boosting({.n_estimators = 200,
                               .learning_rate = 0.05,
                               .max_depth = 4,
                               .min_samples_leaf = 5,
                               .monotone_constraints = monotone,
                               .quantile_levels = {0.02, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.98},
                               .seed = 20240809}));
    analysis.fit(goog());
    const fp::pretrade_report r = analysis.report(order());
    benchmark::DoNotOptimize(r.strategies.data());
  }
}

void dataset(benchmark::State& state) {
  const std::filesystem::path dir = std::filesystem::path(FOOTPRINT_BENCH_DATA_DIR) / "lobster" / "GOOG_2012-06-21_L1";
  for (auto _ : state) {
    const fp::impact_pipeline_result r =
        fp::lobster_dataset((dir / "GOOG_2012-06-21_34200000_57600000_message_1.csv").string(),
                            (dir / "GOOG_2012-06-21_34200000_57600000_orderbook_1.csv").string());
    benchmark::DoNotOptimize(r.orders.rows());
  }
}

}  // namespace

BENCHMARK(report)->Unit(benchmark::kMillisecond);
BENCHMARK(fit_gbm_and_report)->Unit(benchmark::kMillisecond);
BENCHMARK(dataset)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
