// Cost of one risk_overlay::decide (include/footprint/execution/risk_overlay.hpp), the issue's
// target being under 1 us a decision. A typical decision: 10 features (the Mahalanobis
// distance against a correlated reference), the spread and interval checks on, every hard
// limit on, the throttle counting each child. Also: the hard limits alone (no features), the
// fallback child (a drift alarm), and 50 features for the O(d^2) distance. No peer library
// does this; there is nothing to compare with in the same run.
//
// Build and run (by hand; benchmarks are off by default in CMake):
//   nice g++ -std=c++20 -O3 -DNDEBUG -I include -isystem /usr/include/eigen3 benchmarks/risk_overlay.cpp -o /tmp/bro -lbenchmark -lpthread
//   /tmp/bro --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include "footprint/execution/risk_overlay.hpp"

#include <benchmark/benchmark.h>

#include <chrono>
#include <cmath>
#include <cstddef>
#include <vector>

namespace fp = footprint;
using namespace std::chrono_literals;

namespace {

/// A reference of d features: unit variances, correlation 0.3 between neighbours.
fp::risk_overlay_params params(fp::index d) {
  fp::risk_overlay_params p{
      .price_collar_bps = 50.0,
      .max_order_value = 1e6,
      .max_order_quantity = 5000.0,
      .max_messages = 1000,  // a child every 2 ms of the clock below, 500 a second: never throttled
      .throttle_window = 1s,
      .median_std_bps = 4.0,
      .median_interval_bps = 15.0,
  };
  if (d > 0) {
    p.feature_mean = fp::vector::Zero(d);
    p.feature_covariance = fp::matrix::Identity(d, d);
    for (fp::index i = 0; i + 1 < d; ++i) p.feature_covariance(i, i + 1) = p.feature_covariance(i + 1, i) = 0.3;
  }
  return p;
}

void run(benchmark::State& state, fp::index d, bool drift) {
  fp::risk_overlay overlay(params(d));
  std::vector<double> features(static_cast<std::size_t>(d));
  for (std::size_t i = 0; i < features.size(); ++i) features[i] = 0.5 * std::sin(static_cast<double>(i));
  fp::risk_observation obs{
      .time = std::chrono::seconds(1'700'000'000),
      .bid = 99.99,
      .ask = 100.01,
      .book_time = std::chrono::seconds(1'700'000'000),
      .reference_price = 100.0,
      .side = fp::side::buy,
      .price = 100.01,
      .quantity = 1000.0,
      .std_bps = 4.0,
      .interval_bps = 14.0,
      .drift_alarm = drift,
      .features = features,
      .remaining_quantity = 100000.0,
      .remaining_seconds = 3600.0,
      .interval_seconds = 10.0,
      .volume_rate = 500.0,
  };
  double sent = 0.0;
  for (auto _ : state) {
    obs.time += 2ms;
    obs.book_time = obs.time;
    const fp::risk_verdict v = overlay.decide(obs);
    sent += v.quantity;
    benchmark::DoNotOptimize(sent);
  }
  if (!(sent > 0.0)) state.SkipWithError("no child was allowed: the benchmark measures a blocked path");
}

void BM_decide_10_features(benchmark::State& state) { run(state, 10, false); }
void BM_decide_hard_limits_only(benchmark::State& state) { run(state, 0, false); }
void BM_decide_fallback_10_features(benchmark::State& state) { run(state, 10, true); }
void BM_decide_50_features(benchmark::State& state) { run(state, 50, false); }

}  // namespace

BENCHMARK(BM_decide_10_features);
BENCHMARK(BM_decide_hard_limits_only);
BENCHMARK(BM_decide_fallback_10_features);
BENCHMARK(BM_decide_50_features);

BENCHMARK_MAIN();
