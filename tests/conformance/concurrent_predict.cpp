// Concurrent const prediction (concepts.hpp, Regressor requirement: "const predict is
// thread-safe after fit"): every shipped model, fitted once, is asked for all of its const
// predictions (predict, predict_row, predict_distribution's mean, spread and quantiles,
// predict_quantiles, predict_interval, cdf, predict_cost, ...) from 8 std::threads at once, on
// the same object, several times each; every thread must get the single-threaded results,
// bit for bit. A data race that corrupts a shared cache or scratch buffer shows here as a
// wrong bit; CI's ThreadSanitizer build of this file alone (scripts/test.sh, clang suite)
// shows it as a report even when the bits happen to agree.
//
// Under ThreadSanitizer the file is compiled without OpenMP (libomp is not built for TSan
// and its runtime gives false reports); the OpenMP paths inside predict run in the other
// suites' builds of this file.
#include "footprint/concepts.hpp"
#include "footprint/data/impact_dataset.hpp"
#include "footprint/data/synthetic/regression_problems.hpp"
#include "footprint/detail/random.hpp"
#include "footprint/impact/impact_observations.hpp"
#include "footprint/impact/propagator.hpp"
#include "footprint/impact/regression_impact_model.hpp"
#include "footprint/impact/square_root_law.hpp"
#include "footprint/models/linear/bayesian_linear.hpp"
#include "footprint/models/linear/ols.hpp"
#include "footprint/models/linear/ridge.hpp"
#include "footprint/models/neural/deep_ensemble.hpp"
#include "footprint/models/neural/mlp_regressor.hpp"
#include "footprint/models/trees/gradient_boosting.hpp"
#include "footprint/models/trees/random_forest.hpp"
#include "footprint/models/trees/regression_tree.hpp"
#include "footprint/models/trees/tree_ensemble.hpp"
#include "footprint/validation/conformal_predictive_system.hpp"
#include "footprint/validation/conformalized_quantile_regression.hpp"
#include "footprint/validation/split_conformal.hpp"

#include <doctest/doctest.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <thread>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_concurrent_predict {

namespace fp = footprint;

constexpr int n_threads = 8;
constexpr int repeats = 3;

/// Training and test rows of a smooth nonlinear surface (3 features, finite).
struct data {
  fp::problems::regression_problem train = fp::problems::smooth(300, 0.1, 81);
  fp::problems::regression_problem test = fp::problems::smooth(64, 0.1, 82);
};

const data& problem() {
  static const data d;
  return d;
}

/// Every output of `predict` as one flat list of doubles.
using outputs = std::vector<double>;

/// Same bits, NaN included (a NaN equals a NaN).
bool same_bits(const outputs& a, const outputs& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!(a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i])))) return false;
  }
  return true;
}

void append(outputs& out, const outputs& more) { out.insert(out.end(), more.begin(), more.end()); }

void append(outputs& out, const fp::vector& v) { out.insert(out.end(), v.data(), v.data() + v.size()); }

void append(outputs& out, const fp::matrix& m) {
  for (fp::index i = 0; i < m.rows(); ++i) {
    for (fp::index j = 0; j < m.cols(); ++j) out.push_back(m(i, j));
  }
}

/// Mean, standard deviation, 10% and 90% quantiles and the CDF at the mean of each element.
template <class D>
void append(outputs& out, const std::vector<D>& dists) {
  for (const D& d : dists) {
    const double m = fp::mean(d);
    out.insert(out.end(),
               {m, fp::standard_deviation(d), fp::quantile(d, 0.1), fp::quantile(d, 0.9), fp::cdf(d, m + 0.1)});
  }
}

/// Runs `predict()` (a const-only closure returning `outputs`) once alone, then from
/// `n_threads` threads started together, `repeats` times each, and checks that every call
/// gave the single-threaded outputs bit for bit.
template <class Predict>
void check_concurrent(const Predict& predict) {
  const outputs serial = predict();
  REQUIRE_FALSE(serial.empty());
  std::vector<std::vector<outputs>> got(n_threads, std::vector<outputs>(repeats));
  std::atomic<int> ready{0};
  std::vector<std::thread> pool;
  pool.reserve(n_threads);
  for (int t = 0; t < n_threads; ++t) {
    pool.emplace_back([&, t] {
      ready.fetch_add(1);
      while (ready.load() < n_threads) std::this_thread::yield();  // start together
      for (int r = 0; r < repeats; ++r) got[static_cast<std::size_t>(t)][static_cast<std::size_t>(r)] = predict();
    });
  }
  for (std::thread& th : pool) th.join();
  int mismatches = 0;
  for (const std::vector<outputs>& thread_outputs : got) {
    for (const outputs& o : thread_outputs) mismatches += same_bits(o, serial) ? 0 : 1;
  }
  CHECK(mismatches == 0);
}

