// Tree ensembles (gradient_boosting, random_forest) on the peer data set, side by side with
// XGBoost (C API, same process) and scikit-learn (subprocess) in the same run.
//
//   /usr/bin/python3 ../shared/peers/bench_peers.py gen --out build/peer-data   # once, from the repo root
//   ./build/trees/benchmarks/bench_trees --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
//
// Data: impact_train.csv (160,000 x 12) and impact_test.csv (40,000 x 12) from
// $FOOTPRINT_PEER_DATA (default build/peer-data); skipped with a message when absent.
// Threads: footprint and XGBoost both use $FOOTPRINT_BENCH_THREADS (default 2).
//
// Peers:
// - XGBoost through its C API (libxgboost-dev), in this process: `hist`, 200 rounds,
//   max_depth 6 (and lossguide with 63 leaves), eta 0.1, max_bin 256, lambda 1,
//   min_child_weight 1; inplace prediction (XGBoosterPredictFromDense) for batch and one row.
//   Built only when libxgboost is found (FOOTPRINT_BENCH_HAVE_XGBOOST).
// - scikit-learn RandomForestRegressor(100 trees, n_jobs=2) fitted in a subprocess
//   ($FOOTPRINT_PYTHON, default /usr/bin/python3), before the footprint benchmarks, on the
//   first 40,000 training rows and then on all 160,000 (the full fit takes ~150 s idle; set
//   FOOTPRINT_BENCH_RF_SMALL_ONLY=1 to skip it), each timed once; footprint's forest is
//   timed on the same rows, and every RMSE is on the full test set.
// - Single-row prediction is reported as CPU time too (the CPU column), which a shared
//   machine's load does not inflate.
#include <footprint/models/trees/gradient_boosting.hpp>
#include <footprint/models/trees/random_forest.hpp>

#include "peer_support.hpp"

#include <benchmark/benchmark.h>

#ifdef FOOTPRINT_BENCH_HAVE_XGBOOST
#include <xgboost/c_api.h>
#endif

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fp = footprint;

using footprint_bench::data_set;
using footprint_bench::format_time;

constexpr fp::index rf_subsample_rows = 40'000;

/// The peer data set and the forests' subsample of it.
struct tree_data : footprint_bench::peer_data {
  data_set train_small;  ///< the first rf_subsample_rows training rows
};

const tree_data& data() {
  static const tree_data d = [] {
    tree_data p{footprint_bench::load_peer_data()};
    if (p.loaded) p.train_small = {p.train.X.topRows(rf_subsample_rows), p.train.y.head(rf_subsample_rows)};
    return p;
  }();
  return d;
}

std::map<std::string, double>& rmse_table() {
  static std::map<std::string, double> t;
  return t;
}

double rmse(const fp::vector& a, const fp::vector& b) {
  return std::sqrt((a - b).squaredNorm() / static_cast<double>(a.size()));
}

fp::gradient_boosting_params gbm_params(bool leafwise) {
  fp::gradient_boosting_params p;
  p.n_estimators = 200;
  p.learning_rate = 0.1;
  p.max_bins = 255;
  p.lambda = 1.0;
  p.min_child_weight = 1.0;
  p.n_threads = data().threads;
  if (leafwise) {
    p.growth = fp::tree_growth::leafwise;
    p.max_depth = 0;
    p.max_leaves = 63;
  } else {
    p.max_depth = 6;
  }
  return p;
}

// ---- footprint ------------------------------------------------------------------------------

void fp_gbm_fit(benchmark::State& state, bool leafwise) {
  const tree_data& d = data();
  fp::gradient_boosting model(gbm_params(leafwise));
  for (auto _ : state) benchmark::DoNotOptimize(model.fit(d.train.X, d.train.y));
  rmse_table()[leafwise ? "fp_gbm_leafwise" : "fp_gbm_depthwise"] = rmse(model.predict(d.test.X), d.test.y);
}
BENCHMARK_CAPTURE(fp_gbm_fit, depthwise, false)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK_CAPTURE(fp_gbm_fit, leafwise, true)->Unit(benchmark::kMillisecond)->Iterations(1);

