// bayesian_linear (evidence mode = scikit-learn's BayesianRidge) on the peer data set, side
// by side with scikit-learn in the same run.
//
//   /usr/bin/python3 ../shared/peers/bench_peers.py gen --out build/peer-data   # once, from the repo root
//   ./build/bayes/benchmarks/bench_bayesian_linear --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//
// Data: impact_train.csv (160,000 x 12) and impact_test.csv (40,000 x 12) from the folder
// in $FOOTPRINT_PEER_DATA (default build/peer-data, relative to the working directory);
// skipped with a message when absent. The peer: one run of $FOOTPRINT_PYTHON (default
// /usr/bin/python3) timing BayesianRidge() fit, predict, predict(return_std=True) and
// one-row predict on the same files with 2 BLAS threads (as bench_peers.py), medians of 7
// (fit, batch) and 2,000 (one row). footprint runs single-threaded. At the end a table gives
// the medians and the ratios, and the largest differences between the two fits.
#include <footprint/models/linear/bayesian_linear.hpp>
#include <footprint/models/linear/ols.hpp>
#include <footprint/models/linear/ridge.hpp>

#include "peer_support.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fp = footprint;

using footprint_bench::format_time;
using footprint_bench::peer_data;
using footprint_bench::time_units;

const peer_data& data() {
  static const peer_data d = footprint_bench::load_peer_data();
  return d;
}

// ---- footprint benchmarks ------------------------------------------------------------------

