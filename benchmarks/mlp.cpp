// mlp_regressor on the peer data set, side by side with PyTorch and scikit-learn's
// MLPRegressor in the same run (same architecture 12 -> 64 -> 32 -> 1 ReLU, standardised X and
// y, Adam lr 1e-3, batch 256, reshuffled every epoch, no weight decay, the same epochs, 2 threads).
//
//   /usr/bin/python3 ../shared/peers/bench_peers.py gen --out build/peer-data   # once, from the repo root
//   ./build/mlp/benchmarks/bench_mlp --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//
// Data: impact_train.csv (160,000 x 12), impact_test.csv (40,000 x 12) and impact_test_mu.csv
// from $FOOTPRINT_PEER_DATA (default build/peer-data); skipped with a message when absent.
// The peer: benchmarks/peers/mlp_peer.py run once by $FOOTPRINT_PYTHON (default
// /usr/bin/python3) before footprint's benchmarks, training for $FOOTPRINT_BENCH_MLP_EPOCHS
// epochs (default 40): PyTorch (float32, its default; skipped with a message when torch does
// not import) and scikit-learn (set FOOTPRINT_BENCH_MLP_SKLEARN=0 to skip it: it takes about
// 2 s per epoch). footprint trains the same epochs once for the RMSE; the timed benchmarks
// measure one epoch, single-row and batch prediction, and default-parameter fits on 50,000 x 20.
#include <footprint/detail/random.hpp>
#include <footprint/models/neural/deep_ensemble.hpp>
#include <footprint/models/neural/mlp_regressor.hpp>

#include "peer_support.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace {

namespace fp = footprint;

using footprint_bench::data_set;
using footprint_bench::format_time;

/// The peer data set and the noiseless means of its test rows.
struct mlp_data : footprint_bench::peer_data {
  fp::vector test_mu;  ///< from impact_test_mu.csv; empty when that file is absent
};

const mlp_data& data() {
  static const mlp_data d = [] {
    mlp_data p{footprint_bench::load_peer_data()};
    if (!p.loaded) return p;
    std::ifstream mu(p.dir + "/impact_test_mu.csv");
    if (mu) p.test_mu = footprint_bench::read_peer_csv(p.dir + "/impact_test_mu.csv").y;
    return p;
  }();
  return d;
}

int epochs() {
  const char* env = std::getenv("FOOTPRINT_BENCH_MLP_EPOCHS");
  return env != nullptr ? std::max(1, std::atoi(env)) : 40;
}

/// The peers' set-up: no validation split, no early stopping, exactly `n` epochs.
fp::mlp_regressor_params peer_params(fp::index n) {
  return {.hidden_layers = {64, 32},
          .learning_rate = 1e-3,
          .batch_size = 256,
          .max_epochs = n,
          .validation_fraction = 0.0,
          .patience = 0,
          .seed = 0};
}

double rmse(const fp::vector& a, const fp::vector& b) {
  return std::sqrt((a - b).squaredNorm() / static_cast<double>(a.size()));
}

// ---- footprint benchmarks ------------------------------------------------------------------

void train_one_epoch(benchmark::State& state) {
  const mlp_data& d = data();
  fp::mlp_regressor model(peer_params(1));
  for (auto _ : state) benchmark::DoNotOptimize(model.fit(d.train.X, d.train.y));
  state.counters["rows/s"] =
      benchmark::Counter(static_cast<double>(d.train.X.rows()), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(train_one_epoch)->Unit(benchmark::kMillisecond)->Iterations(3);

const fp::mlp_regressor& fitted_model() {
  static const fp::mlp_regressor m = [] {
    fp::mlp_regressor model(peer_params(2));
    (void)model.fit(data().train.X, data().train.y);
    return model;
  }();
  return m;
}

void predict_one_row(benchmark::State& state) {
  const fp::mlp_regressor& m = fitted_model();
  const fp::matrix Xr = data().test.X.topRows(2000).transpose();  // one contiguous column per row
  fp::mlp_workspace ws = m.make_workspace();
  fp::index i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(m.predict_row(std::span<const double>(Xr.col(i).data(), 12), ws));
    i = (i + 1) % 2000;
  }
}
BENCHMARK(predict_one_row)->Unit(benchmark::kNanosecond);

void predict_one_row_mean_sd(benchmark::State& state) {
  const fp::mlp_regressor& m = fitted_model();
  const fp::matrix Xr = data().test.X.topRows(2000).transpose();
  fp::mlp_workspace ws = m.make_workspace();
  fp::index i = 0;
  double mean = 0.0;
  double sd = 0.0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(m.predict_row(std::span<const double>(Xr.col(i).data(), 12), ws, mean, sd));
    i = (i + 1) % 2000;
  }
}
BENCHMARK(predict_one_row_mean_sd)->Unit(benchmark::kNanosecond);