const fp::gradient_boosting& fitted_gbm() {
  static const fp::gradient_boosting m = [] {
    fp::gradient_boosting model(gbm_params(false));
    (void)model.fit(data().train.X, data().train.y);
    return model;
  }();
  return m;
}

void fp_gbm_predict_batch(benchmark::State& state) {
  const auto& m = fitted_gbm();
  const fp::matrix& X = data().test.X;
  fp::vector out(X.rows());
  for (auto _ : state) {
    m.predict(X, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * X.rows());
}
BENCHMARK(fp_gbm_predict_batch)->Unit(benchmark::kMillisecond);

void fp_gbm_predict_one_row(benchmark::State& state) {
  const auto& m = fitted_gbm();
  // rows stored row-major, as a serving system holds them
  const fp::index n = 2000;
  const fp::index d = data().test.X.cols();
  std::vector<double> rows(static_cast<std::size_t>(n * d));
  for (fp::index i = 0; i < n; ++i) {
    for (fp::index j = 0; j < d; ++j) rows[static_cast<std::size_t>(i * d + j)] = data().test.X(i, j);
  }
  fp::index i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(m.predict_row(std::span<const double>(rows.data() + i * d, static_cast<std::size_t>(d))));
    i = (i + 1) % n;
  }
}
BENCHMARK(fp_gbm_predict_one_row)->Unit(benchmark::kNanosecond);

void fp_gbm_predict_one_row_eigen(benchmark::State& state) {
  const auto& m = fitted_gbm();
  const fp::matrix& X = data().test.X;
  fp::vector out(1);
  fp::index i = 0;
  for (auto _ : state) {
    m.predict(X.middleRows(i, 1), out);
    benchmark::DoNotOptimize(out.data());
    i = (i + 1) % 2000;
  }
}
BENCHMARK(fp_gbm_predict_one_row_eigen)->Unit(benchmark::kNanosecond);

fp::random_forest_params rf_params() {
  fp::random_forest_params p;
  p.n_estimators = 100;  // scikit-learn's RandomForestRegressor() settings
  p.max_features = 1.0;
  p.min_samples_leaf = 1;
  p.quantile_forest = false;
  p.n_threads = data().threads;
  return p;
}

void fp_rf_fit(benchmark::State& state, bool full) {
  const tree_data& d = data();
  const data_set& tr = full ? d.train : d.train_small;
  fp::random_forest model(rf_params());
  for (auto _ : state) benchmark::DoNotOptimize(model.fit(tr.X, tr.y));
  rmse_table()[full ? "fp_rf_full" : "fp_rf_40k"] = rmse(model.predict(d.test.X), d.test.y);
}
BENCHMARK_CAPTURE(fp_rf_fit, rows_40000, false)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK_CAPTURE(fp_rf_fit, rows_160000, true)->Unit(benchmark::kMillisecond)->Iterations(1);

// ---- XGBoost (C API) ------------------------------------------------------------------------

#ifdef FOOTPRINT_BENCH_HAVE_XGBOOST
void xgb_check(int rc, const char* what) {
  if (rc != 0) throw std::runtime_error(std::string(what) + ": " + XGBGetLastError());
}

std::vector<float> to_float_rows(const fp::matrix& X) {
  std::vector<float> out(static_cast<std::size_t>(X.size()));
  for (fp::index i = 0; i < X.rows(); ++i) {
    for (fp::index j = 0; j < X.cols(); ++j)
      out[static_cast<std::size_t>(i * X.cols() + j)] = static_cast<float>(X(i, j));
  }
  return out;
}

struct xgb_model {
  BoosterHandle booster = nullptr;
  DMatrixHandle dtrain = nullptr;
  ~xgb_model() {
    if (booster != nullptr) XGBoosterFree(booster);
    if (dtrain != nullptr) XGDMatrixFree(dtrain);
  }
};

