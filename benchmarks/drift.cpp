// Cost per update of the drift detectors (include/footprint/monitoring/), on a stream of
// 2^20 N(0, 1) values with a 1 sd mean shift every 2^14 values (so that ADWIN cuts and the
// charts signal and restart), against plain reference implementations measured in the same
// run. river (the Python peer of the issue: ADWIN 160 ns, Page-Hinkley 660 ns per update) is
// not installed (no pip, no Debian package): its figures are quoted, not measured.
//
// - BM_adwin_reference: MOA's ADWIN.java written plainly in C++ (tests/monitoring/moa_adwin.hpp:
//   a std::list of bucket rows, each a std::vector of buckets, rows added and removed with
//   new/delete, the sub-window variances MOA accumulates and the bound's logarithm computed at
//   every candidate cut). It signals on the same values as footprint::adwin (checked before
//   timing, and update by update in tests/monitoring/detectors.cpp).
// - BM_page_hinkley_reference: MOA's PageHinkleyDM as written (the same arithmetic as
//   footprint::page_hinkley, whose cost is that plus the NaN test and the bookkeeping).
//
// Build and run (by hand; benchmarks are off by default in CMake):
//   nice g++ -std=c++20 -O2 -DNDEBUG -I include benchmarks/drift.cpp -o /tmp/drift -lbenchmark -lpthread
//   /tmp/drift --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include "footprint/detail/random.hpp"
#include "footprint/monitoring/adwin.hpp"
#include "footprint/monitoring/bernoulli_cusum.hpp"
#include "footprint/monitoring/cusum.hpp"
#include "footprint/monitoring/ewma_chart.hpp"
#include "footprint/monitoring/kswin.hpp"
#include "footprint/monitoring/page_hinkley.hpp"

#include "../tests/monitoring/moa_adwin.hpp"  // MOA's ADWIN written plainly (the reference)

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace fp = footprint;

namespace {

constexpr std::size_t stream_size = std::size_t{1} << 20;

const std::vector<double>& gaussian_stream() {
  static const std::vector<double> x = [] {
    fp::detail::xoshiro256ss rng(2026);
    std::vector<double> v(stream_size);
    for (std::size_t t = 0; t < v.size(); ++t) v[t] = rng.normal() + ((t >> 14U) % 2 == 1 ? 1.0 : 0.0);
    return v;
  }();
  return x;
}

const std::vector<double>& miss_stream() {
  static const std::vector<double> x = [] {
    fp::detail::xoshiro256ss rng(2027);
    std::vector<double> v(stream_size);
    for (std::size_t t = 0; t < v.size(); ++t) v[t] = rng.uniform() < ((t >> 14U) % 2 == 1 ? 0.2 : 0.1) ? 1.0 : 0.0;
    return v;
  }();
  return x;
}

// ---- MOA's PageHinkleyDM written plainly (the reference)

class page_hinkley_reference {
 public:
  bool update(double x) {
    if (change_) {
      n_ = 1;
      mean_ = 0.0;
      sum_ = 0.0;
    }
    mean_ += (x - mean_) / double(n_);
    sum_ = 0.9999 * sum_ + (x - mean_ - 0.005);
    ++n_;
    change_ = n_ >= 30 && sum_ > 50.0;
    return change_;
  }

 private:
  long n_ = 1;
  double mean_ = 0.0, sum_ = 0.0;
  bool change_ = false;
};

template <class D>
void run(benchmark::State& state, D& d, const std::vector<double>& x) {
  std::size_t t = 0;
  std::int64_t signals = 0;
  for (auto _ : state) {
    signals += d.update(x[t]) ? 1 : 0;
    t = (t + 1) & (stream_size - 1);
  }
  benchmark::DoNotOptimize(signals);
  state.counters["signals_per_1e6"] =
      benchmark::Counter(double(signals) * 1e6 / double(state.iterations()), benchmark::Counter::kDefaults);
}

void BM_adwin(benchmark::State& state) {
  fp::adwin d;
  run(state, d, gaussian_stream());
}

void BM_adwin_reference(benchmark::State& state) {
  // Same signals as footprint::adwin on the first 2^17 values, or no timing.
  {
    fp::adwin a;
    footprint_test::moa_adwin b(0.002);
    for (std::size_t t = 0; t < (std::size_t{1} << 17U); ++t) {
      if (a.update(gaussian_stream()[t]) != b.update(gaussian_stream()[t])) {
        state.SkipWithError("the reference ADWIN disagrees with footprint::adwin");
        return;
      }
    }
  }
  footprint_test::moa_adwin d(0.002);
  run(state, d, gaussian_stream());
  benchmark::DoNotOptimize(d.subwindow_variances());
}

void BM_page_hinkley(benchmark::State& state) {
  fp::page_hinkley d;
  run(state, d, gaussian_stream());
}

void BM_page_hinkley_reference(benchmark::State& state) {
  page_hinkley_reference d;
  run(state, d, gaussian_stream());
}

void BM_kswin(benchmark::State& state) {
  fp::kswin d;
  run(state, d, gaussian_stream());
}

void BM_cusum(benchmark::State& state) {
  fp::cusum d;
  run(state, d, gaussian_stream());
}

void BM_ewma_chart(benchmark::State& state) {
  fp::ewma_chart d;
  run(state, d, gaussian_stream());
}

void BM_bernoulli_cusum(benchmark::State& state) {
  fp::bernoulli_cusum d;
  run(state, d, miss_stream());
}

}  // namespace

BENCHMARK(BM_adwin);
BENCHMARK(BM_adwin_reference);
BENCHMARK(BM_page_hinkley);
BENCHMARK(BM_page_hinkley_reference);
BENCHMARK(BM_kswin);
BENCHMARK(BM_cusum);
BENCHMARK(BM_ewma_chart);
BENCHMARK(BM_bernoulli_cusum);

BENCHMARK_MAIN();