void predict_batch(benchmark::State& state) {
  const fp::mlp_regressor& m = fitted_model();
  const fp::matrix& X = data().test.X;
  fp::vector out(X.rows());
  for (auto _ : state) {
    m.predict(X, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * X.rows());
}
BENCHMARK(predict_batch)->Unit(benchmark::kMillisecond);

/// 50,000 x 20 synthetic rows, the size of the pre-trade report's largest data sets.
const data_set& report_sized() {
  static const data_set d = [] {
    fp::detail::xoshiro256ss rng(5);
    data_set s{fp::matrix(50'000, 20), fp::vector(50'000)};
    for (fp::index i = 0; i < s.X.rows(); ++i) {
      for (fp::index j = 0; j < 20; ++j) s.X(i, j) = rng.normal();
      s.y[i] = std::sin(s.X(i, 0)) + 0.5 * s.X(i, 1) * s.X(i, 2) + std::abs(s.X(i, 3)) +
               (0.3 + 0.2 * std::abs(s.X(i, 4))) * rng.normal();
    }
    return s;
  }();
  return d;
}

void fit_default_mlp_50k_x20(benchmark::State& state) {
  const data_set& d = report_sized();
  fp::mlp_regressor model;
  for (auto _ : state) {
    const fp::fit_report r = model.fit(d.X, d.y);
    state.counters["epochs"] = static_cast<double>(r.iterations);
  }
}
BENCHMARK(fit_default_mlp_50k_x20)->Unit(benchmark::kMillisecond)->Iterations(1);

void fit_default_deep_ensemble_50k_x20(benchmark::State& state) {
  const data_set& d = report_sized();
  fp::deep_ensemble model;
  for (auto _ : state) {
    const fp::fit_report r = model.fit(d.X, d.y);
    state.counters["epochs"] = static_cast<double>(r.iterations);
  }
}
BENCHMARK(fit_default_deep_ensemble_50k_x20)->Unit(benchmark::kMillisecond)->Iterations(1);

// ---- the PyTorch / scikit-learn peer -------------------------------------------------------

footprint_bench::peer_results run_peer(const std::string& dir, int n_epochs) {
  const char* sk = std::getenv("FOOTPRINT_BENCH_MLP_SKLEARN");
  const bool sklearn = sk == nullptr || std::string(sk) != "0";
  // benchmarks/peers/mlp_peer.py beside this file (CMake compiles it by absolute path)
  const std::string script = (std::filesystem::path(__FILE__).parent_path() / "peers" / "mlp_peer.py").string();
  const std::string cmd =
      footprint_bench::python_command(script, dir + " " + std::to_string(n_epochs) + (sklearn ? "" : " --no-sklearn"));
  std::cout << "running the peer: " << cmd << '\n' << std::flush;
  footprint_bench::peer_results out = footprint_bench::run_peer_command(cmd, "peer");
  if (out.count("torch_skipped") != 0)
    std::cout << "PyTorch peer skipped: torch does not import (" << out.at("torch_skipped") << ")\n";
  return out;
}

std::string fixed(double v, int digits) {
  std::ostringstream os;
  os.setf(std::ios::fixed);
  os.precision(digits);
  os << v;
  return os.str();
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  const mlp_data& d = data();
  if (footprint_bench::skipped_without_data(d, "bench_mlp")) return 0;
  int threads = 1;
#ifdef _OPENMP
  threads = omp_get_max_threads();
#endif
  const int n_epochs = epochs();
  std::cout << footprint_bench::peer_data_summary(d) << "; " << n_epochs << " epochs; OpenMP threads " << threads
            << "\n";
  const footprint_bench::peer_results peer = run_peer(d.dir, n_epochs);

  // footprint: the same training for the RMSE (timed once, outside Google Benchmark).
  fp::mlp_regressor full(peer_params(n_epochs));
  const auto t0 = std::chrono::steady_clock::now();
  (void)full.fit(d.train.X, d.train.y);
  const double full_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double our_rmse = rmse(full.predict(d.test.X), d.test.y);

  footprint_bench::recording_reporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();

  const auto peer_value = [&](const std::string& key) { return peer.count(key) != 0 ? std::stod(peer.at(key)) : -1.0; };
  const double ours_epoch =
      reporter.seconds.count("train_one_epoch") != 0 ? reporter.seconds.at("train_one_epoch") : full_s / n_epochs;
  std::cout << "\nfootprint: " << n_epochs << " epochs in " << format_time(full_s) << " ("
            << format_time(full_s / n_epochs) << " per epoch)\n";
  std::cout << "\n| per epoch (160,000 rows) | footprint | PyTorch "
            << (peer.count("torch_version") ? peer.at("torch_version") : "-") << " (float32) | scikit-learn "
            << (peer.count("sklearn_version") ? peer.at("sklearn_version") : "-") << " |\n|---|---:|---:|---:|\n";
  const double torch_epoch = peer_value("torch32_epoch");
  const double sk_epoch = peer_value("sklearn_epoch");
  std::cout << "| training time (median) | " << format_time(ours_epoch) << " | "
            << (torch_epoch > 0 ? format_time(torch_epoch) : "-") << " | "
            << (sk_epoch > 0 ? format_time(sk_epoch) : "-") << " |\n";
  std::cout << "| footprint speed-up | 1 | " << (torch_epoch > 0 ? fixed(torch_epoch / ours_epoch, 1) + "x" : "-")
            << " | " << (sk_epoch > 0 ? fixed(sk_epoch / ours_epoch, 1) + "x" : "-") << " |\n";
  const double torch_rmse = peer_value("torch32_rmse");
  const double sk_rmse = peer_value("sklearn_rmse");
  std::cout << "| test RMSE after " << n_epochs << " epochs (bps) | " << fixed(our_rmse, 3) << " | "
            << (torch_rmse > 0 ? fixed(torch_rmse, 3) : "-") << " | " << (sk_rmse > 0 ? fixed(sk_rmse, 3) : "-")
            << " |\n";
  std::cout << "| footprint RMSE / peer RMSE - 1 | 0 | "
            << (torch_rmse > 0 ? fixed(100.0 * (our_rmse / torch_rmse - 1.0), 2) + "%" : "-") << " | "
            << (sk_rmse > 0 ? fixed(100.0 * (our_rmse / sk_rmse - 1.0), 2) + "%" : "-") << " |\n";
  const double one = reporter.seconds.count("predict_one_row") != 0 ? reporter.seconds.at("predict_one_row") : -1.0;
  std::cout << "| 1-row prediction (median) | " << (one > 0 ? format_time(one) : "-") << " | "
            << (peer.count("torch32_one_row") ? format_time(peer_value("torch32_one_row")) : "-") << " | "
            << (peer.count("sklearn_one_row") ? format_time(peer_value("sklearn_one_row")) : "-") << " |\n";
  if (d.test_mu.size() == d.test.y.size()) {
    std::cout << "\nnoiseless-mean RMSE (ceiling for any learner): " << fixed(rmse(d.test_mu, d.test.y), 3) << " bps\n";
  }
  return 0;
}