std::string array_interface(const float* p, fp::index rows, fp::index cols) {
  std::ostringstream os;
  os << R"({"data": [)" << reinterpret_cast<std::uintptr_t>(p) << R"(, true], "shape": [)" << rows << ", " << cols
     << R"(], "typestr": "<f4", "version": 3})";
  return os.str();
}

const char* const predict_config =
    R"({"type": 0, "training": false, "iteration_begin": 0, "iteration_end": 0, "strict_shape": false, "missing": NaN, "cache_id": 0})";

void xgb_train(xgb_model& m, bool leafwise) {
  const tree_data& d = data();
  static const std::vector<float> Xf = to_float_rows(d.train.X);
  static const std::vector<float> yf(d.train.y.data(), d.train.y.data() + d.train.y.size());
  xgb_check(XGDMatrixCreateFromMat(Xf.data(), static_cast<bst_ulong>(d.train.X.rows()),
                                   static_cast<bst_ulong>(d.train.X.cols()), std::nanf(""), &m.dtrain),
            "XGDMatrixCreateFromMat");
  xgb_check(XGDMatrixSetFloatInfo(m.dtrain, "label", yf.data(), static_cast<bst_ulong>(yf.size())), "label");
  xgb_check(XGBoosterCreate(&m.dtrain, 1, &m.booster), "XGBoosterCreate");
  const std::string threads = std::to_string(d.threads);
  const std::vector<std::pair<const char*, std::string>> params = {
      {"tree_method", "hist"},
      {"objective", "reg:squarederror"},
      {"eta", "0.1"},
      {"max_bin", "256"},
      {"lambda", "1"},
      {"min_child_weight", "1"},
      {"nthread", threads},
      {"verbosity", "0"},
      {"max_depth", leafwise ? "0" : "6"},
      {"grow_policy", leafwise ? "lossguide" : "depthwise"},
      {"max_leaves", leafwise ? "63" : "0"}};
  for (const auto& [k, v] : params) xgb_check(XGBoosterSetParam(m.booster, k, v.c_str()), k);
  for (int it = 0; it < 200; ++it) xgb_check(XGBoosterUpdateOneIter(m.booster, it, m.dtrain), "XGBoosterUpdateOneIter");
}

fp::vector xgb_predict(BoosterHandle b, const std::vector<float>& Xf, fp::index rows, fp::index cols) {
  const std::string ai = array_interface(Xf.data(), rows, cols);
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* res = nullptr;
  xgb_check(XGBoosterPredictFromDense(b, ai.c_str(), predict_config, nullptr, &shape, &dim, &res),
            "XGBoosterPredictFromDense");
  fp::vector out(rows);
  for (fp::index i = 0; i < rows; ++i) out[i] = res[i];
  return out;
}

void xgb_fit(benchmark::State& state, bool leafwise) {
  const tree_data& d = data();
  static const std::vector<float> Xt = to_float_rows(d.test.X);
  for (auto _ : state) {
    xgb_model m;
    xgb_train(m, leafwise);
    state.PauseTiming();
    rmse_table()[leafwise ? "xgb_leafwise" : "xgb_depthwise"] =
        rmse(xgb_predict(m.booster, Xt, d.test.X.rows(), d.test.X.cols()), d.test.y);
    state.ResumeTiming();
  }
}
BENCHMARK_CAPTURE(xgb_fit, depthwise, false)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK_CAPTURE(xgb_fit, leafwise, true)->Unit(benchmark::kMillisecond)->Iterations(1);

xgb_model& fitted_xgb() {
  // Never freed: XGBoost's own globals may be gone when static destructors run at exit.
  static xgb_model* m = [] {
    auto* p = new xgb_model;
    xgb_train(*p, false);
    return p;
  }();
  return *m;
}

