// Predictive intervals reach nominal coverage on held-out heteroscedastic synthetic data,
// within sampling error: Gaussian head, deep ensemble, and the MSE head's constant sd.
#include "footprint/concepts.hpp"
#include "footprint/distributions/normal_mixture.hpp"
#include "footprint/models/neural/deep_ensemble.hpp"
#include "footprint/models/neural/mlp_regressor.hpp"

#include "models/mlp_test_data.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_mlp_coverage {

namespace fp = footprint;

namespace {

constexpr fp::index n_train = mlp_test::small ? 1200 : 2000;
constexpr fp::index n_test = mlp_test::small ? 1000 : 2000;
constexpr fp::index n_estimators = mlp_test::small ? 3 : 4;

/// Share of test rows inside the central interval [q(a/2), q(1 - a/2)].
template <class Dist>
double coverage(const std::vector<Dist>& dist, const fp::vector& y, double level) {
  const double lo = (1.0 - level) / 2.0;
  fp::index inside = 0;
  for (std::size_t i = 0; i < dist.size(); ++i) {
    const double yi = y[static_cast<fp::index>(i)];
    if (yi >= fp::quantile(dist[i], lo) && yi <= fp::quantile(dist[i], 1.0 - lo)) ++inside;
  }
  return static_cast<double>(inside) / static_cast<double>(dist.size());
}

/// Binomial sampling tolerance: 3 standard errors plus 0.01 for the model's own error.
double tolerance(double level) { return 3.0 * std::sqrt(level * (1.0 - level) / static_cast<double>(n_test)) + 0.01; }

const fp::mlp_regressor_params member_params{.hidden_layers = {32, 32},
                                             .head = fp::mlp_head::gaussian,
                                             .learning_rate = 3e-3,
                                             .batch_size = 64,
                                             .max_epochs = mlp_test::small ? 40 : 60,
                                             .patience = 8};

}  // namespace

TEST_CASE("mlp coverage: Gaussian-head intervals reach nominal coverage and track the noise level") {
  const auto train = fp::problems::heteroscedastic(n_train, 21);
  const auto test = fp::problems::heteroscedastic(n_test, 22);
  fp::mlp_regressor model(member_params);
  (void)model.fit(train.X, train.y);
  const auto dist = model.predict_distribution(test.X);
  for (const double level : {0.5, 0.8, 0.9, 0.95}) {
    const double c = coverage(dist, test.y, level);
    MESSAGE("gaussian head: " << level << " interval covers " << c);
    CHECK(std::abs(c - level) < tolerance(level));
  }
  // The predicted sd follows the true sigma(x) (it varies by a factor 5 over x).
  double rel = 0.0;
  for (fp::index i = 0; i < n_test; ++i)
    rel += std::abs(fp::standard_deviation(dist[static_cast<std::size_t>(i)]) - test.noise_sd[i]) / test.noise_sd[i];
  rel /= static_cast<double>(n_test);
  MESSAGE("mean relative error of the predicted sd: " << rel);
  CHECK(rel < (mlp_test::small ? 0.3 : 0.25));
}

TEST_CASE("mlp coverage: deep-ensemble mixture intervals reach nominal coverage") {
  const auto train = fp::problems::heteroscedastic(n_train, 23);
  const auto test = fp::problems::heteroscedastic(n_test, 24);
  fp::deep_ensemble ensemble({.n_estimators = n_estimators, .member = member_params, .seed = 5});
  const fp::fit_report r = ensemble.fit(train.X, train.y);
  CHECK(r.iterations >= n_estimators);
  const auto dist = ensemble.predict_distribution(test.X);
  REQUIRE(dist.size() == static_cast<std::size_t>(n_test));
  CHECK(dist[0].size() == static_cast<std::size_t>(n_estimators));
  for (const double level : {0.5, 0.8, 0.9, 0.95}) {
    const double c = coverage(dist, test.y, level);
    MESSAGE("deep ensemble: " << level << " interval covers " << c);
    CHECK(std::abs(c - level) < tolerance(level));
  }
  // mean(mixture) = predict; the mixture is at least as wide as its average member
  const fp::vector mean = ensemble.predict(test.X);
  fp::matrix means;
  fp::matrix sds;
  ensemble.predict_members(test.X, means, sds);
  for (fp::index i = 0; i < 50; ++i) {
    CHECK(fp::mean(dist[static_cast<std::size_t>(i)]) == doctest::Approx(mean[i]).epsilon(1e-12));
    CHECK(fp::standard_deviation(dist[static_cast<std::size_t>(i)]) >=
          std::sqrt(sds.row(i).squaredNorm() / static_cast<double>(n_estimators)) - 1e-12);
  }
}

TEST_CASE("mlp coverage: the MSE head's residual-sd normal has nominal marginal coverage") {
  // Homoscedastic data: a constant sd is the right model, so coverage is nominal row by row.
  const auto train = fp::problems::smooth(n_train, 0.3, 25);
  const auto test = fp::problems::smooth(n_test, 0.3, 26);
  fp::mlp_regressor model({.hidden_layers = {32, 32},
                           .learning_rate = 3e-3,
                           .batch_size = 64,
                           .max_epochs = mlp_test::small ? 40 : 60,
                           .validation_fraction = 0.2});
  (void)model.fit(train.X, train.y);
  CHECK(model.residual_sd() == doctest::Approx(0.3).epsilon(0.1));
  const auto dist = model.predict_distribution(test.X);
  for (const double level : {0.5, 0.9}) {
    const double c = coverage(dist, test.y, level);
    MESSAGE("mse head: " << level << " interval covers " << c);
    CHECK(std::abs(c - level) < tolerance(level));
  }
}

}  // namespace unity_mlp_coverage
