// mlp_regressor and deep_ensemble: concepts, parameter checks, input checks, callbacks,
// ensemble determinism for any thread count.
#include "footprint/concepts.hpp"
#include "footprint/distributions/normal_mixture.hpp"
#include "footprint/models/neural/deep_ensemble.hpp"
#include "footprint/models/neural/mlp_regressor.hpp"

#include "models/mlp_test_data.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <set>
#include <sstream>
#include <stdexcept>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_mlp_api {

namespace fp = footprint;

static_assert(fp::ProbabilisticRegressor<fp::mlp_regressor>);
static_assert(fp::WeightedRegressor<fp::mlp_regressor>);
static_assert(fp::ProbabilisticRegressor<fp::deep_ensemble>);
static_assert(fp::WeightedRegressor<fp::deep_ensemble>);
static_assert(fp::PredictiveDistribution<fp::mlp_regressor::distribution_type>);
static_assert(fp::PredictiveDistribution<fp::deep_ensemble::distribution_type>);

TEST_CASE("mlp_regressor: parameters are validated with the function, the value and the constraint") {
  CHECK_THROWS_WITH_AS(fp::mlp_regressor({.learning_rate = -1}),
                       "footprint::mlp_regressor: learning_rate must be > 0 (got -1)", fp::invalid_argument);
  CHECK_THROWS_WITH_AS(fp::mlp_regressor({.hidden_layers = {8, 0}}),
                       "footprint::mlp_regressor: hidden_layers[1] must be >= 1 (got 0)", fp::invalid_argument);
  CHECK_THROWS_WITH_AS(fp::mlp_regressor({.batch_size = 0}),
                       "footprint::mlp_regressor: batch_size must be >= 1 (got 0)", fp::invalid_argument);
  CHECK_THROWS_WITH_AS(fp::mlp_regressor({.validation_fraction = 1.0}),
                       "footprint::mlp_regressor: validation_fraction must be in [0, 1) (got 1)", fp::invalid_argument);
  CHECK_THROWS_AS(fp::mlp_regressor({.activation = static_cast<fp::mlp_activation>(9)}), fp::invalid_argument);
  CHECK_THROWS_AS(fp::mlp_regressor({.beta2 = 1.0}), fp::invalid_argument);
  CHECK_THROWS_AS(fp::mlp_regressor({.momentum = -0.1}), fp::invalid_argument);
  CHECK_THROWS_AS(fp::mlp_regressor({.weight_decay = std::numeric_limits<double>::infinity()}), fp::invalid_argument);
  CHECK_THROWS_AS(fp::mlp_regressor({.max_epochs = 0}), fp::invalid_argument);
  CHECK_THROWS_AS(fp::mlp_regressor({.patience = -1}), fp::invalid_argument);
  CHECK_THROWS_AS(fp::mlp_regressor({.lr_decay = 0.0}), fp::invalid_argument);
  CHECK_THROWS_WITH_AS(fp::deep_ensemble({.n_estimators = 0}),
                       "footprint::deep_ensemble: n_estimators must be >= 1 (got 0)", fp::invalid_argument);
  CHECK_THROWS_AS(fp::deep_ensemble({.member = {.tol = -1.0}}), fp::invalid_argument);
  // names round-trip
  CHECK(fp::mlp_option_from_string<fp::mlp_activation>("gelu") == fp::mlp_activation::gelu);
  CHECK(fp::mlp_option_from_string<fp::mlp_schedule>("cosine") == fp::mlp_schedule::cosine);
  CHECK(!fp::mlp_option_from_string<fp::mlp_head>("poisson").has_value());
}