void xgb_predict_batch(benchmark::State& state) {
  xgb_model& m = fitted_xgb();
  const fp::matrix& X = data().test.X;
  static const std::vector<float> Xt = to_float_rows(X);
  const std::string ai = array_interface(Xt.data(), X.rows(), X.cols());
  for (auto _ : state) {
    const bst_ulong* shape = nullptr;
    bst_ulong dim = 0;
    const float* res = nullptr;
    xgb_check(XGBoosterPredictFromDense(m.booster, ai.c_str(), predict_config, nullptr, &shape, &dim, &res), "predict");
    benchmark::DoNotOptimize(res);
  }
  state.SetItemsProcessed(state.iterations() * X.rows());
}
BENCHMARK(xgb_predict_batch)->Unit(benchmark::kMillisecond);

void xgb_predict_one_row(benchmark::State& state) {
  xgb_model& m = fitted_xgb();
  const fp::matrix& X = data().test.X;
  static const std::vector<float> Xt = to_float_rows(X);
  std::vector<std::string> ai;
  for (fp::index i = 0; i < 2000; ++i) ai.push_back(array_interface(Xt.data() + i * X.cols(), 1, X.cols()));
  std::size_t i = 0;
  for (auto _ : state) {
    const bst_ulong* shape = nullptr;
    bst_ulong dim = 0;
    const float* res = nullptr;
    xgb_check(XGBoosterPredictFromDense(m.booster, ai[i].c_str(), predict_config, nullptr, &shape, &dim, &res),
              "predict");
    benchmark::DoNotOptimize(res);
    i = (i + 1) % ai.size();
  }
}
BENCHMARK(xgb_predict_one_row)->Unit(benchmark::kNanosecond);
#endif

// ---- scikit-learn (subprocess) --------------------------------------------------------------

const char* const peer_script = R"PY(
import os, sys, time
for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(v, "2")
import numpy as np
import sklearn
from sklearn.ensemble import RandomForestRegressor
tr = np.loadtxt(os.path.join(sys.argv[1], "impact_train.csv"), delimiter=",", skiprows=1)
te = np.loadtxt(os.path.join(sys.argv[1], "impact_test.csv"), delimiter=",", skiprows=1)
print("sklearn_version", sklearn.__version__)
for arg in sys.argv[2].split(","):
    n = int(arg) if int(arg) > 0 else tr.shape[0]
    X, y, Xt, yt = tr[:n, 1:], tr[:n, 0], te[:, 1:], te[:, 0]
    t0 = time.perf_counter()
    m = RandomForestRegressor(n_estimators=100, n_jobs=int(sys.argv[3]), random_state=0).fit(X, y)
    print("rf_fit_" + arg, time.perf_counter() - t0)
    print("rf_rmse_" + arg, float(np.sqrt(np.mean((m.predict(Xt) - yt) ** 2))))
    sys.stdout.flush()
)PY";