void fit_evidence(benchmark::State& state, fp::linear_solver solver) {
  const peer_data& d = data();
  fp::bayesian_linear model({.solver = solver});
  for (auto _ : state) benchmark::DoNotOptimize(model.fit(d.train.X, d.train.y));
  state.counters["rows/s"] =
      benchmark::Counter(static_cast<double>(d.train.X.rows()), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK_CAPTURE(fit_evidence, automatic, fp::linear_solver::automatic)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(fit_evidence, qr, fp::linear_solver::qr)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(fit_evidence, normal_equations, fp::linear_solver::normal_equations)->Unit(benchmark::kMillisecond);

void fit_conjugate(benchmark::State& state) {
  const peer_data& d = data();
  fp::bayesian_linear model({.mode = fp::bayesian_linear_mode::conjugate});
  for (auto _ : state) benchmark::DoNotOptimize(model.fit(d.train.X, d.train.y));
}
BENCHMARK(fit_conjugate)->Unit(benchmark::kMillisecond);

void fit_ols(benchmark::State& state) {
  const peer_data& d = data();
  fp::ols model;
  for (auto _ : state) benchmark::DoNotOptimize(model.fit(d.train.X, d.train.y));
}
BENCHMARK(fit_ols)->Unit(benchmark::kMillisecond);

void fit_ridge(benchmark::State& state) {
  const peer_data& d = data();
  fp::ridge model;
  for (auto _ : state) benchmark::DoNotOptimize(model.fit(d.train.X, d.train.y));
}
BENCHMARK(fit_ridge)->Unit(benchmark::kMillisecond);

const fp::bayesian_linear& fitted_model() {
  static const fp::bayesian_linear m = [] {
    fp::bayesian_linear model;
    (void)model.fit(data().train.X, data().train.y);
    return model;
  }();
  return m;
}

void predict_batch(benchmark::State& state) {
  const fp::bayesian_linear& m = fitted_model();
  const fp::matrix& X = data().test.X;
  fp::vector out(X.rows());
  for (auto _ : state) {
    m.predict(X, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * X.rows());
}
BENCHMARK(predict_batch)->Unit(benchmark::kMillisecond);

void predict_distribution_batch(benchmark::State& state) {
  const fp::bayesian_linear& m = fitted_model();
  const fp::matrix& X = data().test.X;
  for (auto _ : state) {
    auto d = m.predict_distribution(X);
    benchmark::DoNotOptimize(d.data());
  }
  state.SetItemsProcessed(state.iterations() * X.rows());
}
BENCHMARK(predict_distribution_batch)->Unit(benchmark::kMillisecond);

void predict_one_row(benchmark::State& state) {
  const fp::bayesian_linear& m = fitted_model();
  const fp::matrix& X = data().test.X;
  fp::vector out(1);
  fp::index i = 0;
  for (auto _ : state) {
    m.predict(X.middleRows(i, 1), out);
    benchmark::DoNotOptimize(out.data());
    i = (i + 1) % 2000;
  }
}
BENCHMARK(predict_one_row)->Unit(benchmark::kMicrosecond);

void predict_distribution_one_row(benchmark::State& state) {
  const fp::bayesian_linear& m = fitted_model();
  const fp::matrix& X = data().test.X;
  std::array<fp::location_scale_t, 1> out{};
  fp::index i = 0;
  for (auto _ : state) {
    m.predict_distribution(X.middleRows(i, 1), out);
    benchmark::DoNotOptimize(out.data());
    i = (i + 1) % 2000;
  }
}
BENCHMARK(predict_distribution_one_row)->Unit(benchmark::kMicrosecond);

// ---- the scikit-learn peer -----------------------------------------------------------------

const char* const peer_script = R"PY(
import os, sys, time, statistics
for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(v, "2")
import numpy as np
import sklearn
from sklearn.linear_model import BayesianRidge
tr = np.loadtxt(os.path.join(sys.argv[1], "impact_train.csv"), delimiter=",", skiprows=1)
te = np.loadtxt(os.path.join(sys.argv[1], "impact_test.csv"), delimiter=",", skiprows=1)
X, y, Xt = tr[:, 1:], tr[:, 0], te[:, 1:]
def med(f, k):
    ts = []
    for _ in range(k):
        t0 = time.perf_counter(); f(); ts.append(time.perf_counter() - t0)
    return statistics.median(ts)
m = BayesianRidge().fit(X, y)
print("sklearn_version", sklearn.__version__)
print("fit_evidence", med(lambda: BayesianRidge().fit(X, y), 7))
print("predict_batch", med(lambda: m.predict(Xt), 7))
print("predict_distribution_batch", med(lambda: m.predict(Xt, return_std=True), 7))
for name, kw in (("predict_one_row", {}), ("predict_distribution_one_row", {"return_std": True})):
    for i in range(20): m.predict(Xt[i:i + 1], **kw)
    ts = []
    for i in range(2000):
        r = Xt[i:i + 1]; t0 = time.perf_counter(); m.predict(r, **kw); ts.append(time.perf_counter() - t0)
    print(name, statistics.median(ts))
print("n_iter", m.n_iter_)
print("alpha", m.alpha_)
print("lambda", m.lambda_)
print("intercept", m.intercept_)
for j, c in enumerate(m.coef_): print("coef%d" % j, repr(float(c)))
mean, std = m.predict(Xt[:1000], return_std=True)
for i in range(1000): print("mean%d" % i, repr(float(mean[i])))
# the centred std (footprint's default; scikit-learn's after its fix of issue #33757)
Xq = Xt[:1000] - m.X_offset_
std_c = np.sqrt(np.einsum("ij,jk,ik->i", Xq, m.sigma_, Xq) + 1 / m.alpha_)
for i in range(1000): print("std%d" % i, repr(float(std_c[i])))
)PY";

footprint_bench::peer_results run_peer(const std::string& dir) {
  return footprint_bench::run_python_peer(peer_script, dir + "/.footprint_bench_bayesian_linear.py", dir,
                                          "scikit-learn peer");
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  const peer_data& d = data();
  if (footprint_bench::skipped_without_data(d, "bench_bayesian_linear")) return 0;
  std::cout << footprint_bench::peer_data_summary(d) << '\n';
  const footprint_bench::peer_results peer = run_peer(d.dir);
  footprint_bench::recording_reporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();

  std::cout << "\n| operation | footprint (median) | scikit-learn "
            << (peer.count("sklearn_version") ? peer.at("sklearn_version") : "")
            << " (median) | speed-up |\n|---|---:|---:|---:|\n";
  const std::vector<std::pair<std::string, std::string>> rows = {
      {"fit_evidence/automatic", "fit_evidence"},
      {"fit_evidence/qr", "fit_evidence"},
      {"fit_evidence/normal_equations", "fit_evidence"},
      {"predict_batch", "predict_batch"},
      {"predict_distribution_batch", "predict_distribution_batch"},
      {"predict_one_row", "predict_one_row"},
      {"predict_distribution_one_row", "predict_distribution_one_row"},
      {"fit_conjugate", ""},
      {"fit_ols", ""},
      {"fit_ridge", ""}};
  for (const auto& [ours, theirs] : rows) {
    if (reporter.seconds.count(ours) == 0) continue;
    const double t = reporter.seconds.at(ours);
    std::cout << "| " << ours << " | " << format_time(t, time_units::ms_us) << " | ";
    if (!theirs.empty() && peer.count(theirs) != 0) {
      const double p = std::stod(peer.at(theirs));
      std::ostringstream ratio;
      ratio.precision(3);
      ratio << p / t;
      std::cout << format_time(p, time_units::ms_us) << " | " << ratio.str() << "x |\n";
    } else {
      std::cout << "- | - |\n";
    }
  }
  if (peer.count("alpha") != 0) {
    // The same fit: largest relative differences from scikit-learn on the peer data.
    const fp::bayesian_linear& m = fitted_model();
    double coef_err = 0.0;
    for (fp::index j = 0; j < m.coef().size(); ++j) {
      const double want = std::stod(peer.at("coef" + std::to_string(j)));
      coef_err = std::max(coef_err, std::abs(m.coef()[j] - want) / std::max(std::abs(want), 1e-12));
    }
    const auto dist = m.predict_distribution(d.test.X.topRows(1000));
    double mean_err = 0.0;
    double std_err = 0.0;
    for (std::size_t i = 0; i < dist.size(); ++i) {
      const double want_mean = std::stod(peer.at("mean" + std::to_string(i)));
      const double want_std = std::stod(peer.at("std" + std::to_string(i)));
      mean_err = std::max(mean_err, std::abs(fp::mean(dist[i]) - want_mean) / std::max(std::abs(want_mean), 1.0));
      std_err = std::max(std_err, std::abs(fp::standard_deviation(dist[i]) - want_std) / want_std);
    }
    std::cout << "\nsame fit as scikit-learn on the peer data: n_iter " << m.n_iter() << " vs " << peer.at("n_iter")
              << "; max relative difference: coef " << coef_err << ", alpha "
              << std::abs(m.alpha() - std::stod(peer.at("alpha"))) / std::stod(peer.at("alpha")) << ", lambda "
              << std::abs(m.lambda() - std::stod(peer.at("lambda"))) / std::stod(peer.at("lambda"))
              << ", predictive mean " << mean_err << " (relative, floored at 1 bp), predictive std " << std_err
              << " (1,000 test rows)\n";
  }
  return 0;
}