TEST_CASE("mlp_regressor: bad inputs throw and leave the model as it was") {
  const auto d = fp::problems::smooth(100, 0.1, 31);
  fp::mlp_regressor m({.hidden_layers = {4}, .max_epochs = 2});
  CHECK_THROWS_AS((void)m.predict(d.X), fp::not_fitted);
  CHECK_THROWS_AS((void)m.make_workspace(), fp::not_fitted);
  CHECK_THROWS_AS((void)m.residual_sd(), fp::not_fitted);
  CHECK(m.n_features() == 0);
  fp::matrix X_bad = d.X;
  X_bad(7, 2) = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_WITH_AS(m.fit(X_bad, d.y), "footprint::mlp_regressor::fit: X must be finite; row 7, column 2 is nan",
                       fp::invalid_argument);
  fp::vector y_bad = d.y;
  y_bad[3] = std::numeric_limits<double>::infinity();
  CHECK_THROWS_AS(m.fit(d.X, y_bad), fp::invalid_argument);
  CHECK_THROWS_AS(m.fit(d.X, d.y.head(50)), fp::dimension_mismatch);
  CHECK_THROWS_AS(m.fit(d.X, d.y, fp::vector::Ones(99)), fp::dimension_mismatch);
  CHECK_THROWS_AS(m.fit(d.X, d.y, fp::vector::Zero(100)), fp::invalid_argument);
  CHECK_THROWS_AS(m.fit(d.X.topRows(1), d.y.head(1)), fp::invalid_argument);  // no room for validation
  CHECK(!m.is_fitted());
  (void)m.fit(d.X, d.y);
  CHECK(m.is_fitted());
  CHECK(m.n_features() == 3);
  CHECK(m.n_parameters() == 3 * 4 + 4 + 4 + 1);
  const fp::vector before = m.predict(d.X);
  CHECK_THROWS_AS(m.fit(X_bad, d.y), fp::invalid_argument);
  CHECK((m.predict(d.X).array() == before.array()).all());
  CHECK_THROWS_AS((void)m.predict(d.X.leftCols(2)), fp::dimension_mismatch);
  CHECK_THROWS_AS((void)m.predict(X_bad), fp::invalid_argument);
  fp::vector out(5);
  CHECK_THROWS_AS(m.predict(d.X, out), fp::dimension_mismatch);
  // A diverging fit throws convergence_error carrying its report, and changes nothing.
  fp::mlp_regressor wild({.hidden_layers = {4},
                          .optimizer = fp::mlp_optimizer::sgd,
                          .learning_rate = 1e6,
                          .momentum = 0.9,
                          .max_epochs = 50});
  try {
    (void)wild.fit(d.X, d.y);
    FAIL("did not diverge");
  } catch (const fp::convergence_error& e) {
    CHECK(e.report().status == fp::fit_status::diverged);
  }
  CHECK(!wild.is_fitted());
}

TEST_CASE("mlp_regressor: predict, predict_distribution and the single-row overloads agree") {
  const auto d = fp::problems::smooth(300, 0.2, 32);
  for (const auto head : {fp::mlp_head::mse, fp::mlp_head::gaussian}) {
    CAPTURE(fp::to_string(head));
    fp::mlp_regressor m(
        {.hidden_layers = {16, 8}, .activation = fp::mlp_activation::tanh, .head = head, .max_epochs = 5});
    (void)m.fit(d.X, d.y);
    const fp::vector mean = m.predict(d.X);
    const auto dist = m.predict_distribution(d.X);
    fp::mlp_workspace ws = m.make_workspace();
    for (fp::index i = 0; i < 20; ++i) {
      const fp::row_vector row = d.X.row(i);
      const std::span<const double> x(row.data(), 3);
      double mu = 0.0;
      double sd = 0.0;
      CHECK(m.predict_row(x, ws, mu, sd));
      CHECK(fp::mean(dist[static_cast<std::size_t>(i)]) == mean[i]);
      CHECK(mu == doctest::Approx(mean[i]).epsilon(1e-12));
      CHECK(sd == doctest::Approx(fp::standard_deviation(dist[static_cast<std::size_t>(i)])).epsilon(1e-12));
      CHECK(m.predict_row(x, ws) == mu);
    }
    // misuse gives NaN, never UB
    const std::vector<double> two{1.0, 2.0};
    CHECK(std::isnan(m.predict_row(two, ws)));
    fp::mlp_workspace empty;
    const fp::row_vector row = d.X.row(0);
    CHECK(std::isnan(m.predict_row(std::span<const double>(row.data(), 3), empty)));
    CHECK(std::isnan(fp::mlp_regressor().predict_row(two, ws)));
  }
}