footprint_bench::peer_results run_peer(const std::string& dir, int threads) {
  // both forest sizes, timed in this run: the first 40,000 rows, then all rows ("0")
  const std::string sizes =
      std::to_string(rf_subsample_rows) + (std::getenv("FOOTPRINT_BENCH_RF_SMALL_ONLY") != nullptr ? "" : ",0");
  return footprint_bench::run_python_peer(peer_script, dir + "/.footprint_bench_trees.py",
                                          dir + " " + sizes + " " + std::to_string(threads), "scikit-learn peer");
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  const tree_data& d = data();
  if (footprint_bench::skipped_without_data(d, "bench_trees")) return 0;
  std::cout << footprint_bench::peer_data_summary(d) << ", " << d.threads << " threads\n";
  footprint_bench::peer_results peer;
  if (std::getenv("FOOTPRINT_BENCH_NO_SKLEARN") == nullptr) peer = run_peer(d.dir, d.threads);
  footprint_bench::recording_reporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  const auto& t = reporter.seconds;
  const auto& r = rmse_table();
  const auto row = [&](const std::string& what, const std::string& ours, const std::string& theirs, bool throughput) {
    if (t.count(ours) == 0) return;
    std::cout << "| " << what << " | " << format_time(t.at(ours)) << " | ";
    if (t.count(theirs) != 0) {
      std::ostringstream ratio;
      ratio.precision(3);
      ratio << (throughput ? t.at(theirs) / t.at(ours) : t.at(theirs) / t.at(ours));
      std::cout << format_time(t.at(theirs)) << " | " << ratio.str() << "x |\n";
    } else {
      std::cout << "- | - |\n";
    }
  };
  std::cout << "\n| operation | footprint (median) | XGBoost (median) | speed-up |\n|---|---:|---:|---:|\n";
  row("GBM fit, depthwise depth 6, 200 rounds", "fp_gbm_fit/depthwise", "xgb_fit/depthwise", false);
  row("GBM fit, leafwise 63 leaves, 200 rounds", "fp_gbm_fit/leafwise", "xgb_fit/leafwise", false);
  row("batch predict, 40,000 rows", "fp_gbm_predict_batch", "xgb_predict_batch", true);
  row("one-row predict (span / inplace C API)", "fp_gbm_predict_one_row", "xgb_predict_one_row", false);
  row("one-row predict (Eigen row)", "fp_gbm_predict_one_row_eigen", "xgb_predict_one_row", false);
  {
    const auto& c = reporter.cpu_seconds;
    const std::string ours = "fp_gbm_predict_one_row";
    const std::string theirs = "xgb_predict_one_row";
    if (c.count(ours) != 0) {
      std::cout << "| one-row predict, CPU time (span / inplace C API) | " << format_time(c.at(ours)) << " | ";
      if (c.count(theirs) != 0) {
        std::cout << format_time(c.at(theirs)) << " | " << c.at(theirs) / c.at(ours) << "x |\n";
      } else {
        std::cout << "- | - |\n";
      }
    }
  }
  std::cout << "\n| test RMSE | footprint | peer | relative difference |\n|---|---:|---:|---:|\n";
  const auto rrow = [&](const std::string& what, const std::string& ours, double theirs) {
    if (r.count(ours) == 0 || !(theirs > 0.0)) return;
    std::cout << "| " << what << " | " << r.at(ours) << " | " << theirs << " | "
              << (r.at(ours) - theirs) / theirs * 100.0 << " % |\n";
  };
  rrow("GBM depthwise vs XGBoost", "fp_gbm_depthwise", r.count("xgb_depthwise") ? r.at("xgb_depthwise") : 0.0);
  rrow("GBM leafwise vs XGBoost", "fp_gbm_leafwise", r.count("xgb_leafwise") ? r.at("xgb_leafwise") : 0.0);
  const std::string small = "_" + std::to_string(rf_subsample_rows);
  const auto peer_value = [&](const std::string& key) { return peer.count(key) != 0 ? std::stod(peer.at(key)) : 0.0; };
  rrow("RF 40,000 rows vs scikit-learn (same rows)", "fp_rf_40k", peer_value("rf_rmse" + small));
  rrow("RF all rows vs scikit-learn (same rows)", "fp_rf_full", peer_value("rf_rmse_0"));
  std::cout << "\n| random forest fit, 100 trees | footprint | scikit-learn "
            << (peer.count("sklearn_version") ? peer.at("sklearn_version") : "")
            << " | speed-up |\n|---|---:|---:|---:|\n";
  const auto rf_row = [&](const std::string& what, const std::string& ours, const std::string& theirs) {
    if (t.count(ours) == 0 || peer.count(theirs) == 0) return;
    const double p = std::stod(peer.at(theirs));
    std::cout << "| " << what << " | " << format_time(t.at(ours)) << " | " << format_time(p) << " | " << p / t.at(ours)
              << "x |\n";
  };
  rf_row("40,000 rows (both timed in this run)", "fp_rf_fit/rows_40000", "rf_fit" + small);
  rf_row("all rows (both timed in this run)", "fp_rf_fit/rows_160000", "rf_fit_0");
  std::cout << std::flush;
  return 0;
}
