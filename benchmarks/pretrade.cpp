// The pre-trade analysis on the LOBSTER GOOG day (../shared/data): the report of a fitted
// analysis, and fit plus report with gradient boosting. No peer: no open-source library
// prices a schedule's cost distribution from the book, a transient kernel and a concave law.
//
//   ./bench_pretrade --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//
// - report: seven strategies of selling 0.3% of ADV over 30 minutes (up to 60 children, 4,000
//   draws each, plus the optimal strategy's seven candidates), from a fitted bayes analysis;
//   target 50 ms.
// - load_and_report/bayes, load_and_report/gbm: the same report from an analysis saved with
//   save_analysis (read from the file, parsed, validated, then priced): footprint-pretrade
//   --load-model's work; target 50 ms.
// - fit_gbm_and_report: the same report after fitting the analysis with gradient boosting
//   (200 rounds of depth 4 and nine quantile models: the program's settings) on the day's
//   7,982 orders; target 3 s.
// - dataset: reading the day and building the datasets, for scale (both above start from it).
#include <footprint/data/lobster_dataset.hpp>
#include <footprint/data/order_design.hpp>
#include <footprint/io/linear_model_json.hpp>
#include <footprint/io/pretrade_json.hpp>
#include <footprint/io/tree_model_json.hpp>
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

// footprint-pretrade --model gbm's settings (apps/pretrade/model_gbm.cpp): cost monotone in
// the size features, predictive quantiles from nine quantile-loss models.
fp::gradient_boosting program_gbm() {
  std::vector<int> monotone;
  const fp::order_design design(goog().orders.feature_names);
  for (const std::string& name : design.names())
    monotone.push_back(
        name == "quantity" || name == "log_quantity" || name == "size_to_depth" || name == "participation" ? 1 : 0);
  return fp::gradient_boosting({.n_estimators = 200,
                                .learning_rate = 0.05,
                                .max_depth = 4,
                                .min_samples_leaf = 5,
                                .monotone_constraints = monotone,
                                .quantile_levels = {0.02, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.98},
                                .seed = 20240809});
}

void fit_gbm_and_report(benchmark::State& state) {
  for (auto _ : state) {
    fp::pretrade_analysis<fp::gradient_boosting> analysis(program_gbm());
    analysis.fit(goog());
    const fp::pretrade_report r = analysis.report(order());
    benchmark::DoNotOptimize(r.strategies.data());
  }
}

template <class Make>
void load_and_report(benchmark::State& state, Make make) {
  using R = decltype(make());
  fp::pretrade_analysis<R> fitted(make());
  fitted.fit(goog());
  const auto path = std::filesystem::temp_directory_path() / "footprint_bench_pretrade_analysis.json";
  fp::save_analysis(fitted, path);
  state.counters["file_bytes"] = static_cast<double>(std::filesystem::file_size(path));
  for (auto _ : state) {
    const auto analysis = fp::load_analysis<R>(path);
    const fp::pretrade_report r = analysis.report(order());
    benchmark::DoNotOptimize(r.strategies.data());
  }
  std::filesystem::remove(path);
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
BENCHMARK_CAPTURE(load_and_report, bayes, [] { return fp::bayesian_linear{}; })->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(load_and_report, gbm, &program_gbm)->Unit(benchmark::kMillisecond);
BENCHMARK(fit_gbm_and_report)->Unit(benchmark::kMillisecond);
BENCHMARK(dataset)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