/// The outputs of a fitted regressor: predict, predict_row on every row, and
/// predict_distribution's summaries.
template <class R>
outputs regressor_outputs(const R& model) {
  const fp::matrix& X = problem().test.X;
  outputs out;
  append(out, model.predict(X));
  for (fp::index i = 0; i < X.rows(); ++i) {
    const std::array<double, 3> x{X(i, 0), X(i, 1), X(i, 2)};
    if constexpr (requires { model.predict_row(std::span<const double>(x)); }) {
      out.push_back(model.predict_row(x));
    } else {
      fp::mlp_workspace ws = model.make_workspace();  // one per thread, as documented
      out.push_back(model.predict_row(x, ws));
    }
  }
  append(out, model.predict_distribution(X));
  return out;
}

template <class R>
R fitted(R model) {
  (void)model.fit(problem().train.X, problem().train.y);
  REQUIRE(model.is_fitted());
  return model;
}

// ---- the linear models

TEST_CASE("concurrent predict: ols") {
  const fp::ols m = fitted(fp::ols{});
  check_concurrent([&] { return regressor_outputs(m); });
}

TEST_CASE("concurrent predict: ridge") {
  const fp::ridge m = fitted(fp::ridge({.alpha = 0.5}));
  check_concurrent([&] { return regressor_outputs(m); });
}

TEST_CASE("concurrent predict: bayesian_linear, evidence and conjugate") {
  const fp::bayesian_linear evidence = fitted(fp::bayesian_linear{});
  const fp::bayesian_linear conjugate = fitted(fp::bayesian_linear({.mode = fp::bayesian_linear_mode::conjugate}));
  check_concurrent([&] {
    outputs out = regressor_outputs(evidence);
    append(out, regressor_outputs(conjugate));
    return out;
  });
}

// ---- the trees

TEST_CASE("concurrent predict: regression_tree and tree_ensemble") {
  const fp::random_forest forest = fitted(fp::random_forest({.n_estimators = 6, .max_depth = 6, .seed = 4}));
  const fp::tree_ensemble& ensemble = forest.ensemble();
  const fp::regression_tree& tree = ensemble.trees().front();
  REQUIRE(tree.n_leaves() > 1);
  const fp::matrix& X = problem().test.X;
  check_concurrent([&] {
    outputs out;
    append(out, ensemble.predict(X, 1));
    append(out, ensemble.predict(X, 2));
    for (fp::index i = 0; i < X.rows(); ++i) {
      const std::array<double, 3> x{X(i, 0), X(i, 1), X(i, 2)};
      out.push_back(tree.predict_row(x));
      out.push_back(static_cast<double>(tree.leaf_index(x)));
      out.push_back(ensemble.predict_row(x));
    }
    return out;
  });
}

TEST_CASE("concurrent predict: random_forest, and as a quantile regression forest") {
  const fp::random_forest forest =
      fitted(fp::random_forest({.n_estimators = 8, .max_features = 0.7, .max_depth = 6, .seed = 5}));
  const fp::random_forest qrf = fitted(fp::random_forest({.n_estimators = 8,
                                                          .max_depth = 6,
                                                          .min_samples_leaf = 3,
                                                          .oob_score = true,
                                                          .quantile_forest = true,
                                                          .seed = 6}));
  const std::array<double, 3> levels{0.05, 0.5, 0.95};
  const fp::matrix& X = problem().test.X;
  check_concurrent([&] {
    outputs out = regressor_outputs(forest);
    append(out, regressor_outputs(qrf));
    append(out, qrf.predict_quantiles(X, levels));
    append(out, qrf.predict_interval(X, 0.8));
    return out;
  });
}

