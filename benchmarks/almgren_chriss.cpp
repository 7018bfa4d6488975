// Almgren-Chriss optimal execution: cost of the closed forms.
//
//   ./bench_almgren_chriss --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//
// - frontier_1000: a 1,000-point efficient frontier (closed-form E and V, eq. 20), target
//   under 100 us; compared in the same run with the naive route, building each optimal
//   trajectory and summing its cost and variance (eqs. 8 and 5).
// - schedule_N1000: the optimal trajectory, trade list and cost for N = 1,000 intervals.
// - lambda_for_variance, predict_cost: the inverse problem (TOMS 748) and one forecast.
#include <footprint/execution/almgren_chriss.hpp>

#include <benchmark/benchmark.h>

#include <chrono>
#include <cmath>
#include <vector>

namespace {

using namespace std::chrono_literals;

// Table 1 of Almgren & Chriss (2000); time unit one day.
footprint::almgren_chriss paper_model(footprint::index n_intervals) {
  return footprint::almgren_chriss({.gamma = 2.5e-7,
                                    .eta = 2.5e-6,
                                    .epsilon = 0.0625,
                                    .sigma = 0.95,
                                    .lambda = 1e-6,
                                    .n_intervals = n_intervals,
                                    .time_unit = 24h});
}

void frontier_1000(benchmark::State& state) {
  const footprint::almgren_chriss m = paper_model(5);
  for (auto _ : state) {
    auto f = m.efficient_frontier(1e6, 5.0, 1e-9, 1e-4, 1000);
    benchmark::DoNotOptimize(f.data());
  }
  state.SetItemsProcessed(state.iterations() * 1000);
}
BENCHMARK(frontier_1000)->Unit(benchmark::kMicrosecond);

// The naive peer: one schedule per lambda, then sum over the trajectory.
void frontier_1000_by_summation(benchmark::State& state) {
  const footprint::almgren_chriss m = paper_model(5);
  std::vector<double> lambdas(1000);
  for (std::size_t i = 0; i < lambdas.size(); ++i) lambdas[i] = 1e-9 * std::pow(1e5, static_cast<double>(i) / 999.0);
  std::vector<footprint::almgren_chriss_cost> out(lambdas.size());
  for (auto _ : state) {
    for (std::size_t i = 0; i < lambdas.size(); ++i) {
      const footprint::almgren_chriss_schedule s = m.with_lambda(lambdas[i]).schedule(1e6, 5.0);
      out[i] = m.evaluate(s.holdings, 5.0);
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * 1000);
}
BENCHMARK(frontier_1000_by_summation)->Unit(benchmark::kMicrosecond);

void schedule_N1000(benchmark::State& state) {
  const footprint::almgren_chriss m = paper_model(1000);
  for (auto _ : state) {
    auto s = m.schedule(1e6, 5.0);
    benchmark::DoNotOptimize(s.holdings.data());
  }
}
BENCHMARK(schedule_N1000)->Unit(benchmark::kMicrosecond);

void lambda_for_variance(benchmark::State& state) {
  const footprint::almgren_chriss m = paper_model(5);
  for (auto _ : state) benchmark::DoNotOptimize(m.lambda_for_variance(1e6, 5.0, 2.5e11));
}
BENCHMARK(lambda_for_variance)->Unit(benchmark::kMicrosecond);

void predict_cost(benchmark::State& state) {
  const footprint::almgren_chriss m = paper_model(5);
  const footprint::order o{.side = footprint::side::sell, .quantity = 1e6, .horizon = 120h};
  const footprint::market_state s{.mid = 50.0};
  for (auto _ : state) benchmark::DoNotOptimize(m.predict_cost(o, s));
}
BENCHMARK(predict_cost);

}  // namespace

BENCHMARK_MAIN();
