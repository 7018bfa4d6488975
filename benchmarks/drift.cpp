// Cost per update of the drift detectors (include/footprint/monitoring/), on a stream of
// 2^20 N(0, 1) values with a 1 sd mean shift every 2^14 values (so that ADWIN cuts and the
// charts signal and restart), against plain reference implementations measured in the same
// run. river (the Python peer of the issue: ADWIN 160 ns, Page-Hinkley 660 ns per update) is
// not installed (no pip, no Debian package): its figures are quoted, not measured.
//
// - BM_adwin_reference: MOA's ADWIN.java written plainly in C++: a std::list of bucket rows,
//   each a std::vector of buckets, rows added and removed with new/delete, the sub-window
//   variances MOA accumulates and the bound's logarithm computed at every candidate cut.
//   It signals on the same values as footprint::adwin (checked before timing).
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

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <limits>
#include <list>
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

// ---- MOA's ADWIN written plainly (the reference)

class adwin_reference {
 public:
  explicit adwin_reference(double delta) : delta_(delta) { rows_.emplace_back(); }

  bool update(double x) {
    ++time_;
    insert(x);
    bool change = false;
    if (time_ % clock_ == 0 && width_ > grace_) {
      bool again = true;
      while (again) {
        again = false;
        double n0 = 0, n1 = double(width_);  // exact integer counts
        double u0 = 0, u1 = total_, v0 = 0, v1 = variance_;
        int i = static_cast<int>(rows_.size()) - 1;
        bool exit = false;
        for (auto row = rows_.rbegin(); row != rows_.rend() && !exit; ++row, --i) {
          for (std::size_t k = 0; k < row->size(); ++k) {
            const double n2 = std::pow(2.0, i);
            const double u2 = (*row)[k].total;
            if (n0 > 0) v0 += (*row)[k].variance + n0 * n2 * (u0 / n0 - u2 / n2) * (u0 / n0 - u2 / n2) / (n0 + n2);
            if (n1 > 0) v1 -= (*row)[k].variance + n1 * n2 * (u1 / n1 - u2 / n2) * (u1 / n1 - u2 / n2) / (n1 + n2);
            n0 += n2;
            n1 -= n2;
            u0 += u2;
            u1 -= u2;
            if (i == 0 && k == row->size() - 1) {
              exit = true;
              break;
            }
            const double diff = u0 / n0 - u1 / n1;
            if (n1 > double(mwl_ + 1) && n0 > double(mwl_ + 1) && cut(n0, n1, diff)) {
              change = true;
              again = true;
              delete_oldest();
              exit = true;
              break;
            }
          }
        }
        benchmark::DoNotOptimize(v0 + v1);
      }
    }
    return change;
  }

 private:
  struct bucket {
    double total, variance;
  };

  bool cut(double n0, double n1, double diff) const {
    const double dd = std::log(2.0 * std::log(double(width_)) / delta_);
    const double v = variance_ / double(width_);
    const double m = 1.0 / (n0 - double(mwl_) + 1) + 1.0 / (n1 - double(mwl_) + 1);
    return std::abs(diff) > std::sqrt(2.0 * m * v * dd) + 2.0 / 3.0 * dd * m;
  }

  void insert(double x) {
    ++width_;
    rows_.front().push_back({x, 0.0});
    if (width_ > 1) {
      const double w1 = double(width_ - 1);
      variance_ += w1 * (x - total_ / w1) * (x - total_ / w1) / double(width_);
    }
    total_ += x;
    int i = 0;
    for (auto row = rows_.begin(); row != rows_.end(); ++row, ++i) {
      if (row->size() != max_buckets_ + 1) break;
      auto next = std::next(row);
      if (next == rows_.end()) next = rows_.emplace(rows_.end());
      const double n = std::pow(2.0, i);
      const double u1 = (*row)[0].total / n, u2 = (*row)[1].total / n;
      next->push_back({(*row)[0].total + (*row)[1].total,
                       (*row)[0].variance + (*row)[1].variance + n * n * (u1 - u2) * (u1 - u2) / (n + n)});
      row->erase(row->begin(), row->begin() + 2);
      if (next->size() <= max_buckets_) break;
    }
  }

  void delete_oldest() {
    auto& last = rows_.back();
    const long n1 = 1L << (rows_.size() - 1);
    width_ -= n1;
    total_ -= last.front().total;
    const double u1 = last.front().total / double(n1);
    variance_ -= last.front().variance + double(n1 * width_) * (u1 - total_ / double(width_)) *
                                             (u1 - total_ / double(width_)) / (double(n1) + double(width_));
    last.erase(last.begin());
    if (last.empty()) rows_.pop_back();
  }

  double delta_;
  std::list<std::vector<bucket>> rows_;
  long width_ = 0, time_ = 0;
  double total_ = 0.0, variance_ = 0.0;
  static constexpr long clock_ = 32, grace_ = 10, mwl_ = 5;
  static constexpr std::size_t max_buckets_ = 5;
};

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
    adwin_reference b(0.002);
    for (std::size_t t = 0; t < (std::size_t{1} << 17U); ++t) {
      if (a.update(gaussian_stream()[t]) != b.update(gaussian_stream()[t])) {
        state.SkipWithError("the reference ADWIN disagrees with footprint::adwin");
        return;
      }
    }
  }
  adwin_reference d(0.002);
  run(state, d, gaussian_stream());
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