TEST_CASE("concurrent predict: gradient_boosting, squared error with quantile models") {
  const fp::gradient_boosting m = fitted(fp::gradient_boosting({.n_estimators = 20,
                                                                .max_depth = 3,
                                                                .subsample = 0.8,
                                                                .colsample_bynode = 0.7,
                                                                .quantile_levels = {0.1, 0.5, 0.9},
                                                                .seed = 7}));
  check_concurrent([&] {
    outputs out = regressor_outputs(m);
    append(out, m.predict_quantiles(problem().test.X));
    return out;
  });
}

TEST_CASE("concurrent predict: gradient_boosting, quantile and Huber losses") {
  const fp::gradient_boosting quantile = fitted(fp::gradient_boosting(
      {.loss = fp::boosting_loss::quantile, .n_estimators = 15, .max_depth = 3, .quantile_alpha = 0.8, .seed = 8}));
  const fp::gradient_boosting huber = fitted(fp::gradient_boosting({.loss = fp::boosting_loss::huber,
                                                                    .n_estimators = 15,
                                                                    .growth = fp::tree_growth::leafwise,
                                                                    .max_depth = 0,
                                                                    .max_leaves = 8,
                                                                    .seed = 9}));
  check_concurrent([&] {
    outputs out = regressor_outputs(quantile);
    append(out, regressor_outputs(huber));
    return out;
  });
}

// ---- the networks

TEST_CASE("concurrent predict: mlp_regressor, mse and gaussian heads") {
  const fp::mlp_regressor mse =
      fitted(fp::mlp_regressor({.hidden_layers = {8}, .batch_size = 32, .max_epochs = 5, .seed = 10}));
  const fp::mlp_regressor gaussian = fitted(fp::mlp_regressor({.hidden_layers = {6, 4},
                                                               .activation = fp::mlp_activation::tanh,
                                                               .head = fp::mlp_head::gaussian,
                                                               .batch_size = 32,
                                                               .max_epochs = 5,
                                                               .seed = 11}));
  check_concurrent([&] {
    outputs out = regressor_outputs(mse);
    append(out, regressor_outputs(gaussian));
    return out;
  });
}

TEST_CASE("concurrent predict: deep_ensemble") {
  const fp::deep_ensemble m = fitted(fp::deep_ensemble(
      {.n_estimators = 3,
       .member = {.hidden_layers = {6}, .head = fp::mlp_head::gaussian, .batch_size = 32, .max_epochs = 4},
       .seed = 12}));
  check_concurrent([&] { return regressor_outputs(m); });
}

// ---- the conformal wrappers (their own const state on top of the model's)

TEST_CASE("concurrent predict: conformalized quantile regression, split conformal, predictive system") {
  const fp::problems::regression_problem cal = fp::problems::smooth(120, 0.1, 83);
  fp::conformalized_quantile_regression<fp::gradient_boosting> cqr(
      fitted(fp::gradient_boosting({.n_estimators = 10, .max_depth = 3, .quantile_levels = {0.1, 0.9}, .seed = 13})),
      0.1, 0.9);
  (void)cqr.fit(cal.X, cal.y);
  fp::split_conformal<fp::bayesian_linear> split(fitted(fp::bayesian_linear{}));
  (void)split.fit(cal.X, cal.y);
  fp::conformal_predictive_system<fp::random_forest> cps(
      fitted(fp::random_forest({.n_estimators = 6, .max_depth = 5, .seed = 14})));
  (void)cps.fit(cal.X, cal.y);
  const fp::matrix& X = problem().test.X;
  check_concurrent([&] {
    outputs out;
    append(out, cqr.predict_quantiles(X));
    append(out, cqr.predict_interval(X, 0.2));
    append(out, split.predict(X));
    append(out, split.predict_interval(X, 0.1));
    append(out, cps.predict(X));
    append(out, cps.cdf(X, 0.5));
    append(out, cps.exceedance_probability(X, 1.0));
    return out;
  });
}

// ---- the impact models (ImpactModel: const predict_cost)