TEST_CASE("mlp_regressor: the progress callback sees every epoch, set by params or setter") {
  const auto d = fp::problems::smooth(120, 0.1, 33);
  fp::mlp_regressor m({.hidden_layers = {4}, .max_epochs = 6, .patience = 0});
  std::vector<fp::index> epochs;
  m.set_progress([&](const fp::mlp_progress& p) { epochs.push_back(p.epoch); });
  (void)m.fit(d.X, d.y);
  CHECK(epochs == std::vector<fp::index>{1, 2, 3, 4, 5, 6});
  std::ostringstream os;
  m.set_progress(fp::mlp_print_progress(os, 5));
  (void)m.fit(d.X, d.y);
  const std::string text = os.str();
  CHECK(text.find("mlp member 0 epoch 1/6: train ") != std::string::npos);
  CHECK(text.find("epoch 5/6") != std::string::npos);
  CHECK(text.find("epoch 6/6") != std::string::npos);
  CHECK(text.find("epoch 3/6") == std::string::npos);
  // an exception thrown by the callback propagates and leaves the model unchanged
  const fp::vector before = m.predict(d.X);
  m.set_progress([](const fp::mlp_progress& p) {
    if (p.epoch == 2) throw std::runtime_error("stop");
  });
  CHECK_THROWS_WITH_AS(m.fit(d.X, d.y * 2.0), "stop", std::runtime_error);
  CHECK((m.predict(d.X).array() == before.array()).all());
}

TEST_CASE("deep_ensemble: identical for any thread count, members differ, progress names members") {
  const auto d = fp::problems::smooth(300, 0.2, 34);
  const fp::deep_ensemble_params p{
      .n_estimators = 3, .member = {.hidden_layers = {8}, .head = fp::mlp_head::gaussian, .max_epochs = 4}, .seed = 8};
  fp::deep_ensemble a(p);
  std::set<fp::index> members_seen;
  a.set_progress([&](const fp::mlp_progress& info) { members_seen.insert(info.member); });
  (void)a.fit(d.X, d.y);
  CHECK(members_seen == std::set<fp::index>{0, 1, 2});
  fp::deep_ensemble serial(
      fp::deep_ensemble_params{.n_estimators = 3, .member = p.member, .seed = 8, .parallel = false});
  (void)serial.fit(d.X, d.y);
#ifdef _OPENMP
  const int saved = omp_get_max_threads();
  omp_set_num_threads(1);
#endif
  fp::deep_ensemble one(p);
  (void)one.fit(d.X, d.y);
#ifdef _OPENMP
  omp_set_num_threads(saved);
#endif
  CHECK((a.predict(d.X).array() == serial.predict(d.X).array()).all());
  CHECK((a.predict(d.X).array() == one.predict(d.X).array()).all());
  // members are different networks
  CHECK((a.members()[0].predict(d.X).array() != a.members()[1].predict(d.X).array()).any());
  // single-row path
  fp::mlp_workspace ws = a.make_workspace();
  const fp::row_vector row = d.X.row(4);
  std::vector<double> means(3);
  std::vector<double> sds(3);
  CHECK(a.predict_row(std::span<const double>(row.data(), 3), ws, means, sds));
  const auto dist = a.predict_distribution(d.X.middleRows(4, 1));
  CHECK(fp::mean(dist[0]) == doctest::Approx(a.predict_row(std::span<const double>(row.data(), 3), ws)).epsilon(1e-12));
  CHECK(dist[0].means()[1] == doctest::Approx(means[1]).epsilon(1e-12));
  CHECK(dist[0].standard_deviations()[2] == doctest::Approx(sds[2]).epsilon(1e-12));
  // errors
  CHECK_THROWS_AS((void)fp::deep_ensemble().predict(d.X), fp::not_fitted);
  CHECK_THROWS_AS((void)a.predict(d.X.leftCols(1)), fp::dimension_mismatch);
  fp::matrix X_bad = d.X;
  X_bad(0, 0) = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_AS(a.fit(X_bad, d.y), fp::invalid_argument);
  CHECK(a.is_fitted());
}

}  // namespace unity_mlp_api