/// 300 market orders on a drifting mid; cost = half spread + 0.3 sqrt(quantity / 100) + noise.
fp::impact_dataset impact_orders() {
  using std::chrono::seconds;
  fp::detail::xoshiro256ss rng(15);
  fp::impact_dataset_builder b({"spread_bps", "queue_imbalance"}, {.horizons = {seconds{1}}, .daily_volume = 1e6});
  for (int t = 0; t <= 3001; ++t) b.add_mid(seconds{t}, 100.0 + 0.001 * t);
  for (int i = 0; i < 300; ++i) {
    const double mid = 100.0 + 0.001 * (10 * i), spread = rng.uniform(1.0, 3.0), imbalance = rng.uniform(-1.0, 1.0);
    const fp::side side = rng.uniform() < 0.5 ? fp::side::buy : fp::side::sell;
    const double q = 100.0 * std::exp(rng.normal()), s = fp::sign(side);
    const double cost = 0.5 * spread + 0.3 * std::sqrt(q / 100.0) + rng.normal(0.0, 0.2);
    const std::array<double, 2> f{spread, imbalance};
    b.add_order({.time = seconds{10 * i},
                 .end_time = seconds{10 * i},
                 .side = side,
                 .quantity = q,
                 .vwap = mid * (1.0 + s * cost * 1e-4),
                 .arrival_mid = mid,
                 .bid_depth = 300.0,
                 .ask_depth = 300.0},
                f);
  }
  return b.build();
}

TEST_CASE("concurrent predict: regression_impact_model, square_root_law, propagator") {
  const fp::impact_dataset d = impact_orders();
  fp::regression_impact_model<fp::bayesian_linear> linear;
  (void)linear.fit(d);
  fp::regression_impact_model<fp::random_forest> forest(
      fp::random_forest({.n_estimators = 6, .max_depth = 5, .min_samples_leaf = 3, .seed = 16}));
  (void)forest.fit(d);

  fp::detail::xoshiro256ss rng(17);
  fp::impact_observations obs;
  const fp::index n = 200;
  obs.quantity.resize(n);
  obs.volume = fp::vector::Constant(n, 1e6);
  obs.volatility = fp::vector::Constant(n, 0.02);
  obs.temporary_bps.resize(n);
  for (fp::index i = 0; i < n; ++i) {
    obs.quantity[i] = 1e3 * std::exp(rng.normal());
    obs.temporary_bps[i] = 0.8 * 200.0 * std::sqrt(obs.quantity[i] / 1e6) + rng.normal(0.0, 1.0);
  }
  obs.permanent_bps = 0.5 * obs.temporary_bps;
  fp::square_root_law sqrt_law;
  REQUIRE(sqrt_law.fit(obs).status == fp::fit_status::converged);
  const fp::propagator kernel(fp::propagator_params{.g0 = 2.0, .beta = 0.4});

  std::vector<fp::order> orders;
  std::vector<fp::market_state> states;
  for (int i = 0; i < 24; ++i) {
    orders.push_back({.side = i % 2 == 0 ? fp::side::buy : fp::side::sell,
                      .quantity = 50.0 * (1 + i),
                      .horizon = std::chrono::seconds{60 * (i % 4)}});
    fp::market_state s;
    s.mid = 101.0;
    s.spread = 0.02;
    s.bid_depth = s.ask_depth = 300.0;
    s.volatility = 2e-4;
    s.volume_rate = 1e6 / 23400.0;
    s.features = fp::vector{{1.0 + 0.05 * i, i % 3 == 0 ? fp::nan : 0.1 * (i % 5)}};
    states.push_back(s);
  }
  check_concurrent([&] {
    outputs out;
    for (std::size_t i = 0; i < orders.size(); ++i) {
      for (const fp::cost_estimate& c :
           {linear.predict_cost(orders[i], states[i]), forest.predict_cost(orders[i], states[i]),
            sqrt_law.predict_cost(orders[i], states[i]), kernel.predict_cost(orders[i], states[i])}) {
        out.insert(out.end(), {c.expected_bps, c.std_bps, c.temporary_bps, c.permanent_bps});
      }
      const auto dl = linear.predict_distribution(orders[i], states[i]);
      const auto df = forest.predict_distribution(orders[i], states[i]);
      out.insert(out.end(), {fp::mean(dl), fp::quantile(dl, 0.9), fp::mean(df), fp::quantile(df, 0.9)});
    }
    return out;
  });
}

}  // namespace unity_concurrent_predict
